//! Occasions and what they imply: one occasion per article, guests at a parade, and the
//! state visit implied by a foreign leader at a parade or meeting the host.

use super::*;

impl Tagger {
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
    pub(super) fn one_occasion(&self, events: &mut [Event], trace: &mut Option<&mut Explanation>) {
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
    pub(super) fn implied(
        &self,
        model: &LangModel,
        fields: &[Field<'_>; 2],
        published: Option<NaiveDate>,
        summit_of_many: bool,
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
        let implied = implied_by(visit, occasion, actors, (cue, rule));
        if let Some(trace) = trace.as_deref_mut() {
            trace.lines.push(format!(
                "implied: state_visit from a foreign leader at the {}",
                occasion.kind
            ));
        }
        events.push(implied);
    }

    /// The talks a reported visit implies (issue 10): two leaders holding talks during
    /// a visit are at a summit. A visit the article reports as main and held, whose
    /// parties name a head of state or government of its host and one of another
    /// country, both parties to a signing the article reports as main and held,
    /// implies their meeting, when the article reports no summit as main and no
    /// parade (a guest of honour watches the parade: no talks are told). Its
    /// participants are the leaders' countries, the host's first. Reads only the
    /// events already found: no cost per sentence.
    pub(super) fn implied_talks(
        &self,
        model: &LangModel,
        published: Option<NaiveDate>,
        events: &mut Vec<Event>,
        trace: &mut Option<&mut Explanation>,
    ) {
        let Some(summit) = model.events.iter().find(|e| e.kind == "summit") else {
            return;
        };
        let main = |e: &Event, kind: &str| e.kind == kind && e.salience == Salience::Main;
        if events
            .iter()
            .any(|e| main(e, "summit") || main(e, "military_parade"))
        {
            return;
        }
        let Some(visit) = events
            .iter()
            .find(|e| main(e, "state_visit") && e.status == EventStatus::Occurred)
        else {
            return;
        };
        let mut sides = leaders_sides(visit, |name| self.gazetteer.led_on(name, published));
        // Leaders who signed together met: a signing held, with the host and a
        // visiting side among its parties. A welcome alone (at the airport, by a
        // monarch) tells no talks.
        let Some(signing) = events.iter().find(|e| {
            main(e, "agreement_signing")
                && e.status == EventStatus::Occurred
                && sides
                    .first()
                    .is_some_and(|h| countries(e).contains(&h.as_str()))
        }) else {
            return;
        };
        let parties = countries(signing);
        let host = sides.remove(0);
        sides.retain(|side| parties.contains(&side.as_str()));
        if sides.is_empty() {
            return;
        }
        sides.insert(0, host);
        let actors = sides
            .iter()
            .map(|country| self.country_in_role(country, "participant"))
            .collect();
        let implied = implied_by(summit, visit, actors, TALKS_AT_VISIT);
        if let Some(trace) = trace.as_deref_mut() {
            trace.lines.push(format!(
                "implied: summit of the leaders of {} at the visit",
                sides.join(",")
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
}

/// Salience cue and rule id of an implied visit, by its occasion.
const AT_PARADE: (&str, &str) = (
    "implied by a foreign leader at the parade",
    "implied/state_visit:foreign_leader_at_parade",
);

const MEETING_HOST: (&str, &str) = (
    "implied by a foreign leader meeting the host",
    "implied/state_visit:foreign_leader_meeting_host",
);

const TALKS_AT_VISIT: (&str, &str) = (
    "implied by the leaders of both sides at the visit",
    "implied/summit:leaders_at_visit",
);

/// An event of type `event` that `source` implies, with `actors`: held as, when and
/// where `source` is, on its evidence, a little less sure; its salience cue and rule
/// name the implication.
fn implied_by(
    event: &crate::model::EventType,
    source: &Event,
    actors: Vec<Actor>,
    (cue, rule): (&str, &str),
) -> Event {
    Event {
        kind: event.kind.clone(),
        cameo: event.cameo.clone(),
        plover: event.plover.clone(),
        confidence: (source.confidence * 0.9 * 100.0).round() / 100.0,
        status: source.status,
        evidence: source.evidence.clone(),
        actors,
        location: source.location.clone(),
        date: source.date.clone(),
        salience: source.salience,
        salience_cue: cue.into(),
        rule: rule.into(),
    }
}

/// The countries of the heads of state or government among a visit's parties, the
/// host's first, when a leader of its host and one of another country are there;
/// else none. A leader of a country the visit casts as a host too (a second stop of
/// the trip) is no visiting side.
fn leaders_sides(visit: &Event, is_leader: impl Fn(&str) -> bool) -> Vec<String> {
    let hosts = countries_in_role(visit, Some("host"));
    let leaders: Vec<&str> = visit
        .actors
        .iter()
        .filter(|a| a.kind == "person" && is_leader(&a.name))
        .filter_map(|a| a.country.as_deref())
        .collect();
    let Some(host) = leaders.iter().find(|c| hosts.contains(c)) else {
        return Vec::new();
    };
    let mut sides = vec![host.to_string()];
    for country in leaders {
        if !hosts.contains(&country) && !sides.iter().any(|s| s == country) {
            sides.push(country.to_string());
        }
    }
    if sides.len() < 2 {
        sides.clear();
    }
    sides
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
