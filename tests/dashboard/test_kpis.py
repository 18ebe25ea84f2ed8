"""geodata.analysis.kpis: headline figures, aggregations, suppression, Trust Fund card, site history."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

import geodata
from geodata.analysis import kpis as K
from geodata.analysis import sector_shares as S
from geodata.facts.layers import COMMUNITIES, SECTORS


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
    shares = S.sector_shares(pd.Series(["housing;education", ""]), pd.Series(["housing", "health"]))
    assert shares[0, SECTORS.index("housing")] == pytest.approx(0.5)
    assert shares[1, SECTORS.index("health")] == pytest.approx(1.0)
    assert shares.sum(axis=1) == pytest.approx([1.0, 1.0])


def test_share_parts_reads_one_field_as_sector_shares_does():
    assert S.share_parts("health:60;education:40") == [
        ("health", pytest.approx(0.6)),
        ("education", pytest.approx(0.4)),
    ]
    assert S.share_parts("housing; education") == [("housing", 0.5), ("education", 0.5)]
    assert S.share_parts("health:3;not a sector:5;infrastructure:1") == [
        ("health", pytest.approx(0.75)),
        ("infrastructure", pytest.approx(0.25)),
    ]
    assert S.share_parts("") == [] and S.share_parts("not a sector") == []
    fields = ["health:60;education:40", "social protection:50;infrastructure:50", "health;health:2"]
    shares = S.sector_shares(pd.Series(fields), pd.Series(["health"] * 3))
    for row, text in zip(shares, fields, strict=True):
        expected = np.zeros(len(SECTORS))
        for name, share in S.share_parts(text):
            expected[SECTORS.index(name)] += share
        assert row == pytest.approx(expected)


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
    # no project gives an Egyptian count: not reported, never 0
    assert pd.isna(table.loc["Egyptian", "reached"]) and table.loc["Egyptian", "label"] == "not reported"


def test_a_community_count_of_zero_is_zero_not_unreported():
    table = K.beneficiaries_by_community(_projects([{"beneficiaries_by_community": "Roma=0;Ashkali=40"}]))
    table = table.set_index("community")
    assert table.loc["Roma", "label"] == "0" and table.loc["Roma", "reported"] == 1
    assert table.loc["Ashkali", "label"] == "40"


# ---------------------------------------------------------------- unknown is never shown as zero

_NOTHING_KNOWN = [{}, {"sector": "education"}]  # two projects, no amount, no people figure


def test_kpis_leave_unreported_totals_empty_not_zero():
    k = K.kpis(_projects(_NOTHING_KNOWN))
    assert k["projects"] == 2
    assert k["committed_usd"] is None and k["committed_reported"] == 0
    assert k["disbursed_usd"] is None and k["disbursed_reported"] == 0
    assert k["beneficiaries_reached"] is None and k["reached_reported"] == 0
    assert k["beneficiaries_targeted"] is None and k["targeted_reported"] == 0
    assert k["disbursed_pct"] is None


def test_kpis_say_how_many_projects_a_total_covers():
    p = _projects([{"committed_usd": 1_530_000.0, "beneficiaries_reached": 0}, {}, {}, {"disbursed_usd": 20.0}])
    k = K.kpis(p)
    assert (k["committed_usd"], k["committed_reported"], k["projects"]) == (1_530_000.0, 1, 4)
    assert (k["disbursed_usd"], k["disbursed_reported"]) == (20.0, 1)
    # a reported 0 is a real zero
    assert (k["beneficiaries_reached"], k["reached_reported"]) == (0, 1)


def test_by_sector_leaves_unreported_amounts_empty():
    p = _projects([{"sector": "health", "committed_usd": 100.0}, {"sector": "housing"}])
    table = K.by_sector(p).set_index("sector")
    assert table.loc["health", "committed_usd"] == 100.0 and table.loc["health", "committed_reported"] == 1
    assert pd.isna(table.loc["health", "disbursed_usd"])  # one health project, no disbursed amount
    assert pd.isna(table.loc["housing", "committed_usd"]) and table.loc["housing", "projects"] == 1
    assert table.loc["education", "committed_usd"] == 0.0  # no project: nothing committed


def test_by_municipality_leaves_unreported_figures_empty():
    p = _projects(
        [
            {"municipality": "leposavic", "committed_usd": 50.0, "beneficiaries_reached": 30},
            {"municipality": "zvecan"},
        ]
    )
    table = K.by_municipality(p).set_index("municipality")
    assert table.loc["leposavic", "committed_usd"] == 50.0 and table.loc["leposavic", "beneficiaries_reached"] == 30
    assert pd.isna(table.loc["zvecan", "committed_usd"]) and pd.isna(table.loc["zvecan", "disbursed_usd"])
    assert pd.isna(table.loc["zvecan", "beneficiaries_reached"])
    assert list(table.index) == ["leposavic", "zvecan"]  # unknown amounts sort last


def test_cumulative_by_year_is_empty_until_an_amount_is_known():
    p = _projects([{"start_date": "2018"}, {"start_date": "2020", "committed_usd": 5.0}])
    table = K.cumulative_by_year(p)
    assert list(table["year"]) == [2018, 2019, 2020]
    assert table["cumulative_committed_usd"].isna().tolist() == [True, True, False]
    assert table["cumulative_committed_usd"].iloc[-1] == 5.0
    assert table["cumulative_disbursed_usd"].isna().all()
    assert list(table["cumulative_committed_reported"]) == [0, 0, 1] and list(table["cumulative_projects"]) == [1, 1, 2]


def test_masked_aggregates_match_frame_functions_for_known_counts():
    p = _projects(
        [
            {"sector": "health", "committed_usd": 10.0, "beneficiaries_by_community": "Roma=12"},
            {"sector": "health", "disbursed_usd": 4.0},
            {"sector": "education", "committed_usd": 7.0, "disbursed_usd": 7.0},
        ]
    )
    arrays = K.KpiArrays.build(p)
    a = arrays.aggregate(np.array([True, True, False]))
    h = SECTORS.index("health")
    assert (a.sector_projects[h], a.sector_committed_known[h], a.sector_disbursed_known[h]) == (2, 1, 1)
    assert a.community_known.tolist() == [1, 0, 0]
    whole = arrays.aggregate()
    assert whole.sector_committed_known.sum() == 2 and whole.totals["projects"] == 3


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
