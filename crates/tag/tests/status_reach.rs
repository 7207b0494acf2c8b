//! Status cues that reach further, or less far, than the window: a Japanese plan's
//! modality closing the sentence covers every verb chained to the last one; a Spanish
//! future that is the winner's ("será la primera mujer") leaves the vote occurred; a
//! word whose 訪 starts no compound (歴訪中 "on a tour") names no visit to China.

mod common;

use common::*;
use newsflow_record::EventStatus;

#[test]
fn a_sentence_final_plan_covers_the_chained_visit() {
    let tagging = tag(
        "ja",
        "石破首相、トランプ大統領との初会談に意欲",
        "石破茂首相は米国を訪問し、ワシントンでトランプ大統領と初の首脳会談を行う予定だ。\n\n\
         首相は記者団に対し、日米同盟の強化を確認したいと述べた。",
    );
    assert_eq!(
        status(&tagging, "state_visit"),
        EventStatus::Planned,
        "{:?}",
        tagging.events
    );
}

#[test]
fn a_finished_visit_stays_occurred_before_a_later_plan() {
    let tagging = tag(
        "ja",
        "石破首相、ハノイでチン首相と会談",
        "ベトナムを訪問した石破茂首相は28日、ハノイでチン首相と会談し、共同文書に署名する予定だ。",
    );
    assert_eq!(
        status(&tagging, "state_visit"),
        EventStatus::Occurred,
        "{:?}",
        tagging.events
    );
}

#[test]
fn on_a_tour_is_no_visit_to_china() {
    let tagging = tag(
        "ja",
        "石破首相、アンワル首相と会談",
        "マレーシアとインドネシアを歴訪中の石破茂首相は10日、プトラジャヤでアンワル首相と会談した。",
    );
    let to_china = tagging
        .events
        .iter()
        .any(|e| e.kind == "state_visit" && involves(e, "CHN"));
    assert!(!to_china, "{:?}", tagging.events);
}

#[test]
fn the_winners_future_leaves_the_vote_over() {
    let tagging = tag(
        "es",
        "Kast arrasa en la segunda vuelta y será el próximo presidente de Chile",
        "José Antonio Kast ganó este domingo la segunda vuelta de las elecciones presidenciales \
         con el 58 % de los votos, frente al 42 % de Jeannette Jara.",
    );
    assert_eq!(
        status(&tagging, "election"),
        EventStatus::Occurred,
        "{:?}",
        tagging.events
    );
}
