"""Fixtures for the briefing tests: deck inputs built in code, plain PNGs standing in for figures."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from dashboard.exports import deck as D

DESIGNATION = "This designation is without prejudice to positions on status (test)."


def png(width: int = 1920, height: int = 860, colour: str = "white") -> bytes:
    """A plain PNG standing in for a rendered figure."""
    buf = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buf, "PNG")
    return buf.getvalue()


#: The native charts' kinds in turn: horizontal bars (two series, one unknown), a line, columns with labels.
CHART_KINDS = ("bar", "line", "column")


def chart_spec(i: int) -> D.ChartSpec:
    """Chart ``i`` of a test deck: made-up numbers whose categories and values the tests read back."""
    kind = CHART_KINDS[i % 3]
    if kind == "bar":
        return D.ChartSpec(
            f"Chart {i}",
            "bar",
            ("Health", "Education", "Housing"),
            (
                D.ChartSeries("Committed", (300.0 + i, 200.0, None), colour="#33507A"),
                D.ChartSeries("Disbursed", (100.0, 50.0, 25.0), colour="#9DB6D8"),
            ),
            caption=f"Source: chart {i}",
        )
    if kind == "line":
        years = tuple(str(y) for y in range(2010, 2026))
        return D.ChartSpec(
            f"Chart {i}",
            "line",
            years,
            (D.ChartSeries("Committed", tuple(float(10 * k + i) for k in range(len(years))), colour="#33507A"),),
            caption=f"Source: chart {i}",
        )
    return D.ChartSpec(
        f"Chart {i}",
        "column",
        ("Roma", "Ashkali", "Egyptian"),
        (
            D.ChartSeries(
                "People reached",
                (120.0, 0.0, None),
                point_colours=("#0072B2", "#009E73", "#CC79A7"),
                labels=("120", "<10", "not reported"),
            ),
        ),  # fmt: skip
        number_format="#,##0",
        caption=f"Source: chart {i}",
    )


def deck_input(includes_sample: bool = True, rows: int = 7, charts: int = 3) -> D.DeckInput:
    """A deck with a map, ``charts`` charts and a ``rows``-row project table."""
    return D.DeckInput(
        title="Briefing: test",
        filters="Health projects in North Mitrovica, 2018–2024, documented data",
        data_date="3 March 2025",
        designation=DESIGNATION,
        includes_sample=includes_sample,
        kpis=tuple(D.KpiCard(f"KPI {i}", f"{i * 10}", "definition") for i in range(5)),
        table=D.TableSpec(
            "Largest projects",
            ("Project", "Committed (USD)"),
            tuple((f"Project {i}", f"{1000 - i:,}") for i in range(rows)),
            note="By committed amount",
            numeric=(1,),
        ),
        map=D.Picture(
            "Where the projects are",
            png(colour="lightblue"),
            "Source: map",
            "Map of the municipalities shaded by committed USD; 12 projects drawn as points.",
        ),
        charts=tuple(chart_spec(i) for i in range(charts)),
        status_heading="UN Trust Fund",
        status_lines=("Target: USD 5 million", "Received: nothing reported"),
        sources=(D.SourceNote("Camps", "placed from descriptions"), D.SourceNote("Projects", "cited per row")),
        methods=("Counts below 10 are shown as <10.",),
        sample_warning="SAMPLE DATA: includes illustrative projects that are not real.",
        generated="2025-03-03",
    )


@pytest.fixture
def deck_factory():
    """``deck_factory(includes_sample=True, rows=7, charts=3)`` -> a ``DeckInput``."""
    return deck_input
