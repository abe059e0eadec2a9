//! Dates as curators write them in seed files, and as the timeline needs them.
//!
//! A source rarely gives a full date: it says 2023, June 2025, or “twelve
//! years ago”. So a date here is a year, a month or a day, or a range of two
//! of them (`2025-06-16/2025-06-18`, `2025/2026`), and keeps its precision so
//! that pages never show more certainty than the source has.

use std::fmt;

/// One point in time at the precision the source allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Point {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// A date or a range of dates, from a seed file's `date` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateSpan {
    pub start: Point,
    pub end: Option<Point>,
}

impl Point {
    fn parse(s: &str) -> Result<Point, String> {
        let mut parts = s.split('-');
        let year = parts.next().unwrap_or_default();
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("`{s}`: the year must have four digits"));
        }
        let year: i32 = year.parse().map_err(|_| format!("`{s}`: bad year"))?;
        let month = parts
            .next()
            .map(|m| number(m, 1, 12, s, "month"))
            .transpose()?;
        let day = parts
            .next()
            .map(|d| {
                let max = days_in_month(year, month.unwrap_or(1));
                number(d, 1, max, s, "day")
            })
            .transpose()?;
        if parts.next().is_some() {
            return Err(format!("`{s}`: write YYYY, YYYY-MM or YYYY-MM-DD"));
        }
        Ok(Point { year, month, day })
    }

    /// Position on a continuous axis, in years: the middle of the period the
    /// point stands for is not wanted here, its beginning is.
    pub fn as_year_fraction(self) -> f64 {
        let month = f64::from(self.month.unwrap_or(1) - 1);
        let day = f64::from(self.day.unwrap_or(1) - 1);
        f64::from(self.year) + (month + day / 31.0) / 12.0
    }

    /// The last moment the point covers: 2025 runs to the end of December.
    pub fn end_as_year_fraction(self) -> f64 {
        match (self.month, self.day) {
            (None, _) => f64::from(self.year + 1),
            (Some(m), None) => f64::from(self.year) + f64::from(m) / 12.0,
            (Some(_), Some(_)) => self.as_year_fraction() + 1.0 / 365.0,
        }
    }
}

fn number(s: &str, min: u8, max: u8, whole: &str, what: &str) -> Result<u8, String> {
    if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{whole}`: the {what} must have two digits"));
    }
    let n: u8 = s.parse().map_err(|_| format!("`{whole}`: bad {what}"))?;
    if n < min || n > max {
        return Err(format!("`{whole}`: no {what} {n}"));
    }
    Ok(n)
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl DateSpan {
    /// Parses `YYYY[-MM[-DD]]`, or two of those joined by `/`, the second not
    /// before the first.
    pub fn parse(s: &str) -> Result<DateSpan, String> {
        let s = s.trim();
        let (a, b) = match s.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        let start = Point::parse(a)?;
        let end = b.map(Point::parse).transpose()?;
        if let Some(end) = end
            && end.as_year_fraction() < start.as_year_fraction()
        {
            return Err(format!("`{s}`: the range ends before it begins"));
        }
        Ok(DateSpan { start, end })
    }

    /// A key that sorts spans chronologically as text.
    pub fn sort_key(&self) -> String {
        let p = self.start;
        format!(
            "{:04}-{:02}-{:02}",
            p.year,
            p.month.unwrap_or(0),
            p.day.unwrap_or(0)
        )
    }

    pub fn end_point(&self) -> Point {
        self.end.unwrap_or(self.start)
    }
}

/// Chinese reading order: 2025年6月16日—18日, 2025—2026年, 2023年.
impl fmt::Display for DateSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.start;
        let Some(e) = self.end else {
            return write_point(f, s);
        };
        match (s.month, e.month) {
            (None, None) => write!(f, "{}—{}年", s.year, e.year),
            _ if s.year == e.year && s.month == e.month => {
                write_point(f, s)?;
                match e.day {
                    Some(d) => write!(f, "—{d}日"),
                    None => Ok(()),
                }
            }
            _ => {
                write_point(f, s)?;
                f.write_str("—")?;
                write_point(f, e)
            }
        }
    }
}

/// What may join the two ends of a range in Chinese text.
const RANGE_SEPARATORS: [&str; 6] = ["至", "到", "—", "–", "-", "~"];

impl DateSpan {
    /// The ways a Chinese text writes this date, so that a date said to be
    /// stated can be found in the words cited for it: 2023年, 2025年6月,
    /// 2025年6月16日至18日, 2025至2026年, 2024年12月—2025年2月.
    pub fn written_forms(&self) -> Vec<String> {
        let s = self.start;
        let Some(e) = self.end.filter(|e| *e != s) else {
            return vec![zh(s, Unit::Year)];
        };
        // The end leaves out what it shares with the start: 16日至18日.
        let from = if s.year != e.year {
            Unit::Year
        } else if s.month != e.month || e.day.is_none() {
            Unit::Month
        } else {
            Unit::Day
        };
        let start = zh(s, Unit::Year);
        // The start may drop its last unit: 2025至2026年, 6月16至18日.
        let bare_start = start.trim_end_matches(['年', '月', '日']).to_owned();
        let mut out = Vec::new();
        for sep in RANGE_SEPARATORS {
            for a in [&start, &bare_start] {
                for b in [zh(e, from), zh(e, Unit::Year)] {
                    let form = format!("{a}{sep}{b}");
                    if !out.contains(&form) {
                        out.push(form);
                    }
                }
            }
        }
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Year,
    Month,
    Day,
}

/// A point written in Chinese from unit `from` on: 2025年6月16日, 6月16日, 16日.
fn zh(p: Point, from: Unit) -> String {
    let mut out = String::new();
    if from <= Unit::Year {
        out.push_str(&format!("{}年", p.year));
    }
    if let Some(m) = p.month.filter(|_| from <= Unit::Month) {
        out.push_str(&format!("{m}月"));
    }
    if let Some(d) = p.day {
        out.push_str(&format!("{d}日"));
    }
    out
}

fn write_point(f: &mut fmt::Formatter<'_>, p: Point) -> fmt::Result {
    write!(f, "{}年", p.year)?;
    if let Some(m) = p.month {
        write!(f, "{m}月")?;
    }
    if let Some(d) = p.day {
        write!(f, "{d}日")?;
    }
    Ok(())
}

/// Whether a date is given by the source or worked out from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The source names the date (“2023年在西安”).
    Stated,
    /// The date follows from the source by arithmetic (“12年前” in an article
    /// of 2025); the record says how, in `derivation`.
    Derived,
}

impl Basis {
    pub fn parse(s: &str) -> Option<Basis> {
        match s {
            "stated" => Some(Basis::Stated),
            "derived" => Some(Basis::Derived),
            _ => None,
        }
    }

    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            Basis::Stated => ("原文所述", "stated"),
            Basis::Derived => ("据原文推算", "derived"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_precision_and_ranges() {
        let d = DateSpan::parse("2025-06-16/2025-06-18").unwrap();
        assert_eq!(d.to_string(), "2025年6月16日—18日");
        assert_eq!(DateSpan::parse("2023").unwrap().to_string(), "2023年");
        assert_eq!(
            DateSpan::parse("2025/2026").unwrap().to_string(),
            "2025—2026年"
        );
        assert_eq!(DateSpan::parse("2025-06").unwrap().to_string(), "2025年6月");
        assert_eq!(
            DateSpan::parse("2024-12/2025-02").unwrap().to_string(),
            "2024年12月—2025年2月"
        );
        assert!(
            DateSpan::parse("2013").unwrap().sort_key()
                < DateSpan::parse("2013-01").unwrap().sort_key()
        );
    }

    #[test]
    fn dates_as_chinese_text_writes_them() {
        let forms = |d: &str| DateSpan::parse(d).unwrap().written_forms();
        assert_eq!(forms("2023"), vec!["2023年"]);
        assert_eq!(forms("2025-06"), vec!["2025年6月"]);
        assert_eq!(forms("2025-06-18"), vec!["2025年6月18日"]);
        let trip = forms("2025-06-16/2025-06-18");
        for w in [
            "2025年6月16日至18日",
            "2025年6月16至18日",
            "2025年6月16日—2025年6月18日",
        ] {
            assert!(trip.contains(&w.to_owned()), "{w} in {trip:?}");
        }
        assert!(!trip.contains(&"2025年6月17日至18日".to_owned()));
        let years = forms("2025/2026");
        for w in ["2025至2026年", "2025年至2026年", "2025—2026年"] {
            assert!(years.contains(&w.to_owned()), "{w} in {years:?}");
        }
        assert!(forms("2024-12/2025-02").contains(&"2024年12月至2025年2月".to_owned()));
        assert!(forms("2025-06/2025-08").contains(&"2025年6月至8月".to_owned()));
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for bad in [
            "",
            "25",
            "2025-6",
            "2025-13",
            "2025-02-30",
            "2023-02-29",
            "2025/2024",
            "2025-06-16-1",
            "二〇二五",
            "2025年",
            "2025/",
            "/2025",
        ] {
            assert!(DateSpan::parse(bad).is_err(), "{bad}");
        }
        assert!(DateSpan::parse("2024-02-29").is_ok());
    }

    #[test]
    fn axis_positions_cover_the_period() {
        let y = DateSpan::parse("2025").unwrap().start;
        assert_eq!(y.as_year_fraction(), 2025.0);
        assert_eq!(y.end_as_year_fraction(), 2026.0);
        let m = DateSpan::parse("2025-07").unwrap().start;
        assert!((m.as_year_fraction() - 2025.5).abs() < 1e-9);
    }
}
