//! An article's events from its sentences' sightings: sightings merged into
//! occurrences, each type's salience and status, parties, and the events the
//! occasions imply.

use super::sighting::Sentence;
use super::*;

impl Tagger {
    pub(super) fn events(
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
                let sentence = Sentence {
                    model,
                    field,
                    span,
                    hits,
                    mentions,
                    published,
                    view,
                    triggered,
                };
                for event_index in 0..model.events.len() {
                    let event_id = event_index as u16;
                    if triggered & (1 << event_id) == 0 {
                        continue;
                    }
                    let already = found.iter().any(|f| f.event == event_id);
                    let occasions = model.events[event_index].occasions;
                    let occasion = found.iter().any(|f| occasions & (1 << f.event) != 0);
                    // Every occurrence of a `lasting` type told so far is displaced in
                    // time ("signed the treaty in Minsk last December"): a weak trigger
                    // with nothing of its own to confirm it ("the treaty will enter
                    // into force", "the treaty binds Belarus") names that earlier
                    // event's document again, it does not develop one in the story's time.
                    let displaced_only = already
                        && model.events[event_index].lasting
                        && found.iter().filter(|f| f.event == event_id).all(|f| {
                            f.background_cue.is_some() && f.in_lead.is_none() && f.developed == 0
                        });
                    let mut refers_back = false;
                    let sighting = match self.sighting(
                        &sentence,
                        event_id,
                        already && !displaced_only,
                        occasion,
                    ) {
                        Err(Miss::RuledOut(_)) if displaced_only => {
                            let again = self.sighting(&sentence, event_id, true, occasion);
                            refers_back = again.is_ok();
                            again
                        }
                        sighting => sighting,
                    };
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
                            Err(Miss::RuledOut(
                                "the meeting of another kind told before".into(),
                            ))
                        } else {
                            Ok(s)
                        }
                    });
                    match &sighting {
                        Ok(_) => {
                            excluded_last &= !(1 << event_id);
                            envoy_last &= !(1 << event_id);
                        }
                        Err(Miss::EnvoysMeeting(_)) => {
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
                        Err(Miss::NoTrigger) => continue,
                        Err(reason) => {
                            if let Some(trace) = trace.as_deref_mut() {
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
                    // clause ("..., after their meetings in May"). Never beyond the
                    // sentence: the next one's year ("It is his first visit since
                    // 2019.") dates the next one's words, not this trigger.
                    let limit = field.lowered[sighting.trigger_end..]
                        .char_indices()
                        .nth(model.status_window_after)
                        .map_or(span.end, |(i, _)| sighting.trigger_end + i)
                        .min(span.end);
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
                        &sentence,
                        event_id,
                        sighting.trigger_start,
                        limit,
                        clause_end,
                    )
                    .or_else(|| {
                        refers_back.then(|| "the earlier occurrence told before".to_string())
                    })
                    .or_else(|| {
                        // A headline's subordinate clause ("cuts short visit after
                        // Russian strike"): its event is the main clause's background.
                        (field.name == "title" || (model.subordinate_lead && in_lead.is_some()))
                            .then(|| subordinate(&sentence, sighting.trigger_start, event_id))
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
                    // A cue that ties the sentence to the article's meeting, before
                    // the trigger or after it ("After the talks, officials signed
                    // ...", "وقّع السيسي وأردوغان في ختامها").
                    sighting.after_occasion = background.is_none()
                        && in_lead.is_none()
                        && occurred
                        && hits.iter().any(|h| h.what == What::Occasion);
                    // Only the title and lead tell what the trip is for: a summit of
                    // many the body names is another leg ("flies on to Cairo for the
                    // Arab summit").
                    sighting.gathering &= in_lead.is_some();
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
        // A first occurrence displaced in time ("the previous summit, in Lisbon in
        // 2023") is background: the article's own is its type's first occurrence told
        // with no displacing cue ("concluded an official visit to Brazil on the eve").
        for i in 0..found.len() {
            let f = &found[i];
            if !f.primary || f.background_cue.is_none() || f.in_lead.is_some() {
                continue;
            }
            let event = f.event;
            let undisplaced = (0..found.len())
                .filter(|&j| found[j].event == event && found[j].background_cue.is_none())
                .min_by_key(|&j| found[j].order);
            if let Some(j) = undisplaced {
                found[i].primary = false;
                found[j].primary = true;
            }
        }
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
        let mut gathering_trip = false;
        found.retain_mut(|f| {
            let event = &model.events[f.event as usize];
            // A trip the title or lead tells as one for a summit of many the article
            // reports, with no visit of its own told anywhere ("Modi meets Xi on first
            // trip to China" over "made the trip for a regional summit"): the summit's.
            if event.part_of & main_types != 0 && f.gathering && !f.bilateral {
                if let Some(trace) = trace.as_deref_mut() {
                    trace.lines.push(format!(
                        "{} not an event: a trip for a summit of many the article reports",
                        event.kind
                    ));
                }
                gathering_trip = true;
                return false;
            }
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
        let own_visits: Vec<bool> = found.iter().map(|f| f.own_visit).collect();
        let (mut events, mut cues): (Vec<Event>, Vec<SalienceCue>) = found
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
                    _ if also_reported => (Salience::Main, SalienceCue::AnotherDeveloped),
                    _ if !f.primary => (
                        Salience::Background,
                        SalienceCue::Another(f.background_cue.clone()),
                    ),
                    // An event still to come, called off or only possible, beside
                    // an event the article reports as having happened, is what that
                    // story looks ahead or back to, even in the title
                    // (`unhappened_yields_to`).
                    (Some(_), _, _)
                        if f.status != EventStatus::Occurred
                            && event.unhappened_yields_to & main_types & !(1 << f.event) != 0 =>
                    {
                        (Salience::Background, SalienceCue::NotHappened)
                    }
                    (Some(place), _, _) => (Salience::Main, SalienceCue::Told(place)),
                    (None, n, _)
                        if n >= 2
                            && f.developed_occurred
                            && event.yields_to & lead_types & !(1 << f.event) != 0 =>
                    {
                        (Salience::Background, SalienceCue::YieldsToLead)
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
                        (Salience::Main, SalienceCue::Developed)
                    }
                    (None, n, None)
                        if n >= 1
                            && f.developed_occurred
                            && ((event.occasions | event.held_during) & main_types != 0
                                || (event.unnamed_occasions & main_types != 0
                                    && (f.actors.iter().all(|a| a.person)
                                        || (f.after_occasion
                                            && f.status == EventStatus::Occurred)))) =>
                    {
                        (Salience::Main, SalienceCue::DuringOccasion)
                    }
                    (None, n, None)
                        if n >= 1
                            && f.developed_occurred
                            && f.status == EventStatus::Occurred
                            && is_framed() =>
                    {
                        (Salience::Main, SalienceCue::Framed)
                    }
                    (None, _, Some(cue)) => {
                        (Salience::Background, SalienceCue::Displaced(cue.clone()))
                    }
                    (None, _, None) => (Salience::Background, SalienceCue::InPassing),
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
                    salience_cue: cue.to_string(),
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
                    let reach = fields[1].within(&f.paragraphs[..f.paragraph_count as usize]);
                    self.add_paragraph_parties(&mut out, model, f.event, role, &reach);
                    if let Some(nation) = event.nation {
                        let nation = &model.roles[nation as usize];
                        self.cast_nation_by_places(&mut out, nation, &reach);
                    }
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
                (out, cue)
            })
            .unzip();
        summit_guests(&mut events, &mut cues, &own_visits, trace.as_deref_mut());
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
        // Leaders meeting on the sidelines of a summit of many are at that summit. Talks
        // main only as held during a main visit or signing are that occasion's talks.
        // The trip the title or lead told as one for a summit of many is that summit's
        // too, however few countries its sentences name.
        let summit_of_many = gathering_trip
            || events.iter().zip(&cues).any(|(e, cue)| {
                e.kind == "summit"
                    && e.salience == Salience::Main
                    && *cue != SalienceCue::DuringOccasion
                    && countries(e).len() > 2
            });
        self.implied(model, fields, published, summit_of_many, &mut events, trace);
        self.implied_talks(model, published, &mut events, trace);
        // A background event is context for the story an article reports. With no
        // main event the article reports none (a match report, a company's results),
        // and a word told in passing there ("attack", "summit", "sanctions") is another
        // sense far more often than a real event. A mention placed in time ("days
        // after the attack", "the anniversary of the parade") still refers to one.
        if !events.iter().any(|e| e.salience == Salience::Main) {
            // Events implied after the cues were decided are placed by no cue.
            let mut placed = cues
                .iter()
                .map(SalienceCue::placed_in_time)
                .chain(std::iter::repeat(false));
            events.retain(|event| {
                let placed_in_time = placed.next().unwrap_or(false);
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
}

/// Drops the visits that are a summit's guests being received: the host of a main
/// summit of many that happened (three countries or more) receiving leaders who came
/// for it, none of them a state ("Rama received his guests one by one", "Ishiba
/// received Costa and von der Leyen for the Japan-EU summit"), is no state visit. A
/// visit named as such anywhere ("state visit", "visita oficial", "国事访问") stays, and
/// so does one whose visitors are states (a leader's trip beside the summit).
fn summit_guests(
    events: &mut Vec<Event>,
    cues: &mut Vec<SalienceCue>,
    own_visits: &[bool],
    mut trace: Option<&mut Explanation>,
) {
    let summits: Vec<(Vec<String>, Vec<String>)> = events
        .iter()
        .filter(|e| {
            e.kind == "summit" && e.salience == Salience::Main && e.status == EventStatus::Occurred
        })
        .map(|e| {
            let mut hosts: Vec<String> = countries_in_role(e, Some("host"))
                .into_iter()
                .map(str::to_string)
                .collect();
            hosts.extend(e.location.as_ref().and_then(|l| l.country.clone()));
            let parties: Vec<String> = countries(e).into_iter().map(str::to_string).collect();
            (parties, hosts)
        })
        .filter(|(parties, _)| parties.len() > 2)
        .collect();
    if summits.is_empty() {
        return;
    }
    let keep: Vec<bool> = events
        .iter()
        .zip(own_visits)
        .map(|(event, &own_visit)| {
            let hosts = countries_in_role(event, Some("host"));
            // States are written with three letters; the EU and the UN are no state.
            // Leaders received one by one by a summit's host were tried too: with three
            // named states or more it cost more true visits on dev than it removed.
            let state_visitor = countries_in_role(event, Some("visitor"))
                .iter()
                .any(|c| c.len() == 3);
            let received = event.kind == "state_visit"
                && !own_visit
                && !state_visitor
                && !hosts.is_empty()
                && summits.iter().any(|(_, summit_hosts)| {
                    hosts.iter().all(|h| summit_hosts.iter().any(|s| s == h))
                });
            if let (true, Some(trace)) = (received, trace.as_deref_mut()) {
                trace.lines.push(format!(
                    "{} not an event: the host of a summit of many receiving its guests",
                    event.kind
                ));
            }
            !received
        })
        .collect();
    let mut kept = keep.iter();
    events.retain(|_| kept.next().copied().unwrap_or(true));
    let mut kept = keep.iter();
    cues.retain(|_| kept.next().copied().unwrap_or(true));
}
