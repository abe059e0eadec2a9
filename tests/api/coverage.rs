//! Completeness of the real dataset, as checks that can fail.

use crate::helpers::{repo_path, seeds_dir};
use summitkb::seeds::{self, coverage::Coverage};

#[test]
fn every_paragraph_number_term_and_record_is_covered() {
    let set = seeds::load(&seeds_dir()).expect("valid seeds");
    let c = Coverage::of(&set);
    assert!(
        c.uncited_paragraphs.is_empty(),
        "uncited: {:?}",
        c.uncited_paragraphs
    );
    assert!(
        c.uncaptured_numbers.is_empty(),
        "numbers: {:?}",
        c.uncaptured_numbers
    );
    assert!(c.unnamed_terms.is_empty(), "terms: {:?}", c.unnamed_terms);
    assert!(
        c.unlinked_records.is_empty(),
        "unlinked: {:?}",
        c.unlinked_records
    );
    assert_eq!(c.paragraphs, 18);
    assert!(c.numbers >= 25, "found only {} numbers", c.numbers);
    assert!(c.terms >= 20, "found only {} terms", c.terms);
    // The waiver list stays short and honest.
    assert!(c.waivers <= 5, "{} waivers", c.waivers);
}

#[test]
fn every_kind_is_curated() {
    let set = seeds::load(&seeds_dir()).expect("valid seeds");
    let c = Coverage::of(&set);
    for (kind, at_least) in [
        ("agreement", 8),
        ("project", 15),
        ("person", 7),
        ("quote", 12),
        ("figure", 8),
        ("country", 6),
        ("organization", 5),
        ("initiative", 15),
        ("event", 6),
    ] {
        assert!(c.counts[kind] >= at_least, "{kind}: {}", c.counts[kind]);
    }
}

#[test]
fn heads_of_state_have_a_stated_position() {
    let set = seeds::load(&seeds_dir()).expect("valid seeds");
    for leader in [
        "xi-jinping",
        "kassym-jomart-tokayev",
        "sadyr-japarov",
        "emomali-rahmon",
        "serdar-berdimuhamedov",
        "shavkat-mirziyoyev",
    ] {
        assert!(
            set.records
                .iter()
                .any(|r| r.kind == summitkb::model::Kind::Quote
                    && r.links.iter().any(|l| l.target == leader)),
            "{leader} has no quote"
        );
    }
}

#[test]
fn a_gap_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("seeds");
    std::fs::create_dir_all(seeds.join("sources")).unwrap();
    std::fs::create_dir_all(seeds.join("records")).unwrap();
    for entry in std::fs::read_dir(seeds_dir().join("sources")).unwrap() {
        let e = entry.unwrap();
        std::fs::copy(e.path(), seeds.join("sources").join(e.file_name())).unwrap();
    }
    // Only the countries and the summit: most paragraphs now lack a record.
    for f in [
        "countries.toml",
        "events.toml",
        "people.toml",
        "organizations.toml",
        "projects.toml",
        "agreements.toml",
        "initiatives.toml",
    ] {
        std::fs::copy(
            seeds_dir().join("records").join(f),
            seeds.join("records").join(f),
        )
        .unwrap();
    }
    let set = seeds::load(&seeds).expect("still valid");
    let c = Coverage::of(&set);
    assert!(!c.is_complete());
    assert!(
        !c.uncaptured_numbers.is_empty(),
        "948亿 is no longer captured"
    );
    assert!(c.summary().contains("gap:"));
}

#[test]
fn check_command_prints_the_summary() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_summitkb"))
        .arg("check")
        .current_dir(repo_path(""))
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("paragraphs: 18 of 18 cited"), "{stdout}");
    assert!(stdout.contains("coverage: complete"), "{stdout}");
    assert!(stdout.contains("project"), "{stdout}");
}

#[test]
fn check_command_names_file_and_line_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    std::fs::write(
        dir.path().join("sources/bad.toml"),
        "slug = \"x\"\nfile = \n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("records")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_summitkb"))
        .args(["check", "--seeds"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("sources/bad.toml:2:"), "{stderr}");
}

#[tokio::test]
async fn serving_pool_cannot_write() {
    let app = crate::helpers::TestApp::new().await;
    let pool = summitkb::db::open_read_only(&app.db).await.unwrap();
    let err = sqlx::query("DELETE FROM records").execute(&pool).await;
    assert!(err.is_err(), "a write through the serving pool succeeded");
    let still: i64 = sqlx::query_scalar("SELECT count(*) FROM records")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(still > 90);
}
