/* Briefing (/briefing): step through the panels with the keyboard, and resize the charts for print.
   Next: Arrow Right / Arrow Down / Page Down / Space.  Previous: Arrow Left / Arrow Up / Page Up.
   First / last: Home / End.  F: full screen.  Does nothing on other pages or while typing in a field. */
(function () {
  "use strict";

  // "Present" in the explorer: open the briefing with the filters the address bar holds right now
  // (the explorer keeps the query string in step with its filters).
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.present-link") : null;
    if (link) { link.setAttribute("href", "/briefing" + window.location.search); }
  }, true);

  var NEXT = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, " ": 1 };
  var PREV = { ArrowLeft: 1, ArrowUp: 1, PageUp: 1 };

  function root() { return document.querySelector(".briefing-page"); }
  function panels() { return Array.prototype.slice.call(document.querySelectorAll(".briefing-page .briefing-panel")); }

  function currentIndex(list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].classList.contains("is-current")) { return i; }
    }
    return 0;
  }

  function show(index) {
    var list = panels();
    if (!list.length) { return; }
    index = Math.max(0, Math.min(list.length - 1, index));
    list.forEach(function (p, i) {
      p.classList.toggle("is-current", i === index);
      if (i === index) { p.setAttribute("aria-current", "step"); } else { p.removeAttribute("aria-current"); }
    });
    list[index].scrollIntoView({ block: "start", behavior: "auto" });
    list[index].focus({ preventScroll: true });
    var counter = document.getElementById("briefing-counter");
    if (counter) { counter.textContent = (index + 1) + " / " + list.length; }
  }

  function step(delta) { var list = panels(); show(currentIndex(list) + delta); }

  function typing(target) {
    if (!target || !target.tagName) { return false; }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function fullscreen() {
    var el = document.documentElement;
    if (document.fullscreenElement) { document.exitFullscreen(); } else if (el.requestFullscreen) { el.requestFullscreen(); }
  }

  document.addEventListener("keydown", function (event) {
    if (!root() || typing(event.target) || event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (NEXT[event.key]) { event.preventDefault(); step(1); }
    else if (PREV[event.key]) { event.preventDefault(); step(-1); }
    else if (event.key === "Home") { event.preventDefault(); show(0); }
    else if (event.key === "End") { event.preventDefault(); show(panels().length - 1); }
    else if (event.key === "f" || event.key === "F") { event.preventDefault(); fullscreen(); }
  });

  document.addEventListener("click", function (event) {
    if (!root() || !event.target.closest) { return; }
    if (event.target.closest("#briefing-next")) { step(1); }
    else if (event.target.closest("#briefing-prev")) { step(-1); }
    else if (event.target.closest("#briefing-fullscreen")) { fullscreen(); }
  });

  // Scrolling with the mouse or touch moves the current panel too, so the keys continue from there.
  var ticking = false;
  window.addEventListener("scroll", function () {
    if (ticking || !root()) { return; }
    ticking = true;
    window.requestAnimationFrame(function () {
      ticking = false;
      var list = panels();
      var best = 0;
      for (var i = 0; i < list.length; i++) {
        if (list[i].getBoundingClientRect().top <= window.innerHeight * 0.4) { best = i; }
      }
      if (best !== currentIndex(list)) {
        list.forEach(function (p, j) { p.classList.toggle("is-current", j === best); });
        var counter = document.getElementById("briefing-counter");
        if (counter) { counter.textContent = (best + 1) + " / " + list.length; }
      }
    });
  }, { passive: true });

  // Charts are laid out for the screen; lay them out again for the printed page and back.
  function resizeGraphs() {
    if (!root() || !window.Plotly) { return; }
    document.querySelectorAll(".briefing-page .js-plotly-plot").forEach(function (gd) {
      try { window.Plotly.Plots.resize(gd); } catch (e) { /* a graph still loading resizes itself */ }
    });
  }
  window.addEventListener("beforeprint", resizeGraphs);
  window.addEventListener("afterprint", resizeGraphs);

  // The map panel's view: the matching projects and camps (the panel's data-extent: west,south,east,north)
  // whole, at the size the map has now, clear of the legend (left) and colour bar (right): MapLibre's
  // cameraForBounds gives the centre and zoom, set through Plotly so its layout stays the truth. Refitted
  // whenever the map's size changes (window, full screen, print), once the map has loaded.
  function fitMap(gd) {
    var panel = gd.closest ? gd.closest("[data-extent]") : null;
    var map = window.tfaPageMaps.mapOf(gd);
    if (!panel || !map || !gd.clientHeight) { return; }
    if (!map.loaded()) { map.once("idle", function () { fitMap(gd); }); return; }
    var size = gd.clientWidth + "x" + gd.clientHeight;
    var fit = gd._briefingFit;
    // fitted at this size and still showing that view: nothing to do (a view the presenter moved is kept, as
    // gd._briefingFit follows their drags below)
    if (fit && fit.size === size && Math.abs(map.getZoom() - fit.zoom) < 1e-3) { return; }
    var e = panel.getAttribute("data-extent").split(",").map(Number);
    var box = gd.getBoundingClientRect();
    var pad = { top: 12, bottom: 12, left: 12, right: 12 };
    var legend = gd.querySelector(".legend");
    if (legend) { var l = legend.getBoundingClientRect(); pad.left = Math.max(pad.left, l.right - box.left + 12); }
    var bar = gd.querySelector(".colorbar");
    if (bar) { var c = bar.getBoundingClientRect(); pad.right = Math.max(pad.right, box.right - c.left + 12); }
    if (pad.left + pad.right > box.width * 0.7) { pad.left = pad.right = 12; } // narrow: the legend overlaps
    var camera = map.cameraForBounds([[e[0], e[1]], [e[2], e[3]]], { padding: pad });
    if (!camera || !window.Plotly) { return; }
    gd.dataset.fittedSize = size;
    gd._briefingFit = { size: size, zoom: camera.zoom, center: camera.center };
    if (!gd._briefingMoves) {
      gd._briefingMoves = true;
      map.on("moveend", function (event) {
        var f = gd._briefingFit;
        if (!f) { return; }
        if (event.originalEvent) { f.zoom = map.getZoom(); f.center = map.getCenter(); return; } // the presenter's
        // a redraw put the figure's own view back (the explorer's centre and zoom): show the fitted one again
        if (Math.abs(map.getZoom() - f.zoom) > 1e-3) { map.jumpTo({ center: f.center, zoom: f.zoom }); }
      });
    }
    window.Plotly.relayout(gd, { "map.center": { lon: camera.center.lng, lat: camera.center.lat }, "map.zoom": camera.zoom })
      .then(function () { map.jumpTo({ center: camera.center, zoom: camera.zoom }); }); // in case a redraw raced it
  }
  var watched = typeof WeakSet === "function" ? new WeakSet() : null;
  function watchMaps() {
    if (!root() || !watched || typeof ResizeObserver !== "function") { return; }
    document.querySelectorAll(".briefing-page [data-extent] .js-plotly-plot").forEach(function (gd) {
      if (watched.has(gd)) { return; }
      watched.add(gd);
      var timer = null;
      new ResizeObserver(function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { fitMap(gd); }, 150);
      }).observe(gd);
      if (gd.on) { gd.on("plotly_afterplot", function () { fitMap(gd); }); }
    });
  }
  new MutationObserver(watchMaps).observe(document.documentElement, { childList: true, subtree: true });
})();
