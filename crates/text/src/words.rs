//! Words: runs of letters, and the word boundaries a phrase match must respect.
//!
//! A boundary is where a letter or digit does not continue the text
//! ([`is_alphanumeric`](crate::is_alphanumeric)): "putin's" has one after "putin",
//! "putina" has none. Scripts written without spaces have no visible boundary; the
//! callers skip the check there ([`is_unspaced`](crate::is_unspaced)).

use crate::chars::{is_alphabetic, is_alphanumeric};

/// One run of letters of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    /// The letters.
    pub text: &'a str,
    /// Whether they are all ASCII (the caller's lowercasing can then skip the table).
    pub is_ascii: bool,
}

/// The maximal runs of alphabetic characters of `text`, as
/// `text.split(|c: char| !c.is_alphabetic()).filter(|t| !t.is_empty())` gives them,
/// but read byte by byte: ASCII without decoding, the rest by table.
pub fn words(text: &str) -> Words<'_> {
    Words { text, at: 0 }
}

/// The iterator of [`words`].
#[derive(Debug, Clone)]
pub struct Words<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Iterator for Words<'a> {
    type Item = Word<'a>;

    fn next(&mut self) -> Option<Word<'a>> {
        let bytes = self.text.as_bytes();
        let mut at = self.at;
        let mut start = None;
        let mut is_ascii = true;
        while let Some(&lead) = bytes.get(at) {
            let (letter, len) = if lead.is_ascii() {
                (lead.is_ascii_alphabetic(), 1)
            } else {
                // `at` is always a character boundary: it moves by whole characters.
                let c = self.text.get(at..).and_then(|rest| rest.chars().next());
                c.map_or((false, 1), |c| (is_alphabetic(c), c.len_utf8()))
            };
            if letter {
                start.get_or_insert(at);
                is_ascii &= len == 1;
            } else if start.is_some() {
                break;
            }
            at += len;
        }
        self.at = at;
        Some(Word {
            text: self.text.get(start?..at)?,
            is_ascii,
        })
    }
}

/// Whether no letter or digit ends at byte `at` of `text` (a character boundary): a
/// match starting there starts a word.
#[inline]
pub fn starts_word(text: &str, at: usize) -> bool {
    // Most matches follow an ASCII byte: no character to decode.
    match text.as_bytes()[..at].last() {
        None => true,
        Some(&prev) if prev.is_ascii() => !prev.is_ascii_alphanumeric(),
        Some(_) => starts_word_decoded(text, at),
    }
}

#[inline(never)]
fn starts_word_decoded(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !is_alphanumeric(c))
}

/// Whether no letter or digit starts at byte `at` of `text` (a character boundary): a
/// match ending there ends a word.
#[inline]
pub fn ends_word(text: &str, at: usize) -> bool {
    match text.as_bytes().get(at) {
        None => true,
        Some(&next) if next.is_ascii() => !next.is_ascii_alphanumeric(),
        Some(_) => ends_word_decoded(text, at),
    }
}

#[inline(never)]
fn ends_word_decoded(text: &str, at: usize) -> bool {
    text[at..]
        .chars()
        .next()
        .is_none_or(|c| !is_alphanumeric(c))
}

/// The letters and digits of `text` that end at byte `at`: the part of a word before
/// a position (empty at a word start).
pub fn word_before(text: &str, at: usize) -> &str {
    let start = text[..at]
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_alphanumeric(c))
        .map_or(0, |(j, c)| j + c.len_utf8());
    &text[start..at]
}

/// The letters and digits of `text` that start at byte `at`.
pub fn word_after(text: &str, at: usize) -> &str {
    let end = text[at..]
        .char_indices()
        .find(|&(_, c)| !is_alphanumeric(c))
        .map_or(text.len(), |(j, _)| at + j);
    &text[at..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_the_runs_of_letters() {
        let texts = [
            "",
            "The cat, the DOG; l'été à Paris — Ёлки-палки 42x x42 ",
            "  ×÷ İstanbul ǅemal στο σπίτι 北京市 في المدينة",
            "a",
            "١٢٣ abc\u{300}def",
        ];
        for text in texts {
            let plain: Vec<Word> = text
                .split(|c: char| !c.is_alphabetic())
                .filter(|t| !t.is_empty())
                .map(|t| Word {
                    text: t,
                    is_ascii: t.is_ascii(),
                })
                .collect();
            assert_eq!(words(text).collect::<Vec<_>>(), plain, "{text}");
        }
    }

    #[test]
    fn boundaries_agree_with_the_characters_around_every_position() {
        let text = "putin's putina, Пекин-2 北京 x٣ é";
        for (at, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let before = text[..at].chars().next_back();
            let after = text[at..].chars().next();
            assert_eq!(
                starts_word(text, at),
                before.is_none_or(|c| !c.is_alphanumeric()),
                "{at}"
            );
            assert_eq!(
                ends_word(text, at),
                after.is_none_or(|c| !c.is_alphanumeric()),
                "{at}"
            );
        }
    }

    #[test]
    fn word_parts_around_a_position() {
        let text = "و بالعاصمة putin's";
        let al = text.find("العاصمة").unwrap();
        assert_eq!(word_before(text, al), "ب");
        assert_eq!(word_after(text, al), "العاصمة");
        assert_eq!(word_before(text, text.len()), "s");
        assert_eq!(word_before(text, 0), "");
        assert_eq!(word_after(text, text.len()), "");
    }
}
