//! The event rule file format: `config/events/<lang>.toml`, one per language.
//!
//! Phrases are matched case-insensitively. A phrase may carry markers: a trailing
//! `*` lets the match continue into a longer word (inflections: `санкци*`), a leading
//! `*` lets it start inside a word (German compounds: `*parade`), and a leading `=`
//! matches the exact case only (`=US`, so the pronoun "us" does not match).

use std::collections::BTreeMap;

use serde::Deserialize;

/// One language's rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    /// ISO 639-1 code; must match the file name.
    pub language: String,
    /// False for scripts written without spaces (zh, ja): matches need no word boundary.
    #[serde(default = "yes")]
    pub word_boundaries: bool,
    /// Prefixes that may be glued to a word without breaking its boundary (Arabic).
    #[serde(default)]
    pub clitics: Vec<String>,
    /// Lowercase words after which a period does not end a sentence.
    #[serde(default)]
    pub abbreviations: Vec<String>,
    /// Characters that make a following one-character country abbreviation count
    /// (Japanese 訪 in 訪米 "visit to the US", 来 in 来日 "visit to Japan").
    #[serde(default)]
    pub compound_prefixes: Vec<String>,
    /// Largest distance, in characters, between a status cue and a trigger.
    #[serde(default = "default_status_window")]
    pub status_window: usize,
    /// Cues that make an event planned, speculative or negated.
    pub status: StatusCues,
    /// Words that mark the place where an event happens.
    #[serde(default)]
    pub location: LocationCues,
    /// Calendar words.
    #[serde(default)]
    pub dates: DateWords,
    /// Phrases that give the next (or previous) actor a role.
    #[serde(default, rename = "role_cue")]
    pub role_cues: Vec<RoleCueRule>,
    /// The event types.
    #[serde(rename = "event")]
    pub events: Vec<EventRule>,
}

fn yes() -> bool {
    true
}

fn default_status_window() -> usize {
    60
}

/// Status cues. An event with no cue near its trigger has occurred.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusCues {
    #[serde(default)]
    pub planned: Vec<String>,
    #[serde(default)]
    pub speculative: Vec<String>,
    #[serde(default)]
    pub negated: Vec<String>,
}

/// Location markers: a place right after a `before` word ("in Beijing") or right
/// before an `after` word (Japanese "北京で") is where the event happens.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LocationCues {
    #[serde(default)]
    pub before: Vec<String>,
    #[serde(default)]
    pub after: Vec<String>,
}

/// Calendar words for resolving event dates.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DateWords {
    /// Seven lists, Monday first.
    #[serde(default)]
    pub weekdays: Vec<Vec<String>>,
    /// Twelve lists, January first.
    #[serde(default)]
    pub months: Vec<Vec<String>>,
    /// Relative day words and their offset in days ("yesterday" = -1).
    #[serde(default)]
    pub relative: BTreeMap<String, i8>,
}

/// A phrase that assigns a role to the nearest actor on one side of it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleCueRule {
    pub phrase: Vec<String>,
    pub role: String,
    /// Event types the cue applies to.
    pub events: Vec<String>,
    /// `after` (default): the first actor after the phrase; `before`: the last one before it.
    #[serde(default)]
    pub side: Side,
}

/// Which side of a phrase an actor is on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Side {
    Before,
    #[default]
    After,
}

/// One event type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventRule {
    #[serde(rename = "type")]
    pub kind: String,
    pub cameo: Vec<String>,
    pub plover: Vec<String>,
    /// Triggers that fire alone (subject to `min_countries` and exclusions).
    #[serde(default)]
    pub strong: Vec<String>,
    /// Triggers that need a context phrase in the same sentence, or the same event
    /// already found from a strong trigger earlier in the article.
    #[serde(default)]
    pub weak: Vec<String>,
    /// Strong triggers that also skip the `min_countries` requirement.
    #[serde(default)]
    pub standalone: Vec<String>,
    /// Phrases that confirm a weak trigger.
    #[serde(default)]
    pub context: Vec<String>,
    /// Confusers: the event does not fire in a sentence holding one; in the title
    /// they block the event for the whole article.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Distinct countries the sentence must name (people and places count by their
    /// country): 2 for a state visit, so a minister at a hospital at home does not fire.
    #[serde(default)]
    pub min_countries: usize,
    /// Roles of actors by their side of the trigger and for the location's country.
    #[serde(default)]
    pub roles: RoleScheme,
    /// Triggers with their own role orientation ("hosts": host before, visitor after).
    #[serde(default, rename = "trigger")]
    pub oriented: Vec<OrientedTrigger>,
    /// The larger event that `minor` triggers are part of: talks held during a state
    /// visit are the visit, not a summit of their own.
    #[serde(default)]
    pub part_of: Option<String>,
}

/// Default roles of an event type.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleScheme {
    pub before: Option<String>,
    pub after: Option<String>,
    pub location: Option<String>,
    /// Role of the country of a city or region named after the trigger ("strike
    /// Kyiv": the target is Ukraine).
    #[serde(default)]
    pub place: Option<String>,
}

/// A trigger that overrides the event's role orientation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrientedTrigger {
    pub phrase: Vec<String>,
    #[serde(default)]
    pub weak: bool,
    /// The phrase names a part of the event's `part_of` event ("talks", "会談"):
    /// when the article already reports that larger event and this one is not in
    /// doubt, it is not reported on its own.
    #[serde(default)]
    pub minor: bool,
    #[serde(default)]
    pub before: Option<String>,
    #[serde(default)]
    pub after: Option<String>,
}
