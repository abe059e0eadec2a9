//! How completely the records cover their sources, as checks that can fail:
//! every body paragraph cited, every sentence of it overlapped by a cited
//! span, every number captured, every 《title》 and “term” named by a record,
//! every record linked; or else waived with a reason in `waivers.toml`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

use super::{SeedSet, WaiverKind};
use crate::model::Kind;
use crate::search::fold;

/// A gap: something the records should cover and do not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub source: String,
    pub paragraph: Option<u32>,
    pub text: String,
}

/// A sentence that no cited span overlaps and no waiver excuses, located so
/// that a curator can find it: the text file's line, the paragraph, and which
/// sentence of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentenceGap {
    pub source: String,
    pub file: PathBuf,
    pub line: usize,
    pub paragraph: u32,
    /// 1-based position of the sentence in its paragraph.
    pub sentence: usize,
    pub text: String,
}

/// A sentence waiver whose sentence a citation now covers: the waiver says
/// something is left out that no longer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleWaiver {
    pub file: PathBuf,
    pub line: usize,
    pub paragraph: u32,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Coverage {
    pub counts: BTreeMap<&'static str, usize>,
    pub paragraphs: usize,
    pub paragraphs_cited: usize,
    pub paragraphs_waived: usize,
    pub uncited_paragraphs: Vec<Gap>,
    pub sentences: usize,
    pub sentences_covered: usize,
    pub sentences_waived: usize,
    pub uncovered_sentences: Vec<SentenceGap>,
    pub stale_waivers: Vec<StaleWaiver>,
    pub numbers: usize,
    pub numbers_waived: usize,
    pub uncaptured_numbers: Vec<Gap>,
    pub terms: usize,
    pub terms_waived: usize,
    pub unnamed_terms: Vec<Gap>,
    pub unlinked_records: Vec<String>,
    pub waivers: usize,
    /// Records with an English summary, and of those the ones quoted from
    /// an official English text (the loader requires one of every record).
    pub summaries_en: usize,
    pub summaries_en_official: usize,
    /// Prose fields ([`crate::model::FieldName::needs_english`]), and those
    /// with their English.
    pub prose_fields: usize,
    pub prose_fields_en: usize,
    /// Status statements, and the records whose statements lack English
    /// (`status_en`), which leave coverage incomplete.
    pub statuses: usize,
    pub statuses_without_english: Vec<String>,
}

impl Coverage {
    pub fn of(set: &SeedSet) -> Coverage {
        let mut c = Coverage {
            waivers: set.waivers.0.len(),
            ..Coverage::default()
        };
        for r in &set.records {
            c.summaries_en += usize::from(r.summary_en.is_some());
            c.summaries_en_official += usize::from(
                r.summary_en_provenance
                    .as_ref()
                    .is_some_and(|p| p.basis == crate::model::EnglishBasis::Official),
            );
            for st in &r.status_history {
                c.statuses += 1;
                if st.status_en.is_none() {
                    c.statuses_without_english.push(format!(
                        "{}:{} {}",
                        r.file.display(),
                        r.line,
                        r.slug
                    ));
                }
            }
            for (name, _) in r.fields.iter().filter(|(n, _)| n.needs_english()) {
                c.prose_fields += 1;
                c.prose_fields_en += usize::from(r.field_en(*name).is_some());
            }
        }
        for k in Kind::ALL {
            c.counts.insert(
                k.as_str(),
                set.records.iter().filter(|r| r.kind == k).count(),
            );
        }

        // Everything records say, folded, where a number or term may be found.
        let mut said = String::new();
        let mut names: Vec<String> = Vec::new();
        for r in &set.records {
            for cite in &r.citations {
                said.push_str(&cite.span);
                said.push('\n');
            }
            for (_, v) in &r.fields {
                said.push_str(v);
                said.push('\n');
            }
            said.push_str(&r.summary);
            said.push('\n');
            names.push(fold(&r.title));
            names.extend(r.aliases.iter().map(|a| fold(a)));
        }

        for s in &set.sources {
            for p in s.paragraphs() {
                let n = p.n.unwrap_or(0);
                c.paragraphs += 1;
                let cited = set.records.iter().any(|r| {
                    r.citations
                        .iter()
                        .any(|ci| ci.source == s.slug && ci.paragraph == n)
                });
                let paragraph_waived = set.waivers.paragraph(&s.slug, n).is_some();
                let spans: Vec<(usize, usize)> = set
                    .records
                    .iter()
                    .flat_map(|r| &r.citations)
                    .filter(|ci| ci.source == s.slug && ci.paragraph == n)
                    .map(|ci| (ci.span_start, ci.span_start + ci.span.chars().count()))
                    .collect();
                for (i, sentence) in sentences(&p.text).into_iter().enumerate() {
                    c.sentences += 1;
                    let covered = spans
                        .iter()
                        .any(|&(a, b)| a < sentence.end && sentence.start < b);
                    let waiver = set.waivers.sentence(&s.slug, n, &sentence.text);
                    match (covered, waiver) {
                        (true, None) => c.sentences_covered += 1,
                        (true, Some(w)) => {
                            c.sentences_covered += 1;
                            c.stale_waivers.push(StaleWaiver {
                                file: w.file.clone(),
                                line: w.line,
                                paragraph: n,
                                text: sentence.text,
                            });
                        }
                        (false, Some(_)) => c.sentences_waived += 1,
                        (false, None) if paragraph_waived => c.sentences_waived += 1,
                        (false, None) => c.uncovered_sentences.push(SentenceGap {
                            source: s.slug.clone(),
                            file: s.text_file.clone(),
                            line: p.line_at(sentence.start),
                            paragraph: n,
                            sentence: i + 1,
                            text: sentence.text,
                        }),
                    }
                }
                if cited {
                    c.paragraphs_cited += 1;
                } else if paragraph_waived {
                    c.paragraphs_waived += 1;
                } else {
                    c.uncited_paragraphs.push(Gap {
                        source: s.slug.clone(),
                        paragraph: Some(n),
                        text: p.text.chars().take(30).collect(),
                    });
                }
            }
            for b in &s.blocks {
                for num in numbers_in(&b.text) {
                    c.numbers += 1;
                    if said.contains(&num) {
                        continue;
                    }
                    if set.waivers.text(WaiverKind::Number, &num).is_some() {
                        c.numbers_waived += 1;
                    } else {
                        c.uncaptured_numbers.push(Gap {
                            source: s.slug.clone(),
                            paragraph: b.n,
                            text: num,
                        });
                    }
                }
                for term in terms_in(&b.text) {
                    c.terms += 1;
                    if names.contains(&fold(&term)) {
                        continue;
                    }
                    if set.waivers.text(WaiverKind::Term, &term).is_some() {
                        c.terms_waived += 1;
                    } else {
                        c.unnamed_terms.push(Gap {
                            source: s.slug.clone(),
                            paragraph: b.n,
                            text: term,
                        });
                    }
                }
            }
        }

        for r in &set.records {
            let linked = !r.links.is_empty()
                || set
                    .records
                    .iter()
                    .any(|o| o.links.iter().any(|l| l.target == r.slug));
            if !linked {
                c.unlinked_records
                    .push(format!("{} `{}`", r.kind.as_str(), r.slug));
            }
        }
        c
    }

    /// Whether nothing is left uncovered and unwaived.
    pub fn is_complete(&self) -> bool {
        self.uncited_paragraphs.is_empty()
            && self.uncovered_sentences.is_empty()
            && self.stale_waivers.is_empty()
            && self.uncaptured_numbers.is_empty()
            && self.unnamed_terms.is_empty()
            && self.unlinked_records.is_empty()
            && self.statuses_without_english.is_empty()
    }

    /// The report `summitkb check` prints.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let total: usize = self.counts.values().sum();
        let _ = writeln!(out, "seeds are valid: {total} records");
        for (k, n) in &self.counts {
            let _ = writeln!(out, "  {k:<13} {n:>4}");
        }
        let _ = writeln!(
            out,
            "paragraphs: {} of {} cited, {} waived",
            self.paragraphs_cited, self.paragraphs, self.paragraphs_waived
        );
        let _ = writeln!(
            out,
            "sentences: {} of {} covered, {} waived",
            self.sentences_covered, self.sentences, self.sentences_waived
        );
        let _ = writeln!(
            out,
            "numbers:    {} of {} captured, {} waived",
            self.numbers - self.numbers_waived - self.uncaptured_numbers.len(),
            self.numbers,
            self.numbers_waived
        );
        let _ = writeln!(
            out,
            "《》/“” terms: {} of {} named by a record, {} waived",
            self.terms - self.terms_waived - self.unnamed_terms.len(),
            self.terms,
            self.terms_waived
        );
        let _ = writeln!(
            out,
            "english:    {} of {} summaries ({} official, {} our translation), {} of {} prose fields, \
             {} of {} statuses",
            self.summaries_en,
            total,
            self.summaries_en_official,
            self.summaries_en - self.summaries_en_official,
            self.prose_fields_en,
            self.prose_fields,
            self.statuses - self.statuses_without_english.len(),
            self.statuses
        );
        for r in &self.statuses_without_english {
            let _ = writeln!(out, "gap: {r}: a status without `status_en`");
        }
        let _ = writeln!(out, "waivers:    {}", self.waivers);
        for g in &self.uncited_paragraphs {
            let _ = writeln!(
                out,
                "gap: {} ¶{} is cited by no record: {}…",
                g.source,
                g.paragraph.unwrap_or(0),
                g.text
            );
        }
        for g in &self.uncovered_sentences {
            let _ = writeln!(
                out,
                "gap: {}:{} ¶{} sentence {} overlaps no cited span: {}",
                g.file.display(),
                g.line,
                g.paragraph,
                g.sentence,
                g.text
            );
        }
        for w in &self.stale_waivers {
            let _ = writeln!(
                out,
                "stale waiver: {}:{}: ¶{} \"{}\" is now covered by a citation; remove the waiver",
                w.file.display(),
                w.line,
                w.paragraph,
                w.text
            );
        }
        for g in &self.uncaptured_numbers {
            let _ = writeln!(
                out,
                "gap: {} ¶{}: number \"{}\" is captured by no record",
                g.source,
                g.paragraph.unwrap_or(0),
                g.text
            );
        }
        for g in &self.unnamed_terms {
            let _ = writeln!(
                out,
                "gap: {} ¶{}: \"{}\" is no record's title or alias",
                g.source,
                g.paragraph.unwrap_or(0),
                g.text
            );
        }
        for r in &self.unlinked_records {
            let _ = writeln!(out, "gap: {r} links to no record and no record links to it");
        }
        if self.is_complete() {
            let _ = writeln!(out, "coverage: complete");
        }
        out
    }
}

/// One sentence of a paragraph: its text and where it stands, in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Marks that end a sentence. A comma does not: the article's sentences run
/// long, and a clause is not a claim of its own.
const SENTENCE_ENDS: [char; 4] = ['。', '！', '？', '；'];

/// Closing marks that belong to the sentence they follow (`……。”`).
const CLOSING: [char; 5] = ['”', '’', '」', '』', '）'];

/// Splits a paragraph after each 。！？；, keeping closing quote marks and
/// brackets with the sentence they close; leading and trailing white space
/// is not part of a sentence. Text after the last terminator is a sentence
/// too.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut push = |a: usize, b: usize| {
        let (mut a, mut b) = (a, b);
        while a < b && chars[a].is_whitespace() {
            a += 1;
        }
        while b > a && chars[b - 1].is_whitespace() {
            b -= 1;
        }
        if a < b {
            out.push(Sentence {
                start: a,
                end: b,
                text: chars[a..b].iter().collect(),
            });
        }
    };
    while i < chars.len() {
        if SENTENCE_ENDS.contains(&chars[i]) {
            i += 1;
            while i < chars.len() && CLOSING.contains(&chars[i]) {
                i += 1;
            }
            push(start, i);
            start = i;
        } else {
            i += 1;
        }
    }
    push(start, chars.len());
    out
}

/// Numbers as written: digit runs with what qualifies them (`30多`, `35%`,
/// `948亿美元` → `948亿`), and Chinese approximate or counted quantities
/// (`十余`, `百余`, `三大`, `六大`, `两年`).
pub fn numbers_in(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            while i < chars.len() && matches!(chars[i], '%' | '多' | '余' | '亿' | '万') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
            continue;
        }
        let numeral = matches!(
            c,
            '十' | '百' | '千' | '两' | '三' | '四' | '五' | '六' | '七' | '八' | '九'
        );
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        // 三大, 十余, 30多 and 两年 count something; 四梁八柱 does not.
        let counted = numeral
            && (matches!(next, '余' | '多')
                || (next == '大' && !matches!(c, '十' | '百' | '千'))
                || (c == '两' && next == '年'));
        if counted {
            out.push([c, next].iter().collect());
            i += 2;
            continue;
        }
        i += 1;
    }
    out
}

/// Titles in 《》 and terms in “”, as written.
pub fn terms_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (open, close) in [('《', '》'), ('“', '”')] {
        let mut rest = text;
        while let Some(s) = rest.find(open) {
            let after = &rest[s + open.len_utf8()..];
            let Some(e) = after.find(close) else { break };
            let term = &after[..e];
            if !term.is_empty() && term.chars().count() <= 40 {
                out.push(term.to_owned());
            }
            rest = &after[e + close.len_utf8()..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_numbers_as_written() {
        assert_eq!(
            numbers_in(
                "通过建交30多年来，达成百余项，增长35%，达到948亿美元，三大全球倡议，四梁八柱"
            ),
            vec!["30多", "百余", "35%", "948亿", "三大"]
        );
        assert_eq!(numbers_in("2025年6月16日"), vec!["2025", "6", "16"]);
    }

    #[test]
    fn splits_sentences_after_their_end_marks() {
        let texts = |t: &str| -> Vec<String> { sentences(t).into_iter().map(|s| s.text).collect() };
        assert_eq!(
            texts("王毅说，甲。乙！丙？丁；戊"),
            vec!["王毅说，甲。", "乙！", "丙？", "丁；", "戊"]
        );
        // Closing quotes and brackets stay with the sentence they close.
        assert_eq!(
            texts("他说：“历史不能倒退。”世界不能分裂。「好。」『对。』（注。）完"),
            vec![
                "他说：“历史不能倒退。”",
                "世界不能分裂。",
                "「好。」",
                "『对。』",
                "（注。）",
                "完"
            ]
        );
        // A comma does not end a sentence; white space is trimmed.
        assert_eq!(texts(" 甲，乙。 丙。 "), vec!["甲，乙。", "丙。"]);
        assert!(sentences("").is_empty());
        // Offsets are in characters, for comparison with citation spans.
        let s = sentences("甲乙。丙丁。");
        assert_eq!((s[1].start, s[1].end), (3, 6));
    }

    #[test]
    fn finds_titles_and_quoted_terms() {
        assert_eq!(
            terms_in("签署了《阿斯塔纳宣言》，宣布“中国—中亚精神”，共建“一带一路”"),
            vec!["阿斯塔纳宣言", "中国—中亚精神", "一带一路"]
        );
    }
}
