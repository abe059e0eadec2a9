//! Sources over time: a record's status as dated statements, several
//! sources side by side, and their disagreements, over the real seeds plus
//! the test sources in tests/fixtures (in a temporary seed directory).

use std::path::{Path, PathBuf};

use crate::helpers::{TestApp, copy_dir, enc, repo_path, seeds_dir};
use summitkb::seeds::add::{NewSource, add_source};

pub const RAILWAY: &str = "/projects/china-kyrgyzstan-uzbekistan-railway";
pub const FOLLOW_UP_SPAN: &str =
    "2025年12月27日，中吉乌铁路项目在吉尔吉斯斯坦贾拉拉巴德州举行开工仪式，主体工程正式开工";

/// A copy of the real seeds in a temp dir.
pub struct Seeds {
    pub dir: tempfile::TempDir,
}

impl Seeds {
    pub fn copy() -> Seeds {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&seeds_dir(), &dir.path().join("seeds"));
        Seeds { dir }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("seeds")
    }

    /// Adds a test source from tests/fixtures/sources with `source add`.
    pub fn add_fixture(&self, name: &str, published: &str) {
        add_source(
            &self.path(),
            &NewSource {
                file: repo_path(&format!("tests/fixtures/sources/{name}.txt")),
                slug: None,
                publisher: "测试通讯社".into(),
                publisher_en: None,
                published: published.into(),
                url: None,
                language: "zh-Hans".into(),
            },
        )
        .expect("the fixture is added");
    }

    /// Inserts `line` into `rel` right after the line `after`.
    pub fn insert_after(&self, rel: &str, after: &str, line: &str) {
        let p = self.path().join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text.matches(after).count(), 1, "{after} once in {rel}");
        std::fs::write(&p, text.replacen(after, &format!("{after}\n{line}"), 1)).unwrap();
    }
}

/// The real seeds, the railway's follow-up report as a second source and a
/// progress statement resting on it.
pub fn railway_progress() -> Seeds {
    let s = Seeds::copy();
    s.add_fixture("railway-follow-up", "2026-01-05");
    s.insert_after(
        "records/projects.toml",
        "status = \"高质量推进中吉乌铁路建设，力争早日建成\"",
        &format!(
            "progress = [{{ status = \"主体工程正式开工\", date = \"2025-12-27\", cite = {{ source = \"railway-follow-up\", p = 1, span = \"{FOLLOW_UP_SPAN}\" }} }}]"
        ),
    );
    s
}

fn position(body: &str, needle: &str) -> usize {
    body.find(needle)
        .unwrap_or_else(|| panic!("{needle} not on the page"))
}

#[tokio::test]
async fn todays_status_is_the_first_statement_dated_by_its_source() {
    let app = TestApp::new().await;
    let page = app.get_ok(RAILWAY).await.body;
    let history = &page[position(&page, "id=\"status-history\"")..];
    assert!(
        history.contains("<time datetime=\"2025-06-18\">2025-06-18</time> 新华社：“高质量推进中吉乌铁路建设，力争早日建成”"),
        "{}",
        &history[..history.len().min(800)]
    );
    assert!(history.contains("来源发布日期"));
    let json = app
        .get_ok("/api/records/project/china-kyrgyzstan-uzbekistan-railway")
        .await
        .json();
    let st = &json["status_history"];
    assert_eq!(st.as_array().unwrap().len(), 1);
    assert_eq!(st[0]["date"], "2025-06-18");
    assert_eq!(st[0]["date_basis"], "published");
    assert_eq!(st[0]["citation"]["publisher"], "新华社");
    assert_eq!(st[0]["citation"]["paragraph"], 10);
    // Every citation names its source's publisher and date.
    for c in json["citations"].as_array().unwrap() {
        assert_eq!(c["publisher"], "新华社");
        assert_eq!(c["published"], "2025-06-18");
    }
    assert!(page.contains("新华社 <time datetime=\"2025-06-18\">2025-06-18</time></figcaption>"));
}

#[tokio::test]
async fn every_status_of_the_real_seeds_rests_on_a_citation_of_its_source() {
    let set = summitkb::seeds::load(&seeds_dir()).unwrap();
    let mut with_status = 0;
    for r in &set.records {
        let Some(status) = r.field(summitkb::model::FieldName::Status) else {
            assert!(r.status_history.is_empty(), "{}", r.slug);
            continue;
        };
        with_status += 1;
        assert_eq!(r.status_history.len(), 1, "{}", r.slug);
        let first = &r.status_history[0];
        assert_eq!(first.status, status, "{}", r.slug);
        assert_eq!(first.date, "2025-06-18", "{}", r.slug);
        assert!(first.citation < r.citations.len());
    }
    assert_eq!(with_status, 38);
}

#[tokio::test]
async fn a_later_report_advances_the_status_and_lists_show_the_latest() {
    let seeds = railway_progress();
    let app = TestApp::with_seeds(&seeds.path()).await;
    let page = app.get_ok(RAILWAY).await.body;
    let first = position(
        &page,
        "2025-06-18</time> 新华社：“高质量推进中吉乌铁路建设，力争早日建成”",
    );
    let later = position(&page, "2025-12-27</time> 测试通讯社：“主体工程正式开工”");
    assert!(first < later, "oldest first");
    assert!(page.contains("原文所述日期"), "the later date is stated");
    // Both sources side by side, each with its publisher and date.
    let sources = &page[position(&page, "id=\"cited-sources\"")..];
    assert!(sources.contains("新华社 · <time datetime=\"2025-06-18\">"));
    assert!(sources.contains("测试通讯社 · <time datetime=\"2026-01-05\">"));
    assert!(
        page.contains("测试通讯社 <time datetime=\"2026-01-05\">2026-01-05</time></figcaption>")
    );

    // The status row, the list and the JSON show the latest.
    let facts = &page[position(&page, "class=\"facts\"")..position(&page, "id=\"status-history\"")];
    assert!(facts.contains("主体工程正式开工"), "{facts}");
    let list = app.get_ok("/projects").await.body;
    assert!(list.contains("主体工程正式开工"));
    assert!(!list.contains("高质量推进中吉乌铁路建设，力争早日建成</"));
    let json = app
        .get_ok("/api/records/project/china-kyrgyzstan-uzbekistan-railway")
        .await
        .json();
    assert_eq!(json["fields"]["status"], "主体工程正式开工");
    let st = json["status_history"].as_array().unwrap();
    assert_eq!(st.len(), 2);
    assert_eq!(st[1]["date"], "2025-12-27");
    assert_eq!(st[1]["date_basis"], "stated");
    assert_eq!(st[1]["citation"]["source"], "railway-follow-up");
    assert_eq!(st[1]["citation"]["publisher"], "测试通讯社");
    assert_eq!(st[1]["citation"]["span"], FOLLOW_UP_SPAN);
    // The later source's paragraph knows the record that cites it.
    let para = app.get_ok("/sources/railway-follow-up/p/1").await.body;
    assert!(para.contains("china-kyrgyzstan-uzbekistan-railway"));
    let found = app
        .get_ok(&format!("/search?q={}", enc("主体工程正式开工")))
        .await
        .body;
    assert!(found.contains("/projects/china-kyrgyzstan-uzbekistan-railway"));
}

#[tokio::test]
async fn a_contradicting_date_is_shown_with_both_citations_and_listed_by_check() {
    let seeds = Seeds::copy();
    seeds.add_fixture("summit-date-contradiction", "2026-01-06");
    seeds.insert_after(
        "records/events.toml",
        "status = \"商定，将于2027年由中国主办\"",
        "disagree = [{ field = \"date\", value = \"2028\", cite = { source = \"summit-date-contradiction\", p = 1, span = \"第三届中国—中亚峰会将于2028年在中国举行\" } }]",
    );
    let set = summitkb::seeds::load(&seeds.path()).expect("loads");
    let listed = set.disagreements();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(
        listed[0].contains("event `third-china-central-asia-summit` date: \"2027\" (新华社 2025-06-18 `wang-yi-2025-china-central-asia-summit` ¶6) against \"2028\" (测试通讯社 2026-01-06 `summit-date-contradiction` ¶1)"),
        "{}",
        listed[0]
    );
    assert!(listed[0].contains("records/events.toml:"), "{}", listed[0]);
    // The record keeps its own date: nothing is merged.
    let r = set.record("third-china-central-asia-summit").unwrap();
    assert_eq!(r.field(summitkb::model::FieldName::Date), Some("2027"));

    let app = TestApp::with_seeds(&seeds.path()).await;
    let page = app
        .get_ok("/events/third-china-central-asia-summit")
        .await
        .body;
    let box_ = &page[position(&page, "id=\"disagreements\"")..];
    let a = position(box_, "2027：新华社（2025-06-18）");
    let b = position(box_, "2028：测试通讯社（2026-01-06）");
    assert!(a < b);
    assert!(box_.contains("“第三届中国—中亚峰会将于2028年在中国举行”"));
    let json = app
        .get_ok("/api/records/event/third-china-central-asia-summit")
        .await
        .json();
    let d = &json["disagreements"][0];
    assert_eq!(d["field"], "date");
    assert_eq!(d["values"][0]["value"], "2027");
    assert_eq!(d["values"][0]["citation"]["publisher"], "新华社");
    assert_eq!(d["values"][1]["value"], "2028");
    assert_eq!(
        d["values"][1]["citation"]["source"],
        "summit-date-contradiction"
    );
    assert_eq!(json["fields"]["date"], "2027");
}

/// Loads `seeds` expecting errors, returning them as text.
fn errors_of(seeds: &Path) -> String {
    summitkb::seeds::load(seeds)
        .expect_err("the seeds must be refused")
        .to_string()
}

#[test]
fn bad_progress_and_disagreements_name_file_and_line() {
    let cases: [(&str, &str, &str, &str); 5] = [
        (
            "records/projects.toml",
            "status = \"高质量推进中吉乌铁路建设，力争早日建成\"",
            "progress = [{ status = \"已经建成\", cite = { source = \"railway-follow-up\", p = 1, span = \"主体工程正式开工\" } }]",
            "must stand verbatim in its cited span",
        ),
        (
            "records/projects.toml",
            "status = \"高质量推进中吉乌铁路建设，力争早日建成\"",
            "progress = [{ status = \"主体工程正式开工\", date = \"2026-01-01\", cite = { source = \"railway-follow-up\", p = 1, span = \"主体工程正式开工\" } }]",
            "progress date `2026-01-01` stands not in its cited span",
        ),
        (
            "records/events.toml",
            "status = \"商定，将于2027年由中国主办\"",
            "disagree = [{ field = \"date\", value = \"2027\", cite = { source = \"railway-follow-up\", p = 1, span = \"主体工程正式开工\" } }]",
            "is the record's own value",
        ),
        (
            "records/events.toml",
            "status = \"商定，将于2027年由中国主办\"",
            "disagree = [{ field = \"date\", value = \"2025\", cite = { p = 1, span = \"2025年6月16日至18日\" } }]",
            "a disagreement is between two sources",
        ),
        (
            "records/events.toml",
            "status = \"商定，将于2027年由中国主办\"",
            "disagree = [{ field = \"sector\", value = \"x\", cite = { source = \"railway-follow-up\", p = 1, span = \"主体工程正式开工\" } }]",
            "disagree names `sector`, which is not a field this record gives",
        ),
    ];
    for (rel, after, line, expected) in cases {
        let seeds = Seeds::copy();
        seeds.add_fixture("railway-follow-up", "2026-01-05");
        seeds.insert_after(rel, after, line);
        let errors = errors_of(&seeds.path());
        assert!(errors.contains(expected), "{line}\n{errors}");
        assert!(errors.contains(&format!("{rel}:")), "{errors}");
    }
}

/// The 1-based line of the first line of `file` holding `needle`.
fn line_of(file: &Path, needle: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    let byte = text.find(needle).unwrap_or_else(|| panic!("{needle}"));
    text[..byte].matches('\n').count() + 1
}

#[tokio::test]
async fn a_changed_source_names_each_affected_citation_and_how_its_paragraph_changed() {
    let seeds = Seeds::copy();
    let db = seeds.dir.path().join("kb.sqlite");
    summitkb::prepare_database(&db, &seeds.path())
        .await
        .expect("imports");
    let before = std::fs::read(&db).unwrap();
    let text = seeds
        .path()
        .join(format!("sources/{}.txt", crate::helpers::SOURCE));
    let original = std::fs::read_to_string(&text).unwrap();
    std::fs::write(&text, original.replacen("力争早日建成", "争取早日建成", 1)).unwrap();

    let err = summitkb::prepare_database(&db, &seeds.path())
        .await
        .expect_err("a changed source is refused")
        .to_string();
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the database is untouched"
    );
    let projects = seeds.path().join("records/projects.toml");
    let at = format!(
        "{}:{}:",
        projects.display(),
        line_of(
            &projects,
            "cite = [{ p = 10, span = \"一致同意高质量推进中吉乌铁路建设"
        )
    );
    let line = err
        .lines()
        .find(|l| l.starts_with(&at))
        .unwrap_or_else(|| panic!("no error at {at}:\n{err}"));
    assert!(
        line.contains("project `china-kyrgyzstan-uzbekistan-railway`: cites ¶10"),
        "{line}"
    );
    assert!(
        line.contains("一致同意高质量推进中吉乌铁路建设，[-力争-]{+争取+}早日建成，各方受益"),
        "{line}"
    );
    assert!(err.contains("changed: its sha256 is"), "{err}");
    // Only the citations whose words changed are named: the two that
    // quote 力争早日建成 (the railway and the bilateral meetings).
    assert_eq!(
        err.matches("whose text changed since it was pinned")
            .count(),
        2,
        "{err}"
    );
    assert!(
        err.contains("event `xi-bilateral-meetings-astana-2025`: cites ¶10"),
        "{err}"
    );
}

#[test]
fn a_merged_paragraph_says_where_the_cited_words_went() {
    let seeds = Seeds::copy();
    let text = seeds
        .path()
        .join(format!("sources/{}.txt", crate::helpers::SOURCE));
    let original = std::fs::read_to_string(&text).unwrap();
    // Line 36, the blank line between ¶11 and ¶12, gets words: the two
    // blocks become one and every later paragraph's number drops by one.
    let mut lines: Vec<&str> = original.split('\n').collect();
    assert!(lines[35].trim().is_empty());
    lines[35] = "此行为测试插入。";
    std::fs::write(&text, lines.join("\n")).unwrap();
    let err = errors_of(&seeds.path());
    assert!(
        err.contains("the words now stand in ¶11 (text line 35)"),
        "{err}"
    );
    assert!(err.contains("so `p` must become 12"), "{err}");
}
