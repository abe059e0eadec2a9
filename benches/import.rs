//! Import time, database size and peak memory at 1x, 10x and 100x the real
//! seeds (synthetic copies, `SeedSet::scaled`), each into a new file, in one
//! transaction as `summitkb import` does. Set `IMPORT_FACTORS` to choose the
//! scales, e.g. `IMPORT_FACTORS="1 10 100 1000"`.
//! Run: `cargo bench --bench import`.
//!
//! Peak memory is the process's resident high-water mark (`VmHWM`), reset
//! before each import (`/proc/self/clear_refs`) and read after it: it counts
//! the scaled seeds themselves, which the real loader would hold too.

use std::path::Path;
use std::time::Instant;

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let factors: Vec<usize> = std::env::var("IMPORT_FACTORS")
        .unwrap_or_else(|_| "1 10 100".to_owned())
        .split_whitespace()
        .map(|f| f.parse().expect("IMPORT_FACTORS: whole numbers"))
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let real = summitkb::seeds::load(&seeds).expect("seeds");
    let dir = tempfile::tempdir().expect("temp dir");
    println!("factor  records  import_s  db_MB  peak_rss_MB");
    for factor in factors {
        let rounds = if factor >= 100 { 1 } else { 3 };
        let mut best = f64::INFINITY;
        let (mut size, mut peak) = (0.0, None);
        for round in 0..rounds {
            let db = dir.path().join(format!("import-{factor}-{round}.sqlite"));
            reset_peak_rss();
            let set = real.scaled(factor);
            let secs = runtime.block_on(async {
                let pool = summitkb::db::open_writable(&db).await.expect("db");
                let started = Instant::now();
                summitkb::db::import(&pool, &set).await.expect("import");
                let secs = started.elapsed().as_secs_f64();
                pool.close().await;
                secs
            });
            best = best.min(secs);
            peak = peak_rss_mb();
            size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
            let _ = std::fs::remove_file(&db);
        }
        println!(
            "{factor:>6}  {:>7}  {best:>8.2}  {size:>5.1}  {:>11}",
            real.records.len() * factor,
            peak.map_or("n/a".to_owned(), |p| format!("{p:.0}"))
        );
    }
}
