//! Text helpers: byte-aligned lowercasing, sentence spans and word boundaries.

use std::collections::HashSet;

/// Lowercases `text` char by char. A char whose lowercase form would change its UTF-8
/// length (or expand to several chars) is kept as is, so every byte offset in the
/// result is valid in the input and points at the same character: matches found in
/// the lowered text need no offset map.
pub(crate) fn lower_aligned(text: &str) -> String {
    let mut out = String::new();
    lower_aligned_into(text, &mut out);
    out
}

/// [`lower_aligned`] into a reused buffer.
pub(crate) fn lower_aligned_into(text: &str, out: &mut String) {
    out.clear();
    out.push_str(text);
    out.make_ascii_lowercase();
    if text.is_ascii() {
        return;
    }
    // Copy, then rewrite only the few chars that change: most non-ASCII text is
    // already lowercase (or caseless), and a same-length rewrite keeps offsets.
    let table = lower_table();
    let caseless = caseless_leads();
    let changing = changing_two_byte_chars();
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
        if caseless[lead as usize] {
            i += width;
            continue;
        }
        // Cyrillic, Greek and accented Latin: most chars are lowercase already.
        if width == 2
            && bytes
                .get(i + 1)
                .is_some_and(|&next| changing[usize::from(lead & 0x1F)] & 1 << (next & 0x3F) == 0)
        {
            i += 2;
            continue;
        }
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        let lowered = table_lower(table, c);
        if lowered != c {
            let mut buf = [0u8; 4];
            out.replace_range(i..i + c.len_utf8(), lowered.encode_utf8(&mut buf));
        }
        i += c.len_utf8();
    }
}

/// The first non-ASCII byte at or after `from` (or the end), eight bytes at a time.
fn next_non_ascii(bytes: &[u8], mut from: usize) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(word) = bytes.get(from..from + 8) {
        let mut chunk = [0u8; 8];
        chunk.copy_from_slice(word);
        let high = u64::from_le_bytes(chunk) & HIGH;
        if high != 0 {
            return from + (high.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    while from < bytes.len() && bytes[from] < 0x80 {
        from += 1;
    }
    from
}

fn table_lower(table: &[Option<LowerBlock>], c: char) -> char {
    let code = c as u32;
    if code < 0x1_0000 {
        match &table[(code >> 8) as usize] {
            None => c,
            Some(block) => char::from_u32(u32::from(block[(code & 0xff) as usize])).unwrap_or(c),
        }
    } else {
        lower_char(c)
    }
}

/// UTF-8 lead bytes none of whose chars change when lowered (CJK, kana, Arabic):
/// the lowering skips such chars without decoding them.
fn caseless_leads() -> &'static [bool; 256] {
    static LEADS: std::sync::OnceLock<[bool; 256]> = std::sync::OnceLock::new();
    LEADS.get_or_init(|| {
        let table = lower_table();
        let mut leads = [false; 256];
        // Two-byte leads cover 64 code points, three-byte leads 4096; four-byte
        // chars are left to the per-char path.
        for (lead, caseless) in leads.iter_mut().enumerate() {
            let range = match lead {
                0xC2..=0xDF => ((lead as u32 & 0x1F) << 6)..((lead as u32 & 0x1F) << 6) + 64,
                0xE0..=0xEF => ((lead as u32 & 0x0F) << 12)..((lead as u32 & 0x0F) << 12) + 4096,
                _ => continue,
            };
            *caseless = range
                .filter_map(char::from_u32)
                .all(|c| table_lower(table, c) == c);
        }
        leads
    })
}

/// Per two-byte UTF-8 lead (its low five bits), the chars that lowering changes, as
/// a bit per continuation byte (its low six bits): one lookup instead of decoding.
fn changing_two_byte_chars() -> &'static [u64; 32] {
    static CHANGING: std::sync::OnceLock<[u64; 32]> = std::sync::OnceLock::new();
    CHANGING.get_or_init(|| {
        let table = lower_table();
        let mut changing = [0u64; 32];
        for code in 0x80..0x800u32 {
            if char::from_u32(code).is_some_and(|c| table_lower(table, c) != c) {
                changing[(code >> 6) as usize] |= 1 << (code & 0x3F);
            }
        }
        changing
    })
}

/// Builds the lazily made tables now, so that the first article does not pay for them.
pub(crate) fn warm_up() {
    caseless_leads();
    changing_two_byte_chars();
    is_alnum('\u{400}');
}

/// `char::is_alphanumeric`, from a table for the Basic Multilingual Plane: the
/// standard library searches its Unicode tables for every non-ASCII char, and word
/// boundary checks ask for many of them in Cyrillic and Arabic text.
pub(crate) fn is_alnum(c: char) -> bool {
    static BMP: std::sync::OnceLock<Box<[u64; 1024]>> = std::sync::OnceLock::new();
    let code = c as u32;
    if code < 0x80 {
        return c.is_ascii_alphanumeric();
    }
    if code >= 0x1_0000 {
        return c.is_alphanumeric();
    }
    let bits = BMP.get_or_init(|| {
        let mut bits = Box::new([0u64; 1024]);
        for code in 0..0x1_0000u32 {
            if char::from_u32(code).is_some_and(char::is_alphanumeric) {
                bits[(code >> 6) as usize] |= 1 << (code & 63);
            }
        }
        bits
    });
    bits[(code >> 6) as usize] & (1 << (code & 63)) != 0
}

/// The aligned lowercase form of one char.
fn lower_char(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
        _ => c,
    }
}

/// One 256-char block of the Basic Multilingual Plane: each char's aligned lowercase form.
type LowerBlock = Box<[u16; 256]>;

/// Aligned lowercase forms of the Basic Multilingual Plane, per 256-char block, built
/// once: the standard library's case tables cost a binary search per char, which
/// made lowering most of the work on CJK and Cyrillic text. Blocks where no char
/// changes (CJK, Arabic, kana) are `None`, so the table stays near 20 KB.
fn lower_table() -> &'static [Option<LowerBlock>] {
    static TABLE: std::sync::OnceLock<Vec<Option<LowerBlock>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (0..256u32)
            .map(|block| {
                let mut forms = [0u16; 256];
                let mut changed = false;
                for (i, form) in forms.iter_mut().enumerate() {
                    let code = (block << 8) | i as u32;
                    // Surrogates are not chars; their slots are never read.
                    let lowered = char::from_u32(code).map_or(code, |c| lower_char(c) as u32);
                    changed |= lowered != code;
                    // A same-length lowercase form of a BMP char is in the BMP.
                    *form = u16::try_from(lowered).unwrap_or(code as u16);
                }
                changed.then(|| Box::new(forms))
            })
            .collect()
    })
}

/// One sentence of a field: a byte range, valid in the original and lowered text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
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
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has = |word: u64, byte: u8| {
        let diff = word ^ (ONES * u64::from(byte));
        diff.wrapping_sub(ONES) & !diff & HIGH != 0
    };
    while let Some(bytes8) = bytes.get(from..from + 8) {
        let mut chunk = [0u8; 8];
        chunk.copy_from_slice(bytes8);
        let word = u64::from_le_bytes(chunk);
        if word & HIGH != 0
            || has(word, b'.')
            || has(word, b'!')
            || has(word, b'?')
            || has(word, b'\n')
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
pub(crate) const MAX_SENTENCE_BYTES: usize = 1000;

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
pub(crate) fn sentence_at(
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
#[cfg(test)]
pub(crate) fn sentences(text: &str, lowered: &str, abbreviations: &HashSet<String>) -> Vec<Span> {
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
    if matches!((letters.next(), letters.next()), (Some(c), None) if c.is_alphabetic()) {
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

/// True when the match starting at `start` does not continue a word, or continues
/// it only after one of the language's clitic prefixes (Arabic "و", "ب", "ال").
#[inline]
pub(crate) fn left_ok(lowered: &str, start: usize, clitics: &[String]) -> bool {
    // Most matches follow an ASCII byte: no char to decode, no clitic to try.
    match lowered.as_bytes()[..start].last() {
        None => true,
        Some(&prev) if prev.is_ascii() && (clitics.is_empty() || !prev.is_ascii_alphanumeric()) => {
            !prev.is_ascii_alphanumeric()
        }
        Some(_) => left_ok_decoded(lowered, start, clitics),
    }
}

#[inline(never)]
fn left_ok_decoded(lowered: &str, start: usize, clitics: &[String]) -> bool {
    let Some(prev) = lowered[..start].chars().next_back() else {
        return true;
    };
    if !is_alnum(prev) {
        return true;
    }
    if clitics.is_empty() {
        return false;
    }
    let word_start = lowered[..start]
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_alnum(c))
        .map_or(0, |(j, c)| j + c.len_utf8());
    let prefix = &lowered[word_start..start];
    clitics.iter().any(|c| c == prefix)
}

/// True when the match ending at `end` is not followed by a letter or digit.
#[inline]
pub(crate) fn right_ok(lowered: &str, end: usize) -> bool {
    match lowered.as_bytes().get(end) {
        None => true,
        Some(&next) if next.is_ascii() => !next.is_ascii_alphanumeric(),
        Some(_) => right_ok_decoded(lowered, end),
    }
}

#[inline(never)]
fn right_ok_decoded(lowered: &str, end: usize) -> bool {
    lowered[end..].chars().next().is_none_or(|c| !is_alnum(c))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn lowering_keeps_byte_offsets() {
        let text = "Пекин İstanbul KELVIN \u{212A}";
        let lowered = lower_aligned(text);
        assert_eq!(lowered.len(), text.len());
        assert!(lowered.starts_with("пекин"));
    }

    #[test]
    fn table_lowering_matches_char_lowering() {
        let text = "ÀÉÎ Ωμέγα ДЖУЛИЯ ǅ Ⅻ Ⓐ Ꭰ Ა İ ẞ 𐐀 北京 ＡＢＣ";
        let expected: String = text.chars().map(lower_char).collect();
        assert_eq!(lower_aligned(text), expected);
        assert!(lower_aligned(text).starts_with("àéî ωμέγα джулия ǆ ⅻ ⓐ"));
    }

    #[test]
    fn lowering_in_place_matches_char_lowering_everywhere() {
        // Every char up to the end of the BMP and a sample beyond, mixed with ASCII.
        let text: String = (0..0x2_0000u32)
            .filter(|code| code < &0x1_0000 || code % 5 == 0)
            .filter_map(char::from_u32)
            .flat_map(|c| [c, 'Q'])
            .collect();
        let expected: String = text.chars().map(lower_char).collect();
        assert_eq!(lower_aligned(&text), expected);
    }

    #[test]
    fn alnum_table_matches_the_standard_library() {
        for code in (0..0x11_0000u32)
            .step_by(7)
            .chain([0x4E2D, 0x0660, 0x00B2, 0x2160])
        {
            if let Some(c) = char::from_u32(code) {
                assert_eq!(is_alnum(c), c.is_alphanumeric(), "{c:?}");
            }
        }
    }

    #[test]
    fn abbreviations_and_initials_do_not_split() {
        assert_eq!(
            split("Mr. Kim met the U.S. envoy. Talks ended.\n\nNext day."),
            vec!["Mr. Kim met the U.S. envoy.", "Talks ended.", "Next day."]
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
    fn char_offsets_count_characters_not_bytes() {
        let text = "Пекин. Москва.";
        let lowered = lower_aligned(text);
        let spans = sentences(text, &lowered, &HashSet::new());
        assert_eq!(spans[1].chars(text), (7, 14));
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
