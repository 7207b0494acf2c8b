//! The same engine on every language with a rule file: one story per language, with
//! type, status, an actor's country and (where the script allows) a place.

mod common;

use common::*;
use newsflow_record::{EventRules, EventStatus};

fn assert_event(
    language: &str,
    title: &str,
    body: &str,
    kind: &str,
    expected: EventStatus,
    country: &str,
) {
    let tagging = tag(language, title, body);
    assert_eq!(tagging.event_rules, EventRules::Available, "{language}");
    let event = event(&tagging, kind);
    assert_eq!(event.status, expected, "{language}: {event:?}");
    assert!(
        involves(event, country),
        "{language}: no actor from {country} in {:?}",
        event.actors
    );
}

#[test]
fn every_listed_language_has_rules() {
    let mut languages: Vec<_> = tagger().languages().collect();
    languages.sort_unstable();
    assert_eq!(
        languages,
        vec!["ar", "de", "en", "es", "fr", "it", "ja", "pt", "ru", "zh"]
    );
}

#[test]
fn french_planned_state_visit() {
    assert_eq!(
        role(
            event(
                &tag("fr", "Kim Jong-un attendu à Pékin", "Le dirigeant nord-coréen Kim Jong-un doit assister au défilé militaire à Pékin, aux côtés de Vladimir Poutine."),
                "military_parade"
            ),
            "CHN"
        ),
        Some("host")
    );
    assert_event(
        "fr",
        "Macron en visite d'État en Chine",
        "Le président français Emmanuel Macron est arrivé à Pékin mardi pour une visite d'État.",
        "state_visit",
        EventStatus::Occurred,
        "FRA",
    );
}

#[test]
fn german_sanctions_through_compound_words() {
    assert_event(
        "de",
        "EU beschließt neues Sanktionspaket gegen Russland",
        "Die EU hat am Montag neue Wirtschaftssanktionen gegen Russland verhängt.",
        "sanctions",
        EventStatus::Occurred,
        "RUS",
    );
}

#[test]
fn spanish_cancelled_visit_is_negated() {
    assert_event(
        "es",
        "Sánchez canceló su visita a China",
        "El presidente del Gobierno español, Pedro Sánchez, canceló su visita a Pekín prevista para el jueves.",
        "state_visit",
        EventStatus::Negated,
        "CHN",
    );
}

#[test]
fn italian_joint_exercise() {
    assert_event(
        "it",
        "Cina e Russia, esercitazioni navali congiunte",
        "Le marine di Cina e Russia hanno avviato esercitazioni navali congiunte nel Mar del Giappone.",
        "military_exercise",
        EventStatus::Occurred,
        "CHN",
    );
}

#[test]
fn portuguese_election_planned() {
    assert_event(
        "pt",
        "Brasil vai às urnas",
        "O Brasil vai realizar eleições presidenciais em outubro, com milhões de eleitores.",
        "election",
        EventStatus::Planned,
        "BRA",
    );
}

#[test]
fn russian_inflected_names_and_parade() {
    let tagging = tag(
        "ru",
        "Ким Чен Ын посетит военный парад в Пекине",
        "Лидер КНДР Ким Чен Ын примет участие в военном параде в Пекине вместе с Владимиром Путиным.",
    );
    let parade = event(&tagging, "military_parade");
    assert_eq!(parade.status, EventStatus::Planned);
    assert_eq!(
        parade.location.as_ref().map(|p| p.name.as_str()),
        Some("Beijing")
    );
    let people: Vec<_> = tagging
        .entities
        .people
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(people, vec!["Kim Jong Un", "Vladimir Putin"]);
    assert_tagged(&tagging, "state_visit");
}

#[test]
fn chinese_matches_without_spaces() {
    let tagging = tag(
        "zh",
        "金正恩将出席北京阅兵",
        "朝鲜领导人金正恩将于9月3日在北京出席阅兵式，普京也将出席。",
    );
    let parade = event(&tagging, "military_parade");
    assert_eq!(parade.status, EventStatus::Planned);
    assert_eq!(
        parade.location.as_ref().map(|p| p.name.as_str()),
        Some("Beijing")
    );
    assert_eq!(event(&tagging, "state_visit").status, EventStatus::Planned);
    assert!(tagging
        .entities
        .people
        .iter()
        .any(|p| p.name == "Vladimir Putin"));
    let dated = tagging.events.iter().find_map(|e| e.date.as_deref());
    assert_eq!(dated, Some("2025-09-03"));
}

#[test]
fn japanese_missile_launch_and_postposition_place() {
    let tagging = tag(
        "ja",
        "北朝鮮が弾道ミサイル発射",
        "北朝鮮は日曜、日本海に向けて弾道ミサイルを発射した。",
    );
    let test = event(&tagging, "weapons_test");
    assert_eq!(test.status, EventStatus::Occurred);
    assert_eq!(role(test, "PRK"), Some("actor"));
    let parade = tag(
        "ja",
        "北京で軍事パレード",
        "中国は北京で軍事パレードを行い、プーチン大統領が出席した。",
    );
    let event = event(&parade, "military_parade");
    assert_eq!(
        event.location.as_ref().map(|p| p.name.as_str()),
        Some("Beijing")
    );
}

#[test]
fn arabic_clitics_and_sanctions() {
    let tagging = tag(
        "ar",
        "واشنطن تفرض عقوبات جديدة على إيران",
        "فرضت الولايات المتحدة عقوبات جديدة على إيران وبكين يوم الأربعاء.",
    );
    let sanctions = event(&tagging, "sanctions");
    assert_eq!(role(sanctions, "IRN"), Some("target"));
    assert!(
        tagging.entities.places.iter().any(|p| p.name == "Beijing"),
        "{:?}",
        tagging.entities
    );
}

#[test]
fn russian_film_about_the_war_is_not_an_attack() {
    let tagging = tag(
        "ru",
        "Премьера фильма о войне",
        "Фильм рассказывает об атаке на деревню в 1943 году; погибли десятки солдат.",
    );
    assert_not_tagged(&tagging, "armed_attack");
}

#[test]
fn a_cancelling_verb_at_the_clause_end_negates_its_noun() {
    // Passive, noun first, verb last: the cue stands further after the trigger than
    // a planned cue may.
    let tagging = tag(
        "fr",
        "Retraites : la visite d'État de Charles III en France reportée",
        "L'Élysée a annoncé vendredi que le roi Charles III ne viendrait pas dimanche à Paris.",
    );
    assert_eq!(status(&tagging, "state_visit"), EventStatus::Negated);
    let tagging = tag(
        "it",
        "Il vertice tra Trump e Putin previsto a Budapest è stato congelato",
        "Lo ha detto martedì la Casa Bianca.",
    );
    assert_eq!(status(&tagging, "summit"), EventStatus::Negated);
}
