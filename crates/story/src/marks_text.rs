//! A story's marks as the stories topic carries them: one string of hashes, each
//! its 4 bytes in base64url with its count after a `*` when above one
//! (`"R0xGrw iGM1Sw*3"`). Marks are most of a state's bytes and a state is written
//! for every article: as a JSON object, each key is a number in quotes, twice as
//! long. States written as an object, or with 8-byte hashes (which read as their low
//! half, the hash of today), still read.

use std::fmt::{self, Write};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserializer, Serializer};

use crate::{MarkHash, StoryMarks};

pub fn serialize<S: Serializer>(marks: &StoryMarks, serializer: S) -> Result<S::Ok, S::Error> {
    let mut text = String::with_capacity(marks.len() * 8);
    for (hash, count) in marks {
        if !text.is_empty() {
            text.push(' ');
        }
        URL_SAFE_NO_PAD.encode_string(hash.to_le_bytes(), &mut text);
        if *count != 1 {
            let _ = write!(text, "*{count}");
        }
    }
    serializer.serialize_str(&text)
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<StoryMarks, D::Error> {
    deserializer.deserialize_any(MarksVisitor)
}

struct MarksVisitor;

impl<'de> Visitor<'de> for MarksVisitor {
    type Value = StoryMarks;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("marks as a string of base64url hashes, or an object of hash to count")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<StoryMarks, E> {
        text.split_whitespace()
            .map(|entry| {
                let (hash, count) = entry.split_once('*').unwrap_or((entry, "1"));
                let bytes = URL_SAFE_NO_PAD
                    .decode(hash)
                    .ok()
                    .filter(|bytes| bytes.len() == 4 || bytes.len() == 8)
                    .ok_or_else(|| E::custom(format!("invalid mark hash {hash:?}")))?;
                let count = count
                    .parse()
                    .map_err(|_| E::custom(format!("invalid mark count {count:?}")))?;
                let low: [u8; 4] = [bytes[0], bytes[1], bytes[2], bytes[3]];
                Ok((MarkHash::from_le_bytes(low), count))
            })
            .collect()
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StoryMarks, A::Error> {
        let mut marks = StoryMarks::default();
        while let Some((hash, count)) = map.next_entry::<u64, u32>()? {
            marks.insert(hash as MarkHash, count);
        }
        Ok(marks)
    }
}
