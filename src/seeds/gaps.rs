//! `summitkb gaps`: a TOML skeleton for everything of a source that no
//! record covers yet, so that a curator starts from the text.
//!
//! Each uncovered sentence, uncaptured number and unnamed 《title》 or
//! “term” (as [`super::coverage`] finds them) becomes a record table with a
//! guessed kind, the kind's required fields and links left empty, and the
//! citation filled in verbatim. The empty values are deliberate: the loader
//! refuses an empty slug, title or summary, so a skeleton pasted unedited
//! cannot pass for a curated record.

use std::fmt::Write;

use super::coverage::{Coverage, Gap, sentences};
use super::{SeedSet, Source};
use crate::model::Kind;

/// Words that suggest a kind, checked in this order; the first kind with a
/// word in the text is the guess.
const HINTS: [(Kind, &[&str]); 6] = [
    (
        Kind::Agreement,
        &[
            "签署",
            "签订",
            "宣言",
            "条约",
            "协定",
            "协议",
            "备忘录",
            "声明",
        ],
    ),
    (
        Kind::Project,
        &[
            "铁路", "公路", "班列", "走廊", "航线", "直航", "中心", "项目", "工程", "建设",
        ],
    ),
    (Kind::Figure, &["亿", "万", "%", "多个", "余个"]),
    (
        Kind::Event,
        &["峰会", "会晤", "会议", "论坛", "举行", "出席", "访问"],
    ),
    (
        Kind::Initiative,
        &["倡议", "机制", "精神", "合作年", "宣布"],
    ),
    (Kind::Quote, &["说，", "表示，", "指出，", "强调，"]),
];

/// The guessed kind of a text, with the word that suggested it.
pub fn guess_kind(text: &str) -> (Kind, Option<&'static str>) {
    for (kind, words) in HINTS {
        if let Some(w) = words.iter().find(|w| text.contains(**w)) {
            return (kind, Some(w));
        }
    }
    (Kind::Initiative, None)
}

/// Skeletons for every gap of `only` (a source slug) or of every source.
/// Errors name an unknown source.
pub fn skeletons(set: &SeedSet, only: Option<&str>) -> Result<String, String> {
    if let Some(slug) = only
        && set.source(slug).is_none()
    {
        let known: Vec<&str> = set.sources.iter().map(|s| s.slug.as_str()).collect();
        return Err(format!(
            "no source `{slug}`; the sources are: {}",
            known.join(", ")
        ));
    }
    let coverage = Coverage::of(set);
    let wanted = |slug: &str| only.is_none_or(|o| o == slug);
    let mut out = String::new();
    let mut count = 0;
    for s in set.sources.iter().filter(|s| wanted(&s.slug)) {
        let mut body = String::new();
        for g in coverage
            .uncovered_sentences
            .iter()
            .filter(|g| g.source == s.slug)
        {
            let (kind, hint) = guess_kind(&g.text);
            let where_ = format!(
                "¶{}, sentence {} ({}:{})",
                g.paragraph,
                g.sentence,
                s.text_file.display(),
                g.line
            );
            let draft = Draft {
                kind,
                hint,
                where_: &where_,
                paragraph: g.paragraph,
                span: &g.text,
                title: None,
                extra: "",
            };
            draft.write(&mut body, s);
            let _ = writeln!(
                body,
                "# or, if it reports a later status of an existing record, add to that record:\n\
                 # progress = [{{ status = \"\", cite = {{ source = {}, p = {}, span = {} }} }}]\n",
                quote(&s.slug),
                g.paragraph,
                quote(&g.text)
            );
            count += 1;
        }
        for g in coverage
            .uncaptured_numbers
            .iter()
            .filter(|g| g.source == s.slug)
        {
            number_or_term(&mut body, s, g, false);
            count += 1;
        }
        for g in coverage.unnamed_terms.iter().filter(|g| g.source == s.slug) {
            number_or_term(&mut body, s, g, true);
            count += 1;
        }
        if !body.is_empty() {
            let _ = writeln!(
                out,
                "# ===== {} ({} {}): {} =====\n",
                s.slug, s.publisher, s.published, s.title
            );
            out.push_str(&body);
        }
    }
    let _ = writeln!(
        out,
        "# {count} gap{} to cite, capture or waive",
        if count == 1 { "" } else { "s" }
    );
    Ok(out)
}

/// A number or a term: its skeleton cites the clause that holds it.
fn number_or_term(out: &mut String, s: &Source, g: &Gap, term: bool) {
    let what = if term {
        format!("term “{}”", g.text)
    } else {
        format!("number {}", g.text)
    };
    let Some(n) = g.paragraph else {
        let _ = writeln!(
            out,
            "# {what} stands in the title, a heading or the dateline, not a body \
             paragraph: name it in the record it belongs to, or waive it\n"
        );
        return;
    };
    let text = s.paragraph(n).map(|b| b.text.as_str()).unwrap_or_default();
    let marked = if term {
        [("《", "》"), ("“", "”")]
            .iter()
            .map(|(a, b)| format!("{a}{}{b}", g.text))
            .find(|t| text.contains(t.as_str()))
            .unwrap_or_else(|| g.text.clone())
    } else {
        g.text.clone()
    };
    let span = clause_with(text, &marked).unwrap_or_else(|| marked.clone());
    let (kind, hint) = if term {
        match guess_kind(&g.text) {
            (Kind::Agreement, h) => (Kind::Agreement, h),
            (_, h) => (Kind::Initiative, h),
        }
    } else {
        (Kind::Figure, Some("a number"))
    };
    let extra = if term {
        format!("aliases = [{}]\n", quote(&marked))
    } else {
        format!("original = {}\n", quote(&g.text))
    };
    let where_ = format!("¶{n}, {what}");
    Draft {
        kind,
        hint,
        where_: &where_,
        paragraph: n,
        span: &span,
        title: term.then_some(g.text.as_str()),
        extra: &extra,
    }
    .write(out, s);
}

/// The clause (between commas or sentence ends) of `text` holding `needle`.
fn clause_with(text: &str, needle: &str) -> Option<String> {
    let sentence = sentences(text)
        .into_iter()
        .find(|s| s.text.contains(needle))?;
    sentence
        .text
        .split_inclusive(['，', '：'])
        .find(|c| c.contains(needle))
        .map(|c| c.trim_end_matches(['，', '：']).to_owned())
        .filter(|c| c.contains(needle))
        .or(Some(sentence.text))
}

/// One record skeleton: what is guessed, where it stands, what it cites.
struct Draft<'a> {
    kind: Kind,
    hint: Option<&'a str>,
    where_: &'a str,
    paragraph: u32,
    span: &'a str,
    title: Option<&'a str>,
    /// Kind-specific lines (an alias, a figure's original wording).
    extra: &'a str,
}

impl Draft<'_> {
    fn write(&self, out: &mut String, s: &Source) {
        let kind = self.kind;
        let guess = match self.hint {
            Some(h) => format!("guessed kind: {} (from “{h}”)", kind.as_str()),
            None => format!("guessed kind: {} (no word suggested one)", kind.as_str()),
        };
        let _ = writeln!(out, "# {}; {guess}", self.where_);
        let _ = writeln!(out, "[[{}]]", kind.as_str());
        let _ = writeln!(out, "slug = \"\"");
        let _ = writeln!(out, "title = {}", quote(self.title.unwrap_or_default()));
        let _ = writeln!(out, "english_note = \"\"");
        let _ = writeln!(out, "summary = \"\"");
        for f in kind.fields().iter().filter(|f| f.required) {
            let _ = writeln!(out, "{} = \"\"", f.name.as_str());
        }
        for l in kind.links().iter().filter(|l| l.required) {
            let _ = writeln!(out, "{} = []", l.role.as_str());
        }
        out.push_str(self.extra);
        let _ = writeln!(
            out,
            "cite = [{{ source = {}, p = {}, span = {} }}]\n",
            quote(&s.slug),
            self.paragraph,
            quote(self.span)
        );
    }
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_guessed_from_words() {
        assert_eq!(
            guess_kind("六国元首共同签署了《阿斯塔纳宣言》").0,
            Kind::Agreement
        );
        assert_eq!(
            guess_kind("加快推进中哈第三条跨境铁路建设").0,
            Kind::Project
        );
        assert_eq!(guess_kind("双边贸易额实现35%的大幅增长").0, Kind::Figure);
        assert_eq!(guess_kind("一段没有线索的话。"), (Kind::Initiative, None));
    }

    #[test]
    fn a_clause_holds_its_number() {
        assert_eq!(
            clause_with(
                "西安峰会以来，双边贸易额实现35%的大幅增长，成果丰硕。",
                "35%"
            )
            .as_deref(),
            Some("双边贸易额实现35%的大幅增长")
        );
    }
}
