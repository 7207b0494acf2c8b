//! Shared helpers: the real rules and gazetteer from `config/`, and articles built
//! in a few lines.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use newsflow_record::{Article, Event, EventStatus, Language, Salience};
use newsflow_tag::{TagConfig, Tagger, Tagging};
use serde_json::Map;

pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config")
}

pub fn tagger() -> &'static Tagger {
    static TAGGER: OnceLock<Tagger> = OnceLock::new();
    TAGGER.get_or_init(|| Tagger::load(&TagConfig::default(), &data_dir()).expect("config/ loads"))
}

pub fn article(language: &str, title: &str, body: &str) -> Article {
    Article {
        id: "test".into(),
        url: None,
        source: None,
        title: title.into(),
        body: body.into(),
        published_at: Some("2025-08-28T08:00:00Z".into()),
        language_hint: None,
        language: Some(Language {
            code: language.into(),
            iso639_3: "und".into(),
            script: "Latin".into(),
            confidence: 1.0,
            reliable: true,
        }),
        dedup: None,
        event_rules: None,
        events: None,
        entities: None,
        story: None,
        extra: Map::new(),
    }
}

pub fn tag(language: &str, title: &str, body: &str) -> Tagging {
    tagger().tag(&article(language, title, body))
}

pub fn kinds(tagging: &Tagging) -> Vec<&str> {
    tagging.events.iter().map(|e| e.kind.as_str()).collect()
}

/// The salience of each event of `kind`, in the order tagged.
pub fn saliences(tagging: &Tagging, kind: &str) -> Vec<Salience> {
    tagging
        .events
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.salience)
        .collect()
}

/// The article got an event of `kind`.
pub fn assert_tagged(tagging: &Tagging, kind: &str) {
    assert!(kinds(tagging).contains(&kind), "{:?}", kinds(tagging));
}

/// The article got no event of `kind`.
pub fn assert_not_tagged(tagging: &Tagging, kind: &str) {
    assert!(!kinds(tagging).contains(&kind), "{:?}", kinds(tagging));
}

/// Some event of `kind` is the article's own.
pub fn assert_some_main(tagging: &Tagging, kind: &str) {
    assert!(
        saliences(tagging, kind).contains(&Salience::Main),
        "{:?}",
        tagging.events
    );
}

/// The events of `kind` have exactly these saliences, in the order tagged.
pub fn assert_saliences(tagging: &Tagging, kind: &str, expected: &[Salience]) {
    assert_eq!(saliences(tagging, kind), expected, "{:?}", tagging.events);
}

/// No event of `kind` is the article's own (there may be none at all).
pub fn assert_no_main(tagging: &Tagging, kind: &str) {
    let found = saliences(tagging, kind);
    assert!(!found.contains(&Salience::Main), "{kind}: {found:?}");
}

/// The article mentions `kind`, and only as background.
pub fn assert_all_background(tagging: &Tagging, kind: &str) {
    assert!(
        !saliences(tagging, kind).is_empty(),
        "no {kind} in {:?}",
        kinds(tagging)
    );
    assert_no_main(tagging, kind);
}

pub fn event<'a>(tagging: &'a Tagging, kind: &str) -> &'a Event {
    tagging
        .events
        .iter()
        .find(|e| e.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} in {:?}", kinds(tagging)))
}

pub fn status(tagging: &Tagging, kind: &str) -> EventStatus {
    event(tagging, kind).status
}

/// Role of the country actor with this code.
/// Some actor of `event` from country `code` (a country, a person or a body) plays
/// `role`: one country may hold two roles, or appear as several actors.
pub fn plays(event: &Event, code: &str, role: &str) -> bool {
    event
        .actors
        .iter()
        .any(|a| a.country.as_deref() == Some(code) && a.role.as_deref() == Some(role))
}

/// Whether any actor of `event`, in any role, is of the country `code`.
pub fn involves(event: &Event, code: &str) -> bool {
    event
        .actors
        .iter()
        .any(|a| a.country.as_deref() == Some(code))
}

pub fn role<'a>(event: &'a Event, code: &str) -> Option<&'a str> {
    event
        .actors
        .iter()
        .find(|a| a.kind == "country" && a.country.as_deref() == Some(code))
        .and_then(|a| a.role.as_deref())
}
