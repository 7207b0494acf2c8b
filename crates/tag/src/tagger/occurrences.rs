//! Sightings into occurrences: an event's sightings merged while they are compatible.

use super::*;

/// Keeps the leading sighting of each event type and gathers every sighting's actors.
/// News puts the event first (title, lead), later sentences add background, so a
/// later sighting takes the lead only when it is clearly stronger. A city found in
/// any sighting beats a country-only location.
pub(super) fn merge<'g>(
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
    existing.gathering |= sighting.gathering;
    existing.bilateral |= sighting.bilateral;
    existing.own_visit |= sighting.own_visit;
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
        // sentence, which is as often the day something was said; a displaced
        // sentence's date ("on 18 November last year") is the earlier event's.
        if sighting.date.is_some()
            && !displaced
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
pub(super) fn occurrence(
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
