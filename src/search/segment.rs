//! Chinese words of a query, for finding a name whose words were typed in
//! another order (`铁路中吉乌` for 中吉乌铁路). ICU's word segmenter with its
//! CJK dictionary (compiled into `icu_segmenter`, as the citation fragments
//! use it) splits the text; the characters it leaves one by one (names it
//! does not know: 中 / 吉 / 乌, 阿 / 斯 / 塔 / 纳) are kept together as one
//! word, since a name is remembered whole: `中吉乌` is one word of
//! `铁路中吉乌`, not three characters to find anywhere.

use icu_segmenter::WordSegmenter;
use icu_segmenter::options::WordBreakInvariantOptions;

/// The words of `text`, in typed order (`跨境铁路中哈第三条` → 跨境, 铁路,
/// 中哈, 第三, 条).
pub fn words(text: &str) -> Vec<String> {
    let bounds: Vec<usize> = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default())
        .segment_str(text)
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut single = false;
    for w in bounds.windows(2) {
        let word = &text[w[0]..w[1]];
        let one = word.chars().count() == 1;
        match out.last_mut() {
            Some(last) if one && single => last.push_str(word),
            _ => out.push(word.to_owned()),
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
}
