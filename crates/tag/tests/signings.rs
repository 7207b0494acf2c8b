//! Agreement signings: states' deals in economy sections and companies' deals.

mod common;

use common::{
    article, assert_no_main, assert_not_tagged, assert_saliences, assert_some_main, assert_tagged,
    event, involves, kinds, plays, status, tag, tagger,
};
use newsflow_record::{EventStatus, Salience};

#[test]
fn a_trade_agreement_of_two_states_in_an_economy_section_is_a_signing() {
    let mut trade = article(
        "de",
        "EU und Indonesien unterzeichnen auf Bali ihr Freihandelsabkommen",
        "Die Europäische Union und Indonesien haben ihr Freihandelsabkommen am Dienstag \
         auf Bali unterzeichnet.",
    );
    trade.url = Some("https://example.de/wirtschaft/handel/2025/09/23/eu-indonesien".into());
    let tagging = tagger().tag(&trade);
    let signing = event(&tagging, "agreement_signing");
    assert!(
        involves(signing, "EU") && involves(signing, "IDN"),
        "{signing:?}"
    );
}

#[test]
fn an_economy_section_still_rules_out_a_deal_without_two_states() {
    let mut deal = article(
        "en",
        "Airbus signs an agreement in Toulouse",
        "Airbus signed an agreement with a supplier in Toulouse, France on Monday.",
    );
    deal.url = Some("https://example.com/business/2025/airbus-deal".into());
    assert!(tagger().tag(&deal).events.is_empty());
}

#[test]
fn companies_signing_an_agreement_make_no_signing() {
    let tagging = tag(
        "it",
        "Leonardo e Rheinmetall firmano la joint venture",
        "Rheinmetall e il gruppo italiano hanno firmato martedì l'accordo che dà vita a \
         una joint venture per i mezzi corazzati, dopo il memorandum d'intesa di luglio.",
    );
    assert_not_tagged(&tagging, "agreement_signing");
}

#[test]
fn leaders_signing_beside_a_company_still_sign() {
    let tagging = tag(
        "en",
        "Trump and the emir sign agreements in Doha",
        "Donald Trump and Qatar's emir signed agreements in Doha on Wednesday, \
         among them an order for Boeing jets.",
    );
    assert!(kinds(&tagging).contains(&"agreement_signing"));
}

#[test]
fn a_company_in_another_clause_does_not_sign_for_the_governments() {
    let tagging = tag(
        "en",
        "Macron on first visit to Hanoi",
        "Emmanuel Macron and Vietnam's president Luong Cuong held talks in Hanoi on Monday.\n\n\
         The budget carrier VietJet agreed to buy 20 Airbus jets, and the two governments \
         signed a letter of intent on civil nuclear cooperation.",
    );
    assert_tagged(&tagging, "agreement_signing");
}

#[test]
fn leaders_the_lead_names_signing_abroad_are_on_a_state_visit() {
    // The headline names the countries; the lead, who signed and where.
    let tagging = tag(
        "en",
        "Kenya and Germany sign a migration agreement",
        "President William Ruto and Chancellor Olaf Scholz signed a migration agreement \
         in Berlin on Friday.\n\nThe deal opens German jobs to Kenyan workers.",
    );
    let visit = event(&tagging, "state_visit");
    assert!(plays(visit, "KEN", "visitor"), "{:?}", visit.actors);
    assert!(plays(visit, "DEU", "host"), "{:?}", visit.actors);
}

#[test]
fn a_leader_named_only_in_a_reaction_to_the_signing_visits_nobody() {
    // The ministers signed in Washington; the president's government only welcomed it.
    let tagging = tag(
        "en",
        "Congo and Rwanda sign a peace agreement in Washington",
        "The foreign ministers of Congo and Rwanda signed a peace agreement in \
         Washington on Friday.\n\nPresident Felix Tshisekedi's government welcomed the \
         signing as a turning point.",
    );
    assert!(
        kinds(&tagging).contains(&"agreement_signing"),
        "{tagging:?}"
    );
    assert!(!kinds(&tagging).contains(&"state_visit"), "{tagging:?}");
}

#[test]
fn a_year_the_status_window_reaches_into_displaces_the_signing() {
    // "assinado em 2015": the window after the trigger ends inside the year; the
    // year still dates the agreement, which is recalled, not signed at the summit.
    let tagging = tag(
        "pt",
        "Lula abre cúpula de líderes em Belém e lança fundo para florestas",
        "O presidente Luiz Inácio Lula da Silva abriu nesta quinta-feira a cúpula de \
         líderes que antecede a conferência do clima, com chefes de Estado e de governo \
         de dezenas de países.\n\n\
         O Acordo de Paris, assinado em 2015, completa dez anos.",
    );
    assert_no_main(&tagging, "agreement_signing");
}

#[test]
fn a_deal_borrowing_the_parties_of_a_lead_about_companies_is_theirs() {
    let tagging = tag(
        "fr",
        "Satellites : Airbus, Thales et Leonardo signent un protocole d'accord",
        "Airbus, Thales et l'italien Leonardo ont franchi jeudi une étape décisive du \
         projet. Les trois groupes ont signé un protocole d'accord en vue de regrouper \
         leurs activités de satellites au sein d'une société commune, dont le siège sera \
         installé à Toulouse.",
    );
    assert!(
        !kinds(&tagging).contains(&"agreement_signing"),
        "{tagging:?}"
    );
}

/// A visit article whose body tells, in one sentence after the lead, documents signed
/// by officials "after the talks": the cue ties the signing to the visit's talks.
fn visit_with_signing(signing: &str) -> newsflow_tag::Tagging {
    tag(
        "en",
        "Putin visits Ulaanbaatar and holds talks with Khurelsukh",
        &format!(
            "Vladimir Putin arrived in Ulaanbaatar on Tuesday for a state visit to Mongolia \
             and held talks with President Ukhnaagiin Khurelsukh at the State Palace.\n\n\
             The two presidents discussed a new gas pipeline and railway links.\n\n\
             {signing}\n\n\
             The visit drew criticism because of an arrest warrant."
        ),
    )
}

#[test]
fn a_signing_told_after_the_talks_is_held_at_them_and_main_with_them() {
    let tagging = visit_with_signing(
        "After the talks, officials from the two governments signed a series of documents, \
         among them an agreement on deliveries of Russian petroleum products.",
    );
    assert_saliences(&tagging, "agreement_signing", &[Salience::Main]);
}

#[test]
fn a_signing_told_without_the_cue_stays_in_passing() {
    let tagging = visit_with_signing(
        "Officials from the two governments signed a series of documents, among them an \
         agreement on deliveries of Russian petroleum products.",
    );
    assert_saliences(&tagging, "agreement_signing", &[Salience::Background]);
}

#[test]
fn a_signing_with_the_cue_after_its_verb_is_held_at_the_talks() {
    let tagging = visit_with_signing(
        "Officials from the two governments signed a series of documents after the talks, \
         among them an agreement on deliveries of Russian petroleum products.",
    );
    assert_saliences(&tagging, "agreement_signing", &[Salience::Main]);
}

/// A deal reached (`planned` of the signing's own rules) is a signing still to come.
#[test]
fn a_deal_reached_is_a_signing_still_to_come() {
    let tagging = tag(
        "es",
        "Washington y Bruselas alcanzan un acuerdo de cooperación",
        "Estados Unidos y la Unión Europea alcanzaron este domingo un acuerdo de cooperación \
         comercial en Escocia; los detalles se pondrán por escrito en las próximas semanas.",
    );
    assert_eq!(
        status(&tagging, "agreement_signing"),
        EventStatus::Planned,
        "{:?}",
        tagging.events
    );
}

/// The cue is the signing's alone: the talks of its sentence were held.
#[test]
fn a_cue_of_the_signing_alone_leaves_the_talks_held() {
    let tagging = tag(
        "en",
        "Trump and von der Leyen meet in Scotland",
        "Donald Trump and Ursula von der Leyen held talks in Turnberry on Sunday and reached an \
         agreement on trade cooperation.",
    );
    assert_eq!(
        status(&tagging, "summit"),
        EventStatus::Occurred,
        "{:?}",
        tagging.events
    );
    assert_eq!(
        status(&tagging, "agreement_signing"),
        EventStatus::Planned,
        "{:?}",
        tagging.events
    );
}

/// An agreement told as ratified (`background` of the signing's own rules) was signed
/// before the story: its signing is background, and the vote is no signing.
#[test]
fn a_treaty_ratified_was_signed_before_the_story() {
    let tagging = tag(
        "en",
        "Parliament votes on the security treaty",
        "The Russian parliament on Tuesday ratified the treaty on security guarantees with \
         Belarus, which Vladimir Putin and Alexander Lukashenko signed in Minsk.",
    );
    assert_no_main(&tagging, "agreement_signing");
}

/// The same words date no other type: a cue of the signing alone.
#[test]
fn a_ratification_cue_leaves_other_types_in_the_story() {
    let tagging = tag(
        "en",
        "Leaders meet in Manila",
        "Ferdinand Marcos and Shigeru Ishiba held talks in Manila on Tuesday, after the \
         defence pact between Japan and the Philippines entered into force.",
    );
    assert_some_main(&tagging, "summit");
}

/// Once the only signing told is displaced in time ("signed last December"), a weak
/// word with nothing of its own to confirm it ("the treaty binds ...") names that
/// signing again: it does not develop a signing in the story's time.
#[test]
fn the_treaty_named_again_after_a_past_signing_stays_background() {
    let tagging = tag(
        "ru",
        "Депутаты обсудили договор с Белоруссией",
        "Депутаты во вторник обсудили договор с Белоруссией.\n\n\
         Владимир Путин и Александр Лукашенко подписали договор в Минске в декабре 2024 года.\n\n\
         Договор обязывает Москву и Минск поддерживать друг друга.\n\n\
         Оппозиция утверждает, что договор привязывает Белоруссию к России.",
    );
    assert_no_main(&tagging, "agreement_signing");
}

#[test]
fn a_ministry_signing_with_a_company_makes_no_signing_of_states() {
    // The company named after the verb in its clause is who the ministry signs with:
    // its country, named by a demonym, is no second state signing.
    for (language, title, body) in [
        (
            "en",
            "Poland signs tank deal with South Korea's Hyundai Rotem",
            "Poland's defence ministry signed a contract with South Korea's Hyundai Rotem \
             for 180 K2 tanks on Friday.",
        ),
        (
            "it",
            "La Polonia firma con la sudcoreana Hyundai Rotem per 180 carri armati",
            "Il ministero della Difesa polacco ha firmato con la sudcoreana Hyundai Rotem \
             un accordo per 180 carri armati K2.",
        ),
        (
            "pt",
            "Polônia assina com a sul-coreana Hyundai Rotem compra de 180 tanques",
            "O Ministério da Defesa da Polônia assinou com a sul-coreana Hyundai Rotem um \
             acordo para 180 tanques K2.",
        ),
    ] {
        assert_not_tagged(&tag(language, title, body), "agreement_signing");
    }
}

#[test]
fn a_company_in_another_clause_leaves_the_states_signing() {
    let tagging = tag(
        "en",
        "France and Morocco sign a strategic partnership",
        "France and Morocco signed a strategic partnership in Rabat on Monday, while \
         Alstom won an order for high-speed trains.",
    );
    assert_some_main(&tagging, "agreement_signing");
}

#[test]
fn leaders_witnessing_in_a_clause_of_their_own_leave_the_deal_to_the_companies() {
    for (language, title, body) in [
        (
            "en",
            "Airbus and Vietjet sign order for 20 jets in Hanoi",
            "In the presence of Emmanuel Macron and To Lam, Airbus and Vietjet signed an \
             order for 20 A330neo aircraft in Hanoi on Monday.",
        ),
        (
            "pt",
            "Lula na China: Petrobras e Sinopec assinam memorando",
            "Na presença de Lula e Xi Jinping, a Petrobras e a Sinopec assinaram em Pequim \
             um memorando de entendimento.",
        ),
    ] {
        assert_not_tagged(&tag(language, title, body), "agreement_signing");
    }
}
