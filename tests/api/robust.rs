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
