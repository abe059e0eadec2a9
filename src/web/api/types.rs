//! The API's answers, as types: what is serialised is what the OpenAPI
//! document describes ([`utoipa::ToSchema`] reads these same structs), so
//! the two cannot drift. Every struct refuses unknown fields in its schema
//! (`additionalProperties: false`), so a field added here without its
//! schema would fail the validation tests.
//!
//! Naming: `url` is always an HTML page, `api_url` the same thing in this
//! API; a `*_count` is a number, a plural name a list.

use serde::Serialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use super::super::views::ErratumView;

use crate::model::{EnglishBasis, Kind};

/// The kinds, as `kind` values say them (singular): a schema made from
/// [`Kind::ALL`], so a new kind is described as soon as it exists.
pub struct KindName;

impl PartialSchema for KindName {
    fn schema() -> RefOr<Schema> {
        string_enum(Kind::ALL.iter().map(|k| k.as_str()))
    }
}

impl ToSchema for KindName {}

/// A kind as a path names it: plural, as page URLs write it, or singular.
pub struct KindSegment;

impl PartialSchema for KindSegment {
    fn schema() -> RefOr<Schema> {
        string_enum(
            Kind::ALL
                .iter()
                .map(|k| k.plural())
                .chain(Kind::ALL.iter().map(|k| k.as_str())),
        )
    }
}

impl ToSchema for KindSegment {}

fn string_enum<'a>(values: impl Iterator<Item = &'a str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.collect::<Vec<_>>()))
        .into()
}

/// Where an English text comes from: `official` (quoted from an English
/// text that a `*_ref` names) or `translation` (ours), from
/// [`EnglishBasis::ALL`].
pub struct EnglishBasisName;

impl PartialSchema for EnglishBasisName {
    fn schema() -> RefOr<Schema> {
        string_enum(EnglishBasis::ALL.iter().map(|b| b.as_str()))
    }
}

impl ToSchema for EnglishBasisName {}

/// The API root: where everything else is.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndexAnswer {
    /// The version of the API's shape: `v1`.
    pub api_version: &'static str,
    /// The version of the data: it changes whenever the seeds change.
    pub data_version: String,
    /// The human documentation of this API (HTML).
    pub documentation_url: String,
    /// The OpenAPI 3.1 document.
    pub openapi_url: String,
    pub sources_api_url: String,
    /// Search: add `?q=`.
    pub search_api_url: String,
    /// Suggestions while typing: add `?q=`.
    pub suggest_api_url: String,
    /// Every outcome that is a promise.
    pub commitments_api_url: String,
    /// The downloads: every table as CSV and JSON, and the SQLite file.
    pub export_api_url: String,
    /// Every kind of record, with its list.
    pub kinds: Vec<KindEntry>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KindEntry {
    #[schema(value_type = KindName)]
    pub kind: Kind,
    /// The form used in page and API paths (`projects`).
    pub plural: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub record_count: i64,
    pub url: String,
    pub api_url: String,
}

/// A record as other answers name it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordLink {
    #[schema(value_type = KindName)]
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    pub url: String,
    pub api_url: String,
}

/// A link from (or to) a record, with its role.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkAnswer {
    /// `parties`, `countries`, `speaker`, `related`, …
    pub role: String,
    #[schema(value_type = KindName)]
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    pub url: String,
    pub api_url: String,
}

/// A misprint in a paragraph as published, and what it should read.
#[derive(Serialize, ToSchema, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ErratumAnswer {
    /// The line of the source's text file.
    pub line: i64,
    /// The body paragraph it is in; null in a heading.
    pub paragraph: Option<i64>,
    /// Where `published` starts in the paragraph, in characters.
    pub offset: i64,
    pub published: String,
    pub reading: String,
    pub note: Option<String>,
}

impl From<&ErratumView> for ErratumAnswer {
    fn from(e: &ErratumView) -> Self {
        ErratumAnswer {
            line: e.line,
            paragraph: e.paragraph,
            offset: e.offset,
            published: e.published.clone(),
            reading: e.reading.clone(),
            note: e.note.clone(),
        }
    }
}

/// A citation: the words of a paragraph a record rests on.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitationAnswer {
    /// The source's slug.
    pub source: String,
    pub source_title: String,
    /// Who published the source, and when (`YYYY-MM-DD`).
    pub publisher: String,
    pub published: String,
    pub paragraph: i64,
    /// Verbatim from the paragraph, misprints included.
    pub span: String,
    /// Where the span starts and ends in the paragraph's text, in
    /// characters (end exclusive).
    pub span_start: i64,
    pub span_end: i64,
    /// The paragraph's permalink page.
    pub url: String,
    /// The paragraph in this API.
    pub api_url: String,
    /// Misprints the span quotes as published.
    pub errata: Vec<ErratumAnswer>,
}

/// A record citing a paragraph, seen from the paragraph.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitingAnswer {
    #[schema(value_type = KindName)]
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    /// The record's summary in English, where it has one (see
    /// `RecordAnswer.summary_en`).
    pub summary_en: Option<String>,
    #[schema(value_type = Option<EnglishBasisName>)]
    pub summary_en_basis: Option<&'static str>,
    pub summary_en_ref: Option<ReferenceAnswer>,
    pub url: String,
    pub api_url: String,
    /// The words the record rests on, with their place in the paragraph.
    pub span: String,
    pub span_start: i64,
    pub span_end: i64,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceSummary {
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub publisher: String,
    pub publisher_en: Option<String>,
    /// YYYY-MM-DD.
    pub published: String,
    pub language: String,
    /// Of the text file, which the loader pins.
    pub sha256: String,
    pub paragraph_count: i64,
    pub url: String,
    pub api_url: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourcesAnswer {
    pub data_version: String,
    pub sources: Vec<SourceSummary>,
    /// The next page (also in the `Link` header); null on the last.
    pub next: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockAnswer {
    /// `title`, `subtitle`, `heading`, `paragraph` or `dateline`.
    pub kind: String,
    pub text: String,
}

/// A paragraph within its source's answer.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParagraphEntry {
    pub n: i64,
    /// As published; `errata` say where it misprints and what it should read.
    pub text: String,
    pub url: String,
    pub api_url: String,
    pub cited_by: Vec<CitingAnswer>,
    pub errata: Vec<ErratumAnswer>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceAnswer {
    pub data_version: String,
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub publisher: String,
    pub published: String,
    pub sha256: String,
    pub paragraph_count: i64,
    pub url: String,
    pub api_url: String,
    /// Every block as published: title, headings, paragraphs, dateline.
    pub blocks: Vec<BlockAnswer>,
    pub paragraphs: Vec<ParagraphEntry>,
    /// Every misprint in the text as published, in paragraphs and headings.
    pub errata: Vec<ErratumAnswer>,
}

/// The source a paragraph belongs to.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceLink {
    pub slug: String,
    pub title: String,
    pub publisher: String,
    pub published: String,
    pub paragraph_count: i64,
    pub url: String,
    pub api_url: String,
}

/// A neighbouring paragraph.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParagraphLink {
    pub n: i64,
    pub url: String,
    pub api_url: String,
}

/// One paragraph, with the records that cite it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParagraphAnswer {
    pub data_version: String,
    pub source: SourceLink,
    pub n: i64,
    /// As published.
    pub text: String,
    /// The heading of the section it is in, if any.
    pub heading: Option<String>,
    pub url: String,
    pub api_url: String,
    /// How to cite it: publisher, date, title, paragraph and permanent URL.
    pub citation: String,
    pub previous: Option<ParagraphLink>,
    pub next: Option<ParagraphLink>,
    /// Each citation of this paragraph, with its record.
    pub cited_by: Vec<CitingAnswer>,
    pub errata: Vec<ErratumAnswer>,
}

/// A text outside the sources that a record refers to.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceAnswer {
    pub publisher: String,
    pub title: String,
    pub date: String,
    pub url: Option<String>,
}

/// A fact from outside the sources, with its reference. Never a citation.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditorialAnswer {
    pub text: String,
    pub text_en: Option<String>,
    #[serde(rename = "ref")]
    pub reference: ReferenceAnswer,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordAnswer {
    pub data_version: String,
    #[schema(value_type = KindName)]
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    /// `official` or `translation` (ours), whenever `english` is set.
    #[schema(value_type = Option<EnglishBasisName>)]
    pub english_basis: Option<&'static str>,
    /// For an official name, the English text that uses it.
    pub english_ref: Option<ReferenceAnswer>,
    /// Why there is no English name, when there is none.
    pub english_note: Option<String>,
    pub aliases: Vec<String>,
    pub summary: String,
    /// The summary in English, where there is one.
    pub summary_en: Option<String>,
    /// `official` or `translation` (ours), whenever `summary_en` is set.
    #[schema(value_type = Option<EnglishBasisName>)]
    pub summary_en_basis: Option<&'static str>,
    /// For an official English summary, the English text it is quoted from.
    pub summary_en_ref: Option<ReferenceAnswer>,
    /// Facts from outside the sources, each with its reference.
    pub editorial: Vec<EditorialAnswer>,
    pub url: String,
    pub api_url: String,
    /// The list of records of its kind.
    pub list_api_url: String,
    /// The kind's fields (`status`, `sector`, `date`, …), as strings.
    #[schema(value_type = std::collections::BTreeMap<String, String>)]
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// The English of the prose fields (`sector`, `place`, …), as stored;
    /// codes, numbers, dates and the source's own words have none.
    pub fields_en: std::collections::BTreeMap<String, String>,
    /// `official` or `translation` (ours), whenever `fields_en` has any.
    #[schema(value_type = Option<EnglishBasisName>)]
    pub fields_en_basis: Option<&'static str>,
    /// For official field English, the English text it is quoted from.
    pub fields_en_ref: Option<ReferenceAnswer>,
    pub links: Vec<LinkAnswer>,
    pub backlinks: Vec<LinkAnswer>,
    pub citations: Vec<CitationAnswer>,
    /// The status over time, oldest first; the last is `fields.status`.
    pub status_history: Vec<StatusAnswer>,
    /// Fields two sources give differently, each value with its citation,
    /// never merged.
    pub disagreements: Vec<DisagreementAnswer>,
    /// For an outcome that is a promise: who committed and how.
    pub commitment: Option<CommitmentAnswer>,
}

/// A dated statement of a record's status, with the citation it rests on.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusAnswer {
    /// The status as the cited source words it.
    pub status: String,
    /// Its English, our translation unless the record's `fields_en_basis`
    /// says official; null where none is curated.
    pub status_en: Option<String>,
    /// YYYY-MM-DD.
    pub date: String,
    /// `published` (the cited source's day) or `stated` (in the span).
    pub date_basis: String,
    pub citation: CitationAnswer,
}

/// One source's value of a field the sources disagree on.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueAnswer {
    pub value: String,
    pub citation: CitationAnswer,
}

/// A field two sources give differently: both values, each with its citation.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisagreementAnswer {
    /// The field's name, as in `fields`.
    pub field: String,
    pub values: Vec<ValueAnswer>,
}

/// A record's latest status statement.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LatestStatusAnswer {
    pub status: String,
    /// Its English, where curated.
    pub status_en: Option<String>,
    /// YYYY-MM-DD.
    pub date: String,
    /// Who published the source of the statement.
    pub publisher: String,
}

/// An outcome that is a promise: who committed as the source says it, the
/// records that names, the verb as said, any deadline, the latest status.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentAnswer {
    #[schema(value_type = KindName)]
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    pub summary_en: Option<String>,
    #[schema(value_type = Option<EnglishBasisName>)]
    pub summary_en_basis: Option<&'static str>,
    pub summary_en_ref: Option<ReferenceAnswer>,
    pub url: String,
    pub api_url: String,
    /// Who committed, in the cited span's words (`中方`, `各方`).
    pub said_by: String,
    /// The records `said_by` names, where it names one.
    pub by: Vec<RecordLink>,
    /// The verb as said (`宣布`, `将`).
    pub verb: String,
    /// Only where the source gives one.
    pub deadline: Option<String>,
    /// `stated` or `derived`, when there is a deadline.
    pub deadline_basis: Option<String>,
    /// How a derived deadline was worked out from the source.
    pub derivation: Option<String>,
    pub status: Option<LatestStatusAnswer>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentsAnswer {
    pub data_version: String,
    /// This page of commitments, in the records' order.
    pub commitments: Vec<CommitmentAnswer>,
    /// The next page (also in the `Link` header); null on the last.
    pub next: Option<String>,
}

/// A file to download.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DownloadAnswer {
    /// The file name after `/api/export/` (a search takes `?q=`).
    pub name: String,
    /// Its absolute address.
    pub url: String,
}

/// What can be downloaded, with what every file says of itself.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportIndexAnswer {
    pub data_version: String,
    /// Whose the source texts are.
    pub source_attribution: String,
    pub licence: String,
    pub downloads: Vec<DownloadAnswer>,
}

/// One cell of a downloaded table: text, a whole number, or nothing.
pub struct CellValue;

impl PartialSchema for CellValue {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                Type::String,
                Type::Integer,
                Type::Null,
            ]))
            .into()
    }
}

impl ToSchema for CellValue {}

/// A table of the dataset as JSON: the same rows as its CSV, each an object
/// keyed by column.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportTableAnswer {
    /// `records`, `citations`, a kind's plural, or `search <query>`.
    pub table: String,
    pub data_version: String,
    pub source_attribution: String,
    pub licence: String,
    pub columns: Vec<String>,
    #[schema(value_type = Vec<std::collections::BTreeMap<String, CellValue>>)]
    pub rows: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// A record in a list: everything but aliases, editorial notes and
/// backlinks, which its `api_url` gives.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordListItem {
    #[schema(value_type = KindName)]
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    pub english_note: Option<String>,
    pub summary: String,
    pub summary_en: Option<String>,
    #[schema(value_type = Option<EnglishBasisName>)]
    pub summary_en_basis: Option<&'static str>,
    pub summary_en_ref: Option<ReferenceAnswer>,
    pub url: String,
    pub api_url: String,
    #[schema(value_type = std::collections::BTreeMap<String, String>)]
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub fields_en: std::collections::BTreeMap<String, String>,
    #[schema(value_type = Option<EnglishBasisName>)]
    pub fields_en_basis: Option<&'static str>,
    pub fields_en_ref: Option<ReferenceAnswer>,
    pub links: Vec<LinkAnswer>,
    pub citations: Vec<CitationAnswer>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordListAnswer {
    pub data_version: String,
    #[schema(value_type = KindName)]
    pub kind: Kind,
    /// Records of this kind in all pages.
    pub record_count: i64,
    pub url: String,
    pub records: Vec<RecordListItem>,
    /// The next page (also in the `Link` header); null on the last.
    pub next: Option<String>,
}

/// A range of characters, end exclusive.
#[derive(Serialize, ToSchema, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchResultAnswer {
    /// A kind of record, or `paragraph`.
    pub kind: String,
    /// A record's slug; for a paragraph, `source#pN`.
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    pub url: String,
    pub api_url: String,
    /// HTML: the text is escaped, matches are in `<mark>`, misprints
    /// followed by a `[sic: …]` note.
    pub snippet: String,
    /// The same snippet as plain text (as published, without notes), with
    /// `…` where it was cut.
    pub snippet_text: String,
    /// Where the matches are in `snippet_text`, in characters.
    pub snippet_matches: Vec<TextRange>,
    /// A record's summary in English, where it has one.
    pub summary_en: Option<String>,
    #[schema(value_type = Option<EnglishBasisName>)]
    pub summary_en_basis: Option<&'static str>,
    pub summary_en_ref: Option<ReferenceAnswer>,
    /// A plain-text snippet of `summary_en` around the first match (or its
    /// start), with `…` where it was cut; null where there is no English.
    pub snippet_en_text: Option<String>,
    /// Where the matches are in `snippet_en_text`, in characters.
    pub snippet_en_matches: Vec<TextRange>,
    /// What it matched that was not typed (a synonym, a corrected
    /// spelling, a name matched in order), as its text writes it; the HTML
    /// snippet then starts with a "也匹配" note.
    pub also_matched: Vec<String>,
    pub citations: Vec<CitationAnswer>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FacetAnswer {
    pub value: String,
    pub label: String,
    pub count: usize,
    /// This search with the facet applied (or, if applied, removed).
    pub api_url: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Facets {
    pub kind: Vec<FacetAnswer>,
    pub country: Vec<FacetAnswer>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchAnswer {
    pub data_version: String,
    pub query: String,
    /// The kind filter, singular, or `paragraph`.
    pub kind: Option<String>,
    /// The country filter, a country record's slug.
    pub country: Option<String>,
    /// Matches in all, over every page.
    pub total: usize,
    pub url: String,
    /// This page of results, by rank.
    pub results: Vec<SearchResultAnswer>,
    /// The next page (also in the `Link` header); null on the last.
    pub next: Option<String>,
    pub facets: Facets,
    /// For a query with no results: the nearest records.
    pub suggestions: Vec<RecordLink>,
    /// The kind word that narrowed the results (`引语`), if one did: `kind`
    /// is then that kind, and `narrow=off` searches the word as text.
    pub narrowed_by: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestAnswer {
    pub data_version: String,
    pub query: String,
    pub suggestions: Vec<RecordLink>,
}

/// Every error answer.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorAnswer {
    pub errors: Vec<ErrorItem>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorItem {
    /// What was wrong, naming what is allowed.
    pub detail: String,
    /// The parameter at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}
