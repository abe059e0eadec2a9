//! The loader's rejections: each kind of bad seed names file and line, and
//! leaves an existing database exactly as it was.

use std::path::{Path, PathBuf};

use crate::helpers::{SOURCE, copy_dir, seeds_dir};
use summitkb::{ImportOutcome, PrepareError};

/// A copy of the real seeds in a temp dir, and a database imported from them.
pub(crate) struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    pub(crate) async fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&seeds_dir(), &dir.path().join("seeds"));
        let s = Scratch { dir };
        summitkb::prepare_database(&s.db(), &s.seeds())
            .await
            .expect("good seeds import");
        s
    }

    pub(crate) fn seeds(&self) -> PathBuf {
        self.dir.path().join("seeds")
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("kb.sqlite")
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.seeds().join(rel)
    }

    pub(crate) fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) {
        let p = self.path(rel);
        let before = std::fs::read_to_string(&p).unwrap();
        let after = f(before.clone());
        assert_ne!(before, after, "the edit changed nothing in {rel}");
        std::fs::write(p, after).unwrap();
    }

    /// Runs the import expecting failure; returns the message and checks the
    /// database file is byte for byte what it was.
    pub(crate) async fn reject(&self) -> String {
        let before = std::fs::read(self.db()).unwrap();
        let err = summitkb::prepare_database(&self.db(), &self.seeds())
            .await
            .expect_err("bad seeds must be rejected");
        let after = std::fs::read(self.db()).unwrap();
        assert!(before == after, "the database changed");
        assert!(matches!(err, PrepareError::Seeds(_)));
        err.to_string()
    }
}

/// The 1-based line of the first occurrence of `needle` in a seed file.
fn line_of(path: &Path, needle: &str) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    let byte = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in {}", path.display()));
    text[..byte].matches('\n').count() + 1
}

pub(crate) fn assert_names(msg: &str, file: &Path, line: usize, words: &str) {
    let at = format!("{}:{}:", file.display(), line);
    assert!(msg.contains(&at), "expected `{at}` in:\n{msg}");
    assert!(msg.contains(words), "expected `{words}` in:\n{msg}");
}

#[tokio::test]
async fn reimport_of_unchanged_seeds_changes_nothing() {
    let s = Scratch::new().await;
    let before = std::fs::read(s.db()).unwrap();
    let (_, outcome) = summitkb::prepare_database(&s.db(), &s.seeds())
        .await
        .unwrap();
    assert_eq!(outcome, ImportOutcome::Unchanged);
    assert!(before == std::fs::read(s.db()).unwrap());
}

#[tokio::test]
async fn two_imports_of_the_same_seeds_serve_identical_bytes() {
    let a = crate::helpers::TestApp::new().await;
    let b = crate::helpers::TestApp::new().await;
    for uri in [
        "/",
        "/projects",
        "/projects/china-kyrgyzstan-uzbekistan-railway",
        &format!("/sources/{SOURCE}"),
        &format!("/sources/{SOURCE}/p/10"),
        "/search?q=%E9%93%81%E8%B7%AF",
        "/api/search?q=tokayev",
        &format!("/api/sources/{SOURCE}"),
        "/map",
        "/map.svg",
        "/timeline",
    ] {
        let (x, y) = (a.get_ok(uri).await, b.get_ok(uri).await);
        assert_eq!(x.body, y.body, "{uri}");
        // Same tags, so a CDN or a browser revalidates against any replica.
        assert_eq!(x.headers["etag"], y.headers["etag"], "{uri}");
    }
}

#[tokio::test]
async fn changed_seeds_are_imported() {
    let s = Scratch::new().await;
    s.edit("records/projects.toml", |t| {
        t.replace("力争早日建成，各方受益。\"", "力争早日建成。\"")
    });
    let (_, outcome) = summitkb::prepare_database(&s.db(), &s.seeds())
        .await
        .unwrap();
    assert!(matches!(outcome, ImportOutcome::Imported { .. }));
}

#[tokio::test]
async fn unknown_field() {
    let s = Scratch::new().await;
    s.edit("records/projects.toml", |t| {
        t.replacen("sector = \"交通·铁路\"", "sektor = \"交通·铁路\"", 1)
    });
    let f = s.path("records/projects.toml");
    let msg = s.reject().await;
    assert_names(&msg, &f, line_of(&f, "sektor"), "unknown field `sektor`");
}

#[tokio::test]
async fn field_not_of_this_kind() {
    let s = Scratch::new().await;
    s.edit("records/people.toml", |t| {
        t.replacen(
            "role = \"国家主席\"",
            "role = \"国家主席\"\nsector = \"x\"",
            1,
        )
    });
    let f = s.path("records/people.toml");
    let msg = s.reject().await;
    assert_names(
        &msg,
        &f,
        line_of(&f, "sector = \"x\""),
        "`sector` is not a field of a person",
    );
}

#[tokio::test]
async fn paragraph_that_does_not_exist() {
    let s = Scratch::new().await;
    s.edit("records/projects.toml", |t| {
        t.replacen(
            "{ p = 10, span = \"一致同意",
            "{ p = 99, span = \"一致同意",
            1,
        )
    });
    let f = s.path("records/projects.toml");
    let msg = s.reject().await;
    assert_names(
        &msg,
        &f,
        line_of(&f, "p = 99"),
        "paragraph 99 does not exist",
    );
}

#[tokio::test]
async fn span_not_verbatim() {
    let s = Scratch::new().await;
    s.edit("records/projects.toml", |t| {
        t.replacen(
            "一致同意高质量推进中吉乌铁路建设",
            "一致同意推进中吉乌铁路建设",
            1,
        )
    });
    let f = s.path("records/projects.toml");
    let msg = s.reject().await;
    assert_names(
        &msg,
        &f,
        line_of(&f, "一致同意推进中吉乌铁路建设"),
        "is not verbatim in ¶10",
    );
}

#[tokio::test]
async fn span_cited_from_the_wrong_paragraph() {
    let s = Scratch::new().await;
    s.edit("records/projects.toml", |t| {
        t.replacen(
            "{ p = 10, span = \"一致同意",
            "{ p = 11, span = \"一致同意",
            1,
        )
    });
    let f = s.path("records/projects.toml");
    let msg = s.reject().await;
    assert_names(
        &msg,
        &f,
        line_of(&f, "p = 11, span = \"一致同意"),
        "is not verbatim in ¶11",
    );
}

#[tokio::test]
async fn quote_words_not_verbatim() {
    let s = Scratch::new().await;
    s.edit("records/quotes.toml", |t| {
        t.replacen(
            "words = \"使者相望于道，商旅不绝于途\"",
            "words = \"使者相望于路，商旅不绝于途\"",
            1,
        )
    });
    let f = s.path("records/quotes.toml");
    let msg = s.reject().await;
    assert_names(
        &msg,
        &f,
        line_of(&f, "使者相望于路"),
        "is not verbatim in any paragraph it cites",
    );
}

#[tokio::test]
async fn link_to_a_missing_record() {
    let s = Scratch::new().await;
    s.edit("records/projects.toml", |t| {
        t.replacen(
            "countries = [\"china\", \"kyrgyzstan\", \"uzbekistan\"]",
            "countries = [\"china\", \"kirgizia\", \"uzbekistan\"]",
            1,
        )
    });
    let f = s.path("records/projects.toml");
    let msg = s.reject().await;
    assert_names(
        &msg,
        &f,
        line_of(&f, "kirgizia"),
        "links to `kirgizia`, which is not a record",
    );
}

#[tokio::test]
async fn link_to_the_wrong_kind() {
    let s = Scratch::new().await;
    s.edit("records/quotes.toml", |t| {
        t.replacen(
            "speaker = \"wang-yi\"",
            "speaker = \"astana-declaration\"",
            1,
        )
    });
    let f = s.path("records/quotes.toml");
    let msg = s.reject().await;
    assert_names(
        &msg,
        &f,
        line_of(&f, "astana-declaration"),
        "`speaker` cannot link to agreement",
    );
}

#[tokio::test]
async fn duplicate_slug_across_files() {
    let s = Scratch::new().await;
    s.edit("records/figures.toml", |t| {
        t.replacen("slug = \"hours-in-astana\"", "slug = \"china\"", 1)
    });
    let f = s.path("records/figures.toml");
    let msg = s.reject().await;
    assert_names(
        &msg,
        &f,
        line_of(&f, "slug = \"china\""),
        "duplicate slug `china`",
    );
    assert!(msg.contains("countries.toml"), "names the first use: {msg}");
}

#[tokio::test]
async fn duplicate_key_in_a_table() {
    let s = Scratch::new().await;
    s.edit("records/projects.toml", |t| {
        t.replacen(
            "title = \"中吉乌铁路\"",
            "title = \"中吉乌铁路\"\ntitle = \"又一个\"",
            1,
        )
    });
    let f = s.path("records/projects.toml");
    let msg = s.reject().await;
    assert_names(&msg, &f, line_of(&f, "title = \"又一个\""), "duplicate key");
}

#[tokio::test]
async fn bad_toml_syntax() {
    let s = Scratch::new().await;
    s.edit("records/countries.toml", |t| {
        t.replacen("iso = \"CN\"", "iso = \"CN", 1)
    });
    let f = s.path("records/countries.toml");
    let msg = s.reject().await;
    assert_names(&msg, &f, line_of(&f, "iso = \"CN"), "");
}

#[tokio::test]
async fn invalid_utf8() {
    let s = Scratch::new().await;
    let f = s.path("records/countries.toml");
    let mut bytes = std::fs::read(&f).unwrap();
    let at = bytes.len() / 2;
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    bytes.insert(at, 0xFF);
    std::fs::write(&f, bytes).unwrap();
    let msg = s.reject().await;
    assert_names(&msg, &f, line, "invalid UTF-8");
}

#[tokio::test]
async fn oversized_file() {
    let s = Scratch::new().await;
    let f = s.path("records/huge.toml");
    let file = std::fs::File::create(&f).unwrap();
    file.set_len(summitkb::seeds::MAX_SEED_FILE_BYTES + 1)
        .unwrap();
    let msg = s.reject().await;
    assert!(msg.contains(&format!("{}: file is", f.display())), "{msg}");
}

#[tokio::test]
async fn source_text_edited() {
    let s = Scratch::new().await;
    s.edit(&format!("sources/{SOURCE}.txt"), |t| {
        t.replacen("中吉乌铁路", "中吉乌铁道", 1)
    });
    let f = s.path(&format!("sources/{SOURCE}.toml"));
    let msg = s.reject().await;
    assert_names(&msg, &f, line_of(&f, "sha256 ="), "changed: its sha256 is");
}

#[tokio::test]
async fn missing_source_text() {
    let s = Scratch::new().await;
    std::fs::remove_file(s.path(&format!("sources/{SOURCE}.txt"))).unwrap();
    let f = s.path(&format!("sources/{SOURCE}.toml"));
    let msg = s.reject().await;
    assert_names(&msg, &f, line_of(&f, "file ="), "not found");
}

#[tokio::test]
async fn unknown_source_in_a_citation() {
    let s = Scratch::new().await;
    s.edit("records/figures.toml", |t| {
        t.replacen(
            "source = \"wang-yi-2025-china-central-asia-summit\"",
            "source = \"xian-2023\"",
            1,
        )
    });
    let msg = s.reject().await;
    assert!(msg.contains("unknown source `xian-2023`"), "{msg}");
}

#[tokio::test]
async fn missing_required_field_and_english() {
    let s = Scratch::new().await;
    s.edit("records/projects.toml", |t| {
        t.replacen("sector = \"交通·铁路\"\n", "", 1).replacen(
            "english = \"China–Kyrgyzstan–Uzbekistan Railway\"\n",
            "",
            1,
        )
    });
    let f = s.path("records/projects.toml");
    let msg = s.reject().await;
    let line = line_of(&f, "slug = \"china-kyrgyzstan-uzbekistan-railway\"");
    assert_names(&msg, &f, line, "missing field `sector`");
    assert_names(&msg, &f, line, "give `english`");
}

#[tokio::test]
async fn page_break_not_declared() {
    let s = Scratch::new().await;
    s.edit(&format!("sources/{SOURCE}.toml"), |t| {
        t.replace("[[19, 21], ", "[")
    });
    let msg = s.reject().await;
    assert!(msg.contains("ends mid-sentence"), "{msg}");
}

#[tokio::test]
async fn every_problem_is_reported_at_once() {
    let s = Scratch::new().await;
    s.edit("records/projects.toml", |t| {
        t.replacen(
            "{ p = 10, span = \"一致同意",
            "{ p = 99, span = \"一致同意",
            1,
        )
    });
    s.edit("records/quotes.toml", |t| {
        t.replacen("speaker = \"wang-yi\"", "speaker = \"nobody\"", 1)
    });
    let msg = s.reject().await;
    assert!(
        msg.contains("paragraph 99") && msg.contains("`nobody`"),
        "{msg}"
    );
    assert!(msg.contains("2 problems"), "{msg}");
}

/// Kills `summitkb import` (SIGKILL) at spread-out moments while it replaces
/// the data: afterwards the database holds the old data or the new, whole.
#[tokio::test]
async fn import_killed_at_any_point_leaves_old_or_new_data() {
    let s = Scratch::new().await;
    let old = summitkb::seeds::load(&s.seeds()).unwrap().version;
    s.edit("records/projects.toml", |t| {
        t.replace("力争早日建成，各方受益。\"", "力争早日建成。\"")
    });
    let new = summitkb::seeds::load(&s.seeds()).unwrap().version;
    let mut outcomes = std::collections::BTreeSet::new();
    for i in 0..12u64 {
        // Start from the old data each round.
        summitkb::prepare_database(&s.db(), &seeds_dir())
            .await
            .unwrap();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_summitkb"))
            .args(["import", "--db"])
            .arg(s.db())
            .arg("--seeds")
            .arg(s.seeds())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(i * 15));
        let _ = child.kill();
        let _ = child.wait();
        // A kill mid-transaction leaves a hot journal, which only a writable
        // connection can roll back: open it as `serve` does first.
        summitkb::db::open_writable(&s.db())
            .await
            .unwrap()
            .close()
            .await;
        let pool = summitkb::db::open_read_only(&s.db()).await.unwrap();
        let version = summitkb::db::queries::data_version(&pool)
            .await
            .unwrap()
            .unwrap();
        let records: i64 = sqlx::query_scalar("SELECT count(*) FROM records")
            .fetch_one(&pool)
            .await
            .unwrap();
        let edited: i64 = sqlx::query_scalar("SELECT count(*) FROM records WHERE summary LIKE '%力争早日建成。' AND slug = 'china-kyrgyzstan-uzbekistan-railway'")
            .fetch_one(&pool).await.unwrap();
        pool.close().await;
        assert!(
            version == old || version == new,
            "round {i}: unknown version"
        );
        assert_eq!(
            edited == 1,
            version == new,
            "round {i}: data and version disagree"
        );
        assert!(records > 90, "round {i}: {records} records");
        outcomes.insert(version == new);
        // The server starts on what is left.
        let app = summitkb::build_app(&s.db(), "http://x", std::path::Path::new("static"))
            .await
            .unwrap();
        drop(app);
    }
    eprintln!("outcomes seen (new data?): {outcomes:?}");
}

#[tokio::test]
async fn date_that_is_not_a_date() {
    let s = Scratch::new().await;
    s.edit("records/events.toml", |t| {
        t.replacen("date = \"2023\"", "date = \"2023年\"", 1)
    });
    let f = s.path("records/events.toml");
    let msg = s.reject().await;
    assert_names(
        &msg,
        &f,
        line_of(&f, "date = \"2023年\""),
        "the year must have four digits",
    );
}

#[tokio::test]
async fn derived_date_without_its_derivation() {
    let s = Scratch::new().await;
    s.reject_project(
        "english_note = \"none\"\ndate = \"2013\"\ndate_basis = \"derived\"",
        "date_basis = \"derived\"",
        "a derived date needs `derivation`",
    )
    .await;
}

#[tokio::test]
async fn map_shape_with_an_open_ring() {
    let s = Scratch::new().await;
    s.edit("geo/countries.geojson", |t| {
        // Drop Kyrgyzstan's closing point: its first ring no longer closes.
        let line = t
            .lines()
            .find(|l| l.contains("\"iso\":\"KG\""))
            .unwrap()
            .to_owned();
        let first = line.find("[[[[").unwrap() + 4;
        let start_point = &line[first..first + line[first..].find(']').unwrap()];
        let close = format!(",[{start_point}]]");
        let end = line.find(&close).expect("ring closes on its start");
        let broken = format!("{}]{}", &line[..end], &line[end + close.len()..]);
        t.replacen(&line, &broken, 1)
    });
    let f = s.path("geo/countries.geojson");
    let msg = s.reject().await;
    assert_names(
        &msg,
        &f,
        line_of(&f, "\"iso\":\"KG\""),
        "feature `KG`: every ring",
    );
}

/// A project appended to `records/projects.toml`, valid but for `extra`:
/// tests of one rule add their own record rather than edit a curated one.
pub(crate) fn project_with(slug: &str, extra: &str) -> String {
    project_citing(slug, 10, "中方将同中亚国家加强发展战略对接", extra)
}

/// [`project_with`], citing `span` of paragraph `p`.
fn project_citing(slug: &str, p: u32, span: &str, extra: &str) -> String {
    format!(
        "\n[[project]]\nslug = \"{slug}\"\ntitle = \"测试用项目{slug}\"\nsummary = \"测试。\"\n\
         {SUMMARY_EN}sector = \"测试\"\n{SECTOR_EN}status = \"测试\"\ncountries = [\"china\"]\n\
         cite = [{{ source = \"{SOURCE}\", p = {p}, span = \"{span}\" }}]\n{extra}\n"
    )
}

/// The English a valid test project carries, in [`project_with`].
const SUMMARY_EN: &str = "summary_en = \"Test.\"\nsummary_en_basis = \"translation\"\n";
const SECTOR_EN: &str = "sector_en = \"Test\"\nfields_en_basis = \"translation\"\n";

/// [`project_with`] without its English, for tests of the English rules.
pub(crate) fn bare_project(slug: &str, extra: &str) -> String {
    project_with(slug, extra)
        .replace(SUMMARY_EN, "")
        .replace(SECTOR_EN, "")
}

impl Scratch {
    pub(crate) fn append(&self, rel: &str, text: &str) {
        self.edit(rel, |t| format!("{t}{text}"));
    }

    /// Appends a test project and expects the import to fail on the line of
    /// `needle` with `words`.
    pub(crate) async fn reject_project(&self, extra: &str, needle: &str, words: &str) {
        self.append("records/projects.toml", &project_with("test-x", extra));
        let f = self.path("records/projects.toml");
        let msg = self.reject().await;
        assert_names(&msg, &f, line_of_last(&f, needle), words);
    }
}

/// The 1-based line of the last occurrence of `needle`: appended test
/// records come last.
pub(crate) fn line_of_last(path: &Path, needle: &str) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    let byte = text
        .rfind(needle)
        .unwrap_or_else(|| panic!("{needle} not in {}", path.display()));
    text[..byte].matches('\n').count() + 1
}

pub(crate) const OFFICIAL_REF: &str = "english_ref = { publisher = \"Xinhua\", title = \"Full text\", \
                            date = \"2025-06-17\", url = \"https://english.news.cn/x.html\" }";

#[tokio::test]
async fn english_without_its_basis() {
    let s = Scratch::new().await;
    s.reject_project(
        "english = \"Test Project\"",
        "english = \"Test Project\"",
        "`english` needs `english_basis`",
    )
    .await;
}

#[tokio::test]
async fn english_basis_that_is_no_basis() {
    let s = Scratch::new().await;
    s.reject_project(
        "english = \"Test Project\"\nenglish_basis = \"xinhua\"",
        "english_basis = \"xinhua\"",
        "english_basis must be `official` or `translation`",
    )
    .await;
}

#[tokio::test]
async fn english_basis_without_english() {
    let s = Scratch::new().await;
    s.reject_project(
        "english_note = \"none\"\nenglish_basis = \"translation\"",
        "english_basis = \"translation\"",
        "`english_basis` without `english`",
    )
    .await;
}

#[tokio::test]
async fn official_english_without_its_reference() {
    let s = Scratch::new().await;
    s.reject_project(
        "english = \"Test Project\"\nenglish_basis = \"official\"",
        "english_basis = \"official\"",
        "an official English name needs `english_ref",
    )
    .await;
}

#[tokio::test]
async fn our_translation_with_a_reference() {
    let s = Scratch::new().await;
    s.reject_project(
        &format!("english = \"Test Project\"\nenglish_basis = \"translation\"\n{OFFICIAL_REF}"),
        "english_ref =",
        "`english_ref` is only for english_basis = \"official\"",
    )
    .await;
}

#[tokio::test]
async fn english_reference_without_a_title() {
    let s = Scratch::new().await;
    s.reject_project(
        "english = \"Test Project\"\nenglish_basis = \"official\"\n\
         english_ref = { publisher = \"Xinhua\", date = \"2025-06-17\" }",
        "english_ref =",
        "english_ref needs `title`",
    )
    .await;
}

#[tokio::test]
async fn english_reference_with_a_date_that_is_not_a_day() {
    let s = Scratch::new().await;
    s.reject_project(
        "english = \"Test Project\"\nenglish_basis = \"official\"\n\
         english_ref = { publisher = \"Xinhua\", title = \"T\", date = \"2025-6-17\" }",
        "english_ref =",
        "english_ref `date` \"2025-6-17\" must be a day written YYYY-MM-DD",
    )
    .await;
}

#[tokio::test]
async fn english_reference_with_a_url_that_is_no_address() {
    let s = Scratch::new().await;
    s.reject_project(
        "english = \"Test Project\"\nenglish_basis = \"official\"\n\
         english_ref = { publisher = \"Xinhua\", title = \"T\", date = \"2025-06-17\", url = \"english.news.cn\" }",
        "english_ref =",
        "`url` \"english.news.cn\" must be an http:// or https:// address",
    )
    .await;
}

#[tokio::test]
async fn english_reference_with_an_unknown_field() {
    let s = Scratch::new().await;
    s.reject_project(
        "english = \"Test Project\"\nenglish_basis = \"official\"\n\
         english_ref = { publisher = \"Xinhua\", title = \"T\", date = \"2025-06-17\", link = \"x\" }",
        "english_ref =",
        "unknown field `link`",
    )
    .await;
}

#[tokio::test]
async fn editorial_note_without_its_reference() {
    let s = Scratch::new().await;
    s.reject_project(
        "english_note = \"none\"\neditorial = [{ text = \"峰会于6月17日举行。\" }]",
        "editorial =",
        "an editorial note needs `ref",
    )
    .await;
}

#[tokio::test]
async fn editorial_note_without_text() {
    let s = Scratch::new().await;
    s.reject_project(
        "english_note = \"none\"\neditorial = [{ text_en = \"x\", ref = { publisher = \"Xinhua\", \
         title = \"T\", date = \"2025-06-17\" } }]",
        "editorial =",
        "an editorial note needs `text`",
    )
    .await;
}

#[tokio::test]
async fn editorial_reference_with_a_date_that_is_not_a_day() {
    let s = Scratch::new().await;
    s.reject_project(
        "english_note = \"none\"\neditorial = [{ text = \"x\", ref = { publisher = \"Xinhua\", \
         title = \"T\", date = \"2025-06\" } }]",
        "editorial =",
        "editorial `ref` `date` \"2025-06\" must be a day",
    )
    .await;
}

type RefRow = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);
type EditorialRow = (String, Option<String>, String, String, Option<String>);

/// Provenance reaches the database as written, and importing it again is a
/// no-op.
#[tokio::test]
async fn provenance_is_stored() {
    let s = Scratch::new().await;
    s.append(
        "records/projects.toml",
        &project_with(
            "test-official",
            &format!(
                "english = \"Test Project\"\nenglish_basis = \"official\"\n{OFFICIAL_REF}\n\
                 editorial = [{{ text = \"峰会于6月17日举行。\", text_en = \"The summit sat on 17 June.\", \
                 ref = {{ publisher = \"Xinhua\", title = \"Summit opens\", date = \"2025-06-17\" }} }}]"
            ),
        ),
    );
    s.append(
        "records/projects.toml",
        &project_with(
            "test-translated",
            "english = \"Our Name\"\nenglish_basis = \"translation\"",
        ),
    );
    let (_, outcome) = summitkb::prepare_database(&s.db(), &s.seeds())
        .await
        .unwrap();
    assert!(matches!(outcome, ImportOutcome::Imported { .. }));
    let pool = summitkb::db::open_read_only(&s.db()).await.unwrap();
    let row: RefRow = sqlx::query_as(
        "SELECT english_basis, english_ref_publisher, english_ref_title, english_ref_date, \
             english_ref_url FROM records WHERE slug = 'test-official'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            Some("official".into()),
            Some("Xinhua".into()),
            Some("Full text".into()),
            Some("2025-06-17".into()),
            Some("https://english.news.cn/x.html".into())
        )
    );
    let notes: Vec<EditorialRow> = sqlx::query_as(
        "SELECT e.text, e.text_en, e.ref_publisher, e.ref_date, e.ref_url FROM record_editorial e \
         JOIN records r ON r.id = e.record_id WHERE r.slug = 'test-official' ORDER BY e.position",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        notes,
        vec![(
            "峰会于6月17日举行。".into(),
            Some("The summit sat on 17 June.".into()),
            "Xinhua".into(),
            "2025-06-17".into(),
            None
        )]
    );
    let translated: (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT english_basis, english_ref_title FROM records WHERE slug = 'test-translated'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(translated, (Some("translation".into()), None));
    pool.close().await;

    let before = std::fs::read(s.db()).unwrap();
    let (_, again) = summitkb::prepare_database(&s.db(), &s.seeds())
        .await
        .unwrap();
    assert_eq!(again, ImportOutcome::Unchanged);
    assert!(before == std::fs::read(s.db()).unwrap());
}

#[tokio::test]
async fn stated_date_that_no_cited_span_states() {
    let s = Scratch::new().await;
    s.reject_project(
        "english_note = \"none\"\ndate = \"2024\"\ndate_basis = \"stated\"",
        "date = \"2024\"",
        "stated date `2024` stands in no span the record cites",
    )
    .await;
}

#[tokio::test]
async fn stated_date_that_its_span_states_otherwise() {
    // ¶1 dates the trip 16-18 June; the 17th is not in its words.
    let s = Scratch::new().await;
    s.append(
        "records/projects.toml",
        &project_citing(
            "test-x",
            1,
            "2025年6月16日至18日，国家主席习近平",
            "english_note = \"none\"\ndate = \"2025-06-17\"\ndate_basis = \"stated\"",
        ),
    );
    let f = s.path("records/projects.toml");
    let msg = s.reject().await;
    assert_names(
        &msg,
        &f,
        line_of_last(&f, "date = \"2025-06-17\""),
        "stated date `2025-06-17` stands in no span the record cites",
    );
}

#[tokio::test]
async fn stated_dates_written_as_the_source_writes_them_pass() {
    let s = Scratch::new().await;
    let dated = |basis: &str| {
        format!("english_note = \"none\"\ndate = \"{basis}\"\ndate_basis = \"stated\"")
    };
    s.append(
        "records/projects.toml",
        &(project_citing(
            "test-trip",
            1,
            "2025年6月16日至18日",
            &dated("2025-06-16/2025-06-18"),
        ) + &project_citing(
            "test-years",
            10,
            "共同宣布2025至2026年为",
            &dated("2025/2026"),
        )),
    );
    let (_, outcome) = summitkb::prepare_database(&s.db(), &s.seeds())
        .await
        .expect("stated dates in their spans are accepted");
    assert!(matches!(outcome, ImportOutcome::Imported { .. }));
}

#[tokio::test]
async fn derivation_that_names_no_paragraph() {
    let s = Scratch::new().await;
    s.reject_project(
        "english_note = \"none\"\ndate = \"2013\"\ndate_basis = \"derived\"\n\
         derivation = \"文章发表于2025年，12年前即2013年。\"",
        "derivation = ",
        "a derivation must name the paragraph(s) it rests on as ¶N",
    )
    .await;
}

#[tokio::test]
async fn derivation_that_names_a_paragraph_the_record_does_not_cite() {
    let s = Scratch::new().await;
    s.reject_project(
        "english_note = \"none\"\ndate = \"2013\"\ndate_basis = \"derived\"\n\
         derivation = \"¶9 称“12年前”，文章发表于2025年（¶10）：2025 − 12 = 2013。\"",
        "derivation = ",
        "the derivation names ¶9, which the record does not cite",
    )
    .await;
}

/// Appends projects whose title and extra keys are given, and expects a
/// rejection at the line of the last `needle` naming both records.
async fn reject_alias(s: &Scratch, projects: &[(&str, &str, &str)], needle: &str, words: &str) {
    let mut text = String::new();
    for (slug, title, extra) in projects {
        text.push_str(&project_with(slug, extra).replace(
            &format!("title = \"测试用项目{slug}\""),
            &format!("title = \"{title}\""),
        ));
    }
    s.append("records/projects.toml", &text);
    let f = s.path("records/projects.toml");
    let msg = s.reject().await;
    assert_names(&msg, &f, line_of_last(&f, needle), words);
    // Both records, each with its line.
    for (slug, _, _) in projects {
        assert!(msg.contains(&format!("`{slug}`")), "{slug} in {msg}");
    }
    assert!(msg.contains(&format!("{}:", f.display())), "{msg}");
}

#[tokio::test]
async fn alias_that_is_another_records_title() {
    let s = Scratch::new().await;
    // Folded as search folds: traditional characters and case do not hide it.
    reject_alias(
        &s,
        &[
            ("test-a", "测试甲项目", "english_note = \"none\""),
            (
                "test-b",
                "测试乙项目",
                "english_note = \"none\"\naliases = [\"測試甲項目\"]",
            ),
        ],
        "aliases = [\"測試甲項目\"]",
        "alias \"測試甲項目\" is the title of project `test-a`",
    )
    .await;
}

#[tokio::test]
async fn alias_that_is_another_records_alias() {
    let s = Scratch::new().await;
    reject_alias(
        &s,
        &[
            (
                "test-a",
                "测试甲项目",
                "english_note = \"none\"\naliases = [\"测试别名\"]",
            ),
            (
                "test-b",
                "测试乙项目",
                "english_note = \"none\"\naliases = [\"测试别名\"]",
            ),
        ],
        // Reported once, at the first record's alias.
        "aliases = [\"测试别名\"]\n\n[[project]]\nslug = \"test-b\"",
        "alias \"测试别名\" is also an alias of project `test-b`",
    )
    .await;
}

#[tokio::test]
async fn alias_that_is_another_records_english_name() {
    let s = Scratch::new().await;
    reject_alias(
        &s,
        &[
            (
                "test-a",
                "测试甲项目",
                "english = \"Test Corridor\"\nenglish_basis = \"translation\"",
            ),
            (
                "test-b",
                "测试乙项目",
                "english_note = \"none\"\naliases = [\"TEST CORRIDOR\"]",
            ),
        ],
        "aliases = [\"TEST CORRIDOR\"]",
        "alias \"TEST CORRIDOR\" is the English name of project `test-a`",
    )
    .await;
}

#[tokio::test]
async fn alias_that_is_generic_for_its_kind() {
    let s = Scratch::new().await;
    reject_alias(
        &s,
        &[
            ("test-a", "首届测试峰会项目", "english_note = \"none\""),
            (
                "test-b",
                "第二届测试峰会项目",
                "english_note = \"none\"\naliases = [\"测试峰会项目\"]",
            ),
        ],
        "aliases = [\"测试峰会项目\"]",
        "alias \"测试峰会项目\" is generic: it is part of the title \"首届测试峰会项目\" of project `test-a`",
    )
    .await;
}

/// Appends an `[[errata]]` entry to the source manifest and expects the
/// import to fail at its line with `words`; the text file is never touched.
async fn reject_erratum(s: &Scratch, entry: &str, words: &str) {
    let rel = format!("sources/{SOURCE}.toml");
    s.append(&rel, &format!("\n[[errata]]\n{entry}\n"));
    let f = s.path(&rel);
    let msg = s.reject().await;
    assert_names(&msg, &f, line_of_last(&f, "[[errata]]"), words);
}

#[tokio::test]
async fn erratum_whose_words_are_not_on_its_line() {
    let s = Scratch::new().await;
    reject_erratum(
        &s,
        "line = 35\npublished = \"亿及\"\nreading = \"忆及\"",
        "erratum: \"亿及\" occurs 0 times on line 35",
    )
    .await;
}

#[tokio::test]
async fn erratum_whose_words_occur_twice_on_its_line() {
    let s = Scratch::new().await;
    reject_erratum(
        &s,
        "line = 37\npublished = \"习近平主席\"\nreading = \"习主席\"",
        "occurs 4 times on line 37; it must occur exactly once",
    )
    .await;
}

#[tokio::test]
async fn erratum_beyond_the_text() {
    let s = Scratch::new().await;
    reject_erratum(
        &s,
        "line = 999\npublished = \"亿及\"\nreading = \"忆及\"",
        "erratum: line 999 is not in the text",
    )
    .await;
}

#[tokio::test]
async fn erratum_in_the_title() {
    let s = Scratch::new().await;
    reject_erratum(
        &s,
        "line = 3\npublished = \"弘扬\"\nreading = \"宏扬\"",
        "line 3 is the title; errata belong to body paragraphs and headings",
    )
    .await;
}

#[tokio::test]
async fn erratum_without_its_words() {
    let s = Scratch::new().await;
    reject_erratum(
        &s,
        "line = 2\npublished = \"\"\nreading = \"x\"",
        "`published` and `reading` must not be empty",
    )
    .await;
}

#[tokio::test]
async fn erratum_that_overlaps_another() {
    let s = Scratch::new().await;
    reject_erratum(
        &s,
        "line = 37\npublished = \"拉赫蒙亿\"\nreading = \"拉赫蒙忆\"",
        "overlaps the erratum \"亿及\" on line 37",
    )
    .await;
}

/// Errata reach the database beside the text, which stays as published.
#[tokio::test]
async fn errata_are_stored_and_the_text_is_not() {
    let s = Scratch::new().await;
    let pool = summitkb::db::open_read_only(&s.db()).await.unwrap();
    let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT e.line, e.char_offset, e.published, e.reading FROM source_errata e \
         JOIN source_blocks b ON b.source_id = e.source_id AND b.position = e.block_position \
         WHERE b.n = 12",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let text: String = sqlx::query_scalar("SELECT text FROM source_blocks WHERE n = 12")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (line, offset, published, reading) = rows
        .iter()
        .find(|r| r.2 == "亿及")
        .expect("the erratum of ¶12")
        .clone();
    assert_eq!((line, reading.as_str()), (37, "忆及"));
    let at: String = text.chars().skip(offset as usize).take(2).collect();
    assert_eq!(at, published);
    assert!(text.contains("拉赫蒙亿及习近平主席"));
}

/// An erratum on the second part of a page-broken paragraph points at its
/// words in the joined paragraph.
#[tokio::test]
async fn erratum_on_a_joined_line_lands_on_its_words() {
    let s = Scratch::new().await;
    s.append(
        &format!("sources/{SOURCE}.toml"),
        "\n[[errata]]\nline = 41\npublished = \"托举\"\nreading = \"托起\"\n",
    );
    let set = summitkb::seeds::load(&s.seeds()).expect("a valid erratum");
    let source = set.source(SOURCE).unwrap();
    let e = source.errata.iter().find(|e| e.line == 41).expect("stored");
    assert_eq!(e.paragraph, Some(13));
    let text = &source.paragraph(13).unwrap().text;
    let at: String = text.chars().skip(e.offset).take(2).collect();
    assert_eq!(at, "托举");
    assert!(
        source
            .corrected(e.block)
            .unwrap()
            .contains("共进力量，托起的是共同繁荣")
    );
}

/// A figure's value that is no finite number (TOML reads `inf` and `nan`)
/// would sort nowhere on the figures' list: it is refused at its line.
#[tokio::test]
async fn a_value_that_is_not_a_finite_number() {
    let s = Scratch::new().await;
    s.edit("records/figures.toml", |t| {
        t.replacen("value = 948\n", "value = inf\n", 1)
    });
    let f = s.path("records/figures.toml");
    let msg = s.reject().await;
    let line = line_of(&f, "value = inf");
    assert_names(&msg, &f, line, "value must be a finite number");
}
