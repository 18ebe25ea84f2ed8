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
        map=D.Picture("Where the projects are", png(colour="lightblue"), "Source: map"),
        charts=tuple(D.Picture(f"Chart {i}", png(), f"Source: chart {i}") for i in range(charts)),
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
