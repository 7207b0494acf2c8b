//! Web boilerplate: the lines of a page that are not part of the story.
//!
//! The rules are data (`config/boilerplate.toml`), compiled once at load into a hash
//! set of normalised whole lines and one anchored Aho-Corasick automaton of prompts.
//! A line is only ever removed as a whole, and only when it is short: a sentence of
//! the story that merely contains "comment" or "newsletter" is never touched.

use std::collections::{BTreeMap, HashSet};

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use newsflow_text::words::ends_word;
use newsflow_text::{is_alphabetic, is_alphanumeric, is_unspaced};
use serde::Deserialize;

/// The rules file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RulesFile {
    #[serde(default)]
    limits: Limits,
    #[serde(default)]
    pub(crate) html: HtmlRules,
    /// Phrases grouped by language code; all languages are matched at once because
    /// the language is not known yet when the clean step runs.
    #[serde(default)]
    phrases: BTreeMap<String, Phrases>,
}

/// Length limits that keep the rules away from real sentences.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Limits {
    /// A line that starts with a prompt is removed only when it has at most this many characters.
    prompt_line_max_chars: usize,
    /// After a trailing-block heading, lines up to this many characters are link titles.
    tail_line_max_chars: usize,
    /// A line made only of share-button words is removed when it has at most this many words.
    button_line_max_words: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            prompt_line_max_chars: 160,
            tail_line_max_chars: 120,
            button_line_max_words: 10,
        }
    }
}

/// What the HTML converter drops.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct HtmlRules {
    /// Elements whose whole content is dropped (scripts, navigation, footers, forms).
    pub(crate) drop_elements: Vec<String>,
}

impl Default for HtmlRules {
    fn default() -> Self {
        let names = [
            "script", "style", "nav", "footer", "aside", "form", "noscript", "template", "head",
            "iframe", "svg", "button", "select", "textarea", "object",
        ];
        HtmlRules {
            drop_elements: names.iter().map(|name| name.to_string()).collect(),
        }
    }
}

/// The phrases of one language.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Phrases {
    /// Lines that are boilerplate when they are the whole line ("Comments", "Advertisement").
    lines: Vec<String>,
    /// Openings of short prompt lines ("Sign up for our newsletter", "You must be logged in").
    prompts: Vec<String>,
    /// Headings of the trailing link block ("Related articles"); also whole-line boilerplate.
    tail_headings: Vec<String>,
    /// Share-button words: a short line made only of these is button text.
    buttons: Vec<String>,
}

/// How a line of the body was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Story,
    Boilerplate,
    TailHeading,
}

/// The compiled rules.
#[derive(Debug)]
pub(crate) struct Boilerplate {
    lines: HashSet<String>,
    headings: HashSet<String>,
    buttons: HashSet<String>,
    prompts: AhoCorasick,
    /// Per prompt: whether a match must end at a word boundary. False for prompts that
    /// end in punctuation or in a script written without spaces (Chinese, Japanese).
    prompt_needs_boundary: Vec<bool>,
    limits: Limits,
}

impl Boilerplate {
    /// Compiles the rules; the error is a human message naming the bad phrase.
    pub(crate) fn compile(file: &RulesFile) -> Result<Self, String> {
        let mut lines = HashSet::new();
        let mut headings = HashSet::new();
        let mut buttons = HashSet::new();
        let mut prompts = Vec::new();
        for (language, phrases) in &file.phrases {
            let keyed = |phrase: &String| {
                let lower = lowercase(phrase);
                let key = line_key(&lower);
                if key.is_empty() {
                    Err(format!(
                        "[phrases.{language}] has a phrase with no letters: {phrase:?}"
                    ))
                } else {
                    Ok(key.to_string())
                }
            };
            for phrase in &phrases.lines {
                lines.insert(keyed(phrase)?);
            }
            for phrase in &phrases.tail_headings {
                let key = keyed(phrase)?;
                lines.insert(key.clone());
                headings.insert(key);
            }
            for phrase in &phrases.buttons {
                buttons.insert(keyed(phrase)?);
            }
            for phrase in &phrases.prompts {
                let lower = lowercase(phrase);
                let prompt = prompt_text(&lower).trim_end().to_string();
                if prompt.is_empty() {
                    return Err(format!("[phrases.{language}] has an empty prompt"));
                }
                // A prompt alone on its line is boilerplate too.
                lines.insert(keyed(phrase)?);
                prompts.push(prompt);
            }
        }
        let prompt_needs_boundary = prompts
            .iter()
            .map(|p| {
                p.chars()
                    .last()
                    .is_some_and(|c| is_alphanumeric(c) && !is_unspaced(c))
            })
            .collect();
        let prompts = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(&prompts)
            .map_err(|e| format!("cannot compile the prompts: {e}"))?;
        Ok(Boilerplate {
            lines,
            headings,
            buttons,
            prompts,
            prompt_needs_boundary,
            limits: file.limits.clone(),
        })
    }

    /// Which paragraphs to keep: false for boilerplate lines and for the trailing
    /// "Related articles" block.
    pub(crate) fn keep(&self, paragraphs: &[&str]) -> Vec<bool> {
        let kinds: Vec<(LineKind, usize)> = paragraphs
            .iter()
            .map(|p| {
                let chars = char_count_up_to(p, self.longest_line());
                (self.classify(p, chars), chars)
            })
            .collect();
        let mut keep: Vec<bool> = kinds.iter().map(|(k, _)| *k == LineKind::Story).collect();

        // The trailing block is the longest suffix of short or boilerplate lines; from
        // its first "Related articles" style heading on, everything is links.
        let mut start = kinds.len();
        while let Some(&(kind, chars)) = start.checked_sub(1).and_then(|i| kinds.get(i)) {
            if kind == LineKind::Story && chars > self.limits.tail_line_max_chars {
                break;
            }
            start -= 1;
        }
        if let Some(heading) = (start..kinds.len()).find(|&i| kinds[i].0 == LineKind::TailHeading) {
            keep[heading..].iter_mut().for_each(|k| *k = false);
        }
        keep
    }

    fn longest_line(&self) -> usize {
        self.limits
            .prompt_line_max_chars
            .max(self.limits.tail_line_max_chars)
    }

    /// `chars` is the line's length in characters, capped just above the longest limit.
    fn classify(&self, line: &str, chars: usize) -> LineKind {
        if chars > self.limits.prompt_line_max_chars {
            return LineKind::Story;
        }
        let lower = lowercase(line);
        let text = prompt_text(&lower);
        let key = line_key(text);
        if text.is_empty() {
            // Bullets and separators on their own ("•", "***", "|").
            return LineKind::Boilerplate;
        }
        if key.is_empty() {
            return LineKind::Story;
        }
        if self.headings.contains(key) {
            return LineKind::TailHeading;
        }
        if self.lines.contains(key) || self.is_button_line(key) || self.starts_with_prompt(text) {
            return LineKind::Boilerplate;
        }
        LineKind::Story
    }

    fn starts_with_prompt(&self, text: &str) -> bool {
        let input = Input::new(text).anchored(Anchored::Yes);
        let Some(found) = self.prompts.find(input) else {
            return false;
        };
        let needs_boundary = self
            .prompt_needs_boundary
            .get(found.pattern().as_usize())
            .copied()
            .unwrap_or(true);
        !needs_boundary || ends_word(text, found.end())
    }

    fn is_button_line(&self, key: &str) -> bool {
        let mut words = 0;
        for word in key
            .split(|c: char| c.is_whitespace() || matches!(c, '|' | '/' | '·' | '•' | ','))
            .map(|w| w.trim_matches(|c: char| !is_alphanumeric(c)))
            .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        {
            words += 1;
            if words > self.limits.button_line_max_words || !self.buttons.contains(word) {
                return false;
            }
        }
        words > 0
    }
}

/// Lowercase with typographic apostrophes made plain, so "Don’t miss" matches "don't miss".
fn lowercase(line: &str) -> String {
    if line.is_ascii() {
        return line.to_ascii_lowercase();
    }
    // Character by character, not `str::to_lowercase`: that one gives a final sigma
    // its word-final form, and the rules are written with the plain one.
    let mut lower = String::with_capacity(line.len());
    for c in line.chars().flat_map(newsflow_text::chars::to_lowercase) {
        lower.push(match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => '\'',
            other => other,
        });
    }
    lower
}

/// The line with leading bullets, arrows and quotes removed: where a prompt must start.
fn prompt_text(lower: &str) -> &str {
    lower.trim_start_matches(|c: char| !is_alphanumeric(c))
}

/// The line as compared with whole-line phrases: also without trailing punctuation,
/// counters and arrows ("Comments (12)", "Read more »").
fn line_key(text: &str) -> &str {
    prompt_text(text).trim_end_matches(|c: char| !is_alphabetic(c))
}

/// The number of characters in `line`, counting no further than just past `cap`.
fn char_count_up_to(line: &str, cap: usize) -> usize {
    // Counting the whole line is word-at-a-time in std, several times faster than
    // decoding characters one by one up to the cap.
    line.chars().count().min(cap + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(toml_text: &str) -> Boilerplate {
        let file: RulesFile = toml::from_str(toml_text).unwrap();
        Boilerplate::compile(&file).unwrap()
    }

    fn kept<'a>(rules: &Boilerplate, lines: &[&'a str]) -> Vec<&'a str> {
        let keep = rules.keep(lines);
        lines
            .iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(l, _)| *l)
            .collect()
    }

    const RULES: &str = r#"
        [phrases.en]
        lines = ["Comments", "Advertisement", "Read more"]
        prompts = ["Sign up for", "Share on", "read more:"]
        tail_headings = ["Related articles"]
        buttons = ["facebook", "twitter", "email", "share"]
        [phrases.zh]
        lines = ["广告"]
        prompts = ["分享到"]
        tail_headings = ["相关文章"]
    "#;

    #[test]
    fn whole_lines_go_whatever_their_case_and_counters() {
        let rules = rules(RULES);
        let lines = [
            "COMMENTS (12)",
            "Advertisement:",
            "» Read more",
            "The story.",
        ];
        assert_eq!(kept(&rules, &lines), ["The story."]);
    }

    #[test]
    fn prompts_need_a_word_boundary_and_a_short_line() {
        let rules = rules(RULES);
        let long = format!("Sign up for {}", "the long march of history ".repeat(10));
        let lines = [
            "Sign up for our daily briefing",
            "Signature drive begins",
            "Share on Facebook",
            "Shareholders were told on Monday.",
            long.as_str(),
            "read more: the talks in full",
            "Read more books, the minister urged.",
        ];
        assert_eq!(
            kept(&rules, &lines),
            [
                "Signature drive begins",
                "Shareholders were told on Monday.",
                long.as_str(),
                "Read more books, the minister urged."
            ]
        );
    }

    #[test]
    fn story_lines_that_mention_rule_words_survive() {
        let rules = rules(RULES);
        let lines = [
            "The ministry declined to comment on the report.",
            "Comments by the president drew criticism.",
            "Advertisement spending fell by a third.",
        ];
        assert_eq!(kept(&rules, &lines), lines);
    }

    #[test]
    fn share_button_rows_go() {
        let rules = rules(RULES);
        let lines = [
            "Facebook | Twitter | Email",
            "Share 0",
            "Facebook said on Monday.",
        ];
        assert_eq!(kept(&rules, &lines), ["Facebook said on Monday."]);
    }

    #[test]
    fn trailing_link_block_goes_from_its_heading_on() {
        let rules = rules(RULES);
        let story = "A long paragraph of the story that goes on well past the length of any link title, as story paragraphs do, with many words.";
        let lines = [
            story,
            "A short closing line of the story.",
            "Related Articles",
            "Leaders meet in Geneva",
            "Markets fall on trade fears",
        ];
        assert_eq!(
            kept(&rules, &lines),
            [story, "A short closing line of the story."]
        );
    }

    #[test]
    fn heading_followed_by_more_story_removes_only_itself() {
        let rules = rules(RULES);
        let story = "A long paragraph of the story that goes on well past the length of any link title, as story paragraphs do, with many words.";
        let lines = ["Related articles", "A subheading", story];
        assert_eq!(kept(&rules, &lines), ["A subheading", story]);
    }

    #[test]
    fn unspaced_scripts_match_prompts_without_a_boundary() {
        let rules = rules(RULES);
        let lines = [
            "分享到微信",
            "广告",
            "习近平在北京会见了来访的领导人。",
            "相关文章",
            "标题一",
        ];
        assert_eq!(kept(&rules, &lines), ["习近平在北京会见了来访的领导人。"]);
    }

    #[test]
    fn lowercase_is_per_character_with_plain_apostrophes() {
        assert_eq!(
            lowercase("ÉTÉ Ёлка ДОМ 北京 Don’t ‘x’ ʼ ΟΔΟΣ"),
            "été ёлка дом 北京 don't 'x' ' οδοσ"
        );
    }

    #[test]
    fn a_phrase_without_letters_is_a_load_error() {
        let file: RulesFile = toml::from_str("[phrases.en]\nlines = [\"***\"]").unwrap();
        let error = Boilerplate::compile(&file).unwrap_err();
        assert!(error.contains("phrases.en"), "{error}");
    }
}
