//! Citations in the styles researchers write in, as pure functions of what
//! the database says about a source and a cited span. Nothing here reads a
//! connection or the clock: a caller that wants today's access date passes
//! it in ([`today_utc`] computes one).
//!
//! Every style states only what the source row holds: its publisher, its
//! title and subtitle, its date and language. No author is invented (the
//! article names none: Xinhua is the responsible body), no place of
//! publication is inferred from the dateline, and no English title is made
//! up where the source has none.

pub mod fragment;

use std::fmt::Write as _;

use serde_json::{Value, json};

/// A citation style or format, each at its own `?style=` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// GB/T 7714-2015, the electronic-resource form `[EB/OL]`.
    Gbt7714,
    /// The Chicago Manual of Style (17th ed.), notes and bibliography.
    Chicago,
    /// APA (7th ed.), reference list entry and parenthetical citation.
    Apa,
    /// BibTeX / biblatex `@online` entries.
    Bibtex,
    /// RIS, for reference managers (Zotero, EndNote, Mendeley).
    Ris,
    /// CSL-JSON, the input format of citation processors.
    CslJson,
}

impl Style {
    pub const ALL: [Style; 6] = [
        Style::Gbt7714,
        Style::Chicago,
        Style::Apa,
        Style::Bibtex,
        Style::Ris,
        Style::CslJson,
    ];

    /// The `?style=` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Style::Gbt7714 => "gbt7714",
            Style::Chicago => "chicago",
            Style::Apa => "apa",
            Style::Bibtex => "bibtex",
            Style::Ris => "ris",
            Style::CslJson => "csl-json",
        }
    }

    pub fn parse(s: &str) -> Option<Style> {
        Style::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The allowed values, for error messages.
    pub fn allowed() -> String {
        Style::ALL.map(Style::as_str).join(", ")
    }

    /// How pages name the style.
    pub fn label(self) -> &'static str {
        match self {
            Style::Gbt7714 => "GB/T 7714-2015",
            Style::Chicago => "Chicago",
            Style::Apa => "APA",
            Style::Bibtex => "BibTeX",
            Style::Ris => "RIS",
            Style::CslJson => "CSL-JSON",
        }
    }

    /// The media type of an answer in this style.
    pub fn media_type(self) -> &'static str {
        match self {
            Style::Gbt7714 | Style::Chicago | Style::Apa => "text/plain; charset=utf-8",
            Style::Bibtex => "application/x-bibtex; charset=utf-8",
            Style::Ris => "application/x-research-info-systems; charset=utf-8",
            Style::CslJson => "application/vnd.citationstyles.csl+json",
        }
    }

    /// The file extension of a download in this style.
    pub fn extension(self) -> &'static str {
        match self {
            Style::Gbt7714 | Style::Chicago | Style::Apa => "txt",
            Style::Bibtex => "bib",
            Style::Ris => "ris",
            Style::CslJson => "json",
        }
    }
}

/// The cited work: a source as the database holds it.
#[derive(Debug, Clone)]
pub struct Work {
    /// Its slug, the stem of citation keys.
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// The publisher as the source names itself (新华社).
    pub publisher: String,
    /// Its English name, where the manifest gives one.
    pub publisher_en: Option<String>,
    /// YYYY-MM-DD.
    pub published: String,
    /// BCP 47 (zh-Hans).
    pub language: String,
}

impl Work {
    /// The subtitle without the dash that introduces it in print
    /// (——中共中央政治局委员…), as a title's other information.
    fn subtitle_text(&self) -> Option<&str> {
        self.subtitle
            .as_deref()
            .map(|s| s.trim_start_matches(['—', '-', '–', ' ']).trim())
            .filter(|s| !s.is_empty())
    }

    /// Title and subtitle joined as the style's title field.
    fn full_title(&self, sep: &str) -> String {
        match self.subtitle_text() {
            Some(sub) => format!("{}{sep}{sub}", self.title),
            None => self.title.clone(),
        }
    }

    /// The responsible body in English styles: its English name if known.
    fn author_en(&self) -> &str {
        self.publisher_en.as_deref().unwrap_or(&self.publisher)
    }

    fn date(&self) -> Option<(i32, u32, u32)> {
        parse_ymd(&self.published)
    }
}

/// One cited place: a paragraph, and the words quoted from it if a record
/// cites them.
#[derive(Debug, Clone)]
pub struct Cited {
    pub work: Work,
    pub paragraph: i64,
    /// The verbatim span; `None` when the whole paragraph is cited.
    pub span: Option<String>,
    /// The paragraph's permanent page, absolute.
    pub url: String,
    /// The record the span supports, if any: its slug, for the key.
    pub record: Option<String>,
}

/// A citation of `cited` (one entry each) in `style`. `accessed` is the
/// access date, YYYY-MM-DD: GB/T 7714 requires one for online resources;
/// without it GB/T writes the standard's own name for the slot, 引用日期,
/// for the reader to fill, and the other styles leave it out.
pub fn format(style: Style, cited: &[Cited], accessed: Option<&str>) -> String {
    match style {
        Style::Gbt7714 => join_text(cited, |c| gbt7714(c, accessed)),
        Style::Chicago => join_text(cited, chicago),
        Style::Apa => join_text(cited, apa),
        Style::Bibtex => {
            let keys = keys(cited);
            let entries: Vec<String> = cited
                .iter()
                .zip(&keys)
                .map(|(c, k)| bibtex(c, k, accessed) + "\n")
                .collect();
            entries.join("\n")
        }
        Style::Ris => cited
            .iter()
            .zip(keys(cited))
            .map(|(c, k)| ris(c, &k, accessed))
            .collect(),
        Style::CslJson => {
            let items: Vec<Value> = cited
                .iter()
                .zip(keys(cited))
                .map(|(c, k)| csl_json(c, &k, accessed))
                .collect();
            let mut s = serde_json::to_string_pretty(&items).expect("JSON values serialise");
            s.push('\n');
            s
        }
    }
}

/// Text entries, one blank line apart.
fn join_text(cited: &[Cited], f: impl Fn(&Cited) -> String) -> String {
    let mut out = String::new();
    for (i, c) in cited.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&f(c));
        out.push('\n');
    }
    out
}

/// GB/T 7714-2015's form for electronic resources, following its example
/// `萧钰. 出版业信息化迈入快车道[EB/OL]. (2001-12-19)[2002-04-15]. http://….`:
/// responsible body. title: other title information[EB/OL].
/// (date)[access date]. access path. The quoted words follow on their own
/// line with the paragraph, since the standard has no slot for either.
pub fn gbt7714(c: &Cited, accessed: Option<&str>) -> String {
    let work = &c.work;
    let mut s = format!(
        "{}. {}[EB/OL]. ({})[{}]. {}.",
        work.publisher,
        work.full_title(": "),
        work.published,
        accessed.unwrap_or("引用日期"),
        c.url
    );
    match &c.span {
        Some(span) => {
            let _ = write!(s, "\n“{span}”（第{}段）", c.paragraph);
        }
        None => {
            let _ = write!(s, "\n（第{}段）", c.paragraph);
        }
    }
    s
}

/// English month names, for the styles that write dates in English (and the
/// English edition's dates).
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The Chicago note form for a news article without a named author: the
/// agency as author, the title in quotation marks, the date, the paragraph
/// as locator, the URL.
pub fn chicago(c: &Cited) -> String {
    let work = &c.work;
    let date = match work.date() {
        Some((y, m, d)) => format!("{} {d}, {y}", MONTHS[(m - 1) as usize]),
        None => work.published.clone(),
    };
    let mut s = format!(
        "{}, “{},” {date}, para. {}, {}.",
        work.author_en(),
        work.full_title(": "),
        c.paragraph,
        c.url
    );
    if let Some(span) = &c.span {
        let _ = write!(s, "\n“{span}” (para. {})", c.paragraph);
    }
    s
}

/// APA 7 for a news article by a group author: author. (date). title. URL;
/// the quotation with its parenthetical citation and paragraph number.
pub fn apa(c: &Cited) -> String {
    let work = &c.work;
    let (year, date) = match work.date() {
        Some((y, m, d)) => (
            y.to_string(),
            format!("{y}, {} {d}", MONTHS[(m - 1) as usize]),
        ),
        None => (work.published.clone(), work.published.clone()),
    };
    let title = work.full_title("：");
    let mut s = format!(
        "{}. ({date}). {title}{} {}",
        work.author_en(),
        if title.ends_with(['.', '。', '?', '？', '!', '！']) {
            ""
        } else {
            "."
        },
        c.url
    );
    match &c.span {
        Some(span) => {
            let _ = write!(
                s,
                "\n“{span}” ({}, {year}, para. {})",
                work.author_en(),
                c.paragraph
            );
        }
        None => {
            let _ = write!(s, "\n({}, {year}, para. {})", work.author_en(), c.paragraph);
        }
    }
    s
}

/// The key of a citation: the source, the paragraph, and the record whose
/// words are quoted. Only letters, digits and `-`, so every BibTeX tool reads it.
pub fn key(c: &Cited) -> String {
    let work = &c.work;
    let mut k = format!("{}-p{}", work.slug, c.paragraph);
    if let Some(r) = &c.record {
        k.push('-');
        k.push_str(r);
    }
    k.chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || ch == '-' {
                ch
            } else {
                '-'
            }
        })
        .collect()
}

/// The keys of `cited`, in order: a record quoting one paragraph twice
/// gets `-2` on its second key, so no two entries share one.
pub fn keys(cited: &[Cited]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(cited.len());
    for c in cited {
        let base = key(c);
        let mut k = base.clone();
        let mut i = 1;
        while out.contains(&k) {
            i += 1;
            k = format!("{base}-{i}");
        }
        out.push(k);
    }
    out
}

/// A BibTeX field value in braces: braces in the text are balanced or
/// dropped, and TeX's special characters are escaped.
fn bib_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '{' | '}' => {}
            '\\' => out.push_str("\\textbackslash{}"),
            '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

/// A biblatex `@online` entry (BibTeX styles read it as `@misc`). The
/// author is in double braces: a body, not a person to split into names.
pub fn bibtex(c: &Cited, key: &str, accessed: Option<&str>) -> String {
    let work = &c.work;
    let mut fields: Vec<(&str, String)> = vec![
        ("author", format!("{{{}}}", bib_value(work.author_en()))),
        ("title", bib_value(&work.title)),
    ];
    if let Some(sub) = work.subtitle_text() {
        fields.push(("subtitle", bib_value(sub)));
    }
    fields.push(("date", bib_value(&work.published)));
    if let Some((y, m, _)) = work.date() {
        fields.push(("year", y.to_string()));
        fields.push(("month", m.to_string()));
    }
    fields.push(("organization", bib_value(&work.publisher)));
    fields.push(("url", c.url.clone()));
    if let Some(a) = accessed {
        fields.push(("urldate", bib_value(a)));
    }
    fields.push(("language", bib_value(&work.language)));
    let note = match &c.span {
        Some(span) => format!("Paragraph {}: “{}”", c.paragraph, bib_value(span)),
        None => format!("Paragraph {}", c.paragraph),
    };
    fields.push(("note", note));
    let mut s = format!("@online{{{key},\n");
    for (name, value) in fields {
        let _ = writeln!(s, "  {name} = {{{value}}},");
    }
    s.push('}');
    s
}

/// One RIS line: a tag, two spaces, a hyphen, a space, the value on one line.
fn ris_line(out: &mut String, tag: &str, value: &str) {
    let value: String = value
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect();
    let _ = writeln!(out, "{tag}  - {value}");
}

/// An RIS record of type `NEWS`: the agency as author, the title, the
/// date as `YYYY/MM/DD`, the URL, the language, and the paragraph and
/// quoted words as a note.
pub fn ris(c: &Cited, key: &str, accessed: Option<&str>) -> String {
    let work = &c.work;
    let mut s = String::new();
    ris_line(&mut s, "TY", "NEWS");
    ris_line(&mut s, "ID", key);
    ris_line(&mut s, "AU", work.author_en());
    ris_line(&mut s, "TI", &work.title);
    if let Some(sub) = work.subtitle_text() {
        ris_line(&mut s, "ST", sub);
    }
    ris_line(&mut s, "PB", &work.publisher);
    if let Some((y, m, d)) = work.date() {
        ris_line(&mut s, "PY", &y.to_string());
        ris_line(&mut s, "DA", &format!("{y:04}/{m:02}/{d:02}"));
    }
    ris_line(&mut s, "UR", &c.url);
    if let Some(a) = accessed {
        ris_line(&mut s, "Y2", &a.replace('-', "/"));
    }
    ris_line(&mut s, "LA", &work.language);
    match &c.span {
        Some(span) => ris_line(
            &mut s,
            "N1",
            &format!("Paragraph {}: “{span}”", c.paragraph),
        ),
        None => ris_line(&mut s, "N1", &format!("Paragraph {}", c.paragraph)),
    }
    s.push_str("ER  - \n");
    s
}

/// A CSL-JSON item (schema v1.0, `csl-data.json`): type
/// `article-newspaper`, the agency as a literal author, the paragraph as
/// `locator`-free note (a locator belongs to a citation, not an item).
pub fn csl_json(c: &Cited, key: &str, accessed: Option<&str>) -> Value {
    let work = &c.work;
    let mut item = json!({
        "id": key,
        "type": "article-newspaper",
        "author": [{"literal": work.author_en()}],
        "title": work.full_title("："),
        "publisher": work.publisher,
        "URL": c.url,
        "language": work.language,
        "note": match &c.span {
            Some(span) => format!("Paragraph {}: “{span}”", c.paragraph),
            None => format!("Paragraph {}", c.paragraph),
        },
    });
    if let Some((y, m, d)) = work.date() {
        item["issued"] = json!({"date-parts": [[y, m, d]]});
    }
    if let Some(a) = accessed.and_then(parse_ymd) {
        item["accessed"] = json!({"date-parts": [[a.0, a.1, a.2]]});
    }
    item
}

/// A date written YYYY-MM-DD, checked to be a real day.
pub fn parse_ymd(s: &str) -> Option<(i32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = s[0..4].parse().ok()?;
    let m: u32 = s[5..7].parse().ok()?;
    let d: u32 = s[8..10].parse().ok()?;
    if !s[0..4].bytes().all(|c| c.is_ascii_digit())
        || !s[5..7].bytes().all(|c| c.is_ascii_digit())
        || !s[8..10].bytes().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m, d))
}

/// The civil date (UTC) of `secs` seconds since the Unix epoch, YYYY-MM-DD
/// (Howard Hinnant's days-to-civil).
pub fn date_of_unix(secs: i64) -> String {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Today's date in UTC.
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    date_of_unix(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work() -> Work {
        Work {
            slug: "src".into(),
            title: "弘扬中国—中亚精神".into(),
            subtitle: Some("——王毅谈峰会".into()),
            publisher: "新华社".into(),
            publisher_en: Some("Xinhua News Agency".into()),
            published: "2025-06-18".into(),
            language: "zh-Hans".into(),
        }
    }

    fn cited() -> Cited {
        Cited {
            work: work(),
            paragraph: 10,
            span: Some("推进中吉乌铁路建设".into()),
            url: "https://kb.example/sources/src/p/10".into(),
            record: Some("railway".into()),
        }
    }

    #[test]
    fn gbt7714_follows_the_electronic_resource_pattern() {
        let s = gbt7714(&cited(), Some("2026-12-01"));
        assert_eq!(
            s,
            "新华社. 弘扬中国—中亚精神: 王毅谈峰会[EB/OL]. (2025-06-18)[2026-12-01]. \
             https://kb.example/sources/src/p/10.\n“推进中吉乌铁路建设”（第10段）"
        );
        assert!(gbt7714(&cited(), None).contains("[引用日期]"));
    }

    #[test]
    fn chicago_and_apa_give_date_locator_and_quote() {
        let c = chicago(&cited());
        assert!(c.starts_with("Xinhua News Agency, “弘扬中国—中亚精神: 王毅谈峰会,” June 18, 2025, para. 10, https://"), "{c}");
        let a = apa(&cited());
        assert!(
            a.starts_with(
                "Xinhua News Agency. (2025, June 18). 弘扬中国—中亚精神：王毅谈峰会. https://"
            ),
            "{a}"
        );
        assert!(
            a.ends_with("“推进中吉乌铁路建设” (Xinhua News Agency, 2025, para. 10)"),
            "{a}"
        );
    }

    #[test]
    fn keys_and_bibtex_values_are_safe() {
        assert_eq!(key(&cited()), "src-p10-railway");
        assert_eq!(bib_value("a{b}%c\\"), "ab\\%c\\textbackslash{}");
    }

    #[test]
    fn dates() {
        assert_eq!(parse_ymd("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_ymd("2025-02-29"), None);
        assert_eq!(parse_ymd("2025-13-01"), None);
        assert_eq!(parse_ymd("+025-01-01"), None);
        assert_eq!(parse_ymd("2025-1-011"), None);
        assert_eq!(date_of_unix(0), "1970-01-01");
        assert_eq!(date_of_unix(1_750_204_800), "2025-06-18");
        assert_eq!(date_of_unix(951_782_400), "2000-02-29");
        assert_eq!(Style::parse("csl-json"), Some(Style::CslJson));
        assert_eq!(Style::parse("mla"), None);
    }
}
