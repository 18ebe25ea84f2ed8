"""The Data page in headless Chromium: upload a CSV with one bad row, see the bad cell highlighted with its
reason, commit the valid rows, and see the import in the history (and in the store)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import geodata
from dashboard.app import create_app
from geodata import store

pytestmark = pytest.mark.browser

CSV = (
    "project_id,title,sector,target_communities,municipality,status,start_date,committed,currency\n"
    "b-1,Hygiene kits for returnees,health,Roma;Ashkali,Zvečan,ongoing,2024-03,4200,USD\n"
    "b-2,After-school tutoring,education,Egyptian,Atlantis,ongoing,2024-09,1800,USD\n"
    "b-3,Roof repairs,housing,Roma,Leposaviq,completed,2023,9000,EUR\n"
)
SCREENSHOT = os.environ.get("TFA_DATA_SCREENSHOT")  # set to save the page (docs/data.png)


def _wait(dash_duo, condition, what: str, timeout: float = 20):
    try:
        return WebDriverWait(dash_duo.driver, timeout).until(condition)
    except TimeoutException:
        dash_duo.driver.save_screenshot(str(Path(dash_duo.driver.capabilities.get("tmp", "/tmp")) / "data-fail.png"))
        raise AssertionError(f"timed out waiting for {what}") from None


def test_upload_preview_commit_and_history(dash_duo, tmp_path):
    upload = tmp_path / "partner.csv"
    upload.write_text(CSV, encoding="utf-8")
    dash_duo.start_server(create_app())
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/data?dataset=documented", timeout=20)
    dash_duo.wait_for_element("#data-upload", timeout=20)
    assert "documented data" in dash_duo.find_element("#data-export-sentence").text

    dash_duo.find_element("#data-upload input[type=file]").send_keys(str(upload))

    # The report and the rows: the unknown municipality is highlighted on its line (3) and says why.
    dash_duo.wait_for_contains_text("#data-report-summary", "2 valid", timeout=20)
    bad = _wait(
        dash_duo,
        lambda d: d.find_elements(By.CSS_SELECTOR, "#data-preview-grid .data-cell-invalid[col-id=municipality]"),
        "the highlighted municipality cell",
    )
    assert bad[0].text == "Atlantis"
    rejected = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#data-preview-grid .data-row-rejected")
    assert [e.text for e in rejected] == ["rejected"]
    assert "unknown municipality" in dash_duo.find_element("#data-report").text
    assert not store.exists()  # nothing written by the preview
    if SCREENSHOT:
        dash_duo.driver.set_window_size(1280, 1400)
        dash_duo.driver.save_screenshot(SCREENSHOT)

    dash_duo.find_element("#data-commit-valid").click()
    dash_duo.wait_for_contains_text("#data-commit-message", "2 added", timeout=20)
    dash_duo.wait_for_contains_text("#data-history", "partner.csv", timeout=20)
    history = dash_duo.find_element("#data-history").text
    assert "Roll back" in history
    ids = set(geodata.load("projects")["project_id"])
    assert {"b-1", "b-3"} <= ids and "b-2" not in ids
    assert [r.rows_rejected for r in store.history()] == [1]
