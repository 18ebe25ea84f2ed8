"""Trust Fund Atlas layers: schemas, loading, validation, provenance, analysis.

Pure Python over GeoPandas; nothing here imports Dash.
"""

from __future__ import annotations

import geopandas as gpd

from geodata.layers import LAYERS, LayerSpec
from geodata.load import load_layer
from geodata.validate import LayerError, Problem

__all__ = ["LAYERS", "LayerError", "LayerSpec", "Problem", "layers", "load"]


def load(name: str) -> gpd.GeoDataFrame:
    """A validated layer in EPSG:4326 (cached)."""
    return load_layer(name)


def layers() -> list[LayerSpec]:
    """Every layer spec, in registry order."""
    return list(LAYERS.values())
