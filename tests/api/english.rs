//! English beside the Chinese: each record's `summary_en` and the English of
//! its prose fields, with their provenance. The loader's rules for them, and
//! what the import stores and the read queries give back.

use crate::helpers::{copy_dir, seeds_dir};
use crate::loader::{OFFICIAL_REF, Scratch, assert_names, bare_project, line_of_last};
use summitkb::db::queries;
use summitkb::model::{EnglishBasis, FieldName, Kind};

#[tokio::test]
async fn summary_en_without_its_basis() {
    let s = Scratch::new().await;
    reject_bare(
        &s,
        "summary_en = \"A test.\"",
        "summary_en = \"A test.\"",
        "`summary_en` needs `summary_en_basis`",
    )
    .await;
}

#[tokio::test]
async fn summary_en_basis_that_is_no_basis() {
    let s = Scratch::new().await;
    reject_bare(
        &s,
        "summary_en = \"A test.\"\nsummary_en_basis = \"ours\"",
        "summary_en_basis = \"ours\"",
        "summary_en_basis must be `official` or `translation`, not `ours`",
    )
    .await;
}

/// Appends a test project without English but for `extra`, and expects the
/// import to fail on the line of `needle` with `words`.
async fn reject_bare(s: &Scratch, extra: &str, needle: &str, words: &str) {
    s.append("records/projects.toml", &bare_project("test-x", extra));
    let f = s.path("records/projects.toml");
    let msg = s.reject().await;
    assert_names(&msg, &f, line_of_last(&f, needle), words);
}

/// `english` marked official with no reference to the English text.
async fn reject_official_without_reference(english: &str, basis: &str, words: &str) {
    let s = Scratch::new().await;
    let needle = format!("{basis} = \"official\"");
    reject_bare(&s, &format!("{english}\n{needle}"), &needle, words).await;
}

/// `english` marked as our translation, yet citing a reference.
async fn reject_translation_with_reference(english: &str, basis: &str, reference: &str) {
    let s = Scratch::new().await;
    let r = OFFICIAL_REF.replace("english_ref", reference);
    reject_bare(
        &s,
        &format!("{english}\n{basis} = \"translation\"\n{r}"),
        &format!("{reference} ="),
        &format!("`{reference}` is only for {basis} = \"official\""),
    )
    .await;
}

#[tokio::test]
async fn official_summary_en_without_its_reference() {
    reject_official_without_reference(
        "summary_en = \"A test.\"",
        "summary_en_basis",
        "an official English summary needs `summary_en_ref",
    )
    .await;
}

#[tokio::test]
async fn translated_summary_en_with_a_reference() {
    reject_translation_with_reference(
        "summary_en = \"A test.\"",
        "summary_en_basis",
        "summary_en_ref",
    )
    .await;
}

#[tokio::test]
async fn official_field_english_without_its_reference() {
    reject_official_without_reference(
        "sector_en = \"Test\"",
        "fields_en_basis",
        "official field English needs `fields_en_ref",
    )
    .await;
}

#[tokio::test]
async fn translated_field_english_with_a_reference() {
    reject_translation_with_reference("sector_en = \"Test\"", "fields_en_basis", "fields_en_ref")
        .await;
}

#[tokio::test]
async fn summary_en_reference_without_a_title() {
    let s = Scratch::new().await;
    reject_bare(
        &s,
        "summary_en = \"A test.\"\nsummary_en_basis = \"official\"\n\
         summary_en_ref = { publisher = \"Xinhua\", date = \"2025-06-18\" }",
        "summary_en_ref =",
        "summary_en_ref needs `title`",
    )
    .await;
}

#[tokio::test]
async fn empty_summary_en() {
    let s = Scratch::new().await;
    reject_bare(
        &s,
        "summary_en = \" \"\nsummary_en_basis = \"translation\"",
        "summary_en = \" \"",
        "empty `summary_en`",
    )
    .await;
}

#[tokio::test]
async fn field_english_without_its_basis() {
    let s = Scratch::new().await;
    reject_bare(
        &s,
        "sector_en = \"Test\"",
        "sector_en = \"Test\"",
        "`sector_en` needs `fields_en_basis`",
    )
    .await;
}

#[tokio::test]
async fn field_english_basis_without_field_english() {
    let s = Scratch::new().await;
    reject_bare(
        &s,
        "fields_en_basis = \"translation\"",
        "fields_en_basis = \"translation\"",
        "`fields_en_basis` without `<field>_en`",
    )
    .await;
}

#[tokio::test]
async fn english_of_a_field_the_record_lacks() {
    let s = Scratch::new().await;
    reject_bare(
        &s,
        "derivation_en = \"Derived.\"\nfields_en_basis = \"translation\"",
        "derivation_en = \"Derived.\"",
        "`derivation_en` without `derivation`",
    )
    .await;
}

/// A status's English is covered by the record's one basis for field English.
#[tokio::test]
async fn status_en_needs_the_fields_basis() {
    let s = Scratch::new().await;
    reject_bare(
        &s,
        "status_en = \"Test\"",
        "status_en = \"Test\"",
        "`status_en` needs `fields_en_basis`",
    )
    .await;
}

#[tokio::test]
async fn empty_status_en() {
    let s = Scratch::new().await;
    s.reject_project(
        "status_en = \" \"",
        "status_en = \" \"",
        "empty `status_en`",
    )
    .await;
}

/// Every status statement is stored with its English, and the latest
/// status's English is the status field's, as lists and the JSON read it.
#[tokio::test]
async fn each_status_statement_keeps_its_english() {
    let extra = format!("{TRANSLATED}\nstatus_en = \"Testing\"");
    let (_dir, set, pool) = import_with_project("test-en", &extra).await;
    let mut statements = 0;
    for r in &set.records {
        let row = queries::record_by_kind_and_slug(&pool, r.kind, &r.slug)
            .await
            .unwrap()
            .unwrap();
        let stored = summitkb::db::history::record_status(&pool, row.id)
            .await
            .unwrap();
        assert_eq!(stored.len(), r.status_history.len(), "{}", r.slug);
        for (st, want) in stored.iter().zip(&r.status_history) {
            assert_eq!(st.status_en, want.status_en, "{}", r.slug);
            assert!(
                st.status_en.is_some(),
                "{}: a status without English",
                r.slug
            );
            statements += 1;
        }
        if let Some(latest) = r.status_history.last() {
            assert_eq!(
                r.field_en(FieldName::Status),
                latest.status_en.as_deref(),
                "{}",
                r.slug
            );
        }
    }
    assert!(statements >= 39, "{statements}");
    let test = set.record("test-en").unwrap();
    assert_eq!(test.field_en(FieldName::Status), Some("Testing"));
}

/// `check` reports a status left without English, naming file, line and record.
#[tokio::test]
async fn check_reports_a_status_without_english() {
    let (_dir, set, _pool) = import_with_project("test-no-status-en", TRANSLATED).await;
    let c = summitkb::seeds::coverage::Coverage::of(&set);
    assert!(!c.is_complete());
    let report = c.summary();
    assert!(
        report.contains("projects.toml")
            && report.contains("test-no-status-en: a status without `status_en`"),
        "{report}"
    );
}

/// The English a bare test project needs to import, all of it ours.
const TRANSLATED: &str = "english_note = \"none\"\n\
     summary_en = \"A test.\"\n\
     summary_en_basis = \"translation\"\n\
     sector_en = \"Testing\"\n\
     fields_en_basis = \"translation\"";

/// A record citing an official English text for its summary and its fields:
/// both references are stored and read back, beside the values.
const OFFICIAL_ENGLISH: &str = "english_note = \"none\"\n\
     summary_en = \"An official test.\"\n\
     summary_en_basis = \"official\"\n\
     summary_en_ref = { publisher = \"Xinhua\", title = \"Summary text\", date = \"2025-06-18\", url = \"https://english.news.cn/s.html\" }\n\
     sector_en = \"Testing\"\n\
     fields_en_basis = \"official\"\n\
     fields_en_ref = { publisher = \"MFA\", title = \"Field text\", date = \"2025-06-17\" }";

/// The real seeds with a test project appended, imported into a fresh
/// database; the directory holds both and lives as long as it is kept.
async fn import_with_project(
    slug: &str,
    extra: &str,
) -> (
    tempfile::TempDir,
    summitkb::seeds::SeedSet,
    sqlx::SqlitePool,
) {
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("seeds");
    copy_dir(&seeds_dir(), &seeds);
    let projects = seeds.join("records/projects.toml");
    let text = std::fs::read_to_string(&projects).unwrap();
    std::fs::write(&projects, format!("{text}{}", bare_project(slug, extra))).unwrap();
    let db = dir.path().join("kb.sqlite");
    let (set, _) = summitkb::prepare_database(&db, &seeds)
        .await
        .expect("the seeds import");
    let pool = summitkb::db::open_read_only(&db).await.unwrap();
    (dir, set, pool)
}

#[tokio::test]
async fn the_import_stores_english_and_the_queries_give_it_back() {
    let (_dir, set, pool) = import_with_project("test-official", OFFICIAL_ENGLISH).await;

    // Every record, curated or appended: what the loader read comes back.
    for r in &set.records {
        let row = queries::record_by_kind_and_slug(&pool, r.kind, &r.slug)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{} stored", r.slug));
        assert_eq!(row.summary_en, r.summary_en, "{}", r.slug);
        assert_eq!(
            row.summary_en_basis,
            r.summary_en_provenance.as_ref().map(|p| p.basis),
            "{}",
            r.slug
        );
        assert_eq!(
            row.fields_en_basis,
            r.fields_en_provenance.as_ref().map(|p| p.basis),
            "{}",
            r.slug
        );
        let fields = queries::record_fields(&pool, row.id).await.unwrap();
        assert_eq!(fields.len(), r.fields.len(), "{}", r.slug);
        for f in &fields {
            let name = FieldName::parse(&f.name).unwrap();
            assert_eq!(
                f.value_en.as_deref(),
                r.field_en(name),
                "{} {}",
                r.slug,
                f.name
            );
        }
    }

    // The timeline's and the map's rows carry the English of the fields they show.
    for d in queries::dated_records(&pool).await.unwrap() {
        let r = set.record(&d.slug).unwrap();
        assert_eq!(
            d.derivation_en.as_deref(),
            r.field_en(FieldName::Derivation),
            "{}",
            d.slug
        );
    }
    let map = queries::map_countries(&pool).await.unwrap();
    let kz = map.iter().find(|c| c.iso == "KZ").unwrap();
    assert_eq!(
        (kz.capital_name.as_deref(), kz.capital_name_en.as_deref()),
        (Some("阿斯塔纳"), Some("Astana"))
    );

    let row = queries::record_by_kind_and_slug(&pool, Kind::Project, "test-official")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.summary_en.as_deref(), Some("An official test."));
    assert_eq!(row.summary_en_basis, Some(EnglishBasis::Official));
    assert_eq!(row.fields_en_basis, Some(EnglishBasis::Official));
    let refs = queries::record_english_refs(&pool, row.id).await.unwrap();
    assert_eq!(
        (
            refs.summary_en_ref_publisher.as_deref(),
            refs.summary_en_ref_title.as_deref(),
            refs.summary_en_ref_date.as_deref(),
            refs.summary_en_ref_url.as_deref(),
        ),
        (
            Some("Xinhua"),
            Some("Summary text"),
            Some("2025-06-18"),
            Some("https://english.news.cn/s.html")
        )
    );
    assert_eq!(
        (
            refs.fields_en_ref_publisher.as_deref(),
            refs.fields_en_ref_title.as_deref(),
            refs.fields_en_ref_date.as_deref(),
            refs.fields_en_ref_url.as_deref(),
        ),
        (Some("MFA"), Some("Field text"), Some("2025-06-17"), None)
    );
    let fields = queries::record_fields(&pool, row.id).await.unwrap();
    let sector = fields.iter().find(|f| f.name == "sector").unwrap();
    assert_eq!(
        (sector.value.as_str(), sector.value_en.as_deref()),
        ("测试", Some("Testing"))
    );
    // `status` takes no English: its column stays empty.
    let status = fields.iter().find(|f| f.name == "status").unwrap();
    assert_eq!(status.value_en, None);

    // Lists read the same columns.
    let listed = queries::records_of_kind(&pool, Kind::Project)
        .await
        .unwrap();
    let listed = listed.iter().find(|r| r.slug == "test-official").unwrap();
    assert_eq!(listed.summary_en, row.summary_en);
}

/// A translated summary stores no reference at all.
#[tokio::test]
async fn our_translation_stores_no_reference() {
    let (_dir, _, pool) = import_with_project(
        "test-ours",
        "english_note = \"none\"\nsummary_en = \"Ours.\"\nsummary_en_basis = \"translation\"\n\
         sector_en = \"Testing\"\nfields_en_basis = \"translation\"",
    )
    .await;
    let row = queries::record_by_kind_and_slug(&pool, Kind::Project, "test-ours")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.summary_en_basis, Some(EnglishBasis::Translation));
    assert_eq!(row.fields_en_basis, Some(EnglishBasis::Translation));
    let refs = queries::record_english_refs(&pool, row.id).await.unwrap();
    assert!(refs.summary_en_ref_title.is_none() && refs.fields_en_ref_title.is_none());
}

/// `summitkb check` fails on the real seeds with English taken out, and
/// names each record that lacks its English summary or a field's English
/// with file and line, all in one run.
#[test]
fn check_reports_every_record_missing_its_english() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("seeds");
    copy_dir(&seeds_dir(), &seeds);
    let drop_lines = |rel: &str, starts: &[&str]| {
        let path = seeds.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !starts.iter().any(|s| l.starts_with(s)))
            .collect();
        assert!(kept.len() + starts.len() <= text.lines().count(), "{rel}");
        std::fs::write(&path, kept.join("\n")).unwrap();
    };
    // Two summaries and one field's English.
    drop_lines(
        "records/agreements.toml",
        &[
            "summary_en = \"China and Kazakhstan signed",
            "summary_en = \"China and Uzbekistan successfully",
            "place_en = ",
        ],
    );
    let agreements = seeds.join("records/agreements.toml");
    let text = std::fs::read_to_string(&agreements).unwrap();
    std::fs::write(
        &agreements,
        // Their bases would otherwise be reported as bases without English.
        text.replacen(
            "summary = \"中国和哈萨克斯坦签署新版投资保护协定。\"\nsummary_en_basis = \"translation\"",
            "summary = \"中国和哈萨克斯坦签署新版投资保护协定。\"",
            1,
        ),
    )
    .unwrap();

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_summitkb"))
        .arg("check")
        .arg("--seeds")
        .arg(&seeds)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "check must fail:\n{stderr}");
    let line = |needle: &str| crate::loader::line_of_last(&agreements, needle);
    for (needle, words) in [
        (
            "summary = \"中国和哈萨克斯坦签署新版投资保护协定。\"",
            "agreement `china-kazakhstan-investment-protection-agreement`: missing `summary_en`",
        ),
        (
            "summary = \"中乌成功结束",
            "agreement `china-uzbekistan-wto-accession-market-access`: missing `summary_en`",
        ),
        (
            "place = \"哈萨克斯坦阿斯塔纳\"",
            "missing `place_en`, the English of `place`",
        ),
    ] {
        let at = format!("{}:{}: ", agreements.display(), line(needle));
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with(&at) && l.contains(words)),
            "expected `{at}…{words}` in:\n{stderr}"
        );
    }
    // The one left with its basis but no English says so too.
    assert!(
        stderr.contains("`summary_en_basis` without `summary_en`"),
        "{stderr}"
    );
}

/// On the real seeds, every record has its English and `check` counts it.
#[test]
fn check_counts_the_english() {
    let set = summitkb::seeds::load(&seeds_dir()).expect("the seeds load");
    let c = summitkb::seeds::coverage::Coverage::of(&set);
    assert_eq!(c.summaries_en, set.records.len());
    assert_eq!(c.prose_fields_en, c.prose_fields);
    assert!(c.prose_fields > set.records.len(), "{}", c.prose_fields);
    assert!(c.summary().contains(&format!(
        "english:    {n} of {n} summaries",
        n = set.records.len()
    )));
}
