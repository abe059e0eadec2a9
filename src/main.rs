//! The command line: `serve` (the default), `import`, `export`, `check`,
//! `source add` and `gaps`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use summitkb::ImportOutcome;
use summitkb::seeds;
use summitkb::serve::server::{Accept, Timeouts};

#[derive(Parser)]
#[command(
    name = "summitkb",
    version,
    about = "A web knowledge base of summit outcomes"
)]
struct Cli {
    /// Directory of curated seed files.
    #[arg(long, global = true, env = "SUMMITKB_SEEDS", default_value = "seeds")]
    seeds: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, import the seeds, and serve (the default).
    Serve(ServeArgs),
    /// Build or refresh a database file without serving.
    Import {
        /// SQLite database file.
        #[arg(long, env = "SUMMITKB_DB", default_value = "summitkb.sqlite")]
        db: PathBuf,
    },
    /// Validate the seeds and print a coverage summary; exit non-zero on any
    /// problem or, unless --allow-gaps, any unwaived coverage gap.
    Check {
        /// Report coverage gaps without failing.
        #[arg(long)]
        allow_gaps: bool,
    },
    /// Print a TOML record skeleton (guessed kind, paragraph, verbatim span)
    /// for every sentence, number and 《》/“” title no record covers yet.
    Gaps {
        /// Only this source's gaps.
        #[arg(long)]
        source: Option<String>,
    },
    /// Write every page and JSON answer of a database as files in DIR, with
    /// .gz and .br beside each and the headers for nginx (nginx/summitkb.conf)
    /// and for static hosts (_headers, headers.json); search stays live.
    Export {
        /// The directory to write; refused if it holds files, unless --force.
        dir: PathBuf,
        /// SQLite database file, as `summitkb import` builds it; opened read-only.
        #[arg(long, env = "SUMMITKB_DB", default_value = "summitkb.sqlite")]
        db: PathBuf,
        /// Public base URL the pages are written for.
        #[arg(
            long,
            env = "SUMMITKB_BASE_URL",
            default_value = "http://127.0.0.1:3000"
        )]
        base_url: String,
        /// Where the static host sends search and query-string requests.
        #[arg(long, default_value = "http://127.0.0.1:3000")]
        live_url: String,
        /// Directory of static assets.
        #[arg(long, env = "SUMMITKB_STATIC", default_value = "static")]
        static_dir: PathBuf,
        /// Replace DIR even if it holds files.
        #[arg(long)]
        force: bool,
    },
    /// Sources: add a new one to the seeds.
    Source {
        #[command(subcommand)]
        command: SourceCommand,
    },
}

#[derive(Subcommand)]
enum SourceCommand {
    /// Copy a source text into SEEDS/sources/ byte for byte and write its
    /// manifest (SHA-256 and a proposed layout); refuse with nothing
    /// written if the text is empty, not UTF-8, already present, or the
    /// proposed manifest does not load.
    Add {
        /// The text as received, UTF-8, blocks separated by blank lines.
        file: PathBuf,
        /// Who published it, as the source names itself (新华社).
        #[arg(long)]
        publisher: String,
        /// The publisher's English name (Xinhua News Agency).
        #[arg(long)]
        publisher_en: Option<String>,
        /// Day of publication, YYYY-MM-DD.
        #[arg(long)]
        published: String,
        /// Where the text was published.
        #[arg(long)]
        url: Option<String>,
        /// BCP 47 language tag of the text.
        #[arg(long, default_value = "zh-Hans")]
        language: String,
        /// The source's slug (default: the file's name without extension).
        #[arg(long)]
        slug: Option<String>,
    },
}

/// `serve`'s arguments on their own, to read their defaults and environment
/// when no command is given.
#[derive(Parser)]
struct ServeDefaults {
    #[command(flatten)]
    args: ServeArgs,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SUMMITKB_ADDR", default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    /// SQLite database file.
    #[arg(long, env = "SUMMITKB_DB", default_value = "summitkb.sqlite")]
    db: PathBuf,
    /// Public base URL used in copied citations (default: http://ADDR).
    #[arg(long, env = "SUMMITKB_BASE_URL")]
    base_url: Option<String>,
    /// Serve an existing database as an immutable snapshot: no migration,
    /// no import, nothing written (see `summitkb import`).
    #[arg(long)]
    read_only: bool,
    /// Threads answering requests, each with its own socket (default: one
    /// per core).
    #[arg(long, env = "SUMMITKB_WORKERS")]
    workers: Option<usize>,
    /// How the workers share the port: a socket each, the kernel spreading
    /// connections over them (`per-worker`), or one socket taken from by
    /// whichever worker is awake (`shared`, as nginx's workers do).
    #[arg(long, env = "SUMMITKB_ACCEPT", value_enum, default_value_t = AcceptArg::PerWorker)]
    accept: AcceptArg,
    /// Directory of static assets.
    #[arg(long, env = "SUMMITKB_STATIC", default_value = "static")]
    static_dir: PathBuf,
    /// Seconds a client may take to send a request head: from accept for a
    /// connection's first request, from its first byte for later ones (as
    /// nginx's client_header_timeout). Slower clients are disconnected.
    #[arg(long, env = "SUMMITKB_HEADER_TIMEOUT", value_parser = seconds,
          default_value_t = Timeouts::default().header.as_secs_f64())]
    header_timeout: f64,
    /// Seconds a kept-alive connection may wait for its next request with
    /// nothing sent either way (as nginx's keepalive_timeout).
    #[arg(long, env = "SUMMITKB_KEEPALIVE_TIMEOUT", value_parser = seconds,
          default_value_t = Timeouts::default().idle.as_secs_f64())]
    keepalive_timeout: f64,
}

/// `--accept`, as [`summitkb::serve::server::Accept`].
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum AcceptArg {
    PerWorker,
    Shared,
}

impl From<AcceptArg> for Accept {
    fn from(a: AcceptArg) -> Accept {
        match a {
            AcceptArg::PerWorker => Accept::PerWorker,
            AcceptArg::Shared => Accept::Shared,
        }
    }
}

/// A positive number of seconds, fractions allowed.
fn seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(secs) if secs > 0.0 && Duration::try_from_secs_f64(secs).is_ok() => Ok(secs),
        _ => Err(format!("{s:?} is not a positive number of seconds")),
    }
}

/// jemalloc rather than glibc's malloc. Under glibc, each thread that
/// allocates (per-core workers, render workers, SQLite's threads) gets an
/// arena of its own, and memory freed when connections close stays in
/// those arenas: after two 8 s runs of the soak mix at 600 connections,
/// resident memory stayed at 82 MB with no connection left. jemalloc's
/// background thread hands freed pages back to the system within seconds,
/// even with no further allocation (mimalloc, tried first, kept 146 MB: it
/// returns pages only when the process allocates again). Figures in the
/// README's soak test.
///
/// It also stands in for `malloc` itself (Cargo.toml's
/// `unprefixed_malloc_on_supported_platforms`), so SQLite allocates from it
/// too: a row's values are copied by the SQLite thread and freed by the
/// task that reads them, and glibc's arena lock between those two threads
/// took half of a search's time at 100x (峰: 37 ms, 19 ms with SQLite's
/// own allocation counter also off, .cargo/config.toml).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Log lines waiting for the log thread; beyond this, new lines are
/// dropped (and counted) rather than making requests wait.
const LOG_BUFFER_LINES: usize = 64 * 1024;

fn main() -> ExitCode {
    // A line per request at INFO: writing it to stdout on the request's own
    // thread (a lock and a write(2) per line) cost a third of the throughput
    // of large pages. The request path now only formats the line and hands
    // it to a thread that writes; if that thread falls behind (a slow pipe
    // or terminal), lines are dropped rather than requests held up.
    let (log_writer, log_flushed) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(true)
        .buffered_lines_limit(LOG_BUFFER_LINES)
        .thread_name("summitkb-log")
        .finish(std::io::stdout());
    let log_dropped = log_writer.error_counter();
    tracing_subscriber::fmt()
        .with_writer(log_writer)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("summitkb=info,tower_http=info")),
        )
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // No command means `serve` with its defaults, environment included.
    let command = cli
        .command
        .unwrap_or_else(|| Command::Serve(ServeDefaults::parse_from(["summitkb"]).args));
    let result = runtime.block_on(async {
        match command {
            Command::Check { allow_gaps } => check(&cli.seeds, allow_gaps),
            Command::Gaps { source } => gaps(&cli.seeds, source.as_deref()),
            Command::Source {
                command:
                    SourceCommand::Add {
                        file,
                        publisher,
                        publisher_en,
                        published,
                        url,
                        language,
                        slug,
                    },
            } => source_add(
                &cli.seeds,
                &seeds::add::NewSource {
                    file,
                    slug,
                    publisher,
                    publisher_en,
                    published,
                    url,
                    language,
                },
            ),
            Command::Import { db } => import(&db, &cli.seeds).await,
            Command::Export {
                dir,
                db,
                base_url,
                live_url,
                static_dir,
                force,
            } => {
                export(
                    &dir,
                    &db,
                    &static_dir,
                    summitkb::static_site::Options {
                        live_url,
                        force,
                        base_url,
                    },
                )
                .await
            }
            Command::Serve(args) => serve(args, &cli.seeds).await,
        }
    });
    // Writes out the lines still queued.
    drop(log_flushed);
    match log_dropped.dropped_lines() {
        0 => {}
        n => eprintln!("{n} log lines were dropped: the log was written slower than requests came"),
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn check(seeds_dir: &std::path::Path, allow_gaps: bool) -> anyhow::Result<()> {
    let set = seeds::load(seeds_dir)?;
    let coverage = seeds::coverage::Coverage::of(&set);
    print!("{}", coverage.summary());
    // Disagreements are data, not errors: each is shown on its record's
    // page with both citations, and listed here for the curator.
    let disagreements = set.disagreements();
    println!("disagreements between sources: {}", disagreements.len());
    for d in disagreements {
        println!("  {d}");
    }
    if !coverage.is_complete() && !allow_gaps {
        anyhow::bail!("coverage has gaps: cite, capture or waive them (or pass --allow-gaps)");
    }
    Ok(())
}

fn gaps(seeds_dir: &std::path::Path, source: Option<&str>) -> anyhow::Result<()> {
    let set = seeds::load(seeds_dir)?;
    print!(
        "{}",
        seeds::gaps::skeletons(&set, source).map_err(anyhow::Error::msg)?
    );
    Ok(())
}

/// Prints what was written and what the curator checks next.
fn source_add(seeds_dir: &std::path::Path, new: &seeds::add::NewSource) -> anyhow::Result<()> {
    let added = seeds::add::add_source(seeds_dir, new)?;
    let s = &added.source;
    println!("wrote {}", added.text_path.display());
    println!("wrote {}", added.manifest_path.display());
    println!(
        "source `{}`: {} ({} {})",
        s.slug, s.title, s.publisher, s.published
    );
    for b in &s.blocks {
        let label = match b.n {
            Some(n) => format!("¶{n}"),
            None => b.kind.as_str().to_owned(),
        };
        let lines: Vec<String> = b.lines.iter().map(|(l, _)| l.to_string()).collect();
        let head: String = b.text.chars().take(24).collect();
        let more = if b.text.chars().count() > 24 {
            "…"
        } else {
            ""
        };
        println!("  line {:<8} {label:<10} {head}{more}", lines.join("+"));
    }
    println!(
        "check the proposed [layout] against the text, then run `summitkb gaps --source {}`",
        s.slug
    );
    Ok(())
}

async fn import(db: &std::path::Path, seeds_dir: &std::path::Path) -> anyhow::Result<()> {
    let (set, outcome) = summitkb::prepare_database(db, seeds_dir).await?;
    report(db, &set, outcome);
    Ok(())
}

async fn export(
    dir: &std::path::Path,
    db: &std::path::Path,
    static_dir: &std::path::Path,
    options: summitkb::static_site::Options,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        db.is_file(),
        "{}: no such database; build one with `summitkb import --db`",
        db.display()
    );
    let app = summitkb::build_app(db, &options.base_url, static_dir).await?;
    let r = summitkb::static_site::export(app, dir, &options).await?;
    println!(
        "exported {} answers ({:.1} MB before compression) into {}; {} addresses with a query string left to {}",
        r.files,
        r.bytes as f64 / 1e6,
        dir.display(),
        r.left_to_live,
        options.live_url
    );
    for (path, status) in &r.broken {
        eprintln!("broken link: {path} answered {status}");
    }
    anyhow::ensure!(
        r.broken.is_empty(),
        "{} internal links are broken",
        r.broken.len()
    );
    Ok(())
}

fn report(db: &std::path::Path, set: &seeds::SeedSet, outcome: ImportOutcome) {
    match outcome {
        ImportOutcome::Unchanged => tracing::info!(
            db = %db.display(), version = %set.version, "database already holds these seeds"
        ),
        ImportOutcome::Imported { sources, records } => tracing::info!(
            db = %db.display(), sources, records, version = %set.version, "imported seeds"
        ),
    }
}

async fn serve(args: ServeArgs, seeds_dir: &std::path::Path) -> anyhow::Result<()> {
    let db_path = std::path::absolute(&args.db).unwrap_or(args.db.clone());
    tracing::info!(db = %db_path.display(), "using SQLite database file");
    if args.read_only {
        anyhow::ensure!(
            db_path.is_file(),
            "{}: no such database; build one with `summitkb import --db`",
            db_path.display()
        );
    } else {
        let (set, outcome) = summitkb::prepare_database(&db_path, seeds_dir).await?;
        report(&db_path, &set, outcome);
    }
    let base_url = args
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", args.addr));
    let app = summitkb::build_app(&db_path, &base_url, &args.static_dir).await?;
    let workers = args
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let timeouts = Timeouts {
        header: Duration::from_secs_f64(args.header_timeout),
        idle: Duration::from_secs_f64(args.keepalive_timeout),
    };
    let server = summitkb::serve::server::bind_with(args.addr, workers, args.accept.into())?
        .with_timeouts(timeouts);
    tracing::info!(workers, accept = ?args.accept, "listening on http://{}", server.local_addr());
    server.run(app, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM, so in-flight requests can finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
