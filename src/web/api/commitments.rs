//! Commitments in the API: every outcome that is a promise, as the
//! `/commitments` page lists them, and a record's own in its answer.

use axum::extract::State;
use axum::response::Response;

use super::super::commitments::{self as views, CommitmentView};
use super::super::paginate::{self, PageBounds};
use super::english::EnglishIndex;
use super::{
    ApiError, AppState, CommitmentAnswer, CommitmentsAnswer, LatestStatusAnswer, PREFIX,
    RecordLink, data_version, fields, given, list_request, paged, record_api_url,
};

/// Bounds of `limit` on the list of commitments.
const COMMITMENT_PAGES: PageBounds = PageBounds {
    default: 50,
    max: 200,
};

/// A commitment as the API answers it, with its record's English summary.
pub fn commitment(c: &CommitmentView, english: &EnglishIndex) -> CommitmentAnswer {
    let r = &c.record;
    let summary = english.summary(r.kind, &r.slug);
    CommitmentAnswer {
        kind: r.kind,
        slug: r.slug.clone(),
        title: r.title.clone(),
        english: r.english.clone(),
        summary_en: summary.text,
        summary_en_basis: summary.basis,
        summary_en_ref: summary.reference,
        url: r.url.clone(),
        api_url: record_api_url(r.kind, &r.slug),
        said_by: c.said_by.clone(),
        by: c
            .by
            .iter()
            .map(|b| RecordLink {
                kind: b.kind,
                slug: b.slug.clone(),
                title: b.title.clone(),
                english: b.english.clone(),
                url: b.url.clone(),
                api_url: record_api_url(b.kind, &b.slug),
            })
            .collect(),
        verb: c.verb.clone(),
        deadline: c.deadline.clone(),
        deadline_basis: c.deadline_basis.clone(),
        derivation: c.derivation.clone(),
        status: c.status.as_ref().map(|s| LatestStatusAnswer {
            status: s.status.clone(),
            status_en: s.status_en.clone(),
            date: s.date.clone(),
            publisher: s.publisher.clone(),
        }),
    }
}

#[utoipa::path(get, path = "/api/v1/commitments", tag = "records",
    summary = "The commitments",
    description = "Every outcome that is a promise: who committed as the cited span says it \
        (`said_by`) and the records that names (`by`), the verb as said, a deadline only \
        where the source gives one, and the record's latest status. Paginated.",
    params(
        ("limit" = Option<usize>, Query, minimum = 1, maximum = 200, description = "Commitments per page, 1 to 200 (default 50)"),
        ("cursor" = Option<String>, Query, description = "The `next` cursor of the previous page, unchanged"),
        ("fields" = Option<String>, Query, description = "Only these fields of each commitment, comma-separated (`slug` and `api_url` are always kept)"),
    ),
    responses(
        (status = 200, description = "A page of commitments", body = CommitmentsAnswer,
            headers(("Link" = String, description = "`<next page>; rel=\"next\"` when there is one"))),
        (status = 400, description = "Refused: each error names its parameter and what is allowed", body = super::ErrorAnswer)))]
pub async fn commitments(
    State(state): State<AppState>,
    params: super::super::params::Params,
) -> Result<Response, ApiError> {
    let version = data_version(&state).await?;
    let (page, keep) = list_request::<CommitmentAnswer>(
        &params,
        &["limit", "cursor", "fields"],
        COMMITMENT_PAGES,
        &version,
    )?;
    let pool = &state.pool;
    let all: Vec<(usize, CommitmentView)> =
        views::all(pool).await?.into_iter().enumerate().collect();
    let page = page.page_of(all, |(i, _)| format!("commitment:{i:06}"));
    let english =
        EnglishIndex::of_slugs(pool, page.items.iter().map(|(_, c)| c.record.slug.as_str()))
            .await?;
    let next = page
        .next_cursor(&version)
        .map(|c| paginate::next_url(&format!("{PREFIX}/commitments"), &given(&params), &c));
    let answer = CommitmentsAnswer {
        data_version: version,
        commitments: page
            .items
            .iter()
            .map(|(_, c)| commitment(c, &english))
            .collect(),
        next: next.clone(),
    };
    Ok(paged(
        fields::apply(answer, "commitments", keep.as_deref()),
        next.as_deref(),
    ))
}
