//! Search latency on the real data and on a synthetic corpus 100 times larger.
//!
//! Criterion measures each query; before it runs, a percentile pass prints
//! p50/p99 per query over 500 runs (the figures in the README).
//! Run: `cargo bench --bench search`.

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use sqlx::SqlitePool;
use summitkb::db::search::{Filters, search};
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
];

async fn corpus(factor: usize, dir: &Path) -> SqlitePool {
    let seeds = summitkb::seeds::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds")))
        .expect("seeds");
    let set = seeds.scaled(factor);
    let db = dir.join(format!("bench-{factor}.sqlite"));
    let pool = summitkb::db::open_writable(&db).await.expect("db");
    let started = Instant::now();
    summitkb::db::import(&pool, &set).await.expect("import");
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "corpus {factor}x: {} records, {} sources, import {:.0} ms, database {:.1} MB",
        set.records.len(),
        set.sources.len(),
        started.elapsed().as_secs_f64() * 1000.0,
        size as f64 / 1e6
    );
    pool.close().await;
    summitkb::db::open_read_only(&db)
        .await
        .expect("read-only pool")
}

fn percentiles(rt: &tokio::runtime::Runtime, pool: &SqlitePool, label: &str) {
    for q in QUERIES {
        let query = Query::parse(q);
        let mut times: Vec<Duration> = (0..500)
            .map(|_| {
                let t = Instant::now();
                rt.block_on(search(pool, &query, &Filters::default(), 50))
                    .expect("search");
                t.elapsed()
            })
            .collect();
        times.sort();
        let p = |f: f64| times[((times.len() as f64 - 1.0) * f) as usize].as_secs_f64() * 1000.0;
        eprintln!(
            "{label} {q:<20} p50 {:>7.3} ms  p99 {:>7.3} ms",
            p(0.50),
            p(0.99)
        );
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for factor in [1, 100] {
        let pool = rt.block_on(corpus(factor, dir.path()));
        percentiles(&rt, &pool, &format!("{factor}x"));
        let mut group = c.benchmark_group(format!("search/{factor}x"));
        group
            .sample_size(20)
            .measurement_time(Duration::from_secs(2));
        for q in QUERIES {
            let query = Query::parse(q);
            group.bench_function(*q, |b| {
                b.iter(|| {
                    rt.block_on(search(&pool, &query, &Filters::default(), 50))
                        .unwrap()
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
