"""The headline figures in words, the same in every channel (the explorer's cards, the briefing page and its
deck): "not reported" for a figure no project gives, how many projects each total covers, counts of people
below 10 as "<10", and "(sample data)" on every line that includes sample rows."""

from __future__ import annotations

from geodata.analysis.formatting import usd
from geodata.analysis.privacy import suppress
from geodata.facts.municipality_registry import MUNICIPALITIES

#: What a figure that no source gives is called, wherever it is shown (never 0).
NOT_REPORTED = "not reported"
#: Appended to every generated sentence and figure that includes sample rows.
SAMPLE_TAG = "(sample data)"

#: One-line definitions, used as the KPI tooltips.
KPI_DEFINITIONS: dict[str, str] = {
    "projects": "Projects that pass every active filter (documented and/or sample, as chosen).",
    "committed_usd": "Sum of committed amounts in US dollars (converted where the source gave euros: see fx_note). "
    "Projects whose amount no source gives are not counted as zero: the card says how many projects the total "
    "covers, and 'not reported' when none gives an amount.",
    "disbursed_usd": "Sum of disbursed amounts in US dollars. The percentage is disbursed ÷ committed over the "
    "projects where both amounts are known.",
    "beneficiaries": "People reached, as reported, over people targeted (projects that report them; "
    "'not reported' when none does). Counts below 10 are shown as <10.",
    "municipalities_covered": "Current municipalities (of 38) with at least one matching project.",
}


#: The headline cards, in order, with their titles (``kpi_lines`` gives each one's value and line).
KPI_CARDS: dict[str, str] = {
    "projects": "Projects",
    "committed": "Committed",
    "disbursed": "Disbursed",
    "beneficiaries": "People reached",
    "municipalities": "Municipalities",
}


def kpi_lines(k: dict) -> dict[str, tuple[str, str]]:
    """Value and sub-line of each headline card (keys: ``KPI_CARDS``) for the figures of ``kpis``. A figure no
    project gives reads "not reported" (never 0), each total says how many projects it covers, counts of people
    below 10 read "<10", and every line that includes sample rows ends with "(sample data)"."""
    n, n_sample = k["projects"], k["sample_projects"]
    total = len(MUNICIPALITIES)
    if not n:
        return {
            "projects": ("0", "no projects match"),
            "committed": ("—", "no projects match"),
            "disbursed": ("—", "no projects match"),
            "beneficiaries": ("—", "no projects match"),
            "municipalities": ("0", f"of {total} covered"),
        }
    tag = f" {SAMPLE_TAG}" if n_sample else ""

    def covers(key: str, what: str) -> str:
        return f"from {k[key]:,} of {n:,} projects {what}".rstrip()

    pct = k.get("disbursed_pct")
    reached, targeted = k["beneficiaries_reached"], k["beneficiaries_targeted"]
    if n_sample == n:
        projects_sub = f"all sample{tag}"
    elif n_sample:
        projects_sub = f"{n_sample:,} sample, {n - n_sample:,} documented{tag}"
    else:
        projects_sub = "documented only"
    people_sub = covers("reached_reported", "")
    if targeted is not None:
        people_sub = f"of {suppress(targeted)} targeted; " + people_sub
    return {
        "projects": (f"{n:,}", projects_sub),
        "committed": (
            usd(k["committed_usd"], unknown=NOT_REPORTED),
            covers("committed_reported", "with a sourced amount") + tag,
        ),
        "disbursed": (
            usd(k["disbursed_usd"], unknown=NOT_REPORTED),
            covers("disbursed_reported", "with an amount")
            + (f"; {pct:.0f}% of committed" if pct is not None else "")
            + tag,
        ),
        "beneficiaries": (NOT_REPORTED if reached is None else suppress(reached), people_sub + tag),
        "municipalities": (f"{k['municipalities_covered']}", f"of {total} covered{tag}"),
    }
