"""The figures' shared styling: palette, font, choropleth metrics and the base layout of a chart."""

from __future__ import annotations

from geodata.facts.layers import SECTORS

#: Okabe-Ito: distinguishable with the common colour-vision deficiencies.
SECTOR_COLOURS: dict[str, str] = dict(
    zip(SECTORS, ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"), strict=True)
)
#: The project markers' opacity per level (site, municipality: the vaguer place drawn fainter).
PROJECT_OPACITY = (0.9, 0.4)
COMMITTED_COLOUR = "#33507A"
HAZARD_COLOUR = "#6B2C00"
DISBURSED_COLOUR = "#9DB6D8"
CHOROPLETH_SCALE = [[0.0, "#FAFAFA"], [0.5, "#C9C9C9"], [1.0, "#7A7A7A"]]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

#: Choropleth metrics: key -> (label, unit).
METRICS: dict[str, tuple[str, str]] = {
    "projects": ("Projects", "projects"),
    "committed_usd": ("Committed", "USD"),
    "disbursed_usd": ("Disbursed", "USD"),
    "beneficiaries_reached": ("People reached", "people"),
    "usd_per_rae_resident": ("Committed per RAE resident", "USD per resident (where sourced)"),
}
DEFAULT_METRIC = "committed_usd"


def base_layout(height: int) -> dict:
    """A chart's layout: no template, the app's font, thin grey axes."""
    return dict(
        template="none",
        height=height,
        margin=dict(l=12, r=18, t=48, b=12, pad=2),
        font=dict(family=FONT, size=13, color="#222"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel=dict(font=dict(family=FONT, size=13)),
        xaxis=dict(automargin=True, showline=True, linecolor="#999", ticks="outside", tickcolor="#999"),
        yaxis=dict(automargin=True, showline=True, linecolor="#999", ticks="outside", tickcolor="#999"),
    )
