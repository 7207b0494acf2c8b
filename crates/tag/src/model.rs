//! A language's compiled rules: one Aho-Corasick automaton over every phrase of the
//! rule file and every gazetteer name, each pattern carrying what it means.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{dfa, Anchored, MatchKind};
use newsflow_record::EventStatus;

use crate::config::LoadError;
use crate::gazetteer::Gazetteer;
use crate::rules::{RuleFile, Side};
use crate::text::{is_alnum, left_ok, lower_aligned, right_ok};

/// Role names are interned: an index into [`LangModel::roles`].
pub(crate) type RoleId = u16;

/// What a matched phrase means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum What {
    Trigger {
        event: u16,
        weak: bool,
        standalone: bool,
        minor: bool,
        before: Option<RoleId>,
        after: Option<RoleId>,
    },
    Context(u16),
    Exclude(u16),
    Status(EventStatus),
    RoleCue {
        role: RoleId,
        events: u64,
        side: Side,
    },
    LocBefore,
    LocAfter,
    Weekday(u8),
    Month(u8),
    Relative(i8),
    Entity(u32),
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
    /// Rest of a phrase with inner `*` ("военн* парад*"): after the matched head,
    /// each segment follows once the current word has ended.
    tail: Box<[String]>,
}

/// A compiled event type.
#[derive(Debug, Clone)]
pub(crate) struct EventType {
    pub kind: String,
    pub cameo: Vec<String>,
    pub plover: Vec<String>,
    pub min_countries: usize,
    pub before: Option<RoleId>,
    pub after: Option<RoleId>,
    pub location: Option<RoleId>,
    pub place: Option<RoleId>,
    /// Index of the event that this one's minor triggers are part of.
    pub part_of: Option<u16>,
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
    pub clitics: Vec<String>,
    pub abbreviations: HashSet<String>,
    pub compound_prefixes: Vec<String>,
    pub status_window: usize,
    pub events: Vec<EventType>,
    pub roles: Vec<String>,
    automaton: dfa::DFA,
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
        let mut segments = phrase.split('*').map(lower_aligned);
        let lowered = segments.next().unwrap_or_default();
        let tail: Box<[String]> = segments.collect();
        if tail.iter().any(|s| s.is_empty()) {
            return Err(format!("`**` or `* *` in `{raw}`"));
        }
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
        gazetteer: &Gazetteer,
        path: &Path,
    ) -> Result<Self, LoadError> {
        Self::build(Some(rules), &rules.language, gazetteer).map_err(|m| LoadError::msg(path, m))
    }

    /// A model with no event rules: English gazetteer names only, for entities in
    /// languages that have no rule file.
    pub fn entities_only(gazetteer: &Gazetteer, dir: &Path) -> Result<Self, LoadError> {
        Self::build(None, "en", gazetteer).map_err(|m| LoadError::msg(dir, m))
    }

    fn build(
        rules: Option<&RuleFile>,
        language: &str,
        gazetteer: &Gazetteer,
    ) -> Result<Self, String> {
        let mut b = Builder::default();
        let mut events = Vec::new();
        let mut roles = Vec::new();
        if let Some(rules) = rules {
            if rules.events.len() > 64 {
                return Err("at most 64 event types per language".into());
            }
            for (i, rule) in rules.events.iter().enumerate() {
                let event = i as u16;
                if rules.events[..i].iter().any(|r| r.kind == rule.kind) {
                    return Err(format!("event type {} is defined twice", rule.kind));
                }
                let trigger = |weak, standalone| What::Trigger {
                    event,
                    weak,
                    standalone,
                    minor: false,
                    before: None,
                    after: None,
                };
                b.add_all(&rule.strong, trigger(false, false))?;
                b.add_all(&rule.weak, trigger(true, false))?;
                b.add_all(&rule.standalone, trigger(false, true))?;
                for oriented in &rule.oriented {
                    let what = What::Trigger {
                        event,
                        weak: oriented.weak,
                        standalone: false,
                        minor: oriented.minor,
                        before: intern(&mut roles, &oriented.before),
                        after: intern(&mut roles, &oriented.after),
                    };
                    b.add_all(&oriented.phrase, what)?;
                }
                b.add_all(&rule.context, What::Context(event))?;
                b.add_all(&rule.exclude, What::Exclude(event))?;
                let part_of = match &rule.part_of {
                    Some(kind) => Some(
                        rules
                            .events
                            .iter()
                            .position(|e| &e.kind == kind)
                            .ok_or_else(|| {
                                format!("{}: part_of names unknown event type {kind}", rule.kind)
                            })? as u16,
                    ),
                    None => None,
                };
                events.push(EventType {
                    kind: rule.kind.clone(),
                    cameo: rule.cameo.clone(),
                    plover: rule.plover.clone(),
                    min_countries: rule.min_countries,
                    before: intern(&mut roles, &rule.roles.before),
                    after: intern(&mut roles, &rule.roles.after),
                    location: intern(&mut roles, &rule.roles.location),
                    place: intern(&mut roles, &rule.roles.place),
                    part_of,
                });
            }
            b.add_all(&rules.status.planned, What::Status(EventStatus::Planned))?;
            b.add_all(
                &rules.status.speculative,
                What::Status(EventStatus::Speculative),
            )?;
            b.add_all(&rules.status.negated, What::Status(EventStatus::Negated))?;
            for cue in &rules.role_cues {
                let mut mask = 0u64;
                for kind in &cue.events {
                    let i = rules
                        .events
                        .iter()
                        .position(|e| &e.kind == kind)
                        .ok_or_else(|| format!("role cue names unknown event type {kind}"))?;
                    mask |= 1 << i;
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
            b.add_all(&rules.location.before, What::LocBefore)?;
            b.add_all(&rules.location.after, What::LocAfter)?;
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
        }
        for (id, name_language, name) in &gazetteer.names {
            if name_language != language && name_language != "en" {
                continue;
            }
            if gazetteer
                .ambiguous
                .contains(&lower_aligned(name.trim_start_matches('=')))
            {
                continue;
            }
            b.add(name, What::Entity(*id))?;
        }
        if rules.is_some() {
            for (id, name_language, name) in &gazetteer.abbreviations {
                if name_language == language {
                    b.add(name, What::Abbrev(*id))?;
                }
            }
        }
        // A DFA scans an article several times faster than the default contiguous
        // NFA; one language's phrases and names make a DFA of a few MB. It is
        // stepped by `scan` itself (see there), so it needs no prefilter.
        let automaton = dfa::DFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&b.patterns)
            .map_err(|e| e.to_string())?;
        let start = automaton
            .start_state(Anchored::No)
            .map_err(|e| e.to_string())?;
        let (word_boundaries, clitics, abbreviations, compound_prefixes, status_window) =
            match rules {
                Some(r) => (
                    r.word_boundaries,
                    r.clitics.iter().map(|c| lower_aligned(c)).collect(),
                    r.abbreviations.iter().map(|a| lower_aligned(a)).collect(),
                    r.compound_prefixes
                        .iter()
                        .map(|p| lower_aligned(p))
                        .collect(),
                    r.status_window,
                ),
                None => (true, Vec::new(), HashSet::new(), Vec::new(), 0),
            };
        Ok(LangModel {
            word_boundaries,
            clitics,
            abbreviations,
            compound_prefixes,
            status_window,
            events,
            roles,
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

    /// Every phrase found in `lowered` (the lowered form of `original`), boundary
    /// checked, sorted by start. Overlapping phrases are all reported.
    pub fn scan(&self, original: &str, lowered: &str, hits: &mut Vec<Hit>) {
        hits.clear();
        // The overlapping search of the `aho_corasick` crate, stepped here: its
        // iterator re-enters the search and re-checks its state for every match
        // and every byte, which cost three times this loop's few instructions per
        // byte. Every pattern of a match state ends at the current byte.
        let dfa = &self.automaton;
        let mut scan = Scan {
            original,
            lowered,
            hits,
        };
        let mut sid = self.start;
        let mut step = |at: usize, byte: u8| {
            sid = dfa.next_state(Anchored::No, sid, byte);
            // Without a prefilter only match states are special.
            if dfa.is_special(sid) {
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
    }

    /// The hits of every pattern of match state `sid`, all ending at `end`. Kept out
    /// of the scan loop, which then needs only a few registers.
    #[inline(never)]
    fn report(&self, scan: &mut Scan<'_>, sid: StateID, end: usize) {
        let dfa = &self.automaton;
        if !dfa.is_match(sid) {
            return;
        }
        for index in 0..dfa.match_len(sid) {
            let id = dfa.match_pattern(sid, index);
            let start = end - dfa.pattern_len(id);
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

/// Matches the segments after an inner `*`: skip the rest of the current word, then
/// the segment must follow. Returns the end of the whole phrase.
fn follow_tail(lowered: &str, mut pos: usize, tail: &[String]) -> Option<usize> {
    for segment in tail {
        pos += lowered[pos..]
            .char_indices()
            .find(|&(_, c)| !is_alnum(c))
            .map_or(lowered.len() - pos, |(i, _)| i);
        if !lowered[pos..].starts_with(segment.as_str()) {
            return None;
        }
        pos += segment.len();
    }
    Some(pos)
}
