//! The consumer context: rebalance handling (drain and commit revoked partitions,
//! queue newly assigned ones for a state rebuild), commit errors and consumer lag.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use newsflow_telemetry::health::Readiness;
use newsflow_telemetry::StageMetrics;
use rdkafka::consumer::{
    BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance, RebalanceProtocol,
};
use rdkafka::error::{KafkaError, KafkaResult};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{ClientContext, Statistics, TopicPartitionList};

use crate::delivery::{classify, Class, Origin};
use crate::limits::Limits;
use crate::offsets::OffsetTracker;

/// A stuck record is logged at most once per this interval.
const RETRY_LOG_INTERVAL: Duration = Duration::from_secs(10);

/// State shared by the consumer loop, the delivery tasks and the rebalance callbacks.
pub(crate) struct Shared {
    pub(crate) stage: &'static str,
    pub(crate) input: String,
    pub(crate) tracker: Mutex<OffsetTracker>,
    /// Signalled whenever a record completes.
    pub(crate) completed: Condvar,
    pub(crate) assignment: Mutex<Assignment>,
    pub(crate) metrics: StageMetrics,
    pub(crate) readiness: Option<Readiness>,
    /// Bound on how long a revocation waits for in-flight records.
    pub(crate) drain_timeout: Duration,
    /// Transactional mode: offsets go through the transaction, not the group commit.
    pub(crate) transactional: bool,
    /// Set while shutting down: the final revocation must not wait again.
    pub(crate) closing: AtomicBool,
    /// The size limits outputs are checked against.
    pub(crate) limits: Limits,
    /// Set once the service is told to stop (signal or fatal error): retries end.
    pub(crate) stop: tokio::sync::watch::Sender<bool>,
    /// The first fatal client error, when there was one.
    pub(crate) fatal: Mutex<Option<String>>,
    /// Records whose outputs are being retried, and since when (ms) one has been.
    pub(crate) retrying: AtomicUsize,
    pub(crate) retrying_since_ms: AtomicI64,
    /// When a stuck record was last logged.
    pub(crate) retry_logged: Mutex<Option<Instant>>,
    /// Since when (ms) the acknowledger has been waiting for the record it waits for
    /// now (0: waiting for none).
    pub(crate) awaiting_since_ms: AtomicI64,
    /// When the broker last answered (ms since the epoch; 0: lost).
    pub(crate) broker_seen_ms: AtomicI64,
    /// How long a stall (retries, no broker) may last before the service is not ready.
    pub(crate) not_ready_after: Duration,
}

/// Held while a record's output is being retried (see [`Shared::retrying`]).
pub(crate) struct Retrying<'a>(&'a Shared);

impl Drop for Retrying<'_> {
    fn drop(&mut self) {
        if self.0.retrying.fetch_sub(1, Ordering::Relaxed) == 1 {
            self.0.update_ready();
        }
    }
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
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

    /// Whether the service was told to stop.
    pub(crate) fn is_stopping(&self) -> bool {
        *self.stop.borrow()
    }

    /// Tells every loop and retry of the service to stop.
    pub(crate) fn request_stop(&self) {
        self.stop.send_replace(true);
    }

    /// Completes once the service is told to stop.
    pub(crate) async fn stopped(&self) {
        let mut stop = self.stop.subscribe();
        // The sender lives in `self`: an error cannot happen while we borrow it.
        let _ = stop.wait_for(|stop| *stop).await;
    }

    /// Sleeps for `duration`, or less when the service is told to stop.
    pub(crate) async fn pause(&self, duration: Duration) {
        tokio::select! {
            () = tokio::time::sleep(duration) => {}
            () = self.stopped() => {}
        }
    }

    /// Marks a record as being retried until the guard is dropped: a retry that
    /// lasts longer than `not_ready_after` turns the service not ready.
    pub(crate) fn retrying(&self) -> Retrying<'_> {
        if self.retrying.fetch_add(1, Ordering::Relaxed) == 0 {
            self.retrying_since_ms.store(now_ms(), Ordering::Relaxed);
        }
        Retrying(self)
    }

    /// Logs a produce retry, naming the record, at most once per interval.
    pub(crate) fn log_retry(
        &self,
        error: &KafkaError,
        topic: &str,
        origin: Origin<'_>,
        key: Option<&[u8]>,
        backoff: Duration,
    ) {
        let mut logged = self
            .retry_logged
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if logged.is_some_and(|at| at.elapsed() < RETRY_LOG_INTERVAL) {
            return;
        }
        *logged = Some(Instant::now());
        let key = key.map(String::from_utf8_lossy);
        tracing::warn!(
            %error,
            stage = self.stage,
            topic,
            source_topic = origin.topic,
            source_partition = origin.partition,
            source_offset = origin.offset,
            key = key.as_deref().unwrap_or(""),
            backoff_ms = backoff.as_millis() as u64,
            records_retrying = self.retrying.load(Ordering::Relaxed),
            "Output not accepted by the broker; retrying (logged at most every 10 s)."
        );
    }

    /// A fatal client state: logged once, not ready, and the service stops.
    pub(crate) fn fatal(&self, cause: &str) {
        {
            let mut fatal = self.fatal.lock().unwrap_or_else(|p| p.into_inner());
            if fatal.is_some() {
                return;
            }
            *fatal = Some(cause.to_string());
        }
        tracing::error!(
            stage = self.stage,
            cause,
            "Fatal Kafka client state: stopping so that the service restarts with new clients."
        );
        self.request_stop();
        self.update_ready();
    }

    /// The fatal cause, when there was one.
    pub(crate) fn fatal_cause(&self) -> Option<String> {
        self.fatal.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The broker answered now (or, with `false`, is known to be unreachable).
    pub(crate) fn broker_seen(&self, reachable: bool) {
        let at = if reachable { now_ms() } else { 0 };
        self.broker_seen_ms.store(at, Ordering::Relaxed);
        self.update_ready();
    }

    /// Whether the service can do its work now: partitions assigned, the broker
    /// reached recently, no output stuck in retries for long, not stopping.
    pub(crate) fn can_work(&self) -> bool {
        self.blocker().is_none()
    }

    /// What keeps the service from working, when something does.
    pub(crate) fn blocker(&self) -> Option<&'static str> {
        let limit = self.not_ready_after.as_millis() as i64;
        let now = now_ms();
        let awaiting = self.awaiting_since_ms.load(Ordering::Relaxed);
        if self.closing.load(Ordering::Relaxed) || self.is_stopping() {
            Some("stopping")
        } else if now - self.broker_seen_ms.load(Ordering::Relaxed) > limit {
            Some("the broker does not answer")
        } else if self.retrying.load(Ordering::Relaxed) > 0
            && now - self.retrying_since_ms.load(Ordering::Relaxed) > limit
        {
            Some("outputs are being retried")
        } else if awaiting > 0 && now - awaiting > limit {
            Some("the broker does not acknowledge outputs")
        } else if self.assignment().owned.is_empty() {
            Some("no partitions assigned")
        } else {
            None
        }
    }

    /// Sets `/readyz` from [`Shared::can_work`].
    pub(crate) fn update_ready(&self) {
        if let Some(readiness) = &self.readiness {
            readiness.set_ready(self.can_work());
        }
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

/// What a client's global error means for the service.
fn client_error(shared: &Shared, client: &str, error: KafkaError, reason: &str) {
    match error.rdkafka_error_code() {
        Some(RDKafkaErrorCode::AllBrokersDown) => {
            tracing::warn!(%error, reason, stage = shared.stage, client, "All brokers are down.");
            shared.broker_seen(false);
            return;
        }
        // The end of a partition, a closed idle connection: not worth a warning.
        Some(RDKafkaErrorCode::PartitionEOF | RDKafkaErrorCode::BrokerTransportFailure) => {
            tracing::debug!(%error, reason, stage = shared.stage, client, "Client notice.");
            return;
        }
        _ => {}
    }
    if classify(&error) == Class::Fatal {
        shared.fatal(&format!("{client}: {error}: {reason}"));
    } else {
        tracing::warn!(%error, reason, stage = shared.stage, client, "Kafka client error.");
    }
}

/// The librdkafka context of a service producer: fatal errors (the idempotent
/// producer's lost state, fencing, authorisation) stop the service.
pub(crate) struct ProducerContext {
    pub(crate) shared: Option<Arc<Shared>>,
}

impl ClientContext for ProducerContext {
    fn error(&self, error: KafkaError, reason: &str) {
        match &self.shared {
            Some(shared) => client_error(shared, "producer", error, reason),
            None => tracing::warn!(%error, reason, "Kafka producer error."),
        }
    }
}

impl ClientContext for ServiceContext {
    fn error(&self, error: KafkaError, reason: &str) {
        client_error(&self.shared, "consumer", error, reason);
    }

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
        {
            let mut assignment = shared.assignment();
            for partition in partitions {
                assignment.owned.remove(&partition);
                assignment.to_restore.remove(&partition);
                assignment.just_revoked.insert(partition);
            }
            assignment.revoked_since_check = true;
        }
        shared.update_ready();
    }

    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let shared = &self.shared;
        match rebalance {
            Rebalance::Assign(assigned) => {
                let partitions = partitions_of(assigned, &shared.input);
                tracing::info!(stage = shared.stage, ?partitions, "Partitions assigned.");
                {
                    let mut assignment = shared.assignment();
                    for partition in partitions {
                        if !assignment.just_revoked.contains(&partition) {
                            assignment.to_restore.insert(partition);
                        }
                        assignment.owned.insert(partition);
                    }
                    assignment.just_revoked.clear();
                }
                // A rebalance answered: the group coordinator is reachable.
                shared.broker_seen(true);
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

#[cfg(test)]
mod tests {
    use super::*;
    use newsflow_telemetry::{Health, Metrics};

    fn shared(health: &Health, not_ready_after: Duration) -> Shared {
        let metrics = Metrics::new().expect("metrics");
        Shared {
            stage: "lang",
            input: "news.raw".into(),
            tracker: Mutex::new(OffsetTracker::new()),
            completed: Condvar::new(),
            assignment: Mutex::new(Assignment::default()),
            metrics: metrics.stage("lang"),
            readiness: Some(health.part()),
            drain_timeout: Duration::from_secs(1),
            transactional: false,
            closing: AtomicBool::new(false),
            limits: Limits::default(),
            stop: tokio::sync::watch::Sender::new(false),
            fatal: Mutex::new(None),
            retrying: AtomicUsize::new(0),
            retrying_since_ms: AtomicI64::new(0),
            retry_logged: Mutex::new(None),
            awaiting_since_ms: AtomicI64::new(0),
            broker_seen_ms: AtomicI64::new(now_ms()),
            not_ready_after,
        }
    }

    fn assigned(shared: &Shared) {
        shared.assignment().owned.insert(0);
        shared.broker_seen(true);
    }

    #[test]
    fn ready_only_with_partitions_and_a_broker_that_answers() {
        let health = Health::with_metrics(&Metrics::new().expect("metrics"));
        let shared = shared(&health, Duration::from_secs(60));
        shared.update_ready();
        assert!(!health.is_ready(), "no partitions yet");
        assigned(&shared);
        assert!(health.is_ready());
        shared.broker_seen(false);
        assert!(!health.is_ready(), "all brokers down");
        shared.broker_seen(true);
        assert!(health.is_ready());
    }

    #[test]
    fn an_output_retried_past_the_limit_turns_the_service_not_ready_until_it_goes_through() {
        let health = Health::with_metrics(&Metrics::new().expect("metrics"));
        let shared = shared(&health, Duration::ZERO);
        assigned(&shared);
        let retrying = shared.retrying();
        // Any time past a zero limit counts: no sleep, the clock only moves forward.
        shared
            .retrying_since_ms
            .store(now_ms() - 1, Ordering::Relaxed);
        shared.broker_seen_ms.store(i64::MAX / 2, Ordering::Relaxed);
        shared.update_ready();
        assert!(!health.is_ready());
        drop(retrying);
        assert!(health.is_ready(), "ready again once nothing is retried");
        // A delivery the broker does not acknowledge for that long counts the same.
        shared
            .awaiting_since_ms
            .store(now_ms() - 1, Ordering::Relaxed);
        shared.update_ready();
        assert!(!health.is_ready());
        shared.awaiting_since_ms.store(0, Ordering::Relaxed);
        shared.update_ready();
        assert!(health.is_ready());
    }

    #[test]
    fn a_fatal_state_is_kept_once_stops_the_service_and_turns_it_not_ready() {
        let health = Health::with_metrics(&Metrics::new().expect("metrics"));
        let shared = shared(&health, Duration::from_secs(60));
        assigned(&shared);
        shared.fatal("producer: UnknownProducerId");
        shared.fatal("a second cause is not kept");
        assert!(shared.is_stopping());
        assert!(!health.is_ready());
        assert_eq!(
            shared.fatal_cause().as_deref(),
            Some("producer: UnknownProducerId")
        );
    }
}
