//! Cross-origin reading (CORS) of the API: any origin may read any answer
//! under `/api`, errors included, with GET or HEAD. No credentials are
//! involved (the API has no cookies or logins), so the answer allows `*`
//! rather than echoing the request's `Origin`: every answer carries the same
//! headers whoever asks, which is what lets the answer cache keep one copy
//! for all origins, and why no `Vary: Origin` is needed.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

/// Methods the API answers; a preflight for any other fails in the browser.
pub const METHODS: &str = "GET, HEAD, OPTIONS";

/// Adds to an API answer the headers that let other origins read it, and
/// the response headers they may see (pagination and revalidation).
pub fn allow_reading(headers: &mut HeaderMap) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Link, ETag"),
    );
}

/// The answer to an `OPTIONS` request under `/api` (a CORS preflight, or a
/// client asking what is allowed): `204` naming the methods and allowing any
/// request header (`If-None-Match`, `Accept`, …), for a day.
pub fn preflight() -> Response {
    let mut res = Response::new(Body::empty());
    *res.status_mut() = StatusCode::NO_CONTENT;
    let headers = res.headers_mut();
    allow_reading(headers);
    headers.insert(header::ALLOW, HeaderValue::from_static(METHODS));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(METHODS),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    res
}
