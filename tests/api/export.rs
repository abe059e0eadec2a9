//! Downloads: every table as CSV and JSON holding the same rows, with the
//! data version, attribution and licence in each; the SQLite snapshot.

use serde_json::Value;

use crate::helpers::{TestApp, enc};

const TABLES: [&str; 14] = [
    "records",
    "citations",
    "links",
    "sources",
    "paragraphs",
    "agreements",
    "projects",
    "initiatives",
    "events",
    "figures",
    "quotes",
    "people",
    "countries",
    "organizations",
];

/// The CSV's header and rows, read by the csv crate after checking the BOM.
fn read_csv(bytes: &[u8], what: &str) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{what}: no UTF-8 BOM");
    let text = std::str::from_utf8(&bytes[3..]).expect("UTF-8");
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

/// A JSON cell as the CSV writes it.
fn as_csv(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Asserts that `csv` and `json` hold the same table, and returns its rows.
async fn round_trip(app: &TestApp, stem: &str) -> Vec<Vec<String>> {
    let version = app.get_ok("/healthz").await.body;
    let version = version.trim().strip_prefix("ok ").unwrap().to_owned();
    let csv = app.get_ok(&format!("/api/export/{stem}.csv")).await;
    assert!(csv.content_type().starts_with("text/csv"), "{stem}");
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"),
        "{stem}"
    );
    let json = app.get_ok(&format!("/api/export/{stem}.json")).await.json();
    let (header, rows) = read_csv(&csv.bytes, stem);
    let columns: Vec<String> = json["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    let mut expected = columns.clone();
    expected.extend(["data_version", "source_attribution", "licence"].map(String::from));
    assert_eq!(header, expected, "{stem}");
    let json_rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), json_rows.len(), "{stem}: row count");
    for (row, obj) in rows.iter().zip(json_rows) {
        for (i, c) in columns.iter().enumerate() {
            assert_eq!(row[i], as_csv(&obj[c]), "{stem}: column {c}");
        }
        let n = columns.len();
        assert_eq!(row[n], version, "{stem}: data version");
        assert_eq!(row[n + 1], json["source_attribution"], "{stem}");
        assert_eq!(row[n + 2], json["licence"], "{stem}");
    }
    assert_eq!(json["data_version"], version.as_str(), "{stem}");
    let attribution = json["source_attribution"].as_str().unwrap();
    assert!(
        attribution.contains("新华社") && attribution.contains("Xinhua News Agency"),
        "{stem}: {attribution}"
    );
    // The curated data is CC BY 4.0; the source texts are excluded.
    assert_licence(json["licence"].as_str().unwrap(), stem);
    rows
}

#[tokio::test]
async fn every_table_round_trips_between_csv_and_json() {
    let app = TestApp::new().await;
    for stem in TABLES {
        round_trip(&app, stem).await;
    }
}

#[tokio::test]
async fn the_tables_hold_the_whole_dataset() {
    let app = TestApp::new().await;
    let mut records = 0;
    let mut citations = 0;
    for (plural, kind) in [
        ("agreements", "agreement"),
        ("projects", "project"),
        ("initiatives", "initiative"),
        ("events", "event"),
        ("figures", "figure"),
        ("quotes", "quote"),
        ("people", "person"),
        ("countries", "country"),
        ("organizations", "organization"),
    ] {
        let list = app.get_ok(&format!("/api/records/{kind}")).await.json();
        let list = list["records"].as_array().unwrap();
        let rows = round_trip(&app, plural).await;
        assert_eq!(rows.len(), list.len(), "{plural}");
        for (row, r) in rows.iter().zip(list) {
            assert_eq!(row[0], kind);
            assert_eq!(row[1], r["slug"].as_str().unwrap());
            assert_eq!(row[2], r["title"].as_str().unwrap());
            let one = app
                .get_ok(&format!("/api/records/{kind}/{}", row[1]))
                .await
                .json();
            citations += one["citations"].as_array().unwrap().len();
        }
        records += list.len();
    }
    assert_eq!(round_trip(&app, "records").await.len(), records);
    let cites = round_trip(&app, "citations").await;
    assert_eq!(cites.len(), citations);
    // Each citation's span stands in its paragraph where it says.
    let paragraphs = round_trip(&app, "paragraphs").await;
    assert_eq!(paragraphs.len(), 18);
    for c in &cites {
        let n: usize = c[3].parse().unwrap();
        let text: Vec<char> = paragraphs[n - 1][2].chars().collect();
        let (start, end): (usize, usize) = (c[5].parse().unwrap(), c[6].parse().unwrap());
        assert_eq!(text[start..end].iter().collect::<String>(), c[4]);
        assert!(c[8].contains(&format!("#p{n}:~:text=")), "{}", c[8]);
    }
    let sources = round_trip(&app, "sources").await;
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0][8], "18");
    let railway = round_trip(&app, "projects").await;
    let row = railway
        .iter()
        .find(|r| r[1] == "china-kyrgyzstan-uzbekistan-railway")
        .unwrap();
    assert_eq!(row[2], "中吉乌铁路");
    assert!(!round_trip(&app, "links").await.is_empty());
}

#[tokio::test]
async fn a_search_downloads_every_result_in_rank_order() {
    let app = TestApp::new().await;
    for q in ["铁路", "Tokayev", "中吉乌铁路"] {
        let api = app
            .get_ok(&format!("/api/search?q={}", enc(q)))
            .await
            .json();
        let csv = app
            .get_ok(&format!("/api/export/search.csv?q={}", enc(q)))
            .await;
        let json = app
            .get_ok(&format!("/api/export/search.json?q={}", enc(q)))
            .await
            .json();
        let (_, rows) = read_csv(&csv.bytes, q);
        assert_eq!(rows.len() as u64, api["total"].as_u64().unwrap(), "{q}");
        assert_eq!(json["rows"].as_array().unwrap().len(), rows.len(), "{q}");
        let first = &api["results"][0];
        assert_eq!(rows[0][0], "1");
        assert_eq!(rows[0][1], first["kind"].as_str().unwrap(), "{q}");
        assert_eq!(rows[0][3], first["title"].as_str().unwrap(), "{q}");
        for (row, obj) in rows.iter().zip(json["rows"].as_array().unwrap()) {
            assert_eq!(row[2], as_csv(&obj["slug"]));
            assert_eq!(row[7], as_csv(&obj["url"]));
        }
    }
    // Filters apply as on the page.
    let api = app
        .get_ok(&format!("/api/search?q={}&kind=project", enc("铁路")))
        .await
        .json();
    let json = app
        .get_ok(&format!(
            "/api/export/search.json?q={}&kind=project",
            enc("铁路")
        ))
        .await
        .json();
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len() as u64, api["total"].as_u64().unwrap());
    assert!(rows.iter().all(|r| r["kind"] == "project"));
}

#[tokio::test]
async fn unknown_downloads_and_formats_say_what_exists() {
    let app = TestApp::new().await;
    for (url, status, names) in [
        ("/api/export/nothing.csv", 404, "records"),
        ("/api/export/records.xlsx", 404, ".csv"),
        ("/api/export/records", 404, "search.csv"),
        ("/api/export/search.csv", 400, "?q="),
        ("/api/export/search.json?q=", 400, "?q="),
        // A search download's filters are checked as the search answer's.
        (
            "/api/export/search.csv?q=%E9%93%81%E8%B7%AF&kind=projectz",
            400,
            "unknown kind",
        ),
        (
            "/api/export/search.json?q=%E9%93%81%E8%B7%AF&country=Kazakhstan",
            400,
            "unknown country",
        ),
    ] {
        let res = app.get(url).await;
        assert_eq!(res.status, status, "{url}: {}", res.body);
        assert!(res.content_type().starts_with("application/json"), "{url}");
        let detail = res.json()["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(detail.contains(names), "{url}: {detail}");
    }
}

#[tokio::test]
async fn the_snapshot_is_the_database_itself() {
    use sqlx::Connection;
    let app = TestApp::new().await;
    let res = app.get_ok("/api/export/summitkb.sqlite").await;
    assert_eq!(res.content_type(), "application/vnd.sqlite3");
    assert!(res.bytes.starts_with(b"SQLite format 3\0"));
    assert_eq!(res.bytes, std::fs::read(&app.db).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.sqlite");
    std::fs::write(&path, &res.bytes).unwrap();
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM records")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let rows = round_trip(&app, "records").await;
    assert_eq!(n as usize, rows.len());
    // The index of downloads names each, with its address.
    let index = app.get_ok("/api/export").await.json();
    let names: Vec<&str> = index["downloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    for stem in TABLES {
        assert!(names.contains(&format!("{stem}.csv").as_str()), "{stem}");
        assert!(names.contains(&format!("{stem}.json").as_str()), "{stem}");
    }
    assert!(names.contains(&"summitkb.sqlite"));
}

/// The licence statement every file carries: CC BY 4.0 for the curated
/// data, the source texts excluded and left to their publisher, word for
/// word as LICENSE-DATA.md says it.
pub fn assert_licence(licence: &str, what: &str) {
    assert!(
        licence.contains("CC BY 4.0")
            && licence.contains("https://creativecommons.org/licenses/by/4.0/")
            && licence.contains("records, citations, links, aliases, translations")
            && licence.contains("Xinhua News Agency")
            && licence.contains("excluded from the licence"),
        "{what}: {licence}"
    );
    let file = include_str!("../../LICENSE-DATA.md").replace('\n', " ");
    assert!(
        file.contains(licence),
        "{what}: LICENSE-DATA.md does not state {licence:?}"
    );
}

#[tokio::test]
async fn the_export_index_and_the_feeds_state_the_licence() {
    let app = TestApp::shared().await;
    let index = app.get_ok("/api/export").await.json();
    assert_licence(index["licence"].as_str().unwrap(), "/api/export");
    for feed in [
        "/feeds/records.atom",
        "/feeds/projects.atom",
        "/feeds/countries/kyrgyzstan.atom",
    ] {
        let xml = app.get_ok(feed).await.body;
        let rights = xml
            .split_once("<rights>")
            .and_then(|(_, r)| r.split_once("</rights>"))
            .map(|(r, _)| r.replace("&#39;", "'").replace("&apos;", "'"))
            .unwrap_or_else(|| panic!("{feed}: no <rights>"));
        assert_licence(&rights, feed);
    }
}
