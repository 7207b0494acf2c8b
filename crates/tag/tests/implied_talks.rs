//! Talks a visit implies (issue 10): two leaders holding talks during a visit are at a
//! summit. A visit whose host's leader and guest signed together tells their meeting;
//! a welcome alone tells none.

mod common;

use common::*;
use newsflow_record::Salience;

#[test]
fn leaders_who_sign_during_a_visit_hold_a_summit() {
    let tagging = tag(
        "es",
        "Modi recibe a Boric en Nueva Delhi y ambos firman cinco acuerdos",
        "El primer ministro indio, Narendra Modi, recibió este martes al presidente chileno, \
         Gabriel Boric, en Nueva Delhi, en el primer día de una visita de Estado de cinco días.\n\n\
         Modi y Boric firmaron después cinco memorandos de entendimiento sobre minería, \
         energía y cooperación antártica.",
    );
    let summit = tagging
        .events
        .iter()
        .find(|e| e.kind == "summit")
        .unwrap_or_else(|| panic!("{:?}", kinds(&tagging)));
    assert_eq!(summit.salience, Salience::Main);
    let participants: Vec<&str> = summit
        .actors
        .iter()
        .filter(|a| a.role.as_deref() == Some("participant"))
        .filter_map(|a| a.country.as_deref())
        .collect();
    assert_eq!(participants, ["IND", "CHL"], "{:?}", summit.actors);
}

#[test]
fn a_welcome_without_a_signing_implies_no_talks() {
    let tagging = tag(
        "es",
        "Macron llega a Rabat",
        "El presidente francés, Emmanuel Macron, llegó este lunes a Rabat para una visita de \
         Estado de tres días y fue recibido en el aeropuerto por el rey Mohammed VI.",
    );
    assert_tagged(&tagging, "state_visit");
    assert_not_tagged(&tagging, "summit");
}
