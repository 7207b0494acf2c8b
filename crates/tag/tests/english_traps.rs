//! English precision (issue 10): what an article mentions around its own events: a
//! walkout in the headline, a leader at a funeral abroad, plans that were never carried
//! out, a denial in the headline, an agreement that already exists.

mod common;

use common::*;
use newsflow_record::{EventStatus, Salience};

#[test]
fn a_walkout_in_the_headline_does_not_hide_the_general_strike() {
    let tagging = tag(
        "en",
        "Walkout shuts Greece as crowds demand justice for the rail crash",
        "A 24-hour general strike brought Greece to a halt on Friday as hundreds of \
         thousands of people filled squares in Athens and Thessaloniki.",
    );
    assert_saliences(&tagging, "protest", &[Salience::Main]);
}

#[test]
fn a_leader_flying_abroad_for_a_funeral_is_on_no_state_visit() {
    let tagging = tag(
        "en",
        "Leaders gather in Rome",
        "Donald Trump flew to Rome on Friday night for the funeral, his first trip abroad \
         since his inauguration.",
    );
    assert_not_tagged(&tagging, "state_visit");
}

#[test]
fn what_was_to_have_happened_did_not() {
    let tagging = tag(
        "en",
        "President postpones trip",
        "German officials said that the leaders' meeting could not go ahead without its \
         American chair.",
    );
    assert_eq!(status(&tagging, "summit"), EventStatus::Negated);
}

#[test]
fn a_denial_does_not_reach_past_after_in_the_headline() {
    let tagging = tag(
        "en",
        "Jakarta denies Prabowo will visit Israel after the Gaza summit in Sharm el-Sheikh",
        "Indonesia's foreign minister said the president would fly home once the summit, \
         where Prabowo spent the day with Donald Trump and Abdel Fattah al-Sisi, was over.",
    );
    assert_eq!(status(&tagging, "state_visit"), EventStatus::Negated);
    assert_ne!(status(&tagging, "summit"), EventStatus::Negated);
}

#[test]
fn an_agreement_that_already_exists_is_no_signing() {
    let tagging = tag(
        "en",
        "Carney and Sheinbaum lift ties ahead of the trade pact's review",
        "Sheinbaum said she wanted the pact to survive as a trilateral deal and had no \
         interest in a separate Canada-Mexico treaty.",
    );
    assert_not_tagged(&tagging, "agreement_signing");
}
