//! Bounds on work: the in-flight limit is one bound for the whole server,
//! not one per route.

use std::time::Duration;

use axum::http::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn the_in_flight_bound_is_one_for_the_whole_server() {
    let app = std::sync::Arc::new(
        TestApp::with_limits(summitkb::web::Limits {
            max_in_flight: 2,
            request_timeout: Duration::from_secs(30),
        })
        .await,
    );
    // Reads wait while the lock is held, so these two requests, to two
    // different routes, stay in flight.
    let mut lock = app.lock_database().await;
    let held: Vec<_> = ["/api/records/project", "/projects"]
        .into_iter()
        .map(|uri| {
            let app = app.clone();
            tokio::spawn(async move { app.get(uri).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Two more routes, neither yet asked: each is shed at once.
    for uri in ["/timeline", "/api/sources"] {
        let res = app.get(uri).await;
        assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{uri}");
        assert_eq!(res.headers["retry-after"], "1", "{uri}");
    }
    use sqlx::Connection;
    sqlx::query("ROLLBACK").execute(&mut lock).await.unwrap();
    lock.close().await.unwrap();
    for h in held {
        let res = h.await.unwrap();
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    // With the two answered, the bound has room again.
    app.get_ok("/timeline").await;
}
