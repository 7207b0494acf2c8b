//! A phrase with `...` ("traf ... ein", "wurde ... empfangen") matches a verb whose
//! other part closes the clause some words on: German separable verbs and the
//! main-clause passive.

mod common;

use common::*;

#[test]
fn a_separable_prefix_at_the_clause_end_completes_the_verb() {
    let tagging = tag(
        "de",
        "Kanzler in Asien",
        "Bundeskanzler Olaf Scholz traf am Sonntagvormittag in Peking ein. Die Reise dauert drei Tage.",
    );
    let visit = event(&tagging, "state_visit");
    assert_eq!(
        visit.rule, "de/state_visit/strong:traf* ... ein",
        "{visit:?}"
    );
    assert!(plays(visit, "DEU", "visitor"), "{:?}", visit.actors);
    assert!(plays(visit, "CHN", "host"), "{:?}", visit.actors);
}

#[test]
fn the_prefix_must_close_the_clause() {
    // "ein" as an article inside the clause is no prefix.
    let tagging = tag(
        "de",
        "Kanzler in Asien",
        "Olaf Scholz traf ein Abkommen mit Peking, das Handel regelt. Die Reise dauert drei Tage.",
    );
    assert!(
        tagging
            .events
            .iter()
            .all(|e| e.rule != "de/state_visit/strong:traf* ... ein"),
        "{:?}",
        tagging.events
    );
}

#[test]
fn a_main_clause_passive_gives_the_agent_the_active_subjects_role() {
    let tagging = tag(
        "de",
        "Kanzler in Asien",
        "Bundeskanzler Olaf Scholz wurde am Dienstag von Xi Jinping im Staatsgästehaus empfangen. Die Reise dauert drei Tage.",
    );
    let visit = event(&tagging, "state_visit");
    assert!(plays(visit, "DEU", "visitor"), "{:?}", visit.actors);
    assert!(plays(visit, "CHN", "host"), "{:?}", visit.actors);
}

#[test]
fn a_passive_attack_names_its_subject_the_target() {
    let tagging = tag(
        "de",
        "Nacht der Drohnen",
        "Israel ist in der Nacht zum Sonntag vom Iran aus mit Drohnen und Raketen angegriffen worden.",
    );
    let attack = event(&tagging, "armed_attack");
    assert!(plays(attack, "ISR", "target"), "{:?}", attack.actors);
    assert!(plays(attack, "IRN", "attacker"), "{:?}", attack.actors);
}

#[test]
fn an_arabic_verb_opening_its_clause_has_its_subject_after_it() {
    // "Sisi received on Sunday the Italian prime minister Giorgia Meloni in Cairo."
    let tagging = tag(
        "ar",
        "قمة في القاهرة",
        "واستقبل السيسي صباح الأحد رئيسة الوزراء الإيطالية جورجيا ميلوني في قصر الاتحادية.",
    );
    let visit = event(&tagging, "state_visit");
    assert!(plays(visit, "EGY", "host"), "{:?}", visit.actors);
    assert!(plays(visit, "ITA", "visitor"), "{:?}", visit.actors);
    assert!(!plays(visit, "EGY", "visitor"), "{:?}", visit.actors);
}
