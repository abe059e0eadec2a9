//! Writing a checked [`SeedSet`] into SQLite, all or nothing.
//!
//! The import runs in one `BEGIN IMMEDIATE` transaction: it replaces every
//! content row, rebuilds the search index and stamps the data version. If the
//! process dies half-way, SQLite's journal rolls the file back to the previous
//! data on next open. Ids are assigned from the seeds' order, so two imports
//! of the same seeds produce identical databases.

use std::collections::HashMap;

use sqlx::{Connection, SqlitePool};

use crate::model::{FieldName, Kind};
use crate::search::{fold, index_columns, pinyin};
use crate::seeds::{BlockKind, Record, SeedSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// The database already held this data version; nothing was written.
    Unchanged,
    Imported {
        sources: usize,
        records: usize,
    },
}

/// Tables holding imported content, children first.
const CONTENT_TABLES: [&str; 16] = [
    "search_words",
    "synonym_terms",
    "synonym_groups",
    "country_shapes",
    "record_editorial",
    "search_index",
    "suggest_labels",
    "citations",
    "record_links",
    "record_fields",
    "record_aliases",
    "source_subjects",
    "source_errata",
    "source_blocks",
    "records",
    "sources",
];

pub async fn import(pool: &SqlitePool, seeds: &SeedSet) -> Result<ImportOutcome, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;

    let current: Option<String> =
        sqlx::query_scalar("SELECT value FROM meta WHERE key = 'data_version'")
            .fetch_optional(&mut *tx)
            .await?;
    if current.as_deref() == Some(seeds.version.as_str()) {
        tx.rollback().await?;
        return Ok(ImportOutcome::Unchanged);
    }

    // Records link to records imported after them: check keys at commit.
    sqlx::query("PRAGMA defer_foreign_keys = ON")
        .execute(&mut *tx)
        .await?;
    for table in CONTENT_TABLES {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
            .execute(&mut *tx)
            .await?;
    }

    let mut source_ids: HashMap<&str, i64> = HashMap::new();
    for (i, s) in seeds.sources.iter().enumerate() {
        let id = i as i64 + 1;
        source_ids.insert(&s.slug, id);
        sqlx::query(
            "INSERT INTO sources (id, slug, title, subtitle, title_en, publisher, publisher_en, \
             published, url, language, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(&s.slug)
        .bind(&s.title)
        .bind(&s.subtitle)
        .bind(&s.title_en)
        .bind(&s.publisher)
        .bind(&s.publisher_en)
        .bind(&s.published)
        .bind(&s.url)
        .bind(&s.language)
        .bind(&s.sha256)
        .execute(&mut *tx)
        .await?;
        for (pos, b) in s.blocks.iter().enumerate() {
            sqlx::query(
                "INSERT INTO source_blocks (source_id, position, kind, n, text) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(pos as i64)
            .bind(b.kind.as_str())
            .bind(b.n.map(i64::from))
            .bind(&b.text)
            .execute(&mut *tx)
            .await?;
            if let (BlockKind::Paragraph, Some(n)) = (b.kind, b.n) {
                // The corrected reading is matched too: 忆及 finds the
                // paragraph that misprints it 亿及.
                let body = match s.corrected(pos) {
                    Some(c) => format!("{} | {}", fold(&b.text), fold(&c)),
                    None => fold(&b.text),
                };
                sqlx::query(
                    "INSERT INTO search_index (target, ref_id, n, countries, names, pinyin, linked, body) \
                     VALUES ('paragraph', ?, ?, '', '', '', '', ?)",
                )
                .bind(id)
                .bind(i64::from(n))
                .bind(body)
                .execute(&mut *tx)
                .await?;
            }
        }
        for (pos, e) in s.errata.iter().enumerate() {
            sqlx::query(
                "INSERT INTO source_errata (source_id, position, block_position, line, char_offset, \
                 published, reading, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(pos as i64)
            .bind(e.block as i64)
            .bind(e.line as i64)
            .bind(e.offset as i64)
            .bind(&e.published)
            .bind(&e.reading)
            .bind(&e.note)
            .execute(&mut *tx)
            .await?;
        }
    }

    let record_ids: HashMap<&str, i64> = seeds
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.slug.as_str(), i as i64 + 1))
        .collect();
    let kind_of: HashMap<&str, Kind> = seeds
        .records
        .iter()
        .map(|r| (r.slug.as_str(), r.kind))
        .collect();

    let mut vocabulary: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for (i, r) in seeds.records.iter().enumerate() {
        let id = i as i64 + 1;
        sqlx::query(
            "INSERT INTO records (id, kind, slug, title, english, english_basis, \
             english_ref_publisher, english_ref_title, english_ref_date, english_ref_url, \
             english_note, summary, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(r.kind.as_str())
        .bind(&r.slug)
        .bind(&r.title)
        .bind(&r.english)
        .bind(r.english_basis.map(|b| b.as_str()))
        .bind(r.english_ref.as_ref().map(|x| &x.publisher))
        .bind(r.english_ref.as_ref().map(|x| &x.title))
        .bind(r.english_ref.as_ref().map(|x| &x.date))
        .bind(r.english_ref.as_ref().and_then(|x| x.url.as_ref()))
        .bind(&r.english_note)
        .bind(&r.summary)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        for (pos, a) in r.aliases.iter().enumerate() {
            let note = r.alias_notes.iter().find(|n| n.name == *a);
            let reference = note.and_then(|n| n.reference.as_ref());
            sqlx::query(
                "INSERT INTO record_aliases (record_id, position, alias, basis, note, \
                 ref_publisher, ref_title, ref_date, ref_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(pos as i64)
            .bind(a)
            .bind(note.map(|n| n.basis.as_str()))
            .bind(note.and_then(|n| n.note.as_ref()))
            .bind(reference.map(|x| &x.publisher))
            .bind(reference.map(|x| &x.title))
            .bind(reference.map(|x| &x.date))
            .bind(reference.and_then(|x| x.url.as_ref()))
            .execute(&mut *tx)
            .await?;
        }
        for (pos, e) in r.editorial.iter().enumerate() {
            sqlx::query(
                "INSERT INTO record_editorial (record_id, position, text, text_en, ref_publisher, \
                 ref_title, ref_date, ref_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(pos as i64)
            .bind(&e.text)
            .bind(&e.text_en)
            .bind(&e.reference.publisher)
            .bind(&e.reference.title)
            .bind(&e.reference.date)
            .bind(&e.reference.url)
            .execute(&mut *tx)
            .await?;
        }
        for (name, value) in &r.fields {
            sqlx::query("INSERT INTO record_fields (record_id, name, value) VALUES (?, ?, ?)")
                .bind(id)
                .bind(name.as_str())
                .bind(value)
                .execute(&mut *tx)
                .await?;
        }
        for (pos, l) in r.links.iter().enumerate() {
            sqlx::query(
                "INSERT INTO record_links (from_id, to_id, role, position) VALUES (?, ?, ?, ?)",
            )
            .bind(id)
            .bind(record_ids[l.target.as_str()])
            .bind(l.role.as_str())
            .bind(pos as i64)
            .execute(&mut *tx)
            .await?;
        }
        for (pos, c) in r.citations.iter().enumerate() {
            sqlx::query(
                "INSERT INTO citations (record_id, position, source_id, paragraph, span, span_start) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(pos as i64)
            .bind(source_ids[c.source.as_str()])
            .bind(i64::from(c.paragraph))
            .bind(&c.span)
            .bind(c.span_start as i64)
            .execute(&mut *tx)
            .await?;
        }

        let countries = countries_of(r, &kind_of);
        let cols = record_index_columns(r, seeds);
        vocabulary.extend(crate::search::fuzzy::vocabulary([
            cols.names.as_str(),
            cols.pinyin.as_str(),
        ]));
        sqlx::query(
            "INSERT INTO search_index (target, ref_id, n, countries, names, pinyin, linked, body) \
             VALUES (?, ?, NULL, ?, ?, ?, ?, ?)",
        )
        .bind(r.kind.as_str())
        .bind(id)
        .bind(countries.join(" "))
        .bind(cols.names)
        .bind(cols.pinyin)
        .bind(cols.linked)
        .bind(cols.body)
        .execute(&mut *tx)
        .await?;
        for (label, rank) in suggest_labels(r) {
            sqlx::query("INSERT INTO suggest_labels (record_id, label, rank) VALUES (?, ?, ?)")
                .bind(id)
                .bind(label)
                .bind(rank)
                .execute(&mut *tx)
                .await?;
        }
    }

    for word in &vocabulary {
        sqlx::query("INSERT INTO search_words (word, len) VALUES (?, ?)")
            .bind(word)
            .bind(word.chars().count() as i64)
            .execute(&mut *tx)
            .await?;
    }
    for (i, g) in seeds.synonyms.iter().enumerate() {
        let group = i as i64 + 1;
        sqlx::query("INSERT INTO synonym_groups (id, note) VALUES (?, ?)")
            .bind(group)
            .bind(&g.note)
            .execute(&mut *tx)
            .await?;
        for (pos, t) in g.terms.iter().enumerate() {
            sqlx::query(
                "INSERT INTO synonym_terms (group_id, position, term, folded) VALUES (?, ?, ?, ?)",
            )
            .bind(group)
            .bind(pos as i64)
            .bind(t)
            .bind(crate::search::Query::parse(t).phrase())
            .execute(&mut *tx)
            .await?;
        }
    }

    for s in &seeds.sources {
        for slug in &s.about {
            sqlx::query("INSERT INTO source_subjects (source_id, record_id) VALUES (?, ?)")
                .bind(source_ids[s.slug.as_str()])
                .bind(record_ids[slug.as_str()])
                .execute(&mut *tx)
                .await?;
        }
    }

    for shape in &seeds.shapes {
        let polygons = serde_json::to_string(&shape.polygons).expect("numbers serialise");
        sqlx::query(
            "INSERT INTO country_shapes (iso, capital_lon, capital_lat, label_lon, label_lat, polygons) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&shape.iso)
        .bind(shape.capital.map(|c| c[0]))
        .bind(shape.capital.map(|c| c[1]))
        .bind(shape.label.map(|c| c[0]))
        .bind(shape.label.map(|c| c[1]))
        .bind(polygons)
        .execute(&mut *tx)
        .await?;
    }

    sqlx::query(
        "INSERT INTO meta (key, value) VALUES ('data_version', ?) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(&seeds.version)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(ImportOutcome::Imported {
        sources: seeds.sources.len(),
        records: seeds.records.len(),
    })
}

/// Slugs of the countries a record involves: itself if it is one, and every
/// country it links to, for the search facets.
fn countries_of(r: &Record, kind_of: &HashMap<&str, Kind>) -> Vec<String> {
    let mut out = Vec::new();
    if r.kind == Kind::Country {
        out.push(r.slug.clone());
    }
    for l in &r.links {
        if kind_of.get(l.target.as_str()) == Some(&Kind::Country) && !out.contains(&l.target) {
            out.push(l.target.clone());
        }
    }
    out
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

fn record_index_columns(r: &Record, seeds: &SeedSet) -> crate::search::IndexColumns {
    let names = std::iter::once(r.title.as_str())
        .chain(r.aliases.iter().map(String::as_str))
        .chain(r.english.as_deref());
    let chinese = std::iter::once(r.title.as_str())
        .chain(r.aliases.iter().map(String::as_str))
        .filter(|s| has_cjk(s));
    let linked = r
        .links
        .iter()
        .filter_map(|l| seeds.record(&l.target))
        .flat_map(|t| {
            std::iter::once(t.title.as_str())
                .chain(t.aliases.iter().map(String::as_str))
                .chain(t.english.as_deref())
        });
    // Whether a date is stated or derived is metadata, not something to search.
    let texts: Vec<&str> = std::iter::once(r.summary.as_str())
        .chain(
            r.fields
                .iter()
                .filter(|(n, _)| *n != FieldName::DateBasis)
                .map(|(_, v)| v.as_str()),
        )
        .collect();
    // Quoted words keep a misprint of a paragraph the record cites; its
    // reading is matched too.
    let corrected: Vec<String> = texts
        .iter()
        .filter_map(|t| with_readings(t, r, seeds))
        .collect();
    let body = texts
        .iter()
        .copied()
        .chain(corrected.iter().map(String::as_str));
    index_columns(names, chinese, linked, body)
}

/// `text` with the readings of the errata of the paragraphs `r` cites in
/// place of their published words, if any occur in it.
fn with_readings(text: &str, r: &Record, seeds: &SeedSet) -> Option<String> {
    let mut out = text.to_owned();
    for c in &r.citations {
        let Some(source) = seeds.source(&c.source) else {
            continue;
        };
        for e in source
            .errata
            .iter()
            .filter(|e| e.paragraph == Some(c.paragraph))
        {
            out = out.replace(&e.published, &e.reading);
        }
    }
    (out != text).then_some(out)
}

/// Folded labels a prefix can match while typing, ranked: names first, then
/// their pinyin, then initials and later words of English names.
fn suggest_labels(r: &Record) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = Vec::new();
    let mut push = |label: String, rank: i64| {
        if !label.is_empty() && !out.iter().any(|(l, _)| *l == label) {
            out.push((label, rank));
        }
    };
    let names = std::iter::once(r.title.as_str()).chain(r.aliases.iter().map(String::as_str));
    for n in names {
        push(fold(n), 0);
        if has_cjk(n) {
            let (full, initials) = pinyin(n);
            push(full, 1);
            push(initials, 2);
        }
    }
    if let Some(en) = &r.english {
        let folded = fold(en);
        push(folded.clone(), 0);
        // Later words too, so that "tokayev" finds "Kassym-Jomart Tokayev".
        for (i, c) in folded.char_indices() {
            if c == ' ' || c == '-' {
                push(folded[i + 1..].to_owned(), 2);
            }
        }
    }
    out
}
