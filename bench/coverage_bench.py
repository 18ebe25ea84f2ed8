"""Benchmark: the coverage analysis for a large synthetic portfolio and many sites.

Usage from the bench entry point (or directly: ``python -m bench.coverage_bench``)::

    from bench.coverage_bench import run
    result = run(n_projects=100_000, n_sites=100, seed=0)

``run`` returns a dict of medians in seconds (several runs each):

* ``filter_index_build_s``: ``geodata.analysis.filters.ProjectIndex.build`` (owned by the filters module;
  the explorer builds the same index, and ``CoverageIndex.build`` accepts it ready-made).
* ``index_build_s``: ``CoverageIndex.build`` given that filter index (projection to EPSG:32634,
  point-in-polygon for the municipality of every point project, sector weights for every
  allocation rule, the STRtree). Done once per version of the projects layer.
* ``coverage_s``: ``coverage()`` with no filters at 5 km (site x sector distances and radius
  counts, municipality x sector matrix, totals, gaps, summary). Done per request.
* ``coverage_filtered_s``: the same with a filter (dataset, years, status) and 2 km.
* ``total_s``: ``index_build_s + coverage_s``: the coverage module's own cost on a cold request
  (``cold_total_s`` adds the filter index).

The portfolio is the sample generator at scale (``bench.portfolio.synthetic_portfolio``: projects at
municipality anchors and near the former camps); the sites are the 8 real ones plus seeded random
points inside Kosovo's bounding box.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import shapely

import geodata
from bench.portfolio import synthetic_portfolio
from geodata.analysis import coverage as cov
from geodata.analysis.filters import FilterState, ProjectIndex
from geodata.facts.validate import KOSOVO_BBOX


def synthetic_sites(n_sites: int, seed: int = 0) -> gpd.GeoDataFrame:
    """The real sites, then random RAE settlement points in Kosovo's bounding box, ``n_sites`` in all."""
    real = cov.coverage_sites(geodata.load("camps"), geodata.load("settlements"))
    extra = max(n_sites - len(real), 0)
    rng = np.random.default_rng(seed)
    lon = rng.uniform(KOSOVO_BBOX[0], KOSOVO_BBOX[2], extra)
    lat = rng.uniform(KOSOVO_BBOX[1], KOSOVO_BBOX[3], extra)
    settlements = gpd.GeoDataFrame(
        {
            "settlement_id": [f"synthetic-{i:04d}" for i in range(extra)],
            "name": [f"Synthetic {i}" for i in range(extra)],
            "municipality": "pristina",
            "has_rae_site": True,
        },
        geometry=shapely.points(lon, lat),
        crs=4326,
    )
    synthetic = cov.coverage_sites(geodata.load("camps").iloc[:0], settlements)
    sites = gpd.GeoDataFrame(gpd.pd.concat([real, synthetic], ignore_index=True), geometry="geometry", crs=4326)
    return sites.iloc[:n_sites]


def _median(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def run(n_projects: int = 100_000, n_sites: int = 100, seed: int = 0, repeats: int = 5) -> dict:
    """Time the coverage computation; medians of ``repeats`` runs (after one warm-up)."""
    projects = synthetic_portfolio(n_projects, seed)
    municipalities = geodata.load("municipalities")
    hazards = geodata.load("hazards")
    sites = synthetic_sites(n_sites, seed)
    cov.CoverageIndex.build(projects.iloc[:100], municipalities)  # warm-up (imports, caches)

    filters_s, filters = _median(lambda: ProjectIndex.build(projects), repeats)
    build_s, index = _median(lambda: cov.CoverageIndex.build(projects, municipalities, filters), repeats)
    cov.coverage(index, sites, municipalities, hazards=hazards)  # warm-up
    coverage_s, result = _median(lambda: cov.coverage(index, sites, municipalities, hazards=hazards), repeats)
    state = FilterState(dataset="sample", year_from=2020, statuses=("ongoing", "completed"))
    filtered_s, filtered = _median(
        lambda: cov.coverage(index, sites, municipalities, state, radius_km=2.0, hazards=hazards), repeats
    )
    return {
        "name": "coverage",
        "n_projects": len(projects),
        "n_point_projects": int(index.is_point.sum()),
        "n_sites": len(sites),
        "site_sector_rows": len(result.sites),
        "repeats": repeats,
        "filter_index_build_s": round(filters_s, 4),
        "index_build_s": round(build_s, 4),
        "coverage_s": round(coverage_s, 4),
        "coverage_filtered_s": round(filtered_s, 4),
        "filtered_projects": filtered.n_projects,
        "total_s": round(build_s + coverage_s, 4),
        "cold_total_s": round(filters_s + build_s + coverage_s, 4),
    }


if __name__ == "__main__":  # pragma: no cover
    import json

    print(json.dumps(run(), indent=2))
