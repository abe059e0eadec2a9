//! Generated paths and query strings through the real router: never a 5xx.

use crate::helpers::TestApp;
use proptest::prelude::*;

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("sources".to_owned()),
        Just("wang-yi-2025-china-central-asia-summit".to_owned()),
        Just("p".to_owned()),
        Just("api".to_owned()),
        Just("records".to_owned()),
        Just("projects".to_owned()),
        Just("static".to_owned()),
        Just("..".to_owned()),
        Just("%00".to_owned()),
        Just("%FF%FE".to_owned()),
        Just("%2e%2e".to_owned()),
        "[0-9]{1,12}",
        "-?[0-9]{1,3}",
        "[a-z\\-]{0,12}",
        "(%[0-9A-Fa-f]{2}){1,6}",
        "[\\PC&&[^/?#%]]{0,8}",
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "(q|kind|country|from|x)=[a-z0-9%+&=]{0,20}",
        "q=(%[0-9A-Fa-f]{2}){0,10}&kind=[a-z]{0,10}&country=[a-z%]{0,10}",
        "[\\PC&&[^#]]{0,30}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn no_path_or_query_makes_a_server_error(segs in prop::collection::vec(segment(), 0..5), q in query()) {
        let mut uri = format!("/{}", segs.join("/"));
        if !q.is_empty() {
            uri.push('?');
            uri.push_str(&q.replace(' ', "+"));
        }
        let Ok(parsed) = uri.parse::<axum::http::Uri>() else { return Ok(()) };
        let rt = tokio::runtime::Runtime::new().unwrap();
        let status = rt.block_on(async {
            let req = axum::http::Request::builder().uri(parsed).body(axum::body::Body::empty()).unwrap();
            TestApp::shared().await.request(req).await.status
        });
        prop_assert!(!status.is_server_error(), "{uri} -> {status}");
    }
}

/// A snapshot built by an older summitkb (a migration short) is refused when
/// served read-only, with what to do, instead of failing search by search.
#[tokio::test]
async fn an_older_snapshot_is_refused_whole_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kb.sqlite");
    summitkb::prepare_database(&db, &crate::helpers::seeds_dir())
        .await
        .expect("the seeds import");
    let pool = summitkb::db::open_writable(&db).await.unwrap();
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let err = summitkb::db::open_read_only(&db)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("built by an older summitkb"), "{err}");
    assert!(err.contains("summitkb import --db"), "{err}");
    assert!(err.contains(&db.display().to_string()), "{err}");
}
