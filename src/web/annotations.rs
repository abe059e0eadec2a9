//! Every citation into a source as a W3C Web Annotation (Web Annotation
//! Data Model, JSON-LD), at `/sources/{slug}/annotations`: one
//! AnnotationCollection whose single page holds them all, so annotation
//! tools can lay the records over the article.
//!
//! Each annotation's target is the source page with three selectors: a
//! TextQuoteSelector (the exact words, with the words before and after
//! them in the paragraph), a TextPositionSelector over the source's text
//! (its blocks as `/api/sources/{slug}` gives them, joined by a blank
//! line, counted in Unicode code points as the model asks), and a
//! FragmentSelector `p{n}` refined by a TextPositionSelector within that
//! paragraph. The body links the record and gives its summary.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{AppError, AppState};
use crate::db::export;
use crate::db::queries::{self, BlockRow, CitingRow, SourceRow};
use crate::refs::record_url;

/// Characters of context a TextQuoteSelector gives on each side.
const CONTEXT: usize = 32;

/// Blocks are joined by this in the text the position selectors count.
pub const BLOCK_SEPARATOR: &str = "\n\n";

/// Where each body paragraph starts in the source's text, in characters.
fn paragraph_offsets(blocks: &[BlockRow]) -> Vec<(i64, usize)> {
    let sep = BLOCK_SEPARATOR.chars().count();
    let mut at = 0;
    let mut out = Vec::new();
    for b in blocks {
        if let Some(n) = b.n {
            out.push((n, at));
        }
        at += b.text.chars().count() + sep;
    }
    out
}

/// One citation as an annotation.
pub fn annotation(
    base: &str,
    source: &SourceRow,
    c: &CitingRow,
    paragraph: &str,
    paragraph_at: usize,
    summary: &str,
    index: usize,
) -> Value {
    let chars: Vec<char> = paragraph.chars().collect();
    let start = (c.span_start.max(0) as usize).min(chars.len());
    let end = (start + c.span.chars().count()).min(chars.len());
    let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let page = format!("{base}/sources/{}", source.slug);
    let record = format!("{base}{}", record_url(c.kind, &c.slug));
    json!({
        "id": format!("{page}/annotations#a{index}"),
        "type": "Annotation",
        "motivation": "linking",
        "created": source.published,
        "body": [
            {"id": record, "type": "Text", "format": "text/html", "language": "zh-Hans"},
            {
                "type": "TextualBody",
                "purpose": "describing",
                "value": summary,
                "format": "text/plain",
                "language": "zh-Hans",
            },
        ],
        "target": {
            "source": page,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": c.span,
                    "prefix": text(start.saturating_sub(CONTEXT), start),
                    "suffix": text(end, (end + CONTEXT).min(chars.len())),
                },
                {
                    "type": "TextPositionSelector",
                    "start": paragraph_at + start,
                    "end": paragraph_at + end,
                },
                {
                    "type": "FragmentSelector",
                    "conformsTo": "http://tools.ietf.org/rfc/rfc3986",
                    "value": format!("p{}", c.paragraph),
                    "refinedBy": {
                        "type": "TextPositionSelector",
                        "start": start,
                        "end": end,
                    },
                },
            ],
        },
    })
}

pub async fn collection(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, AppError> {
    let pool = &state.pool;
    let source = super::sources::source_at(pool, path).await?;
    let blocks = queries::source_blocks(pool, source.id).await?;
    let offsets = paragraph_offsets(&blocks);
    let citations = queries::citations_into_source(pool, source.id).await?;
    let summaries: std::collections::HashMap<String, String> = export::records(pool, None)
        .await?
        .into_iter()
        .map(|r| (r.slug, r.summary))
        .collect();
    let items: Vec<Value> = citations
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let text = &blocks.iter().find(|b| b.n == Some(c.paragraph))?.text;
            let at = offsets.iter().find(|(n, _)| *n == c.paragraph)?.1;
            let summary = summaries.get(&c.slug).map_or("", String::as_str);
            Some(annotation(
                &state.base_url,
                &source,
                c,
                text,
                at,
                summary,
                i + 1,
            ))
        })
        .collect();
    let id = format!("{}/sources/{}/annotations", state.base_url, source.slug);
    let doc = json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": id,
        "type": "AnnotationCollection",
        "label": format!("{}: the words each summitkb record cites", source.title),
        "total": items.len(),
        "first": {
            "id": format!("{id}#page-1"),
            "type": "AnnotationPage",
            "partOf": id,
            "startIndex": 0,
            "items": items,
        },
    });
    let mut body = serde_json::to_string_pretty(&doc).expect("JSON values serialise");
    body.push('\n');
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"",
        )],
        body,
    )
        .into_response())
}
