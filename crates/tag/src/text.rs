//! Text helpers: byte-aligned lowercasing, sentence spans and word boundaries.

use std::collections::HashSet;

/// Lowercases `text` char by char. A char whose lowercase form would change its UTF-8
/// length (or expand to several chars) is kept as is, so every byte offset in the
/// result is valid in the input and points at the same character: matches found in
/// the lowered text need no offset map.
pub(crate) fn lower_aligned(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) if l.len_utf8() == c.len_utf8() => out.push(l),
            _ => out.push(c),
        }
    }
    out
}

/// One sentence of a field: byte range (valid in the original and lowered text)
/// and char range (what the output reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
}

/// Terminators that end a sentence on their own (no space follows them in CJK text).
fn is_hard_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '؟' | '\n')
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | '」' | '』')
}

/// Splits `text` into sentences. `lowered` is `lower_aligned(text)`; `abbreviations`
/// are lowercase words (without the dot) after which a period does not end a sentence.
pub(crate) fn sentences(
    text: &str,
    lowered: &str,
    abbreviations: &HashSet<String>,
    out: &mut Vec<Span>,
) {
    out.clear();
    let mut seg_start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let after = i + c.len_utf8();
        let split_at = if is_hard_terminator(c) {
            Some(after)
        } else if matches!(c, '.' | '!' | '?') {
            // Swallow closing quotes so they stay with their sentence.
            let mut end = after;
            while let Some(&(j, q)) = chars.peek() {
                if !is_closing(q) {
                    break;
                }
                end = j + q.len_utf8();
                chars.next();
            }
            match chars.peek() {
                None => Some(end),
                Some(&(_, next)) if next.is_whitespace() => {
                    if c == '.' && !period_ends_sentence(text, lowered, i, end, abbreviations) {
                        None
                    } else {
                        Some(end)
                    }
                }
                _ => None,
            }
        } else {
            None
        };
        if let Some(end) = split_at {
            push_trimmed(text, seg_start, end, out);
            seg_start = end;
        }
    }
    push_trimmed(text, seg_start, text.len(), out);
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
    let word_start = lowered[..dot]
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || c == '(' || c == '"')
        .map_or(0, |(j, c)| j + c.len_utf8());
    let word = &lowered[word_start..dot];
    let mut letters = word.chars();
    if matches!((letters.next(), letters.next()), (Some(c), None) if c.is_alphabetic()) {
        return false;
    }
    !abbreviations.contains(word)
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let segment = &text[start..end];
    let trimmed_start = segment.len() - segment.trim_start().len();
    let body = segment.trim();
    if body.is_empty() {
        return;
    }
    let start = start + trimmed_start;
    let end = start + body.len();
    // Sentences arrive in order, so counting from the previous one keeps this linear.
    let (prev_byte, prev_char) = out.last().map_or((0, 0), |s| (s.end, s.char_end));
    let char_start = prev_char + text[prev_byte..start].chars().count();
    let char_end = char_start + body.chars().count();
    out.push(Span {
        start,
        end,
        char_start,
        char_end,
    });
}

/// True when the match starting at `start` does not continue a word, or continues
/// it only after one of the language's clitic prefixes (Arabic "و", "ب", "ال").
pub(crate) fn left_ok(lowered: &str, start: usize, clitics: &[String]) -> bool {
    let Some(prev) = lowered[..start].chars().next_back() else {
        return true;
    };
    if !prev.is_alphanumeric() {
        return true;
    }
    if clitics.is_empty() {
        return false;
    }
    let word_start = lowered[..start]
        .char_indices()
        .rev()
        .find(|&(_, c)| !c.is_alphanumeric())
        .map_or(0, |(j, c)| j + c.len_utf8());
    let prefix = &lowered[word_start..start];
    clitics.iter().any(|c| c == prefix)
}

/// True when the match ending at `end` is not followed by a letter or digit.
pub(crate) fn right_ok(lowered: &str, end: usize) -> bool {
    lowered[end..]
        .chars()
        .next()
        .is_none_or(|c| !c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        let lowered = lower_aligned(text);
        let abbreviations: HashSet<String> = ["mr".to_string(), "dr".to_string()].into();
        let mut spans = Vec::new();
        sentences(text, &lowered, &abbreviations, &mut spans);
        spans.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn lowering_keeps_byte_offsets() {
        let text = "Пекин İstanbul KELVIN \u{212A}";
        let lowered = lower_aligned(text);
        assert_eq!(lowered.len(), text.len());
        assert!(lowered.starts_with("пекин"));
    }

    #[test]
    fn abbreviations_and_initials_do_not_split() {
        assert_eq!(
            split("Mr. Kim met the U.S. envoy. Talks ended.\n\nNext day."),
            vec!["Mr. Kim met the U.S. envoy.", "Talks ended.", "Next day."]
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
    fn char_offsets_count_characters_not_bytes() {
        let text = "Пекин. Москва.";
        let lowered = lower_aligned(text);
        let mut spans = Vec::new();
        sentences(text, &lowered, &HashSet::new(), &mut spans);
        assert_eq!((spans[1].char_start, spans[1].char_end), (7, 14));
    }

    #[test]
    fn boundaries_respect_clitics() {
        let clitics = vec!["و".to_string()];
        assert!(left_ok("وبكين", "و".len(), &clitics));
        assert!(!left_ok("xbeijing", 1, &[]));
        assert!(right_ok("putin's", 5));
        assert!(!right_ok("putina", 5));
    }
}
