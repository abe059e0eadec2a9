//! Search results on the real data, pinned: for every query of the two
//! query tables (`search.rs`, `search_forgiving.rs`), the search bench's
//! queries and a few short terms, the full ordered result list (records by
//! kind and slug, paragraphs by source and number, with what each matched
//! beyond the typed terms), the total and the facet counts, as recorded in
//! `tests/fixtures/search_snapshot.json` before the term index existed. A
//! change to how matches are found (an index instead of a scan) must leave
//! every one of them as it was; a change meant to alter results updates the
//! file (`UPDATE_SEARCH_SNAPSHOT=1 cargo test --test api search_snapshot`)
//! and says why in its commit.

use std::collections::BTreeMap;

use summitkb::db::search::{Hit, search};
use summitkb::search::{Filters, Query};

use crate::helpers::{TestApp, repo_path};

/// The search bench's queries (`benches/search.rs`) and short terms that
/// name many records, beside the two tables.
const MORE: &[&str] = &[
    "峰",
    "峰会",
    "乌",
    "铁路",
    "不存在的词语",
    "Tokayevv",
    "Berdymukhammedov",
    "Xi",
    "AI",
    "ai 合作",
    "18",
    "中",
    "a",
    "zjwtl",
    "铁路 哈萨克斯坦 项目",
    "姐妹城市",
];

fn queries() -> Vec<&'static str> {
    let mut out: Vec<&str> = crate::search::FIRST
        .iter()
        .chain(crate::search_forgiving::FORGIVING)
        .map(|(q, _)| *q)
        .chain(MORE.iter().copied())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

async fn snapshot(db: &std::path::Path) -> BTreeMap<String, serde_json::Value> {
    let pool = summitkb::db::open_read_only(db).await.expect("pool");
    let mut out = BTreeMap::new();
    for q in queries() {
        let found = search(&pool, &Query::parse(q), &Filters::default(), 100_000)
            .await
            .expect("search");
        let results: Vec<String> = found
            .hits
            .iter()
            .map(|h| match h {
                Hit::Record { record, also, .. } => {
                    format!(
                        "{}/{} {}",
                        record.kind.as_str(),
                        record.slug,
                        also.join(",")
                    )
                }
                Hit::Paragraph {
                    source_slug,
                    n,
                    also,
                    ..
                } => format!("paragraph/{source_slug}/{n} {}", also.join(",")),
            })
            .map(|s| s.trim_end().to_owned())
            .collect();
        out.insert(
            q.to_owned(),
            serde_json::json!({
                "total": found.total,
                "kinds": found.facets.kinds,
                "countries": found.facets.countries,
                "results": results,
            }),
        );
    }
    pool.close().await;
    out
}

#[tokio::test]
async fn search_results_on_the_real_data_are_unchanged() {
    let app = TestApp::shared().await;
    let got = snapshot(&app.db).await;
    let path = repo_path("tests/fixtures/search_snapshot.json");
    if std::env::var_os("UPDATE_SEARCH_SNAPSHOT").is_some() {
        let text = serde_json::to_string_pretty(&got).expect("json");
        std::fs::write(&path, text + "\n").expect("fixture written");
        return;
    }
    let want: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture"))
            .expect("fixture is JSON");
    let mut diffs = Vec::new();
    for (q, w) in &want {
        match got.get(q) {
            Some(g) if g == w => {}
            Some(g) => diffs.push(format!("{q:?}:\n  want {w}\n  got  {g}")),
            None => diffs.push(format!("{q:?}: not run")),
        }
    }
    for q in got.keys().filter(|q| !want.contains_key(*q)) {
        diffs.push(format!("{q:?}: not in the fixture"));
    }
    assert!(want.len() >= 100, "{} queries in the fixture", want.len());
    assert!(
        diffs.is_empty(),
        "{} of {} differ:\n{}",
        diffs.len(),
        want.len(),
        diffs.join("\n")
    );
}

/// Results as `kind/slug` (paragraphs by source and number), and the
/// total, with no limit on the page.
async fn found(pool: &sqlx::SqlitePool, q: &str) -> (usize, Vec<String>) {
    let r = search(pool, &Query::parse(q), &Filters::default(), 100_000)
        .await
        .expect("search");
    let keys = r
        .hits
        .iter()
        .map(|h| match h {
            Hit::Record { record, .. } => format!("{}/{}", record.kind.as_str(), record.slug),
            Hit::Paragraph { source_slug, n, .. } => format!("paragraph/{source_slug}/{n}"),
        })
        .collect();
    (r.total, keys)
}

/// Ten copies of the corpus (`SeedSet::scaled`): whatever a query finds in
/// the real data it finds in every copy, each under its copy's slug (the
/// countries, which every copy shares, once), and the total is at least
/// that many (a copy's titles carry its number, which some terms match
/// too).
#[tokio::test]
async fn every_result_is_found_in_every_copy_at_10x() {
    const COPIES: usize = 10;
    let real = summitkb::db::open_read_only(&TestApp::shared().await.db)
        .await
        .expect("pool");
    let big = TestApp::scaled(COPIES).await;
    let big = summitkb::db::open_read_only(&big.db).await.expect("pool");
    let mut misses = Vec::new();
    for q in queries() {
        let (total, keys) = found(&real, q).await;
        let (big_total, big_keys) = found(&big, q).await;
        // The countries are shared by every copy, not copied.
        let shared = keys.iter().filter(|k| k.starts_with("country/")).count();
        let want = (total - shared) * COPIES + shared;
        if big_total < want {
            misses.push(format!("{q:?}: total {big_total} < {want}"));
        }
        if big_total > 2000 {
            // Past the candidates ranked: the totals alone are exact.
            continue;
        }
        let big_keys: std::collections::HashSet<String> = big_keys.into_iter().collect();
        for k in &keys {
            let copies = if k.starts_with("country/") { 1 } else { COPIES };
            for i in 0..copies {
                let copy = if i == 0 {
                    k.clone()
                } else if let Some((head, n)) =
                    k.rsplit_once('/').filter(|_| k.starts_with("paragraph/"))
                {
                    format!("{head}-x{i}/{n}")
                } else {
                    format!("{k}-x{i}")
                };
                if !big_keys.contains(&copy) {
                    misses.push(format!("{q:?}: {copy} not found"));
                }
            }
        }
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}
