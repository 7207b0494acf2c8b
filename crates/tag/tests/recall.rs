//! English recall structures: a visit told without naming its visitor ("He arrived
//! in Paris", "The prime minister landed in Hanoi") is the visit of the leader the
//! article named before.

mod common;

use common::*;
use newsflow_record::Salience;

#[test]
fn a_pronoun_subject_of_an_arrival_is_the_leader_named_before() {
    let tagging = tag(
        "en",
        "Starmer takes his European reset on the road",
        "Keir Starmer set out his plans for closer ties with Europe in a speech on Monday.\n\n\
         He arrived in Paris on Tuesday, where crowds waited outside the palace.\n\n\
         During the two-day visit he will hold talks with Emmanuel Macron on defence.",
    );
    let visit = event(&tagging, "state_visit");
    assert_eq!(role(visit, "GBR"), Some("visitor"));
    assert_eq!(role(visit, "FRA"), Some("host"));
}

#[test]
fn a_role_noun_subject_of_an_arrival_is_the_leader_named_before() {
    let tagging = tag(
        "en",
        "A long-awaited trip for Australia's leader",
        "Anthony Albanese has spent months preparing for the trip, aides said.\n\n\
         The prime minister landed in Hanoi on Wednesday evening.\n\n\
         On Thursday he held talks with his Vietnamese counterpart on trade during the visit.",
    );
    let visit = event(&tagging, "state_visit");
    assert_eq!(role(visit, "AUS"), Some("visitor"));
    assert_eq!(role(visit, "VNM"), Some("host"));
}

#[test]
fn a_pronoun_standing_for_the_hosts_own_leader_is_no_visit() {
    let tagging = tag(
        "en",
        "Macron returns to the capital",
        "Emmanuel Macron spent the weekend in the south.\n\n\
         He arrived in Paris on Tuesday, where crowds waited outside the palace.\n\n\
         During the two-day visit he will hold talks with Emmanuel Macron on defence.",
    );
    assert!(!kinds(&tagging).contains(&"state_visit"));
}

#[test]
fn a_place_in_another_clause_after_an_arrival_is_not_the_host() {
    let tagging = tag(
        "en",
        "Zelensky in Spain",
        "The Ukrainian leader landed in Madrid on Monday, ten days later than planned after he \
         called off an earlier trip when Russian forces crossed the border near Kharkiv.",
    );
    let visit = event(&tagging, "state_visit");
    assert_eq!(role(visit, "UKR"), Some("visitor"));
    assert_eq!(role(visit, "ESP"), Some("host"));
}

#[test]
fn a_visit_to_another_host_is_another_visit() {
    let tagging = tag(
        "en",
        "France and Poland sign Treaty of Nancy",
        "France and Poland signed a friendship treaty in Nancy on Friday.\n\n\
         The Polish prime minister was greeted by Emmanuel Macron at the town hall.\n\n\
         In Moscow the same morning, Vladimir Putin watched troops parade across Red Square to \
         mark the anniversary of the victory over Nazi Germany, with Xi Jinping beside him as \
         guest of honour.",
    );
    let visits: Vec<_> = tagging
        .events
        .iter()
        .filter(|e| e.kind == "state_visit")
        .collect();
    let nancy = visits
        .iter()
        .find(|e| role(e, "FRA") == Some("host"))
        .expect("the visit to France");
    assert_eq!(role(nancy, "POL"), Some("visitor"));
    assert_eq!(role(nancy, "RUS"), None);
    // The cue that dates the parade in Moscow does not date the visit to France.
    assert_eq!(nancy.salience, Salience::Main);
}

#[test]
fn a_second_attack_developed_in_the_body_is_reported_too() {
    let tagging = tag(
        "en",
        "Israeli jets bomb Beirut's southern suburbs",
        "Israeli jets bombed Beirut's southern suburbs on Friday evening, killing a senior \
         commander, Lebanon's health ministry said.\n\n\
         Hezbollah fired rockets at northern Israel on Saturday.\n\n\
         Hezbollah rockets also struck near Safed, and Israel said most were intercepted.",
    );
    assert_saliences(&tagging, "armed_attack", &[Salience::Main, Salience::Main]);
}

#[test]
fn a_pronoun_visitor_joining_the_hosts_leader_is_no_domestic_trip() {
    let tagging = tag(
        "en",
        "Starmer takes his reset to Europe",
        "Keir Starmer spent Wednesday in Berlin with business leaders.\n\n\
         He arrived in Paris in the evening to join Emmanuel Macron at the opening ceremony.\n\n\
         The visit is his third to France this year.",
    );
    let visit = tagging
        .events
        .iter()
        .find(|e| e.kind == "state_visit" && role(e, "FRA") == Some("host"))
        .expect("the visit to France");
    assert_eq!(role(visit, "GBR"), Some("visitor"));
}
