/* A chart whose margins follow its tick labels gets them before plotly.js draws it, not after.

   With automargin, plotly.js draws a chart, measures its tick labels, widens the margins and draws it all again:
   the coverage heatmap's municipality names (two or three lines) and sector names were drawn twice on every
   change, about 0.1 s of the coverage page's main thread beside its gap map. A figure whose layout.meta has
   margins_from_labels gets, as Dash's Graph hands it to Plotly.react, a left margin from its y labels' widths and
   a top margin from its x labels (level, or turned vertical where plotly.js will turn them: autotickangles),
   measured in the page's own fonts (a canvas: no layout). automargin stays on: a margin that falls short is
   widened by plotly.js as before. The figure Dash keeps is not changed; the layout drawn is a copy.
*/
(function () {
  "use strict";

  var Y_LABEL_PAD_PX = 17; // plotly.js's tick length and label standoff, left of the y labels
  var X_LINE_PX = 17; // a level x label's line (13 px type) as plotly.js stacks it, and the space above it
  var X_LABEL_PAD_PX = 14;
  var X_TURNED_PAD_PX = 26; // the same for labels turned vertical
  var X_GAP_PX = 4; // labels closer than this are taken as turned (a wrong guess costs the second drawing, as before)

  // the widest line of a label ("a<br><span style='font-size:11px'>b</span>"), each line at its own size, measured
  // as assets/fit_text.js measures text (a canvas)
  function width(label, size, family) {
    return Math.max.apply(null, String(label).split(/<br\s*\/?>/i).map(function (line) {
      var own = /font-size:\s*(\d+(?:\.\d+)?)px/.exec(line);
      return window.tfaFitText.textWidth(line.replace(/<[^>]+>/g, ""), own ? Number(own[1]) : size, family);
    }));
  }

  function margins(gd, figure) {
    var layout = figure.layout;
    var trace = (figure.data || [])[0];
    if (!trace || !trace.x || !trace.y || !gd.clientWidth) { return null; }
    var font = layout.font || {};
    var size = font.size || 12;
    var family = font.family || "sans-serif";
    var margin = layout.margin || {};
    var ys = Array.prototype.slice.call(trace.y);
    var xs = Array.prototype.slice.call(trace.x);
    var left = Math.ceil(Math.max.apply(null, ys.map(function (y) { return width(y, size, family); })));
    left += Y_LABEL_PAD_PX;
    var widest = Math.max.apply(null, xs.map(function (x) { return width(x, size, family); }));
    var lines = Math.max.apply(null, xs.map(function (x) { return String(x).split(/<br\s*\/?>/i).length; }));
    var column = (gd.clientWidth - Math.max(left, margin.l || 0) - (margin.r || 0)) / Math.max(xs.length, 1);
    var turned = widest + X_GAP_PX > column;
    var top = turned ? Math.ceil(widest) + X_TURNED_PAD_PX : lines * X_LINE_PX + X_LABEL_PAD_PX;
    return {l: Math.max(left, margin.l || 0), t: Math.max(top, margin.t || 0)};
  }

  function install() {
    var P = window.Plotly;
    if (!P || typeof P.react !== "function" || P.react.tfaLabelMargins || window.tfaLabelMarginsOff ||
        !window.tfaFitText) { return; }
    var react = P.react;
    P.react = function (gd, figure) {
      var layout = figure && !Array.isArray(figure) && figure.layout;
      if (layout && layout.meta && layout.meta.margins_from_labels) {
        var found = margins(gd, figure);
        if (found) {
          var args = Array.prototype.slice.call(arguments);
          args[1] = Object.assign({}, figure, {layout: Object.assign({}, layout, {
            margin: Object.assign({}, layout.margin, found)
          })});
          return react.apply(this, args);
        }
      }
      return react.apply(this, arguments);
    };
    P.react.tfaLabelMargins = true;
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", install); } else { install(); }
})();
