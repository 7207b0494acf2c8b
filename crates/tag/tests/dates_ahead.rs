//! Dates that put an event ahead of publication, and words that only look like them:
//! Spanish "mañana" is "tomorrow" alone but "the morning" with an article ("por la
//! mañana"); a vote or summit named by a later year ("la présidentielle de 2027") is
//! still to come, while a signing "valid until 2030" is not dated by that year.

mod common;

use common::*;
use newsflow_record::EventStatus;

#[test]
fn in_the_morning_is_no_tomorrow() {
    let tagging = tag(
        "es",
        "Miles de personas marchan en Madrid contra la subida de los alquileres",
        "Por la mañana, miles de manifestantes protestaron frente al Congreso en Madrid \
         contra la subida de los alquileres.",
    );
    assert_eq!(
        status(&tagging, "protest"),
        EventStatus::Occurred,
        "{:?}",
        tagging.events
    );
}

#[test]
fn an_election_named_by_a_later_year_is_planned() {
    let tagging = tag(
        "fr",
        "Le RN présente son programme pour l'élection présidentielle de 2027",
        "Le Rassemblement national a présenté lundi à Paris son programme pour l'élection \
         présidentielle de 2027.",
    );
    assert_eq!(
        status(&tagging, "election"),
        EventStatus::Planned,
        "{:?}",
        tagging.events
    );
}

#[test]
fn a_signing_valid_until_a_later_year_stays_occurred() {
    let tagging = tag(
        "fr",
        "La France et l'Inde signent un accord de défense",
        "Emmanuel Macron et Narendra Modi ont signé lundi à New Delhi un accord de défense \
         valable jusqu'en 2030.",
    );
    assert_eq!(
        status(&tagging, "agreement_signing"),
        EventStatus::Occurred,
        "{:?}",
        tagging.events
    );
}
