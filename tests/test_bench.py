"""The browser benchmark's arithmetic, and (opt-in) a short end-to-end run of it.

No timing is asserted: only that the breakdown adds up and that a run produces every expected key.
The end-to-end run starts the app and Chromium (about 30 s on a quiet machine), so it runs only with
``TFA_BENCH_SMOKE=1``.
"""

from __future__ import annotations

import os
import random

import pytest

from bench.browser_bench import breakdown, union_ms
from dashboard import ids


def _brute_union(intervals: list[tuple[int, int]]) -> int:
    covered = set()
    for a, b in intervals:
        covered.update(range(a, b))
    return len(covered)


@pytest.mark.parametrize("seed", range(20))
def test_union_of_intervals_matches_counting_covered_units(seed):
    rng = random.Random(seed)
    intervals = []
    for _ in range(rng.randint(0, 8)):
        a = rng.randint(0, 100)
        intervals.append((a, a + rng.randint(0, 30)))
    assert union_ms([(float(a), float(b)) for a, b in intervals]) == _brute_union(intervals)


def _record() -> dict:
    """A probe record: two callbacks (one carrying the table's rows), three redraws, grid changes."""
    cb = "http://127.0.0.1/_dash-update-component"
    return {
        "resources": [
            {
                "name": cb,
                "startTime": 110,
                "requestStart": 112,
                "responseStart": 150,
                "responseEnd": 160,
                "encodedBodySize": 2000,
            },
            {
                "name": cb,
                "startTime": 120,
                "requestStart": 121,
                "responseStart": 170,
                "responseEnd": 190,
                "encodedBodySize": 3000,
            },
            {
                "name": "http://127.0.0.1/assets/x.js",
                "startTime": 115,
                "requestStart": 115,
                "responseStart": 116,
                "responseEnd": 118,
                "encodedBodySize": 10,
            },
            {
                "name": cb,
                "startTime": 5,
                "requestStart": 6,
                "responseStart": 7,
                "responseEnd": 9,
                "encodedBodySize": 1,
            },  # before the click: not counted
        ],  # fmt: skip
        "navigation": {"responseEnd": 50},
        "plots": [
            {"id": ids.MAP, "call": "react", "start": 200, "end": 300},
            {"id": ids.CHART_SECTOR, "call": "react", "start": 250, "end": 280},
            {"id": ids.CHART_SECTOR, "call": "react", "start": 310, "end": 320},
        ],
        "fetches": [
            {"start": 110, "headers": 160, "output": f"..{ids.MAP}.figure...{ids.KPIS}.children.."},
            {"start": 120, "headers": 190, "output": f"..{ids.TABLE}.rowData...{ids.TABLE_NOTE}.children.."},
        ],
        "grid_mutations": [195, 240, 5000],
        "clicks": [{"t": 100, "trusted": True}],
    }


def test_breakdown_of_an_interaction_adds_up():
    out = breakdown(_record(), 100.0, 400.0)
    assert out["total_ms"] == 300
    assert out["requests"] == 2
    assert out["network_ms"] == out["callback_network_ms"] == 80  # [110, 190]; the asset is not a callback
    assert out["server_wait_ms"] == 49  # the longer wait for a first byte
    assert out["plotly_ms"] == 110  # [200, 300] and [310, 320]
    assert out["plotly_per_figure_ms"] == {ids.CHART_SECTOR: 40.0, ids.MAP: 100.0}
    assert out["table_ms"] == 50  # from the table's response (190) to its last change in the window (240)
    assert out["dash_react_ms"] == 300 - union_ms([(110, 190), (200, 300), (310, 320), (190, 240)])
    assert out["to_first_request_ms"] == 10
    assert out["response_kb"] == 5


def test_breakdown_of_a_page_load_counts_every_request_and_the_document():
    out = breakdown(_record(), 0.0, 400.0, page_load=True)
    assert out["network_ms"] == union_ms([(0, 50), (5, 9), (110, 190), (115, 118)])
    assert out["callback_network_ms"] == union_ms([(5, 9), (110, 190)])
    assert out["to_first_request_ms"] is None


@pytest.mark.browser
@pytest.mark.skipif(not os.environ.get("TFA_BENCH_SMOKE"), reason="set TFA_BENCH_SMOKE=1 to run the browser bench")
def test_browser_bench_runs_end_to_end_at_1000_projects(tmp_path):
    from bench.browser_bench import run, table

    rows = run(1000, 8074, clicks=2, pages=False, store_cache=tmp_path)
    cases = {r["case"]: r for r in rows}
    assert set(cases) == {"explorer_load", "filter_click", "charts_into_view", "startup"}
    click = cases["filter_click"]
    assert click["samples"] == 2
    assert click["requests"] >= 1
    assert ids.MAP in click["plotly_per_figure_ms"]
    # the four charts sit below the fold of the bench's window: their redraws wait, and scrolling draws them
    assert click["charts_waited"] == 4
    assert cases["explorer_load"]["charts_waited"] == 4  # their first figures too: drawn empty, out of view
    late = cases["charts_into_view"]
    assert late["samples"] >= 1 and ids.CHART_SECTOR in late["plotly_per_figure_ms"]
    assert ids.MAP not in late["plotly_per_figure_ms"]
    assert click["median_ms"] >= click["dash_react_ms"]
    assert cases["startup"]["rss_mb"] > 0 and cases["startup"]["first_startup_s"] > 0
    assert {"cores", "cpu", "chromium", "loadavg"} <= set(click["machine"])
    assert "filter_click" in table(rows)


def test_ab_ratios_compare_old_and_new_of_each_case():
    from bench.browser_bench import ratios

    def row(case, median, plotly):
        parts = {"plotly_ms": plotly, "table_ms": 10.0, "network_ms": 5.0, "server_wait_ms": 2.0, "dash_react_ms": 1.0}
        return {"n": 1000, "case": case, "median_ms": median, **parts}

    lines = ratios([row("filter_click old", 3000.0, 2400.0), row("filter_click new", 1500.0, 1200.0)])
    assert len(lines) == 1
    assert lines[0].startswith("filter_click: median 3000 -> 1500 ms (old/new 2.00x)")
    assert "plotly 2400 -> 1200 ms" in lines[0]
    assert ratios([row("filter_click old", 3000.0, 1.0)]) == []  # one side only: no ratio


def test_bench_writes_a_synthetic_store_the_app_reads(tmp_path, monkeypatch):
    """The synthetic portfolio is written as the store the app reads (the cached copies had hidden a broken
    writer: a store module that had moved)."""
    from bench.serve import write_store
    from geodata.io import store

    write_store(50, tmp_path)
    monkeypatch.setenv("TFA_DATA_DIR", str(tmp_path))
    projects = store.current_projects()
    assert len(projects) == 50
    assert projects["is_sample"].all()


@pytest.mark.parametrize("kind", ["bar", "map"])
def test_the_floor_pages_draw_their_figure_from_a_callback_as_ours_do(kind):
    from bench import floor_bench

    figure, marker = floor_bench.page_outputs(kind)
    assert figure.data[0].type == {"bar": "bar", "map": "scattermap"}[kind]
    assert marker.id == "floor-done"
    assert floor_bench.app_for(kind).callback_map  # the page is filled by a callback, not in its layout
    with pytest.raises(ValueError, match="unknown page"):
        floor_bench.app_for("table")


def test_the_floor_pages_load_the_apps_own_plotly_js_with_bundle():
    """``--bundle``: the page's scripts include the app's plotly.js from its assets, as the app's pages do; without
    it, Dash's Graph loads Dash's own."""
    import shutil

    from bench import floor_bench

    assets = floor_bench.bundle_assets()
    try:
        page = floor_bench.app_for("map", assets).server.test_client().get("/").get_data(as_text=True)
        bare = floor_bench.app_for("map").server.test_client().get("/").get_data(as_text=True)
    finally:
        shutil.rmtree(assets)
    assert "/assets/vendor/plotly.min.js" in page
    assert "vendor/plotly.min.js" not in bare


@pytest.mark.browser
def test_the_floor_bench_times_a_cold_and_a_warm_load_of_a_minimal_map_page():
    from bench import floor_bench
    from bench.cluster_bench import free_port

    row = floor_bench.measure("map", free_port(), loads=2)
    assert row["cold_ms"] > 0 and len(row["warm_ms"]) == 1 and row["warm_median_ms"] == row["warm_ms"][0]


@pytest.mark.parametrize("kind, figures", [("click-map", 1), ("click-page", 5)])
def test_the_click_floor_answers_a_click_with_patches_of_the_map_points_and_the_bars(kind, figures):
    """The floor under the filter click redraws what ours does: the map's points (a quarter of them, as a click on
    "Health" leaves of the explorer's markers, or all) as typed arrays, and for the page four charts."""
    import base64

    from bench import floor_bench

    every = floor_bench.CLICK_POINTS
    for checked, points in ((True, len(range(0, every, floor_bench.CLICK_KEEP_ONE_IN))), (False, every)):
        out = floor_bench.click_outputs(kind, checked)
        assert len(out) == figures
        ops = out[0].to_plotly_json()["operations"]
        assert [op["location"] for op in ops] == [["data", 0, "lat"], ["data", 0, "lon"]]
        assert len(base64.b64decode(ops[0]["params"]["value"]["bdata"])) == 4 * points  # float32
        assert all(p.to_plotly_json()["operations"][0]["location"] == ["data", 0, "y"] for p in out[1:])
    app = floor_bench.click_app(kind)
    assert len(app.callback_map) == 1
    with pytest.raises(ValueError, match="unknown click page"):
        floor_bench.click_outputs("click-grid", True)


@pytest.mark.browser
def test_the_click_floor_times_real_clicks_that_redraw_the_map():
    from bench import floor_bench
    from bench.cluster_bench import free_port

    # measure_clicks checks the map's point count after every click: a click that redrew nothing fails it
    row = floor_bench.measure_clicks("click-map", free_port(), clicks=2)
    assert len(row["clicks"]) == 2 and all(t > 0 for t in row["clicks"])


@pytest.mark.browser
@pytest.mark.parametrize("plotly_blocked", [True, False])
def test_the_bench_calls_a_page_idle_only_once_every_graph_has_drawn(plotly_blocked):
    """While plotly.js is still on its way, a page's dcc.Graph has no plot div yet: the probe once called such a page
    idle (a 100,000-project load timed at 2.7 s with no Plotly call in it). With plotly.js blocked the page must
    never count as idle; with it, it does."""
    from bench import floor_bench
    from bench.cluster_bench import free_port

    with floor_bench.serving(floor_bench.app_for("bar"), free_port()) as url:
        driver = floor_bench.chromium()
        try:
            if plotly_blocked:
                driver.execute_cdp_cmd("Network.enable", {})
                driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*plotly.min.js*"]})
            driver.get(url)
            driver.execute_script("window.__bench.needsPages = false")
            # blocked, the page must still not be idle after 4 s; drawn, it may take longer than that under load
            result = driver.execute_async_script(
                "const done = arguments[1]; window.__bench.waitIdle(0, true, arguments[0]).then(done);",
                4000 if plotly_blocked else 30000,
            )
            drawn = driver.execute_script("return !!document.querySelector('.js-plotly-plot')")
        finally:
            driver.quit()
    assert result["timeout"] is plotly_blocked
    assert drawn is not plotly_blocked


def test_the_points_layer_bound_reports_each_way_against_plotly_s():
    from bench.points_layer_bound import summary

    result = {
        "points": [3306, 84],
        "plotly": {"all": [300.0, 280.0, 320.0], "quarter": [160.0, 170.0, 180.0]},
        "uniform": {"all": [210.0], "quarter": [170.0]},
        "own": {"all": [120.0, 110.0, 130.0], "quarter": [85.0, 90.0, 80.0]},
    }
    lines = summary(result)
    assert lines[0] == "points per project trace: [3306, 84]"
    assert lines[1].startswith("plotly (as shipped)") and "(1.00x)" in lines[1]
    assert "all     120 ms (0.40x)" in lines[3] and "a quarter      85 ms (0.50x)" in lines[3]


@pytest.mark.browser
def test_the_points_layer_bound_times_plotly_s_path_and_an_own_layer_that_draws(tmp_path):
    """One round at 1,000 projects: every way timed, and the own layers drew points."""
    from bench import points_layer_bound
    from bench.cluster_bench import free_port

    out = points_layer_bound.measure(1000, rounds=1, port=free_port(), store_cache=tmp_path)
    assert out["own_drawn"] > 0 and sum(out["points"]) > 0
    for way in points_layer_bound.LABELS:
        assert len(out[way]["all"]) == len(out[way]["quarter"]) == 1
        assert all(ms > 0 for ms in out[way]["all"] + out[way]["quarter"])


@pytest.mark.browser
def test_the_first_figures_ab_loads_the_explorer_with_the_charts_drawn_at_once_and_waiting(tmp_path):
    """One fresh-browser load of each mode at 1,000 projects: the switch reaches the page (no chart waits when the
    first figures are drawn at once; the four charts below the fold wait as shipped)."""
    from bench.browser_bench import run_first_ab
    from bench.cluster_bench import free_port

    rows = {r["case"]: r for r in run_first_ab(1000, free_port(), loads=1, store_cache=tmp_path)}
    assert set(rows) == {"explorer_load first at once", "explorer_load first in view"}
    assert rows["explorer_load first at once"]["charts_waited"] == 0
    assert rows["explorer_load first in view"]["charts_waited"] == 4
    assert all(r["median_ms"] > 0 and r["samples"] == 1 for r in rows.values())


@pytest.mark.browser
def test_the_late_table_ab_loads_the_explorer_with_its_grid_in_the_layout_and_created_late(tmp_path):
    """One fresh browser for each server at 1,000 projects, loading the explorer and then the coverage page: the
    flag reaches the app (only the server with TFA_TABLE_LATE=1 has slots, whose grids' creation the rows
    report)."""
    from bench.browser_bench import run_loads_ab
    from bench.cluster_bench import free_port

    rows = {r["case"]: r for r in run_loads_ab(1000, free_port(2), "TFA_TABLE_LATE", loads=1, store_cache=tmp_path)}
    assert set(rows) == {f"{case} {mode}" for case in ("explorer_load", "coverage_load") for mode in ("old", "new")}
    for case in ("explorer_load", "coverage_load"):
        assert "table_created_ms" not in rows[f"{case} old"]
        assert rows[f"{case} new"]["table_created_ms"] > 0
    assert all(r["median_ms"] > 0 and r["samples"] == 1 for r in rows.values())
