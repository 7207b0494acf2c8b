//! Per-character properties: alphabetic, alphanumeric and lowercase, from one table.
//!
//! The table holds every character of the Basic Multilingual Plane (where the text of
//! nearly every news article lives) in 256-character blocks, identical blocks stored
//! once (all of CJK is one block), about 120 KB, built from the standard library's
//! own answers the first time it is asked. Characters beyond the BMP are answered by
//! the standard library directly. A test compares every answer with the standard
//! library on every Unicode scalar value.

use std::char::ToLowercase;
use std::sync::LazyLock;

/// The lowercase is one character, `c + delta` (the low [`DELTA_BITS`], signed).
const SINGLE: u32 = 1 << 24;
/// That one character has as many UTF-8 bytes as `c`.
const SAME_LENGTH: u32 = 1 << 25;
const ALPHABETIC: u32 = 1 << 26;
const ALPHANUMERIC: u32 = 1 << 27;
/// Bits of the signed distance from a character to its lowercase.
const DELTA_BITS: u32 = 18;
const DELTA_MASK: u32 = (1 << DELTA_BITS) - 1;

/// What the table knows of one character: see [`properties`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Properties(u32);

impl Properties {
    /// Asks the standard library (for characters outside the table).
    #[cold]
    fn of(c: char) -> Properties {
        let mut bits = 0;
        if c.is_alphabetic() {
            bits |= ALPHABETIC;
        }
        if c.is_alphanumeric() {
            bits |= ALPHANUMERIC;
        }
        let mut lower = c.to_lowercase();
        if let (Some(l), None) = (lower.next(), lower.next()) {
            let delta = i64::from(u32::from(l)) - i64::from(u32::from(c));
            let limit = 1i64 << (DELTA_BITS - 1);
            if (-limit..limit).contains(&delta) {
                bits |= SINGLE | (delta as u32 & DELTA_MASK);
                if l.len_utf8() == c.len_utf8() {
                    bits |= SAME_LENGTH;
                }
            }
        }
        Properties(bits)
    }

    /// `char::is_alphabetic`.
    #[inline]
    pub fn is_alphabetic(self) -> bool {
        self.0 & ALPHABETIC != 0
    }

    /// `char::is_alphanumeric`.
    #[inline]
    pub fn is_alphanumeric(self) -> bool {
        self.0 & ALPHANUMERIC != 0
    }

    /// Whether `char::to_lowercase` gives back the character itself (caseless or
    /// already lowercase): its bytes can be copied as they are.
    #[inline]
    pub fn is_own_lowercase(self) -> bool {
        self.0 & (SINGLE | DELTA_MASK) == SINGLE
    }

    /// The lowercase of `c` (whose properties these are), when it is one character;
    /// `None` when it is several (only U+0130 'İ' lowercases to two).
    #[inline]
    pub fn single_lowercase(self, c: char) -> Option<char> {
        if self.0 & SINGLE == 0 {
            return None;
        }
        // Sign-extend the delta.
        let delta = ((self.0 << (32 - DELTA_BITS)) as i32) >> (32 - DELTA_BITS);
        char::from_u32(u32::from(c).wrapping_add_signed(delta))
    }

    /// The lowercase of `c` when it is one character of the same UTF-8 length, else
    /// `c`: the form [`lower_aligned`](crate::lower_aligned) writes.
    #[inline]
    pub fn aligned_lowercase(self, c: char) -> char {
        if self.0 & SAME_LENGTH == 0 {
            return c;
        }
        self.single_lowercase(c).unwrap_or(c)
    }
}

/// The BMP's properties: `blocks[index[code >> 8]]` is the block of 256 characters
/// that holds `code`.
struct Table {
    index: [u8; 256],
    blocks: Vec<[Properties; 256]>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut index = [0u8; 256];
    let mut blocks: Vec<[Properties; 256]> = Vec::new();
    for (block, slot) in index.iter_mut().enumerate() {
        let mut entries = [Properties(0); 256];
        for (i, entry) in entries.iter_mut().enumerate() {
            // Surrogates are not characters; their slots are never read.
            if let Some(c) = char::from_u32(((block as u32) << 8) | i as u32) {
                *entry = Properties::of(c);
            }
        }
        let at = match blocks.iter().position(|b| *b == entries) {
            Some(at) => at,
            None => {
                blocks.push(entries);
                blocks.len() - 1
            }
        };
        *slot = u8::try_from(at).expect("at most 256 distinct blocks");
    }
    Table { index, blocks }
});

/// The properties of `c`.
#[inline]
pub fn properties(c: char) -> Properties {
    let code = u32::from(c);
    if code < 0x1_0000 {
        let table = &*TABLE;
        let block = usize::from(table.index[(code >> 8) as usize]);
        table.blocks[block][(code & 0xff) as usize]
    } else {
        Properties::of(c)
    }
}

/// Builds the table now, so that the first record does not pay for it (a few
/// milliseconds).
pub fn warm_up() {
    LazyLock::force(&TABLE);
}

/// `char::is_alphabetic`, by table.
#[inline]
pub fn is_alphabetic(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    properties(c).is_alphabetic()
}

/// `char::is_alphanumeric`, by table.
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    properties(c).is_alphanumeric()
}

/// `char::to_lowercase`, by table.
#[inline]
pub fn to_lowercase(c: char) -> Lowercase {
    if c.is_ascii() {
        return Lowercase::One(Some(c.to_ascii_lowercase()));
    }
    match properties(c).single_lowercase(c) {
        Some(lower) => Lowercase::One(Some(lower)),
        None => Lowercase::Std(c.to_lowercase()),
    }
}

/// The characters of a character's lowercase: see [`to_lowercase`].
#[derive(Debug, Clone)]
pub enum Lowercase {
    /// From the table: one character (taken once read).
    One(Option<char>),
    /// From the standard library: several characters.
    Std(ToLowercase),
}

impl Iterator for Lowercase {
    type Item = char;

    #[inline]
    fn next(&mut self) -> Option<char> {
        match self {
            Lowercase::One(c) => c.take(),
            Lowercase::Std(lower) => lower.next(),
        }
    }
}

/// Characters of scripts written without spaces between words (Thai, Lao, Myanmar,
/// Khmer, kana, CJK ideographs): a word boundary cannot be seen there, so matches
/// need none and similarity compares characters instead of words.
#[inline]
pub fn is_unspaced(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}'          // Thai, Lao
        | '\u{1000}'..='\u{109F}'        // Myanmar
        | '\u{1780}'..='\u{17FF}'        // Khmer
        | '\u{3040}'..='\u{30FF}'        // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}'        // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'        // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}'        // CJK compatibility ideographs
        | '\u{20000}'..='\u{2FA1F}') // CJK extensions B-F, compatibility supplement
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_char() -> impl Iterator<Item = char> {
        (0..=u32::from(char::MAX)).filter_map(char::from_u32)
    }

    #[test]
    fn classes_agree_with_std_on_every_char() {
        for c in every_char() {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn lowercase_agrees_with_std_on_every_char() {
        for c in every_char() {
            assert!(to_lowercase(c).eq(c.to_lowercase()), "{c:?}");
            let props = properties(c);
            assert_eq!(props.is_own_lowercase(), c.to_lowercase().eq([c]), "{c:?}");
            let mut std = c.to_lowercase();
            let aligned = match (std.next(), std.next()) {
                (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
                _ => c,
            };
            assert_eq!(props.aligned_lowercase(c), aligned, "{c:?}");
        }
    }

    #[test]
    fn only_dotted_capital_i_expands_in_the_table() {
        let expanding: Vec<char> = ('\0'..='\u{FFFF}')
            .filter(|&c| properties(c).single_lowercase(c).is_none())
            .collect();
        assert_eq!(expanding, ['\u{130}']);
        assert_eq!(to_lowercase('İ').collect::<String>(), "i\u{307}");
    }

    #[test]
    fn unspaced_covers_cjk_and_thai_but_not_latin_or_hangul() {
        assert!("北京タイ".chars().all(is_unspaced));
        assert!(is_unspaced('\u{20000}'));
        assert!(!"Beijing 북경 Пекин".chars().any(is_unspaced));
    }
}
