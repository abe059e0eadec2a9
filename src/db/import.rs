//! Writing a checked [`SeedSet`] into SQLite, all or nothing.
//!
//! The import runs in one `BEGIN IMMEDIATE` transaction: it replaces every
//! content row, rebuilds the search index and stamps the data version. If the
//! process dies half-way, SQLite's journal rolls the file back to the previous
//! data on next open. Ids are assigned from the seeds' order, so two imports
//! of the same seeds produce identical databases.

use std::collections::HashMap;

use sqlx::query_builder::Separated;
use sqlx::{Connection, QueryBuilder, Sqlite, SqliteConnection, SqlitePool};

use crate::lists::{Content, Grouping, OTHER, columns, groupings};
use crate::model::{FieldName, Kind};
use crate::search::{fold, index_columns, pinyin};
use crate::seeds::{BlockKind, Provenance, Record, SeedSet, Source};

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
const CONTENT_TABLES: [&str; 32] = [
    "country_backlinks",
    "source_kind_counts",
    "list_keys",
    "list_entries",
    "timeline_keys",
    "map_latest",
    "map_projects",
    "map_region",
    "map_country_counts",
    "map_members",
    "commitment_parties",
    "record_commitments",
    "record_status",
    "record_disagreements",
    "search_words",
    "synonym_terms",
    "synonym_groups",
    "country_shapes",
    "record_editorial",
    "search_facets",
    "search_facet_values",
    "search_rows",
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
    // Contentless, the term index cannot delete rows, only all of them.
    sqlx::query("INSERT INTO search_terms (search_terms) VALUES ('delete-all')")
        .execute(&mut *tx)
        .await?;

    let ids = Ids::of(seeds);
    write_content(&mut tx, seeds, &ids).await?;
    write_map_summaries(&mut tx).await?;
    write_timeline_keys(&mut tx).await?;
    write_list_tables(&mut tx).await?;
    write_page_summaries(&mut tx).await?;
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

/// Every content row of `seeds`, table by table, parents first.
async fn write_content(
    tx: &mut SqliteConnection,
    seeds: &SeedSet,
    ids: &Ids<'_>,
) -> Result<(), sqlx::Error> {
    insert_rows(
        tx,
        "sources (id, slug, title, subtitle, title_en, publisher, publisher_en, published, \
         url, language, sha256)",
        seeds.sources.iter().enumerate(),
        |mut row, (i, s)| {
            row.push_bind(i as i64 + 1)
                .push_bind(&s.slug)
                .push_bind(&s.title)
                .push_bind(&s.subtitle)
                .push_bind(&s.title_en)
                .push_bind(&s.publisher)
                .push_bind(&s.publisher_en)
                .push_bind(&s.published)
                .push_bind(&s.url)
                .push_bind(&s.language)
                .push_bind(&s.sha256);
        },
    )
    .await?;
    let blocks = seeds.sources.iter().enumerate().flat_map(|(i, s)| {
        let id = i as i64 + 1;
        s.blocks
            .iter()
            .enumerate()
            .map(move |(pos, b)| (id, pos, b))
    });
    insert_rows(
        tx,
        "source_blocks (source_id, position, kind, n, text)",
        blocks,
        |mut row, (id, pos, b)| {
            row.push_bind(id)
                .push_bind(pos as i64)
                .push_bind(b.kind.as_str())
                .push_bind(b.n.map(i64::from))
                .push_bind(&b.text);
        },
    )
    .await?;
    let paragraphs = seeds.sources.iter().enumerate().flat_map(|(i, s)| {
        let id = i as i64 + 1;
        s.blocks
            .iter()
            .enumerate()
            .filter_map(move |(pos, b)| match (b.kind, b.n) {
                (BlockKind::Paragraph, Some(n)) => {
                    // The corrected reading is matched too: 忆及 finds the
                    // paragraph that misprints it 亿及.
                    let body = match s.corrected(pos) {
                        Some(c) => format!("{} | {}", fold(&b.text), fold(&c)),
                        None => fold(&b.text),
                    };
                    Some((id, n, body))
                }
                _ => None,
            })
    });
    // Search rows are numbered records first (each under its record's
    // id), then paragraphs, each in document order: the order search
    // ranks candidates in (migration 0021).
    let first_paragraph_row = seeds.records.len() as i64 + 1;
    insert_rows(
        tx,
        "search_rows (id, target, ref_id, n, countries, names, pinyin, linked, body)",
        paragraphs
            .enumerate()
            .map(|(i, p)| (first_paragraph_row + i as i64, p)),
        |mut row, (row_id, (id, n, body))| {
            row.push_bind(row_id)
                .push_bind("paragraph")
                .push_bind(id)
                .push_bind(i64::from(n))
                .push_bind("")
                .push_bind("")
                .push_bind("")
                .push_bind("")
                .push_bind(body);
        },
    )
    .await?;
    let errata = seeds.sources.iter().enumerate().flat_map(|(i, s)| {
        let id = i as i64 + 1;
        s.errata
            .iter()
            .enumerate()
            .map(move |(pos, e)| (id, pos, e))
    });
    insert_rows(
        tx,
        "source_errata (source_id, position, block_position, line, char_offset, published, \
         reading, note)",
        errata,
        |mut row, (id, pos, e)| {
            row.push_bind(id)
                .push_bind(pos as i64)
                .push_bind(e.block as i64)
                .push_bind(e.line as i64)
                .push_bind(e.offset as i64)
                .push_bind(&e.published)
                .push_bind(&e.reading)
                .push_bind(&e.note);
        },
    )
    .await?;

    let records = || {
        seeds
            .records
            .iter()
            .enumerate()
            .map(|(i, r)| (i as i64 + 1, r))
    };
    insert_rows(
        tx,
        "records (id, kind, slug, title, english, english_basis, english_ref_publisher, \
         english_ref_title, english_ref_date, english_ref_url, english_note, summary, position, \
         summary_en, summary_en_basis, summary_en_ref_publisher, summary_en_ref_title, \
         summary_en_ref_date, summary_en_ref_url, fields_en_basis, fields_en_ref_publisher, \
         fields_en_ref_title, fields_en_ref_date, fields_en_ref_url)",
        records(),
        |mut row, (id, r)| {
            let summary_en = ProvenanceColumns::of(r.summary_en_provenance.as_ref());
            let fields_en = ProvenanceColumns::of(r.fields_en_provenance.as_ref());
            row.push_bind(id)
                .push_bind(r.kind.as_str())
                .push_bind(&r.slug)
                .push_bind(&r.title)
                .push_bind(&r.english)
                .push_bind(r.english_basis.map(|b| b.as_str()))
                .push_bind(r.english_ref.as_ref().map(|x| &x.publisher))
                .push_bind(r.english_ref.as_ref().map(|x| &x.title))
                .push_bind(r.english_ref.as_ref().map(|x| &x.date))
                .push_bind(r.english_ref.as_ref().and_then(|x| x.url.as_ref()))
                .push_bind(&r.english_note)
                .push_bind(&r.summary)
                .push_bind(id)
                .push_bind(&r.summary_en)
                .push_bind(summary_en.basis)
                .push_bind(summary_en.publisher)
                .push_bind(summary_en.title)
                .push_bind(summary_en.date)
                .push_bind(summary_en.url)
                .push_bind(fields_en.basis)
                .push_bind(fields_en.publisher)
                .push_bind(fields_en.title)
                .push_bind(fields_en.date)
                .push_bind(fields_en.url);
        },
    )
    .await?;
    insert_rows(
        tx,
        "record_aliases (record_id, position, alias, basis, note, ref_publisher, ref_title, \
         ref_date, ref_url)",
        records().flat_map(|(id, r)| {
            r.aliases
                .iter()
                .enumerate()
                .map(move |(p, a)| (id, r, p, a))
        }),
        |mut row, (id, r, pos, a)| {
            let note = r.alias_notes.iter().find(|n| n.name == *a);
            let reference = note.and_then(|n| n.reference.as_ref());
            row.push_bind(id)
                .push_bind(pos as i64)
                .push_bind(a)
                .push_bind(note.map(|n| n.basis.as_str()))
                .push_bind(note.and_then(|n| n.note.as_ref()))
                .push_bind(reference.map(|x| &x.publisher))
                .push_bind(reference.map(|x| &x.title))
                .push_bind(reference.map(|x| &x.date))
                .push_bind(reference.and_then(|x| x.url.as_ref()));
        },
    )
    .await?;
    insert_rows(
        tx,
        "record_editorial (record_id, position, text, text_en, ref_publisher, ref_title, \
         ref_date, ref_url)",
        records().flat_map(|(id, r)| r.editorial.iter().enumerate().map(move |(p, e)| (id, p, e))),
        |mut row, (id, pos, e)| {
            row.push_bind(id)
                .push_bind(pos as i64)
                .push_bind(&e.text)
                .push_bind(&e.text_en)
                .push_bind(&e.reference.publisher)
                .push_bind(&e.reference.title)
                .push_bind(&e.reference.date)
                .push_bind(&e.reference.url);
        },
    )
    .await?;
    insert_rows(
        tx,
        "record_fields (record_id, name, value, value_en)",
        records().flat_map(|(id, r)| {
            r.fields
                .iter()
                .map(move |(name, value)| (id, r, name, value))
        }),
        |mut row, (id, r, name, value)| {
            row.push_bind(id)
                .push_bind(name.as_str())
                .push_bind(value)
                .push_bind(r.field_en(*name));
        },
    )
    .await?;
    insert_rows(
        tx,
        "record_links (from_id, to_id, role, position)",
        records().flat_map(|(id, r)| r.links.iter().enumerate().map(move |(p, l)| (id, p, l))),
        |mut row, (id, pos, l)| {
            row.push_bind(id)
                .push_bind(ids.records[l.target.as_str()].0)
                .push_bind(l.role.as_str())
                .push_bind(pos as i64);
        },
    )
    .await?;
    insert_rows(
        tx,
        "citations (record_id, position, source_id, paragraph, span, span_start)",
        records().flat_map(|(id, r)| r.citations.iter().enumerate().map(move |(p, c)| (id, p, c))),
        |mut row, (id, pos, c)| {
            row.push_bind(id)
                .push_bind(pos as i64)
                .push_bind(ids.sources[c.source.as_str()].0)
                .push_bind(i64::from(c.paragraph))
                .push_bind(&c.span)
                .push_bind(c.span_start as i64);
        },
    )
    .await?;
    insert_rows(
        tx,
        "record_status (record_id, position, status, status_en, date, date_basis, citation_position)",
        records().flat_map(|(id, r)| {
            r.status_history
                .iter()
                .enumerate()
                .map(move |(p, st)| (id, p, st))
        }),
        |mut row, (id, pos, st)| {
            row.push_bind(id)
                .push_bind(pos as i64)
                .push_bind(&st.status)
                .push_bind(&st.status_en)
                .push_bind(&st.date)
                .push_bind(st.basis.as_str())
                .push_bind(st.citation as i64);
        },
    )
    .await?;
    insert_rows(
        tx,
        "record_commitments (record_id, said_by, verb, citation_position, deadline, \
         deadline_basis, derivation)",
        records().filter_map(|(id, r)| r.commitment.as_ref().map(|c| (id, c))),
        |mut row, (id, c)| {
            row.push_bind(id)
                .push_bind(&c.said_by)
                .push_bind(&c.verb)
                .push_bind(c.citation as i64)
                .push_bind(&c.deadline)
                .push_bind(c.deadline_basis.map(|b| b.labels().1))
                .push_bind(&c.derivation);
        },
    )
    .await?;
    insert_rows(
        tx,
        "commitment_parties (record_id, position, party_id)",
        records().flat_map(|(id, r)| {
            r.commitment
                .iter()
                .flat_map(|c| c.by.iter().enumerate())
                .map(move |(p, party)| (id, p, party))
        }),
        |mut row, (id, pos, party)| {
            row.push_bind(id)
                .push_bind(pos as i64)
                .push_bind(ids.records[party.as_str()].0);
        },
    )
    .await?;
    insert_rows(
        tx,
        "record_disagreements (record_id, position, field, value, citation_position, \
         other_value, other_citation_position)",
        records().flat_map(|(id, r)| {
            r.disagreements
                .iter()
                .enumerate()
                .map(move |(p, d)| (id, p, d))
        }),
        |mut row, (id, pos, d)| {
            row.push_bind(id)
                .push_bind(pos as i64)
                .push_bind(d.field.as_str())
                .push_bind(&d.value)
                .push_bind(d.citation as i64)
                .push_bind(&d.other_value)
                .push_bind(d.other_citation as i64);
        },
    )
    .await?;
    // Computed a statement's worth at a time, as the rows are taken: the
    // index columns of a large corpus are never all in memory at once.
    // The Latin words of names and their pinyin, which typo tolerance
    // compares a query's words with.
    let mut vocabulary: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    insert_rows(
        tx,
        "search_rows (id, target, ref_id, n, countries, names, pinyin, linked, body)",
        records().map(|(id, r)| {
            let cols = record_index_columns(r, ids);
            vocabulary.extend(crate::search::fuzzy::vocabulary([
                cols.names.as_str(),
                cols.pinyin.as_str(),
            ]));
            (id, r, countries_of(r, ids), cols)
        }),
        |mut row, (id, r, countries, cols)| {
            row.push_bind(id)
                .push_bind(r.kind.as_str())
                .push_bind(id)
                .push_bind(None::<i64>)
                .push_bind(countries.join(" "))
                .push_bind(cols.names)
                .push_bind(cols.pinyin)
                .push_bind(cols.linked)
                .push_bind(cols.body);
        },
    )
    .await?;
    insert_rows(
        tx,
        "suggest_labels (record_id, label, rank)",
        records().flat_map(|(id, r)| {
            suggest_labels(r)
                .into_iter()
                .map(move |(label, rank)| (id, label, rank))
        }),
        |mut row, (id, label, rank)| {
            row.push_bind(id).push_bind(label).push_bind(rank);
        },
    )
    .await?;
    insert_rows(
        tx,
        "search_words (word, len)",
        vocabulary.iter(),
        |mut row, word| {
            row.push_bind(word).push_bind(word.chars().count() as i64);
        },
    )
    .await?;
    insert_rows(
        tx,
        "synonym_groups (id, note)",
        seeds.synonyms.iter().enumerate(),
        |mut row, (i, g)| {
            row.push_bind(i as i64 + 1).push_bind(&g.note);
        },
    )
    .await?;
    insert_rows(
        tx,
        "synonym_terms (group_id, position, term, folded)",
        seeds.synonyms.iter().enumerate().flat_map(|(i, g)| {
            g.terms
                .iter()
                .enumerate()
                .map(move |(pos, t)| (i as i64 + 1, pos, t))
        }),
        |mut row, (group, pos, t)| {
            row.push_bind(group)
                .push_bind(pos as i64)
                .push_bind(t)
                .push_bind(crate::search::Query::parse(t).phrase());
        },
    )
    .await?;
    let subjects = seeds.sources.iter().flat_map(|s| {
        let source = ids.sources[s.slug.as_str()].0;
        s.about
            .iter()
            .map(move |slug| (source, ids.records[slug.as_str()].0))
    });
    insert_rows(
        tx,
        "source_subjects (source_id, record_id)",
        subjects,
        |mut row, (source, record)| {
            row.push_bind(source).push_bind(record);
        },
    )
    .await?;
    write_search_indexes(tx).await?;
    insert_rows(
        tx,
        "country_shapes (iso, capital_lon, capital_lat, label_lon, label_lat, polygons)",
        seeds.shapes.iter(),
        |mut row, shape| {
            let polygons = serde_json::to_string(&shape.polygons).expect("numbers serialise");
            row.push_bind(&shape.iso)
                .push_bind(shape.capital.map(|c| c[0]))
                .push_bind(shape.capital.map(|c| c[1]))
                .push_bind(shape.label.map(|c| c[0]))
                .push_bind(shape.label.map(|c| c[1]))
                .push_bind(polygons);
        },
    )
    .await
}

/// Completes the search tables from the rows of `search_rows` (migration
/// 0014), once the records' citations and the sources' subjects are in:
/// what ranking asks of each record, the trigram index in one 'rebuild'
/// (which also empties it first), the term index, and the facets.
async fn write_search_indexes(tx: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE search_rows SET \
           about = ref_id IN (SELECT record_id FROM source_subjects), \
           cited = (SELECT count(DISTINCT ci.paragraph) FROM citations ci \
             WHERE ci.record_id = search_rows.ref_id) \
         WHERE target != 'paragraph'",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO search_index (search_index) VALUES ('rebuild')")
        .execute(&mut *tx)
        .await?;
    write_term_index(tx).await?;
    write_search_facets(tx).await
}

/// Rows of `search_rows` read back per statement for the term index.
const TERM_BATCH: i64 = 1_000;

/// Writes the term index (`search_terms`, [`crate::search::terms`]) from
/// the folded columns of every `search_rows` row, under the same rowid:
/// read back from the table rather than recomputed, so a lookup sees the
/// very text a scan would, a batch at a time.
async fn write_term_index(tx: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    let mut after = 0_i64;
    loop {
        let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
            "SELECT id, names, pinyin, linked, body FROM search_rows \
             WHERE id > ?1 ORDER BY id LIMIT ?2",
        )
        .bind(after)
        .bind(TERM_BATCH)
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.0;
        insert_rows(
            tx,
            "search_terms (rowid, terms)",
            rows.iter().map(|(id, names, pinyin, linked, body)| {
                let terms = crate::search::terms::index_terms([
                    names.as_str(),
                    pinyin.as_str(),
                    linked.as_str(),
                    body.as_str(),
                ]);
                (*id, terms)
            }),
            |mut row, (id, terms)| {
                row.push_bind(id).push_bind(terms);
            },
        )
        .await?;
    }
}

/// Writes each `search_rows` row's facet value (its target and
/// countries, migration 0021) into `search_facets` under the same rowid,
/// for the totals and facets of a search. `INSERT ... SELECT`s, inside
/// SQLite: the values are already in the table, so nothing is bound or
/// sent back and forth, which batching with `insert_rows` would still do.
async fn write_search_facets(tx: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO search_facet_values (target, countries) \
         SELECT DISTINCT target, countries FROM search_rows ORDER BY target, countries",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO search_facets (id, facet) \
         SELECT s.id, v.id FROM search_rows s \
         JOIN search_facet_values v ON v.target = s.target AND v.countries = s.countries",
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Writes each dated record's place on the timeline (migration 0016): its
/// date's sort key and year, and whether the date is stated, read back
/// from the fields just written and parsed as the pages parse them. A
/// date that does not parse has no place, as the timeline leaves it out.
async fn write_timeline_keys(tx: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    use crate::dates::{Basis, DateSpan};
    let dated: Vec<(i64, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT r.id, d.value, b.value, r.position FROM records r \
         JOIN record_fields d ON d.record_id = r.id AND d.name = 'date' \
         LEFT JOIN record_fields b ON b.record_id = r.id AND b.name = 'date_basis'",
    )
    .fetch_all(&mut *tx)
    .await?;
    let keys = dated.into_iter().filter_map(|(id, date, basis, position)| {
        let span = DateSpan::parse(&date).ok()?;
        let stated = basis
            .as_deref()
            .and_then(Basis::parse)
            .unwrap_or(Basis::Stated)
            == Basis::Stated;
        Some((id, span.sort_key(), span.start.year, stated, position))
    });
    insert_rows(
        tx,
        "timeline_keys (record_id, sort_key, year, stated, position)",
        keys,
        |mut b, (id, key, year, stated, position)| {
            b.push_bind(id)
                .push_bind(key)
                .push_bind(year)
                .push_bind(stated)
                .push_bind(position);
        },
    )
    .await
}

/// Writes the tables a list page is read from (migration 0018), each
/// with an `INSERT ... SELECT` inside SQLite: every record under each
/// grouping its kind's list offers ([`crate::lists::groupings`]), and the
/// sort key of every column of linked records ([`crate::lists::columns`]):
/// how many records a record's cell holds and their titles in link order,
/// as the cell shows them.
async fn write_list_tables(tx: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    for kind in Kind::ALL {
        for grouping in groupings(kind) {
            let (sql, param) = match grouping {
                Grouping::None => (
                    "INSERT INTO list_entries (kind, grouping, g, first, position, record_id) \
                     SELECT kind, ?2, '', 0, position, id FROM records WHERE kind = ?1",
                    None,
                ),
                Grouping::Field(f) => (
                    "INSERT INTO list_entries (kind, grouping, g, first, position, record_id) \
                     SELECT r.kind, ?2, COALESCE(f.value, ?4), r.position, r.position, r.id \
                     FROM records r LEFT JOIN record_fields f \
                       ON f.record_id = r.id AND f.name = ?3 \
                     WHERE r.kind = ?1",
                    Some(f.as_str()),
                ),
                Grouping::Country(role) => (
                    "INSERT INTO list_entries (kind, grouping, g, first, position, record_id) \
                     SELECT r.kind, ?2, c.slug, (r.position << 20) + l.position, r.position, r.id \
                     FROM records r JOIN record_links l ON l.from_id = r.id AND l.role = ?3 \
                       JOIN records c ON c.id = l.to_id AND c.kind = 'country' \
                     WHERE r.kind = ?1 \
                     UNION ALL SELECT kind, ?2, '', 9223372036854775807, position, id \
                     FROM records r WHERE kind = ?1 AND NOT EXISTS (SELECT 1 FROM record_links l \
                       JOIN records c ON c.id = l.to_id AND c.kind = 'country' \
                       WHERE l.from_id = r.id AND l.role = ?3)",
                    Some(role.as_str()),
                ),
            };
            sqlx::query(sql)
                .bind(kind)
                .bind(grouping.key())
                .bind(param)
                .bind(OTHER)
                .execute(&mut *tx)
                .await?;
        }
        for col in columns(kind) {
            let Content::Links(role, only) = col.content() else {
                continue;
            };
            sqlx::query(
                "INSERT INTO list_keys (col, record_id, sort_key) \
                 SELECT ?1, l.from_id, \
                   printf('%03d', count(*)) || group_concat(t.title, '、' ORDER BY l.position) \
                 FROM record_links l JOIN records f ON f.id = l.from_id \
                   JOIN records t ON t.id = l.to_id \
                 WHERE f.kind = ?2 AND l.role = ?3 AND (?4 IS NULL OR t.kind = ?4) \
                 GROUP BY l.from_id",
            )
            .bind(col.key())
            .bind(kind)
            .bind(role.as_str())
            .bind(only)
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}

/// Writes what the scope asides and a country's page read (an
/// `INSERT ... SELECT` each): how many records of each kind each source's
/// citations hold (migration 0019), and the records linking to each
/// country, once each (migration 0020).
async fn write_page_summaries(tx: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    for summary in [
        "INSERT INTO source_kind_counts (source_id, kind, count) \
         SELECT c.source_id, r.kind, COUNT(DISTINCT r.id) \
         FROM citations c JOIN records r ON r.id = c.record_id \
         GROUP BY c.source_id, r.kind",
        "INSERT INTO country_backlinks (country_id, kind, position, record_id) \
         SELECT DISTINCT l.to_id, f.kind, f.position, f.id \
         FROM record_links l JOIN records t ON t.id = l.to_id AND t.kind = 'country' \
           JOIN records f ON f.id = l.from_id",
    ] {
        sqlx::query(summary).execute(&mut *tx).await?;
    }
    Ok(())
}

/// Kinds whose records count as outcomes on the map, as SQL.
const MAP_OUTCOME_KINDS: &str = "('agreement', 'project', 'initiative')";

/// How many countries each outcome of `map_members` names, and the most
/// any names: what makes an outcome region-wide, for both tables that ask.
const MAP_SIZE: &str = "size AS MATERIALIZED \
       (SELECT outcome_id, COUNT(*) AS n FROM map_members GROUP BY outcome_id), \
     widest AS (SELECT COALESCE(MAX(n), 0) AS n FROM size)";

/// Writes the map's counts over the whole corpus (migration 0015) from the
/// records, links and statuses just written: an `INSERT ... SELECT` each,
/// in dependency order, so that the map reads a row per country however
/// many outcomes there are.
async fn write_map_summaries(tx: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    let k = MAP_OUTCOME_KINDS;
    let statements = [
        format!(
            "INSERT INTO map_members (country_id, outcome_id) \
             SELECT DISTINCT l.to_id, l.from_id FROM record_links l \
             JOIN records o ON o.id = l.from_id JOIN records t ON t.id = l.to_id \
             WHERE o.kind IN {k} AND l.role IN ('parties', 'countries') AND t.kind = 'country'"
        ),
        "INSERT INTO map_latest (country_id, outcome_id, date, position) \
         SELECT m.country_id, m.outcome_id, st.date, o.position FROM map_members m \
         JOIN records o ON o.id = m.outcome_id \
         JOIN record_status st ON st.record_id = o.id AND st.position = \
           (SELECT MAX(position) FROM record_status WHERE record_id = o.id)"
            .to_owned(),
        format!(
            "INSERT INTO map_region (id, outcomes, countries) WITH {MAP_SIZE} \
             SELECT 0, (SELECT COUNT(*) FROM size WHERE n = (SELECT n FROM widest)), \
                    (SELECT n FROM widest)"
        ),
        format!(
            "INSERT INTO map_country_counts \
               (country_id, outcomes, specific, mentions, latest_total, latest_kinds) \
             WITH {MAP_SIZE} \
             SELECT r.id, \
               (SELECT COUNT(*) FROM map_members m WHERE m.country_id = r.id), \
               (SELECT COUNT(*) FROM map_members m JOIN size z ON z.outcome_id = m.outcome_id \
                 WHERE m.country_id = r.id AND z.n < (SELECT n FROM widest)), \
               (SELECT COUNT(DISTINCT l.from_id) FROM record_links l \
                  JOIN records o ON o.id = l.from_id \
                 WHERE l.to_id = r.id AND l.role = 'related' AND o.kind IN {k} \
                   AND NOT EXISTS (SELECT 1 FROM map_members m \
                     WHERE m.country_id = r.id AND m.outcome_id = l.from_id)), \
               (SELECT COUNT(*) FROM map_latest x WHERE x.country_id = r.id), \
               COALESCE((SELECT group_concat(kind, ' ') FROM (SELECT DISTINCT o.kind \
                 FROM map_latest x JOIN records o ON o.id = x.outcome_id \
                 WHERE x.country_id = r.id)), '') \
             FROM records r WHERE r.kind = 'country'"
        ),
        // A project's countries the map can draw: with a shape and a capital.
        "INSERT INTO map_projects (project_id, position, drawn) \
         SELECT p.id, p.position, \
           (SELECT COUNT(*) FROM record_links l \
              JOIN records c ON c.id = l.to_id AND c.kind = 'country' \
              JOIN record_fields f ON f.record_id = c.id AND f.name = 'iso' \
              JOIN country_shapes s ON s.iso = f.value \
             WHERE l.from_id = p.id AND l.role = 'countries' \
               AND s.capital_lon IS NOT NULL AND s.capital_lat IS NOT NULL) \
         FROM records p WHERE p.kind = 'project'"
            .to_owned(),
    ];
    for sql in statements {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Most values bound in one statement: SQLite's limit is 32,766 (its
/// `SQLITE_MAX_VARIABLE_NUMBER` since 3.32, which the bundled library has).
const MAX_BINDS: usize = 32_000;
/// Most rows in one statement, so that its text stays a few hundred KB.
const MAX_ROWS: usize = 1_000;

/// Inserts `rows` into `into` (`table (columns)`), as many rows per
/// statement as the limits allow. Each statement is a round trip to sqlx's
/// SQLite thread: inserting row by row, a corpus 100 times today's took
/// 20 s to import, nearly all of it in those round trips. Rows are taken
/// from the iterator one statement's worth at a time.
async fn insert_rows<T>(
    tx: &mut SqliteConnection,
    into: &str,
    rows: impl IntoIterator<Item = T>,
    mut bind: impl FnMut(Separated<'_, Sqlite, &'static str>, T),
) -> Result<(), sqlx::Error> {
    let columns = into.matches(',').count() + 1;
    let per_statement = (MAX_BINDS / columns).clamp(1, MAX_ROWS);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut statement = QueryBuilder::<Sqlite>::new(format!("INSERT INTO {into} "));
        statement.push_values(rows.by_ref().take(per_statement), &mut bind);
        statement.build().execute(&mut *tx).await?;
    }
    Ok(())
}

/// Ids by slug, assigned from the seeds' order, with the seeds they stand
/// for: one lookup per link or citation, where searching the seed lists
/// made the import quadratic in the number of records.
struct Ids<'a> {
    sources: HashMap<&'a str, (i64, &'a Source)>,
    records: HashMap<&'a str, (i64, &'a Record)>,
}

impl<'a> Ids<'a> {
    fn of(seeds: &'a SeedSet) -> Self {
        Ids {
            sources: (seeds.sources.iter().enumerate())
                .map(|(i, s)| (s.slug.as_str(), (i as i64 + 1, s)))
                .collect(),
            records: (seeds.records.iter().enumerate())
                .map(|(i, r)| (r.slug.as_str(), (i as i64 + 1, r)))
                .collect(),
        }
    }

    fn record(&self, slug: &str) -> Option<&'a Record> {
        self.records.get(slug).map(|(_, r)| *r)
    }

    fn source(&self, slug: &str) -> Option<&'a Source> {
        self.sources.get(slug).map(|(_, s)| *s)
    }
}

/// The columns of a provenance (`summary_en_*`, `fields_en_*`): a basis, and
/// for an official one the English text's reference; all null for none.
struct ProvenanceColumns<'a> {
    basis: Option<&'static str>,
    publisher: Option<&'a str>,
    title: Option<&'a str>,
    date: Option<&'a str>,
    url: Option<&'a str>,
}

impl<'a> ProvenanceColumns<'a> {
    fn of(p: Option<&'a Provenance>) -> Self {
        let r = p.and_then(|p| p.reference.as_ref());
        ProvenanceColumns {
            basis: p.map(|p| p.basis.as_str()),
            publisher: r.map(|r| r.publisher.as_str()),
            title: r.map(|r| r.title.as_str()),
            date: r.map(|r| r.date.as_str()),
            url: r.and_then(|r| r.url.as_deref()),
        }
    }
}

/// Slugs of the countries a record involves: itself if it is one, and every
/// country it links to, for the search facets.
fn countries_of(r: &Record, ids: &Ids) -> Vec<String> {
    let mut out = Vec::new();
    if r.kind == Kind::Country {
        out.push(r.slug.clone());
    }
    for l in &r.links {
        let is_country = ids
            .record(&l.target)
            .is_some_and(|t| t.kind == Kind::Country);
        if is_country && !out.contains(&l.target) {
            out.push(l.target.clone());
        }
    }
    out
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

fn record_index_columns(r: &Record, ids: &Ids) -> crate::search::IndexColumns {
    let names = std::iter::once(r.title.as_str())
        .chain(r.aliases.iter().map(String::as_str))
        .chain(r.english.as_deref());
    let chinese = std::iter::once(r.title.as_str())
        .chain(r.aliases.iter().map(String::as_str))
        .filter(|s| has_cjk(s));
    let linked = r
        .links
        .iter()
        .filter_map(|l| ids.record(&l.target))
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
        .filter_map(|t| with_readings(t, r, ids))
        .collect();
    let body = texts
        .iter()
        .copied()
        .chain(corrected.iter().map(String::as_str));
    index_columns(names, chinese, linked, body)
}

/// `text` with the readings of the errata of the paragraphs `r` cites in
/// place of their published words, if any occur in it.
fn with_readings(text: &str, r: &Record, ids: &Ids) -> Option<String> {
    let mut out = text.to_owned();
    for c in &r.citations {
        let Some(source) = ids.source(&c.source) else {
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
