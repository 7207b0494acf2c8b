//! The tag stage: events and entities, from rules that are data.
//!
//! Layout:
//! - `config`: [`TagConfig`] and [`LoadError`].
//! - `rules`: the format of `config/events/catalogue.toml` (the event types shared
//!   by every language: codes, roles, parties needed, other senses) and of
//!   `config/events/<lang>.toml` (triggers, context, confusers, status, role,
//!   salience and sense cues, location and date words per event type).
//! - `gazetteer`: countries, people and places with names per language.
//! - `model`: one Aho-Corasick automaton per language over all of its phrases and
//!   gazetteer names, built at load time; matches are boundary-checked afterwards
//!   (not at all for languages written without spaces).
//! - `text`: the word boundary with clitic prefixes, over `newsflow-text`'s aligned
//!   lowercasing, words and sentence spans; `dates`: event dates.
//! - `tagger`: [`Tagger`], which scans an article once per field with the model of
//!   its detected language and turns the hits into [`Tagging`]: events need the
//!   parties of their type, are read in another sense among sport, culture,
//!   business or technology cues, and carry their salience and rule id.
//!   [`Tagger::explain`] records why. Its parts, in the order an article meets
//!   them: `sighting` (is a sentence's trigger an event?), `status`,
//!   `occurrences` (sightings merged), `salience`, `parties` (actors and place),
//!   `occasions` (one occasion per article, implied visits); `events` runs them.
//!
//! A language without a rule file gets [`EventRules::Missing`](newsflow_record::EventRules)
//! and no events; its entities are still found through the English names.
#![deny(missing_docs)]

mod config;
mod dates;
mod gazetteer;
mod model;
mod rules;
mod tagger;
mod text;

pub use config::{LoadError, TagConfig};
pub use tagger::{Explanation, Tagger, Tagging};
