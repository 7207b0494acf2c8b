//! How the engine decides between readings: talks during a visit, headline tense,
//! which country holds a role, compounds in Chinese and Japanese, and the EU.
//! Articles are published on 2025-08-28 (see `common`).

mod common;

use common::*;
use newsflow_record::{EventStatus, Salience};

#[test]
fn leaders_holding_talks_during_a_visit_are_at_a_summit() {
    // Issue 10: two leaders holding talks during a visit are a summit as well.
    let tagging = tag(
        "en",
        "Indian prime minister arrives in Tokyo",
        "Narendra Modi arrived in Tokyo on Friday for a two-day visit to Japan. \
         He held talks with the Japanese prime minister on trade.",
    );
    assert!(kinds(&tagging).contains(&"state_visit"));
    let summit = event(&tagging, "summit");
    assert_eq!(role(summit, "JPN"), Some("participant"));
}

#[test]
fn a_meeting_in_doubt_during_a_visit_is_still_a_summit() {
    let tagging = tag(
        "en",
        "Kim Jong Un expected in Beijing",
        "Kim Jong Un is expected to travel to Beijing next week to attend a parade. \
         Analysts said a meeting between the leaders could not be ruled out.",
    );
    assert_eq!(status(&tagging, "summit"), EventStatus::Speculative);
}

#[test]
fn a_headline_without_tense_takes_the_status_of_the_lead() {
    let tagging = tag(
        "en",
        "Modi visits Japan",
        "Indian Prime Minister Narendra Modi is expected to visit Japan next week.",
    );
    assert_eq!(status(&tagging, "state_visit"), EventStatus::Planned);
}

#[test]
fn a_month_ahead_of_publication_makes_an_event_planned() {
    let tagging = tag(
        "es",
        "Argentina celebra elecciones legislativas en octubre",
        "Los argentinos votan en octubre para renovar el Congreso.",
    );
    assert_eq!(status(&tagging, "election"), EventStatus::Planned);
}

#[test]
fn the_destination_of_a_visit_is_the_host_not_the_city_that_reports_it() {
    let tagging = tag(
        "en",
        "German chancellor calls off China trip",
        // A leader's trip: a foreign minister's is no state visit (issue 10, the dev
        // convention; own's en-023 still labels one).
        "Germany's chancellor has cancelled a planned visit to China, the government in Berlin said.",
    );
    let visit = event(&tagging, "state_visit");
    assert_eq!(visit.status, EventStatus::Negated);
    assert_eq!(role(visit, "CHN"), Some("host"));
    assert_eq!(role(visit, "DEU"), Some("visitor"));
}

#[test]
fn japanese_compound_names_the_host_and_bare_title_the_visitor() {
    let tagging = tag("ja", "首相、来月に訪米へ", "首相は来月、訪米する予定だ。");
    let visit = event(&tagging, "state_visit");
    assert_eq!(visit.status, EventStatus::Planned);
    assert_eq!(role(visit, "USA"), Some("host"));
    assert_eq!(role(visit, "JPN"), Some("visitor"));
}

#[test]
fn japanese_abbreviation_before_forces_or_government_names_the_country() {
    // 米軍 "US forces", 米政府 "the US government": the abbreviation counts before
    // the suffix as it does after 訪 (訪米).
    let tagging = tag(
        "ja",
        "米政府、中国企業に新たな制裁",
        "米政府は、中国の半導体企業数社に新たな制裁を科すと発表した。",
    );
    let sanctions = event(&tagging, "sanctions");
    assert_eq!(role(sanctions, "USA"), Some("imposer"));
}

#[test]
fn a_title_attached_to_a_name_is_not_the_japanese_prime_minister() {
    let tagging = tag("ja", "李強首相が訪韓", "中国の李強首相が韓国を訪問した。");
    assert!(!tagging.entities.countries.iter().any(|c| c.code == "JPN"));
}

#[test]
fn chinese_pair_of_abbreviations_names_two_countries() {
    let tagging = tag("zh", "中澳签署合作协定", "中澳两国周四签署了科技合作协定。");
    let signing = event(&tagging, "agreement_signing");
    assert_eq!(role(signing, "CHN"), Some("party"));
    assert_eq!(role(signing, "AUS"), Some("party"));
}

#[test]
fn a_lone_abbreviation_character_is_not_a_country() {
    let tagging = tag("zh", "会议中心开放", "会议中心周四开放。");
    assert!(tagging.entities.countries.is_empty());
}

#[test]
fn the_european_union_imposes_sanctions() {
    let tagging = tag(
        "en",
        "EU imposes new sanctions on Russia",
        "The European Union imposed new sanctions on Russia on Thursday.",
    );
    let sanctions = event(&tagging, "sanctions");
    assert_eq!(role(sanctions, "EU"), Some("imposer"));
    assert_eq!(role(sanctions, "RUS"), Some("target"));
}

#[test]
fn a_mountain_summit_in_arabic_is_no_summit() {
    let tagging = tag(
        "ar",
        "متسلقون يبلغون قمة جبل توبقال",
        "نجح فريق من المتسلقين في بلوغ قمة الجبل رغم الثلوج.",
    );
    assert!(!kinds(&tagging).contains(&"summit"));
}

#[test]
fn a_word_told_in_passing_is_no_event_in_an_article_that_reports_none() {
    // A council's "summit" with tourism businesses, in a piece on a local tax.
    let tagging = tag(
        "en",
        "Edinburgh approves a visitor levy",
        "Councillors in Edinburgh voted on Thursday for a 5% levy on overnight stays.\n\n\
         Hoteliers said the charge would deter families.\n\n\
         The council will hold a summit with tourism businesses in the spring to agree \
         how the first year's income should be spent.",
    );
    assert!(kinds(&tagging).is_empty(), "{:?}", kinds(&tagging));
}

#[test]
fn a_mention_placed_in_time_stays_a_background_event_without_a_main_one() {
    let tagging = tag(
        "en",
        "Shares in Japanese retailer slide as bid collapses",
        "Shares of Seven & i fell 9% in Tokyo on Thursday after the Canadian group \
         withdrew its offer.\n\n\
         Trading was thin, days after the missile attack on Kyiv that rattled markets \
         across Asia.",
    );
    assert_saliences(&tagging, "armed_attack", &[Salience::Background]);
}
