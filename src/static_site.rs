//! `summitkb export DIR`: the whole site as files, for any static host or
//! CDN. The real router answers in-process: the crawl starts from `/` and
//! the API's entry points, follows every internal link of every HTML page,
//! feed and JSON answer, and writes each answer as a file, with `.gz` and
//! `.br` beside it and the headers the live server sends written out for
//! nginx (`nginx/summitkb.conf`) and for hosts that read a `_headers` file
//! (Netlify, Cloudflare Pages) or a manifest (`headers.json`, for an object
//! store's per-object metadata).
//!
//! # What is exported
//!
//! Every address without a query string: each record, list, source and
//! paragraph page, feed, download and API answer. A list's other views
//! (`?sort=`, `?group=`, `?page=`) and search (`/search`, the API's search
//! and suggestions) are not files: the generated nginx configuration sends
//! any request with a query string, and those paths, to the live service
//! (a replica behind the same domain), so the search form of an exported
//! page works as it does on the live site. Static files are exported under
//! their path; their `?v=` fingerprint is ignored by the static host, as by
//! the live one.
//!
//! # Layout
//!
//! An address is written as its path plus the extension of its content
//! type unless it already ends so: `/` → `index.html`, `/projects` →
//! `projects.html`, `/api/v1/records/projects` →
//! `api/v1/records/projects.json`, `/map.svg` → `map.svg`. The 404 pages
//! are `404.html` and, for misses under `/en/`, `en/404.html`; `/en`
//! redirects to `/en/` as the live service does (nginx, `_redirects`,
//! `headers.json`). The export is written into a new directory beside `DIR` and
//! renamed into place at the end, so `DIR` is never half-written.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::App;

/// Where the crawl starts besides the links it finds: the home page and
/// the API's own entry points.
pub const ENTRY_POINTS: [&str; 6] = [
    "/",
    "/api",
    "/api/openapi.json",
    "/api/v1",
    "/api/export",
    "/api/commitments",
];

/// Paths answered by the live service, never exported: search and
/// suggestions, and the health check.
pub const LIVE_PATHS: [&str; 6] = [
    "/search",
    "/api/search",
    "/api/suggest",
    "/api/v1/search",
    "/api/v1/suggest",
    "/healthz",
];

/// Brotli's quality for the `.br` files: 11 (the most) took several times
/// as long for a few per cent.
const BROTLI_QUALITY: u32 = 9;

/// Headers a static host sets itself (or that describe one transfer).
const NOT_WRITTEN: [&str; 9] = [
    "date",
    "content-length",
    "etag",
    "last-modified",
    "vary",
    "content-encoding",
    "transfer-encoding",
    "connection",
    "accept-ranges",
];

/// How an export is made.
#[derive(Debug, Clone)]
pub struct Options {
    /// The live service the static host sends search and query-string
    /// requests to, as nginx's `proxy_pass` takes it.
    pub live_url: String,
    /// Replace a `DIR` that already holds files.
    pub force: bool,
    /// The base URL the app writes into pages: absolute links starting
    /// with it are internal.
    pub base_url: String,
}

/// What an export wrote.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Answers written (each with its `.gz` and `.br`).
    pub files: usize,
    pub bytes: u64,
    /// Distinct addresses with a query string, left to the live service.
    pub left_to_live: usize,
    /// Internal links that did not answer 200, with the status they got.
    pub broken: Vec<(String, u16)>,
}

/// One exported answer.
struct Written {
    /// The file, relative to the export's root.
    file: String,
    headers: BTreeMap<String, String>,
}

/// Exports the site `app` serves into `dir`.
pub async fn export(app: App, dir: &Path, options: &Options) -> anyhow::Result<Report> {
    let nonempty = match std::fs::read_dir(dir) {
        Ok(mut d) => d.next().is_some(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    if nonempty && !options.force {
        bail!(
            "{} is not empty: export into an empty or new directory, or pass --force to replace it",
            dir.display()
        );
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let name = dir
        .file_name()
        .context("the export directory needs a name")?
        .to_string_lossy()
        .into_owned();
    let work = parent.join(format!(".{name}.partial-{}", std::process::id()));
    if work.exists() {
        std::fs::remove_dir_all(&work)?;
    }
    std::fs::create_dir_all(&work)?;
    let result = write_all(app, &work, dir, options).await;
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&work);
            return Err(e);
        }
    };
    // Into place: the old export (if replacing) moves aside first, so DIR
    // is at every moment either the old export or the new one.
    if dir.exists() {
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        std::fs::rename(dir, &old)?;
        std::fs::rename(&work, dir)?;
        std::fs::remove_dir_all(&old)?;
    } else {
        std::fs::rename(&work, dir)?;
    }
    Ok(report)
}

async fn write_all(
    app: App,
    work: &Path,
    final_dir: &Path,
    options: &Options,
) -> anyhow::Result<Report> {
    let mut report = Report::default();
    let mut queue: VecDeque<String> = ENTRY_POINTS.iter().map(|s| (*s).to_owned()).collect();
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    let mut live: BTreeSet<String> = BTreeSet::new();
    let mut written: BTreeMap<String, Written> = BTreeMap::new();
    let base = options.base_url.trim_end_matches('/');
    while let Some(path) = queue.pop_front() {
        let (status, headers, body) = get(&app, &path).await?;
        if status != StatusCode::OK {
            // The API's entry points need not all exist; links must.
            if !ENTRY_POINTS.contains(&path.as_str()) {
                report.broken.push((path, status.as_u16()));
            }
            continue;
        }
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_owned();
        for link in links_in(&content_type, &body, base) {
            match classify(&link) {
                Link::Export(p) => {
                    if seen.insert(p.clone()) {
                        queue.push_back(p);
                    }
                }
                Link::Live(p) => {
                    live.insert(p);
                }
                Link::Outside => {}
            }
        }
        let file = file_name(&path, &content_type);
        write_file(work, &file, &body)?;
        report.files += 1;
        report.bytes += body.len() as u64;
        written.insert(
            path,
            Written {
                file,
                headers: kept_headers(&headers),
            },
        );
    }
    // The 404 pages, for the static host's error pages: the English one
    // for misses under `/en/`, as the live service answers them.
    let (_, headers, body) = get(&app, "/.export-no-such-page").await?;
    write_file(work, "404.html", &body)?;
    let (_, en_headers, en_body) = get(&app, "/en/.export-no-such-page").await?;
    write_file(work, EN_NOT_FOUND, &en_body)?;
    // `/en` without its slash: the live service's redirect, written out.
    let (status, redirect_headers, _) = get(&app, EN_BARE).await?;
    let redirect = Redirect {
        status: status.as_u16(),
        location: redirect_headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("/en/")
            .to_owned(),
        headers: kept_headers(&redirect_headers),
    };
    report.left_to_live = live.len();
    let root = std::path::absolute(final_dir)?;
    let types = content_types(&written);
    std::fs::create_dir_all(work.join("nginx"))?;
    std::fs::write(
        work.join("nginx/summitkb.conf"),
        nginx_conf(
            &root,
            &written,
            &types,
            &NotFound {
                zh: kept_headers(&headers),
                en: kept_headers(&en_headers),
            },
            &redirect,
            options,
        ),
    )?;
    std::fs::write(work.join("_headers"), headers_file(&written))?;
    std::fs::write(work.join("_redirects"), redirects_file(&redirect))?;
    std::fs::write(
        work.join("headers.json"),
        serde_json::to_string_pretty(&manifest(&written, &redirect))?,
    )?;
    Ok(report)
}

/// The English edition's 404 page, beside its pages.
pub const EN_NOT_FOUND: &str = "en/404.html";

/// The English edition's address without its slash, which redirects.
const EN_BARE: &str = "/en";

/// The headers of the two 404 pages (Chinese, English).
struct NotFound {
    zh: BTreeMap<String, String>,
    en: BTreeMap<String, String>,
}

/// A redirect the live service answers, for the static host to repeat.
struct Redirect {
    status: u16,
    location: String,
    headers: BTreeMap<String, String>,
}

/// One answer of the router, uncompressed.
async fn get(app: &App, path: &str) -> anyhow::Result<(StatusCode, HeaderMap, Vec<u8>)> {
    let req = Request::builder()
        .uri(path)
        .header(header::ACCEPT, "text/html,application/json;q=0.9,*/*;q=0.8")
        .body(Body::empty())?;
    let res = app
        .clone()
        .oneshot(req)
        .await
        .map_err(|e| anyhow::anyhow!("{path}: {e:?}"))?;
    let status = res.status();
    let headers = res.headers().clone();
    let body = res
        .into_body()
        .collect()
        .await
        .map_err(|e| anyhow::anyhow!("{path}: {e}"))?
        .to_bytes()
        .to_vec();
    Ok((status, headers, body))
}

enum Link {
    Export(String),
    Live(String),
    Outside,
}

/// The path an internal link is exported under, or `None` when the link
/// is left to the live service or is not ours.
pub fn exported_path(link: &str) -> Option<String> {
    match classify(link) {
        Link::Export(p) => Some(p),
        _ => None,
    }
}

/// Whether an internal address is exported, left to the live service, or
/// not ours.
fn classify(link: &str) -> Link {
    let link = link.split('#').next().unwrap_or("");
    if !link.starts_with('/') || link.starts_with("//") {
        return Link::Outside;
    }
    let (path, query) = match link.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (link, None),
    };
    if path.starts_with("/static/") {
        // Fingerprints are ignored by the file server.
        return Link::Export(path.to_owned());
    }
    if LIVE_PATHS.contains(&path) || query.is_some_and(|q| !q.is_empty()) {
        return Link::Live(link.to_owned());
    }
    Link::Export(path.to_owned())
}

/// The internal addresses an answer links to: `href` and `src` attributes
/// of HTML, SVG and feeds; `url`, `…_url`, `next` and `href` values of JSON.
pub fn links_in(content_type: &str, body: &[u8], base: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(body);
    let local = |s: &str| -> Option<String> {
        let s = html_unescape(s);
        if s.starts_with('/') {
            Some(s)
        } else if !base.is_empty() && s.starts_with(base) {
            let rest = &s[base.len()..];
            rest.starts_with('/').then(|| rest.to_owned())
        } else {
            None
        }
    };
    if content_type.contains("json") {
        let mut out = Vec::new();
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
            json_links(&v, &mut |s| {
                if let Some(l) = local(s) {
                    out.push(l);
                }
            });
        }
        return out;
    }
    if !(content_type.contains("html") || content_type.contains("xml")) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        for part in text.split(attr).skip(1) {
            if let Some(l) = part.split('"').next().and_then(local) {
                out.push(l);
            }
        }
    }
    // Absolute addresses elsewhere: the JSON-LD's downloads and feeds.
    if !base.is_empty() {
        let start = format!("\"{base}/");
        for part in text.split(start.as_str()).skip(1) {
            if let Some(rest) = part.split('"').next() {
                out.push(format!("/{}", html_unescape(rest)));
            }
        }
    }
    // An absolute `src`/`href` is found by both passes: each link once.
    let mut seen = std::collections::HashSet::new();
    out.retain(|l| seen.insert(l.clone()));
    out
}

fn json_links(v: &serde_json::Value, found: &mut impl FnMut(&str)) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                match v {
                    serde_json::Value::String(s)
                        if k == "url" || k.ends_with("_url") || k == "next" || k == "href" =>
                    {
                        found(s)
                    }
                    _ => json_links(v, found),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_links(x, found)),
        _ => {}
    }
}

/// `&#38;`, `&amp;` and the other escapes askama writes in attributes.
fn html_unescape(s: &str) -> String {
    s.replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
}

/// The file extension for a content type: the usual one, or the subtype.
pub fn extension(content_type: &str) -> String {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let known = match essence.as_str() {
        "text/html" => Some("html"),
        "application/json" => Some("json"),
        "application/ld+json" => Some("jsonld"),
        "application/xml" | "text/xml" => Some("xml"),
        "application/atom+xml" => Some("atom"),
        "image/svg+xml" => Some("svg"),
        "text/css" => Some("css"),
        "text/javascript" | "application/javascript" => Some("js"),
        "text/csv" => Some("csv"),
        "text/plain" => Some("txt"),
        "image/png" => Some("png"),
        "image/x-icon" | "image/vnd.microsoft.icon" => Some("ico"),
        _ => None,
    };
    match known {
        Some(e) => e.to_owned(),
        None => essence
            .rsplit('/')
            .next()
            .unwrap_or("bin")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect(),
    }
}

/// The file an address is written to (see the module's Layout).
pub fn file_name(path: &str, content_type: &str) -> String {
    let ext = extension(content_type);
    let rel = path.trim_start_matches('/');
    // `/` and a directory-like address such as `/en/`: its index file, which
    // static hosts serve for the directory.
    if rel.is_empty() || rel.ends_with('/') {
        return format!("{rel}index.{ext}");
    }
    if rel.ends_with(&format!(".{ext}")) {
        rel.to_owned()
    } else {
        format!("{rel}.{ext}")
    }
}

fn write_file(root: &Path, rel: &str, body: &[u8]) -> anyhow::Result<()> {
    // Addresses come from our own router; refuse anything that would climb.
    if rel.split('/').any(|s| s == ".." || s.is_empty()) {
        bail!("refusing to write {rel:?}");
    }
    let path = root.join(rel);
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p)?;
    }
    std::fs::write(&path, body)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(body)?;
    std::fs::write(format!("{}.gz", path.display()), gz.finish()?)?;
    let mut br = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut br, 4096, BROTLI_QUALITY, 22);
        w.write_all(body)?;
    }
    std::fs::write(format!("{}.br", path.display()), br)?;
    Ok(())
}

fn kept_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .iter()
        .filter(|(n, _)| !NOT_WRITTEN.contains(&n.as_str()))
        .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect()
}

/// Each extension written, with the content type its answers had.
fn content_types(written: &BTreeMap<String, Written>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for w in written.values() {
        if let Some(ct) = w.headers.get("content-type") {
            let ext = w.file.rsplit('.').next().unwrap_or("").to_owned();
            out.entry(ext).or_insert_with(|| ct.clone());
        }
    }
    out
}

/// Where a path's headers are set in the nginx configuration.
fn area(path: &str) -> &'static str {
    if path.starts_with("/static/") {
        "/static/"
    } else if path == "/api" || path.starts_with("/api/") {
        "/api"
    } else {
        "/"
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The headers every path of an area shares (content type apart).
fn shared(written: &BTreeMap<String, Written>, area_of: &str) -> BTreeMap<String, String> {
    let mut common: Option<BTreeMap<String, String>> = None;
    for (_, w) in written.iter().filter(|(p, _)| area(p) == area_of) {
        let h: BTreeMap<String, String> = w
            .headers
            .iter()
            .filter(|(n, _)| n.as_str() != "content-type")
            .map(|(n, v)| (n.clone(), v.clone()))
            .collect();
        common = Some(match common {
            None => h,
            Some(c) => c.into_iter().filter(|(n, v)| h.get(n) == Some(v)).collect(),
        });
    }
    common.unwrap_or_default()
}

fn add_headers(out: &mut String, indent: &str, headers: &BTreeMap<String, String>) {
    for (n, v) in headers {
        out.push_str(&format!("{indent}add_header {n} {} always;\n", quote(v)));
    }
}

/// The nginx configuration: a `server` block's contents, serving the
/// export at `root` with the live server's headers, and sending search and
/// query strings to `options.live_url`.
fn nginx_conf(
    root: &Path,
    written: &BTreeMap<String, Written>,
    types: &BTreeMap<String, String>,
    not_found: &NotFound,
    redirect: &Redirect,
    options: &Options,
) -> String {
    let mut out = String::new();
    out.push_str(
        "# Written by `summitkb export`: include inside a `server { }` block.\n\
         # The export's files, with the headers the live server sends; search and\n\
         # any address with a query string go to the live service.\n",
    );
    out.push_str(&format!("root {};\n", quote(&root.display().to_string())));
    out.push_str("types {\n");
    let mut by_type: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (ext, ct) in types {
        let essence = ct.split(';').next().unwrap_or(ct).trim();
        by_type.entry(essence).or_default().push(ext);
    }
    for (essence, exts) in by_type {
        out.push_str(&format!("    {essence} {};\n", exts.join(" ")));
    }
    out.push_str("}\ndefault_type application/octet-stream;\n");
    let charset_types: BTreeSet<&str> = types
        .values()
        .filter(|ct| ct.to_ascii_lowercase().contains("charset=utf-8"))
        .map(|ct| ct.split(';').next().unwrap_or(ct).trim())
        .collect();
    out.push_str("charset utf-8;\n");
    out.push_str(&format!(
        "charset_types {};\n",
        charset_types.into_iter().collect::<Vec<_>>().join(" ")
    ));
    out.push_str(
        "gzip_static on;\ngzip_vary on;\n\
         # With the ngx_brotli module (Debian: libnginx-mod-http-brotli-static):\n\
         # brotli_static on;\n",
    );
    // A miss under /en/ gets the English 404, as from the live service.
    out.push_str(&format!(
        "set $summitkb_404 /404.html;\nif ($uri ~ ^/en/) {{\n    set $summitkb_404 /{EN_NOT_FOUND};\n}}\n\
         error_page 404 $summitkb_404;\n"
    ));
    out.push_str(&format!(
        "set $summitkb_live {};\n",
        quote(&options.live_url)
    ));
    let exts: Vec<String> = types.keys().map(|e| format!("$uri.{e}")).collect();
    // `${uri}index.html` for a directory-like address (`/en/`), as `file_name` writes it.
    let try_files = format!("try_files $uri {} ${{uri}}index.html =404;", exts.join(" "));
    // The 404 pages with the headers of the live ones.
    for (file, headers) in [("404.html", &not_found.zh), (EN_NOT_FOUND, &not_found.en)] {
        out.push_str(&format!("location = /{file} {{\n    internal;\n"));
        add_headers(&mut out, "    ", &without_content_type(headers));
        out.push_str("}\n");
    }
    // `/en` redirects to `/en/` with the live service's status and a
    // relative `Location`, as the live service sends it.
    out.push_str(&format!(
        "location = {EN_BARE} {{\n    absolute_redirect off;\n"
    ));
    add_headers(
        &mut out,
        "    ",
        &without_content_type(&redirect.headers)
            .into_iter()
            .filter(|(n, _)| n != "location" && n != "content-length")
            .collect(),
    );
    out.push_str(&format!(
        "    return {} {};\n}}\n",
        redirect.status, redirect.location
    ));
    for path in LIVE_PATHS {
        out.push_str(&format!(
            "location = {path} {{\n    proxy_pass $summitkb_live;\n}}\n"
        ));
    }
    for a in ["/", "/api", "/static/"] {
        let common = shared(written, a);
        let location = if a == "/api" { "/api" } else { a };
        out.push_str(&format!("location {location} {{\n"));
        add_headers(&mut out, "    ", &common);
        if a != "/static/" {
            // Other views of a list, and anything else asked with a query.
            out.push_str("    if ($args) {\n        proxy_pass $summitkb_live;\n    }\n");
        }
        out.push_str(&format!("    {try_files}\n"));
        // An address whose headers differ from its area's gets its own.
        for (path, w) in written.iter().filter(|(p, _)| area(p) == a) {
            let own: BTreeMap<String, String> = w
                .headers
                .iter()
                .filter(|(n, v)| n.as_str() != "content-type" && common.get(*n) != Some(*v))
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect();
            if own.is_empty() && path != "/" {
                continue;
            }
            out.push_str(&format!("    location = {path} {{\n"));
            // add_header in a location replaces those it inherits.
            let mut all = common.clone();
            all.extend(own);
            add_headers(&mut out, "        ", &all);
            out.push_str(&format!("        try_files /{} =404;\n    }}\n", w.file));
        }
        out.push_str("}\n");
    }
    out
}

/// The `_headers` file of Netlify and Cloudflare Pages: every address's
/// headers, the content type included.
fn headers_file(written: &BTreeMap<String, Written>) -> String {
    let mut out = String::from("# Written by `summitkb export`: each address's headers.\n");
    for (path, w) in written {
        out.push_str(path);
        out.push('\n');
        for (n, v) in &w.headers {
            out.push_str(&format!("  {n}: {v}\n"));
        }
    }
    out
}

/// Headers apart from the content type, which nginx sets from the file.
fn without_content_type(headers: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    headers
        .iter()
        .filter(|(n, _)| n.as_str() != "content-type")
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect()
}

/// The `_redirects` file of Netlify and Cloudflare Pages: `/en` to `/en/`,
/// and a miss under `/en/` answered with the English 404 page (rules apply
/// only where no file matches, so every exported page is served as it is).
fn redirects_file(redirect: &Redirect) -> String {
    format!(
        "# Written by `summitkb export`.\n{EN_BARE} {} {}\n/en/* /{EN_NOT_FOUND} 404\n",
        redirect.location, redirect.status
    )
}

/// `headers.json`: for each address, its file and headers, for uploading
/// to an object store with per-object metadata; `/en`, its redirect
/// (`redirect`, `status`), for a store's redirect rules; and under
/// `not_found`, each 404 page with the address prefix it answers for
/// (longest first), for a CDN's error rules.
fn manifest(written: &BTreeMap<String, Written>, redirect: &Redirect) -> serde_json::Value {
    let mut addresses: serde_json::Map<String, serde_json::Value> = written
        .iter()
        .map(|(path, w)| {
            (
                path.clone(),
                serde_json::json!({ "file": w.file, "headers": w.headers }),
            )
        })
        .collect();
    addresses.insert(
        EN_BARE.to_owned(),
        serde_json::json!({
            "redirect": redirect.location,
            "status": redirect.status,
            "headers": redirect.headers,
        }),
    );
    serde_json::json!({
        "addresses": addresses,
        "not_found": [
            { "prefix": "/en/", "file": EN_NOT_FOUND, "status": 404 },
            { "prefix": "/", "file": "404.html", "status": 404 },
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_named_by_path_and_content_type() {
        assert_eq!(file_name("/", "text/html; charset=utf-8"), "index.html");
        assert_eq!(
            file_name("/projects", "text/html; charset=utf-8"),
            "projects.html"
        );
        assert_eq!(
            file_name("/api/v1/records/projects", "application/json"),
            "api/v1/records/projects.json"
        );
        assert_eq!(file_name("/map.svg", "image/svg+xml"), "map.svg");
        assert_eq!(file_name("/en/", "text/html"), "en/index.html");
        assert_eq!(file_name("/x", "application/x-bibtex"), "x.x-bibtex");
    }

    #[test]
    fn links_are_exported_or_left_live() {
        assert!(matches!(classify("/projects#g1"), Link::Export(p) if p == "/projects"));
        assert!(matches!(classify("/static/app.js?v=1"), Link::Export(p) if p == "/static/app.js"));
        assert!(matches!(classify("/projects?sort=status"), Link::Live(_)));
        assert!(matches!(classify("/search"), Link::Live(_)));
        assert!(matches!(classify("https://other.example/"), Link::Outside));
        assert!(matches!(classify("//other.example/"), Link::Outside));
        let html = br#"<a href="/a?x=1&#38;y=2">a</a><img src="https://kb.example/b">"#;
        assert_eq!(
            links_in("text/html", html, "https://kb.example"),
            vec!["/a?x=1&y=2", "/b"]
        );
        let json = br#"{"records":[{"api_url":"/api/v1/x","title":"/not"}],"next":null}"#;
        assert_eq!(links_in("application/json", json, ""), vec!["/api/v1/x"]);
    }
}
