"""Seeded synthetic portfolios for the benchmarks: the sample generator at scale."""

from __future__ import annotations

import functools

import geopandas as gpd

import geodata
from geodata.facts.build import anchors_frame
from geodata.facts.sample import sample_portfolio


@functools.cache
def synthetic_portfolio(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` synthetic projects (all ``is_sample``), deterministic for ``(n, seed)``."""
    return sample_portfolio(anchors_frame(geodata.load("municipalities")), geodata.load("camps"), n=n, seed=seed)
