//! Filters a search can be narrowed by, and the facet lists that offer
//! them. The counting itself is SQL (`db::search`), over every match: a
//! count computed on a capped sample would be wrong as soon as a query
//! matches more rows than the cap. SQL counts the country facets per set
//! of countries; [`per_country`] splits the sets.

use std::collections::HashMap;

/// What a search is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// A record kind (`project`) or `paragraph`.
    pub kind: Option<String>,
    /// A country's slug.
    pub country: Option<String>,
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
