//! Stories of the clean step, run against the real rules in `config/`.

use std::path::{Path, PathBuf};

use newsflow_record::ErrorCode;
use serde_json::json;

use super::*;

fn config_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config")
}

fn cleaner() -> Cleaner {
    Cleaner::load(&CleanConfig::default(), &config_dir()).expect("the shipped rules load")
}

fn clean_json(value: serde_json::Value) -> Result<Article, Rejection> {
    cleaner().clean(value.to_string().as_bytes())
}

fn code_of(result: Result<Article, Rejection>) -> ErrorCode {
    match result {
        Ok(article) => panic!("expected a rejection, got {article:?}"),
        Err(rejection) => rejection.error.code,
    }
}

const STORY: [&str; 3] = [
    "Leaders of three neighbouring countries met in the capital on Tuesday for talks on trade, energy and the security of their shared border, the first such meeting in five years.",
    "Officials said the talks would continue on Wednesday. A joint statement is expected before the leaders leave, though diplomats cautioned that the main disputes remain unresolved.",
    "The ministry declined to comment on reports that a fourth leader had been invited.",
];

#[test]
fn seed_shaped_article_loses_its_trailing_boilerplate_and_keeps_the_story() {
    let body = format!(
        "{}\n\n{}\n\n{}\n\nEnjoyed this article? Stay informed by joining our newsletter!\n\nComments\n\nYou must be logged in to post a comment.\n\nRelated Articles\nMarkets rally as rate fears ease\nFloods hit the northern provinces\nPopular Articles\nTen things to know about the summit\nWhy the harvest failed",
        STORY[0], STORY[1], STORY[2]
    );
    let article = clean_json(json!({
        "id": "seed-shape-1",
        "title": "Three leaders meet for border talks",
        "body": body,
    }))
    .unwrap();
    assert_eq!(article.body, STORY.join("\n\n"));
    assert_eq!(article.title, "Three leaders meet for border talks");
}

#[test]
fn a_story_sentence_containing_comment_survives() {
    let body = "Comments made by the minister on Monday angered the opposition.\n\nHe declined to comment.\n\nComments";
    let article = clean_json(json!({"id": "c1", "body": body})).unwrap();
    assert_eq!(
        article.body,
        "Comments made by the minister on Monday angered the opposition.\n\nHe declined to comment."
    );
}

#[test]
fn html_body_keeps_paragraph_breaks_and_drops_page_furniture() {
    let body = "<html><head><title>Site</title><script>track('<p>')</script></head><body>\
        <nav><a href='/'>Home</a></nav><article><h2>Talks resume</h2>\
        <p>The talks resumed\n   on Tuesday &amp; will run until Friday.</p>\
        <p>Both sides<br>agreed to meet again.</p>\
        <div class=\"ad\">Advertisement</div>\
        <ul><li>First point</li><li>Second point</li></ul>\
        <blockquote>We are close, she said.</blockquote></article>\
        <aside>Most read</aside><footer>&copy; News Ltd</footer></body></html>";
    let article =
        clean_json(json!({"id": "h1", "title": "Talks <b>resume</b>", "body": body})).unwrap();
    assert_eq!(
        article.body,
        "Talks resume\n\nThe talks resumed on Tuesday & will run until Friday.\n\nBoth sides\n\nagreed to meet again.\n\nFirst point\n\nSecond point\n\nWe are close, she said."
    );
    assert_eq!(article.title, "Talks resume");
}

#[test]
fn plain_text_with_angle_brackets_is_not_parsed_as_html() {
    let body =
        "Turnout was < 40% in the north and > 60% in the south.\n\nAT&amp;T was not involved.";
    let article = clean_json(json!({"id": "p1", "body": body})).unwrap();
    assert_eq!(article.body, body);
}

#[test]
fn text_is_nfc_with_whitespace_and_control_characters_cleaned() {
    let body =
        "  The mayor of Ko\u{308}ln\t\tspoke.\u{7}  \r\n\r\n\r\n\n  Cafe\u{301}s were   closed. ";
    let article =
        clean_json(json!({"id": "n1", "title": " Ko\u{308}ln \n mayor ", "body": body})).unwrap();
    assert_eq!(
        article.body,
        "The mayor of Köln spoke.\n\nCafés were closed."
    );
    assert_eq!(article.title, "Köln mayor");
}

#[test]
fn id_is_derived_from_the_canonical_url_and_stable_across_tracking_params() {
    let first = clean_json(json!({
        "url": "https://News.Example.com/world/talks/?utm_source=newsletter&utm_medium=email#comments",
        "title": "Talks resume",
    }))
    .unwrap();
    let second = clean_json(json!({
        "url": "https://news.example.com/world/talks?fbclid=XYZ",
        "title": "Talks resume, updated",
    }))
    .unwrap();
    assert_eq!(first.id, second.id);
    assert_eq!(
        first.id,
        id_from_url("https://news.example.com/world/talks").unwrap()
    );
    // The URL itself is passed on as sent.
    assert_eq!(
        second.url.as_deref(),
        Some("https://news.example.com/world/talks?fbclid=XYZ")
    );
}

#[test]
fn a_producer_id_wins_over_the_url() {
    let article =
        clean_json(json!({"id": "wire-42", "url": "https://example.com/a", "body": "Text."}))
            .unwrap();
    assert_eq!(article.id, "wire-42");
}

#[test]
fn unknown_fields_pass_through_and_reserved_names_are_dropped() {
    let article = clean_json(json!({
        "id": "x1",
        "source": " Example News ",
        "body": "Text.",
        "language": "fr",
        "section": "world",
        "tags": ["a", "b"],
        "events": [{"type": "forged"}],
        "outcome": "enriched",
        "language_hint": "de",
        "published_at": "2025-09-03T08:00:00+08:00",
    }))
    .unwrap();
    assert_eq!(article.extra.len(), 2, "{:?}", article.extra);
    assert_eq!(article.extra["section"], "world");
    assert_eq!(article.extra["tags"], json!(["a", "b"]));
    assert_eq!(article.events, None);
    assert_eq!(article.language_hint.as_deref(), Some("fr"));
    assert_eq!(article.source.as_deref(), Some("Example News"));
    assert_eq!(
        article.published_at.as_deref(),
        Some("2025-09-03T08:00:00+08:00")
    );
}

#[test]
fn an_invalid_published_at_keeps_the_article_and_moves_the_date_aside() {
    let article =
        clean_json(json!({"id": "d1", "body": "Text.", "published_at": "yesterday"})).unwrap();
    assert_eq!(article.published_at, None);
    assert_eq!(article.extra[INVALID_PUBLISHED_AT_FIELD], "yesterday");
}

#[test]
fn bad_bytes_are_invalid_utf8_even_inside_json() {
    let result = cleaner().clean(b"{\"id\":\"u1\",\"body\":\"caf\xe9\"}");
    assert_eq!(code_of(result), ErrorCode::InvalidUtf8);
}

#[test]
fn broken_json_is_invalid_json() {
    assert_eq!(
        code_of(cleaner().clean(b"{\"id\": \"j1\", \"body\": ")),
        ErrorCode::InvalidJson
    );
    assert_eq!(code_of(cleaner().clean(b"")), ErrorCode::InvalidJson);
}

#[test]
fn json_that_is_not_an_object_is_not_an_object() {
    for input in [&b"[1, 2]"[..], b"\"text\"", b"42", b"null"] {
        assert_eq!(code_of(cleaner().clean(input)), ErrorCode::NotAnObject);
    }
}

#[test]
fn no_id_and_no_url_is_a_missing_field() {
    let rejection = clean_json(json!({"title": "Orphan", "body": "Text."})).unwrap_err();
    assert_eq!(rejection.error.code, ErrorCode::MissingField);
    assert!(
        rejection.error.message.contains("`id`"),
        "{}",
        rejection.error.message
    );
    let rejection = clean_json(json!({"url": "not a url", "body": "Text."})).unwrap_err();
    assert_eq!(rejection.error.code, ErrorCode::MissingField);
    assert!(
        rejection.error.message.contains("not a url"),
        "{}",
        rejection.error.message
    );
}

#[test]
fn a_wrong_type_is_a_missing_field_naming_it_and_keeps_the_id() {
    let rejection = clean_json(json!({"id": "t1", "title": 7, "body": "Text."})).unwrap_err();
    assert_eq!(rejection.error.code, ErrorCode::MissingField);
    assert_eq!(
        rejection.error.message,
        "field `title` must be a string, got a number"
    );
    assert_eq!(rejection.id.as_deref(), Some("t1"));
    let rejection = clean_json(json!({"id": ["t2"], "body": "Text."})).unwrap_err();
    assert_eq!(
        rejection.error.message,
        "field `id` must be a string, got an array"
    );
    assert_eq!(rejection.id, None);
}

#[test]
fn nothing_but_markup_and_boilerplate_is_an_empty_body() {
    let rejection = clean_json(json!({
        "id": "e1",
        "title": "  ",
        "body": "<p> </p><div>Advertisement</div><p>Share on Facebook</p>",
    }))
    .unwrap_err();
    assert_eq!(rejection.error.code, ErrorCode::EmptyBody);
    assert_eq!(rejection.id.as_deref(), Some("e1"));
}

#[test]
fn neither_title_nor_body_is_a_missing_field() {
    let rejection = clean_json(json!({"id": "e2", "url": "https://x.example/a"})).unwrap_err();
    assert_eq!(rejection.error.code, ErrorCode::MissingField);
    assert_eq!(
        rejection.error.message,
        "record has neither `title` nor `body`"
    );
    assert_eq!(rejection.id.as_deref(), Some("e2"));
    let null_fields = json!({"id": "e3", "title": null, "body": null});
    assert_eq!(code_of(clean_json(null_fields)), ErrorCode::MissingField);
}

#[test]
fn a_title_alone_is_enough() {
    let article = clean_json(json!({"id": "t", "title": "Breaking: talks collapse"})).unwrap();
    assert_eq!(article.body, "");
}

#[test]
fn a_huge_body_is_rejected_before_parsing() {
    let body = "word ".repeat(DEFAULT_MAX_RECORD_BYTES / 5 + 1);
    let rejection = clean_json(json!({"id": "big", "body": body})).unwrap_err();
    assert_eq!(rejection.error.code, ErrorCode::TooLarge);
    assert!(
        rejection.error.message.contains("2097152"),
        "{}",
        rejection.error.message
    );
}

#[test]
fn the_limit_comes_from_the_config() {
    let config = CleanConfig {
        max_record_bytes: 64,
        ..CleanConfig::default()
    };
    let cleaner = Cleaner::load(&config, &config_dir()).unwrap();
    let record = json!({"id": "s", "body": "x".repeat(60)}).to_string();
    assert_eq!(
        code_of(cleaner.clean(record.as_bytes())),
        ErrorCode::TooLarge
    );
    assert!(cleaner.clean(br#"{"id":"s","body":"short"}"#).is_ok());
}

#[test]
fn missing_rules_file_is_a_load_error_naming_it() {
    let config = CleanConfig {
        boilerplate: PathBuf::from("no-such-rules.toml"),
        ..CleanConfig::default()
    };
    let error = Cleaner::load(&config, &config_dir()).unwrap_err();
    assert!(error.path.ends_with("no-such-rules.toml"));
}

#[test]
fn boilerplate_in_other_languages_goes_too() {
    let body = "Le président a rencontré son homologue allemand à Paris pour discuter de la défense européenne et du commerce.\n\nPublicité\n\nVous devez être connecté pour publier un commentaire.\n\nArticles liés\nUn autre titre\n\
        Die Kommentarfunktion ist geschlossen.\n¿Te ha gustado este artículo? Suscríbete\nLo más leído";
    let article = clean_json(json!({"id": "ml", "body": body})).unwrap();
    assert_eq!(
        article.body,
        "Le président a rencontré son homologue allemand à Paris pour discuter de la défense européenne et du commerce."
    );
}

/// The project's real example input: title on the first line, then the body.
#[test]
fn the_real_seed_loses_its_trailing_boilerplate() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    let Ok(text) = std::fs::read_to_string(seeds.join("000_e18e83f9e770a0d8.txt")) else {
        eprintln!("seed not present at {}: skipped", seeds.display());
        return;
    };
    let (title, body) = text.split_once('\n').unwrap_or((&text, ""));
    let article = clean_json(json!({"id": "seed-000", "title": title, "body": body})).unwrap();
    assert_eq!(
        article.title,
        "Kim Jong Un to join Putin and other leaders at China military parade"
    );
    for gone in [
        "Enjoyed this article?",
        "You must be logged in",
        "Comments",
        "Related Articles",
        "Popular Articles",
    ] {
        assert!(!article.body.contains(gone), "{gone:?} left in the body");
    }
    assert!(article
        .body
        .starts_with("Kim Jong Un Joins Putin and Global Leaders"));
    assert!(article
        .body
        .ends_with("the complex and ever-changing landscape of international relations."));
    assert!(!article.body.contains("\n\n\n"));
    // Every story paragraph is kept.
    let story_paragraphs = body.split('\n').filter(|l| !l.trim().is_empty()).count() - 5;
    assert_eq!(article.body.split("\n\n").count(), story_paragraphs);
}
