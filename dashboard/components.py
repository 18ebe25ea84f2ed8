"""Reusable pieces of the UI (Dash components; no callbacks here).

* ``kpi_cards(values)``: the KPI row (values from ``geodata.analysis.kpis.kpis`` / ``KpiArrays.kpis``), each with a
  tooltip that defines it.
* ``trust_fund_card(status)``: target vs received, dated and sourced (``geodata.analysis.kpis.trust_fund_status``).
* ``filter_sentence(text)``: the active filters in words (``geodata.analysis.filters.describe``).
* ``user_error(message)``: the one look of an expected error (``filter_notes``, the explorer's base-map notice).
* ``sample_banner(count)``: the "SAMPLE DATA" banner, or nothing when ``count`` is 0.
* ``project_detail(row)`` / ``camp_detail(history, timeline)``: the detail panel's contents.
* ``source_links(urls)``: sources as links that open in a new tab.
* ``coverage_summary(result)`` / ``coverage_rules(result)``: the coverage page's headline and its counting rules.

Why one module: a catalogue of short, independent component functions (listed above) that every page
draws from; splitting it would scatter the catalogue without separating concerns.
"""

from __future__ import annotations

import html as _html
from datetime import date
from urllib.parse import urlparse

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Patch, dcc, html

from geodata.analysis.coverage import LOCATION_RULE, SITE_RULE, CoverageResult
from geodata.analysis.formatting import usd
from geodata.analysis.kpis import KPI_DEFINITIONS, kpi_lines, suppress
from geodata.analysis.sector_shares import sectors_in_words
from geodata.facts.layers import PRECISION_CODES


def _date(text: str | None) -> str:
    """'2019-03-14' -> '14 Mar 2019'; '2017-09' -> 'Sep 2017'; '2024' -> '2024'."""
    if not text:
        return "date not given"
    parts = str(text).split("-")
    try:
        if len(parts) == 3:
            return date(int(parts[0]), int(parts[1]), int(parts[2])).strftime("%-d %b %Y")
        if len(parts) == 2:
            return date(int(parts[0]), int(parts[1]), 1).strftime("%b %Y")
    except ValueError:
        return str(text)
    return str(text)


def source_links(urls: list[str] | str, label_prefix: str = "") -> html.Ul:
    """Each URL as a link named by its host, opening in a new tab."""
    if isinstance(urls, str):
        urls = urls.split()
    items = []
    for url in urls:
        host = urlparse(url).netloc.removeprefix("www.") or url
        items.append(
            html.Li(html.A(f"{label_prefix}{host}", href=url, target="_blank", rel="noopener noreferrer", title=url))
        )
    return html.Ul(items, className="source-list")


KPI_KEYS = ("projects", "committed", "disbursed", "beneficiaries", "municipalities")


def kpi_id(key: str, part: str) -> str:
    """The id of a KPI card's ``value`` or ``sub`` line (the filter callback updates these strings only)."""
    return f"kpi-{key}-{part}"


def kpi_texts(k: dict) -> dict[str, tuple[str, str]]:
    """Value and sub-line of each KPI card, for the values of ``kpis.kpis``: ``kpis.kpi_lines``,
    the words the briefing and its deck use too ("not reported", never 0; how many projects each total covers;
    "(sample data)" on every line that includes sample rows)."""
    return kpi_lines(k)


_KPI_TITLES = {
    "projects": ("Projects", "projects"),
    "committed": ("Committed", "committed_usd"),
    "disbursed": ("Disbursed", "disbursed_usd"),
    "beneficiaries": ("People reached", "beneficiaries"),
    "municipalities": ("Municipalities", "municipalities_covered"),
}


def _card(key: str, value: str, sub: str) -> dbc.Col:
    card_id = f"kpi-{key}"
    title, definition = _KPI_TITLES[key]
    return dbc.Col(
        [
            html.Div(
                [
                    html.Div(
                        [title, html.Span("i", className="kpi-info", **{"aria-hidden": "true"})], className="kpi-title"
                    ),
                    html.Div(value, className="kpi-value", id=kpi_id(key, "value")),
                    html.Div(sub, className="kpi-sub", id=kpi_id(key, "sub")),
                ],
                className="kpi-card",
                id=card_id,
                tabIndex=0,
                role="group",
                **{"aria-describedby": f"{card_id}-definition"},
            ),
            html.Span(KPI_DEFINITIONS[definition], id=f"{card_id}-definition", className="visually-hidden"),
            dbc.Tooltip(KPI_DEFINITIONS[definition], target=card_id, placement="bottom"),
        ],
        xs=6,
        lg=True,
    )


def kpi_cards(k: dict) -> dbc.Row:
    """The KPI row for the values of ``geodata.analysis.kpis.kpis``: cards with definitions as tooltips. Filters update
    only the ``kpi_id(key, "value" | "sub")`` strings (see ``kpi_texts``)."""
    texts = kpi_texts(k)
    return dbc.Row([_card(key, *texts[key]) for key in KPI_KEYS], className="g-2 kpi-row")


def trust_fund_card(status: dict) -> html.Div:
    """The UN Trust Fund: target vs received, with the sourced dates and quotes. States the gap plainly."""
    target, received = status["target_usd"], status["received_usd"]
    latest = status["latest"]
    pct = 0.0 if not target or received is None else min(100.0, 100.0 * received / target)
    gap = status["gap_usd"]

    def link(urls: list[str]):
        return html.A("source", href=urls[0], target="_blank", rel="noopener noreferrer") if urls else "no source"

    return html.Div(
        [
            html.Div(
                [
                    html.Span("UN Trust Fund", className="kpi-title"),
                    html.Span(latest["status"].upper(), className="tf-badge"),
                ],
                className="d-flex align-items-center justify-content-between gap-2",
            ),
            html.Div(
                [
                    html.Span(usd(received), className="tf-received"),
                    html.Span(f" received of {usd(target)} target", className="tf-target"),
                ],
                className="tf-figures",
            ),
            # Bootstrap 5.3's progress markup, named for screen readers (dbc.Progress leaves the bar unnamed)
            html.Div(
                html.Div(className="progress-bar bg-danger", style={"width": f"{pct:.0f}%"}),
                className="progress tf-progress",
                role="progressbar",
                title=f"{pct:.0f}% of the target received",
                **{
                    "aria-label": "Share of the Trust Fund target received",
                    "aria-valuenow": f"{pct:.0f}",
                    "aria-valuemin": "0",
                    "aria-valuemax": "100",
                    "aria-valuetext": f"{pct:.0f}% of the target received",
                },
            ),
            html.Div(
                [
                    f"Announced {_date(status['announced'])}. {usd(received)} as of "
                    f"{_date(status['received_as_of'])} (",
                    link(status["received_sources"]),
                    ")",
                    f"; gap {usd(gap)}. " if gap is not None else ". ",
                    f"{_date(latest['date'])}: “{latest['quote'] or latest['event']}” (",
                    link(latest["sources"]),
                    ").",
                ],
                className="tf-note",
            ),
        ],
        className="tf-card",
        role="region",
        **{"aria-label": "UN Trust Fund funding status"},
    )


def map_legend(sector_colours: dict[str, str]) -> html.Div:
    """The map's legend in HTML (keeps the map clear): sectors, precision, camps, hazards, settlements."""

    def item(swatch_class: str, label: str, colour: str | None = None) -> html.Span:
        style = {"backgroundColor": colour} if colour else None
        return html.Span(
            [html.Span(className=f"swatch {swatch_class}", style=style), label],
            className="legend-item",
            role="listitem",
        )

    return html.Div(
        [item("dot", s.capitalize(), c) for s, c in sector_colours.items()]
        + [
            item("dot faded", "municipality-level (faded, at the municipal seat)"),
            item("ring", "former IDP camp"),
            item("ring return", "return site"),
            item("hazard", "smelter, mine, tailings"),
            item("settlement", "settlement"),
        ],
        className="map-legend",
        role="list",
        **{"aria-label": "Map legend"},
    )


def filters_offcanvas(panel, panel_id: str, close_id: str) -> html.Div:
    """The filter panel as the sidebar on wide screens and an off-canvas panel on phones (Bootstrap's
    ``offcanvas-lg``; ``assets/offcanvas.js`` opens it from ``filters_toggle`` and handles Escape and focus)."""
    return html.Div(
        [
            html.Div(
                [
                    html.Button(
                        type="button",
                        id=close_id,
                        className="btn-close",
                        title="Close the filters",
                        **{"aria-label": "Close the filters", "data-offcanvas-close": panel_id},
                    ),
                ],
                className="offcanvas-header d-lg-none",
            ),
            html.Div(panel, className="offcanvas-body"),
        ],
        id=panel_id,
        className="offcanvas-lg offcanvas-start filters-offcanvas",
        tabIndex=-1,
        **{"aria-label": "Filters"},
    )


def filters_toggle(panel_id: str, toggle_id: str) -> html.Button:
    """The button that opens the off-canvas filters (shown below the lg breakpoint only)."""
    return html.Button(
        "Filters",
        type="button",
        id=toggle_id,
        className="btn btn-sm filters-toggle d-lg-none",
        **{"aria-controls": panel_id, "aria-expanded": "false", "data-offcanvas-toggle": panel_id},
    )


def filter_sentence(text: str) -> html.P:
    return html.P(
        [html.Span("Showing: ", className="visually-hidden"), text],
        className="filter-sentence",
        **{"aria-live": "polite"},
    )


def user_error(message, *, title: str | None = None, color: str = "warning", className: str = "") -> dbc.Alert:
    """An expected error: something the user asked for that could not be done, or the world did not allow (a
    link's unknown municipality, OpenStreetMap out of reach); never a bug (those go through ``app.on_error``).
    One look everywhere: a dismissable alert, ``title`` in bold before the ``message``, in the page's own slot."""
    children = [html.Strong(title), message] if title else message
    return dbc.Alert(children, color=color, dismissable=True, className=" ".join(("user-error", className)).strip())


def filter_notes(notes: tuple[str, ...] | list[str]) -> dbc.Alert | None:
    """What the URL asked for that the filters left out (``FilterState.notes``: an ambiguous or unknown
    municipality name, a year out of range), shown beside the filter sentence; None when there is nothing."""
    if not notes:
        return None
    return user_error("; ".join(notes) + ".", title="Not applied from the link: ", className=FILTER_NOTES_CLASS)


FILTER_NOTES_CLASS = "filter-notes py-1 px-2 mb-1 small"


def sample_banner(count: int) -> html.Div | None:
    """A visible SAMPLE DATA banner when ``count`` sample projects are shown; None otherwise."""
    if not count:
        return None
    return dbc.Alert(
        [
            html.Strong("SAMPLE DATA. "),
            f"{count:,} of the projects shown are an illustrative sample portfolio, not real projects "
            "(the Trust Fund has been reported unfunded).",
        ],
        color="warning",
        className="sample-banner mb-2",
    )


def empty_state(count: int) -> html.Div | None:
    if count:
        return None
    return dbc.Alert(
        [html.Strong("No projects match these filters. "), "Remove a filter or press “Clear filters”."],
        color="secondary",
        className="mb-2 empty-alert",
    )


_PROJECT_FIELDS = (
    ("project_id", "ID"),
    ("dataset", "Dataset"),
    ("description", "Description"),
    ("sector", "Sector"),
    ("sectors", "Sector shares"),
    ("target_communities", "Target communities"),
    ("municipality_label", "Municipality"),
    ("site_label", "Site"),
    ("location_precision_text", "Location precision"),
    ("location_uncertainty_m", "Location uncertainty (m)"),
    ("location_note", "Location note"),
    ("funder", "Funder"),
    ("implementing_org", "Implementing organisation"),
    ("currency", "Currency"),
    ("committed", "Committed (original currency)"),
    ("disbursed", "Disbursed (original currency)"),
    ("committed_usd", "Committed (USD)"),
    ("disbursed_usd", "Disbursed (USD)"),
    ("fx_note", "Exchange rate note"),
    ("start_date", "Start"),
    ("end_date", "End"),
    ("status", "Status"),
    ("beneficiaries_targeted", "People targeted"),
    ("beneficiaries_reached", "People reached"),
    ("beneficiaries_by_community", "Reached by community"),
    ("households_reached", "Households reached"),
    ("source_note", "Source note"),
)
_COUNT_FIELDS = {"beneficiaries_targeted", "beneficiaries_reached", "households_reached"}


def _value(key: str, v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)) or v == "":
        return "not given"
    if key in _COUNT_FIELDS:
        return suppress(float(v))
    if key == "beneficiaries_by_community":
        parts = []
        for item in str(v).split(";"):
            name, _, count = item.partition("=")
            parts.append(f"{name}: {suppress(float(count))}" if count.strip().isdigit() else item)
        return ", ".join(parts)
    if key in ("sector", "status"):
        return str(v).capitalize()  # as the filters and the legend name them
    if key == "sectors":
        return sectors_in_words(v) or str(v)
    if key == "target_communities":
        return ", ".join(part.strip() for part in str(v).split(";") if part.strip())
    if isinstance(v, float):
        return f"{v:,.0f}"
    return str(v)


def project_detail(row: dict, municipality_label: str, site_label: str | None = None) -> list:
    """Every field of one project, with its sources as links, worded as the page words them (sector names as the
    filters give them, sector shares as percentages, communities as a list, the site by its name when
    ``site_label`` is given). Sample rows say so first."""
    row = dict(row)
    row["municipality_label"] = municipality_label
    row["site_label"] = site_label or row.get("site_id")
    p = row.get("location_precision")
    row["location_precision_text"] = (
        f"{int(p)}: {PRECISION_CODES.get(int(p), '')}" if p is not None and not pd.isna(p) else None
    )
    body: list = []
    if row.get("is_sample"):
        body.append(
            dbc.Alert(
                [html.Strong("SAMPLE DATA. "), "An illustrative project, not a real one."],
                color="warning",
                className="py-2",
            )
        )
    body.append(
        html.Dl(
            [item for key, label in _PROJECT_FIELDS for item in (html.Dt(label), html.Dd(_value(key, row.get(key))))],
            className="detail-list",
        )
    )
    body.append(html.H3("Sources", className="h6 mt-3"))
    urls = [u for u in str(row.get("sources") or "").split() if u.startswith(("http://", "https://"))]
    body.append(source_links(urls) if urls else html.P(_html.unescape(str(row.get("sources") or "none given"))))
    return body


def camp_detail(history: dict, timeline) -> list:
    """A camp's history: dates, the population timeline, lead findings, distance to the smelter, sources."""
    names = " / ".join(dict.fromkeys(n for n in (history["name_sq"], history["name_sr"]) if n))
    distance = history["distance_to_smelter_km"]
    items: list = [
        html.P([html.Strong(names), f" — {history['site_type']}"], className="mb-1"),
        html.P(
            f"Opened {history['opened'] or 'date not sourced'}"
            + (f" (other dates: {history['opened_alternatives']})" if history["opened_alternatives"] else "")
            + f"; closed {history['closed'] or '—'}"
            + (f" ({history['closed_alternatives']})" if history["closed_alternatives"] else "")
            + ".",
        ),
        html.P(f"Operator: {history['operator']}") if history["operator"] else None,
        dcc.Graph(figure=timeline, config={"displayModeBar": False}, className="camp-timeline"),
        html.H3("Lead findings", className="h6 mt-2"),
        html.P(history["lead_findings"] or "None recorded."),
        html.H3("Distance to the smelter", className="h6"),
        html.P(
            f"{distance:.1f} km to the {history['smelter']}, measured in UTM zone 34N (EPSG:32634). Both points "
            f"are approximate (together ±{history['distance_uncertainty_m'] / 1000:.0f} km)."
            if distance is not None
            else "No smelter in the hazards layer."
        ),
        html.H3("Location", className="h6"),
        html.P(
            [
                history["location_description"] + "." if history["location_description"] else "",
                html.Br(),
                f"How the point was placed: {history['location_derivation']}.",
            ]
        ),
        html.H3("Sources", className="h6"),
        source_links(history["sources"]),
    ]
    return [i for i in items if i is not None]


def coverage_summary(result: CoverageResult) -> list:
    """The coverage headline and its details."""
    return [
        html.P(html.Strong(result.summary), className="coverage-headline mb-1"),
        html.Ul([html.Li(d) for d in result.details], className="coverage-details small mb-0"),
    ]


def coverage_rules(result: CoverageResult) -> html.P:
    """How the coverage page counts: radius, projection, site rule, allocation, distinct projects."""
    return html.P(
        [
            f"Site coverage: point projects (IATI location precision 1, 2 or 5) within {result.radius_km:g} km "
            f"of the site, distances in UTM 34N (EPSG:32634); {SITE_RULE}, so choosing a municipality picks "
            "its sites without dropping projects across its border. Municipality-level projects are counted in "
            "the matrix. "
            f"USD: {result.allocation_label}; {LOCATION_RULE}. ",
            "A cell counts distinct projects; a multi-sector project appears in each of its sectors, so "
            "counts are not added across cells. Point projects count in the municipality their point lies in "
            "(where several municipalities share one polygon, the project's own municipality decides). ",
            f"{result.n_without_amount} project(s) have no sourced amount." if result.n_without_amount else "",
        ],
        className="small text-muted mb-2",
    )


def plain(value):
    """Component objects and ``dash.Patch`` objects as the JSON-ready dicts Dash sends to the browser.

    The main filter callback returns these instead of objects: a response of plain data is serialised by
    orjson in one step, while a single object makes plotly's encoder walk the whole response (the map patch
    included) first. The browser receives the same JSON either way. Only component trees are walked: a
    patch's operations and other dicts are data already."""
    if isinstance(value, Patch):
        return value.to_plotly_json()
    if hasattr(value, "to_plotly_json"):
        spec = value.to_plotly_json()
        return {**spec, "props": {k: plain(v) for k, v in spec["props"].items()}}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
