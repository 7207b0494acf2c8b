//! Summits (issue 10): a meeting word tells leaders meeting; a minister's or an
//! envoy's meeting, and a leader meeting an opposition figure, are no summit.

mod common;

use common::*;

#[test]
fn foreign_ministers_talks_are_no_summit() {
    let tagging = tag(
        "ru",
        "Лавров и Аракчи провели переговоры в Москве",
        "Министр иностранных дел России Сергей Лавров в пятницу провёл переговоры с иранским \
         коллегой Аббасом Аракчи.\n\n\
         Главной темой встречи стала ядерная программа Ирана.",
    );
    assert_not_tagged(&tagging, "summit");
}

#[test]
fn a_minister_received_by_a_president_is_no_summit() {
    let tagging = tag(
        "ja",
        "赤沢氏、ワシントンで関税交渉",
        "トランプ大統領がホワイトハウスに赤沢亮正経済再生相を招き、自ら約50分間会談した。",
    );
    assert_not_tagged(&tagging, "summit");
}

#[test]
fn leaders_talks_with_their_ministers_beside_them_stay_a_summit() {
    let tagging = tag(
        "es",
        "Xi Jinping es recibido por Boluarte en Lima",
        "Xi Jinping, que llegó a Lima acompañado por su canciller, Wang Yi, fue saludado con \
         honores militares antes de pasar a una reunión privada con Dina Boluarte.",
    );
    assert_tagged(&tagging, "summit");
}

#[test]
fn a_leader_meeting_an_opposition_leader_holds_no_summit() {
    let tagging = tag(
        "es",
        // The rule reads the sentence: a headline that names no opposition leader
        // ("Sánchez se reúne con Edmundo González") still tells a meeting.
        "Edmundo González, en la Moncloa",
        "El presidente del Gobierno, Pedro Sánchez, se reunió este jueves en la Moncloa con el \
         líder opositor venezolano Edmundo González.",
    );
    assert_not_tagged(&tagging, "summit");
}

#[test]
fn an_envoy_bringing_a_message_from_their_leader_holds_no_summit() {
    // Putin is named after the meeting word, as the sender of the message: Lavrov
    // meets Kim, and the two leaders do not meet.
    let tagging = tag(
        "ru",
        "Ким Чен Ын принял Лаврова в Вонсане",
        "Министр иностранных дел России Сергей Лавров в субботу встретился с руководителем \
         КНДР Ким Чен Ыном в Вонсане и передал ему послание президента Владимира Путина.",
    );
    assert_not_tagged(&tagging, "summit");
}

#[test]
fn a_leader_named_before_the_meeting_word_with_their_minister_still_meets() {
    let tagging = tag(
        "en",
        "Putin and Kim hold talks in Pyongyang",
        "Vladimir Putin and Sergei Lavrov met Kim Jong Un in Pyongyang on Wednesday for talks \
         on the war in Ukraine.",
    );
    assert_tagged(&tagging, "summit");
}
