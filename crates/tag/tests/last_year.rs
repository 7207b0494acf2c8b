//! Dates told with "last year" and in full-width digits, summits' guests, and clauses
//! opened "hours after": a day and month with "прошлого года", "del año pasado" or
//! "昨年" is in the year before publication, not the nearest one (the test articles are
//! published on 28 August 2025, so 6 December would otherwise be the coming one);
//! "１０月３１日" is a date as "10月31日" is.

mod common;

use common::*;
use newsflow_record::{EventStatus, Salience};
use newsflow_tag::Tagging;

/// No event of `tagging` is dated `date` (the nearest-year reading "last year" rules out).
fn assert_none_dated(tagging: &Tagging, date: &str) {
    assert!(
        tagging
            .events
            .iter()
            .all(|e| e.date.as_deref() != Some(date)),
        "{:?}",
        tagging.events
    );
}

#[test]
fn a_day_and_month_of_last_year_is_past() {
    let tagging = tag(
        "ru",
        "Лукашенко прибыл в Москву на переговоры с Путиным",
        "Президент Белоруссии Александр Лукашенко прибыл в четверг в Москву и провёл \
         переговоры с Владимиром Путиным в Кремле.\n\nДоговор о гарантиях безопасности \
         Путин и Лукашенко подписали в Минске 6 декабря прошлого года.",
    );
    let signing = event(&tagging, "agreement_signing");
    assert_eq!(signing.date.as_deref(), Some("2024-12-06"), "{signing:?}");
    assert_eq!(signing.status, EventStatus::Occurred, "{signing:?}");
}

#[test]
fn last_year_after_the_month_in_spanish_and_before_it_in_japanese() {
    let tagging = tag(
        "es",
        "Sánchez y Lula defienden un impuesto a las grandes fortunas",
        "Pedro Sánchez y Luiz Inácio Lula da Silva defendieron este jueves en Madrid un \
         impuesto mínimo a los súper ricos.\n\nAmbos coincidieron el 18 de noviembre del \
         año pasado en Río de Janeiro, en la cumbre del G20.",
    );
    assert_none_dated(&tagging, "2025-11-18");
    let tagging = tag(
        "ja",
        "北朝鮮が弾道ミサイル発射",
        "北朝鮮は２８日、日本海に向けて弾道ミサイルを発射した。\n\n北朝鮮は昨年１０月３１日にも\
         大陸間弾道ミサイル「火星１９」を発射した。",
    );
    assert_none_dated(&tagging, "2025-10-31");
}

#[test]
fn full_width_digits_date_an_event() {
    // "３月１０日" is 10 March, months before publication: an exercise begun then is
    // context for the story of the day.
    let tagging = tag(
        "ja",
        "北朝鮮、短距離弾道ミサイル数発を発射",
        "北朝鮮は２８日、東部の元山付近から日本海に向けて短距離弾道ミサイル数発を発射した。\
         \n\n北朝鮮による弾道ミサイルの発射は、米韓合同軍事演習「フリーダム・シールド」が始まった\
         ３月１０日以来となる。",
    );
    assert_no_main(&tagging, "military_exercise");
}

#[test]
fn a_summit_host_receiving_its_guests_is_no_visit() {
    let tagging = tag(
        "es",
        "Rama reúne en Tirana a 47 líderes europeos en la cumbre de la Comunidad Política Europea",
        "Cuarenta y siete jefes de Estado y de Gobierno se dieron cita este viernes en \
         Tirana para la sexta cumbre de la Comunidad Política Europea, a la que asistieron \
         Pedro Sánchez, Emmanuel Macron, Friedrich Merz y Keir Starmer. El primer ministro \
         albanés, Edi Rama, ejerció de anfitrión y recibió uno a uno a sus invitados sobre \
         una alfombra azul.",
    );
    assert_some_main(&tagging, "summit");
    assert_not_tagged(&tagging, "state_visit");
}

#[test]
fn a_clause_opened_hours_after_places_the_other_event() {
    let tagging = tag(
        "it",
        "Zelensky a Roma da Meloni",
        "Il presidente ucraino Volodymyr Zelensky è arrivato mercoledì a Roma per un \
         colloquio con Giorgia Meloni, poche ore dopo un attacco missilistico russo su Kiev \
         che ha fatto dodici morti.",
    );
    assert_some_main(&tagging, "summit");
    assert_saliences(&tagging, "armed_attack", &[Salience::Background]);
}

#[test]
fn a_long_run_of_digits_beside_a_trigger_is_no_year_and_no_panic() {
    // Only four digits make a year; a longer number (an order or a phone number), in
    // ASCII or full-width digits, must be read without overflowing.
    for number in [
        "123456789012345678901234567890",
        "１２３４５６７８９０１２３４５６７８９０",
    ] {
        let tagging = tag(
            "ja",
            "石破首相が訪米、トランプ大統領と首脳会談",
            &format!("石破首相は{number}年に訪米し、トランプ大統領と首脳会談を行った。"),
        );
        assert_saliences(&tagging, "summit", &[Salience::Main]);
    }
}
