"""No unknown shown as zero: every chart and the choropleth leave out what no project reports, and say so."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from dashboard import data, figures
from geodata.facts.layers import SECTORS


def _projects(rows: list[dict]) -> gpd.GeoDataFrame:
    """Projects in Leposavić and Zvečan with only the figures each row gives."""
    base = {
        "title": "t",
        "description": "",
        "sector": "housing",
        "sectors": "housing",
        "target_communities": "Roma",
        "municipality": "leposavic",
        "site_id": None,
        "location_precision": 3,
        "location_uncertainty_m": 5000,
        "location_note": "",
        "implementing_org": "Org",
        "funder": "Funder",
        "currency": "USD",
        "committed": np.nan,
        "disbursed": np.nan,
        "committed_usd": np.nan,
        "disbursed_usd": np.nan,
        "fx_note": "",
        "start_date": "2010",
        "end_date": "2011",
        "status": "completed",
        "beneficiaries_targeted": pd.NA,
        "beneficiaries_reached": pd.NA,
        "beneficiaries_by_community": "",
        "households_reached": pd.NA,
        "is_sample": False,
        "dataset": "documented",
        "sources": "https://example.org/report",
        "source_note": "",
    }
    frame = pd.DataFrame([{**base, "project_id": f"u{i}", **r} for i, r in enumerate(rows)])
    for col in ("beneficiaries_targeted", "beneficiaries_reached", "households_reached"):
        frame[col] = frame[col].astype("Int64")
    return gpd.GeoDataFrame(frame, geometry=[Point(20.80, 43.10)] * len(frame), crs="EPSG:4326")


@pytest.fixture(scope="module")
def snap():
    """Like the documented data: four projects, one committed amount, no disbursed amount, no community counts."""
    return data.build_snapshot(
        _projects(
            [
                {"committed_usd": 1_530_000.0, "start_date": "2013"},
                {"municipality": "zvecan", "start_date": "2006"},
                {"municipality": "zvecan", "start_date": "2007", "beneficiaries_reached": 225},
                {"start_date": "2012"},
            ]
        )
    )


def _notes(update: dict) -> list[str]:
    return [a["text"] for a in update["annotations"] if a.get("name") == "unreported"]


def test_sector_chart_draws_no_bar_for_an_unreported_amount(snap):
    u = figures.chart_updates(snap, np.ones(snap.n, dtype=bool))["by_sector"]
    housing = SECTORS.index("housing")
    committed, disbursed = u["data"]
    assert committed["x"][housing] == 1_530_000.0
    assert "from 1 of 4 projects with a sourced amount" == committed["hovertext"][housing]
    assert disbursed["x"][housing] is None  # not 0
    assert _notes(u) == ["Disbursed not reported for Housing."]


def test_municipality_chart_draws_no_bar_for_an_unreported_amount(snap):
    u = figures.chart_updates(snap, np.ones(snap.n, dtype=bool))["by_municipality"]
    trace = u["data"][0]
    by_code = dict(zip(trace["customdata"], trace["x"], strict=True))
    assert by_code == {"leposavic": 1_530_000.0, "zvecan": None}
    assert trace["text"][trace["customdata"].index("leposavic")] == "2 projects, 1 with an amount"
    assert _notes(u) == ["Committed amount not reported for Zvečan."]


def test_time_chart_starts_where_an_amount_is_known(snap):
    u = figures.chart_updates(snap, np.ones(snap.n, dtype=bool))["over_time"]
    committed, disbursed = u["data"]
    assert committed["x"][0] == 2006 and committed["x"][-1] == 2013
    assert committed["y"][:-1] == [None] * (len(committed["y"]) - 1) and committed["y"][-1] == 1_530_000.0
    assert disbursed["y"] == [None] * len(disbursed["y"])
    assert _notes(u) == ["No matching project gives a disbursed amount."]


def test_community_chart_is_not_a_row_of_zeros(snap):
    u = figures.chart_updates(snap, np.ones(snap.n, dtype=bool))["by_community"]
    trace = u["data"][0]
    assert trace["y"] == [None, None, None] and trace["text"] == ["not reported"] * 3
    assert _notes(u) == ["No matching project reports people reached by community."]


def test_known_zero_and_known_amounts_have_no_note():
    snap = data.build_snapshot(
        _projects(
            [{"committed_usd": 10.0, "disbursed_usd": 0.0, "beneficiaries_by_community": "Roma=0;Ashkali=0;Egyptian=0"}]
        )
    )
    updates = figures.chart_updates(snap, np.ones(snap.n, dtype=bool))
    assert updates["by_sector"]["data"][1]["x"][SECTORS.index("housing")] == 0.0  # a reported zero is a zero
    assert updates["by_community"]["data"][0]["y"] == [0.0, 0.0, 0.0]
    assert not any(_notes(u) for u in updates.values())


def test_choropleth_leaves_unreported_units_undrawn(snap):
    mask = np.ones(snap.n, dtype=bool)
    units = list(snap.static.units)
    unit_of = dict(zip(snap.static.municipalities["code"], snap.static.municipalities["boundary_unit"], strict=True))
    lepo, zvecan = units.index(unit_of["leposavic"]), units.index(unit_of["zvecan"])
    committed = figures.choropleth_z(snap, mask, "committed_usd")
    assert committed[lepo] == 1_530_000.0 and np.isnan(committed[zvecan])
    disbursed = figures.choropleth_z(snap, mask, "disbursed_usd")
    assert np.isnan(disbursed[lepo]) and np.isnan(disbursed[zvecan])
    assert figures.choropleth_z(snap, mask, "projects")[zvecan] == 2
    reached = figures.choropleth_z(snap, mask, "beneficiaries_reached")
    assert np.isnan(reached[lepo]) and reached[zvecan] == 225
    empty = [i for i in range(len(units)) if i not in (lepo, zvecan)]
    assert (committed[empty] == 0).all()  # no project there: nothing committed, which is a true zero


def _unshaded(annotations: list[dict]) -> list[str]:
    return [a["text"] for a in annotations if a.get("name") == "unshaded"]


def test_map_says_which_polygons_it_leaves_unshaded(snap):
    mask = np.ones(snap.n, dtype=bool)
    assert figures.unshaded_text(snap, mask, "committed_usd") == (
        "Committed amount not reported for 1 municipality with matching projects (Zvečan): "
        "left unshaded, not drawn as 0."
    )
    assert figures.unshaded_text(snap, mask, "disbursed_usd").startswith(
        "Disbursed amount not reported for 2 municipalities with matching projects (Leposavić, Zvečan)"
    )
    assert figures.unshaded_text(snap, mask, "projects") == ""  # a count is always known
    fig = figures.map_figure(snap, mask, metric="committed_usd").to_dict()
    (note,) = _unshaded(fig["layout"]["annotations"])
    assert note.replace("<br>", " ") == figures.unshaded_text(snap, mask, "committed_usd")
    reported = mask & (snap.projects["municipality"] == "leposavic").to_numpy()
    assert figures.unshaded_text(snap, reported, "committed_usd") == ""  # Leposavić's amount is sourced


def _sent_annotations(outputs: tuple) -> list[dict] | None:
    """The annotations the explorer's map patch sends, or None when it leaves them as they are."""
    patch = outputs[0]
    for op in patch.get("operations", []) if isinstance(patch, dict) else []:
        if op["location"] == ["layout", "annotations"]:
            return op["params"]["value"]
    return None


@pytest.fixture(scope="module")
def app():
    """The app, created: the explorer's callback body asks Dash for the polygons' URL under its path prefix."""
    from dashboard.app import create_app

    return create_app()


def test_explorer_note_on_unshaded_polygons_comes_and_goes_with_the_filter(app):
    """The documented projects: North Mitrovica's give no committed amount, so its polygon is left unshaded and
    the map says so; filtered to Leposavić (an amount is sourced) the note goes, and it comes back with the
    filter cleared."""
    from dashboard.pages import explorer_updates as eu
    from geodata.analysis.filters import FilterState

    snap = data.snapshot()
    documented = FilterState(dataset="documented")
    first = eu.explorer_outputs(snap, documented, "committed_usd")
    key, drawn = first[19], first[20]
    (note,) = _unshaded(_sent_annotations(first))
    assert "Committed amount not reported for" in note and "North Mitrovica" in note
    assert "not drawn as 0" in note
    lepo = eu.explorer_outputs(snap, documented.with_(municipalities=("leposavic",)), "committed_usd", key, drawn)
    assert _unshaded(_sent_annotations(lepo)) == []  # the annotations are resent, without the note
    back = eu.explorer_outputs(snap, documented, "committed_usd", lepo[19], lepo[20])
    assert _unshaded(_sent_annotations(back)) == [note]
    same = eu.explorer_outputs(snap, documented, "committed_usd", back[19], back[20])
    assert _sent_annotations(same) is None  # nothing changed: the map is not redrawn


def test_the_colour_bar_starts_at_zero_even_when_every_shaded_unit_is_zero(snap):
    """Disbursed: no project reports it, so every shaded polygon is a true 0 (no project there) and the rest are
    left unshaded: the bar runs from 0 to 1, never around 0 with negative ticks."""
    mask = np.ones(snap.n, dtype=bool)
    fig = figures.map_figure(snap, mask, metric="disbursed_usd")
    choropleth = fig.data[figures.TRACE["choropleth"]]
    assert (choropleth.zmin, choropleth.zmax) == (0, 1.0)
    committed = figures.map_figure(snap, mask, metric="committed_usd").data[figures.TRACE["choropleth"]]
    assert (committed.zmin, committed.zmax) == (0, 1_530_000.0)


def test_a_metric_change_sends_the_colour_bar_top_with_the_shading(app):
    from dashboard.pages import explorer_updates as eu
    from geodata.analysis.filters import FilterState

    snap = data.snapshot()
    documented = FilterState(dataset="documented")
    first = eu.explorer_outputs(snap, documented, "committed_usd")
    out = eu.explorer_outputs(snap, documented, "disbursed_usd", first[19], first[20])
    if figures.SHADING_LAYER:  # the colour key comes with the shading
        assert [label for _, label in out[21]["key"]["ticks"]] == ["0", "0.5", "1"]  # nothing disbursed reported
        return
    tops = [op["params"]["value"] for op in out[0]["operations"] if op["location"][-1] == "zmax"]
    assert tops == [1.0]  # nothing disbursed is reported: the bar runs from 0 to 1
