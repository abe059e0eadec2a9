//! The term index (`search_terms`, migration 0009): what the trigram index
//! cannot find, listed per row of `search_rows` so that a query looks it
//! up instead of scanning every row.
//!
//! Two kinds of token, written from the row's folded columns (the very
//! text the scans read, so a lookup finds exactly the rows a scan found):
//!
//! - **words**: every maximal run of ASCII letters and digits holding a
//!   letter (`xi`, `ai`, `sco`, each pinyin syllable and each string of
//!   initials, `zjwtl`). A short Latin term matches as a whole word exactly
//!   when the row holds it as such a run (the whole-word test of
//!   [`super::rank::has_word`]); a syllable matched in order is one too.
//! - **grams**: every one- and two-character substring of letters and
//!   digits that is not itself a short Latin word (`铁路`, `峰`, `18`,
//!   `a中`). A term of one or two characters occurs in a column exactly
//!   when the row holds it as a gram; a character of a name matched in
//!   order is one too.
//!
//! The two never collide: a gram is never all ASCII with a letter, a word
//! always is. The table is FTS5 with the `ascii` tokenizer (every
//! non-ASCII character is a token character, so each gram is one token),
//! contentless and `detail=none`: only which rows hold a token is stored,
//! a few bytes per row and token.

use super::plan::{Alternative, Form, is_short_latin};
use super::query::pinyin_term;

/// The tokens of one row, from its folded columns, each once, separated by
/// spaces.
pub fn index_terms<'a>(columns: impl IntoIterator<Item = &'a str>) -> String {
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut out = String::new();
    let mut push = |t: &'a str, out: &mut String| {
        if seen.insert(t) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(t);
        }
    };
    for col in columns {
        for word in col
            .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
            .filter(|w| w.bytes().any(|b| b.is_ascii_lowercase()))
        {
            push(word, &mut out);
        }
        let bounds: Vec<(usize, char)> = col.char_indices().collect();
        for (i, &(start, c)) in bounds.iter().enumerate() {
            if !c.is_alphanumeric() {
                continue;
            }
            let one = &col[start..start + c.len_utf8()];
            if !is_short_latin(one) {
                push(one, &mut out);
            }
            if let Some(&(next, d)) = bounds.get(i + 1)
                && d.is_alphanumeric()
            {
                let two = &col[start..next + d.len_utf8()];
                if !is_short_latin(two) {
                    push(two, &mut out);
                }
            }
        }
    }
    out
}

/// The token that finds `a` in the term index, if the index can: a short
/// Latin word, or a term of one or two letters or digits (with no other
/// pinyin reading to match, which only text with apostrophes or dashes
/// has). Anything else is matched another way.
pub fn token(a: &Alternative) -> Option<&str> {
    let text = a.text.as_str();
    match a.form {
        Form::Word => Some(text),
        Form::Short
            if text.chars().all(char::is_alphanumeric)
                && pinyin_term(text).is_none_or(|p| p == text) =>
        {
            Some(text)
        }
        _ => None,
    }
}

/// The tokens a row must hold to match `a` in order: each character of a
/// name in order, each syllable of a reading in order; for words in any
/// order, each two neighbouring characters of a word (a gram of the
/// index, held by every row holding the word, and rarer than either
/// character) or the character of a word of one.
pub fn in_order_tokens(a: &Alternative) -> Vec<String> {
    match a.form {
        Form::CharsInOrder => a.text.chars().map(String::from).collect(),
        Form::SyllablesInOrder => a.text.split_whitespace().map(str::to_owned).collect(),
        Form::WordsAnyOrder => {
            let mut out: Vec<String> = Vec::new();
            for word in a.text.split_whitespace() {
                let chars: Vec<char> = word.chars().collect();
                let grams: Vec<String> = if chars.len() == 1 {
                    vec![word.to_owned()]
                } else {
                    chars.windows(2).map(|p| p.iter().collect()).collect()
                };
                for g in grams {
                    if !out.contains(&g) {
                        out.push(g);
                    }
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// `token` as an FTS5 string: double-quoted, inner quotes doubled (tokens
/// are letters and digits, but user text is never query syntax).
pub fn quoted(token: &str) -> String {
    format!("\"{}\"", token.replace('"', "\"\""))
}

/// An FTS5 expression requiring one token of each group.
pub fn all_of_any(groups: &[Vec<String>]) -> String {
    groups
        .iter()
        .map(|g| {
            let any: Vec<String> = g.iter().map(|t| quoted(t)).collect();
            if any.len() == 1 {
                any.into_iter().next().unwrap_or_default()
            } else {
                format!("({})", any.join(" OR "))
            }
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::plan::How;

    fn tokens(cols: &[&str]) -> Vec<String> {
        let mut t: Vec<String> = index_terms(cols.iter().copied())
            .split(' ')
            .map(str::to_owned)
            .collect();
        t.sort();
        t
    }

    #[test]
    fn words_and_grams() {
        assert_eq!(
            tokens(&["中吉乌 | xi", "zhong  ji | zjw", "ai合作 2025"]),
            [
                "0", "02", "2", "20", "25", "5", "ai", "i合", "ji", "xi", "zhong", "zjw", "中",
                "中吉", "乌", "作", "合", "合作", "吉", "吉乌",
            ]
        );
    }

    #[test]
    fn short_latin_is_never_a_gram() {
        // `xiao` holds `xi` but not as a word: only `xiao` is a token.
        assert_eq!(tokens(&["gao  xiao"]), ["gao", "xiao"]);
    }

    #[test]
    fn which_alternatives_the_index_takes() {
        let alt = |t: &str| Alternative::new(t.to_owned(), How::Typed);
        assert_eq!(token(&alt("xi")), Some("xi"));
        assert_eq!(token(&alt("铁路")), Some("铁路"));
        assert_eq!(token(&alt("18")), Some("18"));
        assert_eq!(token(&alt("铁路网")), None);
        assert_eq!(
            all_of_any(&[
                vec!["ai".to_owned(), "人工".to_owned()],
                vec!["峰".to_owned()]
            ]),
            "(\"ai\" OR \"人工\") AND \"峰\""
        );
    }

    #[test]
    fn words_in_any_order_are_looked_up_by_their_grams() {
        let alt = Alternative {
            text: "铁路 中吉乌 条".to_owned(),
            how: How::Words,
            form: Form::WordsAnyOrder,
        };
        assert_eq!(in_order_tokens(&alt), ["铁路", "中吉", "吉乌", "条"]);
    }
}
