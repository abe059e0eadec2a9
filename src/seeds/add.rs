//! `summitkb source add`: a new source text into the seed directory, with
//! its manifest written for it.
//!
//! This is the one place that writes into the seeds, and it writes only new
//! files: the text byte for byte as received and a manifest that pins it by
//! SHA-256 and proposes its layout ([`super::layout`]). Before anything is
//! written, the manifest is checked against the text exactly as the loader
//! will check it; any refusal leaves the directory as it was.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::layout::{self, Layout};
use super::source::{check_unwritten, is_iso_date};
use super::{MAX_SEED_FILE_BYTES, Source, hex, line_of};
use crate::dates::DateSpan;
use crate::model::is_valid_slug;

/// What the curator says about the new source on the command line.
#[derive(Debug, Clone)]
pub struct NewSource {
    /// The text as received.
    pub file: PathBuf,
    /// Defaults to the file's name without its extension.
    pub slug: Option<String>,
    pub publisher: String,
    pub publisher_en: Option<String>,
    /// `YYYY-MM-DD`.
    pub published: String,
    pub url: Option<String>,
    pub language: String,
}

/// A source written into the seeds.
#[derive(Debug, Clone)]
pub struct Added {
    pub text_path: PathBuf,
    pub manifest_path: PathBuf,
    pub layout: Layout,
    /// The source as the loader reads it, for the summary `source add` prints.
    pub source: Source,
}

/// Why nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("{path}: cannot read: {err}", path = .0.display(), err = .1)]
    Read(PathBuf, std::io::Error),
    #[error("{path}: the file is empty; a source needs its text", path = .0.display())]
    Empty(PathBuf),
    #[error("{path}: {size} bytes; source texts are limited to {MAX_SEED_FILE_BYTES} bytes", path = .0.display(), size = .1)]
    TooLarge(PathBuf, u64),
    #[error(
        "{}:{line}: not UTF-8 (invalid byte at offset {offset}); convert the text to UTF-8 \
         first (for example `iconv -f GB18030 -t UTF-8`)",
        .path.display()
    )]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        offset: usize,
    },
    #[error("{0}")]
    Argument(String),
    #[error("already present, nothing written: {0}")]
    Present(String),
    #[error(
        "the proposed manifest does not load, so nothing was written:\n{errors}\n\
         the proposal was:\n{manifest}"
    )]
    Layout {
        errors: super::SeedErrors,
        manifest: String,
    },
    #[error("{path}: cannot write: {err}", path = .0.display(), err = .1)]
    Write(PathBuf, std::io::Error),
}

/// Copies `new.file` into `seeds_dir/sources/` and writes its manifest, or
/// refuses with nothing written.
pub fn add_source(seeds_dir: &Path, new: &NewSource) -> Result<Added, AddError> {
    let path = &new.file;
    let size = std::fs::metadata(path)
        .map_err(|e| AddError::Read(path.clone(), e))?
        .len();
    if size > MAX_SEED_FILE_BYTES {
        return Err(AddError::TooLarge(path.clone(), size));
    }
    let bytes = std::fs::read(path).map_err(|e| AddError::Read(path.clone(), e))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| AddError::NotUtf8 {
        path: path.clone(),
        line: line_of(&bytes, e.valid_up_to()),
        offset: e.valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(AddError::Empty(path.clone()));
    }

    let slug = match &new.slug {
        Some(s) => s.clone(),
        None => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    if !is_valid_slug(&slug) {
        return Err(AddError::Argument(format!(
            "`{slug}` is not a valid slug (lowercase ASCII words joined by hyphens): rename the \
             file or give --slug"
        )));
    }
    if !(is_iso_date(&new.published) && DateSpan::parse(&new.published).is_ok()) {
        return Err(AddError::Argument(format!(
            "--published `{}` must be a day written YYYY-MM-DD",
            new.published
        )));
    }
    if let Some(u) = &new.url
        && !super::records::is_web_url(u)
    {
        return Err(AddError::Argument(format!(
            "--url `{u}` must be an http:// or https:// address"
        )));
    }
    for (what, v) in [
        ("--publisher", &new.publisher),
        ("--language", &new.language),
    ] {
        if v.trim().is_empty() {
            return Err(AddError::Argument(format!("{what} must not be empty")));
        }
    }

    let dir = seeds_dir.join("sources");
    if !dir.is_dir() {
        return Err(AddError::Argument(format!(
            "{}: no such directory (is --seeds right?)",
            dir.display()
        )));
    }
    let sha256 = hex(&Sha256::digest(&bytes));
    let text_path = dir.join(format!("{slug}.txt"));
    let manifest_path = dir.join(format!("{slug}.toml"));
    already_present(&dir, &slug, &sha256, &[&text_path, &manifest_path])?;

    let layout = layout::propose(text).ok_or_else(|| AddError::Empty(path.clone()))?;
    let manifest = manifest_text(&slug, &sha256, new, &layout);
    let source =
        check_unwritten(&manifest_path, &manifest, &bytes).map_err(|errors| AddError::Layout {
            errors,
            manifest: manifest.clone(),
        })?;

    write_both(&text_path, &bytes, &manifest_path, manifest.as_bytes())?;
    Ok(Added {
        text_path,
        manifest_path,
        layout,
        source,
    })
}

/// Refuses a source that is already in `dir`: a file of the same name, a
/// manifest with the same slug, or the same bytes under another name.
fn already_present(
    dir: &Path,
    slug: &str,
    sha256: &str,
    targets: &[&Path],
) -> Result<(), AddError> {
    for t in targets {
        if t.exists() {
            return Err(AddError::Present(t.display().to_string()));
        }
    }
    let entries = std::fs::read_dir(dir).map_err(|e| AddError::Read(dir.to_path_buf(), e))?;
    for entry in entries.filter_map(Result::ok) {
        let p = entry.path();
        if !p.is_file() {
            continue;
        }
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        if p.extension().is_some_and(|x| x == "toml") {
            let other = std::str::from_utf8(&bytes)
                .ok()
                .and_then(|t| t.parse::<toml::Table>().ok());
            let same = |key: &str, value: &str| {
                other
                    .as_ref()
                    .and_then(|t| t.get(key))
                    .and_then(|v| v.as_str())
                    == Some(value)
            };
            if same("slug", slug) {
                return Err(AddError::Present(format!(
                    "{}: a source with the slug `{slug}`",
                    p.display()
                )));
            }
            if same("sha256", sha256) {
                return Err(AddError::Present(format!(
                    "{}: a source with the same text (sha256 {sha256})",
                    p.display()
                )));
            }
        } else if hex(&Sha256::digest(&bytes)) == sha256 {
            return Err(AddError::Present(format!("{}: the same text", p.display())));
        }
    }
    Ok(())
}

/// The manifest, in the order and with the comments of a hand-written one.
fn manifest_text(slug: &str, sha256: &str, new: &NewSource, layout: &Layout) -> String {
    let q = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let mut out = format!(
        "# {}, {}. Written by `summitkb source add`. The text file beside this\n\
         # manifest is kept byte for byte as received; `sha256` pins it, so any edit\n\
         # is caught by the loader before a citation can silently move.\n",
        new.publisher.trim(),
        new.published
    );
    out.push_str(&format!("slug = {}\n", q(slug)));
    out.push_str(&format!("file = {}\n", q(&format!("{slug}.txt"))));
    out.push_str(&format!("sha256 = {}\n", q(sha256)));
    out.push_str(&format!("publisher = {}\n", q(new.publisher.trim())));
    if let Some(p) = &new.publisher_en {
        out.push_str(&format!("publisher_en = {}\n", q(p.trim())));
    }
    out.push_str(&format!("published = {}\n", q(&new.published)));
    if let Some(u) = &new.url {
        out.push_str(&format!("url = {}\n", q(u)));
    }
    out.push_str(&format!("language = {}\n\n", q(new.language.trim())));
    out.push_str(&layout.to_toml());
    out
}

/// Writes both files under temporary names first, then renames them, so a
/// failure part-way leaves neither behind.
fn write_both(
    text_path: &Path,
    text: &[u8],
    manifest_path: &Path,
    manifest: &[u8],
) -> Result<(), AddError> {
    let partial = |p: &Path| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        p.with_file_name(format!(".{name}.partial"))
    };
    let (text_tmp, manifest_tmp) = (partial(text_path), partial(manifest_path));
    let cleanup = |paths: &[&Path]| {
        for p in paths {
            let _ = std::fs::remove_file(p);
        }
    };
    let result = (|| {
        std::fs::write(&text_tmp, text).map_err(|e| AddError::Write(text_tmp.clone(), e))?;
        std::fs::write(&manifest_tmp, manifest)
            .map_err(|e| AddError::Write(manifest_tmp.clone(), e))?;
        std::fs::rename(&text_tmp, text_path)
            .map_err(|e| AddError::Write(text_path.to_path_buf(), e))?;
        if let Err(e) = std::fs::rename(&manifest_tmp, manifest_path) {
            cleanup(&[text_path]);
            return Err(AddError::Write(manifest_path.to_path_buf(), e));
        }
        Ok(())
    })();
    if result.is_err() {
        cleanup(&[&text_tmp, &manifest_tmp]);
    }
    result
}
