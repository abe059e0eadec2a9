//! The database: opening pools, the one-transaction import, and named read
//! queries. Nothing here knows about HTTP; nothing outside reads seed files
//! into SQL.

pub mod export;
pub mod history;
pub mod import;
pub mod lists;
pub mod queries;
pub mod search;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use import::{ImportOutcome, import};

/// Opens (creating if needed) a writable database and runs migrations.
pub async fn open_writable(path: &Path) -> Result<SqlitePool, sqlx::Error> {
    let opts = base_options(path)?.create_if_missing(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// Most of a snapshot read through a memory map (see [`open_read_only`]).
const MMAP_BYTES: u64 = 256 << 20;

/// Opens an existing database for serving. The connections are read-only at
/// the SQLite level, so no code path reachable from HTTP can write, and any
/// number of replicas can serve one snapshot file.
///
/// A snapshot built by an older summitkb lacks the tables and columns later
/// migrations add (a search index, an English column), and serving it would
/// fail request by request; it is refused here, whole, with what to do.
pub async fn open_read_only(path: &Path) -> Result<SqlitePool, sqlx::Error> {
    // Pages read through a memory map, not a `pread` into each connection's
    // own 2 MB cache: eight connections in turn kept missing, and at 100x
    // the system calls and copies were a fifth of a search's time (峰:
    // 19 ms, 15 ms mapped). SQLite still checks the file's change counter
    // at each read transaction, so a file written by an import while it is
    // served (`serve` without `--read-only`, the tests) is read correctly;
    // what a map changes is that an I/O error on the file arrives as
    // SIGBUS rather than as an error. Mapped pages count in VmRSS, once per
    // connection that touched them: they are the kernel's page cache,
    // shared and reclaimable, so the memory figures of the README give
    // RssAnon beside it.
    let opts = base_options(path)?
        .read_only(true)
        .pragma("mmap_size", MMAP_BYTES.to_string());
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .min_connections(1)
        .connect_with(opts)
        .await?;
    let needed = sqlx::migrate!("./migrations")
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0);
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&pool)
            .await
            .unwrap_or(None);
    if applied.unwrap_or(0) < needed {
        pool.close().await;
        return Err(sqlx::Error::Configuration(
            format!(
                "{}: built by an older summitkb (schema at migration {}, this build needs {needed}); \
                 rebuild it with `summitkb import --db`",
                path.display(),
                applied.unwrap_or(0)
            )
            .into(),
        ));
    }
    Ok(pool)
}

fn base_options(path: &Path) -> Result<SqliteConnectOptions, sqlx::Error> {
    // A rollback journal, not WAL: the file is then self-contained after each
    // import, which is what an immutable snapshot copied to replicas needs.
    Ok(SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .journal_mode(SqliteJournalMode::Delete)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5)))
}
