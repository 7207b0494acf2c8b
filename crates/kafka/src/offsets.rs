//! Which input offsets may be committed: a record's offset is released only when every
//! output it produced was acknowledged, and a partition's committable offset only moves
//! past records that are all done, so out-of-order acknowledgements never skip one.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// Identifies one tracked record; hand it back to [`OffsetTracker::complete`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    /// Shared with the tracker: a ticket per record costs no string copy.
    topic: Arc<str>,
    partition: i32,
    offset: i64,
    /// Which assignment of the partition the record belongs to: a delivery finishing
    /// after its partition was revoked and reassigned must not release the new copy.
    epoch: u64,
}

impl Ticket {
    /// The record's partition.
    pub fn partition(&self) -> i32 {
        self.partition
    }

    /// The record's topic.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// The record's offset.
    pub fn offset(&self) -> i64 {
        self.offset
    }
}

#[derive(Debug)]
struct PartitionState {
    epoch: u64,
    /// Offsets started but not finished.
    pending: BTreeSet<i64>,
    /// One past the highest offset started.
    next: i64,
    /// The last offset handed out for storing (the next one to consume).
    stored: i64,
}

impl PartitionState {
    fn committable(&self) -> i64 {
        self.pending.first().copied().unwrap_or(self.next)
    }
}

/// Tracks in-flight records per partition.
#[derive(Debug, Default)]
pub struct OffsetTracker {
    /// Per topic, then per partition: looked up by `&str` without building a key.
    topics: HashMap<Arc<str>, HashMap<i32, PartitionState>>,
    epochs: u64,
}

impl OffsetTracker {
    /// An empty tracker.
    pub fn new() -> Self {
        OffsetTracker::default()
    }

    /// Records that work on `offset` started.
    pub fn begin(&mut self, topic: &str, partition: i32, offset: i64) -> Ticket {
        let name = match self.topics.get_key_value(topic) {
            Some((name, _)) => name.clone(),
            None => Arc::from(topic),
        };
        let epochs = &mut self.epochs;
        let state = self
            .topics
            .entry(name.clone())
            .or_default()
            .entry(partition)
            .or_insert_with(|| {
                *epochs += 1;
                PartitionState {
                    epoch: *epochs,
                    pending: BTreeSet::new(),
                    next: offset,
                    // Where consumption of this assignment started: nothing to store yet.
                    stored: offset,
                }
            });
        state.pending.insert(offset);
        state.next = state.next.max(offset + 1);
        Ticket {
            topic: name,
            partition,
            offset,
            epoch: state.epoch,
        }
    }

    fn state(&self, topic: &str, partition: i32) -> Option<&PartitionState> {
        self.topics.get(topic)?.get(&partition)
    }

    /// Records that every output of the ticket's record was acknowledged. Returns the
    /// offset to store for its partition (the next offset to consume) when it moved.
    pub fn complete(&mut self, ticket: &Ticket) -> Option<i64> {
        let state = self
            .topics
            .get_mut(&*ticket.topic)?
            .get_mut(&ticket.partition)?;
        if state.epoch != ticket.epoch || !state.pending.remove(&ticket.offset) {
            return None;
        }
        let committable = state.committable();
        if state.stored >= committable {
            return None;
        }
        state.stored = committable;
        Some(committable)
    }

    /// Records in flight on one partition.
    pub fn in_flight(&self, topic: &str, partition: i32) -> usize {
        self.state(topic, partition)
            .map_or(0, |state| state.pending.len())
    }

    /// Records in flight over all partitions.
    pub fn total_in_flight(&self) -> usize {
        self.topics
            .values()
            .flat_map(HashMap::values)
            .map(|state| state.pending.len())
            .sum()
    }

    /// Forgets a revoked partition; later completions of its records are ignored.
    pub fn revoke(&mut self, topic: &str, partition: i32) {
        if let Some(partitions) = self.topics.get_mut(topic) {
            partitions.remove(&partition);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_order_acks_release_only_the_contiguous_prefix() {
        let mut tracker = OffsetTracker::new();
        let a = tracker.begin("t", 0, 10);
        let b = tracker.begin("t", 0, 11);
        let c = tracker.begin("t", 0, 12);
        assert_eq!(tracker.complete(&c), None, "10 and 11 still pending");
        assert_eq!(tracker.complete(&b), None, "10 still pending");
        assert_eq!(tracker.complete(&a), Some(13));
        assert_eq!(tracker.in_flight("t", 0), 0);
    }

    #[test]
    fn first_ack_releases_up_to_the_next_pending_offset() {
        let mut tracker = OffsetTracker::new();
        let a = tracker.begin("t", 0, 5);
        let _b = tracker.begin("t", 0, 6);
        assert_eq!(tracker.complete(&a), Some(6));
        assert_eq!(tracker.in_flight("t", 0), 1);
    }

    #[test]
    fn partitions_are_tracked_independently() {
        let mut tracker = OffsetTracker::new();
        let p0 = tracker.begin("t", 0, 100);
        let p1 = tracker.begin("t", 1, 7);
        let _p0_next = tracker.begin("t", 0, 101);
        assert_eq!(tracker.complete(&p1), Some(8));
        assert_eq!(tracker.complete(&p0), Some(101));
        assert_eq!(tracker.total_in_flight(), 1);
    }

    #[test]
    fn gaps_from_compaction_or_filtered_records_do_not_block() {
        let mut tracker = OffsetTracker::new();
        let a = tracker.begin("t", 0, 3);
        let b = tracker.begin("t", 0, 9);
        assert_eq!(tracker.complete(&b), None);
        assert_eq!(tracker.complete(&a), Some(10));
    }

    #[test]
    fn late_ack_after_revoke_and_reassign_does_not_release_the_redelivery() {
        let mut tracker = OffsetTracker::new();
        let stale = tracker.begin("t", 0, 4);
        tracker.revoke("t", 0);
        let fresh = tracker.begin("t", 0, 4);
        assert_eq!(tracker.complete(&stale), None);
        assert_eq!(tracker.in_flight("t", 0), 1);
        assert_eq!(tracker.complete(&fresh), Some(5));
    }

    #[test]
    fn completing_twice_is_ignored() {
        let mut tracker = OffsetTracker::new();
        let a = tracker.begin("t", 2, 0);
        assert_eq!(tracker.complete(&a), Some(1));
        assert_eq!(tracker.complete(&a), None);
    }
}
