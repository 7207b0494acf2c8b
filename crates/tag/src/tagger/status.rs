//! An occurrence's status (occurred, planned, speculative, negated) from the cues
//! around its trigger.

use super::*;

/// The strongest status cue within the language's window of the trigger; a question
/// with no cue is speculative.
pub(super) fn status(
    model: &LangModel,
    field: &Field<'_>,
    span: &Span,
    hits: &[Hit],
    trigger: &Hit,
) -> (EventStatus, bool) {
    let mut best: Option<(usize, EventStatus)> = None;
    let trigger_event = match trigger.what {
        What::Trigger { event, .. } => Some(event),
        _ => None,
    };
    for hit in hits {
        let status = match hit.what {
            What::Status(status) => status,
            // A cue of the trigger's own type ("reached a deal" plans a signing).
            What::TypeStatus(event, status) if Some(event) == trigger_event => status,
            // A call verb governs the trigger on its object's side only: "urged the
            // EU to adopt sanctions", not "the protesters demand".
            What::Call if (hit.start >= trigger.end) == model.calls_follow => EventStatus::Planned,
            // "keine Militärparade": a determiner negates the noun after it.
            What::NegatingDeterminer if hit.end <= trigger.start => EventStatus::Negated,
            _ => continue,
        };
        // The longer cue decides: "could not be ruled out" is not "ruled out".
        let inside_longer = hits.iter().any(|h| {
            matches!(h.what, What::Status(_) | What::TypeStatus(..))
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
