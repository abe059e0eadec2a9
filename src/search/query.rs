//! Turning what a person typed into terms and a safe SQL condition.
//!
//! User text is never read as FTS5 query syntax, where `"`, `AND`, `NEAR(`,
//! `*`, `a:b` or `-x` would raise errors: terms of three or more characters
//! go to the trigram index as double-quoted phrases, and shorter ones (铁路,
//! 峰会), which trigrams cannot find, are `LIKE` patterns with `%`, `_` and `\`
//! escaped. Both are bound as parameters, never spliced into SQL.

use super::normalize::{fold, is_romanised};

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
/// `?` placeholder.
pub(crate) const LONG_TERMS: &str = "search_index MATCH ?";
pub(crate) const SHORT_TERM: &str = "(names LIKE ? ESCAPE '\\' OR pinyin LIKE ? ESCAPE '\\' \
     OR linked LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\')";
pub(crate) const SHORT_TERM_OR_PINYIN: &str = "(names LIKE ? ESCAPE '\\' OR pinyin LIKE ? ESCAPE '\\' \
     OR linked LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\' OR pinyin LIKE ? ESCAPE '\\')";
/// The condition that matches nothing, for a query without terms.
pub(crate) const NOTHING: &str = "0";

/// A condition over the `search_index` table requiring every term, and the
/// values to bind to its `?` placeholders, in order.
///
/// Terms of three or more characters go into one FTS5 `MATCH` expression,
/// each as a double-quoted phrase (inner quotes doubled), so the trigram index
/// finds them and no user text is ever read as query syntax. Shorter terms,
/// which trigrams cannot find, are `LIKE` patterns checked on the rows the
/// index returns (or, if every term is short, on a scan).
pub fn match_condition(q: &Query) -> (String, Vec<String>) {
    let mut parts: Vec<String> = Vec::new();
    let mut binds = Vec::new();
    let mut phrases: Vec<String> = Vec::new();
    for term in &q.terms {
        let pinyin = pinyin_term(term).filter(|p| !p.is_empty() && p != term);
        if term.chars().count() >= 3 {
            match pinyin.filter(|p| p.chars().count() >= 3) {
                Some(p) => phrases.push(format!("({} OR {})", fts_phrase(term), fts_phrase(&p))),
                None => phrases.push(fts_phrase(term)),
            }
            continue;
        }
        let pattern = contains_pattern(term);
        for _ in 0..4 {
            binds.push(pattern.clone());
        }
        match pinyin {
            Some(p) => {
                parts.push(SHORT_TERM_OR_PINYIN.to_owned());
                binds.push(contains_pattern(&p));
            }
            None => parts.push(SHORT_TERM.to_owned()),
        }
    }
    if !phrases.is_empty() {
        parts.insert(0, LONG_TERMS.to_owned());
        binds.insert(0, phrases.join(" AND "));
    }
    if parts.is_empty() {
        return (NOTHING.to_owned(), binds);
    }
    (parts.join(" AND "), binds)
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
        let (sql, binds) = match_condition(&q);
        assert_eq!(sql.matches('?').count(), binds.len());
        assert_eq!(binds[0], "\"zhongjiwu\"");
        assert_eq!(binds.len(), 5);
    }

    #[test]
    fn phrases_quote_everything() {
        assert_eq!(fts_phrase("a\"b"), "\"a\"\"b\"");
        let (sql, binds) = match_condition(&Query::parse("xi'an near"));
        assert!(sql.starts_with("search_index MATCH ?"));
        assert_eq!(binds[0], "(\"xi'an\" OR \"xian\") AND \"near\"");
    }
}
