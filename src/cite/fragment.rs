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

/// The directive for the `len` characters at character `start` of
/// `paragraph`, in a page whose text is `page` (every block, as shown).
/// `notes` are the character offsets in the paragraph after which the page
/// inserts a note (a misprint's `[sic: …]`): no term runs across one. A
/// span that contains one becomes `start,end` around it; prefix and suffix,
/// taken from the paragraph beside the span, grow until the words match
/// once in `page` (or reach [`MAX_CONTEXT`] characters).
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
    let prefix_room = notes
        .iter()
        .filter(|&&p| p <= start)
        .map(|&p| start - p)
        .min()
        .unwrap_or(start)
        .min(MAX_CONTEXT);
    let suffix_room = notes
        .iter()
        .filter(|&&p| p >= end)
        .map(|&p| p - end)
        .min()
        .unwrap_or(chars.len() - end)
        .min(MAX_CONTEXT);
    let (mut pre, mut suf) = (0, 0);
    loop {
        let probe = match &last {
            // With `start,end` the start term (with its prefix) is what is looked for.
            Some(_) => format!("{}{first}", text(start - pre, start)),
            None => format!(
                "{}{first}{}",
                text(start - pre, start),
                text(end, end + suf)
            ),
        };
        if count(page, &probe) <= 1 || (pre == prefix_room && suf == suffix_room) {
            break;
        }
        if pre < prefix_room && (pre <= suf || suf == suffix_room || last.is_some()) {
            pre += 1;
        } else if suf < suffix_room && last.is_none() {
            suf += 1;
        } else {
            break;
        }
    }
    TextDirective {
        prefix: (pre > 0).then(|| text(start - pre, start)),
        start: first,
        end: last,
        suffix: (suf > 0).then(|| text(end, end + suf)),
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

    #[test]
    fn a_unique_span_is_just_its_words() {
        let p = "甲乙丙丁戊";
        let d = directive(p, 1, 2, &[], p);
        assert_eq!(d.to_fragment(), format!("text={}", encode("乙丙")));
    }

    #[test]
    fn a_repeated_span_gets_context_until_unique() {
        // 合作 twice: the second is told apart by what precedes it.
        let p = "加强合作，深化合作共赢";
        let d = directive(p, 7, 2, &[], p);
        assert_eq!(d.prefix.as_deref(), Some("化"));
        assert_eq!(d.start, "合作");
        assert_eq!(d.suffix, None);
        let first = directive(p, 2, 2, &[], p);
        assert_eq!(first.prefix.as_deref(), Some("强"));
        assert_eq!(
            first.to_fragment(),
            format!("text={}-,{}", encode("强"), encode("合作"))
        );
    }

    #[test]
    fn a_span_at_the_paragraph_start_uses_a_suffix() {
        let p = "合作共赢，合作发展";
        let d = directive(p, 0, 2, &[], p);
        assert_eq!(d.prefix, None);
        assert_eq!(d.suffix.as_deref(), Some("共"));
        assert!(d.to_fragment().ends_with(&format!(",-{}", encode("共"))));
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
