"""The only module that reads layer files from disk.

``load_layer`` reads a layer, validates it against its spec and caches the
result; callers get a copy, so the shared cache cannot be changed by accident.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geodata import config
from geodata.facts.layers import LAYERS, OUTLINE, LayerSpec
from geodata.facts.validate import LayerError, Problem, validate


def layer_path(spec: LayerSpec) -> Path:
    """The file a layer is read from: an installed user file where one exists, else the embedded one."""
    if spec.name == "municipalities" and config.installed_boundaries_path().exists():
        return config.installed_boundaries_path()
    if spec.name == "projects" and _project_store().exists():
        return _project_store().store_path()
    return config.DATA_DIR / spec.path


def layer_provenance(name: str) -> dict[str, str]:
    """Where the layer in use comes from: the spec's source, licence and credit line, or, for installed
    boundaries, what the installer stated (``use-boundaries --source/--license``) and the install report."""
    spec = LAYERS[name]
    out = {
        "source": spec.source,
        "license": spec.license,
        "attribution": spec.attribution,
        "vintage": spec.vintage,
        "precision": spec.precision,
        "installed": "",
    }
    if name in ("municipalities", "outline") and config.installed_boundaries_path().exists():
        sidecar = config.installed_boundaries_provenance_path()
        stated = json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else {}
        file = stated.get("file", config.installed_boundaries_path().name)
        if name == "municipalities":
            out.update(
                source=stated.get("source", f"installed file {file} (source not stated)"),
                license=stated.get("license", "not stated"),
                attribution=stated.get("attribution", ""),
                vintage=stated.get("vintage", f"installed {stated.get('installed_at', '')}".strip()),
                precision=stated.get("precision", "as in the installed file"),
                installed=file,
            )
    return out


def boundary_credit() -> str:
    """One line naming the municipal boundaries in use, their source and licence, for every map and export:
    the embedded layer's credit line, or what the installer of an official file stated."""
    prov = layer_provenance("municipalities")
    if not prov["installed"]:
        return prov["attribution"]
    credit = f"Municipal boundaries: {prov['source']}, {prov['license']}"
    return credit + (f" ({prov['attribution']})" if prov["attribution"] else "")


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
def _outline_shape() -> shapely.Geometry:
    gdf = read_file(config.DATA_DIR / OUTLINE.path)
    return shapely.union_all(gdf.geometry.values)


@functools.cache
def _load_cached(name: str, path: str, mtime_ns: int) -> gpd.GeoDataFrame:
    spec = LAYERS[name]
    gdf = read_file(path)
    if not spec.geometry_types:
        gdf = gpd.GeoDataFrame(pd.DataFrame(gdf.drop(columns="geometry")), geometry=[None] * len(gdf), crs=spec.crs)
    outline = None if name == OUTLINE.name else _outline_shape()
    return validate(gdf, spec, file=path, outline=outline)


def load_layer(name: str) -> gpd.GeoDataFrame:
    """A validated layer in EPSG:4326 (cached; a copy is returned)."""
    if name not in LAYERS:
        raise KeyError(f"unknown layer {name!r}; known layers: {', '.join(LAYERS)}")
    if name == "projects" and _project_store().exists():
        return _project_store().current_projects()  # the imported portfolio (validated, cached per version)
    path = layer_path(LAYERS[name])
    mtime = path.stat().st_mtime_ns if path.exists() else 0
    return _load_cached(name, str(path), mtime).copy()


def layer_version(name: str) -> str:
    """A token that changes whenever the layer's content may have changed (for caches over a layer)."""
    if name == "projects" and (token := _project_store().version()) is not None:
        return token
    path = layer_path(LAYERS[name])
    return f"{path}:{path.stat().st_mtime_ns if path.exists() else 0}"


def _project_store():
    """geodata.io.store (imported late: it reads files through this module)."""
    from geodata.io import store

    return store


def kosovo_outline() -> shapely.Geometry:
    """The Kosovo outline (for inside-Kosovo checks)."""
    return _outline_shape()
