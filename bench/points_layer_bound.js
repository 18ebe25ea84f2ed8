// The in-page measurement of bench/points_layer_bound.py, run in a loaded explorer page through WebDriver's
// executeAsyncScript: arguments[0] rounds, arguments[1] the project traces' uid prefix, arguments[2] the sector
// colours in code order. Answers {points: [per project trace], own_drawn, plotly|uniform|own: {all: [ms],
// quarter: [ms]}}, or {error}.
const done = arguments[arguments.length - 1];
const rounds = arguments[0], uid = arguments[1], colours = arguments[2];
const gd = document.querySelector('#explorer-map .js-plotly-plot');
const map = window.tfaPageMaps.mapOf(gd);
const idx = gd._fullData.map((t, i) => String(t.uid || '').startsWith(uid) ? i : -1).filter(i => i >= 0);
const full = idx.map(i => { const t = gd._fullData[i]; return {lat: Array.from(t.lat), lon: Array.from(t.lon),
  size: Array.from(t.marker.size), colour: Array.from(t.marker.color), rows: t.customdata ? Array.from(t.customdata) : null}; });
const keep = (quarter) => (_, j) => !quarter || j % 4 === 0;
function drawn() {  // MapLibre's next idle: the data laid out and drawn
  return new Promise(r => { map.once('idle', () => r()); map.triggerRepaint(); });
}
async function plotly(quarter, uniform) {
  const data = gd.data.slice();
  idx.forEach((i, k) => {
    const f = full[k], pick = keep(quarter);
    data[i] = Object.assign({}, data[i], {lat: f.lat.filter(pick), lon: f.lon.filter(pick), customdata: f.rows && f.rows.filter(pick),
      marker: Object.assign({}, data[i].marker, uniform ? {size: 8, color: 3} : {size: f.size.filter(pick), color: f.colour.filter(pick)})});
  });
  const t0 = performance.now();
  await Plotly.react(gd, data, gd.layout);
  await drawn();
  return performance.now() - t0;
}
function points(k, quarter) {
  const f = full[k], features = [];
  for (let j = 0; j < f.lat.length; j++) {
    if (quarter && j % 4) continue;
    features.push({type: 'Feature', geometry: {type: 'Point', coordinates: [f.lon[j], f.lat[j]]}, properties: {s: f.colour[j], r: f.size[j] / 2}});
  }
  return {type: 'FeatureCollection', features: features};
}
async function own(quarter) {
  const t0 = performance.now();
  idx.forEach((_, k) => map.getSource('bound-points-' + k).setData(points(k, quarter)));
  await drawn();
  return performance.now() - t0;
}
(async () => {
  const out = {points: full.map(f => f.lat.length), plotly: {all: [], quarter: []}, uniform: {all: [], quarter: []}, own: {all: [], quarter: []}};
  // one variant after the other, each after a first pair not counted: going from a colour per point to one colour
  // changes the layers' paint, which MapLibre lays out anew
  for (const uniform of [false, true]) {
    const v = uniform ? out.uniform : out.plotly;
    await plotly(true, uniform); await plotly(false, uniform);
    for (let r = 0; r < rounds; r++) { v.quarter.push(await plotly(true, uniform)); v.all.push(await plotly(false, uniform)); }
  }
  const data = gd.data.slice();  // the project traces emptied; their places in the style stay
  idx.forEach(i => { data[i] = Object.assign({}, data[i], {lat: [], lon: [], customdata: [],
    marker: Object.assign({}, data[i].marker, {size: 8, color: 3})}); });
  await Plotly.react(gd, data, gd.layout);
  const colour = ['match', ['get', 's']].concat(colours.flatMap((c, k) => [k, c]), ['#999999']);
  idx.forEach((i, k) => {
    const below = map.getStyle().layers.find(l => l.id.indexOf('tfa-') === 0 && l.id.indexOf(uid) !== -1);
    map.addSource('bound-points-' + k, {type: 'geojson', data: points(k, true)});
    map.addLayer({id: 'bound-points-' + k, type: 'circle', source: 'bound-points-' + k,
      paint: {'circle-color': colour, 'circle-radius': ['get', 'r'], 'circle-opacity': k === 0 ? 0.9 : 0.4}}, below ? below.id : undefined);
  });
  await drawn();
  await own(false);
  for (let r = 0; r < rounds; r++) { out.own.quarter.push(await own(true)); out.own.all.push(await own(false)); }
  // what the own layers drew (every point set: a timing of layers that drew nothing would say nothing)
  out.own_drawn = map.queryRenderedFeatures({layers: idx.map((_, k) => 'bound-points-' + k)}).length;
  done(out);
})().catch(e => done({error: String(e.stack || e)}));
