//! `summitkb export`: the export served by nginx with its generated
//! configuration answers every link of the site as the live router does.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use summitkb::static_site::{self, Options};

use crate::helpers::TestApp;

const NGINX: &str = "/usr/sbin/nginx";

fn options(force: bool) -> Options {
    Options {
        live_url: "http://127.0.0.1:9".to_owned(),
        force,
        base_url: "https://kb.example".to_owned(),
    }
}

/// nginx in the foreground over `site` on a free port, with the export's
/// configuration included in a server block.
struct Nginx {
    child: Child,
    port: u16,
}

impl Nginx {
    fn start(site: &Path, work: &Path) -> Nginx {
        assert!(
            Path::new(NGINX).exists(),
            "{NGINX} is missing: install nginx (apt-get install nginx) to run this test"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let w = work.display();
        let conf = format!(
            "daemon off;\nmaster_process off;\nworker_processes 1;\npid {w}/nginx.pid;\n\
             error_log {w}/error.log;\nevents {{}}\nhttp {{\n access_log off;\n\
             client_body_temp_path {w}/body;\n proxy_temp_path {w}/proxy;\n\
             fastcgi_temp_path {w}/fastcgi;\n uwsgi_temp_path {w}/uwsgi;\n scgi_temp_path {w}/scgi;\n\
             server {{\n  listen 127.0.0.1:{port};\n  include {}/nginx/summitkb.conf;\n }}\n}}\n",
            site.display()
        );
        std::fs::write(work.join("nginx.conf"), conf).unwrap();
        let child = Command::new(NGINX)
            .arg("-p")
            .arg(work)
            .arg("-c")
            .arg(work.join("nginx.conf"))
            .spawn()
            .expect("nginx starts");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "nginx did not listen: {}",
                std::fs::read_to_string(work.join("error.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Nginx { child, port }
    }

    /// One GET: status, headers (lowercased names), body.
    fn get(&self, path: &str, headers: &[(&str, &str)]) -> (u16, Vec<(String, String)>, Vec<u8>) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let mut req = format!("GET {path} HTTP/1.1\r\nHost: kb.example\r\nConnection: close\r\n");
        for (n, v) in headers {
            req.push_str(&format!("{n}: {v}\r\n"));
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes()).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a head");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let body = raw[split + 4..].to_vec();
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        (status, headers, body)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn an_export_served_by_nginx_answers_every_link_as_the_router_does() {
    let app = TestApp::new().await;
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let report = static_site::export(app.router.clone(), &site, &options(false))
        .await
        .expect("the export is written");
    assert!(report.broken.is_empty(), "{:?}", report.broken);
    assert!(report.files > 200, "{} files", report.files);
    for f in [
        "index.html",
        "index.html.gz",
        "index.html.br",
        "projects.html",
        "404.html",
        "en/404.html",
        "_headers",
        "_redirects",
        "headers.json",
        "nginx/summitkb.conf",
        "api/openapi.json",
    ] {
        assert!(site.join(f).is_file(), "{f}");
    }
    // No half-written directories left beside it.
    let beside: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, vec!["site".to_owned()]);

    let work = tmp.path().join("nginx");
    std::fs::create_dir_all(&work).unwrap();
    let nginx = Nginx::start(&site, &work);
    // The crawl of the served export, from the home page and the API's
    // entry points, as a reader or client would follow it.
    let mut queue: Vec<String> = static_site::ENTRY_POINTS
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let mut seen: std::collections::BTreeSet<String> = queue.iter().cloned().collect();
    let mut checked = 0;
    while let Some(path) = queue.pop() {
        let live = app.get(&path).await;
        if live.status != 200 && static_site::ENTRY_POINTS.contains(&path.as_str()) {
            continue;
        }
        let (status, headers, body) = nginx.get(&path, &[]);
        assert_eq!(status, 200, "{path} from nginx");
        assert_eq!(body, live.bytes, "{path}: the body the router sends");
        let ct = header(&headers, "content-type").unwrap_or("");
        let essence = |s: &str| s.split(';').next().unwrap().trim().to_owned();
        assert_eq!(
            essence(ct),
            essence(live.content_type()),
            "{path}: content type"
        );
        for h in [
            "content-security-policy",
            "x-content-type-options",
            "cache-control",
        ] {
            assert_eq!(
                header(&headers, h),
                live.headers.get(h).and_then(|v| v.to_str().ok()),
                "{path}: {h}"
            );
        }
        checked += 1;
        for link in static_site::links_in(live.content_type(), &live.bytes, "https://kb.example") {
            if let Some(p) = static_site::exported_path(&link)
                && seen.insert(p.clone())
            {
                queue.push(p);
            }
        }
    }
    assert_eq!(checked, report.files, "nginx serves every exported answer");

    // Compressed beside each: nginx sends the .gz, which decodes to the
    // same bytes.
    for path in [
        "/",
        "/projects",
        "/api/v1/records/projects",
        "/static/style.css",
    ] {
        let (status, headers, gz) = nginx.get(path, &[("Accept-Encoding", "gzip")]);
        assert_eq!(status, 200, "{path}");
        assert_eq!(header(&headers, "content-encoding"), Some("gzip"), "{path}");
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, app.get(path).await.bytes, "{path}: .gz");
        let br = std::fs::read(
            site.join(static_site::file_name(
                path,
                app.get(path).await.content_type(),
            ))
            .with_extension(format!(
                "{}.br",
                static_site::extension(app.get(path).await.content_type())
            )),
        );
        let mut plain = Vec::new();
        brotli::Decompressor::new(&br.unwrap()[..], 4096)
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, app.get(path).await.bytes, "{path}: .br");
    }
    // A missing page is the 404 page; a query string or search is not a
    // file (it goes to the live service, absent here).
    let (status, _, body) = nginx.get("/projects/no-such-project", &[]);
    assert_eq!(status, 404);
    assert_eq!(body, app.get("/projects/no-such-project").await.bytes);
    // Under /en/, the English 404, as the live service answers it.
    for miss in ["/en/projects/no-such-project", "/en/no-such-page"] {
        let (status, _, body) = nginx.get(miss, &[]);
        let live = app.get(miss).await;
        assert_eq!(status, 404, "{miss}");
        assert_eq!(live.status, 404, "{miss}");
        assert_eq!(body, live.bytes, "{miss}: the English 404");
        assert!(
            String::from_utf8_lossy(&body).contains("<html lang=\"en\""),
            "{miss}"
        );
    }
    // `/en` redirects to `/en/` as the live service does.
    let live = app.get("/en").await;
    let (status, headers, _) = nginx.get("/en", &[]);
    assert_eq!(status, live.status.as_u16(), "/en");
    assert_eq!(
        header(&headers, "location"),
        live.headers.get("location").and_then(|v| v.to_str().ok()),
        "/en"
    );
    assert_eq!(header(&headers, "location"), Some("/en/"));
    // The static hosts' files say the same.
    let redirects = std::fs::read_to_string(site.join("_redirects")).unwrap();
    assert!(
        redirects.contains(&format!("/en /en/ {}", live.status.as_u16())),
        "{redirects}"
    );
    assert!(redirects.contains("/en/* /en/404.html 404"), "{redirects}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("headers.json")).unwrap()).unwrap();
    assert_eq!(manifest["addresses"]["/en"]["redirect"], "/en/");
    assert_eq!(manifest["addresses"]["/"]["file"], "index.html");
    assert_eq!(manifest["not_found"][0]["prefix"], "/en/");
    assert_eq!(manifest["not_found"][0]["file"], "en/404.html");
    let (status, _, _) = nginx.get("/projects?sort=status", &[]);
    assert_ne!(status, 200, "query strings are left to the live service");
    let (status, _, _) = nginx.get("/search?q=x", &[]);
    assert_ne!(status, 200, "search is left to the live service");
    drop(nginx);

    // A directory that holds files is refused, then replaced with --force.
    let again = static_site::export(app.router.clone(), &site, &options(false)).await;
    assert!(again.unwrap_err().to_string().contains("--force"));
    std::fs::write(site.join("stale.txt"), "old").unwrap();
    static_site::export(app.router.clone(), &site, &options(true))
        .await
        .expect("replaced");
    assert!(!site.join("stale.txt").exists());
    assert!(site.join("index.html").is_file());
}
