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

/// Katakana letters and the prolonged sound mark, which run on inside one katakana word
/// (the middle dot ・ separates words).
fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | '\u{30FC}')
}

/// True when `lowered[start..end]` begins or ends inside a longer katakana word (マリ in
/// マリオカート, インド in インドネシア): Japanese writes no spaces, but a run of
/// katakana is one word.
pub(crate) fn inside_katakana_word(lowered: &str, start: usize, end: usize) -> bool {
    let text = &lowered[start..end];
    let runs_in = text.chars().next().is_some_and(is_katakana)
        && lowered[..start]
            .chars()
            .next_back()
            .is_some_and(is_katakana);
    let runs_on = text.chars().next_back().is_some_and(is_katakana)
        && lowered[end..].chars().next().is_some_and(is_katakana);
    runs_in || runs_on
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

    #[test]
    fn a_katakana_name_is_no_part_of_a_longer_katakana_word() {
        let at = |text: &str, name: &str| {
            let start = text.find(name).unwrap();
            inside_katakana_word(text, start, start + name.len())
        };
        assert!(at("マリオカートの新作", "マリ"));
        assert!(at("インドネシアの首都", "インド"));
        assert!(at("ニューギニア島", "ギニア"));
        assert!(!at("マリ軍の部隊", "マリ"));
        assert!(!at("ロシア・ウクライナ戦争", "ウクライナ"));
        assert!(!at("南アフリカのラマポーザ大統領", "アフリカ"));
        assert!(!at("mali", "mali"));
    }
}
