//! Definite meeting words ("the meeting", "the talks") after a sentence that told a
//! meeting of another kind (ministers', envoys', ruled out by an `exclude` phrase)
//! refer back to that meeting and report no summit of their own.

mod common;

use common::*;
use newsflow_record::Salience;

#[test]
fn the_meeting_after_a_ministers_meeting_is_that_meeting() {
    let tagging = tag(
        "en",
        "Rubio and Lavrov agree in Riyadh to work towards ending Ukraine war",
        "Senior American and Russian officials agreed in Riyadh on Tuesday to restore their embassies' staff and to set up teams to negotiate an end to the war in Ukraine, after four and a half hours of talks from which Kyiv and its European allies were left out.\n\nSecretary of State Marco Rubio, national security adviser Mike Waltz and the envoy Steve Witkoff met the Russian foreign minister Sergei Lavrov and Yuri Ushakov, a foreign policy adviser to Vladimir Putin, at the Diriyah Palace. Saudi Arabia's foreign minister Prince Faisal bin Farhan and national security adviser Musaed al-Aiban opened the meeting.\n\nRubio said the conflict had to end in a way that was fair, enduring and acceptable to all sides, and that Europe would have to be at the table at some point because of its sanctions on Russia. Lavrov said the conversation had been useful and that the Americans had begun to understand Moscow's position better. He repeated that Russia would not accept troops from Nato countries in Ukraine as peacekeepers.\n\nVolodymyr Zelensky, who was visiting the United Arab Emirates, said Ukraine would not recognise any outcome reached without it, and postponed a trip to Saudi Arabia planned for Wednesday.\n\nThe meeting was the highest-level contact between the two countries since Russia's full-scale invasion of Ukraine three years ago. It followed a telephone conversation on 12 February between Donald Trump and Putin, in which the two leaders agreed to start negotiations.\n\nUshakov said it was too early to set a date for a meeting of the presidents, although Trump has said he expects to meet Putin soon, possibly in Saudi Arabia. The two men last held talks in person in Osaka in June 2019. Their only full summit took place in Helsinki in July 2018.",
    );
    let anaphor = tagging.events.iter().any(|e| {
        e.kind == "summit"
            && e.evidence
                .text
                .starts_with("The meeting was the highest-level")
    });
    assert!(!anaphor, "{:?}", tagging.events);
}

#[test]
fn the_meeting_after_leaders_talks_stays_their_summit() {
    let tagging = tag(
        "en",
        "Trump and Putin hold summit in Alaska",
        "President Donald Trump held talks with President Vladimir Putin at a military base in \
         Anchorage on Friday.\n\n\
         The meeting was the first between the two leaders since 2019, and the talks lasted \
         nearly three hours.",
    );
    let summits = saliences(&tagging, "summit");
    assert!(summits.contains(&Salience::Main), "{summits:?}");
}
