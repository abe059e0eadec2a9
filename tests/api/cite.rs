//! Citation styles at their stable addresses and on the pages, each checked
//! against its format with a real parser where one exists, and the links
//! to the cited words against the text they must find.

use biblatex::{Bibliography, ChunksExt, EntryType};
use biblib::CitationParser;
use serde_json::Value;

use crate::helpers::{SOURCE, TestApp, TestResponse};

const RAILWAY: &str = "/projects/china-kyrgyzstan-uzbekistan-railway";
const BASE: &str = "https://kb.example";

/// Every record, as `(page url, API url)`.
async fn all_records(app: &TestApp) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for kind in [
        "agreement",
        "project",
        "initiative",
        "event",
        "figure",
        "quote",
        "person",
        "country",
        "organization",
    ] {
        let j = app.get_ok(&format!("/api/records/{kind}")).await.json();
        for r in j["records"].as_array().unwrap() {
            let slug = r["slug"].as_str().unwrap();
            out.push((
                r["url"].as_str().unwrap().to_owned(),
                format!("/api/records/{kind}/{slug}"),
            ));
        }
    }
    assert!(out.len() > 100, "{}", out.len());
    out
}

fn source_json_title(source: &Value) -> (String, String) {
    let title = source["title"].as_str().unwrap().to_owned();
    let sub = source["subtitle"]
        .as_str()
        .unwrap()
        .trim_start_matches('—')
        .to_owned();
    (title, sub)
}

/// What askama escapes, undone: the text a page shows.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// The text of the element `<tag id="id" …>…</tag>` in `html`.
fn element_text(html: &str, tag: &str, id: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let open_end = at + html[at..].find('>')? + 1;
    let close = open_end + html[open_end..].find(&format!("</{tag}>"))?;
    Some(unescape(&html[open_end..close]))
}

fn assert_bad_style(res: &TestResponse, what: &str) {
    assert_eq!(res.status, 400, "{what}: {}", res.body);
    assert!(res.content_type().starts_with("text/plain"), "{what}");
    for style in ["gbt7714", "chicago", "apa", "bibtex", "ris", "csl-json"] {
        assert!(
            res.body.contains(style),
            "{what} names {style}: {}",
            res.body
        );
    }
}

#[tokio::test]
async fn every_style_answers_with_its_media_type() {
    let app = TestApp::new().await;
    for (style, media) in [
        ("gbt7714", "text/plain"),
        ("chicago", "text/plain"),
        ("apa", "text/plain"),
        ("bibtex", "application/x-bibtex"),
        ("ris", "application/x-research-info-systems"),
        ("csl-json", "application/vnd.citationstyles.csl+json"),
    ] {
        for url in [
            format!("/sources/{SOURCE}/p/10/cite?style={style}&accessed=2026-12-01"),
            format!("{RAILWAY}/cite?style={style}&accessed=2026-12-01"),
        ] {
            let res = app.get_ok(&url).await;
            assert!(
                res.content_type().starts_with(media),
                "{url}: {}",
                res.content_type()
            );
            // A given access date makes the answer a function of its URL.
            assert!(
                res.headers["cache-control"]
                    .to_str()
                    .unwrap()
                    .contains("max-age"),
                "{url}"
            );
        }
    }
}

#[tokio::test]
async fn gbt7714_follows_the_standards_pattern_for_electronic_resources() {
    let app = TestApp::new().await;
    let source = app.get_ok(&format!("/api/sources/{SOURCE}")).await.json();
    let (title, sub) = source_json_title(&source);
    let text = app
        .get_ok(&format!(
            "/sources/{SOURCE}/p/10/cite?style=gbt7714&accessed=2026-12-01"
        ))
        .await
        .body;
    // 主要责任者. 题名: 其他题名信息[EB/OL]. (发表日期)[引用日期]. 获取和访问路径.
    assert_eq!(
        text,
        format!(
            "新华社. {title}: {sub}[EB/OL]. (2025-06-18)[2026-12-01]. \
             {BASE}/sources/{SOURCE}/p/10.\n（第10段）\n"
        )
    );
    // A record's: one entry per cited span, each with its words and ¶.
    let record = app
        .get_ok("/api/records/project/china-kyrgyzstan-uzbekistan-railway")
        .await
        .json();
    let text = app
        .get_ok(&format!("{RAILWAY}/cite?style=gbt7714&accessed=2026-12-01"))
        .await
        .body;
    let entries: Vec<&str> = text.trim_end().split("\n\n").collect();
    let citations = record["citations"].as_array().unwrap();
    assert_eq!(entries.len(), citations.len());
    for (entry, c) in entries.iter().zip(citations) {
        let n = c["paragraph"].as_i64().unwrap();
        let span = c["span"].as_str().unwrap();
        assert_eq!(
            *entry,
            format!(
                "新华社. {title}: {sub}[EB/OL]. (2025-06-18)[2026-12-01]. \
                 {BASE}/sources/{SOURCE}/p/{n}.\n“{span}”（第{n}段）"
            )
        );
    }
}

#[tokio::test]
async fn without_an_access_date_the_answer_is_dated_today_and_not_kept() {
    let app = TestApp::new().await;
    let res = app
        .get_ok(&format!("/sources/{SOURCE}/p/3/cite?style=gbt7714"))
        .await;
    assert_eq!(res.headers["cache-control"], "no-store");
    let today = summitkb::cite::today_utc();
    assert!(res.body.contains(&format!("[{today}]")), "{}", res.body);
    let res = app.get_ok(&format!("{RAILWAY}/cite?style=csl-json")).await;
    assert_eq!(res.headers["cache-control"], "no-store");
    let (y, m, d) = summitkb::cite::parse_ymd(&today).unwrap();
    assert_eq!(
        res.json()[0]["accessed"]["date-parts"][0],
        serde_json::json!([y, m, d])
    );
}

#[tokio::test]
async fn chicago_and_apa_carry_date_paragraph_and_quote() {
    let app = TestApp::new().await;
    let record = app
        .get_ok("/api/records/project/china-kyrgyzstan-uzbekistan-railway")
        .await
        .json();
    let c = &record["citations"][0];
    let n = c["paragraph"].as_i64().unwrap();
    let span = c["span"].as_str().unwrap();
    let chicago = app
        .get_ok(&format!("{RAILWAY}/cite?style=chicago"))
        .await
        .body;
    let first = chicago.split("\n\n").next().unwrap();
    assert!(
        first.starts_with("Xinhua News Agency, “弘扬中国—中亚精神，致力永久睦邻友好: "),
        "{first}"
    );
    assert!(
        first.contains(&format!(
            ",” June 18, 2025, para. {n}, {BASE}/sources/{SOURCE}/p/{n}.\n“{span}” (para. {n})"
        )),
        "{first}"
    );
    let apa = app.get_ok(&format!("{RAILWAY}/cite?style=apa")).await.body;
    let first = apa.trim_end().split("\n\n").next().unwrap();
    assert!(
        first.starts_with(
            "Xinhua News Agency. (2025, June 18). 弘扬中国—中亚精神，致力永久睦邻友好："
        ),
        "{first}"
    );
    assert!(
        first.ends_with(&format!(
            "{BASE}/sources/{SOURCE}/p/{n}\n“{span}” (Xinhua News Agency, 2025, para. {n})"
        )),
        "{first}"
    );
}

#[tokio::test]
async fn bibtex_of_every_record_parses_as_biblatex() {
    let app = TestApp::new().await;
    let source = app.get_ok(&format!("/api/sources/{SOURCE}")).await.json();
    let (title, sub) = source_json_title(&source);
    for (page, api) in all_records(&app).await {
        let record = app.get_ok(&api).await.json();
        let citations = record["citations"].as_array().unwrap();
        let text = app
            .get_ok(&format!("{page}/cite?style=bibtex&accessed=2026-12-01"))
            .await
            .body;
        let bib = Bibliography::parse(&text).unwrap_or_else(|e| panic!("{page}: {e:?}\n{text}"));
        assert_eq!(
            bib.len(),
            citations.len(),
            "{page}: one entry per citation, keys unique"
        );
        for (entry, c) in bib.iter().zip(citations) {
            assert_eq!(entry.entry_type, EntryType::Online, "{page}");
            let report = entry.verify();
            assert!(
                report.is_ok(),
                "{page}: {:?} {:?}",
                report.missing,
                report.malformed
            );
            let field = |name: &str| entry.get(name).map(|f| f.format_verbatim());
            assert_eq!(field("title").as_deref(), Some(title.as_str()));
            assert_eq!(field("subtitle").as_deref(), Some(sub.as_str()));
            let n = c["paragraph"].as_i64().unwrap();
            assert_eq!(
                entry.url().unwrap(),
                format!("{BASE}/sources/{SOURCE}/p/{n}"),
                "{page}"
            );
            assert_eq!(field("urldate").as_deref(), Some("2026-12-01"));
            let note = field("note").unwrap();
            assert!(
                note.starts_with(&format!("Paragraph {n}: “")),
                "{page}: {note}"
            );
            assert!(
                note.contains(c["span"].as_str().unwrap()),
                "{page}: the note quotes the span: {note}"
            );
            assert_eq!(field("date").as_deref(), Some("2025-06-18"));
        }
    }
}

#[tokio::test]
async fn ris_parses_with_a_ris_reader() {
    let app = TestApp::new().await;
    let source = app.get_ok(&format!("/api/sources/{SOURCE}")).await.json();
    let (title, _) = source_json_title(&source);
    let record = app
        .get_ok("/api/records/project/china-kyrgyzstan-uzbekistan-railway")
        .await
        .json();
    let citations = record["citations"].as_array().unwrap();
    let text = app
        .get_ok(&format!("{RAILWAY}/cite?style=ris&accessed=2026-12-01"))
        .await
        .body;
    let parsed = biblib::ris::RisParser::new()
        .parse(&text)
        .unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    assert_eq!(parsed.len(), citations.len());
    for (r, c) in parsed.iter().zip(citations) {
        let n = c["paragraph"].as_i64().unwrap();
        // biblib reads the RIS type NEWS as its name.
        assert_eq!(r.citation_type, vec!["Newspaper".to_owned()]);
        assert_eq!(r.title, title);
        assert_eq!(r.authors.len(), 1);
        assert_eq!(r.publisher.as_deref(), Some("新华社"));
        assert_eq!(r.urls, vec![format!("{BASE}/sources/{SOURCE}/p/{n}")]);
        assert_eq!(r.language.as_deref(), Some("zh-Hans"));
        let date = r.date.as_ref().expect("a date");
        assert_eq!((date.year, date.month, date.day), (2025, Some(6), Some(18)));
    }
    // Every line is a tag, two spaces, a hyphen and a space; records end in ER.
    for line in text.lines() {
        let b = line.as_bytes();
        assert!(
            b.len() >= 6
                && b[0].is_ascii_uppercase()
                && b[1].is_ascii_alphanumeric()
                && &line[2..6] == "  - ",
            "{line:?}"
        );
    }
    assert_eq!(
        text.matches("\nER  - \n").count() + usize::from(text.starts_with("ER")),
        citations.len()
    );
}

#[tokio::test]
async fn csl_json_of_every_record_validates_against_the_csl_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(crate::helpers::repo_path(
            "tests/fixtures/csl/csl-data.json",
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the CSL schema compiles");
    let app = TestApp::new().await;
    let paragraph = app
        .get_ok(&format!("/sources/{SOURCE}/p/1/cite?style=csl-json"))
        .await
        .json();
    assert!(validator.is_valid(&paragraph), "{paragraph}");
    // The validator rejects what the schema forbids: the check can fail.
    let mut broken = paragraph.clone();
    broken[0]["issued"] = serde_json::json!("2025-06-18");
    assert!(!validator.is_valid(&broken));
    for (page, api) in all_records(&app).await {
        let items = app
            .get_ok(&format!("{page}/cite?style=csl-json&accessed=2026-12-01"))
            .await
            .json();
        if let Err(e) = validator.validate(&items) {
            panic!("{page}: {e}\n{items}");
        }
        let record = app.get_ok(&api).await.json();
        let citations = record["citations"].as_array().unwrap();
        assert_eq!(items.as_array().unwrap().len(), citations.len());
        for (item, c) in items.as_array().unwrap().iter().zip(citations) {
            assert_eq!(item["type"], "article-newspaper");
            assert_eq!(
                item["issued"]["date-parts"][0],
                serde_json::json!([2025, 6, 18])
            );
            assert_eq!(
                item["accessed"]["date-parts"][0],
                serde_json::json!([2026, 12, 1])
            );
            let n = c["paragraph"].as_i64().unwrap();
            assert_eq!(item["URL"], format!("{BASE}/sources/{SOURCE}/p/{n}"));
            assert!(
                item["note"]
                    .as_str()
                    .unwrap()
                    .contains(c["span"].as_str().unwrap())
            );
        }
    }
}

#[tokio::test]
async fn from_a_record_the_paragraph_cites_its_words() {
    let app = TestApp::new().await;
    let text = app
        .get_ok(&format!(
            "/sources/{SOURCE}/p/10/cite?style=bibtex&from=china-kyrgyzstan-uzbekistan-railway&accessed=2026-12-01"
        ))
        .await
        .body;
    let bib = Bibliography::parse(&text).unwrap();
    assert!(!bib.is_empty());
    for e in bib.iter() {
        assert!(
            e.key.ends_with("china-kyrgyzstan-uzbekistan-railway") || e.key.contains("railway-"),
            "{}",
            e.key
        );
    }
    app.assert_not_found(&format!(
        "/sources/{SOURCE}/p/10/cite?style=ris&from=no-such-record"
    ))
    .await;
}

#[tokio::test]
async fn bad_styles_dates_and_addresses_are_refused_clearly() {
    let app = TestApp::new().await;
    for url in [
        format!("/sources/{SOURCE}/p/10/cite?style=mla"),
        format!("/sources/{SOURCE}/p/10/cite"),
        format!("{RAILWAY}/cite?style=%FF"),
        format!("{RAILWAY}/cite?style="),
    ] {
        assert_bad_style(&app.get(&url).await, &url);
    }
    let res = app
        .get(&format!("{RAILWAY}/cite?style=ris&accessed=2026-02-30"))
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("YYYY-MM-DD"), "{}", res.body);
    for url in [
        format!("/sources/{SOURCE}/p/99/cite?style=ris"),
        format!("/sources/{SOURCE}/p/010/cite?style=ris"),
        "/sources/no-such-source/p/1/cite?style=ris".to_owned(),
        "/projects/no-such-project/cite?style=ris".to_owned(),
        "/nonsense/china-kyrgyzstan-uzbekistan-railway/cite?style=ris".to_owned(),
    ] {
        app.assert_not_found(&url).await;
    }
    // A refused request is not kept: the same address, fixed, answers.
    app.get_ok(&format!("/sources/{SOURCE}/p/10/cite?style=apa"))
        .await;
}

/// A text directive's terms, decoded: (prefix, start, end, suffix).
fn directive_terms(url: &str) -> (Option<String>, String, Option<String>, Option<String>) {
    let directive = url.split(":~:text=").nth(1).expect("a text directive");
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .unwrap()
            .into_owned()
    };
    let mut prefix = None;
    let mut suffix = None;
    let mut terms = Vec::new();
    for part in directive.split(',') {
        // Each term is encoded, so a bare `-` is only ever the mark.
        if let Some(p) = part.strip_suffix('-') {
            prefix = Some(decode(p));
        } else if let Some(s) = part.strip_prefix('-') {
            suffix = Some(decode(s));
        } else {
            assert!(!part.contains(['&', '-']), "{part}");
            terms.push(decode(part));
        }
    }
    let start = terms.remove(0);
    (prefix, start, terms.pop(), suffix)
}

#[tokio::test]
async fn every_link_to_the_cited_words_finds_them_once_in_their_paragraph() {
    let app = TestApp::new().await;
    let source = app.get_ok(&format!("/api/sources/{SOURCE}")).await.json();
    let paragraphs: Vec<String> = source["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap().to_owned())
        .collect();
    let whole: String = source["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["text"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let mut with_context = 0;
    let mut checked = 0;
    for (page, api) in all_records(&app).await {
        let html = app.get_ok(&page).await.body;
        let record = app.get_ok(&api).await.json();
        for (i, c) in record["citations"].as_array().unwrap().iter().enumerate() {
            let n = c["paragraph"].as_i64().unwrap();
            let span = c["span"].as_str().unwrap();
            let link = element_text(&html, "span", &format!("words-{}-url", i + 1))
                .unwrap_or_else(|| panic!("{page}: no link for citation {}", i + 1));
            assert!(
                link.starts_with(&format!("{BASE}/sources/{SOURCE}#p{n}:~:text=")),
                "{link}"
            );
            let (prefix, start, end, suffix) = directive_terms(&link);
            let para = &paragraphs[(n - 1) as usize];
            // The terms rebuild the span, around a [sic] note if cut.
            assert_eq!(
                format!("{start}{}", end.clone().unwrap_or_default()),
                span,
                "{page}"
            );
            let probe = format!(
                "{}{start}{}",
                prefix.clone().unwrap_or_default(),
                if end.is_none() {
                    suffix.clone().unwrap_or_default()
                } else {
                    String::new()
                }
            );
            assert!(para.contains(&probe), "{page}: {probe}");
            assert_eq!(
                whole.matches(&probe).count(),
                1,
                "{page}: {probe} once in the page"
            );
            // Chromium matches only at ICU word boundaries: the directive's
            // outer edges fall on them (a note's bracket is one on the page).
            if end.is_none() {
                let bounds = summitkb::cite::fragment::word_boundaries(para);
                let at = para[..para.find(&probe).unwrap()].chars().count();
                let to = at + probe.chars().count();
                assert!(
                    bounds[at] && bounds[to],
                    "{page}: {probe:?} [{at},{to}) is not on word boundaries"
                );
            }
            if prefix.is_some() || suffix.is_some() {
                with_context += 1;
            }
            checked += 1;
        }
    }
    assert!(checked > 150, "{checked}");
    // Some spans occur more than once in the text and need context.
    assert!(with_context > 0, "no span needed a prefix or suffix");
}

#[tokio::test]
async fn pages_offer_every_style_as_a_copy_control_equal_to_its_address() {
    let app = TestApp::new().await;
    for (page, stable) in [
        (
            format!("/sources/{SOURCE}/p/10"),
            format!("/sources/{SOURCE}/p/10/cite"),
        ),
        (RAILWAY.to_owned(), format!("{RAILWAY}/cite")),
        (
            format!("/sources/{SOURCE}/p/10?from=china-kyrgyzstan-uzbekistan-railway"),
            format!("/sources/{SOURCE}/p/10/cite?from=china-kyrgyzstan-uzbekistan-railway"),
        ),
    ] {
        let html = app.get_ok(&page).await.body;
        for style in ["gbt7714", "chicago", "apa", "bibtex", "ris", "csl-json"] {
            let id = format!("cite-{style}");
            let shown =
                element_text(&html, "textarea", &id).unwrap_or_else(|| panic!("{page}: no {id}"));
            assert!(
                html.contains(&format!("data-copy-target=\"{id}\"")),
                "{page}: a copy button for {style}"
            );
            let sep = if stable.contains('?') { '&' } else { '?' };
            let href = format!("{stable}{sep}style={style}");
            assert!(html.contains(&unescape_href(&href)), "{page}: links {href}");
            // The page leaves the access date to the reader's day; with that
            // day filled in, it is what the stable address answers.
            let answered = app
                .get_ok(&format!("{href}&accessed=2026-12-01"))
                .await
                .body;
            let filled = shown.replace("[引用日期]", "[2026-12-01]");
            if style == "gbt7714" {
                assert!(shown.contains("[引用日期]"), "{page}");
                assert_eq!(filled, answered, "{page} {style}");
            } else {
                // Only GB/T names the access date on the page.
                let answered_undated = strip_access(&answered);
                assert_eq!(filled, answered_undated, "{page} {style}");
            }
        }
    }
}

fn unescape_href(href: &str) -> String {
    href.replace('&', "&#38;")
}

/// An answer with its access date removed, as the page gives it.
fn strip_access(s: &str) -> String {
    if s.trim_start().starts_with('[') {
        let mut v: Value = serde_json::from_str(s).unwrap();
        for item in v.as_array_mut().unwrap() {
            item.as_object_mut().unwrap().remove("accessed");
        }
        let mut out = serde_json::to_string_pretty(&v).unwrap();
        out.push('\n');
        return out;
    }
    s.lines()
        .filter(|l| !l.starts_with("  urldate = ") && !l.starts_with("Y2  - "))
        .map(|l| format!("{l}\n"))
        .collect()
}
