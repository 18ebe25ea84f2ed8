"""The explorer's shading layer (``figures.shading``): the colours, hover and colour bar the choropleth trace
gave, and the contract with assets/map_shading.js (the polygons' ``unit`` property, the units' order)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dashboard import data, figures
from dashboard.figures import shading
from dashboard.figures.style import CHOROPLETH_SCALE
from geodata.analysis.filters import FilterState
from geodata.analysis.privacy import SUPPRESS_BELOW, SUPPRESSED_LABEL

URL = "/_geo/boundary-units.geojson?v=test"


@pytest.fixture(scope="module")
def snap():
    return data.snapshot()


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def _parse(rgb: str) -> tuple[float, ...]:
    return tuple(float(v) for v in rgb[rgb.index("(") + 1 : -1].split(","))


def test_colours_follow_the_scale_stops_from_zero_to_the_top():
    (lo, first), (mid, second), (hi, third) = CHOROPLETH_SCALE
    colours = shading.unit_colours(np.array([0.0, 50.0, 100.0, 25.0, np.nan, 250.0]), 100.0)
    assert [_parse(c) for c in colours[:3]] == [_rgb(first), _rgb(second), _rgb(third)]
    between = [(a + b) / 2 for a, b in zip(_rgb(first), _rgb(second), strict=True)]
    assert _parse(colours[3]) == pytest.approx(between, abs=0.6)  # a quarter of the way: halfway to the middle stop
    assert colours[4] == ""  # no value: not shaded
    assert _parse(colours[5]) == _rgb(third)  # above the top (never sent: the top is the largest value): the end


def test_a_unit_without_a_value_has_no_colour_and_no_hover(snap):
    documented = snap.mask(FilterState(dataset="documented"))
    z = figures.choropleth_z(snap, documented, "committed_usd")
    state = figures.shading_data(snap, z, "committed_usd", URL)
    assert np.isnan(z).any() and np.isfinite(z).any()
    for value, fill, hover in zip(z, state["fill"], state["hover"], strict=True):
        assert (fill == "") == bool(np.isnan(value)) and (hover is None) == bool(np.isnan(value))


def test_the_state_names_the_units_in_the_polygons_order_and_the_trace_a_click_counts_as(snap):
    z = figures.choropleth_z(snap, np.ones(snap.n, dtype=bool), "projects")
    state = figures.shading_data(snap, z, "projects", URL)
    assert state["url"] == URL and state["curve"] == figures.TRACE["choropleth"]
    assert state["units"] == list(snap.static.units)
    # the script sets feature state by the polygons' ``unit`` property (MapLibre's promoteId)
    features = snap.static.polygons["features"]
    assert {f["properties"]["unit"] for f in features} == set(state["units"])
    assert all(f["properties"]["unit"] == f["id"] for f in features)
    assert len(state["fill"]) == len(state["hover"]) == len(state["units"])


def test_hover_lines_are_the_trace_s_lines_as_text(snap):
    mask = np.ones(snap.n, dtype=bool)
    z = figures.choropleth_z(snap, mask, "committed_usd")
    state = figures.shading_data(snap, z, "committed_usd", URL)
    i = int(np.nanargmax(z))
    lines = state["hover"][i]
    assert lines[0][1] is True and "<" not in lines[0][0]  # the unit's name, bold, no markup left in it
    assert lines[len(shading.hover_lines(snap.static.unit_hover[i]))] == [f"Committed: {z[i]:,.0f} USD", False]
    assert shading.hover_lines("<b>A and B</b><br>2 municipalities share this polygon") == [
        ["A and B", True],
        ["2 municipalities share this polygon", False],
    ]


def test_funding_per_resident_gives_cents_and_the_population_note(snap):
    mask = np.ones(snap.n, dtype=bool)
    z = figures.choropleth_z(snap, mask, "usd_per_rae_resident")
    state = figures.shading_data(snap, z, "usd_per_rae_resident", URL)
    i = int(np.flatnonzero(np.isfinite(z))[0])
    assert state["hover"][i][-2][0].endswith(f"{z[i]:,.2f} USD per resident (where sourced)")
    assert state["hover"][i][-1] == [snap.static.unit_rae_note[i], False]


def test_people_reached_below_the_threshold_is_never_sent(snap):
    z = np.full(len(snap.static.units), np.nan)
    z[0] = figures.map._SMALL_SHADE  # a unit where 1-9 people were reached
    z[1] = 250.0
    customdata = figures.choropleth_customdata(snap, z, "beneficiaries_reached")
    state = shading.shading(snap, z, 250.0, "beneficiaries_reached", customdata, URL, 0)
    assert state["hover"][0][-1] == [f"People reached: {SUPPRESSED_LABEL} people", False]
    assert state["hover"][1][-1] == ["People reached: 250 people", False]
    sent = repr(state)
    assert all(f": {n} people" not in sent for n in range(1, SUPPRESS_BELOW))


def test_the_choropleth_s_place_holds_a_trace_that_draws_nothing():
    trace = shading.placeholder("Municipalities: Projects")
    assert list(trace.lat) == [None] and list(trace.lon) == [None] and trace.hoverinfo == "skip"
    assert not trace.marker.showscale  # the page draws the colour key


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (5_350_000.0, [(0, "0"), (2e6, "2M"), (4e6, "4M")]),
        (1_530_000.0, [(0, "0"), (500e3, "500k"), (1e6, "1M"), (1.5e6, "1.5M")]),
        (42.0, [(0, "0"), (20, "20"), (40, "40")]),
        (1.0, [(0, "0"), (0.5, "0.5"), (1, "1")]),  # nothing reported: the bar runs from 0 to 1
        (3.0, [(0, "0"), (1, "1"), (2, "2"), (3, "3")]),
        (2_500_000_000.0, [(0, "0"), (1e9, "1B"), (2e9, "2B")]),
    ],
)
def test_the_colour_key_has_round_ticks_from_zero_labelled_as_plotly_labels_them(top, ticks):
    assert shading.colour_ticks(top) == [[value / top, label] for value, label in ticks]


def test_the_shading_carries_its_colour_key(snap):
    z = figures.choropleth_z(snap, np.ones(snap.n, dtype=bool), "committed_usd")
    state = figures.shading_data(snap, z, "committed_usd", URL)
    key = state["key"]
    assert key["title"] == ["Committed", "(USD)"] and key["scale"] == CHOROPLETH_SCALE
    assert key["ticks"] == shading.colour_ticks(figures.colour_top(z))


@pytest.mark.skipif(not figures.SHADING_LAYER, reason="TFA_FAST=0 keeps the choropleth trace")
def test_the_explorer_map_has_no_polygons_in_its_figure(snap):
    shell = figures.map_shell(snap, figures.DEFAULT_METRIC, URL)
    assert "geojson" not in shell["data"][figures.TRACE["choropleth"]]
    assert "colorbar" not in json.dumps(shell["data"][figures.TRACE["choropleth"]])  # the page draws the key
    # the exports keep the trace: they are drawn without the page's script
    exported = figures.map_figure(snap, np.ones(snap.n, dtype=bool))
    assert exported.data[figures.TRACE["choropleth"]].type == "choroplethmap"
