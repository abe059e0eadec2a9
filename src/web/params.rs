//! Query-string parameters, read leniently: invalid percent-encoding or UTF-8
//! is decoded lossily and unknown parameters are ignored, so any query string
//! gives a normal page rather than a 400 from the extractor.

use axum::extract::{FromRequestParts, RawQuery};
use axum::http::request::Parts;

/// Query-string parameters, as (name, value) pairs.
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

/// Longest raw query string read; the rest is ignored.
const MAX_RAW_QUERY: usize = 16 * 1024;

impl Params {
    pub fn parse(raw: &str) -> Params {
        let mut cut = raw.len().min(MAX_RAW_QUERY);
        while !raw.is_char_boundary(cut) {
            cut -= 1;
        }
        Params(
            form_urlencoded::parse(&raw.as_bytes()[..cut])
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// Every (name, value) pair, in the order given, untrimmed.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// The first value of `name`, trimmed; `None` if absent or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// A paragraph number as its one address writes it: `/p/007` or `/p/+7`
/// would be a second address for ¶7.
pub fn canonical_number(s: &str) -> Option<i64> {
    match s.parse::<i64>() {
        Ok(v) if v > 0 && v.to_string() == s => Some(v),
        _ => None,
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let RawQuery(raw) = RawQuery::from_request_parts(parts, state).await?;
        Ok(raw.map(|r| Params::parse(&r)).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lossy_and_lenient() {
        let p = Params::parse("q=%E4%B8%AD%FF&kind=&x=1&q=second");
        assert_eq!(p.get("q"), Some("中\u{FFFD}"));
        assert_eq!(p.get("kind"), None);
        assert_eq!(p.get("missing"), None);
        let p = Params::parse("q=a+b%20c");
        assert_eq!(p.get("q"), Some("a b c"));
    }
}
