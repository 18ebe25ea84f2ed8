/* Accessibility fixes applied in the browser, on every page.

   1. Chart text alternatives. Each Plotly chart gets role="figure", a name (its title) and a visually hidden
      table of the values it draws (for maps: the layers, their point counts and the shaded values), rebuilt
      after every redraw so it always matches what is on screen (the explorer's project markers, which the page
      draws itself, are counted by assets/map_points.js, which asks for the text again when it draws them). A
      chart whose redraw waits until it comes into view (assets/charts_in_view.js) is described at once from the
      figure it will draw (window.tfaA11y.describeChart), so the text never lags the filters. Where a chart prints a text on a bar
      or point (a suppressed count such as "<10", a formatted amount), the table shows that text, never the
      raw value.
   2. Gaps in Dash 4.4.1's own components, which take no aria props from Python:
      - dcc.Dropdown puts a focusable proxy <input aria-hidden="true"> before its button, so screen readers
        meet a hidden focus stop. The proxy is made inert and the (labelled) button takes the Tab stop.
      - A <label for=X> whose X is a component wrapper (slider, radio group, upload), not a form field: the
        wrapper becomes a named group (radiogroup for radios), the label no longer points at a non-field,
        and the fields inside that have no name are named after the label (slider thumbs, a range slider's
        two as its "from" and "to" ends; the slider's number boxes).
      - dcc.Upload's file input, which takes keyboard focus, is named after its drop zone's text.
   3. Slider marks never overlap: marks that would collide with the previous visible one are hidden (the
      first and last stay), recomputed whenever a slider changes size.
*/
(function () {
  "use strict";

  var LABELABLE = { INPUT: 1, SELECT: 1, TEXTAREA: 1, BUTTON: 1, METER: 1, OUTPUT: 1, PROGRESS: 1 };
  var MAX_ROWS = 40;

  function text(value) {
    return value === null || value === undefined ? "" : String(value).replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  }

  function number(value) {
    // a value no project gives (null, NaN) is "not reported" in the text alternative too, never "NaN" or blank
    if (value === null || value === undefined || (typeof value === "number" && isNaN(value))) { return "not reported"; }
    return typeof value === "number" && isFinite(value) ? value.toLocaleString("en") : text(value);
  }

  function at(array, i) {
    return array && typeof array !== "string" && array.length !== undefined ? array[i] : array;
  }

  // ---------------------------------------------------------------- 1. chart text alternatives

  function chartTitle(gd, layout) {
    layout = layout || gd._fullLayout || {};
    var title = text(typeof layout.title === "string" ? layout.title : layout.title && layout.title.text);
    if (title) { return title; }
    var card = gd.closest(".chart-card, .map-card, .briefing-panel, section, .card");
    var heading = card && card.querySelector("h1, h2, h3, h4, h5, h6");
    return heading ? text(heading.textContent) : "Chart";
  }

  function shown(trace, i, value) {
    var label = text(at(trace.text, i));
    return label || number(value);
  }

  function table(caption, head, rows, more) {
    var t = document.createElement("table");
    var c = document.createElement("caption");
    c.textContent = caption;
    t.appendChild(c);
    var tr = document.createElement("tr");
    head.forEach(function (h) { var th = document.createElement("th"); th.scope = "col"; th.textContent = h; tr.appendChild(th); });
    t.appendChild(tr);
    rows.forEach(function (row) {
      var r = document.createElement("tr");
      row.forEach(function (cell, j) {
        var td = document.createElement(j === 0 ? "th" : "td");
        if (j === 0) { td.scope = "row"; }
        td.textContent = cell;
        r.appendChild(td);
      });
      t.appendChild(r);
    });
    if (more > 0) {
      var m = document.createElement("tr");
      var td = document.createElement("td");
      td.colSpan = head.length;
      td.textContent = "and " + more + " more";
      m.appendChild(td);
      t.appendChild(m);
    }
    return t;
  }

  function traceTable(trace) {
    var type = trace.type || "scatter";
    var name = text(trace.name) || type;
    var rows = [];
    var n = 0;
    if (type === "bar") {
      var horizontal = trace.orientation === "h";
      var cats = horizontal ? trace.y : trace.x;
      var vals = horizontal ? trace.x : trace.y;
      n = cats ? cats.length : 0;
      for (var i = 0; i < Math.min(n, MAX_ROWS); i++) { rows.push([text(cats[i]), shown(trace, i, vals[i])]); }
      return table(name, ["Category", "Value"], rows, n - rows.length);
    }
    if (type === "choropleth" || type === "choroplethmap" || type === "choroplethmapbox") {
      n = trace.locations ? trace.locations.length : 0;
      for (var k = 0; k < Math.min(n, MAX_ROWS); k++) {
        var place = text(at(trace.hovertext, k)) || text(at(trace.text, k)) || text(trace.locations[k]);
        rows.push([place, number(at(trace.z, k))]);
      }
      return table(name + " (shaded areas)", ["Area", "Value"], rows, n - rows.length);
    }
    if (type === "heatmap") {
      var ys = trace.y || [], xs = trace.x || [];
      for (var r = 0; r < ys.length && rows.length < MAX_ROWS; r++) {
        var cells = [text(ys[r])];
        for (var c = 0; c < xs.length; c++) { cells.push(shown({ text: at(trace.text, r) }, c, at(at(trace.z, r), c))); }
        rows.push(cells);
      }
      return table(name, [""].concat(Array.prototype.map.call(xs, text)), rows, ys.length - rows.length);
    }
    if (type === "scatter") {
      n = trace.x ? trace.x.length : 0;
      for (var p = 0; p < Math.min(n, MAX_ROWS); p++) { rows.push([text(trace.x[p]), shown(trace, p, trace.y[p])]); }
      return table(name, ["x", "Value"], rows, n - rows.length);
    }
    return null; // map points are counted in the summary instead
  }

  // figure: what the chart draws; by default what Plotly drew (its full data and layout). A chart whose drawing
  // waits until it is in view (assets/charts_in_view.js) is described from the figure it will draw, its traces
  // as Dash sent them (a trace without "visible" is visible).
  function describeChart(gd, figure) {
    var waiting = window.tfaChartsInView && window.tfaChartsInView.figureFor(gd);
    figure = figure || waiting;  // the old chart redrawn (a resize) while a new figure waits: describe the new one
    var data = figure ? (figure.data || []).map(function (t) {
      return t.visible === undefined ? Object.assign({}, t, {visible: true}) : t;
    }) : gd._fullData || [];
    var layout = (figure ? figure.layout : gd._fullLayout) || {};
    var box = document.createElement("div");
    box.className = "visually-hidden chart-text-alternative";
    var summary = [];
    var layers = [];
    var own = figure || !window.tfaPoints ? {} : window.tfaPoints.counts(gd);  // markers the page draws itself
    data.forEach(function (trace, curve) {
      if (trace.visible !== true) { return; }
      var points = own[curve] !== undefined ? own[curve] : trace.lat ? trace.lat.length : 0;
      if (/map|geo/.test(trace.type) && !/choropleth/.test(trace.type)) {
        if (points) { layers.push((text(trace.name) || "points") + ": " + points); }
        return;
      }
      var t = traceTable(trace);
      if (t) { box.appendChild(t); }
    });
    if (layers.length) { summary.push("Map layers and their points: " + layers.join("; ") + "."); }
    (layout.annotations || []).forEach(function (a) { var s = text(a.text); if (s) { summary.push(s); } });
    if (summary.length) {
      var p = document.createElement("p");
      p.textContent = summary.join(" ");
      box.insertBefore(p, box.firstChild);
    }
    if (!box.childNodes.length) { box.textContent = "No data drawn."; }
    var old = gd.querySelector(":scope > .chart-text-alternative");
    if (old) { gd.removeChild(old); }
    gd.appendChild(box);
    gd.setAttribute("role", "figure");
    gd.setAttribute("aria-label", chartTitle(gd, layout));
  }

  function watchChart(gd) {
    if (gd.__tfaDescribed || typeof gd.on !== "function") { return; }
    gd.__tfaDescribed = true;
    gd.on("plotly_afterplot", function () { describeChart(gd); });
    if (gd._fullData) { describeChart(gd); }
  }

  // ---------------------------------------------------------------- 2. Dash component gaps

  function fixDropdown(proxy) {
    if (proxy.hasAttribute("inert")) { return; }
    var button = proxy.nextElementSibling;
    if (!button || button.tagName !== "BUTTON") { return; }
    proxy.setAttribute("inert", "");
    proxy.tabIndex = -1;
    if (!button.disabled) { button.tabIndex = 0; }
  }

  function nameFields(container, name) {
    var thumbs = container.querySelectorAll("[role=slider]");
    var range = thumbs.length === 2;  // a range slider's two thumbs: which end each sets
    Array.prototype.forEach.call(thumbs, function (thumb, i) {
      var own = thumb.getAttribute("aria-label");
      var part = own && own !== name && own.indexOf(name) !== 0 ? ", " + own.toLowerCase()
        : range ? (i === 0 ? ", from" : ", to") : "";
      thumb.setAttribute("aria-label", name + part);
    });
    var boxes = container.querySelectorAll("input:not([type=radio]):not([type=checkbox])");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.labels && box.labels.length) { return; }
      var part = box.classList.contains("dash-range-slider-min-input") ? ", from"
        : box.classList.contains("dash-range-slider-max-input") ? ", to" : "";
      box.setAttribute("aria-label", name + part);
    });
  }

  function fixLabel(label) {
    var targetId = label.getAttribute("for");
    var target = targetId && document.getElementById(targetId);
    if (!target || LABELABLE[target.tagName]) { return; }
    if (!label.id) { label.id = targetId + "-label"; }
    label.removeAttribute("for");
    label.setAttribute("data-labels", targetId);
    target.setAttribute("role", target.querySelector("input[type=radio]") ? "radiogroup" : "group");
    target.setAttribute("aria-labelledby", label.id);
    nameFields(target, text(label.textContent));
  }

  // dcc.Upload's <input type=file> (transparent, over its drop zone) takes keyboard focus but has no name:
  // it is named after the drop zone's own text.
  function fixUpload(input) {
    if (input.getAttribute("aria-label") || (input.labels && input.labels.length)) { return; }
    var zone = input.parentElement;
    var name = zone ? text(zone.textContent) : "";
    input.setAttribute("aria-label", name || "Choose a file");
  }

  function refreshLabels() {
    // components re-render their insides (a slider's thumbs), so re-apply the names each time
    Array.prototype.forEach.call(document.querySelectorAll("label[data-labels]"), function (label) {
      var target = document.getElementById(label.getAttribute("data-labels"));
      if (target) { nameFields(target, text(label.textContent)); }
    });
  }

  // ---------------------------------------------------------------- 3. slider marks

  function spaceMarks(root) {
    var marks = Array.prototype.slice.call(root.querySelectorAll(".dash-slider-mark"));
    if (marks.length < 2) { return; }
    marks.forEach(function (m) { m.style.visibility = ""; });
    var rects = marks.map(function (m) { return m.getBoundingClientRect(); });
    var gap = 6;
    var lastShown = 0;
    for (var i = 1; i < marks.length; i++) {
      if (rects[i].left < rects[lastShown].right + gap) {
        if (i === marks.length - 1 && lastShown > 0) {
          marks[lastShown].style.visibility = "hidden"; // keep the last mark, drop the one before it
          lastShown = i;
        } else {
          marks[i].style.visibility = "hidden";
        }
      } else {
        lastShown = i;
      }
    }
  }

  var resizeObserver = typeof ResizeObserver === "function"
    ? new ResizeObserver(function (entries) { entries.forEach(function (e) { spaceMarks(e.target); }); })
    : null;

  function watchSlider(root) {
    if (root.__tfaSpaced) { return; } // the ResizeObserver recomputes on every change of size
    root.__tfaSpaced = true;
    if (resizeObserver) { resizeObserver.observe(root); }
    spaceMarks(root);
  }

  // ---------------------------------------------------------------- apply on every DOM change

  var scheduled = false;
  function apply() {
    scheduled = false;
    Array.prototype.forEach.call(document.querySelectorAll(".dash-dropdown-focus-target"), fixDropdown);
    Array.prototype.forEach.call(document.querySelectorAll("label[for]"), fixLabel);
    refreshLabels();
    Array.prototype.forEach.call(document.querySelectorAll("input[type=file]"), fixUpload);
    Array.prototype.forEach.call(document.querySelectorAll(".dash-slider-root.has-marks"), watchSlider);
    Array.prototype.forEach.call(document.querySelectorAll(".js-plotly-plot"), watchChart);
  }

  function schedule() {
    if (!scheduled) { scheduled = true; window.requestAnimationFrame(apply); }
  }

  function start() {
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
    schedule();
  }

  window.tfaA11y = {describeChart: describeChart};
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
