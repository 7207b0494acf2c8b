//! The story stage: groups enriched articles that report the same real-world event,
//! from any outlet and in any language, as they arrive.
//!
//! Layout:
//! - [`StoryConfig`]: the `[story]` section of the config file.
//! - [`Storyteller`]: the open stories; [`Storyteller::assign`] places one article,
//!   [`Storyteller::restore`] puts back a [`Story`] read from the stories topic.
//! - `features`: what an article says that does not depend on its language.
//! - [`eval`]: B-cubed scoring of an assignment against labelled stories.
//!
//! How articles are matched, and why:
//! - **Language-independent evidence only.** The tag stage resolves actors to country
//!   codes and people and places to canonical gazetteer names, whatever the language,
//!   so a Spanish, a Russian and a Japanese report of one parade share their event
//!   type, `CHN`/`RUS`/`PRK`, `Xi Jinping` and `Beijing`. Text similarity would only
//!   work within one language, and dedup already catches copies there.
//! - **The lead event decides.** An article's primary event (its first main event)
//!   must be one of the story's types, and the story's own primary type must be among
//!   the article's: a parade report that mentions the leaders' state visits joins the
//!   parade, a visit report that mentions the parade does not.
//! - **Dates separate look-alikes.** The event date (or, without one, the publication
//!   date) must lie within `window_days` of the days the story already covers: the
//!   Victory Day parades of two years, two summits of the same leaders months apart,
//!   two missile tests a week apart stay apart. A missile test is matched within a
//!   day, a drill or a wave of protests, which go on for days and are reported as
//!   they go on, within two days more than `window_days`. Only event dates the text
//!   states extend a story's range (not publication days), so late commentary, or a
//!   chain of reports each a few days after the last, does not stretch it. When
//!   both the article and the story's reports state the event's date, the dates must
//!   agree within a day (except for lasting events): two meetings of the same
//!   leaders two days apart are two stories.
//! - **Participants must overlap.** Beyond the type and date, shared countries,
//!   people and places add to a score that must reach `min_score`; a name that a
//!   tenth of the recent news carries (the United States, its president, Washington)
//!   adds half. Only the story's central names count, those a quarter of its reports
//!   carry: a story that grew by reports each close to the last does not match a new
//!   event through a name one of them mentioned in passing. Articles without
//!   events join only on strong entity overlap within a day, or open a story of
//!   their own.
//! - **The same countries are at the centre.** The countries an article's lead event
//!   is about (its most named actors, the country it takes place in) must be named by
//!   a quarter of the story's reports, and the countries most of the story's reports are about must be named
//!   by the article: a Venezuelan drill and a Russian one a day apart share only the
//!   United States that both mention, and are two stories. An article whose lead type
//!   only half agrees with the story's must have all its countries named by it, and
//!   share a person or place with it; a lead of another type joins only with the
//!   same people on the story's days. Two shared people and a shared place on the
//!   story's days are enough, whatever the lead type, as the tag stage can read the
//!   lead wrong (a strike report led by the talks it interrupted).
//! - **A story is about what most of it reports.** A type that one report in several
//!   mentions does not count as the story's when a new article is matched: a drill
//!   mentioned in one report of a drone incursion does not pull in the drill's news.
//! - **Bounded.** Each lookup scans at most `candidates_per_key` stories per key,
//!   newest first; at most `max_stories` stay open, and stories quiet for
//!   `retention_days` (of the newest day seen) close once the last
//!   [`RECENT_ARRIVALS`] articles left them alone too, so that input out of time
//!   order keeps its stories.
#![deny(missing_docs)]

mod day;
pub mod eval;
mod features;
mod marks_text;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use newsflow_record::{Article, StoryAssignment};
use serde::{Deserialize, Serialize};

pub use crate::day::Day;
pub use crate::features::MarkHash;
use crate::features::{Features, Key, Mark};

/// Settings of the story stage (`[story]` in the config file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoryConfig {
    /// Days an article's event date may lie outside the days a story covers.
    pub window_days: u32,
    /// Days without a new article after which a story closes (counted back from the
    /// newest day seen).
    pub retention_days: u32,
    /// Most stories kept open; the oldest close first.
    pub max_stories: usize,
    /// Smallest match score for joining a story (type 1, each shared country 0.5,
    /// person 0.75, place 0.5, each capped).
    pub min_score: f64,
    /// Stories looked at per key (event type, person, place), newest first.
    pub candidates_per_key: usize,
}

impl Default for StoryConfig {
    fn default() -> Self {
        StoryConfig {
            window_days: 3,
            retention_days: 14,
            max_stories: 200_000,
            min_score: 2.0,
            candidates_per_key: 32,
        }
    }
}

/// Event types that go on for days (a drill, a wave of protests).
const LASTING_KINDS: [&str; 2] = ["military_exercise", "protest"];
/// Days beyond `window_days` that a report of a lasting event may lie from the story.
const LASTING_EXTRA_DAYS: u32 = 2;

/// Days an event date an article states may lie from those the story's reports state.
const STATED_DAYS_APART: i32 = 1;

/// Share of a story's articles that must carry a name for it to count as the story's.
const CENTRAL_SHARE: f64 = 0.25;

/// Marks (names written alike, see `features`) an article without events must share
/// with a story to join it on them alone: on the dev set, reports of one happening
/// within a day share four or more in 40 of 82 pairs, reports of two in none of 105.
const MIN_SHARED_MARKS: f64 = 4.0;
/// Figures an article without events must share with a story to join it on them
/// alone (scripts without Latin letters have no marks, but write digits alike): on
/// the dev set, 11 pairs of reports of one happening within a day share five or
/// more, no pair of reports of two does.
const MIN_SHARED_FIGURES: usize = 5;

/// Most figures a story keeps.
const MAX_STORY_FIGURES: usize = 64;
/// Most marks a story keeps: each as written and as it sounds.
const MAX_STORY_MARKS: usize = 2 * MAX_STORY_FIGURES;

/// Families of event types that one occurrence is often reported under: a leader's
/// visit is also a summit and ends with a signing; a strike with a new missile is
/// also its test. An article whose lead type differs from a story's, but is of its
/// family, may join on stronger participant evidence.
fn family(kind: &str) -> &str {
    match kind {
        "state_visit" | "summit" | "agreement_signing" => "diplomacy",
        "armed_attack" | "weapons_test" => "force",
        other => other,
    }
}

/// A story's marks with their article counts.
pub type StoryMarks = FastMap<MarkHash, u32>;

/// A map with a fast hash (foldhash) in place of the standard SipHash: the stage looks
/// its maps up several hundred times per article, and most of their keys are hashes
/// already.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// The current state of one story: what the stories topic carries, keyed by `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Story {
    /// `st-` and 16 hex digits of the opening article's id.
    pub id: String,
    /// The opening article's type of lead event, when it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
    /// Event types with the number of articles reporting each.
    pub types: BTreeMap<String, u32>,
    /// Countries (ISO 3166 alpha-3) taking part, with article counts.
    pub actors: BTreeMap<String, u32>,
    /// People (gazetteer names) with article counts.
    pub people: BTreeMap<String, u32>,
    /// Places (gazetteer names) with article counts.
    pub places: BTreeMap<String, u32>,
    /// Figures stated in the articles' leads (see `features`), with article counts;
    /// at most [`MAX_STORY_FIGURES`], the first seen kept.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub figures: BTreeMap<u64, u32>,
    /// Marks (names written alike, hashed; see `features`) of the articles without
    /// events, with article counts; at most [`MAX_STORY_MARKS`], the first seen kept.
    /// Hashed, not ordered: every candidate story is asked for each of an article's
    /// marks, and the hashes are already well spread. Written as one string (see
    /// `marks_text`).
    #[serde(
        default,
        skip_serializing_if = "HashMap::is_empty",
        with = "marks_text"
    )]
    pub marks: StoryMarks,
    /// Countries the articles name anywhere, with article counts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub named: BTreeMap<String, u32>,
    /// Where the event happens: the place named most often.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// First and last event day covered (YYYY-MM-DD).
    pub first_day: Day,
    /// Last event day covered (YYYY-MM-DD).
    pub last_day: Day,
    /// First and last event day the articles' texts state (YYYY-MM-DD), when any does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stated_days: Option<(Day, Day)>,
    /// Publication time of the first article (RFC 3339, or the arrival time).
    pub first_seen: String,
    /// Publication time of the newest article.
    pub last_seen: String,
    /// Articles in the story.
    pub articles: u32,
    /// Languages with article counts.
    pub languages: BTreeMap<String, u32>,
    /// Outlets with article counts.
    pub sources: BTreeMap<String, u32>,
    /// The first headline seen in each language.
    pub headlines: BTreeMap<String, String>,
    /// What the story's articles are routed by: its opening article's
    /// [`partition_key`]. Its state goes where they go, so that the instance reading
    /// them rebuilds it. States written before it existed lack it and went by
    /// `primary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl Story {
    fn open(id: String, features: &Features, article: &Article) -> Story {
        let day = Day(features.day);
        let seen = features.seen.clone();
        let mut story = Story {
            id,
            primary: features.primary.clone(),
            types: BTreeMap::new(),
            actors: BTreeMap::new(),
            people: BTreeMap::new(),
            places: BTreeMap::new(),
            figures: BTreeMap::new(),
            marks: StoryMarks::default(),
            named: BTreeMap::new(),
            location: None,
            first_day: day,
            last_day: day,
            stated_days: None,
            first_seen: seen.clone(),
            last_seen: seen,
            articles: 0,
            languages: BTreeMap::new(),
            sources: BTreeMap::new(),
            headlines: BTreeMap::new(),
            key: Some(partition_key(article)),
        };
        story.add(features, article);
        story
    }

    fn add(&mut self, features: &Features, article: &Article) {
        self.articles += 1;
        let count = |map: &mut BTreeMap<String, u32>, keys: &[String]| {
            for key in keys {
                *map.entry(key.clone()).or_default() += 1;
            }
        };
        count(&mut self.types, &features.types);
        count(&mut self.actors, &features.countries);
        count(&mut self.people, &features.people);
        count(&mut self.places, &features.places);
        count(&mut self.named, &features.named);
        for figure in &features.figures {
            if self.figures.len() < MAX_STORY_FIGURES || self.figures.contains_key(figure) {
                *self.figures.entry(*figure).or_default() += 1;
            }
        }
        let hashes = features.marks.iter().flat_map(|m| {
            m.word
                .into_iter()
                .chain((m.word != Some(m.sound)).then_some(m.sound))
        });
        for hash in hashes {
            if let Some(n) = self.marks.get_mut(&hash) {
                *n += 1;
            } else if self.marks.len() < MAX_STORY_MARKS {
                self.marks.insert(hash, 1);
            }
        }
        self.location = self
            .places
            .iter()
            .max_by_key(|(_, n)| **n)
            .map(|(name, _)| name.clone());
        if features.stated {
            let day = Day(features.day);
            let (first, last) = self.stated_days.get_or_insert((day, day));
            if day < *first {
                *first = day;
            } else if day > *last {
                *last = day;
            }
            if day < self.first_day {
                self.first_day = day;
            } else if day > self.last_day {
                self.last_day = day;
            }
        }
        if features.seen > self.last_seen {
            self.last_seen = features.seen.clone();
        }
        let language = features.language.clone();
        *self.languages.entry(language.clone()).or_default() += 1;
        if let Some(source) = &article.source {
            *self.sources.entry(source.clone()).or_default() += 1;
        }
        if !article.title.is_empty() {
            self.headlines
                .entry(language)
                .or_insert_with(|| features::bounded(&article.title));
        }
    }

    fn days(&self) -> (i32, i32) {
        (self.first_day.0, self.last_day.0)
    }

    /// A name is the story's when enough of its reports carry it: a story that grows
    /// by articles each close to the last would otherwise collect every name any of
    /// them mentions, and match a new event through one of them.
    fn is_central(&self, map: &BTreeMap<String, u32>, key: &str) -> bool {
        map.get(key).is_some_and(|n| self.carried_by_enough(*n))
    }

    /// Enough of the story's reports carry a name or mark that `reports` carry.
    fn carried_by_enough(&self, reports: u32) -> bool {
        f64::from(reports) >= CENTRAL_SHARE * f64::from(self.articles)
    }

    /// The countries the article is about take part in the story, and the countries
    /// most of the story's reports are about take part in the article's events: a
    /// bystander both name (the United States, quoted on everything) does not make
    /// two events one.
    fn about_the_same_countries(&self, features: &Features) -> bool {
        let theirs = features.principal.is_empty()
            || features
                .principal
                .iter()
                .any(|c| self.is_central(&self.named, c));
        let mut core = self
            .actors
            .iter()
            .filter(|(_, n)| **n * 2 >= self.articles)
            .map(|(c, _)| c)
            .peekable();
        let ours = core.peek().is_none()
            || features.named.is_empty()
            || core.any(|c| features.named.contains(c));
        theirs && ours
    }

    /// How many of the article's marks (`sought`, see [`Features::seek_marks`]) the
    /// story carries centrally, as written or as they sound, each mark counted once.
    fn central_marks_shared(&self, sought: &[(MarkHash, u8)]) -> u32 {
        let shared = sought
            .iter()
            .filter(|(hash, _)| {
                self.marks
                    .get(hash)
                    .is_some_and(|n| self.carried_by_enough(*n))
            })
            .fold(0u64, |shared, (_, index)| shared | 1 << index);
        shared.count_ones()
    }

    /// How well an article fits this story, or `None` when it cannot belong to it.
    fn score(&self, features: &Features, config: &StoryConfig, common: &Commonness) -> Option<f64> {
        let (first, last) = self.days();
        // A weapons test is over in a day and reported within a day: two tests of one
        // country two days apart are two stories. A drill or a wave of protests goes
        // on for days, and is reported as it goes on, from its first day to its last.
        let both = |kind: &str| {
            features.primary.as_deref() == Some(kind) && self.primary.as_deref() == Some(kind)
        };
        let window = if both("weapons_test") {
            config.window_days.min(1) as i32
        } else if LASTING_KINDS.iter().any(|kind| both(kind)) {
            (config.window_days + LASTING_EXTRA_DAYS) as i32
        } else {
            config.window_days as i32
        };
        if features.day < first - window || features.day > last + window {
            return None;
        }
        // Two reports that both state the event's date, and state days apart, report
        // two occurrences (a summit and its follow-up meeting, two strikes), unless the
        // event is one that lasts.
        let lasting = features
            .primary
            .as_deref()
            .is_some_and(|kind| LASTING_KINDS.contains(&kind));
        if let (true, false, Some((stated_first, stated_last))) =
            (features.stated, lasting, self.stated_days)
        {
            if features.day < stated_first.0 - STATED_DAYS_APART
                || features.day > stated_last.0 + STATED_DAYS_APART
            {
                return None;
            }
        }
        let central = |map: &BTreeMap<String, u32>, key: &String| self.is_central(map, key);
        let shared = |keys: &[String], map: &BTreeMap<String, u32>, cap: usize| {
            keys.iter().filter(|k| central(map, k)).count().min(cap) as f64
        };
        // The evidence counts a name most of the news carries at half weight.
        let weighed = |keys: &[String], map: &BTreeMap<String, u32>, cap: f64| {
            keys.iter()
                .filter(|k| central(map, k))
                .map(|k| common.weight(k))
                .sum::<f64>()
                .min(cap)
        };
        let all_figures = || {
            features
                .figures
                .iter()
                .filter(|f| self.figures.contains_key(f))
                .count()
        };
        // Weighed last, once a candidate has passed the cheaper tests: most do not.
        let named = || {
            0.5 * weighed(&features.countries, &self.actors, 3.0)
                + 0.75 * weighed(&features.people, &self.people, 3.0)
                + 0.5 * weighed(&features.places, &self.places, 2.0)
        };
        match &features.primary {
            Some(primary) => {
                // How the lead types agree: the same lead, or each lead among the
                // other's types (a parade report that mentions the visit joins the
                // parade), full weight; the article's lead among the story's types, or
                // of the same family, half (a visit report that only mentions the
                // parade is not news of the parade); else the article joins only on
                // strong named evidence.
                let own = self.primary.as_deref();
                // A type one report in several mentions is not what the story is about.
                let holds = self
                    .types
                    .get(primary)
                    .is_some_and(|n| *n * 3 >= self.articles);
                let both_ways =
                    holds && own.is_none_or(|own| features.types.iter().any(|t| t == own));
                let kind = if both_ways {
                    1.0
                } else if holds || own.is_some_and(|own| family(own) == family(primary)) {
                    0.5
                } else {
                    0.0
                };
                if !self.about_the_same_countries(features) {
                    return None;
                }
                let people = shared(&features.people, &self.people, 3);
                let places = shared(&features.places, &self.places, 2);
                // A lead of another type (a visit beside a summit) is the story's only
                // with all of its countries there: a guest the summit's host receives
                // next day is another event.
                let all_named = features
                    .principal
                    .iter()
                    .all(|c| self.is_central(&self.named, c));
                // Unless the same people are at the same place on the same day: the
                // tag stage may have read the lead wrong (a strike report led by the
                // talks it interrupted).
                let same_day = features.day >= first && features.day <= last;
                let met = same_day && people >= 2.0 && places >= 1.0;
                if kind < 1.0 && !all_named && !met {
                    return None;
                }
                // A lead of another type with no person or place in common is
                // another event the same countries take part in.
                if kind < 1.0 && people + places == 0.0 {
                    return None;
                }
                // Another kind of event on the same day: the same people must be
                // there (a parade and the guest's visit to it), not just places.
                if kind == 0.0 && (people < 2.0 || !same_day) {
                    return None;
                }
                // Without a shared participant, only shared figures (a toll, a
                // count) tell this occurrence from another of its type.
                let figures = all_figures().min(3) as f64;
                let named = named();
                if named == 0.0 && figures < 2.0 {
                    return None;
                }
                Some(kind + named + 0.5 * figures)
            }
            None => {
                // Without an event, only a close match on named participants within a
                // day counts: same people and places, not just the same countries, or
                // as many names written alike as no two happenings of one day share.
                if features.day > last + 1 || features.day < first - 1 {
                    return None;
                }
                let people = shared(&features.people, &self.people, 3);
                let places = shared(&features.places, &self.places, 2);
                // Marks and figures meet only stories of the article's own key: as a
                // service, the article reaches no other instance's stories.
                let same_key = self.key.as_deref() == Some(features.key.as_str());
                if people + places < 2.0 && !same_key {
                    return None;
                }
                let all_figures = all_figures();
                // Only the story's central marks count, like its names: a story that
                // grew by reports each sharing four marks with the last would chain
                // unrelated ones, and which it chains would depend on arrival order.
                let marks = self.central_marks_shared(&features.sought).min(6) as f64;
                let close = people + places >= 2.0
                    || marks >= MIN_SHARED_MARKS
                    || all_figures >= MIN_SHARED_FIGURES;
                if !close {
                    return None;
                }
                let figures = all_figures.min(3) as f64;
                Some(named() + 0.5 * figures + 0.5 * marks)
            }
        }
    }
}

/// Articles seen before a name's share of them is trusted.
const COMMON_MIN_ARTICLES: u32 = 50;
/// Share of recent articles above which a mark is common.
const COMMON_MARK_SHARE: f64 = 0.05;
/// Share of recent articles above which a name is common.
const COMMON_SHARE: f64 = 0.1;
/// Articles after which the counts halve, so that they follow the recent news and
/// stay bounded.
const COMMON_HALVE_AT: u32 = 20_000;

/// How many recent articles name each country, person and place. A name that a
/// tenth of the news carries (the United States, its president, Washington) says
/// little about which event an article reports: two strikes a continent apart both
/// quote the White House.
#[derive(Default)]
struct Commonness {
    articles: u32,
    names: FastMap<String, u32>,
    /// Marks as written (hashes) per language, and articles per language (of those
    /// with marks), counted the same way: German capitalises every noun, and its
    /// common ones are common only among German articles.
    marks: FastMap<String, MarkCounts>,
}

/// Halves every count, dropping those that reach zero: counts follow the recent news
/// and stay bounded.
fn halve<K>(counts: &mut FastMap<K, u32>) {
    counts.retain(|_, n| {
        *n /= 2;
        *n > 0
    });
}

/// How many recent articles of one language carry marks, and each mark.
#[derive(Default)]
struct MarkCounts {
    articles: u32,
    marks: FastMap<MarkHash, u32>,
}

impl Commonness {
    fn count(&mut self, features: &Features) {
        let names = features
            .named
            .iter()
            .chain(&features.people)
            .chain(&features.places);
        for name in names {
            match self.names.get_mut(name.as_str()) {
                Some(n) => *n += 1,
                None => {
                    self.names.insert(name.clone(), 1);
                }
            }
        }
        if !features.marks.is_empty() {
            let counts = match self.marks.get_mut(features.language.as_str()) {
                Some(counts) => counts,
                None => self.marks.entry(features.language.clone()).or_default(),
            };
            for mark in &features.marks {
                *counts.marks.entry(mark.counted()).or_default() += 1;
            }
            counts.articles += 1;
        }
        self.articles += 1;
        if self.articles >= COMMON_HALVE_AT {
            self.articles /= 2;
            halve(&mut self.names);
            for counts in self.marks.values_mut() {
                counts.articles /= 2;
                halve(&mut counts.marks);
            }
        }
    }

    /// A mark a share of the recent news carries (a weekday, `The` capitalised
    /// mid-sentence, the president everyone quotes) tells no happening from another.
    fn is_common_mark(&self, mark: &Mark, language: &str) -> bool {
        let Some(counts) = self.marks.get(language) else {
            return false;
        };
        let n = counts.marks.get(&mark.counted()).copied().unwrap_or(0);
        counts.articles >= COMMON_MIN_ARTICLES
            && f64::from(n) > COMMON_MARK_SHARE * f64::from(counts.articles)
    }

    fn weight(&self, name: &str) -> f64 {
        let n = self.names.get(name).copied().unwrap_or(0);
        if self.articles >= COMMON_MIN_ARTICLES
            && f64::from(n) > COMMON_SHARE * f64::from(self.articles)
        {
            0.5
        } else {
            1.0
        }
    }
}

/// The open stories and their lookup keys.
pub struct Storyteller {
    config: StoryConfig,
    stories: FastMap<u64, Story>,
    /// Story sequence numbers in opening order, for closing the oldest first.
    order: VecDeque<u64>,
    /// What stories are found by (see [`Key`]) to story sequence numbers, oldest first.
    postings: FastMap<Key, VecDeque<u64>>,
    by_id: FastMap<String, u64>,
    /// Recent article ids with their story id, so that an update (dedup's `updates`)
    /// joins the story of the article it updates; bounded like the stories.
    articles: HashMap<String, String>,
    article_order: VecDeque<String>,
    next_seq: u64,
    newest_day: i32,
    common: Commonness,
    /// Articles assigned so far, and the arrival at which each open story last
    /// grew or was restored: see [`RECENT_ARRIVALS`].
    arrivals: u64,
    touched: FastMap<u64, u64>,
}

/// Stories that grew within this many arrivals stay open however far their days lie
/// behind the newest: input out of time order (a backfill, an archive file read
/// language by language, a producer that lags) would otherwise close each story
/// before its other reports arrive. In time order at news volume, this many
/// articles arrive within hours, and the days decide; `max_stories` still bounds
/// the state.
const RECENT_ARRIVALS: u64 = 10_000;

impl Storyteller {
    /// An empty set of stories.
    pub fn new(config: StoryConfig) -> Self {
        Storyteller {
            config,
            stories: HashMap::default(),
            order: VecDeque::new(),
            postings: HashMap::default(),
            by_id: FastMap::default(),
            articles: HashMap::new(),
            article_order: VecDeque::new(),
            next_seq: 0,
            newest_day: i32::MIN,
            common: Commonness::default(),
            arrivals: 0,
            touched: HashMap::default(),
        }
    }

    /// Open stories.
    pub fn len(&self) -> usize {
        self.stories.len()
    }

    /// No story is open.
    pub fn is_empty(&self) -> bool {
        self.stories.is_empty()
    }

    /// The open stories, in no particular order (for metrics).
    pub fn iter(&self) -> impl Iterator<Item = &Story> {
        self.stories.values()
    }

    /// Places an article in the story it reports, or opens a new one, and returns the
    /// assignment with the story's state after the article joined. `now_unix` dates an
    /// article that carries no date of its own.
    pub fn assign(&mut self, article: &Article, now_unix: i64) -> (StoryAssignment, &Story) {
        let mut features = Features::of(article, now_unix);
        // Once per article, not per candidate story.
        for mark in &mut features.marks {
            mark.common = self.common.is_common_mark(mark, &features.language);
        }
        features.seek_marks();
        self.newest_day = self.newest_day.max(features.day);
        let updates = article
            .dedup
            .as_ref()
            .and_then(|d| d.updates.clone())
            .filter(|earlier| self.articles.contains_key(earlier));
        let updated_story = updates
            .as_ref()
            .and_then(|earlier| self.by_id.get(&self.articles[earlier]).copied());
        let best = updated_story.or_else(|| self.best_match(&features));
        let (seq, opened) = match best {
            Some(seq) => {
                let story = self
                    .stories
                    .get_mut(&seq)
                    .expect("candidate stories are open");
                story.add(&features, article);
                (seq, false)
            }
            None => {
                let id = story_id(&article.id);
                let story = Story::open(id, &features, article);
                (self.insert(story), true)
            }
        };
        self.index(seq, &features);
        self.common.count(&features);
        self.arrivals += 1;
        self.touched.insert(seq, self.arrivals);
        self.close_old(seq);
        let story_id = self.stories[&seq].id.clone();
        self.remember(&article.id, story_id);
        let story = &self.stories[&seq];
        let assignment = StoryAssignment {
            id: story.id.clone(),
            opened,
            size: story.articles,
            updates: updated_story.and(updates),
        };
        (assignment, story)
    }

    /// Puts back a story read from the stories topic (the newest state of each id
    /// wins), so that a restarted stage continues the stories it had.
    pub fn restore(&mut self, story: Story) {
        if let Some(seq) = self.by_id.get(&story.id).copied() {
            self.stories.insert(seq, story);
            return;
        }
        let features = Features::of_story(&story);
        self.newest_day = self.newest_day.max(features.day);
        let seq = self.insert(story);
        self.index(seq, &features);
        self.touched.insert(seq, self.arrivals);
        self.close_old(seq);
    }

    fn remember(&mut self, article: &str, story: String) {
        if self.articles.insert(article.to_string(), story).is_none() {
            self.article_order.push_back(article.to_string());
        }
        while self.article_order.len() > self.config.max_stories.max(1) * 4 {
            if let Some(oldest) = self.article_order.pop_front() {
                self.articles.remove(&oldest);
            }
        }
    }

    fn insert(&mut self, story: Story) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.by_id.insert(story.id.clone(), seq);
        self.stories.insert(seq, story);
        self.order.push_back(seq);
        seq
    }

    fn best_match(&self, features: &Features) -> Option<u64> {
        let mut seen: HashSet<u64, foldhash::fast::FixedState> = HashSet::default();
        let mut best: Option<(f64, u64)> = None;
        for key in features.lookup_keys() {
            let Some(posting) = self.postings.get(&key) else {
                continue;
            };
            // A name written alike is weaker evidence than a typed one, and text is
            // full of them: only the newest few stories of each are looked at.
            let depth = if matches!(key, Key::Mark(_)) {
                (self.config.candidates_per_key / 4).max(1)
            } else {
                self.config.candidates_per_key
            };
            for &seq in posting.iter().rev().take(depth) {
                if !seen.insert(seq) {
                    continue;
                }
                let Some(story) = self.stories.get(&seq) else {
                    continue;
                };
                let Some(score) = story.score(features, &self.config, &self.common) else {
                    continue;
                };
                // Ties go to the newer story: the event being reported now.
                if score >= self.config.min_score && best.is_none_or(|(b, s)| (score, seq) > (b, s))
                {
                    best = Some((score, seq));
                }
            }
        }
        best.map(|(_, seq)| seq)
    }

    fn index(&mut self, seq: u64, features: &Features) {
        let cap = self.config.candidates_per_key.max(1) * 2;
        for key in features.index_keys() {
            let posting = self.postings.entry(key).or_default();
            if posting.back() != Some(&seq) {
                posting.retain(|s| *s != seq);
                posting.push_back(seq);
            }
            // Postings beyond what a lookup scans are never read again.
            while posting.len() > cap {
                posting.pop_front();
            }
        }
    }

    /// Closes the oldest stories beyond `max_stories` and those quiet for
    /// `retention_days`, never the one just touched.
    fn close_old(&mut self, keep: u64) {
        let retention = self.config.retention_days as i32;
        while let Some(&oldest) = self.order.front() {
            let Some(story) = self.stories.get(&oldest) else {
                self.order.pop_front();
                continue;
            };
            let touched = self.touched.get(&oldest).copied().unwrap_or(0);
            let quiet = story.days().1 < self.newest_day - retention
                && self.arrivals - touched > RECENT_ARRIVALS;
            if oldest == keep || !(self.stories.len() > self.config.max_stories || quiet) {
                break;
            }
            self.order.pop_front();
            self.touched.remove(&oldest);
            if let Some(story) = self.stories.remove(&oldest) {
                self.by_id.remove(&story.id);
            }
        }
        if self.postings.len() > 4 * self.config.max_stories.max(1024) {
            let stories = &self.stories;
            self.postings.retain(|_, posting| {
                posting.retain(|seq| stories.contains_key(seq));
                !posting.is_empty()
            });
        }
    }
}

/// The key of every article without a main event: see [`partition_key`].
pub const QUIET_KEY: &str = "quiet";

/// What the articles of one story are routed by, so that they meet at one instance
/// whatever their language:
/// - **The type of the lead event** (the one the headline reports, else the first
///   main event). An article joins only stories whose types hold its lead type, so
///   this is the coarsest key that keeps a story's articles together in the common
///   case; its cost is that one event type is one partition, so a dominant event type
///   (an election week) loads one instance.
/// - **Without an event, [`QUIET_KEY`]**: such an article joins a story on names
///   written alike and figures, which no name it carries can route: a Russian report
///   of a tennis final leads with its place, the Italian one with the president who
///   congratulated the winner. Keyed by their first person or place, half of the
///   reports of one sports or business happening met none of the others. Its cost is
///   that most of the news goes to one instance: at the service's cost per record
///   through the broker (about 150 µs of CPU), one instance keeps up with several
///   thousand articles a second, far above any news feed; replicas then serve the
///   event types.
pub fn partition_key(article: &Article) -> String {
    let mut main = article
        .events
        .iter()
        .flatten()
        .filter(|e| e.salience == newsflow_record::Salience::Main);
    let first = main.clone().next();
    if let Some(lead) = main.find(|e| e.evidence.field == "title").or(first) {
        return lead.kind.clone();
    }
    QUIET_KEY.to_string()
}

/// The id of a story opened by the article with id `article_id`.
pub fn story_id(article_id: &str) -> String {
    format!(
        "st-{:016x}",
        xxhash_rust::xxh3::xxh3_64(article_id.as_bytes())
    )
}

#[cfg(test)]
mod tests;
