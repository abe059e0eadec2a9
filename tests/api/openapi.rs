//! The OpenAPI document: valid OpenAPI 3.1 by a real validator, naming
//! every route the API has, and describing the answers it really gives;
//! and the `/api` page, whose examples are those real answers.

use std::collections::{BTreeSet, HashSet};

use serde_json::{Value, json};

use crate::api_v1::{links_in, root};
use crate::helpers::{TestApp, enc, repo_path};

async fn document(app: &TestApp) -> Value {
    let root_url = root(app).await;
    let root = app.get_ok(&root_url).await.json();
    app.get_ok(root["openapi_url"].as_str().unwrap())
        .await
        .json()
}

fn errors_of(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[tokio::test]
async fn the_document_is_valid_openapi_3_1() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let meta: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_path("tests/openapi/oas-3.1-schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&meta).expect("the meta-schema compiles");
    assert_eq!(errors_of(&validator, &doc), Vec::<String>::new());
    // The OpenAPI meta-schema leaves schemas to JSON Schema: each is a valid
    // JSON Schema 2020-12.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert!(schemas.len() > 20, "{} schemas", schemas.len());
    for (name, schema) in schemas {
        if let Err(e) = jsonschema::draft202012::meta::validate(schema) {
            panic!("{name}: {e}");
        }
    }
    // And the validator is not a rubber stamp.
    let mut broken = doc.clone();
    broken["paths"]["/api/v1/sources"]["get"]["responses"] = json!("none");
    assert!(!errors_of(&validator, &broken).is_empty());
}

#[tokio::test]
async fn every_route_is_in_the_document_and_nothing_else() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    let documented: BTreeSet<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    let routed: BTreeSet<String> = summitkb::web::api_paths().into_iter().collect();
    assert_eq!(documented, routed);
    // Each documented path answers (with its parameters filled in from
    // real data), under /api/v1 and, for resources, under /api too.
    for path in &documented {
        let url = path
            .replace("{slug}", crate::helpers::SOURCE)
            .replace("{n}", "1")
            .replace("{name}", "links.json");
        let url = if path.contains("{kind}") {
            let kinded = url.replace("{kind}", "projects");
            kinded.replace(
                &format!("projects/{}", crate::helpers::SOURCE),
                "projects/china-kyrgyzstan-uzbekistan-railway",
            )
        } else {
            url
        };
        app.get_ok(&url).await;
        if let Some(rest) = url.strip_prefix("/api/v1/") {
            app.get_ok(&format!("/api/{rest}")).await;
        }
    }
}

/// Every `.route(` in the crate's source that names an `/api` path, as
/// `file: line`.
fn api_routes_in(dir: &std::path::Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            api_routes_in(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            // Unit tests build routers of their own.
            let text = text.split("#[cfg(test)]").next().unwrap();
            // A call may break its line after `.route(`.
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for (i, _) in flat.match_indices(".route(") {
                let args = &flat[i + ".route(".len()..];
                let first = args.split(',').next().unwrap_or("");
                if first.contains("\"/api")
                    || first.contains("PREFIX")
                    || first.contains("{PREFIX}")
                {
                    out.push(format!("{}: {first}", path.display()));
                }
            }
        }
    }
}

#[test]
fn no_api_route_is_added_outside_the_endpoint_table() {
    // The router and the document are both built from `api::endpoints`; a
    // route under /api added anywhere else would be served undocumented.
    // Only the table's loop and the two redirects and the JSON 404 route
    // under /api by hand.
    let mut found = Vec::new();
    api_routes_in(&repo_path("src"), &mut found);
    let api = repo_path("src/web/api/mod.rs").display().to_string();
    let allowed = [
        format!("{api}: \"/api/\""),
        format!("{api}: \"/api/v1/\""),
        format!("{api}: \"/api/{{*rest}}\""),
        format!("{api}: &format!(\"/api{{rest}}\")"),
        format!("{api}: &e.path"),
        // `/en`, the English edition's bare prefix (redirected to `/en/`).
        format!(
            "{}:  lang::EN_PREFIX",
            repo_path("src/web/mod.rs").display()
        ),
    ];
    let stray: Vec<&String> = found.iter().filter(|f| !allowed.contains(f)).collect();
    assert!(
        stray.is_empty(),
        "routes under /api outside the table: {stray:?}"
    );
    assert!(
        found.len() >= 4,
        "the scan finds the table's own routes: {found:?}"
    );
}

/// Validates `item` against the document's schema `name` (the full item,
/// where a list also allows its `fields=` form).
fn check_component(doc: &Value, name: &str, item: &Value) {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{name}"),
        "components": doc["components"].clone(),
    });
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    assert_eq!(
        errors_of(&validator, item),
        Vec::<String>::new(),
        "{name}: {item}"
    );
}

/// The path template of the document that `url` answers under.
fn template_of<'a>(doc: &'a Value, url: &str) -> &'a str {
    let path = url.split('?').next().unwrap();
    let segs: Vec<&str> = path.split('/').collect();
    doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .find(|t| {
            let ts: Vec<&str> = t.split('/').collect();
            ts.len() == segs.len()
                && ts
                    .iter()
                    .zip(&segs)
                    .all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}')))
        })
        .unwrap_or_else(|| panic!("no documented path for {url}"))
}

/// Validates `answer`, given with `status` for `url`, against the schema
/// the document gives that path and status.
fn check_answer(doc: &Value, url: &str, status: u16, answer: &Value) {
    let template = template_of(doc, url);
    let response = &doc["paths"][template]["get"]["responses"][status.to_string()];
    let schema = &response["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{url}: no schema for {status} at {template}"
    );
    let mut wrapper = schema.clone();
    wrapper["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    wrapper["components"] = doc["components"].clone();
    let validator = jsonschema::validator_for(&wrapper).expect("the schema compiles");
    assert_eq!(
        errors_of(&validator, answer),
        Vec::<String>::new(),
        "{url} ({status}) against {template}"
    );
}

#[tokio::test]
async fn real_answers_validate_against_the_document() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    // Everything reachable from the root by links, every kind of answer.
    let mut queue = vec![root(&app).await];
    let mut seen = HashSet::new();
    let mut templates = BTreeSet::new();
    while let Some(url) = queue.pop() {
        if !seen.insert(url.clone()) || url.ends_with("/openapi.json") {
            continue;
        }
        let res = app.get_ok(&url).await;
        let answer = res.json();
        check_answer(&doc, &url, 200, &answer);
        templates.insert(template_of(&doc, &url).to_owned());
        if !url.contains("/search?") {
            links_in(&answer, &mut queue);
        }
    }
    // Searches and suggestions of every shape: records, paragraphs, errata,
    // nothing found, filters.
    for url in [
        format!("/api/v1/search?q={}", enc("铁路")),
        format!("/api/v1/search?q={}", enc("忆及")),
        format!("/api/v1/search?q={}&kind=paragraphs", enc("峰")),
        format!("/api/v1/search?q={}", enc("中吉铁路线")),
        "/api/v1/search".to_owned(),
        "/api/v1/suggest?q=zjw".to_owned(),
        "/api/v1/suggest".to_owned(),
        "/api/v1/records/projects?limit=3".to_owned(),
        "/api/v1/records/projects?limit=3&fields=title,summary_en".to_owned(),
        format!(
            "/api/v1/search?q={}&fields=title,snippet_en_text",
            enc("铁路")
        ),
        "/api/v1/search?q=railway".to_owned(),
        "/api/v1/commitments?limit=3&fields=said_by".to_owned(),
        "/api/v1/export".to_owned(),
        "/api/v1/export/links.json".to_owned(),
        "/api/v1/export/projects.json".to_owned(),
        format!("/api/v1/export/search.json?q={}", enc("铁路")),
    ] {
        let answer = app.get_ok(&url).await.json();
        check_answer(&doc, &url, 200, &answer);
        templates.insert(template_of(&doc, &url).to_owned());
    }
    // Without `fields=`, every item of a list is the full item.
    for (url, list, item) in [
        (
            "/api/v1/records/projects?limit=200",
            "records",
            "RecordListItem",
        ),
        ("/api/v1/commitments", "commitments", "CommitmentAnswer"),
        ("/api/v1/search?q=railway", "results", "SearchResultAnswer"),
    ] {
        let answer = app.get_ok(url).await.json();
        for i in answer[list].as_array().unwrap() {
            check_component(&doc, item, i);
        }
    }
    // The check is not a rubber stamp: a field the document does not
    // describe, or one of the wrong type, fails it.
    let url = "/api/v1/records/projects?limit=1";
    let mut answer = app.get_ok(url).await.json();
    answer["records"][0]["undocumented"] = json!(1);
    assert!(std::panic::catch_unwind(|| check_answer(&doc, url, 200, &answer)).is_err());
    let mut answer = app.get_ok(url).await.json();
    answer["records"][0]["summary_en_basis"] = json!("ours");
    assert!(std::panic::catch_unwind(|| check_answer(&doc, url, 200, &answer)).is_err());
    let mut answer = app.get_ok(url).await.json();
    answer["record_count"] = json!("19");
    assert!(std::panic::catch_unwind(|| check_answer(&doc, url, 200, &answer)).is_err());
    // Errors, in the shape the document gives them.
    for (url, status) in [
        ("/api/v1/search?kind=nope&country=nope&x=1", 400),
        ("/api/v1/records/projects?limit=0&cursor=zz", 400),
        ("/api/v1/sources?limit=300", 400),
        ("/api/v1/records/nope", 404),
        ("/api/v1/records/projects/nope", 404),
        ("/api/v1/sources/nope", 404),
        (
            "/api/v1/sources/wang-yi-2025-china-central-asia-summit/p/99",
            404,
        ),
        ("/api/v1/suggest?q=a&q=b", 400),
        ("/api/v1/commitments?fields=nope", 400),
        ("/api/v1/records/projects?fields=nope", 400),
        ("/api/v1/export/nothing.csv", 404),
        ("/api/v1/export/search.json", 400),
    ] {
        let res = app.get(url).await;
        assert_eq!(res.status.as_u16(), status, "{url}");
        check_answer(&doc, url, status, &res.json());
    }
    // Every JSON path was checked.
    for path in summitkb::web::api_paths() {
        if path != "/api" && !path.ends_with("openapi.json") {
            assert!(templates.contains(&path), "{path} not checked");
        }
    }
}

/// Whether `shown` is `real` cut as the page cuts it: lists to their first
/// items, long strings to a prefix and an ellipsis, all else equal.
fn is_cut_of(shown: &Value, real: &Value) -> bool {
    match (shown, real) {
        (Value::Array(s), Value::Array(r)) => {
            s.len() <= r.len() && s.iter().zip(r).all(|(s, r)| is_cut_of(s, r))
        }
        (Value::Object(s), Value::Object(r)) => {
            s.len() == r.len()
                && s.iter()
                    .all(|(k, v)| r.get(k).is_some_and(|rv| is_cut_of(v, rv)))
        }
        (Value::String(s), Value::String(r)) => {
            s == r || s.strip_suffix('…').is_some_and(|p| r.starts_with(p))
        }
        (s, r) => s == r,
    }
}

fn unescape_html(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&lt;", "<")
        .replace("&#62;", ">")
        .replace("&gt;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// The examples of the page: (request, answer shown).
fn examples(page: &str, class: &str, request_mark: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for chunk in page.split(request_mark).skip(1) {
        let url = unescape_html(chunk.split('<').next().unwrap());
        let answer = chunk
            .split(&format!("<pre class=\"{class}\" tabindex=\"0\"><code>"))
            .nth(1)
            .and_then(|a| a.split("</code></pre>").next())
            .expect("each example has its answer");
        out.push((
            url,
            serde_json::from_str(&unescape_html(answer)).expect("the answer shown is JSON"),
        ));
    }
    out
}

#[tokio::test]
async fn the_api_page_lists_every_endpoint_with_a_real_example() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    let page = app.get_ok("/api").await.body;
    for path in doc["paths"].as_object().unwrap().keys() {
        assert!(
            page.contains(&format!("<code>GET {}</code></h3>", path)),
            "{path} is not on the page"
        );
    }
    let shown = examples(&page, "example-answer", "<a class=\"example\" href=\"");
    // Every JSON endpoint but the document itself has its example.
    assert_eq!(shown.len(), doc["paths"].as_object().unwrap().len() - 2);
    for (url, answer) in &shown {
        let url = url.split('"').next().unwrap();
        let real = app.get_ok(url).await.json();
        assert!(is_cut_of(answer, &real), "{url}: the page shows {answer}");
    }
    let errors = examples(&page, "error-answer", "<code class=\"error-request\">GET ");
    assert!(errors.len() >= 2);
    for (url, answer) in &errors {
        let real = app.get(url).await;
        assert_eq!(real.status, 400, "{url}");
        assert!(is_cut_of(answer, &real.json()), "{url}");
        assert!(answer["errors"][0]["parameter"].is_string());
    }
}
