//! A kind's list page in SQL: the kind's records, narrowed to one country,
//! grouped, sorted, counted per group, and the one page of them shown.
//!
//! The order is the one the list has always had: groups in the order the
//! sources first name them (a field's values; a record's countries, in its
//! links' order; records with no country last), rows in each by the chosen
//! key with empty cells last and ties in the sources' order, so every page
//! of a sort holds the same records. What a page then shows of its rows
//! (their cells) is read for those rows alone.

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

/// The counts of a list view and one page of its rows.
#[derive(Debug, Clone, Default)]
pub struct ListAnswer {
    /// Records in the view (a record under several countries counts once).
    pub records: usize,
    /// Whether any of them only mentions a country.
    pub mentions_countries: bool,
    pub groups: Vec<ListGroup>,
    /// The page's rows in order.
    pub rows: Vec<ListEntry>,
}

impl ListAnswer {
    /// Rows over every page: a record under several countries is a row
    /// under each.
    pub fn entries(&self) -> usize {
        self.groups.iter().map(|g| g.count).sum()
    }
}

#[derive(Debug, FromRow)]
struct ListRow {
    part: String,
    rank: i64,
    n: i64,
    g: Option<String>,
    g_title: Option<String>,
    g_en: Option<String>,
    id: Option<i64>,
}

/// How a row's sort key is found (a join, bound at `?7`) and what it is.
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

/// The view's counts and the `limit` rows from `offset`, in one statement
/// (the entries are gathered once).
pub async fn list_page(
    pool: &SqlitePool,
    view: &ListView<'_>,
    offset: usize,
    limit: usize,
) -> Result<ListAnswer, sqlx::Error> {
    let (sort_join, key) = sort_sql(view.sort);
    let order = if key.is_empty() {
        "grp.rank, e.position".to_owned()
    } else {
        let dir = if view.desc { "DESC" } else { "ASC" };
        format!("grp.rank, {key} IS NULL, {key} {dir}, e.position")
    };
    // A record names the country (`?2`, a slug) in any role.
    let names_country = |id: &str| {
        format!(
            "(?2 IS NULL OR EXISTS (SELECT 1 FROM record_links l WHERE l.from_id = {id} \
               AND l.to_id = (SELECT id FROM records WHERE kind = 'country' AND slug = ?2)))"
        )
    };
    let (in_view, record_in_view) = (names_country("e.record_id"), names_country("k.record_id"));
    // Groups are ordered by their first entry; a field's group takes the
    // English of its first record's value, a country's its English name.
    let sql = format!(
        "WITH ent AS MATERIALIZED (SELECT e.g, e.first, e.position, e.record_id \
           FROM list_entries e WHERE e.kind = ?1 AND e.grouping = ?5 AND {in_view}), \
         grp AS MATERIALIZED (SELECT g, min(first) AS rank, count(*) AS n, record_id \
           FROM ent GROUP BY g) \
         SELECT 'group' AS part, grp.rank, grp.n, grp.g, c.title AS g_title, \
           COALESCE(c.english, f.value_en) AS g_en, NULL AS id \
         FROM grp LEFT JOIN records c ON ?5 = 'country' AND c.kind = 'country' AND c.slug = grp.g \
           LEFT JOIN record_fields f ON f.record_id = grp.record_id AND f.name = ?5 \
         UNION ALL SELECT 'records', 0, (SELECT count(*) FROM list_entries e \
           WHERE e.kind = ?1 AND e.grouping = 'none' AND {in_view}), NULL, NULL, NULL, NULL \
         UNION ALL SELECT 'mentions', 0, EXISTS (SELECT 1 FROM list_keys k \
           JOIN records r ON r.id = k.record_id AND r.kind = ?1 \
           WHERE k.col = ?8 AND {record_in_view}), NULL, NULL, NULL, NULL \
         UNION ALL SELECT * FROM (SELECT 'row', grp.rank, e.position, NULL, NULL, NULL, e.record_id \
           FROM ent e JOIN grp ON grp.g = e.g {sort_join} \
           ORDER BY {order} LIMIT ?3 OFFSET ?4)"
    );
    let sort_param = match view.sort {
        Some(Some(c)) => Some(c.key()),
        _ => None,
    };
    let rows: Vec<ListRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(view.kind)
        .bind(view.country)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .bind(view.grouping.key())
        .bind(None::<&str>)
        .bind(sort_param)
        .bind(Column::Mentioned.key())
        .fetch_all(pool)
        .await?;

    let mut answer = ListAnswer::default();
    let mut ranked: Vec<(i64, ListGroup)> = Vec::new();
    let mut page: Vec<(i64, i64, i64)> = Vec::new();
    for r in rows {
        let n = usize::try_from(r.n).unwrap_or(0);
        // A row's `n` is its record's position; a count's is the count.
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
            "mentions" => answer.mentions_countries = n > 0,
            _ => page.extend(r.id.map(|id| (r.rank, id, r.n))),
        }
    }
    ranked.sort_by_key(|(rank, _)| *rank);
    answer.rows = page
        .into_iter()
        .filter_map(|(rank, record_id, position)| {
            let group = ranked.binary_search_by_key(&rank, |(r, _)| *r).ok()?;
            Some(ListEntry {
                group,
                record_id,
                position,
            })
        })
        .collect();
    answer.groups = ranked.into_iter().map(|(_, g)| g).collect();
    Ok(answer)
}
