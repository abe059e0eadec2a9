//! HTTP caching. The data changes only when the seeds do, so every page and
//! API answer is a pure function of the URL: a strong `ETag` over the bytes
//! sent lets browsers, proxies and CDNs revalidate with `If-None-Match` and
//! get `304 Not Modified`, and two replicas built from the same seeds give
//! the same tags.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Largest body tagged; bigger ones (none today) pass through untagged.
const MAX_TAGGED_BODY: usize = 4 * 1024 * 1024;

/// The strong tag of a body: the first 16 hex digits of its SHA-256.
fn tag_of(bytes: &[u8]) -> HeaderValue {
    let tag = format!(
        "\"{}\"",
        crate::seeds::hex_prefix(&Sha256::digest(bytes), 16)
    );
    HeaderValue::from_str(&tag).expect("hex digits in quotes are a valid header value")
}

/// Tags `200` answers to GET and HEAD (reusing a tag the page cache stored
/// with the body) and answers a matching `If-None-Match` with `304`.
pub async fn etag(req: Request, next: Next) -> Response {
    let conditional = req.headers().get(header::IF_NONE_MATCH).cloned();
    let cacheable_method = matches!(*req.method(), Method::GET | Method::HEAD);
    let is_static = req.uri().path().starts_with("/static/");
    let res = next.run(req).await;
    if !cacheable_method || res.status() != StatusCode::OK {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let body = if parts.headers.contains_key(header::ETAG) {
        body
    } else {
        let Ok(bytes) = to_bytes(body, MAX_TAGGED_BODY).await else {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "response too large to tag",
            )
                .into_response();
        };
        parts.headers.insert(header::ETAG, tag_of(&bytes));
        Body::from(bytes)
    };
    let cache_control = if is_static {
        "public, max-age=3600"
    } else {
        "public, max-age=300, must-revalidate"
    };
    parts
        .headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(cache_control));
    let tag = parts.headers[header::ETAG].to_str().unwrap_or("");
    let matches = conditional
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    if matches {
        let mut not_modified = Response::new(Body::empty());
        *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
        for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
            if let Some(v) = parts.headers.get(&name) {
                not_modified.headers_mut().insert(name, v.clone());
            }
        }
        return not_modified;
    }
    Response::from_parts(parts, body)
}

/// Rendered responses kept in memory, keyed by request target and the
/// encoding negotiated. The data never changes while the process runs, so an
/// entry never goes stale; the cache is bounded in bytes, with eviction, so
/// arbitrary search URLs cannot grow memory without limit.
#[derive(Clone)]
pub struct PageCache(std::sync::Arc<quick_cache::sync::Cache<CacheKey, Cached, ByteWeighter>>);

type CacheKey = (String, &'static str);

#[derive(Clone)]
pub struct Cached {
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
}

/// Weighs an entry by the bytes it holds, so the bound is on memory.
#[derive(Clone)]
pub struct ByteWeighter;

impl quick_cache::Weighter<CacheKey, Cached> for ByteWeighter {
    fn weight(&self, key: &CacheKey, val: &Cached) -> u64 {
        // Headers are a handful of short values: a flat allowance covers them.
        (key.0.len() + val.body.len() + 512) as u64
    }
}

/// Bytes of responses kept. The ~270 pages a crawl from `/` reaches weigh
/// 2.4 MB uncompressed, so this holds all of them in every encoding, with
/// room for a churn of searches besides.
const PAGE_CACHE_BYTES: u64 = 16 * 1024 * 1024;
/// Largest body cached; larger ones are served but not kept.
const MAX_CACHED_BODY: usize = 512 * 1024;

impl PageCache {
    pub fn new() -> Self {
        PageCache(std::sync::Arc::new(
            quick_cache::sync::Cache::with_weighter(4096, PAGE_CACHE_BYTES, ByteWeighter),
        ))
    }
}

impl Default for PageCache {
    fn default() -> Self {
        Self::new()
    }
}

/// Which encoding the compression layer will choose, as a cache-key part.
fn encoding_class(req: &Request) -> &'static str {
    let accept = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.contains("br") {
        "br"
    } else if accept.contains("gzip") {
        "gzip"
    } else {
        "identity"
    }
}

pub async fn page_cache(
    axum::extract::State(cache): axum::extract::State<PageCache>,
    req: Request,
    next: Next,
) -> Response {
    let cacheable = req.method() == Method::GET && !req.uri().path().starts_with("/static/");
    if !cacheable {
        return next.run(req).await;
    }
    let key = (req.uri().to_string(), encoding_class(&req));
    if let Some(hit) = cache.0.get(&key) {
        let mut res = Response::new(Body::from(hit.body));
        *res.headers_mut() = hit.headers;
        return res;
    }
    let res = next.run(req).await;
    if res.status() != StatusCode::OK {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_TAGGED_BODY).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "response too large").into_response();
    };
    // Tag once here, so a cache hit is not hashed again on every request.
    parts.headers.insert(header::ETAG, tag_of(&bytes));
    if bytes.len() <= MAX_CACHED_BODY {
        cache.0.insert(
            key,
            Cached {
                headers: parts.headers.clone(),
                body: bytes.clone(),
            },
        );
    }
    Response::from_parts(parts, Body::from(bytes))
}
