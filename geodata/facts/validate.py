"""Check a GeoDataFrame against its ``LayerSpec``; collect every problem.

Column types, required values, vocabularies and ranges are checked by pandera
(a schema built from the spec); CRS, geometry and cross-field rules are
checked here. Problems name the file, row, field and value and say why.
Rows are numbered from 1 in file order (the feature number).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.facts.layers import METRIC_CRS, WGS84, LayerSpec

if TYPE_CHECKING:
    import pandera.pandas as pa

#: Tolerance around the Kosovo outline for "inside Kosovo" (degrees, about 2 km).
OUTSIDE_TOLERANCE_DEG = 0.02
#: How far (m) a point may lie outside the municipality its row names before that is reported, on top of
#: its stated uncertainty: the polygons are simplified to about 100 m.
BOUNDARY_TOLERANCE_M = 250.0
#: Kosovo's bounding box, used when no outline is available (lon/lat).
KOSOVO_BBOX = (19.97, 41.84, 21.81, 43.28)


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # 1-based feature number; None for file-level problems
    field: str | None
    value: object
    why: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field {self.field!r}"
        value = "" if self.value is None else f" (value {plain(self.value)})"
        return f"{where}: {self.why}{value}"


def plain(value: object) -> str:
    """A value as a person reads it: numbers without numpy's reprs ("22000", "0.5"), text quoted."""
    if isinstance(value, (np.generic,)):
        value = value.item()
    if isinstance(value, float):
        return f"{value:.10g}" if math.isfinite(value) else "empty"
    if isinstance(value, (int, bool)):
        return str(value)
    return repr(str(value))


class LayerError(ValueError):
    """A layer file does not match its spec. ``problems`` lists every finding."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _schema(spec: LayerSpec) -> pa.DataFrameSchema:
    # pandera is loaded when a file is first checked (0.8 s with its backends), not when this module is imported
    import pandera.pandas as pa
    from pandera.engines.geopandas_engine import Geometry

    columns: dict[str, pa.Column] = {}
    for name, dtype in spec.columns.items():
        checks = []
        if name in spec.allowed:
            checks.append(pa.Check.isin(spec.allowed[name], error=f"must be one of {list(spec.allowed[name])}"))
        if name in spec.list_allowed:
            allowed = set(spec.list_allowed[name])
            checks.append(
                pa.Check(
                    lambda s, allowed=allowed: s.map(
                        lambda v: bool(str(v).strip()) and set(str(v).split(";")) <= allowed
                    ),
                    element_wise=False,
                    error=f"must be ';'-separated values from {sorted(allowed)}",
                )
            )
        if name in spec.nonnegative:
            checks.append(pa.Check.ge(0, error="must not be negative"))
        columns[name] = pa.Column(
            dtype,
            checks=checks,
            nullable=name not in spec.required,
            required=name in spec.required,
            coerce=True,
        )
    if spec.geometry_types:
        columns["geometry"] = pa.Column(Geometry(), nullable=False)
    return pa.DataFrameSchema(columns, strict=False, coerce=True)


def _why(check: str, column: str, dtype: str | None) -> str:
    if check.startswith("coerce_dtype") or check.startswith("dtype"):
        kind = {"Int64": "a whole number", "float64": "a number", "bool": "true or false"}.get(dtype or "", dtype)
        return f"is not {kind}"
    if check == "not_nullable":
        return "is required but empty"
    if check.startswith("column_in_dataframe") or "column" in check and "not in dataframe" in check:
        return "required column is missing"
    return check


def _schema_problems(gdf: pd.DataFrame, spec: LayerSpec, file: str, rows: pd.Series) -> list[Problem]:
    import pandera.pandas as pa

    try:
        _schema(spec).validate(gdf, lazy=True)
    except pa.errors.SchemaErrors as exc:
        out = []
        seen = set()
        for case in exc.failure_cases.itertuples():
            column = case.column if isinstance(case.column, str) else None
            check = str(case.check)
            if check.startswith("column_in_dataframe"):
                key = ("missing", case.failure_case)
                if key not in seen:
                    seen.add(key)
                    out.append(Problem(file, None, str(case.failure_case), None, "required column is missing"))
                continue
            idx = case.index
            row = int(rows.loc[idx]) if idx is not None and not pd.isna(idx) and idx in rows.index else None
            why = _why(check, column or "", spec.columns.get(column or ""))
            key = (row, column, why)
            if key in seen:  # pandera reports a failed coercion twice (coerce and dtype)
                continue
            seen.add(key)
            value = case.failure_case
            if isinstance(value, float) and np.isnan(value):
                value = None
            out.append(Problem(file, row, column, value, why))
        return out
    return []


def _geometry_problems(
    gdf: gpd.GeoDataFrame, spec: LayerSpec, file: str, rows: pd.Series, outline: shapely.Geometry | None
) -> list[Problem]:
    out: list[Problem] = []
    if not spec.geometry_types:
        return out
    geoms = gdf.geometry.values
    missing = pd.isna(gdf.geometry) | shapely.is_empty(geoms)
    for idx in gdf.index[missing]:
        out.append(Problem(file, int(rows.loc[idx]), "geometry", None, "geometry is missing"))
    types = gdf.geometry.geom_type
    wrong = ~missing & ~types.isin(spec.geometry_types)
    for idx in gdf.index[wrong]:
        out.append(
            Problem(
                file,
                int(rows.loc[idx]),
                "geometry",
                types.loc[idx],
                f"geometry type must be one of {sorted(spec.geometry_types)}",
            )
        )
    invalid = ~missing & ~shapely.is_valid(geoms)
    for idx in gdf.index[invalid]:
        out.append(
            Problem(
                file,
                int(rows.loc[idx]),
                "geometry",
                shapely.is_valid_reason(geoms[gdf.index.get_loc(idx)]),
                "geometry is not valid",
            )
        )
    if spec.inside_kosovo and gdf.crs is not None and gdf.crs.equals(WGS84):
        ok = ~missing & ~invalid
        area = outline.buffer(OUTSIDE_TOLERANCE_DEG) if outline is not None else shapely.box(*KOSOVO_BBOX)
        shapely.prepare(area)
        outside = ok & ~shapely.covers(area, geoms)
        for idx in gdf.index[outside]:
            c = gdf.geometry.loc[idx].representative_point()
            out.append(Problem(file, int(rows.loc[idx]), "geometry", f"{c.y:.5f}, {c.x:.5f}", "lies outside Kosovo"))
    return out


#: A value written as a day of the calendar (31.02.2024, 31/02/2024, 2024-02-31), whichever the order
_DAY_SHAPED = re.compile(r"^\s*(\d{1,2}[./-]\d{1,2}[./-]\d{4}|\d{4}-\d{1,2}-\d{1,2})\s*$")


def _not_a_date(value) -> str:
    """Why a date field's value is not a date: a day-shaped value names no day of the calendar (the partner's
    format is fine, the day is not), anything else is not written as a date we read."""
    if _DAY_SHAPED.match(str(value)):
        return "is not a date: no such day in the calendar"
    return "is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"


def _cross_field_problems(gdf: pd.DataFrame, spec: LayerSpec, file: str, rows: pd.Series) -> list[Problem]:
    out: list[Problem] = []
    ids = gdf.get(spec.id_column)
    if ids is not None:
        dup = ids.notna() & ids.duplicated(keep="first")
        for idx in gdf.index[dup]:
            out.append(Problem(file, int(rows.loc[idx]), spec.id_column, ids.loc[idx], "duplicate id"))
    if {"committed", "disbursed"} <= set(gdf.columns):
        c = pd.to_numeric(gdf["committed"], errors="coerce")
        d = pd.to_numeric(gdf["disbursed"], errors="coerce")
        for idx in gdf.index[(d > c + 0.005).fillna(False)]:
            out.append(
                Problem(
                    file, int(rows.loc[idx]), "disbursed", d.loc[idx], f"is above the committed amount ({c.loc[idx]:g})"
                )
            )
    if {"start_date", "end_date"} <= set(gdf.columns):
        for col in ("start_date", "end_date"):
            parsed = parse_dates(gdf[col])
            bad = gdf[col].notna() & (gdf[col].astype("string").str.strip() != "") & parsed.isna()
            for idx in gdf.index[bad.fillna(False)]:
                out.append(
                    Problem(
                        file,
                        int(rows.loc[idx]),
                        col,
                        gdf[col].loc[idx],
                        _not_a_date(gdf[col].loc[idx]),
                    )
                )
        start, end = parse_dates(gdf["start_date"]), parse_dates(gdf["end_date"], end=True)
        for idx in gdf.index[(end < start).fillna(False)]:
            out.append(
                Problem(
                    file,
                    int(rows.loc[idx]),
                    "end_date",
                    gdf["end_date"].loc[idx],
                    f"is before the start date {gdf['start_date'].loc[idx]}",
                )
            )
    return out


def parse_dates(values: pd.Series, end: bool = False) -> pd.Series:
    """Parse ISO dates at year, month or day precision; unparseable -> NaT.

    A partial date means its first day, or its last day when ``end`` is true.
    """
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    if len(uniques) == 0:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if len(uniques) < len(values):  # parse each distinct value once (portfolios repeat dates a lot)
        parsed = _parse_distinct(pd.Series(uniques, dtype="string"), end)
        taken = parsed.to_numpy()[np.where(codes >= 0, codes, 0)]
        out = pd.Series(taken, index=values.index, dtype="datetime64[ns]")
        out[codes < 0] = pd.NaT
        return out
    return _parse_distinct(values, end)


def _parse_distinct(values: pd.Series, end: bool) -> pd.Series:
    s = values.astype("string").str.strip()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for pattern, fmt, offset in (
        (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d", None),
        (r"^\d{4}-\d{2}$", "%Y-%m", pd.offsets.MonthEnd(0)),
        (r"^\d{4}$", "%Y", pd.offsets.YearEnd(0)),
    ):
        mask = s.str.match(pattern).fillna(False)
        if mask.any():
            parsed = pd.to_datetime(s[mask], format=fmt, errors="coerce")
            if end and offset is not None:
                parsed = parsed + offset
            out[mask] = parsed
    return out


def _municipality_problems(
    gdf: gpd.GeoDataFrame, file: str, rows: pd.Series, municipalities: gpd.GeoDataFrame | None
) -> list[Problem]:
    """A point whose stated municipality is farther than its stated uncertainty from that municipality's
    polygon: "the point lies in Prizren, the row says Leposavić"."""
    if municipalities is None or "municipality" not in gdf.columns or gdf.crs is None or not len(gdf):
        return []
    polys = municipalities.set_index("code").geometry.to_crs(METRIC_CRS)
    names = municipalities.set_index("code")["name_en"]
    geoms = gdf.geometry
    usable = ~(pd.isna(geoms) | shapely.is_empty(geoms.values)) & (geoms.geom_type == "Point")
    stated = gdf["municipality"].astype("string")
    usable &= stated.notna() & stated.isin(polys.index)
    if not usable.any():
        return []
    pts = geoms[usable].to_crs(METRIC_CRS)
    radius = (
        pd.to_numeric(gdf.loc[usable, "location_uncertainty_m"], errors="coerce").fillna(0)
        if "location_uncertainty_m" in gdf.columns
        else pd.Series(0.0, index=pts.index)
    )
    codes = stated[usable].astype(str).to_numpy()
    # one vectorised distance per row to its stated polygon; only the rows beyond it are looked at again
    dist = shapely.distance(polys.loc[codes].to_numpy(), pts.to_numpy())
    far = dist > radius.to_numpy(dtype=float) + BOUNDARY_TOLERANCE_M
    out = []
    for idx, pt, code in zip(pts.index[far], pts.to_numpy()[far], codes[far], strict=True):
        holders = [str(names.loc[c]) for c, shape in polys.items() if shape.covers(pt)]
        where = holders[0] if holders else "no municipality"
        beyond = f", beyond its stated uncertainty of {float(radius.loc[idx]):,.0f} m" if radius.loc[idx] else ""
        out.append(
            Problem(
                file,
                int(rows.loc[idx]),
                "municipality",
                code,
                f"the point lies in {where}, the row says {names.loc[code]}{beyond}",
            )
        )
    return out


def validate(
    gdf: gpd.GeoDataFrame,
    spec: LayerSpec,
    file: str = "<memory>",
    outline: shapely.Geometry | None = None,
    municipalities: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Return ``gdf`` with columns cast to the spec's dtypes, or raise ``LayerError``.

    Every problem is collected before raising. A wrong or missing CRS is an
    error: the data is never relabelled. With ``municipalities`` (the layer: ``code``, ``name_en``,
    polygons), a point must lie in (or within its stated uncertainty of) the municipality its row names.
    """
    problems: list[Problem] = []
    if spec.geometry_types:
        if gdf.crs is None:
            problems.append(
                Problem(
                    file,
                    None,
                    "crs",
                    None,
                    f"no CRS declared, expected {spec.crs}. Declare the CRS in the file "
                    "(e.g. a .prj next to a shapefile); it is never guessed",
                )
            )
        elif not gdf.crs.equals(spec.crs):
            problems.append(
                Problem(
                    file,
                    None,
                    "crs",
                    gdf.crs.to_string(),
                    f"CRS is not {spec.crs}. Reproject the file (to_crs), do not relabel it",
                )
            )
    rows = pd.Series(np.arange(1, len(gdf) + 1), index=gdf.index)
    problems += _schema_problems(gdf, spec, file, rows)
    problems += _geometry_problems(gdf, spec, file, rows, outline)
    problems += _cross_field_problems(gdf, spec, file, rows)
    if not any(p.field == "geometry" for p in problems):
        problems += _municipality_problems(gdf, file, rows, municipalities)
    if problems:
        raise LayerError(problems)
    return cast_columns(gdf, spec)


def shared_strings(values: pd.Series) -> pd.Series:
    """The same text column (as ``string``), each distinct value held once: a file reader makes a new string for
    every cell, so a value repeated on every row (a funder, a sector, a source) costs a string per row. At 100,000
    projects this held 140 MB of the portfolio's 150 MB of text."""
    text = values.astype("string")
    codes, uniques = pd.factorize(text)
    if len(uniques) > len(text) // 2:  # mostly distinct (an id, a title): nothing to share
        return text
    return pd.Series(uniques.take(codes, allow_fill=True), index=values.index, name=values.name)


def cast_columns(gdf: gpd.GeoDataFrame, spec: LayerSpec) -> gpd.GeoDataFrame:
    """A copy with every spec column present and of the spec's dtype (absent optional -> empty). The copy is
    shallow (pandas copies a shared column on write): a column already of its dtype is not held twice."""
    out = gdf.copy(deep=False)
    for name, dtype in spec.columns.items():
        if name not in out.columns:
            out[name] = pd.Series(pd.NA, index=out.index, dtype=dtype if dtype != "float64" else "float64")
        if dtype == "string":
            out[name] = out[name].astype("string")
        elif dtype == "bool":
            out[name] = out[name].astype(bool)
        else:
            out[name] = out[name].astype(dtype)
    order = list(spec.columns) + [c for c in out.columns if c not in spec.columns]
    return out[order]
