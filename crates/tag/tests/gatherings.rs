//! Leaders travelling to a summit of many (issue 10, English precision): a leader who
//! flies abroad only to attend a bloc's, a forum's or a conference's summit is at that
//! summit, not on a state visit to its host (`gatherings` in the rule files). A visit
//! of its own told beside the summit, or the host receiving the leader, stays a visit.

mod common;

use common::*;

#[test]
fn a_trip_for_a_summit_of_many_is_no_state_visit() {
    let tagging = tag(
        "en",
        "Albanese lands in Kuala Lumpur for the Asean summit",
        "Anthony Albanese arrived in Kuala Lumpur on Saturday for the annual summit of the \
         Asean group, where leaders from more than a dozen countries will discuss trade \
         and the South China Sea.",
    );
    assert_tagged(&tagging, "summit");
    assert_not_tagged(&tagging, "state_visit");
}

#[test]
fn the_lead_tells_what_a_bare_trip_in_the_title_is_for() {
    let tagging = tag(
        "en",
        "Erdogan meets Lula on first trip to Brazil in ten years",
        "Recep Tayyip Erdogan and Luiz Inacio Lula da Silva agreed on Sunday to expand \
         trade, as the Turkish president made his first trip to Brazil in a decade for \
         the G20 summit in Rio de Janeiro.",
    );
    assert_not_tagged(&tagging, "state_visit");
}

#[test]
fn a_state_visit_told_beside_the_summit_stays_a_visit() {
    let tagging = tag(
        "en",
        "Xi arrives in Astana for a state visit and the SCO summit",
        "Xi Jinping arrived in Astana on Tuesday for a state visit to Kazakhstan and the \
         summit of the Shanghai Cooperation Organisation, and held talks with \
         Kassym-Jomart Tokayev.",
    );
    assert_tagged(&tagging, "state_visit");
}

#[test]
fn the_host_receiving_the_leader_stays_a_visit() {
    let tagging = tag(
        "en",
        "Lula receives Modi in Brasilia",
        "Luiz Inacio Lula da Silva received Narendra Modi at the Alvorada Palace on Tuesday, \
         a day after the Brics summit in Rio de Janeiro ended.",
    );
    assert_tagged(&tagging, "state_visit");
}
