use crate::helpers::{SOURCE, TestApp, enc};

#[tokio::test]
async fn sources_list() {
    let app = TestApp::new().await;
    let j = app.get_ok("/api/sources").await.json();
    let s = &j["sources"][0];
    assert_eq!(s["slug"], SOURCE);
    assert_eq!(s["title"], "弘扬中国—中亚精神，致力永久睦邻友好");
    assert_eq!(s["published"], "2025-06-18");
    assert_eq!(s["paragraph_count"], 18);
    assert_eq!(s["url"], format!("/sources/{SOURCE}"));
    assert_eq!(s["api_url"], format!("/api/v1/sources/{SOURCE}"));
}

#[tokio::test]
async fn source_with_paragraphs_and_citers() {
    let app = TestApp::new().await;
    let j = app.get_ok(&format!("/api/sources/{SOURCE}")).await.json();
    assert_eq!(j["slug"], SOURCE);
    let paras = j["paragraphs"].as_array().unwrap();
    assert_eq!(paras.len(), 18);
    for (i, p) in paras.iter().enumerate() {
        assert_eq!(p["n"], i as i64 + 1);
        assert_eq!(p["url"], format!("/sources/{SOURCE}/p/{}", i + 1));
        assert_eq!(
            p["api_url"],
            format!("/api/v1/sources/{SOURCE}/p/{}", i + 1)
        );
        assert!(p["text"].as_str().unwrap().len() > 20);
        assert!(p["cited_by"].is_array());
    }
    let p10 = &paras[9];
    assert!(p10["cited_by"].as_array().unwrap().iter().any(|c| c["slug"]
        == "china-kyrgyzstan-uzbekistan-railway"
        && c["url"] == "/projects/china-kyrgyzstan-uzbekistan-railway"
        && c["api_url"] == "/api/v1/records/projects/china-kyrgyzstan-uzbekistan-railway"
        && c["kind"] == "project"));
}

#[tokio::test]
async fn record_with_links_and_citations() {
    let app = TestApp::new().await;
    let j = app
        .get_ok("/api/records/agreement/astana-declaration")
        .await
        .json();
    assert_eq!(j["kind"], "agreement");
    assert_eq!(j["slug"], "astana-declaration");
    assert_eq!(j["title"], "阿斯塔纳宣言");
    assert_eq!(j["english"], "Astana Declaration");
    assert_eq!(j["url"], "/agreements/astana-declaration");
    assert_eq!(j["fields"]["form"], "宣言");
    let parties: Vec<&str> = j["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["role"] == "parties")
        .map(|l| l["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        parties,
        [
            "china",
            "kazakhstan",
            "kyrgyzstan",
            "tajikistan",
            "turkmenistan",
            "uzbekistan"
        ]
    );
    let c = &j["citations"][0];
    assert_eq!(c["source"], SOURCE);
    assert_eq!(c["paragraph"], 6);
    assert_eq!(c["url"], format!("/sources/{SOURCE}/p/6"));
    assert_eq!(c["api_url"], format!("/api/v1/sources/{SOURCE}/p/6"));
    assert!(c["span"].as_str().unwrap().contains("《阿斯塔纳宣言》"));
}

#[tokio::test]
async fn quote_links_its_speaker_and_person_their_country() {
    let app = TestApp::new().await;
    let q = app
        .get_ok("/api/records/quote/xi-history-cannot-go-backward")
        .await
        .json();
    assert!(
        q["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["role"] == "speaker" && l["slug"] == "xi-jinping")
    );
    assert_eq!(q["fields"]["quote_type"], "paraphrase");
    let p = app.get_ok("/api/records/person/xi-jinping").await.json();
    assert!(
        p["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["role"] == "country" && l["slug"] == "china")
    );
    assert!(
        p["backlinks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["slug"] == "xi-history-cannot-go-backward")
    );
}

#[tokio::test]
async fn figure_keeps_original_and_normalised() {
    let app = TestApp::new().await;
    let f = app
        .get_ok("/api/records/figure/china-central-asia-trade-2024")
        .await
        .json();
    assert_eq!(f["fields"]["value"], "948");
    assert_eq!(f["fields"]["unit"], "亿美元");
    assert_eq!(f["fields"]["normalized"], "USD 94.8 billion");
    assert_eq!(f["fields"]["original"], "去年达到948亿美元的历史新高");
}

#[tokio::test]
async fn search_shape() {
    let app = TestApp::new().await;
    let j = app
        .get_ok(&format!("/api/search?q={}", enc("中吉乌铁路")))
        .await
        .json();
    assert_eq!(j["query"], "中吉乌铁路");
    let r = &j["results"][0];
    assert_eq!(r["kind"], "project");
    assert_eq!(r["slug"], "china-kyrgyzstan-uzbekistan-railway");
    assert_eq!(r["title"], "中吉乌铁路");
    assert_eq!(r["url"], "/projects/china-kyrgyzstan-uzbekistan-railway");
    assert!(r["snippet"].is_string());
    assert_eq!(r["citations"][0]["source"], SOURCE);
    assert_eq!(r["citations"][0]["paragraph"], 10);
    assert_eq!(r["citations"][0]["url"], format!("/sources/{SOURCE}/p/10"));
    assert_eq!(
        r["api_url"],
        "/api/v1/records/projects/china-kyrgyzstan-uzbekistan-railway"
    );
    assert!(r["snippet_text"].is_string());
    assert!(r["snippet_matches"].is_array());
    assert!(j["facets"]["kind"].is_array());
    assert!(j["facets"]["country"].is_array());
}

#[tokio::test]
async fn record_json_says_where_the_english_name_comes_from_and_what_is_editorial() {
    let app =
        TestApp::with_appended("records/projects.toml", crate::pages::PROVENANCE_RECORDS).await;
    let j = app
        .get_ok("/api/records/project/test-official-name")
        .await
        .json();
    assert_eq!(j["english_basis"], "official");
    assert_eq!(
        j["english_ref"],
        serde_json::json!({"publisher": "Xinhua", "title": "Full text of the test",
            "date": "2025-06-17", "url": "https://english.news.cn/test.html"})
    );
    assert_eq!(
        j["editorial"],
        serde_json::json!([{"text": "峰会于2025年6月17日举行。",
            "text_en": "The summit sat on 17 June 2025.",
            "ref": {"publisher": "Xinhua", "title": "Summit opens in Astana",
                "date": "2025-06-17", "url": "https://english.news.cn/summit.html"}}])
    );
    let ours = app
        .get_ok("/api/records/project/test-our-name")
        .await
        .json();
    assert_eq!(ours["english_basis"], "translation");
    assert!(ours["english_ref"].is_null());
    assert_eq!(ours["editorial"], serde_json::json!([]));
}

#[tokio::test]
async fn errata_in_json() {
    let app = TestApp::shared().await;
    let j = app.get_ok(&format!("/api/sources/{}", SOURCE)).await.json();
    let erratum = j["errata"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["published"] == "亿及")
        .expect("the erratum of line 37")
        .clone();
    assert_eq!(erratum["line"], 37);
    assert_eq!(erratum["paragraph"], 12);
    assert_eq!(erratum["reading"], "忆及");
    // Its offset points at the published words in the paragraph's text.
    let p12 = &j["paragraphs"][11];
    assert_eq!(p12["n"], 12);
    let at = erratum["offset"].as_u64().unwrap() as usize;
    let words: String = p12["text"]
        .as_str()
        .unwrap()
        .chars()
        .skip(at)
        .take(2)
        .collect();
    assert_eq!(words, "亿及");
    assert!(p12["errata"].as_array().unwrap().contains(&erratum));
    assert_eq!(j["paragraphs"][9]["errata"], serde_json::json!([]));
    // A record whose span quotes the misprint says so beside that citation.
    let citing = p12["cited_by"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["span"].as_str().unwrap().contains("亿及"))
        .expect("a span quoting 亿及")
        .clone();
    let r = app
        .get_ok(&format!(
            "/api/records/{}/{}",
            citing["kind"].as_str().unwrap(),
            citing["slug"].as_str().unwrap()
        ))
        .await
        .json();
    let c = r["citations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["span"].as_str().unwrap().contains("亿及"))
        .unwrap()
        .clone();
    assert_eq!(c["errata"][0]["reading"], "忆及");
}
