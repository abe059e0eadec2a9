//! The layout of the map of outcomes and of the timeline: pure functions
//! from query rows to the shapes and marks the SVG templates draw. The pages
//! that show them (`web::charts`) add the same information as plain lists.
//!
//! The map is schematic on purpose. Countries are shaded by how many outcomes
//! (agreements, projects, initiatives) are their own: those naming the
//! country as a party or a country involved, leaving out the region-wide
//! ones that name every country (they would shade all six alike) and the
//! mere mentions (Afghanistan, a country to be helped, is no party). The
//! bands run from the fewest to the most that any country has, so the
//! scale is chosen by the data; a project that links two
//! or three countries is drawn as a curve through their capitals, because the
//! source names the countries a project joins but never its route. Projects
//! spanning four or more countries are region-wide programmes and are listed,
//! not drawn, so the picture stays readable.

use std::collections::BTreeMap;

use crate::dates::{Basis, DateSpan};
use crate::db::history::StatusPointRow;
use crate::db::queries::{DatedRow, MapCountryRow, MapProjectCounts, ProjectCountryRow};
use crate::model::Kind;
use crate::refs::{RecordRef, paragraph_url};

/// A point as GeoJSON writes it: longitude, latitude.
type LonLat = [f64; 2];

/// The map's frame in degrees; the same as `scripts/geo/extract.mjs`.
const WEST: f64 = 44.0;
const EAST: f64 = 136.0;
const SOUTH: f64 = 16.0;
const NORTH: f64 = 58.0;
/// Pixels per degree of latitude.
const SCALE: f64 = 10.0;
/// Equirectangular projection true at 40°N, the latitude of the region.
const LON_FACTOR: f64 = 0.766_044_443; // cos 40°
/// Shading steps for countries with outcomes.
const SHADES: i64 = 4;
/// Projects linking more countries than this are region-wide, not lines.
pub const MAX_COUNTRIES_DRAWN: usize = 3;

fn project([lon, lat]: LonLat) -> (f64, f64) {
    ((lon - WEST) * LON_FACTOR * SCALE, (NORTH - lat) * SCALE)
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// An SVG path for polygons, in whole pixels with relative moves: the map's
/// 4,000 points then weigh about 25 KB before compression.
fn polygons_path(polygons: &[Vec<Vec<LonLat>>]) -> String {
    let mut d = String::new();
    for ring in polygons.iter().flatten() {
        let mut last: Option<(i64, i64)> = None;
        for p in ring {
            let (x, y) = project(*p);
            let (x, y) = (x.round() as i64, y.round() as i64);
            match last {
                None => d.push_str(&format!("M{x} {y}")),
                Some((lx, ly)) if (lx, ly) == (x, y) => continue,
                Some((lx, ly)) => d.push_str(&format!("l{} {}", x - lx, y - ly)),
            }
            last = Some((x, y));
        }
        d.push('Z');
    }
    d
}

/// Where a country's name goes, and how large: at the curated label point,
/// or else the centre of the bounding box of its largest ring, in a size that
/// fits the name across that box.
fn label_place(polygons: &[Vec<Vec<LonLat>>], name: &str, at: Option<LonLat>) -> Option<Label> {
    let bbox = |ring: &Vec<LonLat>| {
        ring.iter().fold(
            (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
            |(a, b, c, d), [x, y]| (a.min(*x), b.min(*y), c.max(*x), d.max(*y)),
        )
    };
    let largest = polygons
        .iter()
        .filter_map(|p| p.first())
        .map(bbox)
        .max_by(|a, b| {
            let area = |r: &(f64, f64, f64, f64)| (r.2 - r.0) * (r.3 - r.1);
            area(a).total_cmp(&area(b))
        })?;
    let (x, y) =
        project(at.unwrap_or([(largest.0 + largest.2) / 2.0, (largest.1 + largest.3) / 2.0]));
    let width = (largest.2 - largest.0) * LON_FACTOR * SCALE;
    let chars = name.chars().count() as f64 + 2.0;
    Some(Label {
        x: round1(x),
        y: round1(y),
        size: round1((width / chars).clamp(9.5, 13.0)),
    })
}

pub struct Label {
    pub x: f64,
    pub y: f64,
    pub size: f64,
}

pub struct MapCountry {
    pub iso: String,
    pub path: String,
    /// `shade-1` … `shade-4` for countries with outcomes of their own,
    /// `mentioned` for a country outcomes only mention, `shade-0` for one
    /// with a record and neither, `context` for the rest.
    pub class: String,
    pub record: Option<RecordRef>,
    /// Outcomes naming the country as a party or a country involved.
    pub outcomes: i64,
    /// Of those, the ones not shared by every country: the shading.
    pub specific: i64,
    /// Outcomes that only mention it.
    pub mentions: i64,
    pub label: Option<Label>,
    pub capital: Option<(f64, f64)>,
    pub capital_name: Option<String>,
    /// The country's outcomes that have a status, each with its latest
    /// statement, most recent first: the first [`MAP_SHOWN`].
    pub latest: Vec<OutcomeStatus>,
    /// How many of its outcomes have a status in all.
    pub latest_total: usize,
    /// The kinds of those outcomes, in the kinds' order: the lists that
    /// hold them all (`/{kind}?country=`).
    pub latest_kinds: Vec<Kind>,
}

/// An outcome with its latest status statement and that statement's date.
pub struct OutcomeStatus {
    pub record: RecordRef,
    pub status: String,
    pub status_en: Option<String>,
    pub date: String,
}

impl MapCountry {
    /// Fill for viewers without the stylesheet (the SVG on its own); pages
    /// override it by class, for dark mode.
    pub fn fill(&self) -> &'static str {
        match self.class.as_str() {
            "shade-1" => "#cfe0ee",
            "shade-2" => "#9fc3df",
            "shade-3" => "#5f9cc9",
            "shade-4" => "#2f6fa6",
            "shade-0" => "#eef1f4",
            "mentioned" => "#f4efe1",
            _ => "#e3e3de",
        }
    }
}

pub struct MapRoute {
    pub number: usize,
    pub project: RecordRef,
    pub countries: Vec<RecordRef>,
    pub path: String,
    pub badge: (f64, f64),
}

pub struct LegendStep {
    pub class: String,
    pub label: String,
}

pub struct MapView {
    /// Outcomes naming every country, left out of the shading, and how many
    /// countries that is.
    pub region_wide_outcomes: i64,
    pub region_countries: i64,
    pub width: f64,
    pub height: f64,
    pub countries: Vec<MapCountry>,
    pub routes: Vec<MapRoute>,
    pub legend: Vec<LegendStep>,
    /// Projects spanning more countries than are drawn as lines.
    pub region_wide: Vec<(RecordRef, usize)>,
    /// Projects in one country, listed under it.
    pub single: Vec<(RecordRef, RecordRef)>,
    /// The size of each of the three lists above before they were cut to
    /// their first [`ROUTES_SHOWN`] or [`MAP_SHOWN`].
    pub routes_total: usize,
    pub region_wide_total: usize,
    pub single_total: usize,
}

/// How many entries each of the map's lists shows (a country's latest
/// statuses, region-wide and one-country projects): the top of each, in
/// its stable order, with the count and a link to the list of them all,
/// so the page stays the same size however large the corpus grows. The
/// real data's lists fit.
pub const MAP_SHOWN: usize = 5;

/// How many cross-border projects the map draws and lists, in the records'
/// order: more curves between six capitals cannot be told apart.
pub const ROUTES_SHOWN: usize = 12;

impl MapView {
    /// Countries that have a record, most outcomes first: the list beside
    /// the map.
    pub fn ranked(&self) -> Vec<&MapCountry> {
        let mut v: Vec<&MapCountry> = self
            .countries
            .iter()
            .filter(|c| c.record.is_some())
            .collect();
        v.sort_by(|a, b| {
            (b.specific, b.outcomes, b.mentions)
                .cmp(&(a.specific, a.outcomes, a.mentions))
                .then(a.iso.cmp(&b.iso))
        });
        v
    }

    /// Gives each country the first of its outcomes' latest statuses, from
    /// query rows (`CountryStatusRow`s, most recent first per country); the
    /// totals and kinds come with the country's own row.
    pub fn with_statuses(mut self, rows: &[crate::db::history::CountryStatusRow]) -> MapView {
        for c in &mut self.countries {
            let Some(country) = &c.record else { continue };
            c.latest = rows
                .iter()
                .filter(|r| r.country == country.slug)
                .take(MAP_SHOWN)
                .map(|r| OutcomeStatus {
                    record: RecordRef::new(r.kind, &r.slug, &r.title, r.english.as_deref()),
                    status: r.status.clone(),
                    status_en: r.status_en.clone(),
                    date: r.date.clone(),
                })
                .collect();
        }
        self
    }

    /// Countries with outcomes that have a status, in the list's order.
    pub fn with_latest(&self) -> Vec<&MapCountry> {
        self.ranked()
            .into_iter()
            .filter(|c| !c.latest.is_empty())
            .collect()
    }

    /// Countries the outcomes only mention, for the caption.
    pub fn mentioned(&self) -> Vec<&MapCountry> {
        self.countries
            .iter()
            .filter(|c| c.class == "mentioned")
            .collect()
    }
}

/// Shading bands from the data: `SHADES` equal steps from the fewest to the
/// most outcomes of its own any country has, so every band can be told apart
/// and none lies outside the data.
fn bands(values: &[i64]) -> (i64, i64) {
    let lo = values.iter().copied().min().unwrap_or(0);
    let hi = values.iter().copied().max().unwrap_or(0);
    let step = ((hi - lo + 1) + SHADES - 1) / SHADES;
    (lo, step.max(1))
}

fn country_ref(c: &MapCountryRow) -> Option<RecordRef> {
    Some(RecordRef::new(
        Kind::Country,
        c.slug.as_deref()?,
        c.title.as_deref()?,
        c.english.as_deref(),
    ))
}

/// Builds the map from query rows; pure, so tests can feed it rows.
pub fn build_map(
    rows: &[MapCountryRow],
    projects: &[ProjectCountryRow],
    counts: MapProjectCounts,
    (region_wide_outcomes, region_countries): (i64, i64),
) -> MapView {
    let own: Vec<i64> = rows
        .iter()
        .filter(|r| r.slug.is_some() && r.outcomes > 0)
        .map(|r| r.specific)
        .collect();
    let (lo, step) = bands(&own);
    let mut countries = Vec::new();
    for r in rows {
        let polygons: Vec<Vec<Vec<LonLat>>> = serde_json::from_str(&r.polygons).unwrap_or_default();
        let record = country_ref(r);
        let r_label = r.label_lon.zip(r.label_lat);
        let class = match &record {
            None => "context".to_owned(),
            Some(_) if r.outcomes > 0 => {
                format!("shade-{}", ((r.specific - lo) / step + 1).clamp(1, SHADES))
            }
            Some(_) if r.mentions > 0 => "mentioned".to_owned(),
            Some(_) => "shade-0".to_owned(),
        };
        let capital = match (r.capital_lon, r.capital_lat) {
            (Some(lon), Some(lat)) if record.is_some() => {
                let (x, y) = project([lon, lat]);
                Some((round1(x), round1(y)))
            }
            _ => None,
        };
        countries.push(MapCountry {
            iso: r.iso.clone(),
            path: polygons_path(&polygons),
            label: record.as_ref().and_then(|r| {
                let at = r_label.map(|(lon, lat)| [lon, lat]);
                let mut l = label_place(&polygons, &r.title, at)?;
                // Keep the name off its capital's dot.
                if let Some((cx, cy)) = capital
                    && (cx - l.x).abs() < l.size * 3.0
                    && (cy - l.y).abs() < l.size
                {
                    l.y = round1(cy - l.size);
                }
                Some(l)
            }),
            class,
            record,
            outcomes: r.outcomes,
            specific: r.specific,
            mentions: r.mentions,
            capital,
            capital_name: r.capital_name.clone(),
            latest: Vec::new(),
            latest_total: usize::try_from(r.latest_total).unwrap_or(0),
            latest_kinds: Kind::ALL
                .into_iter()
                .filter(|k| r.latest_kinds.split(' ').any(|x| x == k.as_str()))
                .collect(),
        });
    }

    let hi = own.iter().copied().max().unwrap_or(0);
    let legend = if own.is_empty() {
        Vec::new()
    } else {
        (1..=SHADES)
            .filter_map(|level| {
                let a = lo + (level - 1) * step;
                let b = (a + step - 1).min(hi);
                (a <= hi).then(|| LegendStep {
                    class: format!("shade-{level}"),
                    label: if a == b {
                        format!("{a}")
                    } else {
                        format!("{a}–{b}")
                    },
                })
            })
            .collect()
    };

    // Projects with the countries on the map they link, in the record's order.
    // Rows come grouped by project, so a project's rows are consecutive.
    let mut by_project: Vec<(RecordRef, Vec<&MapCountry>)> = Vec::new();
    for p in projects {
        let Some(country) = countries
            .iter()
            .find(|c| c.record.as_ref().is_some_and(|r| r.slug == p.country))
        else {
            continue;
        };
        match by_project.last_mut() {
            Some((r, cs)) if r.slug == p.slug => cs.push(country),
            _ => by_project.push((
                RecordRef::new(Kind::Project, &p.slug, &p.title, p.english.as_deref()),
                vec![country],
            )),
        }
    }

    let mut routes = Vec::new();
    let mut region_wide = Vec::new();
    let mut single = Vec::new();
    // How many curves already join each pair of capitals, to fan out the next.
    let mut pair_use: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (project, cs) in by_project {
        let drawn: Vec<&&MapCountry> = cs.iter().filter(|c| c.capital.is_some()).collect();
        match drawn.len() {
            0 => {}
            1 => single.push((project, drawn[0].record.clone().expect("has record"))),
            n if n <= MAX_COUNTRIES_DRAWN => {
                let mut path = String::new();
                let mut badge = (0.0, 0.0);
                for (i, pair) in drawn.windows(2).enumerate() {
                    let (a, b) = (pair[0], pair[1]);
                    // Orient each pair canonically so fanned curves do not cross.
                    let key = if a.iso <= b.iso {
                        (a.iso.clone(), b.iso.clone())
                    } else {
                        (b.iso.clone(), a.iso.clone())
                    };
                    let used = pair_use.entry(key).or_insert(0);
                    let k = *used;
                    *used += 1;
                    // Curves fan out to alternate sides: +14, −14, +28, −28 …
                    let side = if k.is_multiple_of(2) { 1.0 } else { -1.0 };
                    let orient = if a.iso <= b.iso { 1.0 } else { -1.0 };
                    let bulge = orient * side * 14.0 * (k / 2 + 1) as f64;
                    let (p0, p1) = (a.capital.expect("drawn"), b.capital.expect("drawn"));
                    let (mx, my) = ((p0.0 + p1.0) / 2.0, (p0.1 + p1.1) / 2.0);
                    let (dx, dy) = (p1.0 - p0.0, p1.1 - p0.1);
                    let len = (dx * dx + dy * dy).sqrt().max(1.0);
                    let c = (mx - dy / len * bulge, my + dx / len * bulge);
                    if i == 0 {
                        path.push_str(&format!("M{} {}", round1(p0.0), round1(p0.1)));
                        badge = (
                            round1(0.25 * p0.0 + 0.5 * c.0 + 0.25 * p1.0),
                            round1(0.25 * p0.1 + 0.5 * c.1 + 0.25 * p1.1),
                        );
                    }
                    path.push_str(&format!(
                        "Q{} {} {} {}",
                        round1(c.0),
                        round1(c.1),
                        round1(p1.0),
                        round1(p1.1)
                    ));
                }
                routes.push(MapRoute {
                    number: routes.len() + 1,
                    countries: drawn.iter().filter_map(|c| c.record.clone()).collect(),
                    project,
                    path,
                    badge,
                });
            }
            n => region_wide.push((project, n)),
        }
    }

    let total = |n: i64| usize::try_from(n).unwrap_or(0);
    let (routes_total, region_wide_total, single_total) = (
        total(counts.routes),
        total(counts.region_wide),
        total(counts.single),
    );
    routes.truncate(ROUTES_SHOWN);
    region_wide.truncate(MAP_SHOWN);
    single.truncate(MAP_SHOWN);
    MapView {
        routes_total,
        region_wide_total,
        single_total,
        region_wide_outcomes,
        region_countries,
        width: round1((EAST - WEST) * LON_FACTOR * SCALE),
        height: round1((NORTH - SOUTH) * SCALE),
        countries,
        routes,
        legend,
        region_wide,
        single,
    }
}

/// One dated record on the timeline.
pub struct TimelineEntry {
    pub record: RecordRef,
    pub kind_label: &'static str,
    pub date: String,
    pub stated: bool,
    pub basis_zh: &'static str,
    pub basis_en: &'static str,
    pub derivation: Option<String>,
    pub paragraph: Option<(i64, String)>,
    pub start: f64,
    pub end: f64,
    /// The record's status statements: (date, status, year fraction).
    pub statuses: Vec<(String, String, f64)>,
    sort_key: String,
}

pub struct YearGroup {
    pub year: i32,
    pub entries: Vec<TimelineEntry>,
}

/// A year of the whole timeline, for the links to each year: how many
/// entries it has in all and where it starts (a jump on its page, or the
/// page's address with the jump).
pub struct YearLink {
    pub year: i32,
    pub count: usize,
    pub url: String,
}

/// A mark on the axis, one row each: a dot for a date, a bar for a range,
/// with its date and name written beside it. The row is the link, so every
/// mark is a target as tall as the row and as wide as the chart.
pub struct Mark {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub bar: bool,
    pub stated: bool,
    pub url: String,
    /// The full date and name, for the link's title.
    pub title: String,
    /// The written label, shortened to the room beside the mark.
    pub label: String,
    pub label_x: f64,
    /// `start` (right of the mark) or `end` (left of it).
    pub label_anchor: &'static str,
    /// The row: top and height.
    pub row_y: f64,
    /// The record's dated status statements, as points on its row.
    pub statuses: Vec<StatusPoint>,
}

/// A status statement on a record's row: where its date falls, and what
/// it says (for the point's title and the list).
pub struct StatusPoint {
    pub x: f64,
    pub date: String,
    pub status: String,
}

pub struct Tick {
    pub x: f64,
    pub label: Option<i32>,
}

pub struct TimelineView {
    pub width: f64,
    pub height: f64,
    pub axis_y: f64,
    /// Height of one row (one mark).
    pub row: f64,
    /// Where the rows end, for the year lines.
    pub rows_bottom: f64,
    pub ticks: Vec<Tick>,
    pub marks: Vec<Mark>,
    /// The page's entries by year.
    pub years: Vec<YearGroup>,
    /// Every year of the timeline, on whichever page it starts.
    pub year_links: Vec<YearLink>,
    /// Over the whole timeline, not the page alone.
    pub stated: usize,
    pub derived: usize,
}

const AXIS_WIDTH: f64 = 720.0;
const AXIS_MARGIN: f64 = 24.0;
/// A row per mark: at the chart's desktop width (about 1.35 px per unit)
/// 24 units are over 30 px, a target a finger can hit.
const ROW: f64 = 24.0;
const DOT: f64 = 10.0;
/// The axis and its year labels, above the rows.
const AXIS_TOP: f64 = 30.0;
const LABEL_SIZE: f64 = 13.0;

/// Roughly how wide `s` is at the label size: CJK characters a full em,
/// others about half of one.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
        .sum::<f64>()
        * LABEL_SIZE
}

/// `s` cut to fit `room`, with an ellipsis when cut.
fn fit(s: &str, room: f64) -> String {
    if text_width(s) <= room {
        return s.to_owned();
    }
    let mut out = String::new();
    for c in s.chars() {
        out.push(c);
        if text_width(&out) + LABEL_SIZE > room {
            out.pop();
            break;
        }
    }
    out.push('…');
    out
}

/// Builds the timeline from dated records; records whose date does not parse
/// (the loader refuses them, so only an old database could hold one) are
/// left out rather than guessed at. `statuses` are the records' dated
/// status statements (only those that exist: no row gets one it lacks).
pub fn build_timeline(rows: &[DatedRow], statuses: &[StatusPointRow]) -> TimelineView {
    let entries = timeline_entries(rows, statuses);
    let all = 0..entries.len();
    lay_out_timeline(entries, all, |_| String::new())
}

/// The timeline's entries in date order (ties in the records' order, so
/// the order is stable and a page of it always holds the same entries).
pub fn timeline_entries(rows: &[DatedRow], statuses: &[StatusPointRow]) -> Vec<TimelineEntry> {
    let mut entries: Vec<TimelineEntry> = rows
        .iter()
        .filter_map(|r| {
            let span = DateSpan::parse(&r.date).ok()?;
            let basis = r
                .basis
                .as_deref()
                .and_then(Basis::parse)
                .unwrap_or(Basis::Stated);
            let (zh, en) = basis.labels();
            Some(TimelineEntry {
                record: RecordRef::new(r.kind, &r.slug, &r.title, r.english.as_deref()),
                kind_label: r.kind.label_zh(),
                date: span.to_string(),
                stated: basis == Basis::Stated,
                basis_zh: zh,
                basis_en: en,
                derivation: r.derivation.clone(),
                paragraph: match (&r.source_slug, r.paragraph) {
                    (Some(s), Some(n)) => Some((n, paragraph_url(s, n))),
                    _ => None,
                },
                start: span.start.as_year_fraction(),
                end: span.end_point().end_as_year_fraction(),
                statuses: Vec::new(),
                sort_key: span.sort_key(),
            })
        })
        .collect();
    entries.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
    attach_statuses(&mut entries, statuses);
    entries
}

/// Gives each entry its record's status statements among `statuses`: the
/// timeline asks only for those of the page it lays out.
pub fn attach_statuses(entries: &mut [TimelineEntry], statuses: &[StatusPointRow]) {
    // Found by key: scanning them all for every record made the timeline
    // quadratic (3.4 s at 1000 times the corpus).
    let mut statuses_of: std::collections::HashMap<(Kind, &str), Vec<&StatusPointRow>> =
        std::collections::HashMap::new();
    for st in statuses {
        statuses_of.entry((st.kind, &st.slug)).or_default().push(st);
    }
    for e in entries {
        e.statuses = statuses_of
            .get(&(e.record.kind, e.record.slug.as_str()))
            .into_iter()
            .flatten()
            .filter_map(|st| {
                let at = DateSpan::parse(&st.date).ok()?.start.as_year_fraction();
                Some((st.date.clone(), st.status.clone(), at))
            })
            .collect();
    }
}

/// Lays out the entries at positions `page` (a page of the whole, or all
/// of it): the axis, marks and list hold that page's entries alone, so the
/// picture stays the same size however many dated records there are; the
/// counts and the links to each year are over the whole. `page_url` gives
/// the address of the page (from 1) an entry's position is on, for a year
/// that starts outside this page.
pub fn lay_out_timeline(
    entries: Vec<TimelineEntry>,
    page: std::ops::Range<usize>,
    page_url: impl Fn(usize) -> String,
) -> TimelineView {
    let whole = TimelineWhole::of(&entries);
    let entries: Vec<TimelineEntry> = entries
        .into_iter()
        .skip(page.start)
        .take(page.len())
        .collect();
    lay_out_timeline_page(entries, &whole, page_url)
}

/// What the timeline counts over all its entries, whichever page it shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimelineWhole {
    pub stated: usize,
    pub derived: usize,
    /// Each year with entries, in date order, and how many it has.
    pub years: Vec<(i32, usize)>,
}

impl TimelineWhole {
    /// The counts of `entries`, in date order.
    pub fn of(entries: &[TimelineEntry]) -> TimelineWhole {
        let mut whole = TimelineWhole::default();
        for e in entries {
            if e.stated {
                whole.stated += 1;
            } else {
                whole.derived += 1;
            }
            let year = e.start.floor() as i32;
            match whole.years.last_mut() {
                Some((y, n)) if *y == year => *n += 1,
                _ => whole.years.push((year, 1)),
            }
        }
        whole
    }
}

/// Lays out one page of the timeline: `entries` are the page's, in date
/// order, of the whole that `whole` counts.
pub fn lay_out_timeline_page(
    entries: Vec<TimelineEntry>,
    whole: &TimelineWhole,
    page_url: impl Fn(usize) -> String,
) -> TimelineView {
    let (stated, derived) = (whole.stated, whole.derived);
    let mut year_links: Vec<YearLink> = Vec::new();
    let mut at = 0;
    for &(year, count) in &whole.years {
        // A year with entries on this page is a jump within it.
        let here = entries.iter().any(|e| e.start.floor() as i32 == year);
        year_links.push(YearLink {
            year,
            count,
            url: if here {
                format!("#y{year}")
            } else {
                format!("{}#y{year}", page_url(at))
            },
        });
        at += count;
    }

    // The axis spans the records' dates and their statuses' dates.
    let first = entries
        .iter()
        .flat_map(|e| std::iter::once(e.start).chain(e.statuses.iter().map(|s| s.2)))
        .fold(f64::MAX, f64::min)
        .floor();
    let last = entries
        .iter()
        .flat_map(|e| std::iter::once(e.end).chain(e.statuses.iter().map(|s| s.2)))
        .fold(f64::MIN, f64::max)
        .ceil();
    let (first, last) = if entries.is_empty() {
        (2000.0, 2001.0)
    } else {
        (first, last.max(first + 1.0))
    };
    let per_year = (AXIS_WIDTH - 2.0 * AXIS_MARGIN) / (last - first);
    let x_of = |t: f64| AXIS_MARGIN + (t - first) * per_year;

    // One row per entry, in date order: marks at the same time (eleven in
    // 2025) stand one under the other instead of on top of each other.
    let marks = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let x0 = x_of(e.start);
            let w = (x_of(e.end) - x0).max(DOT);
            let row_y = AXIS_TOP + i as f64 * ROW;
            let text = format!("{} {}", e.date, e.record.title);
            let right = AXIS_WIDTH - (x0 + w + 6.0);
            let left = x0 - 6.0;
            let (label_x, label_anchor, room) = if right >= left {
                (x0 + w + 6.0, "start", right)
            } else {
                (x0 - 6.0, "end", left)
            };
            Mark {
                x: round1(x0),
                y: round1(row_y + (ROW - DOT) / 2.0),
                width: round1(w),
                bar: w > DOT,
                stated: e.stated,
                url: e.record.url.clone(),
                title: format!("{}：{}（{}）", e.date, e.record.title, e.basis_zh),
                label: fit(&text, room),
                label_x: round1(label_x),
                label_anchor,
                row_y: round1(row_y),
                statuses: e
                    .statuses
                    .iter()
                    .map(|(date, status, at)| StatusPoint {
                        x: round1(x_of(*at)),
                        date: date.clone(),
                        status: status.clone(),
                    })
                    .collect(),
            }
        })
        .collect();

    let ticks = (first as i32..=last as i32)
        .map(|y| Tick {
            x: round1(x_of(f64::from(y))),
            label: Some(y),
        })
        .collect();

    let rows_bottom = AXIS_TOP + entries.len() as f64 * ROW;
    let mut years: Vec<YearGroup> = Vec::new();
    for e in entries {
        let year = e.start.floor() as i32;
        match years.last_mut() {
            Some(g) if g.year == year => g.entries.push(e),
            _ => years.push(YearGroup {
                year,
                entries: vec![e],
            }),
        }
    }
    TimelineView {
        width: AXIS_WIDTH,
        height: round1(rows_bottom + 8.0),
        axis_y: AXIS_TOP - 4.0,
        row: ROW,
        rows_bottom: round1(rows_bottom),
        ticks,
        marks,
        years,
        year_links,
        stated,
        derived,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(
        iso: &str,
        slug: Option<&str>,
        outcomes: i64,
        capital: Option<LonLat>,
    ) -> MapCountryRow {
        MapCountryRow {
            iso: iso.into(),
            polygons: "[[[[70,40],[72,40],[72,42],[70,42],[70,40]]]]".into(),
            capital_lon: capital.map(|c| c[0]),
            capital_lat: capital.map(|c| c[1]),
            label_lon: None,
            label_lat: None,
            slug: slug.map(Into::into),
            title: slug.map(|s| s.to_uppercase()),
            english: None,
            capital_name: None,
            capital_name_en: None,
            outcomes,
            specific: outcomes,
            mentions: 0,
            latest_total: 0,
            latest_kinds: String::new(),
        }
    }

    fn link(project: &str, country: &str) -> ProjectCountryRow {
        ProjectCountryRow {
            slug: project.into(),
            title: project.into(),
            english: None,
            country: country.into(),
        }
    }

    #[test]
    fn shades_by_outcomes_and_sorts_projects_into_lines_and_lists() {
        let rows = [
            country("CN", Some("china"), 8, Some([116.4, 39.9])),
            country("KG", Some("kyrgyzstan"), 2, Some([74.6, 42.9])),
            country("UZ", Some("uzbekistan"), 1, Some([69.3, 41.3])),
            country("KZ", Some("kazakhstan"), 0, Some([71.4, 51.1])),
            country("MN", None, 0, None),
            MapCountryRow {
                mentions: 2,
                ..country("AF", Some("afghanistan"), 0, Some([69.2, 34.5]))
            },
        ];
        let projects = [
            link("railway", "china"),
            link("railway", "kyrgyzstan"),
            link("railway", "uzbekistan"),
            link("wide", "china"),
            link("wide", "kyrgyzstan"),
            link("wide", "uzbekistan"),
            link("wide", "kazakhstan"),
            link("school", "china"),
        ];
        let map = build_map(
            &rows,
            &projects,
            MapProjectCounts {
                single: 1,
                routes: 1,
                region_wide: 1,
            },
            (5, 4),
        );
        let class = |iso: &str| {
            map.countries
                .iter()
                .find(|c| c.iso == iso)
                .unwrap()
                .class
                .clone()
        };
        assert_eq!(class("CN"), "shade-4");
        assert_eq!(class("KG"), "shade-1");
        assert_eq!(class("KZ"), "shade-0");
        assert_eq!(class("MN"), "context");
        // Mentioned only: apart from the countries with outcomes of their own.
        assert_eq!(class("AF"), "mentioned");
        assert_eq!(map.mentioned()[0].iso, "AF");
        assert_eq!(map.routes.len(), 1);
        assert_eq!(map.routes[0].project.slug, "railway");
        assert_eq!(
            map.routes[0].path.matches('Q').count(),
            2,
            "{}",
            map.routes[0].path
        );
        assert_eq!(map.region_wide[0].0.slug, "wide");
        assert_eq!(map.single[0].0.slug, "school");
        let legend: Vec<&str> = map.legend.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(legend, ["1–2", "3–4", "5–6", "7–8"]);
    }

    #[test]
    fn bands_span_the_data_not_zero_to_the_maximum() {
        // Six countries with 35–40 outcomes each fell in one band when the
        // scale ran from 1; bands from the data's own range tell them apart.
        let rows: Vec<MapCountryRow> = [
            ("CN", 9),
            ("KZ", 6),
            ("KG", 4),
            ("TJ", 5),
            ("TM", 3),
            ("UZ", 5),
        ]
        .iter()
        .map(|(iso, n)| country(iso, Some(&iso.to_lowercase()), *n, None))
        .collect();
        let map = build_map(&rows, &[], MapProjectCounts::default(), (30, 6));
        let classes: Vec<&str> = map.countries.iter().map(|c| c.class.as_str()).collect();
        assert_eq!(
            classes,
            [
                "shade-4", "shade-2", "shade-1", "shade-2", "shade-1", "shade-2"
            ]
        );
        let legend: Vec<&str> = map.legend.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(legend, ["3–4", "5–6", "7–8", "9"]);
    }

    #[test]
    fn status_statements_are_points_on_their_records_row() {
        let point = |slug: &str, date: &str| StatusPointRow {
            kind: Kind::Event,
            slug: slug.into(),
            status: format!("{slug} {date}"),
            status_en: None,
            date: date.into(),
        };
        let t = build_timeline(
            &[
                dated("a", "2013", "derived"),
                dated("c", "2025-06-16/2025-06-18", "stated"),
            ],
            &[
                point("c", "2025-06-18"),
                point("c", "2026-01-05"),
                point("gone", "2025-06-18"),
            ],
        );
        assert!(t.marks[0].statuses.is_empty());
        let c = &t.marks[1];
        assert_eq!(c.statuses.len(), 2);
        assert!(c.statuses[0].x < c.statuses[1].x);
        // The later statement stretches the axis to 2027's tick, inside the chart.
        assert_eq!(t.ticks.last().and_then(|k| k.label), Some(2027));
        assert!(c.statuses.iter().all(|p| p.x > 0.0 && p.x < t.width));
        assert_eq!(t.years[1].entries[0].statuses.len(), 2);
    }

    #[test]
    fn long_labels_are_cut_to_their_room() {
        assert_eq!(fit("2025年 短", 200.0), "2025年 短");
        let cut = fit("一二三四五六七八九十", 60.0);
        assert!(cut.ends_with('…') && text_width(&cut) <= 60.0, "{cut}");
    }

    #[test]
    fn paths_are_whole_pixels_with_relative_moves() {
        let d = polygons_path(&[vec![vec![
            [44.0, 58.0],
            [45.0, 58.0],
            [45.0, 57.0],
            [44.0, 58.0],
        ]]]);
        assert_eq!(d, "M0 0l8 0l0 10l-8 -10Z");
    }

    fn dated(slug: &str, date: &str, basis: &str) -> DatedRow {
        DatedRow {
            kind: Kind::Event,
            slug: slug.into(),
            title: slug.into(),
            english: None,
            date: date.into(),
            basis: Some(basis.into()),
            derivation: (basis == "derived").then(|| "2025 − 12".into()),
            derivation_en: None,
            source_slug: Some("s".into()),
            paragraph: Some(9),
        }
    }

    #[test]
    fn timeline_orders_groups_and_stacks_overlaps() {
        let t = build_timeline(
            &[
                dated("c", "2025-06-16/2025-06-18", "stated"),
                dated("a", "2013", "derived"),
                dated("b", "2025", "derived"),
                dated("bad", "June", "stated"),
            ],
            &[],
        );
        let order: Vec<&str> = t
            .years
            .iter()
            .flat_map(|y| y.entries.iter().map(|e| e.record.slug.as_str()))
            .collect();
        assert_eq!(order, ["a", "b", "c"]);
        assert_eq!(
            t.years.iter().map(|y| y.year).collect::<Vec<_>>(),
            [2013, 2025]
        );
        assert_eq!((t.stated, t.derived), (1, 2));
        // One row each: 2025 and its June summit are told apart.
        let ys: Vec<f64> = t.marks.iter().map(|m| m.y).collect();
        assert!(ys.windows(2).all(|w| w[1] - w[0] >= ROW), "{ys:?}");
        // Labels beside their marks, inside the chart.
        for m in &t.marks {
            assert!(!m.label.is_empty());
            let w = text_width(&m.label);
            match m.label_anchor {
                "start" => assert!(m.label_x + w <= AXIS_WIDTH + 0.5, "{}", m.label),
                _ => assert!(m.label_x - w >= -0.5, "{}", m.label),
            }
        }
        assert_eq!(
            t.years[0].entries[0].paragraph.as_ref().unwrap().1,
            "/sources/s/p/9"
        );
    }
}
