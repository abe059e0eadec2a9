//! What a query asks for, term by term: each typed term becomes a clause
//! that one of its alternatives must satisfy: the term as typed, the other
//! terms of its synonym group, near spellings of a long Latin word, or
//! (when nothing matches exactly) its Chinese characters or pinyin
//! syllables in order. Pure: the database supplies the synonyms and the
//! vocabulary, [`super::query`] turns a plan into SQL, [`super::rank`]
//! orders what it finds, typed matches above everything found otherwise.

use super::normalize::{is_romanised, segment_pinyin};
use super::query::{Query, pinyin_term};

/// How an alternative relates to what was typed. Ordered from the loosest
/// to as typed: a match by an earlier variant never ranks above a match by
/// a later one (a word in another order below characters in order, below
/// everything else).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum How {
    /// The words of a Chinese term ([`super::segment`]), each in the same
    /// record's names, in any order.
    Words,
    /// Characters or syllables in order, with others between.
    InOrder,
    /// A word within the allowed edits of the typed one.
    Fuzzy,
    /// Another term of a curated synonym group.
    Synonym,
    /// As typed.
    Typed,
}

/// How an alternative is matched, decided by its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Three or more characters: a trigram phrase, anywhere.
    Phrase,
    /// One to three Latin letters or digits with a letter (AI, SCO, Xi): a
    /// whole word, a whole pinyin syllable or whole initials, never part
    /// of a longer word.
    Word,
    /// One or two other characters (铁路, 乌): anywhere.
    Short,
    /// Chinese characters in this order in a name, others between.
    CharsInOrder,
    /// Pinyin syllables in this order in a name's reading.
    SyllablesInOrder,
    /// Chinese words, separated by spaces, each in a record's names, in
    /// any order.
    WordsAnyOrder,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    /// Folded. For [`Form::SyllablesInOrder`], the syllables joined by
    /// spaces.
    pub text: String,
    pub how: How,
    pub form: Form,
}

impl Alternative {
    pub fn new(text: String, how: How) -> Alternative {
        let form = form_of(&text);
        Alternative { text, how, form }
    }
}

/// The form a folded term is matched in.
pub fn form_of(text: &str) -> Form {
    if is_short_latin(text) {
        Form::Word
    } else if text.chars().count() >= 3 {
        Form::Phrase
    } else {
        Form::Short
    }
}

/// Whether `t` is matched as a whole word: one to three ASCII letters or
/// digits, at least one a letter. Longer Latin terms are matched anywhere
/// (a prefix of a name, pinyin without spaces).
pub fn is_short_latin(t: &str) -> bool {
    let n = t.chars().count();
    (1..=3).contains(&n)
        && t.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && t.chars().any(|c| c.is_ascii_lowercase())
}

/// One typed term (or a run of typed terms a synonym names as one) and what
/// may stand for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// The typed term(s), folded, joined by a space.
    pub typed: String,
    /// The typed term first, then the others, best first.
    pub alternatives: Vec<Alternative>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub clauses: Vec<Clause>,
}

/// Most alternatives a clause gets beyond the typed term.
pub const MAX_ALTERNATIVES: usize = 8;
/// Longest run of typed terms compared with a synonym.
pub const MAX_RUN: usize = 4;

impl Plan {
    /// Each term as typed.
    pub fn exact(q: &Query) -> Plan {
        Plan {
            clauses: q
                .terms
                .iter()
                .map(|t| Clause {
                    typed: t.clone(),
                    alternatives: vec![Alternative::new(t.clone(), How::Typed)],
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// Whether anything beyond the typed terms is asked for.
    pub fn is_exact(&self) -> bool {
        self.clauses
            .iter()
            .all(|c| c.alternatives.iter().all(|a| a.how == How::Typed))
    }

    /// Runs of consecutive clauses, as phrases, that a synonym could name:
    /// what the database is asked to look up.
    pub fn runs(&self) -> Vec<String> {
        let mut out = Vec::new();
        for start in 0..self.clauses.len() {
            for len in 1..=MAX_RUN.min(self.clauses.len() - start) {
                let run: Vec<&str> = self.clauses[start..start + len]
                    .iter()
                    .map(|c| c.typed.as_str())
                    .collect();
                out.push(run.join(" "));
            }
        }
        out
    }

    /// Adds synonyms: `groups` are the folded terms of each group that
    /// holds one of [`Plan::runs`]. The longest run that is a synonym
    /// becomes one clause (`sister city`), its group's other terms its
    /// alternatives.
    pub fn with_synonyms(mut self, groups: &[Vec<String>]) -> Plan {
        if groups.is_empty() {
            return self;
        }
        let mut i = 0;
        while i < self.clauses.len() {
            let mut merged = false;
            for len in (1..=MAX_RUN.min(self.clauses.len() - i)).rev() {
                let run: Vec<&str> = self.clauses[i..i + len]
                    .iter()
                    .map(|c| c.typed.as_str())
                    .collect();
                let run = run.join(" ");
                let Some(group) = groups.iter().find(|g| g.contains(&run)) else {
                    continue;
                };
                let mut clause = Clause {
                    typed: run.clone(),
                    alternatives: vec![Alternative::new(run.clone(), How::Typed)],
                };
                for t in group.iter().filter(|t| **t != run) {
                    clause.push(Alternative::new(t.clone(), How::Synonym));
                }
                self.clauses.splice(i..i + len, [clause]);
                merged = true;
                break;
            }
            let _ = merged;
            i += 1;
        }
        self
    }

    /// The Latin typed terms long enough for tolerance: five letters or
    /// more (see [`super::fuzzy::max_edits`]).
    pub fn fuzzy_terms(&self) -> Vec<String> {
        self.clauses
            .iter()
            .filter(|c| super::fuzzy::max_edits(&c.typed) > 0)
            .map(|c| c.typed.clone())
            .collect()
    }

    /// Adds near spellings: `near` maps a typed term to vocabulary words
    /// within its allowed edits, closest first.
    pub fn with_fuzzy(mut self, near: &[(String, Vec<String>)]) -> Plan {
        for clause in &mut self.clauses {
            if let Some((_, words)) = near.iter().find(|(t, _)| *t == clause.typed) {
                for w in words {
                    clause.push(Alternative::new(w.clone(), How::Fuzzy));
                }
            }
        }
        self
    }

    /// For a query that matched nothing: each Chinese term of three or more
    /// characters also matches names holding its characters in order, and
    /// below those, names holding its words in any order (`铁路中吉乌`, with
    /// looser sets of them, [`super::segment::word_sets`]); each pinyin term
    /// of three or more syllables names whose reading holds its syllables
    /// in order; initials typed with `zh`, `ch`, `sh` (`shhhzzzh`) the
    /// initials as indexed, each way of reading them (`plain_initials`).
    /// `None` if no term qualifies. [`Plan::loose_passes`] splits it in two.
    pub fn in_order(&self) -> Option<Plan> {
        let mut plan = self.clone();
        let mut any = false;
        for clause in &mut plan.clauses {
            let t = clause.typed.clone();
            let chars: Vec<char> = t.chars().collect();
            if chars.len() >= 3 && chars.iter().all(|c| is_cjk(*c)) {
                clause.push(Alternative {
                    text: t.clone(),
                    how: How::InOrder,
                    form: Form::CharsInOrder,
                });
                for words in super::segment::word_sets(&t) {
                    clause.push(Alternative {
                        text: words.join(" "),
                        how: How::Words,
                        form: Form::WordsAnyOrder,
                    });
                }
                any = true;
                continue;
            }
            // Letters may be initials and syllables at once (`zhongshan`
            // is both): each reading is an alternative.
            let initials = plain_initials(&t);
            any |= !initials.is_empty();
            for i in initials {
                clause.push(Alternative::new(i, How::InOrder));
            }
            if let Some(syl) = pinyin_term(&t)
                .filter(|_| is_romanised(&t))
                .and_then(|p| segment_pinyin(&p))
                .filter(|s| s.len() >= 3)
            {
                clause.push(Alternative {
                    text: syl.join(" "),
                    how: How::InOrder,
                    form: Form::SyllablesInOrder,
                });
                any = true;
            }
        }
        any.then_some(plan)
    }

    /// The plans to try, one after the other, for a query that matched
    /// nothing: [`Plan::in_order`] without words in another order, then,
    /// only if that finds nothing, with them. Candidates for ranking are
    /// taken in document order up to a bound (`db::search`), so with both
    /// at once a name with its characters in order could be cut by names
    /// holding the words anyhow; and a match in order is the better one.
    pub fn loose_passes(&self) -> Vec<Plan> {
        let Some(all) = self.in_order() else {
            return Vec::new();
        };
        let in_order = Plan {
            clauses: all
                .clauses
                .iter()
                .map(|c| Clause {
                    typed: c.typed.clone(),
                    alternatives: c
                        .alternatives
                        .iter()
                        .filter(|a| a.how != How::Words)
                        .cloned()
                        .collect(),
                })
                .collect(),
        };
        if in_order == all {
            vec![all]
        } else {
            vec![in_order, all]
        }
    }
}

impl Clause {
    fn push(&mut self, alt: Alternative) {
        if self.alternatives.len() <= MAX_ALTERNATIVES
            && !self
                .alternatives
                .iter()
                .any(|a| a.text == alt.text && a.form == alt.form)
        {
            self.alternatives.push(alt);
        }
    }
}

/// Most spellings [`plain_initials`] gives for one term.
const MAX_INITIALS: usize = 3;

/// Initials typed with the two-letter initials `zh`, `ch`, `sh` (`zhjwtl`,
/// `shhhzzzh` for 上海合作组织), as the index writes initials, one letter
/// each (`zjwtl`, `shhzzz`). Every letter but `i`, `u` and `v` starts some
/// syllable (`a`, `e`, `o` alone: 阿, 二, 欧), so a term holding one of
/// those three is no initials. A `zh` may also be `z` then `h` (`sh` of
/// 四海 is s, h), so each way of reading them is a spelling: all collapsed
/// first, then each left as typed in turn, at most [`MAX_INITIALS`]. The
/// term as typed is not among them (it was searched already). Empty for
/// anything else.
fn plain_initials(t: &str) -> Vec<String> {
    let b = t.as_bytes();
    if b.len() < 4
        || !b.iter().all(u8::is_ascii_lowercase)
        || b.iter().any(|&c| matches!(c, b'i' | b'u' | b'v'))
    {
        return Vec::new();
    }
    // Where a two-letter initial may stand: the `h` of each.
    let hs: Vec<usize> = (1..b.len())
        .filter(|&i| b[i] == b'h' && matches!(b[i - 1], b'z' | b'c' | b's'))
        .collect();
    let spelled = |kept: Option<usize>| -> String {
        (0..b.len())
            .filter(|i| !hs.contains(i) || Some(*i) == kept)
            .map(|i| char::from(b[i]))
            .collect()
    };
    let mut out: Vec<String> = Vec::new();
    if hs.is_empty() {
        return out;
    }
    out.push(spelled(None));
    if hs.len() > 1 {
        out.extend(hs.iter().map(|h| spelled(Some(*h))));
    }
    out.truncate(MAX_INITIALS);
    out
}

pub fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_merge_the_longest_run() {
        let q = Query::parse("sister city 协议");
        let plan =
            Plan::exact(&q).with_synonyms(&[vec!["友城".to_owned(), "sister city".to_owned()]]);
        assert_eq!(plan.clauses.len(), 2);
        assert_eq!(plan.clauses[0].typed, "sister city");
        assert_eq!(plan.clauses[0].alternatives[1].text, "友城");
        assert_eq!(plan.clauses[0].alternatives[1].how, How::Synonym);
        assert_eq!(plan.clauses[0].alternatives[1].form, Form::Short);
    }

    #[test]
    fn forms() {
        assert_eq!(form_of("xi"), Form::Word);
        assert_eq!(form_of("wto"), Form::Word);
        assert_eq!(form_of("brics"), Form::Phrase);
        assert_eq!(form_of("铁路"), Form::Short);
        assert_eq!(form_of("中吉乌"), Form::Phrase);
        assert_eq!(form_of("18"), Form::Short);
    }

    #[test]
    fn in_order_only_for_long_chinese_or_pinyin() {
        let p = Plan::exact(&Query::parse("中哈第三条铁路"))
            .in_order()
            .unwrap();
        assert_eq!(p.clauses[0].alternatives[1].form, Form::CharsInOrder);
        let p = Plan::exact(&Query::parse("zhonghadisantiao"))
            .in_order()
            .unwrap();
        assert_eq!(p.clauses[0].alternatives[1].text, "zhong ha di san tiao");
        assert!(Plan::exact(&Query::parse("铁路")).in_order().is_none());
        let p = Plan::exact(&Query::parse("铁路中吉乌")).in_order().unwrap();
        assert_eq!(p.clauses[0].alternatives[2].text, "铁路 中吉乌");
        assert_eq!(p.clauses[0].alternatives[2].form, Form::WordsAnyOrder);
        let p = Plan::exact(&Query::parse("zhjwtl")).in_order().unwrap();
        assert_eq!(p.clauses[0].alternatives[1].text, "zjwtl");
        assert!(Plan::exact(&Query::parse("zjwtl")).in_order().is_none());
        assert!(Plan::exact(&Query::parse("tokayev")).in_order().is_none());
    }

    #[test]
    fn words_in_another_order_are_a_pass_of_their_own() {
        let passes = Plan::exact(&Query::parse("铁路中吉乌")).loose_passes();
        assert_eq!(passes.len(), 2);
        let hows =
            |p: &Plan| -> Vec<How> { p.clauses[0].alternatives.iter().map(|a| a.how).collect() };
        assert!(!hows(&passes[0]).contains(&How::Words), "{:?}", passes[0]);
        assert!(hows(&passes[0]).contains(&How::InOrder));
        assert!(hows(&passes[1]).contains(&How::Words));
        assert!(hows(&passes[1]).contains(&How::InOrder));
        // Pinyin has no words: one pass.
        assert_eq!(
            Plan::exact(&Query::parse("zhonghadisantiao"))
                .loose_passes()
                .len(),
            1
        );
        assert!(Plan::exact(&Query::parse("铁路")).loose_passes().is_empty());
    }

    #[test]
    fn initials_with_two_letter_initials() {
        // 上海合作组织: each `sh`/`zh` collapsed, then each kept in turn.
        assert_eq!(plain_initials("shhhzzzh"), ["shhzzz", "shhhzzz", "shhzzzh"]);
        // 中国—中亚精神; 阿 is the initial `a`, 二 `e`, 欧 `o`.
        assert_eq!(
            plain_initials("zhgzhyjsh"),
            ["zgzyjs", "zhgzyjs", "zgzhyjs"]
        );
        assert_eq!(plain_initials("ashtn"), ["astn"]);
        assert_eq!(plain_initials("zhoe"), ["zoe"]);
        // No syllable starts with i, u or v; nothing to collapse; too short.
        assert!(plain_initials("zhjwu").is_empty());
        assert!(plain_initials("zjwtl").is_empty());
        assert!(plain_initials("zhj").is_empty());
        // Initials and syllables at once: both readings.
        let p = Plan::exact(&Query::parse("zhongshanhe"))
            .in_order()
            .unwrap();
        let forms: Vec<Form> = p.clauses[0].alternatives.iter().map(|a| a.form).collect();
        assert!(forms.contains(&Form::SyllablesInOrder), "{forms:?}");
        assert!(
            p.clauses[0]
                .alternatives
                .iter()
                .any(|a| a.text == "zongsanhe")
        );
    }
}
