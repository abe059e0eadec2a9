//! Which content coding an answer is sent in, decided once per request.
//!
//! The answer cache keys what it keeps on this decision, and the compressor
//! inside the application sees only its outcome (the request's
//! `Accept-Encoding` is replaced by the one coding chosen), so a stored answer
//! can only be sent to clients that accept its coding. Keying on substrings
//! of the raw header let one `Accept-Encoding: GZIP` store gzip bytes under
//! the key for clients that accept nothing.
//!
//! The rules are RFC 9110 §12.5.3: codings are case-insensitive, `x-gzip`
//! is `gzip`, `*` stands for every coding not named, a q-value of 0 refuses,
//! the header may come in several fields, and a request without it gets no
//! coding. Elements that do not parse are ignored, as unknown codings are.

use axum::http::{HeaderMap, HeaderValue, header};

/// A content coding this server sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Coding {
    Br,
    Gzip,
    Identity,
}

impl Coding {
    /// In order of preference when the client weighs codings the same:
    /// brotli is the smallest, identity the largest.
    const PREFERENCE: [Coding; 3] = [Coding::Br, Coding::Gzip, Coding::Identity];

    /// The coding's name in `Accept-Encoding` and `Content-Encoding`.
    pub fn as_str(self) -> &'static str {
        match self {
            Coding::Br => "br",
            Coding::Gzip => "gzip",
            Coding::Identity => "identity",
        }
    }

    /// The coding a response is in, from its `Content-Encoding`; `None` for
    /// a coding this server does not send (a response from elsewhere).
    pub fn of_response(headers: &HeaderMap) -> Option<Coding> {
        match headers.get(header::CONTENT_ENCODING) {
            None => Some(Coding::Identity),
            Some(v) => match parse_coding(v.to_str().ok()?.trim())? {
                Named::Coding(c) => Some(c),
                Named::Any => None,
            },
        }
    }

    /// The header value that leaves the compressor no other choice.
    pub fn as_accept_encoding(self) -> HeaderValue {
        HeaderValue::from_static(self.as_str())
    }
}

enum Named {
    Coding(Coding),
    Any,
}

fn parse_coding(name: &str) -> Option<Named> {
    let is = |s: &str| name.eq_ignore_ascii_case(s);
    if is("br") {
        Some(Named::Coding(Coding::Br))
    } else if is("gzip") || is("x-gzip") {
        Some(Named::Coding(Coding::Gzip))
    } else if is("identity") {
        Some(Named::Coding(Coding::Identity))
    } else if name == "*" {
        Some(Named::Any)
    } else {
        None
    }
}

/// A q-value in thousandths (RFC 9110 §12.4.2: `0` to `1` with at most three
/// decimals); `None` if it does not parse.
fn parse_q(s: &str) -> Option<u16> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = frac
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u16, |n, b| n * 10 + u16::from(b - b'0'));
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// One element of the header: a coding and its weight, or `None` if it does
/// not parse.
fn parse_element(element: &str) -> Option<(Named, u16)> {
    let mut parts = element.split(';');
    let name = parse_coding(parts.next()?.trim())?;
    let mut q = 1000;
    for param in parts {
        let (key, value) = param.split_once('=')?;
        if key.trim().eq_ignore_ascii_case("q") {
            q = parse_q(value.trim())?;
        }
    }
    Some((name, q))
}

/// The elements of a comma-separated header list (RFC 9110 §5.6.1), over
/// all of its fields, trimmed; fields that are not text are skipped. One
/// reading for every list header the transport looks at: `Accept-Encoding`
/// here, `If-None-Match`, `Cache-Control` and `Vary` in the answer cache.
pub(super) fn list_elements<'a>(
    fields: impl IntoIterator<Item = &'a HeaderValue>,
) -> impl Iterator<Item = &'a str> {
    fields
        .into_iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
}

/// The coding to answer `headers` in: the acceptable one the client weighs
/// highest, brotli before gzip before identity on a tie. `None` when the
/// client refuses every coding this server has (`identity;q=0` alone,
/// `*;q=0`): the answer is then `406`.
pub fn negotiate(headers: &HeaderMap) -> Option<Coding> {
    let mut fields = headers.get_all(header::ACCEPT_ENCODING).iter().peekable();
    if fields.peek().is_none() {
        return Some(Coding::Identity);
    }
    // Weights as listed; a coding listed twice keeps its lowest weight, so
    // a refusal is never outvoted.
    let mut listed: [Option<u16>; 3] = [None; 3];
    let mut any: Option<u16> = None;
    let keep_lowest = |slot: &mut Option<u16>, q: u16| *slot = Some(slot.map_or(q, |o| o.min(q)));
    for element in list_elements(fields) {
        match parse_element(element) {
            Some((Named::Coding(c), q)) => keep_lowest(&mut listed[c as usize], q),
            Some((Named::Any, q)) => keep_lowest(&mut any, q),
            None => {}
        }
    }
    let weight = |c: Coding| match (listed[c as usize], any, c) {
        (Some(q), _, _) | (None, Some(q), _) => q,
        // Identity is acceptable unless refused, but any coding the client
        // names is preferred to it.
        (None, None, Coding::Identity) => 1,
        (None, None, _) => 0,
    };
    Coding::PREFERENCE
        .into_iter()
        .filter(|c| weight(*c) > 0)
        // `max_by_key` keeps the last of equals: reverse, so the first wins.
        .rev()
        .max_by_key(|c| weight(*c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(values: &[&str]) -> Option<Coding> {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        }
        negotiate(&headers)
    }

    #[test]
    fn rfc_9110_rules() {
        use Coding::*;
        assert_eq!(pick(&[]), Some(Identity));
        assert_eq!(pick(&[""]), Some(Identity));
        assert_eq!(pick(&["gzip, deflate, br, zstd"]), Some(Br));
        assert_eq!(pick(&["GZIP"]), Some(Gzip));
        assert_eq!(pick(&["x-gzip"]), Some(Gzip));
        assert_eq!(pick(&["*"]), Some(Br));
        assert_eq!(pick(&["br;q=0, *"]), Some(Gzip));
        assert_eq!(pick(&["br;q=0.5, gzip;q=0.8"]), Some(Gzip));
        assert_eq!(pick(&["br;Q=1.000, gzip"]), Some(Br));
        assert_eq!(pick(&["gzip;q=0"]), Some(Identity));
        assert_eq!(pick(&["gzip;q=0.001"]), Some(Gzip));
        assert_eq!(pick(&["identity;q=0"]), None);
        assert_eq!(pick(&["*;q=0"]), None);
        assert_eq!(pick(&["*;q=0, identity"]), Some(Identity));
        assert_eq!(pick(&["gzip, identity;q=0"]), Some(Gzip));
        assert_eq!(pick(&["gzip", "br"]), Some(Br));
        assert_eq!(pick(&["gzip, gzip;q=0"]), Some(Identity));
        assert_eq!(pick(&["zstd, deflate"]), Some(Identity));
        assert_eq!(pick(&["gzip;q=2, br;q=x, ;;"]), Some(Identity));
        assert_eq!(pick(&["gzip;q=0.5", "identity;q=1"]), Some(Identity));
    }

    #[test]
    fn q_values() {
        assert_eq!(parse_q("1"), Some(1000));
        assert_eq!(parse_q("1.000"), Some(1000));
        assert_eq!(parse_q("1.001"), None);
        assert_eq!(parse_q("0.5"), Some(500));
        assert_eq!(parse_q("0.05"), Some(50));
        assert_eq!(parse_q("0"), Some(0));
        assert_eq!(parse_q("0.0001"), None);
        assert_eq!(parse_q("-1"), None);
        assert_eq!(parse_q(".5"), None);
    }
}
