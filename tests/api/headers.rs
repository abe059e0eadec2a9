//! Headers every answer carries, and conditional requests: the same
//! answers whether or not a page is already in memory.

use axum::http::{Method, StatusCode};

use crate::helpers::{TestApp, assert_secure};

#[tokio::test]
async fn too_long_request_targets_carry_the_security_headers() {
    // Shed requests (503) are checked with the other overloads, in
    // `errors::shed_and_timed_out_requests_keep_their_shape`.
    let app = TestApp::new().await;
    let long = "a".repeat(summitkb::web::MAX_URI_BYTES);
    for uri in [format!("/search?q={long}"), format!("/api/search?q={long}")] {
        let res = app.get(&uri).await;
        assert_eq!(res.status, StatusCode::URI_TOO_LONG);
        assert_secure(&res, "414");
    }
}

#[tokio::test]
async fn a_missing_static_file_gets_the_404_page() {
    let app = TestApp::new().await;
    for uri in ["/static/nope.css", "/static/nope/deeper.js"] {
        app.assert_not_found(uri).await;
        assert_secure(&app.get(uri).await, uri);
    }
}

#[tokio::test]
async fn head_has_the_headers_of_get_whether_or_not_in_memory() {
    let static_v = format!(
        "/static/style.css?v={}",
        summitkb::web::assets::fingerprint(&crate::helpers::repo_path("static"))
    );
    let reference = TestApp::new().await;
    for uri in ["/timeline", "/api/sources", "/projects", &static_v] {
        let page = reference.get_ok(uri).await.bytes;
        assert!(!page.is_empty(), "{uri}");
        let app = TestApp::new().await;
        let cold = app.send(Method::HEAD, uri).await;
        assert_eq!(cold.status, StatusCode::OK, "{uri}");
        assert!(cold.bytes.is_empty(), "{uri}");
        let warm = app.send(Method::HEAD, uri).await;
        assert_eq!(cold.headers, warm.headers, "HEAD {uri}: in memory or not");
        // The HEAD was rendered and kept as its GET: what it left in memory
        // is the whole page, not the empty body a HEAD answer has.
        let get = app.get_ok(uri).await;
        assert!(
            get.bytes == page,
            "GET {uri} after HEAD: the whole page ({} bytes, not {})",
            page.len(),
            get.bytes.len()
        );
        for name in ["etag", "cache-control", "content-type", "vary"] {
            assert_eq!(
                cold.headers.get(name),
                get.headers.get(name),
                "{uri} {name}"
            );
        }
        assert_eq!(
            cold.headers["content-length"],
            get.bytes.len().to_string().as_str(),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn if_none_match_compares_weakly_and_takes_lists_and_star() {
    let tag = TestApp::new().await.get_ok("/timeline").await.headers["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let weak = format!("W/{tag}");
    let list = format!("\"0000\", {weak}, \"ffff\"");
    let cases: [(&[&str], StatusCode); 7] = [
        (&[&tag], StatusCode::NOT_MODIFIED),
        (&[&weak], StatusCode::NOT_MODIFIED),
        (&[&list], StatusCode::NOT_MODIFIED),
        (&["*"], StatusCode::NOT_MODIFIED),
        (&["\"0000\"", &tag], StatusCode::NOT_MODIFIED),
        (&["\"0000\""], StatusCode::OK),
        (&["W/\"0000\", \"ffff\""], StatusCode::OK),
    ];
    for (fields, status) in cases {
        let headers: Vec<(&str, &str)> = fields.iter().map(|f| ("if-none-match", *f)).collect();
        // The first request of a fresh app is answered by a render, the
        // second from memory: both must agree.
        let app = TestApp::new().await;
        for when in ["cold", "warm"] {
            let res = app.get_with("/timeline", &headers).await;
            assert_eq!(res.status, status, "{fields:?} {when}");
            if status == StatusCode::NOT_MODIFIED {
                assert!(res.bytes.is_empty());
                assert_eq!(res.headers["etag"], tag.as_str());
            }
        }
    }
}

#[tokio::test]
async fn ranges_and_dates_get_the_whole_answer_cold_or_warm() {
    let whole = TestApp::new().await.get_ok("/static/style.css").await;
    let modified = whole.headers["last-modified"].to_str().unwrap();
    // A non-matching If-Range (strong, weak, a date) gets no part, and a
    // date is no validator here: answers are revalidated by their tag.
    let cases: [&[(&str, &str)]; 4] = [
        &[("range", "bytes=0-9"), ("if-range", "\"0000\"")],
        &[("range", "bytes=0-9"), ("if-range", "W/\"0000\"")],
        &[
            ("range", "bytes=0-9"),
            ("if-range", "Tue, 01 Jan 2000 00:00:00 GMT"),
        ],
        &[("if-modified-since", modified)],
    ];
    for headers in cases {
        let app = TestApp::new().await;
        for when in ["cold", "warm"] {
            let res = app.get_with("/static/style.css", headers).await;
            assert_eq!(res.status, StatusCode::OK, "{headers:?} {when}");
            assert!(res.bytes == whole.bytes, "{headers:?} {when}: whole");
            assert!(!res.headers.contains_key("content-range"));
        }
    }
}

#[tokio::test]
async fn if_match_compares_strongly_and_fails_with_412_cold_or_warm() {
    let tag = TestApp::new().await.get_ok("/timeline").await.headers["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let weak = format!("W/{tag}");
    let list = format!("\"0000\", {tag}");
    let cases: [(&[(&str, &str)], StatusCode); 7] = [
        (&[("if-match", &tag)], StatusCode::OK),
        (&[("if-match", "*")], StatusCode::OK),
        (&[("if-match", &list)], StatusCode::OK),
        // Strong comparison: a weak tag never matches.
        (&[("if-match", &weak)], StatusCode::PRECONDITION_FAILED),
        (&[("if-match", "\"0000\"")], StatusCode::PRECONDITION_FAILED),
        // If-Match is evaluated first: a failed one is not rescued by a
        // matching If-None-Match ...
        (
            &[("if-match", "\"0000\""), ("if-none-match", &tag)],
            StatusCode::PRECONDITION_FAILED,
        ),
        // ... and a passed one leaves If-None-Match to decide.
        (
            &[("if-match", &tag), ("if-none-match", &tag)],
            StatusCode::NOT_MODIFIED,
        ),
    ];
    for (headers, status) in cases {
        let app = TestApp::new().await;
        for when in ["cold", "warm"] {
            let res = app.get_with("/timeline", headers).await;
            assert_eq!(res.status, status, "{headers:?} {when}");
            if status == StatusCode::PRECONDITION_FAILED {
                assert!(
                    String::from_utf8_lossy(&res.bytes).contains("If-Match"),
                    "{headers:?} {when}: the page says why"
                );
            }
        }
    }
    // Under /api the failure has the JSON error shape.
    let res = TestApp::shared()
        .await
        .get_with("/api/sources", &[("if-match", "\"0000\"")])
        .await;
    assert_eq!(res.status, StatusCode::PRECONDITION_FAILED);
    let body: serde_json::Value = serde_json::from_slice(&res.bytes).unwrap();
    assert!(
        body["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("If-Match")
    );
}

#[tokio::test]
async fn a_refused_coding_varies_by_accept_encoding() {
    let res = TestApp::shared()
        .await
        .get_with("/timeline", &[("accept-encoding", "identity;q=0, *;q=0")])
        .await;
    assert_eq!(res.status, StatusCode::NOT_ACCEPTABLE);
    let vary = res.headers["vary"].to_str().unwrap().to_ascii_lowercase();
    assert!(vary.contains("accept-encoding"), "{vary}");
}
