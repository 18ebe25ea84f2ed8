"""The embedded layers: they validate, they agree with the sources, they rebuild to the same bytes."""

from __future__ import annotations

import json
import math
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely

import geodata
from geodata import config
from geodata.facts import build
from geodata.facts.layers import LAYERS, METRIC_CRS, SECTORS
from geodata.facts.municipality_registry import KOSOVO_AREA_KM2, MUNICIPALITIES
from geodata.facts.sources import SOURCES
from geodata.facts.validate import validate


@pytest.mark.parametrize("name", list(LAYERS))
def test_every_layer_loads_validated_in_wgs84(name):
    gdf = geodata.load(name)
    assert len(gdf) > 0
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf.columns[: len(LAYERS[name].columns)]) == list(LAYERS[name].columns)


def test_load_returns_a_copy_so_the_cache_cannot_be_changed():
    a = geodata.load("camps")
    a.loc[a.index[0], "name_en"] = "changed"
    assert geodata.load("camps")["name_en"].iloc[0] != "changed"


def test_layers_lists_every_spec():
    assert [s.name for s in geodata.layers()] == list(LAYERS)


def test_unknown_layer_names_the_known_ones():
    with pytest.raises(KeyError, match="municipalities"):
        geodata.load("nope")


def test_all_38_municipalities_with_three_names_and_a_polygon_of_their_own():
    m = geodata.load("municipalities")
    assert sorted(m["code"]) == sorted(x.code for x in MUNICIPALITIES)
    assert len(m) == 38
    assert m[["name_en", "name_sq", "name_sr"]].notna().all().all()
    assert m["boundary_unit"].nunique() == 38
    assert m["boundary_unit"].str.startswith("XKX-ADM2-").all()
    assert m["boundary_note"].str.contains("geoBoundaries").all()


def test_north_and_south_mitrovica_are_distinct_polygons():
    m = geodata.load("municipalities").set_index("code").to_crs(METRIC_CRS)
    north, south = m.loc["north-mitrovica", "geometry"], m.loc["south-mitrovica", "geometry"]
    assert north.intersection(south).area < 1_000  # at most a sliver along the shared border (m²)
    assert 3 < north.area / 1e6 < 15 and 250 < south.area / 1e6 < 400


def test_shared_borders_stay_shared_after_simplification():
    m = geodata.load("municipalities").to_crs(METRIC_CRS)
    total = m.area.sum()
    union = shapely.union_all(m.geometry.values).area
    assert (total - union) / total < 1e-4  # no overlaps to speak of
    assert shapely.coverage_is_valid(geodata.load("municipalities").geometry.values, gap_width=0.0)


def test_municipal_areas_sum_to_kosovo_within_1_percent():
    m = geodata.load("municipalities")
    total = m["area_km2"].sum()
    assert abs(total - KOSOVO_AREA_KM2) / KOSOVO_AREA_KM2 < 0.01
    recomputed = m.to_crs(METRIC_CRS).area.sum() / 1e6
    assert recomputed == pytest.approx(total, rel=1e-3)


def test_outline_is_the_union_of_the_municipalities():
    outline = geodata.load("outline").to_crs(METRIC_CRS).geometry.iloc[0]
    union = shapely.union_all(geodata.load("municipalities").to_crs(METRIC_CRS).geometry.values)
    assert outline.symmetric_difference(union).area / union.area < 1e-3


def test_boundary_licence_and_attribution_travel_with_the_layer():
    from geodata.cli.layers import layer_info

    info = {row["name"]: row for row in layer_info()}
    assert "CC BY-SA 2.0" in info["municipalities"]["license"]
    assert "geoBoundaries" in info["municipalities"]["attribution"]
    assert "OpenStreetMap" in info["municipalities"]["attribution"]


def test_northern_populations_carry_sources_and_estimate_notes():
    m = geodata.load("municipalities").set_index("code")
    for code in ("north-mitrovica", "zvecan", "leposavic"):
        assert "estimate" in m.loc[code, "pop_2011_note"]
        assert "undercount" in m.loc[code, "pop_2024_note"]
        assert m.loc[code, "pop_2011_source"].startswith("http")
    assert m.loc["south-mitrovica", "pop_2011"] == 71909
    # unsourced figures are empty, not guessed
    assert m["pop_2011"].isna().sum() >= 30


@pytest.mark.parametrize("layer,key", [("camps", "site_id"), ("hazards", "hazard_id"), ("projects", "project_id")])
def test_every_point_lies_inside_its_municipality_polygon(layer, key):
    points = geodata.load(layer)
    m = geodata.load("municipalities").set_index("code")
    outside = [
        (row[key], row["municipality"])
        for _, row in points.iterrows()
        if not m.loc[row["municipality"], "geometry"].covers(row.geometry)
    ]
    assert outside == []


def test_camp_uncertainty_covers_the_first_placement_and_the_derivation_says_how():
    """Each camp's uncertainty circle covers the point the sources' plain description gives (the town
    coordinate plus the stated direction), and its derivation names the polygon it was placed in."""
    mitrovica = (42 + 53 / 60, 20 + 52 / 60)
    described = {
        "cesmin-lug": (mitrovica[0] + 1 / 111, mitrovica[1]),  # "in the north of the city"
        "roma-mahalla": (mitrovica[0] - 0.5 / 111, mitrovica[1]),  # "south bank of the Ibar"
        "leposavic-camp": (43.1, 20.8),  # the town coordinate (LEPW)
    }
    camps = geodata.load("camps").set_index("site_id")
    metric = camps.to_crs(METRIC_CRS).geometry
    for site, (lat, lon) in described.items():
        pt = gpd.GeoSeries([shapely.Point(lon, lat)], crs=4326).to_crs(METRIC_CRS).iloc[0]
        assert metric.loc[site].distance(pt) <= camps.loc[site, "location_uncertainty_m"], site
    for site in ("cesmin-lug", "zitkovac"):
        assert "polygon" in camps.loc[site, "location_derivation"]
    for site in ("kablare", "osterode"):
        assert "only to separate the symbols" in camps.loc[site, "location_derivation"]


def test_mitrovica_camps_north_of_the_ibar_and_the_mahalla_south_of_it():
    """North Mitrovica is the municipality north of the Ibar: the three camps lie in it; the Roma Mahalla
    lies in South Mitrovica, south of every point of North Mitrovica."""
    camps = geodata.load("camps").set_index("site_id")
    m = geodata.load("municipalities").set_index("code")
    north = m.loc["north-mitrovica", "geometry"]
    for site in ("cesmin-lug", "kablare", "osterode"):
        assert north.covers(camps.loc[site, "geometry"]), site
    mahalla = camps.loc["roma-mahalla", "geometry"]
    assert m.loc["south-mitrovica", "geometry"].covers(mahalla)
    assert mahalla.y < north.bounds[1]


def test_validation_reports_a_point_in_another_municipality():
    camps = geodata.load("camps")
    moved = camps.copy()
    i = moved.index[moved["site_id"] == "leposavic-camp"][0]
    moved.loc[i, "geometry"] = shapely.Point(20.74, 42.21)  # Prizren
    with pytest.raises(geodata.LayerError) as err:
        validate(moved, LAYERS["camps"], file="camps.geojson", municipalities=geodata.load("municipalities"))
    (problem,) = err.value.problems
    assert (problem.row, problem.field) == (int(i) + 1, "municipality")
    assert "the point lies in Prizren, the row says Leposavić" in problem.why


def test_camp_points_record_precision_and_derivation():
    camps = geodata.load("camps")
    assert set(camps["site_id"]) == {"cesmin-lug", "kablare", "osterode", "zitkovac", "leposavic-camp", "roma-mahalla"}
    assert (camps["location_precision"] == 2).all()  # IATI: near, not exact
    assert (camps["location_uncertainty_m"] >= 1000).all()
    assert camps["location_derivation"].str.len().min() > 40
    for obs in camps["population_observations"]:
        rows = json.loads(obs)
        assert rows and all({"date", "figure", "source"} <= r.keys() for r in rows)


def _metric_point(layer: str, key: str, value: str):
    gdf = geodata.load(layer).to_crs(METRIC_CRS)
    return gdf.loc[gdf[key] == value].geometry.iloc[0]


def test_zitkovac_is_about_2_km_from_the_mine_within_stated_precision():
    zit = geodata.load("camps").set_index("site_id").loc["zitkovac"]
    d = _metric_point("camps", "site_id", "zitkovac").distance(_metric_point("hazards", "hazard_id", "trepca-mine"))
    # the source says "2 km from the mine"; the point's stated uncertainty bounds the error
    assert abs(d - 2000) <= zit["location_uncertainty_m"]


def test_zitkovac_is_about_7_km_from_the_other_camps():
    d = _metric_point("camps", "site_id", "zitkovac").distance(_metric_point("camps", "site_id", "cesmin-lug"))
    assert abs(d - 7000) <= 2000 + 3000


def test_zitkovac_distances_are_the_ones_its_derivation_states():
    zit = geodata.load("camps").set_index("site_id").loc["zitkovac"]
    mine = _metric_point("camps", "site_id", "zitkovac").distance(_metric_point("hazards", "hazard_id", "trepca-mine"))
    camps = _metric_point("camps", "site_id", "zitkovac").distance(_metric_point("camps", "site_id", "cesmin-lug"))
    assert f"{mine / 1000:.1f} km from the Trepča mine" in zit["location_derivation"]
    assert f"{camps / 1000:.1f} km from the Mitrovica camps" in zit["location_derivation"]


def test_zitkovac_text_gives_the_straight_line_distance_and_direction_from_zvecan_town():
    """Not only the northward part of the offset: the distance and compass direction the geometry gives from
    the town coordinate the derivation uses (ZVW)."""
    from geodata.facts.site_facts import ZVECAN

    zit = geodata.load("camps").set_index("site_id").loc["zitkovac"]
    camp = _metric_point("camps", "site_id", "zitkovac")
    town = gpd.GeoSeries([shapely.Point(ZVECAN[1], ZVECAN[0])], crs=4326).to_crs(METRIC_CRS).iloc[0]
    bearing = math.degrees(math.atan2(camp.x - town.x, camp.y - town.y)) % 360
    compass = ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")
    direction = compass[round(bearing / 45) % 8]
    stated = f"{camp.distance(town) / 1000:.1f} km {direction} of Zvečan town in a straight line"
    assert stated in zit["location_derivation"]
    assert "5.4 km north of Zvečan town" not in zit["location_derivation"]


def test_leposavic_distance_text_matches_the_geometry():
    camp = geodata.load("camps").set_index("site_id").loc["leposavic-camp"]
    mitrovica = gpd.GeoSeries([shapely.Point(20 + 52 / 60, 42 + 53 / 60)], crs=4326).to_crs(METRIC_CRS).iloc[0]
    straight = _metric_point("camps", "site_id", "leposavic-camp").distance(mitrovica)
    assert 23_000 < straight < 27_000
    assert "about 25 km from Mitrovica in a straight line" in camp["location_description"]
    assert "by road" in camp["location_description"]


def test_documented_relocation_names_who_moved_to_osterode():
    doc = geodata.load("projects").set_index("project_id").loc["doc-2006-osterode-relocation"]
    assert doc["title"] == "Relocation of Kablare and Žitkovac residents to Osterode"
    assert "Česmin Lug stayed open until 2010" in doc["description"]


def test_each_documented_project_cites_exactly_its_sources_beside_the_facts():
    """Every source a documented project lists is named beside the fact it supports (in the description or the
    source note, as "(KEY)"), and every key named there is in its sources: a source that supports nothing in the
    row, or a fact whose source is missing, fails."""
    key_of = {url: key for key, url in SOURCES.items()}
    projects = geodata.load("projects")
    for _, row in projects[projects["dataset"] == "documented"].iterrows():
        listed = {key_of[url] for url in str(row["sources"]).split()}
        text = f"{row['description']} {row['source_note']}"
        named = {key for group in re.findall(r"\(([^()]*)\)", text) for key in re.split(r",\s*", group)}
        named &= set(SOURCES)
        assert named == listed, (row["project_id"], sorted(listed - named), sorted(named - listed))


def test_zvecan_smelter_is_about_3_5_km_from_mitrovica():
    mitrovica = gpd.GeoSeries([shapely.Point(20 + 52 / 60, 42 + 53 / 60)], crs=4326).to_crs(METRIC_CRS).iloc[0]
    d = _metric_point("hazards", "hazard_id", "zvecan-smelter").distance(mitrovica)
    assert 2500 < d < 4500


def test_leposavic_camp_is_far_from_trepca():
    d = _metric_point("camps", "site_id", "leposavic-camp").distance(
        _metric_point("hazards", "hazard_id", "zvecan-smelter")
    )
    assert d > 15_000


def test_settlements_are_the_58_geonames_places_with_a_municipality():
    s = geodata.load("settlements")
    assert len(s) == 58
    assert s["municipality"].notna().all()
    assert s["settlement_id"].is_unique


def test_projects_two_datasets_sample_marked():
    p = geodata.load("projects")
    documented = p[p["dataset"] == "documented"]
    sample = p[p["dataset"] == "sample"]
    assert len(documented) >= 4 and not documented["is_sample"].any()
    assert 60 <= len(sample) <= 150 and sample["is_sample"].all()
    assert sample["description"].str.startswith("SAMPLE DATA").all()
    assert documented["sources"].str.startswith("http").all()
    assert set(p["sector"]) <= set(SECTORS)
    # amounts only where a source gives them
    leposavic = documented.set_index("project_id").loc["doc-2013-leposavic-closure"]
    assert leposavic["committed"] == 1_530_000 and leposavic["currency"] == "EUR"
    assert documented.set_index("project_id").loc["doc-2007-mahalla-returns", "committed"] is not np.nan
    assert (
        documented.drop(index=documented.index[documented["project_id"] == "doc-2013-leposavic-closure"])["committed"]
        .isna()
        .all()
    )


def test_sample_portfolio_covers_the_priority_municipalities():
    sample = geodata.load("projects").query("dataset == 'sample'")
    assert {"north-mitrovica", "south-mitrovica", "leposavic", "zvecan"} <= set(sample["municipality"])
    assert {"health", "economic development", "infrastructure"} <= set(sample["sector"])


def test_trust_fund_reports_no_money_received():
    tf = geodata.load("trust_fund").sort_values("date")
    assert tf["target_usd"].dropna().eq(5_000_000).all()
    assert tf.iloc[0]["date"] == "2017-05-26"
    assert tf["received_usd"].dropna().eq(0).all()
    assert "unfunded and non-operational" in set(tf["quote"])


def test_build_reproduces_the_committed_files_byte_for_byte(tmp_path):
    written = build.main(out_dir=tmp_path)
    assert {p.name for p in written} == {s.path for s in LAYERS.values()}
    for path in written:
        assert path.read_bytes() == (config.DATA_DIR / path.name).read_bytes(), path.name
