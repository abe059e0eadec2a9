//! The English edition at `/en/…`: every page kind answers in English, its
//! links stay in the edition, its text outside `lang="zh-…"` elements holds
//! no Chinese, and the language switch and `hreflang` alternates name the
//! same page in the other edition.

use std::collections::{BTreeSet, VecDeque};

use scraper::{ElementRef, Html, Node, Selector};

use crate::helpers::{TestApp, enc};
use summitkb::db::queries;
use summitkb::model::Kind;

/// One page of every kind, in the English edition.
const PAGE_KINDS: &[&str] = &[
    "/en/",
    "/en/agreements",
    "/en/projects",
    "/en/initiatives",
    "/en/events",
    "/en/figures",
    "/en/quotes",
    "/en/people",
    "/en/countries",
    "/en/organizations",
    "/en/projects/china-kyrgyzstan-uzbekistan-railway",
    "/en/agreements/astana-declaration",
    "/en/quotes/xi-history-cannot-go-backward",
    "/en/sources",
    "/en/sources/wang-yi-2025-china-central-asia-summit",
    "/en/sources/wang-yi-2025-china-central-asia-summit/p/10",
    "/en/search",
    "/en/search?q=railway",
    "/en/map",
    "/en/timeline",
    "/en/commitments",
];

fn is_han(c: char) -> bool {
    summitkb::web::lang::is_han(c)
}

/// Whether an element or one of its ancestors says it is Chinese.
fn in_chinese(el: ElementRef) -> bool {
    std::iter::once(el)
        .chain(el.ancestors().filter_map(ElementRef::wrap))
        .find_map(|e| e.value().attr("lang"))
        .is_some_and(|l| l.starts_with("zh"))
}

/// Text of the page a reader reads (not scripts or styles) that holds Han
/// characters outside any element marked Chinese, with the element's name.
pub(crate) fn chinese_outside_zh(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut found = Vec::new();
    for node in doc.tree.nodes() {
        let Node::Text(text) = node.value() else {
            continue;
        };
        if !text.chars().any(is_han) {
            continue;
        }
        let Some(parent) = node.parent().and_then(ElementRef::wrap) else {
            continue;
        };
        if matches!(parent.value().name(), "script" | "style") || in_chinese(parent) {
            continue;
        }
        found.push(format!("<{}>{}", parent.value().name(), text.trim()));
    }
    // Attributes a reader meets: titles, labels, placeholders, alt texts.
    let any = Selector::parse("[title], [aria-label], [placeholder], [alt]").unwrap();
    for el in doc.select(&any) {
        for name in ["title", "aria-label", "placeholder", "alt"] {
            if let Some(v) = el.value().attr(name)
                && v.chars().any(is_han)
                && !in_chinese(el)
            {
                found.push(format!("<{} {name}=\"{v}\">", el.value().name()));
            }
        }
    }
    found
}

fn attr_values(html: &str, selector: &str, attr: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(selector).unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

fn html_lang(html: &str) -> Option<String> {
    attr_values(html, "html", "lang").into_iter().next()
}

/// The site-relative part of an address, without its fragment.
fn local(href: &str, base: &str) -> Option<String> {
    let href = href.strip_prefix(base).unwrap_or(href);
    let href = href.split('#').next()?;
    (href.starts_with('/') && !href.starts_with("//")).then(|| href.to_owned())
}

#[tokio::test]
async fn every_page_kind_answers_in_english() {
    let app = TestApp::shared().await;
    for uri in PAGE_KINDS {
        let res = app.get_ok(uri).await;
        assert_eq!(html_lang(&res.body).as_deref(), Some("en"), "{uri}");
        let zh = uri.strip_prefix("/en").unwrap();
        let zh = if zh.is_empty() { "/" } else { zh };
        let res = app.get_ok(zh).await;
        assert_eq!(html_lang(&res.body).as_deref(), Some("zh-Hans"), "{zh}");
    }
}

/// Crawls the English edition from `/en/` by every link, and holds each
/// page to the edition's promises: it answers 200 in English, its links
/// to pages stay under `/en/`, and no Chinese is left outside elements
/// marked Chinese, which is how the interface is known to be English.
#[tokio::test]
async fn the_crawled_english_edition_is_english_throughout() {
    let app = TestApp::shared().await;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<String> = PAGE_KINDS.iter().map(|s| (*s).to_owned()).collect();
    let mut problems: Vec<String> = Vec::new();
    while let Some(uri) = queue.pop_front() {
        if !seen.insert(uri.clone()) {
            continue;
        }
        let res = app.get(&uri).await;
        assert_eq!(res.status, 200, "{uri} (linked from the English edition)");
        if !res.content_type().starts_with("text/html") {
            continue;
        }
        assert_eq!(html_lang(&res.body).as_deref(), Some("en"), "{uri}");
        for text in chinese_outside_zh(&res.body) {
            problems.push(format!("{uri}: {text}"));
        }
        for href in attr_values(&res.body, "a[href], form[action]", "href")
            .into_iter()
            .chain(attr_values(&res.body, "form[action]", "action"))
        {
            let Some(path) = local(&href, "") else {
                continue;
            };
            // The switch names the Chinese page on purpose; files, feeds,
            // JSON and plain-text citations have one edition.
            let elsewhere = ["/static/", "/api", "/feeds/", "/map.svg"]
                .iter()
                .any(|p| path.starts_with(p))
                || path.contains("/cite")
                || path.ends_with("/annotations");
            if elsewhere {
                continue;
            }
            if !path.starts_with("/en/") {
                let switch = attr_values(&res.body, "a[hreflang=\"zh-Hans\"]", "href");
                assert!(
                    switch.contains(&href),
                    "{uri} links out of the English edition to {href}"
                );
                continue;
            }
            if !seen.contains(&path) {
                queue.push_back(path);
            }
        }
    }
    assert!(seen.len() > 150, "crawled only {} pages", seen.len());
    assert!(
        problems.is_empty(),
        "{} texts in Chinese outside lang=\"zh-Hans\":\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[tokio::test]
async fn the_switch_and_the_alternates_name_the_same_page() {
    let app = TestApp::shared().await;
    for uri in ["/en/", "/en/projects?sort=status", "/en/search?q=railway"] {
        let zh = uri.replacen("/en", "", 1);
        for (page, other, other_lang) in [(uri, zh.as_str(), "zh-Hans"), (&zh, uri, "en")] {
            let res = app.get_ok(page).await;
            let switch = attr_values(
                &res.body,
                &format!("nav a[hreflang=\"{other_lang}\"]"),
                "href",
            );
            assert_eq!(switch, [other.to_owned()], "the switch on {page}");
            assert_eq!(app.get(other).await.status, 200, "{other}");
            let alternates = attr_values(&res.body, "link[rel=alternate][hreflang]", "href");
            let langs = attr_values(&res.body, "link[rel=alternate][hreflang]", "hreflang");
            assert_eq!(langs, ["zh-Hans", "en", "x-default"], "{page}");
            for a in &alternates {
                let path = local(a, "https://kb.example").unwrap_or_else(|| a.clone());
                let path = local(&path, "").unwrap_or_else(|| panic!("{a} on {page}"));
                assert_eq!(app.get(&path).await.status, 200, "{a} on {page}");
            }
            assert!(
                alternates.iter().any(|a| a.ends_with(&zh)),
                "{page}: {alternates:?}"
            );
        }
    }
}

/// The page for the railway record, and its English summary from the
/// database: what the English search and record page must show.
async fn railway(app: &TestApp) -> (String, String) {
    let pool = summitkb::db::open_read_only(&app.db).await.unwrap();
    let r = queries::record_by_kind_and_slug(
        &pool,
        Kind::Project,
        "china-kyrgyzstan-uzbekistan-railway",
    )
    .await
    .unwrap()
    .expect("the railway record");
    (
        format!("/en/projects/{}", r.slug),
        r.summary_en.expect("an English summary"),
    )
}

/// The first words of a summary.
fn opening(summary: &str) -> String {
    let words: Vec<&str> = summary.split_whitespace().take(6).collect();
    words.join(" ")
}

/// A page's text as a reader reads it, its spaces collapsed.
fn text_of(html: &str) -> String {
    let doc = Html::parse_document(html);
    let text: String = doc.root_element().text().collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn english_search_puts_the_railway_first_with_its_english_summary() {
    let app = TestApp::shared().await;
    let (url, summary) = railway(app).await;
    let q = "China-Kyrgyzstan-Uzbekistan railway";
    let res = app.get_ok(&format!("/en/search?q={}", enc(q))).await;
    let doc = Html::parse_document(&res.body);
    let first = doc
        .select(&Selector::parse("ol.results > li").unwrap())
        .next()
        .expect("a result");
    let html = first.html();
    let link = first
        .select(&Selector::parse("h2 a").unwrap())
        .next()
        .and_then(|a| a.value().attr("href"))
        .unwrap();
    assert_eq!(link, url);
    // The snippet is a window of the English summary in the database.
    let snippet: String = first
        .select(&Selector::parse("p.snippet").unwrap())
        .next()
        .expect("a snippet")
        .text()
        .collect();
    let window = snippet.trim().trim_matches('…');
    assert!(
        window.len() > 40 && summary.contains(window),
        "{window:?} in {summary:?}"
    );
    assert!(
        html.contains("<mark>"),
        "the English match is marked: {html}"
    );
    let cites = first
        .select(&Selector::parse("p.cites a").unwrap())
        .filter_map(|a| a.value().attr("href"))
        .collect::<Vec<_>>();
    assert!(
        cites
            .iter()
            .any(|c| c.starts_with("/en/sources/") && c.contains("/p/10")),
        "{cites:?}"
    );
    assert!(
        res.body.contains("results") || res.body.contains("result"),
        "English count"
    );
    assert!(chinese_outside_zh(&res.body).is_empty());
    // A facet keeps the search in English.
    let facets = attr_values(&res.body, ".facets a", "href");
    assert!(
        !facets.is_empty() && facets.iter().all(|f| f.starts_with("/en/search?")),
        "{facets:?}"
    );
}

#[tokio::test]
async fn the_english_record_and_paragraph_show_the_english_summary() {
    let app = TestApp::shared().await;
    let (url, summary) = railway(app).await;
    let res = app.get_ok(&url).await;
    assert!(text_of(&res.body).contains(&opening(&summary)), "{url}");
    let p = app
        .get_ok("/en/sources/wang-yi-2025-china-central-asia-summit/p/10?from=china-kyrgyzstan-uzbekistan-railway")
        .await;
    assert!(
        text_of(&p.body).contains(&opening(&summary)),
        "the paragraph lists it in English"
    );
    // The marked words are the source's, in Chinese and marked so.
    let doc = Html::parse_document(&p.body);
    let mark = doc
        .select(&Selector::parse("section.para mark").unwrap())
        .next()
        .expect("the supporting words are marked");
    assert!(in_chinese(mark));
    let source = app
        .get_ok("/en/sources/wang-yi-2025-china-central-asia-summit")
        .await;
    assert!(
        text_of(&source.body).contains(&opening(&summary)),
        "the source lists it beside ¶10"
    );
}

#[tokio::test]
async fn an_unknown_english_address_is_an_english_404() {
    let app = TestApp::shared().await;
    for uri in [
        "/en/no-such-kind",
        "/en/projects/no-such-project",
        "/en/sources/x/p/1",
        "/en/a/b/c/d",
    ] {
        let res = app.get(uri).await;
        assert_eq!(res.status, 404, "{uri}");
        assert_eq!(html_lang(&res.body).as_deref(), Some("en"), "{uri}");
        assert!(res.body.contains("Not found"), "{uri}");
        assert!(chinese_outside_zh(&res.body).is_empty(), "{uri}");
        let home = attr_values(&res.body, "main a", "href");
        assert!(home.contains(&"/en/".to_owned()), "{uri}: {home:?}");
    }
    let res = app.get("/no-such-kind").await;
    assert_eq!(html_lang(&res.body).as_deref(), Some("zh-Hans"));
}

#[tokio::test]
async fn a_bad_parameter_is_an_english_400_page() {
    let app = TestApp::shared().await;
    let res = app.get("/en/projects?sort=nonsense&dir=sideways").await;
    assert_eq!(res.status, 400);
    assert_eq!(html_lang(&res.body).as_deref(), Some("en"));
    assert!(
        res.body.contains("cannot be sorted by “nonsense”"),
        "{}",
        res.body
    );
    assert!(res.body.contains("Showing the default view."));
    assert!(
        chinese_outside_zh(&res.body).is_empty(),
        "{:?}",
        chinese_outside_zh(&res.body)
    );
}

/// A page number out of range, on a list and on search, is refused in English.
#[tokio::test]
async fn a_bad_page_is_refused_in_english() {
    let app = TestApp::shared().await;
    for url in ["/en/projects?page=x", "/en/search?q=railway&page=99"] {
        let res = app.get(url).await;
        assert_eq!(res.status, 400, "{url}");
        assert!(
            res.body.contains("There is no page “"),
            "{url}: {}",
            res.body
        );
        assert!(
            chinese_outside_zh(&res.body).is_empty(),
            "{url}: {:?}",
            chinese_outside_zh(&res.body)
        );
    }
}

#[tokio::test]
async fn the_editions_are_cached_apart() {
    let app = TestApp::shared().await;
    let en = app.get_ok("/en/map").await;
    let zh = app.get_ok("/map").await;
    let tag = |r: &crate::helpers::TestResponse| r.headers["etag"].to_str().unwrap().to_owned();
    assert_ne!(tag(&en), tag(&zh));
    assert_eq!(en.headers["cache-control"], zh.headers["cache-control"]);
    // Asked again, the English page is the same answer, and revalidates.
    let again = app.get_ok("/en/map").await;
    assert_eq!(again.body, en.body);
    let not_modified = app
        .get_with("/en/map", &[("if-none-match", &tag(&en))])
        .await;
    assert_eq!(not_modified.status, 304);
    let stale = app
        .get_with("/en/map", &[("if-none-match", &tag(&zh))])
        .await;
    assert_eq!(stale.status, 200);
    assert_eq!(html_lang(&stale.body).as_deref(), Some("en"));
}

#[tokio::test]
async fn en_alone_leads_to_the_english_home() {
    let app = TestApp::shared().await;
    let res = app.get("/en").await;
    assert_eq!(res.status, 308);
    assert_eq!(res.headers["location"], "/en/");
}
