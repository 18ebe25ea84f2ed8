"""Reading vector files from disk: any file GDAL reads, with errors as ``LayerError``; the Kosovo outline.

The lowest layer of ``geodata.io``: the loader and the project store both read through here, so neither
imports the other to read a file.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

from geodata import config
from geodata.facts.layers import OUTLINE
from geodata.facts.validate import LayerError, Problem

__all__ = ["kosovo_outline", "outline_shape", "read_file"]


def read_file(path: Path | str, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read any vector file GDAL reads (GeoJSON, GeoPackage, zipped Shapefile), keeping its declared CRS.

    Raises ``LayerError`` (never a GDAL traceback) when the file cannot be read.
    """
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise LayerError([Problem(name, None, None, None, "file not found")])
    target = f"zip://{path}" if path.suffix.lower() == ".zip" else str(path)
    try:
        gdf = gpd.read_file(target, layer=layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError, OSError) as exc:
        raise LayerError([Problem(name, None, None, None, f"cannot be read as a vector file: {exc}")]) from None
    if gdf.crs is None and path.suffix.lower() in {".geojson", ".json"}:
        gdf = gdf.set_crs("EPSG:4326")  # RFC 7946: GeoJSON without a crs member is WGS 84
    return gdf


@functools.cache
def outline_shape() -> shapely.Geometry:
    gdf = read_file(config.DATA_DIR / OUTLINE.path)
    return shapely.union_all(gdf.geometry.values)


def kosovo_outline() -> shapely.Geometry:
    """The Kosovo outline (for inside-Kosovo checks)."""
    return outline_shape()
