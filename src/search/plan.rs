//! What a query asks for, term by term: each typed term becomes a clause
//! that one of its alternatives must satisfy: the term as typed, the other
//! terms of its synonym group, near spellings of a long Latin word, or
//! (when nothing matches exactly) its Chinese characters or pinyin
//! syllables in order. Pure: the database supplies the synonyms and the
//! vocabulary, [`super::query`] turns a plan into SQL, [`super::rank`]
//! orders what it finds, typed matches above everything found otherwise.

use super::normalize::{is_romanised, segment_pinyin};
use super::query::{Query, pinyin_term};

/// How an alternative relates to what was typed. Ordered: a match by a
/// later variant never ranks above a match by an earlier one.
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
    /// below those, names holding its words in any order (`铁路中吉乌`); each
    /// pinyin term of three or more syllables names whose reading holds its
    /// syllables in order; initials typed with `zh`, `ch`, `sh` (`zhjwtl`)
    /// the initials as indexed (`zjwtl`). `None` if no term qualifies.
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
                let words = super::segment::words(&t);
                if words.len() >= 2 {
                    clause.push(Alternative {
                        text: words.join(" "),
                        how: How::Words,
                        form: Form::WordsAnyOrder,
                    });
                }
                any = true;
            } else if let Some(initials) = plain_initials(&t) {
                clause.push(Alternative::new(initials, How::InOrder));
                any = true;
            } else if let Some(syl) = pinyin_term(&t)
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

/// Initials typed with the two-letter initials `zh`, `ch`, `sh` (no vowel,
/// so not syllables: `zhjwtl`), as the index writes initials, one letter
/// each (`zjwtl`). `None` for anything else.
fn plain_initials(t: &str) -> Option<String> {
    let letters = t.chars().all(|c| c.is_ascii_lowercase());
    let vowel = t
        .chars()
        .any(|c| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'v'));
    if !letters || vowel || t.len() < 4 {
        return None;
    }
    let plain = t.replace("zh", "z").replace("ch", "c").replace("sh", "s");
    (plain != t).then_some(plain)
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
}
