//! Record size limits that agree end to end, all derived from one setting:
//! `[clean] max_record_bytes`, the largest input a stage accepts.
//!
//! - A stage's output is bounded by its input plus a constant: the clean step only
//!   removes markup and boilerplate and re-escapes JSON (never longer than the
//!   input's own escapes), Unicode NFC grows UTF-8 text at most threefold (Unicode's
//!   stability policy; U+1D160 becomes three 4-byte characters), and the fields a
//!   stage adds are bounded (the runtime checks every output anyway, see below). So
//!   the largest output is [`Limits::max_output_bytes`] = 3 x `max_record_bytes` +
//!   64 KiB.
//! - The producer's `message.max.bytes` leaves room for headers and batch framing on
//!   top of that ([`Limits::message_max_bytes`]); the consumer's `fetch.max.bytes` and
//!   `receive.message.max.bytes` take whole messages of that size.
//! - An output over [`Limits::max_output_bytes`] (a stage that broke its bound) is not
//!   handed to the producer: it goes to the dead-letter topic like any permanent
//!   produce failure.
//! - A dead-letter copy larger than [`Limits::max_record_bytes`] keeps only a
//!   [`Limits::dlq_prefix_bytes`] prefix, with the original size and SHA-256 in its
//!   headers, so that the dead-letter write itself can never be too large.
//!
//! [`Limits::check`] refuses, at start-up, client properties under which an accepted
//! input could not be written out.

use std::collections::BTreeMap;

use crate::config::Role;
use crate::error::Error;

/// Room for headers, key and record batch framing on top of a record's value.
const FRAMING_BYTES: usize = 16 * 1024;
/// What a stage may add to a record on top of three times its input.
const OUTPUT_CONSTANT_BYTES: usize = 64 * 1024;
/// Bytes of an oversized record kept in its dead-letter copy.
const DLQ_PREFIX_BYTES: usize = 64 * 1024;
/// librdkafka's defaults of the consumer fetch limits.
const DEFAULT_FETCH_MAX_BYTES: usize = 52_428_800;
const DEFAULT_RECEIVE_MAX_BYTES: usize = 100_000_000;
/// librdkafka requires `receive.message.max.bytes` >= `fetch.max.bytes` + 512.
const RECEIVE_MARGIN: usize = 512;
/// librdkafka's ceiling of `message.max.bytes` and friends.
const LIBRDKAFKA_MAX: usize = 1_000_000_000;

/// The size limits of one deployment, from `max_record_bytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    max_record_bytes: usize,
}

impl Default for Limits {
    /// The limits of the default `max_record_bytes` (2 MiB).
    fn default() -> Self {
        Limits::new(2 * 1024 * 1024)
    }
}

impl Limits {
    /// The limits for inputs of at most `max_record_bytes`.
    pub fn new(max_record_bytes: usize) -> Limits {
        Limits { max_record_bytes }
    }

    /// Largest input record a stage accepts (larger ones are rejected as `too_large`).
    pub fn max_record_bytes(&self) -> usize {
        self.max_record_bytes
    }

    /// Largest value a stage may produce for an accepted input.
    pub fn max_output_bytes(&self) -> usize {
        self.max_record_bytes
            .saturating_mul(3)
            .saturating_add(OUTPUT_CONSTANT_BYTES)
    }

    /// The producer's `message.max.bytes`: the largest output plus framing.
    pub fn message_max_bytes(&self) -> usize {
        self.max_output_bytes().saturating_add(FRAMING_BYTES)
    }

    /// The consumer's `fetch.max.bytes`: librdkafka's default, or more when one
    /// message needs it.
    pub fn fetch_max_bytes(&self) -> usize {
        DEFAULT_FETCH_MAX_BYTES.max(self.message_max_bytes())
    }

    /// The consumer's `receive.message.max.bytes`.
    pub fn receive_max_bytes(&self) -> usize {
        DEFAULT_RECEIVE_MAX_BYTES.max(self.fetch_max_bytes() + RECEIVE_MARGIN)
    }

    /// Bytes of an oversized payload kept in its dead-letter copy.
    pub fn dlq_prefix_bytes(&self) -> usize {
        DLQ_PREFIX_BYTES.min(self.max_record_bytes.max(1))
    }

    /// The derived client properties of `role`, set before the configured tables.
    pub(crate) fn properties(&self, role: Role) -> Vec<(&'static str, String)> {
        match role {
            Role::Producer => vec![("message.max.bytes", self.message_max_bytes().to_string())],
            Role::Consumer => vec![
                ("fetch.max.bytes", self.fetch_max_bytes().to_string()),
                (
                    "receive.message.max.bytes",
                    self.receive_max_bytes().to_string(),
                ),
            ],
            Role::Admin => Vec::new(),
        }
    }

    /// Refuses the final client `properties` of `role` when an accepted input could
    /// not be written out or read back: a configured limit below the derived one.
    pub fn check(&self, role: Role, properties: &BTreeMap<String, String>) -> Result<(), Error> {
        if self.message_max_bytes() > LIBRDKAFKA_MAX {
            return Err(self.refused(
                "max_record_bytes",
                self.max_record_bytes,
                "at most about 333 MB: the largest output must fit librdkafka's 1 GB message limit",
            ));
        }
        let needed: &[(&str, usize)] = match role {
            Role::Producer => &[("message.max.bytes", self.message_max_bytes())],
            Role::Consumer => &[
                ("fetch.max.bytes", self.message_max_bytes()),
                (
                    "receive.message.max.bytes",
                    self.message_max_bytes() + RECEIVE_MARGIN,
                ),
            ],
            Role::Admin => &[],
        };
        for (key, at_least) in needed {
            let Some(value) = properties.get(*key) else {
                continue;
            };
            let configured = value.trim().parse::<usize>().map_err(|_| Error::Limits {
                reason: format!("{key} = {value:?} is not a byte count"),
            })?;
            if configured < *at_least {
                return Err(self.refused(
                    key,
                    configured,
                    &format!(
                        "at least {at_least} so that the largest output of an accepted input fits"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn refused(&self, key: &str, value: usize, need: &str) -> Error {
        Error::Limits {
            reason: format!(
                "{key} = {value} with max_record_bytes = {}: it must be {need} \
                 (lower [clean] max_record_bytes or remove the {key} override)",
                self.max_record_bytes
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn every_limit_follows_max_record_bytes() {
        let limits = Limits::new(2 * 1024 * 1024);
        assert_eq!(limits.max_output_bytes(), 6 * 1024 * 1024 + 64 * 1024);
        assert!(limits.message_max_bytes() > limits.max_output_bytes());
        assert!(limits.fetch_max_bytes() >= limits.message_max_bytes());
        assert!(limits.receive_max_bytes() >= limits.fetch_max_bytes() + 512);
        assert!(limits.dlq_prefix_bytes() < limits.max_record_bytes());
        let big = Limits::new(200 * 1024 * 1024);
        assert!(big.fetch_max_bytes() >= big.message_max_bytes());
        assert!(big.receive_max_bytes() >= big.fetch_max_bytes() + 512);
    }

    #[test]
    fn derived_properties_pass_their_own_check() {
        let limits = Limits::new(3_000_000);
        for role in [Role::Producer, Role::Consumer] {
            let derived: BTreeMap<String, String> = limits
                .properties(role)
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            limits.check(role, &derived).expect("derived limits agree");
        }
    }

    #[test]
    fn a_producer_limit_below_the_largest_output_is_refused() {
        let limits = Limits::new(2 * 1024 * 1024);
        let error = limits
            .check(Role::Producer, &props(&[("message.max.bytes", "1000000")]))
            .expect_err("1 MB cannot carry a 2 MiB input's output");
        assert!(error.to_string().contains("message.max.bytes"), "{error}");
        let error = limits
            .check(
                Role::Consumer,
                &props(&[("receive.message.max.bytes", "2000000")]),
            )
            .expect_err("the consumer could not read it back");
        assert!(error.to_string().contains("receive.message.max.bytes"));
        assert!(limits
            .check(Role::Producer, &props(&[("message.max.bytes", "ten")]))
            .is_err());
    }

    #[test]
    fn an_input_limit_past_librdkafkas_ceiling_is_refused() {
        assert!(Limits::new(400_000_000)
            .check(Role::Producer, &BTreeMap::new())
            .is_err());
    }
}
