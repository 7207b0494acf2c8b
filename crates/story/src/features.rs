//! What an article says about its event that does not depend on its language.

use chrono::{DateTime, NaiveDate};
use newsflow_record::{Article, Event, Salience};

use crate::Story;

/// Most characters of a headline kept in a story's state: the state stays bounded
/// whatever the input.
const HEADLINE_CHARS: usize = 300;
/// Most people, places or countries taken from one article.
const MAX_NAMES: usize = 16;
/// Days an event date may lie before the publication and still be the article's day.
const EVENT_DAY_LAG: i32 = 3;
/// Most marks taken from one article.
const MAX_MARKS: usize = 48;
// A story counts the marks it shares with an article in one bit each.
const _: () = assert!(MAX_MARKS <= 64);
/// Bytes of the body read for marks: the lead names who and where.
const MARK_BYTES: usize = 1000;
/// Marks an article is looked up and indexed under: each key costs a scan of its
/// candidate stories, and text is full of names.
const MARK_KEYS: usize = 4;
/// Most figures taken from one article.
const MAX_FIGURES: usize = 24;
/// Bytes of title and body read for figures: the lead holds the event's own numbers.
const FIGURE_BYTES: usize = 1500;

/// The language-independent parts of one article.
pub(crate) struct Features {
    /// Days since 1970-01-01 of the event (or the publication, or the arrival).
    pub day: i32,
    /// The day is the lead event's date as the text states it, not the publication's.
    pub stated: bool,
    /// Type of the lead event.
    pub primary: Option<String>,
    /// Types of the events the article reports.
    pub types: Vec<String>,
    /// Countries taking part (ISO 3166 alpha-3).
    pub countries: Vec<String>,
    /// People (gazetteer names).
    pub people: Vec<String>,
    /// Places (gazetteer names).
    pub places: Vec<String>,
    /// Figures the article states (death tolls, ranges, shares, counts): digit runs
    /// of two or more digits with their separators dropped, years left out. Digits are
    /// written alike in every language the pipeline reads, so `2.500`, `2,500` and
    /// `2500` meet.
    pub figures: Vec<u64>,
    /// The countries the lead event is about: its most named actors and the country
    /// it takes place in.
    pub principal: Vec<String>,
    /// For an article without events: the names its title and lead write in Latin
    /// or Cyrillic letters (see [`marks_of`]). Sport, business and science news
    /// names people, brands and venues the gazetteer does not know, and writes them
    /// alike in most languages (`Sinner`, `WADA`, `iPhone`, `Bethpage`), or alike
    /// but for the script (`Синнер`).
    pub marks: Vec<Mark>,
    /// The hashes of its marks that are not common (see [`Features::seek_marks`]),
    /// as written and as they sound in the other script, each with the index of
    /// its mark.
    pub sought: Vec<(MarkHash, u8)>,
    /// Every country the article names, in its events or anywhere in its text.
    pub named: Vec<String>,
    /// When the article was seen: its publication time (RFC 3339), else its day.
    pub seen: String,
    /// Language code, `und` when unknown.
    pub language: String,
    /// What the article is routed by ([`crate::partition_key`]); empty for a
    /// restored story, which is matched as a candidate only.
    pub key: String,
}

impl Features {
    pub fn of(article: &Article, now_unix: i64) -> Features {
        // What the article reports, not what it mentions for context: a parade report
        // that recalls last week's summit is not news of that summit.
        let events: Vec<&Event> = article
            .events
            .iter()
            .flatten()
            .filter(|e| e.salience == Salience::Main)
            .collect();
        // The lead event: the first one the headline reports, else the body's first.
        let lead = events
            .iter()
            .find(|e| e.evidence.field == "title")
            .or_else(|| events.first());
        let mut types = Vec::new();
        let mut countries = Vec::new();
        for event in &events {
            push_unique(&mut types, &event.kind);
            for actor in &event.actors {
                if let Some(country) = &actor.country {
                    push_unique(&mut countries, country);
                }
            }
            if let Some(country) = event.location.as_ref().and_then(|l| l.country.as_ref()) {
                push_unique(&mut countries, country);
            }
        }
        let entities = article.entities.as_ref();
        let mut named = countries.clone();
        for country in entities.iter().flat_map(|e| &e.countries) {
            push_unique(&mut named, &country.code);
        }
        if events.is_empty() {
            countries = named.clone();
        }
        named.truncate(2 * MAX_NAMES);
        let mut people = Vec::new();
        for person in entities.iter().flat_map(|e| &e.people) {
            push_unique(&mut people, &person.name);
        }
        let mut places = Vec::new();
        for place in entities.iter().flat_map(|e| &e.places) {
            push_unique(&mut places, &place.name);
        }
        for list in [&mut countries, &mut people, &mut places] {
            list.truncate(MAX_NAMES);
        }
        let event_day = lead.and_then(|e| e.date.as_deref()).and_then(parse_day);
        let published_day = article.published_at.as_deref().and_then(rfc3339_day);
        // The event date the tag stage reads can be a background date (the first round
        // recalled in a run-off report): it is trusted only when the article appeared
        // within a few days after it, else the publication day stands for the event.
        let event_day = match (event_day, published_day) {
            (Some(event), Some(published))
                if event > published || event < published - EVENT_DAY_LAG =>
            {
                None
            }
            (event, _) => event,
        };
        let stated = event_day.is_some();
        let day = event_day
            .or(published_day)
            .unwrap_or((now_unix.div_euclid(86_400)) as i32);
        let seen = match (&article.published_at, published_day) {
            (Some(published), Some(_)) => published.clone(),
            _ => format!("{}T00:00:00Z", crate::Day(day)),
        };
        let mut figures = figures_of(&article.title);
        for figure in figures_of(prefix(&article.body, FIGURE_BYTES)) {
            if !figures.contains(&figure) {
                figures.push(figure);
            }
        }
        figures.truncate(MAX_FIGURES);
        let language = article
            .language
            .as_ref()
            .map(|l| l.code.clone())
            .unwrap_or_else(|| "und".into());
        // Only an article without events is matched on its marks: those with events
        // have typed participants, and the scan would cost them for nothing.
        let marks = if events.is_empty() {
            let mut marks: Vec<Mark> = Vec::new();
            let lead = prefix(&article.body, MARK_BYTES);
            let words = marks_of(&article.title)
                .into_iter()
                .chain(marks_of(lead))
                .map(|word| Some(Mark::of(&word)));
            // Only Arabic text is read word by word: elsewhere an Arabic word is a
            // quotation at most, and reading for them costs every article.
            let arabic = (language == "ar")
                .then(|| {
                    arabic_words(&article.title)
                        .into_iter()
                        .chain(arabic_words(lead))
                })
                .into_iter()
                .flatten()
                .map(|word| Mark::arabic(&word));
            for mark in words.chain(arabic).flatten() {
                if !marks.contains(&mark) && marks.len() < MAX_MARKS {
                    marks.push(mark);
                }
            }
            marks
        } else {
            Vec::new()
        };
        let site = lead
            .and_then(|e| e.location.as_ref())
            .and_then(|l| l.country.clone());
        let mut principal = lead.map(|e| most_named(e)).unwrap_or_default();
        if let Some(site) = &site {
            push_unique(&mut principal, site);
        }
        Features {
            day,
            stated,
            primary: lead.map(|e| e.kind.clone()),
            types,
            countries,
            people,
            places,
            figures,
            marks,
            sought: Vec::new(),
            principal,
            named,
            key: crate::partition_key(article),
            seen,
            language,
        }
    }

    /// Sets [`Features::sought`] from the marks not common, once their commonness
    /// is decided, so that each candidate story is asked only for those.
    pub fn seek_marks(&mut self) {
        self.sought = self
            .marks
            .iter()
            .enumerate()
            .filter(|(_, mark)| !mark.common)
            .flat_map(|(index, mark)| {
                let index = index as u8;
                mark.word
                    .into_iter()
                    .chain([mark.echo])
                    .map(move |hash| (hash, index))
            })
            .collect();
    }

    /// The features a restored story is indexed under.
    pub fn of_story(story: &Story) -> Features {
        Features {
            day: story.last_day.0,
            stated: true,
            primary: story.primary.clone(),
            types: story.types.keys().cloned().collect(),
            countries: story.actors.keys().cloned().collect(),
            people: story.people.keys().cloned().collect(),
            places: story.places.keys().cloned().collect(),
            figures: Vec::new(),
            // Kept as hashes only: the story is found by them as written.
            marks: story
                .marks
                .keys()
                .map(|&hash| Mark {
                    word: Some(hash),
                    sound: hash,
                    echo: hash,
                    common: false,
                })
                .collect(),
            sought: Vec::new(),
            principal: Vec::new(),
            named: story.named.keys().cloned().collect(),
            seen: story.last_seen.clone(),
            language: String::new(),
            key: String::new(),
        }
    }

    /// The keys a story holding this article is found by: its event types, people
    /// and places, and its first marks (the headline's) as written and as they
    /// sound.
    pub fn index_keys(&self) -> impl Iterator<Item = Key> + '_ {
        let marks = self.marks.iter().take(MARK_KEYS);
        self.name_keys()
            .chain(marks.flat_map(|m| m.word.into_iter().chain([m.sound]).map(Key::Mark)))
    }

    /// The keys this article looks for candidate stories under: those of
    /// [`Features::index_keys`], its first marks as written and as they would sound
    /// in the other script. All its marks score; only the first find candidates.
    pub fn lookup_keys(&self) -> impl Iterator<Item = Key> + '_ {
        let marks = self.marks.iter().take(MARK_KEYS);
        self.name_keys()
            .chain(marks.flat_map(|m| m.word.into_iter().chain([m.echo]).map(Key::Mark)))
    }

    fn name_keys(&self) -> impl Iterator<Item = Key> + '_ {
        let named = |seed: u64| {
            move |name: &String| {
                Key::Name(xxhash_rust::xxh3::xxh3_64_with_seed(name.as_bytes(), seed))
            }
        };
        let types = self.types.iter().map(named(1));
        let people = self.people.iter().map(named(2));
        let places = self.places.iter().map(named(3));
        types.chain(people).chain(places)
    }
}

/// What stories are found by: an event type, person or place (hashed with a seed
/// of its kind), or a mark's hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Name(u64),
    Mark(MarkHash),
}

/// A mark's hash: 32 bits of its xxh3. A story keeps at most a few hundred of them
/// and compares an article's few dozen, so 32 bits keep chance matches at about one
/// in a million candidates, and write in 6 characters instead of 11 in a state.
pub type MarkHash = u32;

/// The hash of a mark's text, with a seed of what the text is (word, or sound of a
/// script).
fn mark_hash(text: &str, seed: u64) -> MarkHash {
    // The low half of the 64-bit hash: what states written with 64 bits read as.
    xxhash_rust::xxh3::xxh3_64_with_seed(text.as_bytes(), seed) as MarkHash
}

/// One mark of an article, as hashes (xxh3): every candidate story is compared on
/// them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Mark {
    /// The word as written, lowercased: what reports in one script share. None for
    /// an Arabic word: Arabic has no capitals, so every word is taken, and two
    /// Arabic reports share too many common ones.
    pub word: Option<MarkHash>,
    /// How it sounds (see [`sound`]), in its own script: what a story keeps, so
    /// that reports in the other script find it.
    pub sound: MarkHash,
    /// How it sounds, as a story keeps it for the other script: what this article
    /// looks for to meet reports of that script.
    pub echo: MarkHash,
    /// Many recent articles of its language carry it: it counts for nothing (set by
    /// the storyteller, which keeps the counts).
    pub common: bool,
}

/// Seeds that keep the sounds of Latin words apart from those of other scripts
/// (Cyrillic, Arabic): within one script the spelling says more than the sound
/// (`Academy`, `Academia` and `Académie` sound alike, and two Nobel prizes a day
/// apart share them), so sounds only meet a Latin word and another script's.
const LATIN_SOUND: u64 = 1;
const OTHER_SOUND: u64 = 2;
/// Fewest consonants a mark's sound needs to be matched by.
const MIN_SOUND: usize = 2;
/// Fewest consonants an Arabic word's sound needs: its short words are common ones.
const MIN_ARABIC_SOUND: usize = 3;

impl Mark {
    /// A name in Latin or Cyrillic letters (see [`marks_of`]).
    pub fn of(word: &str) -> Mark {
        let cyrillic = word.chars().next().is_some_and(is_cyrillic);
        let (own, other) = if cyrillic {
            (OTHER_SOUND, LATIN_SOUND)
        } else {
            (LATIN_SOUND, OTHER_SOUND)
        };
        let sound = sound(word);
        let word = mark_hash(word, 0);
        // A name of one consonant or none would sound like too many others.
        if sound.len() < MIN_SOUND {
            return Mark {
                word: Some(word),
                sound: word,
                echo: word,
                common: false,
            };
        }
        let hash = |seed| mark_hash(&sound, seed);
        Mark {
            word: Some(word),
            sound: hash(own),
            echo: hash(other),
            common: false,
        }
    }

    /// What the mark is counted by for how common it is: the word as written, or
    /// an Arabic word's sound.
    pub fn counted(&self) -> MarkHash {
        self.word.unwrap_or(self.sound)
    }

    /// A word of Arabic text (see [`arabic_words`]): met only by a Latin name that
    /// sounds like it (`سينر` and `Sinner`).
    pub fn arabic(word: &str) -> Option<Mark> {
        let sound = sound(word);
        let hash = |seed| mark_hash(&sound, seed);
        (sound.len() >= MIN_ARABIC_SOUND).then(|| Mark {
            word: None,
            sound: hash(OTHER_SOUND),
            echo: hash(LATIN_SOUND),
            common: false,
        })
    }
}

fn is_cyrillic(c: char) -> bool {
    ('\u{400}'..='\u{4ff}').contains(&c)
}

/// The words of Arabic text, without the article and the particles written onto it
/// (`ال`, `وال`, `بال`...), each once. Foreign names are written in Arabic letters
/// by sound, with their long vowels, which [`sound`] leaves out.
pub(crate) fn arabic_words(text: &str) -> Vec<String> {
    const PREFIXES: [&str; 6] = ["وال", "بال", "فال", "كال", "لل", "ال"];
    let mut words: Vec<String> = Vec::new();
    for word in text.split(|c: char| !('\u{621}'..='\u{64a}').contains(&c)) {
        let stem = PREFIXES
            .iter()
            .find_map(|p| word.strip_prefix(p).filter(|rest| rest.chars().count() > 2))
            .unwrap_or(word);
        if !stem.is_empty() && !words.iter().any(|w| w == stem) {
            words.push(stem.to_string());
            if words.len() == MAX_MARKS {
                break;
            }
        }
    }
    words
}

/// How a name sounds, alike in Latin and Cyrillic letters: transliterated to ASCII,
/// then only its consonants, with those that transliterations write in different
/// ways merged (c, k and q; s and z; f and v; p and b, as Arabic has no p), the letters they disagree on most
/// (vowels, h, j, w, y) left out, and a consonant repeated across them once. `Sinner` and `Синнер`, `Alcaraz` and `Алькарас`,
/// `Pogačar` and `Погачар`, `Wimbledon` and `Уимблдон` sound alike.
pub(crate) fn sound(word: &str) -> String {
    let mut sound = String::with_capacity(word.len());
    let mut last = None;
    // Borrowed when the word is ASCII already, as most marks are.
    for c in deunicode::deunicode_with_tofu_cow(word, "[?]").chars() {
        let c = match c.to_ascii_lowercase() {
            'c' | 'k' | 'q' => Some('k'),
            'p' | 'b' => Some('b'),
            'z' | 's' => Some('s'),
            'v' | 'f' => Some('f'),
            'x' => {
                sound.push('k');
                Some('s')
            }
            c if "aeiouhjwy".contains(c) => continue,
            c if c.is_ascii_alphanumeric() => Some(c),
            _ => None,
        };
        if let Some(c) = c.filter(|c| last != Some(*c)) {
            sound.push(c);
        }
        last = c;
    }
    sound
}

/// The figures of `text`: runs of digits (ASCII, full-width or Arabic-Indic) joined
/// across single `.`, `,`, thin-space or Arabic separators, of at least two digits, without the years
/// 1900-2099 (every article has some). Bounded: at most [`MAX_FIGURES`].
pub(crate) fn figures_of(text: &str) -> Vec<u64> {
    let mut figures = Vec::new();
    let mut value: u64 = 0;
    let mut digits = 0u32;
    let mut pending_separator = false;
    let finish = |value: u64, digits: u32, figures: &mut Vec<u64>| {
        let year = digits == 4 && (1900..2100).contains(&value);
        if (2..=12).contains(&digits)
            && !year
            && !figures.contains(&value)
            && figures.len() < MAX_FIGURES
        {
            figures.push(value);
        }
    };
    // Read as bytes, decoding only the few multi-byte characters that matter: a
    // full-width digit is EF BC 90-99, an Arabic-Indic one D9 A0-A9 (Persian: DB
    // B0-B9), the separators C2 A0, E2 80 AF and the Arabic D9 AB and D9 AC. Any
    // other byte of a multi-byte character ends a run, as its character would.
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if digits == 0 {
            // Between figures only a digit matters: skip to the next one.
            match bytes[at..]
                .iter()
                .position(|b| b.is_ascii_digit() || matches!(b, 0xEF | 0xD9 | 0xDB))
            {
                Some(skip) => at += skip,
                None => break,
            }
        }
        let (digit, separator, width) = match bytes[at..] {
            [b @ b'0'..=b'9', ..] => (Some(b - b'0'), false, 1),
            [0xEF, 0xBC, b @ 0x90..=0x99, ..] => (Some(b - 0x90), false, 3),
            [0xD9, b @ 0xA0..=0xA9, ..] => (Some(b - 0xA0), false, 2),
            [0xDB, b @ 0xB0..=0xB9, ..] => (Some(b - 0xB0), false, 2),
            [0xD9, 0xAB | 0xAC, ..] => (None, true, 2),
            [b'.' | b',', ..] => (None, true, 1),
            [0xC2, 0xA0, ..] => (None, true, 2),
            [0xE2, 0x80, 0xAF, ..] => (None, true, 3),
            _ => (None, false, 1),
        };
        at += width;
        match digit {
            Some(d) => {
                value = value.wrapping_mul(10).wrapping_add(u64::from(d));
                digits += 1;
                pending_separator = false;
            }
            None if digits > 0 && !pending_separator && separator => {
                pending_separator = true;
            }
            None => {
                if digits > 0 {
                    finish(value, digits, &mut figures);
                }
                value = 0;
                digits = 0;
                pending_separator = false;
            }
        }
    }
    if digits > 0 {
        finish(value, digits, &mut figures);
    }
    figures
}

/// The marks of `text`: words in Latin letters that are names wherever they stand,
/// lowercased. A word is a name when it has a capital inside (`iPhone`, `DeepSeek`),
/// mixes letters and digits (`R1`, `M4`), or is capitalised away from the start of a
/// sentence (`Sinner`, `WADA`, `Bethpage`); words of fewer than three letters and
/// plain numbers (figures) are left out. In Chinese, Japanese, Russian or Arabic text
/// the Latin words are the brands and names left untransliterated. German capitalises
/// every noun, and English its weekdays: marks are evidence only in numbers.
pub(crate) fn marks_of(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut marks: Vec<String> = Vec::new();
    let mut seen: Vec<u64> = Vec::new();
    let mut from = 0;
    // Every mark holds a capital or a digit, so the scan jumps from one such byte to
    // the next: lowercase words and other scripts cost a byte comparison each, not a
    // decoded character. Bytes C3-D3 start every non-ASCII letter read here (Latin-1,
    // Latin Extended, Cyrillic), capital or not; so the letters a word has before the
    // byte found are lowercase ASCII.
    while let Some(found) = bytes[from..]
        .iter()
        .position(|b| matches!(b, b'A'..=b'Z' | b'0'..=b'9' | 0xC3..=0xD3))
    {
        let at = from + found;
        let mut start = at;
        while start > 0 && bytes[start - 1].is_ascii_lowercase() {
            start -= 1;
        }
        let (mut letters, mut digits, mut inner_capital) = (at - start, 0, false);
        let mut first = (start < at).then_some('a');
        let mut end = at;
        for c in text[at..].chars() {
            if !is_mark_letter(c) {
                break;
            }
            if c.is_ascii_digit() {
                digits += 1;
            } else {
                letters += 1;
            }
            if first.is_none() {
                first = Some(c);
            } else {
                inner_capital |= c.is_uppercase();
            }
            end += c.len_utf8();
        }
        from = end.max(at + 1);
        let Some(first) = first else {
            continue; // a lead byte of no mark letter (`×`, a combining mark)
        };
        if letters == 0 || (digits == 0 && letters < 3) {
            continue;
        }
        let capitalised = || first.is_uppercase() && !opens_sentence(text, start);
        if !(inner_capital || digits > 0 || capitalised()) {
            continue;
        }
        let word = &text[start..end];
        let mark = if word.is_ascii() {
            word.to_ascii_lowercase()
        } else {
            word.to_lowercase()
        };
        // Repeats are found by hash: a text can hold dozens of capitalised words
        // (every German noun), and comparing each with all before it added up.
        let hash = xxhash_rust::xxh3::xxh3_64(mark.as_bytes());
        if !seen.contains(&hash) {
            seen.push(hash);
            marks.push(mark);
            if marks.len() == MAX_MARKS {
                break;
            }
        }
    }
    marks
}

/// Whether the word at byte `start` of `text` opens a sentence: nothing but spaces
/// before it, or a full stop, question, exclamation, colon or opening quote.
fn opens_sentence(text: &str, start: usize) -> bool {
    text[..start]
        .chars()
        .rev()
        .find(|c| !c.is_whitespace())
        .is_none_or(|c| matches!(c, '.' | '!' | '?' | ':' | '"' | '«' | '“' | '„'))
}

/// The letters of the Latin and Cyrillic blocks by their code points (all but two
/// signs and Cyrillic's combining marks): the Unicode tables cost a lookup per
/// character.
fn is_mark_letter(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '\u{c0}'..='\u{24f}' | '\u{400}'..='\u{481}' | '\u{48a}'..='\u{4ff}')
            && c != '\u{d7}'
            && c != '\u{f7}'
}

/// The longest prefix of `text` of at most `bytes` bytes that ends on a character.
fn prefix(text: &str, bytes: usize) -> &str {
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The actor countries `event` names most often (a visit's guest and host are named
/// again and again, the countries quoted reacting once).
fn most_named(event: &Event) -> Vec<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for country in event.actors.iter().filter_map(|a| a.country.as_deref()) {
        match counts.iter_mut().find(|(c, _)| *c == country) {
            Some((_, n)) => *n += 1,
            None => counts.push((country, 1)),
        }
    }
    let top = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    counts
        .into_iter()
        .filter(|(_, n)| *n == top)
        .map(|(c, _)| c.to_string())
        .collect()
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (anything may follow it). Read by
/// hand: every candidate story's days are read for every article, and a format
/// string parse cost as much as the rest of the match.
pub(crate) fn parse_day(text: &str) -> Option<i32> {
    let bytes = text.as_bytes().get(..10)?;
    let number = |range: std::ops::Range<usize>| {
        bytes[range].iter().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    if bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)?;
    Some(date.signed_duration_since(NaiveDate::default()).num_days() as i32)
}

fn rfc3339_day(text: &str) -> Option<i32> {
    let time = DateTime::parse_from_rfc3339(text).ok()?;
    Some(time.timestamp().div_euclid(86_400) as i32)
}

pub(crate) fn bounded(text: &str) -> String {
    match text.char_indices().nth(HEADLINE_CHARS) {
        Some((end, _)) => text[..end].to_string(),
        None => text.to_string(),
    }
}
