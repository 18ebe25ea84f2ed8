"""geodata.kpis: headline figures, aggregations, suppression, Trust Fund card, site history."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

import geodata
from geodata import kpis as K
from geodata.layers import COMMUNITIES, SECTORS


def _projects(rows: list[dict]) -> gpd.GeoDataFrame:
    """A tiny projects frame with the columns the KPI functions read."""
    base = {
        "project_id": "p",
        "title": "t",
        "sector": "health",
        "sectors": "",
        "target_communities": "Roma",
        "municipality": "north-mitrovica",
        "committed_usd": np.nan,
        "disbursed_usd": np.nan,
        "beneficiaries_reached": pd.NA,
        "beneficiaries_targeted": pd.NA,
        "beneficiaries_by_community": "",
        "start_date": "2020",
        "end_date": "2021",
        "status": "completed",
        "is_sample": False,
    }
    frame = pd.DataFrame([{**base, "project_id": f"p{i}", **r} for i, r in enumerate(rows)])
    for col in ("beneficiaries_reached", "beneficiaries_targeted"):
        frame[col] = frame[col].astype("Int64")
    return gpd.GeoDataFrame(frame, geometry=[Point(20.87, 42.89)] * len(frame), crs="EPSG:4326")


def test_kpis_count_unknown_amounts_separately_and_pct_over_known_pairs():
    p = _projects(
        [
            {"committed_usd": 100.0, "disbursed_usd": 50.0},
            {"committed_usd": 300.0},  # disbursed unknown: left out of the percentage
            {},  # nothing known
        ]
    )
    k = K.kpis(p)
    assert k["projects"] == 3
    assert k["committed_usd"] == 400.0
    assert k["committed_unknown"] == 1
    assert k["disbursed_unknown"] == 2
    assert k["disbursed_pct"] == pytest.approx(50.0)
    assert k["has_sample"] is False
    assert set(K.KPI_KEYS) == set(k)


def test_kpis_with_mask_and_municipalities_covered():
    p = _projects(
        [
            {"municipality": "leposavic", "committed_usd": 10.0, "is_sample": True},
            {"municipality": "zvecan", "committed_usd": 20.0},
            {"municipality": "zvecan", "committed_usd": 30.0},
        ]
    )
    arrays = K.KpiArrays.build(p)
    k = arrays.kpis(np.array([False, True, True]))
    assert (k["projects"], k["committed_usd"], k["municipalities_covered"], k["has_sample"]) == (2, 50.0, 1, False)
    assert arrays.kpis()["sample_projects"] == 1


def test_by_sector_splits_money_by_shares():
    p = _projects([{"sector": "health", "sectors": "health:60;education:40", "committed_usd": 1000.0}])
    table = K.by_sector(p).set_index("sector")
    assert list(table.index) == list(SECTORS)
    assert table.loc["health", "committed_usd"] == pytest.approx(600.0)
    assert table.loc["education", "committed_usd"] == pytest.approx(400.0)
    assert table.loc["health", "projects"] == 1 and table.loc["housing", "projects"] == 0


def test_sector_shares_equal_when_no_weights():
    shares = K.sector_shares(pd.Series(["housing;education", ""]), pd.Series(["housing", "health"]))
    assert shares[0, SECTORS.index("housing")] == pytest.approx(0.5)
    assert shares[1, SECTORS.index("health")] == pytest.approx(1.0)
    assert shares.sum(axis=1) == pytest.approx([1.0, 1.0])


def test_cumulative_by_year_fills_gaps_and_accumulates():
    p = _projects(
        [
            {"start_date": "2018-03", "committed_usd": 10.0},
            {"start_date": "2020", "committed_usd": 5.0},
        ]
    )
    table = K.cumulative_by_year(p)
    assert list(table["year"]) == [2018, 2019, 2020]
    assert list(table["cumulative_committed_usd"]) == [10.0, 10.0, 15.0]
    assert K.KpiArrays.build(p).cumulative_by_year(np.zeros(2, dtype=bool)).empty


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, "—"), (0, "0"), (1, "<10"), (9, "<10"), (10, "10"), (12345, "12,345")],
)
def test_suppress(text, expected):
    assert K.suppress(text) == expected


def test_beneficiaries_by_community_suppresses_small_counts():
    p = _projects(
        [
            {"beneficiaries_by_community": "Roma=120;Ashkali=3"},
            {"beneficiaries_by_community": "Roma=5"},
        ]
    )
    table = K.beneficiaries_by_community(p).set_index("community")
    assert list(table.index) == list(COMMUNITIES)
    assert table.loc["Roma", "reached"] == 125 and table.loc["Roma", "label"] == "125"
    assert pd.isna(table.loc["Ashkali", "reached"]) and table.loc["Ashkali", "label"] == "<10"
    assert bool(table.loc["Ashkali", "suppressed"]) is True
    assert table.loc["Egyptian", "label"] == "0"


def test_trust_fund_status_from_the_layer():
    status = K.trust_fund_status(geodata.load("trust_fund"))
    assert status["target_usd"] == 5_000_000
    assert status["announced"] == "2017-05-26"
    assert status["received_usd"] == 0.0
    assert status["gap_usd"] == 5_000_000
    assert status["received_as_of"] and status["received_sources"][0].startswith("http")
    assert status["latest"]["quote"]


def test_site_history_distance_measured_in_metres_crs():
    camps, hazards = geodata.load("camps"), geodata.load("hazards")
    history = K.site_history(camps, hazards, "osterode")
    smelter = hazards[hazards["hazard_type"] == "smelter"].to_crs("EPSG:32634").geometry.iloc[0]
    camp = camps[camps["site_id"] == "osterode"].to_crs("EPSG:32634").geometry.iloc[0]
    assert history["distance_to_smelter_km"] == pytest.approx(camp.distance(smelter) / 1000)
    assert 1 < history["distance_to_smelter_km"] < 10
    assert history["population"] == sorted(history["population"], key=lambda o: o["date"])
    assert all(u.startswith("http") for u in history["sources"])
    with pytest.raises(KeyError):
        K.site_history(camps, hazards, "nowhere")


def test_population_observations_tolerates_bad_json():
    assert K.population_observations("not json") == []
    assert K.population_observations(None) == []
    assert (
        K.population_observations('[{"date": "2009", "figure": 3}, {"date": "2005", "figure": 1}]')[0]["date"] == "2005"
    )
