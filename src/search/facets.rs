//! Filters a search can be narrowed by, and the facet lists that offer
//! them. The counting itself is SQL (`db::search`), over every match: a
//! count computed on a capped sample would be wrong as soon as a query
//! matches more rows than the cap. SQL counts the matches per facet value
//! (a target and a set of countries, of which a corpus has a few dozen);
//! [`tally`] sums them under the filters, and [`per_country`] splits the
//! sets.

use std::collections::HashMap;

/// What a search is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// A record kind (`project`) or `paragraph`.
    pub kind: Option<String>,
    /// A country's slug.
    pub country: Option<String>,
}

impl Filters {
    /// Whether a match of `target` passes the kind filter.
    fn admits_target(&self, target: &str) -> bool {
        self.kind.as_deref().is_none_or(|k| k == target)
    }

    /// Whether a match with the countries `countries` (slugs separated by
    /// spaces) passes the country filter: the test of the SQL that picks
    /// the candidates (`db::search`), so counts and results agree.
    fn admits_countries(&self, countries: &str) -> bool {
        self.country
            .as_deref()
            .is_none_or(|c| format!(" {countries} ").contains(&format!(" {c} ")))
    }
}

/// How many of a search's matches have one facet value: a target (a
/// record's kind, or `paragraph`) and a set of countries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    pub target: String,
    /// Slugs separated by spaces; empty for none.
    pub countries: String,
    pub count: usize,
}

/// The number of matches the filters leave, and the facets: the kinds
/// under the country filter, the countries under the kind filter.
pub fn tally(counts: &[FacetCount], filters: &Filters) -> (usize, Facets) {
    let mut total = 0;
    let mut kinds: HashMap<&str, usize> = HashMap::new();
    let mut sets: Vec<(String, usize)> = Vec::new();
    for c in counts {
        let (target, countries) = (
            filters.admits_target(&c.target),
            filters.admits_countries(&c.countries),
        );
        if target && countries {
            total += c.count;
        }
        if countries {
            *kinds.entry(&c.target).or_default() += c.count;
        }
        if target && !c.countries.is_empty() {
            sets.push((c.countries.clone(), c.count));
        }
    }
    let kinds = kinds.into_iter().map(|(k, n)| (k.to_owned(), n)).collect();
    (total, Facets::new(kinds, per_country(sets)))
}

/// Counts for each facet. Each facet counts what the *other* filter leaves,
/// so a count says what clicking it would show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// (kind or `paragraph`, count), most first.
    pub kinds: Vec<(String, usize)>,
    /// (country slug, count), most first.
    pub countries: Vec<(String, usize)>,
}

impl Facets {
    /// Facets from unordered counts: most first, then by value, so the order
    /// never depends on the database's.
    pub fn new(kinds: Vec<(String, usize)>, countries: Vec<(String, usize)>) -> Facets {
        let order = |mut v: Vec<(String, usize)>| {
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            v
        };
        Facets {
            kinds: order(kinds),
            countries: order(countries),
        }
    }
}

/// Country counts from counts per set of countries (a row's `countries`,
/// slugs separated by spaces): each country counts the rows of every set
/// that names it, once per row however often the set repeats it.
///
/// SQL groups a search's matches by their whole set, of which a corpus has
/// a few dozen, because a match's countries one by one were a join of
/// every match with its countries: at 100x, 12,900 rows joined for 峰,
/// about half of the whole search's time.
pub fn per_country(sets: Vec<(String, usize)>) -> Vec<(String, usize)> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (set, n) in &sets {
        let mut seen: Vec<&str> = Vec::new();
        for slug in set.split_whitespace() {
            if !seen.contains(&slug) {
                seen.push(slug);
                *counts.entry(slug).or_default() += n;
            }
        }
    }
    counts
        .into_iter()
        .map(|(slug, n)| (slug.to_owned(), n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut v: Vec<(String, usize)>) -> Vec<(String, usize)> {
        v.sort();
        v
    }

    #[test]
    fn each_facet_counts_under_the_other_filter() {
        let count = |target: &str, countries: &str, count| FacetCount {
            target: target.to_owned(),
            countries: countries.to_owned(),
            count,
        };
        let counts = vec![
            count("project", "china kazakhstan", 3),
            count("project", "uzbekistan", 2),
            count("quote", "kazakhstan", 4),
            count("paragraph", "", 7),
        ];
        let (total, facets) = tally(&counts, &Filters::default());
        assert_eq!(total, 16);
        assert_eq!(facets.kinds[0], ("paragraph".to_owned(), 7));
        let filters = Filters {
            kind: Some("project".to_owned()),
            country: Some("kazakhstan".to_owned()),
        };
        let (total, facets) = tally(&counts, &filters);
        assert_eq!(total, 3);
        // Kinds under the country filter, countries under the kind filter.
        assert_eq!(
            facets.kinds,
            [("quote".to_owned(), 4), ("project".to_owned(), 3)]
        );
        assert_eq!(
            facets.countries,
            [
                ("china".to_owned(), 3),
                ("kazakhstan".to_owned(), 3),
                ("uzbekistan".to_owned(), 2)
            ]
        );
        // A slug is matched whole, never inside another.
        let filters = Filters {
            kind: None,
            country: Some("kazakh".to_owned()),
        };
        assert_eq!(tally(&counts, &filters).0, 0);
    }

    #[test]
    fn a_country_counts_every_set_that_names_it_once_per_row() {
        let sets = vec![
            ("china kazakhstan".to_owned(), 3),
            ("kazakhstan china uzbekistan".to_owned(), 2),
            ("uzbekistan uzbekistan".to_owned(), 5),
            (String::new(), 7),
        ];
        assert_eq!(
            sorted(per_country(sets)),
            vec![
                ("china".to_owned(), 5),
                ("kazakhstan".to_owned(), 5),
                ("uzbekistan".to_owned(), 7),
            ]
        );
    }
}
