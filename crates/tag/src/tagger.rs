//! The tagger: finds events, their actors, status, place and date, and the entities
//! of an article, using the compiled model of the article's language only.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use newsflow_data::DataDir;
use newsflow_record::{
    Actor, Article, Country, Entities, Event, EventRules, EventStatus, Evidence, Person, Place,
};

use crate::config::{LoadError, TagConfig};
use crate::dates;
use crate::gazetteer::{EntityKind, Gazetteer};
use crate::model::{Hit, LangModel, RoleId, What};
use crate::rules::{RuleFile, Side};
use crate::text::{lower_aligned_into, sentence_at, Span};

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

/// The tag stage with its rules loaded.
#[derive(Debug)]
pub struct Tagger {
    gazetteer: Gazetteer,
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
}

/// An actor of a sighting, borrowed from the gazetteer: the owned [`Actor`] is made
/// only for the events an article reports, not for every sighting along the way.
#[derive(Clone, Copy)]
struct Cast<'g> {
    name: &'g str,
    person: bool,
    country: &'g str,
    role: Option<RoleId>,
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
    /// Every sighting came from a `minor` trigger.
    minor: bool,
}

/// One field (title or body) prepared for matching.
struct Field<'a> {
    name: &'static str,
    text: &'a str,
    lowered: &'a str,
    hits: &'a [Hit],
    mentions: &'a [Mention],
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
        let entries = data
            .files(&config.events_dir)
            .map_err(|e| LoadError::new(&events_dir, e))?;
        let mut models = HashMap::new();
        for relative in entries {
            let path = data.describe(&relative);
            if path.extension().and_then(|e| e.to_str()) != Some("toml") {
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
            let model = LangModel::compile(&rules, &gazetteer, &path)?;
            models.insert(rules.language.clone(), model);
        }
        let fallback = LangModel::entities_only(&gazetteer, &gazetteer_dir)?;
        crate::text::warm_up();
        Ok(Tagger {
            gazetteer,
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
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut buffers) => {
                let tagging = self.tag_with(article, &mut buffers);
                buffers.iter_mut().for_each(Buffers::trim);
                tagging
            }
            // Only reachable if tagging ever re-entered itself on this thread.
            Err(_) => self.tag_with(article, &mut Default::default()),
        })
    }

    fn tag_with(&self, article: &Article, buffers: &mut [Buffers; 2]) -> Tagging {
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
        let events = if event_rules == EventRules::Available {
            let published = dates::published_date(article.published_at.as_deref());
            self.events(model, &fields, published)
        } else {
            Vec::new()
        };
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
            let entity = match hit.what {
                What::Entity(entity) => entity,
                What::Abbrev(entity) if in_compound(model, lowered, hits, hit) => entity,
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
            match entity.kind {
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
            if !out.countries.iter().any(|c| c.code == entity.country) {
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

    fn place(&self, entity: u32) -> Place {
        let entity = &self.gazetteer.entities[entity as usize];
        let name = match entity.kind {
            EntityKind::Country => self.country_name(&entity.country),
            _ => entity.name.clone(),
        };
        Place {
            name,
            country: Some(entity.country.clone()),
        }
    }

    fn events(
        &self,
        model: &LangModel,
        fields: &[Field<'_>; 2],
        published: Option<NaiveDate>,
    ) -> Vec<Event> {
        let mut found: Vec<Found<'_>> = Vec::new();
        // Confusers in the title ("Pride parade", "new war film") rule their event out
        // for the whole article.
        let mut blocked = 0u64;
        for hit in fields[0].hits {
            if let What::Exclude(event) = hit.what {
                blocked |= 1 << event;
            }
        }
        let mut order = 0;
        for field in fields.iter() {
            // Sentences are found around unblocked triggers only: most hold none.
            let mut done = 0;
            for hit in field.hits {
                let What::Trigger { event, .. } = hit.what else {
                    continue;
                };
                if hit.start < done || blocked & (1 << event) != 0 {
                    continue;
                }
                let Some(span) =
                    sentence_at(field.text, field.lowered, &model.abbreviations, hit.start)
                else {
                    continue;
                };
                done = span.end;
                let span = &span;
                let hits = slice(field.hits, span.start, span.end);
                // Only event types with a trigger in the sentence can fire there.
                let triggered = hits.iter().fold(0u64, |mask, hit| match hit.what {
                    What::Trigger { event, .. } => mask | 1 << event,
                    _ => mask,
                }) & !blocked;
                if triggered == 0 {
                    continue;
                }
                let mentions = slice_mentions(field.mentions, span.start, span.end);
                for event_index in 0..model.events.len() {
                    let event_id = event_index as u16;
                    if triggered & (1 << event_id) == 0 {
                        continue;
                    }
                    let already = found.iter().any(|f| f.event == event_id);
                    let Some(mut sighting) = self.sighting(
                        model, field, span, hits, mentions, event_id, already, published,
                    ) else {
                        continue;
                    };
                    // The sentence text and date are built only when `merge` keeps them.
                    let existing = found.iter().find(|f| f.event == event_id);
                    let leads =
                        existing.is_none_or(|e| sighting.confidence >= e.confidence + LEAD_MARGIN);
                    if leads {
                        let (start, end) = span.chars(field.text);
                        sighting.evidence.start = start;
                        sighting.evidence.end = end;
                        sighting.evidence.text = field.text[span.start..span.end].to_string();
                    }
                    if leads || existing.is_some_and(|e| e.date.is_none()) {
                        sighting.date =
                            dates::resolve(field.lowered, hits, published, sighting.status);
                    }
                    order += 1;
                    merge(&mut found, sighting, event_id, order);
                }
            }
        }
        found.sort_by_key(|f| f.order);
        // Talks reported with a visit that came first are part of that visit, unless
        // they are in doubt ("a meeting could not be ruled out") and so news of their own.
        let parts: Vec<bool> = found
            .iter()
            .map(|f| {
                let part_of = model.events[f.event as usize].part_of;
                f.minor
                    && matches!(f.status, EventStatus::Occurred | EventStatus::Planned)
                    && found
                        .iter()
                        .any(|g| Some(g.event) == part_of && g.order < f.order)
            })
            .collect();
        let mut parts = parts.into_iter();
        found.retain(|_| !parts.next().unwrap_or(false));
        found
            .into_iter()
            .map(|f| {
                let event = &model.events[f.event as usize];
                Event {
                    kind: event.kind.clone(),
                    cameo: event.cameo.clone(),
                    plover: event.plover.clone(),
                    confidence: f.confidence,
                    status: f.status,
                    evidence: f.evidence,
                    actors: f
                        .actors
                        .iter()
                        .map(|cast| Actor {
                            name: cast.name.to_string(),
                            kind: if cast.person { "person" } else { "country" }.into(),
                            country: Some(cast.country.to_string()),
                            role: cast.role.map(|r| model.roles[r as usize].clone()),
                        })
                        .collect(),
                    location: f.location.map(|entity| self.place(entity)),
                    date: f.date,
                }
            })
            .collect()
    }

    /// The event in one sentence, if its rules fire there.
    #[allow(clippy::too_many_arguments)]
    fn sighting<'g>(
        &'g self,
        model: &LangModel,
        field: &Field<'_>,
        span: &Span,
        hits: &[Hit],
        mentions: &[Mention],
        event_id: u16,
        already: bool,
        published: Option<NaiveDate>,
    ) -> Option<Found<'g>> {
        let mut trigger: Option<&Hit> = None;
        let mut context = false;
        for hit in hits {
            match hit.what {
                What::Exclude(e) if e == event_id => return None,
                What::Context(e) if e == event_id => context = true,
                What::Trigger { event, weak, .. } if event == event_id => {
                    // Prefer a strong trigger; among equals, the first.
                    let better = match trigger.map(|t| t.what) {
                        None => true,
                        Some(What::Trigger { weak: w, .. }) => w && !weak,
                        _ => false,
                    };
                    if better {
                        trigger = Some(hit);
                    }
                }
                _ => {}
            }
        }
        let trigger = trigger?;
        let What::Trigger {
            weak,
            standalone,
            minor,
            before,
            after,
            ..
        } = trigger.what
        else {
            return None;
        };
        if weak && !context && !already {
            return None;
        }
        let event = &model.events[event_id as usize];
        let mut countries: Vec<&str> = Vec::new();
        for mention in mentions {
            let country = self.gazetteer.entities[mention.entity as usize]
                .country
                .as_str();
            if !countries.contains(&country) {
                countries.push(country);
            }
        }
        if !standalone && countries.len() < event.min_countries {
            return None;
        }

        let (mut status, mut cued) = status(model, field, span, hits, trigger);
        if !cued && dates::mentions_future(field.lowered, hits, published) {
            // "elections in October", "le 12 octobre" in an article from September.
            status = EventStatus::Planned;
            cued = true;
        }
        let location = self.location(field, hits, mentions, trigger);
        let actors = self.actors(
            hits, mentions, event, event_id, trigger, before, after, &location,
        );

        // Explainable score: trigger strength, then context, named countries, title.
        let mut confidence = if weak { 0.45 } else { 0.6 };
        if context {
            confidence += 0.15;
        }
        confidence += 0.1 * countries.len().min(2) as f64;
        if field.name == "title" {
            confidence += 0.05;
        }
        let confidence = (confidence.min(0.99) * 100.0).round() / 100.0;
        Some(Found {
            event: event_id,
            confidence,
            status,
            evidence: Evidence {
                field: field.name.to_string(),
                // The char range and text are filled in only when the sighting leads.
                start: 0,
                end: 0,
                text: String::new(),
            },
            actors,
            location: location.map(|m| m.entity),
            city: location.is_some_and(|m| {
                self.gazetteer.entities[m.entity as usize].kind == EntityKind::Place
            }),
            date: None,
            order: 0,
            cued,
            title_only: field.name == "title",
            minor,
        })
    }

    /// The place right after a location word ("in Beijing") or right before a
    /// postposition ("北京で"); cities win over countries, then the one nearest the trigger.
    fn location(
        &self,
        field: &Field<'_>,
        hits: &[Hit],
        mentions: &[Mention],
        trigger: &Hit,
    ) -> Option<Mention> {
        let mut best: Option<(bool, usize, Mention)> = None;
        for marker in hits {
            let candidate = match marker.what {
                What::LocBefore => mentions.iter().find(|m| {
                    m.start >= marker.end && field.lowered[marker.end..m.start].trim().is_empty()
                }),
                What::LocAfter => mentions.iter().rev().find(|m| {
                    m.end <= marker.start && field.lowered[m.end..marker.start].trim().is_empty()
                }),
                _ => None,
            };
            let Some(mention) = candidate else { continue };
            let kind = self.gazetteer.entities[mention.entity as usize].kind;
            if kind == EntityKind::Person {
                continue;
            }
            let is_city = kind == EntityKind::Place;
            let distance = mention.start.abs_diff(trigger.start);
            let better = match best {
                None => true,
                Some((city, d, _)) => (is_city && !city) || (is_city == city && distance < d),
            };
            if better {
                best = Some((is_city, distance, *mention));
            }
        }
        best.map(|(_, _, m)| m)
    }

    /// Roles, strongest evidence first: a role cue ("visit to", "sanctions on"), then
    /// the location's country (unless a cue already named who holds that role), then
    /// the trigger's side. A country keeps the strongest role any mention gives it.
    #[allow(clippy::too_many_arguments)]
    fn actors<'g>(
        &'g self,
        hits: &[Hit],
        mentions: &[Mention],
        event: &crate::model::EventType,
        event_id: u16,
        trigger: &Hit,
        before: Option<RoleId>,
        after: Option<RoleId>,
        location: &Option<Mention>,
    ) -> Vec<Cast<'g>> {
        let location_country =
            location.map(|m| self.gazetteer.entities[m.entity as usize].country.as_str());
        let cue_role = |i: usize| {
            hits.iter().find_map(|hit| match hit.what {
                What::RoleCue { role, events, side } if events & (1 << event_id) != 0 => {
                    let target = match side {
                        // A mention inside the cue counts too (訪米: the host is 米).
                        Side::After => mentions.iter().position(|m| m.start >= hit.start),
                        Side::Before => mentions.iter().rposition(|m| m.end <= hit.start),
                    };
                    (target == Some(i)).then_some(role)
                }
                _ => None,
            })
        };
        let cued: Vec<Option<RoleId>> = (0..mentions.len()).map(cue_role).collect();
        let location_role = event.location.filter(|role| !cued.contains(&Some(*role)));
        let mut people: Vec<Cast<'g>> = Vec::new();
        // (actor, strength of the evidence for its role)
        let mut countries: Vec<(Cast<'g>, u8)> = Vec::new();
        for (i, mention) in mentions.iter().enumerate() {
            let entity = &self.gazetteer.entities[mention.entity as usize];
            let is_place = entity.kind == EntityKind::Place;
            let is_location = location.is_some_and(|l| l.start == mention.start);
            let after_trigger = mention.start >= trigger.start;
            let (role, strength) = if let Some(role) = cued[i] {
                (Some(role), 3)
            } else if location_country == Some(entity.country.as_str()) && location_role.is_some() {
                (location_role, 2)
            } else if is_location {
                continue;
            } else if is_place {
                match event.place {
                    Some(role) if after_trigger => (Some(role), 1),
                    _ => continue,
                }
            } else {
                let side = if after_trigger {
                    after.or(event.after)
                } else {
                    before.or(event.before)
                };
                // The host of a visit is the location's country when one is given:
                // another country on the host's side of the trigger is a fellow guest.
                let other = if after_trigger {
                    before.or(event.before)
                } else {
                    after.or(event.after)
                };
                match (location_country, location_role) {
                    (Some(_), Some(role)) if side == Some(role) => (other, 0),
                    _ => (side, 0),
                }
            };
            if entity.kind == EntityKind::Person && !people.iter().any(|p| p.name == entity.name) {
                people.push(Cast {
                    name: &entity.name,
                    person: true,
                    country: &entity.country,
                    role,
                });
            }
            match countries
                .iter_mut()
                .find(|(c, _)| c.country == entity.country)
            {
                Some((actor, held)) if strength > *held && role.is_some() => {
                    actor.role = role;
                    *held = strength;
                }
                Some(_) => {}
                None => countries.push((self.country_actor(&entity.country, role), strength)),
            }
        }
        if let (Some(code), Some(role)) = (location_country, location_role) {
            if !countries.iter().any(|(c, _)| c.country == code) {
                countries.push((self.country_actor(code, Some(role)), 2));
            }
        }
        people.extend(countries.into_iter().map(|(c, _)| c));
        people
    }

    fn country_actor<'g>(&'g self, code: &'g str, role: Option<RoleId>) -> Cast<'g> {
        Cast {
            name: self
                .gazetteer
                .country_names
                .get(code)
                .map_or(code, String::as_str),
            person: false,
            country: code,
            role,
        }
    }
}

/// The strongest status cue within the language's window of the trigger; a question
/// with no cue is speculative.
fn status(
    model: &LangModel,
    field: &Field<'_>,
    span: &Span,
    hits: &[Hit],
    trigger: &Hit,
) -> (EventStatus, bool) {
    let mut best: Option<(usize, EventStatus)> = None;
    for hit in hits {
        let What::Status(status) = hit.what else {
            continue;
        };
        // The longer cue decides: "could not be ruled out" is not "ruled out".
        let inside_longer = hits.iter().any(|h| {
            matches!(h.what, What::Status(_))
                && h.start <= hit.start
                && h.end >= hit.end
                && h.end - h.start > hit.end - hit.start
        });
        if inside_longer {
            continue;
        }
        let gap = if hit.end <= trigger.start {
            field.lowered[hit.end..trigger.start].chars().count()
        } else if hit.start >= trigger.end {
            field.lowered[trigger.end..hit.start].chars().count()
        } else {
            0
        };
        if gap > model.status_window {
            continue;
        }
        let rank = |s: EventStatus| match s {
            EventStatus::Negated => 0,
            EventStatus::Speculative => 1,
            EventStatus::Planned => 2,
            EventStatus::Occurred => 3,
        };
        // Within the window the strongest cue wins (negated, then speculative, then
        // planned): "unclear whether he will attend" is speculative, "will not" negated.
        let better = match best {
            None => true,
            Some((g, s)) => rank(status) < rank(s) || (rank(status) == rank(s) && gap < g),
        };
        if better {
            best = Some((gap, status));
        }
    }
    match best {
        Some((_, status)) => (status, true),
        None if field.text[span.start..span.end]
            .trim_end()
            .ends_with(['?', '？', '؟']) =>
        {
            (EventStatus::Speculative, true)
        }
        None => (EventStatus::Occurred, false),
    }
}

/// How much more confident a later sighting must be to take the lead.
const LEAD_MARGIN: f64 = 0.2;

/// Keeps the leading sighting of each event type and gathers every sighting's actors.
/// News puts the event first (title, lead), later sentences add background, so a
/// later sighting takes the lead only when it is clearly stronger. A city found in
/// any sighting beats a country-only location.
fn merge<'g>(found: &mut Vec<Found<'g>>, mut sighting: Found<'g>, event: u16, order: usize) {
    let Some(existing) = found.iter_mut().find(|f| f.event == event) else {
        sighting.order = order;
        found.push(sighting);
        return;
    };
    let mut actors = std::mem::take(&mut sighting.actors);
    existing.minor &= sighting.minor;
    if existing.title_only && sighting.evidence.field != "title" {
        existing.title_only = false;
        if !existing.cued {
            existing.status = sighting.status;
            existing.cued = sighting.cued;
        }
    }
    if sighting.confidence >= existing.confidence + LEAD_MARGIN {
        std::mem::swap(&mut existing.actors, &mut actors);
        existing.status = sighting.status;
        existing.cued = sighting.cued;
        existing.evidence = sighting.evidence;
        existing.date = sighting.date.or(existing.date.take());
        if sighting.location.is_some() && (sighting.city || !existing.city) {
            existing.location = sighting.location;
            existing.city = sighting.city;
        }
    } else {
        if existing.date.is_none() {
            existing.date = sighting.date;
        }
        if sighting.location.is_some()
            && (existing.location.is_none() || (sighting.city && !existing.city))
        {
            existing.location = sighting.location;
            existing.city = sighting.city;
        }
    }
    existing.confidence = existing.confidence.max(sighting.confidence);
    for actor in actors {
        let same = existing
            .actors
            .iter()
            .any(|a| a.person == actor.person && a.name == actor.name);
        if !same && existing.actors.len() < 12 {
            existing.actors.push(actor);
        }
    }
}

/// A one-character country abbreviation counts next to another one (日韓, 中澳) or
/// after a compound prefix (訪米, 来日); alone it is an ordinary character.
fn in_compound(model: &LangModel, lowered: &str, hits: &[Hit], hit: &Hit) -> bool {
    let abbrev = |h: &&Hit| matches!(h.what, What::Abbrev(_));
    hits.iter()
        .filter(abbrev)
        .any(|h| h.end == hit.start || h.start == hit.end)
        || model
            .compound_prefixes
            .iter()
            .any(|p| lowered[..hit.start].ends_with(p.as_str()))
}

/// Whether the text between a mention and a bare office title ties them together.
fn attached(gap: &str) -> bool {
    matches!(gap.trim(), "" | "の" | "的" | "・")
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
