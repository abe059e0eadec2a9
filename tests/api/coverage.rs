//! Completeness of the real dataset, as checks that can fail.

use crate::helpers::{SOURCE, repo_path, seeds_dir};
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
    // The waiver list stays short and honest. Sentence waivers are counted
    // apart: rhetoric that states no outcome is waived sentence by sentence.
    let not_sentences = set
        .waivers
        .0
        .iter()
        .filter(|w| w.kind != seeds::WaiverKind::Sentence)
        .count();
    assert!(not_sentences <= 5, "{not_sentences} waivers");
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
    assert!(stdout.contains("sentences: "), "{stdout}");
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

#[test]
fn every_sentence_is_covered_or_waived() {
    let set = seeds::load(&seeds_dir()).expect("valid seeds");
    let c = Coverage::of(&set);
    let gaps: Vec<String> = c
        .uncovered_sentences
        .iter()
        .map(|g| format!("¶{} {}", g.paragraph, g.text))
        .collect();
    assert!(gaps.is_empty(), "uncovered sentences:\n{}", gaps.join("\n"));
    assert!(c.stale_waivers.is_empty(), "stale: {:?}", c.stale_waivers);
    assert_eq!(c.sentences, 90);
    assert_eq!(c.sentences_covered + c.sentences_waived, c.sentences);
}

/// Seeds with the real sources and one record citing one span of ¶1, and
/// `waivers` as the waiver file.
fn one_record_seeds(waivers: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path();
    std::fs::create_dir_all(seeds.join("records")).unwrap();
    crate::helpers::copy_dir(&seeds_dir().join("sources"), &seeds.join("sources"));
    // The source reports on an event this fixture does not have.
    let manifest = seeds.join(format!("sources/{SOURCE}.toml"));
    let text = std::fs::read_to_string(&manifest).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("about")).collect();
    std::fs::write(&manifest, kept.join("\n")).unwrap();
    std::fs::write(
        seeds.join("records/countries.toml"),
        format!(
            "source = \"{SOURCE}\"\n\n[[country]]\nslug = \"china\"\ntitle = \"中国\"\n\
             english_note = \"test\"\nsummary = \"测试。\"\nsummary_en = \"Test.\"\n\
             summary_en_basis = \"translation\"\niso = \"CN\"\n\
             cite = [{{ p = 1, span = \"国家主席习近平应邀赴哈萨克斯坦出席\" }}]\n"
        ),
    )
    .unwrap();
    std::fs::write(seeds.join("waivers.toml"), waivers).unwrap();
    dir
}

/// ¶1 has two sentences: the trip, then the briefing.
const P1_SECOND: &str = "行程结束之际，中共中央政治局委员、外交部长王毅向随行记者介绍此次访情况。";

#[test]
fn sentences_are_covered_by_overlapping_spans_or_waived() {
    let dir = one_record_seeds(&format!(
        "[[sentence]]\nsource = \"{SOURCE}\"\np = 1\ntext = \"{P1_SECOND}\"\nreason = \"test\"\n"
    ));
    let set = seeds::load(dir.path()).expect("valid");
    let c = Coverage::of(&set);
    assert_eq!(c.sentences, 90);
    assert_eq!((c.sentences_covered, c.sentences_waived), (1, 1));
    assert_eq!(c.uncovered_sentences.len(), 88);
    assert!(!c.is_complete());
    assert!(
        c.summary().contains("sentences: 1 of 90 covered, 1 waived"),
        "{}",
        c.summary()
    );
    // ¶6 was cut by a page break: its third sentence stands on the second
    // part's line, and the gap points there.
    let g = c
        .uncovered_sentences
        .iter()
        .find(|g| g.paragraph == 6 && g.sentence == 3)
        .unwrap();
    assert!(
        g.text.starts_with("六国重申在涉及彼此核心利益问题上"),
        "{g:?}"
    );
    assert!(g.text.ends_with("支持。"), "{g:?}");
    assert_eq!(g.line, 21);
    assert!(g.file.ends_with(format!("sources/{SOURCE}.txt")));
    let line = format!("{}:21 ¶6 sentence 3", g.file.display());
    assert!(c.summary().contains(&line), "{}", c.summary());
}

#[test]
fn a_paragraph_waiver_waives_its_sentences() {
    let dir = one_record_seeds(&format!(
        "[[paragraph]]\nsource = \"{SOURCE}\"\np = 3\nreason = \"test\"\n"
    ));
    let c = Coverage::of(&seeds::load(dir.path()).expect("valid"));
    assert_eq!(c.sentences_waived, 4, "¶3 has four sentences");
    assert!(c.uncovered_sentences.iter().all(|g| g.paragraph != 3));
}

#[test]
fn a_waiver_for_a_covered_sentence_is_stale() {
    let dir = one_record_seeds(&format!(
        "[[sentence]]\nsource = \"{SOURCE}\"\np = 1\n\
         text = \"2025年6月16日至18日，国家主席习近平应邀赴哈萨克斯坦出席第二届中国—中亚峰会。\"\n\
         reason = \"test\"\n"
    ));
    let c = Coverage::of(&seeds::load(dir.path()).expect("valid"));
    assert_eq!(c.stale_waivers.len(), 1);
    assert_eq!(c.stale_waivers[0].line, 1);
    assert!(!c.is_complete());
    assert!(
        c.summary().contains("waivers.toml:1: ¶1"),
        "{}",
        c.summary()
    );
}

#[test]
fn a_waiver_for_no_sentence_is_an_error() {
    // Half a sentence, as a curator might copy it.
    let dir = one_record_seeds(&format!(
        "# waivers\n[[sentence]]\nsource = \"{SOURCE}\"\np = 1\ntext = \"行程结束之际，\"\nreason = \"x\"\n"
    ));
    let err = seeds::load(dir.path()).expect_err("stale waiver");
    let msg = err.to_string();
    let at = format!("{}:2:", dir.path().join("waivers.toml").display());
    assert!(msg.contains(&at), "{msg}");
    assert!(msg.contains("stale waiver"), "{msg}");
    assert!(msg.contains("is not a sentence of ¶1"), "{msg}");
}

#[test]
fn a_sentence_waived_twice_is_an_error() {
    let w = format!(
        "[[sentence]]\nsource = \"{SOURCE}\"\np = 1\ntext = \"{P1_SECOND}\"\nreason = \"x\"\n"
    );
    let dir = one_record_seeds(&format!("{w}\n{w}"));
    let msg = seeds::load(dir.path()).expect_err("twice").to_string();
    assert!(msg.contains("waivers.toml:7:"), "{msg}");
    assert!(msg.contains("already waived at line 1"), "{msg}");
}

#[test]
fn check_command_fails_on_an_uncovered_sentence_unless_gaps_are_allowed() {
    let dir = one_record_seeds("");
    let run = |allow: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_summitkb"));
        cmd.args(["check", "--seeds"]).arg(dir.path());
        if allow {
            cmd.arg("--allow-gaps");
        }
        cmd.output().expect("runs")
    };
    let strict = run(false);
    assert!(!strict.status.success());
    let stdout = String::from_utf8_lossy(&strict.stdout);
    assert!(
        stdout.contains("sentences: 1 of 90 covered, 0 waived"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            ":7 ¶1 sentence 2 overlaps no cited span: {P1_SECOND}"
        )),
        "{stdout}"
    );
    assert!(run(true).status.success());
}
