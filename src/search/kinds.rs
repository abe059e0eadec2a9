//! Words that name a kind of record. A query holding one beside other
//! terms (`托卡耶夫 引语`, `railway project`) is narrowed to that kind
//! instead of searching the word as text; the page says so and links to
//! the search without narrowing.

use crate::model::Kind;

/// Folded words for each kind, Chinese and English. Kept to words that
/// name the kind as such; a word that is also common inside names
/// (`summit`, 峰会) is not one.
const WORDS: &[(Kind, &[&str])] = &[
    (
        Kind::Agreement,
        &["协议", "协定", "文件", "agreement", "agreements"],
    ),
    (Kind::Project, &["项目", "project", "projects"]),
    (Kind::Initiative, &["倡议", "initiative", "initiatives"]),
    (Kind::Event, &["活动", "event", "events"]),
    (Kind::Figure, &["数据", "数字", "figure", "figures"]),
    (Kind::Quote, &["引语", "引言", "语录", "quote", "quotes"]),
    (Kind::Person, &["人物", "person", "people"]),
    (Kind::Country, &["国家", "country", "countries"]),
    (
        Kind::Organization,
        &[
            "组织",
            "organization",
            "organizations",
            "organisation",
            "organisations",
        ],
    ),
];

/// The kind a folded term names, if it names one.
pub fn kind_of_word(term: &str) -> Option<Kind> {
    WORDS
        .iter()
        .find(|(_, words)| words.contains(&term))
        .map(|(k, _)| *k)
}

/// The first term of `terms` naming a kind, with its index, when other
/// terms remain to search for.
pub fn narrowing(terms: &[String]) -> Option<(usize, Kind)> {
    if terms.len() < 2 {
        return None;
    }
    terms
        .iter()
        .enumerate()
        .find_map(|(i, t)| kind_of_word(t).map(|k| (i, k)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrows_only_beside_other_terms() {
        let t = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(narrowing(&t(&["托卡耶夫", "引语"])), Some((1, Kind::Quote)));
        assert_eq!(narrowing(&t(&["quote"])), None);
        assert_eq!(narrowing(&t(&["铁路", "项目"])), Some((1, Kind::Project)));
        assert_eq!(narrowing(&t(&["金砖国家", "峰会"])), None);
    }
}
