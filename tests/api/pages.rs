use crate::helpers::{SOURCE, TestApp, enc};
use axum::http::StatusCode;
use summitkb::model::Kind;

#[tokio::test]
async fn home_shows_the_summit_at_a_glance() {
    let app = TestApp::new().await;
    let res = app.get_ok("/").await;
    let b = &res.body;
    assert!(b.contains("<html lang=\"zh-Hans\">"));
    assert!(b.contains("第二届中国—中亚峰会"));
    assert!(b.contains("Second China–Central Asia Summit"));
    assert!(b.contains("哈萨克斯坦阿斯塔纳"), "where");
    assert!(b.contains("2025年6月"), "when");
    // ¶1 dates Xi's trip (16–18 June), not the summit, which sat on one day
    // the source does not give: the glance must not present the trip's span.
    assert!(
        !b.contains("2025年6月16日—18日"),
        "the trip's dates are not the summit's"
    );
    assert!(b.contains("托卡耶夫"), "who");
    for country in [
        "中国",
        "哈萨克斯坦",
        "吉尔吉斯斯坦",
        "塔吉克斯坦",
        "土库曼斯坦",
        "乌兹别克斯坦",
    ] {
        assert!(b.contains(&format!(">{country}</a>")), "{country}");
    }
    assert!(b.contains("href=\"/agreements\""));
    assert!(b.contains("阿斯塔纳宣言"));
}

#[tokio::test]
async fn healthz_reports_the_data_version() {
    let app = TestApp::new().await;
    let res = app.get_ok("/healthz").await;
    assert!(res.body.starts_with("ok "));
}

#[tokio::test]
async fn healthz_checks_the_database_every_time() {
    let app = TestApp::new().await;
    for _ in 0..3 {
        let res = app.get_ok("/healthz").await;
        assert!(res.body.starts_with("ok "));
        assert_eq!(res.headers["cache-control"], "no-store");
    }
    // The file stops being a database under the running server.
    std::fs::write(&app.db, vec![b'x'; 64 * 1024]).unwrap();
    for _ in 0..2 {
        let res = app.get("/healthz").await;
        assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{}", res.body);
    }
}

#[tokio::test]
async fn every_kind_has_a_list_and_every_record_a_page() {
    let app = TestApp::new().await;
    let mut pages = 0;
    for kind in Kind::ALL {
        let list = app.get_ok(&format!("/{}", kind.plural())).await;
        assert!(list.body.contains(kind.label_zh()), "{kind:?}");
        let api = app
            .get_ok(&format!("/api/records/{}", kind.as_str()))
            .await
            .json();
        let records = api["records"].as_array().expect("records").clone();
        assert!(!records.is_empty(), "no {kind:?} records");
        for r in records {
            let url = r["url"].as_str().expect("url");
            assert!(
                list.body.contains(&format!("href=\"{url}\"")),
                "{url} listed"
            );
            let page = app.get_ok(url).await;
            let title = r["title"].as_str().expect("title");
            assert!(
                page.body
                    .contains(&format!("<h1>{}</h1>", askama_escape(title))),
                "{url}"
            );
            assert!(page.body.contains("出处"), "{url} shows citations");
            assert!(
                page.body.contains(&format!("/sources/{SOURCE}/p/")),
                "{url} links a paragraph"
            );
            assert!(page.body.contains("<mark>"), "{url} marks the cited span");
            pages += 1;
        }
    }
    assert!(pages > 90, "only {pages} record pages");
}

fn askama_escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
}

#[tokio::test]
async fn record_page_shows_fields_links_and_the_cited_span() {
    let app = TestApp::new().await;
    let b = app
        .get_ok("/projects/china-kyrgyzstan-uzbekistan-railway")
        .await
        .body;
    assert!(b.contains("China–Kyrgyzstan–Uzbekistan Railway"));
    assert!(b.contains("lang=\"en\""));
    assert!(b.contains("交通·铁路"), "sector");
    assert!(
        b.contains("高质量推进中吉乌铁路建设，力争早日建成"),
        "status"
    );
    for c in [
        "/countries/china",
        "/countries/kyrgyzstan",
        "/countries/uzbekistan",
    ] {
        assert!(b.contains(c), "links {c}");
    }
    assert!(b.contains("<mark>一致同意高质量推进中吉乌铁路建设，力争早日建成，各方受益</mark>"));
    assert!(b.contains(&format!(
        "/sources/{SOURCE}/p/10?from=china-kyrgyzstan-uzbekistan-railway"
    )));
}

#[tokio::test]
async fn country_page_gathers_leader_agreements_and_projects() {
    let app = TestApp::new().await;
    let b = app.get_ok("/countries/kyrgyzstan").await.body;
    assert!(b.contains("扎帕罗夫"), "leader");
    assert!(b.contains("中吉乌铁路"), "project crossing it");
    assert!(b.contains("阿斯塔纳宣言"), "agreement it is party to");
}

#[tokio::test]
async fn person_page_gathers_quotes_and_role() {
    let app = TestApp::new().await;
    let b = app.get_ok("/people/kassym-jomart-tokayev").await.body;
    assert!(b.contains("哈萨克斯坦总统"));
    assert!(b.contains("Kassym-Jomart Tokayev"));
    assert!(b.contains("/quotes/tokayev-new-golden-age"));
}

#[tokio::test]
async fn quote_page_shows_words_and_speaker() {
    let app = TestApp::new().await;
    let b = app
        .get_ok("/quotes/envoys-and-merchants-on-the-road")
        .await
        .body;
    assert!(b.contains("“使者相望于道，商旅不绝于途”"));
    assert!(b.contains("典故"));
    assert!(b.contains("/people/wang-yi"));
}

#[tokio::test]
async fn source_page_has_every_paragraph_anchor_and_the_broken_paragraphs_whole() {
    let app = TestApp::new().await;
    let b = app.get_ok(&format!("/sources/{SOURCE}")).await.body;
    for n in 1..=18 {
        assert!(b.contains(&format!("id=\"p{n}\"")), "anchor p{n}");
        assert!(
            b.contains(&format!("href=\"/sources/{SOURCE}/p/{n}\"")),
            "permalink {n}"
        );
        assert!(b.contains(&format!("¶{n}<")), "visible ¶{n}");
    }
    assert!(!b.contains("id=\"p19\""));
    assert!(b.contains("<h1>弘扬中国—中亚精神，致力永久睦邻友好</h1>"));
    assert!(b.contains("<h2>一、继往开来，点亮“中国—中亚精神”</h2>"));
    assert!(b.contains("<h2>二、高质量发展，迈向共同现代化</h2>"));
    assert!(b.contains("<h2>三、相知相亲，坚持永久睦邻友好</h2>"));
    assert!(b.contains("class=\"dateline\">（新华社北京6月18日电）"));
    // The three page breaks of the PDF are healed, without a character added.
    let api = app.get_ok(&format!("/api/sources/{SOURCE}")).await.json();
    let text = |n: usize| {
        api["paragraphs"][n - 1]["text"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(text(6).contains("各方一致认为，中国同中亚五国保持富有成效的全方位合作"));
    assert!(text(10).contains("周边单一区域内所有国家整体签订"));
    assert!(text(13).contains("汇聚的是共进力量，托举的是共同繁荣"));
}

#[tokio::test]
async fn served_text_is_the_source_text_with_only_breaks_removed() {
    let app = TestApp::new().await;
    let api = app.get_ok(&format!("/api/sources/{SOURCE}")).await.json();
    let served: String = api["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["text"].as_str().unwrap())
        .collect();
    let raw = std::fs::read_to_string(crate::helpers::repo_path(&format!(
        "seeds/sources/{SOURCE}.txt"
    )))
    .unwrap();
    let raw: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let served_ns: String = served.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(served_ns, raw, "not one character changed");
}

#[tokio::test]
async fn paragraph_page_has_neighbours_citers_and_a_citation() {
    let app = TestApp::new().await;
    let b = app
        .get_ok(&format!(
            "/sources/{SOURCE}/p/10?from=china-kyrgyzstan-uzbekistan-railway"
        ))
        .await
        .body;
    assert!(
        b.contains("二、高质量发展，迈向共同现代化"),
        "section heading"
    );
    assert!(
        b.contains(&format!("href=\"/sources/{SOURCE}/p/9\"")),
        "previous"
    );
    assert!(
        b.contains(&format!("href=\"/sources/{SOURCE}/p/11\"")),
        "next"
    );
    assert!(b.contains("<mark>一致同意高质量推进中吉乌铁路建设，力争早日建成，各方受益</mark>"));
    assert!(b.contains("/projects/china-kyrgyzstan-uzbekistan-railway"));
    assert!(b.contains(&format!(
        "新华社，2025-06-18，《弘扬中国—中亚精神，致力永久睦邻友好》，第10段。https://kb.example/sources/{SOURCE}/p/10"
    )));
    assert!(b.contains("rel=\"canonical\""));
}

#[tokio::test]
async fn paragraph_page_marks_search_terms() {
    let app = TestApp::new().await;
    let b = app
        .get_ok(&format!("/sources/{SOURCE}/p/10?q={}", enc("中吉烏鐵路")))
        .await
        .body;
    assert!(b.contains("<mark>中吉乌铁路</mark>"));
}

#[tokio::test]
async fn unknown_things_are_404_pages() {
    let app = TestApp::new().await;
    for uri in [
        "/nope",
        "/projects/nope",
        "/nope/nope",
        "/sources/nope",
        &format!("/sources/{SOURCE}/p/0"),
        &format!("/sources/{SOURCE}/p/19"),
        &format!("/sources/{SOURCE}/p/007"),
        &format!("/sources/{SOURCE}/p/abc"),
        &format!("/sources/{SOURCE}/p/-1"),
        "/people/china",
        "/api/nope",
        "/api/records/project/nope",
        "/api/records/nope/nope",
        "/api/sources/nope",
    ] {
        app.assert_not_found(uri).await;
    }
}

#[tokio::test]
async fn pages_set_security_headers() {
    let app = TestApp::new().await;
    let res = app.get_ok("/").await;
    let csp = res.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(res.headers["x-content-type-options"], "nosniff");
    assert!(res.headers.contains_key("referrer-policy"));
    assert!(!res.body.contains("<script>"), "no inline script");
    assert!(!res.body.contains("style=\""), "no inline style");
}

#[tokio::test]
async fn static_assets_are_served_and_cannot_escape() {
    let app = TestApp::new().await;
    let css = app.get_ok("/static/style.css").await;
    assert!(css.content_type().starts_with("text/css"));
    app.get_ok("/static/app.js").await;
    let res = app.get("/static/../Cargo.toml").await;
    assert_ne!(res.status, axum::http::StatusCode::OK);
    let res = app.get("/static/%2e%2e/Cargo.toml").await;
    assert_ne!(res.status, axum::http::StatusCode::OK);
}

#[tokio::test]
async fn overlong_request_targets_get_414() {
    let app = TestApp::new().await;
    let res = app
        .get(&format!(
            "/search?q={}",
            "a".repeat(summitkb::web::MAX_URI_BYTES)
        ))
        .await;
    assert_eq!(res.status, axum::http::StatusCode::URI_TOO_LONG);
    assert!(res.body.contains("limit"));
}

#[tokio::test]
async fn wrong_methods_get_405_with_allow_and_head_works() {
    use axum::body::Body;
    use axum::http::{Method, Request};
    let app = TestApp::new().await;
    let post = Request::builder()
        .method(Method::POST)
        .uri("/search?q=x")
        .body(Body::empty())
        .unwrap();
    let res = app.request(post).await;
    assert_eq!(res.status, axum::http::StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        res.headers
            .get("allow")
            .is_some_and(|v| v.to_str().unwrap().contains("GET"))
    );
    for uri in [
        "/",
        "/projects",
        &format!("/sources/{SOURCE}/p/1"),
        "/api/sources",
    ] {
        let head = Request::builder()
            .method(Method::HEAD)
            .uri(uri)
            .body(Body::empty())
            .unwrap();
        let res = app.request(head).await;
        assert_eq!(res.status, 200, "HEAD {uri}");
        assert!(res.body.is_empty(), "HEAD {uri} has no body");
    }
}

#[tokio::test]
async fn etags_revalidate_and_bodies_compress() {
    use axum::body::Body;
    use axum::http::Request;
    let app = TestApp::new().await;
    for uri in [
        "/",
        &format!("/sources/{SOURCE}/p/10"),
        "/api/sources",
        "/static/style.css",
    ] {
        let first = app.get_ok(uri).await;
        let tag = first.headers["etag"].to_str().unwrap().to_owned();
        // A second answer (from the page cache) is the same bytes and tag.
        let second = app.get_ok(uri).await;
        assert_eq!(second.body, first.body, "{uri}");
        assert_eq!(second.headers["etag"], first.headers["etag"], "{uri}");
        assert_eq!(
            second.headers.get("content-type"),
            first.headers.get("content-type")
        );
        assert!(tag.starts_with('"') && tag.len() > 10, "{uri}: {tag}");
        assert!(first.headers.contains_key("cache-control"));
        let again = Request::builder()
            .uri(uri)
            .header("if-none-match", &tag)
            .body(Body::empty())
            .unwrap();
        let res = app.request(again).await;
        assert_eq!(res.status, 304, "{uri}");
        assert!(res.body.is_empty());
        let stale = Request::builder()
            .uri(uri)
            .header("if-none-match", "\"other\"")
            .body(Body::empty())
            .unwrap();
        assert_eq!(app.request(stale).await.status, 200, "{uri}");
    }
    let gz = Request::builder()
        .uri("/")
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    let res = app.request(gz).await;
    assert_eq!(res.headers["content-encoding"], "gzip");
}

#[tokio::test]
async fn shared_record_links_preview_with_title_and_cited_sentence() {
    let app = TestApp::new().await;
    let b = app
        .get_ok("/projects/china-kyrgyzstan-uzbekistan-railway")
        .await
        .body;
    assert!(b.contains(r#"<meta property="og:title" content="中吉乌铁路">"#));
    assert!(
        b.contains(
            r#"<meta property="og:description" content="&#8220;一致同意高质量推进中吉乌铁路建设"#
        ) || b.contains(
            r#"<meta property="og:description" content="“一致同意高质量推进中吉乌铁路建设"#
        ),
        "{}",
        &b[..b.find("</head>").unwrap()]
    );
    assert!(b.contains(r#"<link rel="icon" href="/static/favicon.svg?v="#));
}

#[tokio::test]
async fn answers_from_memory_keep_every_header() {
    use axum::body::Body;
    use axum::http::Request;
    let app = TestApp::new().await;
    let uri = "/projects/china-kyrgyzstan-uzbekistan-railway";
    let first = app.get_ok(uri).await;
    let again = app.get_ok(uri).await;
    for name in [
        "content-type",
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
        "etag",
        "cache-control",
    ] {
        assert!(
            again.headers.contains_key(name),
            "{name} missing from a repeat answer"
        );
        assert_eq!(again.headers[name], first.headers[name], "{name}");
    }
    let head = Request::builder()
        .method("HEAD")
        .uri(uri)
        .body(Body::empty())
        .unwrap();
    let res = app.request(head).await;
    assert_eq!(res.status, 200);
    assert!(res.body.is_empty());
    assert_eq!(res.headers["etag"], first.headers["etag"]);
    assert_eq!(
        res.headers["content-length"].to_str().unwrap(),
        first.body.len().to_string()
    );
}

#[tokio::test]
async fn static_files_are_fingerprinted_and_immutable() {
    let app = TestApp::new().await;
    let home = app.get_ok("/").await.body;
    let start = home
        .find("/static/style.css?v=")
        .expect("fingerprinted stylesheet link");
    let link = &home[start..start + home[start..].find('"').unwrap()];
    let version = link.trim_start_matches("/static/style.css?v=");
    assert_eq!(
        version,
        summitkb::web::assets::fingerprint(&crate::helpers::repo_path("static"))
    );
    let css = app.get_ok(link).await;
    assert_eq!(
        css.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(css.content_type().starts_with("text/css"));
    let plain = app.get_ok("/static/style.css").await;
    assert_eq!(plain.headers["cache-control"], "public, max-age=3600");
    let stale = app.get_ok("/static/style.css?v=0000000000").await;
    assert_eq!(stale.headers["cache-control"], "public, max-age=3600");
}

/// Test records with each kind of provenance, appended to the real seeds.
pub const PROVENANCE_RECORDS: &str = "
[[project]]
slug = \"test-official-name\"
title = \"测试官方名项目\"
english = \"Test Official Corridor\"
english_basis = \"official\"
english_ref = { publisher = \"Xinhua\", title = \"Full text of the test\", date = \"2025-06-17\", url = \"https://english.news.cn/test.html\" }
editorial = [{ text = \"峰会于2025年6月17日举行。\", text_en = \"The summit sat on 17 June 2025.\", ref = { publisher = \"Xinhua\", title = \"Summit opens in Astana\", date = \"2025-06-17\", url = \"https://english.news.cn/summit.html\" } }]
summary = \"测试。\"
summary_en = \"Test.\"
summary_en_basis = \"translation\"
sector = \"测试\"
sector_en = \"Test\"
fields_en_basis = \"translation\"
status = \"测试\"
countries = [\"china\"]
cite = [{ source = \"wang-yi-2025-china-central-asia-summit\", p = 10, span = \"中方将同中亚国家加强发展战略对接\" }]

[[project]]
slug = \"test-our-name\"
title = \"测试译名项目\"
english = \"Test Translated Corridor\"
english_basis = \"translation\"
summary = \"测试。\"
summary_en = \"Test.\"
summary_en_basis = \"translation\"
sector = \"测试\"
sector_en = \"Test\"
fields_en_basis = \"translation\"
status = \"测试\"
countries = [\"china\"]
cite = [{ source = \"wang-yi-2025-china-central-asia-summit\", p = 10, span = \"中方将同中亚国家加强发展战略对接\" }]
";

#[tokio::test]
async fn record_page_says_where_its_english_name_comes_from() {
    let app = TestApp::with_appended("records/projects.toml", PROVENANCE_RECORDS).await;
    let official = app.get_ok("/projects/test-official-name").await.body;
    assert!(official.contains("官方英文名"), "{official}");
    assert!(
        official.contains(
            "<cite lang=\"en\"><a href=\"https://english.news.cn/test.html\">Xinhua, “Full text of the test”, 2025-06-17</a></cite>"
        ),
        "the reference, linked: {official}"
    );
    assert!(!official.contains("我们的译名"));
    let ours = app.get_ok("/projects/test-our-name").await.body;
    assert!(
        ours.contains("我们的译名 <span lang=\"en\">Our translation</span>"),
        "{ours}"
    );
    assert!(
        !ours.contains("官方英文名") && !ours.contains("<cite"),
        "{ours}"
    );
}

#[tokio::test]
async fn editorial_notes_stand_apart_from_the_citations() {
    let app = TestApp::with_appended("records/projects.toml", PROVENANCE_RECORDS).await;
    let b = app.get_ok("/projects/test-official-name").await.body;
    let aside = b
        .find("<aside class=\"editorial\">")
        .expect("an editorial aside");
    let end = aside + b[aside..].find("</aside>").expect("closed");
    let note = &b[aside..end];
    assert!(
        note.contains("编者注 <span class=\"en\" lang=\"en\">Editorial note</span>"),
        "{note}"
    );
    assert!(note.contains("<p>峰会于2025年6月17日举行。</p>"), "{note}");
    assert!(
        note.contains("<p lang=\"en\">The summit sat on 17 June 2025.</p>"),
        "{note}"
    );
    assert!(
        note.contains("<a href=\"https://english.news.cn/summit.html\">Xinhua, “Summit opens in Astana”, 2025-06-17</a>"),
        "{note}"
    );
    // Never among the citations, nor quoted as the source's words.
    let cites = b
        .find("<section aria-labelledby=\"cites\">")
        .expect("citations");
    assert!(
        end < cites,
        "the note comes before the citations, apart from them"
    );
    assert_eq!(b.matches("峰会于2025年6月17日举行").count(), 1, "{b}");
    // A record without notes has no aside.
    let ours = app.get_ok("/projects/test-our-name").await.body;
    assert!(!ours.contains("class=\"editorial\""));
}

const SIC: &str = "<span class=\"sic\">[sic: 忆及]</span>";

/// The published words, then the note: a mark around them closes before it.
fn has_sic_after_published(html: &str) -> bool {
    html.contains(&format!("亿及{SIC}")) || html.contains(&format!("亿及</mark>{SIC}"))
}

/// Marks open and close in turn, and none holds a note.
fn marks_are_well_formed(html: &str) {
    let mut open = false;
    let mut rest = html;
    while let Some(i) = rest.find("mark>") {
        let closing = rest[..i].ends_with("</");
        assert_eq!(
            closing,
            open,
            "marks nest badly near {}",
            &rest[i.saturating_sub(40)..i]
        );
        open = !open;
        rest = &rest[i + 5..];
    }
    assert!(!open, "a mark is left open");
    for piece in html.split("<mark>").skip(1) {
        let inside = piece.split("</mark>").next().unwrap_or("");
        assert!(!inside.contains("sic"), "a note inside a mark: {inside}");
    }
}

#[tokio::test]
async fn errata_are_noted_beside_the_published_words() {
    let app = TestApp::shared().await;
    let para = app.get_ok(&format!("/sources/{SOURCE}/p/12")).await.body;
    assert!(has_sic_after_published(&para), "paragraph page");
    marks_are_well_formed(&para);
    // The text itself is still as published.
    assert!(para.contains("拉赫蒙亿及"));
    let source = app.get_ok(&format!("/sources/{SOURCE}")).await.body;
    assert!(has_sic_after_published(&source), "source page");
    assert_eq!(source.matches(SIC).count(), 1);
    marks_are_well_formed(&source);
    // Every record citing ¶12 shows the note in its quoted paragraph.
    let j = app.get_ok(&format!("/api/sources/{SOURCE}")).await.json();
    let citing = j["paragraphs"][11]["cited_by"].as_array().unwrap().clone();
    assert!(!citing.is_empty());
    for c in citing {
        let url = c["url"].as_str().unwrap();
        let page = app.get_ok(url).await.body;
        assert!(has_sic_after_published(&page), "{url}");
        marks_are_well_formed(&page);
    }
    // Searched for its reading, the paragraph marks the reading in the note.
    let searched = app
        .get_ok(&format!("/sources/{SOURCE}/p/12?q={}", enc("忆及")))
        .await
        .body;
    assert!(
        searched.contains("亿及<span class=\"sic\">[sic: <mark>忆及</mark>]</span>"),
        "{searched}"
    );
    // A paragraph without errata has no note.
    let p10 = app.get_ok(&format!("/sources/{SOURCE}/p/10")).await.body;
    assert!(!p10.contains("class=\"sic\""));
}

#[tokio::test]
async fn an_erratum_in_a_heading_is_noted_there() {
    let app = TestApp::with_appended(
        &format!("sources/{SOURCE}.toml"),
        "\n[[errata]]\nline = 13\npublished = \"点亮\"\nreading = \"点燃\"\n",
    )
    .await;
    let b = app.get_ok(&format!("/sources/{SOURCE}")).await.body;
    assert!(
        b.contains(
            "<h2>一、继往开来，点亮<span class=\"sic\">[sic: 点燃]</span>“中国—中亚精神”</h2>"
        ),
        "{b}"
    );
}

#[tokio::test]
async fn kinds_come_back_from_the_database_typed() {
    let app = TestApp::new().await;
    let pool = summitkb::db::open_read_only(&app.db).await.unwrap();
    let counts = summitkb::db::queries::kind_counts(&pool).await.unwrap();
    assert_eq!(counts.len(), Kind::ALL.len());
    for kind in Kind::ALL {
        let rows = summitkb::db::queries::records_of_kind(&pool, kind)
            .await
            .unwrap();
        assert!(!rows.is_empty(), "{kind:?}");
        assert!(rows.iter().all(|r| r.kind == kind), "{kind:?}");
    }
}

/// The `data-paragraph` of each quoted paragraph on a record page.
fn quoted_paragraphs(html: &str) -> Vec<&str> {
    html.split("<figure class=\"citation\" data-paragraph=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

#[tokio::test]
async fn a_record_page_quotes_each_cited_paragraph_once_with_all_its_spans() {
    let app = TestApp::shared().await;
    // The treaty cites two spans of ¶15, the declaration two of ¶6.
    for (url, p) in [
        ("/agreements/treaty-permanent-good-neighborliness", "p15"),
        ("/agreements/astana-declaration", "p6"),
    ] {
        let b = app.get_ok(url).await.body;
        let quoted = quoted_paragraphs(&b);
        let here: Vec<&&str> = quoted
            .iter()
            .filter(|q| q.ends_with(&format!("#{p}")))
            .collect();
        assert_eq!(here.len(), 1, "{url}: {quoted:?}");
        let api = app
            .get_ok(&format!(
                "/api/records/agreement/{}",
                url.rsplit('/').next().unwrap()
            ))
            .await
            .json();
        let spans: Vec<String> = api["citations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| format!("p{}", c["paragraph"]) == p)
            .map(|c| c["span"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            spans.len() >= 2,
            "{url} cites {p} more than once: {spans:?}"
        );
        for s in &spans {
            // Each span is marked, whole or in parts merged with a neighbour.
            let first: String = s.chars().take(6).collect();
            assert!(b.contains(&format!("<mark>{first}")), "{url}: {s} marked");
        }
    }
    // No record page anywhere quotes a paragraph twice.
    for kind in Kind::ALL {
        let api = app
            .get_ok(&format!("/api/records/{}", kind.as_str()))
            .await
            .json();
        for r in api["records"].as_array().unwrap() {
            let url = r["url"].as_str().unwrap();
            let b = app.get_ok(url).await.body;
            let mut quoted = quoted_paragraphs(&b);
            assert!(!quoted.is_empty(), "{url}");
            let n = quoted.len();
            quoted.sort_unstable();
            quoted.dedup();
            assert_eq!(quoted.len(), n, "{url} quotes a paragraph twice");
        }
    }
}

/// The paragraph numbers of each result's ¶ links on a search page.
fn result_paragraph_links(html: &str) -> Vec<Vec<i64>> {
    html.split("<p class=\"cites\">")
        .skip(1)
        .map(|s| {
            let line = s.split("</p>").next().unwrap();
            line.split(">¶")
                .skip(1)
                .map(|x| x.split('<').next().unwrap().parse().unwrap())
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn search_results_link_each_cited_paragraph_once_in_order() {
    let app = TestApp::shared().await;
    let mut checked = 0;
    for q in ["合作", "铁路", "峰会", "中亚", "宣言", "习近平"] {
        let b = app.get_ok(&format!("/search?q={}", enc(q))).await.body;
        for links in result_paragraph_links(&b) {
            assert!(
                links.windows(2).all(|w| w[0] < w[1]),
                "{q}: ¶ links {links:?} repeated or out of order"
            );
            checked += links.len();
        }
    }
    assert!(checked > 50, "only {checked} links checked");
    // The JSON keeps every citation with its span.
    let api = app
        .get_ok(&format!("/api/search?q={}", enc("阿斯塔纳宣言")))
        .await
        .json();
    let first = &api["results"][0];
    assert_eq!(first["slug"], "astana-declaration");
    assert!(first["citations"].as_array().unwrap().len() > 2);
}

/// The record links of each row of a list page's table, in order.
fn table_rows(html: &str) -> Vec<&str> {
    html.split("<tr><th scope=\"row\"><a href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

#[tokio::test]
async fn list_pages_are_tables_sorted_by_links() {
    let app = TestApp::shared().await;
    let b = app.get_ok("/agreements?group=none").await.body;
    assert!(b.contains("<table class=\"list\">"));
    for col in ["形式", "进展", "时间", "缔约方"] {
        assert!(
            b.contains("<th scope=\"col\"><a href=\"/agreements?group=none&#38;sort="),
            "sort links"
        );
        assert!(b.contains(col), "{col} column");
    }
    let source_order = table_rows(&b);
    assert_eq!(source_order.len(), 8);
    assert_eq!(source_order[0], "/agreements/astana-declaration");

    // By date, newest first: dated agreements before undated ones, whatever the direction.
    let desc = app
        .get_ok("/agreements?group=none&sort=date&dir=desc")
        .await
        .body;
    assert!(desc.contains("aria-sort=\"descending\""));
    let rows = table_rows(&desc);
    assert_eq!(rows.len(), 8);
    let api = app.get_ok("/api/records/agreement").await.json();
    let mut dated = Vec::new();
    for r in api["records"].as_array().unwrap() {
        let rec = app
            .get_ok(&format!(
                "/api/records/agreement/{}",
                r["slug"].as_str().unwrap()
            ))
            .await
            .json();
        if let Some(d) = rec["fields"]["date"].as_str() {
            dated.push((d.to_owned(), rec["url"].as_str().unwrap().to_owned()));
        }
    }
    assert!(!dated.is_empty());
    for (i, url) in rows.iter().enumerate() {
        let is_dated = dated.iter().any(|(_, u)| u == url);
        assert_eq!(is_dated, i < dated.len(), "{url} at {i}: dated rows first");
    }
    // The active column's link turns the order round.
    assert!(desc.contains("href=\"/agreements?group=none&#38;sort=date\""));
    let asc = app.get_ok("/agreements?group=none&sort=date").await.body;
    assert!(asc.contains("aria-sort=\"ascending\""));
    assert!(asc.contains("href=\"/agreements?group=none&#38;sort=date&#38;dir=desc\""));

    // Figures sort by value as numbers, not as text.
    let figs = app.get_ok("/figures?sort=value").await.body;
    let cells: Vec<f64> = figs
        .split("<tr><th scope=\"row\">")
        .skip(1)
        .filter_map(|row| {
            // Columns: original, value, unit, period, countries.
            let tds: Vec<&str> = row
                .split("<td>")
                .skip(1)
                .map(|t| t.split("</td>").next().unwrap())
                .collect();
            tds.get(1).and_then(|v| v.parse().ok())
        })
        .collect();
    assert!(cells.len() > 5, "{cells:?}");
    assert!(cells.windows(2).all(|w| w[0] <= w[1]), "{cells:?}");

    // Every kind's list is a table with a sort link on every column.
    for kind in Kind::ALL {
        let b = app.get_ok(&format!("/{}", kind.plural())).await.body;
        assert!(b.contains("<table class=\"list\">"), "{kind:?}");
        assert!(b.contains("sort=title"), "{kind:?}");
    }
}

#[tokio::test]
async fn a_list_is_grouped_once_with_the_other_grouping_a_switch() {
    let app = TestApp::shared().await;
    let b = app.get_ok("/projects").await.body;
    let rows = table_rows(&b);
    let api = app.get_ok("/api/records/project").await.json();
    let n = api["records"].as_array().unwrap().len();
    // By sector, each project once: no second copy by country.
    assert_eq!(rows.len(), n, "each project once");
    assert!(b.contains("<strong aria-current=\"true\">领域"));
    assert!(b.contains("href=\"/projects?group=country\""));
    assert!(b.contains("href=\"/projects?group=none\""));
    assert!(!b.contains("c-china"), "no by-country copy");

    let by_country = app.get_ok("/projects?group=country").await.body;
    assert!(by_country.contains("<tbody id=\"c-china\">"));
    assert!(by_country.contains("<strong aria-current=\"true\">国家"));
    assert!(
        by_country.contains("href=\"/projects\""),
        "back to the default"
    );
    assert!(
        !by_country.contains("<tbody id=\"g1\">"),
        "not also by sector"
    );

    let none = app.get_ok("/projects?group=none").await.body;
    assert_eq!(table_rows(&none).len(), n);
    assert!(!none.contains("class=\"group\""));
}

#[tokio::test]
async fn bad_list_parameters_are_named_not_a_server_error() {
    let app = TestApp::shared().await;
    for (q, says) in [
        ("sort=colour", "colour"),
        ("group=planet", "planet"),
        ("dir=sideways", "sideways"),
        ("sort=%3Cscript%3E", "&#60;script&#62;"),
    ] {
        let res = app.get(&format!("/agreements?{q}")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{q}");
        assert!(res.body.contains("class=\"problem\""), "{q}");
        assert!(res.body.contains(says), "{q} named");
        assert!(!res.body.contains("<script>"), "{q} escaped");
        assert_eq!(table_rows(&res.body).len(), 8, "{q}: the default view");
    }
}

#[tokio::test]
async fn afghanistan_is_never_listed_as_a_party() {
    let app = TestApp::shared().await;
    let home = app.get_ok("/").await.body;
    let countries = home
        .split("<h2 id=\"countries\">")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    let (parties, mentioned) = countries
        .split_once("id=\"mentioned\"")
        .expect("mentioned apart");
    assert!(!parties.contains("/countries/afghanistan"), "{parties}");
    assert_eq!(parties.matches("<li>").count(), 6, "the six participants");
    assert!(mentioned.contains("/countries/afghanistan"));

    // On the agreements table the declaration's parties leave it out; it is
    // in the column of countries only mentioned.
    let b = app.get_ok("/agreements?group=none").await.body;
    let row = b
        .split("<tr><th scope=\"row\"><a href=\"/agreements/astana-declaration\"")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    let tds: Vec<&str> = row.split("<td>").skip(1).collect();
    let parties_col = tds.len() - 2;
    assert!(!tds[parties_col].contains("afghanistan"), "{row}");
    assert!(tds[parties_col].contains("/countries/china"));
    assert!(tds[parties_col + 1].contains("/countries/afghanistan"));
    // Grouped by country, no group for a country that is only mentioned.
    for kind in ["agreements", "initiatives", "projects"] {
        let b = app.get_ok(&format!("/{kind}?group=country")).await.body;
        assert!(!b.contains("id=\"c-afghanistan\""), "{kind}");
    }
}

#[tokio::test]
async fn home_lists_and_source_say_what_the_source_covers() {
    let app = TestApp::shared().await;
    let home = app.get_ok("/").await.body;
    let agreements = app.get_ok("/api/records/agreement").await.json()["records"]
        .as_array()
        .unwrap()
        .len();
    for (url, count) in [
        ("/".to_owned(), None),
        ("/agreements".to_owned(), Some(agreements)),
        (format!("/sources/{SOURCE}"), None),
    ] {
        let b = if url == "/" {
            home.clone()
        } else {
            app.get_ok(&url).await.body
        };
        let scope = b
            .split("<aside class=\"scope\"")
            .nth(1)
            .unwrap_or_else(|| panic!("{url} states its scope"));
        let scope = scope.split("</aside>").next().unwrap();
        assert!(scope.contains("不是峰会成果的官方清单或完整清单"), "{url}");
        assert!(scope.contains("not the official or complete list"), "{url}");
        assert!(
            scope.contains("百余项合作成果"),
            "{url} quotes the source's count"
        );
        assert!(
            scope.contains(&format!("/sources/{SOURCE}/p/2")),
            "{url} cites ¶2"
        );
        if let Some(n) = count {
            assert!(scope.contains(&format!("本页 {n} 项")), "{url}");
        } else {
            assert!(
                scope.contains(&format!("协议与文件</a> {agreements}")),
                "{url}"
            );
        }
    }
}

#[tokio::test]
async fn the_map_shades_the_countries_apart_and_mentions_apart() {
    let app = TestApp::shared().await;
    let svg = app.get_ok("/map.svg").await.body;
    let class_of = |slug: &str| {
        svg.split(&format!("<a href=\"/countries/{slug}\">"))
            .nth(1)
            .and_then(|s| s.split("class=\"").nth(1))
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("{slug} on the map"))
            .to_owned()
    };
    let six: Vec<String> = [
        "china",
        "kazakhstan",
        "kyrgyzstan",
        "tajikistan",
        "turkmenistan",
        "uzbekistan",
    ]
    .iter()
    .map(|c| class_of(c))
    .collect();
    let mut distinct = six.clone();
    distinct.sort();
    distinct.dedup();
    assert!(distinct.len() >= 3, "the six are told apart: {six:?}");
    assert!(six.iter().all(|c| c.starts_with("shade-")));
    assert_eq!(class_of("afghanistan"), "mentioned");
    let page = app.get_ok("/map").await.body;
    assert!(page.contains(
        "<span class=\"in-light\">颜色越深</span><span class=\"in-dark\">颜色越亮</span>"
    ));
    assert!(page.contains("class=\"scroll-hint\""));
}
