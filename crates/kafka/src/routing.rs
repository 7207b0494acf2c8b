//! Routing: a stage's outputs become records for the producer, each slot to the topic
//! and partition the service's [`Node`] says, and the input record's fate is counted.
//!
//! By language: every article of one language lands in the same partition of
//! `news.lang`, and its dedup entries in the same partition number of the changelog,
//! so one dedup instance owns each language. By hash: the story key, so that one
//! story's articles meet at one story instance whatever their language.

use newsflow_stage::{fate, Node, Outcome, Output, Partitioning, DEAD_LETTER};
use newsflow_telemetry::RecordOutcome;
use rdkafka::message::{Header, OwnedHeaders};

use crate::delivery::DeadLetter;
use crate::error::Error;
use crate::headers::{output_headers, Source, TraceParent};
use crate::limits::Limits;

/// The most common news languages, spread round-robin over the partitions so that a
/// handful of partitions already separate the big languages; others are hashed.
const COMMON: [&str; 16] = [
    "en", "es", "fr", "de", "zh", "ar", "ru", "pt", "ja", "it", "hi", "ko", "tr", "nl", "pl", "id",
];

/// The partition (out of `partitions`) for articles in `language` (ISO code, or
/// `None` when no language is known). Stable across versions and processes.
pub fn language_partition(language: Option<&str>, partitions: i32) -> i32 {
    let partitions = partitions.max(1);
    let slot = match language {
        Some(code) => match COMMON.iter().position(|common| *common == code) {
            Some(index) => index as u64,
            // xxh3 with a fixed seed is stable across platforms and releases.
            None => COMMON.len() as u64 + xxhash_rust::xxh3::xxh3_64(code.as_bytes()),
        },
        None => 0,
    };
    (slot % partitions as u64) as i32
}

/// The partition (out of `partitions`) for a partition key hashed: stable across
/// versions and processes; records without a key share partition 0.
pub fn hash_partition(key: Option<&str>, partitions: i32) -> i32 {
    let partitions = partitions.max(1) as u64;
    match key {
        Some(key) => (xxhash_rust::xxh3::xxh3_64(key.as_bytes()) % partitions) as i32,
        None => 0,
    }
}

/// One slot's route with its topic's partition count, resolved at start-up.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub(crate) slot: &'static str,
    pub(crate) topic: String,
    partitioning: Partitioning,
    partitions: i32,
    last: bool,
}

/// One output of a record, on its way to the producer.
#[derive(Debug)]
pub(crate) struct OutRecord<'a> {
    pub(crate) topic: &'a str,
    pub(crate) partition: Option<i32>,
    pub(crate) key: Option<Vec<u8>>,
    pub(crate) payload: Vec<u8>,
    pub(crate) headers: OwnedHeaders,
    /// A dead-letter record: its error code, counted once the broker has it.
    pub(crate) dlq: Option<&'static str>,
}

/// What one input record became.
pub(crate) struct Routed<'a> {
    pub(crate) records: Vec<OutRecord<'a>>,
    pub(crate) outcome: RecordOutcome,
    /// The raw record's time, for the end-to-end latency of an enriched article.
    pub(crate) ingest_ms: Option<i64>,
}

/// The input record the outputs came from, as routing needs it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Inbound<'m> {
    pub(crate) source: Source<'m>,
    pub(crate) key: Option<&'m [u8]>,
    pub(crate) payload: &'m [u8],
    pub(crate) trace: TraceParent,
    pub(crate) ingest_ms: Option<i64>,
}

/// Where a service writes and how it routes, resolved once at start-up.
#[derive(Debug)]
pub(crate) struct Router {
    pub(crate) stage: &'static str,
    pub(crate) input: String,
    pub(crate) dlq: String,
    pub(crate) limits: Limits,
    routes: Vec<Resolved>,
    /// The route of the stage's changelog slot.
    pub(crate) changelog: Option<Resolved>,
}

impl Router {
    /// Resolves `node`'s routes for `stage`, with `partitions` giving each topic's
    /// partition count (a metadata look-up in the service, a table in tests).
    pub(crate) fn new(
        stage: &dyn newsflow_stage::Stage,
        node: &Node,
        limits: Limits,
        mut partitions: impl FnMut(&str) -> Result<i32, Error>,
    ) -> Result<Router, Error> {
        node.check(stage).map_err(|unmapped| Error::NoTopicFor {
            stage: unmapped.stage,
            output: unmapped.slot,
        })?;
        partitions(&node.input)?;
        let mut routes = Vec::with_capacity(node.routes.len());
        for route in &node.routes {
            routes.push(Resolved {
                slot: route.slot,
                topic: route.topic.clone(),
                partitioning: route.partitioning,
                partitions: partitions(&route.topic)?,
                last: route.last,
            });
        }
        let dlq = node
            .route(DEAD_LETTER)
            .map(|route| route.topic.clone())
            .ok_or(Error::NoTopicFor {
                stage: stage.name(),
                output: DEAD_LETTER,
            })?;
        let changelog = stage
            .changelog()
            .and_then(|slot| routes.iter().find(|r| r.slot == slot))
            .cloned();
        Ok(Router {
            stage: stage.name(),
            input: node.input.clone(),
            dlq,
            limits,
            routes,
            changelog,
        })
    }

    fn route_of(&self, slot: &'static str) -> Result<&Resolved, Error> {
        self.routes
            .iter()
            .find(|route| route.slot == slot)
            .ok_or(Error::NoTopicFor {
                stage: self.stage,
                output: slot,
            })
    }

    /// The changelog partition for records of input partition `partition`.
    pub(crate) fn state_partition(&self, partition: i32) -> i32 {
        let partitions = self.changelog.as_ref().map_or(1, |route| route.partitions);
        partition.rem_euclid(partitions.max(1))
    }

    /// The dead-letter record of an input for a failure other than its content.
    pub(crate) fn dead_letter(&self, input: &Inbound<'_>, code: &str, reason: &str) -> DeadLetter {
        DeadLetter::new(
            self.stage,
            &input.trace,
            code,
            reason,
            input.source,
            input.key,
            input.payload,
            &self.limits,
        )
    }

    /// Turns a stage's outputs into records and says what became of the input.
    pub(crate) fn route(
        &self,
        input: &Inbound<'_>,
        outputs: &mut Vec<Output>,
    ) -> Result<Routed<'_>, Error> {
        let outcome = RecordOutcome::from(fate(outputs, |slot| {
            self.routes.iter().any(|r| r.slot == slot && r.last)
        }));
        let mut shared_headers = Some(output_headers(self.stage, &input.trace, input.ingest_ms));
        let mut records = Vec::with_capacity(outputs.len());
        let count = outputs.len();
        for (index, output) in outputs.drain(..).enumerate() {
            // Every output but the last gets a copy; the last takes the original.
            let mut headers = if index + 1 == count {
                shared_headers.take().unwrap_or_default()
            } else {
                shared_headers.clone().unwrap_or_default()
            };
            if let Outcome::Rejected(rejection) = &output.outcome {
                let code = rejection.error.code.as_str();
                let letter = self.dead_letter(input, code, &rejection.error.message);
                records.push(OutRecord {
                    topic: &self.dlq,
                    partition: None,
                    key: letter.key,
                    payload: letter.payload,
                    headers: letter.headers,
                    dlq: Some(code),
                });
                continue;
            }
            let route = self.route_of(output.slot)?;
            let key = output.partition_key.as_deref();
            let partition = match route.partitioning {
                Partitioning::Key => None,
                Partitioning::Language => Some(language_partition(key, route.partitions)),
                Partitioning::Hash => Some(hash_partition(key, route.partitions)),
                // The input partition, not the content: a rebuild reads exactly the
                // changelog partitions matching the assigned input partitions.
                Partitioning::Input => {
                    Some(input.source.partition.rem_euclid(route.partitions.max(1)))
                }
            };
            for (name, value) in &output.headers {
                headers = headers.insert(Header {
                    key: name,
                    value: Some(value),
                });
            }
            records.push(OutRecord {
                topic: &route.topic,
                partition,
                key: Some(output.key.into_bytes()),
                payload: output.payload,
                headers,
                dlq: None,
            });
        }
        Ok(Routed {
            records,
            ingest_ms: input
                .ingest_ms
                .filter(|_| outcome == RecordOutcome::Enriched),
            outcome,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use newsflow_record::{ErrorCode, RecordError, Rejection};
    use newsflow_stage::{Input, Route, Stage, NEXT};

    /// A stage that writes what it is told to, for routing tests.
    struct Scripted;

    impl Stage for Scripted {
        fn name(&self) -> &'static str {
            "scripted"
        }
        fn slots(&self) -> &'static [&'static str] {
            &[NEXT, "state", DEAD_LETTER]
        }
        fn process(&mut self, _input: Input<'_>, _out: &mut Vec<Output>) {}
        fn changelog(&self) -> Option<&'static str> {
            Some("state")
        }
    }

    fn router(last: bool) -> Router {
        let mut next = Route::new(NEXT, "out").by(Partitioning::Hash);
        if last {
            next = next.last();
        }
        let node = Node {
            stage: "scripted",
            input: "in".into(),
            routes: vec![
                next,
                Route::new("state", "state").by(Partitioning::Input),
                Route::new(DEAD_LETTER, "dlq"),
            ],
        };
        let partitions = |topic: &str| Ok(if topic == "state" { 3 } else { 6 });
        Router::new(&Scripted, &node, Limits::default(), partitions).expect("router")
    }

    fn inbound(partition: i32) -> Inbound<'static> {
        Inbound {
            source: Source {
                topic: "in",
                partition,
                offset: 41,
            },
            key: Some(b"a-1"),
            payload: b"raw bytes",
            trace: TraceParent::generate(),
            ingest_ms: Some(1_000),
        }
    }

    #[test]
    fn each_slot_goes_to_its_topic_and_partition() {
        let router = router(false);
        let mut outputs = vec![
            Output::new("state", "st-1".into(), b"{}".to_vec(), Outcome::State),
            Output::new(NEXT, "a-1".into(), b"{}".to_vec(), Outcome::Passed)
                .partitioned_by(Some("state_visit".into())),
        ];
        let routed = router.route(&inbound(5), &mut outputs).expect("routed");
        let placed: Vec<(&str, Option<i32>)> = routed
            .records
            .iter()
            .map(|record| (record.topic, record.partition))
            .collect();
        let story_partition = hash_partition(Some("state_visit"), 6);
        assert_eq!(
            placed,
            [("state", Some(5 % 3)), ("out", Some(story_partition))]
        );
        assert_eq!(routed.outcome, RecordOutcome::Forwarded);
        assert_eq!(routed.ingest_ms, None, "only enriched articles are timed");
        assert_eq!(router.state_partition(5), 2);
    }

    #[test]
    fn a_passed_article_on_a_last_slot_is_enriched_and_timed() {
        let router = router(true);
        let mut outputs = vec![Output::new(NEXT, "a-1".into(), vec![], Outcome::Passed)];
        let routed = router.route(&inbound(0), &mut outputs).expect("routed");
        assert_eq!(routed.outcome, RecordOutcome::Enriched);
        assert_eq!(routed.ingest_ms, Some(1_000));
    }

    #[test]
    fn a_rejection_becomes_a_dead_letter_carrying_the_input() {
        let router = router(true);
        let mut outputs = vec![Output::rejected(Rejection {
            input_line: None,
            id: None,
            error: RecordError::new(ErrorCode::InvalidJson, "not json"),
        })];
        let routed = router.route(&inbound(0), &mut outputs).expect("routed");
        assert_eq!(routed.outcome, RecordOutcome::Rejected);
        let [record] = &routed.records[..] else {
            panic!("one dead letter");
        };
        assert_eq!(record.topic, "dlq");
        assert_eq!(record.payload, b"raw bytes");
        assert_eq!(record.key.as_deref(), Some(&b"a-1"[..]));
        assert_eq!(record.dlq, Some("invalid_json"));
    }

    #[test]
    fn a_topology_missing_a_slot_of_the_stage_is_refused() {
        let node = Node {
            stage: "scripted",
            input: "in".into(),
            routes: vec![Route::new(NEXT, "out"), Route::new(DEAD_LETTER, "dlq")],
        };
        let refused = Router::new(&Scripted, &node, Limits::default(), |_| Ok(1));
        assert!(matches!(
            refused,
            Err(Error::NoTopicFor {
                output: "state",
                ..
            })
        ));
    }

    #[test]
    fn hashing_is_stable_and_in_range() {
        assert_eq!(hash_partition(None, 6), 0);
        let first = hash_partition(Some("military_parade"), 7);
        assert!((0..7).contains(&first));
        assert_eq!(hash_partition(Some("military_parade"), 7), first);
        assert_eq!(hash_partition(Some("x"), 0), 0);
    }

    #[test]
    fn common_languages_are_spread_round_robin() {
        let partitions: Vec<i32> = ["en", "es", "fr", "de", "zh", "ar", "ru"]
            .iter()
            .map(|code| language_partition(Some(code), 6))
            .collect();
        assert_eq!(partitions, vec![0, 1, 2, 3, 4, 5, 0]);
    }

    #[test]
    fn same_language_always_gets_the_same_partition() {
        let first = language_partition(Some("sw"), 6);
        for _ in 0..10 {
            assert_eq!(language_partition(Some("sw"), 6), first);
        }
        assert!((0..6).contains(&first));
    }

    #[test]
    fn every_partition_is_in_range_even_with_odd_counts() {
        for code in ["en", "xx", "uk", "fa", "vi", "sv"] {
            for partitions in [1, 2, 3, 7, 12] {
                let partition = language_partition(Some(code), partitions);
                assert!((0..partitions).contains(&partition), "{code} {partitions}");
            }
        }
    }

    #[test]
    fn unknown_language_and_zero_partitions_do_not_panic() {
        assert_eq!(language_partition(None, 6), 0);
        assert_eq!(language_partition(Some("en"), 0), 0);
    }
}
