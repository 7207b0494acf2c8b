//! Roles across sentences and word orders: who visits and who hosts, who attacks
//! and who is attacked.
mod common;

use common::{event, involves, plays, tag};

#[test]
fn a_german_verb_at_the_clause_end_takes_its_first_name_as_the_subject() {
    // Both names stand before the verb; the first is the attacker, the next the target.
    let tagging = tag(
        "de",
        "Schwere Nacht im Osten",
        "Russland hat die Ukraine in der Nacht mit Raketen und Drohnen angegriffen. \
         Mindestens zwölf Menschen wurden getötet.",
    );
    let attack = event(&tagging, "armed_attack");
    assert!(plays(attack, "RUS", "attacker"), "{:?}", attack.actors);
    assert!(plays(attack, "UKR", "target"), "{:?}", attack.actors);
    assert!(!plays(attack, "UKR", "attacker"), "{:?}", attack.actors);
}

#[test]
fn a_role_cue_does_not_reach_into_the_next_clause() {
    // "airspace of" names "the country", not Russia after the comma.
    let tagging = tag(
        "en",
        "Drones over the border",
        "Nineteen drones entered the airspace of the country overnight, as Russia \
         attacked Ukraine with 415 drones and 40 missiles.",
    );
    let attack = event(&tagging, "armed_attack");
    assert!(plays(attack, "RUS", "attacker"), "{:?}", attack.actors);
    assert!(!plays(attack, "RUS", "target"), "{:?}", attack.actors);
}

#[test]
fn a_host_by_word_order_yields_to_the_host_the_next_sentence_names() {
    // The headline puts both leaders after "state visit"; the lead says who arrived
    // where: the visitor is Germany, the host the United States.
    let tagging = tag(
        "en",
        "State visit: Merz and Trump discuss tariffs",
        "Friedrich Merz arrived in Washington on Thursday for talks with Donald Trump. \
         The two leaders spoke for an hour.",
    );
    let visit = event(&tagging, "state_visit");
    assert!(plays(visit, "DEU", "visitor"), "{:?}", visit.actors);
    assert!(!plays(visit, "DEU", "host"), "{:?}", visit.actors);
    assert!(plays(visit, "USA", "host"), "{:?}", visit.actors);
}

#[test]
fn a_nation_guessed_as_host_yields_to_the_parade_s_place() {
    // The headline names only Indonesia, which alone would make it the host; the
    // lead places the parade on the Champs-Elysees: Indonesia is the guest.
    let tagging = tag(
        "en",
        "Indonesian troops lead the Bastille Day parade as Prabowo watches beside Macron",
        "Indonesian soldiers opened France's national day parade on the Champs-Elysees \
         on Monday, with President Prabowo Subianto watching next to Emmanuel Macron.",
    );
    let parade = event(&tagging, "military_parade");
    assert!(plays(parade, "IDN", "guest"), "{:?}", parade.actors);
    assert!(!plays(parade, "IDN", "host"), "{:?}", parade.actors);
    assert!(plays(parade, "FRA", "host"), "{:?}", parade.actors);
}

#[test]
fn a_summit_held_in_a_participant_s_country_has_it_as_host_too() {
    // Tianjin is in China, one of the summit's parties: China hosts it and still takes
    // part. A summit told with no place has no host.
    let tagging = tag(
        "en",
        "Leaders meet in Tianjin",
        "The leaders of China, Russia and India held a summit in Tianjin on Monday.",
    );
    let summit = event(&tagging, "summit");
    assert!(plays(summit, "CHN", "host"), "{:?}", summit.actors);
    assert!(plays(summit, "CHN", "participant"), "{:?}", summit.actors);
    assert!(!plays(summit, "RUS", "host"), "{:?}", summit.actors);
    let tagging = tag(
        "en",
        "Leaders meet",
        "The presidents of the United States and Russia held a summit on Monday.",
    );
    let summit = event(&tagging, "summit");
    assert!(
        !summit
            .actors
            .iter()
            .any(|a| a.role.as_deref() == Some("host")),
        "{:?}",
        summit.actors
    );
}

#[test]
fn a_demonym_a_role_cue_claims_is_not_the_agent() {
    // "contra empresas chinas": the Chinese are the target of the sanctions, so the
    // country before the trigger stays their imposer.
    let tagging = tag(
        "es",
        "Washington sanciona a empresas chinas",
        "Estados Unidos impuso el jueves nuevas sanciones contra empresas chinas. \
         Las medidas congelan sus activos en el país.",
    );
    let sanctions = event(&tagging, "sanctions");
    assert!(plays(sanctions, "USA", "imposer"), "{:?}", sanctions.actors);
    assert!(!plays(sanctions, "USA", "target"), "{:?}", sanctions.actors);
    assert!(plays(sanctions, "CHN", "target"), "{:?}", sanctions.actors);
}

#[test]
fn talks_during_a_visit_are_hosted_where_the_visit_is() {
    // The talks' sentence names no place; the visit's is Jakarta, so Indonesia hosts
    // the talks too.
    let tagging = tag(
        "en",
        "Macron begins state visit to Indonesia",
        "French President Emmanuel Macron arrived in Jakarta on Tuesday for a three-day \
         state visit to Indonesia.\n\nOn Wednesday the two presidents held talks on \
         defence and energy, Macron and Prabowo Subianto said afterwards.",
    );
    let talks = event(&tagging, "summit");
    assert!(plays(talks, "IDN", "host"), "{:?}", talks.actors);
    assert!(plays(talks, "FRA", "participant"), "{:?}", talks.actors);
}

#[test]
fn a_role_cue_does_not_reach_across_the_space_between_two_headline_clauses() {
    // Chinese headlines part their clauses with a space: 对 in the first clause
    // ("美国对台军售") names no target of the second clause's sanctions, whose
    // imposer is 中方.
    let tagging = tag(
        "zh",
        "回应美国对台军售 中方宣布对美国军工企业采取反制措施",
        "中国外交部宣布，对美国军工企业采取反制措施。",
    );
    let sanctions = event(&tagging, "sanctions");
    assert!(plays(sanctions, "CHN", "imposer"), "{:?}", sanctions.actors);
    assert!(!plays(sanctions, "CHN", "target"), "{:?}", sanctions.actors);
    assert!(plays(sanctions, "USA", "target"), "{:?}", sanctions.actors);
}

#[test]
fn who_condemns_an_attack_told_before_takes_no_part_in_it() {
    // The attack is told first; Macron and the EU only react to it later.
    let tagging = tag(
        "fr",
        "Nuit de frappes sur Kiev",
        "La Russie a lancé des frappes de missiles sur Kiev dans la nuit, faisant au \
         moins dix morts. Emmanuel Macron a condamné des attaques d'une grande cruauté.",
    );
    let attack = event(&tagging, "armed_attack");
    assert!(plays(attack, "RUS", "attacker"), "{:?}", attack.actors);
    assert!(!plays(attack, "FRA", "attacker"), "{:?}", attack.actors);
    assert!(!involves(attack, "FRA"), "{:?}", attack.actors);
}

#[test]
fn a_country_named_as_the_talks_topic_is_no_participant() {
    // The leaders met on Gaza: the Palestinians are what the summit is about.
    let tagging = tag(
        "en",
        "Sisi and Abdullah hold summit",
        "Abdel Fattah al-Sisi and King Abdullah II held a summit in Cairo on Tuesday, \
         with talks on Gaza and the war in Ukraine.",
    );
    let summit = event(&tagging, "summit");
    assert!(plays(summit, "EGY", "participant"), "{:?}", summit.actors);
    assert!(plays(summit, "JOR", "participant"), "{:?}", summit.actors);
    assert!(!plays(summit, "PSE", "participant"), "{:?}", summit.actors);
    assert!(!plays(summit, "UKR", "participant"), "{:?}", summit.actors);
}

#[test]
fn the_war_in_a_country_is_no_place_of_the_visit() {
    // "en Ukraine" is where the war is, not where Modi went: the host is Poland.
    let tagging = tag(
        "fr",
        "Modi en visite officielle",
        "Narendra Modi est arrivé mercredi à Varsovie pour une visite officielle consacrée \
         à la guerre en Ukraine.",
    );
    let visit = event(&tagging, "state_visit");
    assert!(plays(visit, "IND", "visitor"), "{:?}", visit.actors);
    assert!(plays(visit, "POL", "host"), "{:?}", visit.actors);
    assert!(!involves(visit, "UKR"), "{:?}", visit.actors);
}

#[test]
fn a_chinese_reaction_to_an_attack_names_no_party_of_it() {
    let tagging = tag(
        "zh",
        "印度对巴基斯坦发动导弹袭击",
        "印度军队7日凌晨对巴基斯坦发动导弹袭击，造成至少26名平民死亡。\
         联合国秘书长谴责这次打击，美国也对打击表示关切。",
    );
    let attack = event(&tagging, "armed_attack");
    assert!(plays(attack, "IND", "attacker"), "{:?}", attack.actors);
    assert!(!involves(attack, "USA"), "{:?}", attack.actors);
}

#[test]
fn the_war_in_a_country_still_names_an_attacks_target() {
    // Topic cues leave attacks alone: the war in Ukraine is Russia's attack on it.
    let tagging = tag(
        "en",
        "Night of missiles",
        "Russia attacked Ukraine overnight with 40 missiles and 300 drones, its largest \
         attack since the war in Ukraine began.",
    );
    let attack = event(&tagging, "armed_attack");
    assert!(plays(attack, "UKR", "target"), "{:?}", attack.actors);
}

#[test]
fn the_country_that_hosted_the_summit_is_its_host_and_a_participant() {
    // "Iraq hosted": the subject of "hosted" hosts the summit, and still takes part.
    let tagging = tag(
        "en",
        "Arab leaders meet",
        "Iraq hosted the annual summit of the Arab League on Saturday, attended by \
         Egypt's president Abdel Fattah al-Sisi.",
    );
    let summit = event(&tagging, "summit");
    assert!(plays(summit, "IRQ", "host"), "{:?}", summit.actors);
    assert!(plays(summit, "IRQ", "participant"), "{:?}", summit.actors);
    assert!(plays(summit, "EGY", "participant"), "{:?}", summit.actors);
}

#[test]
fn hosted_by_names_the_host_after_it_not_the_guest_before_it() {
    // The longer cue "hosted by" wins over "hosted": France is no host.
    let tagging = tag(
        "en",
        "Macron at the summit",
        "Emmanuel Macron attended the summit hosted by Egypt in Sharm el-Sheikh on Monday.",
    );
    let summit = event(&tagging, "summit");
    assert!(plays(summit, "EGY", "host"), "{:?}", summit.actors);
    assert!(!plays(summit, "FRA", "host"), "{:?}", summit.actors);
}

#[test]
fn the_guest_of_honour_at_a_parade_visits_the_parade_s_host() {
    // The guest country is named first ("l'Indonesia era il Paese ospite d'onore"),
    // the host's leader after it: the parade's nation ("festa nazionale francese")
    // is the host of the visit too, not its visitor.
    let tagging = tag(
        "it",
        "Parigi, la parata del 14 luglio torna sugli Champs-Élysées",
        "Dopo un anno di esilio, la tradizionale parata militare della festa nazionale \
         francese è tornata sugli Champs-Élysées. A sfilare per primi sono stati 450 \
         militari indonesiani: l'Indonesia era il Paese ospite d'onore di questa edizione, \
         con il presidente Prabowo Subianto in tribuna accanto a Emmanuel Macron.",
    );
    let visit = event(&tagging, "state_visit");
    assert!(plays(visit, "IDN", "visitor"), "{:?}", visit.actors);
    assert!(plays(visit, "FRA", "host"), "{:?}", visit.actors);
    assert!(!plays(visit, "IDN", "host"), "{:?}", visit.actors);
    assert!(!plays(visit, "FRA", "visitor"), "{:?}", visit.actors);
}

#[test]
fn a_parade_naming_no_place_is_hosted_where_the_visit_to_it_is() {
    // The visit is held in New Delhi; the parade's sentence names only the guest's
    // troops, which are no host of it.
    let tagging = tag(
        "es",
        "Prabowo, invitado principal en Nueva Delhi",
        "El presidente de Indonesia, Prabowo Subianto, fue este domingo el invitado \
         principal del desfile del Día de la República de la India, que recorrió el \
         bulevar Kartavya Path de Nueva Delhi. Un contingente de 352 militares indonesios \
         abrió el desfile.",
    );
    let parade = event(&tagging, "military_parade");
    assert!(plays(parade, "IND", "host"), "{:?}", parade.actors);
    assert!(!plays(parade, "IDN", "host"), "{:?}", parade.actors);
}

#[test]
fn the_visitors_received_at_a_parade_s_host_are_its_guests() {
    // The leaders Xi receives (the headline's visit) are named in a paragraph of their
    // own, apart from the parade's sentences: visiting Beijing, they watch it as guests.
    let tagging = tag(
        "es",
        "Xi recibe a sus invitados extranjeros y preside un gran desfile militar",
        "El presidente chino, Xi Jinping, presidió este miércoles en la plaza de \
         Tiananmén un gigantesco desfile militar por el 80 aniversario de la victoria \
         sobre Japón.\n\n\
         Durante setenta minutos desfilaron unos diez mil soldados, con misiles, drones \
         y tanques.\n\n\
         Xi recibió en Pekín a los mandatarios extranjeros, entre ellos el presidente \
         iraní, Masud Pezeshkian, y el presidente bielorruso, Alexandr Lukashenko, que \
         llegaron el martes en visita oficial.",
    );
    let parade = event(&tagging, "military_parade");
    assert!(plays(parade, "CHN", "host"), "{:?}", parade.actors);
    assert!(plays(parade, "IRN", "guest"), "{:?}", parade.actors);
    assert!(plays(parade, "BLR", "guest"), "{:?}", parade.actors);
}

#[test]
fn a_sentence_displaced_in_time_does_not_lead_the_story_s_summit() {
    // The talks are in Riyadh; "eight days after ... an emergency summit in Doha"
    // tells an earlier meeting. Its strong trigger joins the talks' occurrence but
    // must not lend it its place and host: the summit is held in Saudi Arabia.
    let tagging = tag(
        "en",
        "Saudi Arabia and Pakistan sign mutual defence pact",
        "Saudi Arabia and Pakistan signed a mutual defence agreement in Riyadh on Wednesday. \
         Crown Prince Mohammed bin Salman received Prime Minister Shehbaz Sharif at \
         Al-Yamamah Palace.\n\n\
         The two leaders then led their delegations in an official round of talks before \
         putting their names to the pact.\n\n\
         It came eight days after Israel struck Hamas leaders in Doha, and two days after \
         Sharif joined an emergency Arab-Islamic summit in the Qatari capital.",
    );
    let summit = event(&tagging, "summit");
    assert!(!plays(summit, "QAT", "host"), "{:?}", summit.actors);
    assert_ne!(
        summit.location.as_ref().and_then(|l| l.country.as_deref()),
        Some("QAT"),
        "{:?}",
        summit.location
    );
}

#[test]
fn the_guests_a_rostrum_names_after_the_first_visit_the_parade_s_host() {
    // The visit's sentence names two leaders; the next names the other guests by
    // their countries: all of them are the parade's guests and visit its host.
    let tagging = tag(
        "ru",
        "Парад в Пекине",
        "В Пекине в среду прошёл военный парад. Председатель КНР Си Цзиньпин принимал \
         на трибуне главных гостей: президента России Владимира Путина и лидера КНДР \
         Ким Чен Ына. На трибуне также были президент Ирана, президент Белоруссии и \
         премьер-министр Словакии.",
    );
    let parade = event(&tagging, "military_parade");
    let visit = event(&tagging, "state_visit");
    assert!(plays(parade, "IRN", "guest"), "{:?}", parade.actors);
    for guest in ["RUS", "PRK", "IRN", "BLR", "SVK"] {
        assert!(
            plays(visit, guest, "visitor"),
            "{guest}: {:?}",
            visit.actors
        );
    }
    assert!(plays(visit, "CHN", "host"), "{:?}", visit.actors);
}

#[test]
fn a_demonym_after_a_verb_of_receiving_names_the_guest() {
    // "recebe o presidente chinês": the demonym qualifies the guest, not the host.
    let tagging = tag(
        "pt",
        "Lula recebe o presidente chinês no Alvorada",
        "O presidente Luiz Inácio Lula da Silva recebeu nesta quarta-feira o líder \
         chinês no Palácio da Alvorada, em Brasília, numa visita de Estado.",
    );
    let visit = event(&tagging, "state_visit");
    assert!(plays(visit, "CHN", "visitor"), "{:?}", visit.actors);
    assert!(!plays(visit, "CHN", "host"), "{:?}", visit.actors);
    assert!(plays(visit, "BRA", "host"), "{:?}", visit.actors);
}

#[test]
fn a_host_named_in_apposition_in_the_summit_s_paragraphs_hosts_it() {
    // The summit's sentence names no host; the next paragraph names him in apposition.
    let tagging = tag(
        "en",
        "G20 leaders adopt a declaration in Johannesburg",
        "Leaders of the Group of 20 wrapped up their summit in Johannesburg on Sunday, \
         with China, India, Brazil and France at the table.\n\n\
         Cyril Ramaphosa, the host, gaveled the declaration through on the opening day.",
    );
    let summit = event(&tagging, "summit");
    assert!(plays(summit, "ZAF", "host"), "{:?}", summit.actors);
    assert!(!plays(summit, "CHN", "host"), "{:?}", summit.actors);
}

#[test]
fn names_on_a_cued_target_s_side_are_more_targets_when_the_imposer_is_named() {
    // "against Russia" cues the target; the imposer stands before the trigger, so the
    // Indian refinery and the Chinese banks after it are targets too, not imposers.
    let tagging = tag(
        "en",
        "EU adopts new sanctions",
        "European Union governments adopted an 18th package of sanctions against Russia \
         on Friday, blacklisting an Indian refinery and two Chinese banks.",
    );
    let sanctions = event(&tagging, "sanctions");
    assert!(plays(sanctions, "EU", "imposer"), "{:?}", sanctions.actors);
    for target in ["RUS", "IND", "CHN"] {
        assert!(
            plays(sanctions, target, "target"),
            "{target}: {:?}",
            sanctions.actors
        );
        assert!(
            !plays(sanctions, target, "imposer"),
            "{target}: {:?}",
            sanctions.actors
        );
    }
}

#[test]
fn a_russian_passive_attack_puts_the_target_before_the_verb() {
    // "была атакована": the subject is attacked; the agent follows the verb.
    let tagging = tag(
        "ru",
        "Польша была атакована российскими беспилотниками",
        "Польша в среду была атакована российскими беспилотниками, заявил премьер-министр \
         страны. Военные сбили несколько дронов.",
    );
    let attack = event(&tagging, "armed_attack");
    assert!(plays(attack, "POL", "target"), "{:?}", attack.actors);
    assert!(plays(attack, "RUS", "attacker"), "{:?}", attack.actors);
    assert!(!plays(attack, "POL", "attacker"), "{:?}", attack.actors);
}

#[test]
fn a_demonym_after_an_article_past_the_verb_qualifies_its_object_not_the_agent() {
    // "colpiscono i bombardieri russi": the Russian bombers are what is hit; an
    // adjective after the trigger names the agent only inside the trigger's own noun
    // phrase ("attacchi aerei russi"), which no article opens.
    let tagging = tag(
        "it",
        "Operazione Ragnatela: i droni ucraini colpiscono i bombardieri russi",
        "Secondo Kiev, 41 aerei sono stati danneggiati in quattro basi aeree.",
    );
    let attack = event(&tagging, "armed_attack");
    assert!(!plays(attack, "RUS", "attacker"), "{:?}", attack.actors);
    assert!(plays(attack, "UKR", "attacker"), "{:?}", attack.actors);
    // The noun phrase's own adjective still names the agent.
    let tagging = tag(
        "it",
        "Attacchi aerei russi su Kiev",
        "Almeno dodici civili sono morti nella notte, secondo le autorità ucraine.",
    );
    let attack = event(&tagging, "armed_attack");
    assert!(plays(attack, "RUS", "attacker"), "{:?}", attack.actors);
}

#[test]
fn an_italian_stem_trigger_s_word_tail_is_no_article() {
    // Each language has its own articles: Italian "o" is "or", and the rest of a
    // trigger's word ("bombardament*" in "bombardamento") is no word of the gap.
    let tagging = tag(
        "it",
        "Un bombardamento israeliano colpisce la periferia sud di Beirut",
        "Almeno sei persone sono morte nella notte, secondo le autorità libanesi.",
    );
    let attack = event(&tagging, "armed_attack");
    assert!(plays(attack, "ISR", "attacker"), "{:?}", attack.actors);
}

#[test]
fn a_visit_that_never_names_the_parade_s_host_is_to_it() {
    // The parade is Angola's; the visit's sentence lists the heads of state present
    // and never names Angola: the names after "visita oficial" are fellow guests, so
    // the visit is to the parade's host and its guests watch the parade.
    let tagging = tag(
        "pt",
        "Angola assinala meio século de independência com um grande desfile militar",
        "Angola assinalou esta terça-feira os 50 anos da independência com um desfile \
         militar em que marcharam quatro mil efetivos das Forças Armadas Angolanas.\n\n\
         Na tribuna de honra sentaram-se vários chefes de Estado: a Presidente da Índia, \
         Droupadi Murmu, em visita oficial, o congolês Denis Sassou Nguesso e o \
         cabo-verdiano José Maria Neves.\n\n\
         A presença de Marcelo Rebelo de Sousa, chefe de Estado da antiga potência \
         colonial, foi um dos gestos mais simbólicos do dia.",
    );
    let visit = event(&tagging, "state_visit");
    assert!(plays(visit, "AGO", "host"), "{:?}", visit.actors);
    assert!(plays(visit, "COG", "visitor"), "{:?}", visit.actors);
    assert!(!plays(visit, "COG", "host"), "{:?}", visit.actors);
    assert!(!plays(visit, "CPV", "host"), "{:?}", visit.actors);
    let parade = event(&tagging, "military_parade");
    assert!(plays(parade, "COG", "guest"), "{:?}", parade.actors);
    assert!(!plays(parade, "AGO", "guest"), "{:?}", parade.actors);
}

/// A parade whose sentences cast every country named beside the trigger as a guest
/// ("Contingents from China, Laos and Cambodia marched in the parade ... behind the
/// Vietnamese columns") has its host in the country whose places its paragraphs
/// name: Ho Chi Minh City and the Reunification Palace are Vietnam's.
#[test]
fn a_parade_is_hosted_where_its_paragraphs_place_it() {
    let tagging = tag(
        "en",
        "Chinese soldiers march in Ho Chi Minh City as Vietnam marks the end of the war",
        "HO CHI MINH CITY - Thousands of soldiers and veterans marched along Le Duan \
         Boulevard on Wednesday in a military parade marking fifty years since the end of \
         the war, a celebration that for the first time included foreign troops.\n\n\
         Contingents from China, Laos and Cambodia marched in the parade past the \
         Reunification Palace behind the Vietnamese columns. Jets flew over Ho Chi Minh \
         City as crowds waved flags.\n\n\
         Party chief To Lam thanked the international friends who had supported the \
         struggle.",
    );
    let parade = event(&tagging, "military_parade");
    assert!(plays(parade, "VNM", "host"), "{:?}", parade.actors);
    assert!(!plays(parade, "VNM", "guest"), "{:?}", parade.actors);
    for guest in ["CHN", "LAO", "KHM"] {
        assert!(
            plays(parade, guest, "guest"),
            "{guest}: {:?}",
            parade.actors
        );
    }
}

/// A signing's paragraphs add no party from a sentence that tells another event: the
/// trip to a summit told between the two sentences of the signing is no signatory's.
#[test]
fn a_signing_takes_no_party_from_another_events_sentence() {
    let tagging = tag(
        "en",
        "Japan and the Philippines sign troop access pact",
        "Japan and the Philippines signed a reciprocal access agreement in Manila on \
         Monday, allowing their forces to train on each other's soil.\n\n\
         Marcos will travel to the United States next month for a summit, his office \
         said.\n\n\
         The two defence ministers signed the agreement in the presence of President \
         Ferdinand Marcos Jr.",
    );
    let signing = event(&tagging, "agreement_signing");
    assert!(plays(signing, "JPN", "party"), "{:?}", signing.actors);
    assert!(plays(signing, "PHL", "party"), "{:?}", signing.actors);
    assert!(!involves(signing, "USA"), "{:?}", signing.actors);
}
