"""The explorer's project detail panel words its fields as the page does: sector names as the filters give them,
sector shares as percentages, communities as a list, the site by its name; counts under the threshold stay
suppressed."""

from __future__ import annotations

import numpy as np
import pytest
from dash import html

from dashboard import components, data
from dashboard.pages import explorer_updates as eu

pytestmark = pytest.mark.unit


def _fields(body: list) -> dict[str, str]:
    """The detail list's label -> shown value."""
    dl = next(part for part in body if isinstance(part, html.Dl))
    items = dl.children
    return {dt.children: dd.children for dt, dd in zip(items[::2], items[1::2], strict=True)}


def _row(**changes) -> dict:
    row = {
        "project_id": "p-1",
        "title": "Water points",
        "sector": "environment/remediation",
        "sectors": "health:60;education:40",
        "target_communities": "Roma;Ashkali; Egyptian",
        "site_id": "cesmin-lug",
        "status": "ongoing",
        "beneficiaries_reached": 7.0,
        "beneficiaries_by_community": "Roma=120;Ashkali=4",
        "is_sample": False,
    }
    return {**row, **changes}


def test_fields_are_worded_for_people():
    shown = _fields(components.project_detail(_row(), "Mitrovicë e Veriut (Severna Mitrovica)", "Česmin Lug"))
    assert shown["Sector"] == "Environment/remediation"
    assert shown["Sector shares"] == "Health 60%, Education 40%"
    assert shown["Target communities"] == "Roma, Ashkali, Egyptian"
    assert shown["Site"] == "Česmin Lug"
    assert shown["Status"] == "Ongoing"
    assert shown["Municipality"] == "Mitrovicë e Veriut (Severna Mitrovica)"
    # small counts stay suppressed (geodata.analysis.privacy)
    assert shown["People reached"] == "<10"
    assert shown["Reached by community"] == "Roma: 120, Ashkali: <10"


def test_a_single_sector_and_missing_fields():
    shown = _fields(components.project_detail(_row(sectors="housing", site_id="", status=None), "Zveçan (Zvečan)"))
    assert shown["Sector shares"] == "Housing"
    assert shown["Site"] == "not given"
    assert shown["Status"] == "not given"
    # a site id with no name given is shown as it is stored
    assert _fields(components.project_detail(_row(site_id="unknown-site"), "x"))["Site"] == "unknown-site"


def test_the_explorer_panel_names_the_site_from_the_camps_layer():
    snap = data.snapshot()
    camps = snap.static.camps
    at_site = snap.projects.index.get_indexer(snap.projects.index[snap.projects["site_id"].fillna("") != ""])
    assert len(at_site), "the shipped data has projects at a camp or return site"
    row = int(at_site[0])
    record = snap.projects.iloc[row]
    title, body = eu.project_panel(snap, row)
    name = camps.loc[camps["site_id"] == record["site_id"], "name_en"].iloc[0]
    assert _fields(body)["Site"] == name != record["site_id"]
    assert title.startswith(str(record["title"]))


def test_the_table_words_sectors_as_the_panel_does():
    """The table's sector column read "health 60%, education 40%" and "housing" (stored codes) beside a panel
    that says "Health 60%, Education 40%"; both now word them alike, and a row with no shares its sector."""
    snap = data.snapshot()
    frame = data.table_frame(snap, np.arange(snap.n))
    projects = snap.projects
    for row in range(snap.n):
        record = projects.iloc[row].to_dict()
        shown = _fields(components.project_detail(record, "x"))
        expected = (
            shown.get("Sector shares") if shown.get("Sector shares") not in (None, "not given") else shown["Sector"]
        )
        assert frame["sector"].iloc[row] == expected, (record["project_id"], record.get("sectors"))
    assert "Economic development 60%, Education 40%" in set(frame["sector"])
