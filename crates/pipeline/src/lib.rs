//! The newsflow stages wired together, with no broker in sight.
//!
//! Layout:
//! - [`config`]: settings of every stage (`PipelineConfig`), as read from the TOML file.
//! - [`stages`]: the four stages (`lang`, which runs the clean step first, `dedup`,
//!   `tag` and `story`), each with a typed method the in-process chain calls and the
//!   bytes-in, outputs-out [`Stage`](newsflow_stage::Stage) form the Kafka runtime
//!   drives.
//! - [`chain`]: the all-in-one [`Pipeline`]: one raw record in, one [`Outcome`] out,
//!   walking the stages in the order of the topology the services use.
//! - [`topology`]: the four stages over the configured topics, as data: what
//!   `serve` runs one node of and [`Pipeline`] walks.
//! - [`eval`]: outcomes scored against a labelled set (`newsflow eval`).
#![deny(missing_docs)]

pub mod chain;
pub mod config;
pub mod eval;
pub mod stages;
pub mod topology;

pub use chain::{Passage, Pipeline, StageTimes, Step, STAGES};
pub use config::PipelineConfig;
pub use newsflow_record::Outcome;
pub use stages::{DedupStage, LangStage, StoryStage, TagStage, DUPLICATE, STATE};
pub use topology::newsflow as topology;
