"""Sign-in and sign-out in headless Chromium with real key input and pointer clicks, and the Content-Security-Policy:
no page (explorer, coverage, briefing, the Data page with its grid, sign-in) reports a violation."""

from __future__ import annotations

import pytest
from a11y_support import settle
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from signin_support import PASSWORD, sign_in
from waits import callbacks_done, until

from dashboard import accounts
from dashboard.app import create_app
from geodata.io import store

pytestmark = pytest.mark.browser

# Recorded from the first script on every page load (before Dash's own), so no violation is missed.
_RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def _click(dash_duo, element) -> None:
    ActionChains(dash_duo.driver).move_to_element(element).click().perform()


def _violations(dash_duo) -> list[str]:
    found = dash_duo.driver.execute_script("return window.__cspViolations || []")
    logs = [e["message"] for e in dash_duo.driver.get_log("browser") if "Content Security Policy" in e["message"]]
    return found + logs


def test_sign_in_and_out_with_the_keyboard_and_the_mouse(dash_duo):
    accounts.add("amira", "editor", PASSWORD)
    dash_duo.start_server(create_app())
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/data", timeout=20)
    prompt = dash_duo.wait_for_element("#data-sign-in-prompt", timeout=20)
    assert "program managers" in prompt.text and not dash_duo.driver.find_elements(By.ID, "data-upload")

    _click(dash_duo, prompt.find_element(By.LINK_TEXT, "Sign in as an editor"))
    dash_duo.wait_for_element("#login-username", timeout=20)
    assert dash_duo.driver.current_url.endswith("/login?next=/data")
    # a wrong password first: refused, and the page says so without saying whether the name exists
    dash_duo.find_element("#login-username").send_keys("amira")
    dash_duo.find_element("#login-password").send_keys("not the password" + Keys.ENTER)
    dash_duo.wait_for_contains_text("#login-message", "Wrong username or password", timeout=20)

    dash_duo.find_element("#login-username").send_keys("amira")
    dash_duo.find_element("#login-password").send_keys(PASSWORD)
    _click(dash_duo, dash_duo.find_element("#login-submit"))
    dash_duo.wait_for_element("#data-upload", timeout=20)
    assert dash_duo.driver.current_url.endswith("/data")
    assert "amira (editor)" in dash_duo.find_element("#nav-account").text
    cookie = dash_duo.driver.get_cookie("tfa_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert dash_duo.driver.execute_script("return document.cookie").find("tfa_session") == -1

    _click(dash_duo, dash_duo.find_element("#nav-account button"))
    dash_duo.wait_for_element("#nav-sign-in", timeout=20)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/data", timeout=20)
    dash_duo.wait_for_element("#data-sign-in-prompt", timeout=20)
    assert _violations(dash_duo) == []
    # the page's last callbacks finish before the server stops
    until(dash_duo.driver, lambda: callbacks_done(dash_duo.driver), "the page's last callbacks")


def test_no_page_reports_a_content_security_policy_violation(dash_duo, tmp_path):
    dash_duo.start_server(create_app())
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _RECORD_VIOLATIONS})
    for path, ready in (("/", "#explorer-map .maplibregl-canvas"), ("/coverage", ".js-plotly-plot"),
                        ("/briefing", ".js-plotly-plot"), ("/login", "#login-username")):  # fmt: skip
        dash_duo.wait_for_page(url=f"{dash_duo.server_url}{path}", timeout=30)
        dash_duo.wait_for_element(ready, timeout=60)  # the first page is the first draw after the server starts
        settle(dash_duo.driver)  # the page's callbacks have run, its maps have loaded their tiles and styles
        assert dash_duo.driver.execute_script("return Array.isArray(window.__cspViolations)"), path
        assert _violations(dash_duo) == [], path

    # the Data page as an editor, with the preview grid (AG Grid's value formatters) drawn
    sign_in(dash_duo, "amira", "editor")
    upload = tmp_path / "p.csv"
    upload.write_text(
        "project_id,title,sector,target_communities,municipality,status,start_date,committed,currency\n"
        "c-1,Hygiene kits,health,Roma,Zvečan,ongoing,2024-03,4200,USD\n",
        encoding="utf-8",
    )
    dash_duo.wait_for_element("#data-upload input[type=file]", timeout=20).send_keys(str(upload))
    dash_duo.wait_for_contains_text("#data-report-summary", "1 valid", timeout=20)
    dash_duo.wait_for_element("#data-preview-grid .ag-cell[col-id=committed]", timeout=20)
    assert "4,200" in dash_duo.find_element("#data-preview-grid .ag-cell[col-id=committed]").text
    assert not store.exists()
    assert _violations(dash_duo) == []
    # the recorder does see a violation: an inline script added now is blocked and reported
    dash_duo.driver.execute_script(
        "var s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.body.appendChild(s);"
    )
    until(dash_duo.driver, lambda: any("script-src" in v for v in _violations(dash_duo)), "the blocked script's report")
    assert dash_duo.driver.execute_script("return window.__ran") is None
