//! The consumer context: rebalance handling (drain and commit revoked partitions,
//! queue newly assigned ones for a state rebuild), commit errors and consumer lag.

use std::collections::BTreeSet;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use newsflow_telemetry::{Health, StageMetrics};
use rdkafka::consumer::{
    BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance, RebalanceProtocol,
};
use rdkafka::error::{KafkaError, KafkaResult};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{ClientContext, Statistics, TopicPartitionList};

use crate::offsets::OffsetTracker;

/// State shared by the consumer loop, the delivery tasks and the rebalance callbacks.
pub(crate) struct Shared {
    pub(crate) stage: &'static str,
    pub(crate) input: String,
    pub(crate) tracker: Mutex<OffsetTracker>,
    /// Signalled whenever a record completes.
    pub(crate) completed: Condvar,
    pub(crate) assignment: Mutex<Assignment>,
    pub(crate) metrics: StageMetrics,
    pub(crate) health: Option<Health>,
    /// Bound on how long a revocation waits for in-flight records.
    pub(crate) drain_timeout: Duration,
    /// Transactional mode: offsets go through the transaction, not the group commit.
    pub(crate) transactional: bool,
    /// Set while shutting down: the final revocation must not wait again.
    pub(crate) closing: std::sync::atomic::AtomicBool,
}

/// Partition ownership as the rebalance callbacks see it.
#[derive(Debug, Default)]
pub(crate) struct Assignment {
    owned: BTreeSet<i32>,
    /// Revoked in the rebalance under way: if they come straight back, nobody else
    /// wrote their state in between, so the in-memory state is still current.
    just_revoked: BTreeSet<i32>,
    /// Assigned partitions whose state must be rebuilt before their records are processed.
    pub(crate) to_restore: BTreeSet<i32>,
    /// Revoked since the loop last looked (transactional mode drops their open work).
    pub(crate) revoked_since_check: bool,
}

impl Shared {
    pub(crate) fn tracker(&self) -> MutexGuard<'_, OffsetTracker> {
        // A panic while holding the lock leaves consistent bookkeeping behind.
        self.tracker
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn assignment(&self) -> MutexGuard<'_, Assignment> {
        self.assignment
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits until no record of `partitions` is in flight, or `timeout`.
    fn wait_drained(&self, partitions: &[i32], timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut tracker = self.tracker();
        loop {
            let busy: usize = partitions
                .iter()
                .map(|p| tracker.in_flight(&self.input, *p))
                .sum();
            if busy == 0 {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                tracing::warn!(
                    stage = self.stage,
                    in_flight = busy,
                    "Revocation timed out waiting for deliveries; those records will be redelivered."
                );
                return false;
            }
            tracker = match self.completed.wait_timeout(tracker, deadline - now) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }
}

/// Commits the stored offsets now; "nothing to commit" is not an error.
pub(crate) fn commit_stored<C: ConsumerContext, K: Consumer<C> + ?Sized>(
    consumer: &K,
    metrics: &StageMetrics,
    stage: &str,
) {
    match consumer.commit_consumer_state(CommitMode::Sync) {
        Ok(()) => {}
        Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {}
        Err(error) => {
            metrics.commit_error();
            tracing::warn!(%error, stage, "Failed to commit offsets.");
        }
    }
}

/// The librdkafka context of a service consumer.
pub(crate) struct ServiceContext {
    pub(crate) shared: Arc<Shared>,
}

impl ClientContext for ServiceContext {
    fn stats(&self, statistics: Statistics) {
        let Some(topic) = statistics.topics.get(&self.shared.input) else {
            return;
        };
        for (partition, stats) in &topic.partitions {
            // Partition -1 is librdkafka's internal "unassigned" bucket.
            if *partition >= 0 && stats.consumer_lag >= 0 {
                self.shared.metrics.consumer_lag(
                    &self.shared.input,
                    *partition,
                    stats.consumer_lag,
                );
            }
        }
    }
}

impl ConsumerContext for ServiceContext {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let shared = &self.shared;
        shared.metrics.rebalance();
        let Rebalance::Revoke(revoked) = rebalance else {
            return;
        };
        let partitions = partitions_of(revoked, &shared.input);
        tracing::info!(stage = shared.stage, ?partitions, "Partitions revoked.");
        if !shared.transactional {
            let timeout = if shared.closing.load(std::sync::atomic::Ordering::Relaxed) {
                Duration::ZERO
            } else {
                shared.drain_timeout
            };
            shared.wait_drained(&partitions, timeout);
            commit_stored(consumer, &shared.metrics, shared.stage);
        }
        {
            let mut tracker = shared.tracker();
            for partition in &partitions {
                tracker.revoke(&shared.input, *partition);
                shared.metrics.forget_partition(&shared.input, *partition);
            }
        }
        let mut assignment = shared.assignment();
        for partition in partitions {
            assignment.owned.remove(&partition);
            assignment.to_restore.remove(&partition);
            assignment.just_revoked.insert(partition);
        }
        assignment.revoked_since_check = true;
        if assignment.owned.is_empty() {
            if let Some(health) = &shared.health {
                health.set_ready(false);
            }
        }
    }

    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let shared = &self.shared;
        match rebalance {
            Rebalance::Assign(assigned) => {
                let partitions = partitions_of(assigned, &shared.input);
                tracing::info!(stage = shared.stage, ?partitions, "Partitions assigned.");
                let mut assignment = shared.assignment();
                for partition in partitions {
                    if !assignment.just_revoked.contains(&partition) {
                        assignment.to_restore.insert(partition);
                    }
                    assignment.owned.insert(partition);
                }
                assignment.just_revoked.clear();
                if let Some(health) = &shared.health {
                    health.set_ready(!assignment.owned.is_empty());
                }
            }
            Rebalance::Revoke(_) => {
                // Cooperative rebalancing finishes a revocation on its own: what comes
                // back later may have been owned by someone else in between.
                if matches!(
                    consumer.rebalance_protocol(),
                    RebalanceProtocol::Cooperative
                ) {
                    shared.assignment().just_revoked.clear();
                }
            }
            Rebalance::Error(error) => {
                tracing::warn!(%error, stage = shared.stage, "Rebalance failed.");
            }
        }
    }

    fn commit_callback(&self, result: KafkaResult<()>, _offsets: &TopicPartitionList) {
        match result {
            Ok(()) | Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {}
            Err(error) => {
                self.shared.metrics.commit_error();
                tracing::warn!(%error, stage = self.shared.stage, "Failed to commit offsets.");
            }
        }
    }
}

fn partitions_of(list: &TopicPartitionList, topic: &str) -> Vec<i32> {
    list.elements_for_topic(topic)
        .iter()
        .map(|element| element.partition())
        .collect()
}
