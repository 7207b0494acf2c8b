//! The one redaction step for every string that leaves the process: log lines (the
//! binary's log writer is a [`Redacting`] writer), error messages (the binary prints
//! them through [`redact_text`]) and `config show` (through [`redact`]).
//!
//! Two nets, because librdkafka echoes configuration values in its own error texts
//! (`Client config error: ... ssl.key.password S3CRETPW`) in forms no key-based rule
//! can foresee:
//! - **By key**: a property whose name contains one of [`SECRET_MARKERS`] (case
//!   insensitive, so misspellings like `sasl.passwrd` or `SSL.Key.Pasword` are caught
//!   too) is a secret; in free text, a secret-looking name followed by `=`, `:` or a
//!   space has the value after it replaced.
//! - **By value**: the values of secret properties of every Kafka configuration the
//!   process built ([`register_secrets`]) are replaced wherever they appear.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io;
use std::sync::RwLock;

/// What a secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Parts of a property name that mark its value as a secret. `pass` and `pwd` catch
/// `password` and its misspellings (`passwd`, `passwrd`, `pasword` has `pas`+`word`,
/// hence `word` too); `oauthbearer.config` holds client secrets in librdkafka's
/// `key=value` syntax.
pub const SECRET_MARKERS: [&str; 10] = [
    "pass",
    "pwd",
    "word",
    "secret",
    "token",
    "key",
    "jaas",
    "credential",
    "oauthbearer.config",
    "private",
];

/// Values shorter than this are not redacted by value: they would blank out
/// unrelated text (a secret that short is no secret anyway).
const MIN_SECRET_LEN: usize = 4;

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Whether a property name names a secret.
pub fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_MARKERS.iter().any(|marker| key.contains(marker))
}

/// The value to show for a property: secrets are replaced.
pub fn redact<'a>(key: &str, value: &'a str) -> &'a str {
    if is_secret_key(key) {
        REDACTED
    } else {
        value
    }
}

/// Remembers the values of the secret properties in `tables`, so that
/// [`redact_text`] replaces them wherever they turn up.
pub fn register_secrets<'a>(tables: impl IntoIterator<Item = &'a BTreeMap<String, String>>) {
    let mut secrets = SECRETS.write().unwrap_or_else(|p| p.into_inner());
    for table in tables {
        for (key, value) in table {
            let value = value.trim();
            if is_secret_key(key)
                && value.len() >= MIN_SECRET_LEN
                && !secrets.iter().any(|known| known == value)
            {
                secrets.push(value.to_string());
            }
        }
    }
    // Longest first, so that a secret containing another is replaced whole.
    secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
}

/// `text` with every secret replaced: registered secret values, and the value after
/// any secret-looking property name (`name=value`, `name: value`, `name value`).
pub fn redact_text(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    {
        let secrets = SECRETS.read().unwrap_or_else(|p| p.into_inner());
        for secret in secrets.iter() {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
    }
    match redact_after_keys(&out) {
        Some(redacted) => Cow::Owned(redacted),
        None => out,
    }
}

fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-')
}

/// Replaces the value after each secret-looking name; `None` when nothing changed.
fn redact_after_keys(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !is_name_byte(bytes[i]) || (i > 0 && is_name_byte(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_name_byte(bytes[i]) {
            i += 1;
        }
        let name = &text[start..i];
        // Only dotted or underscored names (librdkafka properties, env-style keys)
        // or the bare word password: prose like "key" alone is left alone.
        let property_like = name.contains(['.', '_']) || name.eq_ignore_ascii_case("password");
        if !property_like || !is_secret_key(name) || name == REDACTED {
            continue;
        }
        let quoted_name = start > 0 && bytes[start - 1] == b'"';
        let mut j = i;
        if quoted_name && j < bytes.len() && bytes[j] == b'"' {
            j += 1;
        }
        // The separator: `=` or `:` (with spaces around), or one space after an
        // unquoted name (librdkafka's `key value` echo).
        let mut k = j;
        while k < bytes.len() && bytes[k] == b' ' {
            k += 1;
        }
        let separated = if k < bytes.len() && matches!(bytes[k], b'=' | b':') {
            k += 1;
            while k < bytes.len() && bytes[k] == b' ' {
                k += 1;
            }
            true
        } else {
            !quoted_name && k == j + 1
        };
        if !separated || k >= bytes.len() {
            continue;
        }
        // The value: a quoted string, or up to whitespace or a delimiter.
        let (value_start, value_end) = if matches!(bytes[k], b'"' | b'\'') {
            let quote = bytes[k];
            let mut end = k + 1;
            while end < bytes.len() && bytes[end] != quote {
                if bytes[end] == b'\\' {
                    end += 1;
                }
                end += 1;
            }
            (k + 1, end.min(bytes.len()))
        } else {
            let mut end = k;
            while end < bytes.len()
                && !bytes[end].is_ascii_whitespace()
                && !matches!(bytes[end], b',' | b';' | b')' | b'}' | b']' | b'"')
            {
                end += 1;
            }
            (k, end)
        };
        if value_end == value_start || &text[value_start..value_end] == REDACTED {
            i = value_end.max(i);
            continue;
        }
        let buffer = out.get_or_insert_with(|| String::with_capacity(text.len()));
        buffer.push_str(&text[copied..value_start]);
        buffer.push_str(REDACTED);
        copied = value_end;
        i = value_end;
    }
    out.map(|mut buffer| {
        buffer.push_str(&text[copied..]);
        buffer
    })
}

/// A writer that redacts what goes through it: the log writer of the binary. Each
/// `write` is redacted on its own, so it must carry whole lines (tracing's fmt layer
/// writes each event with one call).
#[derive(Debug)]
pub struct Redacting<W>(pub W);

impl<W: io::Write> io::Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        match redact_text(&text) {
            Cow::Borrowed(_) => self.0.write_all(buf)?,
            Cow::Owned(redacted) => self.0.write_all(redacted.as_bytes())?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys_and_their_misspellings_are_known() {
        for key in [
            "sasl.password",
            "sasl.passwrd",
            "sasl.pasword",
            "SSL.KEY.PASSWORD",
            "ssl.key.pem",
            "ssl.keystore.password",
            "sasl.jaas.config",
            "sasl.oauthbearer.client.secret",
            "sasl.oauthbearer.config",
            "sasl.oauthbearer.token.endpoint.url",
            "aws.credentials",
            "sasl.pwd",
        ] {
            assert!(is_secret_key(key), "{key}");
            assert_eq!(redact(key, "v"), REDACTED);
        }
        for key in [
            "bootstrap.servers",
            "linger.ms",
            "sasl.username",
            "group.id",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn librdkafkas_echo_of_an_unsupported_property_is_redacted() {
        let text = "cannot create the Kafka producer: Client config error: Configuration \
                    property \"ssl.key.password\" not supported in this build: OpenSSL not \
                    available at build time ssl.key.password S3CRETPW";
        let shown = redact_text(text);
        assert!(!shown.contains("S3CRETPW"), "{shown}");
        assert!(shown.contains("not supported in this build"), "{shown}");
        assert!(shown.ends_with("ssl.key.password [redacted]"), "{shown}");
    }

    #[test]
    fn name_value_forms_are_redacted() {
        for (text, secret) in [
            ("properties=sasl.passwrd=hunter22, linger.ms=5", "hunter22"),
            ("{\"sasl.password\":\"hunter22\"}", "hunter22"),
            (
                "sasl.jaas.config: org.Foo required password=\"hunter22\";",
                "hunter22",
            ),
            ("NEWSFLOW_KAFKA__COMMON__SASL_PASSWORD=hunter22", "hunter22"),
        ] {
            let shown = redact_text(text);
            assert!(!shown.contains(secret), "{text} -> {shown}");
        }
        let plain = "Partitions assigned. partitions=[0, 1] key=abc";
        assert_eq!(redact_text(plain), plain, "prose and plain keys stay");
    }

    #[test]
    fn registered_values_are_redacted_anywhere() {
        let mut table = BTreeMap::new();
        table.insert("sasl.password".to_string(), "Zq9-unique-secret".to_string());
        table.insert("linger.ms".to_string(), "5000".to_string());
        register_secrets([&table]);
        let shown = redact_text("broker said: bad credentials (Zq9-unique-secret) after 5000 ms");
        assert!(!shown.contains("Zq9-unique-secret"), "{shown}");
        assert!(shown.contains("5000 ms"), "non-secret values stay");
    }

    #[test]
    fn the_log_writer_redacts_each_line() {
        use std::io::Write;
        let mut writer = Redacting(Vec::new());
        writer
            .write_all(b"WARN properties=sasl.password=hunter22\n")
            .expect("write to a Vec");
        let written = String::from_utf8(writer.0).expect("utf-8");
        assert_eq!(written, "WARN properties=sasl.password=[redacted]\n");
    }
}
