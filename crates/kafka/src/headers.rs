//! Record headers: the ones every output carries, the dead-letter ones, and the W3C
//! trace context carried from input to output.

use rdkafka::message::{Header, Headers, OwnedHeaders};

/// Schema version of the record bodies.
pub const SCHEMA_VERSION: &str = "1";
/// Header: schema version of the body.
pub const SCHEMA_VERSION_HEADER: &str = "newsflow-schema-version";
/// Header: the stage that wrote the record.
pub const STAGE_HEADER: &str = "newsflow-stage";
/// Header: W3C trace context.
pub const TRACEPARENT_HEADER: &str = "traceparent";
/// Header: the raw record's broker timestamp (ms), carried down the chain for the
/// end-to-end latency the last stage reports.
pub const INGEST_HEADER: &str = "newsflow-ingest-ms";
/// DLQ header: machine-readable error code.
pub const ERROR_CODE_HEADER: &str = "newsflow-error-code";
/// DLQ header: human-readable error message.
pub const ERROR_MESSAGE_HEADER: &str = "newsflow-error-message";
/// DLQ header: topic the record was read from.
pub const SOURCE_TOPIC_HEADER: &str = "newsflow-source-topic";
/// DLQ header: partition the record was read from.
pub const SOURCE_PARTITION_HEADER: &str = "newsflow-source-partition";
/// DLQ header: offset the record was read from.
pub const SOURCE_OFFSET_HEADER: &str = "newsflow-source-offset";

/// DLQ header: size in bytes of a payload cut to a prefix (absent when whole).
pub const ORIGINAL_BYTES_HEADER: &str = "newsflow-original-bytes";
/// DLQ header: SHA-256 (hex) of a payload cut to a prefix, to find it upstream.
pub const ORIGINAL_SHA256_HEADER: &str = "newsflow-original-sha256";

/// A validated W3C `traceparent` (version 00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceParent {
    trace_id: u128,
    parent_id: u64,
    flags: u8,
}

impl TraceParent {
    /// Parses a header value; `None` when it is not a valid version-00 traceparent.
    pub fn parse(value: &[u8]) -> Option<TraceParent> {
        let value = std::str::from_utf8(value).ok()?;
        let mut parts = value.split('-');
        let (version, trace, parent, flags) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || version != "00" {
            return None;
        }
        if trace.len() != 32 || parent.len() != 16 || flags.len() != 2 {
            return None;
        }
        let lower_hex = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        };
        if !lower_hex(trace) || !lower_hex(parent) || !lower_hex(flags) {
            return None;
        }
        let trace_id = u128::from_str_radix(trace, 16).ok()?;
        let parent_id = u64::from_str_radix(parent, 16).ok()?;
        let flags = u8::from_str_radix(flags, 16).ok()?;
        // All-zero ids are invalid per the spec.
        (trace_id != 0 && parent_id != 0).then_some(TraceParent {
            trace_id,
            parent_id,
            flags,
        })
    }

    /// A new sampled trace.
    pub fn generate() -> TraceParent {
        TraceParent {
            trace_id: rand::random::<u128>().max(1),
            parent_id: rand::random::<u64>().max(1),
            flags: 1,
        }
    }

    /// The context for this stage's output: same trace, this stage as the new parent.
    pub fn child(self) -> TraceParent {
        TraceParent {
            parent_id: rand::random::<u64>().max(1),
            ..self
        }
    }

    /// The trace id (32 hex digits), for logs.
    pub fn trace_id(&self) -> String {
        format!("{:032x}", self.trace_id)
    }
}

impl std::fmt::Display for TraceParent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "00-{:032x}-{:016x}-{:02x}",
            self.trace_id, self.parent_id, self.flags
        )
    }
}

/// What an output carries over from its input's headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Carried {
    /// The trace context of the output: the input's, continued, or a new one.
    pub trace: TraceParent,
    /// The raw record's timestamp from [`INGEST_HEADER`], when the input has one.
    pub ingest_ms: Option<i64>,
}

/// Reads the input's trace context and ingest time in one pass over its headers.
pub fn carried(input: Option<&impl Headers>) -> Carried {
    let mut trace = None;
    let mut ingest_ms = None;
    for header in input.iter().flat_map(|headers| headers.iter()) {
        match header.key {
            TRACEPARENT_HEADER => trace = header.value.and_then(TraceParent::parse),
            INGEST_HEADER => {
                ingest_ms = header
                    .value
                    .and_then(|v| std::str::from_utf8(v).ok())
                    .and_then(|v| v.parse::<i64>().ok());
            }
            _ => {}
        }
    }
    Carried {
        trace: trace.map_or_else(TraceParent::generate, TraceParent::child),
        ingest_ms,
    }
}

/// The trace context of an output: the input's, continued, or a new one.
pub fn trace_for(input: Option<&impl Headers>) -> TraceParent {
    carried(input).trace
}

/// Headers of a regular output record, with the raw record's time when known.
pub fn output_headers(stage: &str, trace: &TraceParent, ingest_ms: Option<i64>) -> OwnedHeaders {
    let trace = trace.to_string();
    let headers = OwnedHeaders::new_with_capacity(4)
        .insert(header(SCHEMA_VERSION_HEADER, SCHEMA_VERSION))
        .insert(header(STAGE_HEADER, stage))
        .insert(header(TRACEPARENT_HEADER, &trace));
    match ingest_ms {
        Some(ms) => headers.insert(header(INGEST_HEADER, &ms.to_string())),
        None => headers,
    }
}

/// Where a dead-lettered record came from.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// Input topic.
    pub topic: &'a str,
    /// Input partition.
    pub partition: i32,
    /// Input offset.
    pub offset: i64,
}

/// Headers of a dead-letter record.
pub fn dlq_headers(
    stage: &str,
    trace: &TraceParent,
    code: &str,
    message: &str,
    source: Source<'_>,
) -> OwnedHeaders {
    let partition = source.partition.to_string();
    let offset = source.offset.to_string();
    output_headers(stage, trace, None)
        .insert(header(ERROR_CODE_HEADER, code))
        .insert(header(ERROR_MESSAGE_HEADER, message))
        .insert(header(SOURCE_TOPIC_HEADER, source.topic))
        .insert(header(SOURCE_PARTITION_HEADER, &partition))
        .insert(header(SOURCE_OFFSET_HEADER, &offset))
}

/// Marks a dead-letter record whose value is only a prefix of the original.
pub fn truncated(headers: OwnedHeaders, original_bytes: usize, sha256_hex: &str) -> OwnedHeaders {
    headers
        .insert(header(ORIGINAL_BYTES_HEADER, &original_bytes.to_string()))
        .insert(header(ORIGINAL_SHA256_HEADER, sha256_hex))
}

fn header<'a>(key: &'a str, value: &'a str) -> Header<'a, &'a str> {
    Header {
        key,
        value: Some(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn valid_traceparent_round_trips() {
        let parsed = TraceParent::parse(SAMPLE.as_bytes()).expect("valid");
        assert_eq!(parsed.to_string(), SAMPLE);
        assert_eq!(parsed.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
    }

    #[test]
    fn invalid_traceparents_are_refused() {
        for bad in [
            "",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xx",
        ] {
            assert_eq!(TraceParent::parse(bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(TraceParent::parse(&[0xff, 0xfe]), None);
    }

    #[test]
    fn output_continues_the_input_trace() {
        let input = OwnedHeaders::new().insert(header(TRACEPARENT_HEADER, SAMPLE));
        let trace = trace_for(Some(&input));
        assert_eq!(trace.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_ne!(trace.to_string(), SAMPLE, "a new parent id for this hop");
    }

    #[test]
    fn trace_and_ingest_time_are_carried_in_one_pass() {
        let input = OwnedHeaders::new()
            .insert(header(INGEST_HEADER, "1700000000123"))
            .insert(header(TRACEPARENT_HEADER, SAMPLE));
        let carried = carried(Some(&input));
        assert_eq!(carried.ingest_ms, Some(1_700_000_000_123));
        assert_eq!(carried.trace.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
        let output = output_headers("tag", &carried.trace, carried.ingest_ms);
        let ingest = output.iter().find(|h| h.key == INGEST_HEADER);
        assert_eq!(ingest.and_then(|h| h.value), Some(&b"1700000000123"[..]));
        let bad = OwnedHeaders::new().insert(header(INGEST_HEADER, "soon"));
        assert_eq!(super::carried(Some(&bad)).ingest_ms, None);
    }

    #[test]
    fn missing_trace_is_generated_and_valid() {
        let trace = trace_for(None::<&OwnedHeaders>);
        assert!(TraceParent::parse(trace.to_string().as_bytes()).is_some());
    }

    #[test]
    fn dlq_headers_name_the_source() {
        let trace = TraceParent::generate();
        let source = Source {
            topic: "news.raw",
            partition: 3,
            offset: 42,
        };
        let headers = dlq_headers("lang", &trace, "invalid_json", "bad", source);
        let get = |key: &str| {
            headers
                .iter()
                .find(|h| h.key == key)
                .and_then(|h| h.value)
                .map(|v| String::from_utf8_lossy(v).into_owned())
        };
        assert_eq!(get(ERROR_CODE_HEADER).as_deref(), Some("invalid_json"));
        assert_eq!(get(SOURCE_TOPIC_HEADER).as_deref(), Some("news.raw"));
        assert_eq!(get(SOURCE_PARTITION_HEADER).as_deref(), Some("3"));
        assert_eq!(get(SOURCE_OFFSET_HEADER).as_deref(), Some("42"));
        assert_eq!(get(STAGE_HEADER).as_deref(), Some("lang"));
        assert_eq!(get(SCHEMA_VERSION_HEADER).as_deref(), Some("1"));
    }
}
