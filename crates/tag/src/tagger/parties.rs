//! An event's parties: the actors and place its sentences name, and the parties the
//! title, lead and paragraphs add.

use super::sighting::Sentence;
use super::*;

impl Tagger {
    /// The parties the title and lead name, in the type's `lead_role`, for those the
    /// event's sentences did not already cast.
    pub(super) fn add_lead_parties(
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
    pub(super) fn add_paragraph_parties(
        &self,
        out: &mut Event,
        model: &LangModel,
        event_id: u16,
        role: &str,
        home: Option<(RoleId, &str)>,
        body: &Field<'_>,
        paragraphs: &[(u32, u32)],
    ) {
        let event = &model.events[event_id as usize];
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
                if event.paragraph_own_sentences
                    && entity.kind != EntityKind::Person
                    && tells_another(&model.abbreviations, body, hits, mention, event_id)
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

    /// A type's `nation` (a parade's host) when no actor holds it: the country whose
    /// places the paragraphs that report the event name most often, more often than
    /// any other ("... marched along the Champs-Élysées", "in Islamabad"), when the
    /// event casts it in another role (its own troops marching past, its president
    /// taking the salute, cast as guests beside the foreign contingents). A country
    /// the event does not cast is not added: the places may be where its guests came
    /// from.
    pub(super) fn cast_nation_by_places(
        &self,
        out: &mut Event,
        nation: &str,
        body: &Field<'_>,
        paragraphs: &[(u32, u32)],
    ) {
        if out.actors.iter().any(|a| a.role.as_deref() == Some(nation)) {
            return;
        }
        let start = paragraphs.iter().map(|p| p.0).min().unwrap_or(0) as usize;
        let end = paragraphs.iter().map(|p| p.1).max().unwrap_or(0) as usize;
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for mention in slice_mentions(body.mentions, start, end) {
            let entity = &self.gazetteer.entities[mention.entity as usize];
            if entity.kind != EntityKind::Place {
                continue;
            }
            match counts.iter_mut().find(|(c, _)| *c == entity.country) {
                Some((_, n)) => *n += 1,
                None => counts.push((entity.country.as_str(), 1)),
            }
        }
        counts.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        let Some(&(home, most)) = counts.first() else {
            return;
        };
        if counts.get(1).is_some_and(|&(_, n)| n == most) {
            return;
        }
        let of_home = |a: &Actor| a.country.as_deref() == Some(home) && a.role.is_some();
        if !out.actors.iter().any(of_home) {
            return;
        }
        for actor in out.actors.iter_mut().filter(|a| of_home(a)) {
            actor.role = Some(nation.to_string());
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

    /// The place right after a location word ("in Beijing") or right before a
    /// postposition ("北京で"); cities win over countries, then the one nearest the trigger.
    pub(super) fn location(
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
    pub(super) fn actors<'g>(
        &'g self,
        sentence: &Sentence<'_>,
        event_id: u16,
        trigger: &Hit,
        location: &Option<Mention>,
    ) -> Vec<Cast<'g>> {
        let Sentence {
            model,
            field,
            hits,
            mentions,
            ..
        } = *sentence;
        let event = &model.events[event_id as usize];
        // Only a trigger has sides to cast.
        let What::Trigger { before, after, .. } = trigger.what else {
            return Vec::new();
        };
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

    pub(super) fn country_actor<'g>(&'g self, code: &'g str, role: Option<RoleId>) -> Cast<'g> {
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

/// The countries of an event's parties, each once.
pub(super) fn countries(event: &Event) -> Vec<&str> {
    countries_in_role(event, None)
}

/// The countries of an event's parties in `role` (any, for `None`), each once.
pub(super) fn countries_in_role<'a>(event: &'a Event, role: Option<&str>) -> Vec<&'a str> {
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

/// Gives every country of a fight both sides wage ("clashes between Thailand and
/// Cambodia") the other of its two roles too: each side attacks and is attacked.
/// A party of the event whose country is where it takes place holds `role` too
/// (the catalogue's `home_role`): the leaders meeting in Tianjin include their host.
/// A country in no role of its own there (a neutral venue) is not made one.
pub(super) fn add_home_role(out: &mut Event, role: &str) {
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
pub(super) fn recast(event: &mut Event, host: Actor, guest: &str) -> bool {
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
pub(super) fn add_host_participants(out: &mut Event, home: &str, lead: &str) {
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

pub(super) fn add_counterparts(out: &mut Event, event: &crate::model::EventType, roles: &[String]) {
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

/// Whether the sentence of `mention` tells another event (a strong trigger of another
/// type) or an earlier one (a background cue that is no subordinate clause's).
fn tells_another(
    abbreviations: &HashSet<String>,
    body: &Field<'_>,
    hits: &[Hit],
    mention: &Mention,
    event_id: u16,
) -> bool {
    let Some(sentence) = sentence_at(body.text, body.lowered, abbreviations, mention.start) else {
        return false;
    };
    hits.iter()
        .filter(|h| h.start >= sentence.start && h.end <= sentence.end)
        .any(|h| match h.what {
            What::Background { clause: false } => true,
            What::Trigger {
                event, weak: false, ..
            } => event != event_id,
            _ => false,
        })
}
