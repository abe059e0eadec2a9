//! Adding a source: `summitkb source add` proposes the layout a curator
//! would write, and refuses bad input with nothing written.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::{SOURCE, copy_dir, repo_path, seeds_dir};
use summitkb::seeds::add::{AddError, NewSource, add_source};
use summitkb::seeds::layout::{Layout, propose};

/// The `[layout]` of a manifest on disk, as a [`Layout`].
fn layout_of(manifest: &Path) -> Layout {
    let table: toml::Table = std::fs::read_to_string(manifest).unwrap().parse().unwrap();
    let l = table["layout"].as_table().unwrap();
    let n = |v: &toml::Value| v.as_integer().unwrap() as usize;
    let list = |key: &str| -> Vec<toml::Value> {
        l.get(key)
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default()
    };
    Layout {
        title: n(&l["title"]),
        subtitle: l.get("subtitle").map(n),
        headings: list("headings").iter().map(n).collect(),
        dateline: l.get("dateline").map(n),
        joins: list("joins")
            .iter()
            .map(|j| {
                let j = j.as_array().unwrap();
                [n(&j[0]), n(&j[1])]
            })
            .collect(),
    }
}

fn manifests(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    out.sort();
    out
}

/// Every file under `dir`, with its bytes: what "nothing written" compares.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let bytes = std::fs::read(&p).unwrap_or_default();
            (p, bytes)
        })
        .collect();
    out.sort();
    out
}

fn new_source(file: &Path) -> NewSource {
    NewSource {
        file: file.to_path_buf(),
        slug: None,
        publisher: "新华社".into(),
        publisher_en: None,
        published: "2025-06-18".into(),
        url: None,
        language: "zh-Hans".into(),
    }
}

/// A seed directory with an empty `sources/`.
fn empty_seeds() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    dir
}

#[test]
fn the_proposal_is_every_real_manifests_layout() {
    let sources = seeds_dir().join("sources");
    let found = manifests(&sources);
    assert!(!found.is_empty());
    for manifest in found {
        let table: toml::Table = std::fs::read_to_string(&manifest).unwrap().parse().unwrap();
        let text = sources.join(table["file"].as_str().unwrap());
        let body = std::fs::read_to_string(&text).unwrap();
        assert_eq!(
            propose(&body).unwrap(),
            layout_of(&manifest),
            "{}",
            manifest.display()
        );
    }
}

#[test]
fn source_add_on_the_real_article_writes_todays_layout_and_three_joins() {
    let seeds = empty_seeds();
    let real_text = seeds_dir().join(format!("sources/{SOURCE}.txt"));
    let input = seeds.path().join("input.txt");
    std::fs::copy(&real_text, &input).unwrap();
    let mut new = new_source(&input);
    new.slug = Some(SOURCE.into());
    let added = add_source(seeds.path(), &new).expect("added");

    assert_eq!(
        std::fs::read(&added.text_path).unwrap(),
        std::fs::read(&real_text).unwrap(),
        "the text is copied byte for byte"
    );
    let real_manifest = seeds_dir().join(format!("sources/{SOURCE}.toml"));
    let written = layout_of(&added.manifest_path);
    assert_eq!(written, layout_of(&real_manifest));
    assert_eq!(written.joins, vec![[19, 21], [31, 33], [39, 41]]);
    let sha = |p: &Path| {
        std::fs::read_to_string(p)
            .unwrap()
            .parse::<toml::Table>()
            .unwrap()["sha256"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(sha(&added.manifest_path), sha(&real_manifest));
    // The written manifest is one the loader reads: 18 paragraphs, as today.
    assert_eq!(added.source.paragraphs().count(), 18);
    assert_eq!(added.source.publisher, "新华社");
}

#[test]
fn source_add_joins_the_fixtures_page_break() {
    let seeds = empty_seeds();
    let fixture = repo_path("tests/fixtures/sources/railway-follow-up.txt");
    let mut new = new_source(&fixture);
    new.publisher = "测试通讯社".into();
    new.published = "2026-01-05".into();
    new.url = Some("https://example.org/railway-follow-up".into());
    let added = add_source(seeds.path(), &new).expect("added");
    assert_eq!(
        added.layout,
        Layout {
            title: 2,
            subtitle: Some(4),
            headings: vec![8],
            dateline: Some(14),
            joins: vec![[10, 12]],
        }
    );
    let p2 = added.source.paragraph(2).unwrap();
    assert!(p2.text.ends_with("力争早日建成通车。"), "{}", p2.text);
    assert_eq!(added.source.paragraphs().count(), 2);
    let manifest = std::fs::read_to_string(&added.manifest_path).unwrap();
    assert!(
        manifest.contains("slug = \"railway-follow-up\""),
        "{manifest}"
    );
    assert!(manifest.contains("url = \"https://example.org/railway-follow-up\""));
}

#[test]
fn source_add_refuses_empty_non_utf8_and_present_files_with_nothing_written() {
    let seeds = tempfile::tempdir().unwrap();
    copy_dir(&seeds_dir(), seeds.path());
    let sources = seeds.path().join("sources");
    let inputs = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = inputs.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let before = snapshot(&sources);

    let empty = write("empty.txt", b"");
    assert!(matches!(
        add_source(seeds.path(), &new_source(&empty)),
        Err(AddError::Empty(_))
    ));
    let blank = write("blank.txt", "\n \n\u{3000}\n".as_bytes());
    assert!(matches!(
        add_source(seeds.path(), &new_source(&blank)),
        Err(AddError::Empty(_))
    ));
    // GB18030 bytes for 新华社 after a valid first line.
    let gbk = write("gbk.txt", b"title\n\n\xd0\xc2\xbb\xaa\xc9\xe7\n");
    match add_source(seeds.path(), &new_source(&gbk)) {
        Err(e @ AddError::NotUtf8 { line: 3, .. }) => {
            assert!(e.to_string().contains("gbk.txt:3: not UTF-8"), "{e}")
        }
        other => panic!("expected NotUtf8 at line 3, got {other:?}"),
    }
    // The real article again, under its own name and under another.
    let real = std::fs::read(sources.join(format!("{SOURCE}.txt"))).unwrap();
    let same_name = write(&format!("{SOURCE}.txt"), &real);
    let e = add_source(seeds.path(), &new_source(&same_name)).unwrap_err();
    assert!(matches!(e, AddError::Present(_)), "{e}");
    let other_name = write("copy-of-the-article.txt", &real);
    let e = add_source(seeds.path(), &new_source(&other_name)).unwrap_err();
    assert!(e.to_string().contains("same text"), "{e}");
    // A text whose last paragraph ends mid-sentence cannot load.
    let cut = write(
        "cut-short.txt",
        "标题\n\n第一段。\n\n第二段没有写完".as_bytes(),
    );
    let e = add_source(seeds.path(), &new_source(&cut)).unwrap_err();
    assert!(matches!(e, AddError::Layout { .. }), "{e}");
    assert!(e.to_string().contains("ends mid-sentence"), "{e}");
    // Bad arguments.
    let good = write("good-text.txt", "标题\n\n正文。\n".as_bytes());
    let mut bad_date = new_source(&good);
    bad_date.published = "2025-6-18".into();
    assert!(matches!(
        add_source(seeds.path(), &bad_date),
        Err(AddError::Argument(_))
    ));
    let mut bad_slug = new_source(&good);
    bad_slug.slug = Some("Not A Slug".into());
    assert!(matches!(
        add_source(seeds.path(), &bad_slug),
        Err(AddError::Argument(_))
    ));

    assert_eq!(snapshot(&sources), before, "nothing was written");
    // The seeds still load as before.
    summitkb::seeds::load(seeds.path()).expect("the seeds still load");
}

#[test]
fn the_command_line_reports_a_refusal_and_exits_non_zero() {
    let seeds = empty_seeds();
    let input = seeds.path().join("latin1.txt");
    std::fs::write(&input, b"caf\xe9\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_summitkb"))
        .arg("--seeds")
        .arg(seeds.path())
        .args(["source", "add"])
        .arg(&input)
        .args(["--publisher", "x", "--published", "2025-06-18"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not UTF-8"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(seeds.path().join("sources"))
            .unwrap()
            .count(),
        0
    );
}

/// Runs the real binary on the seed directory `seeds`.
fn summitkb(seeds: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_summitkb"))
        .arg("--seeds")
        .arg(seeds)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[tokio::test]
async fn a_fixture_walks_from_source_add_through_gaps_to_the_record_pages_status_history() {
    let seeds = crate::history::Seeds::copy();
    let fixture = repo_path("tests/fixtures/sources/railway-follow-up.txt");
    let added = summitkb(
        &seeds.path(),
        &[
            "source",
            "add",
            fixture.to_str().unwrap(),
            "--publisher",
            "测试通讯社",
            "--published",
            "2026-01-05",
        ],
    );
    assert!(
        added.contains("line 10+12"),
        "the page break is joined:\n{added}"
    );

    // gaps: a skeleton for each of the new source's three sentences.
    let gaps = summitkb(&seeds.path(), &["gaps", "--source", "railway-follow-up"]);
    let skeletons: toml::Table = gaps.parse().expect("the skeletons are TOML");
    let drafts = skeletons["project"].as_array().unwrap();
    assert_eq!(drafts.len(), 3, "{gaps}");
    let spans: Vec<&str> = drafts
        .iter()
        .map(|d| d["cite"][0]["span"].as_str().unwrap())
        .collect();
    // Verbatim in the text as the loader joins it across the page break.
    let text = std::fs::read_to_string(&fixture)
        .unwrap()
        .replace("早日建\n\n成", "早日建成");
    for span in &spans {
        assert!(text.contains(span), "verbatim: {span}");
    }
    assert_eq!(drafts[0]["slug"].as_str(), Some(""), "left for the curator");
    assert!(!gaps.contains("wang-yi-2025"), "only the source asked for");

    // The curator turns the first sentence into the railway's next status.
    let span = spans[0];
    assert!(span.contains("主体工程正式开工"));
    seeds.insert_after(
        "records/projects.toml",
        "status = \"高质量推进中吉乌铁路建设，力争早日建成\"",
        &format!(
            "progress = [{{ status = \"主体工程正式开工\", date = \"2025-12-27\", cite = {{ source = \"railway-follow-up\", p = 1, span = \"{span}\" }} }}]"
        ),
    );
    let after = summitkb(&seeds.path(), &["gaps", "--source", "railway-follow-up"]);
    let left: toml::Table = after.parse().unwrap();
    assert_eq!(left["project"].as_array().unwrap().len(), 2, "{after}");
    assert!(!after.contains("主体工程正式开工"), "{after}");

    let app = crate::helpers::TestApp::with_seeds(&seeds.path()).await;
    let page = app.get_ok(crate::history::RAILWAY).await.body;
    let history = &page[page.find("id=\"status-history\"").expect("history")..];
    let first = history
        .find("2025-06-18</time> 新华社：“高质量推进中吉乌铁路建设，力争早日建成”")
        .expect("first statement");
    let later = history
        .find("2025-12-27</time> 测试通讯社：“主体工程正式开工”")
        .expect("later statement");
    assert!(first < later);
    assert!(
        history.contains("/sources/railway-follow-up/p/1?from=china-kyrgyzstan-uzbekistan-railway")
    );
}

#[test]
fn gaps_of_an_unknown_source_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_summitkb"))
        .arg("--seeds")
        .arg(seeds_dir())
        .args(["gaps", "--source", "no-such-source"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no source `no-such-source`"), "{stderr}");
    // The real seeds have no gaps.
    let all = summitkb(&seeds_dir(), &["gaps"]);
    assert_eq!(all.trim(), "# 0 gaps to cite, capture or waive");
}
