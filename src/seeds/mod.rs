//! Reading and validating the curated seed files.
//!
//! Everything here is pure: it reads files and returns either a fully checked
//! [`SeedSet`] or every problem found, each naming file and line. Nothing here
//! touches a database, so `summitkb check` and the importer see exactly the
//! same verdict, and a broken seed can never reach SQLite.
//!
//! Layout of a seed directory:
//! - `sources/*.toml`: one manifest per source document, beside its text file;
//! - `records/*.toml`: curated records, `[[project]]`, `[[person]]`, ...;
//! - `waivers.toml`: what the completeness checks may skip, with reasons;
//! - `synonyms.toml`: equivalent terms for search, each group with a note (optional);
//! - `geo/countries.geojson`: country outlines for the map (optional).

pub mod add;
pub mod changes;
pub mod coverage;
mod error;
pub mod gaps;
mod geo;
pub mod layout;
mod records;
mod source;
mod synonyms;
mod waivers;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::model::Kind;

pub use error::{SeedError, SeedErrors};
pub use geo::{LonLat, Shape};
pub use records::{
    AliasBasis, AliasNote, Citation, Commitment, Disagreement, Editorial, Link, Provenance, Record,
    Reference, StatusDate, StatusStatement,
};
pub use source::{Block, BlockKind, Source};
pub use synonyms::SynonymGroup;
pub use waivers::{Waiver, WaiverKind, Waivers};

/// Largest seed file the loader will read. Curated TOML and article texts are
/// tens of kilobytes; anything near this is a mistake, not data.
pub const MAX_SEED_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Everything the seeds say, checked and ready to import.
#[derive(Debug, Clone)]
pub struct SeedSet {
    pub sources: Vec<Source>,
    pub records: Vec<Record>,
    pub waivers: Waivers,
    /// Country outlines, joined to country records by ISO code.
    pub shapes: Vec<Shape>,
    /// Equivalent search terms (`synonyms.toml`).
    pub synonyms: Vec<SynonymGroup>,
    /// A hash over every seed file: equal versions mean equal data, so an
    /// import of unchanged seeds can be skipped and caches keyed on it.
    pub version: String,
}

impl SeedSet {
    pub fn source(&self, slug: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.slug == slug)
    }

    pub fn record(&self, slug: &str) -> Option<&Record> {
        self.records.iter().find(|r| r.slug == slug)
    }

    /// Every field two sources give differently, one line each with both
    /// values and their citations: what `check` lists.
    pub fn disagreements(&self) -> Vec<String> {
        let cite = |r: &Record, i: usize| {
            let c = &r.citations[i];
            let (publisher, published) = self
                .source(&c.source)
                .map(|s| (s.publisher.as_str(), s.published.as_str()))
                .unwrap_or_default();
            format!("{publisher} {published} `{}` ¶{}", c.source, c.paragraph)
        };
        let mut out = Vec::new();
        for r in &self.records {
            for d in &r.disagreements {
                out.push(format!(
                    "{}:{}: {} `{}` {}: \"{}\" ({}) against \"{}\" ({})",
                    r.file.display(),
                    d.line,
                    r.kind.as_str(),
                    r.slug,
                    d.field.as_str(),
                    d.value,
                    cite(r, d.citation),
                    d.other_value,
                    cite(r, d.other_citation),
                ));
            }
        }
        out
    }
}

/// Reads and validates the seed directory `dir`.
///
/// Paths in errors are shown as `dir` joined with the file's relative path, so
/// that `summitkb check --seeds seeds` prints `seeds/records/projects.toml:42`.
pub fn load(dir: &Path) -> Result<SeedSet, SeedErrors> {
    let mut errors = SeedErrors::default();
    if !dir.is_dir() {
        errors.push(SeedError::file(dir, "seed directory not found"));
        return Err(errors);
    }
    let mut hasher = Sha256::new();

    let source_files = toml_files(&dir.join("sources"), &mut errors);
    let mut sources = Vec::new();
    for path in &source_files {
        if let Some(src) = source::load(path, &mut hasher, &mut errors) {
            if sources.iter().any(|s: &Source| s.slug == src.slug) {
                errors.push(SeedError::at(
                    path,
                    1,
                    format!("duplicate source slug `{}`", src.slug),
                ));
            } else {
                sources.push(src);
            }
        }
    }
    if source_files.is_empty() && errors.is_empty() {
        errors.push(SeedError::file(
            &dir.join("sources"),
            "no source manifests (*.toml) found",
        ));
    }

    let record_files = toml_files(&dir.join("records"), &mut errors);
    let records = records::load_all(&record_files, &sources, &mut hasher, &mut errors);

    source::check_about(&sources, &records, &mut errors);

    let waivers_path = dir.join("waivers.toml");
    let waivers = if waivers_path.exists() {
        waivers::load(&waivers_path, &sources, &mut hasher, &mut errors)
    } else {
        Waivers::default()
    };

    let geo_path = dir.join("geo").join("countries.geojson");
    let shapes = if geo_path.exists() {
        geo::load(&geo_path, &mut hasher, &mut errors)
    } else {
        Vec::new()
    };

    let synonyms_path = dir.join("synonyms.toml");
    let synonyms = if synonyms_path.exists() {
        synonyms::load(&synonyms_path, &mut hasher, &mut errors)
    } else {
        Vec::new()
    };

    if !errors.is_empty() {
        return Err(errors);
    }
    let version = hex(&hasher.finalize());
    Ok(SeedSet {
        sources,
        records,
        waivers,
        shapes,
        synonyms,
        version,
    })
}

/// The `*.toml` files directly inside `dir`, sorted so that loading (and the
/// data version) does not depend on directory order.
fn toml_files(dir: &Path, errors: &mut SeedErrors) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(SeedError::file(dir, format!("cannot read directory: {e}")));
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    files.sort();
    files
}

/// Reads a seed file as UTF-8 text, refusing oversized files and naming the
/// line of the first invalid byte.
pub(crate) fn read_text(path: &Path, errors: &mut SeedErrors) -> Option<(String, Vec<u8>)> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_SEED_FILE_BYTES => {
            errors.push(SeedError::file(
                path,
                format!(
                    "file is {} bytes; seed files are limited to {} bytes",
                    m.len(),
                    MAX_SEED_FILE_BYTES
                ),
            ));
            return None;
        }
        Ok(_) => {}
        Err(e) => {
            errors.push(SeedError::file(path, format!("cannot read file: {e}")));
            return None;
        }
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            errors.push(SeedError::file(path, format!("cannot read file: {e}")));
            return None;
        }
    };
    match std::str::from_utf8(&bytes) {
        Ok(text) => Some((text.to_owned(), bytes)),
        Err(e) => {
            let line = line_of(&bytes, e.valid_up_to());
            errors.push(SeedError::at(
                path,
                line,
                format!("invalid UTF-8 at byte {}", e.valid_up_to()),
            ));
            None
        }
    }
}

/// The 1-based line holding byte `offset`.
pub(crate) fn line_of(text: &[u8], offset: usize) -> usize {
    let end = offset.min(text.len());
    1 + text[..end].iter().filter(|&&b| b == b'\n').count()
}

/// Turns a TOML parse error into a seed error at the line it points to.
pub(crate) fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> SeedError {
    let line = e
        .span()
        .map(|s| line_of(text.as_bytes(), s.start))
        .unwrap_or(1);
    SeedError::at(path, line, e.message().trim().replace('\n', " "))
}

pub(crate) use crate::hex::hex;

/// Feeds one file into the data-version hash, with its name, so that renaming
/// a file also changes the version.
pub(crate) fn hash_file(hasher: &mut Sha256, path: &Path, bytes: &[u8]) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    hasher.update(name.as_bytes());
    hasher.update([0]);
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}

impl SeedSet {
    /// This set repeated `factor` times under new slugs, links and citations
    /// kept within each copy: a synthetic corpus for benchmarks, with the
    /// shape and text of the real one. The countries are not copied: a
    /// thousand summits of one region name the same six countries, so every
    /// copy links to the one set of them (copying them made thousands of
    /// countries, which no real corpus has, and swelled the map and the
    /// country facets).
    pub fn scaled(&self, factor: usize) -> SeedSet {
        let shared: std::collections::HashSet<&str> = self
            .records
            .iter()
            .filter(|r| r.kind == Kind::Country)
            .map(|r| r.slug.as_str())
            .collect();
        let copy = |slug: &str, i: usize| {
            if i == 0 {
                slug.to_owned()
            } else {
                format!("{slug}-x{i}")
            }
        };
        let record = |slug: &str, i: usize| {
            if shared.contains(slug) {
                slug.to_owned()
            } else {
                copy(slug, i)
            }
        };
        let mut sources = Vec::new();
        let mut records = Vec::new();
        for i in 0..factor.max(1) {
            for s in &self.sources {
                let mut s = s.clone();
                s.slug = copy(&s.slug, i);
                s.about = s.about.iter().map(|a| record(a, i)).collect();
                sources.push(s);
            }
            for r in self
                .records
                .iter()
                .filter(|r| i == 0 || r.kind != Kind::Country)
            {
                let mut r = r.clone();
                r.slug = copy(&r.slug, i);
                if i > 0 {
                    r.title = format!("{}（{i}）", r.title);
                }
                for l in &mut r.links {
                    l.target = record(&l.target, i);
                }
                for c in &mut r.citations {
                    c.source = copy(&c.source, i);
                }
                records.push(r);
            }
        }
        SeedSet {
            sources,
            records,
            waivers: self.waivers.clone(),
            shapes: self.shapes.clone(),
            synonyms: self.synonyms.clone(),
            version: format!("{}x{factor}", self.version),
        }
    }
}
