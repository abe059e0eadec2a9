//! Filters a search can be narrowed by, and the facet lists that offer
//! them. The counting itself is SQL (`db::search`), over every match: a
//! count computed on a capped sample would be wrong as soon as a query
//! matches more rows than the cap.

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
