//! Scripts without spaces (Japanese, Chinese): a headline's clauses parted by a space
//! between CJK characters, office words inside their compounds, and a compound
//! prefix that takes one country abbreviation.

mod common;

use common::*;
use newsflow_record::EventStatus;

#[test]
fn a_date_across_a_headline_clause_break_dates_the_other_clause() {
    // Published 28 August: "9月" is the postponed field training's month, not the
    // drills' start, told in the clause before the space.
    let tagging = tag(
        "ja",
        "米韓が合同演習「乙支フリーダム・シールド」開始\u{3000}野外訓練の半数は9月に延期",
        "韓国と米国は18日、定例の合同軍事演習を始めた。",
    );
    assert_eq!(
        status(&tagging, "military_exercise"),
        EventStatus::Occurred,
        "{:?}",
        tagging.events
    );
}

#[test]
fn an_unnamed_foreign_ministers_trip_is_no_state_visit() {
    let tagging = tag(
        "zh",
        "俄罗斯外长抵达北京进行访问",
        "俄罗斯外长28日抵达北京，开始对中国进行为期两天的访问。",
    );
    assert_not_tagged(&tagging, "state_visit");
}

#[test]
fn visiting_japan_names_no_china() {
    // 来日中 is "while visiting Japan": 中 after 来日 is "during", not China.
    let tagging = tag(
        "ja",
        "来日中の米大統領、天皇陛下と会見",
        "来日中のトランプ米大統領は27日、皇居で天皇陛下と会見した。",
    );
    let visit = event(&tagging, "state_visit");
    assert!(plays(visit, "USA", "visitor"), "{:?}", visit.actors);
    assert!(
        !visit
            .actors
            .iter()
            .any(|a| a.country.as_deref() == Some("CHN")),
        "{:?}",
        visit.actors
    );
}

#[test]
fn a_trigger_across_the_end_of_a_persons_name_is_none() {
    // "何立峰会见": the vice premier's name ends with 峰 and the meeting word starts with
    // 会, so "峰会" (summit) stands across the two; a minister's meeting is no summit.
    let tagging = tag(
        "zh",
        "何立峰会见美国客人",
        "国务院副总理何立峰会见了来京的美国客人，双方就经贸问题交换了意见。",
    );
    assert_not_tagged(&tagging, "summit");
    // A summit word of its own still is one.
    let tagging = tag(
        "zh",
        "中国—中亚峰会在阿斯塔纳举行",
        "国家主席习近平6月17日在阿斯塔纳出席第二届中国—中亚峰会，同中亚五国元首举行会谈。",
    );
    assert_tagged(&tagging, "summit");
}
