//! The newsflow topology, described once: which stage reads which topic and where
//! each of its slots goes. `serve` runs one node per service; [`Pipeline`](crate::Pipeline)
//! (`process`) walks the same nodes in one process, without a broker.
//!
//! Adding a stage is a [`Stage`](newsflow_stage::Stage) implementation and a node
//! here: the runtime knows no stage.

use newsflow_stage::topology::Topics;
use newsflow_stage::{Node, Partitioning, Route, Topology, DEAD_LETTER, NEXT};

use crate::stages::{DUPLICATE, STATE};

/// The four stages over the configured topics.
pub fn newsflow(topics: &Topics) -> Topology {
    let dead_letter = || Route::new(DEAD_LETTER, &topics.dlq);
    Topology {
        nodes: vec![
            Node {
                stage: "lang",
                input: topics.raw.clone(),
                // One language per partition: dedup compares within a language.
                routes: vec![
                    Route::new(NEXT, &topics.lang).by(Partitioning::Language),
                    dead_letter(),
                ],
            },
            Node {
                stage: "dedup",
                input: topics.lang.clone(),
                routes: vec![
                    Route::new(NEXT, &topics.unique),
                    Route::new(DUPLICATE, &topics.duplicates),
                    Route::new(STATE, &topics.dedup_state).by(Partitioning::Input),
                    dead_letter(),
                ],
            },
            Node {
                stage: "tag",
                input: topics.unique.clone(),
                // Enriched articles leave the pipeline here, partitioned by story key
                // (the lead event type), so that one story's articles meet at one
                // story instance whatever their language.
                routes: vec![
                    Route::new(NEXT, &topics.enriched)
                        .by(Partitioning::Hash)
                        .last(),
                    dead_letter(),
                ],
            },
            Node {
                // A branch off the final topic: consumers that want stories read
                // `storied` (each article with its assignment) or `stories` (each
                // story's state); those that do not, read `enriched` as before.
                stage: "story",
                input: topics.enriched.clone(),
                routes: vec![
                    Route::new(NEXT, &topics.storied),
                    // By the story's lead type, hashed like the articles' story key:
                    // the same partition number as the story's articles in
                    // `enriched`, so a rebuild of the assigned partitions finds it.
                    Route::new(STATE, &topics.stories).by(Partitioning::Hash),
                    dead_letter(),
                ],
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stage_reads_what_the_one_before_writes_and_tag_output_is_final() {
        let topology = newsflow(&Topics::default());
        let stages: Vec<&str> = topology.stages().collect();
        assert_eq!(stages, ["lang", "dedup", "tag", "story"]);
        for pair in topology.nodes.windows(2) {
            let next = pair[0].route(NEXT).expect("a next slot");
            assert_eq!(
                next.topic, pair[1].input,
                "{} feeds {}",
                pair[0].stage, pair[1].stage
            );
        }
        let last: Vec<&str> = topology
            .nodes
            .iter()
            .filter(|node| node.is_last(NEXT))
            .map(|node| node.stage)
            .collect();
        assert_eq!(last, ["tag"], "story annotates enriched articles");
    }
}
