use super::*;

/// Two news-like sentences per language, written for these tests.
const SAMPLES: &[(&str, &str)] = &[
    ("en", "The foreign minister arrived in the capital on Tuesday for two days of talks on trade and security."),
    ("en", "Thousands of people marched through the city centre to protest against the new pension law."),
    ("fr", "Le ministre des Affaires étrangères est arrivé mardi dans la capitale pour deux jours de discussions."),
    ("fr", "Des milliers de personnes ont défilé dans le centre-ville pour protester contre la réforme des retraites."),
    ("de", "Der Außenminister ist am Dienstag zu zweitägigen Gesprächen über Handel und Sicherheit in der Hauptstadt eingetroffen."),
    ("de", "Tausende Menschen zogen durch die Innenstadt, um gegen das neue Rentengesetz zu protestieren."),
    ("es", "El ministro de Asuntos Exteriores llegó el martes a la capital para dos días de conversaciones sobre comercio."),
    ("es", "Miles de personas marcharon por el centro de la ciudad para protestar contra la nueva ley de pensiones."),
    ("it", "Il ministro degli Esteri è arrivato martedì nella capitale per due giorni di colloqui sul commercio e la sicurezza."),
    ("it", "Migliaia di persone hanno sfilato nel centro della città per protestare contro la nuova legge sulle pensioni."),
    ("pt", "O ministro dos Negócios Estrangeiros chegou na terça-feira à capital para dois dias de conversações sobre comércio."),
    ("pt", "Milhares de pessoas marcharam pelo centro da cidade para protestar contra a nova lei das pensões."),
    ("ru", "Министр иностранных дел прибыл во вторник в столицу для двухдневных переговоров о торговле и безопасности."),
    ("ru", "Тысячи человек прошли маршем по центру города в знак протеста против нового пенсионного закона."),
    ("zh", "外交部长周二抵达首都，就贸易和安全问题举行为期两天的会谈。"),
    ("zh", "数千人在市中心游行，抗议新的养老金法律。"),
    ("ja", "外務大臣は火曜日に首都に到着し、貿易と安全保障について二日間の協議を行った。"),
    ("ja", "数千人が市の中心部を行進し、新しい年金法に抗議した。"),
    ("ar", "وصل وزير الخارجية إلى العاصمة يوم الثلاثاء لإجراء محادثات تستمر يومين حول التجارة والأمن."),
    ("ar", "سار آلاف الأشخاص في وسط المدينة احتجاجا على قانون التقاعد الجديد."),
];

fn accuracy(detector: &Detector) -> f64 {
    let correct = SAMPLES
        .iter()
        .filter(|(code, text)| detector.detect("", text).code == *code)
        .count();
    correct as f64 / SAMPLES.len() as f64
}

#[test]
fn ten_languages_are_recognised() {
    let detector = Detector::new(&LangConfig::default());
    for (code, text) in SAMPLES {
        let language = detector.detect("", text);
        assert_eq!(language.code, *code, "{text}");
    }
    assert_eq!(accuracy(&detector), 1.0);
}

#[test]
fn shortcut_and_allowlist_keep_accuracy() {
    let plain = Detector::new(&LangConfig {
        script_shortcut: false,
        ..LangConfig::default()
    });
    let allowlist = ["en", "fr", "de", "es", "it", "pt", "ru", "zh", "ja", "ar"]
        .iter()
        .map(|code| code.parse().unwrap())
        .collect();
    let fast = Detector::new(&LangConfig {
        allowlist,
        ..LangConfig::default()
    });
    assert!(accuracy(&fast) >= accuracy(&plain));
    assert_eq!(accuracy(&fast), 1.0);
}

#[test]
fn japanese_with_kanji_and_kana_is_japanese_not_chinese() {
    let detector = Detector::new(&LangConfig::default());
    let language = detector.detect(
        "首相が北京を訪問",
        "岸田首相は二日、北京で習近平国家主席と会談し、経済協力について話し合った。",
    );
    assert_eq!(language.code, "ja");
    assert_eq!(language.iso639_3, "jpn");
    assert!(language.reliable);
}

#[test]
fn chinese_is_mandarin_with_iso_639_1_code() {
    let detector = Detector::new(&LangConfig::default());
    let language = detector.detect("", SAMPLES[14].1);
    assert_eq!(language.code, "zh");
    assert_eq!(language.iso639_3, "cmn");
    assert_eq!(language.script, "Mandarin");
}

#[test]
fn hangul_is_decided_by_its_script() {
    let detector = Detector::new(&LangConfig::default());
    let language = detector.detect(
        "",
        "외교부 장관은 화요일 수도에 도착해 이틀간 회담을 가졌다.",
    );
    assert_eq!(language.code, "ko");
    assert_eq!(language.script, "Hangul");
    assert!(language.reliable);
}

#[test]
fn short_text_is_a_guess_marked_unreliable() {
    let detector = Detector::new(&LangConfig::default());
    let language = detector.detect("Protests", "");
    assert!(!language.reliable);
    let language = detector.detect("", "東京");
    assert!(!language.reliable);
}

#[test]
fn text_without_letters_is_undetermined() {
    let detector = Detector::new(&LangConfig::default());
    let language = detector.detect("2024 - 12 - 01", "+++ 42 +++");
    assert_eq!(language.code, "und");
    assert!(!language.reliable);
}

#[test]
fn only_a_bounded_prefix_is_read() {
    let detector = Detector::new(&LangConfig {
        prefix_bytes: 200,
        ..LangConfig::default()
    });
    let english = SAMPLES[0].1.repeat(3);
    let body = format!("{english} {}", SAMPLES[12].1.repeat(50));
    assert_eq!(detector.detect("", &body).code, "en");
}

#[test]
fn prefix_is_cut_on_a_character_boundary() {
    let mut buffer = String::new();
    // "é" is two bytes: a limit in its middle must step back.
    let text = bounded_prefix("", "aé", 2, &mut buffer);
    assert_eq!(text, "a");
    let mut buffer = String::new();
    let text = bounded_prefix("Titre", "été", 8, &mut buffer);
    assert_eq!(text, "Titre\né");
}

#[test]
fn language_outside_the_allowlist_is_not_answered() {
    let detector = Detector::new(&LangConfig {
        allowlist: vec!["en".parse().unwrap(), "fr".parse().unwrap()],
        ..LangConfig::default()
    });
    assert_eq!(detector.detect("", SAMPLES[12].1).code, "und");
    assert_eq!(detector.detect("", SAMPLES[14].1).code, "und");
    assert_eq!(detector.detect("", SAMPLES[2].1).code, "fr");
}

#[test]
fn allowlist_accepts_both_code_forms_and_rejects_typos() {
    let config: LangConfig =
        toml::from_str("allowlist = [\"en\", \"cmn\", \"fa\"]\nprefix_bytes = 512").unwrap();
    let langs: Vec<Lang> = config.allowlist.iter().map(|c| c.lang()).collect();
    assert_eq!(langs, vec![Lang::Eng, Lang::Cmn, Lang::Pes]);
    assert!(toml::from_str::<LangConfig>("allowlist = [\"english\"]").is_err());
    assert!(toml::from_str::<LangConfig>("prefix = 3").is_err());
}

#[test]
fn every_whatlang_language_has_a_record_code() {
    for &lang in Lang::all() {
        let code = code_of(lang);
        assert!(code.len() == 2 || code.len() == 3, "{lang:?}");
        assert_eq!(code.parse::<LangCode>().map(LangCode::lang), Ok(lang));
    }
}

/// A news paragraph repeated into an article body long enough for the shortcut.
fn article(paragraph: &str) -> String {
    paragraph.repeat(4)
}

#[test]
fn spanish_article_is_decided_by_function_words_not_as_portuguese() {
    let detector = Detector::new(&LangConfig::default());
    let body = article("El ministro de Asuntos Exteriores llegó el martes a la capital para dos días de conversaciones con su homólogo sobre el comercio y la seguridad, según dijeron los funcionarios del gobierno, que también hablaron de la energía. ");
    assert_eq!(detector.function_word_code(&body), Some("es"));
    let language = detector.detect("", &body);
    assert_eq!(language.code, "es");
    assert!(language.reliable);
    assert!(language.confidence >= 1.0 - 1.0 / function_words::MIN_RATIO as f64);
}

#[test]
fn portuguese_article_is_decided_as_portuguese_not_spanish() {
    let detector = Detector::new(&LangConfig::default());
    let body = article("O ministro dos Negócios Estrangeiros chegou na terça-feira à capital para dois dias de conversações com o seu homólogo sobre o comércio e a segurança, disseram os responsáveis do governo, que também falaram da energia. ");
    assert_eq!(detector.function_word_code(&body), Some("pt"));
    assert_eq!(detector.detect("", &body).code, "pt");
}

#[test]
fn russian_and_ukrainian_articles_are_told_apart() {
    let detector = Detector::new(&LangConfig::default());
    let russian = article("Министр иностранных дел прибыл во вторник в столицу, и это был его первый визит. Он сказал, что переговоры о торговле и безопасности были полезными, но не все вопросы решены, как и после прошлой встречи. ");
    let ukrainian = article("Міністр закордонних справ прибув у вівторок до столиці, і це був його перший візит. Він сказав, що переговори про торгівлю та безпеку були корисними, але не всі питання вирішені, як і після минулої зустрічі. ");
    assert_eq!(detector.function_word_code(&russian), Some("ru"));
    assert_eq!(detector.function_word_code(&ukrainian), Some("uk"));
    assert_eq!(detector.detect("", &russian).code, "ru");
    assert_eq!(detector.detect("", &ukrainian).code, "uk");
}

#[test]
fn short_sentence_falls_back_to_whatlang() {
    let detector = Detector::new(&LangConfig::default());
    for (code, text) in SAMPLES.iter().take(4) {
        assert_eq!(detector.function_word_code(text), None, "{text}");
        assert_eq!(detector.detect("", text).code, *code);
    }
}

#[test]
fn shortcut_answers_only_allowed_languages() {
    let body = article("El ministro de Asuntos Exteriores llegó el martes a la capital para dos días de conversaciones con su homólogo sobre el comercio y la seguridad, según dijeron los funcionarios del gobierno, que también hablaron de la energía. ");
    let detector = Detector::new(&LangConfig {
        allowlist: vec!["pt".parse().unwrap(), "en".parse().unwrap()],
        ..LangConfig::default()
    });
    assert_ne!(detector.function_word_code(&body), Some("es"));
    assert_ne!(detector.detect("", &body).code, "es");
}

#[test]
fn function_word_shortcut_can_be_switched_off() {
    let config: LangConfig = toml::from_str("function_word_shortcut = false").unwrap();
    let detector = Detector::new(&config);
    let body = article("The foreign minister arrived in the capital on Tuesday for two days of talks with his counterpart, and officials said that the talks were about trade and security. ");
    assert_eq!(detector.function_word_code(&body), None);
    assert_eq!(detector.detect("", &body).code, "en");
    assert!(LangConfig::default().function_word_shortcut);
}
