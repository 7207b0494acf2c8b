//! The topology as data: which stage reads which topic, and where each of its
//! output slots goes. The Kafka runtime serves one [`Node`]; the in-process chain
//! walks the whole [`Topology`] in order, handing each passed article to the stage
//! that reads the topic it was written to.

use serde::{Deserialize, Serialize};

use crate::Stage;

/// How the records of a slot are spread over the partitions of its topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partitioning {
    /// By record key (the client's partitioner).
    Key,
    /// By the output's partition key read as a language code, so that one language
    /// lands in one partition.
    Language,
    /// By a stable hash of the output's partition key.
    Hash,
    /// The partition numbered like the input record's: a changelog read back for
    /// exactly the assigned input partitions.
    Input,
}

/// Where one output slot of a stage goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The slot.
    pub slot: &'static str,
    /// The topic written.
    pub topic: String,
    /// How its records are partitioned.
    pub partitioning: Partitioning,
    /// Articles passed to this slot have left the pipeline (enriched): counted as
    /// such, with their end-to-end latency.
    pub last: bool,
}

impl Route {
    /// A route of `slot` to `topic`, by key, not last.
    pub fn new(slot: &'static str, topic: impl Into<String>) -> Route {
        Route {
            slot,
            topic: topic.into(),
            partitioning: Partitioning::Key,
            last: false,
        }
    }

    /// The same route partitioned by `partitioning`.
    pub fn by(mut self, partitioning: Partitioning) -> Route {
        self.partitioning = partitioning;
        self
    }

    /// The same route, for articles that leave the pipeline.
    pub fn last(mut self) -> Route {
        self.last = true;
        self
    }
}

/// One stage in the topology.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The stage's name ([`Stage::name`]).
    pub stage: &'static str,
    /// The topic it reads.
    pub input: String,
    /// Where its slots go.
    pub routes: Vec<Route>,
}

/// A stage slot the topology does not map to a topic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the topology maps no topic to the {slot} output of the {stage} stage")]
pub struct Unmapped {
    /// The stage.
    pub stage: &'static str,
    /// Its unmapped slot.
    pub slot: &'static str,
}

impl Node {
    /// The route of `slot`.
    pub fn route(&self, slot: &str) -> Option<&Route> {
        self.routes.iter().find(|route| route.slot == slot)
    }

    /// Whether articles passed to `slot` leave the pipeline.
    pub fn is_last(&self, slot: &str) -> bool {
        self.route(slot).is_some_and(|route| route.last)
    }

    /// The topic of the stage's changelog, when it has one.
    pub fn changelog(&self, stage: &dyn Stage) -> Option<&Route> {
        stage.changelog().and_then(|slot| self.route(slot))
    }

    /// Checks that every slot `stage` may write has a route.
    pub fn check(&self, stage: &dyn Stage) -> Result<(), Unmapped> {
        match stage.slots().iter().find(|slot| self.route(slot).is_none()) {
            Some(slot) => Err(Unmapped {
                stage: self.stage,
                slot,
            }),
            None => Ok(()),
        }
    }
}

/// Every stage, in the order articles pass through them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    /// The stages, first to last.
    pub nodes: Vec<Node>,
}

impl Topology {
    /// The node of `stage`.
    pub fn node(&self, stage: &str) -> Option<&Node> {
        self.nodes.iter().find(|node| node.stage == stage)
    }

    /// The node reading `topic`, when a stage does.
    pub fn reader_of(&self, topic: &str) -> Option<&Node> {
        self.nodes.iter().find(|node| node.input == topic)
    }

    /// The stage names, first to last.
    pub fn stages(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.nodes.iter().map(|node| node.stage)
    }
}

/// Topic names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Topics {
    /// Raw articles from newsrooms.
    pub raw: String,
    /// Cleaned articles with their language, partitioned by language.
    pub lang: String,
    /// Articles the dedup stage admitted.
    pub unique: String,
    /// Enriched articles with their story assignment (the story stage's output).
    pub storied: String,
    /// Duplicate outcomes.
    pub duplicates: String,
    /// Enriched outcomes, partitioned by story key.
    pub enriched: String,
    /// Rejected input, original bytes plus error headers.
    pub dlq: String,
    /// The dedup index changelog, partitioned like `lang`.
    pub dedup_state: String,
    /// Story states keyed by story id (compacted): what consumers subscribe to for
    /// story updates, and the story stage's changelog, partitioned like `enriched`.
    pub stories: String,
}

impl Default for Topics {
    fn default() -> Self {
        Topics {
            raw: "news.raw".into(),
            lang: "news.lang".into(),
            unique: "news.unique".into(),
            storied: "news.storied".into(),
            duplicates: "news.duplicates".into(),
            enriched: "news.enriched".into(),
            dlq: "news.dlq".into(),
            dedup_state: "news.dedup-state".into(),
            stories: "news.stories".into(),
        }
    }
}

impl Topics {
    /// Every topic with whether it is a compacted changelog.
    pub fn all(&self) -> [(&str, bool); 9] {
        [
            (&self.raw, false),
            (&self.lang, false),
            (&self.unique, false),
            (&self.storied, false),
            (&self.duplicates, false),
            (&self.enriched, false),
            (&self.dlq, false),
            (&self.dedup_state, true),
            (&self.stories, true),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Input, Output, NEXT};

    struct Echo;

    impl Stage for Echo {
        fn name(&self) -> &'static str {
            "echo"
        }
        fn slots(&self) -> &'static [&'static str] {
            &[NEXT, "state"]
        }
        fn process(&mut self, _input: Input<'_>, _out: &mut Vec<Output>) {}
        fn changelog(&self) -> Option<&'static str> {
            Some("state")
        }
    }

    fn node(routes: Vec<Route>) -> Node {
        Node {
            stage: "echo",
            input: "in".into(),
            routes,
        }
    }

    #[test]
    fn a_slot_without_a_route_is_refused() {
        let node = node(vec![Route::new(NEXT, "out")]);
        assert_eq!(
            node.check(&Echo),
            Err(Unmapped {
                stage: "echo",
                slot: "state"
            })
        );
    }

    #[test]
    fn the_changelog_is_the_route_of_the_stage_state_slot() {
        let node = node(vec![
            Route::new(NEXT, "out").last(),
            Route::new("state", "echo-state").by(Partitioning::Input),
        ]);
        assert_eq!(node.check(&Echo), Ok(()));
        let changelog = node.changelog(&Echo).expect("a changelog");
        assert_eq!(
            (changelog.topic.as_str(), changelog.partitioning),
            ("echo-state", Partitioning::Input)
        );
        assert!(node.is_last(NEXT) && !node.is_last("state"));
        let topology = Topology { nodes: vec![node] };
        assert_eq!(topology.reader_of("in").map(|n| n.stage), Some("echo"));
        assert!(topology.reader_of("out").is_none());
    }
}
