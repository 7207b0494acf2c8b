//! Text normalisation: Unicode NFC, control characters dropped, whitespace collapsed,
//! one paragraph per non-empty line.
//!
//! Every line break is a paragraph break: news feeds commonly separate paragraphs
//! with a single newline, and a blank line carries no more meaning than that.

use std::borrow::Cow;
use std::ops::Range;

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
        if text.is_ascii() {
            // Splitting on bytes skips UTF-8 decoding; the ASCII line breaks are
            // always char boundaries.
            let mut start = 0;
            let breaks = text
                .bytes()
                .enumerate()
                .filter(|(_, b)| is_ascii_line_break(*b));
            for end in breaks.map(|(i, _)| i).chain(std::iter::once(text.len())) {
                paragraphs.push(&text[start..end]);
                start = end + 1;
            }
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
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// `text` on one line: NFC, every run of whitespace and line breaks one space.
pub(crate) fn single_line(text: &str) -> String {
    let text = nfc(text);
    let mut out = String::with_capacity(text.len());
    push_collapsed(&text, &mut out);
    out
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

/// Appends `line` trimmed, with inner whitespace runs as one space and control
/// characters removed.
fn push_collapsed(line: &str, out: &mut String) {
    let bytes = line.as_bytes();
    // Most story lines are already clean: copy them whole.
    let clean_ascii = line.is_ascii()
        && bytes.first().is_some_and(|&b| b > b' ' && b != 0x7F)
        && bytes.last().is_some_and(|&b| b > b' ' && b != 0x7F)
        && {
            let mut after_space = false;
            bytes.iter().all(|&b| {
                let ok = b >= b' ' && b != 0x7F && !(after_space && b == b' ');
                after_space = b == b' ';
                ok
            })
        };
    if clean_ascii {
        out.push_str(line);
        return;
    }
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
    fn decomposed_text_is_composed() {
        let decomposed = "Cafe\u{301} in Ko\u{308}ln";
        let p = Paragraphs::of(decomposed);
        assert_eq!(p.lines(), ["Café in Köln"]);
        assert!(matches!(nfc("Café"), Cow::Borrowed(_)));
    }

    #[test]
    fn single_line_joins_everything() {
        assert_eq!(single_line(" A\n\nheadline\t here "), "A headline here");
    }
}
