//! Reading the fields of a raw record: bytes to a JSON object to typed fields.

use newsflow_record::{ErrorCode, RecordError, RESERVED_FIELDS};
use serde_json::{Map, Value};

/// The known fields of a raw article, as sent (not yet cleaned), and the rest.
#[derive(Debug, Default)]
pub(crate) struct RawFields {
    pub(crate) id: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) source: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) body: Option<String>,
    pub(crate) published_at: Option<String>,
    pub(crate) language: Option<String>,
    /// Unknown fields, reserved names already removed.
    pub(crate) extra: Map<String, Value>,
}

/// A failure with the record's id when it could be read.
pub(crate) type FieldError = (Option<String>, RecordError);

/// Checks UTF-8 before JSON, so that bad bytes are reported as such, then parses
/// one JSON object.
pub(crate) fn parse_object(input: &[u8]) -> Result<Map<String, Value>, RecordError> {
    let text = std::str::from_utf8(input).map_err(|e| {
        RecordError::new(
            ErrorCode::InvalidUtf8,
            format!(
                "record is not valid UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ),
        )
    })?;
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(RecordError::new(
            ErrorCode::NotAnObject,
            format!("record must be a JSON object, got {}", kind(&other)),
        )),
        Err(e) => Err(RecordError::new(
            ErrorCode::InvalidJson,
            format!("record is not valid JSON: {e}"),
        )),
    }
}

/// Takes the known fields out of `map`. `null` counts as absent; any other
/// non-string value is a `missing_field` error naming the field and what it held.
pub(crate) fn take_fields(mut map: Map<String, Value>) -> Result<RawFields, FieldError> {
    let id = take_string(&mut map, "id").map_err(|e| (None, e))?;
    // Only a non-blank id is an id; a blank one is treated as absent.
    let id = id.filter(|id| !id.trim().is_empty());
    let mut take = |name| take_string(&mut map, name).map_err(|e| (id.clone(), e));
    let url = take("url")?;
    let source = take("source")?;
    let title = take("title")?;
    let body = take("body")?;
    let published_at = take("published_at")?;
    let language = take("language")?;
    for reserved in RESERVED_FIELDS {
        map.remove(*reserved);
    }
    Ok(RawFields {
        id,
        url,
        source,
        title,
        body,
        published_at,
        language,
        extra: map,
    })
}

fn take_string(map: &mut Map<String, Value>, name: &str) -> Result<Option<String>, RecordError> {
    match map.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(RecordError::new(
            ErrorCode::MissingField,
            format!("field `{name}` must be a string, got {}", kind(&other)),
        )),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
