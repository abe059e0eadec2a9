//! Page rendering in-process, through the real router, on the real data and
//! on synthetic corpora 10, 100 and 1000 times larger (`PAGES_FACTORS`,
//! default `1 10 100 1000`; `PAGES_DB_DIR` keeps the databases there, to
//! serve them afterwards): import time, database size,
//! and the latency of rendering each key page (the answer cache is bypassed
//! with a query parameter that changes every request, so every request
//! renders). Prints p50/p99 per page (over 200 renders on the real data, 20
//! on 10x, 10 on 100x), then runs criterion on the real data.
//! Run: `cargo bench --bench pages`.

use std::path::Path;
use std::time::{Duration, Instant};

#[path = "common.rs"]
mod common;

use axum::body::Body;
use axum::http::Request;
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use tower::ServiceExt;

const SOURCE: &str = "wang-yi-2025-china-central-asia-summit";

fn pages() -> Vec<(&'static str, String)> {
    vec![
        ("home", "/".to_owned()),
        (
            "record",
            "/projects/china-kyrgyzstan-uzbekistan-railway".to_owned(),
        ),
        ("kind list", "/projects".to_owned()),
        ("source", format!("/sources/{SOURCE}")),
        ("paragraph", format!("/sources/{SOURCE}/p/10")),
        (
            "search",
            "/search?q=%E4%B8%AD%E5%90%89%E4%B9%8C%E9%93%81%E8%B7%AF".to_owned(),
        ),
        ("map", "/map".to_owned()),
        ("timeline", "/timeline".to_owned()),
        ("list by country", "/projects?group=country".to_owned()),
        ("search 铁路", "/search?q=%E9%93%81%E8%B7%AF".to_owned()),
    ]
}

/// Pages that exist only on the larger corpora: a later page of a list
/// and of a search.
fn later_pages() -> Vec<(&'static str, String)> {
    vec![
        ("list page 3", "/projects?sort=status&page=3".to_owned()),
        (
            "search 铁路 page 2",
            "/search?q=%E9%93%81%E8%B7%AF&page=2".to_owned(),
        ),
    ]
}

async fn app_over(factor: usize, dir: &Path) -> summitkb::App {
    let db = common::import_corpus(factor, dir).await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    summitkb::build_app(&db, "https://kb.example", &root.join("static"))
        .await
        .expect("app")
}

/// Renders `path` once, uncached: a fresh `bench` parameter makes a new key.
async fn render(app: &summitkb::App, path: &str, n: u64) -> usize {
    let sep = if path.contains('?') { '&' } else { '?' };
    let req = Request::builder()
        .uri(format!("{path}{sep}bench={n}"))
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.into_body().collect().await.unwrap().to_bytes().len()
}

fn bench(c: &mut Criterion) {
    let rt = common::runtime();
    let dir = tempfile::tempdir().unwrap();
    let db_dir = std::env::var_os("PAGES_DB_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().to_path_buf());
    let mut n = 0u64;
    for factor in common::factors("PAGES_FACTORS", "1 10 100 1000") {
        let app = rt.block_on(app_over(factor, &db_dir));
        let mut all = pages();
        if factor >= 10 {
            all.extend(later_pages());
        }
        for (name, path) in all {
            // Fewer renders on the big corpora, where one can take a second.
            let runs = 200 / factor.min(20);
            let times: Vec<Duration> = (0..runs)
                .map(|_| {
                    n += 1;
                    let t = Instant::now();
                    rt.block_on(render(&app, &path, n));
                    t.elapsed()
                })
                .collect();
            let (p50, p99) = common::p50_p99(times);
            eprintln!("{factor}x {name:<10} p50 {p50:>7.3} ms  p99 {p99:>7.3} ms");
        }
        if factor == 1 {
            let mut group = c.benchmark_group("render/1x");
            group
                .sample_size(30)
                .measurement_time(Duration::from_secs(2));
            for (name, path) in pages() {
                group.bench_function(name, |b| {
                    b.iter(|| {
                        n += 1;
                        rt.block_on(render(&app, &path, n))
                    })
                });
            }
            group.finish();
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
