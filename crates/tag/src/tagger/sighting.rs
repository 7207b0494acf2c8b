//! When a sentence's trigger is an event: its context, senses and exclusions, the
//! compounds and gaps a trigger stands in, and ministers' and envoys' meetings.

use super::*;

/// One sentence read for events: its field and span, the phrases found in it, and what
/// the article around it says.
#[derive(Clone, Copy)]
pub(super) struct Sentence<'a> {
    pub(super) model: &'a LangModel,
    pub(super) field: &'a Field<'a>,
    pub(super) span: &'a Span,
    pub(super) hits: &'a [Hit],
    pub(super) mentions: &'a [Mention],
    pub(super) published: Option<NaiveDate>,
    pub(super) view: &'a ArticleView<'a>,
    /// The event types with a trigger in the sentence (bits by event id).
    pub(super) triggered: u64,
}

impl Tagger {
    /// The office word that makes a visit trigger's visitor a minister or envoy: on
    /// the visitor's side of the trigger, in its sentence, with no leader there ("Wang,
    /// China's foreign minister, landed in Delhi", "the two ministers were received by
    /// Trump"), or the sentence's first word, when the visitor's side is before the
    /// trigger and the field names that word with an office word ("Healey, on his
    /// first trip to Australia" after "the Defence Secretary, John Healey").
    fn minister_trip<'m>(
        &self,
        sentence: &Sentence<'m>,
        trigger: &Hit,
        before: Option<RoleId>,
        after: Option<RoleId>,
        event: &crate::model::EventType,
    ) -> Option<&'m str> {
        let Sentence {
            model, field, span, ..
        } = *sentence;
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
        // A verb opening its clause (`verb_first`) has its subject, the host, first after
        // it ("استقبل ولي العهد الأمير محمد بن سلمان ... وزير الخارجية الإيراني"): the
        // visitor's side starts past that subject, the leader named (or titled) first.
        let start = if model.verb_first && start == trigger.end {
            self.past_subject(sentence, trigger).unwrap_or(start)
        } else {
            start
        };
        let side = &field.lowered[start..end];
        // Scripts without spaces have no word boundaries to check: an office word is
        // found inside its compound ("中国外相が来日").
        let office_at = |w: &String| {
            if model.word_boundaries {
                word_at(side, w).is_some()
            } else {
                side.contains(w.as_str())
            }
        };
        let leader = self.leaders_within(sentence, start..end).next().is_some()
            || model.leader_titles.iter().any(office_at);
        if leader {
            return None;
        }
        if let Some(office) = model.ministers.iter().find(|w| office_at(w)) {
            return Some(office);
        }
        if start != span.start {
            return None;
        }
        named_minister(field.text, field.lowered, span.start, &model.ministers)
    }

    /// The people named within `range` of the sentence who lead a state on its
    /// publication date, in the order named.
    fn leaders_within<'s>(
        &'s self,
        sentence: &'s Sentence<'_>,
        range: std::ops::Range<usize>,
    ) -> impl Iterator<Item = &'s Mention> + 's {
        sentence.mentions.iter().filter(move |m| {
            let entity = &self.gazetteer.entities[m.entity as usize];
            m.start >= range.start
                && m.end <= range.end
                && entity.kind == EntityKind::Person
                && self.gazetteer.led_on(&entity.name, sentence.published)
        })
    }

    /// Where the subject of a verb opening its clause ends: past the first leader named
    /// after the verb (in office on the publication date), else past the first leader's
    /// title; `None` when a name or more than two words stand before the verb in its
    /// sentence (the subject is there).
    fn past_subject(&self, sentence: &Sentence<'_>, trigger: &Hit) -> Option<usize> {
        let Sentence {
            model,
            field,
            span,
            mentions,
            ..
        } = *sentence;
        let before = &field.lowered[span.start..trigger.start];
        if before.split_whitespace().count() > 2
            || mentions
                .iter()
                .any(|m| m.start >= span.start && m.end <= trigger.start)
        {
            return None;
        }
        if let Some(m) = self.leaders_within(sentence, trigger.end..span.end).next() {
            return Some(m.end);
        }
        let after = &field.lowered[trigger.end..span.end];
        model
            .leader_titles
            .iter()
            .filter_map(|w| word_at(after, w).map(|i| trigger.end + i + w.len()))
            .min()
    }

    /// The minister or envoy who meets at a meeting word: named right beside it
    /// (`ENVOY_REACH` characters between them: "Lavrov held talks with Araghchi", "received
    /// Akazawa and talked for fifty minutes"), in a sentence naming the leaders (in
    /// office on `published`) of fewer than two states. A minister named further off
    /// comes along or is told in another clause ("accompanied by his foreign minister,
    /// Wang Yi, ... a private meeting with the head of state"). The envoy's own leader
    /// named only after the meeting word sent them, and meets no one there ("Lavrov met
    /// Kim and handed him a message from Putin"); named before it, the leader may be the
    /// one who meets ("Putin, with Lavrov beside him, met Kim").
    fn envoys_meeting(&self, sentence: &Sentence<'_>, trigger: &Hit) -> Option<&str> {
        let Sentence {
            field,
            mentions,
            published,
            ..
        } = *sentence;
        let text = field.lowered;
        let mut envoy: Option<&crate::gazetteer::Entity> = None;
        // Each leader's country, and whether the leader is named after the meeting word.
        let mut leaders: Vec<(&str, bool)> = Vec::new();
        for m in mentions {
            let entity = &self.gazetteer.entities[m.entity as usize];
            if entity.kind != EntityKind::Person {
                continue;
            }
            if self.gazetteer.led_on(&entity.name, published) {
                let after = m.start >= trigger.end;
                match leaders
                    .iter_mut()
                    .find(|(c, _)| *c == entity.country.as_str())
                {
                    Some(seen) => seen.1 &= after,
                    None => leaders.push((entity.country.as_str(), after)),
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
                envoy = Some(entity);
            }
        }
        let envoy = envoy?;
        let meeting = leaders
            .iter()
            .filter(|&&(country, after)| !(after && country == envoy.country.as_str()))
            .count();
        (meeting < 2).then_some(envoy.name.as_str())
    }

    /// The heads of state and government in office on `published` a text names.
    pub(super) fn leaders_in(
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

    /// A trigger that begins inside a person's name and runs past its end: in scripts
    /// without spaces a name's last character can open a trigger with the next word
    /// ("何立峰会见" holds "峰会", a summit, across "何立峰" and "会见"). Not a trigger.
    fn inside_a_name(&self, hit: &Hit, mentions: &[Mention]) -> bool {
        mentions.iter().any(|m| {
            m.start < hit.start
                && hit.start < m.end
                && hit.end > m.end
                && self.gazetteer.entities[m.entity as usize].kind == EntityKind::Person
        })
    }

    /// The event in one sentence, if its rules fire there; otherwise why not. `already`:
    /// the article told an occurrence of the type before; `occasion`: it told an event
    /// the type is held during.
    pub(super) fn sighting<'g>(
        &'g self,
        sentence: &Sentence<'_>,
        event_id: u16,
        already: bool,
        occasion: bool,
    ) -> Result<Found<'g>, Miss> {
        let Sentence {
            model,
            field,
            span,
            hits,
            mentions,
            published,
            view,
            triggered,
        } = *sentence;
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
                    return Err(Miss::RuledOut(format!(
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
                What::Trigger { event, .. }
                    if event == event_id && self.inside_a_name(hit, mentions) => {}
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
        let trigger = trigger.ok_or(Miss::NoTrigger)?;
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
            return Err(Miss::NoTrigger);
        };
        // A visit of its own: a standalone trigger, or one whose orientation names the
        // host ("received", "was welcomed by"), not a `part` one ("hosting").
        let host_side =
            |role: Option<RoleId>| role.is_some_and(|r| model.roles[r as usize] == "host");
        let bilateral = standalone || (!part && (host_side(before) || host_side(after)));
        // A trip told for a summit of many ("arrived in Rio for the Brics summit", "a
        // trip to China for a regional summit"): the sentence names a gathering
        // (`gatherings`) and a summit by a trigger of its own that is no meeting word,
        // and tells no visit of its own ("for a state visit and the SCO summit"). That
        // is taking part in the summit (`part_of`).
        let gathering = event.part_of != 0
            && !bilateral
            && hits.iter().any(|h| h.what == What::Gathering)
            && hits.iter().any(|h| {
                matches!(h.what, What::Trigger { event: e, minor: false, .. }
                    if event.part_of & (1 << e) != 0)
            })
            && !hits.iter().any(|h| {
                matches!(h.what, What::Trigger { event: e, standalone: true, .. }
                    if e == event_id)
            });
        let part = part || gathering;
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
            if let Some(envoy) = self.envoys_meeting(sentence, trigger) {
                return Err(Miss::EnvoysMeeting(envoy.to_string()));
            }
        }
        // Talks in an article that reports their occasion (a visit): the occasion
        // confirms them and names their parties.
        let already = already || (minor && occasion);
        if weak && !context && !already {
            return Err(Miss::RuledOut(format!(
                "weak trigger {phrase} without context"
            )));
        }
        // An event the article already told, named again by a weak trigger beside a
        // verb of reacting to it: the sentence names who reacts, not who takes part.
        if weak && already && hits.iter().any(|h| h.what == What::Reaction) {
            return Err(Miss::RuledOut(format!(
                "weak trigger {phrase} in a reaction to it"
            )));
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
            return Err(Miss::RuledOut(
                "a sub-aspect of another event in the sentence".into(),
            ));
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
                return Err(Miss::RuledOut(format!(
                    "sense {}: section in the URL",
                    sense(domain)
                )));
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
            // Leaders named in a clause of their own before it ("In the presence of
            // Macron and To Lam, Airbus and Vietjet signed") witness the company's deal.
            let clause_start = field
                .lowered
                .get(span.start..mention.start)
                .and_then(|before| before.rfind([',', ';', ':', '，', '；', '：']))
                .map_or(span.start, |i| span.start + i);
            let signatory = event.company_signs
                && mention.start < trigger.start
                && field
                    .lowered
                    .get(mention.end..trigger.start)
                    .is_none_or(|gap| !gap.contains([',', ';', '，', '；']))
                && !mentions.iter().any(|m| {
                    m.start >= clause_start
                        && m.start < trigger.start
                        && self.gazetteer.entities[m.entity as usize].kind == EntityKind::Person
                });
            // A company named after the trigger in its clause is who the deal is
            // signed with ("the defence ministry signed with Hyundai Rotem a contract",
            // "Polen unterzeichnet mit Hyundai Rotem einen Vertrag"): a ministry's or
            // an agency's deal with a company, not states signing.
            let counterpart = event.company_signs
                && mention.start >= trigger.end
                && field
                    .lowered
                    .get(trigger.end..mention.start)
                    .is_none_or(|gap| !gap.contains([',', ';', '，', '；', '、']));
            let subject = match kind {
                EntityKind::Company => (context || leader_countries) && !signatory && !counterpart,
                EntityKind::Party => leader_countries,
                _ => false,
            };
            if subject {
                continue;
            }
            if event.other_sense_kinds & kind.bit() != 0 {
                return Err(Miss::RuledOut(format!(
                    "sense: \"{}\" ({kind:?}) takes part",
                    &field.text[mention.start..mention.end]
                )));
            }
        }
        if senses != 0 && !context {
            let domain = senses.trailing_zeros() as u8;
            return Err(Miss::RuledOut(format!(
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
                return Err(Miss::RuledOut(format!(
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
                return Err(Miss::RuledOut(format!(
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
                return Err(Miss::RuledOut(
                    "the title and lead's parties are a company's or a club's".into(),
                ));
            }
            for (country, kind) in &view.lead_parties {
                if event.party_kinds & kind.bit() != 0 && !countries.contains(country) {
                    countries.push(country);
                }
            }
            if countries.len() < needed {
                return Err(Miss::RuledOut(format!(
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
        // Unspaced scripts: a space between two CJK characters parts a headline's
        // clauses, and a date across it dates the other clause ("合同演習「…」開始　野外
        // 訓練の半数は9月に延期": September is the postponed drills', not the start's).
        let (near_start, near_end) = if model.word_boundaries {
            (near_start, near_end)
        } else {
            cjk_clause(field.lowered, near_start, near_end, trigger)
        };
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
                return Err(Miss::RuledOut(format!(
                    "{}'s trip: a minister or envoy is on no state visit",
                    envoy.name
                )));
            }
            if let Some(office) = self.minister_trip(sentence, trigger, before, after, event) {
                return Err(Miss::RuledOut(format!(
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
                    return Err(Miss::RuledOut(format!(
                        "domestic: every party is of {here}, where it happens"
                    )));
                }
            }
        }
        let mut actors = self.actors(sentence, event_id, trigger, &location);
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
            after_occasion: false,
            developed_occurred: false,
            part_only: part,
            gathering,
            bilateral,
            own_visit: standalone,
            part_salience: (None, 0, false),
            primary: false,
            paragraphs: [(0, 0); MAX_PARAGRAPHS],
            paragraph_count: 0,
            trigger_start: trigger.start,
            trigger_end: trigger.end,
            mutual,
        })
    }
}

/// A one-character country abbreviation counts next to another one (日韓, 中澳),
/// after a compound prefix (訪米, 来日) or before a compound suffix (米軍, 米政府);
/// alone it is an ordinary character. A prefix takes one abbreviation: the character
/// after 来日 or 訪米 is its own word ("来日中の大統領", "visiting Japan": 中 is
/// "during", not China).
pub(super) fn in_compound(model: &LangModel, lowered: &str, hits: &[Hit], hit: &Hit) -> bool {
    let abbrev = |h: &&Hit| matches!(h.what, What::Abbrev(_));
    let prefixed = |at: usize| {
        model
            .compound_prefixes
            .iter()
            .any(|p| lowered[..at].ends_with(p.as_str()))
    };
    hits.iter()
        .filter(abbrev)
        .any(|h| (h.end == hit.start && !prefixed(h.start)) || h.start == hit.end)
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
pub(super) fn adjective_gap(model: &LangModel, gap: &str) -> bool {
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
pub(super) fn modifier_gap(gap: &str, word_boundaries: bool) -> bool {
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

/// The part of `start..end` in the trigger's own headline clause: clauses are parted
/// by a space between two CJK characters (`cjk_space_break`).
fn cjk_clause(text: &str, start: usize, end: usize, trigger: &Hit) -> (usize, usize) {
    let from = text[start..trigger.start]
        .char_indices()
        .rfind(|&(i, _)| space_between_cjk(text, start + i))
        .map_or(start, |(i, c)| start + i + c.len_utf8());
    let to = text[trigger.end..end]
        .char_indices()
        .find(|&(i, _)| space_between_cjk(text, trigger.end + i))
        .map_or(end, |(i, _)| trigger.end + i);
    (from, to)
}

/// Whether `text[from..to]` holds a space (ASCII or ideographic) between two CJK
/// characters: where words are not spaced, a space separates two clauses of a
/// headline ("回应美国对台军售 中方宣布…"), and a role cue does not reach across it.
pub(super) fn cjk_space_break(text: &str, from: usize, to: usize) -> bool {
    let Some(gap) = text.get(from..to) else {
        return false;
    };
    gap.match_indices(is_clause_space)
        .any(|(i, _)| space_between_cjk(text, from + i))
}

/// A space, ASCII or ideographic.
fn is_clause_space(c: char) -> bool {
    c == ' ' || c == '\u{3000}'
}

/// Whether a space at byte `at` of `text` stands between two CJK characters (past any
/// further spaces).
fn space_between_cjk(text: &str, at: usize) -> bool {
    text[at..].starts_with(is_clause_space)
        && text[..at].chars().next_back().is_some_and(is_cjk)
        && text[at..]
            .chars()
            .find(|&c| !is_clause_space(c))
            .is_some_and(is_cjk)
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
pub(super) fn topical(
    lowered: &str,
    hits: &[Hit],
    mentions: &[Mention],
    i: usize,
    event_id: u16,
) -> bool {
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
pub(super) fn attached(gap: &str) -> bool {
    matches!(gap.trim(), "" | "の" | "的" | "・")
}

/// Where `word` stands in `text` as whole words (no letter or digit just before or
/// after it), the first time.
pub(super) fn word_at(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word)
        .map(|(i, _)| i)
        .find(|&i| starts_word(text, i) && ends_word(text, i + word.len()))
}

/// Characters between a meeting word and a minister or envoy who meets there (an
/// office and a few words: "talks with his Iranian counterpart Abbas Araghchi").
const ENVOY_REACH: usize = 36;

/// Why a sentence holds no event of a type.
pub(super) enum Miss {
    /// No trigger of the type decides anything here.
    NoTrigger,
    /// A minister or an envoy meets there: no summit of leaders, and the next
    /// sentences' weak meeting words refer back to this meeting.
    EnvoysMeeting(String),
    /// A rule ruled the trigger out, for the reason given.
    RuledOut(String),
}

impl std::fmt::Display for Miss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Miss::NoTrigger => f.write_str("no trigger of the type decides here"),
            Miss::EnvoysMeeting(envoy) => {
                write!(
                    f,
                    "{envoy} meets: a minister's or envoy's meeting, not leaders'"
                )
            }
            Miss::RuledOut(reason) => f.write_str(reason),
        }
    }
}

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
