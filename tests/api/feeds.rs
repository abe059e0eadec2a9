//! Atom feeds of records, per kind and per country.

use crate::helpers::TestApp;

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// The entries' ids (record URLs) of a feed, after checking what RFC 4287
/// requires of a feed and of each entry.
fn entries(xml: &str, self_url: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some(ATOM));
    let child = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children()
            .find(|c| c.is_element() && c.tag_name().name() == name)
            .unwrap_or_else(|| panic!("no <{name}>"))
            .text()
            .unwrap_or("")
            .to_owned()
    };
    assert_eq!(child(feed, "id"), self_url);
    assert!(!child(feed, "title").is_empty());
    let updated = child(feed, "updated");
    assert_eq!(updated.len(), 20, "RFC 3339: {updated}");
    assert!(feed.children().any(|c| c.tag_name().name() == "link"
        && c.attribute("rel") == Some("self")
        && c.attribute("href") == Some(self_url)));
    assert!(feed.children().any(|c| c.tag_name().name() == "author"));
    feed.children()
        .filter(|c| c.tag_name().name() == "entry")
        .map(|e| {
            assert!(!child(e, "title").is_empty());
            assert!(!child(e, "summary").is_empty());
            assert!(child(e, "updated") <= updated);
            child(e, "id")
        })
        .collect()
}

#[tokio::test]
async fn a_feed_per_kind_holds_that_kind() {
    let app = TestApp::new().await;
    for (plural, kind) in [
        ("projects", "project"),
        ("agreements", "agreement"),
        ("people", "person"),
    ] {
        let res = app.get_ok(&format!("/feeds/{plural}.atom")).await;
        assert!(res.content_type().starts_with("application/atom+xml"));
        let ids = entries(
            &res.body,
            &format!("https://kb.example/feeds/{plural}.atom"),
        );
        let list = app.get_ok(&format!("/api/records/{kind}")).await.json();
        let mut expected: Vec<String> = list["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| format!("https://kb.example{}", r["url"].as_str().unwrap()))
            .collect();
        let mut got = ids.clone();
        expected.sort();
        got.sort();
        assert_eq!(got, expected, "{plural}");
    }
    let all = app.get_ok("/feeds/records.atom").await;
    assert!(entries(&all.body, "https://kb.example/feeds/records.atom").len() > 100);
}

#[tokio::test]
async fn a_feed_per_country_holds_what_involves_it() {
    let app = TestApp::new().await;
    let res = app.get_ok("/feeds/countries/kyrgyzstan.atom").await;
    let ids = entries(
        &res.body,
        "https://kb.example/feeds/countries/kyrgyzstan.atom",
    );
    assert!(
        ids.contains(&"https://kb.example/projects/china-kyrgyzstan-uzbekistan-railway".to_owned())
    );
    // Exactly the records that link to the country.
    let country = app.get_ok("/api/records/country/kyrgyzstan").await.json();
    let mut expected: Vec<String> = country["backlinks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| format!("https://kb.example{}", b["url"].as_str().unwrap()))
        .collect();
    expected.sort();
    expected.dedup();
    let mut got = ids;
    got.sort();
    assert_eq!(got, expected);
    app.assert_not_found("/feeds/countries/atlantis.atom").await;
    app.assert_not_found("/feeds/countries/kyrgyzstan.rss")
        .await;
    for url in ["/feeds/nothing.atom", "/feeds/projects.rss"] {
        let res = app.get(url).await;
        assert_eq!(res.status, 404, "{url}");
        assert!(res.body.contains("records.atom"), "{url}: {}", res.body);
    }
}
