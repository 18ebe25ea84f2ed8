"""The naive baseline: a Dash app whose filter callback rebuilds plotly express figures from the
GeoDataFrame on every call (what a first version would do), served the same way as the real app."""

from __future__ import annotations

import geopandas as gpd
import plotly.express as px
from dash import Dash, Input, Output, dcc, html

import geodata

SECTOR_ID = "naive-sector"
MAP_ID = "naive-map"
CHART_ID = "naive-chart"


def naive_figures(projects: gpd.GeoDataFrame, sector: str | None):
    """Filter with pandas, then build the map (choropleth + points) and a chart with plotly express."""
    shown = projects if not sector else projects[projects["sector"] == sector]
    municipalities = geodata.load("municipalities")
    per_unit = shown.groupby("municipality")["committed_usd"].sum()
    municipalities = municipalities.assign(committed=municipalities["code"].map(per_unit).fillna(0))
    fig = px.choropleth_map(
        municipalities,
        geojson=municipalities.__geo_interface__,
        locations=municipalities.index,
        color="committed",
        map_style="white-bg",
        center={"lat": 42.95, "lon": 20.85},
        zoom=8.5,
        opacity=0.5,
    )
    points = px.scatter_map(
        shown,
        lat=shown.geometry.y,
        lon=shown.geometry.x,
        color="sector",
        size="committed_usd",
        hover_name="title",
        hover_data=["municipality", "status", "funder", "implementing_org"],
    )
    for trace in points.data:
        fig.add_trace(trace)
    chart = px.bar(
        shown.groupby("sector", as_index=False)[["committed_usd", "disbursed_usd"]].sum(),
        x="sector",
        y=["committed_usd", "disbursed_usd"],
        barmode="group",
    )
    return fig, chart


def create_naive_app(projects: gpd.GeoDataFrame) -> Dash:
    app = Dash(__name__)
    app.layout = html.Div([dcc.Dropdown(id=SECTOR_ID), dcc.Graph(id=MAP_ID), dcc.Graph(id=CHART_ID)])

    @app.callback(Output(MAP_ID, "figure"), Output(CHART_ID, "figure"), Input(SECTOR_ID, "value"))
    def update(sector):
        return naive_figures(projects, sector)

    return app
