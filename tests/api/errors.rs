//! Every error keeps the shape of its area: under `/api` the JSON
//! `{"errors":[{"detail": …}]}`, elsewhere the HTML error page, whichever
//! part of the stack gave it (a handler, a method router, the length check,
//! the in-flight bound, the timeout). Panics are covered beside the layers
//! (`web::tests`), where a handler can be made to panic.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{Method, StatusCode};

use crate::helpers::{TestApp, TestResponse, assert_secure};

fn assert_shape(res: &TestResponse, status: StatusCode, uri: &str) {
    assert_eq!(res.status, status, "{uri}: {}", res.body);
    if uri.starts_with("/api") {
        assert!(
            res.content_type().starts_with("application/json"),
            "{uri}: {}",
            res.content_type()
        );
        let json = res.json();
        let errors = json["errors"].as_array().expect("errors");
        assert_eq!(errors.len(), 1, "{uri}");
        let detail = errors[0]["detail"].as_str().expect("detail");
        assert!(!detail.is_empty(), "{uri}");
    } else {
        assert!(res.content_type().starts_with("text/html"), "{uri}");
        assert!(res.body.contains("<html lang=\"zh-Hans\">"), "{uri}");
        assert!(
            res.body.contains(status.as_str()),
            "{uri}: the page names {status}"
        );
    }
}

#[tokio::test]
async fn not_found_wrong_method_and_too_long_keep_their_shape() {
    let app = TestApp::new().await;
    let long = "a".repeat(summitkb::web::MAX_URI_BYTES);
    for (uri, page) in [
        ("/api/nope", "/nope"),
        ("/api/records/project/nope", "/projects/nope"),
    ] {
        assert_shape(&app.get(uri).await, StatusCode::NOT_FOUND, uri);
        assert_shape(&app.get(page).await, StatusCode::NOT_FOUND, page);
    }
    for (uri, page) in [
        ("/api/sources", "/sources"),
        ("/api/search?q=x", "/search?q=x"),
    ] {
        for method in [Method::POST, Method::DELETE] {
            let res = app.send(method.clone(), uri).await;
            assert_shape(&res, StatusCode::METHOD_NOT_ALLOWED, uri);
            assert!(
                res.headers["allow"].to_str().unwrap().contains("GET"),
                "{uri}"
            );
            let res = app.send(method, page).await;
            assert_shape(&res, StatusCode::METHOD_NOT_ALLOWED, page);
        }
    }
    for uri in [format!("/api/search?q={long}"), format!("/search?q={long}")] {
        assert_shape(&app.get(&uri).await, StatusCode::URI_TOO_LONG, &uri[..12]);
    }
}

#[tokio::test]
async fn shed_and_timed_out_requests_keep_their_shape() {
    let app = Arc::new(
        TestApp::with_limits(summitkb::web::Limits {
            max_in_flight: 1,
            request_timeout: Duration::from_millis(1500),
        })
        .await,
    );
    // The lock holds every read, so the one request in flight stays there
    // until its time is up.
    let lock = app.lock_database().await;
    let held = {
        let app = app.clone();
        tokio::spawn(async move { app.get("/api/records/project").await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    for uri in ["/api/sources", "/timeline"] {
        let res = app.get(uri).await;
        assert_shape(&res, StatusCode::SERVICE_UNAVAILABLE, uri);
        assert_eq!(res.headers["retry-after"], "1", "{uri}");
        assert_secure(&res, uri);
    }
    let res = held.await.unwrap();
    assert_shape(
        &res,
        StatusCode::SERVICE_UNAVAILABLE,
        "/api/records/project",
    );
    let res = app.get("/projects").await;
    assert_shape(&res, StatusCode::SERVICE_UNAVAILABLE, "/projects");
    drop(lock);
    app.get_ok("/timeline").await;
}
