"""A camp's history for its panel: names, dates, population observations, lead findings, sources, and the
distance to the smelter (measured in ``METRIC_CRS``)."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.facts.layers import METRIC_CRS


def population_observations(value: object) -> list[dict]:
    """The JSON ``population_observations`` of a site as a list of {date, figure, unit, source}, oldest first.
    Bad or empty JSON gives an empty list."""
    if not isinstance(value, str) or not value.strip():
        return []
    try:
        rows = json.loads(value)
    except json.JSONDecodeError:
        return []
    rows = [r for r in rows if isinstance(r, dict) and "date" in r]
    return sorted(rows, key=lambda r: str(r["date"]))


def distance_km(a: gpd.GeoSeries, b: gpd.GeoSeries) -> np.ndarray:
    """Distances in km between aligned points, measured in ``METRIC_CRS`` (UTM 34N)."""
    return a.to_crs(METRIC_CRS).distance(b.to_crs(METRIC_CRS), align=False).to_numpy() / 1000.0


def site_history(camps: gpd.GeoDataFrame, hazards: gpd.GeoDataFrame, site_id: str) -> dict:
    """Everything the camp panel shows for one site: names, type, dates, population observations, lead
    findings, sources, location precision, and the distance to the smelter (km, in ``METRIC_CRS``; the
    location uncertainties of both points are returned with it)."""
    rows = camps[camps["site_id"] == site_id]
    if rows.empty:
        raise KeyError(f"unknown site {site_id!r}")
    row = rows.iloc[0]
    smelters = hazards[hazards["hazard_type"] == "smelter"]
    distance = uncertainty = smelter_name = None
    if len(smelters):
        smelter = smelters.iloc[[0]]
        distance = float(distance_km(rows.geometry.iloc[[0]], smelter.geometry)[0])
        uncertainty = int(row["location_uncertainty_m"]) + int(smelter["location_uncertainty_m"].iloc[0])
        smelter_name = str(smelter["name_en"].iloc[0])

    def text(col: str) -> str:
        v = row.get(col)
        return "" if v is None or pd.isna(v) else str(v)

    return {
        "site_id": site_id,
        "name_en": text("name_en"),
        "name_sq": text("name_sq"),
        "name_sr": text("name_sr"),
        "site_type": text("site_type"),
        "municipality": text("municipality"),
        "opened": text("opened"),
        "opened_alternatives": text("opened_alternatives"),
        "closed": text("closed"),
        "closed_alternatives": text("closed_alternatives"),
        "operator": text("operator"),
        "population": population_observations(row.get("population_observations")),
        "lead_findings": text("lead_findings"),
        "location_description": text("location_description"),
        "location_derivation": text("location_derivation"),
        "location_uncertainty_m": int(row["location_uncertainty_m"]),
        "sources": text("sources").split(),
        "smelter": smelter_name,
        "distance_to_smelter_km": distance,
        "distance_uncertainty_m": uncertainty,
    }
