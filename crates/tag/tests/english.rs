//! English rules: each event type, its status, roles and place, and each confuser.

mod common;

use common::*;
use newsflow_record::{EventRules, EventStatus, Salience};

#[test]
fn seed_shaped_article_is_a_planned_parade_and_visit_with_three_leaders() {
    let tagging = tag(
        "en",
        "Kim Jong Un to join Putin and other leaders at China military parade",
        "North Korean leader Kim Jong Un is expected to join Russian President Vladimir Putin \
         at a military parade in Beijing next week. The parade will feature thousands of troops.\n\n\
         Analysts are watching for any bilateral meetings that might signal closer ties with \
         Chinese President Xi Jinping.",
    );
    assert_eq!(tagging.event_rules, EventRules::Available);
    let parade = event(&tagging, "military_parade");
    assert_eq!(parade.status, EventStatus::Planned);
    assert_eq!(parade.cameo, vec!["150"]);
    assert_eq!(
        parade.location.as_ref().map(|p| p.name.as_str()),
        Some("Beijing")
    );
    assert_eq!(role(parade, "CHN"), Some("host"));
    assert_eq!(role(parade, "PRK"), Some("guest"));
    let visit = event(&tagging, "state_visit");
    assert_eq!(visit.status, EventStatus::Planned);
    assert_eq!(role(visit, "PRK"), Some("visitor"));
    assert_eq!(role(visit, "CHN"), Some("host"));
    assert_eq!(status(&tagging, "summit"), EventStatus::Speculative);
    let people: Vec<_> = tagging
        .entities
        .people
        .iter()
        .map(|p| (p.name.as_str(), p.country.as_deref()))
        .collect();
    assert_eq!(
        people,
        vec![
            ("Kim Jong Un", Some("PRK")),
            ("Vladimir Putin", Some("RUS")),
            ("Xi Jinping", Some("CHN"))
        ]
    );
    let countries: Vec<_> = tagging
        .entities
        .countries
        .iter()
        .map(|c| c.code.as_str())
        .collect();
    assert_eq!(countries, vec!["PRK", "RUS", "CHN"]);
    assert_eq!(tagging.entities.places[0].name, "Beijing");
}

#[test]
fn a_leader_attending_alongside_another_guest_does_not_make_that_guest_the_host() {
    let tagging = tag(
        "en",
        "Kim Jong Un to attend Beijing military parade alongside Putin",
        "North Korean leader Kim Jong Un is expected to travel to Beijing next week to watch \
         a military parade, joining Russian President Vladimir Putin and other foreign leaders.",
    );
    let visit = event(&tagging, "state_visit");
    assert_eq!(role(visit, "PRK"), Some("visitor"));
    assert_eq!(role(visit, "RUS"), Some("visitor"));
    assert_eq!(role(visit, "CHN"), Some("host"));
    let putin = visit.actors.iter().find(|a| a.name == "Vladimir Putin");
    assert_eq!(putin.and_then(|a| a.role.as_deref()), Some("visitor"));
}

#[test]
fn a_country_after_the_trigger_is_a_guest_when_the_visit_is_located_elsewhere() {
    // The location names the host; Trump, after the trigger, is not it.
    let tagging = tag(
        "en",
        "Meloni visits Kyiv",
        "Italian Prime Minister Giorgia Meloni visited Donald Trump's ally Ukraine in Kyiv.",
    );
    let visit = event(&tagging, "state_visit");
    assert_eq!(role(visit, "UKR"), Some("host"));
    assert_eq!(role(visit, "USA"), Some("visitor"));
}

#[test]
fn the_real_seed_is_tagged_as_the_issue_requires() {
    let dir = data_dir().join("../../shared/seeds");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return; // The shared seeds only exist in the project's workspace.
    };
    for entry in entries.flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let (title, body) = text.split_once('\n').unwrap();
        let tagging = tag("en", title.trim(), body.trim());
        let visit = event(&tagging, "state_visit");
        assert_eq!(visit.status, EventStatus::Planned, "{visit:?}");
        assert_eq!(status(&tagging, "military_parade"), EventStatus::Planned);
        if let Some(summit) = tagging.events.iter().find(|e| e.kind == "summit") {
            assert_eq!(summit.status, EventStatus::Speculative);
        }
        for name in ["Kim Jong Un", "Vladimir Putin", "Xi Jinping"] {
            assert!(
                tagging.entities.people.iter().any(|p| p.name == name),
                "{name}"
            );
        }
        for code in ["PRK", "RUS", "CHN"] {
            assert!(
                tagging.entities.countries.iter().any(|c| c.code == code),
                "{code}"
            );
        }
        assert!(tagging.entities.places.iter().any(|p| p.name == "Beijing"));
    }
}

#[test]
fn state_visit_occurred_with_visitor_host_and_date() {
    let tagging = tag(
        "en",
        "Macron arrives in Beijing for state visit",
        "French President Emmanuel Macron arrived in Beijing on Tuesday for a three-day state visit.",
    );
    let visit = event(&tagging, "state_visit");
    assert_eq!(visit.status, EventStatus::Occurred);
    assert_eq!(role(visit, "FRA"), Some("visitor"));
    assert_eq!(role(visit, "CHN"), Some("host"));
    assert_eq!(visit.date.as_deref(), Some("2025-08-26"));
    assert_eq!(visit.evidence.field, "title");
}

#[test]
fn minister_visiting_a_hospital_at_home_is_not_a_state_visit() {
    let tagging = tag(
        "en",
        "Health minister visits hospital in Leeds",
        "The British health minister visited a hospital in Leeds on Monday to meet nurses.",
    );
    assert_not_tagged(&tagging, "state_visit");
}

#[test]
fn cancelled_visit_is_negated() {
    let tagging = tag(
        "en",
        "Trump cancels visit to Tokyo",
        "US President Donald Trump cancelled a planned visit to Japan, the White House said.",
    );
    assert_eq!(status(&tagging, "state_visit"), EventStatus::Negated);
}

#[test]
fn military_parade_occurred_in_moscow() {
    let tagging = tag(
        "en",
        "Russia holds Victory Day parade",
        "Thousands of troops and tanks rolled through Red Square in Moscow on Friday as Russia \
         held its annual military parade.",
    );
    let parade = event(&tagging, "military_parade");
    assert_eq!(parade.status, EventStatus::Occurred);
    assert_eq!(
        parade.location.as_ref().map(|p| p.name.as_str()),
        Some("Moscow")
    );
}

#[test]
fn pride_carnival_sports_and_celebrity_parades_are_not_military() {
    for (title, body) in [
        ("Pride parade fills the streets of London", "Thousands joined the pride parade in London on Saturday."),
        ("Carnival parade dazzles Rio", "Samba schools paraded through Rio de Janeiro in the carnival parade."),
        ("Champions celebrate with victory parade", "Fans lined the streets as the team's victory parade passed the stadium after the cup win."),
        ("Film festival opens", "A parade of celebrities walked the red carpet in Paris."),
    ] {
        let tagging = tag("en", title, body);
        assert!(!kinds(&tagging).contains(&"military_parade"), "{title}: {:?}", kinds(&tagging));
    }
}

#[test]
fn summit_with_participants() {
    let tagging = tag(
        "en",
        "Xi and Putin hold summit in Moscow",
        "Chinese President Xi Jinping and Russian President Vladimir Putin held talks in Moscow on Monday.",
    );
    let summit = event(&tagging, "summit");
    assert_eq!(summit.status, EventStatus::Occurred);
    assert_eq!(role(summit, "CHN"), Some("participant"));
    assert_eq!(summit.plover, vec!["CONSULT"]);
}

#[test]
fn agreement_signing_between_two_countries() {
    let tagging = tag(
        "en",
        "Russia and North Korea sign defence pact",
        "Russia and North Korea signed a treaty on comprehensive strategic partnership in Pyongyang.",
    );
    let signing = event(&tagging, "agreement_signing");
    assert_eq!(role(signing, "RUS"), Some("party"));
    assert_eq!(role(signing, "PRK"), Some("party"));
    assert_eq!(
        signing.location.as_ref().map(|p| p.name.as_str()),
        Some("Pyongyang")
    );
}

#[test]
fn footballer_signing_a_contract_is_not_an_agreement() {
    let tagging = tag(
        "en",
        "Striker signs new deal",
        "The Brazilian striker signed a contract with the club until 2028, the Spanish team said.",
    );
    assert!(!kinds(&tagging).contains(&"agreement_signing"));
}

#[test]
fn sanctions_have_imposer_and_target() {
    let tagging = tag(
        "en",
        "EU agrees new sanctions",
        "The United States imposed new sanctions on Iran on Wednesday over its missile programme.",
    );
    let sanctions = event(&tagging, "sanctions");
    assert_eq!(role(sanctions, "USA"), Some("imposer"));
    assert_eq!(role(sanctions, "IRN"), Some("target"));
    assert_eq!(sanctions.cameo, vec!["163"]);
}

#[test]
fn sports_sanctions_do_not_fire() {
    let tagging = tag(
        "en",
        "UEFA sanctions club",
        "UEFA imposed sanctions on the club for fan violence during the match.",
    );
    assert!(!kinds(&tagging).contains(&"sanctions"));
}

#[test]
fn protest_in_a_capital() {
    let tagging = tag(
        "en",
        "Thousands protest in Tbilisi",
        "Thousands of protesters took to the streets of Belgrade on Sunday, chanting against the government.",
    );
    assert_eq!(status(&tagging, "protest"), EventStatus::Occurred);
}

#[test]
fn market_rally_and_referee_protest_are_not_protests() {
    for body in [
        "Shares rallied on Monday as markets rallied on hopes of a rate cut.",
        "The coach protested the referee's decision after the penalty.",
    ] {
        let tagging = tag("en", "Markets and football", body);
        assert!(!kinds(&tagging).contains(&"protest"), "{body}");
    }
}

#[test]
fn joint_military_exercise() {
    let tagging = tag(
        "en",
        "China and Russia begin joint naval drills",
        "Chinese and Russian warships began joint naval drills in the Sea of Japan on Thursday.",
    );
    assert_eq!(status(&tagging, "military_exercise"), EventStatus::Occurred);
}

#[test]
fn fire_drill_and_exercise_class_are_not_military() {
    let tagging = tag(
        "en",
        "School holds fire drill",
        "Students took part in a fire drill and an exercise class.",
    );
    assert!(!kinds(&tagging).contains(&"military_exercise"));
}

#[test]
fn weapons_test_by_north_korea() {
    let tagging = tag(
        "en",
        "North Korea test-fires ballistic missile",
        "North Korea test-fired a ballistic missile into the sea on Sunday, Seoul said.",
    );
    let test = event(&tagging, "weapons_test");
    assert_eq!(role(test, "PRK"), Some("actor"));
}

#[test]
fn product_launch_is_not_a_weapons_test() {
    let tagging = tag(
        "en",
        "Tech giant launches new smartphone",
        "The company launched a new smartphone on Tuesday after years of testing.",
    );
    assert!(kinds(&tagging).is_empty(), "{:?}", kinds(&tagging));
}

#[test]
fn armed_attack_with_attacker_and_target() {
    let tagging = tag(
        "en",
        "Russia launches massive missile strike on Ukraine",
        "Russia launched a massive missile strike on Kyiv overnight, killing at least five civilians.",
    );
    let attack = event(&tagging, "armed_attack");
    assert_eq!(role(attack, "RUS"), Some("attacker"));
    assert_eq!(role(attack, "UKR"), Some("target"));
    assert_eq!(attack.location.as_ref().map(|p| p.name.as_str()), None);
}

#[test]
fn cyber_attack_film_and_heart_attack_are_not_armed_attacks() {
    for (title, body) in [
        (
            "Hackers hit retailer",
            "A cyber attack on the retailer disrupted payments; hackers demanded a ransom.",
        ),
        (
            "New war film premieres",
            "The film about the war depicts the attack on the village in 1944.",
        ),
        (
            "Actor recovering",
            "The actor is recovering after a heart attack on Sunday.",
        ),
    ] {
        let tagging = tag("en", title, body);
        assert!(
            !kinds(&tagging).contains(&"armed_attack"),
            "{title}: {:?}",
            kinds(&tagging)
        );
    }
}

#[test]
fn election_is_planned_with_date() {
    let tagging = tag(
        "en",
        "Poland to hold presidential election",
        "Poland will hold a presidential election on 3 September, the electoral commission said.",
    );
    let election = event(&tagging, "election");
    assert_eq!(election.status, EventStatus::Planned);
    assert!(election.cameo.is_empty());
    assert_eq!(election.date.as_deref(), Some("2025-09-03"));
}

#[test]
fn talent_show_vote_is_not_an_election() {
    let tagging = tag(
        "en",
        "Eurovision vote",
        "Viewers cast their votes in the Eurovision song contest final.",
    );
    assert!(!kinds(&tagging).contains(&"election"));
}

#[test]
fn speculative_status_from_modal_and_questions() {
    let tagging = tag(
        "en",
        "Analysts weigh summit",
        "Putin could meet Xi Jinping at a summit in Beijing, analysts said.",
    );
    assert_eq!(status(&tagging, "summit"), EventStatus::Speculative);
}

#[test]
fn evidence_offsets_are_characters_of_the_body() {
    let body = "Предисловие. North Korea test-fired a ballistic missile on Sunday.";
    let tagging = tag("en", "Update", body);
    let evidence = &event(&tagging, "weapons_test").evidence;
    let chars: String = body
        .chars()
        .skip(evidence.start)
        .take(evidence.end - evidence.start)
        .collect();
    assert_eq!(chars, evidence.text);
    assert_eq!(evidence.field, "body");
}

#[test]
fn language_without_rules_reports_missing_rules_but_finds_entities() {
    let tagging = tag(
        "nl",
        "Poetin bezoekt Peking",
        "Vladimir Putin bezocht Beijing voor een militaire parade.",
    );
    assert_eq!(tagging.event_rules, EventRules::Missing);
    assert!(tagging.events.is_empty());
    assert_eq!(tagging.entities.people[0].name, "Vladimir Putin");
}

#[test]
fn article_without_language_is_not_tagged() {
    let mut article = article("en", "Military parade", "Troops paraded in Beijing.");
    article.language = None;
    let tagging = tagger().tag(&article);
    assert_eq!(tagging.event_rules, EventRules::Missing);
}

#[test]
fn a_cue_across_a_clause_break_is_about_the_other_clause() {
    // "postponed" is the Vatican leg's, after "as": the visit to Italy goes on.
    let tagging = tag(
        "en",
        "King Charles addresses Italian parliament on state visit as Vatican leg stays postponed",
        "King Charles addressed the Italian parliament in Rome on Tuesday, on the second day of a state visit to Italy.",
    );
    assert_eq!(status(&tagging, "state_visit"), EventStatus::Occurred);
}

#[test]
fn a_visit_told_after_a_hosted_summit_is_the_reported_visit() {
    // "A summit hosted by Kazakhstan" is first read as a visit, then dropped as a
    // part of the summit: the visit told next is the article's own, framed by the
    // signing of its parties, not another occurrence in the background.
    let tagging = tag(
        "en",
        "Xi and Central Asian leaders sign friendship treaty in Astana",
        "China and Kazakhstan signed a treaty of friendship in Astana on Tuesday, as Xi \
         Jinping used a regional summit hosted by Kazakhstan to press Beijing's case.\n\n\
         Xi arrived in the Kazakh capital on Monday for a state visit and was met at the \
         airport by President Kassym-Jomart Tokayev.",
    );
    assert_saliences(&tagging, "state_visit", &[Salience::Main]);
    let visit = event(&tagging, "state_visit");
    assert_eq!(role(visit, "CHN"), Some("visitor"));
    assert_eq!(role(visit, "KAZ"), Some("host"));
}

#[test]
fn a_visit_told_beside_a_signing_stays_main_when_another_visit_is_displaced() {
    // The visit of the signing ("Marape arrived in Canberra") is told once, with no
    // cue of its own; an earlier visit ("last month, when Albanese visited Port
    // Moresby") is displaced. The earlier visit's cue does not displace this one.
    let tagging = tag(
        "en",
        "Australia and Papua New Guinea sign mutual defence treaty",
        "Prime Ministers Anthony Albanese and James Marape signed a mutual defence treaty \
         at Parliament House in Canberra on Monday.\n\n\
         The treaty commits each country to come to the other's aid if it is attacked.\n\n\
         Marape arrived in Canberra on Saturday and watched the football final with \
         Albanese on Sunday night.\n\n\
         The treaty was meant to be signed last month, when Albanese visited Port Moresby \
         for the independence celebrations.",
    );
    assert_eq!(saliences(&tagging, "agreement_signing")[0], Salience::Main);
    let visit = event(&tagging, "state_visit");
    assert_eq!(visit.salience, Salience::Main);
    assert_eq!(role(visit, "PNG"), Some("visitor"));
    assert_eq!(role(visit, "AUS"), Some("host"));
}

#[test]
fn a_ministers_trip_is_no_state_visit_but_a_leaders_is() {
    let minister = tag(
        "en",
        "Wang Yi's trip to Delhi opens a new round of border talks",
        "Wang Yi's trip to New Delhi began on Monday with talks with his Indian counterpart \
         on the disputed frontier.",
    );
    assert_not_tagged(&minister, "state_visit");
    let leader = tag(
        "en",
        "Modi's trip to Buenos Aires opens a new chapter with Argentina",
        "Narendra Modi's trip to Buenos Aires began on Saturday with talks with Javier Milei \
         at the Casa Rosada.",
    );
    assert_tagged(&leader, "state_visit");
}

#[test]
fn an_attack_the_body_of_a_visit_article_develops_is_background() {
    // The title and lead report a visit and talks; the strikes the talks turned to
    // are told in two sentences of the body as having happened: their context, not
    // what the article reports.
    let tagging = tag(
        "en",
        "Macron receives Syria's president at the Elysee on his first trip to the West",
        "Emmanuel Macron received Ahmed al-Sharaa at the Elysee Palace on Wednesday, the \
         Syrian president's first visit to a Western country.\n\n\
         Israeli jets struck army positions near Damascus on Monday, killing several \
         soldiers.\n\n\
         The strikes also hit a radar site in the south, and the talks turned to them, \
         officials said.",
    );
    assert_all_background(&tagging, "armed_attack");
    // Told in the title, an attack is the article's own.
    let reported = tag(
        "en",
        "Israeli air strikes on Damascus kill four as Macron receives Syria's president",
        "Israeli air strikes on the Syrian capital killed four soldiers on Wednesday, as \
         Emmanuel Macron received Ahmed al-Sharaa at the Elysee Palace.\n\n\
         The strikes hit army positions near Damascus, officials said.",
    );
    assert_some_main(&reported, "armed_attack");
}

#[test]
fn a_stabbing_rampage_is_a_crime_and_a_secretary_of_states_trip_no_visit() {
    let crime = tag(
        "en",
        "Six killed in shopping centre stabbing rampage; officer shot attacker dead",
        "A man armed with a knife killed six people and wounded 12 others at a shopping \
         centre on Saturday before a police inspector shot him dead, in an attack that \
         shocked the city.",
    );
    assert!(crime.events.is_empty(), "{:?}", kinds(&crime));
    let envoy = tag(
        "en",
        "North Korea fires missile as Blinken visited Seoul",
        "North Korea fired a ballistic missile into the sea on Monday while Antony Blinken \
         visited Seoul for talks with South Korea's foreign minister.",
    );
    assert_not_tagged(&envoy, "state_visit");
}
