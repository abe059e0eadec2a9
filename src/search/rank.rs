//! Ordering hits: exact names first, then names, then pinyin, then the rest of
//! a record, then bare paragraphs. Pure, so it is tested without a database.

use super::query::{Query, pinyin_term};

/// What ranking reads of a match.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// A record, or else a bare paragraph.
    pub is_record: bool,
    /// The record's id, or the paragraph's source id.
    pub ref_id: i64,
    /// The paragraph's number, for a paragraph.
    pub n: Option<i64>,
    pub names: String,
    pub pinyin: String,
    pub linked: String,
}

/// The candidates, best first, each with its score. Ties: shorter names
/// first (the more specific record), then document order.
pub fn order(q: &Query, candidates: Vec<Candidate>) -> Vec<(u32, Candidate)> {
    let mut scored: Vec<(u32, usize, Candidate)> = candidates
        .into_iter()
        .map(|c| {
            let s = score(q, c.is_record, &c.names, &c.pinyin, &c.linked);
            (s, c.names.chars().count(), c)
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then(a.2.ref_id.cmp(&b.2.ref_id))
            .then(a.2.n.cmp(&b.2.n))
    });
    scored.into_iter().map(|(s, _, c)| (s, c)).collect()
}

/// How well a hit matches, higher first. Ties are broken by the caller.
pub fn score(q: &Query, is_record: bool, names: &str, pinyin: &str, linked: &str) -> u32 {
    if !is_record {
        return 10;
    }
    let phrase = q.phrase();
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let exact = names
        .split(" | ")
        .any(|n| n == phrase || squash(n) == squash(&phrase));
    if exact {
        return 1000;
    }
    let in_names = |t: &String| names.contains(t.as_str());
    let in_pinyin =
        |t: &String| pinyin_term(t).is_some_and(|p| !p.is_empty() && pinyin.contains(p.as_str()));
    if q.terms.iter().all(in_names) {
        let prefix = names
            .split(" | ")
            .any(|n| n.starts_with(q.terms[0].as_str()));
        return if prefix { 700 } else { 600 };
    }
    let pinyin_phrase = pinyin_term(&phrase).map(|p| squash(&p)).unwrap_or_default();
    if !pinyin_phrase.is_empty() && pinyin.split(" | ").any(|p| p == pinyin_phrase) {
        return 900;
    }
    if q.terms.iter().all(|t| in_names(t) || in_pinyin(t)) {
        return 500;
    }
    // Otherwise each term counts by where it matched best: a record's names,
    // then the records it links to, then its own body text.
    let per_term: u32 = q
        .terms
        .iter()
        .map(|t| {
            if in_names(t) {
                30
            } else if in_pinyin(t) || linked.contains(t.as_str()) {
                20
            } else {
                10
            }
        })
        .sum();
    200 + per_term.min(290)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_beats_partial_beats_body() {
        let q = Query::parse("中吉乌铁路");
        assert_eq!(
            score(
                &q,
                true,
                "中吉乌铁路 | china-kyrgyzstan-uzbekistan railway",
                "",
                ""
            ),
            1000
        );
        assert_eq!(score(&q, true, "中吉乌铁路项目", "", ""), 700);
        assert_eq!(score(&q, true, "铁路", "", ""), 210);
        assert_eq!(score(&q, false, "", "", ""), 10);
    }

    #[test]
    fn linked_names_outrank_body_text() {
        let q = Query::parse("铁路 吉尔吉斯斯坦");
        let railway = score(
            &q,
            true,
            "中吉乌铁路",
            "",
            "中国 | 吉尔吉斯斯坦 | 乌兹别克斯坦",
        );
        let country = score(&q, true, "吉尔吉斯斯坦", "", "");
        assert!(railway > country, "{railway} vs {country}");
    }

    #[test]
    fn pinyin_with_or_without_spaces() {
        let names = "中吉乌铁路";
        let py = "zhongjiwutielu | zjwtl";
        assert_eq!(
            score(&Query::parse("zhongjiwu tielu"), true, names, py, ""),
            900
        );
        assert_eq!(
            score(&Query::parse("zhongjiwutielu"), true, names, py, ""),
            900
        );
        assert_eq!(score(&Query::parse("tielu"), true, names, py, ""), 500);
    }
}
