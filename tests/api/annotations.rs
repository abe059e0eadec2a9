//! Web annotations: every citation into a source, with selectors that find
//! exactly the cited words however a tool reads them.

use serde_json::Value;

use crate::helpers::{SOURCE, TestApp};

const BASE: &str = "https://kb.example";

fn selector<'a>(a: &'a Value, kind: &str) -> &'a Value {
    a["target"]["selector"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["type"] == kind)
        .unwrap_or_else(|| panic!("no {kind}: {a}"))
}

fn slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

#[tokio::test]
async fn every_citation_is_an_annotation_whose_selectors_find_its_words() {
    let app = TestApp::new().await;
    let res = app.get_ok(&format!("/sources/{SOURCE}/annotations")).await;
    assert!(
        res.content_type().starts_with("application/ld+json"),
        "{}",
        res.content_type()
    );
    assert!(
        res.content_type()
            .contains("http://www.w3.org/ns/anno.jsonld")
    );
    let doc = res.json();
    assert_eq!(doc["@context"], "http://www.w3.org/ns/anno.jsonld");
    assert_eq!(doc["type"], "AnnotationCollection");
    let items = doc["first"]["items"].as_array().unwrap();
    assert_eq!(doc["total"].as_u64().unwrap() as usize, items.len());
    assert_eq!(doc["first"]["type"], "AnnotationPage");

    let source = app.get_ok(&format!("/api/sources/{SOURCE}")).await.json();
    let blocks: Vec<&str> = source["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["text"].as_str().unwrap())
        .collect();
    let whole = blocks.join("\n\n");
    let paragraphs: Vec<&str> = source["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    // As many annotations as citations into the source, from the paragraphs' citers.
    let cited: usize = source["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["cited_by"].as_array().unwrap().len())
        .sum();
    assert_eq!(items.len(), cited);
    let mut ids = std::collections::HashSet::new();
    for a in items {
        assert_eq!(a["type"], "Annotation");
        assert!(
            ids.insert(a["id"].as_str().unwrap().to_owned()),
            "ids unique"
        );
        assert_eq!(a["target"]["source"], format!("{BASE}/sources/{SOURCE}"));
        let quote = selector(a, "TextQuoteSelector");
        let exact = quote["exact"].as_str().unwrap();
        let frag = selector(a, "FragmentSelector");
        let n: usize = frag["value"]
            .as_str()
            .unwrap()
            .strip_prefix('p')
            .unwrap()
            .parse()
            .unwrap();
        let para = paragraphs[n - 1];
        // Within the paragraph, by position.
        let inner = &frag["refinedBy"];
        assert_eq!(inner["type"], "TextPositionSelector");
        let (s, e) = (
            inner["start"].as_u64().unwrap() as usize,
            inner["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(slice(para, s, e), exact);
        // Within the paragraph, by quote: prefix, exact, suffix in a row.
        let context = format!(
            "{}{exact}{}",
            quote["prefix"].as_str().unwrap(),
            quote["suffix"].as_str().unwrap()
        );
        assert!(para.contains(&context), "{context}");
        // Within the whole text, by position.
        let pos = selector(a, "TextPositionSelector");
        let (s, e) = (
            pos["start"].as_u64().unwrap() as usize,
            pos["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(slice(&whole, s, e), exact);
        // The body links the record that rests on these words.
        let record = a["body"][0]["id"].as_str().unwrap();
        assert!(record.starts_with(BASE), "{record}");
        let path = record.strip_prefix(BASE).unwrap();
        let (kind, slug) = path[1..].split_once('/').unwrap();
        let singular = match kind {
            "people" => "person".to_owned(),
            "countries" => "country".to_owned(),
            k => k.trim_end_matches('s').to_owned(),
        };
        let r = app
            .get_ok(&format!("/api/records/{singular}/{slug}"))
            .await
            .json();
        assert!(
            r["citations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["span"] == exact && c["paragraph"] == n as i64),
            "{path} cites {exact}"
        );
        assert_eq!(a["body"][1]["value"], r["summary"]);
        assert_eq!(a["body"][1]["purpose"], "describing");
    }
    app.assert_not_found("/sources/no-such-source/annotations")
        .await;
}
