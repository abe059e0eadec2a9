//! Content codings and the answer cache: whatever a client sends in
//! `Accept-Encoding`, it gets the page in a coding it accepts, and what one
//! client was sent is never sent to another that does not accept it.

use std::io::Read;

use axum::http::StatusCode;

use crate::helpers::{TestApp, TestResponse, repo_path};

/// `Accept-Encoding` as clients send it: one entry per header field.
const TABLE: &[&[&str]] = &[
    &[],
    &[""],
    &["gzip"],
    &["GZIP"],
    &["Br"],
    &["x-gzip"],
    &["*"],
    &["*;q=0.5"],
    &["br;q=0, *"],
    &["br;q=0.5, gzip;q=0.9"],
    &["GZIP;Q=0.8, BR;q=0.1"],
    &["gzip;q=0"],
    &["br;q=0, gzip;q=0"],
    &["identity"],
    &["identity;q=0"],
    &["gzip, identity;q=0"],
    &["*;q=0"],
    &["*;q=0, identity"],
    &["gzip, deflate, br, zstd"],
    &["deflate, zstd"],
    &["garbage;;q=x, , br;q=1.5, gzip;q=0.x"],
    &["gzip", "br"],
    &["br;q=0", "gzip"],
];

/// RFC 9110 §12.5.3, written out plainly: whether a client sending
/// `fields` accepts an answer in `coding`. No header at all asks for none.
fn accepts(fields: &[&str], coding: &str) -> bool {
    if fields.is_empty() {
        return coding == "identity";
    }
    let mut listed: Vec<(String, f64)> = Vec::new();
    for element in fields.iter().flat_map(|f| f.split(',')) {
        let mut parts = element.split(';').map(str::trim);
        let name = parts.next().unwrap_or("").to_ascii_lowercase();
        let name = if name == "x-gzip" {
            "gzip".to_owned()
        } else {
            name
        };
        let mut q = Some(1.0);
        for p in parts {
            if let Some(v) = p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")) {
                q = v
                    .parse::<f64>()
                    .ok()
                    .filter(|q| (0.0..=1.0).contains(q) && !v.starts_with('.'));
            }
        }
        if let Some(q) = q.filter(|_| !name.is_empty()) {
            listed.push((name, q));
        }
    }
    let q_of = |name: &str| {
        listed
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, q)| *q)
            .reduce(f64::min)
    };
    match (q_of(coding), q_of("*")) {
        (Some(q), _) => q > 0.0,
        (None, Some(q)) => q > 0.0,
        (None, None) => coding == "identity",
    }
}

fn coding_of(res: &TestResponse) -> &str {
    res.headers
        .get("content-encoding")
        .map(|v| v.to_str().unwrap())
        .unwrap_or("identity")
}

fn decode(res: &TestResponse) -> Vec<u8> {
    let mut out = Vec::new();
    match coding_of(res) {
        "identity" => out.extend_from_slice(&res.bytes),
        "gzip" => {
            flate2::read::GzDecoder::new(&res.bytes[..])
                .read_to_end(&mut out)
                .expect("valid gzip");
        }
        "br" => {
            brotli::Decompressor::new(&res.bytes[..], 4096)
                .read_to_end(&mut out)
                .expect("valid brotli");
        }
        other => panic!("a coding this server does not send: {other}"),
    }
    out
}

fn urls() -> Vec<String> {
    let v = summitkb::web::assets::fingerprint(&repo_path("static"));
    vec![
        "/timeline".to_owned(),
        "/api/sources".to_owned(),
        format!("/static/app.js?v={v}"),
        "/static/style.css".to_owned(),
        "/healthz".to_owned(),
    ]
}

/// One answer to `fields` for `uri`, checked against the identity `page`.
async fn check(app: &TestApp, uri: &str, fields: &[&str], page: &[u8], when: &str) {
    let headers: Vec<(&str, &str)> = fields.iter().map(|f| ("accept-encoding", *f)).collect();
    let res = app.get_with(uri, &headers).await;
    let satisfiable = ["br", "gzip", "identity"]
        .iter()
        .any(|c| accepts(fields, c));
    if !satisfiable {
        assert_eq!(
            res.status,
            StatusCode::NOT_ACCEPTABLE,
            "{uri} {fields:?} {when}"
        );
        return;
    }
    assert_eq!(res.status, StatusCode::OK, "{uri} {fields:?} {when}");
    assert!(
        accepts(fields, coding_of(&res)),
        "{uri} {fields:?} {when}: sent {} to a client that does not accept it",
        coding_of(&res)
    );
    assert!(
        decode(&res) == page,
        "{uri} {fields:?} {when}: another page"
    );
    let vary = res.headers["vary"].to_str().unwrap().to_ascii_lowercase();
    assert!(vary.contains("accept-encoding"), "{uri} {fields:?}: {vary}");
}

#[tokio::test]
async fn every_client_gets_the_same_page_in_a_coding_it_accepts() {
    let reference = TestApp::new().await;
    let mut pages = Vec::new();
    for uri in urls() {
        let res = reference.get_ok(&uri).await;
        assert_eq!(coding_of(&res), "identity", "{uri}");
        pages.push((uri, res.bytes));
    }
    for fields in TABLE {
        // Cold: this client's request is the first for each URL; then a
        // client that sends no Accept-Encoding, then this one again, warm.
        let app = TestApp::new().await;
        for (uri, page) in &pages {
            check(&app, uri, fields, page, "cold").await;
            check(&app, uri, &[], page, "after it").await;
            check(&app, uri, fields, page, "warm").await;
        }
    }
    // Every client in turn on one app, twice over.
    let app = TestApp::new().await;
    for round in ["first round", "second round"] {
        for fields in TABLE {
            for (uri, page) in &pages {
                check(&app, uri, fields, page, round).await;
            }
        }
    }
}

#[test]
fn the_oracle_follows_the_rfc() {
    assert!(accepts(&[], "identity") && !accepts(&[], "gzip"));
    assert!(accepts(&["GZIP"], "gzip") && accepts(&["x-gzip"], "gzip"));
    assert!(accepts(&["*"], "br") && !accepts(&["*;q=0"], "identity"));
    assert!(!accepts(&["br;q=0, *"], "br") && accepts(&["br;q=0, *"], "gzip"));
    assert!(!accepts(&["identity;q=0"], "identity") && !accepts(&["identity;q=0"], "gzip"));
    assert!(accepts(&["gzip"], "identity"));
}
