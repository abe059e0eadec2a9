//! A real database file and the real router, driven without a socket.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

pub fn seeds_dir() -> PathBuf {
    repo_path("seeds")
}

/// Copies a directory tree, for tests that edit a copy of the seeds.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

pub struct TestApp {
    pub router: summitkb::App,
    pub db: PathBuf,
    _dir: tempfile::TempDir,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body as text (lossily, for compressed bodies see `bytes`).
    pub body: String,
    pub bytes: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| {
            panic!("not JSON ({e}): {}", &self.body[..self.body.len().min(300)])
        })
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl TestApp {
    /// A fresh database file with the real seeds imported.
    pub async fn new() -> TestApp {
        TestApp::with_seeds(&seeds_dir()).await
    }

    /// A fresh database file with the seeds in `seeds` imported.
    pub async fn with_seeds(seeds: &Path) -> TestApp {
        TestApp::build(seeds, &summitkb::web::Limits::default()).await
    }

    /// The real seeds repeated `factor` times under new slugs
    /// (`SeedSet::scaled`), for corpora larger than the real one.
    pub async fn scaled(factor: usize) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("kb.sqlite");
        let set = summitkb::seeds::load(&seeds_dir())
            .expect("the seeds load")
            .scaled(factor);
        let pool = summitkb::db::open_writable(&db).await.expect("db opens");
        summitkb::db::import(&pool, &set)
            .await
            .expect("the corpus imports");
        pool.close().await;
        TestApp::serve(dir, db, &summitkb::web::Limits::default()).await
    }

    /// The real seeds, served with other bounds on requests in flight.
    pub async fn with_limits(limits: summitkb::web::Limits) -> TestApp {
        TestApp::build(&seeds_dir(), &limits).await
    }

    async fn build(seeds: &Path, limits: &summitkb::web::Limits) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("kb.sqlite");
        summitkb::prepare_database(&db, seeds)
            .await
            .expect("the seeds import");
        TestApp::serve(dir, db, limits).await
    }

    /// The app over the database `db`, which lives in `dir`.
    async fn serve(dir: tempfile::TempDir, db: PathBuf, limits: &summitkb::web::Limits) -> TestApp {
        let router =
            summitkb::build_app_with(&db, "https://kb.example", &repo_path("static"), limits)
                .await
                .expect("app builds");
        TestApp {
            router,
            db,
            _dir: dir,
        }
    }

    /// One app shared by the cases of a property test, built on first use.
    pub async fn shared() -> &'static TestApp {
        static APP: tokio::sync::OnceCell<TestApp> = tokio::sync::OnceCell::const_new();
        APP.get_or_init(TestApp::new).await
    }

    pub async fn request(&self, req: Request<Body>) -> TestResponse {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    /// Holds the database's exclusive lock until the returned connection
    /// commits or drops: every read waits meanwhile (up to the pool's busy
    /// timeout), so requests that read stay in flight.
    pub async fn lock_database(&self) -> sqlx::SqliteConnection {
        use sqlx::Connection;
        let url = format!("sqlite://{}", self.db.display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("opens");
        sqlx::query("BEGIN EXCLUSIVE")
            .execute(&mut conn)
            .await
            .expect("locks");
        conn
    }

    /// A request with `method` and no body.
    pub async fn send(&self, method: axum::http::Method, uri: &str) -> TestResponse {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::empty())
            .expect("valid request");
        self.request(req).await
    }

    pub async fn get(&self, uri: &str) -> TestResponse {
        let req = Request::builder()
            .uri(uri)
            .body(Body::empty())
            .expect("valid request");
        self.request(req).await
    }

    /// A GET with the given headers (a name may come more than once).
    pub async fn get_with(&self, uri: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut req = Request::builder().uri(uri);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        self.request(req.body(Body::empty()).expect("valid request"))
            .await
    }

    pub async fn get_ok(&self, uri: &str) -> TestResponse {
        let res = self.get(uri).await;
        assert_eq!(
            res.status,
            StatusCode::OK,
            "GET {uri}: {}",
            &res.body[..res.body.len().min(500)]
        );
        res
    }

    pub async fn assert_not_found(&self, uri: &str) {
        let res = self.get(uri).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "GET {uri} should be 404");
        if uri.starts_with("/api/") {
            assert!(
                res.content_type().starts_with("application/json"),
                "{uri}: {}",
                res.content_type()
            );
            assert!(res.json()["errors"][0]["detail"].is_string());
        } else {
            assert!(res.content_type().starts_with("text/html"), "{uri}");
            assert!(
                res.body.contains("未找到"),
                "{uri} should show the 404 page"
            );
        }
    }
}

/// Asserts the security headers every answer carries.
pub fn assert_secure(res: &TestResponse, what: &str) {
    let csp = res.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{what}");
    assert_eq!(res.headers["x-content-type-options"], "nosniff", "{what}");
    assert!(res.headers.contains_key("referrer-policy"), "{what}");
}

/// Percent-encodes a query value.
pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub const SOURCE: &str = "wang-yi-2025-china-central-asia-summit";
