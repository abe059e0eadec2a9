//! The vocabulary shared by every stage: the kinds of record, the fields each
//! kind may carry and the links it may make.
//!
//! Field and link rules live here, as data, so that the loader validates
//! against exactly what the pages later display, and a new kind or field is a
//! one-line change rather than a new table.

use serde::Serialize;

/// The kinds of record the knowledge base holds. Stored as its singular
/// name in `records.kind`, and read back as a `Kind`, so nothing after the
/// database parses kind names again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum Kind {
    Agreement,
    Project,
    Initiative,
    Event,
    Figure,
    Quote,
    Person,
    Country,
    Organization,
}

impl Kind {
    /// Every kind, in the order pages list them: outcomes first, context after.
    pub const ALL: [Kind; 9] = [
        Kind::Agreement,
        Kind::Project,
        Kind::Initiative,
        Kind::Event,
        Kind::Figure,
        Kind::Quote,
        Kind::Person,
        Kind::Country,
        Kind::Organization,
    ];

    /// The singular name used in seed files (`[[project]]`) and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Agreement => "agreement",
            Kind::Project => "project",
            Kind::Initiative => "initiative",
            Kind::Event => "event",
            Kind::Figure => "figure",
            Kind::Quote => "quote",
            Kind::Person => "person",
            Kind::Country => "country",
            Kind::Organization => "organization",
        }
    }

    /// The plural used in page URLs (`/projects/{slug}`).
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Agreement => "agreements",
            Kind::Project => "projects",
            Kind::Initiative => "initiatives",
            Kind::Event => "events",
            Kind::Figure => "figures",
            Kind::Quote => "quotes",
            Kind::Person => "people",
            Kind::Country => "countries",
            Kind::Organization => "organizations",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Kind::Agreement => "协议与文件",
            Kind::Project => "项目",
            Kind::Initiative => "倡议与机制",
            Kind::Event => "活动",
            Kind::Figure => "数据",
            Kind::Quote => "引语",
            Kind::Person => "人物",
            Kind::Country => "国家",
            Kind::Organization => "组织",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Kind::Agreement => "Agreements",
            Kind::Project => "Projects",
            Kind::Initiative => "Initiatives",
            Kind::Event => "Events",
            Kind::Figure => "Figures",
            Kind::Quote => "Quotes",
            Kind::Person => "People",
            Kind::Country => "Countries",
            Kind::Organization => "Organizations",
        }
    }

    pub fn from_singular(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn from_plural(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.plural() == s)
    }

    /// The fields a record of this kind may carry; the loader rejects others.
    pub fn fields(self) -> &'static [FieldDef] {
        use FieldName::*;
        const fn f(name: FieldName, required: bool) -> FieldDef {
            FieldDef { name, required }
        }
        match self {
            Kind::Agreement => {
                const {
                    &[
                        f(Form, true),
                        f(Signed, false),
                        f(Date, false),
                        f(DateBasis, false),
                        f(Derivation, false),
                        f(Place, false),
                        f(Status, false),
                    ]
                }
            }
            Kind::Project => {
                const {
                    &[
                        f(Sector, true),
                        f(Status, true),
                        f(Date, false),
                        f(DateBasis, false),
                        f(Derivation, false),
                    ]
                }
            }
            Kind::Initiative => {
                const {
                    &[
                        f(Type, true),
                        f(Date, false),
                        f(DateBasis, false),
                        f(Derivation, false),
                        f(Place, false),
                        f(Status, false),
                    ]
                }
            }
            Kind::Event => {
                const {
                    &[
                        f(Type, true),
                        f(Date, false),
                        f(DateBasis, false),
                        f(Derivation, false),
                        f(Place, false),
                        f(Status, false),
                    ]
                }
            }
            Kind::Figure => {
                const {
                    &[
                        f(Original, true),
                        f(Value, true),
                        f(Unit, true),
                        f(Normalized, true),
                        f(Measure, true),
                        f(Period, false),
                        f(Date, false),
                        f(DateBasis, false),
                        f(Derivation, false),
                    ]
                }
            }
            Kind::Quote => const { &[f(Words, true), f(QuoteType, true)] },
            Kind::Person => const { &[f(Role, true)] },
            Kind::Country => const { &[f(Iso, true), f(Capital, false)] },
            Kind::Organization => const { &[f(Type, true)] },
        }
    }

    /// The links a record of this kind may make, and to which kinds.
    pub fn links(self) -> &'static [LinkDef] {
        use Kind::*;
        use LinkRole::*;
        const fn l(role: LinkRole, targets: &'static [Kind], required: bool) -> LinkDef {
            LinkDef {
                role,
                targets,
                required,
            }
        }
        const ANY: &[Kind] = &Kind::ALL;
        match self {
            Agreement => {
                const {
                    &[
                        l(Parties, &[Country, Organization], true),
                        l(AtEvent, &[Event], false),
                        l(Related, ANY, false),
                    ]
                }
            }
            Project => {
                const {
                    &[
                        l(Countries, &[Country], true),
                        l(ProposedBy, &[Person, Country], false),
                        l(AtEvent, &[Event], false),
                        l(Related, ANY, false),
                    ]
                }
            }
            Initiative => {
                const {
                    &[
                        l(Countries, &[Country], false),
                        l(ProposedBy, &[Person, Country], false),
                        l(AtEvent, &[Event], false),
                        l(Related, ANY, false),
                    ]
                }
            }
            Event => {
                const {
                    &[
                        l(Host, &[Country], false),
                        l(Participants, &[Country, Person, Organization], false),
                        l(Related, ANY, false),
                    ]
                }
            }
            Figure => const { &[l(Countries, &[Country], false), l(Related, ANY, false)] },
            Quote => {
                const {
                    &[
                        l(Speaker, &[Person, Kind::Country], true),
                        l(AtEvent, &[Event], false),
                        l(Related, ANY, false),
                    ]
                }
            }
            Person => {
                const {
                    &[
                        l(CountryOf, &[Kind::Country, Organization], true),
                        l(Related, ANY, false),
                    ]
                }
            }
            Kind::Country => const { &[l(Related, ANY, false)] },
            Organization => {
                const { &[l(Members, &[Kind::Country], false), l(Related, ANY, false)] }
            }
        }
    }
}

/// The names of kind-specific fields, as written in seed files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FieldName {
    // Declaration order is display order: when first.
    Date,
    DateBasis,
    Derivation,
    Form,
    Signed,
    Place,
    Status,
    Sector,
    Type,
    Original,
    Value,
    Unit,
    Normalized,
    Measure,
    Period,
    Words,
    QuoteType,
    Role,
    Iso,
    Capital,
}

impl FieldName {
    /// Every field, in display order (the order of the declaration).
    pub const ALL: [FieldName; 20] = [
        FieldName::Date,
        FieldName::DateBasis,
        FieldName::Derivation,
        FieldName::Form,
        FieldName::Signed,
        FieldName::Place,
        FieldName::Status,
        FieldName::Sector,
        FieldName::Type,
        FieldName::Original,
        FieldName::Value,
        FieldName::Unit,
        FieldName::Normalized,
        FieldName::Measure,
        FieldName::Period,
        FieldName::Words,
        FieldName::QuoteType,
        FieldName::Role,
        FieldName::Iso,
        FieldName::Capital,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldName::Form => "form",
            FieldName::Signed => "signed",
            FieldName::Place => "place",
            FieldName::Status => "status",
            FieldName::Sector => "sector",
            FieldName::Type => "type",
            FieldName::Date => "date",
            FieldName::DateBasis => "date_basis",
            FieldName::Derivation => "derivation",
            FieldName::Original => "original",
            FieldName::Value => "value",
            FieldName::Unit => "unit",
            FieldName::Normalized => "normalized",
            FieldName::Measure => "measure",
            FieldName::Period => "period",
            FieldName::Words => "words",
            FieldName::QuoteType => "quote_type",
            FieldName::Role => "role",
            FieldName::Iso => "iso",
            FieldName::Capital => "capital",
        }
    }

    pub fn parse(s: &str) -> Option<FieldName> {
        FieldName::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// Whether the field's value is prose a reader reads, and so needs its
    /// English (`<field>_en` in the seeds) for readers of the English
    /// edition. Not: codes and numbers (`iso`, `value`, `date`), values
    /// from a fixed list that pages label themselves (`date_basis`,
    /// `quote_type`), the source's own words (`words`, `original`, shown as
    /// published like the source text), `normalized` (written in English
    /// already), and `status`, whose English comes with its dated form.
    pub fn needs_english(self) -> bool {
        use FieldName::*;
        match self {
            Form | Signed | Place | Sector | Type | Unit | Measure | Period | Role | Capital
            | Derivation => true,
            Date | DateBasis | Status | Original | Value | Normalized | Words | QuoteType | Iso => {
                false
            }
        }
    }

    /// Chinese and English labels for a field, as pages show them.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            FieldName::Form => ("形式", "Form"),
            FieldName::Signed => ("签署", "Signed"),
            FieldName::Place => ("地点", "Place"),
            FieldName::Status => ("进展（原文）", "Status, as stated"),
            FieldName::Sector => ("领域", "Sector"),
            FieldName::Type => ("类别", "Type"),
            FieldName::Date => ("时间", "Date"),
            FieldName::DateBasis => ("时间依据", "Date is"),
            FieldName::Derivation => ("推算方法", "How the date is derived"),
            FieldName::Original => ("原文表述", "Original wording"),
            FieldName::Value => ("数值", "Value"),
            FieldName::Unit => ("单位", "Unit"),
            FieldName::Normalized => ("换算", "Normalised"),
            FieldName::Measure => ("衡量对象", "Measures"),
            FieldName::Period => ("时期", "Period"),
            FieldName::Words => ("原话", "Words"),
            FieldName::QuoteType => ("引语类型", "Kind of quote"),
            FieldName::Role => ("职务", "Role"),
            FieldName::Iso => ("代码", "ISO code"),
            FieldName::Capital => ("首都", "Capital"),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    pub name: FieldName,
    pub required: bool,
}

/// How one record relates to another; also the key used in seed files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LinkRole {
    Parties,
    Countries,
    Speaker,
    CountryOf,
    Host,
    Participants,
    Members,
    ProposedBy,
    AtEvent,
    Related,
}

impl LinkRole {
    pub const ALL: [LinkRole; 10] = [
        LinkRole::Parties,
        LinkRole::Countries,
        LinkRole::Speaker,
        LinkRole::CountryOf,
        LinkRole::Host,
        LinkRole::Participants,
        LinkRole::Members,
        LinkRole::ProposedBy,
        LinkRole::AtEvent,
        LinkRole::Related,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkRole::Parties => "parties",
            LinkRole::Countries => "countries",
            LinkRole::Speaker => "speaker",
            LinkRole::CountryOf => "country",
            LinkRole::Host => "host",
            LinkRole::Participants => "participants",
            LinkRole::Members => "members",
            LinkRole::ProposedBy => "proposed_by",
            LinkRole::AtEvent => "event",
            LinkRole::Related => "related",
        }
    }

    pub fn parse(s: &str) -> Option<LinkRole> {
        LinkRole::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Labels for the link seen from the record that makes it.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            LinkRole::Parties => ("缔约方", "Parties"),
            LinkRole::Countries => ("涉及国家", "Countries"),
            LinkRole::Speaker => ("发言人", "Speaker"),
            LinkRole::CountryOf => ("所属", "Country"),
            LinkRole::Host => ("主办方", "Host"),
            LinkRole::Participants => ("参加方", "Participants"),
            LinkRole::Members => ("成员", "Members"),
            LinkRole::ProposedBy => ("提出者", "Proposed by"),
            LinkRole::AtEvent => ("所属活动", "At"),
            LinkRole::Related => ("相关", "Related"),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct LinkDef {
    pub role: LinkRole,
    pub targets: &'static [Kind],
    pub required: bool,
}

/// Where a record's English comes from: its name, its summary, its fields.
/// English in an official English text (a state news agency, a foreign
/// ministry) is quoted; any other is our own rendering, and pages must say so
/// rather than pass it off as the name or the words of an official text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum EnglishBasis {
    /// Used in an English text by the publisher named in `english_ref`.
    Official,
    /// Our translation.
    Translation,
}

impl EnglishBasis {
    pub const ALL: [EnglishBasis; 2] = [EnglishBasis::Official, EnglishBasis::Translation];

    /// The value written in seed files, the database and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            EnglishBasis::Official => "official",
            EnglishBasis::Translation => "translation",
        }
    }

    pub fn parse(s: &str) -> Option<EnglishBasis> {
        EnglishBasis::ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// Chinese and English labels, as pages show them beside the name.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            EnglishBasis::Official => ("官方英文名", "Official English name"),
            EnglishBasis::Translation => ("我们的译名", "Our translation"),
        }
    }
}

/// Whether a slug is fit for a permanent URL: lowercase ASCII words joined by
/// single hyphens.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Quote kinds the article distinguishes (a quote's `quote_type`).
pub const QUOTE_TYPES: [&str; 3] = ["direct", "paraphrase", "allusion"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_singular(k.as_str()), Some(k));
            assert_eq!(Kind::from_plural(k.plural()), Some(k));
        }
        for f in FieldName::ALL {
            assert_eq!(FieldName::parse(f.as_str()), Some(f));
        }
        assert!(
            FieldName::ALL.is_sorted(),
            "ALL lists fields in display order"
        );
        for r in LinkRole::ALL {
            assert_eq!(LinkRole::parse(r.as_str()), Some(r));
        }
        for b in EnglishBasis::ALL {
            assert_eq!(EnglishBasis::parse(b.as_str()), Some(b));
        }
    }

    #[test]
    fn slugs() {
        assert!(is_valid_slug("china-kyrgyzstan-uzbekistan-railway"));
        assert!(is_valid_slug("c5-2025"));
        for bad in ["", "-a", "a-", "a--b", "A", "中吉乌", "a b", "a/b"] {
            assert!(!is_valid_slug(bad), "{bad}");
        }
    }
}
