//! What the benches share: a single-threaded runtime, a corpus imported at a
//! given scale (with its import time and size printed), and percentiles.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The server's allocator (src/main.rs), so that a bench measures what is
/// served: under glibc's malloc, the SQLite thread that copies each row and
/// the task that frees it contend for one arena's lock, which cost 峰 at
/// 100x half its time.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Imports the real seeds repeated `factor` times into a new file in `dir`.
pub async fn import_corpus(factor: usize, dir: &Path) -> PathBuf {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let set = summitkb::seeds::load(&seeds).expect("seeds").scaled(factor);
    let db = dir.join(format!("bench-{factor}.sqlite"));
    let pool = summitkb::db::open_writable(&db).await.expect("db");
    let started = Instant::now();
    summitkb::db::import(&pool, &set).await.expect("import");
    let import = started.elapsed();
    pool.close().await;
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "corpus {factor}x: {} records, {} sources, import {:.0} ms, database {:.1} MB",
        set.records.len(),
        set.sources.len(),
        import.as_secs_f64() * 1000.0,
        size as f64 / 1e6
    );
    db
}

/// The corpus sizes to measure: the whole numbers in the environment
/// variable `var`, else in `default`.
pub fn factors(var: &str, default: &str) -> Vec<usize> {
    std::env::var(var)
        .unwrap_or_else(|_| default.to_owned())
        .split_whitespace()
        .map(|f| {
            f.parse()
                .unwrap_or_else(|_| panic!("{var}: whole numbers, not {f:?}"))
        })
        .collect()
}

/// p50 and p99 of `runs` timings, in milliseconds.
pub fn p50_p99(mut runs: Vec<Duration>) -> (f64, f64) {
    runs.sort();
    let p = |f: f64| runs[((runs.len() as f64 - 1.0) * f) as usize].as_secs_f64() * 1000.0;
    (p(0.50), p(0.99))
}
