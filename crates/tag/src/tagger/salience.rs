//! Whether an occurrence is the article's story or its background: cues that displace
//! or subordinate it, and the main events that frame it.

use super::sighting::Sentence;
use super::*;

/// What decided an occurrence's salience; published, in words, as its `salience_cue`.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum SalienceCue {
    /// Told in the title or the lead (which of them).
    Told(&'static str),
    /// Developed in the body, in sentences of its own.
    Developed,
    /// Developed, but yields to the title and lead's event of another type.
    YieldsToLead,
    /// Still to come, called off or only possible, beside an event that happened.
    NotHappened,
    /// Held during a main event of its `occasions` or `held_during`.
    DuringOccasion,
    /// Framed by a main event of its parties (`framed_by`).
    Framed,
    /// A further occurrence beside a main one of its type, developed on its own.
    AnotherDeveloped,
    /// A further occurrence, displaced by the cue if one was found.
    Another(Option<String>),
    /// Displaced in time or subordinated, by the cue.
    Displaced(String),
    /// Told in passing.
    InPassing,
}

impl SalienceCue {
    /// Whether a cue places the event in time: a mention that refers to a real event
    /// even in an article that reports none ("days after the attack").
    pub(super) fn placed_in_time(&self) -> bool {
        matches!(
            self,
            SalienceCue::Another(Some(_)) | SalienceCue::Displaced(_)
        )
    }
}

impl std::fmt::Display for SalienceCue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SalienceCue::Told(field) => f.write_str(field),
            SalienceCue::Developed => f.write_str("developed"),
            SalienceCue::YieldsToLead => {
                f.write_str("developed, yields to the title and lead's event")
            }
            SalienceCue::NotHappened => {
                f.write_str("not happened, beside the article's event that did")
            }
            SalienceCue::DuringOccasion => f.write_str("during its occasion"),
            SalienceCue::Framed => f.write_str("framed by a main event of its parties"),
            SalienceCue::AnotherDeveloped => f.write_str("another occurrence, developed"),
            SalienceCue::Another(Some(cue)) => write!(f, "another occurrence, displaced: {cue}"),
            SalienceCue::Another(None) => f.write_str("another occurrence"),
            SalienceCue::Displaced(cue) => write!(f, "displaced: {cue}"),
            SalienceCue::InPassing => f.write_str("in passing"),
        }
    }
}

/// Gives `found[i]`, the first occurrence of its type, the salience of every later
/// occurrence of the type.
pub(super) fn gather_salience(found: &mut [Found<'_>], i: usize) {
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
pub(super) const LEAD_MARGIN: f64 = 0.2;

/// The headline's subordinating conjunction (`subordinators`) before the trigger at
/// `trigger_start`, with another type's trigger before it in the main clause: the
/// event it introduces is that event's background ("Zelensky cuts short South Africa
/// visit after deadly Russian strike on Kyiv").
pub(super) fn subordinate(
    sentence: &Sentence<'_>,
    trigger_start: usize,
    event_id: u16,
) -> Option<String> {
    let Sentence {
        model,
        field,
        span,
        hits,
        ..
    } = *sentence;
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
pub(super) const NAMED_OFFICE_REACH: usize = 3000;

/// Punctuation that closes a clause: a date after it dates another clause.
pub(super) const CLAUSE_BREAKS: &[char] =
    &[',', ';', ':', '(', ')', '，', '；', '：', '、', '،', '؛'];

/// Most words before a clause cue that opens its sentence: its measure ("barely two
/// weeks after", "just hours after").
const FRONTED_CUE_WORDS: usize = 2;

/// What makes a mention background: a cue of the language near the trigger ("days
/// after", "last year") or a year other than the publication's.
///
/// The cue that displaces a sighting of `event_id` from the story's time: a background
/// phrase (of every type, or of this one), a past date, or a year other than the
/// article's among the cues or before `window_end` (the end of the cue window after the
/// trigger).
pub(super) fn background_cue(
    sentence: &Sentence<'_>,
    event_id: u16,
    trigger_start: usize,
    window_end: usize,
    clause_end: usize,
) -> Option<String> {
    let Sentence {
        model,
        field,
        span,
        hits: all_hits,
        published,
        ..
    } = *sentence;
    let (sentence_start, since) = (span.start, &model.since_years);
    // Phrases count up to the window's end, dates up to the clause's.
    let hits = &all_hits[..all_hits.partition_point(|h| h.start < window_end)];
    let dated = &all_hits[..all_hits.partition_point(|h| h.start < clause_end)];
    let window_end = clause_end;
    // A clause cue opens a clause about another event. After the trigger it tells what
    // the trigger's event followed or preceded ("the visit came days after the
    // strikes"): that event is placed in time, not this one. Before the trigger it
    // displaces it, unless the cue opens the sentence and a comma closes its clause
    // ahead of the trigger ("barely two weeks after he was named, To Lam sat down with
    // Xi"): the clause after that comma is the sentence's main one. A comma after a cue
    // told inside the sentence separates a list or an apposition ("a week after Putin
    // hosted Xi, Lula and two dozen leaders for the parade"), not the main clause.
    let opens_sentence = |h: &Hit| {
        field
            .lowered
            .get(sentence_start..h.start)
            .is_some_and(|head| head.split_whitespace().count() <= FRONTED_CUE_WORDS)
    };
    let displaces = |h: &&Hit| match h.what {
        What::Background { clause: false } => true,
        What::TypeBackground(event) => event == event_id,
        What::Background { clause: true } => {
            h.end <= trigger_start
                && (!field.lowered[h.end..trigger_start].contains(',') || !opens_sentence(h))
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
    // Full-width digits ("２０２４年") are digits too.
    let (head, tail) = dates::digits_around(field.lowered, last);
    if tail > 0 && head > 0 {
        let year = dates::number(&field.lowered[last - head..last + tail]).unwrap_or(0) as i32;
        if (1900..this_year).contains(&year) {
            last += tail;
        }
    }
    let text = &field.lowered[first..last];
    // Four-digit years in the sentence's phrase range, none of them this year's.
    let years: Vec<i32> = dates::years_in(text)
        .into_iter()
        .filter(|&(start, end, year)| {
            (1900..=2100).contains(&year)
                && !since_year(field.lowered, first + start, first + end, since)
        })
        .map(|(_, _, year)| year)
        .collect();
    match years.iter().find(|&&y| y != this_year) {
        Some(year) if !years.contains(&this_year) => Some(year.to_string()),
        _ => None,
    }
}

/// Whether the year at `start..end` of `lowered` is told as a starting point
/// (`salience.since`: "since 2019", "seit 2019", "2019年以来"): the start of a state or
/// the last time before, not the time of the sentence's event. Words before the year
/// stand as a word of their own in scripts with spaces ("since", not "ensince").
pub(super) fn since_year(
    lowered: &str,
    start: usize,
    end: usize,
    since: &[(String, String)],
) -> bool {
    let before = lowered[..start].trim_end();
    let after = lowered[end..].trim_start();
    since.iter().any(|(head, tail)| {
        let Some(rest) = before.strip_suffix(head.as_str()) else {
            return false;
        };
        let spaced = head.chars().next().is_some_and(|c| c < '\u{2E80}');
        let own_word = !spaced || !rest.chars().next_back().is_some_and(char::is_alphanumeric);
        own_word && after.starts_with(tail.as_str())
    })
}

/// Whether a main event of a type in `event.framed_by` has both sides of `found`
/// (its `before` and `after` roles, e.g. visitor and host) among its countries, and
/// no other country of those roles: the visit during which the article's talks or
/// signing took place, not another trip told in passing.
pub(super) fn framed(
    found: &Found<'_>,
    event: &crate::model::EventType,
    main: &[(u16, Vec<&str>)],
) -> bool {
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
