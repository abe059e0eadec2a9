//! summitkb: a web knowledge base of summit outcomes, every claim linked to
//! the paragraph of the source it rests on.
//!
//! Data flows one way: seed files → [`seeds`] (parse and validate, pure) →
//! [`db::import`] (one transaction) → SQLite → [`db::queries`] →
//! [`web`] view models (with [`pictures`] for the map and timeline layout) →
//! templates or JSON. [`serve`] caches the answers and sends them.

pub mod cite;
pub mod dates;
pub mod db;
mod hex;
pub mod lists;
pub mod model;
pub mod pictures;
pub mod refs;
pub mod search;
pub mod seeds;
pub mod serve;
pub mod static_site;
pub mod web;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use db::ImportOutcome;
pub use serve::App;

/// Why preparing the database failed.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("{0}")]
    Seeds(#[from] seeds::SeedErrors),
    #[error("database {path}: {source}")]
    Database {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
}

/// Validates the seeds in `seeds_dir` and imports them into the database at
/// `db_path` (created if missing). Invalid seeds leave the database as it was.
pub async fn prepare_database(
    db_path: &Path,
    seeds_dir: &Path,
) -> Result<(seeds::SeedSet, ImportOutcome), PrepareError> {
    let set = seeds::load(seeds_dir)?;
    let db_err = |source| PrepareError::Database {
        path: db_path.to_path_buf(),
        source,
    };
    let pool = db::open_writable(db_path).await.map_err(db_err)?;
    let outcome = db::import(&pool, &set).await.map_err(db_err)?;
    pool.close().await;
    Ok((set, outcome))
}

/// Builds the application over an existing database, opened read-only.
pub async fn build_app(
    db_path: &Path,
    base_url: &str,
    static_dir: &Path,
) -> Result<App, sqlx::Error> {
    build_app_with(db_path, base_url, static_dir, &web::Limits::default()).await
}

/// [`build_app`] with other bounds on in-flight requests and their time.
pub async fn build_app_with(
    db_path: &Path,
    base_url: &str,
    static_dir: &Path,
    limits: &web::Limits,
) -> Result<App, sqlx::Error> {
    let pool = db::open_read_only(db_path).await?;
    let state = web::AppState {
        pool,
        base_url: Arc::from(base_url.trim_end_matches('/')),
    };
    // Outermost, around the router itself: a repeat request is answered from
    // memory before routing or any layer of the router runs.
    let cache = serve::cache::CacheLayer::new(web::assets::init(static_dir), web::error_response);
    Ok(tower::Layer::layer(
        &cache,
        web::router(state, static_dir, limits),
    ))
}
