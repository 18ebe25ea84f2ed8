"""IATI 2.01-2.03 activity files, built here from the IATI 2.03 activity schema and codelists
(https://iatistandard.org/en/iati-standard/203/activity-standard/, codelists ActivityStatus,
OrganisationRole, TransactionType, SectorVocabulary, Sector, SectorCategory): what each element means for
a project row, and that every report line names the activity.
"""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.io.importers import preview_bytes
from geodata.io.importers.money import usd_rate
from geodata.io.load import load_layer


def activities(*bodies: str, version: str = "2.03") -> bytes:
    acts = "\n".join(bodies)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="{version}" '
        f'generated-datetime="2024-01-01T00:00:00Z">\n{acts}\n</iati-activities>\n'
    ).encode()


def activity(
    ident: str = "XM-DAC-41114-KSV-001",
    status: str = "2",
    currency: str = "EUR",
    countries: str = '<recipient-country code="XK" percentage="100"/>',
    sectors: str = '<sector vocabulary="1" code="12220" percentage="100"/>',
    orgs: str = (
        '<participating-org role="1" type="10"><narrative>Donor Ministry</narrative></participating-org>'
        '<participating-org role="4" type="22"><narrative>Health NGO</narrative></participating-org>'
    ),
    transactions: str = (
        '<transaction><transaction-type code="2"/><transaction-date iso-date="2021-03-01"/>'
        '<value value-date="2021-03-01">100000</value></transaction>'
        '<transaction><transaction-type code="3"/><transaction-date iso-date="2021-06-01"/>'
        '<value value-date="2021-06-01">40000</value></transaction>'
    ),
    location: str = (
        "<location><name><narrative>Zvečan</narrative></name>"
        '<administrative vocabulary="G1" level="2" code="x"><narrative>Zvečan</narrative></administrative>'
        "</location>"
    ),
    description: str = "Primary health care for Roma families",
    extra: str = "",
    attrs: str = "",
) -> str:
    return f"""<iati-activity default-currency="{currency}" xml:lang="en"{attrs}>
  <iati-identifier>{ident}</iati-identifier>
  <reporting-org ref="XM-DAC-41114" type="40"><narrative>Reporting Agency</narrative></reporting-org>
  <title><narrative>Community health for {ident}</narrative></title>
  <description type="1"><narrative>{description}</narrative></description>
  {orgs}
  <activity-status code="{status}"/>
  <activity-date type="2" iso-date="2021-03-01"/>
  {countries}
  {location}
  {sectors}
  {transactions}
  {extra}
</iati-activity>"""


def one(xml: bytes):
    preview = preview_bytes(xml, "donor.xml")
    return preview, preview.frame.iloc[0]


@pytest.mark.parametrize(
    ("code", "status"),
    [("1", "pipeline"), ("2", "ongoing"), ("3", "completed"), ("4", "completed"), ("5", "cancelled"), ("6", "ongoing")],
)
def test_every_activity_status_code_maps_by_the_stated_rule(code, status):
    preview, row = one(activities(activity(status=code)))
    assert preview.ok, preview.problems
    assert row["status"] == status
    if code in ("3", "6"):
        assert f"IATI activity status {code}" in row["source_note"]


def test_a_multi_country_activity_counts_the_kosovo_share_and_says_so():
    countries = '<recipient-country code="XK" percentage="20"/><recipient-country code="AL" percentage="80"/>'
    preview, row = one(activities(activity(countries=countries)))
    assert preview.ok, preview.problems
    assert row["committed"] == pytest.approx(20000) and row["disbursed"] == pytest.approx(8000)
    rate = usd_rate("EUR", "2021-03-01", "value date").rate
    assert row["committed_usd"] == pytest.approx(100000 * rate * 0.2, abs=0.01)
    assert "Kosovo share (20%" in row["fx_note"] and "100,000 EUR" in row["fx_note"]


def test_an_activity_without_kosovo_or_with_an_unknown_share_is_reported_by_identifier():
    preview = preview_bytes(
        activities(
            activity(),
            activity(ident="XM-2", countries='<recipient-country code="AL" percentage="100"/>'),
            activity(ident="XM-3", countries='<recipient-country code="XK"/><recipient-country code="RS"/>'),
            activity(ident="XM-4", countries='<recipient-region code="89" percentage="100"/>'),
        ),
        "donor.xml",
    )
    fields = {(p.row, p.field) for p in preview.problems}
    assert fields == {(2, "recipient-country"), (3, "recipient-country"), (4, "recipient-region")}
    lines = "\n".join(preview.report_lines())
    assert "activity 2 (XM-2)" in lines and "activity 4 (XM-4)" in lines


def test_each_amount_is_converted_at_its_value_date():
    preview, row = one(activities(activity()))
    c = 100000 * usd_rate("EUR", "2021-03-01", "value date").rate
    d = 40000 * usd_rate("EUR", "2021-06-01", "value date").rate
    assert (row["committed"], row["disbursed"], row["currency"]) == (100000, 40000, "EUR")
    assert row["committed_usd"] == pytest.approx(c, abs=0.01) and row["disbursed_usd"] == pytest.approx(d, abs=0.01)
    assert "2021-03-01" in row["fx_note"] and "2021-06-01" in row["fx_note"] and "ECB" in row["fx_note"]


def test_transaction_types_follow_the_stated_rule_and_reversals_net():
    transactions = (
        '<transaction><transaction-type code="1"/><value value-date="2021-03-01">500000</value></transaction>'
        '<transaction><transaction-type code="11"/><value value-date="2021-03-01">300000</value></transaction>'
        '<transaction><transaction-type code="3"/><value value-date="2021-03-01">50000</value></transaction>'
        '<transaction><transaction-type code="3"/><value value-date="2021-03-01">-10000</value></transaction>'
        '<transaction><transaction-type code="4"/><value value-date="2021-03-01">5000</value></transaction>'
    )
    preview, row = one(activities(activity(transactions=transactions, currency="USD")))
    assert preview.ok, preview.problems
    # no outgoing commitment: incoming commitments (11) before incoming funds (1)
    assert row["committed"] == 300000 and row["disbursed"] == 45000 and row["disbursed_usd"] == 45000


def test_budgets_count_when_there_are_no_commitments_revised_before_original():
    budgets = (
        '<budget type="1"><period-start iso-date="2021-01-01"/><period-end iso-date="2021-12-31"/>'
        '<value value-date="2021-01-01">70000</value></budget>'
        '<budget type="2"><period-start iso-date="2021-01-01"/><period-end iso-date="2021-12-31"/>'
        '<value value-date="2021-01-01">90000</value></budget>'
    )
    preview, row = one(activities(activity(transactions="", extra=budgets, currency="USD")))
    assert row["committed"] == 90000 and row["disbursed"] != row["disbursed"]


def test_dac_sectors_with_percentages_and_an_explicit_other_sector():
    sectors = (
        '<sector vocabulary="1" code="12220" percentage="50"/>'
        '<sector vocabulary="1" code="15110" percentage="30"><narrative>Public sector policy</narrative></sector>'
        '<sector vocabulary="1" code="11220" percentage="20"/>'
        '<sector vocabulary="2" code="121" percentage="100"/>'  # another vocabulary for the same money: ignored
        '<sector vocabulary="99" vocabulary-uri="http://example.org" code="X1" percentage="100"/>'
    )
    preview, row = one(activities(activity(sectors=sectors)))
    assert preview.ok, preview.problems
    assert row["sector"] == "health" and row["sectors"] == "health:50;other:30;education:20"
    assert "DAC sector 15110 Public sector policy (30%) counted as other" in row["source_note"]


def test_an_activity_with_only_another_vocabulary_or_a_false_dac_code_is_reported():
    preview = preview_bytes(
        activities(
            activity(sectors='<sector vocabulary="99" code="ABC"><narrative>Misc</narrative></sector>'),
            activity(ident="XM-2", sectors='<sector vocabulary="1" code="99999"/>'),
        ),
        "d.xml",
    )
    assert {(p.row, p.field) for p in preview.problems if p.field == "sector"} == {(1, "sector"), (2, "sector")}


def test_participating_org_roles_fill_funder_and_implementer():
    orgs = (
        '<participating-org role="2"><narrative>Accountable Ministry</narrative></participating-org>'
        '<participating-org role="3"><narrative>Extending Agency</narrative></participating-org>'
    )
    preview, row = one(activities(activity(orgs=orgs)))
    assert (row["funder"], row["implementing_org"]) == ("Extending Agency", "Accountable Ministry")
    preview, row = one(activities(activity(orgs="")))
    assert row["funder"] == "Reporting Agency" and pd.isna(row["implementing_org"])


def test_a_location_with_only_administrative_names_places_the_project_at_the_municipality():
    preview, row = one(activities(activity()))
    anchor = load_layer("municipalities").set_index("code").loc["zvecan"]
    assert row["municipality"] == "zvecan" and row["location_precision"] == 3
    assert (row.geometry.x, row.geometry.y) == (anchor["anchor_lon"], anchor["anchor_lat"])


def test_version_is_read_per_activity_as_well_as_per_file():
    preview = preview_bytes(activities(activity(), activity(ident="XM-OLD", attrs=' version="1.05"')), "d.xml")
    assert [(p.row, p.field, p.value) for p in preview.problems] == [(2, "version", "1.05")]
    assert preview_bytes(activities(activity(), version="2.01"), "d.xml").ok


def test_a_description_that_starts_with_a_dash_is_prose_not_a_formula():
    preview, row = one(activities(activity(description="- Renforcer les capacités des communautés RAE")))
    assert preview.ok, preview.problems
    assert row["description"].startswith("- Renforcer")
