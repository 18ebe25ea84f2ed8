"""GeoJSON, GeoPackage and zipped Shapefile, read through GDAL (pyogrio).

The geometry keeps the CRS the file declares and is reprojected later; a file
that declares none is reported, never guessed (GeoJSON without a ``crs``
member is WGS 84 by RFC 7946). Rows are numbered by feature, from 1.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pyogrio

from geodata.facts.validate import LayerError, Problem
from geodata.io.files import read_file
from geodata.io.importers.base import MAX_ROWS, RawTable, check_zip, file_error
from geodata.io.importers.mapping import looks_personal, map_columns

SUFFIX = {"geojson": ".geojson", "gpkg": ".gpkg", "shapefile": ".zip"}


def _check_shapefile_zip(data: bytes, file: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip(file, archive)
            bad = archive.testzip()
            if bad is not None:
                raise file_error(file, f"is a damaged zip archive (member {bad!r} fails its checksum)")
            shps = [n for n in archive.namelist() if n.lower().endswith(".shp")]
    except zipfile.BadZipFile:
        raise file_error(file, "is not a valid zip archive (truncated or damaged)") from None
    if not shps:
        raise file_error(file, "is a zip archive without a .shp file; zip the .shp, .shx, .dbf and .prj together")


def _pick_layer(path: Path, file: str) -> str | None:
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError, ValueError) as exc:
        raise file_error(file, f"cannot be read as a vector file: {exc}") from None
    if len(layers) <= 1:
        return None
    if "projects" in layers:
        return "projects"
    raise file_error(file, f"has several layers ({', '.join(layers)}); name the layer holding projects 'projects'")


def read_vector(data: bytes, file: str, fmt: str) -> RawTable:
    if fmt == "shapefile":
        _check_shapefile_zip(data, file)
    if fmt == "gpkg" and not data.startswith(b"SQLite format 3\x00"):
        raise file_error(file, "is not a GeoPackage (no SQLite header)")
    with tempfile.TemporaryDirectory(prefix="tfa-import-") as tmp:
        path = Path(tmp) / f"upload{SUFFIX[fmt]}"
        path.write_bytes(data)
        layer = _pick_layer(path, file) if fmt != "geojson" else None
        try:
            gdf = read_file(path, layer=layer)
        except LayerError as exc:
            why = exc.problems[0].why if exc.problems else "cannot be read"
            raise file_error(file, why.replace(str(path), file)) from None
    if len(gdf) > MAX_ROWS:
        raise file_error(file, f"has {len(gdf)} features; the most one import accepts is {MAX_ROWS}")
    if len(gdf) == 0:
        raise file_error(file, "has no features")
    attributes = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).astype(object)
    attributes = attributes.where(attributes.notna(), None)
    mapping, ignored = map_columns([str(c) for c in attributes.columns])
    warnings = [
        Problem(file, None, h, None, "looks like personal data: this column is not imported")
        for h in ignored
        if looks_personal(h)
    ]
    problems = []
    has_geometry = gdf.geometry.notna().any()
    if has_geometry and gdf.crs is None:
        problems.append(
            Problem(file, None, "crs", None, "declares no CRS (a shapefile needs its .prj); it is never guessed")
        )
    return RawTable(
        data=attributes.reset_index(drop=True),
        rows=list(range(1, len(gdf) + 1)),
        mapping=mapping,
        ignored=ignored,
        geometry=gdf.geometry.reset_index(drop=True),
        crs=gdf.crs.to_string() if gdf.crs is not None else None,
        problems=problems,
        warnings=warnings,
        format=fmt,
        row_label="feature",
    )
