"""Install an official municipal boundary file as the municipalities layer.

The file may be GeoJSON, GeoPackage or a zipped Shapefile in any CRS it declares. Its features are
matched to the 38 current municipalities by territory: a municipality belongs to the feature that
covers most of its embedded polygon (at least half of it). A feature that holds one municipality
draws it; a feature that holds several (a file of the 30 municipalities of the 2000 law draws North
and South Mitrovica as one "Mitrovica") stands in for all of them, labelled as the merged unit it is
and never with one municipality's name, and the report lists the municipalities that have no polygon
of their own. The installer states the file's source and licence; ``geodata info``, the exports and
the briefing name them from then on (``load.layer_provenance``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import shapely

from geodata import config
from geodata.facts.build import to_geojson_bytes
from geodata.facts.layers import METRIC_CRS, MUNICIPALITIES, WGS84
from geodata.facts.municipality_registry import BY_CODE
from geodata.facts.names import candidate_codes
from geodata.facts.validate import LayerError, Problem, validate
from geodata.io.atomic import write_bytes_atomic
from geodata.io.files import kosovo_outline, read_file
from geodata.io.load import _load_cached

#: A municipality belongs to the feature covering at least this share of its embedded polygon.
MIN_COVER = 0.5


@dataclass
class StandIn:
    """A feature of the file that holds several current municipalities."""

    label: str  # the feature's name in the file
    members: tuple[str, ...]  # the municipality codes it holds
    continuing: str | None  # the member the feature's name (or the 2000 law) makes its successor

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(c for c in self.members if c != self.continuing)


@dataclass
class BoundaryReport:
    matched: dict[str, str] = field(default_factory=dict)  # code -> feature name, one municipality per feature
    merged: list[StandIn] = field(default_factory=list)
    unmatched_features: list[str] = field(default_factory=list)  # features that hold no municipality
    name_disagreements: list[str] = field(default_factory=list)  # a feature's name says another municipality
    kept_embedded: list[str] = field(default_factory=list)  # codes the file does not cover
    installed: Path | None = None

    @property
    def missing(self) -> list[str]:
        """Current municipalities with no polygon of their own in the file."""
        return sorted({c for s in self.merged for c in s.missing} | set(self.kept_embedded))

    def lines(self) -> list[str]:
        n_own = len(self.matched)
        out = [f"{n_own} of 38 municipalities have a polygon of their own in the file"]
        out += [f"  {code} <- {name!r}" for code, name in sorted(self.matched.items())]
        if self.merged:
            out.append("features holding several current municipalities (one merged polygon stands in for them):")
            for s in self.merged:
                names = ", ".join(BY_CODE[c].name_en for c in s.members)
                out.append(f"  {s.label!r} holds {names}")
        if self.missing:
            out.append(f"missing: {len(self.missing)} current municipalities have no polygon of their own:")
            for code in self.missing:
                out.append(f"  {BY_CODE[code].name_en} ({code}): {self._stand_in(code)}")
        if self.unmatched_features:
            out.append("features that hold no current municipality (not used):")
            out += [f"  {name!r}" for name in self.unmatched_features]
        if self.name_disagreements:
            out.append("features whose name says another municipality than their territory (territory used):")
            out += [f"  {line}" for line in self.name_disagreements]
        if self.installed:
            out.append(f"installed: {self.installed}")
        return out

    def _stand_in(self, code: str) -> str:
        for s in self.merged:
            if code in s.members:
                return f"drawn with the merged polygon {s.label!r}"
        return "not covered by the file: keeps the embedded geoBoundaries polygon"

    def as_dict(self) -> dict:
        return {
            "own_polygon": dict(sorted(self.matched.items())),
            "merged": [{"feature": s.label, "members": list(s.members)} for s in self.merged],
            "missing": {code: self._stand_in(code) for code in self.missing},
            "unmatched_features": self.unmatched_features,
        }


def embedded_municipalities() -> gpd.GeoDataFrame:
    """The embedded layer, whatever is installed."""
    path = config.DATA_DIR / MUNICIPALITIES.path
    return _load_cached(MUNICIPALITIES.name, str(path), path.stat().st_mtime_ns).copy()


def _read_checked(path: Path, name_field: str, code_field: str | None) -> gpd.GeoDataFrame:
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
    src = src.to_crs(WGS84).reset_index(drop=True)
    for i in (~shapely.is_valid(src.geometry.values)).nonzero()[0]:
        reason = shapely.is_valid_reason(src.geometry.values[i])
        problems.append(Problem(file, int(i) + 1, "geometry", reason, "geometry is not valid"))
    if problems:
        raise LayerError(problems)
    return src


def _continuing(label: str, code: str | None, members: tuple[str, ...]) -> str | None:
    """The member a merged feature continues: the one its name or code names, else the one member that
    existed under the 2000 law (e.g. "Mitrovica" of 2000 -> South Mitrovica, not North Mitrovica of 2013)."""
    named = [c for c in (*candidate_codes(code or ""), *candidate_codes(label)) if c in members]
    if len(set(named)) == 1:
        return named[0]
    old = [c for c in members if BY_CODE[c].established.startswith("2000")]
    return old[0] if len(old) == 1 else None


def boundaries_from_file(
    path: Path, name_field: str, code_field: str | None = None, source: str = ""
) -> tuple[gpd.GeoDataFrame, BoundaryReport]:
    """The municipalities layer with the file's polygons, and how each municipality is drawn.
    Raises ``LayerError``."""
    src = _read_checked(path, name_field, code_field)
    base = embedded_municipalities().set_index("code")
    report = BoundaryReport()

    # Territory: the share of each embedded municipality that each feature covers.
    feats = src.geometry.to_crs(METRIC_CRS).values
    munis = base.geometry.to_crs(METRIC_CRS)
    owner: dict[str, int] = {}
    for code, shape in munis.items():
        shares = shapely.area(shapely.intersection(feats, shape)) / shape.area
        best = int(shares.argmax())
        if shares[best] >= MIN_COVER:
            owner[code] = best
    members_of: dict[int, tuple[str, ...]] = {}
    for code, i in owner.items():
        members_of[i] = (*members_of.get(i, ()), code)

    out = base.copy()
    label_of = src[name_field].astype(str)
    stated_source = source or Path(path).name
    for i, label in label_of.items():
        members = members_of.get(i, ())
        if not members:
            report.unmatched_features.append(label)
            continue
        code_value = str(src.at[i, code_field]) if code_field else None
        geom = src.geometry.iloc[i]
        if len(members) == 1:
            code = members[0]
            report.matched[code] = label
            said = set(candidate_codes(code_value or "")) | set(candidate_codes(label))
            if said and code not in said:
                names = ", ".join(BY_CODE[c].name_en for c in sorted(said))
                report.name_disagreements.append(f"{label!r} lies on {BY_CODE[code].name_en}, its name says {names}")
            unit_name, note = label, f"Installed from {Path(path).name} (feature {label!r})."
        else:
            stand_in = StandIn(label, tuple(sorted(members)), _continuing(label, code_value, members))
            report.merged.append(stand_in)
            held = ", ".join(BY_CODE[c].name_en for c in stand_in.members)
            unit_name = merged_unit_name(label, held)
            note = (
                f"Installed from {Path(path).name}: the file draws {held} as one feature ({label!r}); "
                "no polygon of its own. The merged polygon stands in."
            )
        for code in members:
            out.loc[code, "geometry"] = geom
            out.loc[code, "boundary_unit"] = f"installed:{i + 1}"
            out.loc[code, "boundary_unit_name"] = unit_name
            out.loc[code, "boundary_note"] = note
            out.loc[code, "boundary_source"] = stated_source
            out.loc[code, "area_note"] = (
                "area of the installed polygon (UTM 34N)"
                if len(members) == 1
                else f"area of the merged polygon {label!r}, not of {BY_CODE[code].name_en} alone"
            )
            anchor = shapely.Point(out.loc[code, "anchor_lon"], out.loc[code, "anchor_lat"])
            if not geom.covers(anchor):
                pt = geom.representative_point()
                out.loc[code, ["anchor_lon", "anchor_lat"]] = [round(pt.x, 5), round(pt.y, 5)]
                out.loc[code, "anchor_note"] = "a point inside the installed polygon"
    report.kept_embedded = sorted(set(base.index) - set(owner))
    for code in report.kept_embedded:
        out.loc[code, "boundary_note"] = "Not in the installed file: " + str(out.loc[code, "boundary_note"])
    out = gpd.GeoDataFrame(out.reset_index(), geometry="geometry", crs=WGS84)
    out["area_km2"] = (out.geometry.to_crs(METRIC_CRS).area / 1e6).round(1)
    return validate(out, MUNICIPALITIES, file=str(path), outline=kosovo_outline()), report


#: What ``boundary_unit_name`` adds after a merged feature's own label.
_MERGED_MARK = " (one polygon for "


def merged_unit_name(label: str, held: str) -> str:
    """The ``boundary_unit_name`` of a feature that stands in for several municipalities (``held``, their names)."""
    return f"{label}{_MERGED_MARK}{held})"


def feature_label(unit_name: str) -> str:
    """A polygon's own label in its file, from its ``boundary_unit_name`` (what ``merged_unit_name`` adds
    taken off): "Kosovska Mitrovica (one polygon for North Mitrovica, South Mitrovica)" -> "Kosovska Mitrovica"."""
    return unit_name.split(_MERGED_MARK, 1)[0]


def install(
    path: Path,
    name_field: str,
    code_field: str | None = None,
    *,
    source: str,
    license: str,
    attribution: str = "",
) -> BoundaryReport:
    """Validate, match and install a boundary file atomically, with the source and licence the installer
    states; the dashboard, ``geodata info`` and every export name them from then on."""
    problems = [
        Problem(str(path), None, flag, value, "required: say where the file comes from and under which licence")
        for flag, value in (("--source", source), ("--license", license))
        if not str(value or "").strip()
    ]
    if problems:
        raise LayerError(problems)
    layer, report = boundaries_from_file(path, name_field, code_field, source=source)
    provenance = {
        "file": Path(path).name,
        "source": source.strip(),
        "license": license.strip(),
        "attribution": attribution.strip(),
        "installed_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "precision": "as in the installed file"
        + (f"; {len(report.missing)} municipalities without a polygon of their own" if report.missing else ""),
        "report": report.as_dict(),
    }
    target = config.installed_boundaries_path()
    # The statement first: a layer is never in use without its provenance.
    write_bytes_atomic(
        config.installed_boundaries_provenance_path(),
        (json.dumps(provenance, ensure_ascii=False, indent=1) + "\n").encode(),
    )
    write_bytes_atomic(target, to_geojson_bytes(layer, MUNICIPALITIES))
    report.installed = target
    return report


def reset() -> bool:
    """Return to the embedded layer. True when an installed file was removed."""
    target = config.installed_boundaries_path()
    removed = target.exists()
    target.unlink(missing_ok=True)
    config.installed_boundaries_provenance_path().unlink(missing_ok=True)
    return removed
