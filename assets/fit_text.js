/* Text that a narrow graph would cut off is fitted into it, on every page (a phone: 390 px).

   The figures are laid out for the widths the server expects (a map's footnotes for about 600 px, a chart's
   bar labels for a desktop column). A graph drawn narrower than that cut them at its edge: the designation
   footnote and the boundary credit at the map's sides, the SAMPLE DATA watermark, a bar's label outside a short
   bar ("21 projects, 19 with an amount"). After every drawing of a graph narrower than FIT_BELOW_PX:
   - an annotation that reaches past the graph's edge gets a smaller font, scaled about its anchor until it fits
     (MIN_FONT_PX at least); the notes in a map's bottom corners (designation, boundary credit, unshaded
     polygons), which the figure stacks for a wider map, are scaled to MIN_NOTE_FONT_PX at least, put on more
     lines where that is not enough, and stacked again from the bottom;
   - a bar label outside a horizontal bar that reaches past the plot's right edge (or the graph's, for a trace
     drawn with cliponaxis false) gets a smaller font of its own, MIN_BAR_FONT_PX at least; one that still does
     not fit goes on two lines beside its bar where it has two parts and the bar is thick enough, else inside
     its bar (plotly.js scales it to the bar);
   - a value axis whose level tick labels come closer than TICK_GAP_PX to each other ("$0$1M$2M") gets half as
     many ticks.
   All in one Plotly.update, which Dash's Graph does not copy into its figure (it does for a Plotly.relayout, and
   draws the figure again). plotly.js changes the figure's objects in place, and Dash's Graph shares them, so
   what a fitting changed is recorded and put back: the labels' fonts, texts and positions, set per point,
   before Dash's next figure is drawn (its points are other bars); everything when the graph's width changes
   (a phone turned, a page printed), whose drawing is then fitted again. Annotations the server sends anew
   replace the fitted ones. Graphs FIT_BELOW_PX wide or wider are left as drawn; nothing is measured there. The
   check runs in the browser's idle time after a drawing, not in the middle of a page's first load.

   window.tfaFitText.fit(gd) runs the check on one graph div (from the console, after a change of size);
   textWidth(text, size, family) measures a line of text in px (assets/label_margins.js measures labels with it).
*/
(function () {
  "use strict";

  var FIT_BELOW_PX = 640;
  var MIN_FONT_PX = 7;
  var MIN_NOTE_FONT_PX = 8;
  var NOTE_PAD_PX = 4; // a note's box around its text: plotly.js's borderpad and borderwidth, 1 px each side
  var NOTE_GAP_PX = 2;
  var LINE_HEIGHT = 1.3; // plotly.js's line height, in font sizes
  var EDGE_PX = 2;
  var MIN_BAR_FONT_PX = 8;
  var TICK_GAP_PX = 3;
  var IDLE_WAIT_MS = 500;

  function anchorOf(note) {  // plotly.js's own rule for xanchor "auto" on the paper
    if (note.xanchor && note.xanchor !== "auto") { return note.xanchor; }
    if (note.xref === "paper") { return note.x <= 1 / 3 ? "left" : note.x >= 2 / 3 ? "right" : "center"; }
    return "center";
  }

  // A note in a bottom corner of the paper (a map's designation, boundary credit and unshaded note, stacked
  // by their yshift: figures/annotations.py's _corner_note).
  function cornerNote(note) {
    return note.xref === "paper" && note.yref === "paper" && note.y === 0 && note.yanchor === "bottom";
  }

  var canvas = null;
  function textWidth(text, size, family) {
    canvas = canvas || document.createElement("canvas");
    var context = canvas.getContext("2d");
    context.font = size + "px " + family;
    var plain = text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&#x?27;/g, "'")
      .replace(/&amp;/g, "&");
    return context.measureText(plain).width;
  }

  // The note's words on as many lines as it takes at this size to stay within width px (its own breaks kept
  // where they fit).
  function wrapped(text, size, family, width) {
    var lines = [];
    text.split(/<br\s*\/?>/i).forEach(function (line) {
      var current = "";
      line.split(/\s+/).filter(Boolean).forEach(function (word) {
        var next = current ? current + " " + word : word;
        if (current && textWidth(next, size, family) > width) {
          lines.push(current);
          current = word;
        } else {
          current = next;
        }
      });
      if (current) { lines.push(current); }
    });
    return lines.join("<br>");
  }

  // The corner notes, when one reaches past an edge: each at a font scaled down to fit (MIN_NOTE_FONT_PX at
  // least) and, where that is not enough, on more lines; then stacked again from the bottom in their order.
  function cornerNotes(gd, box, corner, update) {
    if (!corner.some(function (c) { return c.left < 0 || c.right > box.width; })) { return; }
    var room = box.width - 2 * EDGE_PX - NOTE_PAD_PX;
    var shift = 0;
    corner.sort(function (a, b) { return (a.note.yshift || 0) - (b.note.yshift || 0); });
    corner.forEach(function (c) {
      var note = c.note;
      var size = note.font.size;
      var widest = c.right - c.left - NOTE_PAD_PX;
      var font = Math.max(MIN_NOTE_FONT_PX, Math.min(size, Math.floor(size * room / widest * 10) / 10));
      var text = note.text;
      if (widest * font / size > room) { text = wrapped(text, font, note.font.family, room); }
      var key = "annotations[" + c.i + "]";
      if (font !== size) { update[key + ".font.size"] = font; }
      if (text !== note.text) { update[key + ".text"] = text; }
      if (shift !== (note.yshift || 0)) { update[key + ".yshift"] = shift; }
      shift += Math.ceil(text.split("<br>").length * font * LINE_HEIGHT + NOTE_PAD_PX + NOTE_GAP_PX);
    });
  }

  function notesFit(gd, box) {
    var full = gd._fullLayout.annotations || [];
    var update = {};
    var corner = [];
    gd.querySelectorAll(".annotation").forEach(function (g) {
      var i = Number(g.getAttribute("data-index"));
      var note = full[i];
      if (!note || !note.visible || !note.font) { return; }
      var r = g.getBoundingClientRect();
      var left = r.left - box.left;
      var right = r.right - box.left;
      if (!r.width) { return; }
      if (cornerNote(note)) { corner.push({i: i, note: note, left: left, right: right}); return; }
      if (left >= 0 && right <= box.width) { return; }
      var anchor = anchorOf(note);
      var at = anchor === "left" ? left : anchor === "right" ? right : (left + right) / 2;
      var scale = 1;
      if (at > left) { scale = Math.min(scale, (at - EDGE_PX) / (at - left)); }
      if (right > at) { scale = Math.min(scale, (box.width - EDGE_PX - at) / (right - at)); }
      var size = Math.max(MIN_FONT_PX, Math.floor(note.font.size * scale * 10) / 10);
      if (scale > 0 && size < note.font.size) { update["annotations[" + i + "].font.size"] = size; }
    });
    cornerNotes(gd, box, corner, update);
    return update;
  }

  function outsideLabelled(trace) {
    var where = trace.textposition;
    return trace.type === "bar" && trace.orientation === "h" && trace.visible === true &&
      (where === "auto" || where === "outside" || (Array.isArray(where) && where.length > 0));
  }

  // A label of two parts ("21 projects, 19 with an amount") as two lines, or null.
  function twoLines(text) {
    var at = text.indexOf(", ");
    return at > 0 && text.indexOf("<br>") < 0 ? [text.slice(0, at + 1), text.slice(at + 2)] : null;
  }

  // The bar labels that reach past the plot's (or the graph's) right edge, fitted: {trace index: {text,
  // textposition, size}} of per-point values, each [what the figure had, the fitted array], or null.
  function barFits(gd, box) {
    var layout = gd._fullLayout;
    var plotRight = box.left + layout._size.l + layout._size.w;
    var fitted = {};
    gd.querySelectorAll(".barlayer .trace").forEach(function (g) {
      var calc = g.__data__; // plotly.js's calcdata of the trace the group draws
      var trace = calc && calc[0] && calc[0].trace;
      if (!trace || !outsideLabelled(trace)) { return; }
      var edge = trace.cliponaxis === false ? box.right - EDGE_PX : plotRight;
      var per = function (value) {
        return calc.map(function (_, k) { return Array.isArray(value) ? value[k] : value; });
      };
      var sizes = per(trace.textfont.size);
      var texts = per(trace.text);
      var positions = per(trace.textposition);
      var changed = false;
      g.querySelectorAll(".point").forEach(function (point) {
        var text = point.querySelector(".bartext");
        var bar = point.querySelector("path");
        var i = point.__data__ && point.__data__.i;
        if (!text || !bar || typeof i !== "number") { return; }
        var tr = text.getBoundingClientRect();
        var br = bar.getBoundingClientRect();
        if (tr.right <= edge + 0.5 || tr.left < br.right - 0.5) { return; } // fits, or drawn inside its bar
        var room = edge - tr.left;
        var font = Math.max(MIN_BAR_FONT_PX, Math.floor(sizes[i] * room / tr.width));
        var width = tr.width * font / sizes[i];
        changed = true;
        sizes[i] = font;
        if (width <= room + 0.5) { return; }
        var two = twoLines(String(texts[i] || ""));
        var wide = two && Math.max.apply(null, two.map(function (line) {
          return textWidth(line, font, trace.textfont.family);
        }));
        if (two && wide <= room && 2 * font * LINE_HEIGHT <= br.height) {
          texts[i] = two.join("<br>"); // on two lines beside its bar
        } else {
          positions[i] = "inside";
        }
      });
      if (changed) {
        fitted[trace.index] = {
          size: [trace.textfont.size, sizes], text: [trace.text, texts], textposition: [trace.textposition, positions]
        };
      }
    });
    return Object.keys(fitted).length ? fitted : null;
  }

  // {"xaxis.nticks": n} for each linear axis whose level tick labels crowd each other.
  function ticksFit(gd, update) {
    ["xaxis", "yaxis"].forEach(function (name) {
      var axis = gd._fullLayout[name];
      if (!axis || axis.type !== "linear" || axis.tickmode !== "auto") { return; }
      var tick = name.charAt(0) + "tick";
      var boxes = Array.prototype.filter.call(gd.querySelectorAll("." + tick + " > text"), function (e) {
        return !/rotate\((?!0[,)])/.test(e.getAttribute("transform") || "");
      }).map(function (e) { return e.getBoundingClientRect(); }).filter(function (r) { return r.width > 0; });
      boxes.sort(function (a, b) { return name === "xaxis" ? a.left - b.left : a.top - b.top; });
      var crowded = boxes.some(function (r, k) {
        var before = boxes[k - 1];
        return before && (name === "xaxis" ? r.left - before.right : r.top - before.bottom) < TICK_GAP_PX;
      });
      if (crowded) { update[name + ".nticks"] = Math.max(2, Math.floor(boxes.length / 2) + 1); }
    });
  }

  // What each graph's fittings changed, to be put back: {width: the graph's width when fitted, layout: {update
  // key: {owner: the annotation or axis object, original}}, bars: barFits' arrays by trace}. A graph whose width
  // changes gets its originals back (its next drawing fits it again); Dash's next figure gets the bars' back.
  var records = typeof WeakMap === "function" ? new WeakMap() : null;

  function ownerOf(gd, key) {  // "annotations[2].font.size" -> the annotation object and "font.size"
    var m = /^(?:annotations\[(\d+)\]|([a-z]+axis))\.(.+)$/.exec(key);
    var owner = !m ? null : m[1] !== undefined ? (gd.layout.annotations || [])[Number(m[1])] : gd.layout[m[2]];
    return {owner: owner, path: m ? m[3] : ""};
  }

  function valueAt(object, path) {
    return path.split(".").reduce(function (o, k) { return o === null || o === undefined ? undefined : o[k]; }, object);
  }

  function putBack(gd, figure) {
    var record = records && records.get(gd);
    var data = figure && (Array.isArray(figure) ? figure : figure.data);
    if (!record || !Array.isArray(data)) { return; }
    Object.keys(record.bars).forEach(function (t) {
      var trace = data[Number(t)];
      var f = record.bars[t];
      if (!trace) { return; }
      if (trace.text === f.text[1]) { trace.text = f.text[0]; }
      if (trace.textposition === f.textposition[1]) { trace.textposition = f.textposition[0]; }
      if (trace.textfont && trace.textfont.size === f.size[1]) { trace.textfont.size = f.size[0]; }
    });
    record.bars = {};
  }

  // The originals of a record, in one Plotly.update; false when there was nothing left to put back.
  function restore(gd, record) {
    var layout = {};
    Object.keys(record.layout).forEach(function (key) {
      var was = record.layout[key];
      if (ownerOf(gd, key).owner === was.owner) { layout[key] = was.original === undefined ? null : was.original; }
    });
    var traces = Object.keys(record.bars).map(Number).filter(function (t) { return gd.data[t]; });
    var restyle = {"textfont.size": [], text: [], textposition: []};
    traces.forEach(function (t) {
      var f = record.bars[t];
      var trace = gd.data[t];
      var size = trace.textfont && trace.textfont.size;
      restyle["textfont.size"].push(size === f.size[1] ? f.size[0] : size);
      restyle.text.push(trace.text === f.text[1] ? f.text[0] : trace.text);
      restyle.textposition.push(trace.textposition === f.textposition[1] ? f.textposition[0] : trace.textposition);
    });
    if (!traces.length && !Object.keys(layout).length) { return false; }
    window.Plotly.update(gd, traces.length ? restyle : {}, layout, traces.length ? traces : undefined);
    return true;
  }

  function fit(gd) {
    var layout = gd && gd._fullLayout;
    if (!layout || !layout._size || !window.Plotly || !gd.isConnected || !records) { return; }
    var record = records.get(gd);
    if (record && record.width !== layout.width) {
      records.delete(gd);
      if (restore(gd, record)) { return; }  // its drawing comes back here
    }
    // plotly.js's own width first: a wide graph is left without asking the browser for its layout
    if (layout.width >= FIT_BELOW_PX) { return; }
    var box = gd.getBoundingClientRect();
    if (!box.width) { return; }
    if (layout.map) {  // plotly.js redraws a map's layers on an update: not while MapLibre still loads its style
      var map = window.tfaPageMaps && window.tfaPageMaps.mapOf(gd);
      if (!map) { return; }  // the graph's next drawing, once MapLibre has built the map, comes back here
      if (!map.isStyleLoaded()) { map.once("idle", function () { later(gd); }); return; }
    }
    var update = notesFit(gd, box);
    var bars = null;
    if (!layout.map) {
      ticksFit(gd, update);
      bars = barFits(gd, box);
    }
    if (!bars && !Object.keys(update).length) { return; }
    record = records.get(gd) || {width: layout.width, layout: {}, bars: {}};
    Object.keys(update).forEach(function (key) {
      var at = ownerOf(gd, key);
      var was = record.layout[key];
      if (at.owner && (!was || was.owner !== at.owner)) {
        record.layout[key] = {owner: at.owner, original: valueAt(at.owner, at.path)};
      }
    });
    var traces = Object.keys(bars || {}).map(Number);
    var restyle = {"textfont.size": [], text: [], textposition: []};
    traces.forEach(function (t) {
      var b = bars[t];
      var first = record.bars[t]; // fitted again: what the figure had is what it had before the first fitting
      if (first) {
        b.size[0] = first.size[0];
        b.text[0] = first.text[0];
        b.textposition[0] = first.textposition[0];
      }
      record.bars[t] = b;
      restyle["textfont.size"].push(b.size[1]);
      restyle.text.push(b.text[1]);
      restyle.textposition.push(b.textposition[1]);
    });
    records.set(gd, record);
    window.Plotly.update(gd, traces.length ? restyle : {}, update, traces.length ? traces : undefined);
  }

  // Plotly.react as Dash's Graph calls it (through assets/charts_in_view.js): the fitted labels put back first.
  function install() {
    var P = window.Plotly;
    if (!P || typeof P.react !== "function" || P.react.tfaFitText) { return; }
    var react = P.react;
    P.react = function (gd, figure) {
      putBack(gd, figure);
      return react.apply(this, arguments);
    };
    P.react.tfaFitText = true;
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", install); } else { install(); }

  // A graph's check after its drawing, in the browser's idle time (at most IDLE_WAIT_MS later): measuring text
  // asks the browser for the page's layout, which in the middle of a page's first load costs a layout of its own.
  // A wide graph with nothing to put back is left at once.
  function later(gd) {
    var layout = gd._fullLayout;
    if (gd._tfaFitWaits || !layout || (layout.width >= FIT_BELOW_PX && !(records && records.get(gd)))) { return; }
    gd._tfaFitWaits = true;
    var run = function () { gd._tfaFitWaits = false; fit(gd); };
    if (window.requestIdleCallback) {
      window.requestIdleCallback(run, {timeout: IDLE_WAIT_MS});
    } else {
      setTimeout(run, 0);
    }
  }

  var watched = typeof WeakSet === "function" ? new WeakSet() : null;
  var pending = false;
  function watch() {
    pending = false;
    var graphs = document.getElementsByClassName("js-plotly-plot");
    for (var i = 0; i < graphs.length; i += 1) {
      var gd = graphs[i];
      if (watched.has(gd) || !gd.on) { continue; }
      watched.add(gd);
      gd.on("plotly_afterplot", later.bind(null, gd));
      if (gd._fullLayout && gd._fullLayout._size) { later(gd); }
    }
  }
  if (watched) {
    new MutationObserver(function () {
      if (!pending) { pending = true; window.setTimeout(watch, 0); }
    }).observe(document.documentElement, {childList: true, subtree: true});
  }

  window.tfaFitText = {fit: fit, textWidth: textWidth, FIT_BELOW_PX: FIT_BELOW_PX};
})();
