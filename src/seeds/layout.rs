//! A proposed `[layout]` for a source text nobody has described yet.
//!
//! The loader needs to know, by line number, which block is the title, the
//! subtitle, a numbered heading or the dateline, and which paragraphs a page
//! break cut in two. Those are visible in the text itself, so `source add`
//! proposes them; the curator checks the proposal, and the loader checks the
//! manifest as it checks any other. The rules are deliberately narrow: a
//! block they do not recognise stays a body paragraph, which the curator
//! sees at once in the proposal (and the loader refuses a body paragraph that
//! ends mid-sentence unless it is joined).

use super::source::{TERMINAL, raw_blocks};

/// Line numbers of the text file, as a manifest's `[layout]` gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    pub title: usize,
    pub subtitle: Option<usize>,
    pub headings: Vec<usize>,
    pub dateline: Option<usize>,
    /// `[first_line, continuation_line]` for each paragraph a page break cut.
    pub joins: Vec<[usize; 2]>,
}

/// Proposes the layout of `body`, or `None` if it has no block at all.
///
/// - the title is the first block;
/// - the subtitle is the second, if it opens with a dash (——…), as Chinese
///   news subtitles do;
/// - a heading is a short block numbered as headings are (一、 二、 …,
///   （一）, 1.) that ends no sentence;
/// - the dateline is a block wholly in brackets naming a dispatch, such as
///   （新华社北京6月18日电）;
/// - a body block that ends mid-sentence is joined to the body block after
///   it (a page break cut it), and so on while the join still ends
///   mid-sentence.
pub fn propose(body: &str) -> Option<Layout> {
    let raw = raw_blocks(body);
    let first = raw.first()?;
    let mut layout = Layout {
        title: first.0,
        ..Layout::default()
    };
    // Which blocks are body paragraphs; the first (the title) is not.
    let mut is_body = vec![false; raw.len()];
    for (i, (line, text, _)) in raw.iter().enumerate().skip(1) {
        if i == 1 && is_subtitle(text) {
            layout.subtitle = Some(*line);
        } else if is_heading(text) {
            layout.headings.push(*line);
        } else if layout.dateline.is_none() && is_dateline(text) {
            layout.dateline = Some(*line);
        } else {
            is_body[i] = true;
        }
    }
    // A heading or dateline between two blocks ends the one before: only
    // neighbouring body blocks are joined.
    for (i, pair) in raw.windows(2).enumerate() {
        if is_body[i] && is_body[i + 1] && !pair[0].1.ends_with(TERMINAL) {
            layout.joins.push([pair[0].0, pair[1].0]);
        }
    }
    Some(layout)
}

fn is_subtitle(text: &str) -> bool {
    text.starts_with(['—', '─', '－']) || text.starts_with("--")
}

/// Numerals that number headings: 一 to 十, and their combinations.
const NUMERALS: &[char] = &[
    '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '〇', '零',
];

/// Longest heading the proposal recognises, in characters: headings are a
/// phrase, never a paragraph.
const HEADING_MAX: usize = 40;

fn is_heading(text: &str) -> bool {
    if text.chars().count() > HEADING_MAX || text.ends_with(['。', '！', '？', '；']) {
        return false;
    }
    let numbered = |rest: &str, numerals: &dyn Fn(char) -> bool, after: &[&str]| {
        let count = rest.chars().take_while(|c| numerals(*c)).count();
        let tail: String = rest.chars().skip(count).collect();
        count > 0
            && after
                .iter()
                .any(|a| tail.starts_with(a) && tail.len() > a.len())
    };
    let chinese = |c: char| NUMERALS.contains(&c);
    let digit = |c: char| c.is_ascii_digit();
    numbered(text, &chinese, &["、"])
        || text
            .strip_prefix(['（', '('])
            .is_some_and(|rest| numbered(rest, &chinese, &["）", ")"]))
        || numbered(text, &digit, &["、", ". ", "．"])
}

fn is_dateline(text: &str) -> bool {
    let inner = text
        .strip_prefix('（')
        .and_then(|t| t.strip_suffix('）'))
        .or_else(|| text.strip_prefix('(').and_then(|t| t.strip_suffix(')')));
    inner.is_some_and(|t| {
        t.chars().count() <= HEADING_MAX && t.ends_with('电') && !t.contains(['（', '('])
    })
}

impl Layout {
    /// The `[layout]` table as a manifest writes it, with a comment on how
    /// it was made.
    pub fn to_toml(&self) -> String {
        let list = |v: &[usize]| {
            v.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = String::from(
            "# Line numbers in the text file, proposed by `summitkb source add` from the\n\
             # text: check each against it. Blocks not named here are body paragraphs,\n\
             # numbered from 1 in reading order; those numbers are permanent.\n[layout]\n",
        );
        out.push_str(&format!("title = {}\n", self.title));
        if let Some(s) = self.subtitle {
            out.push_str(&format!("subtitle = {s}\n"));
        }
        if !self.headings.is_empty() {
            out.push_str(&format!("headings = [{}]\n", list(&self.headings)));
        }
        if let Some(d) = self.dateline {
            out.push_str(&format!("dateline = {d}\n"));
        }
        if !self.joins.is_empty() {
            let joins: Vec<String> = self
                .joins
                .iter()
                .map(|[a, b]| format!("[{a}, {b}]"))
                .collect();
            out.push_str(
                "# Paragraphs that end mid-sentence, each continued by the next block (a\n\
                 # page break cut them): joined with nothing in between.\n",
            );
            out.push_str(&format!("joins = [{}]\n", joins.join(", ")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_numbered_phrases() {
        assert!(is_heading("一、继往开来，点亮“中国—中亚精神”"));
        assert!(is_heading("十二、结语"));
        assert!(is_heading("（三）互联互通"));
        assert!(is_heading("2. 成果"));
        assert!(!is_heading("一是加强合作。"));
        assert!(!is_heading("一、"));
        assert!(!is_heading(
            "2025年6月16日至18日，国家主席习近平应邀赴哈萨克斯坦。"
        ));
    }

    #[test]
    fn datelines_name_a_dispatch() {
        assert!(is_dateline("（新华社北京6月18日电）"));
        assert!(is_dateline("(新华社阿斯塔纳6月17日电)"));
        assert!(!is_dateline("（完）"));
        assert!(!is_dateline("（新华社北京6月18日电）王毅说。"));
    }

    #[test]
    fn a_page_break_is_joined_and_a_heading_is_not() {
        let text = "标题\n\n——副题\n\n一、小标题\n\n第一段被分页\n\n切断了。\n\n第二段。\n\n（新华社北京6月18日电）\n";
        let l = propose(text).unwrap();
        assert_eq!(
            l,
            Layout {
                title: 1,
                subtitle: Some(3),
                headings: vec![5],
                dateline: Some(13),
                joins: vec![[7, 9]],
            }
        );
    }

    #[test]
    fn nothing_is_joined_across_a_heading() {
        let text = "标题\n\n没有句号的段落\n\n一、小标题\n\n正文。\n";
        let l = propose(text).unwrap();
        assert!(l.joins.is_empty(), "{l:?}");
        assert_eq!(l.headings, vec![5]);
    }

    #[test]
    fn an_empty_text_has_no_layout() {
        assert_eq!(propose("\n\n  \n"), None);
    }
}
