//! schema.org JSON-LD for every page, built from the same rows as the page
//! and serialised here, so templates only place the string
//! (`base.html`'s one `<script type="application/ld+json">`).
//!
//! Like the pages, it says only what the data says: a record's name, its
//! English name, its summary, the fields the source gives, and each
//! citation as a Quotation of the source's words. Kinds schema.org has no
//! type for (projects, initiatives, figures) are plain `Thing`s.

use serde_json::{Value, json};

use crate::db::queries::{CitationRow, FieldRow, LinkedRow, RecordRow, SourceRow};
use crate::model::Kind;
use crate::refs::{paragraph_url, record_url};

const CONTEXT: &str = "https://schema.org";

/// JSON text safe inside a `<script>` element: `<`, `>` and `&` are
/// written as JSON escapes, so no `</script>` or `<!--` can occur.
pub fn script_text(v: &Value) -> String {
    let s = serde_json::to_string(v).expect("JSON values serialise");
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn publisher(s: &SourceRow) -> Value {
    let mut org = json!({"@type": "Organization", "name": s.publisher});
    if let Some(en) = &s.publisher_en {
        org["alternateName"] = json!(en);
    }
    org
}

/// A source as the NewsArticle it is.
pub fn news_article(base: &str, s: &SourceRow, paragraphs: i64) -> Value {
    let mut v = json!({
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "@id": format!("{base}/sources/{}", s.slug),
        "url": format!("{base}/sources/{}", s.slug),
        "headline": s.title,
        "datePublished": s.published,
        "inLanguage": s.language,
        "publisher": publisher(s),
        "author": publisher(s),
    });
    if let Some(sub) = &s.subtitle {
        v["alternativeHeadline"] = json!(sub);
    }
    if let Some(url) = &s.url {
        v["sameAs"] = json!(url);
    }
    v["description"] = json!(format!("{paragraphs} paragraphs, each at its own address"));
    v
}

/// A paragraph: a part of its article, with its text.
pub fn paragraph(base: &str, s: &SourceRow, n: i64, text: &str) -> Value {
    json!({
        "@context": CONTEXT,
        "@type": "CreativeWork",
        "@id": format!("{base}{}", paragraph_url(&s.slug, n)),
        "url": format!("{base}{}", paragraph_url(&s.slug, n)),
        "name": format!("{} ¶{n}", s.title),
        "position": n,
        "text": text,
        "inLanguage": s.language,
        "isPartOf": {
            "@type": "NewsArticle",
            "@id": format!("{base}/sources/{}", s.slug),
            "headline": s.title,
        },
    })
}

/// The schema.org type of a kind.
pub fn schema_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Agreement => "Legislation",
        Kind::Quote => "Quotation",
        Kind::Event => "Event",
        Kind::Person => "Person",
        Kind::Country => "Country",
        Kind::Organization => "Organization",
        Kind::Project | Kind::Initiative | Kind::Figure => "Thing",
    }
}

fn field<'a>(fields: &'a [FieldRow], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.value.as_str())
}

fn node_ref(base: &str, l: &LinkedRow) -> Value {
    json!({
        "@type": schema_type(l.kind),
        "@id": format!("{base}{}", record_url(l.kind, &l.slug)),
        "name": l.title,
    })
}

/// A record: its type, names, summary, what the source gives of its
/// fields and links, and its citations as Quotations.
pub fn record(
    base: &str,
    r: &RecordRow,
    aliases: &[String],
    fields: &[FieldRow],
    links: &[LinkedRow],
    citations: &[CitationRow],
) -> Value {
    let url = format!("{base}{}", record_url(r.kind, &r.slug));
    let mut v = json!({
        "@context": CONTEXT,
        "@type": schema_type(r.kind),
        "@id": url,
        "url": url,
        "name": r.title,
        "description": r.summary,
    });
    let mut alternate: Vec<&str> = r.english.iter().map(String::as_str).collect();
    alternate.extend(aliases.iter().map(String::as_str));
    if !alternate.is_empty() {
        v["alternateName"] = json!(alternate);
    }
    let linked = |role: &str| -> Vec<Value> {
        links
            .iter()
            .filter(|l| l.role == role)
            .map(|l| node_ref(base, l))
            .collect()
    };
    // A date only as a field gives it (stated or derived from the text).
    let dates = field(fields, "date").map(|d| match d.split_once('/') {
        Some((a, b)) => (a.to_owned(), Some(b.to_owned())),
        None => (d.to_owned(), None),
    });
    match r.kind {
        Kind::Agreement => {
            if let Some(form) = field(fields, "form") {
                v["legislationType"] = json!(form);
            }
            if let Some((d, _)) = &dates {
                v["legislationDate"] = json!(d);
            }
            let parties = linked("parties");
            if !parties.is_empty() {
                v["legislationJurisdiction"] = json!(parties);
            }
        }
        Kind::Quote => {
            if let Some(w) = field(fields, "words") {
                v["text"] = json!(w);
            }
            let speaker = linked("speaker");
            if let Some(s) = speaker.first() {
                v["creator"] = s.clone();
            }
        }
        Kind::Event => {
            if let Some((start, end)) = &dates {
                v["startDate"] = json!(start);
                if let Some(e) = end {
                    v["endDate"] = json!(e);
                }
            }
            if let Some(place) = field(fields, "place") {
                v["location"] = json!({"@type": "Place", "name": place});
            }
            let participants = linked("participants");
            if !participants.is_empty() {
                v["attendee"] = json!(participants);
            }
        }
        Kind::Person => {
            if let Some(role) = field(fields, "role") {
                v["jobTitle"] = json!(role);
            }
            if let Some(c) = linked("country").first() {
                v["nationality"] = c.clone();
            }
        }
        Kind::Organization => {
            let members = linked("members");
            if !members.is_empty() {
                v["member"] = json!(members);
            }
        }
        Kind::Country | Kind::Project | Kind::Initiative | Kind::Figure => {}
    }
    let quotes: Vec<Value> = citations
        .iter()
        .map(|c| {
            json!({
                "@type": "Quotation",
                "text": c.span,
                "url": format!("{base}{}", paragraph_url(&c.source_slug, c.paragraph)),
                "isPartOf": {
                    "@type": "NewsArticle",
                    "@id": format!("{base}/sources/{}", c.source_slug),
                    "headline": c.source_title,
                },
            })
        })
        .collect();
    v["citation"] = json!(quotes);
    v
}

/// A kind's list: an ItemList of its records, in order.
pub fn item_list(base: &str, name: &str, items: &[(String, String)]) -> Value {
    json!({
        "@context": CONTEXT,
        "@type": "ItemList",
        "name": name,
        "numberOfItems": items.len(),
        "itemListElement": items.iter().enumerate().map(|(i, (title, url))| json!({
            "@type": "ListItem",
            "position": i + 1,
            "name": title,
            "url": format!("{base}{url}"),
        })).collect::<Vec<_>>(),
    })
}

/// Any other page: a WebPage with its title.
pub fn web_page(base: &str, path: &str, name: &str) -> Value {
    json!({
        "@context": CONTEXT,
        "@type": "WebPage",
        "url": format!("{base}{path}"),
        "name": name,
    })
}

/// The whole site as a Dataset, with every download as a DataDownload and
/// the sources given (the few a page names) as what it is based on.
pub fn dataset(
    base: &str,
    data_version: &str,
    sources: &[SourceRow],
    downloads: &[String],
    licence: &str,
) -> Value {
    let media = |name: &str| {
        if name.contains(".csv") {
            "text/csv"
        } else if name.ends_with(".sqlite") {
            "application/vnd.sqlite3"
        } else {
            "application/json"
        }
    };
    json!({
        "@context": CONTEXT,
        "@type": "Dataset",
        "@id": format!("{base}/"),
        "url": format!("{base}/"),
        "name": "summitkb 峰会成果库",
        "description": "Curated records of summit outcomes (agreements, projects, initiatives, events, figures, quotes, people, countries, organizations), each citing the paragraph and the verbatim words of its source.",
        "version": data_version,
        "inLanguage": ["zh-Hans", "en"],
        "license": super::export::LICENCE_URL,
        "usageInfo": licence,
        "isBasedOn": sources.iter().map(|s| json!({
            "@type": "NewsArticle",
            "@id": format!("{base}/sources/{}", s.slug),
            "headline": s.title,
            "datePublished": s.published,
            "publisher": publisher(s),
        })).collect::<Vec<_>>(),
        "distribution": downloads.iter().filter(|d| !d.contains('?')).map(|d| json!({
            "@type": "DataDownload",
            "name": d,
            "contentUrl": format!("{base}/api/export/{d}"),
            "encodingFormat": media(d),
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_text_cannot_close_its_element() {
        let v = json!({"text": "</script><!-- & "});
        let s = script_text(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
