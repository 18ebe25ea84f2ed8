"""Sign in through the real /login form in Chromium (typed with real key input), as a new account created in the
test's own data directory."""

from __future__ import annotations

from urllib.parse import quote

from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import accounts

PASSWORD = "a long browser-test password"


def sign_in(dash_duo, name: str = "pm", role: str = "editor", next_path: str = "/data") -> None:
    """Create the account, fill the sign-in form key by key, press Enter and wait for ``next_path``."""
    accounts.add(name, role, PASSWORD)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/login?next={quote(next_path)}", timeout=20)
    dash_duo.wait_for_element("#login-username", timeout=20).send_keys(name)
    dash_duo.find_element("#login-password").send_keys(PASSWORD + Keys.ENTER)
    WebDriverWait(dash_duo.driver, 20).until(
        lambda d: (
            d.current_url.split("//", 1)[1].split("/", 1)[1].startswith(next_path.lstrip("/"))
            and f"{name} ({role})" in d.find_element("css selector", "#nav-account").text
        )
    )
