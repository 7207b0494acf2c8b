//! Sentence boundaries.
//!
//! [`sentence_at`] finds the sentence around one position, reading only the text
//! around it: a period ends a sentence unless an abbreviation, an initial or a
//! lowercase next word says otherwise; closing quotes stay with their sentence; the
//! CJK and Arabic terminators end one with no space after them. [`sentences`] splits a
//! whole text the same way.
//!
//! [`clauses`] is the context-free split: at every character that can end a sentence
//! or a line, abbreviations included. It suits comparing stretches of two texts
//! (dedup's test of an update against the article it follows), where a split after
//! "Mr." cuts both texts alike.

use std::collections::HashSet;

use crate::chars::is_alphabetic;
use crate::scan::{has_byte, HIGH};

/// One sentence: a byte range, valid in the text and in its aligned lowercase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
}

impl Span {
    /// The sentence's char range in `text` (what the output reports). Counted only
    /// for the sentences that become evidence.
    pub fn chars(&self, text: &str) -> (usize, usize) {
        let start = text[..self.start].chars().count();
        (start, start + text[self.start..self.end].chars().count())
    }
}

/// Whether a byte may start a terminator: '.', '!', '?', '\n', or the first byte
/// of '؟', '。', '！', '？'. These bytes are never inside another char.
fn is_candidate(byte: u8) -> bool {
    matches!(byte, b'.' | b'!' | b'?' | b'\n' | 0xD8 | 0xE3 | 0xEF)
}

/// The first byte at or after `from` that may start a terminator (or the end).
/// Words of eight ASCII bytes with no terminator are skipped at once, which is
/// most of a Latin-script text.
fn next_candidate(bytes: &[u8], mut from: usize) -> usize {
    while let Some(bytes8) = bytes.get(from..from + 8) {
        let mut chunk = [0u8; 8];
        chunk.copy_from_slice(bytes8);
        let word = u64::from_le_bytes(chunk);
        if word & HIGH != 0
            || has_byte(word, b'.')
            || has_byte(word, b'!')
            || has_byte(word, b'?')
            || has_byte(word, b'\n')
        {
            if let Some(j) = bytes8.iter().position(|&b| is_candidate(b)) {
                return from + j;
            }
        }
        from += 8;
    }
    bytes[from.min(bytes.len())..]
        .iter()
        .position(|&b| is_candidate(b))
        .map_or(bytes.len(), |j| from + j)
}

/// The last byte in `[floor, before)` that may start a terminator.
fn prev_candidate(bytes: &[u8], floor: usize, before: usize) -> Option<usize> {
    bytes[floor..before]
        .iter()
        .rposition(|&b| is_candidate(b))
        .map(|j| floor + j)
}

/// Longest stretch, in bytes, read on either side of a position to find its
/// sentence. Text without terminators (a run-on list, unpunctuated Chinese) is cut
/// into windows of at most twice this, so the argument search around a trigger
/// costs the same in a 2 MB record as in a 3 KB one.
pub const MAX_SENTENCE_BYTES: usize = 1000;

/// A cut point near `at` for a sentence longer than the window: the next
/// whitespace within 64 bytes (the previous when `forward` is false), else the
/// nearest char boundary.
fn cut(text: &str, at: usize, forward: bool) -> usize {
    let bytes = text.as_bytes();
    let near = if forward {
        let to = (at + 64).min(bytes.len());
        bytes[at..to]
            .iter()
            .position(u8::is_ascii_whitespace)
            .map(|j| at + j + 1)
    } else {
        let from = at.saturating_sub(64);
        bytes[from..at]
            .iter()
            .rposition(u8::is_ascii_whitespace)
            .map(|j| from + j)
    };
    let mut at = near.unwrap_or(at).min(text.len());
    while !text.is_char_boundary(at) {
        at = if forward { at + 1 } else { at - 1 };
    }
    at
}

/// Terminators that end a sentence on their own (no space follows them in CJK text).
fn is_hard_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '؟' | '\n')
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | '」' | '』')
}

/// What the char at byte `i` does to the sentence: where the sentence ends if it
/// ends one, and where the search for the next terminator resumes (after the
/// closing quotes it swallows). `None` past the end of the text.
///
/// The answer depends only on the text around `i`, never on earlier splits, so the
/// sentence around any position can be found without splitting the whole text.
fn split_at(
    text: &str,
    lowered: &str,
    i: usize,
    abbreviations: &HashSet<String>,
) -> Option<(Option<usize>, usize)> {
    let c = text.get(i..).and_then(|rest| rest.chars().next())?;
    let after = i + c.len_utf8();
    if is_hard_terminator(c) {
        return Some((Some(after), after));
    }
    if !matches!(c, '.' | '!' | '?') {
        return Some((None, after));
    }
    // Swallow closing quotes so they stay with their sentence.
    let mut end = after;
    let mut next = None;
    for q in text[after..].chars() {
        if !is_closing(q) {
            next = Some(q);
            break;
        }
        end += q.len_utf8();
    }
    let split = match next {
        None => Some(end),
        Some(next) if next.is_whitespace() => {
            if c == '.' && !period_ends_sentence(text, lowered, i, end, abbreviations) {
                None
            } else {
                Some(end)
            }
        }
        _ => None,
    };
    Some((split, end))
}

/// The sentence that holds byte `pos` of `text`, trimmed; `None` when `pos` is in
/// the blank between two sentences. `lowered` is `lower_aligned(text)`;
/// `abbreviations` are lowercase words (without the dot) after which a period does
/// not end a sentence.
///
/// Only the text around `pos` is read: most sentences of an article hold no
/// trigger, and splitting them all cost more than the rest of the tagging.
pub fn sentence_at(
    text: &str,
    lowered: &str,
    abbreviations: &HashSet<String>,
    pos: usize,
) -> Option<Span> {
    let bytes = text.as_bytes();
    // Splits come in the order of their terminators, so the first one found
    // walking back that is not after `pos` starts the sentence. One after `pos`
    // (`pos` among the closing quotes of a terminator) ends it. Neither search
    // goes further than the window.
    let floor = pos.saturating_sub(MAX_SENTENCE_BYTES);
    let ceiling = (pos + MAX_SENTENCE_BYTES).min(bytes.len());
    let mut start = if floor == 0 {
        0
    } else {
        cut(text, floor, true)
    };
    let mut end = None;
    let mut i = pos;
    while let Some(candidate) = prev_candidate(bytes, floor, i) {
        if let Some((Some(split), _)) = split_at(text, lowered, candidate, abbreviations) {
            if split <= pos {
                start = split;
                break;
            }
            end = Some(split);
        }
        i = candidate;
    }
    let end = end.unwrap_or_else(|| {
        let window = &bytes[..ceiling];
        let mut i = pos;
        loop {
            i = next_candidate(window, i);
            if i >= ceiling {
                break if ceiling == bytes.len() {
                    ceiling
                } else {
                    cut(text, ceiling, false)
                };
            }
            match split_at(text, lowered, i, abbreviations) {
                None => break text.len(),
                Some((Some(split), _)) => break split,
                Some((None, resume)) => i = resume,
            }
        }
    });
    let start = start.min(pos);
    trimmed(text, start, end).filter(|s| s.start <= pos && pos < s.end)
}

/// Splits `text` into sentences, as [`sentence_at`] finds them one at a time.
pub fn sentences(text: &str, lowered: &str, abbreviations: &HashSet<String>) -> Vec<Span> {
    let mut out = Vec::new();
    let mut seg_start = 0;
    let mut i = 0;
    loop {
        i = next_candidate(text.as_bytes(), i);
        let Some((split, resume)) = split_at(text, lowered, i, abbreviations) else {
            break;
        };
        if let Some(end) = split {
            out.extend(trimmed(text, seg_start, end));
            seg_start = end;
        }
        i = resume;
    }
    out.extend(trimmed(text, seg_start, text.len()));
    out
}

/// A period followed by a space ends a sentence unless it closes an abbreviation or
/// an initial, or the next word starts in lower case ("the U.S. sanctions").
fn period_ends_sentence(
    text: &str,
    lowered: &str,
    dot: usize,
    end: usize,
    abbreviations: &HashSet<String>,
) -> bool {
    let next = text[end..].trim_start().chars().next();
    if next.is_some_and(|n| n.is_lowercase() || n.is_ascii_digit()) {
        return false;
    }
    // An abbreviation is a short word: look back a few bytes only, so a period
    // after a long run of unspaced text costs no more than one after a word.
    let mut from = dot.saturating_sub(32);
    while !lowered.is_char_boundary(from) {
        from += 1;
    }
    let word_start = lowered[from..dot]
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || c == '(' || c == '"')
        .map_or(from, |(j, c)| from + j + c.len_utf8());
    let word = &lowered[word_start..dot];
    let mut letters = word.chars();
    if matches!((letters.next(), letters.next()), (Some(c), None) if is_alphabetic(c)) {
        return false;
    }
    !abbreviations.contains(word)
}

/// `text[start..end]` without its surrounding whitespace, unless nothing is left.
fn trimmed(text: &str, start: usize, end: usize) -> Option<Span> {
    let segment = &text[start..end];
    let body = segment.trim();
    if body.is_empty() {
        return None;
    }
    let start = start + (segment.len() - segment.trim_start().len());
    Some(Span {
        start,
        end: start + body.len(),
    })
}

/// Characters that end a clause: a sentence, or a line (headings, list items,
/// datelines), with no look at the context.
#[inline]
pub fn ends_clause(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | ';' | '\n' | '。' | '！' | '？' | '；' | '؟' | '…'
    )
}

/// `text` split after every [`ends_clause`] character, each piece keeping its
/// terminator; the pieces concatenate back to `text`.
pub fn clauses(text: &str) -> std::str::SplitInclusive<'_, fn(char) -> bool> {
    text.split_inclusive(ends_clause as fn(char) -> bool)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower_aligned;

    fn split(text: &str) -> Vec<&str> {
        let lowered = lower_aligned(text);
        let abbreviations: HashSet<String> = ["mr".to_string(), "dr".to_string()].into();
        let spans = sentences(text, &lowered, &abbreviations);
        for (pos, _) in text.char_indices() {
            let found = spans.iter().find(|s| s.start <= pos && pos < s.end);
            assert_eq!(
                sentence_at(text, &lowered, &abbreviations, pos).as_ref(),
                found,
                "{text:?} at {pos}"
            );
        }
        spans.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn abbreviations_and_initials_do_not_split() {
        assert_eq!(
            split("Mr. Kim met the U.S. envoy. Talks ended.\n\nNext day."),
            vec!["Mr. Kim met the U.S. envoy.", "Talks ended.", "Next day."]
        );
    }

    #[test]
    fn a_lowercase_or_digit_next_word_does_not_split() {
        assert_eq!(
            split("Talks ended. then more. 2 more. Done"),
            vec!["Talks ended. then more. 2 more.", "Done"]
        );
    }

    #[test]
    fn candidate_scan_finds_every_terminator_byte() {
        let text = "Word after word, then a stop. Да! 北京。 هل؟ (and more)\nlast line without end";
        let bytes = text.as_bytes();
        for from in 0..=bytes.len() {
            let naive = (from..bytes.len())
                .find(|&i| is_candidate(bytes[i]))
                .unwrap_or(bytes.len());
            assert_eq!(next_candidate(bytes, from), naive, "from {from}");
        }
    }

    #[test]
    fn quotes_stay_with_their_sentence_and_arabic_questions_split() {
        assert_eq!(
            split("\"Go!\" He left. هل يزور؟ نعم"),
            vec!["\"Go!\"", "He left.", "هل يزور؟", "نعم"]
        );
    }

    #[test]
    fn cjk_sentences_split_without_spaces() {
        assert_eq!(
            split("金正恩抵达北京。普京也来了。"),
            vec!["金正恩抵达北京。", "普京也来了。"]
        );
    }

    #[test]
    fn a_sentence_longer_than_the_window_is_cut_near_a_space() {
        let long = "word ".repeat(600);
        let text = format!("Start. {long}end.");
        let lowered = lower_aligned(&text);
        let pos = text.len() / 2;
        let span = sentence_at(&text, &lowered, &HashSet::new(), pos).unwrap();
        assert!(span.start <= pos && pos < span.end);
        assert!(span.end - span.start <= 2 * MAX_SENTENCE_BYTES);
        assert!(text[..span.start].ends_with(' ') && text[span.end..].starts_with(' '));
    }

    #[test]
    fn char_offsets_count_characters_not_bytes() {
        let text = "Пекин. Москва.";
        let lowered = lower_aligned(text);
        let spans = sentences(text, &lowered, &HashSet::new());
        assert_eq!(spans[1].chars(text), (7, 14));
    }

    #[test]
    fn clauses_split_after_every_terminator_even_abbreviations() {
        let text = "Mr. Kim left; he said… 北京。Next\nline";
        assert_eq!(
            clauses(text).collect::<Vec<_>>(),
            [
                "Mr.",
                " Kim left;",
                " he said…",
                " 北京。",
                "Next\n",
                "line"
            ]
        );
    }
}
