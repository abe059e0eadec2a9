//! The two editions of the site: Chinese at `/…`, English at `/en/…`, from
//! one router table and one set of templates. Which edition a request is in
//! follows from its address alone (never from `Accept-Language`), so a link
//! shared in one language stays in it and the answer cache, which keys on
//! the address, keeps the editions apart without knowing of them.
//!
//! Interface strings are written in the templates as pairs, Chinese beside
//! English (`lang.t("原文", "Sources")`), so neither edition can gain or lose
//! a string the other has: the Chinese edition shows both, as it always has,
//! the English one only the English. Data without English (the source's own
//! words, a title without an English name) is marked `lang="zh-Hans"` on
//! English pages, so screen readers and fonts choose well.

use std::fmt;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::model::Kind;

/// The language of an edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Zh,
    En,
}

/// Where the English edition lives.
pub const EN_PREFIX: &str = "/en";

impl Lang {
    /// The edition an address is in.
    pub fn of_path(path: &str) -> Lang {
        if path == EN_PREFIX || path.starts_with("/en/") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    pub fn is_en(self) -> bool {
        self == Lang::En
    }

    /// The BCP 47 tag, for `lang` and `hreflang`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-Hans",
            Lang::En => "en",
        }
    }

    /// One of two texts: for a place that shows only one (an attribute, a
    /// button, a page title).
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// An interface string: on Chinese pages the Chinese with the English
    /// beside it in `<span lang="en">`, on English pages the English alone.
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> Pair<'a> {
        Pair {
            lang: self,
            zh,
            en,
            class: "",
        }
    }

    /// [`Lang::t`] for headings, whose English span is styled apart
    /// (`class="en"`).
    pub fn th<'a>(self, zh: &'a str, en: &'a str) -> Pair<'a> {
        Pair {
            lang: self,
            zh,
            en,
            class: "en",
        }
    }

    /// Chinese text that has no English (the source's words, a name with no
    /// English): as it is on Chinese pages, marked `lang="zh-Hans"` on
    /// English ones.
    pub fn zh<'a>(self, text: &'a str) -> Chinese<'a> {
        Chinese { lang: self, text }
    }

    /// A text that may be English or Chinese (an English derivation, or the
    /// Chinese where there is none): marked `lang="zh-Hans"` on English
    /// pages only when it holds Han characters.
    pub fn auto<'a>(self, text: &'a str) -> Mixed<'a> {
        Mixed { lang: self, text }
    }

    /// A record-bound English text if there is one, else the Chinese marked
    /// as Chinese: what an English page shows for a name or a value.
    pub fn either<'a>(self, zh: &'a str, en: Option<&'a str>) -> Mixed<'a> {
        match (self, en) {
            (Lang::En, Some(en)) => self.auto(en),
            _ => Mixed {
                lang: self,
                text: zh,
            },
        }
    }

    /// A kind's name in this edition's language alone.
    pub fn kind(self, kind: &Kind) -> &'static str {
        self.pick(kind.label_zh(), kind.label_en())
    }

    /// `path` (an address of the Chinese edition) in this edition.
    pub fn url(self, path: &str) -> String {
        match self {
            Lang::Zh => path.to_owned(),
            Lang::En => localize_path(path).unwrap_or_else(|| path.to_owned()),
        }
    }

    /// A count with its noun: “3 results”, “3 条结果”.
    pub fn count(self, n: &usize, zh_unit: &str, en_one: &str, en_many: &str) -> String {
        let n = *n;
        match self {
            Lang::Zh => format!("{n} {zh_unit}"),
            Lang::En if n == 1 => format!("{n} {en_one}"),
            Lang::En => format!("{n} {en_many}"),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::of_path(parts.uri.path()))
    }
}

/// Whether `c` is a Han character (CJK ideographs and their punctuation),
/// which an English page shows only inside `lang="zh-Hans"`.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0xFF00..=0xFF65 | 0x20000..=0x3134F)
}

/// Whether a text holds any Han character.
pub fn has_han(s: &str) -> bool {
    s.chars().any(is_han)
}

/// An interface string in both languages, shown as its edition needs.
pub struct Pair<'a> {
    lang: Lang,
    zh: &'a str,
    en: &'a str,
    class: &'static str,
}

impl fmt::Display for Pair<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let en = Escaped(self.en);
        match self.lang {
            Lang::En => write!(f, "{en}"),
            Lang::Zh if self.class.is_empty() => {
                write!(f, "{} <span lang=\"en\">{en}</span>", Escaped(self.zh))
            }
            Lang::Zh => write!(
                f,
                "{} <span class=\"{}\" lang=\"en\">{en}</span>",
                Escaped(self.zh),
                self.class
            ),
        }
    }
}

/// Escapes its own parts.
impl askama::filters::HtmlSafe for Pair<'_> {}

/// Chinese text, marked as such on an English page.
pub struct Chinese<'a> {
    lang: Lang,
    text: &'a str,
}

impl fmt::Display for Chinese<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = Escaped(self.text);
        match self.lang {
            Lang::En => write!(f, "<span lang=\"zh-Hans\">{text}</span>"),
            Lang::Zh => write!(f, "{text}"),
        }
    }
}

/// English text that may quote Chinese (a summary giving a saying in the
/// original): escaped, each run of Chinese in it marked `lang="zh-Hans"`.
pub struct Runs<'a>(&'a str);

/// [`Runs`] of `text`.
pub fn runs(text: &str) -> Runs<'_> {
    Runs(text)
}

impl fmt::Display for Runs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&runs_html(&Escaped(self.0).to_string()))
    }
}

/// Escapes its own text.
impl askama::filters::HtmlSafe for Runs<'_> {}

/// Punctuation that joins two runs of Chinese into one (“平‘语’近人”).
fn joins_chinese(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’' | '—' | '·' | '…')
}

/// HTML with each run of Chinese in its text (never inside a tag) wrapped
/// in `<span lang="zh-Hans">`: English prose, or a snippet of it with its
/// marks, that quotes Chinese.
pub fn runs_html(html: &str) -> String {
    let chars: Vec<char> = html.chars().collect();
    let mut out = String::with_capacity(html.len() + 32);
    let mut in_tag = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_tag || c == '<' || !is_han(c) {
            in_tag = (in_tag || c == '<') && c != '>';
            out.push(c);
            i += 1;
            continue;
        }
        // A run: Han characters, and joining punctuation between them.
        let mut end = i;
        let mut j = i;
        while j < chars.len() && (is_han(chars[j]) || joins_chinese(chars[j])) {
            if is_han(chars[j]) {
                end = j + 1;
            }
            j += 1;
        }
        out.push_str("<span lang=\"zh-Hans\">");
        out.extend(&chars[i..end]);
        out.push_str("</span>");
        i = end;
    }
    out
}

/// Escapes its own text.
impl askama::filters::HtmlSafe for Chinese<'_> {}

/// Text in either language: on an English page its Chinese runs are marked
/// ([`runs`]); on a Chinese page it is as it is.
pub struct Mixed<'a> {
    lang: Lang,
    text: &'a str,
}

impl fmt::Display for Mixed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.lang {
            Lang::En => write!(f, "{}", runs(self.text)),
            Lang::Zh => write!(f, "{}", Escaped(self.text)),
        }
    }
}

/// Escapes its own text.
impl askama::filters::HtmlSafe for Mixed<'_> {}

/// Text escaped for HTML content and attribute values.
struct Escaped<'a>(&'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut last = 0;
        for (i, c) in self.0.char_indices() {
            // The entities askama writes, so a page escapes alike throughout.
            let rep = match c {
                '&' => "&#38;",
                '<' => "&#60;",
                '>' => "&#62;",
                '"' => "&#34;",
                '\'' => "&#39;",
                _ => continue,
            };
            f.write_str(&self.0[last..i])?;
            f.write_str(rep)?;
            last = i + c.len_utf8();
        }
        f.write_str(&self.0[last..])
    }
}

/// The request's address in both editions, for the language switch and the
/// `hreflang` alternates of its page.
#[derive(Debug, Clone)]
pub struct Edition {
    pub lang: Lang,
    /// The page's path and query in the Chinese edition.
    zh: String,
    /// The public base URL, for absolute alternates (empty when unknown).
    base: String,
    /// Whether the page has a twin in the other edition to switch to.
    alternates: bool,
}

impl Edition {
    /// The edition of a request to `path_and_query`.
    pub fn of(path_and_query: &str, base: &str) -> Edition {
        let lang = Lang::of_path(path_and_query.split('?').next().unwrap_or(""));
        let zh = match lang {
            Lang::Zh => path_and_query.to_owned(),
            Lang::En => {
                let rest = &path_and_query[EN_PREFIX.len()..];
                if rest.is_empty() || rest.starts_with('?') {
                    format!("/{rest}")
                } else {
                    rest.to_owned()
                }
            }
        };
        Edition {
            lang,
            zh,
            base: base.trim_end_matches('/').to_owned(),
            alternates: true,
        }
    }

    /// This edition for a page that is the same at every address, such as
    /// an error page: no switch and no alternates, which would name the
    /// address asked for (and a static host's one 404 file could not).
    pub fn without_alternates(mut self) -> Edition {
        self.alternates = false;
        self
    }

    /// This page in the Chinese edition.
    pub fn zh_href(&self) -> &str {
        &self.zh
    }

    /// This page in the English edition, if it has one (the API page has
    /// not: it is written in English in both).
    pub fn en_href(&self) -> Option<String> {
        self.alternates.then(|| localize_path(&self.zh)).flatten()
    }

    /// Absolute address of a path, for `hreflang` alternates.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

tokio::task_local! {
    /// The edition of the request being answered, set once per request by
    /// the outermost layer ([`super::router`]), so the layout every page
    /// extends (and the error pages the layers answer) can draw the language
    /// switch and the alternates without each view model repeating them.
    static EDITION: Edition;
}

/// The edition of the request being answered; the Chinese home page outside
/// any request (a template rendered in a unit test).
pub fn current() -> Edition {
    EDITION
        .try_with(Edition::clone)
        .unwrap_or_else(|_| Edition::of("/", ""))
}

/// Runs `f` (a request's handling) in `edition`.
pub async fn scoped<F: Future>(edition: Edition, f: F) -> F::Output {
    EDITION.scope(edition, f).await
}

/// Runs `f` (rendering outside a request's task) in `edition`.
pub fn sync_scoped<R>(edition: Edition, f: impl FnOnce() -> R) -> R {
    EDITION.sync_scope(edition, f)
}

/// The English address of a Chinese one, when that page has an English
/// edition: pages, not files, feeds, JSON or the plain-text citations.
fn localize_path(path: &str) -> Option<String> {
    if Lang::of_path(path.split(['?', '#']).next().unwrap_or("")).is_en() {
        return Some(path.to_owned());
    }
    let bare = path.split(['?', '#']).next().unwrap_or("");
    let first = bare.trim_start_matches('/').split('/').next().unwrap_or("");
    let page = match first {
        "" => true,
        "sources" => !(bare.ends_with("/cite") || bare.ends_with("/annotations")),
        "search" | "map" | "timeline" | "commitments" => true,
        kind => Kind::from_plural(kind).is_some() && !bare.ends_with("/cite"),
    };
    page.then(|| format!("{EN_PREFIX}{path}"))
}

/// An English page's links to pages, moved into the English edition.
/// Addresses are made in many places (records, paragraphs, list sorts,
/// search facets, the layout); moving every `href` and `action` of a
/// rendered English page here, in one pass, means none can be missed and
/// an English reader never falls back into the Chinese edition, except
/// through the language switch (`hreflang`) and the alternates in the head.
pub fn localize_links(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some(i) = find_link(rest) {
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        let end = after.find('"').unwrap_or(after.len());
        let (url, tail) = after.split_at(end);
        // The switch and the alternates name the Chinese page on purpose.
        let keep = before.ends_with("hreflang=\"zh-Hans\" href=\"")
            || before.ends_with("hreflang=\"x-default\" href=\"");
        match (keep, localize_path(url)) {
            (false, Some(en)) => out.push_str(&en),
            _ => out.push_str(url),
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Where the next local address in `s` starts: after `href="` or
/// `action="`, at its leading `/` (not `//`, another host).
fn find_link(s: &str) -> Option<usize> {
    let mut from = 0;
    loop {
        let hit = ["href=\"/", "action=\"/"]
            .iter()
            .filter_map(|m| s[from..].find(m).map(|i| (from + i + m.len() - 1, m)))
            .min_by_key(|(i, _)| *i)?;
        let at = hit.0;
        if !s[at..].starts_with("//") {
            return Some(at);
        }
        from = at + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edition_follows_the_address() {
        assert_eq!(Lang::of_path("/en/"), Lang::En);
        assert_eq!(Lang::of_path("/en"), Lang::En);
        assert_eq!(Lang::of_path("/english"), Lang::Zh);
        assert_eq!(Lang::of_path("/sources"), Lang::Zh);
        let e = Edition::of("/en/search?q=a", "http://x/");
        assert_eq!(e.zh_href(), "/search?q=a");
        assert_eq!(e.en_href().as_deref(), Some("/en/search?q=a"));
        assert_eq!(Edition::of("/api", "").en_href(), None);
        assert_eq!(Edition::of("/en/", "").zh_href(), "/");
        assert_eq!(Edition::of("/en?x=1", "").zh_href(), "/?x=1");
        assert_eq!(Edition::of("/", "").en_href().as_deref(), Some("/en/"));
        assert_eq!(e.absolute("/en/"), "http://x/en/");
    }

    #[test]
    fn only_pages_move_into_the_english_edition() {
        let html = concat!(
            r#"<a href="/projects/x">p</a><a href="/static/s.css">s</a>"#,
            r#"<a href="/map.svg">m</a><a href="/map">m</a><form action="/search">"#,
            r#"<a href="/projects/x/cite?style=bibtex">c</a><a href="//cdn/x">c</a>"#,
            r#"<a href="/sources/a/annotations">j</a><a href="/api">a</a><a href="/">h</a>"#,
            r#"<link rel="alternate" hreflang="zh-Hans" href="/map">"#,
            r#"<a href="/en/map">e</a><a href="/feeds/projects">f</a>"#,
        );
        let got = localize_links(html);
        for want in [
            r#"href="/en/projects/x""#,
            r#"href="/static/s.css""#,
            r#"href="/map.svg""#,
            r#"href="/en/map""#,
            r#"action="/en/search""#,
            r#"href="/projects/x/cite?style=bibtex""#,
            r#"href="//cdn/x""#,
            r#"href="/sources/a/annotations""#,
            r#"href="/api""#,
            r#"href="/en/""#,
            r#"hreflang="zh-Hans" href="/map""#,
            r#"href="/feeds/projects""#,
        ] {
            assert!(got.contains(want), "{want} in {got}");
        }
        assert!(!got.contains("/en/en/"), "{got}");
    }

    #[test]
    fn pairs_escape_and_choose() {
        assert_eq!(
            Lang::Zh.t("原文", "A & B").to_string(),
            "原文 <span lang=\"en\">A &#38; B</span>"
        );
        assert_eq!(Lang::En.t("原文", "A & B").to_string(), "A &#38; B");
        assert_eq!(
            Lang::En.zh("<中>").to_string(),
            "<span lang=\"zh-Hans\">&#60;中&#62;</span>"
        );
        assert_eq!(Lang::En.either("中", Some("China")).to_string(), "China");
        assert_eq!(
            Lang::En.either("中", None).to_string(),
            "<span lang=\"zh-Hans\">中</span>"
        );
        assert_eq!(
            runs("the programme 《平“语”近人》 (a <pun>)").to_string(),
            "the programme <span lang=\"zh-Hans\">《平“语”近人》</span> (a &#60;pun&#62;)"
        );
        assert_eq!(
            runs_html("x <mark>中</mark>“a”"),
            "x <mark><span lang=\"zh-Hans\">中</span></mark>“a”"
        );
        assert_eq!(Lang::Zh.either("中", Some("China")).to_string(), "中");
    }
}
