//! Chinese words of a query, for finding a name whose words were typed in
//! another order (`铁路中吉乌` for 中吉乌铁路). ICU's word segmenter with its
//! CJK dictionary (compiled into `icu_segmenter`, as the citation fragments
//! use it) splits the text; the characters it leaves one by one (names it
//! does not know: 中 / 吉 / 乌, 阿 / 斯 / 塔 / 纳) are kept together as one
//! word, since a name is remembered whole: `中吉乌` is one word of
//! `铁路中吉乌`, not three characters to find anywhere. Real words may be
//! glued to them, or joined across them (`第三条中哈跨境铁路` glues
//! 条中哈跨境, `铁路的中吉乌` splits 的中 | 吉乌), so [`word_sets`] gives
//! looser sets of words too.

use icu_segmenter::WordSegmenter;
use icu_segmenter::options::WordBreakInvariantOptions;

/// The words of `text`, in typed order (`跨境铁路中哈第三条` → 跨境, 铁路,
/// 中哈, 第三, 条).
pub fn words(text: &str) -> Vec<String> {
    pieces(text).into_iter().map(|(w, _)| w).collect()
}

/// Most sets of words [`word_sets`] gives for one term.
pub const MAX_WORD_SETS: usize = 5;

/// Characters typed between the words of a name (`铁路的中吉乌`), which
/// the dictionary may join to the word after them (的中, "to hit the
/// mark"): one set of words is taken from the text between them.
const PARTICLES: [char; 5] = ['的', '之', '与', '和', '及'];

/// The sets of words to look for: [`words`]; the words of the text
/// between [`PARTICLES`]; then for each word glued from three or more
/// single characters, the same without its first character, then without
/// its last; then every such glued word as its single characters. Real
/// words stand beside names the dictionary does not know: `铁路的中吉乌`
/// splits 铁路 | 的中 | 吉乌, `第三条中哈跨境铁路` glues 条中哈跨境 (the
/// dictionary leaves 跨境 in pieces there), and no such word is in the
/// name. Looser sets match
/// looser names, which rank below ([`super::rank`] counts the characters
/// a name holds beyond the words). Only for text of two words or more, and
/// only sets of two words or more: one word alone is no order to forgive.
/// At most [`MAX_WORD_SETS`].
pub fn word_sets(text: &str) -> Vec<Vec<String>> {
    let pieces = pieces(text);
    let plain: Vec<String> = pieces.iter().map(|(w, _)| w.clone()).collect();
    if plain.len() < 2 {
        return Vec::new();
    }
    let glued = |(word, glued): &(String, bool)| *glued && word.chars().count() >= 3;
    let mut without_first = Vec::new();
    let mut without_last = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        if !glued(piece) {
            continue;
        }
        let chars: Vec<char> = piece.0.chars().collect();
        let with = |word: String| {
            let mut set = plain.clone();
            set[i] = word;
            set
        };
        without_first.push(with(chars[1..].iter().collect()));
        without_last.push(with(chars[..chars.len() - 1].iter().collect()));
    }
    let singles: Vec<String> = pieces
        .iter()
        .flat_map(|piece| {
            if glued(piece) {
                piece.0.chars().map(String::from).collect()
            } else {
                vec![piece.0.clone()]
            }
        })
        .collect();
    let between: Vec<String> = text
        .split(&PARTICLES[..])
        .filter(|t| !t.is_empty())
        .flat_map(words)
        .collect();
    let mut out: Vec<Vec<String>> = vec![plain];
    // The singles last, however many glued words there are.
    for set in std::iter::once(between)
        .chain(without_first)
        .chain(without_last)
    {
        if !out.contains(&set) && out.len() < MAX_WORD_SETS - 1 {
            out.push(set);
        }
    }
    if !out.contains(&singles) {
        out.push(singles);
    }
    out.retain(|set| set.len() >= 2);
    out
}

/// The words of `text`, each marked whether it was glued from single
/// characters the dictionary left alone.
fn pieces(text: &str) -> Vec<(String, bool)> {
    let bounds: Vec<usize> = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default())
        .segment_str(text)
        .collect();
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut single = false;
    for w in bounds.windows(2) {
        let word = &text[w[0]..w[1]];
        let one = word.chars().count() == 1;
        match out.last_mut() {
            Some((last, glued)) if one && single => {
                last.push_str(word);
                *glued = true;
            }
            _ => out.push((word.to_owned(), false)),
        }
        single = one;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionary_words_and_unknown_names_kept_whole() {
        assert_eq!(words("铁路中吉乌"), ["铁路", "中吉乌"]);
        assert_eq!(words("中吉乌铁路"), ["中吉乌", "铁路"]);
        assert_eq!(
            words("跨境铁路中哈第三条"),
            ["跨境", "铁路", "中哈", "第三", "条"]
        );
        assert_eq!(words("峰会中亚"), ["峰会", "中亚"]);
    }

    /// How the dictionary splits a name typed in another order when real
    /// words stand beside characters it leaves one by one: glued to them
    /// or joined across, and no word is in the name (中哈第三条跨境铁路,
    /// 中吉乌铁路).
    #[test]
    fn real_words_are_glued_to_unknown_names() {
        assert_eq!(words("第三条中哈跨境铁路"), ["第三", "条中哈跨境", "铁路"]);
        // 的中 is a dictionary word ("to hit the mark").
        assert_eq!(words("铁路的中吉乌"), ["铁路", "的中", "吉乌"]);
    }

    #[test]
    fn word_sets_also_drop_or_split_a_glued_word() {
        let sets = word_sets("第三条中哈跨境铁路");
        assert_eq!(
            sets,
            [
                vec!["第三", "条中哈跨境", "铁路"],
                vec!["第三", "中哈跨境", "铁路"],
                vec!["第三", "条中哈跨", "铁路"],
                vec!["第三", "条", "中", "哈", "跨", "境", "铁路"],
            ]
        );
        let sets = word_sets("铁路的中吉乌");
        assert_eq!(sets[1], ["铁路", "中吉乌"]);
        assert!(sets.len() <= MAX_WORD_SETS);
        // Nothing glued, nothing more; and never one word alone.
        assert_eq!(word_sets("跨境铁路"), [["跨境", "铁路"]]);
        assert!(word_sets("中吉乌").is_empty());
    }
}
