//! Page numbers for the HTML lists (kind lists, search results): a `page`
//! parameter from 1 to the last page, a fixed page size, and the links and
//! "1–50 of 19,000" line a page shows.
//!
//! HTML pages are numbered rather than keyed by a cursor (the JSON API's
//! [`super::paginate`]): a reader wants "previous" as much as "next", and
//! to see where in the list they are. The order is fixed for a given data
//! version, so page `n` always holds the same records: each list sorts by
//! its key and breaks ties by a unique one (the sources' order, or rank
//! then position for search), and a walk over every page gives each
//! record once.
//!
//! Page 1 is the address without `page`, so the first page has one
//! address, the one every other page links to.

use std::ops::Range;

/// Records on one HTML list page.
pub const PAGE_SIZE: usize = 50;

/// One page of a list of `total` items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pager {
    /// From 1.
    pub page: usize,
    pub size: usize,
    pub total: usize,
}

impl Pager {
    /// The page `raw` names (absent means the first) in a list of `total`;
    /// a page that is not a whole number from 1 to the last is refused with
    /// what is allowed, and the first page stands in for it.
    pub fn parse(raw: Option<&str>, total: usize, size: usize) -> Result<Pager, (Pager, String)> {
        let first = Pager {
            page: 1,
            size,
            total,
        };
        let Some(raw) = raw else {
            return Ok(first);
        };
        let last = first.last();
        match raw.parse::<usize>() {
            Ok(page) if (1..=last).contains(&page) && page.to_string() == raw => {
                Ok(Pager { page, ..first })
            }
            // Worded for the request's edition, as the page shows it.
            _ => Err((
                first,
                match super::lang::current().lang {
                    super::lang::Lang::En => {
                        format!("There is no page “{raw}”: pages run from 1 to {last}")
                    }
                    super::lang::Lang::Zh => format!(
                        "没有第“{raw}”页，页码须为 1 至 {last} (no page “{raw}”: pages run from 1 to {last})"
                    ),
                },
            )),
        }
    }

    /// [`Pager::parse`] for a page that shows the first page in place of a
    /// refused one: the pager, and what was wrong, which makes the answer
    /// a 400 ([`answer_status`]).
    pub fn or_first(raw: Option<&str>, total: usize, size: usize) -> (Pager, Option<String>) {
        match Pager::parse(raw, total, size) {
            Ok(p) => (p, None),
            Err((p, why)) => (p, Some(why)),
        }
    }

    /// The last page number; an empty list has one, empty, page.
    pub fn last(&self) -> usize {
        self.total.div_ceil(self.size).max(1)
    }

    /// The positions (from 0) of the items on this page.
    pub fn range(&self) -> Range<usize> {
        let start = ((self.page - 1) * self.size).min(self.total);
        start..(start + self.size).min(self.total)
    }

    /// The page holding the item at `position` (from 0).
    pub fn page_of(&self, position: usize) -> usize {
        position / self.size + 1
    }

    /// What the page shows: its place in the list and the links to the
    /// pages around it; `url` gives a page's address.
    pub fn view(&self, url: impl Fn(usize) -> String) -> PagerView {
        let range = self.range();
        let last = self.last();
        PagerView {
            total: grouped(self.total),
            from_text: grouped(if range.is_empty() { 0 } else { range.start + 1 }),
            to_text: grouped(range.end),
            page: self.page,
            last,
            first_url: url(1),
            last_url: url(last),
            prev_url: (self.page > 1).then(|| url(self.page - 1)),
            next_url: (self.page < last).then(|| url(self.page + 1)),
        }
    }
}

/// 400 for a page that names what was wrong with its request, else 200.
pub fn answer_status(problem: &Option<String>) -> axum::http::StatusCode {
    if problem.is_some() {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    }
}

/// A list page's place in the list, for the template (`pager.html`).
#[derive(Debug, Clone)]
pub struct PagerView {
    /// Positions of the first and last items shown, from 1 (0 and 0 when
    /// nothing is), and the total, digits grouped by thousands.
    pub from_text: String,
    pub to_text: String,
    pub total: String,
    pub page: usize,
    pub last: usize,
    pub first_url: String,
    pub last_url: String,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

impl PagerView {
    /// Whether there is more than one page, so links are worth showing.
    pub fn several(&self) -> bool {
        self.last > 1
    }
}

/// `address` with `page=n` added (none for the first page); `address` may
/// already carry a query string. `&` is written bare: templates escape it.
pub fn with_page(address: &str, n: usize) -> String {
    if n <= 1 {
        return address.to_owned();
    }
    let sep = if address.contains('?') { '&' } else { '?' };
    format!("{address}{sep}page={n}")
}

/// 19000 as 19,000.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_the_list_once() {
        for total in [0, 1, 49, 50, 51, 100, 19_001] {
            let p = Pager::parse(None, total, 50).unwrap();
            let mut seen = 0;
            for page in 1..=p.last() {
                let p = Pager::parse(Some(&page.to_string()), total, 50).unwrap();
                let r = p.range();
                assert_eq!(r.start, seen, "{total} page {page}");
                seen = r.end;
            }
            assert_eq!(seen, total);
        }
    }

    #[test]
    fn refuses_what_is_not_a_page() {
        for bad in [
            "0",
            "3",
            "-1",
            "x",
            "01",
            "+2",
            "1.0",
            "99999999999999999999999",
        ] {
            let (fallback, why) = Pager::parse(Some(bad), 100, 50).unwrap_err();
            assert_eq!(fallback.page, 1);
            assert!(why.contains("1 to 2"), "{bad}: {why}");
        }
        // An empty list still has its first page.
        assert!(Pager::parse(Some("1"), 0, 50).is_ok());
        assert!(Pager::parse(Some("2"), 0, 50).is_err());
    }

    #[test]
    fn view_and_addresses() {
        let p = Pager::parse(Some("2"), 19_000, 50).unwrap();
        let v = p.view(|n| with_page("/projects?sort=status", n));
        assert_eq!((v.from_text.as_str(), v.to_text.as_str()), ("51", "100"));
        assert_eq!(v.total, "19,000");
        assert_eq!(v.prev_url.as_deref(), Some("/projects?sort=status"));
        assert_eq!(v.next_url.as_deref(), Some("/projects?sort=status&page=3"));
        assert_eq!(with_page("/projects", 3), "/projects?page=3");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(p.page_of(0), 1);
        assert_eq!(p.page_of(50), 2);
    }
}
