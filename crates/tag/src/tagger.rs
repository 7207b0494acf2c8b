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
    /// Every sighting came from a `part` trigger ("attended").
    part_only: bool,
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

    fn events(
        &self,
        model: &LangModel,
        fields: &[Field<'_>; 2],
        url: Option<&str>,
        published: Option<NaiveDate>,
        trace: &mut Option<&mut Explanation>,
    ) -> Vec<Event> {
        // Read only once a sentence holds a trigger: most articles never need it.
        let mut view: Option<ArticleView<'_>> = None;
        let mut found: Vec<Found<'_>> = Vec::new();
        // Confusers in the title ("Pride parade", "new war film") rule their event out
        // for the whole article.
        let mut blocked = 0u64;
        for hit in fields[0].hits {
            if let What::Exclude(event) = hit.what {
                blocked |= 1 << event;
            }
        }
        if let Some(trace) = trace.as_deref_mut() {
            let view = view.get_or_insert_with(|| self.view(model, fields, url));
            let domain = |d: Option<u8>| d.map_or("none", |d| model.senses[d as usize].as_str());
            trace.lines.push(format!(
                "article: url section sense {}, title and lead sense {}, parties in title and lead {:?}",
                domain(view.url_domain),
                domain(view.lead_domain),
                view.lead_parties.iter().map(|(c, _)| *c).collect::<Vec<_>>()
            ));
        }
        let mut order = 0;
        // Types whose last sentence told a meeting of another kind (ministers',
        // envoys'), ruled out by an `exclude` phrase: a definite meeting word further
        // on ("the meeting", "the talks") refers back to it.
        let mut excluded_last = 0u64;
        // Types whose last sentence told a minister's or an envoy's meeting
        // (`leaders_meet`): a weak meeting word further on ("the meeting", "встречи"),
        // with or without an article, refers back to it.
        let mut envoy_last = 0u64;
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
                let mentions = slice_mentions(field.mentions, span.start, span.end);
                if let Some(trace) = trace.as_deref_mut() {
                    // Status and role search compare phrases pairwise in the sentence.
                    trace.work += (span.end - span.start) as u64
                        + (hits.len() * (hits.len() + mentions.len())) as u64;
                }
                // Only event types with a trigger in the sentence can fire there.
                let triggered = hits.iter().fold(0u64, |mask, hit| match hit.what {
                    What::Trigger { event, .. } => mask | 1 << event,
                    _ => mask,
                }) & !blocked;
                if triggered == 0 {
                    continue;
                }
                let view = &*view.get_or_insert_with(|| self.view(model, fields, url));
                let in_lead = match field.name {
                    "title" => Some("title"),
                    _ if span.start < view.lead_end => Some("lead"),
                    _ => None,
                };
                for event_index in 0..model.events.len() {
                    let event_id = event_index as u16;
                    if triggered & (1 << event_id) == 0 {
                        continue;
                    }
                    let already = found.iter().any(|f| f.event == event_id);
                    let occasions = model.events[event_index].occasions;
                    let occasion = found.iter().any(|f| occasions & (1 << f.event) != 0);
                    let sighting = self.sighting(
                        model, field, span, hits, mentions, event_id, already, occasion, published,
                        view, triggered,
                    );
                    // A definite weak meeting word ("the meeting", "the talks") after a
                    // sentence that told a meeting of another kind is that meeting.
                    let sighting = sighting.and_then(|s| {
                        let definite = model.is_definite(&field.lowered[..s.trigger_start]);
                        let weak = hits.iter().any(|h| {
                            h.start == s.trigger_start
                                && matches!(h.what, What::Trigger { event, weak: true, .. } if event == event_id)
                        });
                        if ((excluded_last & (1 << event_id) != 0 && definite)
                            || envoy_last & (1 << event_id) != 0)
                            && weak
                        {
                            Err(Some("the meeting of another kind told before".into()))
                        } else {
                            Ok(s)
                        }
                    });
                    match &sighting {
                        Ok(_) => {
                            excluded_last &= !(1 << event_id);
                            envoy_last &= !(1 << event_id);
                        }
                        Err(Some(reason)) if reason.ends_with(ENVOYS_MEETING) => {
                            envoy_last |= 1 << event_id;
                        }
                        Err(_) => {
                            if hits.iter().any(|h| h.what == What::Exclude(event_id)) {
                                excluded_last |= 1 << event_id;
                            }
                        }
                    }
                    let mut sighting = match sighting {
                        Ok(sighting) => sighting,
                        Err(reason) => {
                            if let (Some(trace), Some(reason)) = (trace.as_deref_mut(), reason) {
                                trace.lines.push(format!(
                                    "{} {}..{}: {} not an event: {reason}",
                                    field.name,
                                    span.start,
                                    span.end,
                                    model.events[event_index].kind
                                ));
                            }
                            continue;
                        }
                    };
                    // Cues after the trigger count only as near as status cues do
                    // ("visited China last year"); further on they displace another
                    // clause ("..., after their meetings in May").
                    let limit = field.lowered[sighting.trigger_end..]
                        .char_indices()
                        .nth(model.status_window_after)
                        .map_or(span.end, |(i, _)| sighting.trigger_end + i);
                    // A date reaches to the end of the trigger's clause: "their only
                    // full summit took place in Helsinki in July 2018" is dated by it,
                    // "..., after their meetings in May" is not.
                    let clause_end = if model.clause_dates {
                        let rest = &field.lowered[sighting.trigger_end..span.end];
                        let opener = model
                            .clause_openers
                            .iter()
                            .filter_map(|w| word_at(rest, w))
                            .min();
                        let stop = rest.find(CLAUSE_BREAKS).into_iter().chain(opener).min();
                        stop.map_or(span.end, |i| sighting.trigger_end + i)
                            .max(limit)
                    } else {
                        limit
                    };
                    let background = background_cue(
                        field,
                        hits,
                        sighting.trigger_start,
                        limit,
                        clause_end,
                        published,
                    )
                    .or_else(|| {
                        // A headline's subordinate clause ("cuts short visit after
                        // Russian strike"): its event is the main clause's background.
                        (field.name == "title" || (model.subordinate_lead && in_lead.is_some()))
                            .then(|| {
                                subordinate(
                                    model,
                                    field,
                                    span,
                                    hits,
                                    sighting.trigger_start,
                                    event_id,
                                )
                            })
                            .flatten()
                    });
                    let occurred = sighting.status == EventStatus::Occurred;
                    // Speculation does not develop the event: a strike Washington
                    // may join is not the strikes the article reports, and two
                    // such mentions do not make the type main.
                    let speculative = sighting.status == EventStatus::Speculative;
                    let salient = match (&background, in_lead) {
                        (None, Some(place)) => (Some(place), 0, false),
                        (None, None) => (None, u16::from(!speculative), occurred),
                        _ => (None, 0, false),
                    };
                    if sighting.part_only {
                        sighting.part_salience = salient;
                    } else {
                        (
                            sighting.in_lead,
                            sighting.developed,
                            sighting.developed_occurred,
                        ) = salient;
                    }
                    if let Some(trace) = trace.as_deref_mut() {
                        trace.lines.push(format!(
                            "{} {}..{}: {} by rule {} ({:?}, confidence {:.2}, parties {:?}{}) in \"{}\"",
                            field.name,
                            span.start,
                            span.end,
                            model.events[event_index].kind,
                            model.rules[sighting.rule as usize],
                            sighting.status,
                            sighting.confidence,
                            sighting.actors.iter().filter(|a| !a.person).map(|a| a.country).collect::<Vec<_>>(),
                            match &background {
                                Some(cue) => format!(", background cue \"{cue}\""),
                                None => in_lead.map_or(String::new(), |p| format!(", in the {p}")),
                            },
                            &field.text[span.start..floor_char(field.text, span.end.min(span.start + 300))]
                        ));
                    }
                    // Displaced to another time ("in September 2023", "last year"),
                    // a sighting with no tense cue of its own is told as past: it
                    // does not join an occurrence cued as planned or called off.
                    if background.is_some() && sighting.status == EventStatus::Occurred {
                        sighting.cued = true;
                    }
                    sighting.background_cue = background;
                    if field.name == "body" && model.events[event_index].lead_role.is_some() {
                        sighting.paragraphs[0] = paragraph(field.text, span);
                        sighting.paragraph_count = 1;
                    }
                    // The sentence text and date are built only when `merge` keeps them.
                    // Where a country is named as host by naming alone (a parade's
                    // `nation`), word order does not tell whose event it is.
                    let sided = model.events[event_index].nation.is_none();
                    let host = model.events[event_index].location;
                    // Parties of one role only (a summit's participants): no role tells
                    // one meeting from another.
                    let symmetric = {
                        let e = &model.events[event_index];
                        e.before.is_some() && e.before == e.after
                    };
                    let slot = occurrence(&found, &sighting, event_id, sided, host, symmetric);
                    let existing = slot.map(|i| &found[i]);
                    let leads =
                        existing.is_none_or(|e| sighting.confidence >= e.confidence + LEAD_MARGIN);
                    if leads {
                        let (start, end) = span.chars(field.text);
                        sighting.evidence.start = start;
                        sighting.evidence.end = end;
                        sighting.evidence.text = field.text[span.start..span.end].to_string();
                    }
                    if leads || existing.is_some_and(|e| e.date.is_none() || !e.written_date) {
                        if let Some((date, written)) =
                            dates::resolve(field.lowered, hits, published, sighting.status)
                        {
                            sighting.date = Some(date);
                            sighting.written_date = written;
                        }
                    }
                    order += 1;
                    merge(&mut found, slot, sighting, order);
                }
            }
        }
        // The first occurrence of a type carries the type's salience, read from every
        // sighting of the type; a further occurrence (other parties in other roles,
        // another status) is what the article mentions besides it: background.
        for i in 0..found.len() {
            if found[i].primary {
                gather_salience(&mut found, i);
            }
        }
        found.sort_by_key(|f| f.order);
        // Taking part in an event the article reports as main is that event's part.
        // Its own sightings (not from `part` triggers) decide an event's salience then.
        let main_types = found.iter().fold(0u64, |mask, f| {
            let main = f.in_lead.is_some() || (f.developed >= 2 && f.developed_occurred);
            if main {
                mask | 1 << f.event
            } else {
                mask
            }
        });
        found.retain_mut(|f| {
            let event = &model.events[f.event as usize];
            if event.part_of & main_types == 0 {
                let (lead, developed, occurred) = f.part_salience;
                f.in_lead = f.in_lead.or(lead);
                f.developed = f.developed.saturating_add(developed);
                f.developed_occurred |= occurred;
                return true;
            }
            if let (true, Some(trace)) = (f.part_only, trace.as_deref_mut()) {
                trace.lines.push(format!(
                    "{} not an event: taking part in a main event of the article",
                    event.kind
                ));
            }
            !f.part_only
        });
        // The occurrence just dropped may have been its type's first ("a summit hosted
        // by Kazakhstan" read as a visit): the next occurrence of the type ("Xi arrived
        // in Astana for a state visit") is then the one the article reports, and
        // carries the type's salience.
        for i in 0..found.len() {
            let event = found[i].event;
            if found[i].primary || found[..i].iter().any(|f| f.event == event) {
                continue;
            }
            found[i].primary = true;
            gather_salience(&mut found, i);
        }
        // Talks held during a visit the article reports as main, and as having
        // happened, are a part of its programme: main too, once a sentence tells them
        // as having happened (a called-off visit holds no talks, and talks held before
        // a visit still to come are another occasion).
        // Types the title and lead report, for the types that yield to them
        // (`yields_to`).
        let lead_types = found
            .iter()
            .filter(|f| f.primary && f.in_lead.is_some())
            .fold(0u64, |mask, f| mask | 1 << f.event);
        // An occurrence the body develops that yields to the title and lead's event
        // is background (below): no main one its type's further occurrences stand
        // beside.
        let main_types = found.iter().fold(0u64, |mask, f| {
            let yields = f.in_lead.is_none()
                && model.events[f.event as usize].yields_to & lead_types & !(1 << f.event) != 0;
            let main = f.primary
                && f.status == EventStatus::Occurred
                && (f.in_lead.is_some() || (f.developed >= 2 && f.developed_occurred && !yields));
            if main {
                mask | 1 << f.event
            } else {
                mask
            }
        });
        // The countries of each main event, for the events they frame (`framed_by`).
        let main_parties: Vec<(u16, Vec<&str>)> = found
            .iter()
            .filter(|f| main_types & (1 << f.event) != 0 && f.primary)
            .map(|f| (f.event, f.actors.iter().map(|a| a.country).collect()))
            .collect();
        let mut events: Vec<Event> = found
            .into_iter()
            .map(|f| {
                let event = &model.events[f.event as usize];
                let is_framed = || framed(&f, event, &main_parties);
                // A further occurrence the body develops in sentences of its own, told
                // as having happened and not displaced, beside a main one of its type
                // (a second signing, an attack on other targets) is reported too.
                let also_reported = !f.primary
                    && main_types & (1 << f.event) != 0
                    && f.status == EventStatus::Occurred
                    && f.background_cue.is_none()
                    && f.developed >= 2
                    && f.developed_occurred;
                let (salience, cue) = match (&f.in_lead, f.developed, &f.background_cue) {
                    _ if also_reported => {
                        (Salience::Main, "another occurrence, developed".to_string())
                    }
                    _ if !f.primary => (
                        Salience::Background,
                        match &f.background_cue {
                            Some(cue) => format!("another occurrence, displaced: {cue}"),
                            None => "another occurrence".to_string(),
                        },
                    ),
                    // An event still to come, called off or only possible, beside
                    // an event the article reports as having happened, is what that
                    // story looks ahead or back to, even in the title
                    // (`unhappened_yields_to`).
                    (Some(_), _, _)
                        if f.status != EventStatus::Occurred
                            && event.unhappened_yields_to & main_types & !(1 << f.event) != 0 =>
                    {
                        (
                            Salience::Background,
                            "not happened, beside the article's event that did".to_string(),
                        )
                    }
                    (Some(place), _, _) => (Salience::Main, place.to_string()),
                    (None, n, _)
                        if n >= 2
                            && f.developed_occurred
                            && event.yields_to & lead_types & !(1 << f.event) != 0 =>
                    {
                        (
                            Salience::Background,
                            "developed, yields to the title and lead's event".to_string(),
                        )
                    }
                    // Developed in the body alone, beside another main event that did
                    // happen, an occurrence is the article's own only as having
                    // happened: a visit still planned, a meeting called off or one that
                    // may come is what the article looks ahead or back to (the title
                    // and lead make a planned or called-off event the story).
                    (None, n, _)
                        if n >= 2
                            && f.developed_occurred
                            && (f.status == EventStatus::Occurred
                                || main_types & !(1 << f.event) == 0) =>
                    {
                        (Salience::Main, "developed".to_string())
                    }
                    (None, n, None)
                        if n >= 1
                            && f.developed_occurred
                            && ((event.occasions | event.held_during) & main_types != 0
                                || (event.unnamed_occasions & main_types != 0
                                    && f.actors.iter().all(|a| a.person))) =>
                    {
                        (Salience::Main, DURING_OCCASION.to_string())
                    }
                    (None, n, None)
                        if n >= 1
                            && f.developed_occurred
                            && f.status == EventStatus::Occurred
                            && is_framed() =>
                    {
                        (
                            Salience::Main,
                            "framed by a main event of its parties".to_string(),
                        )
                    }
                    (None, _, Some(cue)) => (Salience::Background, format!("displaced: {cue}")),
                    (None, _, None) => (Salience::Background, "in passing".to_string()),
                };
                let location = f.location.map(|entity| self.place(entity));
                let location_role = event.location.map(|r| model.roles[r as usize].clone());
                let location_country = location.as_ref().and_then(|l| l.country.clone());
                // Countries holding the type's `nation` role (a parade's host): their
                // people hold it too.
                let nation = event
                    .nation
                    .filter(|_| f.actors.iter().any(|c| !c.person && c.role == event.nation));
                // The role facing the location's (a visit's visitor, a parade's guest).
                let guest_role = event.location.and_then(|host| {
                    [event.before, event.after]
                        .into_iter()
                        .flatten()
                        .find(|r| *r != host)
                });
                // Hosts a sentence's word order or naming alone made (`cued` false, or a
                // parade's `nation` guessed where no place was said) yield to the hosts a
                // cue, the location or an oriented trigger named in another sentence:
                // they are the guests ("Merz's first visit ... in the Oval Office",
                // "Indonesian troops lead the Bastille Day parade" on the Champs-Elysees).
                // A country is named host by a cue, or for a parade by the place.
                let host_by_naming = |cast: &Cast<'_>| {
                    if event.nation.is_some() {
                        location_country.as_deref() == Some(cast.country)
                    } else {
                        cast.cued
                    }
                };
                let named_hosts: Vec<&str> = f
                    .actors
                    .iter()
                    .filter(|c| !c.person && c.role.is_some() && c.role == event.location)
                    .filter(|c| host_by_naming(c))
                    .map(|c| c.country)
                    .collect();
                let guest_of = |cast: &Cast<'_>| {
                    let by_order = if cast.person {
                        !named_hosts.contains(&cast.country)
                    } else {
                        !host_by_naming(cast)
                    };
                    guest_role.filter(|_| {
                        !named_hosts.is_empty() && cast.role == event.location && by_order
                    })
                };
                let mut out = Event {
                    kind: event.kind.clone(),
                    cameo: event.cameo.clone(),
                    plover: event.plover.clone(),
                    confidence: f.confidence,
                    status: f.status,
                    evidence: f.evidence,
                    actors: f
                        .actors
                        .iter()
                        .map(|cast| {
                            let mut role = cast.role.map(|r| model.roles[r as usize].clone());
                            // The country where the event happens holds the location's
                            // role (the host), whatever a sentence's word order said:
                            // the host is not a guest at its own parade.
                            if location_role.is_some()
                                && location_country.as_deref() == Some(cast.country)
                            {
                                role.clone_from(&location_role);
                            } else if let Some(guest) = guest_of(cast) {
                                role = Some(model.roles[guest as usize].clone());
                            } else if cast.person
                                && nation.is_some()
                                && (named_hosts.is_empty() || named_hosts.contains(&cast.country))
                                && f.actors.iter().any(|c| {
                                    !c.person && c.country == cast.country && c.role == nation
                                })
                            {
                                role = nation.map(|r| model.roles[r as usize].clone());
                            }
                            Actor {
                                name: cast.name.to_string(),
                                kind: if cast.person { "person" } else { "country" }.into(),
                                country: Some(cast.country.to_string()),
                                role,
                            }
                        })
                        .collect(),
                    location,
                    date: f.date,
                    salience,
                    salience_cue: cue,
                    rule: model.rules[f.rule as usize].clone(),
                };
                if f.mutual {
                    add_counterparts(&mut out, event, &model.roles);
                }
                // A main event's parties are the story's; so are those of an event
                // whose sentences name none ("the two sides signed", "双方签署").
                let unnamed = !out.actors.iter().any(|a| a.kind == "country");
                if let (true, Some(role), Some(view)) = (
                    out.salience == Salience::Main || unnamed,
                    event.lead_role,
                    view.as_ref(),
                ) {
                    let role = &model.roles[role as usize];
                    self.add_lead_parties(&mut out, event, f.event, role, view, fields);
                    let paragraphs = &f.paragraphs[..f.paragraph_count as usize];
                    let home = event
                        .home_role
                        .map(|r| (r, model.roles[r as usize].as_str()));
                    self.add_paragraph_parties(
                        &mut out, event, f.event, role, home, &fields[1], paragraphs,
                    );
                }
                if let Some(role) = event.home_role {
                    add_home_role(&mut out, &model.roles[role as usize]);
                    if let Some(lead) = event.lead_role {
                        add_host_participants(
                            &mut out,
                            &model.roles[role as usize],
                            &model.roles[lead as usize],
                        );
                    }
                }
                out
            })
            .collect();
        // Talks held during a visit take place where the visit does: a main event that
        // names no place of its own takes its main occasion's (`occasions`), and with it
        // its host (`home_role`: the talks in Jakarta are hosted by Indonesia).
        for i in 0..events.len() {
            let Some(event) = model.events.iter().find(|t| t.kind == events[i].kind) else {
                continue;
            };
            if event.occasions == 0
                || events[i].salience != Salience::Main
                || events[i].location.is_some()
            {
                continue;
            }
            let is_occasion = |e: &Event| {
                model
                    .events
                    .iter()
                    .position(|t| t.kind == e.kind)
                    .is_some_and(|id| event.occasions & (1 << id) != 0)
            };
            let place = events
                .iter()
                .find(|e| {
                    e.salience == Salience::Main
                        && e.status == EventStatus::Occurred
                        && e.location.is_some()
                        && is_occasion(e)
                })
                .and_then(|e| e.location.clone());
            if let Some(place) = place {
                events[i].location = Some(place);
                if let Some(role) = event.home_role {
                    add_home_role(&mut events[i], &model.roles[role as usize]);
                }
            }
        }
        self.one_occasion(&mut events, trace);
        self.implied(model, fields, published, &mut events, trace);
        // A background event is context for the story an article reports. With no
        // main event the article reports none (a match report, a company's results),
        // and a word told in passing there ("attack", "summit", "sanctions") is another
        // sense far more often than a real event. A mention placed in time ("days
        // after the attack", "the anniversary of the parade") still refers to one.
        if !events.iter().any(|e| e.salience == Salience::Main) {
            events.retain(|event| {
                let placed_in_time = event.salience_cue.contains("displaced");
                if let (false, Some(trace)) = (placed_in_time, trace.as_deref_mut()) {
                    trace.lines.push(format!(
                        "dropped {} ({}): told in passing, with no main event in the article",
                        event.kind, event.salience_cue
                    ));
                }
                placed_in_time
            });
        }
        if let Some(trace) = trace.as_deref_mut() {
            for event in &events {
                trace.lines.push(format!(
                    "event {} {:?} {:?} ({}) by rule {}",
                    event.kind, event.status, event.salience, event.salience_cue, event.rule
                ));
            }
        }
        events
    }

    /// The parties the title and lead name, in the type's `lead_role`, for those the
    /// event's sentences did not already cast.
    fn add_lead_parties(
        &self,
        out: &mut Event,
        event: &crate::model::EventType,
        event_id: u16,
        role: &str,
        view: &ArticleView<'_>,
        fields: &[Field<'_>; 2],
    ) {
        // A country the title and lead name only as the event's topic ("talks on
        // Gaza") is no party of it.
        let only_topic = |country: &str| {
            let mut named = false;
            for (f, field) in fields.iter().enumerate() {
                let end = if f == 0 {
                    field.text.len()
                } else {
                    view.lead_end
                };
                let mentions = slice_mentions(field.mentions, 0, end);
                let hits = slice(field.hits, 0, end);
                for (i, m) in mentions.iter().enumerate() {
                    let entity = &self.gazetteer.entities[m.entity as usize];
                    if entity.country != country {
                        continue;
                    }
                    if entity.kind == EntityKind::Person
                        || !topical(field.lowered, hits, mentions, i, event_id)
                    {
                        return false;
                    }
                    named = true;
                }
            }
            named
        };
        for (country, kind) in &view.lead_parties {
            if out.actors.len() >= MAX_ACTORS {
                break;
            }
            let cast = out
                .actors
                .iter()
                .any(|a| a.kind == "country" && a.country.as_deref() == Some(*country));
            if event.party_kinds & kind.bit() != 0 && !cast && !only_topic(country) {
                out.actors.push(Actor {
                    name: self.country_name(country),
                    kind: "country".into(),
                    country: Some(country.to_string()),
                    role: Some(role.to_string()),
                });
            }
        }
    }

    /// The parties the body's paragraphs that report the event name, in the type's
    /// `lead_role`: a summit's or a drill's participants are listed around the
    /// sentence that names it ("Modi, Ramaphosa and Prabowo attended").
    #[allow(clippy::too_many_arguments)]
    fn add_paragraph_parties(
        &self,
        out: &mut Event,
        event: &crate::model::EventType,
        event_id: u16,
        role: &str,
        home: Option<(RoleId, &str)>,
        body: &Field<'_>,
        paragraphs: &[(u32, u32)],
    ) {
        // The paragraphs from the first to the last that report the event: those
        // between them go on telling it ("... signed alongside the emir of Qatar").
        let start = paragraphs.iter().map(|p| p.0).min().unwrap_or(0);
        let end = paragraphs.iter().map(|p| p.1).max().unwrap_or(0);
        {
            let mentions = slice_mentions(body.mentions, start as usize, end as usize);
            let hits = slice(body.hits, start as usize, end as usize);
            if let Some((home_id, home)) = home {
                self.add_apposed_host(out, event, event_id, (home_id, home), body, hits, mentions);
            }
            for (i, mention) in mentions.iter().enumerate() {
                if out.actors.len() >= MAX_ACTORS {
                    return;
                }
                let entity = &self.gazetteer.entities[mention.entity as usize];
                if entity.kind == EntityKind::Place || event.party_kinds & entity.kind.bit() == 0 {
                    continue;
                }
                // What the event is about ("talks on Gaza"): no party.
                if entity.kind != EntityKind::Person
                    && topical(body.lowered, hits, mentions, i, event_id)
                {
                    continue;
                }
                let country = entity.country.as_str();
                let cast = out
                    .actors
                    .iter()
                    .any(|a| a.kind == "country" && a.country.as_deref() == Some(country));
                if !cast {
                    out.actors.push(Actor {
                        name: self.country_name(country),
                        kind: "country".into(),
                        country: Some(country.to_string()),
                        role: Some(role.to_string()),
                    });
                }
            }
        }
    }

    /// The host the paragraphs that report the event name in apposition to a host cue
    /// ("Cyril Ramaphosa, the host, gaveled", "Lula da Silva, anfitrião do encontro",
    /// "the three-day meeting, hosted by Joe Biden"), when no host is cast yet: the
    /// name right before or right after the cue, with only a comma between them.
    #[allow(clippy::too_many_arguments)]
    fn add_apposed_host(
        &self,
        out: &mut Event,
        event: &crate::model::EventType,
        event_id: u16,
        (home_id, home): (RoleId, &str),
        body: &Field<'_>,
        hits: &[Hit],
        mentions: &[Mention],
    ) {
        if out.actors.len() >= MAX_ACTORS
            || out.actors.iter().any(|a| a.role.as_deref() == Some(home))
        {
            return;
        }
        let apposed = |from: usize, to: usize| {
            body.lowered.get(from..to).is_some_and(|gap| {
                gap.chars()
                    .all(|c| c.is_whitespace() || matches!(c, ',' | '、' | '，' | '،'))
            })
        };
        let host_cue = |hit: &Hit| {
            matches!(hit.what, What::RoleCue { role, events, .. }
                if role == home_id && events & (1 << event_id) != 0)
        };
        // A cue inside a longer one at the same place yields to it ("hosted" in
        // "hosted by").
        let inner = |hit: &Hit| {
            hits.iter()
                .any(|h| h.start == hit.start && h.end > hit.end && host_cue(h))
        };
        let named = hits
            .iter()
            .filter(|h| host_cue(h) && !inner(h))
            .find_map(|hit| {
                let before = mentions
                    .iter()
                    .rposition(|m| m.end <= hit.start)
                    .filter(|&i| apposed(mentions[i].end, hit.start));
                let after = mentions
                    .iter()
                    .position(|m| m.start >= hit.end)
                    .filter(|&i| apposed(hit.end, mentions[i].start));
                before.or(after)
            });
        let Some(i) = named else {
            return;
        };
        let entity = &self.gazetteer.entities[mentions[i].entity as usize];
        if entity.kind == EntityKind::Place || event.party_kinds & entity.kind.bit() == 0 {
            return;
        }
        out.actors.push(self.country_in_role(&entity.country, home));
    }

    /// A parade and a visit the article reports as main, both held, are one occasion
    /// with one host (issue 10): the guest of honour visits the parade's country. The
    /// visit's sentence may turn the sides round ("l'Indonesia era il Paese ospite
    /// d'onore ... accanto a Macron": the guest named first); then the parade's host,
    /// which its place or its nation ("la fiesta nacional francesa") names, hosts the
    /// visit too, and the visit's other hosts are its visitors. The other way round, a
    /// visit held in a named city ("en Nueva Delhi") says where the parade, which
    /// names no place, is held: its host. A visit's place that is only a country
    /// ("invitada de honor a Indonesia": an object, not a destination) decides
    /// nothing. Reads only the events already found: no cost per sentence.
    fn one_occasion(&self, events: &mut [Event], trace: &mut Option<&mut Explanation>) {
        let held = |kind: &str| -> Vec<usize> {
            (0..events.len())
                .filter(|&i| {
                    events[i].kind == kind
                        && events[i].salience == Salience::Main
                        && events[i].status == EventStatus::Occurred
                })
                .collect()
        };
        let (parades, visits) = (held("military_parade"), held("state_visit"));
        let (&[parade], &[visit]) = (parades.as_slice(), visits.as_slice()) else {
            return;
        };
        let city = events[visit]
            .location
            .as_ref()
            .filter(|place| {
                place
                    .country
                    .as_deref()
                    .is_some_and(|code| self.country_name(code) != place.name)
            })
            .and_then(|place| place.country.clone());
        let hosts = |e: &Event| -> Vec<String> {
            countries_in_role(e, Some("host"))
                .into_iter()
                .map(str::to_string)
                .collect()
        };
        let mut changed = false;
        match city {
            Some(home) if events[parade].location.is_none() => {
                let host = self.country_in_role(&home, "host");
                changed = recast(&mut events[parade], host, "guest");
            }
            Some(_) => {}
            None => {
                if let [home] = hosts(&events[parade]).as_slice() {
                    let visiting = events[visit].actors.iter().any(|a| {
                        a.country.as_deref() == Some(home.as_str())
                            && a.role.as_deref() == Some("visitor")
                    });
                    // A visit has one host: one that never names the parade's host
                    // and casts several others as hosts by word order ("among the
                    // heads of state present were India's president, on an official
                    // visit, the Congolese Sassou Nguesso ...") lists fellow guests.
                    let listed = hosts(&events[visit]).len() >= 2
                        && !events[visit]
                            .actors
                            .iter()
                            .any(|a| a.country.as_deref() == Some(home.as_str()));
                    if visiting || listed {
                        let host = self.country_in_role(home, "host");
                        changed = recast(&mut events[visit], host, "visitor");
                    }
                }
            }
        }
        // The visitors of a visit to the parade's host watch the parade: its guests.
        let mut joined = false;
        let parade_hosts = hosts(&events[parade]);
        if let [home] = parade_hosts.as_slice() {
            let visitors: Vec<String> = if hosts(&events[visit]).contains(home) {
                events[visit]
                    .actors
                    .iter()
                    .filter(|a| a.role.as_deref() == Some("visitor"))
                    .filter_map(|a| a.country.clone())
                    .collect()
            } else {
                Vec::new()
            };
            for country in visitors {
                let named = events[parade]
                    .actors
                    .iter()
                    .any(|a| a.country.as_deref() == Some(country.as_str()) && a.role.is_some());
                if &country == home || named || events[parade].actors.len() >= MAX_ACTORS {
                    continue;
                }
                events[parade]
                    .actors
                    .push(self.country_in_role(&country, "guest"));
                joined = true;
            }
        }
        // The parade's guests are the visitors of a visit to its host (the rostrum
        // names them after the first: "Putin, Kim and the presidents of Iran and
        // Belarus watched"); a visit with no host named is to the parade's.
        if let [home] = parade_hosts.as_slice() {
            let visit_hosts = hosts(&events[visit]);
            let visiting_home = events[visit].actors.iter().any(|a| {
                a.country.as_deref() == Some(home.as_str()) && a.role.as_deref() == Some("visitor")
            });
            if visit_hosts.contains(home) || (visit_hosts.is_empty() && !visiting_home) {
                if visit_hosts.is_empty() && events[visit].actors.len() < MAX_ACTORS {
                    let host = self.country_in_role(home, "host");
                    events[visit].actors.push(host);
                    joined = true;
                }
                let mut actors = std::mem::take(&mut events[visit].actors);
                joined |= self.add_guests(&events[parade], &mut actors, home);
                events[visit].actors = actors;
            }
        }
        if let (true, Some(trace)) = (changed || joined, trace.as_deref_mut()) {
            trace.lines.push(format!(
                "one occasion: the parade and the visit are hosted by {}",
                hosts(&events[parade]).join(",")
            ));
        }
    }

    /// Adds the guest countries of a parade held by `home` to a visit's actors as its
    /// visitors; whether any was added.
    fn add_guests(&self, parade: &Event, visit: &mut Vec<Actor>, home: &str) -> bool {
        let mut added = false;
        for guest in &parade.actors {
            let Some(country) = guest.country.as_deref() else {
                continue;
            };
            if guest.kind != "country" || guest.role.as_deref() != Some("guest") || country == home
            {
                continue;
            }
            let visiting = visit.iter().any(|a| {
                a.country.as_deref() == Some(country) && a.role.as_deref() == Some("visitor")
            });
            if visiting || visit.len() >= MAX_ACTORS {
                continue;
            }
            visit.push(self.country_in_role(country, "visitor"));
            added = true;
        }
        added
    }

    /// Events the reported ones imply (issue 10): a leader of one country present at
    /// an occasion held in another is on a state visit there. The occasions, in the
    /// order tried: a parade (the guest of honour), then a meeting or a signing the
    /// article reports as main, where the host country is a party too (the host's
    /// leader met or signed with the guest; leaders at a summit of many are at the
    /// summit, not each on a visit). Added only when the article reports no visit
    /// as main. Reads only the events already found: no cost per sentence.
    fn implied(
        &self,
        model: &LangModel,
        fields: &[Field<'_>; 2],
        published: Option<NaiveDate>,
        events: &mut Vec<Event>,
        trace: &mut Option<&mut Explanation>,
    ) {
        let Some(visit) = model.events.iter().find(|e| e.kind == "state_visit") else {
            return;
        };
        // A visit mentioned besides (another one, in passing) does not tell this one.
        if events
            .iter()
            .any(|e| e.kind == "state_visit" && e.salience == Salience::Main)
        {
            return;
        }
        // Guests of honour at a parade are named in any of its sentences (the
        // rostrum, the march past); the parties of a meeting or signing in its own.
        let leader = |name: &str| self.gazetteer.led_on(name, published);
        let parade = events
            .iter()
            .filter(|e| e.kind == "military_parade")
            .find_map(|e| implied_visit(e, false, leader).map(|parties| (e, parties, AT_PARADE)));
        // Leaders meeting on the sidelines of a summit of many are at that summit. Talks
        // main only as held during a main visit or signing are that occasion's talks.
        let summit_of_many = events.iter().any(|e| {
            e.kind == "summit"
                && e.salience == Salience::Main
                && e.salience_cue != DURING_OCCASION
                && countries(e).len() > 2
        });
        let found = parade.or_else(|| {
            if summit_of_many {
                return None;
            }
            events
                .iter()
                .filter(|e| {
                    matches!(e.kind.as_str(), "summit" | "agreement_signing")
                        && e.salience == Salience::Main
                })
                .find_map(|e| {
                    let present = self.leaders_at(model, fields, e, published);
                    implied_visit(e, true, |name| present.contains(name))
                        .map(|parties| (e, parties, MEETING_HOST))
                })
        });
        let Some((occasion, (visitors, host), (cue, rule))) = found else {
            return;
        };
        let mut actors: Vec<Actor> = visitors
            .iter()
            .map(|country| self.country_in_role(country, "visitor"))
            .collect();
        actors.push(self.country_in_role(&host, "host"));
        // At a parade, the guests the rostrum names besides the leader found are
        // visitors too.
        if occasion.kind == "military_parade" {
            self.add_guests(occasion, &mut actors, &host);
        }
        let implied = Event {
            kind: visit.kind.clone(),
            cameo: visit.cameo.clone(),
            plover: visit.plover.clone(),
            confidence: (occasion.confidence * 0.9 * 100.0).round() / 100.0,
            status: occasion.status,
            evidence: occasion.evidence.clone(),
            actors,
            location: occasion.location.clone(),
            date: occasion.date.clone(),
            salience: occasion.salience,
            salience_cue: cue.into(),
            rule: rule.into(),
        };
        if let Some(trace) = trace.as_deref_mut() {
            trace.lines.push(format!(
                "implied: state_visit from a foreign leader at the {}",
                occasion.kind
            ));
        }
        events.push(implied);
    }

    /// The heads of state and government at a meeting or signing: those its own
    /// sentence names, and for one told in the title those of the lead, which
    /// names who met or signed. A leader named elsewhere in the article
    /// ("Tshisekedi's government welcomed the signing") was not there.
    fn leaders_at(
        &self,
        model: &LangModel,
        fields: &[Field<'_>; 2],
        occasion: &Event,
        published: Option<NaiveDate>,
    ) -> HashSet<&str> {
        let mut leaders = self.leaders_in(model, &occasion.evidence.text, published);
        if occasion.evidence.field == "title" {
            let body = fields[1].text;
            leaders.extend(self.leaders_in(model, &body[..lead_end(body)], published));
        }
        leaders
    }

    /// The office word that makes a visit trigger's visitor a minister or envoy: on
    /// the visitor's side of the trigger, in its sentence, with no leader there ("Wang,
    /// China's foreign minister, landed in Delhi", "the two ministers were received by
    /// Trump"), or the sentence's first word, when the visitor's side is before the
    /// trigger and the field names that word with an office word ("Healey, on his
    /// first trip to Australia" after "the Defence Secretary, John Healey").
    #[allow(clippy::too_many_arguments)]
    fn minister_trip<'m>(
        &self,
        model: &'m LangModel,
        field: &Field<'_>,
        span: &Span,
        mentions: &[Mention],
        trigger: &Hit,
        before: Option<RoleId>,
        after: Option<RoleId>,
        event: &crate::model::EventType,
        published: Option<NaiveDate>,
    ) -> Option<&'m str> {
        if model.ministers.is_empty() {
            return None;
        }
        let visitor = |r: Option<RoleId>| r.is_some_and(|r| model.roles[r as usize] == "visitor");
        let (start, end) = if visitor(before.or(event.before)) {
            (span.start, trigger.start)
        } else if visitor(after.or(event.after)) {
            (trigger.end, span.end)
        } else {
            return None;
        };
        let side = &field.lowered[start..end];
        let leader = mentions.iter().any(|m| {
            let entity = &self.gazetteer.entities[m.entity as usize];
            m.start >= start
                && m.end <= end
                && entity.kind == EntityKind::Person
                && self.gazetteer.led_on(&entity.name, published)
        }) || model
            .leader_titles
            .iter()
            .any(|w| word_at(side, w).is_some());
        if leader {
            return None;
        }
        if let Some(office) = model.ministers.iter().find(|w| word_at(side, w).is_some()) {
            return Some(office);
        }
        if start != span.start {
            return None;
        }
        named_minister(field.text, field.lowered, span.start, &model.ministers)
    }

    /// The minister or envoy who meets at a meeting word: named right beside it
    /// (`ENVOY_REACH` characters between them: "Lavrov held talks with Araghchi", "received
    /// Akazawa and talked for fifty minutes"), in a sentence naming the leaders (in
    /// office on `published`) of fewer than two states. A minister named further off
    /// comes along or is told in another clause ("accompanied by his foreign minister,
    /// Wang Yi, ... a private meeting with the head of state").
    fn envoys_meeting(
        &self,
        text: &str,
        mentions: &[Mention],
        trigger: &Hit,
        published: Option<NaiveDate>,
    ) -> Option<&str> {
        let mut envoy = None;
        let mut leaders: Vec<&str> = Vec::new();
        for m in mentions {
            let entity = &self.gazetteer.entities[m.entity as usize];
            if entity.kind != EntityKind::Person {
                continue;
            }
            if self.gazetteer.led_on(&entity.name, published) {
                if !leaders.contains(&entity.country.as_str()) {
                    leaders.push(entity.country.as_str());
                }
            } else if envoy.is_none() && self.gazetteer.envoys.contains(&entity.name) && {
                let gap = match (
                    text.get(m.end..trigger.start),
                    text.get(trigger.end..m.start),
                ) {
                    (Some(gap), _) | (_, Some(gap)) => gap.chars().count(),
                    _ => 0,
                };
                gap <= ENVOY_REACH
            } {
                envoy = Some(entity.name.as_str());
            }
        }
        envoy.filter(|_| leaders.len() < 2)
    }

    /// The heads of state and government in office on `published` a text names.
    fn leaders_in(
        &self,
        model: &LangModel,
        sentence: &str,
        published: Option<NaiveDate>,
    ) -> HashSet<&str> {
        let mut hits = Vec::new();
        model.scan(sentence, &lower_aligned(sentence), &mut hits);
        hits.iter()
            .filter_map(|hit| match hit.what {
                What::Entity(entity) => {
                    Some(self.gazetteer.entities[entity as usize].name.as_str())
                }
                _ => None,
            })
            .filter(|name| self.gazetteer.led_on(name, published))
            .collect()
    }

    /// The event in one sentence, if its rules fire there; otherwise why not
    /// (`None` when no trigger of the type decides anything here).
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
        occasion: bool,
        published: Option<NaiveDate>,
        view: &ArticleView<'_>,
        triggered: u64,
    ) -> Result<Found<'g>, Option<String>> {
        let mut trigger: Option<&Hit> = None;
        // Context phrases by position: a word does not confirm itself ("deal" is
        // both a weak trigger and the context of "signed").
        let mut contexts = [(0usize, 0usize); 4];
        let mut n_contexts = 0usize;
        let mut senses = 0u8;
        let event = &model.events[event_id as usize];
        for hit in hits {
            match hit.what {
                What::Exclude(e) if e == event_id => {
                    return Err(Some(format!(
                        "excluded by \"{}\"",
                        &field.text[hit.start..hit.end]
                    )))
                }
                What::Context(e) if e == event_id => {
                    if let Some(slot) = contexts.get_mut(n_contexts) {
                        *slot = (hit.start, hit.end);
                    }
                    n_contexts += 1;
                }
                What::Sense(domain) if event.other_senses & (1 << domain) != 0 => {
                    senses |= 1 << domain
                }
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
        let trigger = trigger.ok_or(None)?;
        let What::Trigger {
            rule,
            weak,
            standalone,
            minor,
            part,
            before,
            after,
            ..
        } = trigger.what
        else {
            return Err(None);
        };
        // More context phrases than slots: some lie outside the one trigger.
        let context = n_contexts > contexts.len()
            || contexts[..n_contexts.min(contexts.len())]
                .iter()
                .any(|&(start, end)| end <= trigger.start || start >= trigger.end);
        // A leader named in the sentence stands for their title.
        let context = context
            || (event.leader_context
                && mentions.iter().any(|m| {
                    self.gazetteer.entities[m.entity as usize].kind == EntityKind::Person
                }));
        let phrase = &model.rules[rule as usize];
        // A meeting word where a minister or an envoy meets, with the leaders of
        // fewer than two states named beside them: ministers' talks, a negotiators'
        // round, a minister received by a president; no summit of leaders.
        if minor && event.leaders_meet {
            if let Some(envoy) = self.envoys_meeting(field.lowered, mentions, trigger, published) {
                return Err(Some(format!("{envoy} meets: {ENVOYS_MEETING}")));
            }
        }
        // Talks in an article that reports their occasion (a visit): the occasion
        // confirms them and names their parties.
        let already = already || (minor && occasion);
        if weak && !context && !already {
            return Err(Some(format!("weak trigger {phrase} without context")));
        }
        // An event the article already told, named again by a weak trigger beside a
        // verb of reacting to it: the sentence names who reacts, not who takes part.
        if weak && already && hits.iter().any(|h| h.what == What::Reaction) {
            return Err(Some(format!("weak trigger {phrase} in a reaction to it")));
        }
        // A sub-aspect of another event in the same sentence (missiles shown at a
        // parade, strikes simulated in drills) is that event, not a second one. A
        // strong trigger ("strikes on") names an event of its own.
        // Another type's trigger elsewhere than this one's: the same word ("strike")
        // triggering two types does not make either an aspect of the other.
        let aspect = event.aspect_of != 0
            && hits.iter().any(|h| match h.what {
                What::Trigger { event: other, .. } => {
                    triggered & event.aspect_of & (1 << other) != 0
                        && (h.end <= trigger.start || h.start >= trigger.end)
                }
                _ => false,
            });
        if weak && aspect {
            return Err(Some("a sub-aspect of another event in the sentence".into()));
        }
        // Senses: the URL's section, the participants, the vocabulary around the trigger.
        let sense = |d: u8| model.senses[d as usize].as_str();
        if let Some(domain) = view
            .url_domain
            .filter(|d| event.other_senses & (1 << d) != 0)
        {
            // States named as the type needs them, and no company or club: the
            // event's own report filed under another section (a trade agreement in
            // the economy pages).
            let states = event.states_over_section && {
                let state =
                    EntityKind::Country.bit() | EntityKind::Body.bit() | EntityKind::Person.bit();
                let other_sense = mentions.iter().any(|m| {
                    event.other_sense_kinds & self.gazetteer.entities[m.entity as usize].kind.bit()
                        != 0
                });
                !other_sense
                    && self.countries_named(mentions, state).len() >= event.min_parties.max(2)
            };
            if !states {
                return Err(Some(format!("sense {}: section in the URL", sense(domain))));
            }
        }
        // Leaders of two countries named in the sentence: a party there is one
        // leader's own ("To Lam, general secretary of the Communist Party").
        let leader_countries = {
            let mut people = mentions.iter().filter_map(|m| {
                let entity = &self.gazetteer.entities[m.entity as usize];
                (entity.kind == EntityKind::Person).then_some(entity.country.as_str())
            });
            people
                .next()
                .is_some_and(|first| people.any(|c| c != first))
        };
        for mention in mentions {
            let kind = self.gazetteer.entities[mention.entity as usize].kind;
            // Beside the event's own context (leaders, a president), a company is
            // what they talk about or visit ("the two leaders discussed Boeing
            // jets"), not a participant. A club keeps its sense (club presidents
            // meet too), and a party keeps it in its own country's politics. For
            // types whose companies act for themselves (`company_signs`), a company
            // named before the trigger in its clause, with no person before it, is
            // who signs: a company's deal, whatever the agreement words around it.
            let signatory = event.company_signs
                && mention.start < trigger.start
                && field
                    .lowered
                    .get(mention.end..trigger.start)
                    .is_none_or(|gap| !gap.contains([',', ';', '，', '；']))
                && !mentions.iter().any(|m| {
                    m.start < trigger.start
                        && self.gazetteer.entities[m.entity as usize].kind == EntityKind::Person
                });
            let subject = match kind {
                EntityKind::Company => (context || leader_countries) && !signatory,
                EntityKind::Party => leader_countries,
                _ => false,
            };
            if subject {
                continue;
            }
            if event.other_sense_kinds & kind.bit() != 0 {
                return Err(Some(format!(
                    "sense: \"{}\" ({kind:?}) takes part",
                    &field.text[mention.start..mention.end]
                )));
            }
        }
        if senses != 0 && !context {
            let domain = senses.trailing_zeros() as u8;
            return Err(Some(format!(
                "sense {}: its vocabulary around the trigger, no context of the event",
                sense(domain)
            )));
        }
        if let Some(domain) = view
            .lead_domain
            .filter(|d| event.other_senses & (1 << d) != 0)
        {
            if !context || event.lead_senses & (1 << domain) != 0 {
                let why = if context {
                    "a lead sense of the type"
                } else {
                    "no context of the event"
                };
                return Err(Some(format!(
                    "sense {}: title and lead, {why}",
                    sense(domain)
                )));
            }
        }
        // Required arguments: the parties the type needs, in the sentence, else
        // resolvable from the title and lead.
        let mut countries: Vec<&str> = Vec::new();
        for mention in mentions {
            let entity = &self.gazetteer.entities[mention.entity as usize];
            if event.party_kinds & entity.kind.bit() != 0
                && !countries.contains(&entity.country.as_str())
            {
                countries.push(entity.country.as_str());
            }
        }
        let in_sentence = countries.len();
        // "He arrived in Paris", "The prime minister landed in Hanoi": a subject
        // standing for a person named before is the leader the article last named
        // (else the one of its title and lead), when that leader is not of the
        // country where it happens.
        let location = self.location(field, hits, mentions, trigger, event_id);
        let mut antecedent = None;
        if event.sentence_parties > 0 && !standalone && before.or(event.before).is_some() {
            let anaphor = model.anaphor_in(field.lowered, span.start, trigger.start);
            let unnamed = !mentions.iter().any(|m| {
                m.start < trigger.start
                    && self.gazetteer.entities[m.entity as usize].kind != EntityKind::Place
            });
            if anaphor && unnamed {
                let here =
                    location.map(|m| self.gazetteer.entities[m.entity as usize].country.as_str());
                let foreign_leader = |id: u32| {
                    let entity = &self.gazetteer.entities[id as usize];
                    (entity.kind == EntityKind::Person && Some(entity.country.as_str()) != here)
                        .then_some(entity)
                };
                let earlier =
                    &field.mentions[..field.mentions.partition_point(|m| m.start < span.start)];
                antecedent = earlier
                    .iter()
                    .rev()
                    .take(MAX_ANTECEDENT_LOOKBACK)
                    .find_map(|m| foreign_leader(m.entity))
                    .or_else(|| view.lead_person.and_then(foreign_leader));
                if let Some(entity) = antecedent {
                    if event.party_kinds & entity.kind.bit() != 0
                        && !countries.contains(&entity.country.as_str())
                    {
                        countries.push(entity.country.as_str());
                    }
                }
            }
        }
        if !already && !standalone && event.sentence_parties > 0 {
            // Who takes part: a place alone says only where.
            let parties = event.party_kinds & !EntityKind::Place.bit();
            let named =
                self.countries_named(mentions, parties).len() + usize::from(antecedent.is_some());
            if named < event.sentence_parties {
                return Err(Some(format!(
                    "{named} of {} parties its sentence must name",
                    event.sentence_parties
                )));
            }
        }
        // A meeting word needs the parties of a meeting between states; a summit
        // noun may name its host alone.
        let needed = if minor {
            event.meeting_parties
        } else {
            event.min_parties
        };
        if !standalone && countries.len() < needed {
            // A sentence that names no party of its own ("the three groups signed")
            // borrows those of the title and lead. When the title names a company or
            // a club of the type's other senses, and the title and lead no person, the
            // headline tells the company's or the club's affair, and the countries are
            // theirs: its deal, its vote. (Companies named further down the lead, among
            // the police and army units of a drill, do not make it theirs.)
            let sense_kinds =
                event.other_sense_kinds & (EntityKind::Company.bit() | EntityKind::Club.bit());
            let headline_is_theirs =
                view.lead_person.is_none() && view.title_kinds & sense_kinds != 0;
            if headline_is_theirs
                && antecedent.is_none()
                && self
                    .countries_named(mentions, event.party_kinds & !EntityKind::Place.bit())
                    .is_empty()
            {
                return Err(Some(
                    "the title and lead's parties are a company's or a club's".into(),
                ));
            }
            for (country, kind) in &view.lead_parties {
                if event.party_kinds & kind.bit() != 0 && !countries.contains(country) {
                    countries.push(country);
                }
            }
            if countries.len() < needed {
                return Err(Some(format!(
                    "{} of {needed} parties it needs (sentence, title and lead)",
                    countries.len(),
                )));
            }
        }

        let mutual = hits.iter().any(|h| {
            matches!(h.what, What::Mutual(e) if e == event_id)
                && h.start < trigger.end
                && h.end > trigger.start
        });
        let (mut status, mut cued) = status(model, field, span, hits, trigger);
        // A date dates the event when it stands near the trigger (twice the status
        // cues' window): one further on dates another clause ("received Milei ...
        // provided his party wins the elections of 26 October").
        let reach = 2 * model.status_window;
        let near_start = field.lowered[span.start..trigger.start]
            .char_indices()
            .rev()
            .nth(reach)
            .map_or(span.start, |(i, _)| span.start + i);
        let near_end = field.lowered[trigger.end..span.end]
            .char_indices()
            .nth(reach)
            .map_or(span.end, |(i, _)| trigger.end + i);
        let near = slice(hits, near_start, near_end);
        // Votes and summits are held on a calendar and named by their year ("la
        // présidentielle de 2027" in a 2025 article); a signing or sanctions "until
        // 2030" are not dated by the year they run to, nor are talks ("cerrar las
        // negociaciones en 2027") by the year they are to end.
        if !cued
            && !weak
            && !minor
            && model.word_boundaries
            && matches!(event.kind.as_str(), "election" | "summit")
            && dates::names_later_year(
                &field.lowered[span.start..span.end],
                trigger.start - span.start,
                trigger.end - span.start,
                published,
            )
        {
            status = EventStatus::Planned;
            cued = true;
        }
        if !cued && dates::mentions_future(field.lowered, near, published) {
            // "elections in October", "le 12 octobre" in an article from September.
            status = EventStatus::Planned;
            cued = true;
        }
        if event.abroad {
            // A minister's or an envoy's trip ("Wang Yi's trip to Delhi", "Rubio
            // travelled to Riyadh"): the person named just before the trigger, in
            // its clause, travels for a government and is on no state visit.
            let envoy = mentions
                .iter()
                .filter(|m| m.end <= trigger.start)
                .max_by_key(|m| m.end)
                .filter(|m| {
                    field
                        .lowered
                        .get(m.end..trigger.start)
                        .is_some_and(|gap| gap.len() <= 24 && !gap.contains([',', ';', '(', ')']))
                })
                .map(|m| &self.gazetteer.entities[m.entity as usize])
                .filter(|e| {
                    e.kind == EntityKind::Person && self.gazetteer.envoys.contains(&e.name)
                });
            if let Some(envoy) = envoy {
                return Err(Some(format!(
                    "{}'s trip: a minister or envoy is on no state visit",
                    envoy.name
                )));
            }
            if let Some(office) = self.minister_trip(
                model, field, span, mentions, trigger, before, after, event, published,
            ) {
                return Err(Some(format!(
                    "a minister's trip (\"{office}\"): no state visit"
                )));
            }
            // A leader visiting a province or a site of their own country: every party
            // the sentence names, besides the place itself, is of the country where
            // it happens.
            if let Some(place) = location {
                let here = self.gazetteer.entities[place.entity as usize]
                    .country
                    .as_str();
                let mut parties = mentions
                    .iter()
                    .filter(|m| m.start != place.start)
                    .map(|m| &self.gazetteer.entities[m.entity as usize])
                    .filter(|e| {
                        e.kind != EntityKind::Place && event.party_kinds & e.kind.bit() != 0
                    })
                    .peekable();
                // A foreign leader a pronoun stands for is the visitor ("He arrived in
                // Paris to join Macron").
                if antecedent.is_none()
                    && parties.peek().is_some()
                    && parties.all(|e| e.country == here)
                {
                    return Err(Some(format!(
                        "domestic: every party is of {here}, where it happens"
                    )));
                }
            }
        }
        let mut actors = self.actors(
            model, field, hits, mentions, event, event_id, trigger, before, after, &location,
        );
        if let Some(entity) = antecedent {
            let role = before.or(event.before);
            if !actors.iter().any(|a| a.person && a.name == entity.name) {
                actors.push(Cast {
                    name: &entity.name,
                    person: true,
                    country: &entity.country,
                    role,
                    cued: false,
                });
            }
            if !actors
                .iter()
                .any(|a| !a.person && a.country == entity.country)
            {
                let mut cast = self.country_actor(&entity.country, role);
                cast.cued = true;
                actors.push(cast);
            }
        }

        // Explainable score: trigger strength, then context, named countries, title.
        let mut confidence = if weak { 0.45 } else { 0.6 };
        if context {
            confidence += 0.15;
        }
        confidence += 0.1 * in_sentence.min(2) as f64;
        if field.name == "title" {
            confidence += 0.05;
        }
        let confidence = (confidence.min(0.99) * 100.0).round() / 100.0;
        Ok(Found {
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
            rule,
            written_date: false,
            in_lead: None,
            developed: 0,
            background_cue: None,
            developed_occurred: false,
            part_only: part,
            part_salience: (None, 0, false),
            primary: false,
            paragraphs: [(0, 0); MAX_PARAGRAPHS],
            paragraph_count: 0,
            trigger_start: trigger.start,
            trigger_end: trigger.end,
            mutual,
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
        event_id: u16,
    ) -> Option<Mention> {
        // "talks on the war in Ukraine": the topic is no place of the event.
        let topic = |m: &Mention| {
            mentions
                .iter()
                .position(|n| n.start == m.start)
                .is_some_and(|i| topical(field.lowered, hits, mentions, i, event_id))
        };
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
            if !matches!(kind, EntityKind::Place | EntityKind::Country) || topic(mention) {
                continue;
            }
            // "Analysts in Seoul said": where someone spoke, not where it happens.
            let spoke_there = hits.iter().any(|h| {
                matches!(h.what, What::Reporting)
                    && h.start >= mention.end
                    && field.lowered[mention.end..h.start].trim().is_empty()
            });
            if spoke_there {
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
        // A place right before the trigger ("the Beijing military parade").
        best.map(|(_, _, m)| m).or_else(|| {
            mentions
                .iter()
                .rfind(|m| {
                    m.end <= trigger.start && field.lowered[m.end..trigger.start].trim().is_empty()
                })
                .filter(|m| {
                    let kind = self.gazetteer.entities[m.entity as usize].kind;
                    kind == EntityKind::Place && !topic(m)
                })
                .copied()
        })
    }

    /// Roles, strongest evidence first: a role cue ("visit to", "sanctions on"), then
    /// the location's country (unless a cue already named who holds that role), then
    /// the trigger's side. A country keeps the strongest role any mention gives it.
    #[allow(clippy::too_many_arguments)]
    fn actors<'g>(
        &'g self,
        model: &LangModel,
        field: &Field<'_>,
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
        // A cue inside a longer one at the same place yields to it ("hosted" in
        // "hosted by" names no host before it).
        let inner = |hit: &Hit| {
            hits.iter().any(|h| {
                h.start == hit.start
                    && h.end > hit.end
                    && matches!(h.what, What::RoleCue { events, .. } if events & (1 << event_id) != 0)
            })
        };
        let cue_role = |i: usize| {
            hits.iter().find_map(|hit| match hit.what {
                What::RoleCue { role, events, side }
                    if events & (1 << event_id) != 0 && !inner(hit) =>
                {
                    let target = match side {
                        // A mention inside the cue counts too (訪米: the host is 米).
                        Side::After => mentions.iter().position(|m| m.start >= hit.start),
                        Side::Before => mentions.iter().rposition(|m| m.end <= hit.start),
                    };
                    // A cue names the actor beside it ("visit to the United States");
                    // one farther on is in another phrase ("into the airspace of the
                    // country, as Russia attacked Ukraine").
                    let gap = match side {
                        Side::After => field.lowered.get(hit.end..mentions[i].start),
                        Side::Before => field.lowered.get(mentions[i].end..hit.start),
                    };
                    let near = gap.is_none_or(|gap| {
                        gap.chars().nth(CUE_REACH).is_none()
                            && !gap.contains([',', ';', '，', '、', '；', '،'])
                    });
                    // Unspaced scripts: a space between two clauses of a headline.
                    let across = || {
                        let (from, to) = match side {
                            Side::After => (hit.end, mentions[i].start),
                            Side::Before => (mentions[i].end, hit.start),
                        };
                        !model.word_boundaries && cjk_space_break(field.lowered, from, to)
                    };
                    (target == Some(i) && near && !across()).then_some(role)
                }
                _ => None,
            })
        };
        let cued: Vec<Option<RoleId>> = (0..mentions.len()).map(cue_role).collect();
        let location_role = event.location.filter(|role| !cued.contains(&Some(*role)));
        let one_nation = {
            let mut countries = mentions
                .iter()
                .map(|m| &self.gazetteer.entities[m.entity as usize])
                .filter(|e| e.kind != EntityKind::Person)
                .map(|e| e.country.as_str());
            let first = countries.next();
            countries.all(|c| Some(c) == first)
        };
        // The country a cue gave a role, by role.
        let cued_to = |role: Option<RoleId>| {
            let i = cued.iter().position(|c| role.is_some() && *c == role)?;
            Some(
                self.gazetteer.entities[mentions[i].entity as usize]
                    .country
                    .as_str(),
            )
        };
        // The country of a demonym that modifies the trigger ("heavy Russian missile
        // attacks", "российские беспилотники атаковали", "frappes israéliennes"): the
        // agent, in types whose rule says so (`agent_adjective`; not a visit's "arrived
        // at the Egyptian resort"). Other countries named before the trigger are then
        // its other side ("Ukraine's minister asked for air defence after Russian
        // attacks").
        // A demonym a role cue claims is that role's, not the agent ("sanciones contra
        // empresas chinas", "عقوبات على مصفاة صينية": the Chinese are the target).
        let agent = (event.agent_adjective && before.or(event.before) != after.or(event.after))
            .then(|| {
                mentions.iter().zip(&cued).find_map(|(m, cue)| {
                    if !m.demonym || cue.is_some() {
                        return None;
                    }
                    let beside = if model.adjectives_follow {
                        m.start >= trigger.end
                            && adjective_gap(model, &field.lowered[trigger.end..m.start])
                    } else {
                        m.end <= trigger.start
                            && modifier_gap(
                                &field.lowered[m.end..trigger.start],
                                model.word_boundaries,
                            )
                    };
                    beside.then_some(m)
                })
            })
            .flatten()
            .map(|m| self.gazetteer.entities[m.entity as usize].country.as_str());
        // A verb at the end of its clause (`verb_final`, a lower-case trigger): the
        // clause's first name, persons and countries alike, is the subject; the names
        // between it and the verb are the object, as if they stood after the trigger
        // ("Russland hat die ukrainische Großstadt Dnipro ... angegriffen").
        let object_from = (model.verb_final
            && before.or(event.before) != after.or(event.after)
            && field.text[trigger.start..]
                .chars()
                .next()
                .is_some_and(char::is_lowercase))
        .then(|| {
            // The clause's start: the last comma or colon before the verb, looked
            // for within a clause's length so the work stays linear.
            let reach = floor_char(field.lowered, trigger.start.saturating_sub(CLAUSE_REACH));
            let clause = field.lowered[reach..trigger.start]
                .rfind([',', ';', ':', '–'])
                .map_or(reach, |i| reach + i + 1);
            let mut in_clause = mentions.iter().filter(|m| {
                m.start >= clause
                    && m.end <= trigger.start
                    && self.gazetteer.entities[m.entity as usize].kind != EntityKind::Place
            });
            let subject = in_clause.next()?;
            in_clause.next().map(|_| subject.end)
        })
        .flatten();
        // A verb opening its clause (`verb_first`): with no name before it in the
        // clause, the first name after it that no cue claims is its subject, on the
        // `before` side ("واستقبل السيسي ... ميلوني": Sisi hosts).
        let subject_after = (model.verb_first && before.or(event.before) != after.or(event.after))
            .then(|| {
                let reach = floor_char(field.lowered, trigger.start.saturating_sub(CLAUSE_REACH));
                let clause = field.lowered[reach..trigger.start]
                    .char_indices()
                    .rev()
                    .find(|&(_, c)| {
                        matches!(
                            c,
                            ',' | ';' | ':' | '،' | '؛' | '–' | '.' | '!' | '?' | '؟' | '\n'
                        )
                    })
                    .map_or(reach, |(i, c)| reach + i + c.len_utf8());
                // The verb opens its clause: at most two words ("وقد", "كما") and no
                // name, not even a capital's ("واشنطن تفرض عقوبات"), before it.
                let words_before = field.lowered[clause..trigger.start]
                    .split_whitespace()
                    .count();
                let named_before = mentions
                    .iter()
                    .any(|m| m.start >= clause && m.end <= trigger.start);
                if named_before || words_before > 2 {
                    return None;
                }
                mentions.iter().enumerate().position(|(i, m)| {
                    m.start >= trigger.end
                        && cued[i].is_none()
                        && self.gazetteer.entities[m.entity as usize].kind != EntityKind::Place
                })
            })
            .flatten();
        // Whether a name that can hold a role (no place) stands after the trigger
        // (`true`) or before it (`false`), in the sentence.
        let named_on = |after: bool| {
            mentions.iter().any(|m| {
                self.gazetteer.entities[m.entity as usize]
                    .kind
                    .stands_for_country()
                    && self.gazetteer.entities[m.entity as usize].kind != EntityKind::Place
                    && if after {
                        m.start >= trigger.end
                    } else {
                        m.end <= trigger.start
                    }
            })
        };
        let mut people: Vec<Cast<'g>> = Vec::new();
        // (actor, strength of the evidence for its role)
        let mut countries: Vec<(Cast<'g>, u8)> = Vec::new();
        for (i, mention) in mentions.iter().enumerate() {
            let entity = &self.gazetteer.entities[mention.entity as usize];
            if !entity.kind.stands_for_country() || people.len() + countries.len() >= MAX_ACTORS {
                continue;
            }
            // What the event is about ("talks on Gaza") takes no part in it, unless a
            // role cue says otherwise.
            if cued[i].is_none()
                && entity.kind != EntityKind::Person
                && topical(field.lowered, hits, mentions, i, event_id)
            {
                continue;
            }
            let is_place = entity.kind == EntityKind::Place;
            let is_location = location.is_some_and(|l| l.start == mention.start);
            // "frappes israéliennes", "غارات إسرائيلية": a demonym right after the
            // trigger, where adjectives follow the noun, names the agent, in types
            // whose rule says so: after a verb of receiving, "recebe o presidente
            // chinês" names the guest.
            let agent_adjective = event.agent_adjective
                && model.adjectives_follow
                && mention.demonym
                && mention.start >= trigger.end
                && adjective_gap(model, &field.lowered[trigger.end..mention.start]);
            let after_trigger =
                (mention.start >= trigger.start && !agent_adjective && subject_after != Some(i))
                    || object_from
                        .is_some_and(|from| mention.start >= from && mention.end <= trigger.start);
            let (role, strength) = if let Some(role) = cued[i] {
                (Some(role), 3)
            } else if location_country == Some(entity.country.as_str()) && location_role.is_some() {
                (location_role, 2)
            } else if is_location {
                continue;
            } else if is_place {
                // "the foreign office in Berlin said": where someone spoke.
                let spoke_there = hits.iter().any(|h| {
                    matches!(h.what, What::Reporting)
                        && h.start >= mention.end
                        && field.lowered[mention.end..h.start].trim().is_empty()
                });
                // A place past a comma after the trigger is in another clause ("landed
                // in Madrid on Monday, ... when Russian forces crossed the border near
                // Kharkiv"), not where the event happens.
                let other_clause = mention.start >= trigger.end
                    && field.lowered[trigger.end..mention.start]
                        .contains([',', ';', '，', '、', '；', '،']);
                match event.place {
                    Some(role) if after_trigger && !spoke_there && !other_clause => (Some(role), 1),
                    _ => continue,
                }
            } else if event.nation.is_some()
                && entity.kind != EntityKind::Person
                && location_country.is_none()
                && !cued.contains(&event.nation)
                && one_nation
            {
                // Where the event happens is not said: the one country named is its
                // host. (Where it is, the other countries are guests; where several
                // are named, "the leaders of China, Russia and North Korea", the
                // sentence does not say whose event it is.)
                (event.nation, 1)
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
                    _ if !after_trigger
                        && other.is_some()
                        && agent.is_some_and(|country| country != entity.country) =>
                    {
                        (other, 0)
                    }
                    // Likewise a role a cue gave ("visita ao Japão, Lula ..."): the
                    // other names on its side hold the other role, unless a name on
                    // the other side holds it ("the EU adopted sanctions against
                    // Russia, blacklisting an Indian refinery": more targets).
                    _ if other.is_some()
                        && cued_to(side).is_some_and(|country| country != entity.country)
                        && !named_on(!after_trigger) =>
                    {
                        (other, 0)
                    }
                    _ => (side, 0),
                }
            };
            if entity.kind == EntityKind::Person && !people.iter().any(|p| p.name == entity.name) {
                people.push(Cast {
                    name: &entity.name,
                    person: true,
                    country: &entity.country,
                    role,
                    cued: false,
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
        let oriented = before.is_some() || after.is_some();
        people.extend(countries.into_iter().map(|(mut cast, strength)| {
            cast.cued = oriented || strength > 0;
            cast
        }));
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
            cued: false,
        }
    }
}

/// Salience cue of an event main as held during a main event of its `occasions`.
const DURING_OCCASION: &str = "during its occasion";

/// Salience cue and rule id of an implied visit, by its occasion.
const AT_PARADE: (&str, &str) = (
    "implied by a foreign leader at the parade",
    "implied/state_visit:foreign_leader_at_parade",
);
const MEETING_HOST: (&str, &str) = (
    "implied by a foreign leader meeting the host",
    "implied/state_visit:foreign_leader_meeting_host",
);

/// The countries of an event's parties, each once.
fn countries(event: &Event) -> Vec<&str> {
    countries_in_role(event, None)
}

/// The countries of an event's parties in `role` (any, for `None`), each once.
fn countries_in_role<'a>(event: &'a Event, role: Option<&str>) -> Vec<&'a str> {
    let mut countries: Vec<&str> = event
        .actors
        .iter()
        .filter(|a| role.is_none_or(|role| a.kind == "country" && a.role.as_deref() == Some(role)))
        .filter_map(|a| a.country.as_deref())
        .collect();
    countries.sort_unstable();
    countries.dedup();
    countries
}

/// The visitors and host of the visit an occasion implies: the countries of the
/// leaders (heads of state or government; a minister signing abroad is not on a
/// state visit) present that are not the host's, and the host, which is the
/// occasion's place's country or else the party it names as host. With
/// `host_party`, the host's country must be one of the occasion's parties (its
/// leader met or signed with the guests). Summits of many never get here: the
/// caller tries no meeting when the article reports one.
fn implied_visit(
    occasion: &Event,
    host_party: bool,
    is_leader: impl Fn(&str) -> bool,
) -> Option<(Vec<String>, String)> {
    let host = occasion
        .location
        .as_ref()
        .and_then(|l| l.country.clone())
        .or_else(|| {
            occasion
                .actors
                .iter()
                .find(|a| a.role.as_deref() == Some("host"))
                .and_then(|a| a.country.clone())
        })?;
    let mut visitors: Vec<String> = Vec::new();
    for actor in &occasion.actors {
        let Some(country) = actor.country.as_deref() else {
            continue;
        };
        let leader = actor.kind == "person" && is_leader(&actor.name);
        if leader && country != host && !visitors.iter().any(|v| v == country) {
            visitors.push(country.to_string());
        }
    }
    if visitors.is_empty() {
        return None;
    }
    if host_party && !countries(occasion).contains(&host.as_str()) {
        return None;
    }
    Some((visitors, host))
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
        let status = match hit.what {
            What::Status(status) => status,
            // A call verb governs the trigger on its object's side only: "urged the
            // EU to adopt sanctions", not "the protesters demand".
            What::Call if (hit.start >= trigger.end) == model.calls_follow => EventStatus::Planned,
            // "keine Militärparade": a determiner negates the noun after it.
            What::NegatingDeterminer if hit.end <= trigger.start => EventStatus::Negated,
            _ => continue,
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
        // A cue in another clause is about that clause's verb.
        let (from, to) = if hit.end <= trigger.start {
            (hit.end, trigger.start)
        } else {
            (trigger.end, hit.start)
        };
        // Unspaced scripts: a space between two CJK characters parts a headline's
        // clauses ("試射と発表 トランプ氏訪韓直前": "just before" dates the visit, not
        // the test).
        let across = hits
            .iter()
            .any(|h| matches!(h.what, What::ClauseBreak) && h.start >= from && h.end <= to)
            || (!model.word_boundaries && cjk_space_break(field.lowered, from, to));
        if across {
            continue;
        }
        let (gap, window) = if hit.end <= trigger.start {
            let gap = field.lowered[hit.end..trigger.start].chars().count();
            (gap, model.status_window)
        } else if hit.start >= trigger.end {
            let gap = field.lowered[trigger.end..hit.start].chars().count();
            // A called-off event is told in the passive, its noun first and the
            // verb at the clause's end ("la visite ... en France reportée").
            let window = if status == EventStatus::Negated {
                model.negated_window_after
            } else {
                model.status_window_after
            };
            (gap, window)
        } else {
            (0, model.status_window)
        };
        if gap > window && !final_reach(model, field, span, trigger, hit, status) {
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

/// Whether `hit`, a planned or speculative cue after the trigger, closes the sentence
/// (`final_status_reach`) with no blocker between the trigger and it: the modality of
/// a verb-last sentence is that of every verb chained to its last one ("米国を訪問し、
/// …会談する予定だ").
fn final_reach(
    model: &LangModel,
    field: &Field<'_>,
    span: &Span,
    trigger: &Hit,
    hit: &Hit,
    status: EventStatus,
) -> bool {
    let Some(reach) = model.final_status_reach else {
        return false;
    };
    if !matches!(status, EventStatus::Planned | EventStatus::Speculative)
        || hit.start < trigger.end
        || hit.end > span.end
    {
        return false;
    }
    let cue = &field.lowered[hit.start..hit.end];
    if !model.final_status_cues.iter().any(|c| c == cue) {
        return false;
    }
    let tail = field.lowered[hit.end..span.end].trim_end();
    if tail.chars().count() > reach {
        return false;
    }
    let between = &field.lowered[trigger.end..hit.start];
    !model
        .final_status_blockers
        .iter()
        .any(|b| between.contains(b.as_str()))
}

/// Gives `found[i]`, the first occurrence of its type, the salience of every later
/// occurrence of the type.
fn gather_salience(found: &mut [Found<'_>], i: usize) {
    let event = found[i].event;
    for j in i + 1..found.len() {
        if found[j].event == event {
            let (head, tail) = found.split_at_mut(j);
            // Another occurrence's displacing cue ("the anniversary of" another
            // country's parade) dates that occurrence, not this one.
            let cue = head[i].background_cue.take();
            head[i].add_salience_of(&tail[0]);
            head[i].background_cue = cue;
        }
    }
}

/// How much more confident a later sighting must be to take the lead.
const LEAD_MARGIN: f64 = 0.2;

/// Keeps the leading sighting of each event type and gathers every sighting's actors.
/// News puts the event first (title, lead), later sentences add background, so a
/// later sighting takes the lead only when it is clearly stronger. A city found in
/// any sighting beats a country-only location.
fn merge<'g>(
    found: &mut Vec<Found<'g>>,
    slot: Option<usize>,
    mut sighting: Found<'g>,
    order: usize,
) {
    let Some(existing) = slot.map(|i| &mut found[i]) else {
        sighting.order = order;
        sighting.primary = !found.iter().any(|f| f.event == sighting.event);
        found.push(sighting);
        return;
    };
    let mut actors = std::mem::take(&mut sighting.actors);
    // A body sentence displaced in time ("last met in Osaka in 2019") tells where
    // that earlier meeting was, not where the story's event is.
    let displaced = existing.background_cue.is_none()
        && sighting.background_cue.is_some()
        && sighting.in_lead.is_none();
    existing.add_salience_of(&sighting);
    existing.part_only &= sighting.part_only;
    existing.mutual |= sighting.mutual;
    if existing.title_only && sighting.evidence.field != "title" {
        existing.title_only = false;
        if !existing.cued {
            existing.status = sighting.status;
            existing.cued = sighting.cued;
        }
    }
    // A displaced sentence does not lead the occurrence either: its countries join
    // it, but the roles, status and evidence stay those the story's time gave.
    if sighting.confidence >= existing.confidence + LEAD_MARGIN && !displaced {
        std::mem::swap(&mut existing.actors, &mut actors);
        existing.status = sighting.status;
        existing.cued = sighting.cued;
        existing.evidence = sighting.evidence;
        existing.rule = sighting.rule;
        if sighting.date.is_some() && (sighting.written_date || !existing.written_date) {
            existing.date = sighting.date;
            existing.written_date = sighting.written_date;
        }
        if sighting.location.is_some() && (sighting.city || !existing.city) {
            existing.location = sighting.location;
            existing.city = sighting.city;
        }
    } else {
        // A written date ("on September 3") beats a weekday from an earlier
        // sentence, which is as often the day something was said.
        if sighting.date.is_some()
            && (existing.date.is_none() || (sighting.written_date && !existing.written_date))
        {
            existing.date = sighting.date;
            existing.written_date = sighting.written_date;
        }
        if sighting.location.is_some()
            && !displaced
            && (existing.location.is_none() || (sighting.city && !existing.city))
        {
            existing.location = sighting.location;
            existing.city = sighting.city;
        }
    }
    for &range in &sighting.paragraphs[..sighting.paragraph_count as usize] {
        let count = existing.paragraph_count as usize;
        if count < MAX_PARAGRAPHS && !existing.paragraphs[..count].contains(&range) {
            existing.paragraphs[count] = range;
            existing.paragraph_count += 1;
        }
    }
    existing.confidence = existing.confidence.max(sighting.confidence);
    for actor in actors {
        let full = existing.actors.len() >= MAX_ACTORS;
        let same = existing
            .actors
            .iter_mut()
            .find(|a| a.person == actor.person && a.name == actor.name);
        match same {
            // A role a cue, the location or an oriented trigger gave beats one a
            // sentence's word order gave ("State visit: Merz and Trump ..." then
            // "Merz arrived in Washington").
            Some(held) if actor.cued && !held.cued && actor.role.is_some() => {
                held.role = actor.role;
                held.cued = true;
            }
            Some(_) => {}
            None if !full => existing.actors.push(actor),
            None => {}
        }
    }
}

/// Most occurrences of one event type an article reports.
const MAX_OCCURRENCES: usize = 4;

/// The occurrence of the sighting's type it belongs to, `None` for a new one. News
/// places the story among other events of the same type ("days after Israel struck
/// Doha", "a summit planned for next year"): a sighting that names a country in
/// another role than an occurrence gives it, or that is cued with another status,
/// is another occurrence. Past the limit, a sighting joins the first occurrence.
fn occurrence(
    found: &[Found<'_>],
    sighting: &Found<'_>,
    event: u16,
    sided: bool,
    host: Option<RoleId>,
    symmetric: bool,
) -> Option<usize> {
    let mut first = None;
    let mut count = 0;
    for (i, occurrence) in found.iter().enumerate() {
        if occurrence.event != event {
            continue;
        }
        first.get_or_insert(i);
        count += 1;
        if compatible(occurrence, sighting, sided, host, symmetric) {
            return Some(i);
        }
    }
    match first {
        Some(i) if count >= MAX_OCCURRENCES => Some(i),
        _ => None,
    }
}

/// Whether a sighting can be part of an occurrence: no country in two roles, no
/// two cued statuses (an uncued status, a headline's dropped tense, yields).
fn compatible(
    occurrence: &Found<'_>,
    sighting: &Found<'_>,
    sided: bool,
    host: Option<RoleId>,
    symmetric: bool,
) -> bool {
    // The title and lead tell one event: their sightings are one occurrence whatever
    // roles their sentences suggest (a headline's word order says little of roles).
    let in_lead = |f: &Found<'_>| f.in_lead.is_some() || f.part_salience.0.is_some();
    // In a fight both sides wage, one party in both roles is no other occurrence.
    let roles_agree =
        occurrence.mutual || sighting.mutual || (in_lead(occurrence) && in_lead(sighting));
    // Where word order does not tell roles (`sided` false), only a role the
    // sentence marks is another occurrence's: "the parade ... the leaders of China,
    // Russia and North Korea" names no other parade.
    let other_role = !roles_agree
        && sighting
            .actors
            .iter()
            .filter(|c| !c.person && c.role.is_some() && (sided || c.cued))
            .any(|c| {
                occurrence.actors.iter().any(|o| {
                    !o.person && o.country == c.country && o.role.is_some() && o.role != c.role
                })
            });
    let other_status = sighting.cued
        && sighting.status != occurrence.status
        && (occurrence.cued || !occurrence.title_only);
    // An event held in one place (a visit, a parade) has one host: a sighting whose
    // cued hosts are none of the occurrence's is another one ("greeted by Macron in
    // Nancy" and, that morning, Xi as Putin's guest in Moscow).
    fn hosts<'a>(f: &Found<'a>, host: Option<RoleId>) -> Vec<&'a str> {
        f.actors
            .iter()
            .filter(|c| !c.person && c.cued && host.is_some() && c.role == host)
            .map(|c| c.country)
            .collect()
    }
    let other_host = !roles_agree && host.is_some() && {
        let (theirs, mine) = (hosts(occurrence, host), hosts(sighting, host));
        !theirs.is_empty() && !mine.is_empty() && !mine.iter().any(|c| theirs.contains(c))
    };
    // Where roles do not tell meetings apart (a summit's participants), a body
    // sentence placed at another time than an occurrence of two or more countries
    // that names two or more itself, one the occurrence has not ("the day before,
    // Trump and Xi met in Busan"), is another meeting: its parties are not the
    // story's.
    let countries = |f: &Found<'_>| {
        let mut seen: Vec<&str> = f
            .actors
            .iter()
            .filter(|a| !a.person)
            .map(|a| a.country)
            .collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    let other_time = symmetric
        && countries(occurrence) >= 2
        && countries(sighting) >= 2
        && occurrence.background_cue.is_none()
        && sighting.background_cue.is_some()
        && sighting.in_lead.is_none()
        && sighting.actors.iter().any(|c| {
            !c.person
                && !occurrence
                    .actors
                    .iter()
                    .any(|o| !o.person && o.country == c.country)
        });
    !other_role && !other_status && !other_host && !other_time
}

/// A one-character country abbreviation counts next to another one (日韓, 中澳),
/// after a compound prefix (訪米, 来日) or before a compound suffix (米軍, 米政府);
/// alone it is an ordinary character.
fn in_compound(model: &LangModel, lowered: &str, hits: &[Hit], hit: &Hit) -> bool {
    let abbrev = |h: &&Hit| matches!(h.what, What::Abbrev(_));
    hits.iter()
        .filter(abbrev)
        .any(|h| h.end == hit.start || h.start == hit.end)
        || model
            .compound_prefixes
            .iter()
            .any(|p| lowered[..hit.start].ends_with(p.as_str()))
        || model
            .compound_suffixes
            .iter()
            .any(|s| lowered[hit.end..].starts_with(s.as_str()))
}

/// Whether the text between a trigger and a demonym after it can be other
/// adjectives of the same noun: at most two words, no punctuation, and no article,
/// which opens another noun phrase ("colpiscono i bombardieri russi": the bombers
/// are Russian, not the strike; "attacchi aerei russi" is one phrase).
fn adjective_gap(model: &LangModel, gap: &str) -> bool {
    // A trigger matched by its stem ("bombardament*") ends inside its word.
    let gap = gap.trim_start_matches(char::is_alphanumeric);
    gap.split_whitespace().count() <= 2
        && !gap.contains(|c: char| {
            c.is_ascii_punctuation() || matches!(c, '«' | '»' | '،' | '“' | '”')
        })
        && !gap
            .split_whitespace()
            .next()
            .is_some_and(|word| model.opens_noun_phrase(word))
}

/// Whether the text between a demonym and a trigger after it can be the rest of one
/// noun phrase or its verb ("Russian missile and drone attacks"): at most three
/// words (in scripts without spaces, six characters), no punctuation.
fn modifier_gap(gap: &str, word_boundaries: bool) -> bool {
    let short = if word_boundaries {
        gap.split_whitespace().count() <= 3
    } else {
        gap.chars().count() <= 6
    };
    short
        && !gap.contains(|c: char| {
            c.is_ascii_punctuation() || matches!(c, '«' | '»' | '،' | '“' | '”' | '、' | '，')
        })
}

/// Whether `text[from..to]` holds a space (ASCII or ideographic) between two CJK
/// characters: where words are not spaced, a space separates two clauses of a
/// headline ("回应美国对台军售 中方宣布…"), and a role cue does not reach across it.
fn cjk_space_break(text: &str, from: usize, to: usize) -> bool {
    let Some(gap) = text.get(from..to) else {
        return false;
    };
    let is_space = |c: char| c == ' ' || c == '\u{3000}';
    let mut offset = 0;
    while let Some(i) = gap[offset..].find(is_space) {
        let at = from + offset + i;
        let before = text[..at].chars().next_back();
        let after = text[at..].chars().find(|&c| !is_space(c));
        if before.is_some_and(is_cjk) && after.is_some_and(is_cjk) {
            return true;
        }
        offset += i + 1;
    }
    false
}

/// A Han, kana or CJK punctuation character (or a full-width form).
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{AC00}'..='\u{D7AF}')
        && c != '\u{3000}'
}

/// Whether mention `i` of `mentions` is what an event of type `event_id` is about by
/// a topic cue of the type (`topic_cue`): the first name after the cue within a role
/// cue's reach and in the same phrase ("talks on Gaza", "la guerre en Ukraine"), or
/// the name right before it ("the Gaza war"). Only the few topic hits are compared.
fn topical(lowered: &str, hits: &[Hit], mentions: &[Mention], i: usize, event_id: u16) -> bool {
    let mention = &mentions[i];
    hits.iter().any(|hit| match hit.what {
        What::Topic { events, side } if events & (1 << event_id) != 0 => match side {
            Side::After => {
                hit.end <= mention.start
                    && mentions[..i].iter().all(|m| m.start < hit.end)
                    && lowered.get(hit.end..mention.start).is_some_and(|gap| {
                        gap.chars().nth(CUE_REACH).is_none()
                            && !gap.contains([',', ';', '.', '，', '、', '；', '،', '。'])
                    })
            }
            Side::Before => {
                mention.end <= hit.start
                    && lowered
                        .get(mention.end..hit.start)
                        .is_some_and(|gap| matches!(gap.trim(), "" | "-" | "'s" | "’s"))
            }
        },
        _ => false,
    })
}

/// Whether the text between a mention and a bare office title ties them together.
fn attached(gap: &str) -> bool {
    matches!(gap.trim(), "" | "の" | "的" | "・")
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

/// Where `word` stands in `text` as whole words (no letter or digit just before or
/// after it), the first time.
fn word_at(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word)
        .map(|(i, _)| i)
        .find(|&i| starts_word(text, i) && ends_word(text, i + word.len()))
}

/// Characters between a meeting word and a minister or envoy who meets there (an
/// office and a few words: "talks with his Iranian counterpart Abbas Araghchi").
const ENVOY_REACH: usize = 36;

/// Why a minister's or an envoy's meeting is no summit (the trace's reason, which the
/// next sentences' weak meeting words refer back to).
const ENVOYS_MEETING: &str = "a minister's or envoy's meeting, not leaders'";

/// The office word the field gives the capitalised first word of the sentence at
/// `start`: just before it, past at most two more capitalised words and a comma ("the
/// Defence Secretary, John Healey", "Foreign Minister Wang"), or in an apposition
/// right after it ("Wang, China's foreign minister,").
fn named_minister<'m>(
    text: &str,
    lowered: &str,
    start: usize,
    ministers: &'m [String],
) -> Option<&'m str> {
    let name = text[start..]
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .next()
        .filter(|w| w.chars().count() >= 3 && w.chars().next().is_some_and(char::is_uppercase))?;
    // The office is told near the name's first use: looking within a window before
    // the sentence keeps each visit sentence's search bounded (linear on any input).
    let window = floor_char(text, start.saturating_sub(NAMED_OFFICE_REACH));
    let window_end = floor_char(text, (start + NAMED_OFFICE_REACH).min(text.len()));
    for (i, _) in text[window..window_end]
        .match_indices(name)
        .map(|(i, m)| (window + i, m))
    {
        let end = i + name.len();
        if !(starts_word(text, i) && ends_word(text, end)) {
            continue;
        }
        // Before: "<office>[,] [First [Middle]] Name".
        let from = floor_char(lowered, i.saturating_sub(60));
        let head = &lowered[from..i];
        for office in ministers {
            let Some(at) = head.rfind(office.as_str()) else {
                continue;
            };
            let gap = &text[from + at + office.len()..i];
            let words: Vec<&str> = gap.split_whitespace().collect();
            let names_only = words.len() <= 2
                && words.iter().all(|w| {
                    let w = w.trim_matches(|c: char| c == ',' || c == '.');
                    w.is_empty() || w.chars().next().is_some_and(char::is_uppercase)
                });
            if names_only && !gap.contains(['.', ';', ':', '\n']) {
                return Some(office);
            }
        }
        // After: "Name, <apposition with the office>,".
        if let Some(rest) = lowered[end..].strip_prefix(", ") {
            let stop = rest
                .find([',', '.', ';', '\n'])
                .unwrap_or(rest.len())
                .min(60);
            let apposition = &rest[..floor_char(rest, stop)];
            if let Some(office) = ministers.iter().find(|w| word_at(apposition, w).is_some()) {
                return Some(office);
            }
        }
    }
    None
}

/// The headline's subordinating conjunction (`subordinators`) before the trigger at
/// `trigger_start`, with another type's trigger before it in the main clause: the
/// event it introduces is that event's background ("Zelensky cuts short South Africa
/// visit after deadly Russian strike on Kyiv").
fn subordinate(
    model: &LangModel,
    field: &Field<'_>,
    span: &Span,
    hits: &[Hit],
    trigger_start: usize,
    event_id: u16,
) -> Option<String> {
    // The sentence's first subordinating conjunction: the main clause ends there, and
    // another type's trigger before it tells the main event.
    let head = &field.lowered[span.start..trigger_start];
    let (at, word) = model
        .subordinators
        .iter()
        .filter_map(|w| word_at(head, w).map(|i| (i, w)))
        .min_by_key(|(i, _)| *i)?;
    let at = span.start + at;
    let main_clause = hits
        .iter()
        .any(|h| matches!(h.what, What::Trigger { event, .. } if event != event_id) && h.end <= at);
    main_clause.then(|| field.text[at..at + word.len()].to_string())
}

/// How far before and after a visit sentence the office of its first-word name is
/// looked for, in bytes (a few paragraphs).
const NAMED_OFFICE_REACH: usize = 3000;

/// Punctuation that closes a clause: a date after it dates another clause.
const CLAUSE_BREAKS: &[char] = &[',', ';', ':', '(', ')', '，', '；', '：', '、', '،', '؛'];

/// What makes a mention background: a cue of the language near the trigger ("days
/// after", "last year") or a year other than the publication's.
///
/// The cue that displaces a sighting from the story's time: a background phrase, a
/// past date, or a year other than the article's among the cues or before `window_end`
/// (the end of the cue window after the trigger).
fn background_cue(
    field: &Field<'_>,
    all_hits: &[Hit],
    trigger_start: usize,
    window_end: usize,
    clause_end: usize,
    published: Option<NaiveDate>,
) -> Option<String> {
    // Phrases count up to the window's end, dates up to the clause's.
    let hits = &all_hits[..all_hits.partition_point(|h| h.start < window_end)];
    let dated = &all_hits[..all_hits.partition_point(|h| h.start < clause_end)];
    let window_end = clause_end;
    // A clause cue before the trigger with a comma between them dates its own
    // clause ("two weeks after he was named, Lam travelled to Beijing"), not the
    // trigger's.
    let displaces = |h: &&Hit| match h.what {
        What::Background { clause: false } => true,
        What::Background { clause: true } => {
            h.end > trigger_start || !field.lowered[h.end..trigger_start].contains(',')
        }
        _ => false,
    };
    if let Some(hit) = hits.iter().find(displaces) {
        return Some(field.text[hit.start..hit.end].to_string());
    }
    if let Some((start, end)) = dates::mentions_past(field.lowered, dated, published) {
        return Some(field.text[start..end].to_string());
    }
    // The trigger's sentence up to the window's end, in unspaced scripts: "今月9日".
    let sentence_start = field.lowered[..trigger_start]
        .rfind(['。', '\n'])
        .map_or(0, |i| {
            i + field.lowered[i..].chars().next().map_or(1, char::len_utf8)
        });
    if let Some((start, end)) = field
        .lowered
        .get(sentence_start..window_end.max(trigger_start))
        .and_then(|text| dates::this_month_past(text, published))
    {
        let (start, end) = (sentence_start + start, sentence_start + end);
        return Some(field.text[start..end].to_string());
    }
    let published = published?;
    // A year after the last cue but within the window is as near as a cue: "an
    // agreement was reached in 2019" has no phrase after the trigger to reach it.
    let (first, mut last) = (dated.first()?.start, dated.last()?.end.max(window_end));
    let this_year = chrono::Datelike::year(&published);
    // A past year the window reaches into counts whole ("assinado em 2015" with the
    // window ending inside the year); a later one ("by 2030") dates a plan, not it.
    let bytes = field.lowered.as_bytes();
    let tail = bytes[last..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let head = bytes[..last]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if tail > 0 && head > 0 {
        let year: i32 = field.lowered[last - head..last + tail].parse().unwrap_or(0);
        if (1900..this_year).contains(&year) {
            last += tail;
        }
    }
    let text = &field.lowered[first..last];
    // Four-digit years in the sentence's phrase range, none of them this year's.
    let bytes = text.as_bytes();
    let mut years = Vec::new();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let run = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if run == 4 && !bytes[..i].last().is_some_and(u8::is_ascii_digit) {
            let year: i32 = text[i..i + 4].parse().unwrap_or(0);
            if (1900..=2100).contains(&year) {
                years.push(year);
            }
        }
        i += run.max(1);
    }
    match years.iter().find(|&&y| y != this_year) {
        Some(year) if !years.contains(&this_year) => Some(year.to_string()),
        _ => None,
    }
}

/// Whether a main event of a type in `event.framed_by` has both sides of `found`
/// (its `before` and `after` roles, e.g. visitor and host) among its countries, and
/// no other country of those roles: the visit during which the article's talks or
/// signing took place, not another trip told in passing.
fn framed(found: &Found<'_>, event: &crate::model::EventType, main: &[(u16, Vec<&str>)]) -> bool {
    let (Some(before), Some(after)) = (event.before, event.after) else {
        return false;
    };
    let sides = |role| found.actors.iter().filter(move |a| a.role == Some(role));
    if sides(before).next().is_none() || sides(after).next().is_none() {
        return false;
    }
    main.iter().any(|(kind, countries)| {
        event.framed_by & (1 << kind) != 0
            && sides(before)
                .chain(sides(after))
                .all(|a| countries.contains(&a.country))
            && sides(before).all(|b| sides(after).all(|a| a.country != b.country))
    })
}

/// Gives every country of a fight both sides wage ("clashes between Thailand and
/// Cambodia") the other of its two roles too: each side attacks and is attacked.
/// A party of the event whose country is where it takes place holds `role` too
/// (the catalogue's `home_role`): the leaders meeting in Tianjin include their host.
/// A country in no role of its own there (a neutral venue) is not made one.
fn add_home_role(out: &mut Event, role: &str) {
    let Some(home) = out.location.as_ref().and_then(|l| l.country.as_deref()) else {
        return;
    };
    let held = |a: &Actor| a.country.as_deref() == Some(home) && a.kind == "country";
    if out
        .actors
        .iter()
        .any(|a| held(a) && a.role.as_deref() == Some(role))
    {
        return;
    }
    if let Some(party) = out.actors.iter().find(|a| held(a) && a.role.is_some()) {
        let host = Actor {
            role: Some(role.to_string()),
            ..party.clone()
        };
        out.actors.push(host);
    }
}

/// Makes `home` the one host of an occasion (a parade, the visit to it): its actors
/// hold `host`, the event's other hosts the `guest` role; a home country the event
/// does not name yet joins it as host. Whether any role changed.
fn recast(event: &mut Event, host: Actor, guest: &str) -> bool {
    let mut changed = false;
    let mut named = false;
    for actor in &mut event.actors {
        let role = if actor.country == host.country {
            named = true;
            "host"
        } else if actor.role.as_deref() == Some("host") {
            guest
        } else {
            continue;
        };
        if actor.role.as_deref() != Some(role) {
            actor.role = Some(role.to_string());
            changed = true;
        }
    }
    if !named && event.actors.len() < MAX_ACTORS {
        event.actors.push(host);
        changed = true;
    }
    changed
}

/// A host a cue named ("Iraq hosted the summit") takes part too: it holds the type's
/// `lead_role` besides (the summit's participant), as the location's country does.
fn add_host_participants(out: &mut Event, home: &str, lead: &str) {
    let hosts: Vec<Actor> = out
        .actors
        .iter()
        .filter(|a| a.kind == "country" && a.role.as_deref() == Some(home))
        .filter(|h| {
            !out.actors.iter().any(|a| {
                a.kind == "country" && a.country == h.country && a.role.as_deref() == Some(lead)
            })
        })
        .cloned()
        .collect();
    for host in hosts {
        if out.actors.len() >= MAX_ACTORS {
            break;
        }
        out.actors.push(Actor {
            role: Some(lead.to_string()),
            ..host
        });
    }
}

fn add_counterparts(out: &mut Event, event: &crate::model::EventType, roles: &[String]) {
    let (Some(before), Some(after)) = (event.before, event.after) else {
        return;
    };
    let (before, after) = (&roles[before as usize], &roles[after as usize]);
    let mut added: Vec<Actor> = Vec::new();
    for actor in out.actors.iter().filter(|a| a.kind == "country") {
        let other = match actor.role.as_deref() {
            Some(role) if role == before => after,
            Some(role) if role == after => before,
            _ => continue,
        };
        let held = |a: &Actor| a.country == actor.country && a.role.as_deref() == Some(other);
        if !out.actors.iter().any(held) && !added.iter().any(held) {
            added.push(Actor {
                role: Some(other.clone()),
                ..actor.clone()
            });
        }
    }
    out.actors.extend(added);
}
