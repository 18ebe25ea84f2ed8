/* The explorer's project points: MapLibre layers of the page's own (dashboard/figures/points_layer.py).

   The page's stores hold the markers (per project trace: lat, lon, size and sector code as typed arrays, with the
   sector colours, each level's opacity and the style markers to draw under) and which of them a box or lasso
   selection holds. Each trace is one GeoJSON source and one circle layer, whose data is set again when the
   filter changes, where plotly.js rebuilt its traces' sources and layers with a colour and size per feature.
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
  var wanted = {};  // graph id -> {points, held} from the page's stores, decoded
  var retries = {};

  function graphDiv(graphId) {
    var outer = document.getElementById(graphId);
    return outer ? outer.querySelector(".js-plotly-plot") : null;
  }

  function mapOf(gd) {  // assets/page_maps.js (loaded after this script: looked up when called)
    return window.tfaPageMaps.mapOf(gd);
  }

  function decode(spec) {  // a plotly typed-array spec ({dtype, bdata}); [] when empty
    if (!spec || !spec.bdata) { return new Float32Array(0); }
    var bin = atob(spec.bdata);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return new TYPES[spec.dtype](bytes.buffer);
  }

  function decoded(points) {
    var radius = 0;
    var traces = points.traces.map(function (t) {
      var trace = {lat: decode(t.lat), lon: decode(t.lon), size: decode(t.size), code: decode(t.code)};
      for (var j = 0; j < trace.size.length; j++) { radius = Math.max(radius, trace.size[j] / 2); }
      return trace;
    });
    return {key: points.key, source: points, traces: traces, maxRadius: radius};
  }

  function features(trace) {
    var out = [];
    for (var j = 0; j < trace.lat.length; j++) {
      if (!isFinite(trace.lat[j]) || !isFinite(trace.lon[j])) { continue; }
      out.push({type: "Feature", id: j, geometry: {type: "Point", coordinates: [trace.lon[j], trace.lat[j]]},
        properties: {c: trace.code[j], r: trace.size[j] / 2}});
    }
    return {type: "FeatureCollection", features: out};
  }

  function opacity(points, level, held) {
    var full = points.opacity[level];
    if (!held) { return full; }
    return ["case", ["boolean", ["feature-state", "held"], false], full, full * points.unselected];
  }

  function addLayers(map, want) {
    var points = want.points.source;
    var colour = ["match", ["get", "c"]];
    points.colours.forEach(function (c, k) { colour.push(k, c); });
    colour.push("#999999");
    points.curves.forEach(function (_, level) {
      var id = PREFIX + level;
      if (map.getLayer(id)) { map.removeLayer(id); }
      if (map.getSource(id)) { map.removeSource(id); }
      map.addSource(id, {type: "geojson", data: features(want.points.traces[level])});
      map.addLayer({
        id: id, type: "circle", source: id,
        paint: {"circle-color": colour, "circle-radius": ["get", "r"], "circle-opacity": points.opacity[level]}
      }, map.getLayer(points.anchors[level]) ? points.anchors[level] : undefined);
    });
    map.__tfaPoints = want.points;
    map.__tfaPointsHeld = null;
  }

  function setData(map, want) {
    want.points.traces.forEach(function (trace, level) {
      map.getSource(PREFIX + level).setData(features(trace));
    });
    map.__tfaPoints = want.points;
    map.__tfaPointsHeld = undefined;  // a marker's state outlives its data: set it again
  }

  function hold(map, want) {  // fade the markers outside a selection made for these points
    var held = want.held && want.held.key === want.points.key ? want.held : null;
    if (map.__tfaPointsHeld === held) { return; }
    var points = want.points.source;
    points.curves.forEach(function (_, level) {
      var id = PREFIX + level;
      map.removeFeatureState({source: id});
      if (held) {
        var markers = decode(held.markers[level]);
        for (var k = 0; k < markers.length; k++) { map.setFeatureState({source: id, id: markers[k]}, {held: true}); }
      }
      map.setPaintProperty(id, "circle-opacity", opacity(points, level, held));
    });
    map.__tfaPointsHeld = held;
  }

  // ---------------------------------------------------------------- hover and click

  function reachOf(gd) {
    var distance = gd._fullLayout && gd._fullLayout.hoverdistance;
    return distance > 0 ? distance : 20;
  }

  function nearest(gd, map, at) {
    var points = map.__tfaPoints;
    if (!points) { return null; }
    var layers = points.traces.map(function (_, level) { return PREFIX + level; }).filter(function (id) {
      return map.getLayer(id);
    });
    if (!layers.length) { return null; }
    var reach = reachOf(gd);
    var pad = reach + Math.max(points.maxRadius, 3);
    var found = map.queryRenderedFeatures([[at.x - pad, at.y - pad], [at.x + pad, at.y + pad]], {layers: layers});
    var best = null;
    for (var i = 0; i < found.length; i++) {
      var level = Number(found[i].layer.id.slice(PREFIX.length));
      var j = found[i].id;
      var trace = points.traces[level];
      var p = map.project([trace.lon[j], trace.lat[j]]);
      var r = Math.max(3, trace.size[j] / 2);
      var d = Math.max(Math.hypot(p.x - at.x, p.y - at.y) - r, 1 - 3 / r);
      if (d > reach) { continue; }
      if (!best || d < best.d || (d === best.d && level < best.level)) {
        best = {d: d, level: level, index: j, x: p.x, y: p.y, r: trace.size[j] / 2};
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
    var trace = map.__tfaPoints.traces[found.level];
    var graph = gd.getBoundingClientRect();
    var box = map.getContainer().getBoundingClientRect();
    var x = box.left - graph.left + found.x;
    var y = box.top - graph.top + found.y;
    var w = found.r || 1;
    return {
      curveNumber: map.__tfaPoints.source.curves[found.level],
      pointNumber: found.index,
      lat: trace.lat[found.index],
      lon: trace.lon[found.index],
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
        if (!m || !m.__tfaPoints || !event) { return true; }
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
    var want = wanted[graphId];
    if (!want) { return; }
    var gd = graphDiv(graphId);
    var map = mapOf(gd);
    if (map) {
      try {
        var points = want.points.source;
        var present = points.curves.every(function (_, level) { return map.getSource(PREFIX + level); });
        if (!present) {
          addLayers(map, want);
        } else if (map.__tfaPoints !== want.points) {
          setData(map, want);
        }
        hold(map, want);
        listen(graphId, gd, map);
        if (window.tfaA11y) { window.tfaA11y.describeChart(gd); }  // its text lists the markers drawn
        return;
      } catch (error) {
        if (map.isStyleLoaded()) { console.error(error); return; }  // a fault, not a style still loading
      }
    }
    if (!retries[graphId] && document.getElementById(graphId)) {  // gone: the page's store shows it again
      retries[graphId] = setTimeout(function () { retries[graphId] = null; attach(graphId); }, 100);
    }
  }

  window.tfaPoints = {
    show: function (graphId, points, held) {
      if (!points || !points.traces) { return; }
      var before = wanted[graphId];
      var want = {points: before && before.points.key === points.key && before.points.source === points
        ? before.points : decoded(points), held: held || null};
      wanted[graphId] = want;
      attach(graphId);
    },
    hit: function (gd, map, event) { return map.__tfaPoints ? hit(gd, map, event) : null; },
    counts: function (gd) {  // curve -> markers drawn, for the map's text alternative
      var map = gd && mapOf(gd);
      var points = map && map.__tfaPoints;
      var out = {};
      if (points) { points.traces.forEach(function (t, level) { out[points.source.curves[level]] = t.lat.length; }); }
      return out;
    },
    markers: function (gd) {  // every marker drawn ({curve, level, point, lon, lat, size}) and its filter
      var map = gd && mapOf(gd);
      var points = map && map.__tfaPoints;
      if (!points) { return null; }
      var out = [];
      points.traces.forEach(function (t, level) {
        for (var j = 0; j < t.lat.length; j++) {
          out.push({curve: points.source.curves[level], level: level, point: j, lon: t.lon[j], lat: t.lat[j],
            size: t.size[j]});
        }
      });
      return {key: points.key, markers: out};
    },
    PREFIX: PREFIX
  };
})();
