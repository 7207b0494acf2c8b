//! Local politics and party affairs reuse every event word: a party congress's vote,
//! a regional premier's investiture, a councillor "attacked" at a council meeting.
//! None is a public election or an armed attack (tests/eval/real/README.md, neg24).
//! Articles are published on 2025-08-28 (see `common`).

mod common;

use common::*;

#[test]
fn a_party_congress_electing_its_leaders_is_no_election() {
    // German compounds: "Bundesparteitag", "Parteiführung" tell the party's own vote.
    let tagging = tag(
        "de",
        "Grüne wählen neue Doppelspitze",
        "Die Grünen haben auf ihrem Bundesparteitag in Wiesbaden eine neue \
         Parteiführung gewählt, nachdem die bisherigen Vorsitzenden nach den \
         Niederlagen bei den Landtagswahlen im Osten zurückgetreten waren. \
         Auch die übrigen Mitglieder des Bundesvorstands wurden am Samstag neu gewählt.",
    );
    assert_no_main(&tagging, "election");
}

#[test]
fn a_regional_investiture_is_no_election() {
    // The chamber's vote for a premier; the regional election it follows is background.
    let tagging = tag(
        "es",
        "Illa, investido president de la Generalitat con los votos de PSC, ERC y Comuns",
        "Salvador Illa fue investido este jueves presidente de la Generalitat en primera \
         votación, con los 68 votos de PSC, ERC y Comuns.\n\n\
         Los socialistas habían ganado las elecciones catalanas del 12 de mayo.",
    );
    assert_no_main(&tagging, "election");
}

#[test]
fn a_failed_investiture_still_tells_the_repeat_election() {
    // "podrían tener que volver a las urnas": the public vote the chamber's failure
    // would bring on is still told (speculative).
    let tagging = tag(
        "es",
        "Illa gana las elecciones catalanas",
        "Salvador Illa ganó el domingo las elecciones al Parlament con 42 escaños.\n\n\
         Si dos meses después de la primera votación de investidura ningún candidato \
         logra los apoyos necesarios, el Parlament quedará disuelto y los catalanes \
         podrían tener que volver a las urnas en otoño.",
    );
    let found = saliences(&tagging, "election");
    assert!(found.len() >= 2, "{found:?}");
}

#[test]
fn a_councillor_attacked_at_a_council_meeting_is_no_armed_attack() {
    let tagging = tag(
        "en",
        "Councillor attacked by rival at heated council meeting",
        "A Labour councillor was attacked by a Conservative rival during a heated \
         council meeting on Tuesday night. The council later suspended him for two months.",
    );
    assert_not_tagged(&tagging, "armed_attack");
}

#[test]
fn a_verbal_attack_is_no_armed_attack() {
    let tagging = tag(
        "fr",
        "Le maire répond à l'opposition",
        "Le maire a dénoncé jeudi une attaque verbale de l'opposition lors de la séance \
         consacrée au budget, qui a duré six heures.",
    );
    assert_not_tagged(&tagging, "armed_attack");
}
