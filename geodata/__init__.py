"""Trust Fund Atlas layers: schemas, loading, validation, provenance, analysis.

Pure Python over GeoPandas; nothing here imports Dash.
"""

from __future__ import annotations

import geopandas as gpd

from geodata.facts.layers import LAYERS, LayerSpec
from geodata.facts.validate import LayerError, Problem
from geodata.io.load import load_layer

__all__ = ["LAYERS", "LayerError", "LayerSpec", "Problem", "layers", "load"]


def load(name: str) -> gpd.GeoDataFrame:
    """A validated layer in EPSG:4326 (cached)."""
    return load_layer(name)


def layers() -> list[LayerSpec]:
    """Every layer spec, in registry order."""
    return list(LAYERS.values())
