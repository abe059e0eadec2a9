// Regenerates seeds/geo/countries.geojson from the npm package world-atlas
// (Natural Earth admin-0 countries, public domain; packaging ISC).
//
//   cd scripts/geo && npm install --no-save world-atlas@2 topojson-client@3
//   node extract.mjs > ../../seeds/geo/countries.geojson
//
// Countries that summitkb has records for (matched by ISO code) come from the
// 1:50m data, every other country in view from 1:110m as grey context.
// Coordinates are rounded to 0.01° and thinned to keep the map small.
// Taiwan is drawn as part of China, as in the source's own usage.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const topo = require("topojson-client");

// The map's frame, in degrees: what is inside is drawn, the rest clipped.
const VIEW = { west: 44, east: 136, south: 16, north: 58 };

// Natural Earth numeric ids → ISO 3166-1 alpha-2, for the countries in view.
const ISO = {
  "156": "CN", "158": "CN", "398": "KZ", "417": "KG", "762": "TJ", "795": "TM",
  "860": "UZ", "004": "AF", "643": "RU", "496": "MN", "356": "IN", "586": "PK",
  "364": "IR", "050": "BD", "064": "BT", "524": "NP", "104": "MM", "418": "LA",
  "704": "VN", "764": "TH", "408": "KP", "410": "KR", "392": "JP", "608": "PH",
  "031": "AZ", "051": "AM", "268": "GE", "792": "TR", "368": "IQ", "414": "KW",
  "634": "QA", "784": "AE", "512": "OM", "682": "SA", "887": "YE",
};
// Capitals of the countries drawn in detail, [longitude, latitude].
const CAPITALS = {
  CN: [116.41, 39.9], KZ: [71.43, 51.13], KG: [74.59, 42.87], TJ: [68.78, 38.56],
  TM: [58.38, 37.95], UZ: [69.28, 41.31], AF: [69.18, 34.53],
};
// Where each detailed country's name is written, [longitude, latitude]:
// inside its main landmass and clear of its neighbours' names and capitals.
const LABELS = {
  CN: [101, 34], KZ: [68, 48], KG: [75.6, 41.3], TJ: [72.4, 38.6],
  TM: [59, 39.4], UZ: [61.6, 42.3], AF: [66, 33.6],
};
const DETAILED = new Set(Object.keys(CAPITALS));

function features(file) {
  const t = require(`world-atlas/${file}`);
  return topo.feature(t, t.objects.countries).features;
}

function rings(geometry) {
  return geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
}

function inView(polygon) {
  return polygon[0].some(([x, y]) => x > VIEW.west && x < VIEW.east && y > VIEW.south && y < VIEW.north);
}

function thin(ring, step) {
  const out = [];
  for (const [x, y] of ring) {
    const p = [Math.round(x * 100) / 100, Math.round(y * 100) / 100];
    const last = out[out.length - 1];
    if (!last || Math.abs(last[0] - p[0]) + Math.abs(last[1] - p[1]) >= step) out.push(p);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1]) out.push(first);
  return out;
}

const byIso = new Map();
for (const [file, detailed] of [["countries-50m.json", true], ["countries-110m.json", false]]) {
  for (const f of features(file)) {
    const iso = ISO[f.id];
    if (!iso || DETAILED.has(iso) !== detailed) continue;
    const polygons = rings(f.geometry)
      .filter(inView)
      .map((poly) => poly.map((r) => thin(r, detailed ? 0.3 : 0.7)).filter((r) => r.length >= 4));
    if (polygons.length === 0) continue;
    const entry = byIso.get(iso) ?? { iso, polygons: [] };
    entry.polygons.push(...polygons.filter((p) => p.length > 0));
    byIso.set(iso, entry);
  }
}

const out = {
  type: "FeatureCollection",
  source: "Natural Earth admin-0 countries (public domain) via the npm package world-atlas 2 (ISC)",
  features: [...byIso.values()]
    .sort((a, b) => a.iso.localeCompare(b.iso))
    .map(({ iso, polygons }) => ({
      type: "Feature",
      properties: CAPITALS[iso] ? { iso, capital: CAPITALS[iso], label: LABELS[iso] } : { iso },
      geometry: { type: "MultiPolygon", coordinates: polygons },
    })),
};
// One feature per line: small diffs, and loader errors can name the line.
process.stdout.write('{"type":"FeatureCollection",\n"source":' + JSON.stringify(out.source) + ',\n"features":[\n');
process.stdout.write(out.features.map((f) => JSON.stringify(f)).join(",\n"));
process.stdout.write("\n]}\n");
