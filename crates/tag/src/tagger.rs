//! The tagger: finds events, their actors, status, place and date, and the entities
//! of an article, using the compiled model of the article's language only.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use newsflow_data::DataDir;
use newsflow_record::{
    Actor, Article, Country, Entities, Event, EventRules, EventStatus, Evidence, Person, Place,
    Salience,
};

use crate::config::{LoadError, TagConfig};
use crate::dates;
use crate::gazetteer::{EntityKind, Gazetteer};
use crate::model::{Hit, LangModel, RoleId, What};
use crate::rules::{Catalogue, RuleFile, Side};
use crate::text::{lower_aligned, lower_aligned_into, sentence_at, Span};
use newsflow_text::words::{ends_word, starts_word};

mod events;
mod occasions;
mod occurrences;
mod parties;
mod salience;
mod sighting;
mod status;

use occurrences::*;
use parties::*;
use salience::*;
use sighting::*;
use status::*;

/// Most entries of each entity list and actors of an event: output stays bounded
/// by a constant however many names a record holds.
const MAX_LISTED: usize = 50;
const MAX_ACTORS: usize = 24;
/// Most characters between a role cue and the actor it names: the words of a name's
/// phrase ("visit to the People's Republic of China"), not another clause.
const CUE_REACH: usize = 32;
/// Most bytes a verb-final clause reaches back from its verb.
const CLAUSE_REACH: usize = 400;
/// The lead: the body's first paragraph, at most this many bytes.
const LEAD_BYTES: usize = 1200;

/// What the tag stage found in one article.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagging {
    /// Events found, one per type, in order of first appearance.
    pub events: Vec<Event>,
    /// Entities named.
    pub entities: Entities,
    /// Whether rules exist for the article's language.
    pub event_rules: EventRules,
}

/// Why an article got, or did not get, each event: `newsflow explain` prints it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Explanation {
    /// One line per decision, in the order they were taken.
    pub lines: Vec<String>,
    /// Units of work the event search did: bytes of the sentences read plus the
    /// phrase pairs compared in them. Bounded per sentence, so linear in the input.
    pub work: u64,
}

/// The tag stage with its rules loaded.
#[derive(Debug)]
pub struct Tagger {
    gazetteer: Gazetteer,
    /// Published salience levels: `[main, background]`.
    publish: [bool; 2],
    models: HashMap<String, LangModel>,
    /// English names only, for languages without a rule file.
    fallback: LangModel,
}

/// An entity mention in one field.
#[derive(Debug, Clone, Copy)]
struct Mention {
    start: usize,
    end: usize,
    entity: u32,
    /// Named by a demonym ("Israeli"), not the country's name.
    demonym: bool,
}

/// An actor of a sighting, borrowed from the gazetteer: the owned [`Actor`] is made
/// only for the events an article reports, not for every sighting along the way.
#[derive(Clone, Copy)]
struct Cast<'g> {
    name: &'g str,
    person: bool,
    country: &'g str,
    role: Option<RoleId>,
    /// The role came from more than the side of the trigger the name stands on: a
    /// cue, the location, or a trigger's own orientation ("welcomed").
    cued: bool,
}

/// The best sighting so far of one event type in an article.
struct Found<'g> {
    event: u16,
    confidence: f64,
    status: EventStatus,
    evidence: Evidence,
    actors: Vec<Cast<'g>>,
    /// Entity of the location.
    location: Option<u32>,
    /// The location is a city, not just a country.
    city: bool,
    date: Option<String>,
    order: usize,
    /// The status came from a cue (or a question mark, or a future date), not
    /// from the default.
    cued: bool,
    /// Found in the title only so far: headlines drop tense ("Modi visits
    /// Japan" for a planned trip), so an uncued title status yields to the body.
    title_only: bool,
    /// Rule id of the leading sighting's trigger.
    rule: u16,
    /// The date was written out (a day and month), not a weekday.
    written_date: bool,
    /// A sighting in the title or lead with no background cue.
    in_lead: Option<&'static str>,
    /// Sightings in the body after the lead with no background cue and not told
    /// as speculation.
    developed: u16,
    /// The first background cue of a sighting ("days after", a past year).
    background_cue: Option<String>,
    /// A body sighting after the lead, with no background cue, reported as having
    /// happened: sightings that are all plans or denials ("will visit China in
    /// April") place the story among later events, they do not develop it.
    developed_occurred: bool,
    /// A body sighting told as having happened after a cue that ties its sentence to
    /// the article's meeting ("after the talks"), with no background cue.
    after_occasion: bool,
    /// Every sighting came from a `part` trigger ("attended").
    part_only: bool,
    /// A sighting of the title or lead told the trip as one for a summit of many
    /// (`gatherings`: "lands in Rio for a Brics summit").
    gathering: bool,
    /// A sighting told a visit of its own: a standalone trigger ("state visit") or the
    /// host receiving the visitor ("received", "was welcomed by").
    bilateral: bool,
    /// A sighting named the visit itself with a standalone trigger ("state visit",
    /// "visita oficial", "国事访问"), not only an arrival or a welcome.
    own_visit: bool,
    /// `in_lead`, `developed` and `developed_occurred` of the sightings from `part`
    /// triggers: they count only when the article reports no event they are part of.
    part_salience: (Option<&'static str>, u16, bool),
    /// The type's first occurrence in the article, which carries its salience.
    primary: bool,
    /// Body paragraphs (byte ranges) of its sightings, for types with a `lead_role`.
    paragraphs: [(u32, u32); MAX_PARAGRAPHS],
    paragraph_count: u8,
    /// Start and end (bytes in its field) of the trigger of the sighting.
    trigger_start: usize,
    trigger_end: usize,
    /// A sighting's trigger tells a fight both sides wage ("clashes"): every party
    /// is attacker and target.
    mutual: bool,
}

impl Found<'_> {
    /// Adds what `other` tells of the event's salience: its lead place, body
    /// sightings, `part` sightings and first background cue.
    fn add_salience_of(&mut self, other: &Found<'_>) {
        // A sighting of this occurrence told with no background cue keeps it in the
        // story's time: another occurrence's cue ("last month, when Albanese visited
        // Port Moresby") displaces that occurrence, not this one ("Marape arrived in
        // Canberra on Saturday").
        let told = self.in_lead.is_some() || self.developed > 0;
        self.in_lead = self.in_lead.or(other.in_lead);
        self.developed = self.developed.saturating_add(other.developed);
        self.developed_occurred |= other.developed_occurred;
        self.after_occasion |= other.after_occasion;
        let (lead, developed, occurred) = other.part_salience;
        self.part_salience.0 = self.part_salience.0.or(lead);
        self.part_salience.1 = self.part_salience.1.saturating_add(developed);
        self.part_salience.2 |= occurred;
        if self.background_cue.is_none() && !told {
            self.background_cue.clone_from(&other.background_cue);
        }
    }
}

/// Most mentions looked back through for the person a subject such as "he" stands
/// for: the search stays bounded per sentence.
const MAX_ANTECEDENT_LOOKBACK: usize = 24;

/// Most paragraphs read for the parties of one occurrence.
const MAX_PARAGRAPHS: usize = 4;

/// End of the lead in `body`, in bytes: a paragraph break, else the byte limit.
fn lead_end(body: &str) -> usize {
    let body = body.as_bytes();
    let limit = LEAD_BYTES.min(body.len());
    body[..limit]
        .windows(2)
        .position(|pair| pair == b"\n\n")
        .unwrap_or(limit)
}

/// The paragraph around `span`: between blank lines.
fn paragraph(text: &str, span: &Span) -> (u32, u32) {
    let start = text[..span.start].rfind("\n\n").map_or(0, |i| i + 2);
    let end = text[span.end..]
        .find("\n\n")
        .map_or(text.len(), |i| span.end + i);
    (start as u32, end as u32)
}

/// What the whole article says before any sentence is read for events.
struct ArticleView<'a> {
    /// Sense domain of the URL's section, if one is.
    url_domain: Option<u8>,
    /// Sense domain the title and lead lean to (two distinct cues or more).
    lead_domain: Option<u8>,
    /// Party mentions of the title and lead: (country, kind).
    lead_parties: Vec<(&'a str, EntityKind)>,
    /// End of the lead in the body, in bytes.
    lead_end: usize,
    /// The first person the title names, else the lead: who the article is about.
    lead_person: Option<u32>,
    /// Entity kinds the title names (bits of [`EntityKind::bit`]).
    title_kinds: u8,
}

/// One field (title or body) prepared for matching.
#[derive(Clone, Copy)]
struct Field<'a> {
    name: &'static str,
    text: &'a str,
    lowered: &'a str,
    hits: &'a [Hit],
    mentions: &'a [Mention],
}

impl<'a> Field<'a> {
    /// The field with only the hits and mentions of the paragraphs from the first to
    /// the last of `paragraphs`; positions stay the field's.
    fn within(&self, paragraphs: &[(u32, u32)]) -> Field<'a> {
        let start = paragraphs.iter().map(|p| p.0).min().unwrap_or(0) as usize;
        let end = paragraphs.iter().map(|p| p.1).max().unwrap_or(0) as usize;
        Field {
            hits: slice(self.hits, start, end),
            mentions: slice_mentions(self.mentions, start, end),
            ..*self
        }
    }
}

/// The working memory of one field, kept per thread between articles so tagging
/// allocates only for what it returns.
#[derive(Default)]
struct Buffers {
    lowered: String,
    hits: Vec<Hit>,
    mentions: Vec<Mention>,
}

impl Buffers {
    /// A buffer grown by one huge article is not kept for the thread's lifetime.
    fn trim(&mut self) {
        const KEEP: usize = 1 << 20;
        if self.lowered.capacity() > KEEP {
            self.lowered = String::new();
        }
        if self.hits.capacity() > KEEP / std::mem::size_of::<Hit>() {
            self.hits = Vec::new();
        }
        if self.mentions.capacity() > KEEP / std::mem::size_of::<Mention>() {
            self.mentions = Vec::new();
        }
    }
}

thread_local! {
    /// Title and body buffers. A thread-local rather than a field of the Tagger, which
    /// is shared by every worker thread.
    static SCRATCH: RefCell<[Buffers; 2]> = RefCell::default();
}

impl Tagger {
    /// Loads the gazetteer and every `<lang>.toml` rule file of the events directory.
    pub fn load(config: &TagConfig, data_dir: &Path) -> Result<Self, LoadError> {
        Tagger::load_from(config, &DataDir::Disk(data_dir.to_path_buf()))
    }

    /// Like [`Tagger::load`], from `data` (built into the binary or on disk).
    pub fn load_from(config: &TagConfig, data: &DataDir) -> Result<Self, LoadError> {
        let gazetteer = Gazetteer::load_from(data, &config.gazetteer_dir)?;
        let gazetteer_dir = data.describe(&config.gazetteer_dir);
        let events_dir = data.describe(&config.events_dir);
        let catalogue_relative = config.events_dir.join(CATALOGUE);
        let catalogue_path = data.describe(&catalogue_relative);
        let text = data
            .read_to_string(&catalogue_relative)
            .map_err(|e| LoadError::new(&catalogue_path, e))?;
        let catalogue: Catalogue =
            toml::from_str(&text).map_err(|e| LoadError::new(&catalogue_path, e))?;
        check_catalogue(&catalogue).map_err(|m| LoadError::msg(&catalogue_path, m))?;
        let entries = data
            .files(&config.events_dir)
            .map_err(|e| LoadError::new(&events_dir, e))?;
        let mut models = HashMap::new();
        for relative in entries {
            let path = data.describe(&relative);
            if path.extension().and_then(|e| e.to_str()) != Some("toml")
                || path.file_name().and_then(|n| n.to_str()) == Some(CATALOGUE)
            {
                continue;
            }
            let text = data
                .read_to_string(&relative)
                .map_err(|e| LoadError::new(&path, e))?;
            let rules: RuleFile = toml::from_str(&text).map_err(|e| LoadError::new(&path, e))?;
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            if stem != rules.language {
                return Err(LoadError::msg(
                    &path,
                    format!("file declares language `{}`", rules.language),
                ));
            }
            let model = LangModel::compile(&rules, &catalogue, &gazetteer, &path)?;
            models.insert(rules.language.clone(), model);
        }
        let fallback = LangModel::entities_only(&gazetteer, &gazetteer_dir)?;
        crate::text::warm_up();
        let publish = [Salience::Main, Salience::Background]
            .map(|level| config.publish_salience.contains(&level));
        Ok(Tagger {
            gazetteer,
            publish,
            models,
            fallback,
        })
    }

    /// Languages that have a rule file.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.models.keys().map(String::as_str)
    }

    /// Tags one article (language already detected).
    pub fn tag(&self, article: &Article) -> Tagging {
        self.tag_traced(article, None)
    }

    /// Tags one article and says why: the candidate triggers, the arguments found,
    /// the sense and salience decisions and the rule ids.
    pub fn explain(&self, article: &Article) -> (Tagging, Explanation) {
        let mut explanation = Explanation::default();
        let tagging = self.tag_traced(article, Some(&mut explanation));
        (tagging, explanation)
    }

    fn tag_traced(&self, article: &Article, trace: Option<&mut Explanation>) -> Tagging {
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut buffers) => {
                let tagging = self.tag_with(article, &mut buffers, trace);
                buffers.iter_mut().for_each(Buffers::trim);
                tagging
            }
            // Only reachable if tagging ever re-entered itself on this thread.
            Err(_) => self.tag_with(article, &mut Default::default(), trace),
        })
    }

    fn tag_with(
        &self,
        article: &Article,
        buffers: &mut [Buffers; 2],
        mut trace: Option<&mut Explanation>,
    ) -> Tagging {
        let code = article.language.as_ref().map(|l| l.code.as_str());
        let (model, event_rules) = match code.and_then(|c| self.models.get(c)) {
            Some(model) => (model, EventRules::Available),
            None => (&self.fallback, EventRules::Missing),
        };
        let [title, body] = buffers;
        let fields = [
            self.prepare(model, "title", &article.title, title),
            self.prepare(model, "body", &article.body, body),
        ];
        let entities = self.entities(&fields);
        let mut events = if event_rules == EventRules::Available {
            let published = dates::published_date(article.published_at.as_deref());
            self.events(
                model,
                &fields,
                article.url.as_deref(),
                published,
                &mut trace,
            )
        } else {
            Vec::new()
        };
        events.retain(|e| self.publish[e.salience as usize]);
        Tagging {
            events,
            entities,
            event_rules,
        }
    }

    fn prepare<'a>(
        &self,
        model: &LangModel,
        name: &'static str,
        text: &'a str,
        buffers: &'a mut Buffers,
    ) -> Field<'a> {
        let Buffers {
            lowered,
            hits,
            mentions,
        } = buffers;
        lower_aligned_into(text, lowered);
        let lowered = lowered.as_str();
        model.scan(text, lowered, hits);
        // Entity mentions: the longest wins ("North Korea" over a shorter name inside it).
        mentions.clear();
        for hit in hits.iter() {
            let (entity, demonym) = match hit.what {
                What::Entity(entity) => (entity, false),
                What::Demonym(entity) => (entity, true),
                What::Abbrev(entity) if in_compound(model, lowered, hits, hit) => (entity, false),
                _ => continue,
            };
            if mentions.last().is_some_and(|m| hit.start < m.end) {
                continue;
            }
            if self.gazetteer.entities[entity as usize].generic
                && mentions
                    .last()
                    .is_some_and(|m| attached(&lowered[m.end..hit.start]))
            {
                // "李強首相", "韓国の首相": the title belongs to the name before it.
                continue;
            }
            mentions.push(Mention {
                start: hit.start,
                end: hit.end,
                entity,
                demonym,
            });
        }
        Field {
            name,
            text,
            lowered,
            hits,
            mentions,
        }
    }

    fn entities(&self, fields: &[Field<'_>]) -> Entities {
        let mut out = Entities::default();
        for mention in fields.iter().flat_map(|f| f.mentions) {
            let entity = &self.gazetteer.entities[mention.entity as usize];
            if !entity.kind.stands_for_country() {
                continue;
            }
            match entity.kind {
                EntityKind::Person if out.people.len() >= MAX_LISTED => {}
                EntityKind::Place if out.places.len() >= MAX_LISTED => {}
                EntityKind::Person if !out.people.iter().any(|p| p.name == entity.name) => {
                    out.people.push(Person {
                        name: entity.name.clone(),
                        country: Some(entity.country.clone()),
                    });
                }
                EntityKind::Place if !out.places.iter().any(|p| p.name == entity.name) => {
                    out.places.push(self.place(mention.entity));
                }
                _ => {}
            }
            if out.countries.len() < MAX_LISTED
                && !out.countries.iter().any(|c| c.code == entity.country)
            {
                out.countries.push(Country {
                    code: entity.country.clone(),
                    name: self.country_name(&entity.country),
                });
            }
        }
        out
    }

    fn country_name(&self, code: &str) -> String {
        self.gazetteer
            .country_names
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    /// The countries of the entities of `kinds` (bits) that `mentions` name, each once.
    fn countries_named(&self, mentions: &[Mention], kinds: u8) -> Vec<&str> {
        let mut named: Vec<&str> = Vec::new();
        for mention in mentions {
            let entity = &self.gazetteer.entities[mention.entity as usize];
            if kinds & entity.kind.bit() != 0 && !named.contains(&entity.country.as_str()) {
                named.push(entity.country.as_str());
            }
        }
        named
    }

    /// A country, by its code, in `role`.
    fn country_in_role(&self, code: &str, role: &str) -> Actor {
        Actor {
            name: self.country_name(code),
            kind: "country".into(),
            country: Some(code.to_string()),
            role: Some(role.to_string()),
        }
    }

    fn place(&self, entity: u32) -> Place {
        let entity = &self.gazetteer.entities[entity as usize];
        let name = match entity.kind {
            EntityKind::Country | EntityKind::Body => self.country_name(&entity.country),
            _ => entity.name.clone(),
        };
        Place {
            name,
            country: Some(entity.country.clone()),
        }
    }

    /// What the title, the lead and the URL say, read once per article from the
    /// hits the scan already made.
    fn view<'g>(
        &'g self,
        model: &LangModel,
        fields: &[Field<'_>; 2],
        url: Option<&str>,
    ) -> ArticleView<'g> {
        let lead_end = lead_end(fields[1].text);
        let url_domain = url.and_then(|url| {
            // The path after the host: "https://x.com/sport/football/..." -> sport.
            let path = url.split("://").nth(1).unwrap_or(url);
            let path = path.split(['?', '#']).next().unwrap_or(path);
            path.split('/').skip(1).find_map(|segment| {
                let segment = segment.to_lowercase();
                model
                    .url_sections
                    .iter()
                    .position(|sections| sections.contains(&segment))
                    .map(|d| d as u8)
            })
        });
        let mut lead_parties = Vec::new();
        let mut lead_person = None;
        let mut title_kinds = 0u8;
        let mut votes = [0u8; 8];
        // Distinct sense words of the title and lead together, per domain.
        let mut seen: Vec<(u8, &str)> = Vec::new();
        for (f, field) in fields.iter().enumerate() {
            let end = if f == 0 { field.text.len() } else { lead_end };
            for hit in field.hits.iter().take_while(|h| h.start < end) {
                if let What::Sense(domain) = hit.what {
                    let word = &field.lowered[hit.start..hit.end];
                    if seen.len() < 32 && !seen.contains(&(domain, word)) {
                        seen.push((domain, word));
                        votes[domain as usize] += 1;
                    }
                }
            }
            for mention in field.mentions.iter().take_while(|m| m.start < end) {
                let entity = &self.gazetteer.entities[mention.entity as usize];
                if f == 0 {
                    title_kinds |= entity.kind.bit();
                }
                if lead_person.is_none() && entity.kind == EntityKind::Person {
                    lead_person = Some(mention.entity);
                }
                if lead_parties.len() < 32
                    && !lead_parties
                        .iter()
                        .any(|(c, k)| *c == entity.country.as_str() && *k == entity.kind)
                {
                    lead_parties.push((entity.country.as_str(), entity.kind));
                }
            }
        }
        let lead_domain = (0..votes.len())
            .filter(|&d| votes[d] >= 2)
            .max_by_key(|&d| votes[d])
            .map(|d| d as u8);
        ArticleView {
            url_domain,
            lead_domain,
            lead_parties,
            lead_end,
            lead_person,
            title_kinds,
        }
    }
}

/// The largest char boundary of `text` at or before `at` (explain lines cut long
/// sentences, which in Arabic or Chinese may end inside a character).
fn floor_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Hits inside `[start, end)`; `hits` is sorted by start.
fn slice(hits: &[Hit], start: usize, end: usize) -> &[Hit] {
    let from = hits.partition_point(|h| h.start < start);
    let to = hits.partition_point(|h| h.start < end);
    &hits[from..to]
}

fn slice_mentions(mentions: &[Mention], start: usize, end: usize) -> &[Mention] {
    let from = mentions.partition_point(|m| m.start < start);
    let to = mentions.partition_point(|m| m.start < end);
    &mentions[from..to]
}

/// The rule file of the event type catalogue, beside the language files.
const CATALOGUE: &str = "catalogue.toml";

/// Checks the catalogue on its own: unique type codes, known roles, sense domains
/// and entity kinds. (Language files are checked against it when compiled.)
fn check_catalogue(catalogue: &Catalogue) -> Result<(), String> {
    for (i, entry) in catalogue.types.iter().enumerate() {
        if catalogue.types[..i].iter().any(|t| t.code == entry.code) {
            return Err(format!("type {} is listed twice", entry.code));
        }
        if entry.roles.is_empty() && entry.min_parties > 0 {
            return Err(format!(
                "{}: needs parties but declares no roles",
                entry.code
            ));
        }
        for kind in entry.party_kinds.iter().chain(&entry.other_sense_kinds) {
            if EntityKind::parse(kind).is_none() {
                return Err(format!("{}: unknown entity kind {kind}", entry.code));
            }
        }
        for name in &entry.other_senses {
            if !catalogue.senses.iter().any(|s| &s.name == name) {
                return Err(format!("{}: unknown sense domain {name}", entry.code));
            }
        }
        for name in &entry.lead_senses {
            if !entry.other_senses.contains(name) {
                return Err(format!(
                    "{}: lead sense {name} is not one of its other senses",
                    entry.code
                ));
            }
        }
        for (setting, role) in [
            ("lead_role", &entry.lead_role),
            ("home_role", &entry.home_role),
        ] {
            if let Some(role) = role.as_ref().filter(|r| !entry.roles.contains(r)) {
                return Err(format!(
                    "{}: {setting} {role} is not one of its roles",
                    entry.code
                ));
            }
        }
        for kind in entry
            .aspect_of
            .iter()
            .chain(&entry.part_of)
            .chain(&entry.occasions)
            .chain(&entry.unnamed_occasions)
            .chain(&entry.held_during)
            .chain(&entry.framed_by)
        {
            if !catalogue.types.iter().any(|t| &t.code == kind) {
                return Err(format!(
                    "{}: aspect_of, part_of, occasions, held_during or framed_by names unknown \
                     type {kind}",
                    entry.code
                ));
            }
        }
    }
    Ok(())
}
