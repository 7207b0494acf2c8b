//! Which sightings of one event type are one occurrence, and which status cues reach
//! a trigger.

mod common;

use common::{assert_saliences, event, involves, kinds, plays, saliences, status, tag};
use newsflow_record::{EventStatus, Salience};

#[test]
fn a_meeting_placed_at_another_time_with_other_parties_is_another_summit() {
    let tagging = tag(
        "en",
        "Takaichi meets Xi in Gyeongju",
        "Japanese Prime Minister Sanae Takaichi met Chinese President Xi Jinping in \
         Gyeongju on Friday for their first talks.\n\n\
         The day before, US President Donald Trump and Xi met in Busan and agreed to \
         cut tariffs.",
    );
    let main = event(&tagging, "summit");
    assert_eq!(main.salience, Salience::Main);
    assert!(!involves(main, "USA"), "{:?}", main.actors);
    assert!(
        tagging.events.iter().any(|e| e.kind == "summit"
            && e.salience == Salience::Background
            && involves(e, "USA")),
        "{:?}",
        tagging.events
    );
}

#[test]
fn a_status_cue_does_not_cross_a_space_between_headline_clauses() {
    let tagging = tag(
        "ja",
        "北朝鮮、巡航ミサイルを試射 トランプ氏訪韓直前",
        "北朝鮮は28日、巡航ミサイルを黄海で試射した。",
    );
    assert_eq!(status(&tagging, "weapons_test"), EventStatus::Occurred);
}

#[test]
fn a_day_of_this_month_written_out_dates_another_event() {
    // Published 28 August: the parade of "今月10日" is eighteen days before.
    let tagging = tag(
        "ja",
        "北朝鮮、弾道ミサイルを発射",
        "北朝鮮は27日、弾道ミサイル数発を日本海に向けて発射した。\n\n\
         韓国メディアは、今月10日に平壌で開かれた軍事パレードで新型ミサイルが登場したと伝えた。\
         軍事パレードには兵士数万人が参加し、金正恩総書記が閲兵した。",
    );
    let parade = event(&tagging, "military_parade");
    assert_eq!(
        parade.salience,
        Salience::Background,
        "{}",
        parade.salience_cue
    );
}

#[test]
fn a_further_attack_is_not_main_beside_one_that_yields_to_the_lead() {
    // The title and lead report a signing: the attacks the body tells are what it
    // answers to. The first yields to the signing; the second, on other targets, is
    // no occurrence "reported beside a main one", since there is none.
    let tagging = tag(
        "en",
        "Putin and Lukashenko sign a security treaty in Minsk",
        "Vladimir Putin and Alexander Lukashenko signed a treaty on security guarantees \
         in Minsk on Friday.\n\n\
         Russian forces struck a defence plant in Dnipro with a new missile. The strike on \
         the plant killed two workers, Ukrainian officials said.\n\n\
         Ukrainian missiles struck an arsenal near Bryansk in Russia. The Ukrainian strike \
         on the arsenal killed three soldiers and set off blasts for hours.",
    );
    let attacks: Vec<_> = tagging
        .events
        .iter()
        .filter(|e| e.kind == "armed_attack")
        .collect();
    assert!(attacks.len() >= 2, "{attacks:?}");
    assert!(
        attacks.iter().all(|e| e.salience == Salience::Background),
        "{:?}",
        attacks
            .iter()
            .map(|e| (&e.salience, &e.salience_cue))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_visit_still_planned_told_only_in_the_body_is_background() {
    // The meeting happened; the trips are what the leaders look ahead to. Developed in
    // the body beside a state visit that did take place (another pair of countries),
    // the planned trip is not the article's own event.
    let tagging = tag(
        "en",
        "Trump cuts tariffs on China after meeting Xi in Busan",
        "Donald Trump said on Thursday he would cut tariffs on Chinese goods after his \
         meeting with Xi Jinping at an air base in Busan, their first talks since January.\n\n\
         The two leaders met for almost two hours on the edge of the Asia-Pacific summit.\n\n\
         Trump said he would visit China next spring, and that Xi would make a trip to the \
         United States later.\n\n\
         Trump had also said he would be happy to meet Kim Jong Un during his trip to South \
         Korea.\n\n\
         Xi stays in South Korea for a state visit to President Lee Jae-myung.",
    );
    assert_eq!(event(&tagging, "summit").salience, Salience::Main);
    let visits: Vec<_> = tagging
        .events
        .iter()
        .filter(|e| e.kind == "state_visit")
        .collect();
    assert!(!visits.is_empty(), "{:?}", tagging.events);
    assert!(
        visits.iter().all(|e| e.salience == Salience::Background),
        "{:?}",
        visits
            .iter()
            .map(|e| (e.status, e.salience, &e.salience_cue))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_vote_still_to_come_in_the_title_is_the_horizon_of_the_visit_that_happened() {
    // The title names both; the visit happened, the midterms are ahead: the article
    // reports the visit, and the vote is what it looks ahead to. Alone, the vote ahead
    // is the story.
    let tagging = tag(
        "es",
        "Trump recibe a Milei y condiciona el rescate a que gane las legislativas",
        "El presidente de Estados Unidos, Donald Trump, recibió este martes al presidente \
         argentino, Javier Milei, en la Casa Blanca.\n\n\
         Trump advirtió que la ayuda depende del resultado de las elecciones legislativas \
         del 26 de octubre en Argentina.",
    );
    assert_eq!(event(&tagging, "state_visit").salience, Salience::Main);
    let vote = event(&tagging, "election");
    assert_eq!(vote.status, EventStatus::Planned);
    assert_eq!(
        (vote.salience, vote.salience_cue.as_str()),
        (
            Salience::Background,
            "not happened, beside the article's event that did"
        )
    );
    let tagging = tag(
        "es",
        "Argentina se prepara para las legislativas del 26 de octubre",
        "Los argentinos votarán el 26 de octubre en unas elecciones legislativas que \
         medirán el apoyo al presidente Javier Milei.",
    );
    assert_eq!(event(&tagging, "election").salience, Salience::Main);
}

#[test]
fn talks_told_once_in_an_article_about_a_signing_are_main_with_it() {
    let tagging = tag(
        "en",
        "France and Poland sign treaty of friendship in Nancy",
        "France and Poland signed a treaty of friendship and enhanced cooperation in \
         Nancy on Friday, with a clause of mutual assistance in case of attack.\n\n\
         The treaty covers defence, energy, transport and education.\n\n\
         After talks over lunch, Prime Minister Donald Tusk and President Emmanuel Macron \
         put their names to the treaty at the town hall.",
    );
    assert_eq!(saliences(&tagging, "agreement_signing")[0], Salience::Main);
    assert_saliences(&tagging, "summit", &[Salience::Main]);
}

#[test]
fn a_signed_document_confirms_no_meeting_word() {
    // `held_during` makes talks main beside a signing without making "signed" the
    // context a weak meeting word needs, as a visit's `occasions` would.
    let tagging = tag(
        "en",
        "Mayor cuts short her trip as the fire spreads",
        "The mayor flew home overnight.\n\n\
         Her office said she had signed the emergency declaration remotely.\n\n\
         Budget cuts approved last year will come under scrutiny at next week's council \
         meeting.",
    );
    assert!(kinds(&tagging).is_empty(), "{:?}", tagging.events);
}

#[test]
fn a_first_visit_displaced_in_time_leaves_the_story_to_the_next_one() {
    let tagging = tag(
        "en",
        "Portugal and Brazil hold their summit in Brasília",
        "The leaders of Portugal and Brazil met in Brasília on Wednesday for the 14th \
         bilateral summit and signed eleven agreements.\n\n\
         The previous summit was held in Lisbon in April 2023, during Lula's state visit \
         to Portugal.\n\n\
         On the eve of the meeting, Portuguese President Marcelo Rebelo de Sousa \
         concluded an official visit to Brazil, where Lula received him at the Alvorada \
         Palace.",
    );
    let current = tagging
        .events
        .iter()
        .find(|e| e.kind == "state_visit" && plays(e, "PRT", "visitor"))
        .unwrap_or_else(|| panic!("{:?}", tagging.events));
    assert_eq!(current.salience, Salience::Main, "{}", current.salience_cue);
    assert!(
        tagging.events.iter().any(|e| e.kind == "state_visit"
            && e.salience == Salience::Background
            && plays(e, "BRA", "visitor")),
        "{:?}",
        tagging.events
    );
}
