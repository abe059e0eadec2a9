//! What must hold for any text typed into the search box, checked by the
//! property test below (in CI) and by the fuzz target `fuzz/fuzz_targets/
//! query.rs` (run by hand, see the README): parsing never panics, the SQL
//! carries no user text, every placeholder is bound, and highlighting never
//! lets markup through.

use super::highlight::highlight;
use super::plan::{How, Plan};
use super::query::{FRAGMENTS, MAX_QUERY_CHARS, MAX_TERMS, Query, condition_parts, render};
use super::{fold, pinyin};

/// Panics if any invariant fails for `input`.
pub fn check(input: &str) {
    let q = Query::parse(input);
    assert!(q.raw.chars().count() <= MAX_QUERY_CHARS);
    assert!(q.terms.len() <= MAX_TERMS);
    for t in &q.terms {
        assert!(!t.is_empty(), "empty term from {input:?}");
        assert_eq!(fold(t), *t, "terms are already folded");
    }

    // The plan as typed, with the typed terms as their own synonyms and
    // near spellings, and loosened (characters in order, then words in
    // another order): every shape of condition a search can build.
    let exact = Plan::exact(&q);
    let terms: Vec<String> = q.terms.clone();
    let mut plans = vec![
        exact.clone(),
        exact.clone().with_synonyms(std::slice::from_ref(&terms)),
        exact.clone().with_fuzzy(
            &terms
                .iter()
                .map(|t| (t.clone(), terms.clone()))
                .collect::<Vec<_>>(),
        ),
    ];
    plans.extend(exact.loose_passes());
    for plan in &plans {
        assert!(
            plan.clauses
                .iter()
                .all(|c| c.alternatives[0].how == How::Typed)
        );
        let (parts, binds) = condition_parts(plan);
        let c = render(&parts);
        let placeholders = c.from.matches('?').count() + c.filter.matches('?').count();
        assert_eq!(placeholders, binds.len(), "{c:?}");
        // User text travels only in bound values: the SQL is made of the
        // fixed fragments alone, whatever was typed.
        for part in parts.iter().flatten() {
            assert!(FRAGMENTS.contains(part), "not a fixed fragment: {part}");
        }
    }

    let _ = pinyin(input);
    let html = highlight(input, &q.terms);
    let mut rest = html.as_str();
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        assert!(
            rest.starts_with("<mark>") || rest.starts_with("</mark>"),
            "markup let through: {html}"
        );
        rest = &rest[1..];
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn any_text(s in any::<String>()) {
            super::check(&s);
        }

        #[test]
        fn query_syntax_and_mixed_scripts(s in r#"([\"*:()\-^%_\\<>&']|NEAR|AND|OR|NOT|中吉乌|铁路|xi'an|Ⅻ|ｆｕｌｌ|\s){0,40}"#) {
            super::check(&s);
        }
    }
}
