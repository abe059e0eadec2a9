//! The JSON API as a script uses it: found from `/api` and walked by its
//! links alone, strict about its input, paginated, readable from other
//! origins, the same under `/api/v1` and `/api`.

use axum::http::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{SOURCE, TestApp, TestResponse, enc};

/// The URL a `Link` header gives for `rel`.
pub fn link_rel(res: &TestResponse, rel: &str) -> Option<String> {
    let header = res.headers.get("link")?.to_str().ok()?.to_owned();
    header.split(',').find_map(|part| {
        let (url, params) = part.trim().split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim() == format!("rel=\"{rel}\""))
            .then(|| url.trim().trim_matches(['<', '>']).to_owned())
    })
}

/// The API root, found from `/api` by the link its answer names.
pub async fn root(app: &TestApp) -> String {
    let page = app.get_ok("/api").await;
    assert!(page.content_type().starts_with("text/html"));
    link_rel(&page, "alternate").expect("/api names the JSON root in its Link header")
}

/// Every `api_url` and `next` in an answer.
pub fn links_in(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) if k.ends_with("api_url") || k == "next" => {
                        out.push(s.clone())
                    }
                    _ => links_in(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| links_in(v, out)),
        _ => {}
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}"))
}

#[tokio::test]
async fn a_client_walks_from_api_to_a_citation_and_back_by_links_alone() {
    let app = TestApp::new().await;
    let root_url = root(&app).await;
    let root = app.get_ok(&root_url).await.json();
    assert_eq!(root["api_version"], "v1");
    assert!(!str_of(&root, "data_version").is_empty());
    // The projects, by the kind the root lists.
    let projects = root["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "project")
        .expect("the root lists projects");
    let list = app.get_ok(str_of(projects, "api_url")).await.json();
    assert_eq!(list["kind"], "project");
    let first = &list["records"][0];
    // A record, its first citation, the paragraph it cites.
    let record = app.get_ok(str_of(first, "api_url")).await.json();
    assert_eq!(record["slug"], first["slug"]);
    assert_eq!(
        record["fields"], first["fields"],
        "the list gives the fields"
    );
    let citation = &record["citations"][0];
    let paragraph = app.get_ok(str_of(citation, "api_url")).await.json();
    assert_eq!(paragraph["n"], citation["paragraph"]);
    assert_eq!(paragraph["source"]["slug"], citation["source"]);
    // The cited words are in the paragraph where the offsets say.
    let chars: Vec<char> = str_of(&paragraph, "text").chars().collect();
    let (s, e) = (
        citation["span_start"].as_u64().unwrap() as usize,
        citation["span_end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        chars[s..e].iter().collect::<String>(),
        str_of(citation, "span")
    );
    // And back: the paragraph names the record among those citing it.
    let back = paragraph["cited_by"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == record["slug"] && c["span"] == citation["span"])
        .expect("the paragraph names the citing record");
    let again = app.get_ok(str_of(back, "api_url")).await.json();
    assert_eq!(again, record);
    // The paragraph's source lists it at the same address, and the record
    // leads back to its list.
    let source = app
        .get_ok(str_of(&paragraph["source"], "api_url"))
        .await
        .json();
    assert!(
        source["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["api_url"] == paragraph["api_url"])
    );
    assert_eq!(
        app.get_ok(str_of(&record, "list_api_url")).await.json(),
        list
    );
    // Neighbours link to each other.
    if let Some(next) = paragraph["next"].as_object() {
        let next = app.get_ok(next["api_url"].as_str().unwrap()).await.json();
        assert_eq!(next["previous"]["api_url"], paragraph["api_url"]);
    }
}

#[tokio::test]
async fn every_api_url_in_every_answer_answers() {
    let app = TestApp::new().await;
    let mut queue = vec![root(&app).await];
    let mut seen = std::collections::HashSet::new();
    while let Some(url) = queue.pop() {
        if !seen.insert(url.clone()) {
            continue;
        }
        let res = app.get(&url).await;
        assert_eq!(res.status, StatusCode::OK, "{url}: {}", res.body);
        assert!(res.content_type().starts_with("application/json"), "{url}");
        // Search facets lead to ever more searches: one level is enough.
        if url.contains("/search?") {
            continue;
        }
        let mut found = Vec::new();
        links_in(&res.json(), &mut found);
        for link in found {
            assert!(link.starts_with("/api/v1"), "{url} names {link}");
            queue.push(link);
        }
    }
    // Every record, paragraph and source was reached.
    let records = seen.iter().filter(|u| u.matches('/').count() == 5).count();
    assert!(records > 100, "{records} records reached");
    assert!(seen.contains(&format!("/api/v1/sources/{SOURCE}/p/18")));
}

#[tokio::test]
async fn api_and_api_slash_answer() {
    let app = TestApp::new().await;
    let page = app.get_ok("/api").await;
    assert!(page.body.contains("/api/v1/openapi.json"));
    for (from, to) in [("/api/", "/api"), ("/api/v1/", "/api/v1")] {
        let res = app.get(from).await;
        assert_eq!(res.status, StatusCode::PERMANENT_REDIRECT, "{from}");
        assert_eq!(res.headers["location"], to, "{from}");
    }
    // The footer of every page links to it.
    for uri in ["/", "/projects", &format!("/sources/{SOURCE}/p/1"), "/api"] {
        let body = app.get_ok(uri).await.body;
        assert!(body.contains("<a href=\"/api\">JSON API</a>"), "{uri}");
    }
}

#[tokio::test]
async fn unversioned_paths_answer_as_v1_and_kinds_take_both_forms() {
    let app = TestApp::new().await;
    let railway = "china-kyrgyzstan-uzbekistan-railway";
    let same = [
        vec!["/api/v1/sources".to_owned(), "/api/sources".to_owned()],
        vec![
            format!("/api/v1/records/projects/{railway}"),
            format!("/api/v1/records/project/{railway}"),
            format!("/api/records/project/{railway}"),
            format!("/api/records/projects/{railway}"),
        ],
        vec![
            "/api/v1/records/people".to_owned(),
            "/api/v1/records/person".to_owned(),
            "/api/records/person".to_owned(),
        ],
        vec![
            format!("/api/v1/sources/{SOURCE}/p/10"),
            format!("/api/sources/{SOURCE}/p/10"),
        ],
        vec![
            format!("/api/v1/search?q={}&kind=projects", enc("铁路")),
            format!("/api/v1/search?q={}&kind=project", enc("铁路")),
            format!("/api/search?q={}&kind=project", enc("铁路")),
        ],
    ];
    for urls in same {
        let first = app.get_ok(&urls[0]).await.body;
        for url in &urls[1..] {
            assert_eq!(app.get_ok(url).await.body, first, "{url} vs {}", urls[0]);
        }
    }
    let r = app
        .get_ok(&format!("/api/records/project/{railway}"))
        .await
        .json();
    assert_eq!(r["kind"], "project");
    assert_eq!(r["api_url"], format!("/api/v1/records/projects/{railway}"));
    assert_eq!(r["url"], format!("/projects/{railway}"));
}

#[tokio::test]
async fn paragraph_answers_one_paragraph_with_its_citations() {
    let app = TestApp::new().await;
    let p = app
        .get_ok(&format!("/api/v1/sources/{SOURCE}/p/10"))
        .await
        .json();
    let whole = app
        .get_ok(&format!("/api/v1/sources/{SOURCE}"))
        .await
        .json();
    let tenth = &whole["paragraphs"][9];
    assert_eq!(p["n"], 10);
    assert_eq!(p["text"], tenth["text"]);
    assert_eq!(p["cited_by"], tenth["cited_by"]);
    assert_eq!(p["url"], format!("/sources/{SOURCE}/p/10"));
    assert_eq!(p["source"]["paragraph_count"], 18);
    assert_eq!(p["previous"]["n"], 9);
    assert_eq!(p["next"]["n"], 11);
    assert!(str_of(&p, "citation").ends_with(&format!("https://kb.example/sources/{SOURCE}/p/10")));
    assert!(
        p["cited_by"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["slug"] == "china-kyrgyzstan-uzbekistan-railway")
    );
    let first = app
        .get_ok(&format!("/api/v1/sources/{SOURCE}/p/1"))
        .await
        .json();
    assert!(first["previous"].is_null());
    let last = app
        .get_ok(&format!("/api/v1/sources/{SOURCE}/p/18"))
        .await
        .json();
    assert!(last["next"].is_null());
    for n in ["0", "19", "007", "abc", "-1"] {
        let res = app.get(&format!("/api/v1/sources/{SOURCE}/p/{n}")).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{n}");
        let e = &res.json()["errors"][0];
        assert_eq!(e["parameter"], "n", "{n}");
        assert!(str_of(e, "detail").contains("1 to 18"), "{n}");
    }
}

#[tokio::test]
async fn numbers_are_counts_and_lists_are_plural() {
    let app = TestApp::new().await;
    let list = app.get_ok("/api/v1/sources").await.json();
    let s = &list["sources"][0];
    assert_eq!(s["paragraph_count"], 18);
    assert!(s.get("paragraphs").is_none());
    let whole = app.get_ok(str_of(s, "api_url")).await.json();
    assert_eq!(whole["paragraph_count"], 18);
    assert_eq!(whole["paragraphs"].as_array().unwrap().len(), 18);
}

/// Follows `next` from `first` to the end: every item, and the pages.
async fn walk(app: &TestApp, first: &str, key: &str) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut url = Some(first.to_owned());
    let mut pages = 0;
    while let Some(u) = url {
        let res = app.get_ok(&u).await;
        let j = res.json();
        pages += 1;
        items.extend(j[key].as_array().unwrap().iter().cloned());
        url = j["next"].as_str().map(str::to_owned);
        assert_eq!(link_rel(&res, "next"), url, "{u}: Link and next agree");
        assert!(pages < 100, "no end");
    }
    (items, pages)
}

#[tokio::test]
async fn lists_page_by_limit_and_cursor_and_give_each_records_fields() {
    let app = TestApp::new().await;
    let (all, pages) = walk(&app, "/api/v1/records/projects?limit=200", "records").await;
    assert_eq!(pages, 1);
    let (paged, pages) = walk(&app, "/api/v1/records/projects?limit=4", "records").await;
    assert_eq!(
        paged, all,
        "pages of 4 hold the same records in the same order"
    );
    assert_eq!(pages, all.len().div_ceil(4));
    let head = app.get_ok("/api/v1/records/projects?limit=4").await.json();
    assert_eq!(head["record_count"].as_u64().unwrap() as usize, all.len());
    assert_eq!(head["records"].as_array().unwrap().len(), 4);
    // The default page holds every project (fewer than 50).
    let default = app.get_ok("/api/v1/records/projects").await;
    assert!(default.headers.get("link").is_none());
    assert!(default.json()["next"].is_null());
    // Each item carries what its own answer has: fields, links, citations.
    for item in &all {
        let r = app.get_ok(str_of(item, "api_url")).await.json();
        assert_eq!(item["fields"], r["fields"]);
        assert_eq!(item["links"], r["links"], "{}", item["slug"]);
        assert_eq!(item["citations"], r["citations"]);
        assert_eq!(item["summary"], r["summary"]);
    }
    let countries: Vec<&Value> = all
        .iter()
        .flat_map(|r| r["links"].as_array().unwrap())
        .filter(|l| l["role"] == "countries")
        .collect();
    assert!(!countries.is_empty(), "project lists name their countries");
    // Sources page the same way.
    let (sources, _) = walk(&app, "/api/v1/sources?limit=1", "sources").await;
    assert_eq!(sources.len(), 1);
}

/// The one error of a 400 answer, naming `parameter`.
async fn refused(app: &TestApp, url: &str, parameter: &str) -> String {
    let res = app.get(url).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{url}: {}", res.body);
    assert!(res.content_type().starts_with("application/json"));
    let j = res.json();
    let errors = j["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{url}: {errors:?}");
    assert_eq!(errors[0]["parameter"], parameter, "{url}");
    str_of(&errors[0], "detail").to_owned()
}

#[tokio::test]
async fn an_unknown_kind_filter_is_refused_naming_the_kinds() {
    let app = TestApp::new().await;
    let d = refused(
        &app,
        &format!("/api/v1/search?q={}&kind=railways", enc("铁路")),
        "kind",
    )
    .await;
    assert!(d.contains("\"railways\"") && d.contains("projects") && d.contains("paragraphs"));
}

#[tokio::test]
async fn an_unknown_country_is_refused_naming_the_countries() {
    let app = TestApp::new().await;
    let d = refused(
        &app,
        &format!("/api/v1/search?q={}&country=Kazakhstan", enc("铁路")),
        "country",
    )
    .await;
    assert!(d.contains("\"Kazakhstan\"") && d.contains("kazakhstan") && d.contains("uzbekistan"));
    // A real country filters.
    let kz = app
        .get_ok(&format!(
            "/api/v1/search?q={}&country=kazakhstan",
            enc("铁路")
        ))
        .await
        .json();
    assert_eq!(kz["country"], "kazakhstan");
}

#[tokio::test]
async fn an_unknown_parameter_is_refused_naming_the_parameters() {
    let app = TestApp::new().await;
    let d = refused(&app, "/api/v1/search?q=x&sort=title", "sort").await;
    assert!(d.contains("q, kind, country"), "{d}");
    let d = refused(&app, "/api/v1/records/projects?page=2", "page").await;
    assert!(d.contains("limit, cursor"), "{d}");
    let d = refused(
        &app,
        &format!("/api/v1/sources/{SOURCE}?fields=x"),
        "fields",
    )
    .await;
    assert!(d.contains("no parameters"), "{d}");
    refused(&app, "/api/v1?x=1", "x").await;
    refused(&app, "/api/suggest?query=zj", "query").await;
}

#[tokio::test]
async fn a_parameter_given_twice_is_refused() {
    let app = TestApp::new().await;
    let d = refused(&app, "/api/v1/search?q=a&q=b", "q").await;
    assert!(d.contains("more than once"));
}

#[tokio::test]
async fn a_malformed_cursor_is_refused() {
    let app = TestApp::new().await;
    for cursor in ["zz", "abc", "not-a-cursor", "%FF"] {
        let d = refused(
            &app,
            &format!("/api/v1/records/projects?cursor={cursor}"),
            "cursor",
        )
        .await;
        assert!(d.contains("without") || d.contains("leave it out"), "{d}");
    }
    // A real cursor of this list works; one from other data is refused.
    let first = app.get_ok("/api/v1/records/projects?limit=2").await.json();
    app.get_ok(str_of(&first, "next")).await;
    let version = str_of(&first, "data_version");
    let other: String = format!("v1.{version}x.2")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect();
    let d = refused(
        &app,
        &format!("/api/v1/records/projects?cursor={other}"),
        "cursor",
    )
    .await;
    assert!(d.contains("data version"), "{d}");
}

#[tokio::test]
async fn a_limit_above_the_maximum_or_not_a_number_is_refused() {
    let app = TestApp::new().await;
    let d = refused(&app, "/api/v1/records/projects?limit=201", "limit").await;
    assert!(d.contains("maximum") && d.contains("1 to 200"), "{d}");
    for bad in ["0", "-1", "ten", "1e3"] {
        refused(
            &app,
            &format!("/api/v1/records/projects?limit={bad}"),
            "limit",
        )
        .await;
    }
    refused(&app, "/api/v1/sources?limit=1000", "limit").await;
}

#[tokio::test]
async fn every_problem_is_listed_at_once() {
    let app = TestApp::new().await;
    let res = app
        .get("/api/v1/search?q=x&kind=railways&country=Kazakhstan&sort=1")
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let named: Vec<String> = res.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["parameter"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(named, ["sort", "kind", "country"]);
}

#[tokio::test]
async fn an_unknown_kind_in_a_path_is_not_found_naming_the_kinds() {
    let app = TestApp::new().await;
    for url in ["/api/v1/records/railways", "/api/v1/records/railways/x"] {
        let res = app.get(url).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{url}");
        let e = &res.json()["errors"][0];
        assert_eq!(e["parameter"], "kind");
        assert!(str_of(e, "detail").contains("organizations"), "{url}");
    }
}

#[tokio::test]
async fn search_gives_plain_snippets_with_match_offsets() {
    let app = TestApp::new().await;
    for q in ["铁路", "鐵路", "Tokayev", "忆及"] {
        let j = app
            .get_ok(&format!("/api/v1/search?q={}", enc(q)))
            .await
            .json();
        let results = j["results"].as_array().unwrap();
        assert!(!results.is_empty(), "{q}");
        for r in results {
            let text = str_of(r, "snippet_text");
            assert!(!text.contains('<') || !r["snippet"].as_str().unwrap().contains("<mark><"));
            assert!(!text.contains("[sic"), "{q}: notes are dropped: {text}");
            // The plain text is a window of what the snippet was cut from.
            let whole = if r["kind"] == "paragraph" {
                let p = app.get_ok(str_of(r, "api_url")).await.json();
                str_of(&p, "text").to_owned()
            } else {
                let rec = app.get_ok(str_of(r, "api_url")).await.json();
                str_of(&rec, "summary").to_owned()
            };
            assert!(
                whole.contains(text.trim_matches('…')),
                "{q}: {text:?} is not in {whole:?}"
            );
            let chars: Vec<char> = text.chars().collect();
            for m in r["snippet_matches"].as_array().unwrap() {
                let (s, e) = (
                    m["start"].as_u64().unwrap() as usize,
                    m["end"].as_u64().unwrap() as usize,
                );
                let found: String = chars[s..e].iter().collect();
                let want = match q {
                    "鐵路" => "铁路",
                    other => other,
                };
                assert!(
                    found.eq_ignore_ascii_case(want),
                    "{q}: the match at {s}..{e} of {text:?} is {found:?}"
                );
            }
        }
    }
    // Where the summary matches, the offsets say where.
    let j = app
        .get_ok(&format!("/api/v1/search?q={}&kind=projects", enc("铁路")))
        .await
        .json();
    assert!(
        j["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| !r["snippet_matches"].as_array().unwrap().is_empty())
    );
}

#[tokio::test]
async fn any_origin_may_read_and_the_cache_keeps_that_right() {
    let app = TestApp::new().await;
    let url = "/api/v1/sources";
    // First from one origin (rendered and kept), then from another and from
    // none (from memory): the same header for all, since it is `*`.
    for origin in [Some("https://a.example"), Some("https://b.example"), None] {
        let headers: Vec<(&str, &str)> = origin.map(|o| ("origin", o)).into_iter().collect();
        let res = app.get_with(url, &headers).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(
            res.headers["access-control-allow-origin"], "*",
            "{origin:?}"
        );
        let exposed = res.headers["access-control-expose-headers"]
            .to_str()
            .unwrap();
        assert!(exposed.contains("Link") && exposed.contains("ETag"));
        assert!(
            res.headers
                .get("access-control-allow-credentials")
                .is_none()
        );
    }
    // Errors are readable too, including those the cache layer answers.
    for (uri, fields, status) in [
        ("/api/v1/records/nope", vec![], StatusCode::NOT_FOUND),
        ("/api/v1/search?kind=nope", vec![], StatusCode::BAD_REQUEST),
        (
            url,
            vec![("accept-encoding", "identity;q=0")],
            StatusCode::NOT_ACCEPTABLE,
        ),
    ] {
        let mut headers = fields.clone();
        headers.push(("origin", "https://a.example"));
        let res = app.get_with(uri, &headers).await;
        assert_eq!(res.status, status, "{uri}");
        assert_eq!(res.headers["access-control-allow-origin"], "*", "{uri}");
    }
    // A revalidation from another origin is readable too, rendered or
    // from memory.
    let tag = app.get_ok(url).await.headers["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    for _ in 0..2 {
        let res = app
            .get_with(
                url,
                &[("origin", "https://a.example"), ("if-none-match", &tag)],
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_MODIFIED);
        assert_eq!(res.headers["access-control-allow-origin"], "*");
    }
    let fresh = format!("/api/v1/sources/{SOURCE}/p/2");
    let tag = app.get_ok(&fresh).await.headers["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let res = app.get_with(&fresh, &[("if-none-match", &tag)]).await;
    assert_eq!(res.status, StatusCode::NOT_MODIFIED);
    assert_eq!(res.headers["access-control-allow-origin"], "*");
    // Pages are not part of the API: no CORS, before or after.
    let page = app
        .get_with("/timeline", &[("origin", "https://a.example")])
        .await;
    assert!(page.headers.get("access-control-allow-origin").is_none());
    // A preflight is answered, never kept, and names the methods.
    let req = axum::http::Request::builder()
        .method(Method::OPTIONS)
        .uri(url)
        .header("origin", "https://a.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "if-none-match")
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.request(req).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.headers["access-control-allow-origin"], "*");
    let methods = res.headers["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(methods.contains("GET") && methods.contains("HEAD") && !methods.contains("POST"));
    assert_eq!(res.headers["access-control-allow-headers"], "*");
    assert!(res.body.is_empty());
    assert!(res.headers.get("etag").is_none());
    // The GET after it is the GET it always was.
    assert_eq!(app.get_ok(url).await.json()["sources"][0]["slug"], SOURCE);
    // OPTIONS outside the API is still refused.
    let res = app.send(Method::OPTIONS, "/timeline").await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn every_answer_names_the_data_version() {
    let app = TestApp::new().await;
    let health = app.get_ok("/healthz").await.body;
    let version = health.trim().strip_prefix("ok ").unwrap().to_owned();
    for url in [
        "/api/v1".to_owned(),
        "/api/v1/sources".to_owned(),
        format!("/api/v1/sources/{SOURCE}"),
        format!("/api/v1/sources/{SOURCE}/p/3"),
        "/api/v1/records/quotes".to_owned(),
        "/api/v1/records/people/xi-jinping".to_owned(),
        "/api/v1/search?q=x".to_owned(),
        "/api/v1/suggest?q=x".to_owned(),
    ] {
        assert_eq!(
            app.get_ok(&url).await.json()["data_version"],
            version.as_str(),
            "{url}"
        );
    }
}

#[tokio::test]
async fn search_results_page_by_limit_and_cursor() {
    let app = TestApp::new().await;
    let q = enc("铁路");
    let (all, pages) = walk(&app, &format!("/api/v1/search?q={q}&limit=200"), "results").await;
    assert_eq!(pages, 1);
    let whole = app
        .get_ok(&format!("/api/v1/search?q={q}&limit=200"))
        .await
        .json();
    assert_eq!(whole["total"].as_u64().unwrap() as usize, all.len());
    assert!(all.len() > 4, "{} results", all.len());
    let (paged, pages) = walk(&app, &format!("/api/v1/search?q={q}&limit=2"), "results").await;
    assert_eq!(pages, all.len().div_ceil(2));
    assert_eq!(
        paged, all,
        "pages of 2 hold the same results in the same order"
    );
    // The filters stay on every page; a records cursor is not a search's.
    let first = app
        .get_ok(&format!("/api/v1/search?q={q}&kind=projects&limit=2"))
        .await
        .json();
    let next = str_of(&first, "next");
    assert!(next.contains("kind=projects"), "{next}");
    let second = app.get_ok(next).await.json();
    assert!(
        second["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["kind"] == "project")
    );
    let records = app.get_ok("/api/v1/records/projects?limit=2").await.json();
    let cursor = str_of(&records, "next")
        .split("cursor=")
        .nth(1)
        .unwrap()
        .to_owned();
    let d = refused(
        &app,
        &format!("/api/v1/search?q={q}&cursor={cursor}"),
        "cursor",
    )
    .await;
    assert!(d.contains("another list"), "{d}");
    refused(&app, &format!("/api/v1/search?q={q}&limit=500"), "limit").await;
}

/// Asserts that `v` still has each of `keys`, with its JSON type: `s`
/// string, `n` number, `a` array, `o` object, `b` boolean; a trailing `?`
/// allows null. These are the keys the answers had before the English
/// fields were added: additions may not change them.
fn assert_keeps(v: &Value, keys: &[(&str, &str)], what: &str) {
    for (key, ty) in keys {
        let value = v
            .get(key)
            .unwrap_or_else(|| panic!("{what}: {key} is gone from {v}"));
        let (ty, nullable) = match ty.strip_suffix('?') {
            Some(t) => (t, true),
            None => (*ty, false),
        };
        let ok = match ty {
            "s" => value.is_string(),
            "n" => value.is_number(),
            "a" => value.is_array(),
            "o" => value.is_object(),
            "b" => value.is_boolean(),
            _ => unreachable!("{ty}"),
        } || (nullable && value.is_null());
        assert!(ok, "{what}: {key} is {value}, not of type {ty}");
    }
}

const RECORD_KEYS: [(&str, &str); 21] = [
    ("data_version", "s"),
    ("kind", "s"),
    ("slug", "s"),
    ("title", "s"),
    ("english", "s?"),
    ("english_basis", "s?"),
    ("english_ref", "o?"),
    ("english_note", "s?"),
    ("aliases", "a"),
    ("summary", "s"),
    ("editorial", "a"),
    ("url", "s"),
    ("api_url", "s"),
    ("list_api_url", "s"),
    ("fields", "o"),
    ("links", "a"),
    ("backlinks", "a"),
    ("citations", "a"),
    ("status_history", "a"),
    ("disagreements", "a"),
    ("commitment", "o?"),
];
const LIST_ITEM_KEYS: [(&str, &str); 11] = [
    ("kind", "s"),
    ("slug", "s"),
    ("title", "s"),
    ("english", "s?"),
    ("english_note", "s?"),
    ("summary", "s"),
    ("url", "s"),
    ("api_url", "s"),
    ("fields", "o"),
    ("links", "a"),
    ("citations", "a"),
];
const SEARCH_RESULT_KEYS: [(&str, &str); 11] = [
    ("kind", "s"),
    ("slug", "s"),
    ("title", "s"),
    ("english", "s?"),
    ("url", "s"),
    ("api_url", "s"),
    ("snippet", "s"),
    ("snippet_text", "s"),
    ("snippet_matches", "a"),
    ("also_matched", "a"),
    ("citations", "a"),
];
const CITING_KEYS: [(&str, &str); 9] = [
    ("kind", "s"),
    ("slug", "s"),
    ("title", "s"),
    ("english", "s?"),
    ("url", "s"),
    ("api_url", "s"),
    ("span", "s"),
    ("span_start", "n"),
    ("span_end", "n"),
];
/// `/api/commitments` items, and a record's `commitment`, as they were.
const COMMITMENT_KEYS: [(&str, &str); 12] = [
    ("kind", "s"),
    ("slug", "s"),
    ("title", "s"),
    ("english", "s?"),
    ("url", "s"),
    ("said_by", "s"),
    ("by", "a"),
    ("verb", "s"),
    ("deadline", "s?"),
    ("deadline_basis", "s?"),
    ("derivation", "s?"),
    ("status", "o?"),
];
/// A citation inside `status_history` and `disagreements`, as it was.
const HISTORY_CITATION_KEYS: [(&str, &str); 7] = [
    ("source", "s"),
    ("source_title", "s"),
    ("publisher", "s"),
    ("published", "s"),
    ("paragraph", "n"),
    ("span", "s"),
    ("url", "s"),
];
const ENGLISH_KEYS: [(&str, &str); 3] = [
    ("summary_en", "s?"),
    ("summary_en_basis", "s?"),
    ("summary_en_ref", "o?"),
];

const RAILWAY: &str = "china-kyrgyzstan-uzbekistan-railway";
const RAILWAY_EN: &str = "When President Xi Jinping met the heads of state of Kyrgyzstan";

#[tokio::test]
async fn the_english_fields_are_added_beside_everything_that_was_there() {
    let app = TestApp::new().await;
    let record = app
        .get_ok(&format!("/api/v1/records/projects/{RAILWAY}"))
        .await
        .json();
    assert_keeps(&record, &RECORD_KEYS, "record");
    assert_keeps(&record, &ENGLISH_KEYS, "record");
    assert!(str_of(&record, "summary_en").starts_with(RAILWAY_EN));
    assert_eq!(record["summary_en_basis"], "translation");
    assert!(record["summary_en_ref"].is_null(), "ours, so no reference");
    // The English of the prose fields, beside their Chinese; the status's
    // English is its latest statement's.
    assert_eq!(record["fields_en"]["sector"], "Transport · railways");
    assert!(record["fields"]["sector"].is_string());
    let latest = record["status_history"].as_array().unwrap().last().unwrap();
    assert!(str_of(latest, "status_en").starts_with("To push forward high-quality construction"));
    assert_eq!(record["fields_en"]["status"], latest["status_en"]);
    assert_eq!(record["fields_en_basis"], "translation");
    assert!(record["fields_en_ref"].is_null());
    // Status history and commitments, typed, every citation with its
    // source's publisher and date, the paragraph's api_url and the span.
    let history = record["status_history"].as_array().unwrap();
    assert!(!history.is_empty());
    for s in history {
        assert_keeps(
            s,
            &[
                ("status", "s"),
                ("date", "s"),
                ("date_basis", "s"),
                ("citation", "o"),
            ],
            "status",
        );
        let c = &s["citation"];
        assert_keeps(c, &HISTORY_CITATION_KEYS, "status citation");
        assert_keeps(
            c,
            &[("api_url", "s"), ("span_start", "n"), ("span_end", "n")],
            "status citation",
        );
        let paragraph = app.get_ok(str_of(c, "api_url")).await.json();
        let text: Vec<char> = str_of(&paragraph, "text").chars().collect();
        let (a, b) = (
            c["span_start"].as_u64().unwrap() as usize,
            c["span_end"].as_u64().unwrap() as usize,
        );
        assert_eq!(text[a..b].iter().collect::<String>(), str_of(c, "span"));
    }

    // The list gives the same English as the record.
    let list = app
        .get_ok("/api/v1/records/projects?limit=200")
        .await
        .json();
    let item = list["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["slug"] == RAILWAY)
        .unwrap();
    assert_keeps(item, &LIST_ITEM_KEYS, "list item");
    for key in [
        "summary_en",
        "summary_en_basis",
        "summary_en_ref",
        "fields_en",
        "fields_en_basis",
        "fields_en_ref",
    ] {
        assert_eq!(item[key], record[key], "{key}");
    }

    // A paragraph's citing records, and the source's.
    let paragraph_url = str_of(&record["citations"][0], "api_url").to_owned();
    let paragraph = app.get_ok(&paragraph_url).await.json();
    let citing = paragraph["cited_by"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == RAILWAY)
        .unwrap();
    assert_keeps(citing, &CITING_KEYS, "citing");
    assert_eq!(citing["summary_en"], record["summary_en"]);
    assert_eq!(citing["summary_en_basis"], "translation");
    let source = app
        .get_ok(str_of(&paragraph["source"], "api_url"))
        .await
        .json();
    let in_source = source["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["cited_by"].as_array().unwrap())
        .find(|c| c["slug"] == RAILWAY)
        .unwrap();
    assert_eq!(in_source["summary_en"], record["summary_en"]);

    // Commitments: as before, with the English summary.
    let all = app.get_ok("/api/v1/commitments").await.json();
    for c in all["commitments"].as_array().unwrap() {
        assert_keeps(c, &COMMITMENT_KEYS, "commitment");
        assert_keeps(c, &ENGLISH_KEYS, "commitment");
        assert!(
            c["summary_en"].is_string(),
            "every commitment's record has one: {c}"
        );
    }
    let third = all["commitments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == "china-kazakhstan-third-cross-border-railway")
        .unwrap();
    assert!(str_of(third, "summary_en").starts_with("China will, together with Kazakhstan"));
    assert_eq!(third["by"][0]["api_url"], "/api/v1/records/countries/china");
    let own = app.get_ok(str_of(third, "api_url")).await.json();
    assert_keeps(&own["commitment"], &COMMITMENT_KEYS, "record's commitment");
    assert_eq!(own["commitment"], *third);

    // Search: the English summary, and a plain-text English snippet whose
    // matches are where the word is.
    let found = app.get_ok("/api/v1/search?q=railway").await.json();
    let results = found["results"].as_array().unwrap();
    for r in results {
        assert_keeps(r, &SEARCH_RESULT_KEYS, "search result");
        assert_keeps(r, &ENGLISH_KEYS, "search result");
    }
    let hit = results.iter().find(|r| r["slug"] == RAILWAY).unwrap();
    assert_eq!(hit["summary_en"], record["summary_en"]);
    let snippet: Vec<char> = str_of(hit, "snippet_en_text").chars().collect();
    let matches = hit["snippet_en_matches"].as_array().unwrap();
    assert!(!matches.is_empty(), "{hit}");
    for m in matches {
        let (a, b) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        let word: String = snippet[a..b].iter().collect();
        assert_eq!(word.to_lowercase(), "railway", "{hit}");
    }
    // A paragraph has no English: null, and no matches.
    let paragraphs = app
        .get_ok(&format!("/api/v1/search?q={}&kind=paragraphs", enc("铁路")))
        .await
        .json();
    let p = &paragraphs["results"][0];
    assert!(
        p["snippet_en_text"].is_null() && p["summary_en"].is_null(),
        "{p}"
    );
    assert_eq!(p["snippet_en_matches"], serde_json::json!([]));
}

#[tokio::test]
async fn official_english_names_the_text_it_is_quoted_from() {
    let reference = "{ publisher = \"Xinhua\", title = \"Full text\", date = \"2025-06-17\", \
                     url = \"https://english.news.cn/x.html\" }";
    let app = TestApp::with_appended(
        "records/projects.toml",
        &crate::loader::bare_project(
            "test-official",
            &format!(
                "english_note = \"No English name is established.\"\n\
                 summary_en = \"An official test.\"\nsummary_en_basis = \"official\"\n\
                 summary_en_ref = {reference}\nsector_en = \"Testing\"\n\
                 fields_en_basis = \"official\"\nfields_en_ref = {reference}"
            ),
        ),
    )
    .await;
    let record = app
        .get_ok("/api/v1/records/projects/test-official")
        .await
        .json();
    let expected = serde_json::json!({
        "publisher": "Xinhua", "title": "Full text", "date": "2025-06-17",
        "url": "https://english.news.cn/x.html"
    });
    assert_eq!(record["summary_en"], "An official test.");
    assert_eq!(record["summary_en_basis"], "official");
    assert_eq!(record["summary_en_ref"], expected);
    assert_eq!(record["fields_en"]["sector"], "Testing");
    assert_eq!(record["fields_en_basis"], "official");
    assert_eq!(record["fields_en_ref"], expected);
}

/// Every page of a list, following `Link: rel="next"` from `first`.
async fn all_pages(app: &TestApp, first: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut next = Some(first.to_owned());
    while let Some(url) = next {
        let res = app.get_ok(&url).await;
        next = link_rel(&res, "next");
        let json = res.json();
        assert_eq!(json["next"].as_str(), next.as_deref(), "{url}");
        out.push(json);
        assert!(out.len() < 100, "{first} does not end");
    }
    out
}

#[tokio::test]
async fn fields_keeps_only_the_fields_named_on_every_page() {
    let app = TestApp::new().await;
    for (first, list, named, total) in [
        (
            "/api/v1/records/projects?limit=3&fields=title,summary_en".to_owned(),
            "records",
            vec!["title", "summary_en"],
            app.get_ok("/api/v1/records/projects?limit=200")
                .await
                .json()["record_count"]
                .as_u64()
                .unwrap(),
        ),
        (
            format!(
                "/api/v1/search?q={}&limit=4&fields=kind,%20snippet_en_text",
                enc("铁路")
            ),
            "results",
            vec!["kind", "snippet_en_text"],
            app.get_ok(&format!("/api/v1/search?q={}", enc("铁路")))
                .await
                .json()["total"]
                .as_u64()
                .unwrap(),
        ),
        (
            "/api/v1/commitments?limit=5&fields=said_by,verb,said_by".to_owned(),
            "commitments",
            vec!["said_by", "verb"],
            21,
        ),
    ] {
        let pages = all_pages(&app, &first).await;
        assert!(pages.len() > 1, "{first}: more than one page");
        let mut seen = 0;
        for page in &pages {
            for item in page[list].as_array().unwrap() {
                let mut keys: Vec<&str> = item
                    .as_object()
                    .unwrap()
                    .keys()
                    .map(String::as_str)
                    .collect();
                keys.sort_unstable();
                let mut expected: Vec<&str> =
                    named.iter().copied().chain(["slug", "api_url"]).collect();
                expected.sort_unstable();
                assert_eq!(keys, expected, "{first}");
                seen += 1;
            }
        }
        assert_eq!(seen, total, "{first}");
        // The same items, in the same order, as without `fields=`.
        let full_first = first.split("&fields").next().unwrap().to_owned();
        let full: Vec<Value> = pages_items(&all_pages(&app, &full_first).await, list);
        let cut: Vec<Value> = pages_items(&pages, list);
        assert_eq!(
            cut.iter().map(|i| i["slug"].clone()).collect::<Vec<_>>(),
            full.iter().map(|i| i["slug"].clone()).collect::<Vec<_>>()
        );
        for (c, f) in cut.iter().zip(&full) {
            for key in &named {
                assert_eq!(c[key], f[key], "{first}: {key}");
            }
        }
    }
}

fn pages_items(pages: &[Value], list: &str) -> Vec<Value> {
    pages
        .iter()
        .flat_map(|p| p[list].as_array().unwrap().clone())
        .collect()
}

#[tokio::test]
async fn an_unknown_field_is_refused_naming_the_fields_there_are() {
    let app = TestApp::new().await;
    for (url, allowed) in [
        ("/api/v1/records/projects?fields=title,nope", "summary_en"),
        ("/api/v1/search?q=a&fields=nope", "snippet_en_text"),
        ("/api/commitments?fields=nope", "said_by"),
    ] {
        let res = app.get(url).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{url}");
        let e = &res.json()["errors"][0];
        assert_eq!(e["parameter"], "fields", "{url}");
        let detail = str_of(e, "detail");
        assert!(
            detail.contains("\"nope\"") && detail.contains(allowed),
            "{url}: {detail}"
        );
        assert!(
            !detail.contains("\"title\""),
            "{url}: a known field is not blamed"
        );
    }
    // Lists that do not take it refuse it as any unknown parameter.
    let res = app.get("/api/v1/sources?fields=title").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json()["errors"][0]["parameter"], "fields");
    // Commitments are strict like every list now: unknown parameters, bad
    // limits and cursors, each named.
    for (url, parameter) in [
        ("/api/v1/commitments?x=1", "x"),
        ("/api/v1/commitments?limit=0", "limit"),
        ("/api/v1/commitments?limit=201", "limit"),
        ("/api/v1/commitments?cursor=zz", "cursor"),
        ("/api/v1/export?x=1", "x"),
        ("/api/export/links.json?q=a", "q"),
        ("/api/v1/export/search.json?q=a&limit=3", "limit"),
    ] {
        let res = app.get(url).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{url}");
        assert_eq!(res.json()["errors"][0]["parameter"], parameter, "{url}");
    }
}
