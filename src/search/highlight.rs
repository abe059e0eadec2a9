//! Marking matches in text for HTML. The text is escaped first and the
//! `<mark>` tags are added around escaped pieces, so no input, stored or
//! typed, can inject markup.

use super::normalize::fold_mapped;

/// Ranges of characters of `original` that match any of the folded `terms`.
pub fn match_ranges(original: &str, terms: &[String]) -> Vec<(usize, usize)> {
    let folded = fold_mapped(original);
    let hay: Vec<char> = folded.text.chars().collect();
    let mut ranges = Vec::new();
    for term in terms {
        let needle: Vec<char> = term.chars().collect();
        if needle.is_empty() || needle.len() > hay.len() {
            continue;
        }
        let mut i = 0;
        while i + needle.len() <= hay.len() {
            if hay[i..i + needle.len()] == needle[..] {
                let start = folded.origin[i];
                let end = folded.origin[i + needle.len() - 1] + 1;
                ranges.push((start, end));
                i += needle.len();
            } else {
                i += 1;
            }
        }
    }
    merge(ranges)
}

fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// HTML-escapes `s`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` as escaped HTML with the given character ranges in `<mark>`.
pub fn render_marked(text: &str, ranges: &[(usize, usize)]) -> String {
    render_with_notes(text, ranges, &[])
}

/// [`render_marked`], with notes inserted: `(at, html)` puts the ready-made
/// HTML `html` after character `at` of `text`. A mark open there is closed
/// before the note and reopened after it, so marks never contain a note and
/// the elements nest.
pub fn render_with_notes(
    text: &str,
    ranges: &[(usize, usize)],
    notes: &[(usize, String)],
) -> String {
    let chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    let ranges: Vec<(usize, usize)> = merge(ranges.to_vec())
        .into_iter()
        .map(|(s, e)| (s.min(len), e.min(len)))
        .filter(|(s, e)| s < e)
        .collect();
    let mut cuts: Vec<usize> = vec![0, len];
    cuts.extend(ranges.iter().flat_map(|&(s, e)| [s, e]));
    cuts.extend(notes.iter().map(|(at, _)| (*at).min(len)));
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = String::with_capacity(text.len() + ranges.len() * 13);
    let mut open = false;
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let inside = ranges.iter().any(|&(s, e)| s <= a && b <= e);
        if inside != open {
            out.push_str(if inside { "<mark>" } else { "</mark>" });
            open = inside;
        }
        out.push_str(&escape(&chars[a..b].iter().collect::<String>()));
        for (_, html) in notes.iter().filter(|(at, _)| (*at).min(len) == b) {
            if open {
                out.push_str("</mark>");
                open = false;
            }
            out.push_str(html);
        }
    }
    if open {
        out.push_str("</mark>");
    }
    out
}

/// All of `text`, escaped, with every match of `terms` marked.
pub fn highlight(text: &str, terms: &[String]) -> String {
    render_marked(text, &match_ranges(text, terms))
}

/// A window of about `width` characters of `text` around its first match,
/// escaped and marked, with ellipses where it was cut.
pub fn snippet(text: &str, terms: &[String], width: usize) -> String {
    snippet_with_notes(text, terms, width, &[], None)
}

/// [`snippet`] with notes inserted as in [`render_with_notes`]; the window
/// centres on the first match, or else on `focus` (a note that matched).
pub fn snippet_with_notes(
    text: &str,
    terms: &[String],
    width: usize,
    notes: &[(usize, String)],
    focus: Option<usize>,
) -> String {
    let ranges = match_ranges(text, terms);
    let len = text.chars().count();
    if len <= width {
        return render_with_notes(text, &ranges, notes);
    }
    let first = ranges.first().map(|r| r.0).or(focus).unwrap_or(0);
    let start = first.saturating_sub(width / 4).min(len - width);
    let end = start + width;
    let window: String = text.chars().skip(start).take(width).collect();
    let shifted: Vec<(usize, usize)> = ranges
        .iter()
        .filter(|(s, e)| *e > start && *s < end)
        .map(|(s, e)| (s.saturating_sub(start), (e - start).min(width)))
        .collect();
    let notes: Vec<(usize, String)> = notes
        .iter()
        .filter(|(at, _)| *at > start && *at <= end)
        .map(|(at, html)| (at - start, html.clone()))
        .collect();
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&render_with_notes(&window, &shifted, &notes));
    if end < len {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_after_escaping() {
        let terms = vec!["b".to_owned()];
        assert_eq!(highlight("<b>", &terms), "&lt;<mark>b</mark>&gt;");
        assert_eq!(highlight("a&b", &["&".to_owned()]), "a<mark>&amp;</mark>b");
    }

    #[test]
    fn marks_traditional_input_in_simplified_text() {
        let terms = vec![crate::search::normalize::fold("鐵路")];
        assert_eq!(
            highlight("中吉乌铁路建设", &terms),
            "中吉乌<mark>铁路</mark>建设"
        );
    }

    #[test]
    fn notes_stand_after_their_words_outside_marks() {
        let note = |at: usize| (at, "<span class=\"sic\">[sic]</span>".to_owned());
        // A note inside a mark closes it and opens it again.
        assert_eq!(
            render_with_notes("拉赫蒙亿及习近平", &[(0, 8)], &[note(5)]),
            "<mark>拉赫蒙亿及</mark><span class=\"sic\">[sic]</span><mark>习近平</mark>"
        );
        // Outside marks, and at the end of one.
        assert_eq!(
            render_with_notes("a<b", &[(0, 1)], &[note(1), note(3)]),
            "<mark>a</mark><span class=\"sic\">[sic]</span>&lt;b<span class=\"sic\">[sic]</span>"
        );
        // Without notes, exactly what render_marked always gave.
        assert_eq!(
            render_with_notes("甲乙丙丁", &[(1, 2), (2, 3)], &[]),
            "甲<mark>乙丙</mark>丁"
        );
    }

    #[test]
    fn snippet_windows_around_first_match() {
        let text = format!("{}铁路{}", "甲".repeat(100), "乙".repeat(100));
        let s = snippet(&text, &["铁路".to_owned()], 40);
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert!(s.contains("<mark>铁路</mark>"));
    }
}
