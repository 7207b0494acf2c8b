//! Status cues that govern one side of the trigger: calls for an event, negating
//! determiners.

mod common;

use common::{status, tag};
use newsflow_record::EventStatus;

#[test]
fn sanctions_called_for_are_planned() {
    let tagging = tag(
        "en",
        "Zelensky presses European leaders in Tirana",
        "Volodymyr Zelensky urged European leaders on Friday to impose new sanctions on \
         Russia's oil exports and banks.",
    );
    assert_eq!(status(&tagging, "sanctions"), EventStatus::Planned);
}

#[test]
fn sanctions_called_for_in_object_verb_order_are_planned() {
    let tagging = tag(
        "ja",
        "ゼレンスキー大統領、欧州首脳と会談",
        "ゼレンスキー大統領は16日、欧州の首脳らにロシアへの新たな制裁措置を求めた。",
    );
    assert_eq!(status(&tagging, "sanctions"), EventStatus::Planned);
}

#[test]
fn the_callers_own_event_keeps_its_status() {
    let tagging = tag(
        "en",
        "Protesters fill the streets of Belgrade",
        "Tens of thousands of protesters marched through Belgrade on Saturday and demanded \
         the resignation of the government.",
    );
    assert_eq!(status(&tagging, "protest"), EventStatus::Occurred);
}

#[test]
fn a_negating_determiner_negates_the_noun_after_it_only() {
    let tagging = tag(
        "de",
        "Scholz und Selenskyj unterzeichnen Sicherheitsabkommen im Kanzleramt",
        "Bundeskanzler Olaf Scholz und der ukrainische Präsident Wolodymyr Selenskyj haben \
         am Freitag in Berlin ein Sicherheitsabkommen unterzeichnet.\n\n\
         Das Abkommen ist keine Beistandsgarantie wie der Artikel 5 des Nato-Vertrags.",
    );
    assert_eq!(status(&tagging, "agreement_signing"), EventStatus::Occurred);
    let tagging = tag(
        "de",
        "Keine Militärparade zum Unabhängigkeitstag in Kiew",
        "Die Ukraine verzichtet auch in diesem Jahr auf eine Militärparade in Kiew.",
    );
    assert_eq!(status(&tagging, "military_parade"), EventStatus::Negated);
}
