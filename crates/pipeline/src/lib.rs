//! The newsflow stages wired together, with no broker in sight.
//!
//! Layout:
//! - [`config`]: settings of every stage (`PipelineConfig`), as read from the TOML file.
//! - [`stages`]: the three service stages (`lang`, which runs the clean step first,
//!   `dedup` and `tag`), each with a typed method the in-process chain calls and a
//!   bytes-in, outputs-out [`ServiceStage`] form the Kafka runtime drives.
//! - [`chain`]: the all-in-one [`Pipeline`]: one raw record in, one [`Outcome`] out.
//! - [`eval`]: outcomes scored against a labelled set (`newsflow eval`).
#![deny(missing_docs)]

pub mod chain;
pub mod config;
pub mod eval;
pub mod stages;

pub use chain::{Pipeline, StageTimes, STAGES};
pub use config::PipelineConfig;
pub use newsflow_record::Outcome;
pub use stages::{
    DedupStage, Emit, Input, LangStage, Restored, ServiceStage, StateSize, StoryStage, TagStage,
};
