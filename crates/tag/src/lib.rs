//! The tag stage: events and entities, from rules that are data.
//! (Skeleton: being written.)

use std::path::{Path, PathBuf};

use newsflow_record::{Article, Entities, Event, EventRules};
use serde::{Deserialize, Serialize};

/// Settings of the tag stage (`[tag]` in the config file).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TagConfig {
    /// Directory of per-language event rule files, relative to the data directory.
    pub events_dir: PathBuf,
    /// Directory of gazetteer files, relative to the data directory.
    pub gazetteer_dir: PathBuf,
}

impl Default for TagConfig {
    fn default() -> Self {
        TagConfig {
            events_dir: PathBuf::from("events"),
            gazetteer_dir: PathBuf::from("gazetteer"),
        }
    }
}

/// Error loading rules or gazetteer.
#[derive(Debug, thiserror::Error)]
#[error("cannot load {path}: {message}")]
pub struct LoadError {
    /// The file that failed.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

/// What the tag stage found in one article.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagging {
    /// Events found.
    pub events: Vec<Event>,
    /// Entities named.
    pub entities: Entities,
    /// Whether rules exist for the article's language.
    pub event_rules: EventRules,
}

/// The tag stage with its rules loaded.
pub struct Tagger {}

impl Tagger {
    /// Loads rules and gazetteer from `data_dir`.
    pub fn load(_config: &TagConfig, _data_dir: &Path) -> Result<Self, LoadError> {
        Ok(Tagger {})
    }

    /// Tags one article (language already detected).
    pub fn tag(&self, _article: &Article) -> Tagging {
        Tagging {
            events: Vec::new(),
            entities: Entities::default(),
            event_rules: EventRules::Missing,
        }
    }
}
