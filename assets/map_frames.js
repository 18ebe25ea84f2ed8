/* A Plotly map draws a new data state once, when its sources have loaded, not once per source.

   When a page's callback changes a map's traces, Plotly hands MapLibre new GeoJSON for each trace's sources.
   MapLibre lays each out in its worker and draws a frame whenever one of them comes back: three or four frames
   for one filter click on the explorer, each a full redraw of every layer. In a browser drawing in software (no
   GPU), each frame is drawn in the GPU process and read back into the page, 50-130 ms of the page's main thread,
   and only the last frame shows the new state.

   So from the moment a source starts loading new data, the map's frames skip drawing (MapLibre's painter) until
   every source has loaded, and then draw once. The canvas keeps showing the last frame drawn meanwhile, as it
   does while MapLibre waits for its worker. Frames still run (MapLibre requests tiles from its render loop); only
   the drawing waits. Never held: a map being moved (a pan, a zoom, a camera move), and a data change that has
   not loaded within HOLD_MS, which then draws as it arrives (a failed tile does not freeze the map).
   Labels appear without MapLibre's fade (its fadeDuration, 300 ms, which Plotly does not expose): a fade is a
   full redraw every frame for 300 ms, eight frames after the explorer's first load here, and is only cosmetic.
   With no fade, MapLibre places every label in full in each frame; yet a frame in which label tiles have changed
   marks its placement stale (in case the placement ran over several frames, which it does only with a fade) and asks
   for one more frame: a second full redraw of the same picture, in software GL about 200-250 ms before the map
   reports idle (bench/README.md, fourteenth round). That mark is undone, so the map is idle after the one frame.
   The MapLibre internals read here (the painter, _fadeDuration, the style's placements, _placementDirty) are those of
   the MapLibre in the pinned plotly.js bundle (tools/plotly_bundle); an upgrade must check them.
   TFA_FAST=0 (the page's "tfa-fast-paths" meta tag "0") leaves MapLibre's frames as they were, for comparison.
   Each map counts its frames drawn and held, and the stale placements it settled (map.__tfaFrames), which the
   browser tests read; a measurement can switch the hold (window.tfaFrames.enabled = false) or the settling
   (window.tfaFrames.settle = false) off in a loaded page to compare in one page, or from a page's start
   (window.tfaFramesDefaults = {settle: false}, set before the page's scripts run: bench/browser_bench.py).
*/
(function () {
  "use strict";

  var HOLD_MS = 2000;
  var off = document.querySelector('meta[name="tfa-fast-paths"][content="0"]');
  if (off) { return; }
  // a measurement that must start a page with a switch off sets window.tfaFramesDefaults before the page's scripts
  var settings = (window.tfaFrames = Object.assign({enabled: true, settle: true, HOLD_MS: HOLD_MS},
                                                   window.tfaFramesDefaults));

  // Called as a frame is about to be drawn, after MapLibre has placed its labels for it (Map._render calls
  // Style._updatePlacement, then the painter). With fadeDuration 0 each frame's placement is a full one that never
  // pauses, so a stale mark can only be the one Style._updatePlacement sets "since the placement gets split over
  // multiple frames": undone, with the map's need for another frame computed as MapLibre computes it.
  function settlePlacement(map, style, frames) {
    var placement = style && style.placement;
    var pauseable = style && style.pauseablePlacement;
    if (!settings.settle || map._fadeDuration !== 0 || !placement || !placement.stale || !pauseable ||
        !pauseable.isDone()) { return; }
    placement.stale = false;
    map._placementDirty = placement.hasTransitions(performance.now());
    frames.settled += 1;
  }

  function hold(map) {
    // setData and a new GeoJSON source fire "sourcedataloading" without a tile; a tile load carries its tile
    map.on("sourcedataloading", function (event) {
      if (event.tile || !settings.enabled) { return; }
      map.__tfaHeldUntil = performance.now() + HOLD_MS;
      clearTimeout(map.__tfaHoldTimer);
      // if MapLibre asks for no frame before the hold ends, draw what has loaded then
      map.__tfaHoldTimer = setTimeout(function () { map.triggerRepaint(); }, HOLD_MS + 20);
    });
    var painter = map.painter;
    var render = painter.render;
    var frames = map.__tfaFrames;
    painter.render = function (style) {
      var until = map.__tfaHeldUntil;
      if (until && settings.enabled) {
        if (performance.now() < until && !map.isMoving() && !map.isStyleLoaded()) {
          frames.held += 1;
          // what the painter takes first when it draws: tiles read the painter's style when they take their
          // feature states, and with an earlier frame's style a tile that loaded while frames were held kept
          // none (the explorer's shading stayed blank)
          painter.style = style;
          return;
        }
        map.__tfaHeldUntil = 0;
        clearTimeout(map.__tfaHoldTimer);
      }
      frames.drawn += 1;
      settlePlacement(map, style, frames);
      return render.apply(this, arguments);
    };
  }

  function mapOf(gd) {  // assets/page_maps.js (loaded after this script: looked up when called)
    return window.tfaPageMaps.mapOf(gd);
  }

  function attach(container, tries) {
    var gd = container.closest(".js-plotly-plot");
    var map = mapOf(gd);
    if (!map) {  // Plotly keeps the map object once MapLibre has built it: look again shortly
      if ((tries || 0) < 20 && container.isConnected) {
        setTimeout(function () { attach(container, (tries || 0) + 1); }, 25);
      }
      return;
    }
    if (map.__tfaFrames || !map.painter || typeof map.painter.render !== "function") { return; }
    map.__tfaFrames = {drawn: 0, held: 0, settled: 0};
    map._fadeDuration = 0;  // the constructor's fadeDuration option, read at every frame
    hold(map);
  }

  // MapLibre marks its container as it builds a map; the observer runs once Plotly has the map object, before
  // its style and sources load, so the first data is drawn once as well
  new MutationObserver(function (records) {
    for (var i = 0; i < records.length; i++) {
      var added = records[i].addedNodes;
      for (var j = 0; j < added.length; j++) {
        var node = added[j];
        if (node.nodeType !== 1) { continue; }
        if (node.classList.contains("maplibregl-canvas-container")) { attach(node.parentNode); continue; }
        var inner = node.querySelectorAll ? node.querySelectorAll(".maplibregl-canvas-container") : [];
        for (var k = 0; k < inner.length; k++) { attach(inner[k].parentNode); }
      }
    }
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
