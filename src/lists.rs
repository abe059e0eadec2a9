//! What a kind's list page is made of, apart from how it is drawn: its
//! columns, what it groups by and which countries make a record a
//! country's own. Pure, so that the import can write the sort keys of the
//! columns (`list_keys`, migration 0018) and the list page read them with
//! the same definitions.

use crate::model::{FieldName, Kind, LinkRole};

/// The group of a list grouped by a field that holds the records without
/// a value for it.
pub const OTHER: &str = "其他";

/// What a list page's column shows: a field, the records of one link role,
/// or the countries a record only mentions (its `related` countries), kept
/// apart from its parties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Field(FieldName),
    Links(LinkRole),
    Mentioned,
}

impl Column {
    pub fn key(self) -> &'static str {
        match self {
            Column::Field(f) => f.as_str(),
            Column::Links(r) => r.as_str(),
            Column::Mentioned => "mentioned",
        }
    }

    /// What the column's cells hold.
    pub fn content(self) -> Content {
        match self {
            Column::Field(f) => Content::Field(f),
            Column::Links(role) => Content::Links(role, None),
            Column::Mentioned => Content::Links(MENTIONED.0, Some(MENTIONED.1)),
        }
    }

    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            Column::Field(f) => f.labels(),
            Column::Links(r) => r.labels(),
            Column::Mentioned => ("仅提及", "Only mentioned"),
        }
    }
}

/// What a column's cells hold: a field's value, or the records a record
/// links to in one role (of one kind only, when given).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    Field(FieldName),
    Links(LinkRole, Option<Kind>),
}

/// The link role and kind of record of the `Mentioned` column: the
/// countries a record relates to without being theirs.
pub const MENTIONED: (LinkRole, Kind) = (LinkRole::Related, Kind::Country);

/// The columns of a kind's table, after the name: what a reader compares
/// records of that kind by.
pub fn columns(kind: Kind) -> &'static [Column] {
    use Column::*;
    match kind {
        Kind::Agreement => &[
            Field(FieldName::Form),
            Field(FieldName::Status),
            Field(FieldName::Date),
            Links(LinkRole::Parties),
            Mentioned,
        ],
        Kind::Project => &[
            Field(FieldName::Sector),
            Field(FieldName::Status),
            Links(LinkRole::Countries),
            Mentioned,
        ],
        Kind::Initiative => &[
            Field(FieldName::Type),
            Field(FieldName::Status),
            Links(LinkRole::Countries),
            Mentioned,
        ],
        Kind::Event => &[
            Field(FieldName::Type),
            Field(FieldName::Date),
            Field(FieldName::Place),
            Links(LinkRole::Host),
        ],
        Kind::Figure => &[
            Field(FieldName::Original),
            Field(FieldName::Value),
            Field(FieldName::Unit),
            Field(FieldName::Period),
            Links(LinkRole::Countries),
        ],
        Kind::Quote => &[
            Links(LinkRole::Speaker),
            Field(FieldName::QuoteType),
            Links(LinkRole::AtEvent),
        ],
        Kind::Person => &[Field(FieldName::Role), Links(LinkRole::CountryOf)],
        Kind::Country => &[Field(FieldName::Iso), Field(FieldName::Capital)],
        Kind::Organization => &[Field(FieldName::Type), Links(LinkRole::Members)],
    }
}

/// The field a kind's list page groups by unless asked otherwise.
pub fn group_field(kind: Kind) -> Option<FieldName> {
    match kind {
        Kind::Agreement => Some(FieldName::Form),
        Kind::Project => Some(FieldName::Sector),
        Kind::Initiative | Kind::Event | Kind::Organization => Some(FieldName::Type),
        _ => None,
    }
}

/// The link role that makes a record a country's own (its parties, the
/// countries it involves), for grouping by country. Mentions do not count.
pub fn country_role(kind: Kind) -> Option<LinkRole> {
    match kind {
        Kind::Agreement => Some(LinkRole::Parties),
        Kind::Project | Kind::Initiative | Kind::Figure => Some(LinkRole::Countries),
        Kind::Person => Some(LinkRole::CountryOf),
        _ => None,
    }
}

/// How a list page is grouped: by a field, by country, or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Field(FieldName),
    Country(LinkRole),
    None,
}

impl Grouping {
    pub fn key(self) -> &'static str {
        match self {
            Grouping::Field(f) => f.as_str(),
            Grouping::Country(_) => "country",
            Grouping::None => "none",
        }
    }
}

/// The groupings a kind offers, its default first.
pub fn groupings(kind: Kind) -> Vec<Grouping> {
    // By country repeats a record under each of its countries, so it is
    // never the default.
    match group_field(kind) {
        Some(f) => [
            Some(Grouping::Field(f)),
            country_role(kind).map(Grouping::Country),
            Some(Grouping::None),
        ]
        .into_iter()
        .flatten()
        .collect(),
        None => [
            Some(Grouping::None),
            country_role(kind).map(Grouping::Country),
        ]
        .into_iter()
        .flatten()
        .collect(),
    }
}
