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

/// The allocator `summitkb import` runs with (src/main.rs), as the other
/// benches use it (benches/common.rs says why it matters).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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

/// CPU time of the whole process (every thread, SQLite's included), user
/// plus system, in seconds: what the import cost, which a loaded machine
/// inflates far less than wall time.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of stat(5), 12 and 13 here; at
    // the kernel's USER_HZ of 100.
    (ticks(11) + ticks(12)) / 100.0
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
    println!("factor  records  import_s  cpu_s  db_MB  peak_rss_MB");
    for factor in factors {
        let rounds = if factor >= 100 { 1 } else { 3 };
        let mut best = f64::INFINITY;
        let mut best_cpu = f64::INFINITY;
        let (mut size, mut peak) = (0.0, None);
        for round in 0..rounds {
            let db = dir.path().join(format!("import-{factor}-{round}.sqlite"));
            reset_peak_rss();
            let set = real.scaled(factor);
            let (secs, cpu) = runtime.block_on(async {
                let pool = summitkb::db::open_writable(&db).await.expect("db");
                let started = Instant::now();
                let cpu_before = cpu_seconds();
                summitkb::db::import(&pool, &set).await.expect("import");
                let secs = started.elapsed().as_secs_f64();
                let cpu = cpu_seconds() - cpu_before;
                pool.close().await;
                (secs, cpu)
            });
            best = best.min(secs);
            best_cpu = best_cpu.min(cpu);
            peak = peak_rss_mb();
            size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
            let _ = std::fs::remove_file(&db);
        }
        println!(
            "{factor:>6}  {:>7}  {best:>8.2}  {best_cpu:>5.2}  {size:>5.1}  {:>11}",
            real.records.len() * factor,
            peak.map_or("n/a".to_owned(), |p| format!("{p:.0}"))
        );
    }
}
