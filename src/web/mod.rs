//! The HTTP side: routes, thin handlers by area, one error type, view models.
//! Handlers read only through [`crate::db::queries`] and [`crate::db::search`].
//! How answers are cached and leave the process is [`crate::serve`]'s
//! business; nothing here depends on it.

mod annotations;
mod api;
pub mod assets;
mod charts;
mod cite;
pub mod commitments;
mod error;
mod export;
mod feed;
pub mod history;
mod jsonld;
pub mod lang;
mod pager;
mod pages;
mod paginate;
mod params;
mod search;
mod sources;
pub mod views;

use std::sync::Arc;

use std::time::Duration;

use askama::Template;
use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::Request;
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, Version, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use sqlx::SqlitePool;
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use api::{openapi_json, paths as api_paths};
pub use error::{ApiError, AppError};

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub pool: SqlitePool,
    /// Public base URL (no trailing slash), for citations people copy.
    pub base_url: Arc<str>,
}

/// Bounds on the work the server takes on.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Requests handled at once, over the whole server; beyond this, new
    /// ones are shed with 503 rather than queued.
    pub max_in_flight: usize,
    /// Longest a request may take before it is answered 503.
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_in_flight: MAX_IN_FLIGHT,
            request_timeout: REQUEST_TIMEOUT,
        }
    }
}

/// The whole application router over `state`.
pub fn router(state: AppState, static_dir: &std::path::Path, limits: &Limits) -> Router {
    let base = state.base_url.clone();
    with_policies(routes(static_dir), limits)
        // Outermost: the edition holds for everything inside, the error
        // pages the layers shape included.
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            let edition = lang::Edition::of(
                req.uri().path_and_query().map_or("/", |p| p.as_str()),
                &base,
            );
            lang::scoped(edition, next.run(req))
        }))
        .with_state(state)
}

/// Every page, API answer and static file, by path.
fn routes(static_dir: &std::path::Path) -> Router<AppState> {
    Router::new()
        // The JSON API and its page, every route of it from its one table
        // (`api::endpoints`, which the OpenAPI document is built from too);
        // unknown API paths answer JSON, not the HTML 404 page.
        .merge(api::routes())
        .route("/feeds/{name}", get(feed::of_kind))
        .route("/feeds/countries/{name}", get(feed::of_country))
        .route("/healthz", get(pages::healthz))
        .route("/map.svg", get(charts::map_svg))
        .route("/sources/{slug}/p/{n}/cite", get(cite::paragraph))
        .route("/sources/{slug}/annotations", get(annotations::collection))
        .route("/{kind}/{slug}/cite", get(cite::record))
        .merge(pages(""))
        .merge(pages(lang::EN_PREFIX))
        .route(
            lang::EN_PREFIX,
            get(|| async { axum::response::Redirect::permanent("/en/") }),
        )
        .nest_service("/static", ServeDir::new(static_dir))
        .fallback(not_found)
}

/// The HTML pages, one table for both editions: at `prefix` "" the Chinese
/// edition, at `/en` the English one. Handlers take their [`lang::Lang`]
/// from the address.
fn pages(prefix: &str) -> Router<AppState> {
    let at = |path: &str| format!("{prefix}{path}");
    Router::new()
        .route(&at("/"), get(pages::home))
        .route(&at("/map"), get(charts::map_page))
        .route(&at("/timeline"), get(charts::timeline_page))
        .route(&at("/commitments"), get(commitments::page))
        .route(&at("/search"), get(search::page))
        .route(&at("/sources"), get(sources::list))
        .route(&at("/sources/{slug}"), get(sources::source))
        .route(&at("/sources/{slug}/p/{n}"), get(sources::paragraph))
        .route(&at("/{kind}"), get(pages::kind_list))
        .route(&at("/{kind}/{slug}"), get(pages::record))
}

/// What every answer goes through, innermost first. `Router::layer` wraps
/// each route separately, so a layer with state of its own would count per
/// route: the in-flight bound therefore shares one semaphore among all.
fn with_policies<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    limits: &Limits,
) -> Router<S> {
    router
        // Whatever the type or size: the answer cache has already chosen
        // the coding (one token in `Accept-Encoding`), and keys on it. Only
        // answers that have no body by definition stay as they are.
        .layer(CompressionLayer::new().compress_when(
            |status: StatusCode, _: Version, _: &HeaderMap, _: &Extensions| {
                !matches!(status, StatusCode::NO_CONTENT | StatusCode::NOT_MODIFIED)
            },
        ))
        .layer(middleware::from_fn(limit_uri_length))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.request_timeout,
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        // One line per request at INFO: method, path, status, latency.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(overloaded))
                .load_shed()
                .layer(GlobalConcurrencyLimitLayer::new(limits.max_in_flight)),
        )
        // Outermost, so nothing answered inside (shed, timed out, panicked,
        // refused by a method router or a file server) escapes it.
        .layer(middleware::from_fn(finish))
}

/// Every answer the router gives passes here last: an error that came out
/// bare (a status without a body type: 405 from a method router, 404 from
/// the file server, 414, a timeout, a shed request, a panic) gets the
/// error shape of its area from [`error_response`], keeping the headers its
/// status needs, and every answer gets the security headers.
async fn finish(req: Request, next: Next) -> Response {
    let api = error::is_api(req.uri().path());
    if api && req.method() == axum::http::Method::OPTIONS {
        let mut res = api::cors::preflight();
        secure(res.headers_mut());
        return res;
    }
    let mut res = next.run(req).await;
    let status = res.status();
    if (status.is_client_error() || status.is_server_error())
        && !res.headers().contains_key(header::CONTENT_TYPE)
    {
        let mut shaped = error::shaped(status, api);
        for name in [header::ALLOW, header::RETRY_AFTER] {
            if let Some(v) = res.headers().get(&name) {
                shaped.headers_mut().insert(name, v.clone());
            }
        }
        res = shaped;
    }
    if api {
        api::cors::allow_reading(res.headers_mut());
    }
    secure(res.headers_mut());
    res
}

/// The security headers of every answer: a Content-Security-Policy with no
/// `unsafe-inline`, no framing, no sniffing, no full referrers.
fn secure(headers: &mut HeaderMap) {
    let set = |headers: &mut HeaderMap, name, value| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        headers,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
}

/// Every error, for a request to `path`, as [`finish`] shapes it: the
/// answer the cache layer gives for the errors it answers itself.
pub fn error_response(status: StatusCode, path: &str) -> Response {
    let api = error::is_api(path);
    let mut res = lang::sync_scoped(lang::Edition::of(path, ""), || error::shaped(status, api));
    if api {
        api::cors::allow_reading(res.headers_mut());
    }
    secure(res.headers_mut());
    res
}

/// Longest request target accepted; longer ones get 414. Room for a search
/// of 5,000 percent-encoded Chinese characters (45 KB).
pub const MAX_URI_BYTES: usize = 48 * 1024;
/// Requests handled at once; beyond this, new ones are shed with 503.
pub const MAX_IN_FLIGHT: usize = 512;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

async fn limit_uri_length(req: Request, next: Next) -> Response {
    let len = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().len())
        .unwrap_or(0);
    if len > MAX_URI_BYTES {
        tracing::debug!(len, "request target too long");
        return StatusCode::URI_TOO_LONG.into_response();
    }
    next.run(req).await
}

/// A panic in a handler is logged and answered with the 500 page; the
/// process keeps serving.
fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "handler panicked");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

async fn overloaded(_: tower::BoxError) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "1")],
    )
        .into_response()
}

async fn not_found() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

/// Renders a page template into a response; on an English page, its links
/// to pages stay in the English edition ([`lang::localize_links`]).
pub(crate) fn render(t: &impl Template) -> Result<Response, AppError> {
    Ok(Html(localized(t.render()?)).into_response())
}

/// A rendered page as its edition serves it.
pub(crate) fn localized(html: String) -> String {
    if lang::current().lang.is_en() {
        lang::localize_links(&html)
    } else {
        html
    }
}

#[cfg(test)]
mod tests {
    use axum::body::{Body, to_bytes};
    use tower::ServiceExt;

    use super::*;

    async fn boom() -> &'static str {
        panic!("a handler fails")
    }

    #[tokio::test]
    async fn a_panic_is_answered_in_the_shape_of_its_area() {
        let app = with_policies(
            Router::new()
                .route("/api/boom", get(boom))
                .route("/boom", get(boom)),
            &Limits::default(),
        );
        for (uri, content_type, mark) in [
            ("/api/boom", "application/json", "\"errors\":[{\"detail\":"),
            ("/boom", "text/html", "<html lang=\"zh-Hans\">"),
        ] {
            let req = Request::builder().uri(uri).body(Body::empty()).unwrap();
            let res = app.clone().oneshot(req).await.unwrap();
            assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR, "{uri}");
            let headers = res.headers().clone();
            assert!(
                headers[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with(content_type)
            );
            assert!(
                headers.contains_key(header::CONTENT_SECURITY_POLICY),
                "{uri}"
            );
            let body = to_bytes(res.into_body(), usize::MAX).await.unwrap();
            let body = String::from_utf8_lossy(&body);
            assert!(body.contains(mark), "{uri}: {body}");
        }
    }
}
