//! Byte scans eight bytes at a time (SWAR): most news text is ASCII words, and a
//! word-sized test skips them without looking at each byte.

const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of each byte.
pub const HIGH: u64 = 0x8080_8080_8080_8080;

/// The 8 bytes at `at`, little-endian, zero-padded past the end.
#[inline]
pub fn load8(bytes: &[u8], at: usize) -> u64 {
    let rest = bytes.get(at..).unwrap_or_default();
    match rest.first_chunk::<8>() {
        Some(eight) => u64::from_le_bytes(*eight),
        None => {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(word)
        }
    }
}

/// The high bit of each byte of `word` that is an ASCII letter or digit (range checks
/// on the 7-bit values; no byte's sum carries into the next).
#[inline]
pub fn ascii_alnum_mask(word: u64) -> u64 {
    let low7 = word & !HIGH;
    let folded = low7 | (0x20 * ONES);
    let letter = (folded + (0x80 - 0x61) * ONES) & !(folded + (0x7f - 0x7a) * ONES);
    let digit = (low7 + (0x80 - 0x30) * ONES) & !(low7 + (0x7f - 0x39) * ONES);
    (letter | digit) & !word & HIGH
}

/// Whether any byte of `word` is `byte`.
#[inline]
pub fn has_byte(word: u64, byte: u8) -> bool {
    let diff = word ^ (ONES * u64::from(byte));
    diff.wrapping_sub(ONES) & !diff & HIGH != 0
}

/// The first non-ASCII byte at or after `from` (or the end).
#[inline]
pub fn next_non_ascii(bytes: &[u8], mut from: usize) -> usize {
    while let Some(word) = bytes.get(from..).and_then(<[u8]>::first_chunk::<8>) {
        let high = u64::from_le_bytes(*word) & HIGH;
        if high != 0 {
            return from + (high.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    while from < bytes.len() && bytes[from] < 0x80 {
        from += 1;
    }
    from.min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alnum_mask_marks_exactly_the_ascii_letters_and_digits() {
        for byte in 0..=255u8 {
            let word = (u64::from(byte) << 24) | 0x2020;
            let marked = ascii_alnum_mask(word) & (0x80 << 24) != 0;
            assert_eq!(marked, byte.is_ascii_alphanumeric(), "{byte:#x}");
            assert_eq!(ascii_alnum_mask(word) & !(0x80 << 24), 0, "{byte:#x}");
        }
    }

    #[test]
    fn has_byte_finds_a_byte_in_any_position() {
        for at in 0..8 {
            for byte in [0u8, b'.', 0x80, 0xff] {
                let word = (u64::from(byte) << (8 * at)) | ((ONES * 0x41) & !(0xff << (8 * at)));
                assert!(has_byte(word, byte), "{byte:#x} at {at}");
                assert!(!has_byte(ONES * 0x41, byte) || byte == 0x41);
            }
        }
    }

    #[test]
    fn next_non_ascii_matches_a_plain_search_from_every_start() {
        let text = "plain ascii words then é and 北京 and more ascii at the end";
        let bytes = text.as_bytes();
        for from in 0..=bytes.len() {
            let plain = (from..bytes.len())
                .find(|&i| bytes[i] >= 0x80)
                .unwrap_or(bytes.len());
            assert_eq!(next_non_ascii(bytes, from), plain, "from {from}");
        }
        assert_eq!(load8(b"abc", 1), u64::from_le_bytes(*b"bc\0\0\0\0\0\0"));
    }
}
