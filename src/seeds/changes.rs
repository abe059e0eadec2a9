//! How a cited paragraph changed, when a source text no longer has the
//! hash its manifest pins.
//!
//! The old text is gone, but each citation still holds the words it quoted
//! from it. So for a citation whose span no longer stands in its paragraph,
//! the loader finds the stretch of the new paragraph closest to those words
//! (an edit-distance alignment that may start and end anywhere in it) and
//! shows the difference: `[-old-]` for words the text lost, `{+new+}` for
//! words it gained. A curator sees at once whether a misprint was fixed
//! (update the span) or the paragraph now says something else (review the
//! record).

/// One step of an alignment of the cited span against the new text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same(char),
    /// In the span, gone from the text.
    Lost(char),
    /// New in the text.
    Gained(char),
}

/// The closest stretch of `text` to `span`: its edit distance and the
/// alignment, or `None` if they share no character in order.
fn align(span: &str, text: &str) -> Option<(usize, Vec<Op>)> {
    let s: Vec<char> = span.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (n, m) = (s.len(), t.len());
    // d[i][j]: cost of aligning s[..i] with a stretch of t ending at j; the
    // stretch may start anywhere, so the first row costs nothing.
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for i in 1..=n {
        for j in 1..=m {
            let same = usize::from(s[i - 1] != t[j - 1]);
            d[i][j] = (d[i - 1][j - 1] + same)
                .min(d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1);
        }
    }
    let (end, &cost) = d[n].iter().enumerate().min_by_key(|(_, c)| **c)?;
    if cost >= n {
        return None;
    }
    let mut ops = Vec::new();
    let (mut i, mut j) = (n, end);
    while i > 0 {
        if j > 0 && s[i - 1] == t[j - 1] && d[i][j] == d[i - 1][j - 1] {
            ops.push(Op::Same(s[i - 1]));
            i -= 1;
            j -= 1;
        } else if j > 0 && d[i][j] == d[i - 1][j - 1] + 1 {
            ops.push(Op::Gained(t[j - 1]));
            ops.push(Op::Lost(s[i - 1]));
            i -= 1;
            j -= 1;
        } else if d[i][j] == d[i - 1][j] + 1 {
            ops.push(Op::Lost(s[i - 1]));
            i -= 1;
        } else {
            ops.push(Op::Gained(t[j - 1]));
            j -= 1;
        }
    }
    ops.reverse();
    Some((cost, ops))
}

/// The cited words against the closest stretch of the new paragraph,
/// written `same[-lost-]{+gained+}same`, or `None` if nothing in the
/// paragraph resembles them.
pub fn span_diff(span: &str, paragraph: &str) -> Option<String> {
    let (_, ops) = align(span, paragraph)?;
    let mut out = String::new();
    let mut lost = String::new();
    let mut gained = String::new();
    let flush = |out: &mut String, lost: &mut String, gained: &mut String| {
        if !lost.is_empty() {
            out.push_str(&format!("[-{lost}-]"));
            lost.clear();
        }
        if !gained.is_empty() {
            out.push_str(&format!("{{+{gained}+}}"));
            gained.clear();
        }
    };
    for op in ops {
        match op {
            Op::Same(c) => {
                flush(&mut out, &mut lost, &mut gained);
                out.push(c);
            }
            Op::Lost(c) => lost.push(c),
            Op::Gained(c) => gained.push(c),
        }
    }
    flush(&mut out, &mut lost, &mut gained);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::span_diff;

    #[test]
    fn a_changed_word_is_shown_lost_and_gained() {
        assert_eq!(
            span_diff(
                "力争早日建成",
                "各方一致同意高质量推进，争取早日建成，各方受益"
            )
            .as_deref(),
            Some("[-力争-]{+争取+}早日建成")
        );
        assert_eq!(
            span_diff("高质量推进", "高品质推进").as_deref(),
            Some("高[-质量-]{+品质+}推进")
        );
    }

    #[test]
    fn unchanged_words_have_no_marks() {
        assert_eq!(
            span_diff("早日建成", "力争早日建成。").as_deref(),
            Some("早日建成")
        );
    }

    #[test]
    fn an_insertion_and_a_deletion() {
        assert_eq!(
            span_diff("高质量推进铁路建设", "高质量推进中吉乌铁路建设").as_deref(),
            Some("高质量推进{+中吉乌+}铁路建设")
        );
        assert_eq!(
            span_diff(
                "加快推进中哈第三条跨境铁路建设",
                "推进中哈第三条跨境铁路建设"
            )
            .as_deref(),
            Some("[-加快-]推进中哈第三条跨境铁路建设")
        );
    }

    #[test]
    fn nothing_alike_is_none() {
        assert_eq!(span_diff("铁路", "公交"), None);
    }
}
