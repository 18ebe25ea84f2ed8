/* The explorer's table is created and asks for rows when it is in view, not while the page loads or a filter changes
   out of view.

   The table sits at the bottom of the explorer, under the map, the key figures and the charts. Its first block of
   rows came while the map was still drawing its first data, and building the grid's rows took about 300 ms of
   the page's main thread there (bench/README.md, thirteenth round). The grid's request for rows goes through
   gate() (a clientside callback, dashboard/pages/explorer.py) to the store the server's callback listens to:
   - it passes at once when the table is within MARGIN of the viewport (a filter changed with the table in view,
     the grid scrolled or sorted);
   - otherwise the latest request waits, and is sent as the table comes within MARGIN (an IntersectionObserver),
     before the page prints, or in the browser's idle time once the page's maps have drawn their data (QUIET_MS
     after the request at the soonest; assets/page_maps.js), so the rows are usually there before anyone scrolls
     to them. That holds for the first rows, while the page loads, and for a filter change's (which empties the
     grid's cache, so it shows its loading rows, never the old ones): the table's rows no longer come in the
     middle of the map's redraw for a filter clicked with the table out of view (bench/README.md, fourteenth
     round). The count beside the table's heading comes with the key figures, at once.
   The grid itself is created the same way (mount(), config.TABLE_LATE, dashboard/late_grid.py): its slot waits,
   at the grid's height, until it comes within MARGIN of the viewport, the page prints, or the maps have drawn
   their data and the page has been quiet for MOUNT_QUIET_MS; creating the explorer's grid took 0.2-0.25 s of the
   first load's main thread, in the middle of the map's first drawing (bench/README.md, seventeenth round).
   TFA_FAST=0 (the whole-list table, no row requests) never comes here. window.tfaTableInView counts the
   requests that waited and says how many wait now (pending()); a measurement can switch the wait off (enabled =
   false, then flush() sends a waiting one).
*/
(function () {
  "use strict";

  var MARGIN = 400;  // px above or below the viewport within which the table asks for its rows at once
  var QUIET_MS = 1500;
  var LAYOUT_POLL_MS = 200;
  var MOUNT_QUIET_MS = 500;  // after the maps have drawn, before a grid out of view is created in idle time
  var MAP_WAIT_MS = 15000;  // a map that has not drawn by then does not hold the grid back
  var waiting = new Map();  // grid element -> {request, store, cancel: its idle-time send's cancel function}
  var observer = null;
  var state = (window.tfaTableInView = {
    enabled: true, MARGIN: MARGIN, QUIET_MS: QUIET_MS, MOUNT_QUIET_MS: MOUNT_QUIET_MS, waited: 0, gate: gate,
    flush: sendAll, mount: mount,
    pending: function () {  // grids on the page whose request waits
      return Array.from(waiting.keys()).filter(function (el) { return el.isConnected; }).length;
    }
  });

  function near(el) {
    return window.tfaPageMaps.near(el.getBoundingClientRect(), MARGIN);
  }

  function forget(el) {  // no longer waiting: its idle-time send (and its polling of the maps) is cancelled
    var entry = waiting.get(el);
    if (entry && entry.cancel) { entry.cancel(); }
    waiting.delete(el);
    return entry;
  }

  function send(el) {
    var entry = forget(el);
    if (!entry) { return; }
    if (observer) { observer.unobserve(el); }
    if (!el.isConnected) { return; }  // its page has gone
    window.dash_clientside.set_props(entry.store, {data: entry.request});
  }

  function sendAll() { Array.from(waiting.keys()).forEach(send); }

  function watch(el) {
    if (typeof IntersectionObserver !== "function") { return false; }
    if (!observer) {
      observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) { if (entry.isIntersecting) { send(entry.target); } });
      }, {rootMargin: "0px 0px " + MARGIN + "px 0px"});
      window.addEventListener("beforeprint", sendAll);
    }
    observer.observe(el);
    return true;
  }

  function mapsDrawn() {  // every map on the page built by Plotly and its data drawn
    return Array.prototype.every.call(document.querySelectorAll(".js-plotly-plot"), function (gd) {
      if (!gd._fullLayout || !gd._fullLayout.map) { return true; }
      var map = window.tfaPageMaps.mapOf(gd);
      return Boolean(map && map.loaded() && map.areTilesLoaded());
    });
  }

  function graphsDrawn() {  // every graph on the page drawn by Plotly at least once
    return Array.prototype.every.call(document.querySelectorAll(".dash-graph"), function (graph) {
      var gd = graph.querySelector(".js-plotly-plot");
      return Boolean(gd && gd._fullLayout);
    });
  }

  // The clientside callback's body for a grid's slot (dashboard/late_grid.py, config.TABLE_LATE):
  // true (create the grid now) when the slot is near the viewport; otherwise no_update, and the store is set to
  // true as the slot comes near, before the page prints, or in idle time once the page's maps have drawn.
  function mount(slotId, store) {
    if (!state.enabled || typeof IntersectionObserver !== "function") { return true; }
    var frames = 0;
    function watchSlot() {
      var el = document.getElementById(slotId);
      if (!el) {  // the callback can run before React has put the slot on the page
        if (frames++ < 60) { requestAnimationFrame(watchSlot); }
        return;
      }
      var done = false;
      var cancel = null;
      // where the slot is counts once the page's graphs have been drawn (the map and the charts above it take
      // their heights then): polled until they have, then the observer reports; the idle-time creation waits
      // until the page's maps have drawn their data too (or MAP_WAIT_MS has passed), then MOUNT_QUIET_MS more,
      // so the grid is not created while what is in view is still being drawn
      var laidOut = false;
      var polls = 0;
      var poll = setInterval(function () {
        if (done || !el.isConnected) { clearInterval(poll); return; }
        polls += 1;
        if (!graphsDrawn()) { return; }
        if (!laidOut) {
          laidOut = true;
          if (near(el)) { go("near"); return; }
        }
        if (!mapsDrawn() && polls * LAYOUT_POLL_MS < MAP_WAIT_MS) { return; }
        clearInterval(poll);
        cancel = window.tfaPageMaps.whenIdle(function () { go("idle"); }, state.MOUNT_QUIET_MS);
      }, LAYOUT_POLL_MS);
      var seen = new IntersectionObserver(function (entries) {
        if (laidOut && entries.some(function (entry) { return entry.isIntersecting; })) { go("near"); }
      }, {rootMargin: "0px 0px " + MARGIN + "px 0px"});
      function go(why) {
        if (done) { return; }
        done = true;
        state.mountedBy = [why, Math.round(performance.now())];
        clearInterval(poll);
        seen.disconnect();
        if (cancel) { cancel(); }
        window.removeEventListener("beforeprint", printing);
        if (el.isConnected) { window.dash_clientside.set_props(store, {data: true}); }
      }
      function printing() { go("print"); }
      seen.observe(el);
      window.addEventListener("beforeprint", printing);
    }
    watchSlot();
    return window.dash_clientside.no_update;
  }

  // The clientside callback's body: the grid's request, or no_update while it waits.
  function gate(request, gridId, store) {
    var el = document.getElementById(gridId);
    if (!request || !el || !state.enabled || near(el)) {
      if (el && request) { forget(el); }
      return request || window.dash_clientside.no_update;
    }
    var entry = waiting.get(el);
    if (entry) {  // a newer request replaces the waiting one
      entry.request = request;
      entry.store = store;
      return window.dash_clientside.no_update;
    }
    entry = {request: request, store: store, cancel: null};
    waiting.set(el, entry);
    state.waited += 1;
    if (!watch(el)) { send(el); return window.dash_clientside.no_update; }
    entry.cancel = window.tfaPageMaps.whenIdle(function () { send(el); }, state.QUIET_MS);
    return window.dash_clientside.no_update;
  }
})();
