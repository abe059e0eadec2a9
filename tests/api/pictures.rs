//! The map and the timeline: valid SVG with titles for screen readers, every
//! mark a link to a page that exists, built from the data alone.

use crate::helpers::{TestApp, copy_dir, seeds_dir};
use summitkb::model::FieldName;

/// Every `<svg>…</svg>` in a page, parsed as XML; panics if one is not.
fn svgs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").expect("closed svg") + start + "</svg>".len();
        out.push(rest[start..end].to_owned());
        rest = &rest[end..];
    }
    out
}

/// Checks an SVG is well-formed, titled and described, and returns the
/// targets of its links.
fn check_svg(svg: &str) -> Vec<String> {
    let doc =
        roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("SVG is not valid XML: {e}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let child = |name: &str| {
        root.children()
            .find(|n| n.tag_name().name() == name)
            .and_then(|n| n.text())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(!child("title").is_empty(), "svg without a title");
    assert!(
        child("desc").chars().count() > 20,
        "svg without a description"
    );
    let labelled = root.attribute("aria-labelledby").unwrap_or_default();
    for id in labelled.split_whitespace() {
        assert!(
            doc.descendants().any(|n| n.attribute("id") == Some(id)),
            "aria-labelledby names missing id {id}"
        );
    }
    doc.descendants()
        .filter(|n| n.tag_name().name() == "a")
        .map(|n| {
            // Every link carries a title, its accessible name.
            assert!(
                n.children().any(|c| c.tag_name().name() == "title"),
                "link without a title"
            );
            n.attribute("href").expect("link has href").to_owned()
        })
        .collect()
}

async fn assert_links_resolve(app: &TestApp, hrefs: &[String]) {
    for href in hrefs {
        app.get_ok(href).await;
    }
}

#[tokio::test]
async fn map_is_valid_svg_and_links_every_country_and_cross_border_project() {
    let app = TestApp::new().await;
    let page = app.get_ok("/map").await;
    let svg = &svgs(&page.body)[0];
    let hrefs = check_svg(svg);
    assert_links_resolve(&app, &hrefs).await;
    for country in [
        "china",
        "kazakhstan",
        "kyrgyzstan",
        "tajikistan",
        "turkmenistan",
        "uzbekistan",
    ] {
        assert!(
            hrefs.contains(&format!("/countries/{country}")),
            "{country} not linked"
        );
    }
    for project in [
        "china-kyrgyzstan-uzbekistan-railway",
        "china-kazakhstan-third-cross-border-railway",
        "china-tajikistan-highway-phase-2",
        "beijing-dushanbe-direct-flight",
    ] {
        assert!(
            hrefs.contains(&format!("/projects/{project}")),
            "{project} not drawn"
        );
    }
    // Region-wide programmes are listed, not drawn as six-way lines.
    assert!(!hrefs.contains(&"/projects/china-europe-railway-express".to_owned()));
    assert!(
        page.body
            .contains(r#"href="/projects/china-europe-railway-express""#)
    );
    // The text alternative repeats the drawn projects with their countries.
    assert!(page.body.contains("中吉乌铁路</a> <span class=\"en\" lang=\"en\">China–Kyrgyzstan–Uzbekistan Railway</span>：中国—吉尔吉斯斯坦—乌兹别克斯坦"));
}

#[tokio::test]
async fn standalone_map_svg_is_the_same_picture() {
    let app = TestApp::new().await;
    let res = app.get_ok("/map.svg").await;
    assert!(res.content_type().starts_with("image/svg+xml"));
    let page = app.get_ok("/map").await;
    assert_eq!(svgs(&res.body)[0], svgs(&page.body)[0]);
    check_svg(&res.body);
}

#[tokio::test]
async fn home_page_shows_the_map_and_every_page_links_map_and_timeline() {
    let app = TestApp::new().await;
    let home = app.get_ok("/").await;
    check_svg(&svgs(&home.body)[0]);
    let search = format!("/search?q={}", crate::helpers::enc("铁路"));
    for uri in [
        "/",
        "/projects",
        "/projects/china-kyrgyzstan-uzbekistan-railway",
        "/sources",
        &search,
        "/map",
        "/timeline",
    ] {
        let body = app.get_ok(uri).await.body;
        assert!(
            body.contains(r#"<a href="/map">"#),
            "{uri} lacks the map link"
        );
        assert!(
            body.contains(r#"<a href="/timeline">"#),
            "{uri} lacks the timeline link"
        );
    }
}

#[tokio::test]
async fn a_new_project_between_two_countries_appears_on_the_map() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("seeds");
    copy_dir(&seeds_dir(), &seeds);
    let projects = seeds.join("records/projects.toml");
    let mut text = std::fs::read_to_string(&projects).unwrap();
    text.push_str(
        r#"
[[project]]
slug = "kazakhstan-uzbekistan-test-link"
title = "哈乌测试项目"
english = "Kazakhstan–Uzbekistan test link"
english_basis = "translation"
summary = "为测试而加的项目。"
summary_en = "A project added for the test."
summary_en_basis = "translation"
sector = "测试"
sector_en = "Test"
fields_en_basis = "translation"
status = "测试"
countries = ["kazakhstan", "uzbekistan"]
cite = [{ p = 10, span = "一致同意高质量推进中吉乌铁路建设" }]
"#,
    );
    std::fs::write(&projects, text).unwrap();
    let app = TestApp::with_seeds(&seeds).await;
    let page = app.get_ok("/map").await;
    let hrefs = check_svg(&svgs(&page.body)[0]);
    assert!(hrefs.contains(&"/projects/kazakhstan-uzbekistan-test-link".to_owned()));
    assert!(page.body.contains("哈乌测试项目</a> <span class=\"en\" lang=\"en\">Kazakhstan–Uzbekistan test link</span>：哈萨克斯坦—乌兹别克斯坦"));
    assert_links_resolve(&app, &hrefs).await;
}

#[tokio::test]
async fn timeline_holds_every_dated_record_marked_stated_or_derived() {
    let app = TestApp::new().await;
    let page = app.get_ok("/timeline").await;
    let svg = &svgs(&page.body)[0];
    let hrefs = check_svg(svg);
    assert_links_resolve(&app, &hrefs).await;

    let seeds = summitkb::seeds::load(&seeds_dir()).unwrap();
    let dated: Vec<_> = seeds
        .records
        .iter()
        .filter(|r| r.field(FieldName::Date).is_some())
        .collect();
    assert!(dated.len() >= 15, "only {} dated records", dated.len());
    assert_eq!(hrefs.len(), dated.len(), "one mark per dated record");
    for r in &dated {
        let url = format!("/{}/{}", r.kind.plural(), r.slug);
        assert!(hrefs.contains(&url), "{url} has no mark");
        assert!(
            page.body.contains(&format!(r#"<a href="{url}">"#)),
            "{url} not listed"
        );
        if let Some(d) = r.field(FieldName::Derivation) {
            assert_eq!(r.field(FieldName::DateBasis), Some("derived"));
            let shown = d.replace('“', "&#8220;").replace('”', "&#8221;");
            assert!(
                page.body.contains(d) || page.body.contains(&shown),
                "derivation of {} not shown",
                r.slug
            );
        }
    }
    // In order: the Silk Road Economic Belt (2013) before the first summit
    // (2023) before the third (2027).
    let at = |needle: &str| page.body.find(needle).unwrap_or_else(|| panic!("{needle}"));
    assert!(
        at("/initiatives/silk-road-economic-belt\">")
            < at("/events/first-china-central-asia-summit\">")
    );
    assert!(
        at("/events/first-china-central-asia-summit\">")
            < at("/events/third-china-central-asia-summit\">")
    );
    assert!(page.body.contains("2025 − 12 = 2013"));
}

#[tokio::test]
async fn record_pages_show_date_basis_and_derivation() {
    let app = TestApp::new().await;
    let belt = app
        .get_ok("/initiatives/silk-road-economic-belt")
        .await
        .body;
    assert!(belt.contains("2013年"));
    assert!(belt.contains("据原文推算 (derived)"));
    assert!(belt.contains("推算方法"));
    let summit = app
        .get_ok("/events/first-china-central-asia-summit")
        .await
        .body;
    assert!(summit.contains("原文所述 (stated)"));
}

/// The map's latest status by country, from `page`: the section's text.
fn map_status(page: &str) -> &str {
    let from = page
        .find("id=\"map-status\"")
        .expect("the map lists no latest status by country");
    let to = page[from..].find("</section>").unwrap() + from;
    &page[from..to]
}

#[tokio::test]
async fn the_map_lists_each_countrys_outcomes_with_their_latest_status() {
    let app = TestApp::shared().await;
    let page = app.get_ok("/map").await.body;
    let status = map_status(&page);
    // Every status today is the 2025-06-18 source's. Each country shows
    // its latest few (ties in the records' order) and links to the lists
    // of all its outcomes: the railway is on Kyrgyzstan's, with its status.
    let kyrgyzstan = &status[status.find("/countries/kyrgyzstan\"").unwrap()..];
    let kyrgyzstan = &kyrgyzstan[..kyrgyzstan.find("</div>").unwrap()];
    assert_eq!(
        kyrgyzstan.matches("<li>").count(),
        summitkb::pictures::MAP_SHOWN,
        "{kyrgyzstan}"
    );
    assert!(kyrgyzstan.contains("“六国元首共同签署” <time datetime=\"2025-06-18\">"));
    assert!(
        kyrgyzstan.contains("href=\"/projects?country=kyrgyzstan\""),
        "{kyrgyzstan}"
    );
    let projects = app.get_ok("/projects?country=kyrgyzstan").await.body;
    let railway = &projects[projects
        .find("<a href=\"/projects/china-kyrgyzstan-uzbekistan-railway\"")
        .expect("the railway is among Kyrgyzstan's projects")..];
    let railway = &railway[..railway.find("</tr>").unwrap()];
    assert!(
        railway.contains("高质量推进中吉乌铁路建设，力争早日建成"),
        "{railway}"
    );
    assert!(!status.contains("2025-12-27"));

    // A later source with a dated statement: the map shows that one.
    let seeds = super::history::railway_progress();
    let app = TestApp::with_seeds(&seeds.path()).await;
    let page = app.get_ok("/map").await.body;
    let status = map_status(&page);
    for country in ["kyrgyzstan", "uzbekistan"] {
        let at = &status[status.find(&format!("/countries/{country}\"")).unwrap()..];
        let at = &at[..at.find("</div>").unwrap()];
        assert!(
            at.contains("“主体工程正式开工” <time datetime=\"2025-12-27\">")
                && !at.contains("高质量推进中吉乌铁路建设，力争早日建成"),
            "{country}: {at}"
        );
    }
}

/// The status points on the timeline row that links `url`.
fn row_points(page: &str, url: &str) -> usize {
    let svg = &page[page.find("<svg").unwrap()..page.find("</svg>").unwrap()];
    let row = &svg[svg
        .find(&format!("<a href=\"{url}\">"))
        .unwrap_or_else(|| panic!("no row for {url}"))..];
    row[..row.find("</a>").unwrap()]
        .matches("class=\"status-point\"")
        .count()
}

#[tokio::test]
async fn the_timeline_marks_each_dated_status_statement_on_its_records_row() {
    const TIANJIN: &str = "/events/sco-tianjin-summit-2025";
    let app = TestApp::shared().await;
    let page = app.get_ok("/timeline").await.body;
    // Today every status is the one 2025-06-18 source's: one point per
    // dated record that has a status, none on a record without one.
    assert_eq!(row_points(&page, TIANJIN), 1);
    assert_eq!(row_points(&page, "/initiatives/silk-road-economic-belt"), 0);
    let points = page.matches("class=\"status-point\"").count();
    assert!(points >= 10, "{points}");
    assert!(page.contains("<title>进展 Status 2025-06-18：“筹办中”</title>"));

    // A later source states that the summit was held: two points, in order.
    let seeds = super::history::Seeds::copy();
    seeds.add_fixture("tianjin-summit-held", "2025-09-01");
    seeds.insert_after(
        "records/events.toml",
        "status = \"筹办中\"",
        "progress = [{ status = \"在天津闭幕\", date = \"2025-09-01\", cite = { source = \"tianjin-summit-held\", p = 1, span = \"2025年9月1日，上海合作组织天津峰会在天津闭幕\" } }]",
    );
    let app = TestApp::with_seeds(&seeds.path()).await;
    let page = app.get_ok("/timeline").await.body;
    assert_eq!(row_points(&page, TIANJIN), 2);
    let first = page.find("进展 Status 2025-06-18：“筹办中”").unwrap();
    let second = page.find("进展 Status 2025-09-01：“在天津闭幕”").unwrap();
    assert!(first < second);
    assert!(page.contains("<time datetime=\"2025-09-01\">2025-09-01</time>：“在天津闭幕”"));
    assert_eq!(points + 1, page.matches("class=\"status-point\"").count());
}
