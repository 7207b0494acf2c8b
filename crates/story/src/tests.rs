use newsflow_record::Article;
use serde_json::json;

use super::*;

/// An enriched article as the tag stage writes it, with one event per
/// `(type, date, [(actor country, role)])` and the entities named.
fn article(
    id: &str,
    language: &str,
    published: &str,
    events: &[(&str, Option<&str>, &[&str])],
    people: &[&str],
    places: &[&str],
) -> Article {
    let events: Vec<_> = events
        .iter()
        .map(|(kind, date, countries)| {
            let actors: Vec<_> = countries
                .iter()
                .map(|c| json!({"name": c, "kind": "country", "country": c}))
                .collect();
            let mut event = json!({
                "type": kind, "cameo": [], "plover": [], "confidence": 0.9,
                "status": "occurred", "salience": "main",
                "evidence": {"field": "body", "start": 0, "end": 1, "text": "x"},
                "actors": actors,
            });
            if let Some(date) = date {
                event["date"] = json!(date);
            }
            event
        })
        .collect();
    serde_json::from_value(json!({
        "id": id,
        "source": format!("outlet-{language}"),
        "title": format!("headline {id}"),
        "body": "text",
        "published_at": published,
        "language": {"code": language, "iso639_3": "xxx", "script": "Latin",
                     "confidence": 1.0, "reliable": true},
        "events": events,
        "entities": {
            "people": people.iter().map(|p| json!({"name": p})).collect::<Vec<_>>(),
            "countries": [],
            "places": places.iter().map(|p| json!({"name": p})).collect::<Vec<_>>(),
        },
    }))
    .unwrap()
}

fn teller() -> Storyteller {
    Storyteller::new(StoryConfig::default())
}

const NOW: i64 = 1_756_900_000;

#[test]
fn one_parade_reported_in_three_languages_is_one_story() {
    let mut stories = teller();
    let parade: &[(&str, Option<&str>, &[&str])] = &[(
        "military_parade",
        Some("2025-09-03"),
        &["CHN", "RUS", "PRK"],
    )];
    let people = ["Xi Jinping", "Vladimir Putin", "Kim Jong Un"];
    let (es, _) = stories.assign(
        &article(
            "es-1",
            "es",
            "2025-09-03T08:00:00Z",
            parade,
            &people,
            &["Beijing"],
        ),
        NOW,
    );
    let (ru, _) = stories.assign(
        &article(
            "ru-1",
            "ru",
            "2025-09-03T10:00:00Z",
            parade,
            &people[..2],
            &["Beijing"],
        ),
        NOW,
    );
    let (ja, story) = stories.assign(
        &article("ja-1", "ja", "2025-09-04T01:00:00Z", parade, &people, &[]),
        NOW,
    );
    assert!(es.opened && !ru.opened && !ja.opened);
    assert_eq!(
        (es.id.as_str(), ru.id.as_str()),
        (ja.id.as_str(), ja.id.as_str())
    );
    assert_eq!(ja.size, 3);
    assert_eq!(story.languages.len(), 3);
    assert_eq!(story.headlines["ru"], "headline ru-1");
    assert_eq!(story.location.as_deref(), Some("Beijing"));
    assert_eq!(
        (story.first_day.to_string(), story.last_day.to_string()),
        ("2025-09-03".to_string(), "2025-09-03".to_string())
    );
}

#[test]
fn victory_day_parades_a_year_apart_stay_apart() {
    let mut stories = teller();
    let parade = |date| [("military_parade", Some(date), &["RUS"][..])];
    let people = ["Vladimir Putin"];
    let (first, _) = stories.assign(
        &article(
            "a",
            "ru",
            "2024-05-09T09:00:00Z",
            &parade("2024-05-09"),
            &people,
            &["Moscow"],
        ),
        NOW,
    );
    let (second, _) = stories.assign(
        &article(
            "b",
            "en",
            "2025-05-09T09:00:00Z",
            &parade("2025-05-09"),
            &people,
            &["Moscow"],
        ),
        NOW,
    );
    assert!(first.opened && second.opened);
    assert_ne!(first.id, second.id);
}

#[test]
fn two_missile_tests_of_one_country_a_week_apart_stay_apart() {
    let mut stories = teller();
    let test = |date| [("weapons_test", Some(date), &["PRK"][..])];
    let (first, _) = stories.assign(
        &article(
            "a",
            "ja",
            "2025-01-06T05:00:00Z",
            &test("2025-01-06"),
            &["Kim Jong Un"],
            &[],
        ),
        NOW,
    );
    // A commentary two days later with no date of its own still joins the first test.
    let (later, _) = stories.assign(
        &article(
            "b",
            "en",
            "2025-01-08T05:00:00Z",
            &test("2025-01-06"),
            &["Kim Jong Un"],
            &[],
        ),
        NOW,
    );
    let (second, _) = stories.assign(
        &article(
            "c",
            "zh",
            "2025-01-14T05:00:00Z",
            &test("2025-01-14"),
            &["Kim Jong Un"],
            &[],
        ),
        NOW,
    );
    assert_eq!(later.id, first.id);
    assert!(second.opened);
}

#[test]
fn a_visit_report_that_mentions_the_parade_does_not_join_the_parade() {
    let mut stories = teller();
    let (parade, _) = stories.assign(
        &article(
            "a",
            "en",
            "2025-09-03T08:00:00Z",
            &[("military_parade", Some("2025-09-03"), &["CHN", "PRK"])],
            &["Kim Jong Un"],
            &["Beijing"],
        ),
        NOW,
    );
    let (visit, _) = stories.assign(
        &article(
            "b",
            "fr",
            "2025-09-04T08:00:00Z",
            &[
                ("state_visit", Some("2025-09-04"), &["CHN", "PRK"]),
                ("military_parade", Some("2025-09-03"), &["CHN"]),
            ],
            &["Kim Jong Un"],
            &["Beijing"],
        ),
        NOW,
    );
    assert_ne!(parade.id, visit.id);
}

#[test]
fn an_article_without_events_joins_only_on_named_people_and_places() {
    let mut stories = teller();
    let (summit, _) = stories.assign(
        &article(
            "a",
            "en",
            "2025-08-15T20:00:00Z",
            &[("summit", Some("2025-08-15"), &["USA", "RUS"])],
            &["Donald Trump", "Vladimir Putin"],
            &["Anchorage"],
        ),
        NOW,
    );
    let (close, _) = stories.assign(
        &article(
            "b",
            "de",
            "2025-08-16T06:00:00Z",
            &[],
            &["Donald Trump", "Vladimir Putin"],
            &["Anchorage"],
        ),
        NOW,
    );
    let (loose, _) = stories.assign(
        &article(
            "c",
            "it",
            "2025-08-16T06:00:00Z",
            &[],
            &["Donald Trump"],
            &[],
        ),
        NOW,
    );
    assert_eq!(close.id, summit.id);
    assert!(loose.opened);
}

#[test]
fn open_stories_are_bounded_by_count() {
    let mut stories = Storyteller::new(StoryConfig {
        max_stories: 10,
        ..StoryConfig::default()
    });
    for i in 0..100 {
        let place = format!("Town {i}");
        stories.assign(
            &article(
                &format!("a{i}"),
                "en",
                "2025-05-01T00:00:00Z",
                &[("protest", None, &[])],
                &[],
                &[place.as_str()],
            ),
            NOW,
        );
    }
    assert!(stories.len() <= 10, "{} stories open", stories.len());
}

#[test]
fn a_restored_story_takes_later_articles() {
    let parade = [("military_parade", Some("2025-09-03"), &["CHN", "RUS"][..])];
    let mut before = teller();
    let (opened, story) = before.assign(
        &article(
            "a",
            "es",
            "2025-09-03T08:00:00Z",
            &parade,
            &["Xi Jinping"],
            &["Beijing"],
        ),
        NOW,
    );
    let state = serde_json::to_string(story).unwrap();
    let mut after = teller();
    after.restore(serde_json::from_str(&state).unwrap());
    let (joined, story) = after.assign(
        &article(
            "b",
            "ru",
            "2025-09-03T09:00:00Z",
            &parade,
            &["Xi Jinping"],
            &["Beijing"],
        ),
        NOW,
    );
    assert_eq!(joined.id, opened.id);
    assert_eq!(story.articles, 2);
}

#[test]
fn an_update_joins_the_story_of_the_article_it_updates() {
    let mut stories = teller();
    let (first, _) = stories.assign(
        &article(
            "a",
            "en",
            "2025-03-01T08:00:00Z",
            &[],
            &["Nobody Known"],
            &[],
        ),
        NOW,
    );
    let mut update = article("b", "en", "2025-03-09T08:00:00Z", &[], &[], &[]);
    update.dedup = Some(newsflow_record::Dedup {
        status: newsflow_record::DedupStatus::Unique,
        fingerprint: None,
        duplicate_of: None,
        similarity: Some(0.4),
        updates: Some("a".into()),
    });
    let (joined, story) = stories.assign(&update, NOW);
    assert_eq!(joined.id, first.id);
    assert_eq!(joined.updates.as_deref(), Some("a"));
    assert_eq!(story.articles, 2);
}

#[test]
fn figures_are_read_alike_in_every_notation_and_years_are_left_out() {
    let figures =
        features::figures_of("2.500 soldados, 2,500 troops, ２５００ 兵, 89,77 %, 2025, 7");
    assert_eq!(figures, vec![2500, 8977]);
    let spaced = features::figures_of("1\u{a0}200 personnes, 3\u{202f}400 €, 45€ 67ème 1..5");
    assert_eq!(
        spaced,
        vec![1200, 3400, 45, 67],
        "a non-digit character ends a figure"
    );
    let arabic = features::figures_of("قتل ١٢ شخصا و٣٬٥٠٠ جريح، ۴۵ في المئة");
    assert_eq!(
        arabic,
        vec![12, 3500, 45],
        "Arabic-Indic and Persian digits"
    );
}

#[test]
fn marks_are_names_written_alike_not_words_that_start_a_sentence() {
    let marks = features::marks_of(
        "Sinner accepts a ban. The WADA deal lets the iPhone maker's R1 rival and Sinner go; \
         «Le» tribunal de Lausanne a tranché. 錦織とSinnerが対戦 in Bethpage, on 3 May.",
    );
    assert_eq!(
        marks,
        ["wada", "iphone", "r1", "sinner", "lausanne", "bethpage", "may"]
    );
}

#[test]
fn a_day_is_read_from_a_date_or_the_start_of_a_time() {
    let day = features::parse_day("2025-09-03");
    assert_eq!(day, Some(20_334));
    assert_eq!(features::parse_day("2025-09-03T22:10:00+09:00"), day);
    assert_eq!(Day(20_334).to_string(), "2025-09-03");
    for bad in [
        "2025-13-01",
        "2025-02-30",
        "20x5-01-01",
        "2025/09/03",
        "2025-9-3",
        "",
    ] {
        assert_eq!(features::parse_day(bad), None, "{bad}");
    }
}

#[test]
fn two_missile_tests_of_one_country_two_days_apart_are_two_stories() {
    let mut stories = teller();
    let test = |id: &str, day: &str| {
        article(
            id,
            "en",
            &format!("{day}T12:00:00Z"),
            &[("weapons_test", Some(day), &["PAK"])],
            &["Shehbaz Sharif", "Asim Munir"],
            &["Islamabad"],
        )
    };
    let (first, _) = stories.assign(&test("a", "2025-05-03"), NOW);
    let (same_day, _) = stories.assign(&test("b", "2025-05-03"), NOW);
    let (second, _) = stories.assign(&test("c", "2025-05-05"), NOW);
    assert_eq!(first.id, same_day.id);
    assert_ne!(first.id, second.id);
}

#[test]
fn an_event_date_long_before_the_publication_does_not_date_the_article() {
    let mut stories = teller();
    let (runoff, _) = stories.assign(
        &article(
            "a",
            "fr",
            "2025-05-19T08:00:00Z",
            &[("election", Some("2025-05-18"), &["ROU"])],
            &["Nicusor Dan"],
            &["Bucharest"],
        ),
        NOW,
    );
    // The tag stage read the first round's date; the article is the run-off's.
    let (report, _) = stories.assign(
        &article(
            "b",
            "de",
            "2025-05-19T09:00:00Z",
            &[("election", Some("2025-05-04"), &["ROU"])],
            &["Nicusor Dan"],
            &["Bucharest"],
        ),
        NOW,
    );
    assert_eq!(runoff.id, report.id);
}

#[test]
fn two_drills_of_different_countries_that_name_the_same_bystander_stay_apart() {
    let mut stories = teller();
    let people = ["Vladimir Putin", "Donald Trump"];
    let (first, _) = stories.assign(
        &article(
            "a",
            "ru",
            "2025-09-16T14:00:00Z",
            &[(
                "military_exercise",
                Some("2025-09-16"),
                &["RUS", "RUS", "BLR", "USA", "POL"],
            )],
            &people,
            &["Washington", "Minsk"],
        ),
        NOW,
    );
    let (same, _) = stories.assign(
        &article(
            "b",
            "de",
            "2025-09-16T18:00:00Z",
            &[(
                "military_exercise",
                Some("2025-09-16"),
                &["RUS", "BLR", "BLR", "USA"],
            )],
            &["Vladimir Putin"],
            &["Minsk"],
        ),
        NOW,
    );
    let (other, _) = stories.assign(
        &article(
            "c",
            "es",
            "2025-09-17T15:00:00Z",
            &[(
                "military_exercise",
                Some("2025-09-17"),
                &["VEN", "VEN", "USA"],
            )],
            &["Nicolás Maduro", "Donald Trump"],
            &["Caracas", "Washington"],
        ),
        NOW,
    );
    assert_eq!(same.id, first.id);
    assert!(other.opened);
}

#[test]
fn a_guest_received_the_day_after_a_summit_is_not_news_of_the_summit() {
    let mut stories = teller();
    let (summit, _) = stories.assign(
        &article(
            "a",
            "fr",
            "2025-10-13T19:00:00Z",
            &[
                ("summit", Some("2025-10-13"), &["USA", "EGY", "ISR", "PSE"]),
                ("agreement_signing", Some("2025-10-13"), &["USA", "EGY"]),
            ],
            &["Donald Trump", "Abdel Fattah el-Sisi"],
            &["Gaza", "White House", "Washington"],
        ),
        NOW,
    );
    let (visit, _) = stories.assign(
        &article(
            "b",
            "es",
            "2025-10-14T21:00:00Z",
            &[("state_visit", None, &["USA", "ARG", "USA", "ARG"])],
            &["Donald Trump", "Javier Milei"],
            &["White House", "Washington", "Gaza"],
        ),
        NOW,
    );
    assert_ne!(summit.id, visit.id);
}

#[test]
fn articles_are_routed_by_lead_type_else_all_together_and_a_story_goes_with_its_opener() {
    let parade: &[(&str, Option<&str>, &[&str])] = &[("military_parade", None, &["CHN"])];
    let reported = article(
        "a",
        "en",
        "2025-09-03T08:00:00Z",
        parade,
        &["Xi Jinping"],
        &[],
    );
    assert_eq!(partition_key(&reported), "military_parade");
    // Reports of one happening without an event lead with different names: they
    // all go one way, so that any two of them can meet.
    let people = ["Lionel Messi", "Xi Jinping"];
    let quiet = article("b", "en", "2025-09-03T08:00:00Z", &[], &people, &["Paris"]);
    let placed = article("c", "ru", "2025-09-03T08:00:00Z", &[], &[], &["Paris"]);
    let bare = article("d", "en", "2025-09-03T08:00:00Z", &[], &[], &[]);
    for article in [&quiet, &placed, &bare] {
        assert_eq!(partition_key(article), QUIET_KEY);
    }

    let mut stories = teller();
    let (_, story) = stories.assign(&quiet, NOW);
    assert_eq!(story.key.as_deref(), Some(QUIET_KEY));
    let (_, story) = stories.assign(&reported, NOW);
    assert_eq!(story.key.as_deref(), Some("military_parade"));
}

#[test]
fn a_drill_reported_on_its_last_day_joins_the_reports_of_its_first() {
    let mut stories = teller();
    let (first, _) = stories.assign(
        &article(
            "a",
            "fr",
            "2025-09-12T15:00:00Z",
            &[(
                "military_exercise",
                Some("2025-09-12"),
                &["RUS", "BLR", "RUS"],
            )],
            &["Alexander Lukashenko"],
            &["Minsk"],
        ),
        NOW,
    );
    let (last, _) = stories.assign(
        &article(
            "b",
            "de",
            "2025-09-16T18:00:00Z",
            &[(
                "military_exercise",
                Some("2025-09-16"),
                &["RUS", "BLR", "BLR"],
            )],
            &["Alexander Lukashenko"],
            &["Minsk"],
        ),
        NOW,
    );
    assert_eq!(last.id, first.id);
}

#[test]
fn names_one_report_of_a_story_mentions_in_passing_do_not_pull_in_another_event() {
    let mut stories = teller();
    let summit = |id: &str, countries: &[&str], people: &[&str], places: &[&str]| {
        article(
            id,
            "en",
            "2025-09-01T10:00:00Z",
            &[("summit", Some("2025-09-01"), countries)],
            people,
            places,
        )
    };
    let hosts = ["CHN", "RUS", "CHN", "RUS"];
    let leaders = ["Xi Jinping", "Vladimir Putin"];
    let (story, _) = stories.assign(&summit("a", &hosts, &leaders, &["Beijing"]), NOW);
    for id in ["b", "c", "d"] {
        stories.assign(&summit(id, &hosts, &leaders, &["Beijing"]), NOW);
    }
    // One report recalls the Indian and Pakistani leaders' meeting elsewhere.
    stories.assign(
        &summit(
            "e",
            &["CHN", "RUS", "CHN", "RUS", "IND", "PAK"],
            &[
                "Xi Jinping",
                "Vladimir Putin",
                "Narendra Modi",
                "Shehbaz Sharif",
            ],
            &["Beijing", "New Delhi"],
        ),
        NOW,
    );
    assert_eq!(stories.len(), 1);
    let (other, _) = stories.assign(
        &article(
            "f",
            "es",
            "2025-09-01T18:00:00Z",
            &[(
                "summit",
                Some("2025-09-01"),
                &["IND", "PAK", "IND", "PAK", "CHN"],
            )],
            &["Narendra Modi", "Shehbaz Sharif"],
            &["New Delhi"],
        ),
        NOW,
    );
    assert_ne!(other.id, story.id);
}

#[test]
fn two_meetings_of_the_same_leaders_stated_two_days_apart_are_two_stories() {
    let mut stories = teller();
    let meeting = |id: &str, published: &str, date: &str| {
        article(
            id,
            "en",
            published,
            &[("summit", Some(date), &["USA", "UKR", "USA", "UKR"])],
            &["Donald Trump", "Volodymyr Zelensky"],
            &["White House"],
        )
    };
    let (first, _) = stories.assign(&meeting("a", "2025-08-18T20:00:00Z", "2025-08-18"), NOW);
    let (same, _) = stories.assign(&meeting("b", "2025-08-19T08:00:00Z", "2025-08-18"), NOW);
    let (second, _) = stories.assign(&meeting("c", "2025-08-20T20:00:00Z", "2025-08-20"), NOW);
    assert_eq!(same.id, first.id);
    assert_ne!(second.id, first.id);
}

#[test]
fn a_report_led_by_another_type_joins_with_the_same_people_at_the_same_place_that_day() {
    let mut stories = teller();
    let (strike, _) = stories.assign(
        &article(
            "a",
            "de",
            "2025-09-09T19:00:00Z",
            &[("armed_attack", Some("2025-09-09"), &["ISR", "QAT", "ISR"])],
            &["Benjamin Netanyahu", "Donald Trump"],
            &["Doha", "Gaza"],
        ),
        NOW,
    );
    let (talks, _) = stories.assign(
        &article(
            "b",
            "it",
            "2025-09-09T20:00:00Z",
            &[
                ("summit", None, &["ISR", "QAT", "USA", "EGY", "UN"]),
                ("armed_attack", None, &["ISR", "QAT"]),
            ],
            &["Benjamin Netanyahu", "Donald Trump"],
            &["Doha", "Gaza"],
        ),
        NOW,
    );
    assert_eq!(talks.id, strike.id);
}

#[test]
fn reports_out_of_time_order_still_meet_their_story() {
    // An archive read language by language: the Spanish file runs a year past the
    // parade before the Russian file's report of it arrives.
    let parade = [("military_parade", Some("2025-09-03"), &["CHN", "RUS"][..])];
    let mut stories = teller();
    let (es, _) = stories.assign(
        &article(
            "es-1",
            "es",
            "2025-09-03T08:00:00Z",
            &parade,
            &["Xi Jinping"],
            &["Beijing"],
        ),
        NOW,
    );
    stories.assign(
        &article(
            "es-2",
            "es",
            "2026-09-20T08:00:00Z",
            &[("protest", None, &["FRA"])],
            &[],
            &["Paris"],
        ),
        NOW,
    );
    let (ru, _) = stories.assign(
        &article(
            "ru-1",
            "ru",
            "2025-09-03T09:00:00Z",
            &parade,
            &["Xi Jinping"],
            &["Beijing"],
        ),
        NOW,
    );
    assert_eq!(ru.id, es.id);
    assert!(!ru.opened);
}

/// An article without events, with its text.
fn report(id: &str, language: &str, published: &str, title: &str, body: &str) -> Article {
    let mut article = article(id, language, published, &[], &[], &[]);
    article.title = title.to_string();
    article.body = body.to_string();
    article
}

#[test]
fn names_sound_alike_in_latin_and_cyrillic_letters() {
    let sound = features::sound;
    for (latin, cyrillic) in [
        ("Sinner", "Синнер"),
        ("Alcaraz", "Алькараса"),
        ("Pogačar", "Погачар"),
        ("Wimbledon", "Уимблдон"),
        ("Taylor", "Тейлор"),
        ("Swift", "Свифт"),
    ] {
        assert_eq!(sound(latin), sound(cyrillic), "{latin} and {cyrillic}");
    }
    assert_ne!(sound("Sinner"), sound("Alcaraz"));
}

#[test]
fn reports_without_events_meet_across_scripts_on_names_that_sound_alike() {
    let mut stories = teller();
    let (english, _) = stories.assign(
        &report(
            "en-1",
            "en",
            "2025-07-13T19:00:00Z",
            "Sinner beats Alcaraz to win his first Wimbledon title",
            "Jannik Sinner beat the champion Carlos Alcaraz in four sets on Centre Court.",
        ),
        NOW,
    );
    let (russian, _) = stories.assign(
        &report(
            "ru-1",
            "ru",
            "2025-07-14T07:00:00Z",
            "Синнер обыграл Алькараса и впервые выиграл Уимблдон",
            "Янник Синнер победил в финале Карлоса Алькараса.",
        ),
        NOW,
    );
    assert_eq!(russian.id, english.id);
    // Within one script the spelling decides: `Academy` and `Academia` sound alike,
    // and two Nobel prizes announced a day apart share three names as written.
    let (physics, _) = stories.assign(
        &report(
            "en-2",
            "en",
            "2025-10-07T10:00:00Z",
            "Nobel in physics for quantum circuits",
            "The Royal Swedish Academy gave the prize to John Clarke of Berkeley, in California.",
        ),
        NOW,
    );
    let (chemistry, _) = stories.assign(
        &report(
            "es-1",
            "es",
            "2025-10-08T10:00:00Z",
            "El Nobel de química premia las esponjas moleculares",
            "La Real Academia sueca premió a Omar Yaghi, de Berkeley, en California.",
        ),
        NOW,
    );
    assert!(physics.opened && chemistry.opened);
}

#[test]
fn marks_most_articles_of_a_language_carry_join_nothing() {
    let mut stories = teller();
    let common = "Die Regierung machte am Dienstag Angaben zum Hafen";
    for i in 0..60 {
        stories.assign(
            &report(
                &format!("de-{i}"),
                "de",
                "2025-05-06T08:00:00Z",
                &format!("Meldung Nummer {i}"),
                &format!("{common} und zur Lage in Ort{i}."),
            ),
            NOW,
        );
    }
    let (late, _) = stories.assign(
        &report(
            "de-late",
            "de",
            "2025-05-06T09:00:00Z",
            "Neue Meldung",
            &format!("{common} und zum Wetter."),
        ),
        NOW,
    );
    assert!(late.opened, "joined on nouns every German report carries");
}

#[test]
fn an_arabic_report_meets_a_latin_one_on_names_that_sound_alike() {
    let mut stories = teller();
    let (french, _) = stories.assign(
        &report(
            "fr-1",
            "fr",
            "2025-06-08T21:30:00Z",
            "Finale de Roland-Garros : Alcaraz renverse Sinner",
            "Le tenant du titre Carlos Alcaraz a battu Jannik Sinner en cinq sets.",
        ),
        NOW,
    );
    let (arabic, _) = stories.assign(
        &report(
            "ar-1",
            "ar",
            "2025-06-08T21:45:00Z",
            "ألكاراس يقلب الطاولة على سينر ويحرز لقب رولان غاروس",
            "فاز الإسباني كارلوس ألكاراس على الإيطالي يانيك سينر في نهائي تاريخي.",
        ),
        NOW,
    );
    assert_eq!(arabic.id, french.id);
    assert!(!arabic.opened);
    // Arabic words meet Latin names only: two Arabic reports of one day share their
    // common words, not a happening.
    let (other, _) = stories.assign(
        &report(
            "ar-2",
            "ar",
            "2025-06-08T22:00:00Z",
            "الطاولة على الإيطالي في نهائي تاريخي",
            "فاز الإسباني على الإيطالي في نهائي تاريخي يقلب الطاولة.",
        ),
        NOW,
    );
    assert!(other.opened);
}

#[test]
fn a_mark_is_read_whole_from_any_capital_or_digit_inside_it() {
    // The scan jumps from capital to capital (and digit): the word around each is
    // read from its start, lowercase letters before the capital included.
    let marks =
        features::marks_of("новый iPhone и мюнхенская Бавария, la réFérence 3×4 ×Ab×Cde x2a.");
    assert_eq!(marks, ["iphone", "бавария", "référence", "cde", "x2a"]);
}

#[test]
fn name_letters_are_those_unicode_calls_alphabetic() {
    // marks_of reads the Latin and Cyrillic blocks by code point, not by table.
    let blocks = ('\u{c0}'..='\u{24f}').chain('\u{400}'..='\u{4ff}');
    for c in blocks {
        let name = format!("Ab{c}cd");
        let marked = features::marks_of(&format!("x {name}")) == [name.to_lowercase()];
        assert_eq!(marked, c.is_alphabetic(), "{c:?} U+{:04X}", c as u32);
    }
}

#[test]
fn marks_are_written_as_one_string_and_read_back_also_from_an_object() {
    let mut story: Story = serde_json::from_str(
        r#"{"id":"st-1","types":{},"actors":{},"people":{},"places":{},
            "marks":{"473668587563175449":1,"17666505050568822823":3},
            "first_day":"2025-09-01","last_day":"2025-09-01",
            "first_seen":"2025-09-01T00:00:00Z","last_seen":"2025-09-01T00:00:00Z",
            "articles":3,"languages":{},"sources":{},"headlines":{}}"#,
    )
    .expect("a state written before marks were one string");
    assert_eq!(
        story.marks.get(&(473668587563175449u64 as MarkHash)),
        Some(&1)
    );
    assert_eq!(
        story.marks.get(&(17666505050568822823u64 as MarkHash)),
        Some(&3)
    );
    story.marks.insert(MarkHash::MAX, 12);
    let json = serde_json::to_value(&story).unwrap();
    let text = json["marks"].as_str().expect("marks as one string");
    assert_eq!(text.split(' ').count(), 3);
    assert!(text.contains("*3") && text.contains("*12"), "{text}");
    let back: Story = serde_json::from_value(json).unwrap();
    assert_eq!(back, story);
    let bad = serde_json::to_string(&story).unwrap().replace("*12", "*x");
    assert!(serde_json::from_str::<Story>(&bad).is_err());
}

#[test]
fn marks_written_with_64_bit_hashes_read_as_the_hashes_of_today() {
    use base64::Engine;
    // A state written when marks were 64-bit hashes: its stories must still meet
    // the articles of today, whose marks are 32 bits.
    let old = xxhash_rust::xxh3::xxh3_64(b"sinner");
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(old.to_le_bytes());
    let story: Story = serde_json::from_str(&format!(
        r#"{{"id":"st-1","types":{{}},"actors":{{}},"people":{{}},"places":{{}},
            "marks":"{text}*2","first_day":"2025-09-01","last_day":"2025-09-01",
            "first_seen":"2025-09-01T00:00:00Z","last_seen":"2025-09-01T00:00:00Z",
            "articles":2,"languages":{{}},"sources":{{}},"headlines":{{}}}}"#
    ))
    .expect("a state with 64-bit marks");
    let today = features::Mark::of("sinner").word.expect("a Latin word");
    assert_eq!(story.marks.get(&today), Some(&2));
    let written = serde_json::to_value(&story).unwrap();
    assert_eq!(written["marks"].as_str().map(str::len), Some(6 + 2));
}
