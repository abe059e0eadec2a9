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
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + ranges.len() * 13);
    let mut pos = 0;
    for &(s, e) in &merge(ranges.to_vec()) {
        let (s, e) = (s.min(chars.len()), e.min(chars.len()));
        if s < pos {
            continue;
        }
        out.push_str(&escape(&chars[pos..s].iter().collect::<String>()));
        out.push_str("<mark>");
        out.push_str(&escape(&chars[s..e].iter().collect::<String>()));
        out.push_str("</mark>");
        pos = e;
    }
    out.push_str(&escape(&chars[pos..].iter().collect::<String>()));
    out
}

/// All of `text`, escaped, with every match of `terms` marked.
pub fn highlight(text: &str, terms: &[String]) -> String {
    render_marked(text, &match_ranges(text, terms))
}

/// A window of about `width` characters of `text` around its first match,
/// escaped and marked, with ellipses where it was cut.
pub fn snippet(text: &str, terms: &[String], width: usize) -> String {
    let ranges = match_ranges(text, terms);
    let len = text.chars().count();
    if len <= width {
        return render_marked(text, &ranges);
    }
    let first = ranges.first().map(|r| r.0).unwrap_or(0);
    let start = first.saturating_sub(width / 4).min(len - width);
    let end = start + width;
    let window: String = text.chars().skip(start).take(width).collect();
    let shifted: Vec<(usize, usize)> = ranges
        .iter()
        .filter(|(s, e)| *e > start && *s < end)
        .map(|(s, e)| (s.saturating_sub(start), (e - start).min(width)))
        .collect();
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&render_marked(&window, &shifted));
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
    fn snippet_windows_around_first_match() {
        let text = format!("{}铁路{}", "甲".repeat(100), "乙".repeat(100));
        let s = snippet(&text, &["铁路".to_owned()], 40);
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert!(s.contains("<mark>铁路</mark>"));
    }
}
