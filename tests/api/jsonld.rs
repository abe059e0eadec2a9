//! schema.org JSON-LD on every page, checked against what the page and the
//! API say. (The browser suite also expands it with a JSON-LD processor.)

use serde_json::Value;

use crate::helpers::{SOURCE, TestApp};

const BASE: &str = "https://kb.example";

/// The page's one JSON-LD block, parsed; `None` if it has none.
fn jsonld(html: &str) -> Option<Value> {
    let open = "<script type=\"application/ld+json\">";
    let at = html.find(open)? + open.len();
    let end = at + html[at..].find("</script>").unwrap();
    assert_eq!(html.matches(open).count(), 1, "one JSON-LD block");
    let text = &html[at..end];
    assert!(!text.contains('<'), "raw < in a script");
    Some(serde_json::from_str(text).expect("JSON-LD parses as JSON"))
}

#[tokio::test]
async fn every_record_is_described_as_its_schema_org_type() {
    let app = TestApp::new().await;
    for (kind, schema) in [
        ("agreement", "Legislation"),
        ("project", "Thing"),
        ("initiative", "Thing"),
        ("event", "Event"),
        ("figure", "Thing"),
        ("quote", "Quotation"),
        ("person", "Person"),
        ("country", "Country"),
        ("organization", "Organization"),
    ] {
        let list = app.get_ok(&format!("/api/records/{kind}")).await.json();
        for r in list["records"].as_array().unwrap() {
            let url = r["url"].as_str().unwrap();
            let api = app
                .get_ok(&format!(
                    "/api/records/{kind}/{}",
                    r["slug"].as_str().unwrap()
                ))
                .await
                .json();
            let ld = jsonld(&app.get_ok(url).await.body).expect("a record has JSON-LD");
            assert_eq!(ld["@context"], "https://schema.org");
            assert_eq!(ld["@type"], schema, "{url}");
            assert_eq!(ld["@id"], format!("{BASE}{url}"));
            assert_eq!(ld["name"], api["title"], "{url}");
            assert_eq!(ld["description"], api["summary"], "{url}");
            if let Some(en) = api["english"].as_str() {
                assert!(
                    ld["alternateName"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|a| a == en),
                    "{url}"
                );
            }
            let spans: Vec<&Value> = api["citations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| &c["span"])
                .collect();
            let quoted: Vec<&Value> = ld["citation"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    assert_eq!(c["@type"], "Quotation");
                    &c["text"]
                })
                .collect();
            assert_eq!(quoted, spans, "{url}");
            if kind == "quote" {
                assert_eq!(ld["text"], api["fields"]["words"], "{url}");
            }
            if kind == "agreement"
                && let Some(form) = api["fields"]["form"].as_str()
            {
                assert_eq!(ld["legislationType"], form);
            }
            if kind == "person"
                && let Some(role) = api["fields"]["role"].as_str()
            {
                assert_eq!(ld["jobTitle"], role);
            }
        }
    }
}

#[tokio::test]
async fn sources_paragraphs_lists_and_the_site_have_theirs() {
    let app = TestApp::new().await;
    let source = app.get_ok(&format!("/api/sources/{SOURCE}")).await.json();
    let ld = jsonld(&app.get_ok(&format!("/sources/{SOURCE}")).await.body).unwrap();
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], source["title"]);
    assert_eq!(ld["alternativeHeadline"], source["subtitle"]);
    assert_eq!(ld["datePublished"], "2025-06-18");
    assert_eq!(ld["publisher"]["name"], "新华社");
    let ld = jsonld(&app.get_ok(&format!("/sources/{SOURCE}/p/7")).await.body).unwrap();
    assert_eq!(ld["@type"], "CreativeWork");
    assert_eq!(ld["text"], source["paragraphs"][6]["text"]);
    assert_eq!(ld["isPartOf"]["@id"], format!("{BASE}/sources/{SOURCE}"));

    let list = app.get_ok("/api/records/project").await.json();
    let ld = jsonld(&app.get_ok("/projects").await.body).unwrap();
    assert_eq!(ld["@type"], "ItemList");
    let names: Vec<&Value> = ld["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["name"])
        .collect();
    let titles: Vec<&Value> = list["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["title"])
        .collect();
    assert_eq!(names, titles);

    // The site as a Dataset, listing downloads that answer.
    let ld = jsonld(&app.get_ok("/").await.body).unwrap();
    assert_eq!(ld["@type"], "Dataset");
    let version = app.get_ok("/healthz").await.body;
    assert_eq!(ld["version"], version.trim().strip_prefix("ok ").unwrap());
    assert_eq!(
        ld["license"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
    super::export::assert_licence(ld["usageInfo"].as_str().unwrap(), "Dataset");
    let downloads = ld["distribution"].as_array().unwrap();
    assert!(downloads.len() >= 29, "{}", downloads.len());
    for d in downloads {
        assert_eq!(d["@type"], "DataDownload");
        let url = d["contentUrl"].as_str().unwrap();
        let res = app.get_ok(url.strip_prefix(BASE).unwrap()).await;
        let media = d["encodingFormat"].as_str().unwrap();
        assert!(
            res.content_type().starts_with(media),
            "{url}: {}",
            res.content_type()
        );
    }

    for (url, t) in [
        ("/map", "WebPage"),
        ("/timeline", "WebPage"),
        ("/search?q=%E9%93%81%E8%B7%AF", "WebPage"),
        ("/sources", "ItemList"),
    ] {
        assert_eq!(
            jsonld(&app.get_ok(url).await.body).unwrap()["@type"],
            t,
            "{url}"
        );
    }
    // An error page describes nothing.
    assert!(jsonld(&app.get("/no-such-page").await.body).is_none());
}
