//! Reading the fields of a raw record: bytes to typed fields in one JSON pass.
//!
//! The known fields are read straight into [`RawFields`], borrowing from the input when
//! a string has no escapes, instead of through a generic `Value` tree that would copy
//! every string and build a map only to take most of it apart again. Unknown fields are
//! still kept as `Value`s. Every value is parsed as fully as a `Value` would be, so the
//! same input is rejected for the same reason, with the same message.

use std::borrow::Cow;
use std::fmt;

use newsflow_record::{ErrorCode, RecordError, RESERVED_FIELDS};
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

/// The known fields of a raw article, as sent (not yet cleaned), and the rest.
#[derive(Debug, Default)]
pub(crate) struct RawFields<'a> {
    pub(crate) id: Option<Cow<'a, str>>,
    pub(crate) url: Option<Cow<'a, str>>,
    pub(crate) source: Option<Cow<'a, str>>,
    pub(crate) title: Option<Cow<'a, str>>,
    pub(crate) body: Option<Cow<'a, str>>,
    pub(crate) published_at: Option<Cow<'a, str>>,
    pub(crate) language: Option<Cow<'a, str>>,
    /// Unknown fields, reserved names already removed.
    pub(crate) extra: Map<String, Value>,
}

/// A failure with the record's id when it could be read.
pub(crate) type FieldError = (Option<String>, RecordError);

/// The known fields, in the order their types are checked.
const KNOWN: [&str; 7] = [
    "id",
    "url",
    "source",
    "title",
    "body",
    "published_at",
    "language",
];

/// Checks UTF-8 before JSON, so that bad bytes are reported as such, then reads one
/// JSON object's fields. `null` counts as absent; any other non-string value of a known
/// field is a `missing_field` error naming the field and what it held.
pub(crate) fn parse(input: &[u8]) -> Result<RawFields<'_>, FieldError> {
    let text = simdutf8::compat::from_utf8(input).map_err(|e| {
        let message = format!(
            "record is not valid UTF-8 (bad byte at offset {})",
            e.valid_up_to()
        );
        (None, RecordError::new(ErrorCode::InvalidUtf8, message))
    })?;
    let object = match serde_json::from_str::<Record>(text) {
        Ok(Record::Object(object)) => object,
        Ok(Record::Other(kind)) => {
            let message = format!("record must be a JSON object, got {kind}");
            return Err((None, RecordError::new(ErrorCode::NotAnObject, message)));
        }
        Err(e) => {
            let message = format!("record is not valid JSON: {e}");
            return Err((None, RecordError::new(ErrorCode::InvalidJson, message)));
        }
    };
    let [id, url, source, title, body, published_at, language] = object.known;
    let id = id.into_text("id").map_err(|e| (None, e))?;
    // Only a non-blank id is an id; a blank one is treated as absent.
    let id = id.filter(|id| !id.trim().is_empty());
    let with_id = |e| (id.as_deref().map(str::to_string), e);
    let url = url.into_text("url").map_err(with_id)?;
    let source = source.into_text("source").map_err(with_id)?;
    let title = title.into_text("title").map_err(with_id)?;
    let body = body.into_text("body").map_err(with_id)?;
    let published_at = published_at.into_text("published_at").map_err(with_id)?;
    let language = language.into_text("language").map_err(with_id)?;
    Ok(RawFields {
        id,
        url,
        source,
        title,
        body,
        published_at,
        language,
        extra: object.extra,
    })
}

/// A whole record: an object's fields, or what else the JSON held.
enum Record<'a> {
    Object(Object<'a>),
    Other(&'static str),
}

/// An object's known fields by position in [`KNOWN`], and its other fields.
#[derive(Default)]
struct Object<'a> {
    known: [Field<'a>; 7],
    extra: Map<String, Value>,
}

/// The value of a known field.
#[derive(Default)]
enum Field<'a> {
    /// Absent or `null`.
    #[default]
    Absent,
    Text(Cow<'a, str>),
    /// Not a string: what it was, for the message.
    Wrong(&'static str),
}

impl<'a> Field<'a> {
    fn into_text(self, name: &str) -> Result<Option<Cow<'a, str>>, RecordError> {
        match self {
            Field::Absent => Ok(None),
            Field::Text(text) => Ok(Some(text)),
            Field::Wrong(kind) => Err(RecordError::new(
                ErrorCode::MissingField,
                format!("field `{name}` must be a string, got {kind}"),
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Record<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RecordVisitor)
    }
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Record<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = Object::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match key {
                Key::Known(index) => {
                    let field = map.next_value()?;
                    if let Some(slot) = object.known.get_mut(index) {
                        *slot = field;
                    }
                }
                Key::Other(name) => {
                    let value: Value = map.next_value()?;
                    if !RESERVED_FIELDS.contains(&name.as_str()) {
                        object.extra.insert(name, value);
                    }
                }
            }
        }
        Ok(Record::Object(object))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq))?;
        Ok(Record::Other("an array"))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Record::Other("null"))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Record::Other("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Record::Other("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Record::Other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Record::Other("a number"))
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Record::Other("a string"))
    }
}

/// An object key: one of [`KNOWN`] by position, or any other name.
enum Key {
    Known(usize),
    Other(String),
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E>(self, name: &str) -> Result<Key, E> {
        Ok(match KNOWN.iter().position(|known| *known == name) {
            Some(index) => Key::Known(index),
            None => Key::Other(name.to_string()),
        })
    }
}

impl<'de> Deserialize<'de> for Field<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FieldVisitor)
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Field::Text(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Field::Text(Cow::Owned(text.to_string())))
    }

    fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
        Ok(Field::Text(Cow::Owned(text)))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Field::Absent)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Field::Wrong("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Field::Wrong("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Field::Wrong("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Field::Wrong("a number"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        // Parsed as a `Value` would be, so that what the JSON may hold is unchanged.
        Value::deserialize(SeqAccessDeserializer::new(seq))?;
        Ok(Field::Wrong("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map))?;
        Ok(Field::Wrong("an object"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(input: impl AsRef<[u8]>) -> (Option<String>, ErrorCode, String) {
        let (id, error) = parse(input.as_ref()).unwrap_err();
        (id, error.code, error.message)
    }

    #[test]
    fn plain_strings_are_borrowed_and_escaped_ones_decoded() {
        let fields = parse(br#"{"id":"a1","title":"T\u00e9","body":"B","x":[1]}"#).unwrap();
        assert!(matches!(fields.id, Some(Cow::Borrowed("a1"))));
        assert_eq!(fields.title.as_deref(), Some("Té"));
        assert!(matches!(fields.body, Some(Cow::Borrowed("B"))));
        assert_eq!(fields.extra["x"], serde_json::json!([1]));
    }

    #[test]
    fn the_last_of_repeated_keys_wins_and_reserved_names_are_dropped() {
        let input = r#"{"title":5,"title":"T","events":[],"s":1,"s":2,"outcome":"x"}"#;
        let fields = parse(input.as_bytes()).unwrap();
        assert_eq!(fields.title.as_deref(), Some("T"));
        assert_eq!(fields.extra, serde_json::from_str(r#"{"s":2}"#).unwrap());
    }

    #[test]
    fn wrong_types_are_reported_in_field_order_with_the_id() {
        let (id, code, message) = error(r#"{"body":{"a":1},"url":[true],"id":"x"}"#);
        assert_eq!(id.as_deref(), Some("x"));
        assert_eq!(code, ErrorCode::MissingField);
        assert_eq!(message, "field `url` must be a string, got an array");
        let (id, _, message) = error(r#"{"id":1.5,"url":false}"#);
        assert_eq!(id, None);
        assert_eq!(message, "field `id` must be a string, got a number");
    }

    #[test]
    fn rejections_match_those_of_a_json_value() {
        let value_error = |input: &str| serde_json::from_str::<Value>(input).unwrap_err();
        for input in [
            r#"{"id":"x","title":[1e400]}"#,
            r#"{"id":"x" "#,
            r#"{"id":"x"} trailing"#,
            r#"{"id":"\ud800"}"#,
            "[1, 2",
        ] {
            let (_, code, message) = error(input);
            assert_eq!(code, ErrorCode::InvalidJson, "{input}");
            let expected = format!("record is not valid JSON: {}", value_error(input));
            assert_eq!(message, expected);
        }
        for (input, kind) in [("[1]", "an array"), ("null", "null"), ("\"s\"", "a string")] {
            let (_, code, message) = error(input);
            assert_eq!(code, ErrorCode::NotAnObject);
            assert_eq!(message, format!("record must be a JSON object, got {kind}"));
        }
        let (_, code, message) = error(b"{\"id\":\"\xff\"}");
        assert_eq!(code, ErrorCode::InvalidUtf8);
        assert_eq!(message, "record is not valid UTF-8 (bad byte at offset 7)");
    }
}
