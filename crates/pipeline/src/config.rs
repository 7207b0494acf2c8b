//! Settings of every stage, as one serde struct.

use std::path::PathBuf;

use newsflow_clean::CleanConfig;
use newsflow_data::DataDir;
use newsflow_dedup::DedupConfig;
use newsflow_lang::LangConfig;
use newsflow_story::StoryConfig;
use newsflow_tag::TagConfig;
use serde::{Deserialize, Serialize};

/// Settings of the stages. Rule and gazetteer paths are relative to `data_dir`,
/// or to the rule data built into the binary when `data_dir` is not set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PipelineConfig {
    /// Directory holding boilerplate rules, event rules and the gazetteer; `None`:
    /// the copy built into the binary.
    pub data_dir: Option<PathBuf>,
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

impl PipelineConfig {
    /// Where the rule data is read from.
    pub fn data(&self) -> DataDir {
        match &self.data_dir {
            Some(dir) => DataDir::Disk(dir.clone()),
            None => DataDir::BuiltIn,
        }
    }
}
