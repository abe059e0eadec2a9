//! HTML list and search pages in pages of 50: every walk over the pages of
//! a list, under every sort, direction, grouping and facet, gives each
//! record once; on the real data every list is one page.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use summitkb::model::Kind;

use crate::helpers::TestApp;

/// The corpus the walks run on: ten copies of the real seeds, so lists run
/// to several pages (`SeedSet::scaled`).
const COPIES: usize = 10;

fn unescape(s: &str) -> String {
    s.replace("&#38;", "&").replace("&amp;", "&")
}

/// The `rel="next"` link of a page, if any.
fn next_link(html: &str) -> Option<String> {
    let at = html.find("<a rel=\"next\" href=\"")?;
    let rest = &html[at + "<a rel=\"next\" href=\"".len()..];
    Some(unescape(rest.split('"').next()?))
}

/// The rows of a list page's table: (group id, record address), in order.
fn list_entries(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for body in html.split("<tbody id=\"").skip(1) {
        let id = body.split('"').next().unwrap().to_owned();
        let body = body.split("</tbody>").next().unwrap();
        for row in body.split("<tr><th scope=\"row\"><a href=\"").skip(1) {
            out.push((id.clone(), row.split('"').next().unwrap().to_owned()));
        }
    }
    out
}

/// The size each group's heading names, by group id.
fn declared_totals(html: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for body in html.split("<tbody id=\"").skip(1) {
        let id = body.split('"').next().unwrap().to_owned();
        if let Some(h) = body.split("<tr class=\"group\">").nth(1) {
            let n = h.split("<span class=\"count\">").nth(1).unwrap();
            out.insert(id, n.split('<').next().unwrap().parse().unwrap());
        }
    }
    out
}

/// Every page of a walk, joined, for what the group headings say.
async fn page_totals(app: &TestApp, first: &str) -> String {
    let mut all = String::new();
    let mut url = Some(first.to_owned());
    while let Some(u) = url {
        let b = app.get_ok(&u).await.body;
        url = next_link(&b);
        all.push_str(&b);
    }
    all
}

/// The results of a search page, by address.
fn search_entries(html: &str) -> Vec<String> {
    html.split("<li class=\"result ")
        .skip(1)
        .filter_map(|r| r.split("<h2><a href=\"").nth(1))
        .map(|r| unescape(r.split('"').next().unwrap()))
        .collect()
}

/// Follows `rel="next"` from `first`, checking each page answers 200 and
/// links back with `rel="prev"`; the pages' entries in order.
async fn walk<T>(app: &TestApp, first: &str, entries: impl Fn(&str) -> Vec<T>) -> Vec<T> {
    let mut out = Vec::new();
    let mut url = Some(first.to_owned());
    let mut pages = 0;
    while let Some(u) = url {
        let b = app.get_ok(&u).await.body;
        let these = entries(&b);
        assert!(these.len() <= 50, "{u}: {} rows", these.len());
        assert!(pages == 0 || b.contains("rel=\"prev\""), "{u} links back");
        out.extend(these);
        url = next_link(&b);
        pages += 1;
        assert!(pages < 1000, "{first}: the pages never end");
    }
    out
}

/// The number in a list page's heading: how many records the kind has.
fn heading_count(html: &str) -> usize {
    let h1 = html
        .split("<h1>")
        .nth(1)
        .unwrap()
        .split("</h1>")
        .next()
        .unwrap();
    h1.split("<span class=\"count\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The sort links a list page offers (its column headers), each with and
/// without `dir=desc`, and the sources' order.
fn sorts(html: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    for h in html.split("<th scope=\"col\"").skip(1) {
        let href = unescape(
            h.split("href=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap(),
        );
        let sort = href
            .split(['?', '&'])
            .find(|p| p.starts_with("sort="))
            .unwrap()
            .to_owned();
        out.push(sort.clone());
        out.push(format!("{sort}&dir=desc"));
    }
    out
}

/// The groupings a list page offers, by their `group` value.
fn groupings(html: &str, plural: &str) -> Vec<String> {
    let nav = html.split("class=\"view-switch\"").nth(1).unwrap();
    let nav = nav.split("</nav>").next().unwrap();
    let mut out = vec![String::new()];
    for part in nav.split(&format!("href=\"/{plural}?group=")).skip(1) {
        let g = part.split(['"', '&']).next().unwrap().to_owned();
        if !out.contains(&g) {
            out.push(g);
        }
    }
    out
}

#[tokio::test]
async fn list_pages_give_each_record_once_under_every_sort_and_grouping() {
    let app = TestApp::scaled(COPIES).await;
    for kind in Kind::ALL {
        let plural = kind.plural();
        let first = app.get_ok(&format!("/{plural}")).await.body;
        let count = heading_count(&first);
        let groups = groupings(&first, plural);
        let mut walked_some_pages = false;
        for group in &groups {
            let base = if group.is_empty() {
                format!("/{plural}?")
            } else {
                format!("/{plural}?group={group}&")
            };
            let page = app.get_ok(&base).await.body;
            let mut set_of_records: Option<BTreeSet<String>> = None;
            for sort in sorts(&page) {
                let url = format!("{base}{sort}");
                let rows = walk(&app, &url, list_entries).await;
                walked_some_pages |= rows.len() > 50;
                let pairs: BTreeSet<&(String, String)> = rows.iter().collect();
                assert_eq!(pairs.len(), rows.len(), "{url}: a row repeated");
                let records: BTreeSet<String> = rows.iter().map(|r| r.1.clone()).collect();
                if group != "country" {
                    assert_eq!(rows.len(), count, "{url}: each record once");
                } else {
                    // Under each of its countries once, and every record
                    // under some group.
                    assert_eq!(records.len(), count, "{url}: every record");
                }
                // Every sort and direction pages through the same records.
                match &set_of_records {
                    None => set_of_records = Some(records),
                    Some(s) => assert_eq!(s, &records, "{url}"),
                }
                // Each group's rows stand together and add up to the count
                // the group names.
                let mut per_group: BTreeMap<&str, usize> = BTreeMap::new();
                let mut order: Vec<&str> = Vec::new();
                for (g, _) in &rows {
                    *per_group.entry(g).or_default() += 1;
                    if order.last() != Some(&g.as_str()) {
                        assert!(!order.contains(&g.as_str()), "{url}: group {g} split");
                        order.push(g);
                    }
                }
                for (g, declared) in &declared_totals(&page_totals(&app, &url).await) {
                    assert_eq!(
                        per_group.get(g.as_str()),
                        Some(declared),
                        "{url}: group {g}"
                    );
                }
            }
        }
        if count > 50 {
            assert!(walked_some_pages, "{plural}: {count} records on one page");
        }
    }
}

#[tokio::test]
async fn a_page_says_where_it_is_and_links_its_neighbours() {
    let app = TestApp::scaled(COPIES).await;
    let first = app.get_ok("/projects?group=none").await.body;
    let count = heading_count(&first);
    assert!(count > 100, "{count}");
    assert!(first.contains(&format!("第 1–50 条，共 {count} 条")));
    assert!(first.contains(&format!("1–50 of {count}")));
    assert!(first.contains("<link rel=\"next\" href=\"/projects?group=none&#38;page=2\">"));
    assert!(!first.contains("rel=\"prev\""));
    let second = app.get_ok("/projects?group=none&page=2").await.body;
    assert!(second.contains("第 51–100 条"));
    assert!(second.contains("<a rel=\"prev\" href=\"/projects?group=none\">"));
    // The sort and grouping carry over to the next page.
    let sorted = app.get_ok("/projects?sort=status&dir=desc").await.body;
    assert_eq!(
        next_link(&sorted).as_deref(),
        Some("/projects?sort=status&dir=desc&page=2")
    );
    // A group that starts on another page is linked there.
    let by_country = app.get_ok("/projects?group=country").await.body;
    assert!(
        by_country.contains("href=\"/projects?group=country&#38;page="),
        "chips link to the page a group starts on"
    );
}

#[tokio::test]
async fn a_page_out_of_range_or_malformed_is_a_400_naming_the_range() {
    let app = TestApp::scaled(COPIES).await;
    let last = {
        let b = app.get_ok("/projects?group=none").await.body;
        heading_count(&b).div_ceil(50)
    };
    let too_far = (last + 1).to_string();
    for bad in [
        "0",
        "-1",
        "abc",
        "01",
        "1.5",
        too_far.as_str(),
        "99999999999999999999",
    ] {
        for url in [
            format!("/projects?group=none&page={bad}"),
            format!("/search?q=%E9%93%81%E8%B7%AF&page={bad}"),
        ] {
            let res = app.get(&url).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{url}");
            assert!(res.body.contains("class=\"problem\""), "{url}");
            assert!(res.body.contains("pages run from 1 to "), "{url}");
        }
    }
    let res = app
        .get(&format!("/projects?group=none&page={too_far}"))
        .await;
    assert!(res.body.contains(&format!("pages run from 1 to {last}")));
    // The first page stands in.
    assert!(res.body.contains("第 1–50 条"));
    // Hostile values are escaped, not echoed.
    let res = app.get("/projects?page=%3Cscript%3E").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(!res.body.contains("<script>"));
}

#[tokio::test]
async fn search_pages_give_each_result_once_under_every_facet() {
    let app = TestApp::scaled(COPIES).await;
    for q in ["%E9%93%81%E8%B7%AF", "Kazakhstan", "%E5%B3%B0"] {
        let first_url = format!("/search?q={q}");
        let first = app.get_ok(&first_url).await.body;
        let total: usize = first
            .split("<p class=\"summary\">")
            .nth(1)
            .unwrap()
            .split("：")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(total > 50, "{q}: {total} results, one page");
        let mut urls = vec![first_url.clone()];
        // Every facet link, kind and country.
        for part in first.split("<a href=\"/search?q=").skip(1) {
            let href = unescape(part.split('"').next().unwrap());
            if href.contains("kind=") || href.contains("country=") {
                urls.push(format!("/search?q={href}"));
            }
        }
        assert!(urls.len() > 3, "{q}: facets");
        for url in urls {
            let page = app.get_ok(&url).await.body;
            let results = walk(&app, &url, search_entries).await;
            let set: BTreeSet<&String> = results.iter().collect();
            assert_eq!(set.len(), results.len(), "{url}: a result repeated");
            let shown: usize = page
                .split("条，共 ")
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap()
                .replace(',', "")
                .parse()
                .unwrap();
            assert_eq!(results.len(), shown.min(2000), "{url}: every result once");
        }
    }
}

#[tokio::test]
async fn on_the_real_data_every_list_is_one_page() {
    let app = TestApp::shared().await;
    for kind in Kind::ALL {
        let b = app.get_ok(&format!("/{}", kind.plural())).await.body;
        let n = heading_count(&b);
        assert!(n <= 50, "{kind:?}");
        assert!(b.contains(&format!("第 1–{n} 条，共 {n} 条")), "{kind:?}");
        assert!(!b.contains("rel=\"next\"") && !b.contains("rel=\"prev\""));
        assert!(!b.contains("class=\"pages\""), "{kind:?}: no page links");
        // Group chips jump within the page, as before.
        assert!(!b.contains("page="), "{kind:?}");
    }
    let res = app.get("/agreements?page=2").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("pages run from 1 to 1"));
    assert_eq!(app.get("/agreements?page=1").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_home_page_shows_the_top_of_each_group_and_links_the_rest() {
    let real = TestApp::shared().await;
    let home = real.get_ok("/").await.body;
    assert!(!home.contains("class=\"more\""), "the real data fits whole");
    let big = TestApp::scaled(COPIES).await;
    let home = big.get_ok("/").await.body;
    let glances = home.matches("<section class=\"glance\"").count();
    assert!((1..=3).contains(&glances), "{glances} glances");
    let sources = big.get_ok("/api/v1/sources").await.json();
    let n = sources["sources"].as_array().map_or(0, Vec::len);
    let listed = home
        .split("<h2 id=\"sources\">")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap()
        .matches("<li>")
        .count();
    assert!(listed <= 10, "{listed} sources listed");
    if n > 10 || sources["next"].is_string() {
        assert!(
            home.contains("href=\"/sources\">全部 "),
            "a link to every source"
        );
    }
    assert!(
        home.contains("href=\"/events\">全部 "),
        "a link to every event"
    );
}
