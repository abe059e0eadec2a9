//! A kind's list page in SQL: the kind's records, narrowed to one country,
//! grouped, sorted, counted per group, and the one page of them shown.
//!
//! The order is the one the list has always had: groups in the order the
//! sources first name them (a field's values; a record's countries, in its
//! links' order; records with no country last), rows in each by the chosen
//! key with empty cells last and ties in the sources' order, so every page
//! of a sort holds the same records. What a page then shows of its rows
//! (their cells) is read for those rows alone.

use std::ops::Range;

use sqlx::{FromRow, SqlitePool};

use crate::lists::{Column, Grouping};
use crate::model::{FieldName, Kind};

/// Which list, in which view.
#[derive(Debug, Clone, Copy)]
pub struct ListView<'a> {
    pub kind: Kind,
    /// A country's slug: the records naming it in any role.
    pub country: Option<&'a str>,
    pub grouping: Grouping,
    /// `None`: the sources' order; `Some(None)`: by title; else by a column.
    pub sort: Option<Option<Column>>,
    pub desc: bool,
}

/// One group, in order: its key (the field's value, or the country's slug,
/// empty for records with no country), its label and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListGroup {
    pub key: String,
    /// The country's title, for a group of a country.
    pub title: Option<String>,
    /// The field value's English (that of the group's first record), or
    /// the country's English name.
    pub english: Option<String>,
    /// Rows in the group over every page.
    pub count: usize,
}

/// A row of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListEntry {
    /// Its group's index in [`ListAnswer::groups`].
    pub group: usize,
    pub record_id: i64,
    /// The record's place in the sources' order.
    pub position: i64,
}

/// The counts of a list view.
#[derive(Debug, Clone, Default)]
pub struct ListAnswer {
    /// Records in the view (a record under several countries counts once).
    pub records: usize,
    /// Whether any of them only mentions a country.
    pub mentions_countries: bool,
    pub groups: Vec<ListGroup>,
}

impl ListAnswer {
    /// Rows over every page: a record under several countries is a row
    /// under each.
    pub fn entries(&self) -> usize {
        self.groups.iter().map(|g| g.count).sum()
    }

    /// Where each group's rows stand among the view's, in order: the
    /// groups are laid end to end.
    pub fn spans(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.groups.iter().scan(0, |at, g| {
            let span = *at..*at + g.count;
            *at = span.end;
            Some(span)
        })
    }
}

#[derive(Debug, FromRow)]
struct CountRow {
    part: String,
    rank: i64,
    n: i64,
    g: Option<String>,
    g_title: Option<String>,
    g_en: Option<String>,
}

/// How a row's sort key is found (a join, its parameter bound at `?7`)
/// and what it is.
fn sort_sql(sort: Option<Option<Column>>) -> (&'static str, &'static str) {
    match sort {
        None => ("", ""),
        Some(None) => ("JOIN records sk ON sk.id = e.record_id", "sk.title"),
        Some(Some(Column::Field(FieldName::Date))) => (
            "LEFT JOIN timeline_keys sk ON sk.record_id = e.record_id",
            "sk.sort_key",
        ),
        Some(Some(Column::Field(FieldName::Value))) => (
            "LEFT JOIN record_fields sk ON sk.record_id = e.record_id AND sk.name = ?7",
            "CAST(sk.value AS REAL)",
        ),
        // The value as stored. A cell shows a quote type's label, not its
        // code; the two sort alike (a test in `web::views` pins it).
        Some(Some(Column::Field(_))) => (
            "LEFT JOIN record_fields sk ON sk.record_id = e.record_id AND sk.name = ?7",
            "NULLIF(sk.value, '')",
        ),
        Some(Some(Column::Links(_) | Column::Mentioned)) => (
            "LEFT JOIN list_keys sk ON sk.record_id = e.record_id AND sk.col = ?7",
            "sk.sort_key",
        ),
    }
}

/// A record of the kind (`?1`) names the country (`?2`, a slug) in any
/// role: the condition, over the record id `id`. The country's records of
/// the kind are read once from `country_backlinks` and each entry is
/// looked up among them; a link lookup per entry took 90 ms for a country
/// few records name, grouped by country at 1000x.
fn names_country(id: &'static str) -> String {
    format!(
        "(?2 IS NULL OR {id} IN (SELECT b.record_id FROM country_backlinks b \
           WHERE b.country_id = (SELECT id FROM records WHERE kind = 'country' AND slug = ?2) \
             AND b.kind = ?1))"
    )
}

/// The view's groups in order with their sizes, how many records it
/// holds, and whether any only mentions a country ([`list_rows`] then
/// reads a page's rows).
pub async fn list_counts(
    pool: &SqlitePool,
    view: &ListView<'_>,
) -> Result<ListAnswer, sqlx::Error> {
    let (in_view, record_in_view) = (names_country("e.record_id"), names_country("k.record_id"));
    // Groups are ordered by their first entry; a field's group takes the
    // English of its first record's value, a country's its English name.
    let sql = format!(
        "WITH grp AS MATERIALIZED (SELECT g, min(first) AS rank, count(*) AS n, record_id \
           FROM list_entries e WHERE e.kind = ?1 AND e.grouping = ?3 AND {in_view} GROUP BY g) \
         SELECT 'group' AS part, grp.rank, grp.n, grp.g, c.title AS g_title, \
           COALESCE(c.english, f.value_en) AS g_en \
         FROM grp LEFT JOIN records c ON ?3 = 'country' AND c.kind = 'country' AND c.slug = grp.g \
           LEFT JOIN record_fields f ON f.record_id = grp.record_id AND f.name = ?3 \
         UNION ALL SELECT 'records', 0, (SELECT count(*) FROM list_entries e \
           WHERE e.kind = ?1 AND e.grouping = 'none' AND {in_view}), NULL, NULL, NULL \
         UNION ALL SELECT 'mentions', 0, EXISTS (SELECT 1 FROM list_keys k \
           JOIN records r ON r.id = k.record_id AND r.kind = ?1 \
           WHERE k.col = ?4 AND {record_in_view}), NULL, NULL, NULL"
    );
    let rows: Vec<CountRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(view.kind)
        .bind(view.country)
        .bind(view.grouping.key())
        .bind(Column::Mentioned.key())
        .fetch_all(pool)
        .await?;
    let mut answer = ListAnswer::default();
    let mut ranked: Vec<(i64, ListGroup)> = Vec::new();
    for r in rows {
        let n = usize::try_from(r.n).unwrap_or(0);
        match r.part.as_str() {
            "group" => ranked.push((
                r.rank,
                ListGroup {
                    key: r.g.unwrap_or_default(),
                    title: r.g_title,
                    english: r.g_en,
                    count: n,
                },
            )),
            "records" => answer.records = n,
            _ => answer.mentions_countries = n > 0,
        }
    }
    ranked.sort_by_key(|(rank, _)| *rank);
    answer.groups = ranked.into_iter().map(|(_, g)| g).collect();
    Ok(answer)
}

/// The rows at places `range` of the view, in order, whose groups `answer`
/// holds ([`list_counts`]): the groups are laid end to end, so a page is a
/// slice of one group or two, each read by itself (in the sources' order,
/// an index range of `list_entries`; sorted, a sort of that group alone).
pub async fn list_rows(
    pool: &SqlitePool,
    view: &ListView<'_>,
    answer: &ListAnswer,
    range: Range<usize>,
) -> Result<Vec<ListEntry>, sqlx::Error> {
    let (sort_join, key) = sort_sql(view.sort);
    let order = if key.is_empty() {
        "e.position".to_owned()
    } else {
        let dir = if view.desc { "DESC" } else { "ASC" };
        format!("{key} IS NULL, {key} {dir}, e.position")
    };
    let in_view = names_country("e.record_id");
    let sql = format!(
        "SELECT e.record_id, e.position FROM list_entries e {sort_join} \
         WHERE e.kind = ?1 AND e.grouping = ?3 AND e.g = ?4 AND {in_view} \
         ORDER BY {order} LIMIT ?5 OFFSET ?6"
    );
    let sort_param = match view.sort {
        Some(Some(c)) => Some(c.key()),
        _ => None,
    };
    let mut rows = Vec::new();
    for (group, (g, span)) in answer.groups.iter().zip(answer.spans()).enumerate() {
        let (start, end) = (span.start, span.end);
        let (from, to) = (start.max(range.start), end.min(range.end));
        if from >= to {
            continue;
        }
        let found: Vec<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(view.kind)
            .bind(view.country)
            .bind(view.grouping.key())
            .bind(&g.key)
            .bind(i64::try_from(to - from).unwrap_or(i64::MAX))
            .bind(i64::try_from(from - start).unwrap_or(i64::MAX))
            .bind(sort_param)
            .fetch_all(pool)
            .await?;
        rows.extend(found.into_iter().map(|(record_id, position)| ListEntry {
            group,
            record_id,
            position,
        }));
    }
    Ok(rows)
}
