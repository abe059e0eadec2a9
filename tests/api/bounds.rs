//! Summary pages stay bounded as the corpus grows: the scope asides, the
//! map's lists and the timeline show the top of each group, say how many
//! of how many, and link to lists that hold the rest. Checked on ten copies
//! of the real seeds (`SeedSet::scaled`), where every bound is reached; on
//! the real data nothing is cut (pages.rs, pictures.rs and english_pages.rs
//! pin those pages).

use std::collections::BTreeSet;

use axum::http::StatusCode;
use summitkb::model::Kind;
use summitkb::pictures::{MAP_SHOWN, ROUTES_SHOWN};
use summitkb::web::views::SCOPE_SHOWN;

use crate::helpers::TestApp;

const COPIES: usize = 10;
const SOURCE: &str = "wang-yi-2025-china-central-asia-summit";

/// The text of `html` from the first `start` up to the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let at = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in the page"));
    let rest = &html[at..];
    let after = rest[start.len()..]
        .find(end)
        .map_or(rest.len(), |i| i + start.len());
    &rest[..after]
}

fn unescape(s: &str) -> String {
    s.replace("&#38;", "&").replace("&amp;", "&")
}

/// The addresses of the records `html` links to, in order.
fn record_links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .map(|h| unescape(h.split('"').next().unwrap()))
        .filter(|h| {
            let parts: Vec<&str> = h.trim_start_matches('/').split('/').collect();
            parts.len() == 2
                && Kind::from_plural(parts[0]).is_some()
                && !h.contains('?')
                && !h.contains('#')
        })
        .collect()
}

/// The rows of a list page's table, as record addresses.
fn list_rows(html: &str) -> Vec<String> {
    html.split("<tr><th scope=\"row\"><a href=\"")
        .skip(1)
        .map(|r| r.split('"').next().unwrap().to_owned())
        .collect()
}

fn next_link(html: &str) -> Option<String> {
    let at = html.find("<a rel=\"next\" href=\"")?;
    let rest = &html[at + "<a rel=\"next\" href=\"".len()..];
    Some(unescape(rest.split('"').next()?))
}

/// Every page from `first` on, by `rel="next"`, each answering 200.
async fn pages(app: &TestApp, first: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut url = Some(first.to_owned());
    while let Some(u) = url {
        let body = app.get_ok(&u).await.body;
        url = next_link(&body);
        out.push(body);
        assert!(out.len() < 1000, "{first}: the walk ends");
    }
    out
}

/// The distinct rows of every page of a list.
async fn all_rows(app: &TestApp, first: &str) -> BTreeSet<String> {
    pages(app, first)
        .await
        .iter()
        .flat_map(|p| list_rows(p))
        .collect()
}

async fn db(app: &TestApp) -> sqlx::SqlitePool {
    summitkb::db::open_read_only(&app.db)
        .await
        .expect("the database opens")
}

/// Han text outside elements marked Chinese, which an English page must
/// not show (the English crawl's check).
fn han_outside_chinese(html: &str) -> Vec<String> {
    crate::english_pages::chinese_outside_zh(html)
}

#[tokio::test]
async fn the_scope_is_a_bounded_summary_when_there_are_many_sources() {
    let app = TestApp::scaled(COPIES).await;
    let pool = db(&app).await;
    let home = app.get_ok("/").await.body;
    let scope = between(&home, "<aside class=\"scope\"", "</aside>");
    assert!(scope.contains("本库据 10 篇原文收录"), "{scope}");
    assert!(scope.contains("What summitkb holds comes from 10 articles"));
    assert!(scope.contains("href=\"/sources\""), "links to every source");
    assert!(scope.contains("全部 10 篇原文"));
    assert_eq!(home.matches("<aside class=\"scope\"").count(), 1);
    let items: Vec<&str> = scope.split("<li>").skip(1).collect();
    assert_eq!(items.len(), SCOPE_SHOWN, "{scope}");
    // Each named source with its own count of records, the most recent
    // first (the copies share a date: then by address).
    let mut named = Vec::new();
    for item in items {
        let slug = between(item, "href=\"/sources/", "\"")["href=\"/sources/".len()..].to_owned();
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT c.record_id) FROM citations c JOIN sources s \
             ON s.id = c.source_id WHERE s.slug = ?",
        )
        .bind(&slug)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(item.contains(&format!(" · {n} 项")), "{item}");
        named.push(slug);
    }
    let mut sorted = named.clone();
    sorted.sort();
    assert_eq!(named, sorted);

    // A list: its records' count and the number of sources they come from.
    let projects: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM records WHERE kind = 'project'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let list = app.get_ok("/projects").await.body;
    let scope = between(&list, "<aside class=\"scope\"", "</aside>");
    assert!(
        scope.contains(&format!("本页 {projects} 项出自 10 篇原文")),
        "{scope}"
    );
    assert!(scope.contains(&format!(
        "The {projects} records here come from 10 articles"
    )));

    // A source page states its own source's scope alone, in the words of
    // a single source.
    let copy = format!("{SOURCE}-x3");
    let page = app.get_ok(&format!("/sources/{copy}")).await.body;
    let scope = between(&page, "<aside class=\"scope\"", "</aside>");
    assert!(
        scope.contains(&format!("的《<a href=\"/sources/{copy}\">")),
        "{scope}"
    );
    assert!(scope.contains("百余项合作成果"));
    assert!(scope.contains(&format!("/sources/{copy}/p/2")));
    assert!(!scope.contains("篇原文"), "{scope}");
    assert_eq!(page.matches("<aside class=\"scope\"").count(), 1);

    // The English summary has no Chinese outside the marked titles.
    for url in ["/en/", "/en/projects"] {
        let page = app.get_ok(url).await.body;
        let scope = between(&page, "<aside class=\"scope\"", "</aside>");
        assert!(
            han_outside_chinese(&page).is_empty(),
            "{url}: {:?}",
            han_outside_chinese(&page)
        );
        assert!(scope.contains("10 articles"), "{url}");
    }
}

#[tokio::test]
async fn the_sources_list_is_paginated() {
    let app = TestApp::scaled(COPIES).await;
    let page = app.get_ok("/sources").await.body;
    let listed: BTreeSet<&str> = page
        .split("<h2><a href=\"/sources/")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(listed.len(), COPIES, "ten sources fit on one page of 50");
    // A page out of range answers 400 with the first page; so does one
    // that is not a number.
    for bad in ["/sources?page=2", "/sources?page=x", "/en/sources?page=0"] {
        let res = app.get(bad).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(res.body.contains("class=\"problem\""), "{bad}");
        assert_eq!(
            res.body.matches("<h2><a href=\"").count(),
            COPIES,
            "{bad}: {}",
            &res.body[res.body.len().saturating_sub(3000)..]
        );
    }
}

#[tokio::test]
async fn a_kind_list_narrowed_to_one_country_holds_exactly_the_records_naming_it() {
    let app = TestApp::scaled(COPIES).await;
    let pool = db(&app).await;
    for (kind, country) in [
        ("projects", "kazakhstan"),
        ("agreements", "uzbekistan"),
        ("events", "kazakhstan"),
    ] {
        let expected: BTreeSet<String> = sqlx::query_scalar::<_, String>(
            "SELECT DISTINCT '/' || ?1 || '/' || f.slug FROM record_links l \
             JOIN records f ON f.id = l.from_id JOIN records t ON t.id = l.to_id \
             WHERE t.kind = 'country' AND t.slug = ?2 AND f.kind = ?3",
        )
        .bind(kind)
        .bind(country)
        .bind(Kind::from_plural(kind).unwrap())
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .collect();
        assert!(!expected.is_empty(), "{kind} name {country}");
        let base = format!("/{kind}?country={country}");
        assert_eq!(all_rows(&app, &base).await, expected, "{base}");
        // With a sort and a grouping, the same records.
        for view in ["&sort=title&dir=desc", "&group=none", "&group=country"] {
            let url = format!("{base}{view}");
            let res = app.get(&url).await;
            if res.status == StatusCode::BAD_REQUEST {
                // A grouping this kind does not offer.
                continue;
            }
            assert_eq!(all_rows(&app, &url).await, expected, "{url}");
        }
        // Its links keep the country.
        let first = app.get_ok(&base).await.body;
        assert!(
            first.contains(&format!("country={country}&amp;sort=title"))
                || first.contains(&format!("country={country}&#38;sort=title")),
            "{base}: the headers sort within the country"
        );
    }
    for bad in [
        "/projects?country=atlantis",
        "/en/projects?country=atlantis",
    ] {
        let res = app.get(bad).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(res.body.contains("atlantis"), "{bad} names it");
    }
    let res = app.get("/en/projects?country=atlantis").await;
    assert!(
        han_outside_chinese(&res.body).is_empty(),
        "{:?}",
        han_outside_chinese(&res.body)
    );
}

#[tokio::test]
async fn the_map_shows_the_top_of_each_list_with_links_to_all() {
    let real = TestApp::new().await;
    let app = TestApp::scaled(COPIES).await;
    let pool = db(&app).await;
    let real_map = real.get_ok("/map").await.body;
    let map = app.get_ok("/map").await.body;

    // Cross-border projects: drawn and listed up to the bound, the count
    // of all, and a link to a list holding every project.
    let real_routes = between(&real_map, "<h2 id=\"map-routes\"", "</ol>")
        .matches("<li>")
        .count();
    assert!(real_routes <= ROUTES_SHOWN, "the real data is not cut");
    let routes = between(&map, "<h2 id=\"map-routes\"", "</section>");
    let listed = between(routes, "<ol>", "</ol>").matches("<li>").count();
    assert_eq!(listed, ROUTES_SHOWN);
    assert!(
        routes.contains(&format!(
            "前 {ROUTES_SHOWN} 项，共 {} 项",
            real_routes * COPIES
        )),
        "{routes}"
    );
    let svg = app.get_ok("/map.svg").await.body;
    assert_eq!(svg.matches("class=\"route\"").count(), ROUTES_SHOWN);
    let all_projects: BTreeSet<String> = sqlx::query_scalar::<_, String>(
        "SELECT '/projects/' || slug FROM records WHERE kind = 'project'",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    assert!(routes.contains("href=\"/projects?group=country\""));
    assert_eq!(
        all_rows(&app, "/projects?group=country").await,
        all_projects
    );

    // Region-wide and one-country projects: the first few of each, the count.
    for (label, what) in [
        ("覆盖四国以上", "region-wide"),
        ("仅涉及一国的项目", "one country"),
    ] {
        let Some((_, real_rest)) = real_map.split_once(label) else {
            continue;
        };
        // The real data's count: all of them, or the count its cut states.
        let real_line = real_rest.split("</p>").next().unwrap();
        let real_more = real_rest.split("</p>").nth(1).unwrap_or("");
        let real_n = match real_more.split_once("项，共 ") {
            Some((_, n)) if real_more.trim_start().starts_with("<p class=\"more\">") => {
                n.split(' ').next().unwrap().parse::<usize>().unwrap()
            }
            _ => real_line.matches("<a href=").count(),
        };
        let (_, rest) = map.split_once(label).unwrap();
        let shown = rest
            .split("</p>")
            .next()
            .unwrap()
            .matches("<a href=")
            .count();
        assert_eq!(shown, MAP_SHOWN, "{what}");
        let more = rest.split("</p>").nth(1).unwrap();
        assert!(
            more.contains(&format!("前 {MAP_SHOWN} 项，共 {} 项", real_n * COPIES)),
            "{what}: {more}"
        );
    }

    // Each country's latest statuses: at most the bound, the count of all,
    // and the lists of its outcomes by kind, which hold every one left out.
    let statuses = between(&map, "<h2 id=\"map-status\"", "</section>");
    for entry in statuses.split("<div><dt>").skip(1) {
        let country =
            between(entry, "href=\"/countries/", "\"")["href=\"/countries/".len()..].to_owned();
        let shown = between(entry, "<ul>", "</ul>").matches("<li>").count();
        assert!(shown <= MAP_SHOWN, "{country}");
        let outcomes: BTreeSet<String> = sqlx::query_scalar::<_, String>(
            "SELECT DISTINCT '/' || o.kind || 's/' || o.slug FROM record_links l \
             JOIN records o ON o.id = l.from_id JOIN records c ON c.id = l.to_id \
             WHERE c.slug = ? AND c.kind = 'country' AND l.role IN ('parties', 'countries') \
               AND o.kind IN ('agreement', 'project', 'initiative') \
               AND EXISTS (SELECT 1 FROM record_status s WHERE s.record_id = o.id)",
        )
        .bind(&country)
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .collect();
        if outcomes.len() > shown {
            assert!(
                entry.contains(&format!("最新 {shown} 项，共 {} 项", outcomes.len())),
                "{country}: {entry}"
            );
            let mut held = BTreeSet::new();
            for link in entry.split("href=\"").skip(1) {
                let link = unescape(link.split('"').next().unwrap());
                if link.contains("?country=") {
                    held.extend(all_rows(&app, &link).await);
                }
            }
            assert!(
                outcomes.is_subset(&held),
                "{country}: the lists hold them all"
            );
        } else {
            assert_eq!(shown, outcomes.len(), "{country}");
        }
    }
    let en = app.get_ok("/en/map").await.body;
    assert!(
        han_outside_chinese(&en).is_empty(),
        "{:?}",
        han_outside_chinese(&en)
    );
}

#[tokio::test]
async fn the_timeline_is_paginated_in_date_order() {
    let app = TestApp::scaled(COPIES).await;
    let pool = db(&app).await;
    let dated: BTreeSet<String> = sqlx::query_as::<_, (Kind, String)>(
        "SELECT r.kind, r.slug FROM records r \
         JOIN record_fields d ON d.record_id = r.id AND d.name = 'date'",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .into_iter()
    .map(|(k, s)| summitkb::refs::record_url(k, &s))
    .collect();
    let walked = pages(&app, "/timeline").await;
    assert!(walked.len() > 1, "ten copies run to several pages");
    let mut seen = Vec::new();
    for page in &walked {
        let marks = between(page, "<g class=\"marks\"", "</g>")
            .matches("<a href=")
            .count();
        let entries = page.matches("<li class=\"tl-entry\">").count();
        assert!(entries <= 50 && entries > 0);
        assert_eq!(marks, entries, "the picture draws the page's entries");
        assert!(
            page.contains(&format!("共 {} 项", dated.len())),
            "the count is of all"
        );
        for e in page.split("<li class=\"tl-entry\">").skip(1) {
            let e = e.split("</li>").next().unwrap();
            seen.extend(record_links(e).into_iter().take(1));
        }
    }
    let distinct: BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(distinct.len(), seen.len(), "no entry twice");
    assert_eq!(distinct.len(), dated.len(), "every dated record once");
    // Pages cut in SQL from the keys the import writes walk the records in
    // the order of sorting them all by date, ties in list order.
    let all = summitkb::db::queries::dated_records(&pool).await.unwrap();
    let sorted: Vec<String> = summitkb::pictures::timeline_entries(&all, &[])
        .iter()
        .map(|e| e.record.url.clone())
        .collect();
    assert_eq!(seen, sorted);
    // The links to each year count the whole timeline.
    let nav = between(&walked[0], "<nav class=\"years\"", "</nav>");
    let total: usize = nav
        .split("<span class=\"count\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(total, dated.len());
    for bad in ["/timeline?page=999", "/en/timeline?page=x"] {
        assert_eq!(app.get(bad).await.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let en = app.get_ok("/en/timeline?page=2").await.body;
    assert!(
        han_outside_chinese(&en).is_empty(),
        "{:?}",
        han_outside_chinese(&en)
    );
}

#[tokio::test]
async fn a_countrys_backlinks_are_the_lists_narrowed_to_it() {
    let app = TestApp::new().await;
    let page = app.get_ok("/countries/china").await.body;
    let mut checked = 0;
    for kind in Kind::ALL {
        let heading = format!("<h2>{} <span class=\"en\" lang=\"en\">", kind.label_zh());
        let Some((_, section)) = page.split_once(&heading) else {
            continue;
        };
        let section = section.split("</section>").next().unwrap();
        let shown: BTreeSet<String> = record_links(section).into_iter().collect();
        assert!(
            shown.len() <= summitkb::web::views::BACKLINKS_SHOWN,
            "the real data is not cut"
        );
        assert!(!section.contains("class=\"more\""));
        let list = all_rows(&app, &format!("/{}?country=china", kind.plural())).await;
        assert_eq!(shown, list, "{kind:?}");
        checked += 1;
    }
    assert!(checked >= 5, "{checked} kinds link to China");
}

/// The map's counts, which the import writes once (migration 0015), are
/// what counting the links when asked gives: on the real data and on ten
/// copies, where every country is shared by thousands of links.
#[tokio::test]
async fn the_maps_counts_written_at_import_are_the_links_counted() {
    for app in [TestApp::new().await, TestApp::scaled(COPIES).await] {
        let pool = db(&app).await;
        let counted: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
            "WITH member AS (SELECT DISTINCT l.from_id AS o, l.to_id AS c FROM record_links l \
               JOIN records o ON o.id = l.from_id JOIN records t ON t.id = l.to_id \
               WHERE o.kind IN ('agreement', 'project', 'initiative') \
                 AND l.role IN ('parties', 'countries') AND t.kind = 'country'), \
             size AS (SELECT o, COUNT(*) AS n FROM member GROUP BY o), \
             widest AS (SELECT MAX(n) AS n FROM size) \
             SELECT r.slug, \
               (SELECT COUNT(*) FROM member m WHERE m.c = r.id), \
               (SELECT COUNT(*) FROM member m JOIN size z ON z.o = m.o \
                 WHERE m.c = r.id AND z.n < (SELECT n FROM widest)), \
               (SELECT COUNT(DISTINCT l.from_id) FROM record_links l \
                  JOIN records o ON o.id = l.from_id \
                 WHERE l.to_id = r.id AND l.role = 'related' \
                   AND o.kind IN ('agreement', 'project', 'initiative') \
                   AND l.from_id NOT IN (SELECT m.o FROM member m WHERE m.c = r.id)), \
               (SELECT COUNT(*) FROM member m \
                 WHERE m.c = r.id AND EXISTS (SELECT 1 FROM record_status s WHERE s.record_id = m.o)) \
             FROM records r WHERE r.kind = 'country' ORDER BY r.slug",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut written: Vec<(String, i64, i64, i64, i64)> =
            summitkb::db::queries::map_countries(&pool)
                .await
                .unwrap()
                .into_iter()
                .filter_map(|c| Some((c.slug?, c.outcomes, c.specific, c.mentions, c.latest_total)))
                .collect();
        written.sort();
        // Every country with a shape is on the map; the corpus has no other.
        assert_eq!(written, counted);
        assert!(counted.iter().any(|c| c.1 > 0 && c.4 > 0), "{counted:?}");

        // The region-wide outcomes: those naming as many countries as the
        // widest, and that number.
        let region: (i64, i64) = sqlx::query_as(
            "WITH size AS (SELECT l.from_id AS o, COUNT(DISTINCT l.to_id) AS n \
               FROM record_links l JOIN records o ON o.id = l.from_id \
               JOIN records t ON t.id = l.to_id \
               WHERE o.kind IN ('agreement', 'project', 'initiative') \
                 AND l.role IN ('parties', 'countries') AND t.kind = 'country' \
               GROUP BY l.from_id) \
             SELECT (SELECT COUNT(*) FROM size WHERE n = (SELECT MAX(n) FROM size)), \
                    (SELECT MAX(n) FROM size)",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(
            summitkb::db::queries::region_wide_outcomes(&pool)
                .await
                .unwrap(),
            region
        );

        // The projects the map draws: each project's countries with a
        // capital on the map, counted from the links.
        let drawn: Vec<(String, i64)> = sqlx::query_as(
            "SELECT p.slug, (SELECT COUNT(*) FROM record_links l \
               JOIN records c ON c.id = l.to_id AND c.kind = 'country' \
               JOIN record_fields f ON f.record_id = c.id AND f.name = 'iso' \
               JOIN country_shapes s ON s.iso = f.value \
                 AND s.capital_lon IS NOT NULL AND s.capital_lat IS NOT NULL \
              WHERE l.from_id = p.id AND l.role = 'countries') \
             FROM records p WHERE p.kind = 'project' ORDER BY p.slug",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let written: Vec<(String, i64)> = sqlx::query_as(
            "SELECT p.slug, m.drawn FROM map_projects m JOIN records p ON p.id = m.project_id \
             ORDER BY p.slug",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(written, drawn);
    }
}

/// The tables a list page is read from (migration 0018) hold what the
/// records' fields and links say, computed here from those rows with the
/// list's own definitions (`summitkb::lists`): every record under each
/// grouping its list offers, and each column of linked records' sort key.
#[tokio::test]
async fn the_list_tables_written_at_import_are_the_fields_and_links() {
    use std::collections::HashMap;
    use summitkb::lists::{Content, Grouping, OTHER, columns, groupings};

    type Entry = (String, String, String, i64, i64, i64);
    /// A link as a list reads it: role, position, and the target's kind,
    /// slug and title.
    type Link = (String, i64, Kind, String, String);
    for app in [TestApp::new().await, TestApp::scaled(COPIES).await] {
        let pool = db(&app).await;
        let records: Vec<(i64, Kind, i64)> =
            sqlx::query_as("SELECT id, kind, position FROM records")
                .fetch_all(&pool)
                .await
                .unwrap();
        let fields: HashMap<(i64, String), String> = sqlx::query_as::<_, (i64, String, String)>(
            "SELECT record_id, name, value FROM record_fields",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .map(|(id, name, value)| ((id, name), value))
        .collect();
        let mut links: HashMap<i64, Vec<Link>> = HashMap::new();
        for (from, role, position, kind, slug, title) in
            sqlx::query_as::<_, (i64, String, i64, Kind, String, String)>(
                "SELECT l.from_id, l.role, l.position, t.kind, t.slug, t.title \
                 FROM record_links l JOIN records t ON t.id = l.to_id \
                 ORDER BY l.from_id, l.position",
            )
            .fetch_all(&pool)
            .await
            .unwrap()
        {
            links
                .entry(from)
                .or_default()
                .push((role, position, kind, slug, title));
        }
        let mut entries: BTreeSet<Entry> = BTreeSet::new();
        let mut keys: BTreeSet<(String, i64, String)> = BTreeSet::new();
        for (id, kind, position) in &records {
            let own = links.get(id).cloned().unwrap_or_default();
            let entry = |grouping: Grouping, g: &str, first: i64| {
                (
                    kind.as_str().to_owned(),
                    grouping.key().to_owned(),
                    g.to_owned(),
                    first,
                    *position,
                    *id,
                )
            };
            for grouping in groupings(*kind) {
                match grouping {
                    Grouping::None => {
                        entries.insert(entry(grouping, "", 0));
                    }
                    Grouping::Field(f) => {
                        let g = fields
                            .get(&(*id, f.as_str().to_owned()))
                            .map_or(OTHER, String::as_str);
                        entries.insert(entry(grouping, g, *position));
                    }
                    Grouping::Country(role) => {
                        let countries: Vec<_> = own
                            .iter()
                            .filter(|l| l.0 == role.as_str() && l.2 == Kind::Country)
                            .collect();
                        if countries.is_empty() {
                            entries.insert(entry(grouping, "", i64::MAX));
                        }
                        for l in countries {
                            entries.insert(entry(grouping, &l.3, (position << 20) + l.1));
                        }
                    }
                }
            }
            for col in columns(*kind) {
                let Content::Links(role, only) = col.content() else {
                    continue;
                };
                let titles: Vec<&str> = own
                    .iter()
                    .filter(|l| l.0 == role.as_str() && only.is_none_or(|k| l.2 == k))
                    .map(|l| l.4.as_str())
                    .collect();
                if !titles.is_empty() {
                    keys.insert((
                        col.key().to_owned(),
                        *id,
                        format!("{:03}{}", titles.len(), titles.join("、")),
                    ));
                }
            }
        }
        let written: BTreeSet<Entry> = sqlx::query_as(
            "SELECT kind, grouping, g, first, position, record_id FROM list_entries",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .collect();
        assert_eq!(written, entries);
        let written: BTreeSet<(String, i64, String)> =
            sqlx::query_as("SELECT col, record_id, sort_key FROM list_keys")
                .fetch_all(&pool)
                .await
                .unwrap()
                .into_iter()
                .collect();
        assert_eq!(written, keys);
        // The shapes there are to compare: records under a country and
        // under none, and keys of both kinds of column. (No record of the
        // seeds lacks its grouping field, so `OTHER` is not reached.)
        assert!(entries.iter().any(|e| e.1 == "country" && e.2.is_empty()));
        assert!(entries.iter().any(|e| e.1 == "country" && !e.2.is_empty()));
        assert!(keys.iter().any(|k| k.0 == "mentioned"));
        assert!(
            keys.iter()
                .any(|k| k.2.starts_with("00") && k.2[3..].contains('、'))
        );
    }
}

/// The scope's counts written at import (migration 0019) are the records
/// each source's citations hold, counted here from the citations.
#[tokio::test]
async fn the_sources_kind_counts_written_at_import_are_the_citations_counted() {
    for app in [TestApp::new().await, TestApp::scaled(COPIES).await] {
        let pool = db(&app).await;
        let counted: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT s.id, r.kind, (SELECT COUNT(DISTINCT c.record_id) FROM citations c \
               JOIN records x ON x.id = c.record_id \
               WHERE c.source_id = s.id AND x.kind = r.kind) AS n \
             FROM sources s, (SELECT DISTINCT kind FROM records) r WHERE n > 0 \
             ORDER BY s.id, r.kind",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let written: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT source_id, kind, count FROM source_kind_counts ORDER BY source_id, kind",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert!(counted.len() > 8, "{counted:?}");
        assert_eq!(written, counted);
    }
}

/// The backlinks of each country written at import (migration 0020) are
/// the records linking to it, each once whatever its roles.
#[tokio::test]
async fn the_country_backlinks_written_at_import_are_the_links() {
    for app in [TestApp::new().await, TestApp::scaled(COPIES).await] {
        let pool = db(&app).await;
        let mut linked: Vec<(i64, String, i64, i64)> = sqlx::query_as::<_, (i64, Kind, i64, i64)>(
            "SELECT l.to_id, f.kind, f.position, f.id FROM record_links l \
             JOIN records t ON t.id = l.to_id JOIN records f ON f.id = l.from_id \
             WHERE t.kind = 'country'",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .map(|(c, k, p, id)| (c, k.as_str().to_owned(), p, id))
        .collect();
        let links = linked.len();
        linked.sort();
        linked.dedup();
        assert!(linked.len() < links, "some record links to a country twice");
        let written: Vec<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT country_id, kind, position, record_id FROM country_backlinks \
             ORDER BY country_id, kind, position, record_id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(written, linked);
    }
}
