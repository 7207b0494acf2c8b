//! Text normalisation: Unicode NFC, control characters dropped, whitespace collapsed,
//! one paragraph per non-empty line.
//!
//! Every line break is a paragraph break: news feeds commonly separate paragraphs
//! with a single newline, and a blank line carries no more meaning than that.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use memchr::memmem;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Cleaned paragraphs, stored in one buffer.
#[derive(Debug, Default)]
pub(crate) struct Paragraphs {
    buffer: String,
    ranges: Vec<Range<usize>>,
}

impl Paragraphs {
    /// Splits and cleans `text`.
    pub(crate) fn of(text: &str) -> Self {
        let text = nfc(text);
        let mut paragraphs = Paragraphs {
            buffer: String::with_capacity(text.len()),
            ranges: Vec::new(),
        };
        if !has_unicode_line_break(text.as_bytes()) {
            // Splitting on bytes skips UTF-8 decoding; the ASCII line breaks are
            // always char boundaries.
            let bytes = text.as_bytes();
            let mut start = 0;
            let mut push_until = |end: usize, paragraphs: &mut Paragraphs| {
                paragraphs.push(&text[start..end]);
                start = end + 1;
            };
            if memchr::memchr2(0x0B, 0x0C, bytes).is_none() {
                // Vertical tabs and form feeds are rare: without them the search
                // for breaks is vectorised.
                for end in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                    push_until(end, &mut paragraphs);
                }
            } else {
                let breaks = bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| is_ascii_line_break(**b));
                for (end, _) in breaks {
                    push_until(end, &mut paragraphs);
                }
            }
            push_until(text.len(), &mut paragraphs);
        } else {
            for line in text.split(is_line_break) {
                paragraphs.push(line);
            }
        }
        paragraphs
    }

    fn push(&mut self, line: &str) {
        let start = self.buffer.len();
        push_collapsed(line, &mut self.buffer);
        if self.buffer.len() > start {
            self.ranges.push(start..self.buffer.len());
        }
    }

    /// The paragraphs in order.
    pub(crate) fn lines(&self) -> Vec<&str> {
        self.ranges
            .iter()
            .map(|r| &self.buffer[r.clone()])
            .collect()
    }
}

/// `text` in Unicode NFC, borrowed when it already is (always for ASCII).
pub(crate) fn nfc(text: &str) -> Cow<'_, str> {
    // The quick check does two table lookups per non-ASCII character; letters of the
    // common scripts need neither, and an ASCII stand-in leaves its verdict unchanged
    // because such a letter, like ASCII, is a starter that is always allowed.
    let quick = || is_nfc_quick(text.chars().map(|c| if always_nfc(c) { 'a' } else { c }));
    if all_always_nfc(text) || quick() == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// Whether every character of `text` is in [`always_nfc`]: the verdict for nearly all
/// news text. Only the leads that [`nfc_look`] flags start a character that may be
/// outside it, so only those characters are decoded.
fn all_always_nfc(text: &str) -> bool {
    let mut from = 0;
    while let Some(at) = find_flagged(text.as_bytes(), from, nfc_look) {
        match text.get(at..).and_then(|rest| rest.chars().next()) {
            Some(c) if always_nfc(c) => from = at + c.len_utf8(),
            _ => return false,
        }
    }
    true
}

/// Lead bytes of characters that may be outside [`always_nfc`]; the other bytes are
/// ASCII, continuation bytes or leads of U+0080..U+02FF, U+0400..U+047F, U+04C0..U+04FF
/// or U+5000..U+9FFF. A test checks it.
fn nfc_look(b: u8) -> bool {
    // `&`, not `&&`: no branches, so that [`find_flagged`] can test a block at once.
    (b >= 0xCC) & (b.wrapping_sub(0xD0) > 1) & (b != 0xD3) & (b.wrapping_sub(0xE5) > 4)
}

/// Bytes per block in [`find_flagged`].
const BLOCK: usize = 32;

/// The first position from `from` on whose byte `flagged` holds. Each block is first
/// tested as a whole, without an early exit, which the compiler turns into a few vector
/// instructions; only a block with a flagged byte is searched byte by byte.
fn find_flagged(bytes: &[u8], from: usize, flagged: impl Fn(u8) -> bool) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let mut blocks = rest.chunks_exact(BLOCK);
    let mut offset = from;
    for block in &mut blocks {
        let block: &[u8; BLOCK] = block.try_into().ok()?;
        if block.iter().fold(false, |any, &b| any | flagged(b)) {
            if let Some(found) = block.iter().position(|&b| flagged(b)) {
                return Some(offset + found);
            }
        }
        offset += BLOCK;
    }
    let found = blocks.remainder().iter().position(|&b| flagged(b));
    found.map(|found| offset + found)
}

/// Characters that are starters (combining class 0) and may appear in NFC whatever
/// surrounds them: Latin before the combining marks, most Cyrillic, common
/// punctuation, kana, CJK ideographs and Hangul syllables. A test checks every one.
fn always_nfc(c: char) -> bool {
    matches!(c as u32,
        0x0000..=0x02FF
        | 0x0400..=0x0482
        | 0x048A..=0x052F
        | 0x2010..=0x2027
        | 0x3000..=0x3029
        | 0x3041..=0x3096
        | 0x30A1..=0x30FA
        | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7A3
        | 0xFF01..=0xFF5E)
}

/// `text` on one line: NFC, every run of whitespace and line breaks one space.
pub(crate) fn single_line(text: &str) -> String {
    let text = nfc(text);
    let mut out = String::with_capacity(text.len());
    push_collapsed(&text, &mut out);
    out
}

/// Whether `text` has U+0085, U+2028 or U+2029, the line breaks outside ASCII.
fn has_unicode_line_break(text: &[u8]) -> bool {
    // Their UTF-8 forms are C2 85, E2 80 A8 and E2 80 A9.
    memchr::memchr2_iter(0xC2, 0xE2, text).any(|at| {
        let next = |n: usize| text.get(at + n).copied();
        match text[at] {
            0xC2 => next(1) == Some(0x85),
            _ => next(1) == Some(0x80) && matches!(next(2), Some(0xA8 | 0xA9)),
        }
    })
}

fn is_ascii_line_break(b: u8) -> bool {
    matches!(b, b'\n' | b'\r' | 0x0B | 0x0C)
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Characters that carry nothing visible and break word matching: byte-order marks,
/// zero-width spaces and soft hyphens.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{FEFF}' | '\u{200B}' | '\u{00AD}')
}

/// Built once: `memmem::find` builds a searcher per call, which cost more than the
/// search on short lines.
static DOUBLE_SPACE: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"  "));

/// Whether `line` (valid UTF-8) has nothing for [`push_collapsed`] to change: single
/// ASCII spaces between words, no whitespace at either end, no control or invisible
/// characters. Judged on bytes, so story text in any script is checked without
/// decoding; a rare character that only might matter sends the line the slow way.
fn is_clean(line: &[u8]) -> bool {
    if line.first().is_none_or(|&b| b == b' ') || line.last().is_none_or(|&b| b == b' ') {
        return false;
    }
    if DOUBLE_SPACE.find(line).is_some() {
        return false;
    }
    let mut rest = line;
    // Only the bytes of the table need a look; the search for them is the hot loop.
    while let Some(at) = find_flagged(rest, 0, needs_a_look) {
        let next = |n: usize| rest.get(at + n).copied().unwrap_or(0);
        let suspect = match rest[at] {
            // U+0080..U+00A0 (C1 controls, NEL, no-break space) and U+00AD soft hyphen.
            0xC2 => matches!(next(1), 0x80..=0xA0 | 0xAD),
            // U+1680 ogham space mark.
            0xE1 => next(1) == 0x9A && next(2) == 0x80,
            // U+2000..U+200B spaces and zero-width space, U+2028, U+2029, U+202F,
            // U+205F.
            0xE2 => match next(1) {
                0x80 => matches!(next(2), 0x80..=0x8B | 0xA8 | 0xA9 | 0xAF),
                0x81 => next(2) == 0x9F,
                _ => false,
            },
            // U+3000 ideographic space.
            0xE3 => next(1) == 0x80 && next(2) == 0x80,
            // U+FEFF byte-order mark.
            0xEF => next(1) == 0xBB && next(2) == 0xBF,
            // ASCII control characters.
            _ => true,
        };
        if suspect {
            return false;
        }
        rest = &rest[at + 1..];
    }
    true
}

/// Bytes that start a control, whitespace or invisible character other than the
/// ASCII space, or may start one: the leading bytes of the UTF-8 forms checked in
/// [`is_clean`].
fn needs_a_look(b: u8) -> bool {
    // `|`, not `||`: no branches, so that [`find_flagged`] can test a block at once.
    (b < 0x20) | (b == 0x7F) | (b == 0xC2) | (b.wrapping_sub(0xE1) < 3) | (b == 0xEF)
}

/// Appends `line` trimmed, with inner whitespace runs as one space and control
/// characters removed.
fn push_collapsed(line: &str, out: &mut String) {
    // Most story lines are already clean: copy them whole.
    if is_clean(line.as_bytes()) {
        out.push_str(line);
    } else {
        push_collapsed_slowly(line, out);
    }
}

/// [`push_collapsed`] word by word, for lines that need changing.
fn push_collapsed_slowly(line: &str, out: &mut String) {
    let start = out.len();
    for word in line.split_whitespace() {
        let separator = out.len() > start;
        let before = out.len();
        if separator {
            out.push(' ');
        }
        if word.chars().any(|c| c.is_control() || is_invisible(c)) {
            out.extend(
                word.chars()
                    .filter(|&c| !c.is_control() && !is_invisible(c)),
            );
            if out.len() == before + usize::from(separator) {
                // The word was nothing but control characters.
                out.truncate(before);
            }
        } else {
            out.push_str(word);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_trimmed_collapsed_and_blank_lines_dropped() {
        let p = Paragraphs::of(
            "  One \t two  \r\n\n\n\u{a0}Three\u{7}\u{200b} four\u{2028}Five\n   \n",
        );
        assert_eq!(p.lines(), ["One two", "Three four", "Five"]);
    }

    #[test]
    fn every_ascii_line_break_splits_with_or_without_rare_ones() {
        assert_eq!(
            Paragraphs::of("a\r\nb\n\nc\rd").lines(),
            ["a", "b", "c", "d"]
        );
        assert_eq!(
            Paragraphs::of("a\u{b}b\u{c}c\nd").lines(),
            ["a", "b", "c", "d"]
        );
        assert_eq!(Paragraphs::of("é\nü\u{85}ß").lines(), ["é", "ü", "ß"]);
    }

    #[test]
    fn decomposed_text_is_composed() {
        let decomposed = "Cafe\u{301} in Ko\u{308}ln";
        let p = Paragraphs::of(decomposed);
        assert_eq!(p.lines(), ["Café in Köln"]);
        assert!(matches!(nfc("Café"), Cow::Borrowed(_)));
    }

    #[test]
    fn always_nfc_characters_are_allowed_starters() {
        use unicode_normalization::char::canonical_combining_class;
        let all = (0..=u32::from(char::MAX)).filter_map(char::from_u32);
        for c in all.filter(|&c| always_nfc(c)) {
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
        }
    }

    #[test]
    fn characters_with_unflagged_leads_are_always_nfc() {
        let all = (0..=u32::from(char::MAX)).filter_map(char::from_u32);
        for c in all {
            let mut lead = [0; 4];
            c.encode_utf8(&mut lead);
            if !nfc_look(lead[0]) {
                assert!(always_nfc(c), "{c:?}");
            }
        }
    }

    #[test]
    fn flagged_bytes_are_found_in_blocks_and_in_the_tail() {
        for len in [1, BLOCK - 1, BLOCK, 3 * BLOCK + 5] {
            for at in 0..len {
                let mut bytes = vec![b'a'; len];
                bytes[at] = 0x7F;
                assert_eq!(find_flagged(&bytes, 0, needs_a_look), Some(at));
                assert_eq!(find_flagged(&bytes, at, needs_a_look), Some(at));
                assert_eq!(find_flagged(&bytes, at + 1, needs_a_look), None);
            }
        }
    }

    #[test]
    fn combining_marks_after_fast_letters_are_still_composed() {
        assert_eq!(
            nfc("\u{418}\u{306} \u{4E2D}e\u{301}"),
            "\u{419} \u{4E2D}\u{E9}"
        );
    }

    #[test]
    fn the_byte_check_agrees_with_collapsing_on_every_character() {
        let all = (0..=u32::from(char::MAX)).filter_map(char::from_u32);
        for c in all {
            for line in [format!("a{c}b"), format!("{c}"), format!("a {c} b")] {
                let mut collapsed = String::new();
                push_collapsed_slowly(&line, &mut collapsed);
                if is_clean(line.as_bytes()) {
                    assert_eq!(collapsed, line, "{c:?}");
                }
            }
        }
        for line in ["a  b", " a", "a ", "", "a\u{a0}b"] {
            assert!(!is_clean(line.as_bytes()), "{line:?}");
        }
    }

    #[test]
    fn single_line_joins_everything() {
        assert_eq!(single_line(" A\n\nheadline\t here "), "A headline here");
    }
}
