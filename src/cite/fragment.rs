//! Links that land on the exact words: URL text fragments as the WICG
//! "URL Fragment Text Directives" draft defines them,
//! `#p10:~:text=[prefix-,]start[,end][,-suffix]`.
//!
//! A browser that knows text directives scrolls to the first match in the
//! whole document and highlights it; one that does not, or that finds no
//! match (the words are gone), drops the directive and goes to `#p10`. So
//! a directive must match once in the page, and must match what the page
//! shows: the source page prints a `[sic: …]` note after each misprint, so
//! no part of a directive may run across one.
//!
//! Chromium also matches a directive only at word boundaries, as ICU's word
//! break iterator finds them (Chinese by its dictionary): the directive's
//! outer edges (the prefix's start, or the start term's; the suffix's end,
//! or the last term's) must each fall on one, or nothing matches. So where
//! the cited words start or end inside a word, the prefix or suffix reaches
//! back or on to the nearest boundary: the highlight is still exactly the
//! cited words, because the draft lets a term begin right after its prefix
//! and end right before its suffix without a boundary there. Boundaries
//! come from ICU4X's segmenter with the same dictionary data.

use icu_segmenter::WordSegmenter;
use icu_segmenter::options::WordBreakInvariantOptions;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but ASCII letters, digits, `.` and `_` is percent-encoded:
/// the draft reserves `&` (directive separator), `-` (prefix and suffix
/// marks) and `,` (term separator), and everything outside ASCII must be
/// encoded in a URL anyway.
const DIRECTIVE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'.').remove(b'_');

pub fn encode(term: &str) -> String {
    utf8_percent_encode(term, DIRECTIVE).to_string()
}

/// The parts of a text directive, unencoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextDirective {
    pub prefix: Option<String>,
    pub start: String,
    pub end: Option<String>,
    pub suffix: Option<String>,
}

impl TextDirective {
    /// `text=…`, each term percent-encoded.
    pub fn to_fragment(&self) -> String {
        let mut s = String::from("text=");
        if let Some(p) = &self.prefix {
            s.push_str(&encode(p));
            s.push_str("-,");
        }
        s.push_str(&encode(&self.start));
        if let Some(e) = &self.end {
            s.push(',');
            s.push_str(&encode(e));
        }
        if let Some(x) = &self.suffix {
            s.push_str(",-");
            s.push_str(&encode(x));
        }
        s
    }
}

/// Longest prefix or suffix added to tell one occurrence from another.
const MAX_CONTEXT: usize = 24;

/// Occurrences of `needle` in `hay`, overlapping ones included.
fn count(hay: &str, needle: &str) -> usize {
    if needle.is_empty() {
        return 0;
    }
    let mut n = 0;
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle) {
        n += 1;
        from += i + needle.chars().next().map_or(1, char::len_utf8);
    }
    n
}

/// For each character offset of `text` (0 to its length), whether ICU
/// puts a word boundary there.
pub fn word_boundaries(text: &str) -> Vec<bool> {
    let mut at = vec![false; text.chars().count() + 1];
    let chars: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    for byte in
        WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()).segment_str(text)
    {
        let c = chars.partition_point(|&b| b < byte);
        at[c] = true;
    }
    at
}

/// The directive for the `len` characters at character `start` of
/// `paragraph`, in a page whose text is `page` (every block, as shown).
/// `notes` are the character offsets in the paragraph after which the page
/// inserts a note (a misprint's `[sic: …]`): no term runs across one. A
/// span that contains one becomes `start,end` around it. Prefix and suffix,
/// taken from the paragraph beside the span, first reach the nearest word
/// boundary (Chromium matches nothing else), then grow word by word until
/// the words match once in `page` (or pass [`MAX_CONTEXT`] characters).
pub fn directive(
    paragraph: &str,
    start: usize,
    len: usize,
    notes: &[usize],
    page: &str,
) -> TextDirective {
    let chars: Vec<char> = paragraph.chars().collect();
    let start = start.min(chars.len());
    let end = (start + len).min(chars.len());
    let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    // The page's block edges and the brackets of its notes are boundaries too.
    let mut boundary = word_boundaries(paragraph);
    for &n in notes {
        if let Some(b) = boundary.get_mut(n) {
            *b = true;
        }
    }
    boundary[0] = true;
    boundary[chars.len()] = true;
    let inside: Vec<usize> = notes
        .iter()
        .copied()
        .filter(|&p| p > start && p < end)
        .collect();
    let (first, last) = match (inside.first(), inside.last()) {
        (Some(&f), Some(&l)) => (text(start, f), Some(text(l, end))),
        _ => (text(start, end), None),
    };
    // How far the context may reach before meeting a note or the paragraph's edge.
    let prefix_floor = notes
        .iter()
        .copied()
        .filter(|&p| p <= start)
        .max()
        .unwrap_or(0);
    let suffix_ceiling = notes
        .iter()
        .copied()
        .filter(|&p| p >= end)
        .min()
        .unwrap_or(chars.len());
    // The next boundary before `from` (not below the floor), or after it.
    let back = |from: usize| {
        (prefix_floor..from)
            .rev()
            .find(|&i| boundary[i])
            .unwrap_or(prefix_floor)
    };
    let on = |from: usize| {
        (from + 1..=suffix_ceiling)
            .find(|&i| boundary[i])
            .unwrap_or(suffix_ceiling)
    };
    // Where the prefix begins and the suffix ends: at boundaries from the start.
    let mut pre = if boundary[start] { start } else { back(start) };
    let mut suf = if boundary[end] { end } else { on(end) };
    loop {
        let probe = match &last {
            // With `start,end` the start term (with its prefix) is what is looked for.
            Some(_) => format!("{}{first}", text(pre, start)),
            None => format!("{}{first}{}", text(pre, start), text(end, suf)),
        };
        let (pre_len, suf_len) = (start - pre, suf - end);
        if count(page, &probe) <= 1 || pre_len + suf_len >= 2 * MAX_CONTEXT {
            break;
        }
        let can_pre = pre > prefix_floor && pre_len < MAX_CONTEXT;
        let can_suf = suf < suffix_ceiling && suf_len < MAX_CONTEXT && last.is_none();
        if can_pre && (pre_len <= suf_len || !can_suf) {
            pre = back(pre);
        } else if can_suf {
            suf = on(suf);
        } else {
            break;
        }
    }
    TextDirective {
        prefix: (pre < start).then(|| text(pre, start)),
        start: first,
        end: last,
        suffix: (suf > end).then(|| text(end, suf)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters_are_encoded() {
        assert_eq!(encode("a-b,c&d e"), "a%2Db%2Cc%26d%20e");
        assert_eq!(encode("铁路"), "%E9%93%81%E8%B7%AF");
        assert_eq!(encode("x.y_z"), "x.y_z");
    }

    /// The words ICU finds in `text`, `|` between them.
    fn words(text: &str) -> String {
        let b = word_boundaries(text);
        text.chars()
            .enumerate()
            .flat_map(|(i, c)| (i > 0 && b[i]).then_some('|').into_iter().chain([c]))
            .collect()
    }

    #[test]
    fn boundaries_are_icu_words() {
        // As Chromium's ICU segments it (Intl.Segmenter in V8 agrees).
        assert_eq!(
            words("一致同意高质量推进中吉乌铁路建设"),
            "一致|同意|高|质量|推进|中|吉|乌|铁路|建设"
        );
    }

    #[test]
    fn a_span_on_word_boundaries_is_just_its_words() {
        let p = "一致同意高质量推进中吉乌铁路建设";
        let d = directive(p, 7, 2, &[], p);
        assert_eq!(d.to_fragment(), format!("text={}", encode("推进")));
    }

    #[test]
    fn a_span_inside_words_reaches_the_boundaries_with_prefix_and_suffix() {
        // 致同意高质 starts inside 一致 and ends inside 质量.
        let p = "一致同意高质量推进中吉乌铁路建设";
        let d = directive(p, 1, 5, &[], p);
        assert_eq!(d.prefix.as_deref(), Some("一"));
        assert_eq!(d.start, "致同意高质");
        assert_eq!(d.suffix.as_deref(), Some("量"));
        assert_eq!(
            d.to_fragment(),
            format!(
                "text={}-,{},-{}",
                encode("一"),
                encode("致同意高质"),
                encode("量")
            )
        );
    }

    #[test]
    fn a_repeated_span_gets_context_word_by_word_until_unique() {
        // 推进 twice: the second is told apart by the word before it.
        let p = "一致同意推进合作，高质量推进合作";
        assert_eq!(words(p), "一致|同意|推进|合作|，|高|质量|推进|合作");
        let d = directive(p, 12, 2, &[], p);
        assert_eq!(d.prefix.as_deref(), Some("质量"));
        assert_eq!(d.start, "推进");
        assert_eq!(d.suffix, None);
        let first = directive(p, 4, 2, &[], p);
        assert_eq!(first.prefix.as_deref(), Some("同意"));
    }

    #[test]
    fn a_span_at_the_paragraph_start_uses_a_suffix() {
        let p = "推进合作，推进发展";
        let d = directive(p, 0, 2, &[], p);
        assert_eq!(d.prefix, None);
        assert_eq!(d.suffix.as_deref(), Some("合作"));
        assert!(d.to_fragment().ends_with(&format!(",-{}", encode("合作"))));
    }

    #[test]
    fn no_term_runs_across_a_note() {
        // The page shows 亿及[sic: 忆及]: the span is cut around the note.
        let p = "他亿及往事说";
        let d = directive(p, 1, 4, &[3], "他亿及[sic: 忆及]往事说");
        assert_eq!(d.start, "亿及");
        assert_eq!(d.end.as_deref(), Some("往事"));
        // A note right before the span leaves no room for a prefix.
        let d = directive("甲乙甲乙", 2, 2, &[2], "甲乙[sic]甲乙");
        assert_eq!(d.prefix, None);
    }
}
