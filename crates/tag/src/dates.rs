//! Event dates: weekdays, relative days and day-month expressions, resolved against
//! the article's publication date.

use chrono::{Datelike, Days, NaiveDate};
use newsflow_record::EventStatus;

use crate::model::{Hit, What};

/// Reads a run of ASCII or Arabic-Indic digits ending at `end` (backwards) or
/// starting at `start` (forwards).
fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{0660}'..='\u{0669}' => Some(c as u32 - 0x0660),
        '\u{FF10}'..='\u{FF19}' => Some(c as u32 - 0xFF10),
        _ => None,
    }
}

fn number_after(text: &str) -> Option<(u32, usize)> {
    let mut value = 0u32;
    let mut len = 0;
    let mut digits = 0;
    for c in text.chars() {
        match digit_value(c) {
            Some(d) if digits < 4 => {
                value = value * 10 + d;
                digits += 1;
                len += c.len_utf8();
            }
            _ => break,
        }
    }
    (digits > 0).then_some((value, len))
}

fn number_before(text: &str) -> Option<u32> {
    let mut value = 0u32;
    let mut scale = 1u32;
    let mut digits = 0;
    for c in text.chars().rev() {
        match digit_value(c) {
            Some(d) if digits < 4 => {
                value += d * scale;
                scale *= 10;
                digits += 1;
            }
            _ => break,
        }
    }
    (digits > 0).then_some(value)
}

/// Words allowed between a day number and a month name ("3 de septiembre", "3rd of").
const JOINERS: &[&str] = &["de", "of", "the", "st", "nd", "rd", "th", "er", "."];

fn strip_joiners_end(mut text: &str) -> &str {
    loop {
        let trimmed = text.trim_end();
        let next = JOINERS.iter().find_map(|j| {
            trimmed
                .strip_suffix(j)
                .filter(|rest| rest.len() < trimmed.len())
        });
        match next {
            Some(rest) if rest != text => text = rest,
            _ => return trimmed,
        }
    }
}

/// A year written with a month that has no day: "in October 2023", "octubre de
/// 2023", CJK "2023年9月".
fn month_year(lowered: &str, hit: &Hit) -> Option<i32> {
    let before = lowered[..hit.start].trim_end();
    let year_before = before.strip_suffix('年').and_then(number_before);
    let after = lowered[hit.end..]
        .trim_start_matches([',', ' '])
        .trim_start_matches("de ")
        .trim_start_matches("del ");
    let year_after = number_after(after)
        .filter(|(_, len)| *len == 4)
        .map(|(y, _)| y);
    year_before
        .or(year_after)
        .filter(|y| *y >= 1900)
        .map(|y| y as i32)
}

/// Day of month written right before or after a month name, and a year if one
/// follows or (CJK "2025年9月") precedes.
fn day_and_year(lowered: &str, hit: &Hit) -> Option<(u32, Option<i32>)> {
    let before = strip_joiners_end(&lowered[..hit.start]);
    let after_text = &lowered[hit.end..];
    let after = after_text.trim_start();
    let year_before = before
        .strip_suffix('年')
        .and_then(number_before)
        .filter(|y| *y >= 1900)
        .map(|y| y as i32);
    // A year right after the month ("7 ottobre 2023") is no day: the day then
    // stands before the month.
    let day_after = number_after(after).filter(|(n, len)| *len < 4 && *n <= 31);
    let (day, rest) = if let Some((day, len)) = day_after {
        (day, &after[len..])
    } else {
        let day = number_before(before)?;
        (day, after)
    };
    if !(1..=31).contains(&day) {
        return None;
    }
    let rest = rest
        .trim_start_matches(['日', '号', ',', '.', ' '])
        .trim_start_matches("st")
        .trim_start_matches("nd")
        .trim_start_matches("rd")
        .trim_start_matches("th")
        .trim_start_matches([',', ' '])
        .trim_start_matches("de ");
    let year_after = number_after(rest)
        .filter(|(y, len)| *y >= 1900 && *len == 4)
        .map(|(y, _)| y as i32);
    Some((day, year_before.or(year_after)))
}

/// The date of an event from the date words in its sentence, or `None`, and
/// whether it was written out (a day and month). A written date wins over a weekday
/// in the same sentence: "officials said on Thursday" dates the statement, "on
/// September 3" the event.
pub(crate) fn resolve(
    lowered: &str,
    hits: &[Hit],
    published: Option<NaiveDate>,
    status: EventStatus,
) -> Option<(String, bool)> {
    let forward = matches!(status, EventStatus::Planned | EventStatus::Speculative);
    let months = hits.iter().filter(|h| matches!(h.what, What::Month(_)));
    let others = hits.iter().filter(|h| !matches!(h.what, What::Month(_)));
    for hit in months.chain(others) {
        let date = match hit.what {
            What::Month(month) => {
                if inside_number(lowered, hit) {
                    continue;
                }
                let Some((day, year)) = day_and_year(lowered, hit) else {
                    continue;
                };
                match year {
                    Some(year) => NaiveDate::from_ymd_opt(year, month as u32, day),
                    None => published.and_then(|p| unwritten_year(lowered, hits, hit, p, day)),
                }
            }
            // "officials said on Thursday": the day of the statement, not the event's.
            What::Weekday(_) if said_just_before(lowered, hits, hit) => continue,
            What::Weekday(weekday) => published.and_then(|p| {
                let today = p.weekday().num_days_from_monday() as i64;
                let target = weekday as i64;
                let delta = if forward {
                    (target - today).rem_euclid(7)
                } else {
                    -((today - target).rem_euclid(7))
                };
                shift(p, delta)
            }),
            What::Relative(_) if shadowed(hits, hit) => continue,
            What::Relative(offset) => published.and_then(|p| shift(p, offset as i64)),
            _ => continue,
        };
        if let Some(date) = date {
            let written = matches!(hit.what, What::Month(_));
            return Some((date.format("%Y-%m-%d").to_string(), written));
        }
    }
    None
}

/// Whether a reporting verb ("said", "told") ends at most one short word before
/// `hit` ("said on Thursday", "told reporters Monday").
fn said_just_before(lowered: &str, hits: &[Hit], hit: &Hit) -> bool {
    hits.iter().any(|h| {
        matches!(h.what, What::Reporting)
            && h.end <= hit.start
            && hit.start - h.end <= 12
            && lowered[h.end..hit.start].split_whitespace().count() <= 2
    })
}

/// Whether the sentence dates something after publication: a day-month later than
/// `published`, a month name one to four months ahead ("elections in October" in a
/// September article), or "tomorrow". Weekdays are left out: "on Monday" is as often
/// past as future.
pub(crate) fn mentions_future(lowered: &str, hits: &[Hit], published: Option<NaiveDate>) -> bool {
    let Some(published) = published else {
        return false;
    };
    hits.iter().any(|hit| match hit.what {
        What::Month(_) if inside_number(lowered, hit) => false,
        What::Month(month) => match day_and_year(lowered, hit) {
            Some((day, Some(year))) => {
                NaiveDate::from_ymd_opt(year, month as u32, day).is_some_and(|d| d > published)
            }
            Some((day, None)) => {
                unwritten_year(lowered, hits, hit, published, day).is_some_and(|d| d > published)
            }
            // "in September 2023" is that September, not the coming one.
            None => match month_year(lowered, hit) {
                Some(year) => (year, month as u32) > (published.year(), published.month()),
                None if told_last_year(lowered, hits, hit) => false,
                None => {
                    let ahead = (month as i32 - published.month() as i32).rem_euclid(12);
                    (1..=4).contains(&ahead)
                }
            },
        },
        What::Relative(offset) => offset > 0 && !shadowed(hits, hit),
        _ => false,
    })
}

/// Whether a relative day word lies inside a longer relative phrase, which gives the
/// day instead: Spanish "mañana" is "tomorrow" alone but "the morning" in "por la
/// mañana", and "pasado mañana" is two days on.
fn shadowed(hits: &[Hit], hit: &Hit) -> bool {
    hits.iter().any(|h| {
        matches!(h.what, What::Relative(_))
            && h.start <= hit.start
            && h.end >= hit.end
            && h.end - h.start > hit.end - hit.start
    })
}

/// The first month the sentence names that lies weeks before publication ("in July"
/// in an October article, "on 13 June" in July): an event placed there is context
/// for the story, not the story. Returns the mention's byte range.
pub(crate) fn mentions_past(
    lowered: &str,
    hits: &[Hit],
    published: Option<NaiveDate>,
) -> Option<(usize, usize)> {
    let published = published?;
    let weeks_before = |d: NaiveDate| (published - d).num_days() > 27;
    hits.iter()
        .find(|hit| match hit.what {
            What::Month(_) if inside_number(lowered, hit) => false,
            What::Month(month) => match day_and_year(lowered, hit) {
                Some((day, Some(year))) => {
                    NaiveDate::from_ymd_opt(year, month as u32, day).is_some_and(weeks_before)
                }
                Some((day, None)) => {
                    unwritten_year(lowered, hits, hit, published, day).is_some_and(weeks_before)
                }
                None if told_last_year(lowered, hits, hit) => true,
                None => {
                    let behind = (published.month() as i32 - month as i32).rem_euclid(12);
                    (2..=6).contains(&behind)
                }
            },
            _ => false,
        })
        .map(|hit| (hit.start, hit.end))
}

/// Words for "this month" before a day number in CJK news ("今月9日", "本月9日"):
/// a day of the month written out is not the story's "9日" but another time.
const THIS_MONTH: &[&str] = &["今月", "本月"];

/// A day of the current month ("今月9日") at least three days before publication, in
/// `text`: the span of the phrase. News dates the story's own event by the day
/// alone ("18日"); naming the month dates an earlier one.
pub(crate) fn this_month_past(text: &str, published: Option<NaiveDate>) -> Option<(usize, usize)> {
    let published = published?;
    for word in THIS_MONTH {
        for (i, _) in text.match_indices(word) {
            let after = &text[i + word.len()..];
            let Some((day, len)) = number_after(after) else {
                continue;
            };
            let Some(unit) = after[len..]
                .chars()
                .next()
                .filter(|c| matches!(c, '日' | '号'))
            else {
                continue;
            };
            if day >= 1 && day + 3 <= published.day() {
                return Some((i, i + word.len() + len + unit.len_utf8()));
            }
        }
    }
    None
}

/// "11月" also contains "1月" (and "12月4日" "2月4日"): a month written with digits
/// must not continue a number.
fn inside_number(lowered: &str, hit: &Hit) -> bool {
    lowered[..hit.start]
        .chars()
        .next_back()
        .and_then(digit_value)
        .is_some()
        && lowered[hit.start..]
            .chars()
            .next()
            .and_then(digit_value)
            .is_some()
}

fn shift(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        date.checked_add_days(Days::new(days as u64))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

/// The date of a day and month written with no year: in the year before publication
/// when the sentence says "last year" beside it, else the one nearest publication.
fn unwritten_year(
    lowered: &str,
    hits: &[Hit],
    hit: &Hit,
    published: NaiveDate,
    day: u32,
) -> Option<NaiveDate> {
    let What::Month(month) = hit.what else {
        return None;
    };
    if told_last_year(lowered, hits, hit) {
        NaiveDate::from_ymd_opt(published.year() - 1, month as u32, day)
    } else {
        nearest_year(published, month as u32, day)
    }
}

/// Most bytes between a day and month and the "last year" after it: a day number and
/// joiners ("December 6 last year", "18 de noviembre del año pasado").
const LAST_YEAR_REACH: usize = 16;

/// Whether "last year" (`dates.last_year`) stands right before the month `hit`
/// ("昨年10月31日", "去年8月24日") or after it and its day with nothing but a day number
/// and joiners between ("6 декабря прошлого года", "December 6 last year").
fn told_last_year(lowered: &str, hits: &[Hit], hit: &Hit) -> bool {
    hits.iter().any(|h| {
        if !matches!(h.what, What::LastYear) {
            return false;
        }
        if h.end <= hit.start {
            let gap = &lowered[h.end..hit.start];
            gap.len() <= 3 && gap.trim().is_empty()
        } else if h.start >= hit.end {
            let gap = &lowered[hit.end..h.start];
            gap.len() <= LAST_YEAR_REACH
                && gap
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, ' ' | ',' | '\'' | '’'))
        } else {
            false
        }
    })
}

/// The four-digit years (ASCII or full-width digits, "2024", "２０２４") in `text`
/// that no other digit continues: their byte ranges and values.
pub(crate) fn years_in(text: &str) -> Vec<(usize, usize, i32)> {
    let mut years = Vec::new();
    let mut run: Option<(usize, u32, usize)> = None;
    let mut close = |run: Option<(usize, u32, usize)>, end: usize| {
        if let Some((start, value, 4)) = run {
            years.push((start, end, value as i32));
        }
    };
    for (i, c) in text.char_indices() {
        match (digit_value(c), run) {
            // Only a run of four digits is a year: longer ones keep no value, so a
            // number of any length cannot overflow it.
            (Some(d), Some((start, value, n))) => {
                let value = if n < 4 { value * 10 + d } else { value };
                run = Some((start, value, n.saturating_add(1)));
            }
            (Some(d), None) => run = Some((i, d, 1)),
            (None, _) => {
                close(run.take(), i);
            }
        }
    }
    close(run, text.len());
    years
}

/// The digits (ASCII or full-width) that end at `end` of `text`, and those that start
/// there: their byte lengths.
pub(crate) fn digits_around(text: &str, end: usize) -> (usize, usize) {
    let head = text[..end]
        .chars()
        .rev()
        .take_while(|c| digit_value(*c).is_some())
        .map(char::len_utf8)
        .sum();
    let tail = text[end..]
        .chars()
        .take_while(|c| digit_value(*c).is_some())
        .map(char::len_utf8)
        .sum();
    (head, tail)
}

/// The value of a run of digits (ASCII or full-width), all of `text`.
pub(crate) fn number(text: &str) -> Option<u32> {
    number_after(text)
        .filter(|(_, len)| *len == text.len())
        .map(|(n, _)| n)
}

/// A day-month with no year: the year that puts it closest to publication.
fn nearest_year(published: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    [published.year() - 1, published.year(), published.year() + 1]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .min_by_key(|d| (*d - published).num_days().abs())
}

/// Publication date from an RFC 3339 timestamp (or a bare date).
pub(crate) fn published_date(published_at: Option<&str>) -> Option<NaiveDate> {
    let text = published_at?.trim();
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|d| d.date_naive())
        .ok()
        .or_else(|| NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok())
}

/// Whether a year after the publication's names the event its trigger opens: right
/// after it or after "de", "of", "in" ("la présidentielle de 2027", "las elecciones
/// generales de 2027", "die Bundestagswahl 2029") or just before it ("the 2027
/// presidential election"). The reach is a few words within the clause, so that a
/// target year further on ("trade to double by 2030", "jusqu'en 2030") dates nothing.
/// `sentence` is the trigger's sentence alone, so that a body with no punctuation is not
/// searched to its end for every trigger.
pub(crate) fn names_later_year(
    sentence: &str,
    trigger_start: usize,
    trigger_end: usize,
    published: Option<NaiveDate>,
) -> bool {
    /// Words after the trigger before its year: "de", "of", "celles de".
    const AFTER_WORDS: usize = 3;
    const LINKS: [&str; 14] = [
        "de", "del", "di", "des", "du", "of", "en", "in", "em", "do", "da", "im", "von", "el",
    ];
    let Some(published) = published else {
        return false;
    };
    let later = |word: &str| {
        let word = word.trim_matches(|c: char| !c.is_ascii_digit());
        word.len() == 4
            && word.chars().all(|c| c.is_ascii_digit())
            && word
                .parse::<i32>()
                .is_ok_and(|y| (1900..=2100).contains(&y) && y > published.year())
    };
    let clause_end = |c: char| matches!(c, '.' | ';' | '!' | '?' | '\n' | ':' | '(' | ')');
    let after = &sentence[trigger_end..];
    let after = &after[..after.find(clause_end).unwrap_or(after.len())];
    let words: Vec<&str> = after.split_whitespace().take(AFTER_WORDS + 1).collect();
    let ahead = words.iter().enumerate().any(|(i, word)| {
        later(word)
            && (i == 0 && !after.starts_with(|c: char| c.is_alphanumeric())
                || i > 0 && LINKS.contains(&words[i - 1].trim_matches(',')))
    });
    // "the 2027 presidential election": the year one or two words before.
    let before = &sentence[..trigger_start];
    let before = &before[before.rfind(clause_end).map_or(0, |i| i + 1)..];
    let back = before
        .split_whitespace()
        .rev()
        .take(2)
        .any(|word| later(word) && !word.contains(','));
    ahead || back
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month_hit(text: &str, word: &str, month: u8) -> Hit {
        let start = text.find(word).unwrap();
        Hit {
            start,
            end: start + word.len(),
            what: What::Month(month),
        }
    }

    #[test]
    fn a_year_after_the_month_leaves_the_day_before_it() {
        // "del 7 ottobre 2023" in a September 2025 article is past, not a coming October.
        let published = NaiveDate::from_ymd_opt(2025, 9, 10);
        let text = "il massacro del 7 ottobre 2023, assicurando";
        let hit = month_hit(text, "ottobre", 10);
        assert_eq!(day_and_year(text, &hit), Some((7, Some(2023))));
        assert!(!mentions_future(text, &[hit], published));
        // A month with a year and no day is that year's month.
        let published = NaiveDate::from_ymd_opt(2025, 8, 20);
        for (text, word, month) in [
            ("金氏は2023年9月にロシア極東を訪れ", "9月", 9),
            ("visited in september 2023", "september", 9),
        ] {
            let hit = month_hit(text, word, month);
            assert!(!mentions_future(text, &[hit], published), "{text}");
        }
        let text = "due in september";
        let hit = month_hit(text, "september", 9);
        assert!(mentions_future(text, &[hit], published));
    }

    #[test]
    fn day_month_in_several_orders() {
        let published = NaiveDate::from_ymd_opt(2025, 8, 28);
        for (text, word, month) in [
            ("on 3 september", "september", 9),
            ("on september 3rd", "september", 9),
            ("el 3 de septiembre", "septiembre", 9),
            ("3 сентября", "сентября", 9),
            ("9月3日", "9月", 9),
        ] {
            let hit = month_hit(text, word, month);
            assert_eq!(
                resolve(text, &[hit], published, EventStatus::Planned)
                    .map(|(d, _)| d)
                    .as_deref(),
                Some("2025-09-03"),
                "{text}"
            );
        }
    }

    #[test]
    fn chinese_year_before_month_is_used() {
        let text = "2024年9月3日";
        let hit = month_hit(text, "9月", 9);
        assert_eq!(
            resolve(text, &[hit], None, EventStatus::Occurred)
                .map(|(d, _)| d)
                .as_deref(),
            Some("2024-09-03")
        );
    }

    #[test]
    fn weekday_looks_back_for_past_events_and_ahead_for_planned_ones() {
        // 2025-08-28 is a Thursday.
        let published = NaiveDate::from_ymd_opt(2025, 8, 28);
        let tuesday = Hit {
            start: 0,
            end: 7,
            what: What::Weekday(1),
        };
        assert_eq!(
            resolve("tuesday", &[tuesday], published, EventStatus::Occurred)
                .map(|(d, _)| d)
                .as_deref(),
            Some("2025-08-26")
        );
        assert_eq!(
            resolve("tuesday", &[tuesday], published, EventStatus::Planned)
                .map(|(d, _)| d)
                .as_deref(),
            Some("2025-09-02")
        );
    }

    #[test]
    fn publication_date_parses_rfc3339() {
        assert_eq!(
            published_date(Some("2025-08-28T09:00:00Z")),
            NaiveDate::from_ymd_opt(2025, 8, 28)
        );
        assert_eq!(published_date(Some("garbage")), None);
    }
}
