//! The clean step: raw bytes in, a validated [`Article`] or a typed [`Rejection`] out.
//!
//! Layout:
//! - [`config`]: [`CleanConfig`], the `[clean]` table of the config file.
//! - `raw`: bytes to a JSON object to typed fields (size, UTF-8, JSON, types).
//! - [`id`]: stable ids derived from canonical URLs.
//! - `html`: HTML bodies to text with paragraph breaks (only when the body has markup).
//! - `text`: Unicode NFC, whitespace and control characters, one paragraph per line.
//! - `boilerplate`: the rules of `config/boilerplate.toml`, compiled once at load.
//!
//! Checks run cheapest first and stop at the first failure: size (`too_large`), UTF-8
//! (`invalid_utf8`), JSON (`invalid_json`), object (`not_an_object`), field types and
//! an `id` or usable `url` (`missing_field`), then text left after cleaning
//! (`empty_body`).
//!
//! A `published_at` that is a string but not RFC 3339 does not reject the article:
//! losing a story over a malformed date would be worse than losing the date. The
//! value is moved to the pass-through field [`INVALID_PUBLISHED_AT_FIELD`] and
//! `published_at` is left out.
#![deny(missing_docs)]

mod boilerplate;
pub mod config;
mod html;
pub mod id;
mod raw;
mod text;

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

pub use newsflow_data::DataDir;
use newsflow_record::{Article, ErrorCode, RecordError, Rejection};
use serde_json::Value;

pub use config::{CleanConfig, DEFAULT_MAX_RECORD_BYTES};
pub use id::{canonical_url, id_from_url};

use boilerplate::{Boilerplate, RulesFile};
use html::HtmlToText;
use text::Paragraphs;

/// The pass-through field that receives a `published_at` that is not RFC 3339.
pub const INVALID_PUBLISHED_AT_FIELD: &str = "published_at_invalid";

/// Longest stretch of input quoted in a rejection message.
const QUOTE_CHARS: usize = 120;

/// Error loading the clean step's rules.
#[derive(Debug, thiserror::Error)]
#[error("cannot load boilerplate rules from {path}: {message}")]
pub struct LoadError {
    /// The file that failed.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

/// The clean step, with its rules loaded.
#[derive(Debug)]
pub struct Cleaner {
    max_record_bytes: usize,
    boilerplate: Boilerplate,
    html: HtmlToText,
}

impl Cleaner {
    /// Loads the rules named by `config` from the directory `data_dir`.
    pub fn load(config: &CleanConfig, data_dir: &Path) -> Result<Self, LoadError> {
        Cleaner::load_from(config, &DataDir::Disk(data_dir.to_path_buf()))
    }

    /// Loads the rules named by `config` from `data` (built in or on disk).
    pub fn load_from(config: &CleanConfig, data: &DataDir) -> Result<Self, LoadError> {
        let fail = |message: String| LoadError {
            path: data.describe(&config.boilerplate),
            message,
        };
        let text = data
            .read_to_string(&config.boilerplate)
            .map_err(|e| fail(e.to_string()))?;
        let rules: RulesFile = toml::from_str(&text).map_err(|e| fail(e.to_string()))?;
        let boilerplate = Boilerplate::compile(&rules).map_err(fail)?;
        // The shared character tables, now rather than in the first record.
        newsflow_text::warm_up();
        Ok(Cleaner {
            max_record_bytes: config.max_record_bytes,
            boilerplate,
            html: HtmlToText::new(&rules.html.drop_elements),
        })
    }

    /// Parses, validates and cleans one raw record.
    pub fn clean(&self, input: &[u8]) -> Result<Article, Rejection> {
        if input.len() > self.max_record_bytes {
            return Err(reject(
                None,
                RecordError::new(
                    ErrorCode::TooLarge,
                    format!(
                        "record is {} bytes, over the limit of {} bytes",
                        input.len(),
                        self.max_record_bytes
                    ),
                ),
            ));
        }
        let mut fields = raw::parse(input).map_err(|(id, error)| reject(id, error))?;

        let url = fields
            .url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty());
        let id = match (fields.id.take(), url) {
            (Some(id), _) => id.into_owned(),
            (None, Some(url)) => id_from_url(url).ok_or_else(|| {
                missing(format!(
                    "no `id`, and `url` {:?} is not an absolute URL to derive one from",
                    quote(url)
                ))
            })?,
            (None, None) => return Err(missing("record has neither `id` nor `url`".into())),
        };
        let url = url.map(str::to_string);
        if fields.title.is_none() && fields.body.is_none() {
            return Err(reject(
                Some(id),
                RecordError::new(
                    ErrorCode::MissingField,
                    "record has neither `title` nor `body`",
                ),
            ));
        }

        let title = fields
            .title
            .as_deref()
            .map(|t| self.clean_title(t))
            .unwrap_or_default();
        let body = fields
            .body
            .as_deref()
            .map(|b| self.clean_body(b))
            .unwrap_or_default();
        if title.is_empty() && body.is_empty() {
            let message =
                "neither `title` nor `body` has any text once markup and boilerplate are removed";
            return Err(reject(
                Some(id),
                RecordError::new(ErrorCode::EmptyBody, message),
            ));
        }

        let published_at = match fields.published_at.as_deref().map(str::trim) {
            Some(date) if chrono::DateTime::parse_from_rfc3339(date).is_ok() => {
                Some(date.to_string())
            }
            Some("") | None => None,
            Some(date) => {
                fields.extra.insert(
                    INVALID_PUBLISHED_AT_FIELD.into(),
                    Value::String(date.to_string()),
                );
                None
            }
        };

        Ok(Article {
            id,
            url,
            source: non_blank(fields.source),
            title,
            body,
            published_at,
            language_hint: non_blank(fields.language),
            language: None,
            dedup: None,
            event_rules: None,
            events: None,
            entities: None,
            story: None,
            extra: fields.extra,
        })
    }

    /// A body as text: markup removed when there is any, Unicode NFC, one paragraph
    /// per line with a blank line between paragraphs, boilerplate lines removed.
    pub fn clean_body(&self, body: &str) -> String {
        let text = if html::looks_like_html(body) {
            Cow::Owned(self.html.convert(body))
        } else {
            Cow::Borrowed(body)
        };
        let paragraphs = Paragraphs::of(&text);
        let lines = paragraphs.lines();
        let keep = self.boilerplate.keep(&lines);
        let mut out = String::with_capacity(text.len());
        for line in lines
            .iter()
            .zip(keep)
            .filter(|(_, keep)| *keep)
            .map(|(l, _)| l)
        {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(line);
        }
        out
    }

    /// A headline on one line: markup removed when there is any, Unicode NFC,
    /// whitespace collapsed. No boilerplate rule applies to a headline.
    pub fn clean_title(&self, title: &str) -> String {
        if html::looks_like_html(title) {
            text::single_line(&self.html.convert(title))
        } else {
            text::single_line(title)
        }
    }
}

fn reject(id: Option<String>, error: RecordError) -> Rejection {
    Rejection {
        input_line: None,
        id,
        error,
    }
}

fn missing(message: String) -> Rejection {
    reject(None, RecordError::new(ErrorCode::MissingField, message))
}

fn non_blank(value: Option<Cow<'_, str>>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The start of `text`, for quoting input in a message without copying megabytes.
fn quote(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((end, _)) => Cow::Owned(format!("{}...", &text[..end])),
        None => Cow::Borrowed(text),
    }
}
