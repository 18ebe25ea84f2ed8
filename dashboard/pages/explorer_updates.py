"""What the explorer's callbacks compute, apart from Dash's wiring: the filter state from the controls and back,
the main callback's outputs (only what changed, as ``dash.Patch`` JSON), the table note, a point's tooltip and
the detail panel's contents, and the map patches that ring a project or move the view.
"""

from __future__ import annotations

import hashlib
import json
from typing import NamedTuple
from urllib.parse import urlencode

import dash
import numpy as np
from dash import html, no_update

from dashboard import components, config, figures, geo_assets
from dashboard.data import Snapshot, municipality_label
from dashboard.figures import points_layer
from dashboard.map_points import event_rows, event_stacks, region_rows
from geodata.analysis.filters import DATASET_CHOICES, FilterState, describe
from geodata.analysis.formatting import usd
from geodata.analysis.kpis import Aggregates, site_history
from geodata.facts.layers import COMMUNITIES, SECTORS
from geodata.facts.municipality_registry import BY_CODE


def state_from_controls(
    snap: Snapshot, sectors, communities, municipalities, statuses, funders, orgs, years, text, dataset, selection=None
) -> FilterState:
    """The FilterState the controls describe. The year slider at its full extent means no year filter."""
    year_from = year_to = None
    if years and len(years) == 2:
        year_from = int(years[0]) if int(years[0]) > snap.year_min else None
        year_to = int(years[1]) if int(years[1]) < snap.year_max else None
    return FilterState(
        sectors=tuple(v for v in (sectors or []) if v in SECTORS),
        communities=tuple(v for v in (communities or []) if v in COMMUNITIES),
        municipalities=tuple(v for v in (municipalities or []) if v in BY_CODE),
        statuses=tuple(statuses or ()),
        funders=tuple(funders or ()),
        orgs=tuple(orgs or ()),
        year_from=year_from,
        year_to=year_to,
        text=(text or "").strip(),
        dataset=dataset if dataset in DATASET_CHOICES else "all",
        ids=tuple(selection or ()),
    )


#: The filter controls in the order of ``FILTER_INPUTS`` (and of ``state_from_controls``'s arguments).
CONTROL_KEYS = ("sectors", "communities", "municipalities", "statuses", "funders", "orgs", "years", "text", "dataset")


def controls_from_state(snap: Snapshot, state: FilterState) -> dict:
    """Control values for a state (the inverse of ``state_from_controls``)."""
    return {
        "sectors": list(state.sectors),
        "communities": list(state.communities),
        "municipalities": list(state.municipalities),
        "statuses": list(state.statuses),
        "funders": list(state.funders),
        "orgs": list(state.orgs),
        "years": [
            state.year_from if state.year_from is not None else snap.year_min,
            state.year_to if state.year_to is not None else snap.year_max,
        ],
        "text": state.text,
        "dataset": state.dataset,
        "selection": list(state.ids) or None,
    }


def page_query(state: FilterState, metric: str) -> str:
    """The URL query of the explorer: the shared FilterState query, plus the metric when not the default."""
    query = state.to_query()
    if metric != figures.DEFAULT_METRIC:
        query = "&".join(q for q in (query, urlencode({"metric": metric})) if q)
    return query


def toggle_municipalities(current: list[str] | None, clicked: list[str]) -> list[str]:
    """Clicking a polygon filters to its municipalities; clicking it again (same selection) clears."""
    return [] if sorted(current or []) == sorted(clicked) else list(clicked)


def unit_municipalities(snap: Snapshot, unit: str) -> list[str]:
    m = snap.static.municipalities
    return sorted(m.loc[m["boundary_unit"] == unit, "code"].astype(str))


# ---------------------------------------------------------------- the main filter callback


def chart_patch(update: dict) -> dash.Patch:
    patch = dash.Patch()
    for i, values in enumerate(update["data"]):
        for key, value in values.items():
            patch["data"][i][key] = value
    patch["layout"]["annotations"] = update["annotations"]
    return patch


#: ``no_update`` as the JSON Dash reads it (the main callback returns plain JSON: see ``components.plain``).
NOT_SENT = no_update.to_plotly_json()


def digest(value) -> str:
    """A short fingerprint of what a figure part holds (numpy arrays by their bytes, the rest as JSON)."""
    if isinstance(value, np.ndarray):
        raw = value.tobytes()
    else:
        raw = json.dumps(value, sort_keys=True, default=str, separators=(",", ":")).encode()
    return hashlib.blake2b(raw, digest_size=8).hexdigest()


def map_parts(snap: Snapshot, mask: np.ndarray, metric: str, has_sample: bool) -> dict:
    """The parts of the map a filter or metric change can alter, apart from the project points: the shading
    (``z``), the metric's hover and colour-bar title, the hover's second line, and the annotations (with the note
    on polygons left unshaded, which comes and goes with the filter and the metric).

    With the page's shading layer (``figures.SHADING_LAYER``) the figure holds only the annotations; ``shading``
    is the layer's state (colours and hover per unit, and the colour key), which is not in the figure
    (``explorer_outputs``), so a filter click that changes only what is shaded does not redraw the map."""
    z = figures.choropleth_z(snap, mask, metric)
    annotations = figures.map_annotations(has_sample, not mask.any(), figures.unshaded_text(snap, mask, metric))
    if figures.SHADING_LAYER:
        return {
            "annotations": annotations,
            "shading": figures.shading_data(snap, z, metric, geo_assets.polygons_url(snap.static)),
        }
    return {
        "z": z,
        "metric": [figures.metric_hovertemplate(metric), figures.colorbar_title(metric)],
        "customdata": figures.choropleth_customdata(snap, z, metric),
        "annotations": annotations,
    }


def map_patch(snap: Snapshot, parts: dict, changed: set[str], mask: np.ndarray, points: bool):
    """A patch of the map holding only the ``changed`` parts (and the project points when ``points``), or
    ``no_update`` when nothing changed: then the browser does not redraw the map at all."""
    changed = changed & set(parts) - {"shading"}
    if not changed and not points:
        return NOT_SENT
    patch = dash.Patch()
    first = patch["data"][figures.TRACE["choropleth"]]  # the choropleth (TFA_FAST=0)
    if "z" in changed:
        first["z"] = figures.typed(parts["z"])
        first["zmax"] = figures.colour_top(parts["z"])
    if "metric" in changed:
        first["hovertemplate"], first["colorbar"]["title"]["text"] = parts["metric"]
    if "customdata" in changed:
        first["customdata"] = parts["customdata"]
    if points:
        for i, specs in enumerate(figures.project_trace_specs(snap, mask)):
            trace = patch["data"][figures.PROJECT_TRACE_START + i]
            trace["lat"] = specs["lat"]
            trace["lon"] = specs["lon"]
            trace["marker"]["size"] = specs["size"]
            trace["customdata"] = specs["customdata"]
            if "color" in specs:  # one trace per level: each point's sector code
                trace["marker"]["color"] = specs["color"]
    if "annotations" in changed:
        patch["layout"]["annotations"] = parts["annotations"]
    return patch


class Content(NamedTuple):
    """What the explorer shows for a filter state, before it is compared with what the browser holds."""

    map_mask: np.ndarray  # the map's projects: every filtered one (a selection narrows the rest)
    mask: np.ndarray  # the charts', key figures' and table's projects
    agg: Aggregates  # their aggregates
    updates: dict  # each chart's data and notes (``figures.chart_updates``)
    parts: dict  # the map's parts (``map_parts``)
    digests: dict  # a fingerprint of each part and chart, and of the points layer's state
    points_key: str  # the filter the map's points are drawn for
    held: dict | None  # which markers a box or lasso selection holds (the points layer's), or None


def content(snap: Snapshot, state: FilterState, metric: str) -> Content:
    """Filter once; the charts' and map's parts for the state, and their digests."""
    map_mask = snap.mask(state.with_(ids=()))
    mask = map_mask & snap.index.ids.isin(state.ids) if state.ids else map_mask
    agg = snap.kpi.aggregate(mask)
    updates = figures.chart_updates(snap, mask, agg)
    parts = map_parts(snap, map_mask, metric, bool(np.count_nonzero(snap.kpi.is_sample & map_mask)))
    digests = {**{k: digest(v) for k, v in parts.items()}, **{k: digest(v) for k, v in updates.items()}}
    points_key = state.with_(ids=()).to_query() or "all"
    held = None
    if config.POINTS_LAYER:
        held = points_layer.selected(snap, map_mask, mask if state.ids else np.zeros(snap.n, dtype=bool), points_key)
        digests["selected"] = digest(held)
        digests["points_base"] = points_layer.base(snap)["id"]  # the whole data's markers, which the page holds
    return Content(map_mask, mask, agg, updates, parts, digests, points_key, held)


def explorer_outputs(snap: Snapshot, state: FilterState, metric: str, drawn_key=None, drawn=None) -> tuple:
    """The main callback's outputs, as plain JSON. Filter once, then send only what changed: the map's project
    points when the map's filter changed, each other map part and each chart only when its digest differs from
    what the browser holds (``drawn``); an unchanged figure is ``no_update`` and is not redrawn. ``config.FAST``
    off sends everything every time."""
    metric = metric if metric in figures.METRICS else figures.DEFAULT_METRIC
    view = content(snap, state, metric)
    count = int(np.count_nonzero(view.mask))
    count_sample = int(np.count_nonzero(snap.kpi.is_sample & view.mask))
    before = (drawn or {}) if config.FAST else {}
    changed = {key for key, value in view.digests.items() if before.get(key) != value}
    charts = {key: chart_patch(update) if key in changed else NOT_SENT for key, update in view.updates.items()}
    kpi = components.kpi_texts(snap.kpi.kpis(agg=view.agg))
    points = view.points_key != drawn_key  # resend points only when the map's filter changed
    on_page, selected = NOT_SENT, NOT_SENT  # the points and which of them a selection holds, beside the figure
    if config.POINTS_LAYER:
        new_base = before.get("points_base") != view.digests["points_base"]
        if points or new_base:
            on_page = points_layer.points(snap, view.map_mask, view.points_key, with_base=new_base)
        if points or new_base or before.get("selected") != view.digests["selected"]:
            selected = view.held
    # plain JSON (no component or Patch objects): Dash's encoder then serialises it in one orjson call
    shading = view.parts["shading"] if "shading" in changed else NOT_SENT
    return components.plain(
        (
            map_patch(snap, view.parts, changed, view.map_mask, points and not config.POINTS_LAYER),
            charts["by_sector"],
            charts["by_municipality"],
            charts["over_time"],
            charts["by_community"],
            *[text for key in components.KPI_KEYS for text in kpi[key]],
            components.filter_sentence(describe(state)),
            components.sample_banner(count_sample),
            components.empty_state(count),
            page_query(state, metric),
            view.points_key,
            view.digests,
            shading,
            on_page,
            selected,
            # the table's count comes with the key figures, not with its rows (which wait while it is out of view)
            table_note(count, None if config.FAST else config.TABLE_ROW_LIMIT),
        )
    )


class FirstView(NamedTuple):
    """The explorer's first view, which its layout holds (``config.EXPLORER_FIRST_VIEW``): what the main callback
    would otherwise have sent as the page appeared, a round trip later."""

    content: Content
    map_figure: dict  # the map's shell with the notes for these filters
    points: dict  # the project markers, with the whole data's (``figures.points_layer``)
    query: str  # the page's URL query (``page_query``)
    table_note: str


def map_shell(snap: Snapshot, metric: str) -> dict:
    """The page's map shell (``figures.map_shell``), its boundary units and outline loaded from their files
    (``dashboard.geo_assets``)."""
    return figures.map_shell(snap, metric, geo_assets.polygons_url(snap.static), geo_assets.url(snap.static, "outline"))


def first_view(snap: Snapshot, state: FilterState, metric: str) -> FirstView:
    """The page's first view for the URL's filters: the map's shell (the same for every visitor) with the notes
    for these filters, the shading and points as the main callback sends them when the browser holds nothing, and
    the digests the page then holds, so that its first filter change sends only what changed."""
    view = content(snap, state, metric)
    shell = map_shell(snap, metric)
    annotations = view.parts["annotations"]
    if shell["layout"].get("annotations") != annotations:  # the shell is shared: changed in a copy
        shell = {**shell, "layout": {**shell["layout"], "annotations": annotations}}
    return FirstView(
        view,
        shell,
        points_layer.points(snap, view.map_mask, view.points_key, with_base=True),
        page_query(state, metric),
        table_note(int(np.count_nonzero(view.mask))),
    )


def table_note(total: int, limit: int | None = None) -> str:
    """The note beside the table's heading: the number of matching projects, and whether the table holds only the
    ``limit`` largest of them (the whole-list table of ``TFA_FAST=0``)."""
    shown = None if limit is None else min(total, limit)
    if shown is None or total <= shown:
        return f"{total:,} matching"
    return f"showing the {shown:,} largest of {total:,} matching; the CSV has all"


def selected_ids(snap: Snapshot, points_key: str | None, selected: dict | None) -> list[str] | None:
    """Project ids in a box/lasso selection (points of the project traces only, mapped to rows through the
    filter the points were drawn for: see dashboard.map_points; or, where the page draws the points itself, the
    markers inside the selection's outline); None when nothing is selected."""
    rows = event_rows(snap, points_key, selected)
    if config.POINTS_LAYER:  # the points are the page's own: the event holds the outline, not the points
        rows = list(dict.fromkeys([*rows, *region_rows(snap, points_key, selected)]))
    return [str(x) for x in snap.projects["project_id"].iloc[rows]] or None


def project_tooltip(snap: Snapshot, row: int, stacked: int = 1, clickable: bool = True) -> list:
    """What hovering a project shows: its title, committed amount, sector and place, and SAMPLE DATA if so; for
    a marker that stands for ``stacked`` projects at one place, how many more it holds; "Click for details"
    where a click opens them (``clickable``)."""
    record = snap.projects.iloc[row]
    sample = bool(record.get("is_sample"))
    level = "near a site" if snap.group[row] % 2 == 0 else "municipality level, drawn at the municipal seat"
    return [
        html.Strong("SAMPLE DATA", className="tooltip-sample d-block") if sample else None,
        html.Strong(str(record["title"]), className="d-block"),
        html.Span(f"Committed: {usd(record.get('committed_usd'), unknown='not given')}", className="d-block"),
        html.Span(
            f"{str(record['sector']).capitalize()} · {municipality_label(str(record['municipality']))} · {level}",
            className="d-block tooltip-meta",
        ),
        html.Span(_more_here(stacked), className="d-block tooltip-meta") if stacked > 1 else None,
        html.Span("Click for details", className="d-block tooltip-meta") if clickable else None,
    ]


#: Pixels from the top of a map: a point hovered below this opens its tooltip above it, so a point near the map's
#: bottom edge (at the foot of the screen) does not push its tooltip off the page. Every map is at least 440 px
#: high and a tooltip under 200 px, so one opened downwards from above this line fits under its point.
TOOLTIP_FLIP_PX = 250


def tooltip_direction(bbox: dict | None) -> str:
    """Where a map's tooltip opens for a hovered point's ``bbox`` (pixels within the graph): below the point in
    the map's upper part, above it lower down."""
    try:
        y = float((bbox or {}).get("y0", 0))
    except (TypeError, ValueError):
        y = 0.0
    return "top" if y > TOOLTIP_FLIP_PX else "bottom"


def marker_tooltip(snap: Snapshot, points_key: str | None, hover: dict | None, clickable: bool = True) -> list | None:
    """The tooltip of the project marker a hover event is on (a map drawn for the filter ``points_key``, see
    ``dashboard.map_points``): its largest project, and how many more it holds; None off a project marker."""
    stacks = event_stacks(snap, points_key, hover)
    return project_tooltip(snap, int(stacks[0][0]), len(stacks[0]), clickable) if stacks else None


def tooltip_outputs(hover: dict | None, children: list | None) -> tuple:
    """A map's ``dcc.Tooltip`` outputs (show, bbox, direction, children) for a hover event: shown at the hovered
    point with ``children``, or hidden (nothing else sent) when ``children`` is None."""
    if children is None:
        return False, no_update, no_update, no_update
    bbox = hover["points"][0].get("bbox")
    return True, bbox, tooltip_direction(bbox), children


def _more_here(stacked: int) -> str:
    others = stacked - 1
    return f"and {others:,} more {'project' if others == 1 else 'projects'} of this sector here"


def stack_note(stacked: int) -> html.P:
    """The detail panel's line for a marker that stands for several (``stacked``) projects at one place."""
    return html.P(
        f"This marker stands for {stacked:,} projects of this sector at this place; the largest is shown. "
        "Select the marker with the box or lasso tool to list them all in the table.",
        className="small text-muted stack-note",
    )


# ---------------------------------------------------------------- detail panel and map view


def project_panel(snap: Snapshot, row: int) -> tuple[str, list]:
    record = snap.projects.drop(columns="geometry").iloc[row].to_dict()
    title = str(record["title"]) + (" (SAMPLE)" if record.get("is_sample") else "")
    camps = snap.static.camps
    site = camps.loc[camps["site_id"] == record.get("site_id"), "name_en"]
    return title, components.project_detail(
        record, municipality_label(str(record["municipality"])), str(site.iloc[0]) if len(site) else None
    )


def camp_panel(snap: Snapshot, site_id: str) -> tuple[str, list]:
    history = site_history(snap.static.camps, snap.static.hazards, site_id)
    return history["name_en"], components.camp_detail(history, figures.camp_timeline_figure(history))


def highlight(snap: Snapshot, row: int | None) -> dash.Patch:
    patch = dash.Patch()
    trace = patch["data"][figures.TRACE["highlight"]]
    trace["lat"] = [] if row is None else [float(snap.lat[row])]
    trace["lon"] = [] if row is None else [float(snap.lon[row])]
    return patch


def set_view(patch: dash.Patch, view: dict, revision: str) -> dash.Patch:
    """Set the map's view; a new ``map.uirevision`` makes it win over where the user had panned."""
    patch["layout"]["map"]["center"] = view["center"]
    patch["layout"]["map"]["zoom"] = view["zoom"]
    patch["layout"]["map"]["uirevision"] = revision
    return patch
