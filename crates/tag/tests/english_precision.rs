//! English precision (issue 10): ministers' trips, headline subordinate clauses,
//! clauses dated to the past, and parliamentary votes.

mod common;

use common::*;
use newsflow_record::Salience;

#[test]
fn a_minister_named_by_office_in_apposition_is_on_no_state_visit() {
    let tagging = tag(
        "en",
        "Two days in Delhi",
        "Monday: Wang, China's foreign minister, landed in Delhi in the afternoon and went \
         straight into talks with his Indian counterpart.",
    );
    assert_not_tagged(&tagging, "state_visit");
}

#[test]
fn a_minister_introduced_by_office_earlier_is_on_no_state_visit() {
    let tagging = tag(
        "en",
        "Britain and Australia agree submarine treaty",
        "The British Defence Secretary, John Healey, met his Australian counterpart in Sydney \
         on Friday.\n\n\
         Healey, on his first trip to Australia since Labour took office, flew in with his \
         colleague from the Foreign Office for the annual consultations.",
    );
    assert_not_tagged(&tagging, "state_visit");
}

#[test]
fn ministers_received_by_a_leader_are_on_no_state_visit() {
    let tagging = tag(
        "en",
        "Congo and Rwanda sign peace agreement",
        "The two ministers were later received by Donald Trump in the Oval Office, where the \
         president praised the agreement.",
    );
    assert_not_tagged(&tagging, "state_visit");
}

#[test]
fn a_leader_travelling_with_a_minister_is_still_on_a_state_visit() {
    let tagging = tag(
        "en",
        "Modi lands in Tokyo",
        "Prime Minister Narendra Modi landed in Tokyo on Friday for a two-day visit, \
         accompanied by Foreign Minister S. Jaishankar.",
    );
    assert_tagged(&tagging, "state_visit");
}

#[test]
fn a_headline_after_clause_tells_the_background_event() {
    let tagging = tag(
        "en",
        "Zelensky cuts short South Africa visit after deadly Russian strike on Kyiv",
        "Volodymyr Zelensky held talks with Cyril Ramaphosa in Pretoria on Thursday on his \
         first visit to South Africa.\n\n\
         Officials in Kyiv said rescue work was continuing.",
    );
    assert_tagged(&tagging, "state_visit");
    assert_no_main(&tagging, "armed_attack");
}

#[test]
fn a_past_date_at_the_end_of_the_clause_dates_the_event() {
    let tagging = tag(
        "en",
        "US imposes sanctions on Russian oil companies",
        "The United States imposed sanctions on Rosneft and Lukoil on Wednesday.\n\n\
         Officials said more measures could follow.\n\n\
         Donald Trump and Vladimir Putin held a summit in Osaka in June 2019. Their only \
         full summit took place in Helsinki in July 2018.",
    );
    assert_no_main(&tagging, "summit");
}

#[test]
fn a_date_in_a_clause_of_its_own_does_not_date_the_trigger() {
    let tagging = tag(
        "en",
        "Pezeshkian in Moscow",
        "Masoud Pezeshkian arrived in Moscow on Friday, making his first trip to Russia since \
         he took office in July.",
    );
    assert_eq!(
        saliences(&tagging, "state_visit").first(),
        Some(&Salience::Main)
    );
}

#[test]
fn a_confidence_vote_in_parliament_is_no_election() {
    let tagging = tag(
        "en",
        "Mongolia's prime minister quits",
        "Mongolia's prime minister resigned on Tuesday after losing a confidence vote in \
         parliament.\n\n\
         Only 44 of the 82 lawmakers who took part in Monday's secret ballot backed him.",
    );
    assert_not_tagged(&tagging, "election");
}
