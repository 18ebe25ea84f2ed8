"""Coverage analysis on hand-computable fixtures (squares and points in EPSG:32634), plus the real layers.

The fixture, in metres (x east, y north), all at y = 4 705 000 unless noted:

    west polygon (leposavic)        x 500 000-510 000, y 4 700 000-4 710 000
    shared polygon (north- and south-mitrovica, one boundary_unit)  x 510 000-520 000
    seats: north-mitrovica x 512 000, south-mitrovica x 518 000
    camp A x 505 000 (leposavic), return site B x 515 000 (north-mitrovica), RAE settlement S x 530 000

    p1 health                        point 3 km east, 4 km north of A (5 km)       committed 100
    p2 health:60;education:40        point 600 m east, 800 m north of B (1 km)     committed 1000, disbursed 500
    p3 education, says leposavic     point (519 000, 4 709 000), far from leposavic committed 300
    p4 infrastructure                point 1 km west of the west polygon (6 km from A)  committed 200
    p5 health;housing, municipality level (precision 3), north-mitrovica, at its seat  committed 400, reached 8
    p6 housing, two locations (MultiPoint) 500 m east of A and of B, says leposavic  committed 600
    p7 environment/remediation, SAMPLE, at A, started 2022                     committed 50
"""

from __future__ import annotations

import json
import math
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geodata
from geodata.analysis import coverage as cov
from geodata.analysis.filters import FilterState
from geodata.cli import main as cli_main
from geodata.facts.layers import METRIC_CRS, OTHER_SECTOR, SECTORS

Y = 4_705_000.0


def _wgs84_xy(x: float, y: float) -> tuple[float, float]:
    p = gpd.GeoSeries([shapely.Point(x, y)], crs=METRIC_CRS).to_crs(4326).iloc[0]
    return p.x, p.y


@pytest.fixture
def municipalities() -> gpd.GeoDataFrame:
    """Three municipalities drawn by two squares; the east square is shared (one boundary_unit)."""
    west = shapely.box(500_000, 4_700_000, 510_000, 4_710_000)
    east = shapely.box(510_000, 4_700_000, 520_000, 4_710_000)
    anchors = [_wgs84_xy(505_000, Y), _wgs84_xy(512_000, Y), _wgs84_xy(518_000, Y)]
    return gpd.GeoDataFrame(
        {
            "code": ["leposavic", "north-mitrovica", "south-mitrovica"],
            "name_en": ["Leposavić", "North Mitrovica", "South Mitrovica"],
            "name_sq": ["Leposaviq", "Mitrovicë e Veriut", "Mitrovicë e Jugut"],
            "name_sr": ["Leposavić", "Severna Mitrovica", "Južna Mitrovica"],
            "boundary_unit": ["U-WEST", "U-EAST", "U-EAST"],
            "anchor_lon": [a[0] for a in anchors],
            "anchor_lat": [a[1] for a in anchors],
            "rae_population": pd.array([250, 200, None], dtype="Int64"),
            "rae_population_year": pd.array([2007, 2010, None], dtype="Int64"),
            "rae_population_source": ["https://example.org/a", "", None],
        },
        geometry=[west, east, east],
        crs=METRIC_CRS,
    )


@pytest.fixture
def sites() -> gpd.GeoDataFrame:
    """Camp A, return site B and settlement S (the settlement without an RAE site is left out)."""
    camps = gpd.GeoDataFrame(
        {
            "site_id": ["A", "B"],
            "name_en": ["Camp A", "Site B"],
            "name_sq": ["Kampi A", "Site B"],
            "name_sr": ["Kamp A", "Site B"],
            "municipality": ["leposavic", "north-mitrovica"],
            "site_type": ["camp", "return site"],
        },
        geometry=[shapely.Point(505_000, Y), shapely.Point(515_000, Y)],
        crs=METRIC_CRS,
    )
    settlements = gpd.GeoDataFrame(
        {
            "settlement_id": ["S", "T"],
            "name": ["Settlement S", "Town T"],
            "municipality": ["south-mitrovica", "south-mitrovica"],
            "has_rae_site": [True, False],
        },
        geometry=[shapely.Point(530_000, Y), shapely.Point(531_000, Y)],
        crs=METRIC_CRS,
    )
    return cov.coverage_sites(camps, settlements)


def _projects() -> gpd.GeoDataFrame:
    """The seven projects of the module docstring."""
    rows = [
        ("p1", "health", "health", "leposavic", 2, 100.0, np.nan, shapely.Point(508_000, Y + 4_000)),
        (
            "p2",
            "health",
            "health:60;education:40",
            "north-mitrovica",
            2,
            1000.0,
            500.0,
            shapely.Point(515_600, Y + 800),
        ),
        ("p3", "education", "education", "leposavic", 2, 300.0, np.nan, shapely.Point(519_000, 4_709_000)),
        ("p4", "infrastructure", "infrastructure", "leposavic", 2, 200.0, np.nan, shapely.Point(499_000, Y)),
        ("p5", "health", "health;housing", "north-mitrovica", 3, 400.0, np.nan, shapely.Point(512_000, Y)),
        (
            "p6",
            "housing",
            "housing",
            "leposavic",
            2,
            600.0,
            np.nan,
            shapely.MultiPoint([(505_500, Y), (515_500, Y)]),
        ),
        (
            "p7",
            "environment/remediation",
            "environment/remediation",
            "leposavic",
            2,
            50.0,
            np.nan,
            shapely.Point(505_000, Y),
        ),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "project_id",
            "sector",
            "sectors",
            "municipality",
            "location_precision",
            "committed_usd",
            "disbursed_usd",
            "geometry",
        ],
    )
    n = len(frame)
    frame["title"] = [f"Project {i}" for i in frame["project_id"]]
    frame["target_communities"] = "Roma"
    frame["status"] = "completed"
    frame["funder"] = "F"
    frame["implementing_org"] = "O"
    frame["start_date"] = ["2010"] * (n - 1) + ["2022"]
    frame["end_date"] = ["2011"] * (n - 1) + ["2023"]
    frame["is_sample"] = [False] * (n - 1) + [True]
    frame["location_uncertainty_m"] = 0
    frame["beneficiaries_targeted"] = pd.array([None] * n, dtype="Int64")
    frame["beneficiaries_reached"] = pd.array([None, None, None, None, 8, None, None], dtype="Int64")
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=METRIC_CRS)


@pytest.fixture
def index(municipalities) -> cov.CoverageIndex:
    return cov.CoverageIndex.build(_projects(), municipalities)


def _run(index, sites, municipalities, **kwargs) -> cov.CoverageResult:
    kwargs.setdefault("radius_km", 2.0)
    return cov.coverage(index, sites, municipalities, **kwargs)


def _site(result: cov.CoverageResult, site_id: str, sector: str) -> pd.Series:
    rows = result.sites[(result.sites["site_id"] == site_id) & (result.sites["sector"] == sector)]
    assert len(rows) == 1
    return rows.iloc[0]


def _cell(result: cov.CoverageResult, code: str, sector: str) -> pd.Series:
    rows = result.matrix[(result.matrix["municipality"] == code) & (result.matrix["sector"] == sector)]
    assert len(rows) == 1
    return rows.iloc[0]


# ---------------------------------------------------------------------------------------------- sites


def test_sites_are_camps_return_site_and_rae_settlements(sites):
    assert list(sites["site_id"]) == ["A", "B", "S"]
    assert list(sites["kind"]) == ["former camp", "return site", "RAE settlement"]
    assert sites.crs.to_epsg() == 4326
    assert sites["label"].iloc[0] == "Camp A (Kampi A/Kamp A)"
    assert sites["label"].iloc[1] == "Site B"  # same in every language: named once
    assert sites["label"].iloc[2] == "Settlement S (settlement in Mitrovicë e Jugut/Južna Mitrovica)"


def test_nearest_distances_are_exact(index, sites, municipalities):
    r = _run(index, sites, municipalities)
    assert _site(r, "A", "health")["nearest_km"] == pytest.approx(5.0, abs=1e-6)
    assert _site(r, "A", "health")["nearest_project_id"] == "p1"
    assert _site(r, "A", "education")["nearest_km"] == pytest.approx(math.hypot(10_600, 800) / 1000, abs=1e-6)
    assert _site(r, "A", "infrastructure")["nearest_km"] == pytest.approx(6.0, abs=1e-6)
    assert _site(r, "B", "health")["nearest_km"] == pytest.approx(1.0, abs=1e-6)
    assert _site(r, "B", "education")["nearest_km"] == pytest.approx(1.0, abs=1e-6)
    assert _site(r, "S", "housing")["nearest_km"] == pytest.approx(14.5, abs=1e-6)
    # nothing in the sector anywhere: no distance rather than a made-up one
    assert pd.isna(_site(r, "A", "social protection")["nearest_km"])


def test_counts_and_allocated_funding_within_radius(index, sites, municipalities):
    r = _run(index, sites, municipalities)  # 2 km
    a_health = _site(r, "A", "health")
    assert (a_health["projects_within"], a_health["covered"]) == (0, False)
    b_health = _site(r, "B", "health")
    # p2 counts with its 60 % health share; p5 is municipality level (no distance), reported apart
    assert b_health["projects_within"] == 1
    assert b_health["committed_usd_within"] == pytest.approx(600.0)
    assert b_health["disbursed_usd_within"] == pytest.approx(300.0)
    assert b_health["municipality_level_projects"] == 1
    assert _site(r, "B", "education")["committed_usd_within"] == pytest.approx(400.0)
    # p6 has two locations: half its amount sits near A, half near B
    assert _site(r, "A", "housing")["committed_usd_within"] == pytest.approx(300.0)
    assert _site(r, "B", "housing")["committed_usd_within"] == pytest.approx(300.0)
    assert _site(r, "B", "housing")["municipality_level_projects"] == 1  # p5's housing half
    # a larger radius reaches p1 (exactly 5 km away) and p4 (6 km)
    wide = _run(index, sites, municipalities, radius_km=6.5)
    assert _site(wide, "A", "health")["projects_within"] == 1
    assert _site(wide, "A", "health")["committed_usd_within"] == pytest.approx(100.0)
    assert _site(wide, "A", "infrastructure")["covered"]


def test_unknown_amounts_stay_unknown(index, sites, municipalities):
    r = _run(index, sites, municipalities)
    # p6 (housing near A) has no disbursed amount: unknown, not zero
    assert pd.isna(_site(r, "A", "housing")["disbursed_usd_within"])
    assert _site(r, "A", "social protection")["committed_usd_within"] == 0.0  # no project: zero is true


# ---------------------------------------------------------------------------------------------- municipalities


def test_municipality_rules(index):
    rule = dict(zip(index.project_ids, index.municipality_rule, strict=True))
    code = {}
    for pid, c in zip(index.project_ids, index.municipality, strict=True):
        code.setdefault(pid, []).append(c)
    assert code["p1"] == ["leposavic"] and rule["p1"] == cov.RULE_POINT_IN_POLYGON
    # in the shared polygon and nearer south's seat, but its own column names north: north
    assert code["p2"] == ["north-mitrovica"] and rule["p2"] == cov.RULE_SHARED_OWN
    # says leposavic but lies 9 km inside the shared polygon: the sharer with the nearest seat
    assert code["p3"] == ["south-mitrovica"] and rule["p3"] == cov.RULE_SHARED_NEAREST
    # 1 km outside every polygon, within the border tolerance of its own: keeps its own
    assert code["p4"] == ["leposavic"] and rule["p4"] == cov.RULE_NEAR_OWN
    assert code["p5"] == ["north-mitrovica"] and rule["p5"] == cov.RULE_MUNICIPALITY_LEVEL
    assert code["p6"] == ["leposavic", "south-mitrovica"]


def test_matrix_split_totals_shares(index, sites, municipalities):
    r = _run(index, sites, municipalities)
    expected = {
        ("leposavic", "health"): 100,
        ("leposavic", "infrastructure"): 200,
        ("leposavic", "housing"): 300,
        ("leposavic", "environment/remediation"): 50,
        ("north-mitrovica", "health"): 600 + 200,
        ("north-mitrovica", "education"): 400,
        ("north-mitrovica", "housing"): 200,
        ("south-mitrovica", "education"): 300,
        ("south-mitrovica", "housing"): 300,
    }
    got = r.matrix.set_index(["municipality", "sector"])["committed_usd"]
    for key, value in expected.items():
        assert got[key] == pytest.approx(value), key
    assert got.drop(list(expected)).fillna(0).eq(0).all()
    # nothing counted twice: the cells add up to the projects' own amounts
    assert got.sum() == pytest.approx(2650.0)
    totals = r.totals.set_index("municipality")
    assert totals.at["all", "committed_usd"] == pytest.approx(2650.0)
    assert totals.at["all", "projects"] == 7  # p6 lies in two municipalities, counted once
    assert totals.at["leposavic", "projects"] == 4
    assert totals.at["south-mitrovica", "projects"] == 2
    assert totals.at["all", "project_share"] == pytest.approx(7.0)
    assert _cell(r, "north-mitrovica", "health")["projects"] == 2
    assert _cell(r, "north-mitrovica", "health")["municipality_level_projects"] == 1


@pytest.mark.parametrize(
    ("allocation", "health", "education"),
    [("shares", 800, 400), ("equal", 500 + 200, 500), ("primary", 1000 + 400, 0)],
)
def test_allocation_rules_are_selectable_and_named(index, sites, municipalities, allocation, health, education):
    r = _run(index, sites, municipalities, allocation=allocation)
    assert _cell(r, "north-mitrovica", "health")["committed_usd"] == pytest.approx(health)
    assert _cell(r, "north-mitrovica", "education")["committed_usd"] == pytest.approx(education)
    assert r.matrix["committed_usd"].sum() == pytest.approx(2650.0)
    assert r.allocation_label == cov.ALLOCATIONS[allocation]
    assert set(r.matrix["allocation"]) == {allocation}


def test_sector_weights_are_held_per_distinct_pair_and_give_every_row_its_split():
    """The index keeps one small table per rule (a row per distinct pair of sectors and sector), not an array per
    project; asked for a rule it gives the same split per row as ``sector_weights``."""
    sectors = pd.Series(["health:60;education:40", "", "health;housing", "health:60;education:40", None] * 40)
    primary = pd.Series(["health", "water", "health", "health", "education"] * 40)
    tables = cov.sector_weight_tables(sectors, primary)
    assert set(tables) == set(cov.ALLOCATIONS) and len(tables) == len(cov.ALLOCATIONS)
    for rule in cov.ALLOCATIONS:
        np.testing.assert_array_equal(tables[rule], cov.sector_weights(sectors, primary, rule))
        assert tables._tables[rule].shape == (4, len(SECTORS))  # four distinct pairs among 200 rows
        for k in range(len(SECTORS)):
            np.testing.assert_array_equal(tables.column(rule, k), tables[rule][:, k])
    assert tables["shares"][0, SECTORS.index("health")] == pytest.approx(0.6)
    assert tables["equal"][2, SECTORS.index("housing")] == pytest.approx(0.5)


def test_rae_population_only_where_sourced(index, sites, municipalities):
    r = _run(index, sites, municipalities)
    lep = _cell(r, "leposavic", "housing")
    assert lep["committed_usd_per_rae_resident"] == pytest.approx(300 / 250)
    assert lep["rae_population_source"] == "https://example.org/a"
    # north-mitrovica has a figure but no source: not used
    assert pd.isna(_cell(r, "north-mitrovica", "health")["committed_usd_per_rae_resident"])


def test_small_counts_are_suppressed_in_json(index, sites, municipalities):
    r = _run(index, sites, municipalities)
    assert _cell(r, "north-mitrovica", "health")["beneficiaries_reached"] == pytest.approx(4.0)  # p5: 8 / 2 sectors
    data = r.to_json_dict()
    cell = next(c for c in data["matrix"] if (c["municipality"], c["sector"]) == ("north-mitrovica", "health"))
    assert cell["beneficiaries_reached"] == "<10"
    assert cov.suppress_small(12.4) == 12 and cov.suppress_small(0) == 0 and cov.suppress_small(np.nan) is None
    json.dumps(data)  # plain JSON


# ---------------------------------------------------------------------------------------------- filters


def test_filters_are_honoured(index, sites, municipalities):
    everything = _run(index, sites, municipalities)
    assert _site(everything, "A", "environment/remediation")["covered"]
    assert everything.n_sample == 1
    documented = _run(index, sites, municipalities, state=FilterState(dataset="documented"))
    assert not _site(documented, "A", "environment/remediation")["covered"]
    assert documented.n_sample == 0 and documented.n_projects == 6
    assert documented.totals.set_index("municipality").at["all", "committed_usd"] == pytest.approx(2600.0)
    recent = _run(index, sites, municipalities, state=FilterState(year_from=2020))
    assert recent.n_projects == 1 and recent.matrix["committed_usd"].sum() == pytest.approx(50.0)


def test_sector_and_municipality_filters_shape_the_result(index, sites, municipalities):
    health = _run(index, sites, municipalities, state=FilterState(sectors=("health",)))
    assert set(health.sites["sector"]) == {"health"} and set(health.matrix["sector"]) == {"health"}
    # totals follow the health shares only
    assert health.totals.set_index("municipality").at["all", "committed_usd"] == pytest.approx(100 + 600 + 200)
    north = _run(index, sites, municipalities, state=FilterState(municipalities=("north-mitrovica",)))
    assert set(north.sites["site_id"]) == {"B"}
    # the view's matrix ignores its own axes (axis_filters=False) and keeps every cell
    full = _run(index, sites, municipalities, state=FilterState(sectors=("health",)), axis_filters=False)
    assert set(full.matrix["sector"]) == set(cov.reported_sectors(index, FilterState()))


def test_an_unused_other_sector_is_never_reported_as_a_gap(index, sites, municipalities):
    """No project here is "other": it is left out of the sites, matrix, sentences and gaps, so the page never
    says "2 of 2 sites have no other project"; once one project is "other", the column is back."""
    assert OTHER_SECTOR not in cov.reported_sectors(index, FilterState())
    r = _run(index, sites, municipalities)
    for frame in (r.sites, r.matrix, r.gaps):
        assert OTHER_SECTOR not in set(frame["sector"])
    assert f"no {OTHER_SECTOR} project" not in r.summary + " ".join(r.details)
    assert set(r.matrix["sector"]) == set(SECTORS) - {OTHER_SECTOR}
    # asked for by name, it is reported (an empty cell the user chose to look at)
    asked = _run(index, sites, municipalities, state=FilterState(sectors=(OTHER_SECTOR,)))
    assert set(asked.sites["sector"]) == {OTHER_SECTOR}

    projects = _projects()
    projects.loc[projects["project_id"] == "p4", ["sector", "sectors"]] = OTHER_SECTOR
    with_other = cov.CoverageIndex.build(projects, municipalities)
    assert cov.reported_sectors(with_other, FilterState()) == SECTORS
    assert OTHER_SECTOR in set(_run(with_other, sites, municipalities).matrix["sector"])
    # only the projects passing the filters count: p4 is documented, so the sample alone has no "other"
    assert OTHER_SECTOR not in cov.reported_sectors(with_other, FilterState(dataset="sample"))


# ---------------------------------------------------------------------------------------------- words


def test_summary_sentence_agrees_with_the_numbers(index, sites, municipalities):
    r = _run(index, sites, municipalities)
    camps = r.sites[r.sites["group"] == "camp"]
    uncovered = (~camps["covered"]).groupby(camps["sector"]).sum()
    tag = " (sample data)" if r.has_sample else ""  # a sentence made with sample rows says so
    assert r.summary == f"2 of 2 former camp and return sites have no economic development project within 2 km{tag}."
    k, n, sector = re.match(
        r"(\d+) of (\d+) former camp and return sites? (?:has|have) no (.+) project", r.summary
    ).groups()
    assert int(k) == uncovered[sector] == uncovered.max() and int(n) == len(camps["site_id"].unique())
    for line in r.details:
        sector = line.split(":")[0].lower()
        numbers = [int(x) for x in re.findall(r"(\d+) of \d+", line)]
        settlements = r.sites[(r.sites["group"] == "settlement") & (r.sites["sector"] == sector)]
        assert numbers == [uncovered[sector], int((~settlements["covered"]).sum())], line


def test_documented_summary_has_no_sample_tag_and_the_all_row_keeps_unknowns(index, sites, municipalities):
    r = _run(index, sites, municipalities, state=FilterState(dataset="documented"))
    assert not r.has_sample and "(sample data)" not in r.summary + " ".join(r.details)
    totals = r.totals.set_index("municipality")
    for col, lacking in (
        ("committed_usd", "projects_without_committed"),
        ("disbursed_usd", "projects_without_disbursed"),
    ):
        if totals.at["all", lacking] == totals.at["all", "projects"]:  # no project gives it: unknown, not 0.0
            assert pd.isna(totals.at["all", col])
        else:
            assert totals.at["all", col] == pytest.approx(totals.loc[totals.index != "all", col].sum())


def test_summary_when_everything_is_covered(index, sites, municipalities):
    r = _run(index, sites, municipalities, state=FilterState(sectors=("housing",)))
    assert r.summary == "Every one of the 2 former camp and return sites has a housing project within 2 km."


def test_gap_list(index, sites, municipalities):
    r = _run(index, sites, municipalities)
    a_health = r.gaps[(r.gaps["id"] == "A") & (r.gaps["sector"] == "health")].iloc[0]
    assert a_health["missing"] == "no project within 2 km (nearest point project 5.0 km away)"
    b_social = r.gaps[(r.gaps["id"] == "B") & (r.gaps["sector"] == "social protection")].iloc[0]
    assert b_social["missing"] == "no point project in this sector"
    covered = r.sites[r.sites["covered"]]
    site_gaps = r.gaps[r.gaps["level"] == "site"]
    assert len(site_gaps) == len(r.sites) - len(covered)
    muni = r.gaps[(r.gaps["level"] == "municipality")]
    assert ("south-mitrovica", "health") in set(zip(muni["id"], muni["sector"], strict=True))
    assert ("leposavic", "health") not in set(zip(muni["id"], muni["sector"], strict=True))


def test_bad_arguments_are_clear(index, sites, municipalities):
    with pytest.raises(ValueError, match="unknown allocation 'half'"):
        _run(index, sites, municipalities, allocation="half")
    with pytest.raises(ValueError, match="radius must be a positive"):
        _run(index, sites, municipalities, radius_km=0)


# ---------------------------------------------------------------------------------------------- exposure


def test_exposure_and_rings(sites):
    hazards = gpd.GeoDataFrame(
        {
            "hazard_id": ["smelter", "mine"],
            "name_en": ["Smelter", "Mine"],
            "hazard_type": ["smelter", "mine"],
        },
        geometry=[shapely.Point(505_000, Y + 3_000), shapely.Point(515_000, Y - 1_000)],
        crs=METRIC_CRS,
    )
    ex = cov.site_exposure_summary(sites, hazards).set_index("site_id")
    assert ex.at["A", "smelter_km"] == pytest.approx(3.0, abs=1e-6)
    assert ex.at["B", "smelter_km"] == pytest.approx(math.hypot(10_000, 3_000) / 1000, abs=1e-6)
    assert ex.at["B", "nearest_hazard"] == "Mine" and ex.at["B", "nearest_hazard_km"] == pytest.approx(1.0, abs=1e-6)
    rings = cov.buffer_rings(hazards, (1, 2, 5))
    assert rings.crs.to_epsg() == 4326 and len(rings) == 6
    first = rings[rings["hazard_id"] == "smelter"].reset_index(drop=True)
    assert list(first["inner_km"]) == [0, 1, 2] and list(first["radius_km"]) == [1, 2, 5]
    for row in first.itertuples():  # areas measured in the metric CRS; 16 segments a quarter circle
        assert row.area_km2 == pytest.approx(math.pi * (row.radius_km**2 - row.inner_km**2), rel=0.005)
    metric = first.to_crs(METRIC_CRS)
    centre = shapely.Point(505_000, Y + 3_000)
    assert metric.geometry[0].contains(centre) and not metric.geometry[1].contains(centre)
    assert metric.geometry[1].contains(shapely.Point(505_000 + 1_500, Y + 3_000))


# ---------------------------------------------------------------------------------------------- real data


def _real(state: FilterState, allocation: str = "shares") -> cov.CoverageResult:
    from geodata.cli.coverage import run

    return run(state, 5.0, allocation)


@pytest.mark.parametrize("allocation", list(cov.ALLOCATIONS))
@pytest.mark.parametrize("dataset", ["documented", "sample", "all"])
def test_real_layers_totals_add_up(dataset, allocation):
    r = _real(FilterState(dataset=dataset), allocation)
    projects = geodata.load("projects")
    if dataset != "all":
        projects = projects[projects["dataset"] == dataset]
    totals = r.totals.set_index("municipality")
    assert totals.at["all", "projects"] == len(projects) == r.n_projects
    assert totals.at["all", "committed_usd"] == pytest.approx(projects["committed_usd"].sum())
    assert r.matrix["committed_usd"].sum() == pytest.approx(projects["committed_usd"].sum())
    reported = r.sites["sector"].unique()
    assert len(r.sites) == 8 * len(reported) and set(r.matrix["sector"]) == set(reported)
    assert set(reported) >= set(SECTORS) - {OTHER_SECTOR}  # "other" only when a project has it
    assert (r.sites["covered"] == (r.sites["projects_within"] > 0)).all()
    assert r.n_municipality_conflicts == 0  # every point project lies in (or near) its own municipality


def test_cli_json(capsys):
    assert cli_main(["coverage", "--json", "--dataset", "sample", "--radius-km", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"radius_km", "dataset", "sites", "matrix", "gaps", "summary"} <= set(data)
    assert data["radius_km"] == 3.0 and data["dataset"] == "sample"
    assert data["sample_notice"].startswith("SAMPLE DATA")
    assert {"site_id", "sector", "nearest_km", "projects_within", "covered"} <= set(data["sites"][0])
    # the sample has no "other" project, so that column is not reported (it would be a column of false gaps)
    assert len(data["matrix"]) == 38 * (len(SECTORS) - 1)
    assert OTHER_SECTOR not in {row["sector"] for row in data["matrix"]}
    assert data["summary"].endswith("within 3 km (sample data).")  # made from sample rows: says so
    assert all(line.endswith("(sample data).") for line in data["details"])
    assert "UNSCR 1244/1999" in data["designation"] and "<10" in data["disclosure"]


def test_cli_table_and_filters(capsys):
    assert cli_main(["coverage", "--sector", "health", "--municipality", "Mitrovicë e Jugut", "--from", "2018"]) == 0
    out = capsys.readouterr().out
    assert "Health projects in South Mitrovica, 2018–…" in out
    assert "SAMPLE DATA" in out
    assert "Summary: " in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--municipality", "Atlantis"], "argument --municipality: unknown municipality 'Atlantis'"),
        (["--radius-km", "-2"], "radius '-2' must be more than 0"),
        (["--sector", "space"], "argument --sector: unknown sector 'space'"),
        (["--from", "20x"], "argument --from: must be a year from 1900 to 2100, such as 2018, not '20x'"),
    ],
)
def test_cli_bad_arguments(capsys, argv, message):
    with pytest.raises(SystemExit) as exc:
        cli_main(["coverage", *argv])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_years_reversed(capsys):
    assert cli_main(["coverage", "--from", "2024", "--to", "2020"]) == 2
    assert "--from 2024 is after --to 2020" in capsys.readouterr().err


def test_rows_sharing_a_project_id_are_one_project(municipalities, sites):
    """A project given as two rows (one per location) counts like the MultiPoint version."""
    multi = _projects()
    rows = multi.explode(index_parts=False).reset_index(drop=True)
    assert rows["project_id"].tolist().count("p6") == 2
    a = _run(cov.CoverageIndex.build(multi, municipalities), sites, municipalities)
    b = _run(cov.CoverageIndex.build(rows, municipalities), sites, municipalities)
    pd.testing.assert_frame_equal(a.matrix, b.matrix)
    pd.testing.assert_frame_equal(a.sites, b.sites)
    assert b.totals.set_index("municipality").at["all", "projects"] == 7


def test_a_shared_filter_index_gives_the_same_result(municipalities, sites):
    from geodata.analysis.filters import ProjectIndex

    single = _projects()
    single = single[single["project_id"] != "p6"]
    shared = cov.CoverageIndex.build(single, municipalities, ProjectIndex.build(single))
    own = cov.CoverageIndex.build(single, municipalities)
    state = FilterState(dataset="documented", sectors=("health",))
    pd.testing.assert_frame_equal(
        _run(shared, sites, municipalities, state=state).matrix, _run(own, sites, municipalities, state=state).matrix
    )


def test_bench_function_runs_small():
    from bench.coverage_bench import run

    result = run(n_projects=500, n_sites=20, seed=1, repeats=1)
    assert (
        result["n_projects"] == 500
        and result["n_sites"] == 20
        and result["site_sector_rows"] == 20 * (len(SECTORS) - 1)
    )
    # (its synthetic projects have none of the catch-all "other" sector, which is then not reported)
    assert result["coverage_s"] > 0 and result["index_build_s"] > 0


# ---------------------------------------------------------------------------------------------- across a border


def _two_sides() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """North and South Mitrovica as two separate squares split at y = 4 705 000 (as in the regenerated layer);
    a camp 500 m north of the border, a health project 500 m south of it (1 km from the camp), and an
    education project 3 km north of the camp.

        north-mitrovica   x 510 000-520 000, y 4 705 000-4 715 000    camp C at (515 000, 4 705 500)
        south-mitrovica   x 510 000-520 000, y 4 695 000-4 705 000    h1 health at (515 000, 4 704 500)
                                                                      e1 education at (515 000, 4 708 500)
    """
    north = shapely.box(510_000, Y, 520_000, Y + 10_000)
    south = shapely.box(510_000, Y - 10_000, 520_000, Y)
    anchors = [_wgs84_xy(515_000, Y + 5_000), _wgs84_xy(515_000, Y - 5_000)]
    municipalities = gpd.GeoDataFrame(
        {
            "code": ["north-mitrovica", "south-mitrovica"],
            "name_en": ["North Mitrovica", "South Mitrovica"],
            "name_sq": ["Mitrovicë e Veriut", "Mitrovicë e Jugut"],
            "name_sr": ["Severna Mitrovica", "Južna Mitrovica"],
            "boundary_unit": ["U-NORTH", "U-SOUTH"],
            "anchor_lon": [a[0] for a in anchors],
            "anchor_lat": [a[1] for a in anchors],
        },
        geometry=[north, south],
        crs=METRIC_CRS,
    )
    camps = gpd.GeoDataFrame(
        {
            "site_id": ["C"],
            "name_en": ["Camp C"],
            "name_sq": ["Kampi C"],
            "name_sr": ["Kamp C"],
            "municipality": ["north-mitrovica"],
            "site_type": ["camp"],
        },
        geometry=[shapely.Point(515_000, Y + 500)],
        crs=METRIC_CRS,
    )
    settlements = gpd.GeoDataFrame(
        {"settlement_id": [], "name": [], "municipality": [], "has_rae_site": []},
        geometry=[],
        crs=METRIC_CRS,
    )
    projects = _projects().iloc[:2].copy()  # two ordinary point rows, rewritten below
    projects["project_id"] = ["h1", "e1"]
    projects["title"] = ["Health post", "School"]
    projects["sector"] = projects["sectors"] = ["health", "education"]
    projects["municipality"] = ["south-mitrovica", "north-mitrovica"]
    projects["committed_usd"] = [1000.0, 300.0]
    projects["disbursed_usd"] = np.nan
    projects = projects.set_geometry([shapely.Point(515_000, Y - 500), shapely.Point(515_000, Y + 3_500)])
    return municipalities, cov.coverage_sites(camps, settlements), projects


@pytest.mark.parametrize("filtered", [False, True])
def test_a_project_across_the_border_counts_for_the_site(filtered):
    municipalities, sites, projects = _two_sides()
    index = cov.CoverageIndex.build(projects, municipalities)
    # the health post lies in South Mitrovica (its own column and its point agree)
    assert dict(zip(index.project_ids, index.municipality, strict=True))["h1"] == "south-mitrovica"
    state = FilterState(sectors=("health",), municipalities=("north-mitrovica",)) if filtered else FilterState()
    r = cov.coverage(index, sites, municipalities, state=state, radius_km=2.0)

    health = _site(r, "C", "health")
    assert health["covered"] and health["projects_within"] == 1
    assert health["nearest_km"] == pytest.approx(1.0, abs=1e-6) and health["nearest_project_id"] == "h1"
    assert health["committed_usd_within"] == pytest.approx(1000.0)
    assert not r.gaps[(r.gaps["level"] == "site") & (r.gaps["sector"] == "health")].shape[0]
    # the matrix still counts each project in its own municipality: North Mitrovica has no health project
    assert _cell(r, "north-mitrovica", "health")["projects"] == 0
    if filtered:
        assert r.summary == "Every one of the 1 former camp and return site has a health project within 2 km."
        assert set(r.sites["site_id"]) == {"C"} and set(r.sites["sector"]) == {"health"}
        assert r.n_projects == 0  # no health project is in North Mitrovica itself
        muni_gaps = r.gaps[r.gaps["level"] == "municipality"]
        assert list(zip(muni_gaps["id"], muni_gaps["sector"], strict=True)) == [("north-mitrovica", "health")]
    else:
        assert _cell(r, "south-mitrovica", "health")["projects"] == 1
        # the school 3 km north is outside 2 km: a gap, with its distance
        education = _site(r, "C", "education")
        assert not education["covered"] and education["nearest_km"] == pytest.approx(3.0, abs=1e-6)


def test_site_project_mask_keeps_every_filter_but_the_municipality():
    municipalities, _, projects = _two_sides()
    index = cov.CoverageIndex.build(projects, municipalities)
    state = FilterState(sectors=("health",), municipalities=("north-mitrovica",))
    assert list(index.filters.mask(state)) == [False, False]
    assert list(cov.site_project_mask(index, state)) == [True, False]  # the health post, not the school
    assert list(cov.site_project_mask(index, state.with_(dataset="sample"))) == [False, False]
