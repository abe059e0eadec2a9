//! Pagination of list answers, in one place for every list the site serves:
//! a `limit` and an opaque `cursor` in the query string, and the next page
//! named in a `Link: <…>; rel="next"` header (RFC 8288) and in the body.
//!
//! # Contract
//!
//! - **Requests.** `limit` is an integer from 1 to the list's maximum; absent
//!   (or empty) means the list's default. `cursor` is absent for the first
//!   page; for later pages it is exactly the value the previous page named,
//!   passed back unchanged. Anything else (`limit=0`, `limit=abc`, a limit
//!   above the maximum, a cursor that is not one this module wrote, or one
//!   written for other data) is refused by [`PageRequest::parse`] with a
//!   [`ParamProblem`] naming the parameter and what is allowed, which the
//!   caller answers as `400 {"errors":[{"detail","parameter"}]}`.
//! - **Keyset, not offset.** A cursor holds the sort key of the last item
//!   sent, so a page is "the first `limit` items whose key is greater", and
//!   the list must be sorted by a key that is unique and totally ordered
//!   (an integer position, or a string). With SQL, select
//!   `WHERE key > ?after ORDER BY key LIMIT limit + 1` ([`PageRequest::fetch`]
//!   is that `limit + 1`); in memory, [`PageRequest::page_of`] does the same
//!   over items already sorted by the key. The extra item only tells that
//!   there is a next page, and is dropped by [`Page::new`].
//! - **Data version.** A cursor names the data version it was made for. The
//!   data never changes while a server runs, but a cursor kept across a new
//!   import is refused rather than silently continuing in other data.
//! - **Answers.** [`Page::next`] is the cursor of the next page, `None` on
//!   the last. [`next_url`] builds the next page's address from the request's
//!   own path and parameters (their order kept, `cursor` replaced), and
//!   [`link_header`] the header value naming it. The same URL goes into the
//!   body as `next`, so clients that cannot read headers can follow it.
//!
//! The cursor is opaque to clients on purpose (lowercase hex of
//! `v1.<first 16 characters of the data version>.<key>`): its form may
//! change with the data version.

use crate::hex;

/// The bounds of one list's `limit`.
#[derive(Debug, Clone, Copy)]
pub struct PageBounds {
    pub default: usize,
    pub max: usize,
}

/// A refused parameter: which, and why, naming what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamProblem {
    pub parameter: String,
    pub detail: String,
}

impl ParamProblem {
    pub fn new(parameter: &str, detail: impl Into<String>) -> Self {
        ParamProblem {
            parameter: parameter.to_owned(),
            detail: detail.into(),
        }
    }
}

/// One page asked for: how many items, after which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: usize,
    /// The sort key of the last item of the previous page.
    pub after: Option<String>,
}

const CURSOR_FORM: &str = "v1";

impl PageRequest {
    /// Reads `limit` and `cursor` as given in the query string (`None` when
    /// absent or empty). `data_version` is the version of the data served.
    pub fn parse(
        limit: Option<&str>,
        cursor: Option<&str>,
        bounds: PageBounds,
        data_version: &str,
    ) -> Result<PageRequest, Vec<ParamProblem>> {
        let mut problems = Vec::new();
        let allowed = format!(
            "an integer from 1 to {} (default {})",
            bounds.max, bounds.default
        );
        let limit = match limit {
            None => bounds.default,
            Some(raw) => match raw.parse::<usize>() {
                Ok(n) if (1..=bounds.max).contains(&n) => n,
                Ok(n) if n > bounds.max => {
                    problems.push(ParamProblem::new(
                        "limit",
                        format!("limit {n} is above the maximum: {allowed}"),
                    ));
                    bounds.default
                }
                _ => {
                    problems.push(ParamProblem::new(
                        "limit",
                        format!("limit {raw:?} is not {allowed}"),
                    ));
                    bounds.default
                }
            },
        };
        let after = match cursor {
            None => None,
            Some(raw) => match decode_cursor(raw, data_version) {
                Ok(key) => Some(key),
                Err(why) => {
                    problems.push(ParamProblem::new("cursor", why));
                    None
                }
            },
        };
        if problems.is_empty() {
            Ok(PageRequest { limit, after })
        } else {
            Err(problems)
        }
    }

    /// How many items to fetch: one more than the page, to tell whether
    /// there is a next one.
    pub fn fetch(&self) -> usize {
        self.limit + 1
    }

    /// The page of `items`, sorted by `key` ascending, after the cursor.
    pub fn page_of<T>(&self, items: Vec<T>, key: impl Fn(&T) -> String) -> Page<T> {
        let rest: Vec<T> = items
            .into_iter()
            .filter(|item| self.after.as_deref().is_none_or(|a| key(item).as_str() > a))
            .take(self.fetch())
            .collect();
        Page::new(rest, self, key)
    }
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The cursor of the next page (without its data version yet: see
    /// [`Page::next_cursor`]); `None` on the last page.
    next_key: Option<String>,
}

impl<T> Page<T> {
    /// A page from at most `request.fetch()` items after the cursor, in key
    /// order: the extra item, if present, is dropped and means "more".
    pub fn new(mut items: Vec<T>, request: &PageRequest, key: impl Fn(&T) -> String) -> Self {
        let more = items.len() > request.limit;
        items.truncate(request.limit);
        let next_key = if more { items.last().map(key) } else { None };
        Page { items, next_key }
    }

    /// The opaque cursor of the next page, for data version `data_version`.
    pub fn next_cursor(&self, data_version: &str) -> Option<String> {
        self.next_key
            .as_deref()
            .map(|key| encode_cursor(key, data_version))
    }
}

/// The cursor that continues after `key`, for data version `data_version`.
pub fn encode_cursor(key: &str, data_version: &str) -> String {
    let version = version_tag(data_version);
    hex::hex(format!("{CURSOR_FORM}.{version}.{key}").as_bytes())
}

/// What a cursor keeps of the data version: its first 16 characters (the
/// version is a hex digest), enough to tell versions apart and keep
/// cursors short.
fn version_tag(data_version: &str) -> String {
    data_version.chars().take(16).collect()
}

fn decode_cursor(raw: &str, data_version: &str) -> Result<String, String> {
    let malformed = || {
        format!(
            "cursor {raw:?} is not one this API gave: pass back exactly the `next` cursor of \
             the previous page, or leave it out for the first page"
        )
    };
    if !raw.len().is_multiple_of(2) || raw.len() > 2048 {
        return Err(malformed());
    }
    let bytes = (0..raw.len())
        .step_by(2)
        .map(|i| {
            raw.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(malformed)?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let mut parts = text.splitn(3, '.');
    let (Some(CURSOR_FORM), Some(version), Some(key)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed());
    };
    let current = version_tag(data_version);
    if version != current {
        return Err(format!(
            "cursor {raw:?} belongs to data version {version}, but the data is now version \
             {current}: start again from the first page, without a cursor"
        ));
    }
    Ok(key.to_owned())
}

/// The address of the next page: `path` with the request's `params` in
/// their order, `cursor` set to `cursor` (replacing any given).
pub fn next_url(path: &str, params: &[(String, String)], cursor: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params.iter().filter(|(n, _)| n != "cursor") {
        query.append_pair(name, value);
    }
    query.append_pair("cursor", cursor);
    format!("{path}?{}", query.finish())
}

/// The `Link` header value naming the next page.
pub fn link_header(next_url: &str) -> String {
    format!("<{next_url}>; rel=\"next\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDS: PageBounds = PageBounds { default: 2, max: 3 };

    fn parse(limit: Option<&str>, cursor: Option<&str>) -> Result<PageRequest, Vec<ParamProblem>> {
        PageRequest::parse(limit, cursor, BOUNDS, "abc123")
    }

    #[test]
    fn limits_default_and_bound() {
        assert_eq!(parse(None, None).unwrap().limit, 2);
        assert_eq!(parse(Some("3"), None).unwrap().limit, 3);
        for bad in ["0", "4", "-1", "x", "1.5", "99999999999999999999999"] {
            let e = parse(Some(bad), None).unwrap_err();
            assert_eq!(e[0].parameter, "limit", "{bad}");
            assert!(
                e[0].detail.contains("from 1 to 3"),
                "{bad}: {}",
                e[0].detail
            );
        }
    }

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        let c = encode_cursor("42", "abc123");
        assert_eq!(parse(None, Some(&c)).unwrap().after.as_deref(), Some("42"));
        // A key may itself hold dots.
        let c = encode_cursor("2025-06-18.slug", "abc123");
        assert_eq!(
            parse(None, Some(&c)).unwrap().after.as_deref(),
            Some("2025-06-18.slug")
        );
        let other = encode_cursor("42", "older");
        let e = parse(None, Some(&other)).unwrap_err();
        assert!(e[0].detail.contains("data version older"), "{e:?}");
        for bad in ["zz", "abc", "00", "ffff", &hex::hex(b"v2.abc123.1")] {
            let e = parse(None, Some(bad)).unwrap_err();
            assert_eq!(e[0].parameter, "cursor", "{bad}");
        }
        // Both problems at once.
        assert_eq!(parse(Some("0"), Some("zz")).unwrap_err().len(), 2);
    }

    #[test]
    fn pages_walk_every_item_once() {
        let items: Vec<i64> = (1..=7).collect();
        let key = |n: &i64| format!("{n:04}");
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let req = parse(None, cursor.as_deref()).unwrap();
            let page = req.page_of(items.clone(), key);
            seen.extend(page.items.iter().copied());
            match page.next_cursor("abc123") {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        assert_eq!(seen, items);
        // A list that fills its last page exactly has no next page.
        let req = parse(None, None).unwrap();
        assert!(req.page_of(vec![1i64, 2], key).next_cursor("v").is_none());
    }

    #[test]
    fn next_urls_keep_the_request_and_replace_the_cursor() {
        let params = vec![
            ("limit".to_owned(), "2".to_owned()),
            ("cursor".to_owned(), "old".to_owned()),
        ];
        let url = next_url("/api/v1/records/projects", &params, "beef");
        assert_eq!(url, "/api/v1/records/projects?limit=2&cursor=beef");
        assert_eq!(link_header(&url), format!("<{url}>; rel=\"next\""));
    }
}
