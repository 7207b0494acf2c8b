//! A language's compiled rules: one Aho-Corasick automaton over every phrase of the
//! rule file and every gazetteer name, each pattern carrying what it means.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{nfa::contiguous, Anchored, MatchKind};
use newsflow_record::EventStatus;

use crate::config::LoadError;
use crate::gazetteer::{EntityKind, Gazetteer};
use crate::rules::{Catalogue, RuleFile, Side};
use crate::text::{inside_katakana_word, is_alnum, left_ok, lower_aligned, right_ok};
use newsflow_text::words::{ends_word, starts_word};

/// Role names are interned: an index into [`LangModel::roles`].
pub(crate) type RoleId = u16;

/// What a matched phrase means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum What {
    Trigger {
        event: u16,
        /// Index of the rule id in [`LangModel::rules`].
        rule: u16,
        weak: bool,
        standalone: bool,
        minor: bool,
        /// Taking part in another event (`part` in the rule file).
        part: bool,
        before: Option<RoleId>,
        after: Option<RoleId>,
    },
    Context(u16),
    Exclude(u16),
    /// A trigger word of a fight both sides wage (`mutual` in the rule file).
    Mutual(u16),
    /// Vocabulary of another domain (index into [`LangModel::senses`]).
    Sense(u8),
    /// A cue that makes a mention background ("days after", "last year"); `clause`:
    /// one opening a subordinate clause, which a comma closes (`salience.clause`).
    Background {
        clause: bool,
    },
    /// A reporting verb: the place before it is where someone spoke.
    Reporting,
    /// A verb of reacting to an event (`reactions` in the rule file).
    Reaction,
    /// A cue that ties the sentence to the article's meeting (`salience.occasion`).
    Occasion,
    /// The name of a summit of many (`gatherings` in the rule file).
    Gathering,
    Status(EventStatus),
    /// A status cue of one event type only (`planned` in its `[[event]]`).
    TypeStatus(u16, EventStatus),
    /// A background cue of one event type only (`background` in its `[[event]]`).
    TypeBackground(u16),
    /// A verb of calling for an event (`status.calls`): planned, on its object's side.
    Call,
    /// A negating determiner (`status.negating_determiners`): negated, before the
    /// trigger only.
    NegatingDeterminer,
    /// A word that joins two clauses: status cues do not reach across it.
    ClauseBreak,
    RoleCue {
        role: RoleId,
        events: u64,
        side: Side,
    },
    /// A topic cue: the name beside it is what the event is about, not a party.
    Topic {
        events: u64,
        side: Side,
    },
    LocBefore,
    LocAfter,
    Weekday(u8),
    Month(u8),
    Relative(i8),
    /// "Last year" beside a day and month (`dates.last_year`): the date is in the year
    /// before publication.
    LastYear,
    Entity(u32),
    /// A demonym of a country ("Israeli", "israélienne").
    Demonym(u32),
    /// A one-character country abbreviation (CJK), valid only inside a compound.
    Abbrev(u32),
}

/// One meaning of a pattern, with how its edges are checked.
#[derive(Debug, Clone)]
struct Meaning {
    what: What,
    open_start: bool,
    open_end: bool,
    /// Exact-case form, for `=` phrases.
    exact: Option<Box<str>>,
    /// Rest of a phrase with inner `*` ("военн* парад*") or `...` ("traf ... ein"):
    /// after the matched head, each segment follows in its own way.
    tail: Box<[Segment]>,
}

/// One segment of a phrase after its head.
#[derive(Debug, Clone)]
struct Segment {
    text: String,
    /// `...`: the segment is a whole word that closes the head's clause, a few words
    /// on (a separable verb's prefix: "traf am Sonntag in Paris ein"; the participle of
    /// a passive: "wurde am Montag von Xi empfangen"). Otherwise (`*`) it follows once
    /// the current word has ended.
    gap: bool,
    /// The word before may run on (`*`) before the gap.
    open: bool,
}

/// How far (bytes) a `...` segment may stand from the words before it: a clause's
/// length, so the search stays bounded.
const GAP_REACH: usize = 160;

/// A compiled event type.
#[derive(Debug, Clone)]
pub(crate) struct EventType {
    pub kind: String,
    pub cameo: Vec<String>,
    pub plover: Vec<String>,
    /// Distinct parties needed, in the sentence or the title and lead.
    pub min_parties: usize,
    /// Distinct parties a `minor` trigger (a meeting word) needs, at least `min_parties`.
    pub meeting_parties: usize,
    /// Entity kinds that count as parties (bits of [`EntityKind::bit`]).
    pub party_kinds: u8,
    /// Entity kinds that mean another sense when named in the sentence.
    pub other_sense_kinds: u8,
    /// Domains (bits by index into [`LangModel::senses`]) that mean another sense.
    pub other_senses: u8,
    /// Domains that, as the title and lead's, rule the type out even with its context.
    pub lead_senses: u8,
    /// States named in the sentence (`min_parties` of them, no company or club)
    /// override a URL section's other sense.
    pub states_over_section: bool,
    /// A company before the trigger, with no person before it, is who acts.
    pub company_signs: bool,
    /// Event types (bits by index) this one is a sub-aspect of in one sentence.
    pub aspect_of: u64,
    /// Parties, places excepted, the trigger's sentence must name for a first sighting.
    pub sentence_parties: usize,
    /// The event happens abroad for its parties (a visit): not when every party of
    /// the sentence is of the country where it happens.
    pub abroad: bool,
    /// Event types (bits by index) a `part` trigger's sighting belongs to.
    pub part_of: u64,
    /// Event types (bits by index) that are the occasion of this one's `minor` sightings.
    pub occasions: u64,
    /// Event types (bits by index) that are the occasion of this one's sightings
    /// that name no country.
    pub unnamed_occasions: u64,
    /// Event types (bits by index) during whose main report a sighting is main.
    pub held_during: u64,
    /// Event types (bits by index) whose main report makes a sighting between their
    /// parties main.
    pub framed_by: u64,
    /// Event types (bits by index) whose report in the title and lead makes this
    /// type's occurrences told only in the body background.
    pub yields_to: u64,
    /// Event types (bits by index) whose report as having happened makes this
    /// type's occurrence that has not happened background.
    pub unhappened_yields_to: u64,
    /// A person of the gazetteer named in the sentence confirms a weak trigger.
    pub leader_context: bool,
    /// A meeting word needs leaders: a minister's or an envoy's meeting is none.
    pub leaders_meet: bool,
    /// See `CatalogueType::lasting`.
    pub lasting: bool,
    /// See `CatalogueType::paragraph_own_sentences`.
    pub paragraph_own_sentences: bool,
    /// A demonym modifying the trigger names the agent; other countries before the
    /// trigger hold the other side's role.
    pub agent_adjective: bool,
    /// Role of the title and lead's parties in a main event of this type.
    pub lead_role: Option<RoleId>,
    /// Role a party also holds in an event held in its own country.
    pub home_role: Option<RoleId>,
    pub before: Option<RoleId>,
    pub after: Option<RoleId>,
    pub location: Option<RoleId>,
    pub place: Option<RoleId>,
    pub nation: Option<RoleId>,
}

/// A phrase found in a field, after boundary checks. Offsets are bytes in the field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub start: usize,
    pub end: usize,
    pub what: What,
}

/// Everything needed to tag one language.
#[derive(Debug)]
pub(crate) struct LangModel {
    pub word_boundaries: bool,
    /// Adjectives follow their noun ("frappes israéliennes"): a demonym right after
    /// a trigger names the agent.
    pub adjectives_follow: bool,
    /// A verb trigger closes its clause ("Russland hat die Ukraine angegriffen"): the
    /// clause's first name is the subject, the names after it the object.
    pub verb_final: bool,
    pub verb_first: bool,
    /// A call verb follows what it calls for (`status.calls_follow`).
    pub calls_follow: bool,
    pub clitics: Vec<String>,
    pub abbreviations: HashSet<String>,
    pub compound_prefixes: Vec<String>,
    pub compound_suffixes: Vec<String>,
    /// Subjects standing for a person named before ("he", "the prime minister").
    /// Kept out of the automaton: "he" inside every "the" would stop the scan at
    /// each one, and they are read only in sentences with a visit trigger.
    pub anaphors: Vec<String>,
    /// Definite articles and demonstratives (`definite` in the rule file).
    pub definite: Vec<String>,
    /// Articles that open another noun phrase (`articles` in the rule file).
    pub articles: Vec<String>,
    /// See `RuleFile::ministers`, `leader_titles`, `subordinators`, `clause_dates`.
    pub ministers: Vec<String>,
    pub leader_titles: Vec<String>,
    pub subordinators: Vec<String>,
    pub clause_dates: bool,
    pub clause_openers: Vec<String>,
    pub subordinate_lead: bool,
    pub status_window: usize,
    pub status_window_after: usize,
    pub negated_window_after: usize,
    /// See `RuleFile::final_status_reach`.
    pub final_status_reach: Option<usize>,
    pub final_status_blockers: Vec<String>,
    pub final_status_cues: Vec<String>,
    /// See `RuleFile::non_compounds` (lowered).
    pub non_compounds: Vec<String>,
    /// `salience.since`, lowered and split at the year: (words before, words after).
    pub since_years: Vec<(String, String)>,
    pub events: Vec<EventType>,
    pub roles: Vec<String>,
    /// Rule ids (`en/summit/strong:summit`), by [`What::Trigger`] `rule`.
    pub rules: Vec<String>,
    /// Names of the sense domains of the catalogue, by index.
    pub senses: Vec<String>,
    /// URL path segments of each sense domain, by index.
    pub url_sections: Vec<Vec<String>>,
    automaton: contiguous::NFA,
    /// Unanchored start state of `automaton`.
    start: StateID,
    /// What each pattern of `automaton` means, by pattern id.
    patterns: Vec<Pattern>,
}

/// The meanings of one pattern.
#[derive(Debug)]
struct Pattern {
    /// No meaning may start inside a word, so a match that does is dropped at once.
    closed_start: bool,
    meanings: Box<[Meaning]>,
}

/// A field being scanned.
struct Scan<'a> {
    original: &'a str,
    lowered: &'a str,
    hits: &'a mut Vec<Hit>,
}

/// Collects patterns, merging identical strings into one pattern with several meanings.
#[derive(Default)]
struct Builder {
    index: HashMap<String, usize>,
    patterns: Vec<String>,
    meanings: Vec<Vec<Meaning>>,
}

impl Builder {
    fn add(&mut self, raw: &str, what: What) -> Result<(), String> {
        let mut phrase = raw.trim();
        let exact = phrase.starts_with('=');
        phrase = phrase.trim_start_matches('=');
        let open_start = phrase.starts_with('*');
        let open_end = phrase.ends_with('*') && phrase.len() > 1;
        phrase = phrase.trim_matches('*');
        if phrase.trim().is_empty() {
            return Err(format!("empty phrase `{raw}`"));
        }
        if exact && phrase.contains('*') {
            return Err(format!("`=` phrases cannot hold `*`: `{raw}`"));
        }
        // "traf ... ein": each part after a `...` opens with a gap segment; a part
        // that ends with `*` ("kam* ... zusammen") lets its last word run on.
        let parts: Vec<&str> = phrase.split("...").collect();
        let last = parts.len() - 1;
        let mut tail: Vec<Segment> = Vec::new();
        let mut lowered = String::new();
        let mut open = false;
        for (k, part) in parts.iter().enumerate() {
            let mut part = if last == 0 {
                *part
            } else if k == 0 {
                part.trim_end()
            } else {
                part.trim()
            };
            let runs_on = k < last && part.ends_with('*');
            if k < last {
                part = part.trim_end_matches('*');
            }
            let mut pieces = part.split('*').map(lower_aligned);
            let first = pieces.next().unwrap_or_default();
            if k == 0 {
                lowered = first;
            } else {
                if first.is_empty() || first.contains(' ') {
                    return Err(format!("`...` must be followed by a word in `{raw}`"));
                }
                tail.push(Segment {
                    text: first,
                    gap: true,
                    open,
                });
            }
            tail.extend(pieces.map(|text| Segment {
                text,
                gap: false,
                open: true,
            }));
            open = runs_on;
        }
        if lowered.trim().is_empty() || tail.iter().any(|s| s.text.is_empty()) {
            return Err(format!("`**`, `* *` or an empty `...` part in `{raw}`"));
        }
        let tail: Box<[Segment]> = tail.into();
        let id = match self.index.get(&lowered) {
            Some(&id) => id,
            None => {
                self.patterns.push(lowered.clone());
                self.meanings.push(Vec::new());
                self.index.insert(lowered, self.patterns.len() - 1);
                self.patterns.len() - 1
            }
        };
        self.meanings[id].push(Meaning {
            what,
            open_start,
            open_end,
            exact: exact.then(|| phrase.into()),
            tail,
        });
        Ok(())
    }

    fn add_all(&mut self, phrases: &[String], what: What) -> Result<(), String> {
        phrases.iter().try_for_each(|p| self.add(p, what))
    }
}

/// The event types a cue names, as a bit mask over the rule file's event indices.
fn event_mask(rules: &RuleFile, kinds: &[String], cue: &str) -> Result<u64, String> {
    kinds.iter().try_fold(0u64, |mask, kind| {
        let i = rules
            .events
            .iter()
            .position(|e| &e.kind == kind)
            .ok_or_else(|| format!("{cue} names unknown event type {kind}"))?;
        Ok(mask | 1 << i)
    })
}

fn intern(roles: &mut Vec<String>, role: &Option<String>) -> Option<RoleId> {
    let role = role.as_ref()?;
    if let Some(i) = roles.iter().position(|r| r == role) {
        return Some(i as RoleId);
    }
    roles.push(role.clone());
    Some((roles.len() - 1) as RoleId)
}

impl LangModel {
    /// Compiles one rule file with the gazetteer names of its language and English.
    pub fn compile(
        rules: &RuleFile,
        catalogue: &Catalogue,
        gazetteer: &Gazetteer,
        path: &Path,
    ) -> Result<Self, LoadError> {
        Self::build(Some((rules, catalogue)), &rules.language, gazetteer)
            .map_err(|m| LoadError::msg(path, m))
    }

    /// Whether `before` (lowercased text up to a noun) ends in a definite article or
    /// demonstrative; in spaced scripts only one that starts a word counts ("the ", not
    /// the end of "bathe ").
    pub fn is_definite(&self, before: &str) -> bool {
        self.definite.iter().any(|d| {
            before.strip_suffix(d.as_str()).is_some_and(|rest| {
                !self.word_boundaries
                    || !rest.chars().next_back().is_some_and(char::is_alphanumeric)
            })
        })
    }

    /// Whether `word` (lowercased) is an article of the language, or begins with an
    /// elided one ("l'attacco").
    pub fn opens_noun_phrase(&self, word: &str) -> bool {
        self.articles.iter().any(|article| {
            word == article
                || (article.ends_with(['\'', '’']) && word.starts_with(article.as_str()))
        })
    }

    /// A model with no event rules: English gazetteer names only, for entities in
    /// languages that have no rule file.
    pub fn entities_only(gazetteer: &Gazetteer, dir: &Path) -> Result<Self, LoadError> {
        Self::build(None, "en", gazetteer).map_err(|m| LoadError::msg(dir, m))
    }

    fn build(
        rules: Option<(&RuleFile, &Catalogue)>,
        language: &str,
        gazetteer: &Gazetteer,
    ) -> Result<Self, String> {
        let mut b = Builder::default();
        let mut events = Vec::new();
        let mut roles = Vec::new();
        let mut rule_ids = Vec::new();
        let mut senses = Vec::new();
        let mut url_sections = Vec::new();
        if let Some((rules, catalogue)) = rules {
            if rules.events.len() > 64 {
                return Err("at most 64 event types per language".into());
            }
            if catalogue.senses.len() > 8 {
                return Err("at most 8 sense domains".into());
            }
            for domain in &catalogue.senses {
                senses.push(domain.name.clone());
                url_sections.push(
                    domain
                        .url_sections
                        .iter()
                        .map(|s| s.to_lowercase())
                        .collect(),
                );
            }
            for (name, words) in &rules.senses {
                let Some(index) = senses.iter().position(|s| s == name) else {
                    return Err(format!("[senses] names unknown domain {name}"));
                };
                b.add_all(words, What::Sense(index as u8))?;
            }
            let sense_mask = |names: &[String], kind: &str| -> Result<u8, String> {
                names.iter().try_fold(0u8, |mask, name| {
                    let index = senses.iter().position(|s| s == name).ok_or_else(|| {
                        format!("catalogue: {kind} names unknown sense domain {name}")
                    })?;
                    Ok(mask | 1 << index)
                })
            };
            let kind_mask = |names: &[String], kind: &str| -> Result<u8, String> {
                names.iter().try_fold(0u8, |mask, name| {
                    let entity = EntityKind::parse(name).ok_or_else(|| {
                        format!("catalogue: {kind} names unknown entity kind {name}")
                    })?;
                    Ok(mask | entity.bit())
                })
            };
            for (i, rule) in rules.events.iter().enumerate() {
                let event = i as u16;
                if rules.events[..i].iter().any(|r| r.kind == rule.kind) {
                    return Err(format!("event type {} is defined twice", rule.kind));
                }
                let Some(entry) = catalogue.types.iter().find(|t| t.code == rule.kind) else {
                    return Err(format!("event type {} is not in the catalogue", rule.kind));
                };
                // Every role the language gives must be one of the type's roles.
                let named = [
                    &rule.roles.before,
                    &rule.roles.after,
                    &rule.roles.location,
                    &rule.roles.place,
                    &rule.roles.nation,
                ]
                .into_iter()
                .chain(rule.oriented.iter().flat_map(|o| [&o.before, &o.after]))
                .flatten();
                for role in named {
                    if !entry.roles.contains(role) {
                        return Err(format!(
                            "{}: role {role} is not one of the catalogue's {:?}",
                            rule.kind, entry.roles
                        ));
                    }
                }
                let mut add_triggers =
                    |b: &mut Builder,
                     phrases: &[String],
                     class: &str,
                     what: &dyn Fn(u16) -> What| {
                        phrases.iter().try_for_each(|phrase| {
                            let id = rule_ids.len() as u16;
                            rule_ids.push(format!(
                                "{language}/{}/{class}:{}",
                                rule.kind,
                                phrase.trim()
                            ));
                            b.add(phrase, what(id))
                        })
                    };
                let trigger = |weak, standalone| {
                    move |rule| What::Trigger {
                        event,
                        rule,
                        weak,
                        standalone,
                        minor: false,
                        part: false,
                        before: None,
                        after: None,
                    }
                };
                add_triggers(&mut b, &rule.strong, "strong", &trigger(false, false))?;
                add_triggers(&mut b, &rule.weak, "weak", &trigger(true, false))?;
                add_triggers(
                    &mut b,
                    &rule.standalone,
                    "standalone",
                    &trigger(false, true),
                )?;
                for oriented in &rule.oriented {
                    let before = intern(&mut roles, &oriented.before);
                    let after = intern(&mut roles, &oriented.after);
                    let what = |rule| What::Trigger {
                        event,
                        rule,
                        weak: oriented.weak,
                        standalone: false,
                        minor: oriented.minor,
                        part: oriented.part,
                        before,
                        after,
                    };
                    add_triggers(&mut b, &oriented.phrase, "trigger", &what)?;
                }
                b.add_all(&rule.context, What::Context(event))?;
                b.add_all(&rule.mutual, What::Mutual(event))?;
                b.add_all(&rule.exclude, What::Exclude(event))?;
                b.add_all(&rule.planned, What::TypeStatus(event, EventStatus::Planned))?;
                b.add_all(&rule.background, What::TypeBackground(event))?;
                let type_mask = |kinds: &[String], field: &str| {
                    kinds.iter().try_fold(0u64, |mask, kind| {
                        // Types the language has no rules for are never triggered.
                        Ok::<_, String>(match rules.events.iter().position(|e| &e.kind == kind) {
                            Some(i) => mask | 1 << i,
                            None if catalogue.types.iter().any(|t| &t.code == kind) => mask,
                            None => {
                                return Err(format!(
                                    "catalogue: {}: {field} names unknown type {kind}",
                                    entry.code
                                ))
                            }
                        })
                    })
                };
                let aspect_of = type_mask(&entry.aspect_of, "aspect_of")?;
                let part_of = type_mask(&entry.part_of, "part_of")?;
                let occasions = type_mask(&entry.occasions, "occasions")?;
                let unnamed_occasions = type_mask(&entry.unnamed_occasions, "unnamed_occasions")?;
                let held_during = type_mask(&entry.held_during, "held_during")?;
                let framed_by = type_mask(&entry.framed_by, "framed_by")?;
                let yields_to = type_mask(&entry.yields_to, "yields_to")?;
                let unhappened_yields_to =
                    type_mask(&entry.unhappened_yields_to, "unhappened_yields_to")?;
                events.push(EventType {
                    kind: rule.kind.clone(),
                    cameo: entry.cameo.clone(),
                    plover: entry.plover.clone(),
                    min_parties: entry.min_parties,
                    meeting_parties: entry.meeting_parties.max(entry.min_parties),
                    party_kinds: kind_mask(&entry.party_kinds, "party_kinds")?,
                    other_sense_kinds: kind_mask(&entry.other_sense_kinds, "other_sense_kinds")?,
                    other_senses: sense_mask(&entry.other_senses, "other_senses")?,
                    lead_senses: sense_mask(&entry.lead_senses, "lead_senses")?,
                    states_over_section: entry.states_over_section,
                    company_signs: entry.company_signs,
                    aspect_of,
                    sentence_parties: entry.sentence_parties,
                    abroad: entry.abroad,
                    part_of,
                    occasions,
                    unnamed_occasions,
                    held_during,
                    framed_by,
                    yields_to,
                    unhappened_yields_to,
                    leader_context: entry.leader_context,
                    leaders_meet: entry.leaders_meet,
                    lasting: entry.lasting,
                    paragraph_own_sentences: entry.paragraph_own_sentences,
                    agent_adjective: entry.agent_adjective,
                    lead_role: intern(&mut roles, &entry.lead_role),
                    home_role: intern(&mut roles, &entry.home_role),
                    before: intern(&mut roles, &rule.roles.before),
                    after: intern(&mut roles, &rule.roles.after),
                    location: intern(&mut roles, &rule.roles.location),
                    place: intern(&mut roles, &rule.roles.place),
                    nation: intern(&mut roles, &rule.roles.nation),
                });
            }
            b.add_all(&rules.status.planned, What::Status(EventStatus::Planned))?;
            b.add_all(
                &rules.status.speculative,
                What::Status(EventStatus::Speculative),
            )?;
            b.add_all(&rules.status.negated, What::Status(EventStatus::Negated))?;
            b.add_all(&rules.status.calls, What::Call)?;
            b.add_all(&rules.status.negating_determiners, What::NegatingDeterminer)?;
            b.add_all(&rules.status.occurred, What::Status(EventStatus::Occurred))?;
            b.add_all(&rules.status.breaks, What::ClauseBreak)?;
            for cue in &rules.role_cues {
                let mask = event_mask(rules, &cue.events, "role cue")?;
                for kind in &cue.events {
                    let allowed = catalogue.types.iter().find(|t| &t.code == kind);
                    if !allowed.is_some_and(|t| t.roles.contains(&cue.role)) {
                        return Err(format!(
                            "role cue: role {} is not a role of {kind} in the catalogue",
                            cue.role
                        ));
                    }
                }
                let role = intern(&mut roles, &Some(cue.role.clone())).unwrap_or_default();
                b.add_all(
                    &cue.phrase,
                    What::RoleCue {
                        role,
                        events: mask,
                        side: cue.side,
                    },
                )?;
            }
            for cue in &rules.topic_cues {
                b.add_all(
                    &cue.phrase,
                    What::Topic {
                        events: event_mask(rules, &cue.events, "topic cue")?,
                        side: cue.side,
                    },
                )?;
            }
            b.add_all(&rules.location.before, What::LocBefore)?;
            b.add_all(&rules.location.after, What::LocAfter)?;
            b.add_all(&rules.location.reporting, What::Reporting)?;
            b.add_all(&rules.reactions, What::Reaction)?;
            b.add_all(&rules.gatherings, What::Gathering)?;
            b.add_all(
                &rules.salience.background,
                What::Background { clause: false },
            )?;
            b.add_all(&rules.salience.clause, What::Background { clause: true })?;
            b.add_all(&rules.salience.occasion, What::Occasion)?;
            let dates = &rules.dates;
            if !dates.weekdays.is_empty() && dates.weekdays.len() != 7 {
                return Err("dates.weekdays needs seven lists, Monday first".into());
            }
            if !dates.months.is_empty() && dates.months.len() != 12 {
                return Err("dates.months needs twelve lists, January first".into());
            }
            for (i, words) in dates.weekdays.iter().enumerate() {
                b.add_all(words, What::Weekday(i as u8))?;
            }
            for (i, words) in dates.months.iter().enumerate() {
                b.add_all(words, What::Month(i as u8 + 1))?;
            }
            for (word, offset) in &dates.relative {
                b.add(word, What::Relative(*offset))?;
            }
            b.add_all(&dates.last_year, What::LastYear)?;
        }
        let names = gazetteer.names.iter().map(|n| (n, false));
        let demonyms = gazetteer.demonyms.iter().map(|n| (n, true));
        for ((id, name_language, name), demonym) in names.chain(demonyms) {
            if name_language != language && name_language != "en" {
                continue;
            }
            if gazetteer
                .ambiguous
                .contains(&lower_aligned(name.trim_start_matches('=')))
            {
                continue;
            }
            let what = if demonym {
                What::Demonym(*id)
            } else {
                What::Entity(*id)
            };
            b.add(name, what)?;
        }
        if rules.is_some() {
            for (id, name_language, name) in &gazetteer.abbreviations {
                if name_language == language {
                    b.add(name, What::Abbrev(*id))?;
                }
            }
        }
        // A contiguous NFA, not a DFA: with the whole gazetteer a language's DFA grew to
        // 13-38 MB (ten of them, 210 MB), and its scan spent its time on cache misses;
        // the NFA takes 0.5-0.8 MB, and scans the bench's articles faster. It is
        // stepped by `scan` itself (see there), so it needs no prefilter.
        let automaton = contiguous::NFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&b.patterns)
            .map_err(|e| e.to_string())?;
        let start = automaton
            .start_state(Anchored::No)
            .map_err(|e| e.to_string())?;
        let adjectives_follow = rules.is_some_and(|(r, _)| r.adjectives_follow);
        let verb_final = rules.is_some_and(|(r, _)| r.verb_final);
        let verb_first = rules.is_some_and(|(r, _)| r.verb_first);
        let calls_follow = rules.is_some_and(|(r, _)| r.status.calls_follow);
        let status_window_after = rules
            .map(|(r, _)| r.status_window_after.unwrap_or(r.status_window))
            .unwrap_or_default();
        let negated_window_after = rules
            .map(|(r, _)| r.negated_window_after.unwrap_or(status_window_after))
            .unwrap_or_default();
        // The rule file's word lists that are compared with lowercased text.
        let lowered = |list: fn(&RuleFile) -> &Vec<String>| -> Vec<String> {
            rules
                .map(|(r, _)| list(r).iter().map(|w| lower_aligned(w)).collect())
                .unwrap_or_default()
        };
        let word_boundaries = rules.is_none_or(|(r, _)| r.word_boundaries);
        let status_window = rules.map(|(r, _)| r.status_window).unwrap_or_default();
        let clitics = lowered(|r| &r.clitics);
        let abbreviations = lowered(|r| &r.abbreviations).into_iter().collect();
        let compound_prefixes = lowered(|r| &r.compound_prefixes);
        let compound_suffixes = lowered(|r| &r.compound_suffixes);
        let anaphors = lowered(|r| &r.location.anaphors);
        let definite = lowered(|r| &r.definite);
        let articles = lowered(|r| &r.articles);
        let ministers = lowered(|r| &r.ministers);
        let leader_titles = lowered(|r| &r.leader_titles);
        let subordinators = lowered(|r| &r.subordinators);
        let clause_dates = rules.is_some_and(|(r, _)| r.clause_dates);
        let clause_openers = lowered(|r| &r.clause_openers);
        let subordinate_lead = rules.is_some_and(|(r, _)| r.subordinate_lead);
        let final_status_reach = rules.and_then(|(r, _)| r.final_status_reach);
        let final_status_blockers = lowered(|r| &r.final_status_blockers);
        let final_status_cues = lowered(|r| &r.final_status_cues);
        let non_compounds = lowered(|r| &r.non_compounds);
        let since_years = lowered(|r| &r.salience.since)
            .iter()
            .filter_map(|w| w.split_once('#'))
            .map(|(head, tail)| (head.trim().to_string(), tail.trim().to_string()))
            .collect();
        Ok(LangModel {
            word_boundaries,
            adjectives_follow,
            verb_final,
            verb_first,
            calls_follow,
            clitics,
            abbreviations,
            compound_prefixes,
            compound_suffixes,
            anaphors,
            definite,
            articles,
            ministers,
            leader_titles,
            subordinators,
            clause_dates,
            clause_openers,
            subordinate_lead,
            status_window,
            status_window_after,
            negated_window_after,
            final_status_reach,
            final_status_blockers,
            final_status_cues,
            non_compounds,
            since_years,
            events,
            roles,
            rules: rule_ids,
            senses,
            url_sections,
            automaton,
            start,
            patterns: b
                .meanings
                .into_iter()
                .map(|meanings| Pattern {
                    closed_start: !meanings.iter().any(|m| m.open_start),
                    meanings: meanings.into(),
                })
                .collect(),
        })
    }

    /// Whether one of the language's anaphors stands as a word in `lowered[from..to]`.
    pub fn anaphor_in(&self, lowered: &str, from: usize, to: usize) -> bool {
        let text = &lowered[from..to];
        self.anaphors.iter().any(|anaphor| {
            text.match_indices(anaphor.as_str()).any(|(at, _)| {
                starts_word(lowered, from + at) && ends_word(lowered, from + at + anaphor.len())
            })
        })
    }

    /// Every phrase found in `lowered` (the lowered form of `original`), boundary
    /// checked, sorted by start. Overlapping phrases are all reported.
    pub fn scan(&self, original: &str, lowered: &str, hits: &mut Vec<Hit>) {
        hits.clear();
        // The overlapping search of the `aho_corasick` crate, stepped here: its
        // iterator re-enters the search and re-checks its state for every match
        // and every byte, which cost three times this loop's few instructions per
        // byte. Every pattern of a match state ends at the current byte.
        let automaton = &self.automaton;
        let mut scan = Scan {
            original,
            lowered,
            hits,
        };
        let mut sid = self.start;
        let mut step = |at: usize, byte: u8| {
            sid = automaton.next_state(Anchored::No, sid, byte);
            // Without a prefilter only match states are special.
            if automaton.is_special(sid) {
                self.report(&mut scan, sid, at + 1);
            }
        };
        // Four bytes a round: the loop's own counting was a third of its work.
        let bytes = lowered.as_bytes();
        let mut quads = bytes.chunks_exact(4);
        for (round, quad) in quads.by_ref().enumerate() {
            let at = round * 4;
            step(at, quad[0]);
            step(at + 1, quad[1]);
            step(at + 2, quad[2]);
            step(at + 3, quad[3]);
        }
        let done = bytes.len() - quads.remainder().len();
        for (i, &byte) in quads.remainder().iter().enumerate() {
            step(done + i, byte);
        }
        self.drop_inside_non_compounds(lowered, hits);
    }

    /// Drops the hits that start inside a word of `non_compounds` (訪中 in 歴訪中) and
    /// the abbreviations right after one (中 after 歴訪): its last character is no
    /// compound prefix there.
    fn drop_inside_non_compounds(&self, lowered: &str, hits: &mut Vec<Hit>) {
        let mut words: Vec<(usize, usize)> = self
            .non_compounds
            .iter()
            .flat_map(|w| {
                lowered
                    .match_indices(w.as_str())
                    .map(|(at, _)| (at, at + w.len()))
            })
            .collect();
        if words.is_empty() {
            return;
        }
        // One pass over the hits, whatever the number of such words (linear in the
        // text): each hit looks up the words that start before it, by their furthest
        // end so far.
        words.sort_unstable();
        let furthest: Vec<usize> = words
            .iter()
            .scan(0, |end, w| {
                *end = (*end).max(w.1);
                Some(*end)
            })
            .collect();
        let mut ends: Vec<usize> = words.iter().map(|w| w.1).collect();
        ends.sort_unstable();
        hits.retain(|h| {
            let before = words.partition_point(|w| w.0 < h.start);
            let inside = before > 0 && h.start < furthest[before - 1];
            let after = matches!(h.what, What::Abbrev(_)) && ends.binary_search(&h.start).is_ok();
            !(inside || after)
        });
    }

    /// The hits of every pattern of match state `sid`, all ending at `end`. Kept out
    /// of the scan loop, which then needs only a few registers.
    #[inline(never)]
    fn report(&self, scan: &mut Scan<'_>, sid: StateID, end: usize) {
        let automaton = &self.automaton;
        if !automaton.is_match(sid) {
            return;
        }
        for index in 0..automaton.match_len(sid) {
            let id = automaton.match_pattern(sid, index);
            let start = end - automaton.pattern_len(id);
            let pattern = &self.patterns[id.as_usize()];
            let left = !self.word_boundaries || left_ok(scan.lowered, start, &self.clitics);
            // Most matches are short phrases inside longer words ("us" in "because").
            if left || !pattern.closed_start {
                self.push_hits(scan, pattern, start, end, left);
            }
        }
    }

    /// The hits of one matched pattern: each of its meanings whose edges and tail fit.
    /// Not inlined into `report`, which is then cheap for the matches it drops.
    #[inline(never)]
    fn push_hits(
        &self,
        scan: &mut Scan<'_>,
        pattern: &Pattern,
        start: usize,
        head_end: usize,
        left: bool,
    ) {
        let Scan {
            original,
            lowered,
            hits,
        } = scan;
        for meaning in pattern.meanings.iter() {
            let end = if meaning.tail.is_empty() {
                head_end
            } else {
                match follow_tail(lowered, head_end, &meaning.tail) {
                    Some(end) => end,
                    None => continue,
                }
            };
            let right = !self.word_boundaries || right_ok(lowered, end);
            if !(left || meaning.open_start) || !(right || meaning.open_end) {
                continue;
            }
            // Without word boundaries a name could start or end anywhere; a katakana
            // name still cannot be part of a longer katakana word.
            if !self.word_boundaries
                && matches!(
                    meaning.what,
                    What::Entity(_) | What::Demonym(_) | What::Abbrev(_)
                )
                && inside_katakana_word(lowered, start, end)
            {
                continue;
            }
            if meaning
                .exact
                .as_deref()
                .is_some_and(|e| &original[start..end] != e)
            {
                continue;
            }
            // Matches arrive by end, so a hit belongs only a few places back:
            // inserting it there keeps the hits sorted (and stable) with no sort
            // pass and no sort buffer.
            let key = (start, std::cmp::Reverse(end));
            let at = hits
                .iter()
                .rposition(|h| (h.start, std::cmp::Reverse(h.end)) <= key)
                .map_or(0, |i| i + 1);
            hits.insert(
                at,
                Hit {
                    start,
                    end,
                    what: meaning.what,
                },
            );
        }
    }
}

/// Matches the segments after the head. After an inner `*`: skip the rest of the
/// current word, then the segment must follow. After `...`: the segment is a word of
/// the same clause, within [`GAP_REACH`], and the clause ends with it. Returns the end
/// of the whole phrase.
fn follow_tail(lowered: &str, mut pos: usize, tail: &[Segment]) -> Option<usize> {
    for segment in tail {
        if segment.gap && !segment.open && !right_ok(lowered, pos) {
            return None;
        }
        pos += lowered[pos..]
            .char_indices()
            .find(|&(_, c)| !is_alnum(c))
            .map_or(lowered.len() - pos, |(i, _)| i);
        if segment.gap {
            pos = clause_final(lowered, pos, &segment.text)?;
            continue;
        }
        if !lowered[pos..].starts_with(segment.text.as_str()) {
            return None;
        }
        pos += segment.text.len();
    }
    Some(pos)
}

/// The end of `word` where it closes the clause that runs on from `from`: the first
/// whole-word occurrence followed by a clause's end (punctuation, the text's end, or
/// "und"/"oder" joining the next clause), before any clause break. A word inside the
/// clause ("traf ein Abkommen") is passed over.
fn clause_final(lowered: &str, from: usize, word: &str) -> Option<usize> {
    let mut reach = (from + GAP_REACH).min(lowered.len());
    while !lowered.is_char_boundary(reach) {
        reach -= 1;
    }
    let window = &lowered[from..reach];
    // A period after a digit is an ordinal ("am 14. April"), not the clause's end.
    let stop = window
        .char_indices()
        .find(|&(i, c)| {
            matches!(
                c,
                ',' | ';' | ':' | '!' | '?' | '(' | '"' | '„' | '“' | '»' | '«'
            ) || (c == '.' && !window[..i].ends_with(|d: char| d.is_ascii_digit()))
        })
        .map_or(window.len(), |(i, _)| i);
    let clause = &window[..stop];
    let mut at = 0;
    while let Some(i) = clause[at..].find(word) {
        let start = from + at + i;
        let end = start + word.len();
        at += i + word.len();
        let starts = lowered[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !is_alnum(c));
        if !starts || !right_ok(lowered, end) {
            continue;
        }
        let rest = lowered[end..].trim_start();
        let closes = rest.chars().next().is_none_or(|c| !is_alnum(c) && c != '-')
            || ["und ", "oder ", "and ", "or "]
                .iter()
                .any(|conj| rest.starts_with(conj));
        if closes {
            return Some(end);
        }
    }
    None
}
