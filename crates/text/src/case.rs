//! Lowercasing strings: character by character, or aligned.
//!
//! Both map each character on its own, with no context: `str::to_lowercase` alone
//! gives a capital sigma at the end of a word its final form 'ς', which the rule files
//! and the function-word lists (written with 'σ') would not match, and which would
//! make a token's form depend on what follows it. Apart from that, [`lowercase`] is
//! `str::to_lowercase` exactly.

use std::sync::LazyLock;

use crate::chars::{properties, to_lowercase};
use crate::scan::next_non_ascii;

/// `text` lowercased character by character (`char::to_lowercase` of each).
pub fn lowercase(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    lowercase_into(text, &mut out);
    out
}

/// Appends [`lowercase`]`(text)` to `out`. ASCII stretches are copied and lowercased
/// in bulk; other characters go through the table.
pub fn lowercase_into(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let ascii_end = next_non_ascii(bytes, at);
        if ascii_end > at {
            let start = out.len();
            out.push_str(&text[at..ascii_end]);
            out[start..].make_ascii_lowercase();
        }
        // `ascii_end` is a character boundary: the byte before it is ASCII.
        let Some(c) = text[ascii_end..].chars().next() else {
            break;
        };
        out.extend(to_lowercase(c));
        at = ascii_end + c.len_utf8();
    }
}

/// `text` lowercased character by character, keeping as it is every character whose
/// lowercase would change its UTF-8 length or expand to several characters (as 'İ',
/// 'ẞ', the Kelvin sign do). Every byte offset in the result is then valid in `text`
/// and points at the same character: matches found in the lowered text need no
/// offset map.
pub fn lower_aligned(text: &str) -> String {
    let mut out = String::new();
    lower_aligned_into(text, &mut out);
    out
}

/// [`lower_aligned`] into a reused buffer (cleared first).
pub fn lower_aligned_into(text: &str, out: &mut String) {
    out.clear();
    out.push_str(text);
    out.make_ascii_lowercase();
    if text.is_ascii() {
        return;
    }
    // Copy, then rewrite only the few characters that change: most non-ASCII text is
    // already lowercase (or caseless), and a same-length rewrite keeps offsets.
    let leads = &*LEADS;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let lead = bytes[i];
        if lead < 0x80 {
            i = next_non_ascii(bytes, i + 1);
            continue;
        }
        let width = match lead {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        if leads.caseless[usize::from(lead)] {
            i += width;
            continue;
        }
        // Cyrillic, Greek and accented Latin: most characters are lowercase already.
        if width == 2
            && bytes.get(i + 1).is_some_and(|&next| {
                leads.changing[usize::from(lead & 0x1F)] & 1 << (next & 0x3F) == 0
            })
        {
            i += 2;
            continue;
        }
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        let lowered = properties(c).aligned_lowercase(c);
        if lowered != c {
            let mut buf = [0u8; 4];
            out.replace_range(i..i + c.len_utf8(), lowered.encode_utf8(&mut buf));
        }
        i += c.len_utf8();
    }
}

/// Shortcuts of [`lower_aligned_into`] that decide from the UTF-8 bytes alone.
struct Leads {
    /// Lead bytes none of whose characters change (CJK, kana, Arabic): skipped
    /// without decoding. Four-byte characters are left to the per-character path.
    caseless: [bool; 256],
    /// Per two-byte lead (its low five bits), the characters that change, a bit per
    /// continuation byte (its low six bits).
    changing: [u64; 32],
}

static LEADS: LazyLock<Leads> = LazyLock::new(|| {
    let changes = |c: char| properties(c).aligned_lowercase(c) != c;
    let mut caseless = [false; 256];
    for (lead, caseless) in caseless.iter_mut().enumerate() {
        let lead = lead as u32;
        // A two-byte lead covers 64 code points, a three-byte lead 4096.
        let range = match lead {
            0xC2..=0xDF => ((lead & 0x1F) << 6)..((lead & 0x1F) << 6) + 64,
            0xE0..=0xEF => ((lead & 0x0F) << 12)..((lead & 0x0F) << 12) + 4096,
            _ => continue,
        };
        *caseless = !range.filter_map(char::from_u32).any(changes);
    }
    let mut changing = [0u64; 32];
    for code in 0x80..0x800u32 {
        if char::from_u32(code).is_some_and(changes) {
            changing[(code >> 6) as usize] |= 1 << (code & 0x3F);
        }
    }
    Leads { caseless, changing }
});

/// Builds the lazily made tables now, so that the first record does not pay for them.
pub fn warm_up() {
    crate::chars::warm_up();
    LazyLock::force(&LEADS);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every scalar value, each followed by an ASCII capital so that the ASCII and
    /// the per-character paths alternate.
    fn every_char_text() -> String {
        (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .flat_map(|c| [c, 'Q'])
            .collect()
    }

    fn aligned_char(c: char) -> char {
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
            _ => c,
        }
    }

    #[test]
    fn lowercase_is_char_to_lowercase_on_every_char() {
        let text = every_char_text();
        let expected: String = text.chars().flat_map(char::to_lowercase).collect();
        assert_eq!(lowercase(&text), expected);
    }

    #[test]
    fn lowercase_is_str_to_lowercase_but_for_the_final_sigma() {
        // Every scalar value but the capital sigma, whose lowercase depends on context.
        let text: String = every_char_text().replace('Σ', "");
        assert_eq!(lowercase(&text), text.to_lowercase());
        assert_eq!("ΟΔΟΣ".to_lowercase(), "οδος");
        assert_eq!(lowercase("ΟΔΟΣ"), "οδοσ");
    }

    #[test]
    fn lowercase_appends_and_keeps_mixed_text_in_order() {
        let mut out = String::from("> ");
        lowercase_into("ÉTÉ à PARIS, Ёлка ДОМ 北京 İz ẞ", &mut out);
        assert_eq!(out, "> été à paris, ёлка дом 北京 i\u{307}z ß");
    }

    #[test]
    fn aligned_lowering_matches_per_char_lowering_on_every_char() {
        let text = every_char_text();
        let expected: String = text.chars().map(aligned_char).collect();
        let lowered = lower_aligned(&text);
        assert_eq!(lowered.len(), text.len());
        assert_eq!(lowered, expected);
    }

    #[test]
    fn aligned_lowering_keeps_byte_offsets() {
        let text = "Пекин İstanbul KELVIN \u{212A} ẞ ÀÉÎ Ωμέγα ǅ Ⅻ Ⓐ 𐐀";
        let lowered = lower_aligned(text);
        assert_eq!(lowered.len(), text.len());
        assert_eq!(
            lowered,
            "пекин İstanbul kelvin \u{212A} ẞ àéî ωμέγα ǆ ⅻ ⓐ 𐐨"
        );
    }

    #[test]
    fn aligned_lowering_reuses_and_clears_its_buffer() {
        let mut out = String::from("left over");
        lower_aligned_into("ABC", &mut out);
        assert_eq!(out, "abc");
    }
}
