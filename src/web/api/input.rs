//! Strict input for the API. Pages read their query strings leniently (a
//! reader's typo still gets a page); a script's typo must not get an answer
//! that looks right. So every endpoint names the parameters it takes, and
//! an unknown parameter, a parameter given twice or a value outside what is
//! allowed is refused with `400 {"errors":[{"detail","parameter"}]}`, every
//! problem at once, each naming what is allowed. An empty value counts as
//! absent, as HTML forms send empty fields.

use super::super::paginate::ParamProblem;
use super::super::params::Params;
use crate::model::Kind;

/// Refuses parameters `params` holds beyond `allowed`, and any given twice.
pub fn check_names(params: &Params, allowed: &[&str]) -> Vec<ParamProblem> {
    let mut problems: Vec<ParamProblem> = Vec::new();
    let named = if allowed.is_empty() {
        "this endpoint takes no parameters".to_owned()
    } else {
        format!("this endpoint takes only {}", allowed.join(", "))
    };
    for (i, (name, _)) in params.pairs().iter().enumerate() {
        if problems.iter().any(|p| &p.parameter == name) {
            continue;
        }
        if !allowed.contains(&name.as_str()) {
            problems.push(ParamProblem::new(
                name,
                format!("unknown parameter {name:?}: {named}"),
            ));
        } else if params.pairs()[..i].iter().any(|(n, _)| n == name) {
            problems.push(ParamProblem::new(
                name,
                format!("parameter {name:?} is given more than once: give it once"),
            ));
        }
    }
    problems
}

/// Every kind name a path or `kind=` accepts: the plural of page URLs
/// (`projects`) and the singular of `kind` values (`project`).
pub fn kind_names() -> String {
    Kind::ALL
        .iter()
        .map(|k| k.plural())
        .chain(Kind::ALL.iter().map(|k| k.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A kind in either form.
pub fn parse_kind(s: &str) -> Option<Kind> {
    Kind::from_plural(s).or_else(|| Kind::from_singular(s))
}

/// An unknown kind in a path: nothing is there, and the answer says what is.
pub fn unknown_kind(s: &str) -> ParamProblem {
    ParamProblem::new(
        "kind",
        format!("unknown kind {s:?}: one of {}", kind_names()),
    )
}

/// Search's `kind=`: a kind in either form, or `paragraph(s)`, as the
/// singular the search takes.
pub fn parse_kind_filter(s: &str) -> Result<String, ParamProblem> {
    if s == "paragraph" || s == "paragraphs" {
        return Ok("paragraph".to_owned());
    }
    parse_kind(s).map(|k| k.as_str().to_owned()).ok_or_else(|| {
        ParamProblem::new(
            "kind",
            format!(
                "unknown kind {s:?}: one of {}, paragraphs, paragraph",
                kind_names()
            ),
        )
    })
}

/// Search's `country=`: the slug of a country record, one of `known`.
pub fn parse_country(s: &str, known: &[String]) -> Result<String, ParamProblem> {
    if known.iter().any(|k| k == s) {
        return Ok(s.to_owned());
    }
    Err(ParamProblem::new(
        "country",
        format!(
            "unknown country {s:?}: the slug of a country record, one of {}",
            known.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_once_each() {
        let p = Params::parse("q=a&x=1&x=2&q=b&limit=");
        let problems = check_names(&p, &["q", "limit"]);
        let named: Vec<&str> = problems.iter().map(|p| p.parameter.as_str()).collect();
        assert_eq!(named, ["x", "q"]);
        assert!(problems[0].detail.contains("takes only q, limit"));
        assert!(problems[1].detail.contains("more than once"));
        assert!(check_names(&Params::parse(""), &[]).is_empty());
        assert!(
            check_names(&Params::parse("a=1"), &[])[0]
                .detail
                .contains("no parameters")
        );
    }

    #[test]
    fn kinds_in_both_forms() {
        assert_eq!(parse_kind("projects"), Some(Kind::Project));
        assert_eq!(parse_kind("person"), Some(Kind::Person));
        assert_eq!(parse_kind("people"), Some(Kind::Person));
        assert_eq!(parse_kind("Projects"), None);
        assert_eq!(parse_kind_filter("paragraphs").unwrap(), "paragraph");
        assert_eq!(parse_kind_filter("countries").unwrap(), "country");
        let e = parse_kind_filter("nope").unwrap_err();
        assert!(e.detail.contains("agreements") && e.detail.contains("paragraph"));
    }
}
