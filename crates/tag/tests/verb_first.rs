//! Verb-first clauses (Arabic): the subject, the host, follows the verb, so the
//! visitor's side of "استقبل" starts past it.

mod common;

use common::*;

#[test]
fn a_foreign_minister_received_by_a_crown_prince_is_no_state_visit() {
    let tagging = tag(
        "ar",
        "ولي العهد السعودي يستقبل وزير الخارجية الإيراني في الرياض",
        "استقبل ولي العهد رئيس مجلس الوزراء السعودي الأمير محمد بن سلمان، اليوم الأربعاء \
         في الرياض، وزير الخارجية الإيراني عباس عراقجي، وبحث معه تطورات الأوضاع في المنطقة.",
    );
    assert_not_tagged(&tagging, "state_visit");
}

#[test]
fn a_president_received_by_a_crown_prince_stays_a_state_visit() {
    let tagging = tag(
        "ar",
        "ولي العهد السعودي يستقبل الرئيس التركي في جدة",
        "استقبل ولي العهد رئيس مجلس الوزراء السعودي الأمير محمد بن سلمان، اليوم الأربعاء \
         في جدة، الرئيس التركي رجب طيب أردوغان في زيارة رسمية، وبحث معه العلاقات الثنائية.",
    );
    assert_tagged(&tagging, "state_visit");
}
