//! Clause cues of time ("days after", "a week before", es "tras el") open a clause
//! about another event (issue 10, English precision). Told after a trigger, they place
//! that other event in time, not the trigger's: "the summit came two days after
//! Russian missiles struck Odesa" reports the summit and recalls the strike.

mod common;

use common::*;
use newsflow_record::Salience;

const TITLE: &str = "Scholz, Macron and Tusk promise Kyiv more air defence";
const BODY: &str = "Olaf Scholz, Emmanuel Macron and Donald Tusk promised on Friday to buy more \
                    air defence systems for Ukraine.\n\nTheir summit in Berlin came two days \
                    after Russian missiles struck Odesa, killing at least 20 people. The summit \
                    also came a week after Polish farmers blocked crossings on the Ukrainian \
                    border.";

#[test]
fn an_event_told_before_a_clause_cue_is_not_displaced_by_it() {
    let tagging = tag("en", TITLE, BODY);
    assert_eq!(
        saliences(&tagging, "summit").first(),
        Some(&Salience::Main),
        "{:?}",
        tagging.events
    );
}

#[test]
fn the_event_the_clause_cue_introduces_stays_background() {
    let tagging = tag("en", TITLE, BODY);
    assert_eq!(
        saliences(&tagging, "armed_attack"),
        vec![Salience::Background],
        "{:?}",
        tagging.events
    );
}

#[test]
fn a_clause_cue_before_the_trigger_still_displaces_it() {
    let tagging = tag(
        "en",
        "Scholz, Macron and Tusk promise Kyiv more air defence",
        "Olaf Scholz, Emmanuel Macron and Donald Tusk promised on Friday to buy more air \
         defence systems for Ukraine, two days after Russian missiles struck Odesa.",
    );
    assert_eq!(
        saliences(&tagging, "armed_attack"),
        vec![Salience::Background],
        "{:?}",
        tagging.events
    );
}
