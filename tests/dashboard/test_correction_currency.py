"""The correction form's currency field, through the Data page's callbacks as a signed-in editor sends them: any
ISO 4217 code is typed (the ECB's currencies suggested), a corrected amount is converted to USD at the ECB rate of
the start date, and a code without a rate is shown as a problem of the currency field with nothing written."""

from __future__ import annotations

import sys

import pytest
from auth_support import post_callback, signed_in_client

from dashboard import ids
from geodata.io import edit, store
from geodata.io.importers import money

PROJECT = "sample-000007"  # a USD sample project with a start date


@pytest.fixture(scope="module")
def app():
    from dashboard.app import create_app

    app = create_app()
    app.server.test_client().get("/")  # Dash registers the pages' callbacks on its first request
    return app


def _key(app, button: str) -> str:
    """The callback fired by ``button`` (Check or Save)."""
    [key] = [k for k, v in app.callback_map.items() if [i["id"] for i in v["inputs"]] == [button]]
    return key


def _form(app, **changes) -> dict:
    row = edit.find(PROJECT)
    form = {**edit.form_values(row), **changes}
    return {
        "data-edit-project.value": PROJECT,
        "data-edit-token.data": edit.row_token(row),
        **{f"{cid}.value": form[name] for name, cid in ids.DATA_EDIT_FIELDS.items()},
    }


def test_the_currency_field_is_typed_with_the_ecb_currencies_suggested():
    from dashboard.app import create_app

    create_app()
    page = sys.modules["pages.data"]
    form = page.edit_form()
    found = {}

    def walk(c):
        if getattr(c, "id", None) in (ids.DATA_EDIT_FIELDS["currency"], ids.DATA_EDIT_CURRENCIES):
            found[c.id] = c
        for child in c.children if isinstance(getattr(c, "children", None), list) else [getattr(c, "children", None)]:
            if hasattr(child, "to_plotly_json"):
                walk(child)

    walk(form)
    field, suggestions = found[ids.DATA_EDIT_FIELDS["currency"]], found[ids.DATA_EDIT_CURRENCIES]
    assert field.list == ids.DATA_EDIT_CURRENCIES and type(field).__name__ == "Input"
    codes = {o.value for o in suggestions.children}
    assert codes == {code for code, _ in money.convertible_currencies()}
    assert {"USD", "EUR", "GBP", "CHF"} <= codes and "KPW" not in codes


def test_a_corrected_amount_in_pounds_is_checked_then_saved_in_usd(app):
    client = signed_in_client(app, "pm", "editor")
    start = edit.find(PROJECT)["start_date"]
    rate = money.usd_rate("GBP", start, "start date")

    values = {"data-edit-check.n_clicks": 1, **_form(app, currency="gbp", committed="200000", disbursed="0")}
    checked = post_callback(client, app, _key(app, "data-edit-check"), values, ["data-edit-check.n_clicks"])
    assert checked.status_code == 200, checked.data
    text = checked.get_data(as_text=True)
    assert "No problems" in text and "GBP" in text and "fx_note" in text

    values = {"data-edit-save.n_clicks": 1, **_form(app, currency="gbp", committed="200000", disbursed="0")}
    saved = post_callback(client, app, _key(app, "data-edit-save"), values, ["data-edit-save.n_clicks"])
    assert saved.status_code == 200 and "Saved as import" in saved.get_data(as_text=True)
    row = edit.find(PROJECT)
    assert (row["currency"], row["committed"]) == ("GBP", 200_000)
    assert row["committed_usd"] == pytest.approx(round(200_000 * rate.rate, 2))
    assert row["fx_note"] == rate.note()
    assert store.history()[-1].user == "pm"


@pytest.mark.parametrize(
    ("currency", "why"),
    [("XYZ", "XYZ is not an ISO 4217 currency code"), ("KPW", "the ECB publishes no reference rate for KPW")],
)
def test_a_currency_without_a_rate_is_shown_in_the_form_and_nothing_is_written(app, currency, why):
    client = signed_in_client(app, f"pm-{currency.lower()}", "editor")
    store.ensure_store()
    before = store.store_path().read_bytes()
    for button in ("data-edit-check", "data-edit-save"):
        values = {f"{button}.n_clicks": 1, **_form(app, currency=currency, committed="1000")}
        response = post_callback(client, app, _key(app, button), values, [f"{button}.n_clicks"])
        assert response.status_code == 200, response.data
        text = response.get_data(as_text=True)
        assert "data-edit-problems" in text and f"Currency (currency) = '{currency}'" in text and why in text
        assert "must be one of" not in text  # one problem naming the code, not a list of every code
    assert store.store_path().read_bytes() == before
