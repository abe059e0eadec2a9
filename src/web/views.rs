//! View models: what templates and JSON answers are built from. They are made
//! from query rows here, so handlers stay thin and templates stay dumb.

use serde::Serialize;

use crate::cite::MONTHS;
use crate::dates::{Basis, DateSpan};
use crate::db::queries::{
    CitationRow, CitingRow, EditorialRow, EnglishBasisRow, ErratumRow, LinkedRow, OutcomeClaimRow,
    SourceKindCount, SourceRow,
};
use crate::model::{EnglishBasis, FieldName, Kind, LinkRole};
pub use crate::refs::{RecordRef, kind_labels, paragraph_url, record_url};
use crate::search::highlight::{highlight, match_ranges, render_with_notes, snippet_with_notes};

#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    pub name: String,
    pub label_zh: String,
    pub label_en: String,
    pub value: String,
    /// The value for the English edition: the field's curated English, a
    /// date or a fixed label in English; `None` for the source's own words
    /// (a status, a quote), which English pages show as published.
    #[serde(skip)]
    pub value_en: Option<String>,
}

impl FieldView {
    pub fn new(name: &str, value: &str) -> Self {
        let (zh, en) = FieldName::parse(name)
            .map(FieldName::labels)
            .unwrap_or(("", ""));
        FieldView {
            name: name.to_owned(),
            label_zh: zh.to_owned(),
            label_en: en.to_owned(),
            value: display_field_value(name, value),
            value_en: english_field_value(name, value),
        }
    }

    /// A field with its curated English, if it has any.
    pub fn with_english(name: &str, value: &str, value_en: Option<&str>) -> Self {
        let mut f = FieldView::new(name, value);
        if let Some(en) = value_en {
            f.value_en = Some(en.to_owned());
        }
        f
    }
}

/// A field value in English where it needs no curating: dates, the fixed
/// labels, codes and numbers.
fn english_field_value(name: &str, value: &str) -> Option<String> {
    match name {
        "date" => DateSpan::parse(value).ok().map(|d| english_date(&d)),
        "date_basis" => Basis::parse(value).map(|b| b.labels().1.to_owned()),
        "quote_type" => match value {
            "direct" => Some("direct quote".to_owned()),
            "paraphrase" => Some("paraphrase".to_owned()),
            "allusion" => Some("classical allusion".to_owned()),
            _ => None,
        },
        _ if !value.chars().any(crate::web::lang::is_han) => Some(value.to_owned()),
        _ => None,
    }
}

/// A date as English prose: “17 June 2025”, “16–18 June 2025”, “2025–2026”.
pub fn english_date(d: &DateSpan) -> String {
    let point = |p: &crate::dates::Point| {
        let month = p
            .month
            .and_then(|m| MONTHS.get(usize::from(m).wrapping_sub(1)));
        match (p.day, month) {
            (Some(day), Some(m)) => format!("{day} {m} {}", p.year),
            (None, Some(m)) => format!("{m} {}", p.year),
            _ => p.year.to_string(),
        }
    };
    let s = &d.start;
    let Some(e) = &d.end else {
        return point(s);
    };
    if s.year == e.year && s.month == e.month && s.month.is_some() {
        if let (Some(a), Some(b)) = (s.day, e.day) {
            let m = MONTHS[usize::from(s.month.unwrap_or(1)).saturating_sub(1) % 12];
            return format!("{a}–{b} {m} {}", s.year);
        }
        return point(s);
    }
    format!("{}–{}", point(s), point(e))
}

fn display_field_value(name: &str, value: &str) -> String {
    if name == "date"
        && let Ok(span) = DateSpan::parse(value)
    {
        return span.to_string();
    }
    if name == "date_basis"
        && let Some(basis) = Basis::parse(value)
    {
        let (zh, en) = basis.labels();
        return format!("{zh} ({en})");
    }
    if name == "quote_type" {
        return match value {
            "direct" => "直接引语 (direct quote)",
            "paraphrase" => "转述 (paraphrase)",
            "allusion" => "典故 (classical allusion)",
            other => other,
        }
        .to_owned();
    }
    value.to_owned()
}

/// Links of one role, or backlinks from one kind, under one heading.
#[derive(Debug, Clone, Serialize)]
pub struct LinkGroup {
    pub label_zh: String,
    pub label_en: String,
    pub items: Vec<RecordRef>,
}

/// Groups outgoing links by role, in the order the roles are defined.
pub fn link_groups(rows: &[LinkedRow]) -> Vec<LinkGroup> {
    LinkRole::ALL
        .into_iter()
        .filter_map(|role| {
            let items: Vec<RecordRef> = rows
                .iter()
                .filter(|r| r.role == role.as_str())
                .map(RecordRef::from)
                .collect();
            let (zh, en) = role.labels();
            (!items.is_empty()).then(|| LinkGroup {
                label_zh: zh.to_owned(),
                label_en: en.to_owned(),
                items,
            })
        })
        .collect()
}

/// Groups backlinks by the kind of the record that makes them: on a country
/// page, its people, its agreements, the projects that cross it.
pub fn backlink_groups(rows: &[LinkedRow]) -> Vec<LinkGroup> {
    Kind::ALL
        .into_iter()
        .filter_map(|kind| {
            // A record linking in several roles is listed once; looked up
            // in a set, since a country has tens of thousands of backlinks
            // at scale and searching the list each time was quadratic.
            let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
            let items: Vec<RecordRef> = rows
                .iter()
                .filter(|r| r.kind == kind && seen.insert(r.slug.as_str()))
                .map(RecordRef::from)
                .collect();
            (!items.is_empty()).then(|| LinkGroup {
                label_zh: kind.label_zh().to_owned(),
                label_en: kind.label_en().to_owned(),
                items,
            })
        })
        .collect()
}

/// How many records of each kind a country's page lists as linking to it:
/// the rest are on the kind's list narrowed to the country
/// (`/{kind}?country=`), which holds exactly the records linking to it.
/// The real data's largest group (China's 19 projects) fits.
pub const BACKLINKS_SHOWN: usize = 20;

/// One kind's backlinks on a record page, cut to [`BACKLINKS_SHOWN`] on a
/// country's page.
#[derive(Debug, Clone)]
pub struct BacklinkGroup {
    pub group: LinkGroup,
    /// How many there are in all.
    pub total: usize,
    /// The list of them all, when the group is cut.
    pub all_url: Option<String>,
}

/// [`backlink_groups`], bounded when the record is a country: `country`
/// is its slug and how many records of each kind link to it, of which
/// `rows` may hold only the first (a country's backlinks grow with every
/// summit that names it).
pub fn bounded_backlinks(
    rows: &[LinkedRow],
    country: Option<(&str, &[(Kind, i64)])>,
) -> Vec<BacklinkGroup> {
    backlink_groups(rows)
        .into_iter()
        .map(|mut group| {
            let kind = Kind::ALL
                .into_iter()
                .find(|k| k.label_zh() == group.label_zh);
            let total = match (country, kind) {
                (Some((_, totals)), Some(k)) => totals
                    .iter()
                    .find(|(t, _)| *t == k)
                    .and_then(|(_, n)| usize::try_from(*n).ok())
                    .unwrap_or(group.items.len()),
                _ => group.items.len(),
            };
            let all_url = match (country, kind) {
                (Some((slug, _)), Some(k)) if total > BACKLINKS_SHOWN => {
                    group.items.truncate(BACKLINKS_SHOWN);
                    Some(format!("/{}?country={slug}", k.plural()))
                }
                _ => None,
            };
            BacklinkGroup {
                group,
                total,
                all_url,
            }
        })
        .collect()
}

/// A text outside the sources that a record refers to.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceView {
    pub publisher: String,
    pub title: String,
    pub date: String,
    pub url: Option<String>,
}

/// Where a record's English name comes from, as the record page and the JSON
/// say it: quoted from an official English text, or our translation.
#[derive(Debug, Clone, Serialize)]
pub struct EnglishBasisView {
    /// `official` or `translation`.
    pub basis: &'static str,
    #[serde(skip)]
    pub label_zh: &'static str,
    #[serde(skip)]
    pub label_en: &'static str,
    /// The English text that uses an official name.
    pub reference: Option<ReferenceView>,
}

impl EnglishBasisView {
    pub fn from_row(row: &EnglishBasisRow) -> Option<Self> {
        let basis = EnglishBasis::parse(row.english_basis.as_deref()?)?;
        let (label_zh, label_en) = basis.labels();
        let reference = match (
            basis,
            &row.english_ref_publisher,
            &row.english_ref_title,
            &row.english_ref_date,
        ) {
            (EnglishBasis::Official, Some(p), Some(t), Some(d)) => Some(ReferenceView {
                publisher: p.clone(),
                title: t.clone(),
                date: d.clone(),
                url: row.english_ref_url.clone(),
            }),
            _ => None,
        };
        Some(EnglishBasisView {
            basis: basis.as_str(),
            label_zh,
            label_en,
            reference,
        })
    }
}

/// An editorial note: what the record adds from outside its sources.
#[derive(Debug, Clone, Serialize)]
pub struct EditorialView {
    pub text: String,
    pub text_en: Option<String>,
    #[serde(rename = "ref")]
    pub reference: ReferenceView,
}

impl From<&EditorialRow> for EditorialView {
    fn from(e: &EditorialRow) -> Self {
        EditorialView {
            text: e.text.clone(),
            text_en: e.text_en.clone(),
            reference: ReferenceView {
                publisher: e.ref_publisher.clone(),
                title: e.ref_title.clone(),
                date: e.ref_date.clone(),
                url: e.ref_url.clone(),
            },
        }
    }
}

/// A misprint in a paragraph as published, and what it should read.
#[derive(Debug, Clone, Serialize)]
pub struct ErratumView {
    /// The line of the source's text file.
    pub line: i64,
    pub paragraph: Option<i64>,
    /// Where `published` starts in the paragraph, in characters.
    pub offset: i64,
    pub published: String,
    pub reading: String,
    pub note: Option<String>,
}

impl From<&ErratumRow> for ErratumView {
    fn from(e: &ErratumRow) -> Self {
        ErratumView {
            line: e.line,
            paragraph: e.n,
            offset: e.char_offset,
            published: e.published.clone(),
            reading: e.reading.clone(),
            note: e.note.clone(),
        }
    }
}

/// The errata of paragraph `n` of source `source`.
pub fn errata_of_paragraph<'a>(
    errata: &'a [ErratumRow],
    source: &str,
    n: i64,
) -> Vec<&'a ErratumRow> {
    errata
        .iter()
        .filter(|e| e.source_slug == source && e.n == Some(n))
        .collect()
}

/// Each erratum as a [sic] note to insert after its published words; the
/// reading is marked where it matches a search term.
pub fn sic_notes(errata: &[&ErratumRow], terms: &[String]) -> Vec<(usize, String)> {
    errata
        .iter()
        .map(|e| {
            let at = e.char_offset.max(0) as usize + e.published.chars().count();
            let html = format!(
                "<span class=\"sic\">[sic: {}]</span>",
                highlight(&e.reading, terms)
            );
            (at, html)
        })
        .collect()
}

/// A search result's window of a paragraph, its errata noted; when only an
/// erratum's reading matches, the window shows that note.
pub fn paragraph_snippet(
    text: &str,
    terms: &[String],
    errata: &[&ErratumRow],
    width: usize,
) -> String {
    let focus = errata
        .iter()
        .find(|e| !match_ranges(&e.reading, terms).is_empty())
        .map(|e| e.char_offset.max(0) as usize);
    snippet_with_notes(text, terms, width, &sic_notes(errata, terms), focus)
}

/// A citation as shown on a record page: the paragraph quoted with the
/// supporting span marked, and a link to the paragraph's page.
#[derive(Debug, Clone, Serialize)]
pub struct CitationView {
    pub source: String,
    pub source_title: String,
    /// Who published the source, and when: every citation names both.
    pub publisher: String,
    pub published: String,
    pub paragraph: i64,
    pub span: String,
    /// Where `span` starts in the paragraph, in characters.
    #[serde(skip)]
    pub span_start: i64,
    /// The paragraph's permalink page.
    pub url: String,
    #[serde(skip)]
    pub html: String,
    #[serde(skip)]
    pub from_url: String,
    /// Misprints within the span: it quotes them as published.
    #[serde(skip)]
    pub errata: Vec<ErratumView>,
}

impl CitationView {
    /// `errata` may hold any source's errata; those of the cited paragraph
    /// are shown as [sic] notes.
    pub fn new(c: &CitationRow, from_slug: &str, errata: &[ErratumRow]) -> Self {
        let start = c.span_start.max(0) as usize;
        let end = start + c.span.chars().count();
        let url = paragraph_url(&c.source_slug, c.paragraph);
        let here = errata_of_paragraph(errata, &c.source_slug, c.paragraph);
        CitationView {
            source: c.source_slug.clone(),
            source_title: c.source_title.clone(),
            publisher: c.publisher.clone(),
            published: c.published.clone(),
            paragraph: c.paragraph,
            span: c.span.clone(),
            span_start: c.span_start,
            from_url: format!("{url}?from={from_slug}"),
            url,
            html: render_with_notes(&c.paragraph_text, &[(start, end)], &sic_notes(&here, &[])),
            errata: here
                .iter()
                .filter(|e| {
                    let s = e.char_offset.max(0) as usize;
                    s < end && start < s + e.published.chars().count()
                })
                .map(|e| ErratumView::from(*e))
                .collect(),
        }
    }
}

/// A record citing a paragraph, seen from the paragraph.
#[derive(Debug, Clone, Serialize)]
pub struct CitingView {
    #[serde(flatten)]
    pub record: RecordRef,
    pub span: String,
    /// The record's English summary, for the English edition.
    #[serde(skip)]
    pub summary_en: Option<String>,
}

impl CitingView {
    /// The same, with its record's English summary from `summaries` (slug,
    /// summary) when it has one.
    pub fn with_summary(mut self, summaries: &[(String, Option<String>)]) -> Self {
        self.summary_en = summaries
            .iter()
            .find(|(slug, _)| *slug == self.record.slug)
            .and_then(|(_, s)| s.clone());
        self
    }
}

impl From<&CitingRow> for CitingView {
    fn from(c: &CitingRow) -> Self {
        CitingView {
            record: RecordRef::new(c.kind, &c.slug, &c.title, c.english.as_deref()),
            span: c.span.clone(),
            summary_en: None,
        }
    }
}

/// Distinct citing records, in order.
pub fn distinct_citing(rows: &[&CitingRow]) -> Vec<CitingView> {
    let mut out: Vec<CitingView> = Vec::new();
    for r in rows {
        if !out.iter().any(|c| c.record.slug == r.slug) {
            out.push(CitingView::from(*r));
        }
    }
    out
}

/// Paragraph text as HTML with the spans of the given citations marked and
/// a [sic] note after each erratum's published words.
pub fn paragraph_html(text: &str, cites: &[&CitingRow], errata: &[&ErratumRow]) -> String {
    let ranges: Vec<(usize, usize)> = cites
        .iter()
        .map(|c| span_range(c.span_start, &c.span))
        .collect();
    render_with_notes(text, &ranges, &sic_notes(errata, &[]))
}

/// The characters a span covers in its paragraph, from its start offset.
fn span_range(start: i64, span: &str) -> (usize, usize) {
    let s = start.max(0) as usize;
    (s, s + span.chars().count())
}

/// A cited paragraph as a record page quotes it: once, however many of its
/// spans the record cites, with every cited span marked.
#[derive(Debug, Clone)]
pub struct CitedParagraphView {
    pub source: String,
    pub source_title: String,
    /// Who published the source, and when: a record may cite several.
    pub publisher: String,
    pub published: String,
    pub paragraph: i64,
    /// The source's English title and publisher, for the English edition.
    pub source_title_en: Option<String>,
    pub publisher_en: Option<String>,
    /// The cited spans, in the record's order.
    pub spans: Vec<String>,
    pub url: String,
    pub from_url: String,
    pub html: String,
}

/// Groups a record's citations by paragraph, in the order each paragraph is
/// first cited, so a paragraph cited for two claims is quoted once with both
/// spans marked.
pub fn cited_paragraphs(
    rows: &[CitationRow],
    from_slug: &str,
    errata: &[ErratumRow],
) -> Vec<CitedParagraphView> {
    let mut groups: Vec<(&CitationRow, Vec<&CitationRow>)> = Vec::new();
    for c in rows {
        match groups
            .iter_mut()
            .find(|(first, _)| first.source_slug == c.source_slug && first.paragraph == c.paragraph)
        {
            Some((_, all)) => all.push(c),
            None => groups.push((c, vec![c])),
        }
    }
    groups
        .into_iter()
        .map(|(first, all)| {
            let ranges: Vec<(usize, usize)> = all
                .iter()
                .map(|c| span_range(c.span_start, &c.span))
                .collect();
            let here = errata_of_paragraph(errata, &first.source_slug, first.paragraph);
            let url = paragraph_url(&first.source_slug, first.paragraph);
            CitedParagraphView {
                source: first.source_slug.clone(),
                source_title: first.source_title.clone(),
                publisher: first.publisher.clone(),
                published: first.published.clone(),
                paragraph: first.paragraph,
                source_title_en: None,
                publisher_en: None,
                spans: all.iter().map(|c| c.span.clone()).collect(),
                from_url: format!("{url}?from={from_slug}"),
                url,
                html: render_with_notes(&first.paragraph_text, &ranges, &sic_notes(&here, &[])),
            }
        })
        .collect()
}

/// A cited paragraph with its source's English title and publisher.
pub fn in_english(mut c: CitedParagraphView, sources: &[SourceRow]) -> CitedParagraphView {
    if let Some(s) = sources.iter().find(|s| s.slug == c.source) {
        c.source_title_en = s.title_en.clone();
        c.publisher_en = s.publisher_en.clone();
    }
    c
}

/// A link to a cited paragraph, as a list of results shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParagraphLink {
    pub source: String,
    pub paragraph: i64,
    pub url: String,
}

/// One link per cited paragraph, in reading order (by source as first
/// cited, then by paragraph number): a record citing ¶2 twice and ¶1 once
/// shows "¶1 ¶2".
pub fn paragraph_links(citations: &[CitationView]) -> Vec<ParagraphLink> {
    let mut sources: Vec<&str> = Vec::new();
    for c in citations {
        if !sources.contains(&c.source.as_str()) {
            sources.push(&c.source);
        }
    }
    let mut links: Vec<(usize, ParagraphLink)> = citations
        .iter()
        .map(|c| {
            let order = sources.iter().position(|s| *s == c.source).unwrap_or(0);
            (
                order,
                ParagraphLink {
                    source: c.source.clone(),
                    paragraph: c.paragraph,
                    url: c.from_url.clone(),
                },
            )
        })
        .collect();
    links.sort_by_key(|(order, l)| (*order, l.paragraph));
    links.dedup_by(|a, b| a.1.source == b.1.source && a.1.paragraph == b.1.paragraph);
    links.into_iter().map(|(_, l)| l).collect()
}

/// What one source covers, as the pages state it where a reader forms an
/// impression of the whole: how many records of each kind come from it,
/// and the number of outcomes it claims, so a list of eight is not taken
/// for the complete list.
#[derive(Debug, Clone)]
pub struct ScopeView {
    pub source_slug: String,
    pub source_title: String,
    pub publisher: String,
    pub publisher_en: Option<String>,
    pub published: String,
    /// Records from this source by kind, in the kinds' order: (zh, en, url, count).
    pub counts: Vec<(&'static str, &'static str, String, i64)>,
    /// Records of the page's own kind from this source (list pages).
    pub this_kind: Option<i64>,
    /// The source's own count of outcomes: its words, the figure's page,
    /// the paragraph and its address.
    pub claim: Option<(String, String, i64, String)>,
}

/// What a page says about where its records come from. With one source,
/// that source's scope in full ([`ScopeView`]); with more, a bounded
/// summary: how many sources, the few most recent with their counts, and
/// a link to the sources list.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Sources with records (of the page's kind, on a list).
    pub total: i64,
    /// Records of the page's kind in all (list pages).
    pub this_kind: Option<i64>,
    /// The one source, or the most recent [`SCOPE_SHOWN`] of several.
    pub shown: Vec<ScopeView>,
}

/// How many sources a scope summary names when there are several.
pub const SCOPE_SHOWN: usize = 3;

impl Scope {
    /// Whether there are more sources than the summary names.
    pub fn more(&self) -> bool {
        self.total > self.shown.len() as i64
    }
}

impl ScopeView {
    /// Records from this source: of the page's kind on a list, else all.
    pub fn records(&self) -> usize {
        self.this_kind
            .unwrap_or_else(|| self.counts.iter().map(|c| c.3).sum())
            .max(0) as usize
    }
}

/// Builds the scope of each source that has records, in the sources' order.
pub fn scopes(
    sources: &[SourceRow],
    counts: &[SourceKindCount],
    claims: &[OutcomeClaimRow],
) -> Vec<ScopeView> {
    sources
        .iter()
        .filter(|s| counts.iter().any(|c| c.source_id == s.id))
        .map(|s| ScopeView {
            source_slug: s.slug.clone(),
            source_title: s.title.clone(),
            publisher: s.publisher.clone(),
            publisher_en: s.publisher_en.clone(),
            published: s.published.clone(),
            counts: Kind::ALL
                .into_iter()
                .filter_map(|k| {
                    let n = counts
                        .iter()
                        .find(|c| c.source_id == s.id && c.kind == k)?
                        .count;
                    Some((k.label_zh(), k.label_en(), format!("/{}", k.plural()), n))
                })
                .collect(),
            this_kind: None,
            claim: claims.iter().find(|c| c.source_id == s.id).map(|c| {
                (
                    c.original.clone(),
                    record_url(Kind::Figure, &c.slug),
                    c.paragraph,
                    paragraph_url(&c.source_slug, c.paragraph),
                )
            }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list sorted by quote type sorts by the stored code
    /// (`db::lists`), while its cells show the label: the two orders must
    /// agree, or a new type or label would sort out of order.
    #[test]
    fn quote_types_sort_the_same_by_code_and_by_label() {
        let mut by_code = crate::model::QUOTE_TYPES.to_vec();
        by_code.sort_unstable();
        let mut by_label = by_code.clone();
        by_label.sort_by_key(|c| display_field_value("quote_type", c));
        assert_eq!(by_code, by_label);
    }

    fn cite(source: &str, paragraph: i64) -> CitationView {
        CitationView {
            source: source.into(),
            source_title: String::new(),
            paragraph,
            publisher: String::new(),
            published: String::new(),
            span: String::new(),
            span_start: 0,
            url: paragraph_url(source, paragraph),
            html: String::new(),
            from_url: format!("{}?from=r", paragraph_url(source, paragraph)),
            errata: Vec::new(),
        }
    }

    fn linking(kind: Kind, n: usize) -> Vec<LinkedRow> {
        (0..n)
            .map(|i| LinkedRow {
                role: "countries".into(),
                kind,
                slug: format!("r{i}"),
                title: format!("R{i}"),
                english: None,
            })
            .collect()
    }

    #[test]
    fn a_countrys_backlinks_show_the_first_of_each_kind_and_link_to_all() {
        let mut rows = linking(Kind::Project, BACKLINKS_SHOWN + 7);
        rows.extend(linking(Kind::Event, 3));
        let totals = [
            (Kind::Project, (BACKLINKS_SHOWN + 7) as i64),
            (Kind::Event, 3),
        ];
        let groups = bounded_backlinks(&rows, Some(("kazakhstan", &totals)));
        assert_eq!(groups[0].group.items.len(), BACKLINKS_SHOWN);
        assert_eq!(groups[0].group.items[0].slug, "r0");
        assert_eq!(groups[0].total, BACKLINKS_SHOWN + 7);
        assert_eq!(
            groups[0].all_url.as_deref(),
            Some("/projects?country=kazakhstan")
        );
        assert_eq!((groups[1].group.items.len(), groups[1].total), (3, 3));
        assert_eq!(groups[1].all_url, None);
        // The totals are the counts, when only the first rows are read.
        let first: Vec<LinkedRow> = rows[..BACKLINKS_SHOWN].to_vec();
        let groups = bounded_backlinks(&first, Some(("kazakhstan", &totals)));
        assert_eq!(groups[0].group.items.len(), BACKLINKS_SHOWN);
        assert_eq!(groups[0].total, BACKLINKS_SHOWN + 7);
        assert!(groups[0].all_url.is_some());
        // Another record's backlinks are not cut.
        let groups = bounded_backlinks(&rows, None);
        assert_eq!(groups[0].group.items.len(), BACKLINKS_SHOWN + 7);
        assert_eq!(groups[0].all_url, None);
    }

    #[test]
    fn paragraph_links_are_distinct_and_in_reading_order() {
        let links = paragraph_links(&[cite("a", 2), cite("a", 2), cite("a", 1), cite("b", 1)]);
        let got: Vec<(&str, i64)> = links
            .iter()
            .map(|l| (l.source.as_str(), l.paragraph))
            .collect();
        assert_eq!(got, [("a", 1), ("a", 2), ("b", 1)]);
        assert_eq!(links[0].url, "/sources/a/p/1?from=r");
    }
}
