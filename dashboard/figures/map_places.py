"""The explorer map's fixed parts: settlements, hazards, the camps and return site, and the legend entries for them.

On the fast path they are layout layers of the map (``static_layers``: the settlements and their names, the
hazards' halos, the camps' rings, numbers and names), which Plotly sets once, and one trace of what is hovered or
clicked (``places_trace``: the hazards' cores and the camps' numbered fills). Every map part has its own place in
the base style (``basemap.anchor``). ``TFA_FAST=0`` draws them as the traces they were (``fixed_traces_below`` and
``fixed_traces_above``).
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

from dashboard import config
from dashboard.camp_key import numbers_by_site
from dashboard.data import Snapshot, municipality_label
from dashboard.figures import basemap
from dashboard.figures.basemap import anchor
from dashboard.figures.style import HAZARD_COLOUR, SECTOR_COLOURS
from geodata.analysis.kpis import population_observations
from geodata.facts.layers import SECTORS
from geodata.facts.names import place_label

#: Whether the fixed map parts are layout layers (the fast path) or traces (``TFA_FAST=0``).
STATIC_LAYERS = config.FAST
PLACES_UID = "places"

#: Marker fills of the numbered sites (opaque; black numbers): a former camp, the return site (as the legend says).
CAMP_FILL = "#FFFFFF"
RETURN_SITE_FILL = "#B39DDB"


def _camp_hover(row) -> str:
    names = " / ".join(dict.fromkeys(str(x) for x in (row["name_sq"], row["name_sr"]) if x and str(x) != "nan"))
    kind = "Return site" if row["site_type"] == "return site" else "Former IDP camp"
    lines = [f"<b>{html.escape(str(row['name_en']))}</b> ({html.escape(names)})", kind]
    opened, closed = row.get("opened"), row.get("closed")
    lines.append(f"Opened {opened or 'date not sourced'}; closed {closed or '—'}")
    obs = population_observations(row.get("population_observations"))
    if obs:
        lines.append("Population: " + "; ".join(f"{o['date']}: {o['figure']:,} {o.get('unit', '')}" for o in obs[:4]))
    lines.append(f"Location approximate (±{int(row['location_uncertainty_m']) / 1000:.0f} km). Click for its history.")
    return "<br>".join(lines)


def sector_legend_traces() -> list[go.Scattermap]:
    """One legend entry per sector colour (no points: the projects are drawn by the level traces)."""
    return [
        go.Scattermap(
            lat=[None],
            lon=[None],
            mode="markers",
            marker=dict(size=12, color=SECTOR_COLOURS[sector], opacity=0.9),
            name=sector.capitalize(),
            legendgroup=sector,
            legendrank=100 + i,  # listed first, as when each sector was its own trace
            hoverinfo="skip",
        )
        for i, sector in enumerate(SECTORS)
    ]


def anchored(part: str) -> dict:
    """The trace's own place in the base style (the fast path), see ``basemap.anchor``."""
    return {"below": basemap.anchor(part)} if STATIC_LAYERS else {}


# ------------------------------------------------------------------------------- the fixed parts as layers

SETTLEMENT_COLOUR = "#6b6b6b"
SETTLEMENT_LABEL_COLOUR = "#555555"
#: Marker sizes in pixels (diameters, as Plotly's marker.size): settlement dot, hazard halo and core, camp ring
#: and fill.
SETTLEMENT_SIZE, HALO_SIZE, HAZARD_SIZE, CAMP_RING_SIZE, CAMP_FILL_SIZE = 5, 30, 9, 25, 19


def _circle_layer(source: dict, size: float, colour: str, opacity: float, below: str) -> dict:
    return dict(
        sourcetype="geojson",
        source=basemap.with_properties(source),
        type="circle",
        circle=dict(radius=size / 2),
        color=colour,
        opacity=opacity,
        below=below,
    )


def settlement_labels(settlements) -> list[str]:
    """The settlements' map labels (``place_label``: a municipality's seat in Albanian and Serbian)."""
    return [place_label(n, str(m)) for n, m in zip(settlements["name"], settlements["municipality"], strict=True)]


def static_layers(snap: Snapshot) -> list[dict]:
    """The map's fixed parts as layout layers, bottom to top: under the project points the hazards' halos and
    the settlements with their names; above the points and the highlight, under the places trace, the camps'
    black rings; on top of everything the camps' numbers and names. Each layer and trace has its own place in
    the base style (``basemap.anchor``)."""
    static = snap.static
    st, hz, cp = static.settlements, static.hazards, static.camps
    numbers = numbers_by_site(cp)
    settlements = basemap.point_features(st, {"name": settlement_labels(st)})
    camps = basemap.point_features(
        cp, {"number": [str(numbers[s]) for s in cp["site_id"]], "name": [str(n) for n in cp["name_en"]]}
    )
    return [
        _circle_layer(
            basemap.point_features(hz, {"name": list(hz["name_en"])}),
            HALO_SIZE,
            HAZARD_COLOUR,
            0.22,
            anchor("hazard-halo"),
        ),
        _circle_layer(settlements, SETTLEMENT_SIZE, SETTLEMENT_COLOUR, 1.0, anchor("settlement-dots")),
        basemap.label_layer(settlements, "name", "top right", 11, SETTLEMENT_LABEL_COLOUR, anchor("settlement-names")),
        _circle_layer(camps, CAMP_RING_SIZE, "#000000", 1.0, anchor("camp-rings")),
        basemap.label_layer(camps, "number", "middle center", 12, "#000000", anchor("camp-numbers")),
        basemap.label_layer(camps, "name", "middle right", 13, "#000000", anchor("camp-names"), CAMP_RING_SIZE / 2 + 2),
    ]


def highlight_trace() -> go.Scattermap:
    return go.Scattermap(
        lat=[],
        lon=[],
        mode="markers",
        hoverinfo="skip",
        showlegend=False,
        marker=dict(size=34, color="#000000", opacity=0.35),
        name="highlight",
        **anchored("highlight"),
    )


def places_trace(snap: Snapshot) -> go.Scattermap:
    """The hazards (red cores), then the camps on top of them (numbered fills: white a former camp, violet the
    return site; clicked for their history), with their hover. The camp rings, numbers and names are layers
    (``static_layers``)."""
    cp, hz = snap.static.camps, snap.static.hazards
    numbers = numbers_by_site(cp)
    opaque = dict(marker=dict(opacity=1))  # a box/lasso selection never dims them
    return go.Scattermap(
        lat=[*hz.geometry.y, *cp.geometry.y],
        lon=[*hz.geometry.x, *cp.geometry.x],
        mode="markers",
        marker=dict(
            size=[HAZARD_SIZE] * len(hz) + [CAMP_FILL_SIZE] * len(cp),
            color=[HAZARD_COLOUR] * len(hz) + [CAMP_FILL if t == "camp" else RETURN_SITE_FILL for t in cp["site_type"]],
            opacity=1,
        ),
        selected=opaque,
        unselected=opaque,
        customdata=[*[None] * len(hz), *cp["site_id"]],
        hovertext=_hazard_hover(hz) + [f"{numbers[r['site_id']]}. " + _camp_hover(r) for _, r in cp.iterrows()],
        hovertemplate="%{hovertext}<extra></extra>",
        name="Hazards and camps",
        showlegend=False,
        uid=PLACES_UID,
        **anchored("places"),
    )


def legend_entries() -> list[go.Scattermap]:
    """Legend-only entries (no points) for what layers and the places trace draw, then one per sector colour."""

    def entry(name: str, **marker) -> go.Scattermap:
        return go.Scattermap(lat=[None], lon=[None], mode="markers", marker=marker, name=name, hoverinfo="skip")

    return [
        entry("Settlement (GeoNames)", size=SETTLEMENT_SIZE, color=SETTLEMENT_COLOUR),
        entry("Smelter, mine or tailings", size=HAZARD_SIZE, color=HAZARD_COLOUR),
        entry("Faded: municipality-level project", size=12, color="#999", opacity=0.4),
        entry("Former IDP camp (white) / return site (violet)", size=CAMP_RING_SIZE, color="#000000"),
        *sector_legend_traces(),
    ]


def _hazard_hover(hz) -> list[str]:
    return [
        f"<b>{html.escape(str(r['name_en']))}</b> ({html.escape(str(r['name_sq']))} / {html.escape(str(r['name_sr']))})"
        f"<br>{html.escape(str(r['hazard_type']).capitalize())}; "
        f"location ±{int(r['location_uncertainty_m']) / 1000:g} km"
        for _, r in hz.iterrows()
    ]


# ----------------------------------------------------------------- the fixed parts as traces (TFA_FAST=0)


def fixed_traces_below(snap: Snapshot) -> list[go.Scattermap]:
    """Settlements, hazard halo and core, under the project traces."""
    st, hz = snap.static.settlements, snap.static.hazards
    labels = settlement_labels(st)
    return [
        go.Scattermap(
            lat=st.geometry.y.to_numpy(),
            lon=st.geometry.x.to_numpy(),
            mode="markers+text",
            marker=dict(size=SETTLEMENT_SIZE, color=SETTLEMENT_COLOUR),
            text=labels,
            textposition="top right",
            textfont=dict(size=11, color=SETTLEMENT_LABEL_COLOUR),
            name="Settlement (GeoNames)",
            hovertext=[
                f"{html.escape(n)} (settlement, {municipality_label(str(m))})"
                for n, m in zip(labels, st["municipality"], strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        ),
        go.Scattermap(
            lat=hz.geometry.y,
            lon=hz.geometry.x,
            mode="markers",
            hoverinfo="skip",
            marker=dict(size=HALO_SIZE, color=HAZARD_COLOUR, opacity=0.22),
            showlegend=False,
            name="hazard halo",
        ),
        go.Scattermap(
            lat=hz.geometry.y,
            lon=hz.geometry.x,
            mode="markers",
            hovertext=_hazard_hover(hz),
            hovertemplate="%{hovertext}<extra></extra>",
            marker=dict(size=HAZARD_SIZE, color=HAZARD_COLOUR),
            name="Smelter, mine or tailings",
        ),
    ]


def fixed_traces_above(snap: Snapshot) -> list[go.Scattermap]:
    """The faded-marker legend entry, the highlight, the camps' ring, numbered fill and names."""
    cp = snap.static.camps
    numbers = numbers_by_site(cp)
    fill = [CAMP_FILL if t == "camp" else RETURN_SITE_FILL for t in cp["site_type"]]
    opaque = dict(marker=dict(opacity=1))  # a box/lasso selection never dims the camps
    return [
        go.Scattermap(
            lat=[None],
            lon=[None],
            mode="markers",
            marker=dict(size=12, color="#999", opacity=0.4),
            name="Faded: municipality-level project",
            hoverinfo="skip",
        ),
        highlight_trace(),
        go.Scattermap(
            lat=cp.geometry.y,
            lon=cp.geometry.x,
            mode="markers",
            hoverinfo="skip",
            marker=dict(size=CAMP_RING_SIZE, color="#000000", opacity=1),
            selected=opaque,
            unselected=opaque,
            name="Former IDP camp (white) / return site (violet)",
        ),
        go.Scattermap(
            lat=cp.geometry.y,
            lon=cp.geometry.x,
            mode="markers+text",
            marker=dict(size=CAMP_FILL_SIZE, color=fill, opacity=1),
            selected=opaque,
            unselected=opaque,
            text=[str(numbers[site]) for site in cp["site_id"]],
            textposition="middle center",
            textfont=dict(size=12, color="#000000"),
            customdata=list(cp["site_id"]),
            hovertext=[f"{numbers[r['site_id']]}. " + _camp_hover(r) for _, r in cp.iterrows()],
            hovertemplate="%{hovertext}<extra></extra>",
            name="camp fill",
            showlegend=False,
        ),
        go.Scattermap(
            lat=cp.geometry.y,
            lon=cp.geometry.x,
            mode="markers+text",  # text alone would ask the style for a marker icon it does not have
            marker=dict(size=CAMP_RING_SIZE, opacity=0),  # invisible: places the name beside the numbered marker
            text=[str(n) for n in cp["name_en"]],
            textposition="middle right",
            textfont=dict(size=13, color="#000000"),
            hoverinfo="skip",
            name="camp names",
            showlegend=False,
        ),
    ]
