//! Years that do not date a trigger's event: a year in the next sentence, and a year
//! told as a starting point ("since 2019", "seit 2019", "2019年以来"), the start of a
//! state or the last time before.

mod common;

use common::*;
use newsflow_record::Salience;

#[test]
fn a_year_in_the_next_sentence_does_not_displace_the_visit() {
    // "2021" lies within the cue window after "eingetroffen", but in the next sentence.
    let tagging = tag(
        "de",
        "Indien und Russland: Öl, Waffen, Handel",
        "Indiens Premierminister Narendra Modi ist am Montag in Moskau eingetroffen. \
         Der Handel beider Länder erreichte 2021 einen Rekord.",
    );
    assert_saliences(&tagging, "state_visit", &[Salience::Main]);
}

#[test]
fn the_first_visit_since_a_year_is_the_story() {
    let tagging = tag(
        "de",
        "Indien und Russland: Öl, Waffen, Handel",
        "Indiens Premierminister Narendra Modi ist am Montag zu seinem ersten Besuch in \
         Russland seit 2019 in Moskau eingetroffen.",
    );
    assert_saliences(&tagging, "state_visit", &[Salience::Main]);
}

#[test]
fn a_year_after_it_tells_a_starting_point_in_japanese() {
    // 2019年以来: "for the first time since 2019".
    let tagging = tag(
        "ja",
        "インドとロシア、原油と武器",
        "金正恩総書記の訪中は2019年以来で、3日に北京入りした。",
    );
    assert_saliences(&tagging, "state_visit", &[Salience::Main]);
}

#[test]
fn a_bare_past_year_still_displaces_the_visit() {
    let tagging = tag(
        "de",
        "Indien und Russland: Öl, Waffen, Handel",
        "Indiens Premierminister Narendra Modi besuchte Moskau im Jahr 2019.",
    );
    assert_saliences(&tagging, "state_visit", &[Salience::Background]);
}
