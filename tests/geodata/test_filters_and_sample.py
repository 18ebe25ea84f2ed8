"""Filter state (URL round trip, sentence, mask) and the sample generator."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

import geodata
from geodata.analysis.filters import (
    FilterState,
    ProjectIndex,
    describe,
    list_names,
    listed_names,
    name_options,
    names_by_dataset,
)
from geodata.facts.build import anchors_frame
from geodata.facts.sample import sample_portfolio


def _projects(**columns) -> gpd.GeoDataFrame:
    """Three tiny projects; keyword arguments override columns."""
    base = {
        "project_id": ["a", "b", "c"],
        "title": ["Water supply", "Health clinic", "School meals"],
        "sector": ["infrastructure", "health", "education"],
        "sectors": ["infrastructure", "health:60;education:40", "education"],
        "target_communities": ["Roma", "Ashkali;Egyptian", "Roma;Ashkali;Egyptian"],
        "municipality": ["north-mitrovica", "leposavic", "north-mitrovica"],
        "status": ["completed", "ongoing", "pipeline"],
        "funder": ["F1", "F2", "F1"],
        "implementing_org": ["O1", "O1", "O2"],
        "start_date": ["2010", "2018-05", "2027-01-01"],
        "end_date": ["2012-06", None, None],
        "is_sample": [False, True, True],
    }
    base.update(columns)
    return gpd.GeoDataFrame(base, geometry=[shapely.Point(20.87, 42.9)] * 3, crs=4326)


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (FilterState(), ["a", "b", "c"]),
        (FilterState(sectors=("education",)), ["b", "c"]),  # b lists education as a second sector
        (FilterState(communities=("Roma",)), ["a", "c"]),
        (FilterState(municipalities=("north-mitrovica",)), ["a", "c"]),
        (FilterState(statuses=("ongoing",)), ["b"]),
        (FilterState(funders=("F1",), orgs=("O2",)), ["c"]),
        (FilterState(year_from=2011, year_to=2011), ["a"]),  # active 2010-2012
        (FilterState(year_from=2030), ["b", "c"]),  # open-ended ongoing/pipeline
        (FilterState(year_to=2009), []),
        (FilterState(text="CLINIC"), ["b"]),
        (FilterState(dataset="documented"), ["a"]),
        (FilterState(dataset="sample"), ["b", "c"]),
        (FilterState(ids=("c",)), ["c"]),
        (FilterState(funders=("nobody",)), []),
    ],
)
def test_mask(state, expected):
    p = _projects()
    assert list(p.loc[ProjectIndex.build(p).mask(state), "project_id"]) == expected


def test_a_funder_or_organisation_listed_among_others_is_its_own_option_and_matches():
    """Real records name several funders or implementers in one field ("USAID; European Union")."""
    p = _projects(
        funder=["USAID; European Union", "European Union", None],
        implementing_org=["UNHCR; OSCE ", "Mercy Corps", "OSCE;"],
    )
    index = ProjectIndex.build(p)

    def matching(**filters):
        return list(p.loc[index.mask(FilterState(**filters)), "project_id"])

    assert listed_names(p["funder"]) == ["European Union", "USAID"]
    assert listed_names(p["implementing_org"]) == ["Mercy Corps", "OSCE", "UNHCR"]
    assert matching(funders=("European Union",)) == ["a", "b"]
    assert matching(funders=("USAID",)) == ["a"]
    assert matching(orgs=("OSCE",)) == ["a", "c"]
    assert matching(orgs=("UNHCR", "Mercy Corps")) == ["a", "b"]
    # a link made with the field's whole text still finds its project, and only it
    assert matching(funders=("USAID; European Union",)) == ["a"]
    assert matching(funders=("Union",)) == []  # names, not substrings
    assert list_names(None) == [] and list_names(float("nan")) == [] and list_names(" ; ") == []
    # a missing name in the store's string column is pd.NA: no "<NA>" option
    assert list_names(pd.NA) == []
    assert listed_names(pd.Series(["USAID; European Union", None], dtype="string")) == ["European Union", "USAID"]


def test_the_name_filters_offer_only_the_chosen_datasets_names():
    """With "Documented" chosen, a donor is not offered the sample portfolio's invented funders; a name that is
    chosen stays offered whatever the dataset, so a link's choice never vanishes from its control."""
    funders = pd.Series(["USAID; European Union", "Sample donor B", None, "UNMIK"], dtype="string")
    by_dataset = names_by_dataset(funders, np.array([False, True, True, False]))
    assert by_dataset == {
        "documented": ["European Union", "UNMIK", "USAID"],
        "sample": ["Sample donor B"],
        "all": ["European Union", "Sample donor B", "UNMIK", "USAID"],
    }
    assert name_options(by_dataset["sample"], ["USAID"]) == ["Sample donor B", "USAID"]
    assert name_options(by_dataset["sample"], []) == ["Sample donor B"]
    assert names_by_dataset(funders[:0], np.zeros(0, bool)) == {"documented": [], "sample": [], "all": []}


def test_query_round_trip_restores_the_state_exactly():
    state = FilterState(
        sectors=("health", "infrastructure"),
        communities=("Roma",),
        municipalities=("north-mitrovica",),
        statuses=("ongoing",),
        funders=("Sample donor A",),
        orgs=("Sample partner NGO 1",),
        year_from=2018,
        year_to=2024,
        text="water & soil",
        dataset="documented",
        ids=("sample-000001",),
    )
    assert FilterState.from_query(state.to_query()) == state
    assert FilterState.from_query("?" + state.to_query()) == state
    assert FilterState().to_query() == ""


def test_query_with_bad_values_still_opens():
    state = FilterState.from_query("sector=astrology&municipality=atlantis&from=soon&dataset=everything&x=1")
    assert state == FilterState()


def test_query_from_dash_pages_kwargs():
    assert FilterState.from_query({"sector": "health,education", "to": "2020"}) == FilterState(
        sectors=("health", "education"), year_to=2020
    )


def test_describe_in_words():
    state = FilterState(
        sectors=("health", "infrastructure"),
        municipalities=("north-mitrovica",),
        year_from=2018,
        year_to=2024,
        dataset="documented",
    )
    assert describe(state) == "Health and infrastructure projects in North Mitrovica, 2018–2024, documented data"
    assert describe(FilterState()) == "All projects, documented data and sample portfolio"


def test_sample_generator_is_deterministic_and_marked():
    m = geodata.load("municipalities")
    camps = geodata.load("camps")
    a = sample_portfolio(anchors_frame(m), camps, n=200, seed=7)
    b = sample_portfolio(anchors_frame(m), camps, n=200, seed=7)
    assert_geodataframe_equal(a, b)
    c = sample_portfolio(anchors_frame(m), camps, n=200, seed=8)
    assert not a["committed"].equals(c["committed"])
    assert a["is_sample"].all() and (a["dataset"] == "sample").all()
    assert (a["disbursed"] <= a["committed"]).all()
    assert (a.loc[a["status"] == "pipeline", "disbursed"] == 0).all()


def test_sample_split_by_community_adds_up():
    m = geodata.load("municipalities")
    a = sample_portfolio(anchors_frame(m), geodata.load("camps"), n=300, seed=3)
    totals = a["beneficiaries_by_community"].map(lambda s: sum(int(x.split("=")[1]) for x in s.split(";")))
    assert np.array_equal(totals.to_numpy(), a["beneficiaries_reached"].to_numpy())


def test_sample_at_scale_is_valid_and_inside_kosovo():
    m = geodata.load("municipalities")
    big = sample_portfolio(anchors_frame(m), geodata.load("camps"), n=5000, seed=1)
    from geodata.facts.layers import PROJECTS
    from geodata.facts.validate import validate
    from geodata.io.files import kosovo_outline

    assert len(validate(big, PROJECTS, outline=kosovo_outline())) == 5000
    assert pd.Index(big["project_id"]).is_unique
