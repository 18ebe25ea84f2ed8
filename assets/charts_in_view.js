/* Charts out of view are drawn when they come into view, not at every filter change.

   The explorer's four charts sit below its map and key figures: out of view on a laptop's screen until the page
   is scrolled. Yet every filter click redrew them, about 25 ms each in the main thread, and the map's new data
   went to MapLibre's worker only after them. A chart inside an element of class "draw-in-view" now draws at
   once only when it is within MARGIN of the viewport; otherwise its latest figure waits and is drawn as it comes
   within MARGIN (an IntersectionObserver, so usually before it shows), before the page prints, and in the
   browser's idle time once no new figure has come for QUIET_MS and the page's maps have drawn their data (so a
   chart is usually current before anyone scrolls to it, clicking through several filters draws it once, and
   the charts never hold up the map on screen). A chart with no width (in a hidden tab, a
   collapsed panel) waits until it has one.

   A chart's first figure waits too: out of view, the chart is first drawn empty, with its title at its height
   (Dash's Graph listens to a chart's clicks once Plotly has drawn it, so something must be drawn at once), and
   its figure comes as above, but drawn in idle time only after FIRST_QUIET_MS: the map's data comes after the
   charts' first figures, and until it does the map is not busy, so after QUIET_MS the charts were drawn in the
   middle of the map's first drawing. On the explorer's first load the four charts' first draws had taken about
   0.3 s of the main thread while the map was being drawn.

   What does not wait:
   - the chart's text alternative (assets/a11y.js), rebuilt at once from the waiting figure, so a screen reader
     always reads the current values; the chart is aria-busy until drawn;
   - Dash: its Graph gets a resolved promise for a figure that waits (it queues each figure behind the last
     one's promise); a newer figure replaces a waiting one.
   TFA_FAST=0 (the page's "tfa-fast-paths" meta tag "0") draws every chart at once, for comparison.
   window.tfaChartsInView counts the draws that waited and those drawn late; a measurement can switch the wait
   off in a loaded page (enabled = false, then flush()) or lengthen the quiet time (QUIET_MS), and draw the first
   figures at once from a page's start (window.tfaChartsInViewDefaults = {firstWaits: false}, set before the
   page's scripts run).
*/
(function () {
  "use strict";

  var MARGIN = 100;  // px above and below the viewport within which a chart draws at once
  var QUIET_MS = 1500;  // after this long without a new waiting figure, waiting charts are drawn in idle time
  // the same for a page's first figures: the map's data comes after them, and until it does the map is not busy
  var FIRST_QUIET_MS = 5000;
  var off = document.querySelector('meta[name="tfa-fast-paths"][content="0"]');
  if (off) { return; }

  var waiting = new Map();  // graph div -> the arguments of its latest Plotly.react, not yet drawn
  var inView = new WeakMap();  // graph div -> whether it is within MARGIN of the viewport and has a width
  var observer = null;
  var original = null;
  var cancelCatchUp = null;
  var state = (window.tfaChartsInView = Object.assign({
    enabled: true,
    firstWaits: true,
    MARGIN: MARGIN,
    QUIET_MS: QUIET_MS,
    FIRST_QUIET_MS: FIRST_QUIET_MS,
    waited: 0,
    drawnLate: 0,
    waiting: function () {  // the ids of the graphs whose latest figure waits
      prune();
      return Array.from(waiting.keys()).map(function (gd) { var el = gd.closest("[id]"); return el ? el.id : ""; });
    },
    flush: flush,
    figureFor: function (gd) {  // the figure waiting for a graph div, or null
      return waiting.has(gd) ? figureOf(waiting.get(gd)) : null;
    }
  }, window.tfaChartsInViewDefaults));

  function prune() {  // charts of a page that has gone (Dash's pages replace the page's components)
    waiting.forEach(function (_, gd) { if (!gd.isConnected) { waiting.delete(gd); } });
  }

  function lazy(gd) {
    return Boolean(gd && gd.closest && gd.closest(".draw-in-view")) && state.enabled && observer !== null;
  }

  function near(rect) {
    return window.tfaPageMaps.near(rect, MARGIN);
  }

  function watch(gd) {
    if (inView.has(gd)) { return; }
    inView.set(gd, near(gd.getBoundingClientRect()));  // the observer's first report comes a frame later
    observer.observe(gd);
  }

  function draw(gd) {
    var args = waiting.get(gd);
    if (!args) { return; }
    waiting.delete(gd);
    gd.removeAttribute("aria-busy");
    if (!gd.isConnected) { return; }  // its page has gone
    state.drawnLate += 1;
    Promise.resolve(original.apply(window.Plotly, args)).catch(function (error) { console.error(error); });
  }

  function flush() {
    Array.from(waiting.keys()).forEach(draw);
  }

  // Once the filters have been left alone for QUIET_MS, the waiting charts are drawn one per idle period after the
  // page's maps have drawn their data (assets/page_maps.js: the charts out of view wait for a map, not the other
  // way), so a chart is current by the time the page is scrolled to it; a new waiting figure starts the quiet
  // time again. mapWaitMs: what is left of the longest wait for the maps, shared by the charts of one catch-up.
  function catchUpLater(quietMs, mapWaitMs) {
    if (cancelCatchUp) { cancelCatchUp(); }
    cancelCatchUp = window.tfaPageMaps.whenIdle(function (waited) {
      cancelCatchUp = null;
      prune();
      var next = Array.from(waiting.keys()).filter(function (gd) { return gd.getBoundingClientRect().width > 0; })[0];
      if (!next) { return; }
      draw(next);
      catchUpLater(0, Math.max(0, mapWaitMs - waited));
    }, quietMs, mapWaitMs);
  }

  function figureOf(args) {
    // Plotly.react(gd, figure) as Dash calls it, or Plotly.react(gd, data, layout)
    var a = args[1];
    return a && !Array.isArray(a) ? {data: a.data, layout: a.layout} : {data: a, layout: args[2]};
  }

  // What a chart whose first figure waits draws at once: its title and nothing else, at the figure's size and
  // background, in the arguments' form (Plotly.react(gd, figure) as Dash calls it, or Plotly.react(gd, data,
  // layout, config)).
  function empty(args) {
    var layout = figureOf(args).layout || {};
    var blank = {height: layout.height, width: layout.width, paper_bgcolor: layout.paper_bgcolor,
                 plot_bgcolor: layout.plot_bgcolor, margin: layout.margin, font: layout.font, title: layout.title,
                 template: layout.template, xaxis: {visible: false}, yaxis: {visible: false}};
    var a = args[1];
    return a && !Array.isArray(a) ? [args[0], {data: [], layout: blank, config: a.config}] : [args[0], [], blank, args[3]];
  }

  function react(gd) {
    var first = !gd._fullLayout;
    if (!lazy(gd) || (first && !state.firstWaits)) { return original.apply(this, arguments); }
    prune();
    watch(gd);
    if (inView.get(gd)) {
      waiting.delete(gd);  // in view before the observer said so: this figure replaces the waiting one
      gd.removeAttribute("aria-busy");
      return original.apply(this, arguments);
    }
    waiting.set(gd, arguments);
    state.waited += 1;
    gd.setAttribute("aria-busy", "true");
    if (window.tfaA11y) { window.tfaA11y.describeChart(gd, figureOf(arguments)); }
    catchUpLater(first ? state.FIRST_QUIET_MS : state.QUIET_MS, window.tfaPageMaps.MAP_WAIT_MS);
    // Dash's Graph binds its events to a chart once its first draw's promise resolves: draw it empty
    if (first) { return original.apply(this, empty(arguments)); }
    // Dash's Graph queues its next figure behind this promise: resolve now, or a waiting chart would hold back
    // every figure after it (and its text alternative)
    return Promise.resolve(gd);
  }

  function install() {
    var P = window.Plotly;
    if (!P || original || typeof P.react !== "function" || typeof IntersectionObserver !== "function") { return; }
    original = P.react;
    P.react = react;
    observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        var rect = entry.boundingClientRect;
        var seen = entry.isIntersecting && rect.width > 0;  // a chart in a hidden container has no width
        inView.set(entry.target, seen);
        if (seen) { draw(entry.target); }
        if (!entry.target.isConnected) { observer.unobserve(entry.target); }
      });
    }, {rootMargin: MARGIN + "px 0px"});
    window.addEventListener("beforeprint", flush);
  }

  // plotly.js is a script after this one (assets/vendor/); the pages draw only after Dash's renderer has fetched
  // the layout, which is after the document has been parsed
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", install); } else { install(); }
})();
