//! Ordering hits: exact names first, then names, then pinyin, then the rest of
//! a record, then bare paragraphs; and everything matched as typed above
//! everything matched only by a synonym, then by a corrected spelling, then
//! by characters or syllables in order, then by words in another order
//! (one tier each, [`TIER`]). Pure, so it is tested without a database.

use std::cmp::Reverse;
use std::collections::HashMap;

use super::plan::{Alternative, Form, How, Plan};
use super::query::pinyin_term;

/// What ranking reads of a match.
#[derive(Debug, Clone, Default)]
pub struct Candidate {
    /// A record, or else a bare paragraph.
    pub is_record: bool,
    /// The record's kind (`person`), or `paragraph`.
    pub kind: String,
    /// The record's id, or the paragraph's source id.
    pub ref_id: i64,
    /// The paragraph's number, for a paragraph.
    pub n: Option<i64>,
    pub names: String,
    pub pinyin: String,
    pub linked: String,
    pub body: String,
    /// Whether a source is about this record (its `about` event).
    pub about: bool,
    /// How many paragraphs cite the record.
    pub cited_paragraphs: i64,
}

/// A ranked candidate, with what it matched other than the typed terms.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub score: u32,
    pub candidate: Candidate,
    /// The synonyms, corrected spellings or names matched in order, as the
    /// index holds them (`tokayev`), for "也匹配" notes.
    pub also: Vec<String>,
}

/// Scores of one tier ([`How`]) lie in `tier * TIER .. (tier + 1) * TIER`,
/// so a match as typed outranks any other whatever its place.
pub const TIER: u32 = 10_000;

/// A record cited in this many paragraphs or more is central to its
/// source, and comes before a passing mention when the match is equal.
pub const CENTRAL: i64 = 3;

/// The candidates, best first. Ties: a source's own event, then records
/// cited throughout, then shorter names (the more specific record), then
/// document order.
pub fn order(plan: &Plan, candidates: Vec<Candidate>) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = candidates
        .into_iter()
        .map(|c| {
            let (score, also) = score(plan, &c);
            Ranked {
                score,
                candidate: c,
                also,
            }
        })
        .collect();
    quotes_follow_their_speaker(&mut ranked);
    let prominence = |c: &Candidate| {
        if c.about {
            2
        } else if c.cited_paragraphs >= CENTRAL {
            1
        } else {
            0
        }
    };
    // Keys computed once per candidate (a name's length in characters is
    // a walk over it), and the sort stable, as `sort_by` was.
    ranked.sort_by_cached_key(|r| {
        let c = &r.candidate;
        (
            Reverse(r.score),
            Reverse(prominence(c)),
            c.names.chars().count(),
            c.ref_id,
            c.n,
        )
    });
    ranked
}

/// How many names a candidate links to.
fn links(c: &Candidate) -> usize {
    if c.linked.is_empty() {
        0
    } else {
        c.linked.split(" | ").count()
    }
}

/// A query that finds a person by name puts that person's quotes right
/// after them, before records that merely mention the name: a quote links
/// to its speaker, whose title is then one of its linked names.
fn quotes_follow_their_speaker(ranked: &mut [Ranked]) {
    // The people's scores by title: each quote then looks up its own linked
    // names, where asking every person of every quote grew with their
    // product (Tokayev at 100x: 2,100 quotes by 100 people).
    let mut people: HashMap<String, Vec<u32>> = HashMap::new();
    for r in ranked
        .iter()
        .filter(|r| r.candidate.kind == "person" && r.score % TIER >= NAMES)
    {
        let title = r.candidate.names.split(" | ").next().unwrap_or_default();
        people.entry(title.to_owned()).or_default().push(r.score);
    }
    if people.is_empty() {
        return;
    }
    for r in ranked.iter_mut().filter(|r| r.candidate.kind == "quote") {
        // Words of this person alone before words shared with others: the
        // fewer names a quote links to, the closer it follows. A quote
        // follows the best-placed speaker of its own tier.
        let links = links(&r.candidate) as u32;
        let tier = r.score / TIER;
        let mut best = r.score;
        for name in r.candidate.linked.split(" | ") {
            for score in people.get(name).into_iter().flatten() {
                if score / TIER == tier {
                    best = best.max(score.saturating_sub(1 + links.min(90)));
                }
            }
        }
        r.score = best;
    }
}

/// Base scores within a tier.
const EXACT: u32 = 1000;
const PINYIN_EXACT: u32 = 900;
const NAMES_PREFIX: u32 = 700;
const NAMES: u32 = 600;
const NAMES_OR_PINYIN: u32 = 500;
const PARAGRAPH: u32 = 10;

/// Where an alternative matched in a candidate, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Body,
    Linked,
    Pinyin,
    Names,
}

/// A clause's best alternative for a candidate: how it relates to the
/// typed term, where it matched, and how loosely (characters between, for
/// a match in order).
struct Found<'a> {
    alt: &'a Alternative,
    place: Place,
    gap: usize,
}

/// How well a candidate matches, higher first, and what it matched that
/// was not typed.
pub fn score(plan: &Plan, c: &Candidate) -> (u32, Vec<String>) {
    let mut found: Vec<Found> = Vec::new();
    let mut also = Vec::new();
    for clause in &plan.clauses {
        let best = clause
            .alternatives
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                locate(a, c).map(|(place, gap, matched)| (i, a, place, gap, matched))
            })
            // Best: as typed over anything else, a better place, a
            // tighter match, then the earlier (closer) alternative.
            .max_by(|x, y| {
                (x.1.how, x.2)
                    .cmp(&(y.1.how, y.2))
                    .then(y.3.cmp(&x.3))
                    .then(y.0.cmp(&x.0))
            })
            .map(|(_, a, place, gap, matched)| (a, place, gap, matched));
        match best {
            Some((alt, place, gap, matched)) => {
                if alt.how != How::Typed && !also.contains(&matched) {
                    also.push(matched);
                }
                found.push(Found { alt, place, gap });
            }
            // With the terms as typed the body is not read (see
            // `db::search`): what is not elsewhere is in the body.
            None if c.body.is_empty() => found.push(Found {
                alt: &clause.alternatives[0],
                place: Place::Body,
                gap: 0,
            }),
            // Matched by SQL in a way ranking cannot see: lowest of all.
            None => return (0, also),
        }
    }
    let tier = found.iter().map(|f| f.alt.how).min().unwrap_or(How::Typed);
    let tier = match tier {
        How::Words => 0,
        How::InOrder => 1,
        How::Fuzzy => 2,
        How::Synonym => 3,
        How::Typed => 4,
    };
    let base = if c.is_record {
        base_score(&found, c)
    } else {
        PARAGRAPH
    };
    (tier * TIER + base.min(TIER - 1), also)
}

fn base_score(found: &[Found], c: &Candidate) -> u32 {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let phrase: Vec<&str> = found.iter().map(|f| f.alt.text.as_str()).collect();
    let phrase = phrase.join(" ");
    let loose = found.iter().map(|f| f.gap as u32).sum::<u32>();
    let in_order = found.iter().any(|f| f.gap > 0);
    let exact = !in_order
        && c.names
            .split(" | ")
            .any(|n| n == phrase || squash(n) == squash(&phrase));
    if exact {
        return EXACT;
    }
    if found.iter().all(|f| f.place == Place::Names) {
        let first = found[0].alt;
        let prefix = c.names.split(" | ").any(|n| starts_with(n, first));
        let base = if prefix && !in_order {
            NAMES_PREFIX
        } else {
            NAMES
        };
        return base.saturating_sub(loose * 10).max(NAMES_OR_PINYIN + 1);
    }
    let pinyin_phrase = pinyin_term(&phrase).map(|p| squash(&p)).unwrap_or_default();
    if !pinyin_phrase.is_empty() && c.pinyin.split(" | ").any(|p| p == pinyin_phrase) {
        return PINYIN_EXACT;
    }
    if found
        .iter()
        .all(|f| matches!(f.place, Place::Names | Place::Pinyin))
    {
        return NAMES_OR_PINYIN.saturating_sub(loose * 10).max(300);
    }
    // Otherwise each term counts by where it matched best: a record's names,
    // then the records it links to, then its own body text.
    let per_term: u32 = found
        .iter()
        .map(|f| match f.place {
            Place::Names => 30,
            Place::Pinyin | Place::Linked => 20,
            Place::Body => 10,
        })
        .sum();
    // Found through the records it links to, a quote of one speaker is
    // closer than a quote of many (one president's words before words of
    // all five).
    let diffuse = if c.kind == "quote" && found.iter().any(|f| f.place == Place::Linked) {
        links(c).min(30) as u32 / 3
    } else {
        0
    };
    200 + per_term.min(290) - diffuse
}

/// Whether the name `n` starts with the alternative (a whole word, for a
/// short Latin term).
fn starts_with(n: &str, a: &Alternative) -> bool {
    match a.form {
        Form::Word => {
            n.starts_with(a.text.as_str())
                && n[a.text.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_ascii_alphanumeric())
        }
        _ => n.starts_with(a.text.as_str()),
    }
}

/// Where `a` matches in `c`, best place first, with the characters between
/// for a match in order and the text matched (for notes).
fn locate(a: &Alternative, c: &Candidate) -> Option<(Place, usize, String)> {
    let text = a.text.as_str();
    let plain = |col: &str| match a.form {
        Form::Word => has_word(col, text),
        Form::Phrase | Form::Short => col.contains(text),
        _ => false,
    };
    match a.form {
        Form::CharsInOrder => {
            let needle: Vec<char> = text.chars().collect();
            c.names
                .split(" | ")
                .filter_map(|n| window(&n.chars().collect::<Vec<_>>(), &needle).map(|w| (w, n)))
                .min_by_key(|(w, _)| *w)
                .map(|(w, n)| (Place::Names, w - needle.len(), n.to_owned()))
        }
        Form::WordsAnyOrder => {
            // The tightest name holding every word; else the names hold
            // them between them, and the loosest match is the title.
            let words: Vec<&str> = text.split_whitespace().collect();
            let typed: usize = words.iter().map(|w| w.chars().count()).sum();
            if !words.iter().all(|w| c.names.contains(w)) {
                return None;
            }
            let holds = |n: &&str| words.iter().all(|w| n.contains(w));
            let name = c
                .names
                .split(" | ")
                .filter(holds)
                .min_by_key(|n| n.chars().count());
            let (name, len) = match name {
                Some(n) => (n, n.chars().count()),
                None => (
                    c.names.split(" | ").next().unwrap_or_default(),
                    c.names.chars().count(),
                ),
            };
            Some((
                Place::Names,
                len.saturating_sub(typed).max(1),
                name.to_owned(),
            ))
        }
        Form::SyllablesInOrder => {
            let needle: Vec<&str> = text.split_whitespace().collect();
            c.pinyin
                .split(" | ")
                .filter_map(|p| {
                    let syl: Vec<&str> = p.split_whitespace().collect();
                    window(&syl, &needle).map(|w| (w, p))
                })
                .min_by_key(|(w, _)| *w)
                .map(|(w, p)| {
                    (
                        Place::Pinyin,
                        w - needle.len(),
                        p.split_whitespace().collect(),
                    )
                })
        }
        _ => {
            let py = pinyin_term(text).filter(|p| !p.is_empty());
            let place = if plain(&c.names) {
                Place::Names
            } else if plain(&c.pinyin)
                || (a.form != Form::Word
                    && py.as_ref().is_some_and(|p| c.pinyin.contains(p.as_str())))
            {
                Place::Pinyin
            } else if plain(&c.linked) {
                Place::Linked
            } else if plain(&c.body) {
                Place::Body
            } else {
                return None;
            };
            Some((place, 0, text.to_owned()))
        }
    }
}

/// Whether `word` stands in `hay` with no ASCII letter or digit on either
/// side: a word of the term index ([`super::terms`]).
pub fn has_word(hay: &str, word: &str) -> bool {
    let bytes = hay.as_bytes();
    let is_alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let mut from = 0;
    while let Some(i) = hay[from..].find(word) {
        let start = from + i;
        let end = start + word.len();
        let before = start == 0 || !is_alnum(bytes[start - 1]);
        let after = end == bytes.len() || !is_alnum(bytes[end]);
        if before && after {
            return true;
        }
        from = start + 1;
        while !hay.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// The length of the shortest window of `hay` holding `needle` in order,
/// if any.
fn window<T: PartialEq>(hay: &[T], needle: &[T]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let mut best: Option<usize> = None;
    for start in 0..hay.len() {
        if hay[start] != needle[0] {
            continue;
        }
        let mut k = 1;
        let mut end = start;
        for (j, h) in hay.iter().enumerate().skip(start + 1) {
            if k == needle.len() {
                break;
            }
            if *h == needle[k] {
                k += 1;
                end = j;
            }
        }
        if k == needle.len() {
            let len = end - start + 1;
            best = Some(best.map_or(len, |b: usize| b.min(len)));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Query;

    fn record(names: &str, pinyin: &str, linked: &str) -> Candidate {
        Candidate {
            is_record: true,
            kind: "project".to_owned(),
            names: names.to_owned(),
            pinyin: pinyin.to_owned(),
            linked: linked.to_owned(),
            ..Candidate::default()
        }
    }

    fn s(q: &str, c: &Candidate) -> u32 {
        score(&Plan::exact(&Query::parse(q)), c).0 % TIER
    }

    #[test]
    fn exact_beats_partial_beats_body() {
        let q = "中吉乌铁路";
        assert_eq!(
            s(
                q,
                &record("中吉乌铁路 | china-kyrgyzstan-uzbekistan railway", "", "")
            ),
            1000
        );
        assert_eq!(s(q, &record("中吉乌铁路项目", "", "")), 700);
        let mut body = record("铁路", "", "");
        body.body = "中吉乌铁路".to_owned();
        assert_eq!(s(q, &body), 210);
        let para = Candidate {
            body: "中吉乌铁路".to_owned(),
            ..Candidate::default()
        };
        assert_eq!(s(q, &para), 10);
    }

    #[test]
    fn linked_names_outrank_body_text() {
        let q = "铁路 吉尔吉斯斯坦";
        let railway = s(
            q,
            &record("中吉乌铁路", "", "中国 | 吉尔吉斯斯坦 | 乌兹别克斯坦"),
        );
        let mut country = record("吉尔吉斯斯坦", "", "");
        country.body = "铁路".to_owned();
        let country = s(q, &country);
        assert!(railway > country, "{railway} vs {country}");
    }

    #[test]
    fn pinyin_with_or_without_spaces() {
        let c = record(
            "中吉乌铁路",
            "zhongjiwutielu | zjwtl | zhong  ji  wu  tie  lu",
            "",
        );
        assert_eq!(s("zhongjiwu tielu", &c), 900);
        assert_eq!(s("zhongjiwutielu", &c), 900);
        assert_eq!(s("tielu", &c), 500);
    }

    #[test]
    fn short_latin_terms_are_whole_words() {
        assert!(has_word("xi jinping", "xi"));
        assert!(has_word("gao  xiao | xi", "xi"));
        assert!(!has_word("gao  xiao  fen  xiao", "xi"));
        assert!(!has_word("brics", "bri"));
        assert!(has_word("人工智能 | ai", "ai"));
        assert!(has_word("ai合作", "ai"));
    }

    #[test]
    fn words_in_any_order_rank_below_characters_in_order() {
        let plan = Plan::exact(&Query::parse("铁路中吉乌")).in_order().unwrap();
        let (words, also) = score(&plan, &record("中吉乌铁路 | 中吉乌铁路项目", "", ""));
        assert_eq!(words / TIER, 0);
        assert_eq!(also, ["中吉乌铁路"]);
        let (in_order, _) = score(&plan, &record("铁路通往中吉乌", "", ""));
        assert_eq!(in_order / TIER, 1);
        // A name missing a word is no match (a body is read, so it is not
        // taken for a match there) ...
        let mut short = record("铁路 | 中乌", "", "");
        short.body = "合作".to_owned();
        assert_eq!(score(&plan, &short).0, 0);
        // ... but one missing the first or last character of a glued word
        // (which may have been a word of its own, 的中吉乌) is, below.
        let mut glued = record("铁路 | 中吉", "", "");
        glued.body = "合作".to_owned();
        let (loose, _) = score(&plan, &glued);
        assert_eq!(loose / TIER, 0);
        assert!(loose < words, "{loose} vs {words}");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Words of real names, to put in another order.
        const WORDS: &[&str] = &[
            "铁路",
            "中吉乌",
            "跨境",
            "中哈",
            "第三条",
            "峰会",
            "中亚",
            "合作",
            "宣言",
            "阿斯塔纳",
            "公路",
            "改造",
            "睦邻",
            "条约",
        ];

        proptest! {
            // Typed text the segmenter splits otherwise is rejected, not
            // tested: room for more rejections than the default.
            #![proptest_config(ProptestConfig { max_global_rejects: 4096, ..ProptestConfig::default() })]

            /// Whatever order the words of a name are typed in: a name
            /// holding them as typed ranks above one holding their
            /// characters in order with others between, which ranks above
            /// one holding the words in another order; that one is found
            /// (a score in the lowest tier, not 0), and among names
            /// holding the words in another order the tightest comes
            /// first. Only typed text that the segmenter splits back into
            /// the words picked: the others are other words.
            #[test]
            fn in_order_and_exact_never_below_any_order(
                picked in proptest::sample::subsequence(WORDS.to_vec(), 2..=4),
                order in Just(()).prop_perturb(|_, mut rng| rng.random::<u64>()),
                filler in proptest::sample::select(vec!["的", "和", "与"]),
            ) {
                let mut typed = picked.clone();
                let n = typed.len();
                typed.rotate_left(1 + (order as usize) % (n - 1));
                let query = typed.concat();
                prop_assume!(crate::search::segment::words(&query) == typed);
                // Nor words whose characters happen to stand in the typed
                // order in the name as well: that is a match in order.
                let name: Vec<char> = picked.concat().chars().collect();
                let chars: Vec<char> = query.chars().collect();
                prop_assume!(window(&name, &chars).is_none());
                let plan = Plan::exact(&Query::parse(&query)).in_order().unwrap();
                let exact = score(&plan, &record(&query, "", "")).0;
                let loose = typed.join(filler);
                let in_order = score(&plan, &record(&loose, "", "")).0;
                let any_order = score(&plan, &record(&picked.concat(), "", "")).0;
                // The same words in the same order, in a longer name (no
                // character of it is in a word).
                let longer = format!("{}建设项目", picked.concat());
                let looser = score(&plan, &record(&longer, "", "")).0;
                prop_assert!(exact > in_order, "{query}: {exact} vs {in_order}");
                prop_assert!(
                    any_order > 0 && any_order / TIER == 0,
                    "{query}: {any_order} is not a match in another order"
                );
                prop_assert!(in_order > any_order, "{query}: {in_order} vs {any_order}");
                prop_assert!(
                    looser / TIER == 0 && any_order > looser,
                    "{query}: {} ranks {any_order}, {longer} {looser}",
                    picked.concat()
                );
            }
        }
    }

    #[test]
    fn windows_measure_tightness() {
        let hay: Vec<char> = "中哈第三条跨境铁路".chars().collect();
        let needle: Vec<char> = "中哈第三条铁路".chars().collect();
        assert_eq!(window(&hay, &needle), Some(9));
        assert_eq!(window(&hay, &['路', '中']), None);
    }
}
