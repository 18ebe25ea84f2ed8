"""A camp's population observations on a timeline (the explorer's camp history panel)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.annotations import empty_figure
from dashboard.figures.style import base_layout


def camp_timeline_figure(history: dict) -> go.Figure:
    """A site's population observations on a timeline (dates as the sources give them; units differ, so each
    point is labelled with its unit, families drawn as squares, and the points are not joined), with opening
    and closing marked."""
    obs = history["population"]
    if not obs:
        return empty_figure("No population observations recorded.")
    dates = [_as_date(o["date"]) for o in obs]
    fig = go.Figure(
        go.Scatter(
            x=dates,
            y=[o["figure"] for o in obs],
            mode="markers+text",  # not joined by a line: the observations count different things
            marker=dict(
                size=11,
                color="#000",
                symbol=["square" if "famil" in str(o.get("unit", "")) else "circle" for o in obs],
            ),
            text=[f"{o['figure']:,} {str(o.get('unit', '')).split(' ')[0].strip(',;')}".strip() for o in obs],
            cliponaxis=False,
            textposition="top center",
            customdata=[[str(o["date"]), str(o.get("unit", "")), str(o.get("source", ""))] for o in obs],
            hovertemplate="%{customdata[0]}: %{y:,} %{customdata[1]}<br>%{customdata[2]}<extra></extra>",
            name="Population",
        )
    )
    shapes = []
    for key, label in (("opened", "opened"), ("closed", "closed")):
        when = _as_date(history.get(key) or "")
        if when:
            shapes.append(
                dict(
                    type="line",
                    x0=when,
                    x1=when,
                    yref="paper",
                    y0=0,
                    y1=1,
                    line=dict(color="#7B3294", width=1, dash="dash"),
                    label=dict(text=label, textposition="end"),
                )
            )
    fig.update_layout(
        base_layout(230),
        title=dict(text="Population observations", x=0.01, font=dict(size=14)),
        shapes=shapes,
        showlegend=False,
        xaxis=dict(gridcolor="#eee", range=_padded_years(dates)),
        yaxis=dict(gridcolor="#eee", range=[0, 1.35 * max(o["figure"] for o in obs)]),
    )
    return fig


def _padded_years(dates: list) -> list | None:
    """An x range a year wider on each side than the observations, so their labels fit."""
    known = [pd.Timestamp(d) for d in dates if d]
    if not known:
        return None
    return [(min(known) - pd.DateOffset(years=1)).isoformat(), (max(known) + pd.DateOffset(years=1)).isoformat()]


def _as_date(text: str) -> str | None:
    """'2006' -> '2006-07-01' (mid-year), '2006-04' -> '2006-04-15', a full date as is; else None."""
    parts = str(text).split("-")
    if not parts[0].isdigit() or len(parts[0]) != 4:
        return None
    if len(parts) == 1:
        return f"{parts[0]}-07-01"
    if len(parts) == 2:
        return f"{parts[0]}-{parts[1]}-15"
    return "-".join(parts[:3])
