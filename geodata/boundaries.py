"""Install an official municipal boundary file as the municipalities layer.

The file may be GeoJSON, GeoPackage or a zipped Shapefile in any CRS it
declares. Its features are matched by name (Albanian or Serbian, with or
without diacritics) or code to the 38 municipalities; matched ones take the
file's polygon, the rest keep the embedded one and say so in their note.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import shapely

from geodata import config
from geodata.build import to_geojson_bytes
from geodata.layers import METRIC_CRS, MUNICIPALITIES, WGS84
from geodata.load import _load_cached, kosovo_outline, read_file
from geodata.names import match_municipality
from geodata.validate import LayerError, Problem, validate


@dataclass
class BoundaryReport:
    matched: dict[str, str] = field(default_factory=dict)  # code -> name in the file
    unmatched_features: list[str] = field(default_factory=list)  # names in the file that matched nothing
    kept_embedded: list[str] = field(default_factory=list)  # codes with no feature in the file
    installed: Path | None = None

    def lines(self) -> list[str]:
        out = [f"matched {len(self.matched)} of 38 municipalities"]
        out += [f"  {code} <- {name!r}" for code, name in sorted(self.matched.items())]
        if self.unmatched_features:
            out.append("features in the file that match no municipality (not used):")
            out += [f"  {name!r}" for name in self.unmatched_features]
        if self.kept_embedded:
            out.append("municipalities not in the file (keep the embedded Natural Earth polygon):")
            out += [f"  {code}" for code in self.kept_embedded]
        if self.installed:
            out.append(f"installed: {self.installed}")
        return out


def embedded_municipalities() -> gpd.GeoDataFrame:
    """The embedded layer, whatever is installed."""
    path = config.DATA_DIR / MUNICIPALITIES.path
    return _load_cached(MUNICIPALITIES.name, str(path), path.stat().st_mtime_ns).copy()


def boundaries_from_file(
    path: Path, name_field: str, code_field: str | None = None
) -> tuple[gpd.GeoDataFrame, BoundaryReport]:
    """The municipalities layer with the file's polygons, and what matched. Raises ``LayerError``."""
    src = read_file(path)
    file = str(path)
    problems = []
    if src.crs is None:
        problems.append(Problem(file, None, "crs", None, "no CRS declared; the file must declare its CRS"))
    for f in (name_field, code_field):
        if f and f not in src.columns:
            problems.append(Problem(file, None, f, None, f"field not in the file (fields: {list(src.columns)})"))
    if problems:
        raise LayerError(problems)
    src = src.to_crs(WGS84)
    bad = ~shapely.is_valid(src.geometry.values)
    for i in bad.nonzero()[0]:
        problems.append(
            Problem(
                file, int(i) + 1, "geometry", shapely.is_valid_reason(src.geometry.values[i]), "geometry is not valid"
            )
        )
    if problems:
        raise LayerError(problems)

    report = BoundaryReport()
    base = embedded_municipalities().set_index("code")
    geoms: dict[str, shapely.Geometry] = {}
    for _, row in src.iterrows():
        label = str(row[name_field])
        code = match_municipality(row[code_field]) if code_field else None
        code = code or match_municipality(label)
        if code is None or code in geoms:
            report.unmatched_features.append(label if code is None else f"{label} (second match for {code})")
            continue
        geoms[code] = row.geometry
        report.matched[code] = label
    report.kept_embedded = sorted(set(base.index) - set(geoms))

    out = base.copy()
    for code, geom in geoms.items():
        out.loc[code, "geometry"] = geom
        out.loc[code, "boundary_unit"] = f"official:{code}"
        out.loc[code, "boundary_unit_name"] = out.loc[code, "name_en"]
        out.loc[code, "boundary_note"] = (
            f"Official boundary installed from {Path(path).name} (feature {report.matched[code]!r})."
        )
        out.loc[code, "boundary_source"] = Path(path).name
        out.loc[code, "area_note"] = "area of the installed polygon (UTM 34N)"
        anchor = shapely.Point(out.loc[code, "anchor_lon"], out.loc[code, "anchor_lat"])
        if not geom.covers(anchor):
            pt = geom.representative_point()
            out.loc[code, ["anchor_lon", "anchor_lat"]] = [round(pt.x, 5), round(pt.y, 5)]
            out.loc[code, "anchor_note"] = "a point inside the installed polygon"
    for code in report.kept_embedded:
        out.loc[code, "boundary_note"] = "Not in the installed file: " + str(out.loc[code, "boundary_note"])
    out = gpd.GeoDataFrame(out.reset_index(), geometry="geometry", crs=WGS84)
    out["area_km2"] = (out.geometry.to_crs(METRIC_CRS).area / 1e6).round(1)
    return validate(out, MUNICIPALITIES, file=file, outline=kosovo_outline()), report


def install(path: Path, name_field: str, code_field: str | None = None) -> BoundaryReport:
    """Validate, match and install a boundary file atomically; the dashboard uses it from then on."""
    layer, report = boundaries_from_file(path, name_field, code_field)
    target = config.installed_boundaries_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(to_geojson_bytes(layer, MUNICIPALITIES))
    os.replace(tmp, target)
    report.installed = target
    return report


def reset() -> bool:
    """Return to the embedded layer. True when an installed file was removed."""
    target = config.installed_boundaries_path()
    if target.exists():
        target.unlink()
        return True
    return False
