//! The lang stage: detects the language of an article's title and body.
//! (Skeleton: being written.)

use newsflow_record::Language;
use serde::{Deserialize, Serialize};

/// Settings of the lang stage (`[lang]` in the config file).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LangConfig {
    /// How many bytes of title + body the detector reads.
    pub prefix_bytes: usize,
}

impl Default for LangConfig {
    fn default() -> Self {
        LangConfig { prefix_bytes: 1024 }
    }
}

/// Language detector.
pub struct Detector {
    config: LangConfig,
}

impl Detector {
    /// A detector with the given settings.
    pub fn new(config: &LangConfig) -> Self {
        Detector {
            config: config.clone(),
        }
    }

    /// Detects the language of an article from its title and cleaned body.
    pub fn detect(&self, title: &str, body: &str) -> Language {
        let text = format!("{title}\n{body}");
        let end = text.floor_char_boundary(self.config.prefix_bytes.min(text.len()));
        match whatlang::detect(&text[..end]) {
            Some(info) => Language {
                code: info.lang().code().into(),
                iso639_3: info.lang().code().into(),
                script: info.script().name().into(),
                confidence: info.confidence(),
                reliable: info.is_reliable(),
            },
            None => Language::undetermined("Zyyy"),
        }
    }
}
