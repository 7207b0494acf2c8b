//! Strict configuration: every section and key a layer sets must exist.
//!
//! The valid keys are those of the defaults, plus the optional keys that have no
//! default ([`OPTIONAL`]). The librdkafka pass-through tables ([`FREE_FORM`]) take
//! any property name: librdkafka itself rejects unknown ones when a client is made.

use anyhow::bail;
use toml::{Table, Value};

/// Keys that are valid although the defaults leave them unset: `(section, key)`.
const OPTIONAL: [(&str, &str, &str); 2] = [
    ("", "data_dir", "a string"),
    ("metrics", "addr", "a string"),
];

/// Tables of librdkafka properties, passed through as they are.
const FREE_FORM: [&str; 3] = ["kafka.common", "kafka.consumer", "kafka.producer"];

/// The shape of the configuration, taken from its defaults.
pub struct Schema<'a> {
    defaults: &'a Table,
}

impl<'a> Schema<'a> {
    /// The schema of `defaults` (the default configuration as a table).
    pub fn new(defaults: &'a Table) -> Self {
        Schema { defaults }
    }

    /// Checks every section and key of `layer`.
    pub fn check(&self, layer: &Table) -> anyhow::Result<()> {
        self.check_table(layer, "", Some(self.defaults))
    }

    fn check_table(
        &self,
        layer: &Table,
        section: &str,
        known: Option<&Table>,
    ) -> anyhow::Result<()> {
        if FREE_FORM.contains(&section) {
            for (key, value) in layer {
                if !matches!(
                    value,
                    Value::String(_) | Value::Integer(_) | Value::Float(_) | Value::Boolean(_)
                ) {
                    bail!(
                        "`{key}` in section [{section}] must be a string, number or \
                         boolean (a librdkafka property), not a {}",
                        value.type_str()
                    );
                }
            }
            return Ok(());
        }
        for (key, value) in layer {
            let path = join(section, key);
            let default = known.and_then(|table| table.get(key));
            match (default, value) {
                (Some(Value::Table(known)), Value::Table(table)) => {
                    self.check_table(table, &path, Some(known))?
                }
                (Some(Value::Table(_)), other) => bail!(
                    "`{path}` is a section ([{path}]), not a {}",
                    other.type_str()
                ),
                (Some(_), Value::Table(_)) => bail!(
                    "[{path}] is not a section: `{key}` is a key of {}",
                    describe_section(section)
                ),
                (Some(_), _) => {}
                (None, Value::Table(table)) if FREE_FORM.contains(&path.as_str()) => {
                    self.check_table(table, &path, None)?
                }
                (None, _) if OPTIONAL.iter().any(|(s, k, _)| *s == section && *k == key) => {}
                (None, value) => {
                    let candidates = self.keys_of(section, known);
                    let what = if value.is_table() { "section" } else { "key" };
                    let shown = if value.is_table() {
                        format!("[{path}]")
                    } else {
                        format!("`{key}`")
                    };
                    let hint = match nearest(key, &candidates) {
                        Some(near) if value.is_table() => {
                            format!("; did you mean [{}]?", join(section, near))
                        }
                        Some(near) => format!("; did you mean `{near}`?"),
                        None => String::new(),
                    };
                    bail!(
                        "unknown {what} {shown} in {}{hint} (valid: {})",
                        describe_section(section),
                        candidates.join(", ")
                    );
                }
            }
        }
        Ok(())
    }

    /// The valid keys (and sub-sections) of `section`.
    fn keys_of(&self, section: &str, known: Option<&Table>) -> Vec<String> {
        let mut keys: Vec<String> = known
            .map(|table| table.keys().cloned().collect())
            .unwrap_or_default();
        for (s, key, _) in OPTIONAL {
            if s == section && !keys.iter().any(|k| k == key) {
                keys.push(key.to_string());
            }
        }
        for free in FREE_FORM {
            if let Some(name) = free
                .strip_prefix(section)
                .and_then(|rest| rest.strip_prefix('.'))
            {
                if !name.contains('.') && !keys.iter().any(|k| k == name) {
                    keys.push(name.to_string());
                }
            }
        }
        keys.sort();
        keys
    }

    /// The TOML type the defaults give `key` (dotted), for type errors.
    pub fn expected_type(&self, key: &str) -> Option<&'static str> {
        if let Some((_, _, kind)) = OPTIONAL.iter().find(|(s, k, _)| join(s, k) == key) {
            return Some(kind);
        }
        let mut table = self.defaults;
        let mut parts = key.split('.').peekable();
        while let Some(part) = parts.next() {
            let value = table.get(part)?;
            match value {
                Value::Table(inner) if parts.peek().is_some() => table = inner,
                Value::Table(_) => return Some("a section"),
                other if parts.peek().is_none() => return Some(kind_of(other)),
                _ => return None,
            }
        }
        None
    }

    /// Turns `NEWSFLOW__SECTION__KEY=value` (`rest` is what follows the prefix)
    /// into a one-key table, checked against the schema and typed like the default.
    /// Returns the table and the key's own name.
    pub fn env_override(
        &self,
        name: &str,
        rest: &str,
        value: &str,
    ) -> anyhow::Result<(Table, String)> {
        let mut parts: Vec<String> = rest.split("__").map(str::to_ascii_lowercase).collect();
        if parts.iter().any(String::is_empty) {
            bail!("environment variable {name}: empty section or key in its name");
        }
        // librdkafka property names are dotted; a variable name cannot hold dots.
        let section = parts[..parts.len() - 1].join(".");
        if FREE_FORM.contains(&section.as_str()) {
            let last = parts.len() - 1;
            parts[last] = parts[last].replace('_', ".");
        }
        let key = parts.last().cloned().unwrap_or_default();
        let dotted = parts.join(".");
        let typed = match self.expected_type(&dotted) {
            Some("a section") => bail!(
                "environment variable {name}: `{dotted}` is a section; name one of its \
                 keys ({name}__<KEY>)"
            ),
            Some(kind) => typed_value(kind, value).map_err(|expected| {
                anyhow::anyhow!(
                    "environment variable {name}: `{dotted}` expects {expected}, got {value:?}"
                )
            })?,
            None => Value::String(value.to_string()),
        };
        let mut table = Table::new();
        table.insert(key.clone(), typed);
        for part in parts[..parts.len() - 1].iter().rev() {
            let mut outer = Table::new();
            outer.insert(part.clone(), Value::Table(table));
            table = outer;
        }
        self.check(&table)
            .map_err(|error| anyhow::anyhow!("environment variable {name}: {error}"))?;
        Ok((table, key))
    }
}

/// `NEWSFLOW_DEDUP__WINDOW_COUNT`: the spelling of overrides before they moved to
/// their own prefix (a single underscore, then a section).
pub fn is_old_style_override(name: &str) -> bool {
    name.strip_prefix("NEWSFLOW_")
        .is_some_and(|rest| !rest.starts_with('_') && rest.contains("__"))
}

fn join(section: &str, key: &str) -> String {
    if section.is_empty() {
        key.to_string()
    } else {
        format!("{section}.{key}")
    }
}

fn describe_section(section: &str) -> String {
    if section.is_empty() {
        "the top level".to_string()
    } else {
        format!("section [{section}]")
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "true or false",
        Value::Datetime(_) => "a date-time",
        Value::Array(_) => "a list",
        Value::Table(_) => "a section",
    }
}

/// `value` typed as `kind` (one of [`kind_of`]'s answers); the expected type when
/// it does not parse.
fn typed_value(kind: &str, value: &str) -> Result<Value, &'static str> {
    let trimmed = value.trim();
    match kind {
        "an integer" => trimmed
            .parse()
            .map(Value::Integer)
            .map_err(|_| "an integer"),
        "a number" => trimmed.parse().map(Value::Float).map_err(|_| "a number"),
        "true or false" => trimmed
            .parse()
            .map(Value::Boolean)
            .map_err(|_| "true or false"),
        "a list" if trimmed.starts_with('[') => toml::from_str::<Table>(&format!("v = {trimmed}"))
            .ok()
            .and_then(|mut table| table.remove("v"))
            .ok_or("a list (`[\"a\", \"b\"]` or `a,b`)"),
        "a list" => Ok(Value::Array(
            trimmed
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| Value::String(item.to_string()))
                .collect(),
        )),
        _ => Ok(Value::String(value.to_string())),
    }
}

/// The candidate closest to `key` by edit distance.
fn nearest<'c>(key: &str, candidates: &'c [String]) -> Option<&'c str> {
    candidates
        .iter()
        .map(|candidate| (strsim::damerau_levenshtein(key, candidate), candidate))
        .min()
        .map(|(_, candidate)| candidate.as_str())
}
