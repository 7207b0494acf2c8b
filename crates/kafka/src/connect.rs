//! The broker connection check every Kafka command runs before anything else, and
//! the rate limit on librdkafka's error reports.
//!
//! librdkafka retries a broker it cannot reach on its own and reports every failed
//! attempt (several per second per broker) through the client's error callback. A
//! wrong address or credential then shows up as a flood of lines and, later, as a
//! misleading "topic not found". [`check`] asks the brokers for metadata within a
//! bounded time instead, and when that fails it says which address failed and why
//! ([`Cause`]: refused, DNS, TLS handshake, authentication, no answer).
//! [`ErrorLog`] keeps the callback to one line per cause per interval.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::KafkaError;
use rdkafka::producer::{BaseProducer, Producer, ProducerContext};
use rdkafka::types::RDKafkaErrorCode;

use crate::config::{KafkaConfig, Role};
use crate::error::Error;

/// Why a broker could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cause {
    /// Nothing listens at the address (TCP connection refused).
    Refused,
    /// The host name does not resolve.
    Dns,
    /// The TLS handshake failed: untrusted or mismatched certificate, or a TLS
    /// client talking to a plaintext listener (or the other way round).
    Tls,
    /// The broker refused the SASL credentials or mechanism.
    Authentication,
    /// The broker did not answer in time (firewall, wrong port, overloaded broker).
    Timeout,
    /// Anything else librdkafka reported.
    Other,
}

impl Cause {
    /// Classifies a librdkafka error and its reason text.
    pub fn of(error: &KafkaError, reason: &str) -> Cause {
        if error.rdkafka_error_code() == Some(RDKafkaErrorCode::Authentication) {
            Cause::Authentication
        } else {
            Cause::of_text(reason)
        }
    }

    /// Classifies a librdkafka report from its text alone.
    pub fn of_text(reason: &str) -> Cause {
        let reason = reason.to_ascii_lowercase();
        if reason.contains("sasl") || reason.contains("authentication") {
            Cause::Authentication
        } else if reason.contains("ssl") || reason.contains("tls") || reason.contains("certificate")
        {
            Cause::Tls
        } else if reason.contains("failed to resolve") || reason.contains("name or service") {
            Cause::Dns
        } else if reason.contains("connection refused") {
            Cause::Refused
        } else if reason.contains("timed out") || reason.contains("timeout") {
            Cause::Timeout
        } else {
            Cause::Other
        }
    }

    /// A short explanation for the user, with what to check.
    pub fn explain(self) -> &'static str {
        match self {
            Cause::Refused => "connection refused: nothing listens at that address and port",
            Cause::Dns => "the host name does not resolve (DNS)",
            Cause::Tls => {
                "TLS handshake failed: check security.protocol, ssl.ca.location and \
                 that the port is the broker's TLS listener"
            }
            Cause::Authentication => {
                "authentication failed: check sasl.mechanisms, sasl.username and sasl.password"
            }
            Cause::Timeout => {
                "no answer in time: check the address and port, firewalls, and \
                 security.protocol (a plaintext client on a TLS port waits like this)"
            }
            Cause::Other => "the broker could not be used",
        }
    }
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Cause::Refused => "connection refused",
            Cause::Dns => "DNS",
            Cause::Tls => "TLS handshake",
            Cause::Authentication => "authentication",
            Cause::Timeout => "timeout",
            Cause::Other => "other",
        })
    }
}

/// What the connection check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connected {
    /// The broker that answered (`host:port` as advertised).
    pub broker: String,
    /// Brokers in the cluster.
    pub brokers: usize,
    /// Topics visible to this client.
    pub topics: usize,
}

/// After this long, a definite cause (refused, DNS, TLS, authentication) ends the
/// check before its time-out: librdkafka has retried by then.
const DEFINITE_AFTER: Duration = Duration::from_secs(3);

/// Asks the brokers of `config` for cluster metadata, waiting at most `timeout`.
/// On failure the error names the configured addresses and the cause librdkafka
/// reported (the last one seen), with librdkafka's own words.
pub fn check(config: &KafkaConfig, timeout: Duration) -> Result<Connected, Error> {
    let context = CheckContext::default();
    let reports = context.reports.clone();
    // A producer: its poll hands librdkafka's error reports, with their reason, to
    // the context (a consumer's poll keeps only the error code).
    let client: BaseProducer<CheckContext> = config
        .client_config(Role::Admin, &[])
        .create_with_context(context)
        .map_err(|source| Error::Client {
            role: "client",
            source,
        })?;
    let started = Instant::now();
    let deadline = started + timeout;
    let last_error = loop {
        let now = Instant::now();
        let attempt = deadline
            .saturating_duration_since(now)
            .min(Duration::from_millis(500));
        let error = match client.client().fetch_metadata(None, attempt) {
            Ok(metadata) => {
                let broker = metadata
                    .brokers()
                    .iter()
                    .find(|b| b.id() == metadata.orig_broker_id())
                    .or_else(|| metadata.brokers().first())
                    .map(|b| format!("{}:{}", b.host(), b.port()))
                    .unwrap_or_else(|| metadata.orig_broker_name().to_string());
                return Ok(Connected {
                    broker,
                    brokers: metadata.brokers().len(),
                    topics: metadata.topics().len(),
                });
            }
            Err(error) => error,
        };
        client.poll(Duration::ZERO);
        let definite = reports
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .last()
            .is_some_and(|(cause, _)| !matches!(cause, Cause::Other | Cause::Timeout));
        if Instant::now() >= deadline || (definite && started.elapsed() >= DEFINITE_AFTER) {
            break error;
        }
        // A refused connection fails the request at once: do not spin.
        if now.elapsed() < Duration::from_millis(100) {
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let last = reports
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .last()
        .cloned();
    let (cause, detail) = match last {
        Some((cause, reason)) => (cause, reason),
        None => (Cause::Timeout, last_error.to_string()),
    };
    Err(Error::Unreachable {
        brokers: config.brokers.clone(),
        cause,
        detail,
        waited: started.elapsed(),
    })
}

/// The client context of the connection check: keeps what librdkafka reports
/// instead of logging it, so that the check can say it once.
#[derive(Default)]
struct CheckContext {
    reports: Arc<Mutex<Vec<(Cause, String)>>>,
}

impl ClientContext for CheckContext {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, message: &str) {
        // librdkafka logs the TLS and SASL failures (with their reason) at warning or
        // error level before the error callback summarises them.
        if matches!(
            level,
            RDKafkaLogLevel::Emerg
                | RDKafkaLogLevel::Alert
                | RDKafkaLogLevel::Critical
                | RDKafkaLogLevel::Error
                | RDKafkaLogLevel::Warning
        ) {
            let cause = Cause::of_text(message);
            if cause != Cause::Other {
                self.remember(cause, format!("{fac}: {message}"));
            }
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        let cause = Cause::of(&error, reason);
        // "1/1 brokers are down" follows the real cause; keep the real one.
        if cause == Cause::Other && reason.contains("brokers are down") {
            return;
        }
        self.remember(cause, reason.to_string());
    }
}

impl ProducerContext for CheckContext {
    type DeliveryOpaque = ();

    fn delivery(&self, _: &rdkafka::message::DeliveryResult<'_>, _: Self::DeliveryOpaque) {}
}

impl CheckContext {
    fn remember(&self, cause: Cause, reason: String) {
        let mut reports = self
            .reports
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // A specific cause is never replaced by a vaguer follow-up.
        if let Some((last, _)) = reports.last() {
            if *last != Cause::Other && cause == Cause::Other {
                return;
            }
        }
        reports.push((cause, reason));
    }
}

/// Rate limit on librdkafka's error reports: the first report of a cause in an
/// interval is logged, the repeats within it are dropped. The binary applies it to
/// every `rdkafka::client` log line, so that a broker that is down for an hour logs
/// a few lines, not thousands.
#[derive(Debug)]
pub struct ErrorLog {
    interval: Duration,
    last: Mutex<HashMap<(Cause, bool), Instant>>,
}

/// Interval of [`ErrorLog::default`].
pub const ERROR_LOG_INTERVAL: Duration = Duration::from_secs(30);

impl Default for ErrorLog {
    fn default() -> Self {
        ErrorLog::new(ERROR_LOG_INTERVAL)
    }
}

impl ErrorLog {
    /// A rate limit of one line per cause per `interval`.
    pub fn new(interval: Duration) -> Self {
        ErrorLog {
            interval,
            last: Mutex::new(HashMap::new()),
        }
    }

    /// Whether a report with this text at `now` is logged. Reports are grouped by
    /// their [`Cause`]; lines that name no known cause are grouped by whether they
    /// are the "brokers are down" summary, which follows every other cause.
    pub fn admit(&self, text: &str, now: Instant) -> bool {
        let cause = Cause::of_text(text);
        let key = (cause, text.contains("brokers are down"));
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match last.get(&key) {
            Some(at) if now.duration_since(*at) < self.interval => false,
            _ => {
                last.insert(key, now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn librdkafka_reasons_map_to_their_cause() {
        let transport = KafkaError::Global(RDKafkaErrorCode::BrokerTransportFailure);
        let cases = [
            (
                "127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)",
                Cause::Refused,
            ),
            (
                "nosuch.invalid:9092/bootstrap: Failed to resolve 'nosuch.invalid:9092': Name or service not known (after 3ms in state CONNECT)",
                Cause::Dns,
            ),
            (
                "ssl://127.0.0.1:9093/bootstrap: SSL handshake failed: error:0A000086:SSL routines::certificate verify failed (after 4ms in state SSL_HANDSHAKE)",
                Cause::Tls,
            ),
            (
                "sasl_ssl://b:9093/bootstrap: SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512",
                Cause::Authentication,
            ),
            ("1/1 brokers are down", Cause::Other),
        ];
        for (reason, cause) in cases {
            assert_eq!(Cause::of(&transport, reason), cause, "{reason}");
        }
        let auth = KafkaError::Global(RDKafkaErrorCode::Authentication);
        assert_eq!(Cause::of(&auth, "x"), Cause::Authentication);
    }

    #[test]
    fn one_line_per_cause_per_interval() {
        let log = ErrorLog::new(Duration::from_secs(30));
        let start = Instant::now();
        let refused = "b:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused";
        assert!(log.admit(refused, start));
        for second in 1..10 {
            let at = start + Duration::from_secs(second);
            assert!(!log.admit(refused, at));
            assert!(
                log.admit("1/1 brokers are down", start) || second > 1,
                "the summary line has its own budget"
            );
        }
        assert!(
            log.admit("Failed to resolve 'x:1'", start + Duration::from_secs(1)),
            "another cause has its own budget"
        );
        assert!(log.admit(refused, start + Duration::from_secs(31)));
    }
}
