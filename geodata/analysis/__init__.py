"""Analysis: pure functions over the loaded layers (no Dash, no file written).

``filters`` (the one ``FilterState``: URL and command-line forms, the fast mask), ``kpis`` (headline figures
and aggregations), ``kpi_words`` (those figures in words), ``coverage`` (sites and municipalities by sector,
the gaps, exposure to hazards), ``coverage_view`` (the coverage page's analysis in one call, kept per data
version), ``ranking`` (which municipalities a funding chart lists, in what order),
``privacy`` (counts of people below 10 shown as "<10"), ``formatting`` (amounts of money written for people),
``sector_shares`` (a project's sector shares, as weights and in words), ``trust_fund`` (the Trust Fund card)
and ``site_history`` (a camp's history and its distance to the smelter).
"""

__all__ = [
    "coverage",
    "coverage_view",
    "filters",
    "formatting",
    "kpi_words",
    "kpis",
    "privacy",
    "ranking",
    "sector_shares",
    "site_history",
    "trust_fund",
]
