//! Text helpers: the shared ones of `newsflow-text` under the names the tagger uses,
//! and the word boundary with the language's clitic prefixes.

pub(crate) use newsflow_text::case::warm_up;
pub(crate) use newsflow_text::chars::is_alphanumeric as is_alnum;
pub(crate) use newsflow_text::sentences::{sentence_at, Span};
pub(crate) use newsflow_text::words::ends_word as right_ok;
pub(crate) use newsflow_text::{lower_aligned, lower_aligned_into};

/// True when the match starting at `start` does not continue a word, or continues
/// it only after one of the language's clitic prefixes (Arabic "و", "ب", "ال").
#[inline]
pub(crate) fn left_ok(lowered: &str, start: usize, clitics: &[String]) -> bool {
    newsflow_text::words::starts_word(lowered, start)
        || (!clitics.is_empty() && has_clitic(lowered, start, clitics))
}

#[inline(never)]
fn has_clitic(lowered: &str, start: usize, clitics: &[String]) -> bool {
    let prefix = newsflow_text::words::word_before(lowered, start);
    clitics.iter().any(|c| c == prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_respect_clitics() {
        let clitics = vec!["و".to_string()];
        assert!(left_ok("وبكين", "و".len(), &clitics));
        assert!(!left_ok("وبكين", "و".len(), &[]));
        assert!(!left_ok("xbeijing", 1, &[]));
        assert!(right_ok("putin's", 5));
        assert!(!right_ok("putina", 5));
    }
}
