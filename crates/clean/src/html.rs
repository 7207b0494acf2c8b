//! HTML bodies to text with paragraph breaks.
//!
//! We need the text and where blocks begin and end, not a tree, so a WHATWG
//! tokenizer (html5gum) is enough: it decodes entities and treats `<script>` and
//! `<style>` contents as raw text. Plain-text bodies never reach it: [`looks_like_html`]
//! decides with a memchr scan for `<` followed by a known tag name.

use std::collections::HashSet;

use html5gum::{DefaultEmitter, Token, Tokenizer};

/// Elements that start and end a paragraph.
const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tr",
    "ul",
];

/// Elements that separate words without breaking the paragraph.
const SPACED_ELEMENTS: &[&str] = &["td", "th", "img"];

/// Elements that never have content, so never open a dropped region.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Tag names whose presence marks a body as HTML. Unknown or invented names do not
/// count, so "a < b" or "<sigh>" in a plain-text story stays plain text.
const MARKER_TAGS: &[&str] = &[
    "a",
    "abbr",
    "article",
    "aside",
    "b",
    "blockquote",
    "body",
    "br",
    "cite",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "li",
    "link",
    "main",
    "meta",
    "nav",
    "noscript",
    "ol",
    "p",
    "picture",
    "pre",
    "q",
    "s",
    "script",
    "section",
    "small",
    "source",
    "span",
    "strong",
    "style",
    "sub",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "th",
    "time",
    "title",
    "tr",
    "u",
    "ul",
    "video",
];

/// Whether `text` contains markup: a known start or end tag, a comment or a doctype.
pub(crate) fn looks_like_html(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(offset) = bytes
        .get(from..)
        .and_then(|rest| memchr::memchr(b'<', rest))
    {
        let at = from + offset + 1;
        from = at;
        let rest = &bytes[at..];
        if rest.starts_with(b"!--") || starts_with_ignore_case(rest, b"!doctype") {
            return true;
        }
        let name_start = usize::from(rest.first() == Some(&b'/'));
        let name_len = rest[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let after = rest.get(name_start + name_len).copied();
        let closes = matches!(after, Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r'));
        if name_len == 0 || !closes {
            continue;
        }
        let name = &rest[name_start..name_start + name_len];
        if MARKER_TAGS
            .iter()
            .any(|tag| tag.as_bytes().eq_ignore_ascii_case(name))
        {
            return true;
        }
    }
    false
}

fn starts_with_ignore_case(haystack: &[u8], prefix: &[u8]) -> bool {
    haystack
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// Turns HTML into text: one line per block, entities decoded, dropped elements gone.
/// Whitespace inside a block is left for the text normaliser to collapse.
#[derive(Debug)]
pub(crate) struct HtmlToText {
    drop: HashSet<String>,
}

impl HtmlToText {
    /// A converter that drops the content of the named elements.
    pub(crate) fn new(drop_elements: &[String]) -> Self {
        HtmlToText {
            drop: drop_elements
                .iter()
                .map(|name| name.to_ascii_lowercase())
                .filter(|name| !VOID_ELEMENTS.contains(&name.as_str()))
                .collect(),
        }
    }

    /// The text of `html`, blocks separated by newlines.
    pub(crate) fn convert(&self, html: &str) -> String {
        let mut emitter = DefaultEmitter::default();
        // Switch to raw-text states after <script>, <style>, <title>, <textarea>, so
        // their contents are never read as markup.
        emitter.naively_switch_states(true);
        let mut out = String::with_capacity(html.len());
        let mut dropped_depth = 0usize;
        for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
            match token {
                Token::String(text) if dropped_depth == 0 => {
                    if let Ok(text) = std::str::from_utf8(&text.value) {
                        // Source line breaks are just spaces in HTML.
                        out.extend(
                            text.chars()
                                .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
                        );
                    }
                }
                Token::StartTag(tag) => {
                    let name = std::str::from_utf8(&tag.name).unwrap_or("");
                    if self.drop.contains(name) {
                        if !tag.self_closing {
                            dropped_depth += 1;
                        }
                    } else if dropped_depth == 0 {
                        self.mark_boundary(name, &mut out);
                    }
                }
                Token::EndTag(tag) => {
                    let name = std::str::from_utf8(&tag.name).unwrap_or("");
                    if self.drop.contains(name) {
                        dropped_depth = dropped_depth.saturating_sub(1);
                    } else if dropped_depth == 0 {
                        self.mark_boundary(name, &mut out);
                    }
                }
                _ => {}
            }
        }
        out
    }

    fn mark_boundary(&self, name: &str, out: &mut String) {
        if BLOCK_ELEMENTS.contains(&name) {
            out.push('\n');
        } else if SPACED_ELEMENTS.contains(&name) {
            out.push(' ');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boilerplate::HtmlRules;

    fn convert(html: &str) -> String {
        let text = HtmlToText::new(&HtmlRules::default().drop_elements).convert(html);
        text.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("|")
    }

    #[test]
    fn markup_is_recognised_by_known_tags_only() {
        assert!(looks_like_html("<p>Hello</p>"));
        assert!(looks_like_html("Text<br/>more"));
        assert!(looks_like_html("x <!-- c --> y"));
        assert!(looks_like_html("<!DOCTYPE html><html>"));
        assert!(looks_like_html("a <DIV class=x>b</DIV>"));
        assert!(!looks_like_html("if a < b and b > c"));
        assert!(!looks_like_html("he said <sigh> and left"));
        assert!(!looks_like_html("the <p"));
        assert!(!looks_like_html("plain text"));
    }

    #[test]
    fn blocks_become_lines_and_inline_text_joins() {
        let html = "<h1>Title</h1><p>One <b>bold</b>\nword.</p><p>Two<br>Three</p><ul><li>A</li><li>B</li></ul><blockquote>Q</blockquote><div>D</div>";
        assert_eq!(convert(html), "Title|One bold word.|Two|Three|A|B|Q|D");
    }

    #[test]
    fn scripts_navigation_and_footers_are_dropped() {
        let html = "<nav><a>Home</a></nav><script>var s = '<p>not text</p>';</script><style>p{}</style><p>Story.</p><aside>Promo</aside><form><label>Email</label></form><footer>© Site</footer>";
        assert_eq!(convert(html), "Story.");
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            convert("<p>AT&amp;T &mdash; &quot;yes&quot; &#233;t&eacute;</p>"),
            "AT&T — \"yes\" été"
        );
    }
}
