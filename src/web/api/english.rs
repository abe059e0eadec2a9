//! The English beside the Chinese in the API's answers (issue 17): a
//! record's `summary_en` and the English of its prose fields, each with its
//! basis (`official`, quoted from the English text named in `*_ref`, or
//! `translation`, ours), as the loader stored them. Added beside the
//! Chinese fields, never in their place, so no existing field changes.

use std::collections::{BTreeMap, HashMap};

use sqlx::SqlitePool;

use super::ReferenceAnswer;
use crate::db::queries::{self, EnglishRow, FieldRow};
use crate::model::{EnglishBasis, Kind};

/// A record's English summary, its basis and, if official, its reference.
pub struct SummaryEn {
    pub text: Option<String>,
    pub basis: Option<&'static str>,
    pub reference: Option<ReferenceAnswer>,
}

/// The English text an official English is quoted from; none for ours.
fn reference(
    basis: Option<EnglishBasis>,
    publisher: &Option<String>,
    title: &Option<String>,
    date: &Option<String>,
    url: &Option<String>,
) -> Option<ReferenceAnswer> {
    match (basis, publisher, title, date) {
        (Some(EnglishBasis::Official), Some(p), Some(t), Some(d)) => Some(ReferenceAnswer {
            publisher: p.clone(),
            title: t.clone(),
            date: d.clone(),
            url: url.clone(),
        }),
        _ => None,
    }
}

pub fn summary_en(row: Option<&EnglishRow>) -> SummaryEn {
    let Some(r) = row.filter(|r| r.summary_en.is_some()) else {
        return SummaryEn {
            text: None,
            basis: None,
            reference: None,
        };
    };
    SummaryEn {
        text: r.summary_en.clone(),
        basis: r.summary_en_basis.map(EnglishBasis::as_str),
        reference: reference(
            r.summary_en_basis,
            &r.summary_en_ref_publisher,
            &r.summary_en_ref_title,
            &r.summary_en_ref_date,
            &r.summary_en_ref_url,
        ),
    }
}

/// The English of a record's prose fields, by field name, as stored.
pub fn fields_en(rows: &[FieldRow]) -> BTreeMap<String, String> {
    rows.iter()
        .filter_map(|f| Some((f.name.clone(), f.value_en.clone()?)))
        .collect()
}

/// Where a record's field English comes from: its basis (set only when
/// there is field English) and, if official, its reference.
pub fn fields_en_basis(
    row: Option<&EnglishRow>,
    has_english: bool,
) -> (Option<&'static str>, Option<ReferenceAnswer>) {
    match row.filter(|_| has_english) {
        Some(r) => (
            r.fields_en_basis.map(EnglishBasis::as_str),
            reference(
                r.fields_en_basis,
                &r.fields_en_ref_publisher,
                &r.fields_en_ref_title,
                &r.fields_en_ref_date,
                &r.fields_en_ref_url,
            ),
        ),
        None => (None, None),
    }
}

/// The English of some records, found by kind and slug.
#[derive(Default)]
pub struct EnglishIndex(HashMap<(Kind, String), EnglishRow>);

impl EnglishIndex {
    fn of(rows: Vec<EnglishRow>) -> Self {
        EnglishIndex(
            rows.into_iter()
                .map(|r| ((r.kind, r.slug.clone()), r))
                .collect(),
        )
    }

    pub async fn of_ids(pool: &SqlitePool, ids: &[i64]) -> Result<Self, sqlx::Error> {
        Ok(Self::of(queries::english_of_records(pool, ids).await?))
    }

    pub async fn of_slugs<'a>(
        pool: &SqlitePool,
        slugs: impl Iterator<Item = &'a str>,
    ) -> Result<Self, sqlx::Error> {
        let mut slugs: Vec<&str> = slugs.collect();
        slugs.sort_unstable();
        slugs.dedup();
        Ok(Self::of(queries::english_of_slugs(pool, &slugs).await?))
    }

    pub fn get(&self, kind: Kind, slug: &str) -> Option<&EnglishRow> {
        self.0.get(&(kind, slug.to_owned()))
    }

    pub fn summary(&self, kind: Kind, slug: &str) -> SummaryEn {
        summary_en(self.get(kind, slug))
    }
}
