//! Commitments: who committed, the verb as said, a deadline where the
//! source gives one, and the latest status, on the list page, the record
//! page and in the JSON.

use crate::helpers::TestApp;
use crate::history::{RAILWAY, Seeds, railway_progress};

#[tokio::test]
async fn the_commitments_list_and_json_give_who_the_verb_the_deadline_and_the_latest_status() {
    let app = TestApp::new().await;
    let json = app.get_ok("/api/commitments").await.json();
    let all = json["commitments"].as_array().unwrap();
    assert_eq!(all.len(), 21);
    let find = |slug: &str| {
        all.iter()
            .find(|c| c["slug"] == slug)
            .unwrap_or_else(|| panic!("{slug}"))
    };
    let third = find("china-kazakhstan-third-cross-border-railway");
    assert_eq!(third["said_by"], "中方");
    assert_eq!(third["verb"], "将");
    assert_eq!(third["by"][0]["slug"], "china");
    assert!(third["deadline"].is_null(), "the source gives none");
    assert_eq!(third["status"]["status"], "加快推进中哈第三条跨境铁路建设");
    assert_eq!(
        third["status"]["status_en"],
        "To speed up construction of the third China–Kazakhstan cross-border railway"
    );
    assert_eq!(third["status"]["date"], "2025-06-18");
    assert_eq!(third["status"]["publisher"], "新华社");
    let training = find("training-places-3000");
    assert_eq!(training["said_by"], "习近平主席");
    assert_eq!(training["verb"], "宣布");
    assert_eq!(training["by"][0]["slug"], "xi-jinping");
    assert_eq!(training["deadline"], "2027");
    assert_eq!(training["deadline_basis"], "derived");
    // A deadline the span writes is stated: 商定第三届中国—中亚峰会将于2027年由中国主办.
    let summit = find("third-china-central-asia-summit");
    assert_eq!(
        (summit["said_by"].as_str(), summit["verb"].as_str()),
        (Some("各方"), Some("商定"))
    );
    assert_eq!(summit["deadline"], "2027");
    assert_eq!(summit["deadline_basis"], "stated");
    // 六国签署…同意出台: all six countries committed, each linked.
    let travel = find("people-exchange-facilitation-initiative");
    assert_eq!(travel["by"].as_array().unwrap().len(), 6);
    let mutual = find("mutual-cultural-centres");
    assert_eq!(mutual["said_by"], "各方");
    assert!(
        mutual["by"].as_array().unwrap().is_empty(),
        "各方 names no record"
    );
    // Every record a commitment names exists, and every said_by and verb
    // stands in the record's citations.
    for c in all {
        let url = c["url"].as_str().unwrap();
        let record = app
            .get_ok(&format!(
                "/api/records/{}/{}",
                c["kind"].as_str().unwrap(),
                c["slug"].as_str().unwrap()
            ))
            .await
            .json();
        let said = c["said_by"].as_str().unwrap();
        let verb = c["verb"].as_str().unwrap();
        assert!(
            record["citations"].as_array().unwrap().iter().any(|ci| {
                let span = ci["span"].as_str().unwrap();
                span.find(said).is_some_and(|a| span[a..].contains(verb))
            }),
            "{url}"
        );
        assert_eq!(record["commitment"]["verb"], c["verb"]);
        for by in c["by"].as_array().unwrap() {
            app.get_ok(by["url"].as_str().unwrap()).await;
        }
    }

    let page = app.get_ok("/commitments").await.body;
    assert!(page.contains("<h1>承诺"));
    assert!(page.contains("/projects/training-places-3000"));
    assert!(page.contains("2027（据原文推算"));
    assert!(page.contains("原文未给期限"));
    let record = app.get_ok("/projects/training-places-3000").await.body;
    let section = &record[record.find("id=\"commitment\"").expect("commitment")..];
    assert!(
        section.contains("习近平主席（<a href=\"/people/xi-jinping\""),
        "{}",
        &section[..600]
    );
    assert!(section.contains("<dd>宣布</dd>"));
}

#[tokio::test]
async fn a_later_status_is_the_commitments_latest() {
    let seeds = railway_progress();
    // A second statement from the follow-up's ¶2, dated by its publication,
    // and the commitment it states: 三国将.
    seeds.insert_after(
        "records/projects.toml",
        "status = \"高质量推进中吉乌铁路建设，力争早日建成\"",
        "commitment = { said_by = \"三国\", verb = \"将\" }",
    );
    let projects = seeds.path().join("records/projects.toml");
    let text = std::fs::read_to_string(&projects).unwrap();
    std::fs::write(
        &projects,
        text.replacen(
            "主体工程正式开工\" } }]",
            "主体工程正式开工\" } }, { status = \"继续推进项目建设\", cite = { source = \"railway-follow-up\", p = 2, span = \"三国将继续推进项目建设，力争早日建成通车\" } }]",
            1,
        ),
    )
    .unwrap();
    let app = TestApp::with_seeds(&seeds.path()).await;
    let json = app.get_ok("/api/commitments").await.json();
    let railway = json["commitments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == "china-kyrgyzstan-uzbekistan-railway")
        .expect("the railway is a commitment now");
    assert_eq!(railway["said_by"], "三国");
    assert_eq!(railway["status"]["status"], "继续推进项目建设");
    assert_eq!(railway["status"]["date"], "2026-01-05");
    assert_eq!(railway["status"]["publisher"], "测试通讯社");
    let page = app.get_ok(RAILWAY).await.body;
    let a = page
        .find("2025-12-27</time> 测试通讯社：“主体工程正式开工”")
        .unwrap();
    let b = page
        .find("2026-01-05</time> 测试通讯社：“继续推进项目建设”")
        .unwrap();
    assert!(a < b);
}

#[test]
fn a_commitment_not_in_its_words_names_file_and_line() {
    let cases = [
        (
            "commitment = { said_by = \"中方\", verb = \"同意\" }",
            "no cited span says \"中方\" and then \"同意\"",
        ),
        (
            "commitment = { said_by = \"中方\", by = [\"china-europe-railway-express\"], verb = \"将\" }",
            "is not a person, country or organization record",
        ),
        (
            "commitment = { said_by = \"中方\", verb = \"将\", deadline = \"2026\", deadline_basis = \"stated\" }",
            "stated deadline `2026` stands not in the span",
        ),
        (
            "commitment = { said_by = \"中方\", verb = \"将\", deadline = \"2026\" }",
            "a deadline needs `deadline` with `deadline_basis",
        ),
    ];
    for (line, expected) in cases {
        let seeds = Seeds::copy();
        seeds.insert_after(
            "records/projects.toml",
            "status = \"加快推进中哈第三条跨境铁路建设\"",
            line,
        );
        let p = seeds.path().join("records/projects.toml");
        let text = std::fs::read_to_string(&p).unwrap();
        // The record's own commitment goes, so that only the test's remains.
        std::fs::write(
            &p,
            text.replacen(
                "commitment = { said_by = \"中方\", by = [\"china\"], verb = \"将\" }\ncite = [{ p = 10, span = \"中方还将",
                "cite = [{ p = 10, span = \"中方还将",
                1,
            ),
        )
        .unwrap();
        let err = summitkb::seeds::load(&seeds.path())
            .expect_err("refused")
            .to_string();
        assert!(err.contains(expected), "{line}\n{err}");
        assert!(err.contains("records/projects.toml:"), "{err}");
    }
}
