"""``python -m geodata coverage``: site and municipality coverage, the gaps and the summary sentence.

Takes the explorer's filters (``geodata.analysis.filters.add_filter_arguments``: the same flags and
checks as ``python -m geodata export``), a radius and an allocation rule. Prints
readable tables, or with ``--json`` one object (radius_km, dataset, sites, matrix, gaps, summary,
and the rules that produced them). Bad arguments get a one-line message and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import pandas as pd

from geodata.analysis import coverage as cov
from geodata.analysis.filters import FilterError, FilterState, add_filter_arguments, state_from_args
from geodata.analysis.formatting import usd
from geodata.facts.layers import SECTORS
from geodata.io.load import load_layer

SHORT = {
    "health": "health",
    "economic development": "econ.dev.",
    "infrastructure": "infrastr.",
    "housing": "housing",
    "education": "education",
    "social protection": "soc.prot.",
    "environment/remediation": "env./rem.",
    "other": "other",
}


def _radius(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"radius {text!r} is not a number of km") from None
    if not (value > 0 and math.isfinite(value)) or value > 200:
        raise argparse.ArgumentTypeError(f"radius {text!r} must be more than 0 and at most 200 km")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "coverage",
        help="which sites and municipalities have projects in which sector, and the gaps",
        description=__doc__.splitlines()[0],
    )
    p.add_argument("--radius-km", type=_radius, default=cov.DEFAULT_RADIUS_KM, help="site radius (default 5)")
    p.add_argument(
        "--allocation",
        choices=tuple(cov.ALLOCATIONS),
        default=cov.DEFAULT_ALLOCATION,
        help="how multi-sector projects are split: " + "; ".join(f"{k}: {v}" for k, v in cov.ALLOCATIONS.items()),
    )
    p.add_argument("--json", action="store_true", help="one JSON object instead of tables")
    add_filter_arguments(p)
    p.set_defaults(func=cmd_coverage)


def run(state: FilterState, radius_km: float, allocation: str) -> cov.CoverageResult:
    """The analysis over the loaded layers (the CLI's and the tests' entry point)."""
    municipalities = load_layer("municipalities")
    index = cov.CoverageIndex.build(load_layer("projects"), municipalities)
    sites = cov.coverage_sites(load_layer("camps"), load_layer("settlements"))
    return cov.coverage(index, sites, municipalities, state, radius_km, allocation, hazards=load_layer("hazards"))


def cmd_coverage(args: argparse.Namespace) -> int:
    try:
        state = state_from_args(args)
    except FilterError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2
    result = run(state, args.radius_km, args.allocation)
    if args.json:
        print(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2))
    else:
        print(render(result))
    return 0


# ---------------------------------------------------------------------------------------------- text


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        cells = zip(r, widths, strict=True)
        return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(cells))

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def render(result: cov.CoverageResult) -> str:
    """The readable form: sites, matrix, totals, gaps, summary."""
    r = f"{result.radius_km:g} km"
    out = [f"Coverage within {r}: {result.filters}"]
    if result.has_sample:
        out.append(f"SAMPLE DATA: {result.n_sample} of the {result.n_projects} projects are illustrative, not real.")
    out.append(f"Allocation: {result.allocation_label}; {cov.LOCATION_RULE}.")
    if result.n_without_amount:
        out.append(
            f"{result.n_without_amount} project(s) have no sourced committed amount (counted as projects, not as USD)."
        )
    out.append("")

    sites = result.sites
    sectors = list(dict.fromkeys(sites["sector"])) if len(sites) else list(SECTORS)
    out.append(f"Sites: nearest point project in km (projects within {r}); '-' = none in the selection")
    rows = []
    for _, g in sites.groupby("site_id", sort=False):
        g = g.set_index("sector")
        cells = []
        for s in sectors:
            d, n = g.at[s, "nearest_km"], g.at[s, "projects_within"]
            cells.append("-" if pd.isna(d) else f"{d:.1f} ({n})" + ("" if n else " !"))
        extra = []
        if "smelter_km" in g.columns and pd.notna(g["smelter_km"].iloc[0]):
            extra = [f"{g['smelter_km'].iloc[0]:.1f}"]
        rows.append([g["label"].iloc[0][:38], *cells, *extra])
    header = ["site", *[SHORT.get(s, s) for s in sectors]] + (["smelter km"] if "smelter_km" in sites.columns else [])
    out.append(_table(rows, header) if rows else "(no sites)")
    out.append("'!' = not covered: no project of that sector within the radius.")
    out.append("")

    m = result.matrix
    t = result.totals.set_index("municipality")
    shown = [c for c in t.index if c != "all" and (t.at[c, "projects"] > 0 or c in set(sites["municipality"]))]
    out.append("Municipalities: distinct projects / committed USD allocated to the sector")
    rows = []
    for code in shown:
        g = m[m["municipality"] == code].set_index("sector")
        cells = [f"{int(g.at[s, 'projects'])} / {usd(g.at[s, 'committed_usd'])}" for s in sectors]
        per = t.at[code, "committed_usd_per_rae_resident"]
        rows.append(
            [
                _name(t, code),
                *cells,
                f"{int(t.at[code, 'projects'])} / {usd(t.at[code, 'committed_usd'])}",
                "n/a"
                if pd.isna(per)
                else f"{usd(per)} ({int(t.at[code, 'rae_population'])} RAE, {t.at[code, 'rae_population_year']})",
            ]
        )
    rows.append(
        [
            "All municipalities",
            *[""] * len(sectors),
            f"{int(t.at['all', 'projects'])} / {usd(t.at['all', 'committed_usd'])}",
            "",
        ]
    )
    out.append(_table(rows, ["municipality", *[SHORT.get(s, s) for s in sectors], "total", "per RAE resident"]))
    out.append(
        "Totals count each project once (distinct projects; USD split by the allocation rule). "
        "Per RAE resident only where the RAE population is sourced (sources in --json)."
    )
    out.append("")

    out.append(f"Gaps ({len(result.gaps)}):")
    for g in result.gaps.itertuples():
        out.append(f"  {g.level:12} {g.name[:40]:40} {g.sector:24} {g.missing}")
    out.append("")
    if not result.exposure.empty:
        out.append("Exposure: distance (km) from each site to each hazard")
        labels = sites.drop_duplicates("site_id").set_index("site_id")["label"]
        ex = result.exposure.pivot(index="site_id", columns="hazard_name", values="distance_km")
        ex = ex.reindex(index=[i for i in labels.index if i in ex.index])
        rows = [[str(labels.get(i, i))[:38], *[f"{v:.1f}" for v in ex.loc[i]]] for i in ex.index]
        out.append(_table(rows, ["site", *[str(c)[:22] for c in ex.columns]]))
        out.append("")
    out.append("Summary: " + result.summary)
    out.extend("  " + d for d in result.details)
    return "\n".join(out)


def _name(t: pd.DataFrame, code: str) -> str:
    sq, sr = t.at[code, "name_sq"], t.at[code, "name_sr"]
    if pd.isna(sq) or pd.isna(sr):
        return str(t.at[code, "name_en"])
    return str(sq) if sq == sr else f"{sq}/{sr}"
