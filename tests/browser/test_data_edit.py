"""Correcting a project on the Data page in headless Chromium: find it by title, see a bad value refused with its
reason, fix the title, save, see the edit in the history, and roll it back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from signin_support import sign_in

import geodata
from dashboard.app import create_app
from geodata.io import store

pytestmark = pytest.mark.browser

PROJECT = "sample-000007"
SCREENSHOT = os.environ.get("TFA_EDIT_SCREENSHOT")  # set to save the page after the check


def _wait(dash_duo, condition, what: str, timeout: float = 20):
    try:
        return WebDriverWait(dash_duo.driver, timeout).until(condition)
    except TimeoutException:
        dash_duo.driver.save_screenshot(
            str(Path(dash_duo.driver.capabilities.get("tmp", "/tmp")) / "data-edit-fail.png")
        )
        raise AssertionError(f"timed out waiting for {what}") from None


def _click(dash_duo, selector: str) -> None:
    """Scroll the element to the middle and click it; retried while the page is still moving under it."""

    def clicked(driver) -> bool:
        element = driver.find_element(By.CSS_SELECTOR, selector)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        try:
            element.click()
        except (ElementClickInterceptedException, StaleElementReferenceException):
            return False
        return True

    _wait(dash_duo, clicked, f"{selector} to be clickable")


def _retype(dash_duo, selector: str, text: str) -> None:
    field = dash_duo.find_element(selector)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE)
    field.send_keys(text)


def test_correct_a_title_see_it_in_the_history_and_roll_it_back(dash_duo):
    original = geodata.load("projects").set_index("project_id").loc[PROJECT]
    dash_duo.start_server(create_app())
    sign_in(dash_duo)  # the Data page is for editors
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/data", timeout=20)

    # Find the project by typing part of its title into the searchable dropdown.
    dash_duo.driver.set_window_size(1280, 1400)
    dropdown = dash_duo.wait_for_element("#data-edit-project", timeout=20)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", dropdown)
    dropdown.click()
    search = _wait(
        dash_duo,
        lambda d: (e := d.switch_to.active_element).get_attribute("type") == "search" and e,
        "the project search box",
    )
    search.send_keys("Chelation therapy referral support, Lepos")
    option = _wait(
        dash_duo,
        lambda d: next(
            (e for e in d.find_elements(By.XPATH, f"//*[contains(text(), '{PROJECT}')]") if e.is_displayed()), None
        ),
        "the project in the dropdown",
    )
    option.click()
    _wait(
        dash_duo,
        lambda d: d.find_element(By.ID, "data-edit-title").get_attribute("value") == original["title"],
        "the stored title in the form",
    )
    assert "SAMPLE DATA" in dash_duo.find_element("#data-edit-sample-note").text

    # A disbursement above the commitment is refused by field and value; nothing is written.
    _retype(dash_duo, "#data-edit-disbursed", "400000")
    _click(dash_duo, "#data-edit-check")
    dash_duo.wait_for_contains_text("#data-edit-problems", "Disbursed (disbursed) = 400000", timeout=20)
    assert "above the committed amount (325500)" in dash_duo.find_element("#data-edit-problems").text
    if SCREENSHOT:
        dash_duo.driver.execute_script("document.getElementById('data-edit-project').scrollIntoView()")
        dash_duo.driver.save_screenshot(SCREENSHOT)
    _click(dash_duo, "#data-edit-save")
    dash_duo.wait_for_contains_text("#data-edit-problems", "Not saved; nothing was written", timeout=20)
    assert not store.exists()

    # Put the amount back, correct the title, check and save.
    _retype(dash_duo, "#data-edit-disbursed", "134600")
    _retype(dash_duo, "#data-edit-title", "Chelation referrals, Leposavić (corrected)")
    _click(dash_duo, "#data-edit-check")
    dash_duo.wait_for_contains_text("#data-edit-checked", "Saving will change", timeout=20)
    assert "disbursed" not in dash_duo.find_element("#data-edit-checked").text
    _click(dash_duo, "#data-edit-save")
    dash_duo.wait_for_contains_text("#data-edit-saved", "Saved as import 1", timeout=20)
    dash_duo.wait_for_contains_text("#data-history", f"edit of {PROJECT}", timeout=20)
    row = geodata.load("projects").set_index("project_id").loc[PROJECT]
    assert row["title"] == "Chelation referrals, Leposavić (corrected)" and bool(row["is_sample"])
    [record] = store.history()
    assert (record.format, record.rows_updated) == ("edit", 1)

    # The history rolls the edit back like an import (the button asks for confirmation first).
    _click(dash_duo, "#data-history button")
    _wait(dash_duo, lambda d: d.switch_to.alert, "the confirmation dialog").accept()
    dash_duo.wait_for_contains_text("#data-history", "rolled back", timeout=20)
    assert geodata.load("projects").set_index("project_id").loc[PROJECT]["title"] == original["title"]
