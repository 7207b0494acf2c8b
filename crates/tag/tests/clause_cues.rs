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
    assert_saliences(&tagging, "armed_attack", &[Salience::Background]);
}

#[test]
fn a_clause_cue_before_the_trigger_still_displaces_it() {
    let tagging = tag(
        "en",
        "Scholz, Macron and Tusk promise Kyiv more air defence",
        "Olaf Scholz, Emmanuel Macron and Donald Tusk promised on Friday to buy more air \
         defence systems for Ukraine, two days after Russian missiles struck Odesa.",
    );
    assert_saliences(&tagging, "armed_attack", &[Salience::Background]);
}

#[test]
fn a_comma_inside_the_sentence_does_not_close_the_cue_clause() {
    // The commas after "a week after" separate a list of guests, not the main clause:
    // the parade stays the visit's background however often the body names it.
    let tagging = tag(
        "en",
        "Anwar gets Kremlin welcome and asks Putin to come to Kuala Lumpur",
        "Malaysian Prime Minister Anwar Ibrahim held talks with Vladimir Putin in the \
         Kremlin on Wednesday, on the second day of his official visit to Russia.\n\n\
         The visit comes less than a week after Putin hosted Xi Jinping, Brazil's Luiz \
         Inacio Lula da Silva and some two dozen other foreign leaders for the Victory \
         Day parade on Red Square. Xi's four-day state visit around the parade was the \
         centrepiece of Moscow's effort to show that it is not isolated.",
    );
    assert_no_main(&tagging, "military_parade");
}
