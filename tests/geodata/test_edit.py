"""Correcting one project (geodata.io.edit): checked like an import, written as a logged edit, undone by rollback;
a refused correction leaves the store byte-identical."""

from __future__ import annotations

import pandas as pd
import pytest

import geodata
from geodata.facts.municipality_registry import BY_CODE
from geodata.io import edit, store

SAMPLE = "sample-000007"  # USD, municipality level (precision 3) in Leposavić, committed 325500, from 2024-09-01
EUR_DOC = "doc-2013-leposavic-closure"  # documented, EUR with a converted USD amount and an FX note

pytestmark = pytest.mark.usefixtures("store_backend")  # every test on the GeoPackage and on PostGIS


def store_digest() -> str:
    """SHA-256 of everything stored: the store file's bytes, or the database's rows ('' when there is none)."""
    return store.digest()


def stored(project_id: str):
    projects = geodata.load("projects")
    return projects[projects["project_id"] == project_id].iloc[0]


def test_a_valid_correction_is_saved_logged_and_the_sample_flag_kept():
    assert not store.exists()
    before = stored(SAMPLE)
    others_before = geodata.load("projects").query("project_id != @SAMPLE")
    correction, result = edit.save_correction(
        SAMPLE, {"title": "  Chelation referrals, Leposavić (corrected)", "status": "Completed"}, user="pm"
    )
    assert correction.changes == {"title": "Chelation referrals, Leposavić (corrected)", "status": "completed"}
    [record] = store.history()
    assert record == result.record
    assert (record.format, record.file_name, record.user) == ("edit", f"edit of {SAMPLE}", "pm")
    assert (record.rows_added, record.rows_updated, record.status) == (0, 1, store.ACTIVE)
    after = stored(SAMPLE)
    assert after["title"] == "Chelation referrals, Leposavić (corrected)" and after["status"] == "completed"
    assert bool(after["is_sample"]) is True and after["dataset"] == "sample"
    assert after["import_id"] == record.import_id
    ignore = ("title", "status")
    assert store.row_key(after, ignore) == store.row_key(before, ignore)  # nothing else changed
    others_after = geodata.load("projects").query("project_id != @SAMPLE")
    assert store.fingerprint(others_after) == store.fingerprint(others_before)  # the store was seeded, not changed


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"disbursed": "400000"}, "Disbursed (disbursed) = 400000: is above the committed amount (325500)"),
        (
            {"municipality": "Atlantis"},
            "Municipality (municipality) = 'Atlantis': unknown municipality",
        ),
        ({"end_date": "2023-12"}, "End date (end_date) = '2023-12': is before the start date 2024-09-01"),
        ({"start_date": "31.02.2024"}, "Start date (start_date) = '31.02.2024': is not a date"),
        ({"committed": "a lot"}, "Committed (committed) = 'a lot': is not a number"),
        ({"beneficiaries_reached": "-5"}, "People reached (beneficiaries_reached) = -5"),
        ({"sector": "tourism"}, "Sector (sector) = 'tourism': must be one of"),
        ({"title": '=HYPERLINK("x")'}, "Title (title) = '=HYPERLINK(\"x\")': looks like a spreadsheet formula"),
        ({"funder": "ask jane@example.org"}, "Funder (funder) = 'ask jane@example.org': contains an e-mail address"),
        ({"sources": " "}, "Sources (sources): is a required field but empty"),
        ({"is_sample": False}, "is_sample = False: cannot be corrected here"),
    ],
)
def test_an_invalid_correction_is_refused_by_field_and_value_and_changes_nothing(values, expected):
    edit.save_correction(SAMPLE, {"funder": "Sample donor D"})  # a store with one edit in its log
    digest, log = store_digest(), store.history()
    content = store.fingerprint(geodata.load("projects"), with_import_ids=True)
    with pytest.raises(edit.CorrectionRefused) as refused:
        edit.save_correction(SAMPLE, {"title": "Also renamed", **values})
    messages = [edit.describe(p) for p in refused.value.problems]
    assert any(m.startswith(expected) for m in messages), messages
    assert expected.split(":")[0] in str(refused.value) and "nothing was written" in str(refused.value)
    assert store_digest() == digest
    assert store.history() == log
    assert store.fingerprint(geodata.load("projects"), with_import_ids=True) == content


def test_every_problem_is_reported_at_once_and_no_store_is_created():
    correction = edit.check_correction(
        SAMPLE, {"disbursed": "999999", "municipality": "Atlantis", "end_date": "2020-01"}
    )
    assert {p.field for p in correction.problems} == {"disbursed", "municipality", "end_date"}
    assert correction.changes == {}
    with pytest.raises(edit.CorrectionRefused):
        edit.save_correction(SAMPLE, {"disbursed": "999999", "municipality": "Atlantis", "end_date": "2020-01"})
    assert not store.exists()


def test_rollback_restores_the_previous_row_exactly():
    store.ensure_store()
    before = geodata.load("projects")
    row_before = stored(EUR_DOC)
    _, result = edit.save_correction(EUR_DOC, {"committed": "1.600.000,00", "beneficiaries_reached": "120"})
    changed = stored(EUR_DOC)
    assert changed["committed"] == 1_600_000 and changed["beneficiaries_reached"] == 120
    record = store.rollback(result.record.import_id)
    assert record.status == store.ROLLED_BACK and record.file_name == f"edit of {EUR_DOC}"
    row_after = stored(EUR_DOC)
    assert store.row_key(row_after) == store.row_key(row_before)
    assert row_after["fx_note"] == row_before["fx_note"] and row_after["committed_usd"] == 2031993.0
    after = geodata.load("projects")
    assert store.fingerprint(after, with_import_ids=True) == store.fingerprint(before, with_import_ids=True)
    assert list(after.dtypes) == list(before.dtypes)


def test_derived_values_follow_the_correction():
    usd, _ = edit.save_correction(SAMPLE, {"committed": "400000", "municipality": "Zvečan", "sector": "education"})
    row = stored(SAMPLE)
    assert row["committed_usd"] == 400000 and row["disbursed_usd"] == 134600  # USD amounts follow
    assert row["sector"] == row["sectors"] == "education"
    anchor = BY_CODE["zvecan"]
    assert row["municipality"] == "zvecan" and row["location_precision"] == 3
    m = geodata.load("municipalities").set_index("code").loc[anchor.code]
    assert (round(row.geometry.x, 6), round(row.geometry.y, 6)) == (
        round(m["anchor_lon"], 6),
        round(m["anchor_lat"], 6),
    )
    assert any("point moves" in n for n in usd.notes)
    eur, _ = edit.save_correction(EUR_DOC, {"committed": "1600000"})
    row = stored(EUR_DOC)
    assert row["committed"] == 1_600_000 and row["currency"] == "EUR"
    # the old rate no longer applies: converted again at the ECB rate of the start date
    assert row["committed_usd"] > 0 and "EUR→USD" in row["fx_note"] and "ECB reference rate" in row["fx_note"]
    assert row["start_date"][:10] in row["fx_note"]
    assert any("FX note" in n for n in eur.notes)


def test_a_form_filled_before_another_change_is_refused():
    token = edit.row_token(edit.find(SAMPLE))
    edit.save_correction(SAMPLE, {"status": "completed"})
    digest = store_digest()
    with pytest.raises(edit.CorrectionRefused, match="was changed"):
        edit.save_correction(SAMPLE, {"title": "Stale form"}, expected=token)
    assert store_digest() == digest
    fresh = edit.row_token(edit.find(SAMPLE))
    edit.save_correction(SAMPLE, {"title": "Fresh form"}, expected=fresh)
    assert stored(SAMPLE)["title"] == "Fresh form"


def test_a_correction_that_changes_nothing_writes_nothing():
    store.ensure_store()
    digest = store_digest()
    values = edit.form_values(edit.find(SAMPLE))
    correction, result = edit.save_correction(SAMPLE, {**values, "committed": "325,500"})
    assert correction.changes == {} and result.record is None
    assert store_digest() == digest and store.history() == []


def test_unknown_project_is_refused():
    with pytest.raises(store.StoreError, match="no project with id 'nope'"):
        edit.check_correction("nope", {"title": "x"})


# ---------------------------------------------------------------- the currency field


@pytest.mark.parametrize("typed", ["GBP", "gbp", "£"])
def test_a_corrected_amount_in_another_currency_is_converted_at_the_start_date(typed):
    """The form takes any ISO 4217 code; the amount is converted by the importers' code (ECB rate of the start
    date) and the FX note names that rate."""
    from geodata.io.importers import money

    before = stored(SAMPLE)
    correction, _ = edit.save_correction(SAMPLE, {"currency": typed, "committed": "100000", "disbursed": "2500"})
    rate = money.usd_rate("GBP", before["start_date"], "start date")
    row = stored(SAMPLE)
    assert (row["currency"], row["committed"], row["disbursed"]) == ("GBP", 100_000, 2_500)
    assert row["committed_usd"] == pytest.approx(round(100_000 * rate.rate, 2))
    assert row["disbursed_usd"] == pytest.approx(round(2_500 * rate.rate, 2))
    assert row["fx_note"] == rate.note() and "GBP→USD" in row["fx_note"]
    assert before["start_date"][:10] in row["fx_note"]
    assert {"currency", "committed_usd", "fx_note"} <= set(correction.changes)


def test_changing_only_the_currency_converts_the_same_amount_and_back_to_usd_drops_the_note():
    from geodata.io.importers import money

    before = stored(SAMPLE)
    edit.save_correction(SAMPLE, {"currency": "CHF"})
    rate = money.usd_rate("CHF", before["start_date"], "start date").rate
    row = stored(SAMPLE)
    assert row["committed"] == before["committed"] and row["committed_usd"] == pytest.approx(
        round(before["committed"] * rate, 2)
    )
    edit.save_correction(SAMPLE, {"currency": "USD"})
    row = stored(SAMPLE)
    assert row["committed_usd"] == row["committed"] == before["committed"]
    assert pd.isna(row["fx_note"]) or "CHF" not in str(row["fx_note"])


@pytest.mark.parametrize(
    ("values", "why"),
    [
        ({"currency": "ZZZ"}, "ZZZ is not an ISO 4217 currency code"),
        ({"currency": "KPW"}, "the ECB publishes no reference rate for KPW"),
        ({"currency": "GBP", "start_date": "1990-01-01"}, "the start date 1990-01-01 is before the first ECB"),
    ],
)
def test_a_currency_without_a_rate_is_one_problem_of_the_currency_field(values, why):
    store.ensure_store()
    digest = store_digest()
    correction = edit.check_correction(SAMPLE, values)
    currency_problems = [p for p in correction.problems if p.field == "currency"]
    assert len(currency_problems) == 1, [edit.describe(p) for p in correction.problems]
    assert why in edit.describe(currency_problems[0])
    assert edit.describe(currency_problems[0]).startswith("Currency (currency) = ")
    with pytest.raises(edit.CorrectionRefused):
        edit.save_correction(SAMPLE, values)
    assert store_digest() == digest


@pytest.mark.parametrize("start", ["", "31.02.2024"])
def test_a_currency_change_with_no_start_date_is_one_problem_of_the_start_date(start):
    """The rate is taken on the start date: when it is empty or no date, that is the one problem (not a second one
    about the rate that could not be taken), and nothing is saved."""
    store.ensure_store()
    digest = store_digest()
    values = {"currency": "GBP", "start_date": start}
    correction = edit.check_correction(SAMPLE, values)
    assert [p.field for p in correction.problems] == ["start_date"], [edit.describe(p) for p in correction.problems]
    with pytest.raises(edit.CorrectionRefused):
        edit.save_correction(SAMPLE, values)
    assert store_digest() == digest
