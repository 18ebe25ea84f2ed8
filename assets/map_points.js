/* The explorer's project points: MapLibre layers of the page's own (dashboard/figures/points_layer.py).

   The page's stores hold the markers and which of them a box or lasso selection holds. Each project trace (site
   and municipality level) is one GeoJSON source and one circle layer, holding every marker of the whole data
   (points.base, sent once: lat, lon, size and sector code as typed arrays), set once; a filter says which of them
   it draws and how large (points.levels), and the others are hidden and these resized through their feature
   state, which MapLibre applies to the tiles it has (setting the data again had its worker lay every point out
   anew). plotly.js rebuilt its traces' sources and layers with a colour and size per feature on every redraw.
   What plotly.js did for these points is done here:
   - hover: the marker nearest the pointer whose edge lies within the layout's hoverdistance (plotly.js's rule
     for map points: the distance to its centre less its radius of at least 3 px), unless a point Plotly hovers
     itself (a camp, a hazard) is nearer, as plotly.js picked the closest of all (where a marker is nearer,
     Plotly's hover is called off through its "plotly_beforehover" event), or the map is being dragged; it
     becomes the Graph's hoverData, shaped as the trace's was
     ({curveNumber, pointNumber, lat, lon, bbox}: bbox in px within the graph), and is cleared when the pointer
     leaves it, so the page's hover callback shows and hides its tooltip;
   - a click on a marker becomes the Graph's clickData of the same shape;
   - selection: plotly.js draws the box or lasso and reports its outline; the server finds the markers inside and
     the store says which they are: the others are faded, by plotly.js's factor.
   Plotly may rebuild the map (a new graph, a new style): after each redraw the layers are checked and put back.
   window.tfaPoints.hit(gd, map, event) is the marker under a MapLibre mouse event (or null), which the shading's
   hover and click (assets/map_shading.js) leave to the points; counts(gd) the markers per trace, for the map's
   text alternative (assets/a11y.js); markers(gd) every marker drawn and the filter it was drawn for (the browser
   tests and the bench read the map through it).
*/
(function () {
  "use strict";

  var PREFIX = "tfa-points-";
  var TYPES = {f4: Float32Array, f8: Float64Array, u1: Uint8Array, i1: Int8Array, u2: Uint16Array,
    i2: Int16Array, u4: Uint32Array, i4: Int32Array};
  var wanted = {};  // graph id -> {points, base, view, held} from the page's stores, decoded

  function mapOf(gd) {  // assets/page_maps.js (loaded after this script: looked up when called)
    return gd ? window.tfaPageMaps.mapOf(gd) : null;
  }

  function decode(spec) {  // a plotly typed-array spec ({dtype, bdata}); [] when empty
    if (!spec || !spec.bdata) { return new Int32Array(0); }
    var bin = atob(spec.bdata);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return new TYPES[spec.dtype](bytes.buffer);
  }

  function baseOf(points) {  // the whole data's markers, per level
    var radius = 3;
    var traces = points.base.map(function (t) {
      var trace = {lat: decode(t.lat), lon: decode(t.lon), size: decode(t.size), code: decode(t.code)};
      for (var j = 0; j < trace.size.length; j++) { radius = Math.max(radius, trace.size[j] / 2); }
      return trace;
    });
    return {id: points.base_id, traces: traces, maxRadius: radius};
  }

  // What a filter draws of the base, per level: its markers in drawing order (shown: base numbers; a marker's
  // place in it is its pointNumber) and their sizes; all: every base marker as the whole data draws it.
  function viewOf(points, base) {
    return {source: points, levels: points.levels.map(function (level, k) {
      var n = base.traces[k].lat.length;
      if (level.all) { return {all: true, count: n, size: base.traces[k].size}; }
      var shown = decode(level.shown);
      var pos = new Int32Array(n).fill(-1);
      for (var i = 0; i < shown.length; i++) { pos[shown[i]] = i; }
      return {all: false, count: shown.length, shown: shown, size: decode(level.size), pos: pos};
    })};
  }

  function pointOf(level, j) { return level.all ? j : level.pos[j]; }  // base marker -> its number, or -1
  function markerOf(level, i) { return level.all ? i : level.shown[i]; }  // number -> base marker

  function features(trace) {
    var out = [];
    for (var j = 0; j < trace.lat.length; j++) {
      if (!isFinite(trace.lat[j]) || !isFinite(trace.lon[j])) { continue; }
      out.push({type: "Feature", id: j, geometry: {type: "Point", coordinates: [trace.lon[j], trace.lat[j]]},
        properties: {c: trace.code[j], r: trace.size[j] / 2}});
    }
    return {type: "FeatureCollection", features: out};
  }

  // A marker's radius is its feature state "r" where the filter sets one (0: hidden), else the base's; a hidden
  // marker is also transparent, and one outside a selection faded.
  var RADIUS = ["coalesce", ["feature-state", "r"], ["get", "r"]];

  function opacity(points, level, held) {
    var full = points.opacity[level];
    var shown = held ? ["case", ["boolean", ["feature-state", "held"], false], full, full * points.unselected] : full;
    return ["case", ["==", ["feature-state", "r"], 0], 0, shown];
  }

  function freshState(map, base) {
    map.__tfaPointsR = base.traces.map(function (t) { return new Float32Array(t.lat.length).fill(NaN); });
    map.__tfaPointsView = null;
    map.__tfaPointsHeld = null;
    map.__tfaPointsHeldIds = base.traces.map(function () { return []; });
  }

  function addLayers(map, base, points) {
    var colour = ["match", ["get", "c"]];
    points.colours.forEach(function (c, k) { colour.push(k, c); });
    colour.push("#999999");
    base.traces.forEach(function (trace, level) {
      var id = PREFIX + level;
      if (map.getLayer(id)) { map.removeLayer(id); }
      if (map.getSource(id)) { map.removeSource(id); }
      map.addSource(id, {type: "geojson", data: features(trace)});
      map.addLayer({
        id: id, type: "circle", source: id,
        paint: {"circle-color": colour, "circle-radius": RADIUS, "circle-opacity": opacity(points, level, null)}
      }, map.getLayer(points.anchors[level]) ? points.anchors[level] : undefined);
    });
    map.__tfaPointsBase = base;
    freshState(map, base);
  }

  function setBase(map, base) {
    base.traces.forEach(function (trace, level) {
      var id = PREFIX + level;
      map.getSource(id).setData(features(trace));
      map.removeFeatureState({source: id});
    });
    map.__tfaPointsBase = base;
    freshState(map, base);
  }

  function applyView(map, view) {  // hide and resize the base's markers as the filter draws them
    var base = map.__tfaPointsBase;
    view.levels.forEach(function (level, k) {
      var id = PREFIX + k;
      var state = map.__tfaPointsR[k];
      var size = base.traces[k].size;
      if (level.all) {  // as the whole data: no marker needs a state of its own
        if (state.some(function (r) { return !isNaN(r); })) {
          map.removeFeatureState({source: id});
          state.fill(NaN);
          map.__tfaPointsHeld = null;  // the selection's states went too
          map.__tfaPointsHeldIds[k] = [];
        }
        return;
      }
      for (var j = 0; j < state.length; j++) {
        var i = level.pos[j];
        var want = i < 0 ? 0 : level.size[i] === size[j] ? NaN : level.size[i] / 2;
        if (want === state[j] || (isNaN(want) && isNaN(state[j]))) { continue; }
        if (isNaN(want)) {
          map.removeFeatureState({source: id, id: j}, "r");
        } else {
          map.setFeatureState({source: id, id: j}, {r: want});
        }
        state[j] = want;
      }
    });
    map.__tfaPointsView = view;
  }

  function hold(map, want) {  // fade the markers outside a selection made for these points
    var held = want.held && want.held.key === want.points.key ? want.held : null;
    if (map.__tfaPointsHeld === held) { return; }
    var points = want.points;
    want.view.levels.forEach(function (level, k) {
      var id = PREFIX + k;
      map.__tfaPointsHeldIds[k].forEach(function (j) { map.removeFeatureState({source: id, id: j}, "held"); });
      map.__tfaPointsHeldIds[k] = [];
      if (held) {
        var markers = decode(held.markers[k]);
        for (var m = 0; m < markers.length; m++) {
          var j = markerOf(level, markers[m]);
          map.setFeatureState({source: id, id: j}, {held: true});
          map.__tfaPointsHeldIds[k].push(j);
        }
      }
      map.setPaintProperty(id, "circle-opacity", opacity(points, k, held));
    });
    map.__tfaPointsHeld = held;
  }

  // ---------------------------------------------------------------- hover and click

  function reachOf(gd) {
    var distance = gd._fullLayout && gd._fullLayout.hoverdistance;
    return distance > 0 ? distance : 20;
  }

  function nearest(gd, map, at) {
    var base = map.__tfaPointsBase;
    var view = map.__tfaPointsView;
    if (!base || !view) { return null; }
    var layers = base.traces.map(function (_, level) { return PREFIX + level; }).filter(function (id) {
      return map.getLayer(id);
    });
    if (!layers.length) { return null; }
    var reach = reachOf(gd);
    var pad = reach + base.maxRadius;
    var found = map.queryRenderedFeatures([[at.x - pad, at.y - pad], [at.x + pad, at.y + pad]], {layers: layers});
    var best = null;
    for (var i = 0; i < found.length; i++) {
      var level = Number(found[i].layer.id.slice(PREFIX.length));
      var j = found[i].id;
      var number = pointOf(view.levels[level], j);
      if (number < 0) { continue; }  // hidden: not drawn for this filter
      var trace = base.traces[level];
      var p = map.project([trace.lon[j], trace.lat[j]]);
      var radius = view.levels[level].size[number] / 2;
      var r = Math.max(3, radius);
      var d = Math.max(Math.hypot(p.x - at.x, p.y - at.y) - r, 1 - 3 / r);
      if (d > reach) { continue; }
      if (!best || d < best.d || (d === best.d && level < best.level)) {
        best = {d: d, level: level, index: number, marker: j, x: p.x, y: p.y, r: radius};
      }
    }
    return best;
  }

  function placeDistance(gd, map, at) {  // the same distance to the nearest point Plotly hovers (a camp, a hazard)
    var reach = reachOf(gd);
    var best = Infinity;
    (gd.calcdata || []).forEach(function (cd) {
      var trace = cd[0] && cd[0].trace;
      if (!trace || trace.type !== "scattermap" || trace.visible !== true || trace.hoverinfo === "skip") { return; }
      for (var i = 0; i < cd.length; i++) {
        var lonlat = cd[i].lonlat;
        if (!lonlat || !isFinite(lonlat[0]) || !isFinite(lonlat[1])) { continue; }
        var p = map.project(lonlat);
        var r = Math.max(3, cd[i].mrc || 0);
        var d = Math.max(Math.hypot(p.x - at.x, p.y - at.y) - r, 1 - 3 / r);
        if (d <= reach && d < best) { best = d; }
      }
    });
    return best;
  }

  // The project marker the pointer is on at pixel ``at`` of the map, or null: the nearest within reach, unless a
  // point of Plotly's own is nearer (then Plotly hovers it, as it picked the closest of all its traces' points).
  function winner(gd, map, at) {
    var found = nearest(gd, map, at);
    return found && found.d < placeDistance(gd, map, at) ? found : null;
  }

  function hit(gd, map, event) {  // the marker under a MapLibre mouse event, worked out once per event
    if (!event.hasOwnProperty("__tfaPoint")) { event.__tfaPoint = winner(gd, map, event.point); }
    return event.__tfaPoint;
  }

  function eventPoint(gd, map, found) {
    var trace = map.__tfaPointsBase.traces[found.level];
    var graph = gd.getBoundingClientRect();
    var box = map.getContainer().getBoundingClientRect();
    var x = box.left - graph.left + found.x;
    var y = box.top - graph.top + found.y;
    var w = found.r || 1;
    return {
      curveNumber: map.__tfaPointsView.source.curves[found.level],
      pointNumber: found.index,
      lat: trace.lat[found.marker],
      lon: trace.lon[found.marker],
      bbox: {x0: x - w, x1: x + w, y0: y - w, y1: y + w}
    };
  }

  function setProps(graphId, props) {
    var dash = window.dash_clientside;
    if (dash && dash.set_props) { dash.set_props(graphId, props); }
  }

  function hover(graphId, gd, map, found) {
    var before = gd.__tfaPointHovered;
    if (!found && !before) { return; }
    if (found && before && found.level === before.level && found.index === before.index) { return; }
    gd.__tfaPointHovered = found;
    map.getCanvas().style.cursor = found ? "pointer" : "";
    setProps(graphId, {hoverData: found ? {points: [eventPoint(gd, map, found)]} : null});
  }

  function listen(graphId, gd, map) {
    if (!gd.__tfaPointsListening) {
      gd.__tfaPointsListening = true;
      gd.on("plotly_afterplot", function () { attach(graphId); });
      // Plotly hovers its own points only where no project marker is nearer; where one is, its hover is called
      // off (and a label it still shows taken down, without an unhover event: the marker's hover follows)
      gd.on("plotly_beforehover", function (event) {
        var m = mapOf(gd);
        if (!m || !m.__tfaPointsView || !event) { return true; }
        var at = event.point;  // a map's hover comes with MapLibre's mouse event (its point in the map's pixels)
        if (!at && event.clientX !== undefined) {
          var box = m.getContainer().getBoundingClientRect();
          at = {x: event.clientX - box.left, y: event.clientY - box.top};
        }
        if (!at || !winner(gd, m, at)) { return true; }
        if (gd._hoverdata && window.Plotly) { window.Plotly.Fx.unhover(gd, {}); }
        return false;
      });
      // Plotly hovers a place of its own and reports it: the marker's hover ends without a report of its own
      gd.on("plotly_hover", function () {
        var m = mapOf(gd);
        if (m) { m.getCanvas().style.cursor = ""; }
        gd.__tfaPointHovered = null;
      });
    }
    if (map.__tfaPointsEvents) { return; }
    map.__tfaPointsEvents = true;
    map.on("mousemove", function (event) {
      var dragging = event.originalEvent && event.originalEvent.buttons;  // a pan, or a box or lasso drawn
      hover(graphId, gd, map, dragging ? null : hit(gd, map, event));
    });
    map.getContainer().addEventListener("mouseleave", function () { hover(graphId, gd, map, null); });
    map.on("movestart", function () { hover(graphId, gd, map, null); });
    map.on("click", function (event) {
      if (window.tfaPageMaps.dragged()) { return; }  // the end of a box or lasso, not a click
      var found = hit(gd, map, event);  // none: Plotly's own click (a camp), or the shading's
      if (found) { setProps(graphId, {clickData: {points: [eventPoint(gd, map, found)]}}); }
    });
  }

  function attach(graphId) {
    if (!wanted[graphId]) { return; }
    window.tfaPageMaps.withMap("points", graphId, function (gd, map) {
      var want = wanted[graphId];
      var present = want.base.traces.every(function (_, level) { return map.getSource(PREFIX + level); });
      if (!present) {
        addLayers(map, want.base, want.points);
      } else if (map.__tfaPointsBase !== want.base) {
        setBase(map, want.base);
      }
      if (map.__tfaPointsView !== want.view) {
        if (gd.__tfaPointHovered) { hover(graphId, gd, map, null); }  // numbered in the view it was hovered in
        applyView(map, want.view);
        map.__tfaPointsHeld = undefined;  // a selection's markers are numbered in the view: set them again
      }
      hold(map, want);
      listen(graphId, gd, map);
      if (window.tfaA11y) { window.tfaA11y.describeChart(gd); }  // its text lists the markers drawn
    });
  }

  var bases = {};  // graph id -> the whole data's markers (points.base), kept across filters

  window.tfaPoints = {
    show: function (graphId, points, held) {
      if (!points || !points.levels) { return; }
      if (points.base && (!bases[graphId] || bases[graphId].id !== points.base_id)) { bases[graphId] = baseOf(points); }
      var base = bases[graphId];
      if (!base || base.id !== points.base_id) {
        console.error("project markers for a base the page does not hold");
        return;
      }
      var before = wanted[graphId];
      var view = before && before.points === points && before.base === base ? before.view : viewOf(points, base);
      wanted[graphId] = {points: points, base: base, view: view, held: held || null};
      attach(graphId);
    },
    hit: function (gd, map, event) { return map.__tfaPointsView ? hit(gd, map, event) : null; },
    counts: function (gd) {  // curve -> markers drawn, for the map's text alternative
      var map = mapOf(gd);
      var view = map && map.__tfaPointsView;
      var out = {};
      if (view) { view.levels.forEach(function (level, k) { out[view.source.curves[k]] = level.count; }); }
      return out;
    },
    markers: function (gd) {  // every marker drawn ({curve, level, point, lon, lat, size}) and its filter
      var map = mapOf(gd);
      var view = map && map.__tfaPointsView;
      if (!view) { return null; }
      var base = map.__tfaPointsBase;
      var out = [];
      view.levels.forEach(function (level, k) {
        var trace = base.traces[k];
        for (var i = 0; i < level.count; i++) {
          var j = markerOf(level, i);
          out.push({curve: view.source.curves[k], level: k, point: i, lon: trace.lon[j], lat: trace.lat[j],
            size: level.size[i]});
        }
      });
      return {key: view.source.key, markers: out};
    },
    PREFIX: PREFIX
  };
})();
