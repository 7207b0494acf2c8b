//! A calendar day as a story keeps it: a number, since every candidate story's days
//! are compared for every article, written `YYYY-MM-DD` in a state.

use std::fmt;

use chrono::NaiveDate;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

impl Day {
    /// The day of a `YYYY-MM-DD` date (anything may follow it).
    pub fn parse(text: &str) -> Option<Day> {
        crate::features::parse_day(text).map(Day)
    }

    /// The day (UTC) of a time in milliseconds since 1970.
    pub fn of_unix_ms(ms: i64) -> Day {
        Day(ms.div_euclid(86_400_000) as i32)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `NaiveDate`'s own display is `YYYY-MM-DD`, without a format string to read.
        let date = NaiveDate::default() + chrono::Duration::days(i64::from(self.0));
        write!(f, "{date}")
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Day, D::Error> {
        let text = String::deserialize(deserializer)?;
        Day::parse(&text).ok_or_else(|| de::Error::custom(format!("invalid day {text:?}")))
    }
}
