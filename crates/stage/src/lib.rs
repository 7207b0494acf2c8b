//! The stage contract: what every newsflow stage implements and what every runner
//! (the Kafka runtime, the in-process chain) drives, with nothing else in it.
//!
//! A [`Stage`] is synchronous and broker-agnostic: one [`Input`] in, one or more
//! [`Output`]s out, each to a named output slot. Where a slot's records go (a topic,
//! how they are partitioned, whether they are final) is the [`topology`]'s business,
//! not the stage's. A stateful stage names the slot that carries its state changelog
//! and puts that state back with [`Stage::restore`]; it reports its own metrics
//! through the [`Telemetry`] handle the runner passes to [`Stage::register`].
//!
//! Layout:
//! - this file: [`Stage`], [`Input`], [`Output`], [`Outcome`], [`Restored`].
//! - [`telemetry`]: the metrics handle and the bounded label values.
//! - [`topology`]: which stage reads which topic and where each slot goes, as data.
#![deny(missing_docs)]

pub mod telemetry;
pub mod topology;

use std::time::Instant;

use newsflow_record::Rejection;

pub use telemetry::Telemetry;
pub use topology::{Node, Partitioning, Route, Topology, Unmapped};

/// The slot of an article going on to whatever reads the stage's main output.
pub const NEXT: &str = "next";
/// The slot of bad input; the runner adds the original bytes and where they came from.
pub const DEAD_LETTER: &str = "dead_letter";

/// Where an input record was read from, for dead letters and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source<'a> {
    /// Topic (or file) read.
    pub topic: &'a str,
    /// Partition (0 for a file).
    pub partition: i32,
    /// Offset (the line number for a file).
    pub offset: i64,
}

/// Headers of an input record, looked up by name.
pub trait Headers {
    /// The value of the first header called `name`.
    fn get(&self, name: &str) -> Option<&[u8]>;
}

/// A record without headers (the in-process chain, tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHeaders;

impl Headers for NoHeaders {
    fn get(&self, _name: &str) -> Option<&[u8]> {
        None
    }
}

/// One input record as a stage sees it.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    /// The record's value.
    pub payload: &'a [u8],
    /// The record's key, when it has one.
    pub key: Option<&'a [u8]>,
    /// The record's headers.
    pub headers: &'a dyn Headers,
    /// The broker timestamp (milliseconds since the epoch), when there is one.
    pub timestamp_ms: Option<i64>,
    /// When the record's CPU budget runs out: a stage that gets there finishes the
    /// record early, marked partial (see [`Stage::partial`]).
    pub deadline: Option<Instant>,
    /// Where the record was read from.
    pub source: Option<Source<'a>>,
}

impl<'a> Input<'a> {
    /// A bare record: a value with no key, headers, time, budget or origin.
    pub fn of(payload: &'a [u8]) -> Input<'a> {
        Input {
            payload,
            key: None,
            headers: &NoHeaders,
            timestamp_ms: None,
            deadline: None,
            source: None,
        }
    }
}

impl std::fmt::Debug for Input<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("bytes", &self.payload.len())
            .field("timestamp_ms", &self.timestamp_ms)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// What an output says about the input record it came from: the one place both
/// runners read a record's fate from.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The article goes on (to the next stage, or out as enriched when the topology
    /// says the slot is final).
    Passed,
    /// The article is a duplicate of an earlier one (`near`: a near copy, else exact).
    Duplicate {
        /// A near copy rather than the same normalised text.
        near: bool,
    },
    /// Bad input, for the dead-letter topic.
    Rejected(Rejection),
    /// A state-changelog record; says nothing about the input's fate.
    State,
}

/// One output of a stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// The slot written (see [`Stage::slots`]); the topology maps it to a topic.
    pub slot: &'static str,
    /// Record key (the article id, or the story id for story states).
    pub key: String,
    /// What the record should be partitioned by when the topology partitions the
    /// slot by something other than the key (a language code, a story key).
    pub partition_key: Option<String>,
    /// Headers the stage adds to the runner's own.
    pub headers: Vec<(&'static str, Vec<u8>)>,
    /// Record value (JSON); empty for a rejection, whose dead letter carries the input.
    pub payload: Vec<u8>,
    /// What the output says about the input record.
    pub outcome: Outcome,
}

impl Output {
    /// An output to `slot` with no partition key or headers of its own.
    pub fn new(slot: &'static str, key: String, payload: Vec<u8>, outcome: Outcome) -> Output {
        Output {
            slot,
            key,
            partition_key: None,
            headers: Vec::new(),
            payload,
            outcome,
        }
    }

    /// The input rejected as bad, for the dead-letter slot.
    pub fn rejected(rejection: Rejection) -> Output {
        let key = rejection.id.clone().unwrap_or_default();
        Output::new(DEAD_LETTER, key, Vec::new(), Outcome::Rejected(rejection))
    }

    /// The same output partitioned by `key`.
    pub fn partitioned_by(mut self, key: Option<String>) -> Output {
        self.partition_key = key;
        self
    }
}

/// What a stage did with one changelog record (see [`Stage::restore`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restored {
    /// Put back into the state.
    Kept,
    /// Put back with its future time clamped to the restore time.
    Clamped,
    /// Valid but not needed (outside the window, already known, or a stateless stage).
    Ignored,
    /// Not valid, for the reason given (a metric label).
    Skipped(&'static str),
}

/// A stage any runner can drive: synchronous, broker-agnostic.
pub trait Stage: Send {
    /// Stage name for logs, headers and metric labels (`lang`, `dedup`, ...).
    fn name(&self) -> &'static str;

    /// Every slot the stage may write, [`DEAD_LETTER`] included when it rejects
    /// input: a topology that leaves one unmapped is refused before the first record.
    fn slots(&self) -> &'static [&'static str];

    /// Processes one record, pushing its outputs to `out`: exactly one that is not
    /// [`Outcome::State`] per input, so every input ends as exactly one outcome.
    fn process(&mut self, input: Input<'_>, out: &mut Vec<Output>);

    /// The slot carrying the stage's state changelog, when it has state: the runner
    /// reads that slot's topic back through [`Stage::restore`] before consuming.
    fn changelog(&self) -> Option<&'static str> {
        None
    }

    /// Puts back state read from the changelog at `now_ms` (the restore time),
    /// validating it first.
    fn restore(&mut self, _payload: &[u8], _now_ms: i64) -> Restored {
        Restored::Ignored
    }

    /// Registers the stage's own metrics on `telemetry` (called once, before the
    /// first record; a stage never registered reports nothing).
    fn register(&mut self, _telemetry: &Telemetry) {}

    /// Updates the stage's state gauges: the runner calls it on a timer and after a
    /// restore, so a quiet service still exports its state.
    fn report(&self) {}

    /// Whether the record `process` just handled was finished early, over its CPU
    /// budget (its output then carries a `partial` marker).
    fn partial(&self) -> bool {
        false
    }
}

/// A boxed stage is a stage: `serve all` runs stages of different types side by side.
impl<S: Stage + ?Sized> Stage for Box<S> {
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn slots(&self) -> &'static [&'static str] {
        (**self).slots()
    }
    fn process(&mut self, input: Input<'_>, out: &mut Vec<Output>) {
        (**self).process(input, out)
    }
    fn changelog(&self) -> Option<&'static str> {
        (**self).changelog()
    }
    fn restore(&mut self, payload: &[u8], now_ms: i64) -> Restored {
        (**self).restore(payload, now_ms)
    }
    fn register(&mut self, telemetry: &Telemetry) {
        (**self).register(telemetry)
    }
    fn report(&self) {
        (**self).report()
    }
    fn partial(&self) -> bool {
        (**self).partial()
    }
}

/// The fate of one input record from its outputs: the one place both runners count
/// outcomes from. `last` says whether the passed article left the pipeline (its slot
/// is final in the topology).
pub fn fate(outputs: &[Output], last: impl Fn(&'static str) -> bool) -> Fate {
    outputs
        .iter()
        .filter_map(|output| Fate::of(&output.outcome, last(output.slot)))
        .last()
        .unwrap_or(Fate::None)
}

/// What became of one input record in one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Passed on to the next stage.
    Forwarded,
    /// Left the pipeline as enriched.
    Enriched,
    /// An exact duplicate.
    DuplicateExact,
    /// A near duplicate.
    DuplicateNear,
    /// Rejected as bad input.
    Rejected,
    /// The stage produced no outcome (a stage bug, counted as an error).
    None,
}

impl Fate {
    /// What `outcome`, written to a slot that is final in the topology when `last`,
    /// says of its input; `None` for a state record, which says nothing. The
    /// in-process chain, which passes articles between stages without outputs,
    /// counts with this too.
    pub fn of(outcome: &Outcome, last: bool) -> Option<Fate> {
        Some(match outcome {
            Outcome::Passed if last => Fate::Enriched,
            Outcome::Passed => Fate::Forwarded,
            Outcome::Duplicate { near: true } => Fate::DuplicateNear,
            Outcome::Duplicate { near: false } => Fate::DuplicateExact,
            Outcome::Rejected(_) => Fate::Rejected,
            Outcome::State => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsflow_record::{ErrorCode, RecordError};

    fn passed(slot: &'static str) -> Output {
        Output::new(slot, "a".into(), b"{}".to_vec(), Outcome::Passed)
    }

    #[test]
    fn a_state_record_does_not_change_the_fate_of_its_input() {
        let state = Output::new("state", "s".into(), b"{}".to_vec(), Outcome::State);
        let outputs = [state.clone(), passed(NEXT)];
        assert_eq!(fate(&outputs, |_| false), Fate::Forwarded);
        assert_eq!(fate(&outputs, |slot| slot == NEXT), Fate::Enriched);
        assert_eq!(fate(&[state], |_| true), Fate::None);
    }

    #[test]
    fn duplicates_and_rejections_are_told_apart() {
        let near = Output::new(
            "duplicate",
            "a".into(),
            vec![],
            Outcome::Duplicate { near: true },
        );
        assert_eq!(fate(&[near], |_| true), Fate::DuplicateNear);
        let rejected = Output::rejected(Rejection {
            input_line: None,
            id: Some("x".into()),
            error: RecordError::new(ErrorCode::InvalidJson, "no"),
        });
        assert_eq!(rejected.slot, DEAD_LETTER);
        assert_eq!(rejected.key, "x");
        assert_eq!(fate(&[rejected], |_| true), Fate::Rejected);
    }
}
