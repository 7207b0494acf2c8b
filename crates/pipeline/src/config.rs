//! Settings of every stage, as one serde struct.

use std::path::PathBuf;

use newsflow_clean::CleanConfig;
use newsflow_dedup::DedupConfig;
use newsflow_lang::LangConfig;
use newsflow_story::StoryConfig;
use newsflow_tag::TagConfig;
use serde::{Deserialize, Serialize};

/// Settings of the stages. Rule and gazetteer paths are relative to `data_dir`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PipelineConfig {
    /// Directory holding boilerplate rules, event rules and the gazetteer.
    pub data_dir: PathBuf,
    /// The clean step.
    pub clean: CleanConfig,
    /// The lang stage.
    pub lang: LangConfig,
    /// The dedup stage.
    pub dedup: DedupConfig,
    /// The tag stage.
    pub tag: TagConfig,
    /// The story stage.
    pub story: StoryConfig,
}
