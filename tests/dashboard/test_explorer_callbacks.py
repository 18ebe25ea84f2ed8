"""The explorer's callbacks as plain functions, and through the Flask test client (/_dash-update-component)."""

from __future__ import annotations

import base64
import gzip
import json
import sys
from contextvars import copy_context

import dash
import numpy as np
import plotly
import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash.exceptions import PreventUpdate

import geodata
from dashboard import components, config, data, figures, ids, map_points
from dashboard.app import create_app
from dashboard.pages import explorer_updates
from geodata.analysis.filters import FilterState
from geodata.facts.build import anchors_frame
from geodata.facts.sample import sample_portfolio


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture(scope="module")
def explorer(app):
    return sys.modules["pages.explorer"]


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


def _controls(snap, **changes):
    """The main callback's arguments for a state (defaults: no filter)."""
    state = FilterState(**changes)
    explorer = sys.modules["pages.explorer"]
    v = explorer.controls_from_state(snap, state)
    return [v[k] for k in explorer.CONTROL_KEYS]


def _in_context(func, *args, triggered: str):
    def run():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": f"{triggered}.n_clicks", "value": 1}]))
        return func(*args)

    return copy_context().run(run)


# ---------------------------------------------------------------- pure helpers


def test_state_controls_round_trip(explorer):
    snap = data.snapshot()
    state = FilterState(
        sectors=("health",),
        municipalities=("zvecan",),
        year_from=2019,
        text="water",
        dataset="documented",
        ids=("doc-2013-leposavic-closure",),
    )
    v = explorer.controls_from_state(snap, state)
    back = explorer.state_from_controls(snap, *[v[k] for k in explorer.CONTROL_KEYS], v["selection"])
    assert back == state
    assert explorer.controls_from_state(snap, FilterState())["years"] == [snap.year_min, snap.year_max]


def test_page_query_round_trips_through_the_shared_filter_state(explorer):
    state = FilterState(sectors=("health", "education"), dataset="sample")
    query = explorer.page_query(state, "disbursed_usd")
    assert FilterState.from_query(query) == state
    assert "metric=disbursed_usd" in query
    assert explorer.page_query(state, figures.DEFAULT_METRIC) == state.to_query()


def test_toggle_municipalities(explorer):
    assert explorer.toggle_municipalities([], ["north-mitrovica", "south-mitrovica"]) == [
        "north-mitrovica",
        "south-mitrovica",
    ]
    assert (
        explorer.toggle_municipalities(["south-mitrovica", "north-mitrovica"], ["north-mitrovica", "south-mitrovica"])
        == []
    )
    # each of the 38 municipalities has a polygon of its own: a click on North Mitrovica's selects it alone
    units = geodata.load("municipalities").set_index("code")["boundary_unit"]
    assert explorer.unit_municipalities(data.snapshot(), units["north-mitrovica"]) == ["north-mitrovica"]
    assert explorer.unit_municipalities(data.snapshot(), units["south-mitrovica"]) == ["south-mitrovica"]


def _drawn_point(snap, trace: int, number: int, key: str = "all") -> dict:
    """The event data Dash's Graph sends for point ``number`` of project trace ``trace`` (no customdata: the
    figure prop holds it as a typed array), for points drawn under the filter ``key``."""
    row = int(snap.drawn(trace, snap.mask(map_points.drawn_state(key))).shown[number])
    return {
        "curveNumber": figures.PROJECT_TRACE_START + trace,
        "pointNumber": number,
        "lat": float(snap.lat[row]),
        "lon": float(snap.lon[row]),
    }, row


def _first_nonempty_traces(snap, key: str = "all", count: int = 2, size: int = 2) -> list[int]:
    traces = snap.drawn_points(snap.mask(map_points.drawn_state(key)))
    return [i for i, drawn in enumerate(traces) if len(drawn.starts) >= size][:count]


def test_selected_ids_map_trace_and_point_numbers_to_rows(explorer):
    snap = data.snapshot()
    a, b = _first_nonempty_traces(snap)
    (p1, r1), (p2, r2) = _drawn_point(snap, a, 1), _drawn_point(snap, b, 0)
    camp = {"curveNumber": figures.CAMP_TRACE, "pointNumber": 0, "customdata": "osterode"}
    mask = snap.mask(map_points.drawn_state("all"))
    members = [*snap.drawn(a, mask).members(1), *snap.drawn(b, mask).members(0)]  # a marker selects its stack
    assert members[0] == r1 and r2 in members
    assert explorer.selected_ids(snap, "all", {"points": [p1, camp, p2]}) == list(
        snap.projects["project_id"].iloc[members]
    )
    assert explorer.selected_ids(snap, "all", {"points": []}) is None
    assert explorer.selected_ids(snap, "all", None) is None


def test_points_map_through_the_filter_they_were_drawn_for():
    snap = data.snapshot()
    key = "sector=health"
    trace = _first_nonempty_traces(snap, key, 1)[0]
    point, row = _drawn_point(snap, trace, 0, key)
    assert map_points.event_rows(snap, key, {"points": [point]}) == [row]
    assert "health" in str(snap.projects["sector"].iloc[row])
    # the same point number under another filter is another row, at another place: refused, not misread
    unfiltered = snap.drawn(trace, snap.mask(FilterState())).shown
    if int(unfiltered[0]) != row:
        assert map_points.event_rows(snap, "all", {"points": [point]}) in ([], [int(unfiltered[0])])
    stale = dict(point, lat=point["lat"] + 0.5)
    assert map_points.event_rows(snap, key, {"points": [stale]}) == []
    out_of_range = dict(point, pointNumber=10**6)
    assert map_points.event_rows(snap, key, {"points": [out_of_range]}) == []


# ---------------------------------------------------------------- callbacks as plain functions


def _kpis(out) -> dict[str, tuple[str, str]]:
    """The KPI (value, sub-line) strings of the main callback's output (outputs 5 to 14)."""
    texts = out[5:15]
    return {key: (texts[2 * i], texts[2 * i + 1]) for i, key in enumerate(components.KPI_KEYS)}


def test_update_explorer_one_sector(explorer):
    snap = data.snapshot()
    out = explorer.update_explorer(*_controls(snap, sectors=("health",)), figures.DEFAULT_METRIC, None, None)
    map_patch, by_sector, _, _, _ = out[:5]
    kpi = _kpis(out)
    sentence, banner, empty, query, key, _drawn, shading, on_page, held, note = out[15:]
    # the main callback returns plain JSON (see components.plain): a patch spec, component dicts
    assert map_patch["__dash_patch_update"] == "__dash_patch_update"
    expected = int(snap.mask(FilterState(sectors=("health",))).sum())
    assert kpi["projects"] == (f"{expected:,}", "all sample (sample data)")
    assert kpi["committed"][1].endswith("(sample data)")
    assert "Health projects" in json.dumps(sentence)
    assert query == "sector=health" and key == "sector=health"
    assert banner is not None and empty is None and note == f"{expected:,} matching"
    ops = map_patch["operations"]
    lat_ops = [o for o in ops if o["location"][-1] == "lat"]
    if config.POINTS_LAYER:  # the markers travel beside the figure, for the page's own layers
        assert not lat_ops and on_page["key"] == "sector=health" and held is None
        lats = [level["shown"] for level in on_page["levels"]]  # int32 positions among the whole data's markers
    else:
        assert not _sent(on_page) and not _sent(held)
        lats = [o["params"]["value"] for o in lat_ops]
    assert len(lats) == data.N_PROJECT_TRACES
    drawn = sum(len(base64.b64decode(v["bdata"])) // 4 for v in lats if v)
    markers = snap.drawn_points(snap.mask(FilterState(sectors=("health",))))
    assert drawn == sum(len(m.starts) for m in markers)  # a marker per stack of projects at one place
    assert sum(len(m.rows) for m in markers) == expected
    if figures.SHADING_LAYER:  # the polygons' colours travel beside the figure, never their geometry
        assert len(shading["units"]) == len(snap.static.units) and "geometry" not in json.dumps(shading)
        health = figures.choropleth_z(snap, snap.mask(FilterState(sectors=("health",))), figures.DEFAULT_METRIC)
        assert [bool(f) for f in shading["fill"]] == list(np.isfinite(health))


def test_update_explorer_skips_points_when_only_the_metric_changes(explorer):
    snap = data.snapshot()
    args = _controls(snap, sectors=("health",))
    first = explorer.update_explorer(*args, figures.DEFAULT_METRIC, None, None, None)
    out = explorer.update_explorer(*args, "projects", None, first[19], first[20])
    ops = out[0]["operations"] if _sent(out[0]) else []
    assert not [o for o in ops if o["location"][-1] == "lat"] and not _sent(out[22])
    if figures.SHADING_LAYER:  # the colours, hover and key beside the figure, none of them in it
        assert not [o for o in ops if o["location"][:2] == ["data", 0]]
        assert any(line[0].startswith("Projects: ") for lines in out[21]["hover"] if lines for line in lines)
    else:
        assert any(o["location"] == ["data", 0, "z"] for o in ops)


def _sent(value) -> bool:
    return not dash.no_update.is_no_update(value)


@pytest.mark.skipif(not data.STACK_POINTS, reason="the fast path's digests; TFA_FAST=0 sends every figure")
def test_update_explorer_sends_only_what_changed(explorer):
    """With the digests of what the browser holds, an unchanged figure is not sent (so not redrawn)."""
    snap = data.snapshot()
    args = _controls(snap, sectors=("health",))
    first = explorer.update_explorer(*args, figures.DEFAULT_METRIC, None, None, None)
    key, drawn = first[19], first[20]
    assert all(_sent(v) for v in (*first[:5], first[21]))  # nothing drawn yet: everything is sent
    again = explorer.update_explorer(*args, figures.DEFAULT_METRIC, None, key, drawn)
    assert not any(_sent(v) for v in (*again[:5], again[21]))  # same filter: no figure or shading is sent
    assert again[20] == drawn
    assert not _sent(again[22]) and not _sent(again[23])  # nor the points, nor which a selection holds
    # the metric changes only the map's shading and its key: the map's figure, the charts and points stay
    metric = explorer.update_explorer(*args, "projects", None, key, drawn)
    assert not any(_sent(v) for v in metric[:5]) and _sent(metric[21]) and not _sent(metric[22])
    assert metric[21]["key"]["title"] == ["Projects", "(projects)"]
    # a selection narrows the charts, not the map: the map is not sent at all
    chosen = list(snap.projects["project_id"].iloc[snap.mask(FilterState(sectors=("health",)))][:3])
    selected = explorer.update_explorer(
        *_controls(snap, sectors=("health",)), figures.DEFAULT_METRIC, chosen, key, drawn
    )
    assert not _sent(selected[0]) and not _sent(selected[21]) and _sent(selected[1])
    if config.POINTS_LAYER:  # the points stay; which of them the selection holds is sent
        assert not _sent(selected[22]) and selected[23]["key"] == key
        same = explorer.update_explorer(
            *_controls(snap, sectors=("health",)), figures.DEFAULT_METRIC, chosen, key, selected[20]
        )
        assert not _sent(same[23])  # the same selection again: not resent


def test_update_explorer_sends_everything_when_fast_is_off(explorer, monkeypatch):

    snap = data.snapshot()
    args = _controls(snap, sectors=("health",))
    first = explorer.update_explorer(*args, figures.DEFAULT_METRIC, None, None, None)
    monkeypatch.setattr(config, "FAST", False)
    again = explorer.update_explorer(*args, figures.DEFAULT_METRIC, None, first[19], first[20])
    assert all(_sent(v) for v in again[:5])


def test_update_explorer_empty_and_documented(explorer):
    snap = data.snapshot()
    out = explorer.update_explorer(*_controls(snap, text="zzz no such title"), figures.DEFAULT_METRIC, None, None)
    assert out[17] is not None  # the empty state
    out = explorer.update_explorer(*_controls(snap, dataset="documented"), figures.DEFAULT_METRIC, None, None)
    assert out[16] is None  # no sample banner
    kpi = _kpis(out)
    documented = snap.projects[~snap.projects["is_sample"].astype(bool)]
    n, with_amount = len(documented), int(documented["committed_usd"].notna().sum())
    assert kpi["committed"][1] == f"from {with_amount} of {n} projects with a sourced amount"
    if documented["disbursed_usd"].isna().all():  # no documented project gives a disbursed amount
        assert kpi["disbursed"][0] == "not reported"
    assert not any("(sample data)" in text for pair in kpi.values() for text in pair)
    assert "USD 0" not in json.dumps(out[5:15])
    assert figures.WATERMARK not in json.dumps(out[1])
    assert figures.WATERMARK not in json.dumps(out[0])


def test_selection_narrows_kpis_not_map(explorer):
    snap = data.snapshot()
    chosen = list(snap.projects["project_id"].iloc[:3])
    out = explorer.update_explorer(*_controls(snap), figures.DEFAULT_METRIC, chosen, None)
    assert _kpis(out)["projects"][0] == "3"
    assert "3 selected on the map" in json.dumps(out[15])


def test_update_table(explorer):
    snap = data.snapshot()
    rows = explorer.update_table(*_controls(snap, dataset="documented"), None)
    assert {r["dataset"] for r in rows} == {"documented"}


def test_the_tables_note_comes_with_the_key_figures(explorer, monkeypatch):
    """The main callback counts the matches beside the table's heading (a selection narrows them), so the count is
    there while the table's rows wait out of view; the whole-list table of TFA_FAST=0 says when it holds only the
    largest."""
    snap = data.snapshot()
    documented = int((~snap.projects["is_sample"].astype(bool)).sum())
    out = explorer.update_explorer(*_controls(snap, dataset="documented"), figures.DEFAULT_METRIC, None, None)
    assert out[-1] == f"{documented} matching"
    chosen = list(snap.projects["project_id"].iloc[:3])
    out = explorer.update_explorer(*_controls(snap), figures.DEFAULT_METRIC, chosen, None)
    assert out[-1] == "3 matching"
    monkeypatch.setattr(config, "FAST", False)
    monkeypatch.setattr(config, "TABLE_ROW_LIMIT", 5)
    out = explorer.update_explorer(*_controls(snap, dataset="all"), figures.DEFAULT_METRIC, None, None)
    assert out[-1] == f"showing the 5 largest of {len(snap.projects)} matching; the CSV has all"


def test_table_block_pages_every_match_in_the_order_asked(explorer):
    """The grid's infinite row model: blocks of rows on request, sorted as asked; the blocks together hold
    every matching project exactly once (not only the largest), and the count is that of the matches."""
    snap = data.snapshot()
    controls = _controls(snap, dataset="all")
    expected = set(snap.projects["project_id"].iloc[np.flatnonzero(snap.mask(FilterState(dataset="all")))])
    seen = []
    for start in range(0, len(expected) + 50, 50):
        response = explorer.table_block({"startRow": start, "endRow": start + 50}, *controls, None)
        assert response["rowCount"] == len(expected)
        seen += [r["project_id"] for r in response["rowData"]]
    assert sorted(seen) == sorted(expected)
    # default order: largest commitment first, unknown amounts last
    first = explorer.table_block({"startRow": 0, "endRow": len(expected)}, *controls, None)
    amounts = [r["committed_usd"] for r in first["rowData"]]
    known = [a for a in amounts if a is not None]
    assert known == sorted(known, reverse=True) and amounts[: len(known)] == known
    # a sort asked by the grid applies to all matches, across blocks
    by_title = {"startRow": 0, "endRow": 10, "sortModel": [{"colId": "title", "sort": "asc"}]}
    page = explorer.table_block(by_title, *controls, None)
    titles = sorted(snap.projects["title"].astype(str), key=str.casefold)
    assert [r["title"] for r in page["rowData"]] == titles[:10]
    later = explorer.table_block({**by_title, "startRow": 10, "endRow": 20}, *controls, None)
    assert [r["title"] for r in later["rowData"]] == titles[10:20]
    desc = explorer.table_block(
        {"startRow": 0, "endRow": 5, "sortModel": [{"colId": "disbursed_usd", "sort": "asc"}]}, *controls, None
    )
    values = [r["disbursed_usd"] for r in desc["rowData"]]
    assert None not in values and values == sorted(values)  # unknown amounts sort last, also ascending
    with pytest.raises(PreventUpdate):
        explorer.table_block(None, *controls, None)


def test_apply_click_clear_and_polygon_toggle(explorer):
    snap = data.snapshot()
    cleared = _in_context(explorer.apply_click, 1, None, None, None, None, None, ["zvecan"], triggered=ids.CLEAR)
    assert len(cleared) == 10  # one value per output: Dash answers 500 to any other count
    assert cleared[0] == [] and cleared[2] == [] and cleared[8] == "all" and cleared[9] is None
    north = geodata.load("municipalities").set_index("code").loc["north-mitrovica", "boundary_unit"]
    click = {"points": [{"curveNumber": 0, "location": north}]}
    out = _in_context(explorer.apply_click, 0, click, None, None, None, None, [], triggered=ids.MAP_CLICK)
    assert out[2] == ["north-mitrovica"]
    out = _in_context(explorer.apply_click, 0, click, None, None, None, None, out[2], triggered=ids.MAP_CLICK)
    assert out[2] == []
    point_click = {"points": [{"curveNumber": figures.PROJECT_TRACE_START, "pointNumber": 1}]}
    out = _in_context(explorer.apply_click, 0, point_click, None, None, None, None, [], triggered=ids.MAP_CLICK)
    assert len(out) == 10 and all(v is dash.no_update for v in out)  # a point click does not filter
    with pytest.raises(PreventUpdate):  # no click yet
        _in_context(explorer.apply_click, 0, None, None, None, None, None, [], triggered=ids.MAP_CLICK)
    bar = {"points": [{"customdata": "housing", "y": "Housing"}]}
    out = _in_context(explorer.apply_click, 0, None, bar, None, None, None, [], triggered=ids.CHART_SECTOR)
    assert out[0] == ["housing"]
    year = {"points": [{"x": 2021, "y": 1.0}]}
    out = _in_context(explorer.apply_click, 0, None, None, None, year, None, [], triggered=ids.CHART_TIME)
    assert out[6] == [2021, 2021]
    assert snap.n  # the snapshot used is the layer's


def test_open_detail_for_project_and_camp(explorer):
    snap = data.snapshot()
    key = "dataset=documented"
    point, row = _drawn_point(snap, _first_nonempty_traces(snap, key, 1, 1)[0], 0, key)
    click = {"points": [point]}
    is_open, title, body, patch = _in_context(explorer.open_detail, click, None, None, key, triggered=ids.MAP_CLICK)
    assert is_open and title.startswith(str(snap.projects["title"].iloc[row]))
    text = json.dumps([b.to_plotly_json() for b in body], default=str)
    assert "Sources" in text and "href" in text
    camp = {"points": [{"curveNumber": figures.CAMP_TRACE, "customdata": "osterode"}]}
    is_open, title, body, _ = _in_context(explorer.open_detail, camp, None, None, "all", triggered=ids.MAP_CLICK)
    text = json.dumps([b.to_plotly_json() for b in body], default=str)
    assert title == "Osterode" and "km to the" in text and "EPSG:32634" in text
    row_click = {"rowId": "doc-2013-leposavic-closure"}
    is_open, title, _, patch = _in_context(
        explorer.open_detail, None, row_click, None, "all", triggered=ids.TABLE_CLICK
    )
    assert "Leposavić" in title
    ops = patch.to_plotly_json()["operations"]
    assert ops[0]["location"][:2] == ["data", figures.TRACE["highlight"]]


def test_download_csv(explorer):
    snap = data.snapshot()
    out = explorer.download_csv(1, *_controls(snap, dataset="documented"), None)
    text = base64.b64decode(out["content"]).decode("utf-8-sig")
    assert out["filename"].endswith(".csv") and text.startswith("# Trust Fund Atlas export")


# ---------------------------------------------------------------- through the endpoint


def _main_body(client, **values) -> dict:
    deps = json.loads(client.get("/_dash-dependencies").data)
    main = next(d for d in deps if f"{ids.CHART_SECTOR}.figure" in d["output"])
    outputs = [dict(zip(("id", "property"), o.split("."), strict=True)) for o in main["output"].strip(".").split("...")]
    return {
        "output": main["output"],
        "outputs": outputs,
        "inputs": [{"id": i["id"], "property": i["property"], "value": values.get(i["id"])} for i in main["inputs"]],
        "state": [{"id": s["id"], "property": s["property"], "value": values.get(s["id"])} for s in main["state"]],
        "changedPropIds": [f"{ids.SECTOR}.value"],
    }


def test_endpoint_main_callback_sends_typed_points_and_no_polygons(client):
    body = _main_body(client, **{ids.SECTOR: ["health"], ids.DATASET: "all", ids.METRIC: "committed_usd"})
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    payload = json.loads(response.data)["response"]
    ops = payload[ids.MAP]["figure"]["operations"]
    assert not any("geojson" in o["location"] for o in ops)
    if config.POINTS_LAYER:  # the markers beside the figure, for the page's own layers
        assert not any(o["location"][-1] == "lat" for o in ops)
        lat = [t["lat"] for t in payload[ids.MAP_POINTS]["data"]["base"] if t["lat"]]
    else:
        lat = [o["params"]["value"] for o in ops if o["location"][-1] == "lat" and o["params"]["value"]]
    assert lat and all(v["dtype"] == "f4" for v in lat)
    assert payload[ids.EXPLORER_QUERY]["data"] == "sector=health"
    if figures.SHADING_LAYER:  # colours and hover per polygon, the polygons themselves loaded once from a URL
        shading = payload[ids.MAP_SHADING]["data"]
        assert shading["url"].startswith("/_geo/") and '"coordinates"' not in json.dumps(shading)


def test_endpoint_clear_filters_answers_every_control(app, client):
    """Clear filters through Dash's own endpoint, which checks the answer against the callback's outputs."""
    from auth_support import callback_key, post_callback

    assert client.get("/_dash-dependencies").status_code == 200  # Dash registers its callbacks on the first request
    key = callback_key(app, f"{ids.SECTOR}.value", f"{ids.DATASET}.value", f"{ids.SELECTION}.data")
    values = {f"{ids.CLEAR}.n_clicks": 1, f"{ids.MUNICIPALITY}.value": ["zvecan"]}
    response = post_callback(client, app, key, values, [f"{ids.CLEAR}.n_clicks"])
    assert response.status_code == 200, response.data[-400:]
    answer = json.loads(response.data)["response"]
    snap = data.snapshot()
    assert answer[ids.SECTOR]["value"] == [] and answer[ids.MUNICIPALITY]["value"] == []
    assert answer[ids.YEARS]["value"] == [snap.year_min, snap.year_max]
    assert answer[ids.SELECTION]["data"] is None


def _router_layout(client, search: str):
    """The explorer's layout as Dash's pages router answers the browser for ``/`` with this query (and its size,
    gzipped)."""
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": "/"},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    layout = json.loads(response.data.decode())["response"]["_pages_content"]["children"]
    return layout, len(gzip.compress(response.data))


def _find(node, target):
    """The props of the component with id ``target`` in a layout as JSON (None if absent)."""
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == target:
            return node["props"]
        return next((r for v in node.values() if (r := _find(v, target)) is not None), None)
    if isinstance(node, list):
        return next((r for v in node if (r := _find(v, target)) is not None), None)
    return None


def test_endpoint_router_restores_controls_from_the_url(client):
    search = "?sector=health&municipality=zvecan&dataset=documented&from=2010&metric=projects"
    layout, size = _router_layout(client, search)
    assert _find(layout, ids.SECTOR)["value"] == ["health"]
    assert _find(layout, ids.MUNICIPALITY)["value"] == ["zvecan"]
    assert _find(layout, ids.DATASET)["value"] == "documented"
    assert _find(layout, ids.YEARS)["value"][0] == 2010
    assert _find(layout, ids.METRIC)["value"] == "projects"
    assert size < 1_500_000


def _at(figure: dict, location: list):
    for key in location:
        figure = figure[key]
    return figure


@pytest.mark.skipif(not config.EXPLORER_FIRST_VIEW, reason="TFA_EXPLORER_FIRST_VIEW=0: the callback sends it")
@pytest.mark.parametrize(
    "state",
    [
        FilterState(),
        FilterState(sectors=("health",), municipalities=("zvecan",)),
        FilterState(text="zzz no such title"),
        FilterState(dataset="documented", year_from=2018),
    ],
    ids=["default", "filtered", "empty", "documented"],
)
def test_the_layout_holds_the_first_view_the_callback_sent(app, client, explorer, state):
    """The explorer's layout holds what its main callback answered as the page appeared (the browser holding
    nothing drawn yet), so the callback need not run then: the map's points, shading and notes, the charts, the
    key figures and texts, the table's note, the page's query, and what the page holds drawn."""
    snap = data.snapshot()
    metric = "projects"
    layout, _ = _router_layout(client, "?" + "&".join(q for q in (state.to_query(), f"metric={metric}") if q))
    out = explorer.update_explorer(*_controls(snap, **state.__dict__), metric, None, None, None)
    sent = json.loads(json.dumps(out, cls=plotly.utils.PlotlyJSONEncoder))
    stores = {
        ids.EXPLORER_QUERY: 18,
        ids.MAP_POINTS_KEY: 19,
        ids.EXPLORER_DRAWN: 20,
        ids.MAP_SHADING: 21,
        ids.MAP_POINTS: 22,
        ids.MAP_POINTS_SELECTED: 23,
    }
    for store, position in stores.items():
        assert _find(layout, store)["data"] == sent[position], store
    assert sent[18] == "&".join(q for q in (state.to_query(), f"metric={metric}") if q)
    texts = {
        **{
            components.kpi_id(k, part): 5 + 2 * i + j
            for i, k in enumerate(components.KPI_KEYS)
            for j, part in enumerate(("value", "sub"))
        },
        ids.SENTENCE: 15,
        ids.SAMPLE_BANNER: 16,
        ids.EMPTY_STATE: 17,
        ids.TABLE_NOTE: 24,
    }
    for target, position in texts.items():
        assert _find(layout, target).get("children") == sent[position], target
    # the figures' patches change nothing in the layout's figures (each assigned value is there already)
    graphs = (ids.MAP, ids.CHART_SECTOR, ids.CHART_MUNICIPALITY, ids.CHART_TIME, ids.CHART_COMMUNITY)
    for graph, patch in zip(graphs, sent[:5], strict=True):
        operations = patch["operations"]
        assert operations and all(o["operation"] == "Assign" for o in operations)
        figure = _find(layout, graph)["figure"]
        for o in operations:
            assert _at(figure, o["location"]) == o["params"]["value"], (graph, o["location"])
    # and the layout's map is the shared shell but for those notes
    shell = explorer_updates.map_shell(snap, metric)
    shell = json.loads(json.dumps(shell, cls=plotly.utils.PlotlyJSONEncoder))
    drawn = _find(layout, ids.MAP)["figure"]
    assert {**drawn, "layout": {**drawn["layout"], "annotations": None}} == {
        **shell,
        "layout": {**shell["layout"], "annotations": None},
    }


def test_the_main_callback_waits_for_a_change_when_the_layout_brings_the_first_view(app):
    """Dash's renderer calls a callback as its page appears unless ``prevent_initial_call``, and even then when one
    of its outputs lies outside the page: every output of the main callback is the page's own."""
    spec = next(c for c in app._callback_list if c["output"].startswith("..explorer-map.figure"))
    assert spec["prevent_initial_call"] is config.EXPLORER_FIRST_VIEW
    outputs = spec["output"].strip(".").split("...")
    assert f"{ids.EXPLORER_QUERY}.data" in outputs and f"{ids.FILTER_QUERY}.data" not in outputs


def test_create_app_over_a_synthetic_portfolio():
    municipalities = geodata.load("municipalities")
    synthetic = sample_portfolio(anchors_frame(municipalities), geodata.load("camps"), n=3000, seed=7)
    try:
        app = create_app(synthetic)
        client = app.server.test_client()
        body = _main_body(client, **{ids.DATASET: "all", ids.METRIC: "committed_usd"})
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 200
        ops = json.loads(response.data)["response"][ids.MAP]["figure"]["operations"]
        per_point = [
            o
            for o in ops
            if o["location"][-1] in ("lat", "lon", "size", "customdata")
            and o["location"][1] >= figures.PROJECT_TRACE_START
        ]
        assert sum(len(json.dumps(o)) for o in per_point) / 3000 <= 24  # bytes per visible point
        assert len(response.data) <= 24 * 3000 + 40_000  # points plus a fixed part (KPIs, four small charts)
        assert data.snapshot().n == 3000
    finally:
        data.use_projects(None)


@pytest.mark.skipif(not data.STACK_POINTS, reason="TFA_FAST=0 draws every project as its own marker")
def test_a_marker_that_stands_for_several_projects_says_so_and_selects_them_all(explorer):
    """Projects of one sector at one place are one marker: its tooltip and detail panel say how many it holds,
    the panel shows the largest, and a box selection over it takes every one of them."""
    snap = data.snapshot()
    mask = snap.mask(map_points.drawn_state("all"))
    stacked = [
        (t, i) for t, d in enumerate(snap.drawn_points(mask)) for i in range(len(d.starts)) if len(d.members(i)) > 1
    ]
    assert stacked, "the shipped sample has projects of one sector at one municipal seat"
    trace, number = stacked[0]
    members = snap.drawn(trace, mask).members(number)
    point, row = _drawn_point(snap, trace, number)
    assert row == members[0] and snap.size[row] == snap.size[members].max()
    more = len(members) - 1
    _, _, direction, tooltip = explorer.hover_project({"points": [dict(point, bbox={})]}, "all")
    assert direction == "bottom"
    text = json.dumps([c.to_plotly_json() if c is not None else None for c in tooltip], default=str)
    assert f"and {more:,} more project{'s' if more > 1 else ''} of this sector here" in text
    is_open, title, body, _ = _in_context(
        explorer.open_detail, {"points": [point]}, None, None, "all", triggered=ids.MAP_CLICK
    )
    assert is_open and title.startswith(str(snap.projects["title"].iloc[row]))
    text = json.dumps([b.to_plotly_json() for b in body], default=str)
    assert f"This marker stands for {len(members):,} projects of this sector at this place" in text
    selected = explorer.selected_ids(snap, "all", {"points": [point]})
    assert selected == list(snap.projects["project_id"].iloc[members])


def test_a_tooltip_opens_above_a_point_low_on_the_map():
    """A point near the map's foot opens its tooltip upwards, so it stays on the screen; higher up, downwards."""
    from dashboard.pages.explorer_updates import TOOLTIP_FLIP_PX, tooltip_direction

    assert tooltip_direction({"x0": 10, "x1": 12, "y0": TOOLTIP_FLIP_PX + 1, "y1": TOOLTIP_FLIP_PX + 3}) == "top"
    assert tooltip_direction({"x0": 10, "x1": 12, "y0": 40, "y1": 42}) == "bottom"
    assert tooltip_direction(None) == tooltip_direction({}) == tooltip_direction({"y0": "x"}) == "bottom"
