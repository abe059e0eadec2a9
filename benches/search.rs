//! Search latency on the real data and on a synthetic corpus 100 times
//! larger (`SEARCH_FACTORS`, default `1 100`; `SEARCH_FACTORS="1 100 1000"`
//! adds the 1000x corpus, whose import takes half a minute).
//!
//! Criterion measures each query (some with a facet chosen); before it runs, a percentile pass prints
//! p50/p99 per query over 500 runs on the real data, 50 on the 100x
//! corpus and 20 on larger ones (the figures in the README).
//! Run: `cargo bench --bench search`.

use std::path::Path;
use std::time::{Duration, Instant};

#[path = "common.rs"]
mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use sqlx::SqlitePool;
use summitkb::db::search::search;
use summitkb::search::Filters;
use summitkb::search::Query;

const QUERIES: &[&str] = &[
    "中吉乌铁路",
    "铁路",
    "峰",
    "中吉烏鐵路",
    "zhongjiwu tielu",
    "Tokayev",
    "Astana Declaration",
    "铁路 哈萨克斯坦",
    "不存在的词语",
    // Search that forgives: an alias variant, misspellings (tolerance),
    // characters and syllables in order (the fallback after an empty
    // exact pass), words in any order, short Latin terms as whole words, a synonym.
    "Tokaev",
    "Tokyaev",
    "Berdymukhammedov",
    "中哈第三条铁路",
    "zhonghadisantiaotielu",
    "AI",
    "Xi",
    "summit",
    "姐妹城市",
    // A name's words in another order; initials typed with zh.
    "铁路中吉乌",
    "zhjwtl",
];

/// Queries with a facet chosen, as after a click on a kind or a country:
/// (query, kind, country). 峰 among paragraphs is the slowest shape of a
/// lone term lookup, whose candidates are read in rowid order: every
/// record comes before the first paragraph.
const FILTERED: &[(&str, Option<&str>, Option<&str>)] = &[
    ("峰", Some("quote"), None),
    ("峰", Some("paragraph"), None),
    ("峰", None, Some("kazakhstan")),
    ("铁路", Some("project"), None),
    ("中吉乌铁路", None, Some("kyrgyzstan")),
];

/// Every query of the bench with its filters and its label.
fn cases() -> Vec<(String, Query, Filters)> {
    let plain = QUERIES
        .iter()
        .map(|q| (q.to_string(), Query::parse(q), Filters::default()));
    let filtered = FILTERED.iter().map(|(q, kind, country)| {
        let facet = kind.or(*country).unwrap_or_default();
        (
            format!("{q} [{facet}]"),
            Query::parse(q),
            Filters {
                kind: kind.map(str::to_owned),
                country: country.map(str::to_owned),
            },
        )
    });
    plain.chain(filtered).collect()
}

async fn corpus(factor: usize, dir: &Path) -> SqlitePool {
    let db = common::import_corpus(factor, dir).await;
    summitkb::db::open_read_only(&db)
        .await
        .expect("read-only pool")
}

/// Runs per query for the percentiles: 500 on the real data, 50 on the
/// 100x corpus, 20 on larger ones (where one search takes tens of
/// milliseconds).
fn runs_at(factor: usize) -> usize {
    match factor {
        1 => 500,
        2..=100 => 50,
        _ => 20,
    }
}

/// Runs per query for the percentiles ([`runs_at`]).
fn percentiles(rt: &tokio::runtime::Runtime, pool: &SqlitePool, label: &str, runs: usize) {
    for (q, query, filters) in cases() {
        let times: Vec<Duration> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                rt.block_on(search(pool, &query, &filters, 50))
                    .expect("search");
                t.elapsed()
            })
            .collect();
        let (p50, p99) = common::p50_p99(times);
        eprintln!("{label} {q:<20} p50 {p50:>7.3} ms  p99 {p99:>7.3} ms");
    }
}

fn bench(c: &mut Criterion) {
    let rt = common::runtime();
    let dir = tempfile::tempdir().unwrap();
    for factor in common::factors("SEARCH_FACTORS", "1 100") {
        let pool = rt.block_on(corpus(factor, dir.path()));
        let runs = runs_at(factor);
        percentiles(&rt, &pool, &format!("{factor}x"), runs);
        let mut group = c.benchmark_group(format!("search/{factor}x"));
        group
            .sample_size(20)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(2));
        for (q, query, filters) in cases() {
            group.bench_function(q, |b| {
                b.iter(|| rt.block_on(search(&pool, &query, &filters, 50)).unwrap())
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
