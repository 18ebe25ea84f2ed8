/* The page's MapLibre maps, as the other assets need them, and the wait for them that the explorer's deferred parts
   share: the charts out of view (assets/charts_in_view.js) and the table's first rows (assets/table_in_view.js)
   wait until they come near the viewport, or until the page is idle once its maps have drawn their data, so that
   neither holds up the map on screen.

   window.tfaPageMaps:
   - mapOf(gd): the MapLibre map of a Plotly graph div with a map subplot, once MapLibre has built it (else null);
   - mapsBusy(): whether a map on the page is still loading or drawing its data (MapLibre's style, sources or tiles);
   - near(rect, margin): whether a bounding rectangle with a width lies within margin px above or below the viewport;
   - whenIdle(fn, quietMs, mapWaitMs): calls fn once quietMs have passed and the page's maps are done (waiting for
     them mapWaitMs at most, MAP_WAIT_MS by default: a map whose tiles never all load must not hold anything back
     for ever), in the browser's idle time. fn is given the ms it waited for the maps. Returns a cancel function.
   - dragged(): whether the pointer moved more than 3 px while its last button was held: a map's own click
     handlers (assets/map_shading.js, assets/map_points.js) ignore the click MapLibre fires at the end of a lasso
     that closes where it started.
   - withMap(name, graphId, draw): draw(gd, map) once the graph's map can take layers (the explorer's own layers,
     assets/map_shading.js and assets/map_points.js, retry until then).
   mapOf() is the one place that reads plotly.js's internals (gd._fullLayout.map._subplot.map): the plotly.js of
   the pinned bundle (tools/plotly_bundle) keeps them; a plotly.js upgrade must check it. The browser tests and the
   bench read a page's maps through it too (only bench/floor_bench.py's bare pages, which load no asset, do not).
*/
(function () {
  "use strict";

  var MAP_WAIT_MS = 10000;
  var POLL_MS = 200;
  var DRAG_PX = 3;
  var RETRY_MS = 100;

  function near(rect, margin) {
    return rect.width > 0 && rect.bottom > -margin && rect.top < window.innerHeight + margin;
  }

  function mapOf(gd) {
    var layout = gd && gd._fullLayout;
    var subplot = layout && layout.map && layout.map._subplot;
    return (subplot && subplot.map) || null;
  }

  function mapsBusy() {
    return Array.prototype.some.call(document.querySelectorAll(".js-plotly-plot"), function (gd) {
      var map = mapOf(gd);
      return Boolean(map && (!map.loaded() || !map.areTilesLoaded()));
    });
  }

  function whenIdle(fn, quietMs, mapWaitMs) {
    var limit = mapWaitMs === undefined ? MAP_WAIT_MS : mapWaitMs;
    var timer = null;
    var idle = null;

    function attempt(waited) {
      timer = null;
      if (waited < limit && mapsBusy()) {
        timer = setTimeout(function () { attempt(waited + POLL_MS); }, POLL_MS);
        return;
      }
      if (!window.requestIdleCallback) { fn(waited); return; }
      idle = window.requestIdleCallback(function () { idle = null; fn(waited); }, {timeout: 1000});
    }

    timer = setTimeout(function () { attempt(0); }, quietMs);
    return function cancel() {
      clearTimeout(timer);
      if (idle !== null && window.cancelIdleCallback) { window.cancelIdleCallback(idle); }
      timer = idle = null;
    };
  }

  // How far the pointer moved while the last button was held: MapLibre fires a click when the button comes up
  // where it went down, also at the end of a lasso drawn back to its start, which is a selection, not a click.
  var press = null;
  document.addEventListener("pointerdown", function (event) {
    press = {x: event.clientX, y: event.clientY, moved: 0};
  }, true);
  document.addEventListener("pointermove", function (event) {
    if (press && event.buttons) {
      press.moved = Math.max(press.moved, Math.hypot(event.clientX - press.x, event.clientY - press.y));
    }
  }, true);

  function dragged() {  // the last press moved more than MapLibre's click tolerance (3 px) before its release
    return Boolean(press && press.moved > DRAG_PX);
  }

  function graphOf(graphId) {  // the Plotly graph div of the dcc.Graph with this id
    var outer = document.getElementById(graphId);
    return outer ? outer.querySelector(".js-plotly-plot") : null;
  }

  // draw(gd, map) for the graph with this id once its MapLibre map can take layers: at once, or again every
  // RETRY_MS while the graph is on the page (the map not built yet, its style still loading). A fault with the
  // style loaded is logged, not retried. ``name`` keeps the retries of the page's scripts apart.
  var retries = {};
  function withMap(name, graphId, draw) {
    var gd = graphOf(graphId);
    var map = mapOf(gd);
    if (map) {
      try {
        draw(gd, map);
        return;
      } catch (error) {
        if (map.isStyleLoaded()) { console.error(error); return; }
      }
    }
    var key = name + " " + graphId;
    if (!retries[key] && document.getElementById(graphId)) {  // gone: the page's store shows it again
      retries[key] = setTimeout(function () { retries[key] = null; withMap(name, graphId, draw); }, RETRY_MS);
    }
  }

  window.tfaPageMaps = {
    MAP_WAIT_MS: MAP_WAIT_MS, mapOf: mapOf, mapsBusy: mapsBusy, near: near, whenIdle: whenIdle, dragged: dragged,
    withMap: withMap
  };
})();
