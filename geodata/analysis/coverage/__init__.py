"""Coverage: which sites and municipalities have projects in which sector, and where the gaps are.

Pure functions over GeoDataFrames (no Dash). Every distance and area is computed in
``METRIC_CRS`` (EPSG:32634, UTM 34N); geometries handed back for maps are in EPSG:4326.

Rules, stated once and named next to every total:

* **Sites** are the former camps and the return site (``camps`` layer) and the settlements
  with an RAE population (``settlements.has_rae_site``).
* **Site coverage** (site x sector) uses *point* projects only (IATI location precision 1, 2
  or 5): their coordinates say where the work happened. A municipality-level project
  (precision 3, or any other area-level code) is drawn at a municipality anchor, so a
  distance to it means nothing; it is reported for the site's municipality instead
  (``municipality_level_projects``) and counted in the municipality matrix.
* **Municipality of a project** (matrix): a municipality-level project counts for its
  ``municipality`` column. A point project counts where its point lies (point in polygon), with
  two safeguards (``assign_municipalities``): an installed boundary file may draw several
  municipalities with one merged polygon (``boundary_unit``; e.g. a file of the 30 municipalities of
  2000), so in a shared polygon the project's own ``municipality`` decides; and a point lying
  just outside its own municipality's polygon (within ``BOUNDARY_TOLERANCE_M`` plus its stated
  location uncertainty: simplified borders, approximate points) keeps its own municipality. A
  point clearly in another municipality counts there (in a shared polygon: the sharing
  municipality with the nearest seat). So no project is ever counted
  in two municipalities, and each location's rule is kept (``CoverageIndex.municipality_rule``).
* **Allocation** (``ALLOCATIONS``): a project listing several sectors is split across them,
  by its stated shares ("health:60;education:40") or equally, or counted whole in its primary
  sector. A project with several locations (several rows with one ``project_id``, or a
  MultiPoint) is split equally across its locations. Either way the allocated amounts of a
  project add up to its amount exactly once; ``projects`` counts in cells are distinct
  projects and are not added across cells (a two-sector project appears in both sectors);
  distinct totals are in ``CoverageResult.totals``.
* Site rows are not additive across sites: radii overlap (the Mitrovica camps are a few
  hundred metres apart).
* **Municipality filter** (``SITE_RULE``): it chooses which sites are reported and which matrix
  rows and municipality gaps are shown, never which projects reach a site. A site counts every
  point project within the radius, whatever municipality the project is in: a health centre 1 km
  away across the Ibar is a health centre for the camp (``site_project_mask``).

The parts, in the order a request uses them: ``rules`` (constants and the words naming each rule),
``allocation`` (sector weights), ``assignment`` (the municipality of each location), ``index``
(``CoverageIndex``, built once per projects layer), ``sites`` (the sites and site x sector coverage),
``matrix`` (municipality x sector), ``exposure`` (distances to hazards) and ``report`` (``coverage()``,
its ``CoverageResult``, the headline and the gaps). Callers import from this package.
"""

from __future__ import annotations

from geodata.analysis.coverage.allocation import SectorWeights, sector_weight_tables, sector_weights
from geodata.analysis.coverage.assignment import assign_municipalities
from geodata.analysis.coverage.exposure import buffer_rings, site_exposure, site_exposure_summary
from geodata.analysis.coverage.index import CoverageIndex
from geodata.analysis.coverage.matrix import municipality_matrix
from geodata.analysis.coverage.report import CoverageResult, coverage, gap_list, reported_sectors, summarise
from geodata.analysis.coverage.rules import (
    ALLOCATIONS,
    BOUNDARY_TOLERANCE_M,
    DEFAULT_ALLOCATION,
    DEFAULT_RADIUS_KM,
    HAZARD_RING_KM,
    LOCATION_RULE,
    POINT_PRECISIONS,
    RULE_MUNICIPALITY_LEVEL,
    RULE_NEAR_OWN,
    RULE_OUTSIDE,
    RULE_POINT_ELSEWHERE,
    RULE_POINT_IN_POLYGON,
    RULE_SHARED_NEAREST,
    RULE_SHARED_OWN,
    SITE_KINDS,
    SITE_RULE,
)
from geodata.analysis.coverage.sites import coverage_sites, site_coverage, site_project_mask
from geodata.analysis.privacy import suppress_value as suppress_small
from geodata.facts.layers import METRIC_CRS

__all__ = [
    # the analysis
    "coverage",
    "CoverageIndex",
    "CoverageResult",
    "coverage_sites",
    "reported_sectors",
    "site_project_mask",
    "site_coverage",
    "municipality_matrix",
    "summarise",
    "gap_list",
    "sector_weights",
    "sector_weight_tables",
    "SectorWeights",
    "assign_municipalities",
    "site_exposure",
    "site_exposure_summary",
    "buffer_rings",
    # rules and their words
    "ALLOCATIONS",
    "DEFAULT_ALLOCATION",
    "DEFAULT_RADIUS_KM",
    "HAZARD_RING_KM",
    "POINT_PRECISIONS",
    "LOCATION_RULE",
    "SITE_RULE",
    "SITE_KINDS",
    "BOUNDARY_TOLERANCE_M",
    "RULE_MUNICIPALITY_LEVEL",
    "RULE_POINT_IN_POLYGON",
    "RULE_SHARED_OWN",
    "RULE_NEAR_OWN",
    "RULE_POINT_ELSEWHERE",
    "RULE_SHARED_NEAREST",
    "RULE_OUTSIDE",
    # used with the results (the CRS of CoverageIndex.x/y; the "<10" rule of the JSON form)
    "METRIC_CRS",
    "suppress_small",
]
