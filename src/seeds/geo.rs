//! Country shapes for the map, from `geo/countries.geojson`.
//!
//! The file is GeoJSON with one feature per line (see
//! `scripts/geo/extract.mjs`): each feature carries an ISO 3166-1 alpha-2
//! code, and, for countries drawn in detail, the capital's coordinates. A
//! shape joins the records through the country record's `iso` field, so a
//! new country record with a shape in this file appears on the map without
//! code changes.

use std::path::Path;

use serde::Deserialize;
use sha2::Sha256;

use super::{SeedError, SeedErrors, hash_file, read_text};

/// A longitude–latitude pair, in degrees.
pub type LonLat = [f64; 2];

/// One country's outline: polygons, each an outer ring and its holes.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub iso: String,
    pub capital: Option<LonLat>,
    /// Where the country's name is written on the map.
    pub label: Option<LonLat>,
    pub polygons: Vec<Vec<Vec<LonLat>>>,
}

#[derive(Deserialize)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Geometry,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Properties {
    iso: String,
    capital: Option<LonLat>,
    label: Option<LonLat>,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<LonLat>>),
    MultiPolygon(Vec<Vec<Vec<LonLat>>>),
}

/// Reads and checks the shapes file; problems name the file and the line of
/// the feature they are in.
pub(super) fn load(path: &Path, hasher: &mut Sha256, errors: &mut SeedErrors) -> Vec<Shape> {
    let Some((text, bytes)) = read_text(path, errors) else {
        return Vec::new();
    };
    hash_file(hasher, path, &bytes);
    let collection: Collection = match serde_json::from_str(&text) {
        Ok(c) => c,
        Err(e) => {
            errors.push(SeedError::at(path, e.line(), e.to_string()));
            return Vec::new();
        }
    };
    let feature_lines = feature_lines(&text);
    let mut shapes: Vec<Shape> = Vec::new();
    for (i, f) in collection.features.into_iter().enumerate() {
        let line = feature_lines.get(i).copied().unwrap_or(1);
        let iso = f.properties.iso;
        let mut problem = |msg: String| {
            errors.push(SeedError::at(path, line, format!("feature `{iso}`: {msg}")));
        };
        if iso.len() != 2 || !iso.bytes().all(|b| b.is_ascii_uppercase()) {
            problem("iso must be an ISO 3166-1 alpha-2 code, such as KZ".into());
        }
        if shapes.iter().any(|s| s.iso == iso) {
            problem("a second feature for the same country".into());
        }
        for (what, point) in [
            ("capital", f.properties.capital),
            ("label", f.properties.label),
        ] {
            if let Some(c) = point
                && !in_range(c)
            {
                problem(format!("{what} {c:?} is not a longitude–latitude pair"));
            }
        }
        let polygons = match f.geometry {
            Geometry::Polygon(p) => vec![p],
            Geometry::MultiPolygon(m) => m,
        };
        if polygons.is_empty() {
            problem("no polygons".into());
        }
        for ring in polygons.iter().flatten() {
            if ring.len() < 4 || ring.first() != ring.last() {
                problem(
                    "every ring needs at least four points and must end where it starts".into(),
                );
                break;
            }
            if let Some(p) = ring.iter().find(|p| !in_range(**p)) {
                problem(format!("point {p:?} is not a longitude–latitude pair"));
                break;
            }
        }
        shapes.push(Shape {
            iso: iso.clone(),
            capital: f.properties.capital,
            label: f.properties.label,
            polygons,
        });
    }
    shapes
}

fn in_range([lon, lat]: LonLat) -> bool {
    (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)
}

/// The 1-based line on which each feature begins, in order.
fn feature_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains("\"Feature\""))
        .map(|(i, _)| i + 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    fn load_text(text: &str) -> (Vec<Shape>, SeedErrors) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("countries.geojson");
        std::fs::write(&path, text).unwrap();
        let mut errors = SeedErrors::default();
        let shapes = load(&path, &mut Sha256::new(), &mut errors);
        (shapes, errors)
    }

    const SQUARE: &str = "[[[70,40],[71,40],[71,41],[70,41],[70,40]]]";

    #[test]
    fn reads_features_with_capitals() {
        let text = format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[\n\
             {{\"type\":\"Feature\",\"properties\":{{\"iso\":\"KG\",\"capital\":[74.59,42.87]}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":{SQUARE}}}}}\n]}}"
        );
        let (shapes, errors) = load_text(&text);
        assert!(errors.is_empty(), "{errors}");
        assert_eq!(shapes[0].iso, "KG");
        assert_eq!(shapes[0].capital, Some([74.59, 42.87]));
        assert_eq!(shapes[0].polygons[0][0].len(), 5);
    }

    #[test]
    fn names_the_line_of_a_bad_feature() {
        let good = format!(
            "{{\"type\":\"Feature\",\"properties\":{{\"iso\":\"KG\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":{SQUARE}}}}}"
        );
        let open = "{\"type\":\"Feature\",\"properties\":{\"iso\":\"TJ\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[70,40],[71,40],[71,41],[70,41]]]}}";
        let text = format!("{{\"type\":\"FeatureCollection\",\"features\":[\n{good},\n{open}\n]}}");
        let (_, errors) = load_text(&text);
        assert_eq!(errors.len(), 1, "{errors}");
        let e = errors.iter().next().unwrap();
        assert_eq!(e.line, Some(3));
        assert!(
            e.message.contains("TJ") && e.message.contains("ring"),
            "{e}"
        );
    }

    #[test]
    fn broken_json_names_its_line() {
        let (_, errors) = load_text("{\"features\":[\n{\"type\":\"Feature\",\n");
        let e = errors.iter().next().unwrap();
        assert_eq!(e.line, Some(3), "{e}");
    }
}
