//! HTTP caching, in the outermost layer of the stack.
//!
//! The data changes only when the seeds do, and a server never changes its
//! data while it runs, so every `200` answer to a `GET` is a pure function of
//! the request target and the coding negotiated ([`super::negotiate`],
//! which also decides for the compressor inside). The first answer is
//! rendered by the full stack, tagged with a strong `ETag` over its bytes and
//! kept; every later one is written from memory before any other layer runs
//! (no routing, tracing span, timeout or database), which is what lets a page
//! be served about as fast as nginx serves a file. `If-None-Match` gets `304`,
//! and two replicas built from the same seeds send the same bytes and tags.
//! An answer marked `Cache-Control: no-store` is passed on and never kept.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use sha2::{Digest, Sha256};
use tower::{Layer, Service};

use super::negotiate::{Coding, list_elements, negotiate};
use super::sendfile::FileBacked;

/// Largest body tagged; bigger ones (on today's data none; a list or
/// download of a corpus a thousand times larger) pass through untagged.
const MAX_TAGGED_BODY: usize = 4 * 1024 * 1024;
/// Largest body cached; larger ones are tagged and served but not kept.
const MAX_CACHED_BODY: usize = 512 * 1024;
/// Bytes of responses kept. The ~270 pages a crawl from `/` reaches weigh
/// 2.4 MB uncompressed, so this holds all of them in every encoding, with
/// room for a churn of searches besides.
const PAGE_CACHE_BYTES: u64 = 16 * 1024 * 1024;

/// Pages may be reused for five minutes, then revalidated by `ETag`.
const PAGE_CACHE_CONTROL: &str = "public, max-age=300, must-revalidate";
/// A static file asked for by its fingerprint (`?v=`) never changes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const STATIC_CACHE_CONTROL: &str = "public, max-age=3600";

/// The strong tag of a body: the first 16 hex digits of its SHA-256.
fn tag_of(bytes: &[u8]) -> HeaderValue {
    let tag = format!("\"{}\"", crate::hex::hex_prefix(&Sha256::digest(bytes), 16));
    HeaderValue::from_str(&tag).expect("hex digits in quotes are a valid header value")
}

/// What an answer is kept under: the request target and the coding it was
/// sent in (its `Content-Encoding`), so it is only ever sent again to
/// clients whose negotiation chose that coding.
#[derive(Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    target: Box<str>,
    coding: Coding,
}

/// A [`CacheKey`] borrowed from the request, so a lookup allocates nothing.
/// Hashes as the key does: its fields in the same order, `&str` as `Box<str>`.
#[derive(Hash)]
struct KeyRef<'a> {
    target: &'a str,
    coding: Coding,
}

impl quick_cache::Equivalent<CacheKey> for KeyRef<'_> {
    fn equivalent(&self, key: &CacheKey) -> bool {
        *key.target == *self.target && key.coding == self.coding
    }
}

/// A finished answer: every header the stack set (security headers, type,
/// encoding, `Vary`, `ETag`, `Cache-Control`) and the body bytes. Shared, so
/// a hit takes a reference, not a copy of every header.
struct Cached {
    headers: HeaderMap,
    body: Bytes,
    /// A large body's twin for `sendfile`, unregistered when evicted.
    _file: Option<Arc<FileBacked>>,
}

/// Weighs an entry by the bytes it holds, so the bound is on memory.
#[derive(Clone)]
struct ByteWeighter;

impl quick_cache::Weighter<CacheKey, Arc<Cached>> for ByteWeighter {
    fn weight(&self, key: &CacheKey, val: &Arc<Cached>) -> u64 {
        // Headers are a handful of short values: a flat allowance covers them.
        (key.target.len() + val.body.len() + 512) as u64
    }
}

/// Answers kept in memory, bounded in bytes with eviction, so arbitrary
/// search URLs cannot grow memory without limit.
#[derive(Clone)]
struct PageCache(
    Arc<quick_cache::sync::Cache<CacheKey, Arc<Cached>, ByteWeighter>>,
    super::sendfile::Budget,
);

impl PageCache {
    fn new() -> Self {
        PageCache(
            Arc::new(quick_cache::sync::Cache::with_weighter(
                4096,
                PAGE_CACHE_BYTES,
                ByteWeighter,
            )),
            super::sendfile::Budget::default(),
        )
    }
}

/// Whether the client already has the answer tagged `tag`: whether any
/// field of its `If-None-Match` is `*` or lists the tag, compared weakly as
/// RFC 9110 §13.1.2 asks for this header (`W/"x"` matches `"x"`).
fn not_modified<'a>(
    if_none_match: impl IntoIterator<Item = &'a HeaderValue>,
    tag: Option<&HeaderValue>,
) -> bool {
    let Some(tag) = tag.and_then(|t| t.to_str().ok()) else {
        return false;
    };
    fn opaque(t: &str) -> &str {
        t.strip_prefix("W/").unwrap_or(t)
    }
    let tag = opaque(tag);
    list_elements(if_none_match).any(|t| t == "*" || opaque(t) == tag)
}

/// Whether an `If-Match` (RFC 9110 §13.1.1) lets the request proceed: no
/// such field, `*` (the page exists), or a tag equal to `tag` by the strong
/// comparison this header asks for (`W/"x"` never matches).
fn matches_if_match<'a>(
    if_match: impl IntoIterator<Item = &'a HeaderValue>,
    tag: Option<&HeaderValue>,
) -> bool {
    let mut fields = if_match.into_iter().peekable();
    if fields.peek().is_none() {
        return true;
    }
    let tag = tag.and_then(|t| t.to_str().ok());
    list_elements(fields).any(|t| t == "*" || Some(t) == tag)
}

/// What the conditional headers of a request make of an answer tagged
/// `tag`, evaluated in RFC 9110's order (§13.2.2): `If-Match` first, then
/// `If-None-Match`. `If-Unmodified-Since` and `If-Modified-Since` need a
/// modification date, which pages do not have; they are ignored, as §13.1.4
/// and §13.1.3 allow for a representation without one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Condition {
    Whole,
    NotModified,
    Failed,
}

fn condition<'a>(
    if_match: impl IntoIterator<Item = &'a HeaderValue>,
    if_none_match: impl IntoIterator<Item = &'a HeaderValue>,
    tag: Option<&HeaderValue>,
) -> Condition {
    if !matches_if_match(if_match, tag) {
        Condition::Failed
    } else if not_modified(if_none_match, tag) {
        Condition::NotModified
    } else {
        Condition::Whole
    }
}

/// The answer to send from stored headers and body: `304` if the client has
/// these bytes, no body for `HEAD` (but the same headers as for `GET`).
fn respond(headers: &HeaderMap, body: &Bytes, not_modified: bool, head: bool) -> Response {
    if not_modified {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::NOT_MODIFIED;
        // With the CORS headers, so another origin may read the 304 of an
        // answer it may read (the Fetch standard checks the 304 itself).
        for name in [
            header::ETAG,
            header::CACHE_CONTROL,
            header::VARY,
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
        ] {
            if let Some(v) = headers.get(&name) {
                res.headers_mut().insert(name, v.clone());
            }
        }
        return res;
    }
    let mut res = Response::new(if head {
        Body::empty()
    } else {
        Body::from(body.clone())
    });
    *res.headers_mut() = headers.clone();
    if head {
        res.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    }
    res
}

/// How the application answers an error `status` for a request to `path`,
/// for the errors this layer answers itself (`406`, an answer too large).
pub type ErrorPage = fn(StatusCode, &str) -> Response;

/// The layer; see the module documentation.
#[derive(Clone)]
pub struct CacheLayer {
    cache: PageCache,
    /// The fingerprint that makes a static URL immutable.
    asset_version: Arc<str>,
    error_page: ErrorPage,
}

impl CacheLayer {
    pub fn new(asset_version: &str, error_page: ErrorPage) -> Self {
        CacheLayer {
            cache: PageCache::new(),
            asset_version: Arc::from(asset_version),
            error_page,
        }
    }
}

/// Leaves the compressor inside one choice, the coding negotiated here.
fn normalise_accept_encoding(req: &mut Request, coding: Coding) {
    req.headers_mut()
        .insert(header::ACCEPT_ENCODING, coding.as_accept_encoding());
}

/// Whether the application said this answer must not be kept (RFC 9111
/// §5.2.2.5): an answer that must be computed afresh every time, such as a
/// health check, whose whole point is to look at the database.
fn no_store(headers: &HeaderMap) -> bool {
    lists(headers, header::CACHE_CONTROL, "no-store")
}

/// Whether the comma-separated header `name` has the element `token`
/// (letter case aside), in any of its fields.
fn lists(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    list_elements(&headers.get_all(name)).any(|d| d.eq_ignore_ascii_case(token))
}

/// Whether `Vary` already names `Accept-Encoding`.
fn varies_by_coding(headers: &HeaderMap) -> bool {
    lists(headers, header::VARY, "accept-encoding")
}

impl<S> Layer<S> for CacheLayer {
    type Service = CacheService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CacheService {
            inner,
            layer: self.clone(),
            render_on: None,
        }
    }
}

#[derive(Clone)]
pub struct CacheService<S> {
    inner: S,
    layer: CacheLayer,
    /// Where answers not in memory are rendered; `None`: where asked.
    render_on: Option<tokio::runtime::Handle>,
}

impl<S> CacheService<S> {
    /// Renders every answer not served from memory on `runtime` instead of
    /// the connection's own. The server answers from memory on one
    /// single-threaded runtime per core; a render or search can take
    /// milliseconds, and on a work-stealing runtime it neither holds up the
    /// other connections of its thread nor leaves the other cores idle.
    pub fn render_on(mut self, runtime: tokio::runtime::Handle) -> Self {
        self.render_on = Some(runtime);
        self
    }

    /// Runs `answer`, to a request for `path`, where answers are rendered
    /// (see [`Self::render_on`]).
    fn rendered<F>(
        &self,
        path: &str,
        answer: F,
    ) -> Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>
    where
        F: Future<Output = Result<Response, Infallible>> + Send + 'static,
    {
        let Some(runtime) = &self.render_on else {
            return Box::pin(answer);
        };
        let task = runtime.spawn(answer);
        let (error_page, path) = (self.layer.error_page, path.to_owned());
        Box::pin(async move {
            // Only a runtime shutting down cancels the task (a panic in a
            // handler is already a 500 page).
            task.await
                .unwrap_or_else(|_| Ok(error_page(StatusCode::SERVICE_UNAVAILABLE, &path)))
        })
    }
}

impl<S> Service<Request> for CacheService<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        let coding = negotiate(req.headers());
        let head = req.method() == Method::HEAD;
        if !(head || req.method() == Method::GET) {
            normalise_accept_encoding(&mut req, coding.unwrap_or(Coding::Identity));
            let path = req.uri().path().to_owned();
            let answer = self.inner.call(req);
            return self.rendered(&path, answer);
        }
        let Some(coding) = coding else {
            let mut refused = (self.layer.error_page)(StatusCode::NOT_ACCEPTABLE, req.uri().path());
            // The refusal depends on `Accept-Encoding` as much as a page does,
            // and a shared cache must not give it to other clients.
            refused
                .headers_mut()
                .append(header::VARY, HeaderValue::from_static("accept-encoding"));
            return Box::pin(std::future::ready(Ok(refused)));
        };
        let target = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        if let Some(hit) = self.layer.cache.0.get(&KeyRef { target, coding }) {
            // The clock is read only for the log line: with the request log
            // off, a hit is a few microseconds in all, and two clock reads
            // were a measurable part of them.
            let started = tracing::enabled!(tracing::Level::INFO).then(Instant::now);
            let res = match condition(
                req.headers().get_all(header::IF_MATCH),
                req.headers().get_all(header::IF_NONE_MATCH),
                hit.headers.get(header::ETAG),
            ) {
                Condition::Failed => {
                    (self.layer.error_page)(StatusCode::PRECONDITION_FAILED, req.uri().path())
                }
                c => respond(&hit.headers, &hit.body, c == Condition::NotModified, head),
            };
            if let Some(started) = started {
                tracing::info!(
                    method = %req.method(),
                    uri = %req.uri(),
                    status = res.status().as_u16(),
                    latency = ?started.elapsed(),
                    "served from memory"
                );
            }
            return Box::pin(std::future::ready(Ok(res)));
        }
        let target: Box<str> = target.into();
        let conditions =
            |name| -> Vec<HeaderValue> { req.headers().get_all(name).iter().cloned().collect() };
        let (if_match, if_none_match) = (
            conditions(header::IF_MATCH),
            conditions(header::IF_NONE_MATCH),
        );
        normalise_accept_encoding(&mut req, coding);
        // A hit answers whole, by `If-None-Match` alone, so a miss must too,
        // or the answer would depend on the cache: the file server would
        // otherwise honour `Range` (or a non-matching `If-Range`) with 206
        // and `If-Modified-Since` with 304 on a first request only.
        for name in [
            header::RANGE,
            header::IF_RANGE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::IF_MODIFIED_SINCE,
            header::IF_UNMODIFIED_SINCE,
        ] {
            req.headers_mut().remove(name);
        }
        // A HEAD not yet in memory is rendered as the GET it stands for and
        // kept, so it has the GET's headers and tells nothing of the cache.
        *req.method_mut() = Method::GET;

        let cache_control = if req.uri().path().starts_with("/static/") {
            let fingerprinted = req
                .uri()
                .query()
                .and_then(|q| q.strip_prefix("v="))
                .is_some_and(|v| v == &*self.layer.asset_version);
            if fingerprinted {
                IMMUTABLE
            } else {
                STATIC_CACHE_CONTROL
            }
        } else {
            PAGE_CACHE_CONTROL
        };
        // Take the service that was polled ready; leave a clone in its place.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let cache = self.layer.cache.clone();
        let error_page = self.layer.error_page;
        let path = req.uri().path().to_owned();
        let shown = path.clone();
        self.rendered(&shown, async move {
            let res = inner.call(req).await?;
            if res.status() != StatusCode::OK {
                return Ok(if head {
                    res.map(|_| Body::empty())
                } else {
                    res
                });
            }
            let (mut parts, body) = res.into_parts();
            // Every body here was built in memory whole (pages, JSON, the
            // snapshot file read by its handler), so collecting it costs
            // no more memory than it already holds.
            let Ok(bytes) = to_bytes(body, usize::MAX).await else {
                return Ok(error_page(StatusCode::INTERNAL_SERVER_ERROR, &path));
            };
            if !varies_by_coding(&parts.headers) {
                parts
                    .headers
                    .append(header::VARY, HeaderValue::from_static("accept-encoding"));
            }
            parts
                .headers
                .entry(header::CACHE_CONTROL)
                .or_insert(HeaderValue::from_static(cache_control));
            if bytes.len() > MAX_TAGGED_BODY {
                // Too large to hash per miss or keep: sent as it came.
                return Ok(if head {
                    Response::from_parts(parts, Body::empty())
                } else {
                    Response::from_parts(parts, Body::from(bytes))
                });
            }
            parts.headers.insert(header::ETAG, tag_of(&bytes));
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.remove(header::ACCEPT_RANGES);
            // Kept under the coding actually sent; the compressor had no
            // other choice than `coding`, but it is the response that counts.
            let sent = Coding::of_response(&parts.headers);
            let keep = bytes.len() <= MAX_CACHED_BODY && !no_store(&parts.headers);
            if let Some(coding) = sent.filter(|_| keep) {
                cache.0.insert(
                    CacheKey { target, coding },
                    Arc::new(Cached {
                        headers: parts.headers.clone(),
                        body: bytes.clone(),
                        _file: FileBacked::new(&bytes, &cache.1).map(Arc::new),
                    }),
                );
            }
            Ok(
                match condition(&if_match, &if_none_match, parts.headers.get(header::ETAG)) {
                    Condition::Failed => error_page(StatusCode::PRECONDITION_FAILED, &path),
                    c => respond(&parts.headers, &bytes, c == Condition::NotModified, head),
                },
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use axum::body::Body;
    use axum::response::IntoResponse;
    use tower::ServiceExt;

    use super::*;

    /// `inner` behind the cache, rendering on `render`, and the
    /// single-threaded runtime a worker would answer from.
    fn cached<S>(
        inner: S,
        render: &tokio::runtime::Runtime,
    ) -> (CacheService<S>, tokio::runtime::Runtime) {
        let app = CacheLayer::new("v1", |status, _| status.into_response())
            .layer(inner)
            .render_on(render.handle().clone());
        let io = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        (app, io)
    }

    #[test]
    fn misses_render_on_the_render_runtime_and_hits_never_reach_it() {
        let render = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("render")
            .build()
            .unwrap();
        let rendered_on = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&rendered_on);
        let inner = tower::service_fn(move |_req: Request| {
            let seen = Arc::clone(&seen);
            async move {
                let thread = std::thread::current().name().unwrap_or("").to_owned();
                seen.lock().unwrap().push(thread);
                Ok::<_, Infallible>(Response::new(Body::from("page")))
            }
        });
        let (app, io) = cached(inner, &render);
        for _ in 0..3 {
            let res = io
                .block_on(app.clone().oneshot(Request::new(Body::empty())))
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            assert!(res.headers().contains_key(header::ETAG));
        }
        assert_eq!(
            *rendered_on.lock().unwrap(),
            ["render"],
            "rendered once, there"
        );
    }

    /// A body over the tagging bound was answered 500 (a corpus 1000 times
    /// today's has a home page that large); it is sent whole, untagged.
    #[test]
    fn a_body_too_large_to_tag_is_sent_whole_untagged_and_not_kept() {
        let render = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        let renders = Arc::new(Mutex::new(0));
        let counted = Arc::clone(&renders);
        let big = "页".repeat(MAX_TAGGED_BODY / 3 + 1);
        let page = big.clone();
        let inner = tower::service_fn(move |_req: Request| {
            *counted.lock().unwrap() += 1;
            let page = page.clone();
            async move { Ok::<_, Infallible>(Response::new(Body::from(page))) }
        });
        let (app, io) = cached(inner, &render);
        for _ in 0..2 {
            let res = io
                .block_on(app.clone().oneshot(Request::new(Body::empty())))
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            assert!(!res.headers().contains_key(header::ETAG));
            let body = io.block_on(to_bytes(res.into_body(), usize::MAX)).unwrap();
            assert!(body.len() > MAX_TAGGED_BODY);
            assert!(body == big.as_bytes(), "the body arrives whole");
        }
        assert_eq!(*renders.lock().unwrap(), 2, "not kept: rendered each time");
    }

    #[test]
    fn a_render_cut_short_by_shutdown_is_answered_by_the_application() {
        let render = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        let handle = render.handle().clone();
        drop(render);
        let inner = tower::service_fn(|_req: Request| async {
            Ok::<_, Infallible>(Response::new(Body::from("page")))
        });
        let error_page: ErrorPage = |status, path| {
            let mut res = status.into_response();
            res.headers_mut()
                .insert("x-path", HeaderValue::from_str(path).unwrap());
            res
        };
        let app = CacheLayer::new("v1", error_page)
            .layer(inner)
            .render_on(handle);
        let io = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let req = Request::builder()
            .uri("/api/x")
            .body(Body::empty())
            .unwrap();
        let res = io.block_on(app.oneshot(req)).unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(res.headers()["x-path"], "/api/x");
    }
}
