//! Turning what a person typed into terms and a safe SQL condition.
//!
//! User text is never read as FTS5 query syntax, where `"`, `AND`, `NEAR(`,
//! `*`, `a:b` or `-x` would raise errors: terms of three or more characters
//! go to the trigram index as double-quoted phrases, and shorter ones (铁路,
//! 峰, `xi`), which trigrams cannot find, to the term index
//! ([`super::terms`]) as double-quoted tokens. Both are bound as
//! parameters, never spliced into SQL.

use super::normalize::{fold, is_romanised};
use super::plan::{Alternative, Form, Plan};
use super::terms;

/// Longest query considered, in characters; the rest is ignored, not refused.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most terms used; further terms are ignored.
pub const MAX_TERMS: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// What the person typed, cut to [`MAX_QUERY_CHARS`], for display.
    pub raw: String,
    /// The folded terms, all of which must match.
    pub terms: Vec<String>,
}

impl Query {
    pub fn parse(raw: &str) -> Query {
        let raw: String = raw.chars().take(MAX_QUERY_CHARS).collect();
        let folded = fold(&raw);
        let mut terms: Vec<String> = Vec::new();
        for t in folded.split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '.' | '\''))) {
            let t = t.trim_matches(|c| matches!(c, '-' | '.' | '\''));
            if !t.is_empty() && !terms.iter().any(|x| x == t) {
                terms.push(t.to_owned());
            }
            if terms.len() == MAX_TERMS {
                break;
            }
        }
        Query { raw, terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The query without its `i`-th term (a kind word that narrows it).
    pub fn without_term(&self, i: usize) -> Query {
        let mut terms = self.terms.clone();
        if i < terms.len() {
            terms.remove(i);
        }
        Query {
            raw: self.raw.clone(),
            terms,
        }
    }

    /// The terms joined as one phrase, for exact-title comparison.
    pub fn phrase(&self) -> String {
        self.terms.join(" ")
    }
}

/// A `LIKE` pattern matching `term` anywhere, with wildcards escaped by `\`.
pub fn contains_pattern(term: &str) -> String {
    format!("%{}%", escape_like(term))
}

/// A `LIKE` pattern matching values that start with `term`.
pub fn prefix_pattern(term: &str) -> String {
    format!("{}%", escape_like(term))
}

fn escape_like(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 2);
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The pinyin form of a romanised term (`xi'an` → `xian`), if it is one.
pub fn pinyin_term(term: &str) -> Option<String> {
    is_romanised(term).then(|| term.chars().filter(|c| c.is_ascii_alphanumeric()).collect())
}

/// The fragments a condition is made of, and nothing else: every value is a
/// `?` placeholder. A condition is over rowids alone, so that it is asked
/// of `search_facets` (`f`, migrations 0013 and 0021), whose rows are a
/// few bytes. The phrases (one trigram `MATCH`) and the term index's
/// tokens are looked up in indexes; a short term the term index cannot
/// take ([`SHORT_SET`]) scans the rows of `search_rows`, and characters,
/// syllables or words in order ([`NAMES_IN_ORDER_SET`],
/// [`PINYIN_IN_ORDER_SET`], [`NAMES_WORDS_SET`]) read the rows the term
/// index leaves.
///
/// A condition whose first part is one index lookup ([`LONG_TERMS`],
/// [`TERMS`]) reads the matches from that index (`d`, in rowid order)
/// and joins each to its facet, without first building the list of
/// matching rowids that `rowid IN (...)` builds (峰 at 1000x: 48,000
/// rowids, about half of the count's time). The index's order is the
/// candidates' order ([`Condition::is_one_lookup`]).
pub(crate) const LONG_TERMS: &str =
    "search_index(?) d CROSS JOIN search_facets f ON f.id = d.rowid";
/// Every clause the term index takes whole (short Latin words, terms of
/// one or two characters), in one FTS5 expression: looked up, not scanned.
pub(crate) const TERMS: &str = "search_terms(?) d CROSS JOIN search_facets f ON f.id = d.rowid";
/// The table the matches are read from when the first part is not one
/// index lookup.
pub(crate) const FACETS: &str = "search_facets f";
/// [`TERMS`] beside a trigram `MATCH`: `+f.id`, so the rowids only
/// filter what the trigram index finds, and never become the way
/// `search_facets` is read ahead of the `MATCH`. (Before the facets were
/// joined, a bare `rowid IN` was handed to FTS5 with the `MATCH`, which
/// then evaluated the phrase once per rowid: `铁路 哈萨克斯坦` at 100x took
/// 196 ms of CPU that way, 4 ms this way.)
pub(crate) const TERMS_FILTER: &str =
    "+f.id IN (SELECT rowid FROM search_terms WHERE search_terms MATCH ?)";
/// Alternatives of a clause of mixed forms, each a set of rowids; a part
/// made of these is rendered `f.id IN (a UNION b ...)` (`+f.id` after an
/// index lookup).
pub(crate) const PHRASE_SET: &str = "SELECT rowid FROM search_index WHERE search_index MATCH ?";
pub(crate) const TERM_SET: &str = "SELECT rowid FROM search_terms WHERE search_terms MATCH ?";
/// A term of one or two characters the term index cannot take (text with
/// another pinyin reading): a scan, as before the index.
pub(crate) const SHORT_SET: &str = "SELECT id FROM search_rows WHERE names LIKE ? ESCAPE '\\' \
     OR pinyin LIKE ? ESCAPE '\\' OR linked LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\' \
     OR pinyin LIKE ? ESCAPE '\\'";
/// Characters (syllables) in order: the rows holding every one of them,
/// from the term index, then the order checked on those alone.
pub(crate) const NAMES_IN_ORDER_SET: &str = "SELECT id FROM search_rows WHERE id IN \
     (SELECT rowid FROM search_terms WHERE search_terms MATCH ?) AND names LIKE ? ESCAPE '\\'";
pub(crate) const PINYIN_IN_ORDER_SET: &str = "SELECT id FROM search_rows WHERE id IN \
     (SELECT rowid FROM search_terms WHERE search_terms MATCH ?) \
     AND ' ' || pinyin || ' ' LIKE ? ESCAPE '\\'";
/// Words in any order: the rows holding each of their characters, from
/// the term index, then each word checked in the names of those alone.
/// The words are bound as one JSON array.
pub(crate) const NAMES_WORDS_SET: &str = "SELECT id FROM search_rows WHERE id IN \
     (SELECT rowid FROM search_terms WHERE search_terms MATCH ?) \
     AND NOT EXISTS (SELECT 1 FROM json_each(?) w WHERE instr(names, w.value) = 0)";
/// The condition that matches nothing, for a query without terms.
pub(crate) const NOTHING: &str = "0";

/// Every fragment a condition may hold.
#[cfg(any(test, fuzzing))]
pub(crate) const FRAGMENTS: [&str; 11] = [
    LONG_TERMS,
    FACETS,
    TERMS,
    TERMS_FILTER,
    PHRASE_SET,
    TERM_SET,
    SHORT_SET,
    NAMES_IN_ORDER_SET,
    PINYIN_IN_ORDER_SET,
    NAMES_WORDS_SET,
    NOTHING,
];

/// A condition as parts that must all hold, each one condition fragment or
/// several rowid sets of which a row must be in one; [`render`] joins
/// them. Kept as structure so that the invariants can check that nothing
/// but fixed fragments reaches SQL.
///
/// A clause whose alternatives are all phrases joins one FTS5 `MATCH` on
/// the trigram index; one whose alternatives the term index takes whole
/// joins one `MATCH` on the term index; any other clause is a union of its
/// alternatives' rowid sets.
pub(crate) fn condition_parts(plan: &Plan) -> (Vec<Vec<&'static str>>, Vec<String>) {
    let mut parts: Vec<Vec<&'static str>> = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    let mut phrases: Vec<String> = Vec::new();
    let mut terms: Vec<Vec<String>> = Vec::new();
    for clause in &plan.clauses {
        let alts = &clause.alternatives;
        if alts.iter().all(|a| a.form == Form::Phrase) {
            let group: Vec<String> = alts.iter().map(|a| fts_alternative(&a.text)).collect();
            phrases.push(if group.len() == 1 {
                group.into_iter().next().unwrap_or_default()
            } else {
                format!("({})", group.join(" OR "))
            });
            continue;
        }
        let tokens: Option<Vec<String>> = alts
            .iter()
            .map(|a| terms::token(a).map(str::to_owned))
            .collect();
        if let Some(tokens) = tokens {
            terms.push(tokens);
            continue;
        }
        let mut group = Vec::new();
        for a in alts {
            group.push(alternative_sql(a, &mut binds));
        }
        parts.push(group);
    }
    if !terms.is_empty() {
        parts.insert(
            0,
            vec![if phrases.is_empty() {
                TERMS
            } else {
                TERMS_FILTER
            }],
        );
        binds.insert(0, terms::all_of_any(&terms));
    }
    if !phrases.is_empty() {
        parts.insert(0, vec![LONG_TERMS]);
        binds.insert(0, phrases.join(" AND "));
    }
    if parts.is_empty() {
        return (vec![vec![NOTHING]], binds);
    }
    (parts, binds)
}

fn alternative_sql(a: &Alternative, binds: &mut Vec<String>) -> &'static str {
    if let Some(token) = terms::token(a) {
        binds.push(terms::quoted(token));
        return TERM_SET;
    }
    match a.form {
        Form::Phrase => {
            binds.push(fts_alternative(&a.text));
            PHRASE_SET
        }
        // A short Latin word always has its token; a short term without
        // one is text with another pinyin reading.
        Form::Word | Form::Short => {
            let pattern = contains_pattern(&a.text);
            for _ in 0..4 {
                binds.push(pattern.clone());
            }
            let reading = pinyin_term(&a.text)
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| a.text.clone());
            binds.push(contains_pattern(&reading));
            SHORT_SET
        }
        Form::CharsInOrder => {
            binds.push(terms::all_of_any(&each(terms::in_order_tokens(a))));
            let mut pattern = String::from("%");
            for c in a.text.chars() {
                pattern.push_str(&escape_like(&c.to_string()));
                pattern.push('%');
            }
            binds.push(pattern);
            NAMES_IN_ORDER_SET
        }
        Form::SyllablesInOrder => {
            binds.push(terms::all_of_any(&each(terms::in_order_tokens(a))));
            let mut pattern = String::from("%");
            for s in a.text.split_whitespace() {
                pattern.push(' ');
                pattern.push_str(&escape_like(s));
                pattern.push_str(" %");
            }
            binds.push(pattern);
            PINYIN_IN_ORDER_SET
        }
        Form::WordsAnyOrder => {
            binds.push(terms::all_of_any(&each(terms::in_order_tokens(a))));
            let words: Vec<&str> = a.text.split_whitespace().collect();
            binds.push(serde_json::to_string(&words).unwrap_or_else(|_| "[]".to_owned()));
            NAMES_WORDS_SET
        }
    }
}

/// Each token a group of its own: all of them required.
fn each(tokens: Vec<String>) -> Vec<Vec<String>> {
    tokens.into_iter().map(|t| vec![t]).collect()
}

/// A condition as SQL: the matching rows are those of `from` (which names
/// the facets `f`) that `filter` keeps; `key` is their rowid, in whose
/// order `from` reads them when it is an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub from: &'static str,
    pub filter: String,
    pub key: &'static str,
}

impl Condition {
    /// Whether the matches are one lookup in the term index, unfiltered:
    /// read in rowid order, as far as they are needed, at a few bytes a
    /// match (the trigram index checks each phrase's positions too).
    pub fn is_one_lookup(&self) -> bool {
        self.from == TERMS && self.filter == "1"
    }
}

/// Joins [`condition_parts`] into SQL: an index lookup first is where the
/// rows come from; anything else filters the facets' rows.
pub(crate) fn render(parts: &[Vec<&'static str>]) -> Condition {
    let (from, key, rest) = match parts.first().map(|p| &p[..]) {
        Some([one]) if *one == LONG_TERMS || *one == TERMS => (*one, "d.rowid", &parts[1..]),
        _ => (FACETS, "f.id", parts),
    };
    let filter: Vec<String> = rest
        .iter()
        .enumerate()
        .map(|(i, p)| match &p[..] {
            [one] if !one.starts_with("SELECT") => (*one).to_owned(),
            // The first part finds the rows; a later one only filters
            // them (`+f.id`, see [`TERMS_FILTER`]).
            sets if i == 0 && from == FACETS => format!("f.id IN ({})", sets.join(" UNION ")),
            sets => format!("+f.id IN ({})", sets.join(" UNION ")),
        })
        .collect();
    Condition {
        from,
        filter: if filter.is_empty() {
            "1".to_owned()
        } else {
            filter.join(" AND ")
        },
        key,
    }
}

/// The rows of `search_facets` (`f`) that satisfy every clause of `plan`,
/// and the values to bind to its `?` placeholders, in order (those of
/// `from`, then those of `filter`).
///
/// Phrases of three or more characters go into one FTS5 `MATCH`
/// expression, each double-quoted (inner quotes doubled), so the trigram
/// index finds them and no user text is ever read as query syntax. Shorter
/// terms and short Latin words, which trigrams cannot find, are tokens of
/// the term index, looked up in one `MATCH` too; only characters or
/// syllables in order are then checked with `LIKE`, on the rows that hold
/// every one of them.
pub fn match_condition(plan: &Plan) -> (Condition, Vec<String>) {
    let (parts, binds) = condition_parts(plan);
    (render(&parts), binds)
}

/// A phrase, or for romanised text with apostrophes or dashes the phrase
/// or its plain pinyin (`xi'an` or `xian`).
fn fts_alternative(term: &str) -> String {
    match pinyin_term(term).filter(|p| p.chars().count() >= 3 && p != term) {
        Some(p) => format!("({} OR {})", fts_phrase(term), fts_phrase(&p)),
        None => fts_phrase(term),
    }
}

/// `term` as an FTS5 string: in double quotes, inner double quotes doubled.
fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_folds_terms() {
        assert_eq!(
            Query::parse("铁路 哈萨克斯坦").terms,
            vec!["铁路", "哈萨克斯坦"]
        );
        assert_eq!(
            Query::parse("\"Astana Declaration\"").terms,
            vec!["astana", "declaration"]
        );
        assert_eq!(
            Query::parse("NEAR(a, b) AND -x *").terms,
            vec!["near", "a", "b", "and", "x"]
        );
        assert_eq!(Query::parse("中国—中亚").terms, vec!["中国-中亚"]);
        assert_eq!(Query::parse("   ").terms, Vec::<String>::new());
        assert_eq!(
            Query::parse(&"字".repeat(5000)).raw.chars().count(),
            MAX_QUERY_CHARS
        );
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(contains_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }

    #[test]
    fn condition_binds_every_placeholder() {
        let q = Query::parse("zhongjiwu 铁路");
        let (c, binds) = match_condition(&Plan::exact(&q));
        assert_eq!(
            c.from.matches('?').count() + c.filter.matches('?').count(),
            binds.len()
        );
        assert_eq!((c.from, c.filter.as_str()), (LONG_TERMS, TERMS_FILTER));
        assert_eq!(c.key, "d.rowid");
        assert_eq!(binds, ["\"zhongjiwu\"", "\"铁路\""]);
    }

    #[test]
    fn phrases_quote_everything() {
        assert_eq!(fts_phrase("a\"b"), "\"a\"\"b\"");
        let (c, binds) = match_condition(&Plan::exact(&Query::parse("xi'an near")));
        assert_eq!((c.from, c.filter.as_str()), (LONG_TERMS, "1"));
        assert_eq!(binds[0], "(\"xi'an\" OR \"xian\") AND \"near\"");
    }

    #[test]
    fn short_latin_terms_are_whole_words() {
        let (c, binds) = match_condition(&Plan::exact(&Query::parse("SCO")));
        assert_eq!(c.from, TERMS);
        assert_eq!(binds, ["\"sco\""]);
        assert_eq!(c.filter, "1");
        let (c, binds) = match_condition(&Plan::exact(&Query::parse("xi 峰")));
        assert_eq!(c.from, TERMS);
        assert_eq!(binds, ["\"xi\" AND \"峰\""]);
        assert!(c.is_one_lookup());
    }

    /// Only a term-index lookup alone is read twice by the search
    /// statement: a trigram phrase, a lookup filtered by another and a
    /// union of sets are each evaluated once.
    #[test]
    fn one_lookup_is_a_term_index_lookup_alone() {
        let one = |q: &str| {
            match_condition(&Plan::exact(&Query::parse(q)))
                .0
                .is_one_lookup()
        };
        assert!(one("峰"));
        assert!(one("铁路"));
        assert!(!one("中吉乌铁路"), "a trigram phrase");
        assert!(
            !one("铁路 哈萨克斯坦"),
            "a phrase filtered by the term index"
        );
        let plan = Plan::exact(&Query::parse("ai"))
            .with_synonyms(&[vec!["ai".to_owned(), "人工智能".to_owned()]]);
        assert!(!match_condition(&plan).0.is_one_lookup(), "a union of sets");
    }

    #[test]
    fn mixed_alternatives_are_a_union_of_sets() {
        let plan = Plan::exact(&Query::parse("ai"))
            .with_synonyms(&[vec!["ai".to_owned(), "人工智能".to_owned()]]);
        let (c, binds) = match_condition(&plan);
        assert_eq!((c.from, c.key), (FACETS, "f.id"));
        assert_eq!(c.filter, format!("f.id IN ({TERM_SET} UNION {PHRASE_SET})"));
        assert_eq!(binds, ["\"ai\"", "\"人工智能\""]);
        let plan = Plan::exact(&Query::parse("中哈第三条铁路"))
            .in_order()
            .unwrap();
        let (c, binds) = match_condition(&plan);
        assert_eq!(
            c.filter,
            format!("f.id IN ({PHRASE_SET} UNION {NAMES_IN_ORDER_SET} UNION {NAMES_WORDS_SET})")
        );
        assert_eq!(
            binds[1],
            "\"中\" AND \"哈\" AND \"第\" AND \"三\" AND \"条\" AND \"铁\" AND \"路\""
        );
        assert_eq!(binds[4], r#"["中哈","第三","条","铁路"]"#);
    }
}
