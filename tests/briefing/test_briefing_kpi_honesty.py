"""The deck's and the briefing page's KPI cards say what the explorer's cards say: a figure no project gives is
"not reported" (never 0 or a dash that reads as nothing), each total says how many projects it covers, and every
line that includes sample rows says "(sample data)"."""

from __future__ import annotations

import pytest

from dashboard import components
from dashboard.exports.content import build_briefing, kpi_cards
from geodata.analysis.filters import FilterState
from geodata.analysis.kpis import KPI_CARDS, NOT_REPORTED, SAMPLE_TAG, kpis
from geodata.io.store import embedded_projects


@pytest.fixture(scope="module")
def shipped():
    return embedded_projects()


def _cards(state: FilterState) -> dict[str, tuple[str, str]]:
    briefing = build_briefing(state, with_figures=False)
    return {card.label: (card.value, card.note) for card in briefing.kpis}


@pytest.mark.parametrize("dataset", ["documented", "sample", "all"])
def test_deck_cards_match_the_explorer_cards(shipped, dataset):
    rows = shipped if dataset == "all" else shipped[shipped["dataset"] == dataset]
    figures = kpis(rows)
    web = components.kpi_texts(figures)
    deck = {card.label: (card.value, card.note) for card in kpi_cards(figures)}
    assert deck == {label: web[key] for key, label in KPI_CARDS.items()}
    assert deck == _cards(FilterState(dataset=dataset))


def test_documented_only_unknown_disbursed_is_not_reported_and_no_sample_tag(shipped):
    documented = shipped[shipped["dataset"] == "documented"]
    assert documented["disbursed_usd"].isna().all()  # the sources give no disbursed amount
    cards = _cards(FilterState(dataset="documented"))
    value, note = cards["Disbursed"]
    assert value == NOT_REPORTED and f"from 0 of {len(documented)} projects" in note
    n_amounts = int(documented["committed_usd"].notna().sum())
    assert f"from {n_amounts} of {len(documented)} projects with a sourced amount" in cards["Committed"][1]
    assert not any(SAMPLE_TAG in note for _, note in cards.values())


def test_every_line_with_sample_rows_says_so(shipped):
    for state in (FilterState(dataset="all"), FilterState(dataset="sample")):
        cards = _cards(state)
        assert all(note.endswith(SAMPLE_TAG) for _, note in cards.values()), cards
        total = len(shipped) if state.dataset == "all" else int(shipped["is_sample"].sum())
        assert f"of {total:,} projects" in cards["Committed"][1]


def test_no_project_matches_reads_as_no_match_not_zero_money():
    cards = _cards(FilterState(text="no such title anywhere"))
    assert cards["Committed"] == ("—", "no projects match") and cards["Disbursed"] == ("—", "no projects match")
