-- Country outlines for the map, keyed by ISO 3166-1 alpha-2 and joined to
-- country records through their `iso` field, so that the map is drawn from
-- the database alone. `polygons` holds GeoJSON MultiPolygon coordinates
-- (longitude first) as JSON text; the capital anchors the schematic lines,
-- the label point says where the country's name is written.
CREATE TABLE country_shapes (
    iso         TEXT PRIMARY KEY NOT NULL,
    capital_lon REAL,
    capital_lat REAL,
    label_lon   REAL,
    label_lat   REAL,
    polygons    TEXT NOT NULL
);
