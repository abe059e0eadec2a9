//! Text folding shared by indexing and querying: both sides go through
//! [`fold`], so a query matches whatever form the text was written in.
//!
//! Choices:
//! - Traditional → simplified with `fast2s`: table-driven, MIT, and strictly
//!   one character out per character in, so offsets into the original text
//!   survive and highlights land on the right characters. (`zhconv` is GPL;
//!   `charabia` folds 铁 to the Japanese 鉄.)
//! - Compatibility decomposition (NFKD, `unicode-normalization`) turns
//!   full-width letters and digits into ASCII and splits tone marks off pinyin
//!   (`Zhōngjíwū` → `zhongjiwu`); the combining marks are then dropped.
//! - Dashes and quote marks of every script fold to `-` and `"`.
//! - Pinyin with the `pinyin` crate, plus a few curated readings for
//!   characters with more than one (重申 is chong, not zhong).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folded text, with, for each folded character, the index of the original
/// character it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    pub text: String,
    pub origin: Vec<usize>,
}

/// Folds `s` for matching: simplified Chinese, half-width, lowercase, no tone
/// marks, one kind of dash and quote, runs of white space as one space.
pub fn fold(s: &str) -> String {
    fold_mapped(s).text
}

/// [`fold`], keeping the way back to the original characters.
pub fn fold_mapped(s: &str) -> Folded {
    // Compatibility decomposition first (ｆｕｌｌ → full, 來 U+F92D → 來, 🉇 →
    // 〔勝〕), so that simplification sees every ideograph, however encoded;
    // each piece remembers the character it came from.
    let mut expanded = String::with_capacity(s.len());
    let mut from = Vec::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        for d in std::iter::once(c).nfkd() {
            if !is_combining_mark(d) {
                expanded.push(d);
                from.push(i);
            }
        }
    }
    // fast2s maps each char to exactly one char, so zip keeps alignment.
    let simplified = fast2s::convert(&expanded);
    let mut text = String::with_capacity(expanded.len());
    let mut origin = Vec::with_capacity(from.len());
    let mut last_space = true;
    for (d, &i) in simplified.chars().zip(&from) {
        let d = fold_punct(d);
        if d.is_whitespace() {
            if !last_space {
                text.push(' ');
                origin.push(i);
                last_space = true;
            }
            continue;
        }
        // Lowercasing can add a combining mark (İ → i̇): drop it as above.
        for l in d.to_lowercase().filter(|l| !is_combining_mark(*l)) {
            text.push(l);
            origin.push(i);
        }
        last_space = false;
    }
    if text.ends_with(' ') {
        text.pop();
        origin.pop();
    }
    Folded { text, origin }
}

fn fold_punct(c: char) -> char {
    match c {
        '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '\u{2E3A}'
        | '\u{2E3B}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{FF0D}' => '-',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}'
        | '\u{300C}' | '\u{300D}' | '\u{300E}' | '\u{300F}' | '\u{FF02}' => '"',
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{FF07}' => '\'',
        '\u{3000}' => ' ',
        c if c.is_control() => ' ',
        c => c,
    }
}

/// Words whose reading differs from the first reading the `pinyin` crate
/// gives for one of their characters. Matched longest first.
const READINGS: &[(&str, &[&str])] = &[
    ("重申", &["chong", "shen"]),
    ("重庆", &["chong", "qing"]),
    ("单边", &["dan", "bian"]),
    ("行动", &["xing", "dong"]),
    ("银行", &["yin", "hang"]),
    ("长期", &["chang", "qi"]),
    ("秘书长", &["mi", "shu", "zhang"]),
    ("鲁班", &["lu", "ban"]),
    ("卡", &["ka"]),
    ("塔", &["ta"]),
    ("曾", &["zeng"]),
    ("朝", &["chao"]),
];

/// Pinyin of `s` without tones or spaces (`中吉乌铁路` → `zhongjiwutielu`),
/// and the initials (`zjwtl`). Non-Chinese letters and digits are kept as
/// folded; everything else is dropped.
pub fn pinyin(s: &str) -> (String, String) {
    let pieces = pieces(s);
    let full: String = pieces.iter().map(|(p, _)| p.as_str()).collect();
    let initials: String = pieces
        .iter()
        .filter(|(_, reading)| *reading)
        .filter_map(|(p, _)| p.chars().next())
        .collect();
    (full, initials)
}

/// The pinyin of `s` syllable by syllable (`中吉乌铁路` → `zhong ji wu tie
/// lu`); each Latin letter or digit of `s` is kept as a one-character
/// piece, so the pieces concatenate to [`pinyin`]'s full form.
pub fn syllables(s: &str) -> Vec<String> {
    pieces(s).into_iter().map(|(p, _)| p).collect()
}

/// [`syllables`], each marked whether it is the reading of a character.
fn pieces(s: &str) -> Vec<(String, bool)> {
    use pinyin::ToPinyin;
    let folded = fold(s);
    let chars: Vec<char> = folded.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    'outer: while i < chars.len() {
        for (word, readings) in READINGS {
            let n = word.chars().count();
            if i + n <= chars.len() && chars[i..i + n].iter().copied().eq(word.chars()) {
                out.extend(readings.iter().map(|r| ((*r).to_owned(), true)));
                i += n;
                continue 'outer;
            }
        }
        let c = chars[i];
        if let Some(p) = c.to_pinyin() {
            out.push((p.plain().replace('ü', "v"), true));
        } else if c.is_ascii_alphanumeric() {
            out.push((c.to_string(), false));
        }
        i += 1;
    }
    out
}

/// Every toneless pinyin syllable the `pinyin` crate knows, for splitting
/// typed pinyin into syllables.
fn syllable_set() -> &'static std::collections::HashSet<String> {
    use pinyin::ToPinyin;
    static SET: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        ('\u{4E00}'..='\u{9FFF}')
            .filter_map(|c| c.to_pinyin())
            .map(|p| p.plain().replace('ü', "v"))
            .chain(
                READINGS
                    .iter()
                    .flat_map(|(_, r)| r.iter().map(|s| (*s).to_owned())),
            )
            .collect()
    })
}

/// Typed pinyin split into syllables (`zhonghatielu` → `zhong ha tie lu`),
/// fewest syllables first, or `None` if it is not pinyin throughout.
pub fn segment_pinyin(s: &str) -> Option<Vec<String>> {
    let set = syllable_set();
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() || chars.len() > 64 || !chars.iter().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    // best[i]: the fewest syllables covering chars[..i], and where the
    // last one starts.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; chars.len() + 1];
    best[0] = Some((0, 0));
    for end in 1..=chars.len() {
        for start in end.saturating_sub(6)..end {
            let Some((n, _)) = best[start] else { continue };
            let piece: String = chars[start..end].iter().collect();
            if set.contains(&piece) && best[end].is_none_or(|(m, _)| n + 1 < m) {
                best[end] = Some((n + 1, start));
            }
        }
    }
    best[chars.len()]?;
    let mut out = Vec::new();
    let mut end = chars.len();
    while end > 0 {
        let (_, start) = best[end]?;
        out.push(chars[start..end].iter().collect());
        end = start;
    }
    out.reverse();
    Some(out)
}

/// Whether `s` looks like romanised input (letters, digits, spaces, dashes,
/// apostrophes), for which the pinyin columns are worth searching.
pub fn is_romanised(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '\''))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_compatibility_ideographs_and_is_idempotent() {
        // U+F937 is a compatibility form of 路; PDF extractions produce such.
        assert_eq!(fold("中吉乌铁\u{F937}"), "中吉乌铁路");
        assert_eq!(fold("\u{F92D}"), "来");
        assert_eq!(fold("\u{1F247}"), "〔胜〕"); // 〔勝〕
        assert_eq!(fold("İstanbul"), "istanbul");
        for s in ["\u{F92D}", "\u{1F247}", "İ", "ｆｕｌｌ"] {
            assert_eq!(fold(&fold(s)), fold(s), "{s}");
        }
    }

    #[test]
    fn folds_traditional_width_case_dashes() {
        assert_eq!(fold("中吉烏鐵路"), "中吉乌铁路");
        assert_eq!(fold("ＡＢＣ１２３"), "abc123");
        assert_eq!(
            fold("China–Kyrgyzstan—Uzbekistan"),
            "china-kyrgyzstan-uzbekistan"
        );
        assert_eq!(fold("“中国—中亚精神”"), "\"中国-中亚精神\"");
        assert_eq!(fold("  a \t\n b  "), "a b");
        assert_eq!(fold("Zhōngjíwū"), "zhongjiwu");
    }

    #[test]
    fn mapping_points_back_to_original_chars() {
        let f = fold_mapped("Ａ鐵 路");
        assert_eq!(f.text, "a铁 路");
        assert_eq!(f.origin, vec![0, 1, 2, 3]);
    }

    #[test]
    fn pinyin_with_overrides() {
        assert_eq!(pinyin("中吉乌铁路").0, "zhongjiwutielu");
        assert_eq!(pinyin("中吉乌铁路").1, "zjwtl");
        assert_eq!(pinyin("托卡耶夫").0, "tuokayefu");
        assert_eq!(pinyin("重申").0, "chongshen");
        assert_eq!(pinyin("阿斯塔纳").0, "asitana");
        assert_eq!(pinyin("3000个培训名额").1, "gpxme");
        assert_eq!(pinyin("3000个培训名额").0, "3000gepeixunminge");
    }

    #[test]
    fn syllables_and_segmentation() {
        assert_eq!(syllables("中吉乌铁路"), ["zhong", "ji", "wu", "tie", "lu"]);
        assert_eq!(
            segment_pinyin("zhonghadisantiaotielu").unwrap(),
            ["zhong", "ha", "di", "san", "tiao", "tie", "lu"]
        );
        assert_eq!(segment_pinyin("tokayev"), None);
        assert_eq!(segment_pinyin(""), None);
    }
}
