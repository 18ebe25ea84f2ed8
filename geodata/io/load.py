"""Layers as the app uses them: the one way to get a layer, the project portfolio included.

``load_layer`` reads a layer (through ``geodata.io.files``; the portfolio comes from ``geodata.io.store``),
validates it against its spec and caches the
result; callers get a copy, so the shared cache cannot be changed by accident.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata import config
from geodata.facts.layers import LAYERS, OUTLINE, LayerSpec
from geodata.facts.validate import cast_columns, validate
from geodata.io import store, validated
from geodata.io.files import outline_shape, read_file


def layer_path(spec: LayerSpec) -> Path:
    """The file a layer is read from: an installed user file where one exists, else the embedded one.
    (The portfolio, once a store exists, is read from the store: ``store.location()`` says where.)"""
    if spec.name == "municipalities" and config.installed_boundaries_path().exists():
        return config.installed_boundaries_path()
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


@functools.cache
def _load_cached(name: str, path: str, mtime_ns: int) -> gpd.GeoDataFrame:
    spec = LAYERS[name]
    outline_path = None if name == OUTLINE.name else config.DATA_DIR / OUTLINE.path
    key = validated.fingerprint(spec, path, outline_path)
    gdf = read_file(path)
    if validated.fingerprint(spec, path, outline_path) != key:
        key = ""  # the file changed while it was read: what was read is checked, and no pass is recorded
    if not spec.geometry_types:
        gdf = gpd.GeoDataFrame(pd.DataFrame(gdf.drop(columns="geometry")), geometry=[None] * len(gdf), crs=spec.crs)
    if key and validated.passed(name, key):  # this very file passed these checks before: only its columns are cast
        return cast_columns(gdf, spec)
    out = validate(gdf, spec, file=path, outline=None if outline_path is None else outline_shape())
    if key:
        validated.record_pass(name, key)
    return out


def load_layer(name: str) -> gpd.GeoDataFrame:
    """A validated layer in EPSG:4326 (cached; a shallow copy is returned: pandas copies a shared column on
    write, so what a caller changes never reaches the cache)."""
    if name not in LAYERS:
        raise KeyError(f"unknown layer {name!r}; known layers: {', '.join(LAYERS)}")
    if name == "projects" and store.exists():
        return store.current_projects()  # the imported portfolio (validated, cached per version)
    path = layer_path(LAYERS[name])
    mtime = path.stat().st_mtime_ns if path.exists() else 0
    return _load_cached(name, str(path), mtime).copy(deep=False)


def layer_version(name: str) -> str:
    """A token that changes whenever the layer's content may have changed (for caches over a layer)."""
    if name == "projects" and (token := store.version()) is not None:
        return token
    path = layer_path(LAYERS[name])
    return f"{path}:{path.stat().st_mtime_ns if path.exists() else 0}"
