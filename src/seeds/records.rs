//! Curated records: `records/*.toml`, each an array of tables per kind.
//!
//! ```toml
//! source = "wang-yi-2025-china-central-asia-summit"   # default for `cite`
//!
//! [[project]]
//! slug = "china-kyrgyzstan-uzbekistan-railway"
//! title = "中吉乌铁路"
//! english = "China–Kyrgyzstan–Uzbekistan Railway"
//! summary = "…"
//! sector = "交通"
//! status = "高质量推进，力争早日建成"
//! countries = ["china", "kyrgyzstan", "uzbekistan"]
//! cite = [{ p = 10, span = "一致同意高质量推进中吉乌铁路建设" }]
//! ```
//!
//! Raw TOML is parsed into `RawRecord` (unknown keys are an error), then
//! checked against the kind's field and link rules in [`crate::model`] and
//! against the sources, and only then becomes a [`Record`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::Sha256;
use toml::Spanned;

use super::source::is_iso_date;
use super::{SeedError, SeedErrors, Source, hash_file, line_of, read_text, toml_error};
use crate::dates::{Basis, DateSpan};
use crate::model::{EnglishBasis, FieldName, Kind, LinkRole, QUOTE_TYPES, is_valid_slug};
use crate::search::fold;

/// A checked record.
#[derive(Debug, Clone)]
pub struct Record {
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub english: Option<String>,
    /// Whether `english` is quoted from an official English text or is ours;
    /// set exactly when `english` is.
    pub english_basis: Option<EnglishBasis>,
    /// The English text that uses the name, for an official one.
    pub english_ref: Option<Reference>,
    /// Why there is no English name, where none is established.
    pub english_note: Option<String>,
    pub aliases: Vec<String>,
    /// The aliases written with a stated basis (a transliteration, a former
    /// name, an abbreviation, an official spelling), in seed order: names a
    /// reader may type that the source does not use, each saying why it
    /// names this record. Every one is also in `aliases`.
    pub alias_notes: Vec<AliasNote>,
    /// Facts from outside the sources, each with its reference: shown apart
    /// from what the source says, never as a citation.
    pub editorial: Vec<Editorial>,
    pub summary: String,
    /// The summary in English, saying what the Chinese says and no more.
    pub summary_en: Option<String>,
    /// Where `summary_en` comes from; set exactly when it is.
    pub summary_en_provenance: Option<Provenance>,
    pub fields: Vec<(FieldName, String)>,
    /// English of the prose fields ([`FieldName::needs_english`]), in the
    /// order of `fields`.
    pub fields_en: Vec<(FieldName, String)>,
    /// Where `fields_en` come from, one basis for all of a record's field
    /// English; set exactly when there is any.
    pub fields_en_provenance: Option<Provenance>,
    pub links: Vec<Link>,
    pub citations: Vec<Citation>,
    /// The record's status over time, oldest first: its `status` as the
    /// first statement, then each `progress` entry. The `status` field in
    /// `fields` holds the latest.
    pub status_history: Vec<StatusStatement>,
    /// Fields on which a source says otherwise than the record.
    pub disagreements: Vec<Disagreement>,
    /// For an outcome that is a promise: who committed, and how.
    pub commitment: Option<Commitment>,
    pub file: PathBuf,
    pub line: usize,
}

/// One dated statement of a record's status, resting on one citation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusStatement {
    pub status: String,
    /// Its English (`status_en` beside `status`, or in the `progress`
    /// entry), for readers of the English edition; covered by the record's
    /// `fields_en_basis`. `check` reports statuses that lack it.
    pub status_en: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: the day the cited source was
    /// published, or a date its span states.
    pub date: String,
    pub basis: StatusDate,
    /// Index into the record's `citations`.
    pub citation: usize,
}

/// Where a status statement's date comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusDate {
    /// The day the cited source was published.
    Published,
    /// A date the cited span states.
    Stated,
}

impl StatusDate {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusDate::Published => "published",
            StatusDate::Stated => "stated",
        }
    }
}

/// A promise, in the words of the citation that makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    /// Who committed, as the cited words name them (习近平主席, 中方, 各方).
    pub said_by: String,
    /// The records they are, where the words name one (`china` for 中方);
    /// none for 各方 and the like, which the text does not resolve.
    pub by: Vec<String>,
    /// The verb as said: 宣布, 同意, 将, 支持, 签署 …
    pub verb: String,
    /// Index into the record's `citations`: the span holding both.
    pub citation: usize,
    /// A deadline where the source gives one, as dates are written.
    pub deadline: Option<String>,
    pub deadline_basis: Option<Basis>,
    pub derivation: Option<String>,
    /// Where the commitment is written, for errors about its links.
    pub line: usize,
}

/// Two sources giving a field different values: the record's own, resting
/// on one of its citations, and another source's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    pub field: FieldName,
    /// The record's value and the citation it rests on.
    pub value: String,
    pub citation: usize,
    /// The other source's value and its citation.
    pub other_value: String,
    pub other_citation: usize,
    /// Where the disagreement is written, for `check`.
    pub line: usize,
}

impl Record {
    pub fn field(&self, name: FieldName) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn field_en(&self, name: FieldName) -> Option<&str> {
        self.fields_en
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Where a piece of English comes from: an official English text that says
/// it (named by `reference`), or our translation (no reference).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub basis: EnglishBasis,
    /// Set exactly when `basis` is [`EnglishBasis::Official`].
    pub reference: Option<Reference>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub role: LinkRole,
    pub target: String,
}

/// A published text outside the sources, named so that a reader can find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub publisher: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub url: Option<String>,
}

/// Why an alias names its record, for names the source does not use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AliasBasis {
    /// The spelling an official text uses (a presidency, a foreign ministry,
    /// the state news agency): `ref` names that text.
    Official,
    /// A common romanisation other than the official one; the note says
    /// which (Russian-style `kh`, `zh`, `y`; a national Latin alphabet).
    Transliteration,
    /// A name the thing was known by before.
    Former,
    /// A curated abbreviation (BRI, SCO).
    Abbreviation,
}

impl AliasBasis {
    pub const ALL: [AliasBasis; 4] = [
        AliasBasis::Official,
        AliasBasis::Transliteration,
        AliasBasis::Former,
        AliasBasis::Abbreviation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AliasBasis::Official => "official",
            AliasBasis::Transliteration => "transliteration",
            AliasBasis::Former => "former",
            AliasBasis::Abbreviation => "abbreviation",
        }
    }

    pub fn parse(s: &str) -> Option<AliasBasis> {
        AliasBasis::ALL.into_iter().find(|b| b.as_str() == s)
    }
}

/// An alias with its basis: `{ name, basis, note, ref }` in the seeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasNote {
    pub name: String,
    pub basis: AliasBasis,
    /// What the name is (which transliteration, when it was used);
    /// required except for an official spelling, whose `reference` says it.
    pub note: Option<String>,
    /// The text that uses this spelling: required for `official`, expected
    /// for the others where one exists.
    pub reference: Option<Reference>,
}

/// An editorial note: something the record says that its sources do not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editorial {
    pub text: String,
    pub text_en: Option<String>,
    pub reference: Reference,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub source: String,
    pub paragraph: u32,
    /// The supporting words, verbatim from the paragraph.
    pub span: String,
    /// Where the span starts in the paragraph, in characters.
    pub span_start: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordsFile {
    source: Option<String>,
    #[serde(default)]
    agreement: Vec<Spanned<RawRecord>>,
    #[serde(default)]
    project: Vec<Spanned<RawRecord>>,
    #[serde(default)]
    initiative: Vec<Spanned<RawRecord>>,
    #[serde(default)]
    event: Vec<Spanned<RawRecord>>,
    #[serde(default)]
    figure: Vec<Spanned<RawRecord>>,
    #[serde(default)]
    quote: Vec<Spanned<RawRecord>>,
    #[serde(default)]
    person: Vec<Spanned<RawRecord>>,
    #[serde(default)]
    country: Vec<Spanned<RawRecord>>,
    #[serde(default)]
    organization: Vec<Spanned<RawRecord>>,
}

type Text = Option<Spanned<String>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecord {
    slug: Spanned<String>,
    title: Spanned<String>,
    english: Text,
    english_basis: Text,
    english_ref: Option<Spanned<RawRef>>,
    english_note: Option<String>,
    #[serde(default)]
    aliases: Vec<Spanned<RawAlias>>,
    #[serde(default)]
    editorial: Vec<Spanned<RawEditorial>>,
    summary: Spanned<String>,
    summary_en: Text,
    summary_en_basis: Text,
    summary_en_ref: Option<Spanned<RawRef>>,
    fields_en_basis: Text,
    fields_en_ref: Option<Spanned<RawRef>>,
    #[serde(default)]
    cite: Vec<Spanned<RawCite>>,
    #[serde(default)]
    progress: Vec<Spanned<RawProgress>>,
    #[serde(default)]
    disagree: Vec<Spanned<RawDisagree>>,
    commitment: Option<Spanned<RawCommitment>>,

    form: Text,
    signed: Text,
    place: Text,
    status: Text,
    sector: Text,
    #[serde(rename = "type")]
    kind_of: Text,
    date: Text,
    date_basis: Text,
    derivation: Text,
    original: Text,
    value: Option<Spanned<f64>>,
    unit: Text,
    normalized: Text,
    measure: Text,
    period: Text,
    words: Text,
    quote_type: Text,
    role: Text,
    iso: Text,
    capital: Text,

    // English of the prose fields, `<field>_en` (see FieldName::needs_english).
    form_en: Text,
    signed_en: Text,
    place_en: Text,
    sector_en: Text,
    #[serde(rename = "type_en")]
    kind_of_en: Text,
    unit_en: Text,
    measure_en: Text,
    period_en: Text,
    role_en: Text,
    capital_en: Text,
    derivation_en: Text,
    /// The status words in English: not one of the prose fields the loader
    /// demands (a status is the source's own words), but `check` wants it.
    status_en: Text,

    parties: Option<Spanned<OneOrMany>>,
    countries: Option<Spanned<OneOrMany>>,
    speaker: Option<Spanned<OneOrMany>>,
    country: Option<Spanned<OneOrMany>>,
    host: Option<Spanned<OneOrMany>>,
    participants: Option<Spanned<OneOrMany>>,
    members: Option<Spanned<OneOrMany>>,
    proposed_by: Option<Spanned<OneOrMany>>,
    event: Option<Spanned<OneOrMany>>,
    related: Option<Spanned<OneOrMany>>,
}

/// An alias: a plain name, or a table giving its basis. The table is read
/// in a second step so that a wrong key gets serde's own message (unknown
/// field `bases`, expected one of …) rather than "did not match any variant".
#[derive(Deserialize)]
#[serde(untagged)]
enum RawAlias {
    Name(String),
    Entry(toml::Table),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAliasEntry {
    name: Option<String>,
    basis: Option<String>,
    note: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<RawRef>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCite {
    source: Option<String>,
    p: u32,
    span: String,
}

/// A later statement of the record's status: `{ status, date?, cite }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProgress {
    status: String,
    status_en: Option<String>,
    date: Option<String>,
    cite: RawCite,
}

/// `commitment = { said_by, verb, by?, deadline?, deadline_basis?, derivation? }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommitment {
    said_by: String,
    verb: String,
    by: Option<OneOrMany>,
    deadline: Option<String>,
    deadline_basis: Option<String>,
    derivation: Option<String>,
}

/// Another source's value for one of the record's fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDisagree {
    field: String,
    value: String,
    cite: RawCite,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRef {
    publisher: Option<String>,
    title: Option<String>,
    date: Option<String>,
    url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEditorial {
    text: Option<String>,
    text_en: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<Spanned<RawRef>>,
}

/// A record's checked English beyond its name.
struct English {
    summary_en: Option<String>,
    summary_provenance: Option<Provenance>,
    fields_en: Vec<(FieldName, String)>,
    fields_provenance: Option<Provenance>,
}

impl RawRecord {
    /// The kind-specific fields that are present, with their spans.
    fn present_fields(&self) -> Vec<(FieldName, String, std::ops::Range<usize>)> {
        use FieldName::*;
        let texts: [(FieldName, &Text); 19] = [
            (Form, &self.form),
            (Signed, &self.signed),
            (Place, &self.place),
            (Status, &self.status),
            (Sector, &self.sector),
            (Type, &self.kind_of),
            (Date, &self.date),
            (DateBasis, &self.date_basis),
            (Derivation, &self.derivation),
            (Original, &self.original),
            (Unit, &self.unit),
            (Normalized, &self.normalized),
            (Measure, &self.measure),
            (Period, &self.period),
            (Words, &self.words),
            (QuoteType, &self.quote_type),
            (Role, &self.role),
            (Iso, &self.iso),
            (Capital, &self.capital),
        ];
        let mut out: Vec<_> = texts
            .into_iter()
            .filter_map(|(n, v)| v.as_ref().map(|s| (n, s.get_ref().clone(), s.span())))
            .collect();
        if let Some(v) = &self.value {
            out.push((Value, format_number(*v.get_ref()), v.span()));
        }
        out
    }

    /// The `<field>_en` slots, each with the field it renders.
    fn english_slots(&self) -> [(FieldName, &Text); 11] {
        use FieldName::*;
        [
            (Form, &self.form_en),
            (Signed, &self.signed_en),
            (Place, &self.place_en),
            (Sector, &self.sector_en),
            (Type, &self.kind_of_en),
            (Unit, &self.unit_en),
            (Measure, &self.measure_en),
            (Period, &self.period_en),
            (Role, &self.role_en),
            (Capital, &self.capital_en),
            (Derivation, &self.derivation_en),
        ]
    }

    fn take_links(&mut self) -> Vec<(LinkRole, Vec<String>, std::ops::Range<usize>)> {
        use LinkRole::*;
        let slots: [(LinkRole, &mut Option<Spanned<OneOrMany>>); 10] = [
            (Parties, &mut self.parties),
            (Countries, &mut self.countries),
            (Speaker, &mut self.speaker),
            (CountryOf, &mut self.country),
            (Host, &mut self.host),
            (Participants, &mut self.participants),
            (Members, &mut self.members),
            (ProposedBy, &mut self.proposed_by),
            (AtEvent, &mut self.event),
            (Related, &mut self.related),
        ];
        slots
            .into_iter()
            .filter_map(|(role, slot)| {
                slot.take().map(|s| {
                    let span = s.span();
                    (role, s.into_inner().into_vec(), span)
                })
            })
            .collect()
    }
}

/// Numbers are stored as text; integral values lose their `.0`.
fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A record still carrying the line numbers needed for cross-record checks.
struct Pending {
    record: Record,
    slug_line: usize,
    title_line: usize,
    english_line: usize,
    alias_lines: Vec<usize>,
    link_lines: Vec<usize>,
}

pub(super) fn load_all(
    files: &[PathBuf],
    sources: &[Source],
    hasher: &mut Sha256,
    errors: &mut SeedErrors,
) -> Vec<Record> {
    let mut pending: Vec<Pending> = Vec::new();
    for path in files {
        let Some((text, bytes)) = read_text(path, errors) else {
            continue;
        };
        hash_file(hasher, path, &bytes);
        let file: RecordsFile = match toml::from_str(&text) {
            Ok(f) => f,
            Err(e) => {
                errors.push(toml_error(path, &text, &e));
                continue;
            }
        };
        let default_source = file.source.clone();
        let groups = [
            (Kind::Agreement, file.agreement),
            (Kind::Project, file.project),
            (Kind::Initiative, file.initiative),
            (Kind::Event, file.event),
            (Kind::Figure, file.figure),
            (Kind::Quote, file.quote),
            (Kind::Person, file.person),
            (Kind::Country, file.country),
            (Kind::Organization, file.organization),
        ];
        for (kind, raws) in groups {
            for raw in raws {
                let ctx = Ctx {
                    path,
                    text: &text,
                    sources,
                    default_source: default_source.as_deref(),
                };
                if let Some(p) = ctx.check(kind, raw, errors) {
                    pending.push(p);
                }
            }
        }
    }
    check_cross(&pending, errors);
    pending.into_iter().map(|p| p.record).collect()
}

struct Ctx<'a> {
    path: &'a Path,
    text: &'a str,
    sources: &'a [Source],
    default_source: Option<&'a str>,
}

impl Ctx<'_> {
    fn line(&self, span: std::ops::Range<usize>) -> usize {
        line_of(self.text.as_bytes(), span.start)
    }

    fn err(&self, errors: &mut SeedErrors, span: std::ops::Range<usize>, msg: String) {
        errors.push(SeedError::at(self.path, self.line(span), msg));
    }

    /// Checks one record on its own (fields, citations); links are checked
    /// once every file is read.
    fn check(
        &self,
        kind: Kind,
        raw: Spanned<RawRecord>,
        errors: &mut SeedErrors,
    ) -> Option<Pending> {
        let record_span = raw.span();
        let mut raw = raw.into_inner();
        let before = errors.len();
        let slug = raw.slug.get_ref().clone();
        let label = format!("{} `{}`", kind.as_str(), slug);

        if !is_valid_slug(&slug) {
            self.err(
                errors,
                raw.slug.span(),
                format!("invalid slug `{slug}`: use lowercase ASCII words joined by hyphens"),
            );
        }
        if raw.title.get_ref().trim().is_empty() {
            self.err(errors, raw.title.span(), format!("{label}: empty title"));
        }
        if raw.summary.get_ref().trim().is_empty() {
            self.err(
                errors,
                raw.summary.span(),
                format!("{label}: empty summary"),
            );
        }
        match (&raw.english, &raw.english_note) {
            (None, None) => self.err(
                errors,
                raw.slug.span(),
                format!(
                    "{label}: give `english` (its established English name) or `english_note` \
                     (why none is established)"
                ),
            ),
            (Some(e), _) if e.get_ref().trim().is_empty() => {
                self.err(errors, e.span(), format!("{label}: empty `english`"))
            }
            _ => {}
        }
        let (english_basis, english_ref) = self.check_english_basis(&raw, &label, errors);
        let english = self.check_english_texts(&raw, &label, errors);
        let editorial = self.check_editorial(&raw.editorial, &label, errors);
        let (alias_names, alias_lines, alias_notes) = self.check_aliases(&raw, &label, errors);

        // Kind-specific fields.
        let allowed = kind.fields();
        let present = raw.present_fields();
        for (name, value, span) in &present {
            if !allowed.iter().any(|d| d.name == *name) {
                self.err(
                    errors,
                    span.clone(),
                    format!(
                        "{label}: `{}` is not a field of a {}",
                        name.as_str(),
                        kind.as_str()
                    ),
                );
            } else if value.trim().is_empty() {
                self.err(
                    errors,
                    span.clone(),
                    format!("{label}: `{}` is empty", name.as_str()),
                );
            }
        }
        for def in allowed.iter().filter(|d| d.required) {
            if !present.iter().any(|(n, _, _)| *n == def.name) {
                self.err(
                    errors,
                    raw.slug.span(),
                    format!("{label}: missing field `{}`", def.name.as_str()),
                );
            }
        }
        // A figure's value is a number a list sorts by: TOML also reads
        // `inf` and `nan`, which order nowhere.
        if let Some(v) = &raw.value
            && !v.get_ref().is_finite()
        {
            self.err(
                errors,
                v.span(),
                format!("{label}: value must be a finite number"),
            );
        }
        if let Some(qt) = &raw.quote_type
            && !QUOTE_TYPES.contains(&qt.get_ref().as_str())
        {
            self.err(
                errors,
                qt.span(),
                format!(
                    "{label}: quote_type must be one of {}",
                    QUOTE_TYPES.join(", ")
                ),
            );
        }

        // Citations: at least one, each verbatim in an existing paragraph.
        let mut citations = Vec::new();
        if raw.cite.is_empty() {
            self.err(
                errors,
                raw.slug.span(),
                format!("{label}: no citation; every record must cite the paragraph it rests on"),
            );
        }
        for c in &raw.cite {
            if let Some(citation) = self.resolve(c.get_ref(), c.span(), &label, errors) {
                citations.push(citation);
            }
        }

        // Quoted words and a figure's original wording must stand verbatim in
        // a cited paragraph: the record may not put words in anyone's mouth.
        for (field, value) in [
            (FieldName::Words, &raw.words),
            (FieldName::Original, &raw.original),
        ] {
            let Some(v) = value else { continue };
            let found = citations.iter().any(|c| {
                self.sources
                    .iter()
                    .find(|s| s.slug == c.source)
                    .and_then(|s| s.paragraph(c.paragraph))
                    .is_some_and(|p| p.text.contains(v.get_ref().as_str()))
            });
            if !found && !citations.is_empty() {
                self.err(
                    errors,
                    v.span(),
                    format!(
                        "{label}: `{}` \"{}\" is not verbatim in any paragraph it cites",
                        field.as_str(),
                        v.get_ref()
                    ),
                );
            }
        }

        self.check_date(&raw, &label, &citations, errors);
        let status_history = self.status_history(&raw, kind, &label, &mut citations, errors);
        let disagreements = self.disagreements(&raw, &present, &label, &mut citations, errors);
        let commitment = self.commitment(&mut raw, kind, &label, &citations, errors);

        let link_fields = raw.take_links();
        let mut links = Vec::new();
        let mut link_lines = Vec::new();
        let link_defs = kind.links();
        for (role, targets, span) in link_fields {
            if !link_defs.iter().any(|d| d.role == role) {
                self.err(
                    errors,
                    span.clone(),
                    format!(
                        "{label}: `{}` is not a link a {} can make",
                        role.as_str(),
                        kind.as_str()
                    ),
                );
                continue;
            }
            for t in targets {
                if links.iter().any(|l: &Link| l.role == role && l.target == t) {
                    self.err(
                        errors,
                        span.clone(),
                        format!("{label}: `{t}` listed twice in `{}`", role.as_str()),
                    );
                    continue;
                }
                links.push(Link { role, target: t });
                link_lines.push(self.line(span.clone()));
            }
        }
        for def in link_defs.iter().filter(|d| d.required) {
            if !links.iter().any(|l| l.role == def.role) {
                self.err(
                    errors,
                    raw.slug.span(),
                    format!("{label}: missing link `{}`", def.role.as_str()),
                );
            }
        }

        // A record with errors is still returned, so that links to it do not
        // add a second, misleading error; the whole load fails anyway.
        let _ = before;
        let fields = {
            let mut f: Vec<(FieldName, String)> =
                present.into_iter().map(|(n, v, _)| (n, v)).collect();
            // Lists, search, the map and the JSON show the latest status.
            if let Some(latest) = status_history.last() {
                match f.iter_mut().find(|(n, _)| *n == FieldName::Status) {
                    Some((_, v)) => *v = latest.status.clone(),
                    None => f.push((FieldName::Status, latest.status.clone())),
                }
            }
            f.sort_by_key(|(n, _)| *n);
            f
        };
        Some(Pending {
            slug_line: self.line(raw.slug.span()),
            title_line: self.line(raw.title.span()),
            english_line: raw
                .english
                .as_ref()
                .map_or(self.line(raw.slug.span()), |e| self.line(e.span())),
            alias_lines,
            record: Record {
                kind,
                slug,
                title: raw.title.into_inner(),
                english: raw.english.map(Spanned::into_inner),
                english_basis,
                english_ref,
                english_note: raw.english_note,
                aliases: alias_names,
                alias_notes,
                editorial,
                summary: raw.summary.into_inner(),
                summary_en: english.summary_en,
                summary_en_provenance: english.summary_provenance,
                fields,
                fields_en: {
                    // The latest status's English goes with the latest status.
                    let mut e = english.fields_en;
                    if let Some(en) = status_history.last().and_then(|s| s.status_en.clone()) {
                        e.push((FieldName::Status, en));
                        e.sort_by_key(|(n, _)| *n);
                    }
                    e
                },
                fields_en_provenance: english.fields_provenance,
                links,
                citations,
                status_history,
                disagreements,
                commitment,
                file: self.path.to_path_buf(),
                line: self.line(record_span),
            },
            link_lines,
        })
    }
}

/// How one piece of English and its provenance are keyed in a seed file and
/// named in messages.
struct EnglishKeys<'a> {
    /// The key of the English itself (`english`, `summary_en`, `sector_en`).
    text: &'a str,
    basis: &'a str,
    reference: &'a str,
    /// For messages: "an official English name".
    official: &'a str,
    /// What the reference names: "the English text that uses the name".
    cited: &'a str,
}

impl Ctx<'_> {
    /// A citation's source and paragraph exist, and its span stands verbatim
    /// in that paragraph.
    fn resolve(
        &self,
        c: &RawCite,
        span: std::ops::Range<usize>,
        label: &str,
        errors: &mut SeedErrors,
    ) -> Option<Citation> {
        let Some(source_slug) = c.source.as_deref().or(self.default_source) else {
            self.err(
                errors,
                span,
                format!("{label}: citation names no source and the file sets no default `source`"),
            );
            return None;
        };
        let Some(source) = self.sources.iter().find(|s| s.slug == source_slug) else {
            self.err(
                errors,
                span,
                format!("{label}: unknown source `{source_slug}`"),
            );
            return None;
        };
        let Some(para) = source.paragraph(c.p) else {
            if source.changed_from.is_some() {
                self.err(errors, span, changed_citation(source, label, c));
                return None;
            }
            let count = source.paragraphs().count();
            self.err(
                errors,
                span,
                format!(
                    "{label}: paragraph {} does not exist in `{source_slug}` (it has {count})",
                    c.p
                ),
            );
            return None;
        };
        if c.span.trim().is_empty() {
            self.err(errors, span, format!("{label}: empty citation span"));
            return None;
        }
        match para.text.find(&c.span) {
            Some(byte) => Some(Citation {
                source: source_slug.to_owned(),
                paragraph: c.p,
                span: c.span.clone(),
                span_start: para.text[..byte].chars().count(),
            }),
            None if source.changed_from.is_some() => {
                self.err(errors, span, changed_citation(source, label, c));
                None
            }
            None => {
                self.err(
                    errors,
                    span,
                    format!(
                        "{label}: span \"{}\" is not verbatim in ¶{} of `{source_slug}`",
                        c.span, c.p
                    ),
                );
                None
            }
        }
    }

    /// The citation's index in `citations`, added there if it is new.
    fn index_of(citations: &mut Vec<Citation>, c: Citation) -> usize {
        match citations.iter().position(|x| *x == c) {
            Some(i) => i,
            None => {
                citations.push(c);
                citations.len() - 1
            }
        }
    }

    fn published(&self, source: &str) -> String {
        self.sources
            .iter()
            .find(|s| s.slug == source)
            .map(|s| s.published.clone())
            .unwrap_or_default()
    }

    /// The status as a series of dated statements. Today's `status` is the
    /// first, dated by the source its citation comes from (the citation
    /// whose span holds the status words, else the record's first); each
    /// `progress` entry adds one, its status verbatim in its own citation
    /// and dated by its source's publication or by a date its span states.
    fn status_history(
        &self,
        raw: &RawRecord,
        kind: Kind,
        label: &str,
        citations: &mut Vec<Citation>,
        errors: &mut SeedErrors,
    ) -> Vec<StatusStatement> {
        let mut out = Vec::new();
        if let Some(status) = &raw.status
            && !citations.is_empty()
        {
            let words = status.get_ref();
            let at = citations
                .iter()
                .position(|c| c.span.contains(words.as_str()))
                .unwrap_or(0);
            out.push(StatusStatement {
                status: words.clone(),
                status_en: raw
                    .status_en
                    .as_ref()
                    .map(|t| t.get_ref().trim().to_owned()),
                date: self.published(&citations[at].source),
                basis: StatusDate::Published,
                citation: at,
            });
        }
        if !raw.progress.is_empty() && !kind.fields().iter().any(|d| d.name == FieldName::Status) {
            self.err(
                errors,
                raw.progress[0].span(),
                format!(
                    "{label}: a {} has no `status`, so no `progress`",
                    kind.as_str()
                ),
            );
            return out;
        }
        for p in &raw.progress {
            let span = p.span();
            let entry = p.get_ref();
            let Some(citation) = self.resolve(&entry.cite, span.clone(), label, errors) else {
                continue;
            };
            if entry.status.trim().is_empty() || !citation.span.contains(entry.status.as_str()) {
                self.err(
                    errors,
                    span,
                    format!(
                        "{label}: progress status \"{}\" must stand verbatim in its cited span",
                        entry.status
                    ),
                );
                continue;
            }
            let (date, basis) = match &entry.date {
                None => (self.published(&citation.source), StatusDate::Published),
                Some(d) => match DateSpan::parse(d) {
                    Ok(parsed) if parsed.end.is_none() => {
                        let forms = parsed.written_forms();
                        if !forms.iter().any(|f| citation.span.contains(f.as_str())) {
                            self.err(
                                errors,
                                span,
                                format!(
                                    "{label}: progress date `{d}` stands not in its cited span \
                                     (as the source would write it: \"{}\"); cite the words \
                                     that state it, or leave `date` out to date the statement \
                                     by the source's publication",
                                    forms[0]
                                ),
                            );
                            continue;
                        }
                        (d.clone(), StatusDate::Stated)
                    }
                    _ => {
                        self.err(
                            errors,
                            span,
                            format!(
                                "{label}: progress date `{d}` must be one YYYY, YYYY-MM or \
                                 YYYY-MM-DD"
                            ),
                        );
                        continue;
                    }
                },
            };
            if entry
                .status_en
                .as_ref()
                .is_some_and(|e| e.trim().is_empty())
            {
                self.err(errors, span, format!("{label}: empty progress `status_en`"));
                continue;
            }
            let at = Self::index_of(citations, citation);
            out.push(StatusStatement {
                status: entry.status.clone(),
                status_en: entry.status_en.as_ref().map(|e| e.trim().to_owned()),
                date,
                basis,
                citation: at,
            });
        }
        // Oldest first; statements of one date keep the order written.
        out.sort_by(|a, b| a.date.cmp(&b.date));
        out
    }

    /// A commitment names who committed and the verb exactly as one cited
    /// span says them, who before the verb; a deadline is a date the span
    /// states, or one derived with its derivation, as record dates are.
    fn commitment(
        &self,
        raw: &mut RawRecord,
        kind: Kind,
        label: &str,
        citations: &[Citation],
        errors: &mut SeedErrors,
    ) -> Option<Commitment> {
        let spanned = raw.commitment.take()?;
        let span = spanned.span();
        let c = spanned.into_inner();
        if !matches!(
            kind,
            Kind::Agreement | Kind::Project | Kind::Initiative | Kind::Event
        ) {
            self.err(
                errors,
                span,
                format!("{label}: a {} makes no commitment", kind.as_str()),
            );
            return None;
        }
        let (said_by, verb) = (c.said_by.trim(), c.verb.trim());
        if said_by.is_empty() || verb.is_empty() {
            self.err(
                errors,
                span,
                format!(
                    "{label}: a commitment needs `said_by` and `verb`, as the source says them"
                ),
            );
            return None;
        }
        let holds = |t: &str| {
            t.find(said_by)
                .is_some_and(|a| t[a + said_by.len()..].contains(verb))
        };
        let Some(at) = citations.iter().position(|ci| holds(&ci.span)) else {
            self.err(
                errors,
                span,
                format!(
                    "{label}: no cited span says \"{said_by}\" and then \"{verb}\"; cite the words \
                     that say who committed and how"
                ),
            );
            return None;
        };
        let cited = &citations[at];
        let basis = c.deadline_basis.as_deref().map(|b| (b, Basis::parse(b)));
        match (&c.deadline, basis, &c.derivation) {
            (None, None, None) => {}
            (Some(d), Some((_, Some(Basis::Stated))), None) => match DateSpan::parse(d) {
                Ok(date)
                    if date
                        .written_forms()
                        .iter()
                        .any(|f| cited.span.contains(f.as_str())) => {}
                _ => {
                    self.err(
                        errors,
                        span,
                        format!(
                            "{label}: stated deadline `{d}` stands not in the span that makes the \
                             commitment (\"{}\")",
                            cited.span
                        ),
                    );
                    return None;
                }
            },
            (Some(d), Some((_, Some(Basis::Derived))), Some(how)) => {
                let named = paragraph_refs(how);
                if DateSpan::parse(d).is_err()
                    || named.is_empty()
                    || named
                        .iter()
                        .any(|n| !citations.iter().any(|ci| ci.paragraph == *n))
                {
                    self.err(
                        errors,
                        span,
                        format!(
                            "{label}: derived deadline `{d}` needs a date and a derivation naming \
                             the cited paragraphs it rests on as ¶N"
                        ),
                    );
                    return None;
                }
            }
            _ => {
                self.err(
                    errors,
                    span,
                    format!(
                        "{label}: a deadline needs `deadline` with `deadline_basis = \"stated\"`, or \
                         `\"derived\"` with its `derivation`; leave all three out where the source \
                         gives none"
                    ),
                );
                return None;
            }
        }
        Some(Commitment {
            said_by: said_by.to_owned(),
            by: c.by.map(OneOrMany::into_vec).unwrap_or_default(),
            verb: verb.to_owned(),
            citation: at,
            deadline_basis: c.deadline.as_ref().and(basis.and_then(|(_, b)| b)),
            deadline: c.deadline,
            derivation: c.derivation,
            line: self.line(span),
        })
    }

    /// Another source's value for a field the record gives: both are kept,
    /// each with its citation, never merged. The other value must stand in
    /// its span (a date as Chinese text writes it), differ from the record's
    /// and come from another source.
    fn disagreements(
        &self,
        raw: &RawRecord,
        present: &[(FieldName, String, std::ops::Range<usize>)],
        label: &str,
        citations: &mut Vec<Citation>,
        errors: &mut SeedErrors,
    ) -> Vec<Disagreement> {
        let mut out = Vec::new();
        for d in &raw.disagree {
            let span = d.span();
            let entry = d.get_ref();
            let Some((field, own, _)) = FieldName::parse(&entry.field)
                .filter(|f| !matches!(f, FieldName::DateBasis | FieldName::Derivation))
                .and_then(|f| present.iter().find(|(n, _, _)| *n == f))
            else {
                self.err(
                    errors,
                    span,
                    format!(
                        "{label}: disagree names `{}`, which is not a field this record gives",
                        entry.field
                    ),
                );
                continue;
            };
            let Some(other) = self.resolve(&entry.cite, span.clone(), label, errors) else {
                continue;
            };
            let value = entry.value.trim();
            if value == own.as_str() {
                self.err(
                    errors,
                    span,
                    format!(
                        "{label}: `{}` \"{value}\" is the record's own value: that source \
                         agrees, so cite it instead",
                        field.as_str()
                    ),
                );
                continue;
            }
            // How a value is looked for in a span: a date in the forms
            // Chinese text writes it, anything else verbatim.
            let written = |v: &str| -> Vec<String> {
                match (*field, DateSpan::parse(v)) {
                    (FieldName::Date, Ok(d)) => d.written_forms(),
                    _ => vec![v.to_owned()],
                }
            };
            let forms = written(value);
            if !forms.iter().any(|f| other.span.contains(f.as_str())) {
                self.err(
                    errors,
                    span,
                    format!(
                        "{label}: disagreeing `{}` \"{value}\" stands not in its cited span (as \
                         the source would write it: \"{}\")",
                        field.as_str(),
                        forms[0]
                    ),
                );
                continue;
            }
            let own_forms = written(own);
            let own_at = citations
                .iter()
                .position(|c| own_forms.iter().any(|f| c.span.contains(f.as_str())))
                .unwrap_or(0);
            if citations
                .get(own_at)
                .is_some_and(|c| c.source == other.source)
            {
                self.err(
                    errors,
                    span,
                    format!(
                        "{label}: the disagreeing value comes from `{}`, the source of the \
                         record's own value; a disagreement is between two sources",
                        other.source
                    ),
                );
                continue;
            }
            if citations.is_empty() {
                continue;
            }
            let other_at = Self::index_of(citations, other);
            out.push(Disagreement {
                field: *field,
                value: own.clone(),
                citation: own_at,
                other_value: value.to_owned(),
                other_citation: other_at,
                line: self.line(span),
            });
        }
        out
    }
}

impl Ctx<'_> {
    /// An English name says where it comes from: quoted from an official
    /// English text, named in `english_ref`, or our translation, which has no
    /// reference. A reader can then tell a name they may search for in
    /// English sources from one we made up.
    fn check_english_basis(
        &self,
        raw: &RawRecord,
        label: &str,
        errors: &mut SeedErrors,
    ) -> (Option<EnglishBasis>, Option<Reference>) {
        let keys = EnglishKeys {
            text: "english",
            basis: "english_basis",
            reference: "english_ref",
            official: "an official English name",
            cited: "the English text that uses the name",
        };
        let p = self.check_provenance(
            raw.english.as_ref().map(Spanned::span),
            &raw.english_basis,
            &raw.english_ref,
            raw.slug.span(),
            &keys,
            label,
            errors,
        );
        match p {
            Some(p) => (Some(p.basis), p.reference),
            None => (None, None),
        }
    }

    /// The same rule for any English: given, it has a basis; an official one
    /// names the English text that says it, and only an official one does.
    #[expect(clippy::too_many_arguments, reason = "one call per kind of English")]
    fn check_provenance(
        &self,
        text: Option<std::ops::Range<usize>>,
        basis: &Text,
        reference: &Option<Spanned<RawRef>>,
        fallback: std::ops::Range<usize>,
        keys: &EnglishKeys,
        label: &str,
        errors: &mut SeedErrors,
    ) -> Option<Provenance> {
        let parsed = match (&text, basis) {
            (Some(span), None) => {
                self.err(
                    errors,
                    span.clone(),
                    format!(
                        "{label}: `{}` needs `{}`: \"official\" (with `{}`, {}) or \
                         \"translation\" (our own rendering)",
                        keys.text, keys.basis, keys.reference, keys.cited
                    ),
                );
                None
            }
            (None, Some(b)) => {
                self.err(
                    errors,
                    b.span(),
                    format!("{label}: `{}` without `{}`", keys.basis, keys.text),
                );
                None
            }
            (Some(_), Some(b)) => {
                let parsed = EnglishBasis::parse(b.get_ref());
                if parsed.is_none() {
                    self.err(
                        errors,
                        b.span(),
                        format!(
                            "{label}: {} must be `official` or `translation`, not `{}`",
                            keys.basis,
                            b.get_ref()
                        ),
                    );
                }
                parsed
            }
            (None, None) => None,
        };
        let checked = reference
            .as_ref()
            .and_then(|r| self.check_ref(r, keys.reference, label, errors));
        match (parsed, reference) {
            (Some(EnglishBasis::Official), None) => self.err(
                errors,
                basis.as_ref().map_or(fallback, |b| b.span()),
                format!(
                    "{label}: {} needs `{} = {{ publisher, title, date, url }}`, {}",
                    keys.official, keys.reference, keys.cited
                ),
            ),
            (Some(EnglishBasis::Official), Some(_)) => {}
            (_, Some(r)) => self.err(
                errors,
                r.span(),
                format!(
                    "{label}: `{}` is only for {} = \"official\"; our own translation has no \
                     reference",
                    keys.reference, keys.basis
                ),
            ),
            (_, None) => {}
        }
        parsed.map(|basis| Provenance {
            basis,
            reference: checked.filter(|_| basis == EnglishBasis::Official),
        })
    }

    /// A record's English summary and the English of its prose fields, each
    /// with its provenance. Every record has a summary in English and every
    /// prose field its `<field>_en`, so that a reader who reads no Chinese
    /// can read every record.
    fn check_english_texts(
        &self,
        raw: &RawRecord,
        label: &str,
        errors: &mut SeedErrors,
    ) -> English {
        let summary_en = raw.summary_en.as_ref();
        if let Some(t) = summary_en
            && t.get_ref().trim().is_empty()
        {
            self.err(errors, t.span(), format!("{label}: empty `summary_en`"));
        }
        if summary_en.is_none() {
            self.err(
                errors,
                raw.summary.span(),
                format!(
                    "{label}: missing `summary_en`, the summary in English (with \
                     `summary_en_basis`)"
                ),
            );
        }
        let summary_provenance = self.check_provenance(
            summary_en.map(Spanned::span),
            &raw.summary_en_basis,
            &raw.summary_en_ref,
            raw.summary.span(),
            &EnglishKeys {
                text: "summary_en",
                basis: "summary_en_basis",
                reference: "summary_en_ref",
                official: "an official English summary",
                cited: "the English text that says the same",
            },
            label,
            errors,
        );

        let present = raw.present_fields();
        let mut fields_en = Vec::new();
        let mut first_en: Option<(String, std::ops::Range<usize>)> = None;
        for (name, slot) in raw.english_slots() {
            let key = format!("{}_en", name.as_str());
            let of = present.iter().find(|(n, _, _)| *n == name);
            match (of, slot) {
                (None, Some(en)) => self.err(
                    errors,
                    en.span(),
                    format!("{label}: `{key}` without `{}`", name.as_str()),
                ),
                (Some(_), Some(en)) if en.get_ref().trim().is_empty() => {
                    self.err(errors, en.span(), format!("{label}: empty `{key}`"))
                }
                (Some(_), Some(en)) => fields_en.push((name, en.get_ref().clone())),
                (Some((_, _, span)), None) if name.needs_english() => self.err(
                    errors,
                    span.clone(),
                    format!(
                        "{label}: missing `{key}`, the English of `{}` (with `fields_en_basis`)",
                        name.as_str()
                    ),
                ),
                _ => {}
            }
            if let (None, Some(en)) = (&first_en, slot) {
                first_en = Some((key, en.span()));
            }
        }
        match (&raw.status, &raw.status_en) {
            (None, Some(en)) => self.err(
                errors,
                en.span(),
                format!("{label}: `status_en` without `status`"),
            ),
            (Some(_), Some(en)) if en.get_ref().trim().is_empty() => {
                self.err(errors, en.span(), format!("{label}: empty `status_en`"))
            }
            (_, Some(en)) if first_en.is_none() => {
                first_en = Some(("status_en".to_owned(), en.span()));
            }
            _ => {}
        }
        fields_en.sort_by_key(|(n, _)| *n);
        let text_key = first_en
            .as_ref()
            .map_or("<field>_en".to_owned(), |(k, _)| k.clone());
        let fields_provenance = self.check_provenance(
            first_en.map(|(_, span)| span),
            &raw.fields_en_basis,
            &raw.fields_en_ref,
            raw.slug.span(),
            &EnglishKeys {
                text: &text_key,
                basis: "fields_en_basis",
                reference: "fields_en_ref",
                official: "official field English",
                cited: "the English text that uses these words",
            },
            label,
            errors,
        );
        English {
            summary_en: summary_en.map(|t| t.get_ref().trim().to_owned()),
            summary_provenance,
            fields_en,
            fields_provenance,
        }
    }

    /// Aliases as names, and those written with a basis checked: an official
    /// spelling names the text that uses it; any other basis says in `note`
    /// what the name is. A name may not be empty, repeat the title or repeat
    /// another alias.
    fn check_aliases(
        &self,
        raw: &RawRecord,
        label: &str,
        errors: &mut SeedErrors,
    ) -> (Vec<String>, Vec<usize>, Vec<AliasNote>) {
        let mut names: Vec<String> = Vec::new();
        let mut lines = Vec::new();
        let mut notes = Vec::new();
        for a in &raw.aliases {
            let span = a.span();
            let name = match a.get_ref() {
                RawAlias::Name(n) => n.clone(),
                RawAlias::Entry(table) => {
                    match self.check_alias_entry(table, span.clone(), label, errors) {
                        Some(note) => {
                            let name = note.name.clone();
                            notes.push(note);
                            name
                        }
                        None => continue,
                    }
                }
            };
            if name.trim().is_empty() || name == *raw.title.get_ref() || names.contains(&name) {
                self.err(
                    errors,
                    span.clone(),
                    format!(
                        "{label}: alias `{name}` is empty, repeats the title or repeats another alias"
                    ),
                );
            }
            names.push(name);
            lines.push(self.line(span));
        }
        (names, lines, notes)
    }

    fn check_alias_entry(
        &self,
        table: &toml::Table,
        span: std::ops::Range<usize>,
        label: &str,
        errors: &mut SeedErrors,
    ) -> Option<AliasNote> {
        let entry = match RawAliasEntry::deserialize(toml::Value::Table(table.clone())) {
            Ok(e) => e,
            Err(e) => {
                self.err(
                    errors,
                    span,
                    format!(
                        "{label}: alias: {}; an alias is a name or {{ name, basis, note, ref }}",
                        e.message().trim()
                    ),
                );
                return None;
            }
        };
        let name = entry.name.as_deref().map(str::trim).unwrap_or_default();
        if name.is_empty() {
            self.err(
                errors,
                span,
                format!("{label}: an alias table needs `name`"),
            );
            return None;
        }
        let basis = match entry.basis.as_deref().map(AliasBasis::parse) {
            Some(Some(b)) => b,
            given => {
                let values: Vec<&str> = AliasBasis::ALL.iter().map(|b| b.as_str()).collect();
                let what = match (given, entry.basis.as_deref()) {
                    (Some(None), Some(b)) => format!("`basis` \"{b}\" is not one of"),
                    _ => "needs `basis`, one of".to_owned(),
                };
                self.err(
                    errors,
                    span,
                    format!("{label}: alias \"{name}\" {what} {}", values.join(", ")),
                );
                return None;
            }
        };
        let note = entry
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if note.is_none() && basis != AliasBasis::Official {
            self.err(
                errors,
                span.clone(),
                format!(
                    "{label}: alias \"{name}\" ({}) needs a `note` saying what the name is \
                     (which transliteration, when it was used)",
                    basis.as_str()
                ),
            );
            return None;
        }
        let reference = match entry.reference {
            Some(r) => {
                let spanned = Spanned::new(span.clone(), r);
                Some(self.check_ref(&spanned, "alias `ref`", label, errors)?)
            }
            None if basis == AliasBasis::Official => {
                self.err(
                    errors,
                    span,
                    format!(
                        "{label}: alias \"{name}\" is an official spelling: give `ref = {{ \
                         publisher, title, date, url }}`, the text that uses it"
                    ),
                );
                return None;
            }
            None => None,
        };
        Some(AliasNote {
            name: name.to_owned(),
            basis,
            note: note.map(str::to_owned),
            reference,
        })
    }

    /// Editorial notes carry what the sources do not say, so each must name
    /// where it comes from.
    fn check_editorial(
        &self,
        raws: &[Spanned<RawEditorial>],
        label: &str,
        errors: &mut SeedErrors,
    ) -> Vec<Editorial> {
        let mut out = Vec::new();
        for raw in raws {
            let span = raw.span();
            let e = raw.get_ref();
            let text = e.text.as_deref().map(str::trim).unwrap_or_default();
            if text.is_empty() {
                self.err(
                    errors,
                    span.clone(),
                    format!("{label}: an editorial note needs `text`"),
                );
            }
            if e.text_en.as_deref().is_some_and(|t| t.trim().is_empty()) {
                self.err(
                    errors,
                    span.clone(),
                    format!("{label}: empty `text_en` in an editorial note"),
                );
            }
            let reference = match &e.reference {
                Some(r) => self.check_ref(r, "editorial `ref`", label, errors),
                None => {
                    self.err(
                        errors,
                        span,
                        format!(
                            "{label}: an editorial note needs `ref = {{ publisher, title, date, \
                             url }}`: a fact from outside the source must say where it is from"
                        ),
                    );
                    None
                }
            };
            if let Some(reference) = reference
                && !text.is_empty()
            {
                out.push(Editorial {
                    text: text.to_owned(),
                    text_en: e.text_en.as_deref().map(|t| t.trim().to_owned()),
                    reference,
                });
            }
        }
        out
    }

    /// A reference names publisher, title and day; its URL, if given, is a
    /// web address a reader can follow.
    fn check_ref(
        &self,
        raw: &Spanned<RawRef>,
        what: &str,
        label: &str,
        errors: &mut SeedErrors,
    ) -> Option<Reference> {
        let r = raw.get_ref();
        let mut ok = true;
        let mut required = |name: &str, v: &Option<String>| -> String {
            let v = v.as_deref().map(str::trim).unwrap_or_default();
            if v.is_empty() {
                self.err(
                    errors,
                    raw.span(),
                    format!("{label}: {what} needs `{name}`"),
                );
                ok = false;
            }
            v.to_owned()
        };
        let publisher = required("publisher", &r.publisher);
        let title = required("title", &r.title);
        let date = required("date", &r.date);
        let is_day = is_iso_date(&date) && DateSpan::parse(&date).is_ok();
        if !date.is_empty() && !is_day {
            self.err(
                errors,
                raw.span(),
                format!("{label}: {what} `date` \"{date}\" must be a day written YYYY-MM-DD"),
            );
            ok = false;
        }
        let url = r.url.as_deref().map(str::trim);
        if let Some(u) = url
            && !is_web_url(u)
        {
            self.err(
                errors,
                raw.span(),
                format!("{label}: {what} `url` \"{u}\" must be an http:// or https:// address"),
            );
            ok = false;
        }
        ok.then(|| Reference {
            publisher,
            title,
            date,
            url: url.map(str::to_owned),
        })
    }

    /// A date must parse, and say whether the source states it or it is
    /// derived; a derived date must say how, so the timeline can show it.
    fn check_date(
        &self,
        raw: &RawRecord,
        label: &str,
        citations: &[Citation],
        errors: &mut SeedErrors,
    ) {
        let basis = raw.date_basis.as_ref();
        let Some(date) = &raw.date else {
            for (name, present) in [
                ("date_basis", basis),
                ("derivation", raw.derivation.as_ref()),
            ] {
                if let Some(v) = present {
                    self.err(
                        errors,
                        v.span(),
                        format!("{label}: `{name}` without a `date`"),
                    );
                }
            }
            return;
        };
        let parsed = DateSpan::parse(date.get_ref());
        if let Err(e) = &parsed {
            self.err(
                errors,
                date.span(),
                format!("{label}: date {e} (write YYYY, YYYY-MM, YYYY-MM-DD, or two joined by /)"),
            );
        }
        let basis_parsed = basis.and_then(|b| Basis::parse(b.get_ref()));
        if !citations.is_empty() {
            match (basis_parsed, &parsed, &raw.derivation) {
                (Some(Basis::Stated), Ok(span), _) => {
                    self.check_stated_date(span, date, label, citations, errors)
                }
                (Some(Basis::Derived), _, Some(d)) => {
                    self.check_derivation(d, label, citations, errors)
                }
                _ => {}
            }
        }
        match basis.map(|b| (Basis::parse(b.get_ref()), b.span())) {
            None => self.err(
                errors,
                date.span(),
                format!("{label}: a `date` needs `date_basis = \"stated\"` or `\"derived\"`"),
            ),
            Some((None, span)) => self.err(
                errors,
                span,
                format!("{label}: date_basis must be `stated` or `derived`"),
            ),
            Some((Some(Basis::Derived), span)) if raw.derivation.is_none() => self.err(
                errors,
                span,
                format!("{label}: a derived date needs `derivation`, saying how it follows from the source"),
            ),
            Some((Some(Basis::Stated), _)) if raw.derivation.is_some() => self.err(
                errors,
                raw.derivation.as_ref().map(|d| d.span()).unwrap_or(date.span()),
                format!("{label}: a stated date takes no `derivation`; use date_basis = \"derived\""),
            ),
            Some(_) => {}
        }
    }
}

impl Ctx<'_> {
    /// A stated date must be in the source's words, and in the words the
    /// record cites, so that a reader sees it there: a date that only follows
    /// from the text (the summit's day inside the trip's dates) is derived.
    fn check_stated_date(
        &self,
        span: &DateSpan,
        date: &Spanned<String>,
        label: &str,
        citations: &[Citation],
        errors: &mut SeedErrors,
    ) {
        let forms = span.written_forms();
        let found = citations
            .iter()
            .any(|c| forms.iter().any(|f| c.span.contains(f.as_str())));
        if !found {
            self.err(
                errors,
                date.span(),
                format!(
                    "{label}: stated date `{}` stands in no span the record cites (as the source \
                     would write it: \"{}\"); cite the words that state it, or make it \
                     date_basis = \"derived\" with its derivation",
                    date.get_ref(),
                    forms[0]
                ),
            );
        }
    }

    /// A derivation names the paragraphs it rests on as ¶N, and the record
    /// cites each of them, so the page shows the words beside the reasoning.
    fn check_derivation(
        &self,
        derivation: &Spanned<String>,
        label: &str,
        citations: &[Citation],
        errors: &mut SeedErrors,
    ) {
        let named = paragraph_refs(derivation.get_ref());
        if named.is_empty() {
            self.err(
                errors,
                derivation.span(),
                format!(
                    "{label}: a derivation must name the paragraph(s) it rests on as ¶N (e.g. ¶9)"
                ),
            );
        }
        for n in named {
            if !citations.iter().any(|c| c.paragraph == n) {
                self.err(
                    errors,
                    derivation.span(),
                    format!(
                        "{label}: the derivation names ¶{n}, which the record does not cite; \
                         cite the words it rests on"
                    ),
                );
            }
        }
    }
}

/// A citation of a source whose text changed, no longer standing in its
/// paragraph: where its words went, or how the paragraph now differs.
fn changed_citation(source: &Source, label: &str, c: &RawCite) -> String {
    let head = format!(
        "{label}: cites ¶{} of `{}`, whose text changed since it was pinned: \"{}\" no longer \
         stands in ¶{}",
        c.p, source.slug, c.span, c.p
    );
    if let Some(moved) = source.paragraphs().find(|b| b.text.contains(&c.span)) {
        let n = moved.n.unwrap_or_default();
        return format!(
            "{head}; the words now stand in ¶{n} (text line {}): paragraphs were added, removed \
             or joined, so `p` must become {n} if the record still holds",
            moved.line_at(0)
        );
    }
    let Some(para) = source.paragraph(c.p) else {
        return format!(
            "{head}; the text now has only {} paragraphs",
            source.paragraphs().count()
        );
    };
    match super::changes::span_diff(&c.span, &para.text) {
        Some(diff) => format!(
            "{head}; ¶{} (text line {}) now differs from the cited words as [-lost-]{{+gained+}}: {diff}",
            c.p, para.line
        ),
        None => format!(
            "{head}; nothing in ¶{} (text line {}) resembles them now; it reads: {}",
            c.p,
            para.line,
            para.text.chars().take(80).collect::<String>()
        ),
    }
}

/// Paragraph numbers written as ¶N in a text, in order, without repeats.
fn paragraph_refs(text: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices('¶') {
        let digits: String = text[i + '¶'.len_utf8()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(n) = digits.parse::<u32>()
            && !out.contains(&n)
        {
            out.push(n);
        }
    }
    out
}

/// A record's names, folded as search folds them, with the line of each.
struct Names {
    title: String,
    english: Option<String>,
    aliases: Vec<(String, usize)>,
}

/// An alias is a name a reader may search for and a term the coverage check
/// accepts, so it must point at one record only: it may not be another
/// record's title, alias or English name, nor a part of the title or an alias
/// of another record of the same kind (then it is generic, as 中国—中亚峰会
/// is for each of the summits). Every collision names both records.
fn check_aliases(pending: &[Pending], errors: &mut SeedErrors) {
    let names: Vec<Names> = pending
        .iter()
        .map(|p| Names {
            title: fold(&p.record.title),
            english: p.record.english.as_deref().map(fold),
            aliases: p
                .record
                .aliases
                .iter()
                .map(|a| fold(a))
                .zip(p.alias_lines.iter().copied())
                .collect(),
        })
        .collect();
    let at = |p: &Pending, line: usize| {
        format!(
            "{} `{}` ({}:{line})",
            p.record.kind.as_str(),
            p.record.slug,
            p.record.file.display()
        )
    };
    for (i, p) in pending.iter().enumerate() {
        for ((alias, line), original) in names[i].aliases.iter().zip(&p.record.aliases) {
            for (j, q) in pending.iter().enumerate() {
                if i == j || alias.is_empty() {
                    continue;
                }
                let other = &names[j];
                let same_kind = q.record.kind == p.record.kind;
                let problem = if *alias == other.title {
                    Some(format!("is the title of {}", at(q, q.title_line)))
                } else if other.english.as_ref() == Some(alias) {
                    Some(format!("is the English name of {}", at(q, q.english_line)))
                } else if let Some((_, l)) = other.aliases.iter().find(|(a, _)| a == alias) {
                    // Reported once, from the first of the two records.
                    (i < j).then(|| format!("is also an alias of {}", at(q, *l)))
                } else if same_kind && other.title.contains(alias.as_str()) {
                    Some(format!(
                        "is generic: it is part of the title \"{}\" of {}",
                        q.record.title,
                        at(q, q.title_line)
                    ))
                } else if let Some((k, l)) = other
                    .aliases
                    .iter()
                    .enumerate()
                    .find(|(_, (a, _))| same_kind && a.contains(alias.as_str()))
                    .map(|(k, (_, l))| (k, *l))
                {
                    Some(format!(
                        "is generic: it is part of the alias \"{}\" of {}",
                        q.record.aliases[k],
                        at(q, l)
                    ))
                } else {
                    None
                };
                if let Some(problem) = problem {
                    errors.push(SeedError::at(
                        &p.record.file,
                        *line,
                        format!(
                            "{} `{}`: alias \"{original}\" {problem}; an alias must name this \
                             record alone",
                            p.record.kind.as_str(),
                            p.record.slug
                        ),
                    ));
                }
            }
        }
    }
}

/// Checks that span records: unique slugs, links to existing records of an
/// allowed kind, aliases that name one record.
fn check_cross(pending: &[Pending], errors: &mut SeedErrors) {
    check_aliases(pending, errors);
    let mut by_slug: HashMap<&str, &Pending> = HashMap::new();
    for p in pending {
        if let Some(first) = by_slug.get(p.record.slug.as_str()) {
            errors.push(SeedError::at(
                &p.record.file,
                p.slug_line,
                format!(
                    "duplicate slug `{}`: already used at {}:{}",
                    p.record.slug,
                    first.record.file.display(),
                    first.slug_line
                ),
            ));
        } else {
            by_slug.insert(&p.record.slug, p);
        }
    }
    for p in pending {
        let r = &p.record;
        let Some(c) = &r.commitment else { continue };
        for target in &c.by {
            let ok = by_slug.get(target.as_str()).is_some_and(|t| {
                matches!(
                    t.record.kind,
                    Kind::Person | Kind::Country | Kind::Organization
                )
            });
            if !ok {
                errors.push(SeedError::at(
                    &r.file,
                    c.line,
                    format!(
                        "{} `{}`: commitment `by` names `{target}`, which is not a person, \
                         country or organization record",
                        r.kind.as_str(),
                        r.slug
                    ),
                ));
            }
        }
    }
    for p in pending {
        let r = &p.record;
        let defs = r.kind.links();
        for (link, line) in r.links.iter().zip(&p.link_lines) {
            let label = format!("{} `{}`", r.kind.as_str(), r.slug);
            match by_slug.get(link.target.as_str()) {
                None => errors.push(SeedError::at(
                    &r.file,
                    *line,
                    format!(
                        "{label}: `{}` links to `{}`, which is not a record",
                        link.role.as_str(),
                        link.target
                    ),
                )),
                Some(t) if t.record.slug == r.slug => errors.push(SeedError::at(
                    &r.file,
                    *line,
                    format!("{label}: links to itself"),
                )),
                Some(t) => {
                    let ok = defs
                        .iter()
                        .find(|d| d.role == link.role)
                        .is_some_and(|d| d.targets.contains(&t.record.kind));
                    if !ok {
                        errors.push(SeedError::at(
                            &r.file,
                            *line,
                            format!(
                                "{label}: `{}` cannot link to {} `{}`",
                                link.role.as_str(),
                                t.record.kind.as_str(),
                                link.target
                            ),
                        ));
                    }
                }
            }
        }
    }
}

/// An absolute http(s) address with a host and no white space.
pub(super) fn is_web_url(u: &str) -> bool {
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !u.chars().any(char::is_whitespace)
    })
}

#[cfg(test)]
mod tests {
    use super::{format_number, is_web_url, paragraph_refs};
    use crate::model::FieldName;

    #[test]
    fn paragraph_references() {
        assert_eq!(
            paragraph_refs("¶2 说……（¶1）；又见¶12、¶1。"),
            vec![2, 1, 12]
        );
        assert!(paragraph_refs("第1段").is_empty());
        assert!(paragraph_refs("¶").is_empty());
    }

    #[test]
    fn web_urls() {
        assert!(is_web_url("https://english.news.cn/20250617/abc/c.html"));
        assert!(is_web_url("http://www.mfa.gov.cn/eng/"));
        for bad in ["", "english.news.cn", "https://", "ftp://x", "https://a b"] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }

    /// The `<field>_en` slots of a record are exactly the fields the model
    /// says need English.
    #[test]
    fn english_slots_are_the_fields_that_need_english() {
        let raw: super::RawRecord =
            toml::from_str("slug = \"a\"\ntitle = \"t\"\nsummary = \"s\"").unwrap();
        let slots: Vec<FieldName> = raw.english_slots().iter().map(|(n, _)| *n).collect();
        for f in FieldName::ALL {
            assert_eq!(slots.contains(&f), f.needs_english(), "{}", f.as_str());
        }
    }

    #[test]
    fn numbers_keep_their_digits() {
        assert_eq!(format_number(948.0), "948");
        assert_eq!(format_number(94.8), "94.8");
        assert_eq!(format_number(0.35), "0.35");
    }
}
