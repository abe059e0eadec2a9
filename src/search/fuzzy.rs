//! Tolerance for misspelt Latin words, as Meilisearch and Algolia grow it
//! with word length: one edit for a word of five letters or more, two for
//! nine or more, none below (where one edit makes another word: `tokyo`,
//! `sco`). An edit is an insertion, a deletion, a substitution or a swap of
//! neighbours (optimal string alignment distance, `strsim`).
//!
//! The vocabulary is the Latin words of record names, their pinyin and the
//! names they link to, built at import (`search_words`); a typed word is
//! compared only with words of a length within its allowed edits.

/// Edits allowed for a folded term: 0 unless it is all Latin letters.
pub fn max_edits(term: &str) -> usize {
    if !term.chars().all(|c| c.is_ascii_lowercase()) {
        return 0;
    }
    match term.len() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Most corrections kept for one typed word.
pub const MAX_NEAR: usize = 5;

/// Words of `vocabulary` within the allowed edits of `term`, closest first,
/// excluding `term` itself and words the typed term already matches (those
/// containing it).
pub fn near<'a>(term: &str, vocabulary: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let k = max_edits(term);
    if k == 0 {
        return Vec::new();
    }
    let mut found: Vec<(usize, &str)> = vocabulary
        .into_iter()
        .filter(|w| w.len().abs_diff(term.len()) <= k && !w.contains(term))
        .filter_map(|w| {
            let d = strsim::osa_distance(term, w);
            (d <= k).then_some((d, w))
        })
        .collect();
    found.sort();
    found.dedup();
    found
        .into_iter()
        .take(MAX_NEAR)
        .map(|(_, w)| w.to_owned())
        .collect()
}

/// The words a misspelling is corrected to, from folded names and pinyin:
/// runs of Latin letters of four or more (shorter words get no tolerance,
/// and a four-letter word is within one edit of a five-letter one).
pub fn vocabulary<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut words: Vec<String> = texts
        .into_iter()
        .flat_map(|t| t.split(|c: char| !c.is_ascii_lowercase()))
        .filter(|w| w.len() >= 4)
        .map(str::to_owned)
        .collect();
    words.sort();
    words.dedup();
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_grow_with_length() {
        assert_eq!(max_edits("sco"), 0);
        assert_eq!(max_edits("tokyo"), 1);
        assert_eq!(max_edits("tokaev"), 1);
        assert_eq!(max_edits("berdymukhamedov"), 2);
        assert_eq!(max_edits("铁路铁路铁路"), 0);
        assert_eq!(max_edits("abc12"), 0);
    }

    #[test]
    fn near_words_closest_first() {
        let vocab = ["tokayev", "kassym", "jomart", "tokyo", "berdimuhamedov"];
        assert_eq!(near("tokaev", vocab), ["tokayev"]);
        assert_eq!(near("tokyaev", vocab), ["tokayev"]);
        assert_eq!(near("berdymukhamedov", vocab), ["berdimuhamedov"]);
        assert!(near("tokayev", vocab).is_empty());
        assert!(near("kazak", vocab).is_empty());
    }

    #[test]
    fn vocabulary_is_latin_words() {
        assert_eq!(
            vocabulary(["kassym-jomart tokayev | 托卡耶夫", "tuokayefu | tkyf"]),
            // Initials of four letters or more come with the pinyin.
            ["jomart", "kassym", "tkyf", "tokayev", "tuokayefu"]
        );
    }
}
