"""The briefing page's map tooltip, called as a plain function: the figure carries no text per project, so a
hovered marker's tooltip comes from the server, for the projects the briefing's filter draws there."""

from __future__ import annotations

import json
import sys

import pytest

from dashboard import data, figures
from dashboard.app import create_app
from dashboard.exports import content
from geodata.analysis.filters import FilterState
from geodata.analysis.formatting import usd

QUERY = "sector=health"


@pytest.fixture(scope="module")
def briefing():
    create_app()
    return sys.modules["pages.briefing"]


def _text(children) -> str:
    return json.dumps(
        [c.to_plotly_json() if c is not None else None for c in children], default=str, ensure_ascii=False
    )


def test_a_hovered_briefing_marker_shows_the_project_drawn_there(briefing):
    snap = data.snapshot()
    state = FilterState.from_query(QUERY)
    fig = content.build_briefing(state).figures["map"]
    mask = snap.mask(state)
    checked = 0
    for t, drawn in enumerate(snap.drawn_points(mask)):
        trace = fig.data[figures.PROJECT_TRACE_START + t]
        assert trace.text is None and trace.hovertemplate is None  # nothing per point in the figure
        for number in range(len(drawn.starts)):
            row = int(drawn.shown[number])
            stack = drawn.members(number)
            point = {
                "curveNumber": figures.PROJECT_TRACE_START + t,
                "pointNumber": number,
                "lat": float(snap.lat[row]),
                "lon": float(snap.lon[row]),
                "bbox": {"x0": 5, "x1": 7, "y0": 400, "y1": 402},
            }
            show, bbox, direction, children = briefing.hover_project({"points": [point]}, state.to_query())
            text = _text(children)
            record = snap.projects.iloc[row]
            assert show is True and bbox == point["bbox"] and direction == "top"  # low on the map: above it
            assert str(record["title"]) in text and usd(record["committed_usd"], unknown="not given") in text
            assert ("SAMPLE DATA" in text) == bool(record["is_sample"])
            assert "Click for details" not in text
            assert ("more project" in text) == (len(stack) > 1)
            checked += 1
    assert checked > 0


def test_points_of_other_traces_or_other_data_show_no_tooltip(briefing):
    snap = data.snapshot()
    mask = snap.mask(FilterState.from_query(QUERY))
    t = next(i for i, d in enumerate(snap.drawn_points(mask)) if len(d.starts))
    row = int(snap.drawn(t, mask).shown[0])
    point = {"curveNumber": figures.PROJECT_TRACE_START + t, "pointNumber": 0, "lat": float(snap.lat[row])}
    hidden = (False, briefing.no_update, briefing.no_update, briefing.no_update)
    assert briefing.hover_project({"points": [{**point, "lon": float(snap.lon[row]) + 0.5}]}, QUERY) == hidden
    assert (
        briefing.hover_project({"points": [{**point, "curveNumber": 0, "lon": float(snap.lon[row])}]}, QUERY) == hidden
    )
    assert briefing.hover_project(None, QUERY) == hidden
