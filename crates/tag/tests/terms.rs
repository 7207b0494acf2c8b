//! A leader's term of office decides the visits their meetings imply: news of 2024
//! tells a president's visits even after a successor took office, and a leader named
//! in news after their term meets abroad as a former leader, on no state visit.

mod common;

use common::{article, assert_tagged, kinds, tagger};

fn visits(published: &str) -> usize {
    let mut news = article(
        "en",
        "Biden and Macron hold talks at the Elysee",
        "US President Joe Biden met French President Emmanuel Macron at the Elysee \
         Palace in Paris on Saturday.\n\n\
         The two leaders discussed Ukraine and trade for two hours.",
    );
    news.published_at = Some(published.into());
    let tagging = tagger().tag(&news);
    assert_tagged(&tagging, "summit");
    kinds(&tagging)
        .iter()
        .filter(|kind| **kind == "state_visit")
        .count()
}

#[test]
fn a_leader_in_office_meeting_abroad_is_on_a_state_visit() {
    assert_eq!(visits("2024-06-08T12:00:00Z"), 1);
}

#[test]
fn a_leader_named_after_their_term_is_on_no_state_visit() {
    assert_eq!(visits("2025-06-08T12:00:00Z"), 0);
}
