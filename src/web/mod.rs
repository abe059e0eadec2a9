//! The HTTP side: routes, thin handlers by area, one error type, view models.
//! Handlers read only through [`crate::db::queries`] and [`crate::db::search`].

mod api;
mod error;
mod pages;
mod params;
mod search;
mod sources;
pub mod views;

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get};
use sqlx::SqlitePool;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use error::{ApiError, AppError};

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub pool: SqlitePool,
    /// Public base URL (no trailing slash), for citations people copy.
    pub base_url: Arc<str>,
}

/// The whole application router over `state`.
pub fn router(state: AppState, static_dir: &std::path::Path) -> Router {
    Router::new()
        .route("/api/sources", get(api::sources))
        .route("/api/sources/{slug}", get(api::source))
        .route("/api/records/{kind}", get(api::records_of_kind))
        .route("/api/records/{kind}/{slug}", get(api::record))
        .route("/api/search", get(api::search))
        .route("/api/suggest", get(api::suggest))
        // Unknown API paths answer JSON, not the HTML 404 page.
        .route("/api", any(api::not_found))
        .route("/api/{*rest}", any(api::not_found))
        .route("/", get(pages::home))
        .route("/healthz", get(pages::healthz))
        .route("/search", get(search::page))
        .route("/sources", get(sources::list))
        .route("/sources/{slug}", get(sources::source))
        .route("/sources/{slug}/p/{n}", get(sources::paragraph))
        .route("/{kind}", get(pages::kind_list))
        .route("/{kind}/{slug}", get(pages::record))
        .nest_service("/static", ServeDir::new(static_dir))
        .fallback(not_found)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                 frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            ),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn not_found() -> Response {
    error::error_page(StatusCode::NOT_FOUND)
}

/// Renders a page template into a response.
pub(crate) fn render(t: &impl Template) -> Result<Response, AppError> {
    Ok(Html(t.render()?).into_response())
}
