//! The event rule file format: `config/events/<lang>.toml`, one per language.
//!
//! Phrases are matched case-insensitively. A phrase may carry markers: a trailing
//! `*` lets the match continue into a longer word (inflections: `санкци*`), a leading
//! `*` lets it start inside a word (German compounds: `*parade`), and a leading `=`
//! matches the exact case only (`=US`, so the pronoun "us" does not match).

use std::collections::BTreeMap;

use serde::Deserialize;

/// One language's rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    /// ISO 639-1 code; must match the file name.
    pub language: String,
    /// False for scripts written without spaces (zh, ja): matches need no word boundary.
    #[serde(default = "yes")]
    pub word_boundaries: bool,
    /// Adjectives follow their noun (fr, es, it, pt, ar: "frappes israéliennes"): a
    /// demonym right after a trigger names the agent, not the target.
    #[serde(default)]
    pub adjectives_follow: bool,
    /// Verbs come last in their clause and only verbs are written in lower case (de:
    /// "Russland hat die Ukraine angegriffen", "während Russland die Ukraine
    /// angriff"): before a lower-case trigger, the clause's first name is the
    /// subject and the names after it the object (the trigger's `after` side).
    #[serde(default)]
    pub verb_final: bool,
    /// Verbs may open their clause, the subject after them (ar: "استقبل السيسي
    /// نظيره التركي", "received Sisi his Turkish counterpart"): where no name stands
    /// before an oriented trigger in its clause, the first name after it that no cue
    /// claims is the subject (the trigger's `before` side).
    #[serde(default)]
    pub verb_first: bool,
    /// Prefixes that may be glued to a word without breaking its boundary (Arabic).
    #[serde(default)]
    pub clitics: Vec<String>,
    /// Lowercase words after which a period does not end a sentence.
    #[serde(default)]
    pub abbreviations: Vec<String>,
    /// Characters that make a following one-character country abbreviation count
    /// (Japanese 訪 in 訪米 "visit to the US", 来 in 来日 "visit to Japan").
    #[serde(default)]
    pub compound_prefixes: Vec<String>,
    /// Words that make a one-character country abbreviation before them count
    /// (Japanese 米軍 "US forces", 米政府 "the US government").
    #[serde(default)]
    pub compound_suffixes: Vec<String>,
    /// Largest distance, in characters, between a status cue and a trigger.
    #[serde(default = "default_status_window")]
    pub status_window: usize,
    /// The same distance for a cue after the trigger, where it is more often about
    /// another verb ("received Sanchez ..., urging the EU to join"); default
    /// `status_window`.
    #[serde(default)]
    pub status_window_after: Option<usize>,
    /// The same distance for a negating cue after the trigger, where languages that
    /// tell a called-off event in the passive put the verb at the clause's end ("la
    /// visite d'État de Charles III en France reportée"); default
    /// `status_window_after`.
    #[serde(default)]
    pub negated_window_after: Option<usize>,
    /// Unspaced scripts with the verb last (ja): a planned or speculative cue that
    /// closes its sentence (at most this many characters before the sentence's end,
    /// "会談する予定だ。") is the modality of every verb the sentence chains to it
    /// ("米国を訪問し、…会談する予定だ"), beyond `status_window_after`.
    #[serde(default)]
    pub final_status_reach: Option<usize>,
    /// The cues that reach so: those of a plan (予定, 方針, 調整), not a forecast of an
    /// outcome (見通し, とみられる), which is about the sentence's last verb alone.
    #[serde(default)]
    pub final_status_cues: Vec<String>,
    /// What stops a sentence-final cue's reach back to a trigger: a finite verb or an
    /// ongoing state between them (ja "訪問した", "訪問中の") closes the trigger's clause.
    #[serde(default)]
    pub final_status_blockers: Vec<String>,
    /// Words whose second character is a compound prefix that starts no compound
    /// there (ja 歴訪 "tour", 来訪 "visit": 歴訪中 is "on a tour", not 訪中 "visit to
    /// China"): no phrase or abbreviation starting inside or right after the prefix
    /// counts.
    #[serde(default)]
    pub non_compounds: Vec<String>,
    /// Cues that make an event planned, speculative or negated.
    pub status: StatusCues,
    /// Words that mark the place where an event happens.
    #[serde(default)]
    pub location: LocationCues,
    /// Calendar words.
    #[serde(default)]
    pub dates: DateWords,
    /// Phrases that give the next (or previous) actor a role.
    #[serde(default, rename = "role_cue")]
    pub role_cues: Vec<RoleCueRule>,
    /// Phrases that make the next (or previous) name what an event is about, not one
    /// of its parties ("talks on Gaza", "the war in Ukraine", "consacré à Gaza").
    #[serde(default, rename = "topic_cue")]
    pub topic_cues: Vec<TopicCueRule>,
    /// Vocabulary of other domains (sport, culture, business, technology), by
    /// domain name of the catalogue: near a trigger it means another sense.
    #[serde(default)]
    pub senses: BTreeMap<String, Vec<String>>,
    /// Salience cues.
    #[serde(default)]
    pub salience: SalienceCues,
    /// Definite articles and demonstratives as written before a noun ("the ", "l'",
    /// "この"): a weak meeting word after one ("the talks"), in a sentence after a
    /// meeting of another kind (ministers', envoys'), refers back to that meeting.
    #[serde(default)]
    pub definite: Vec<String>,
    /// Articles, lower case, in languages whose adjectives follow the noun; one that
    /// ends in an apostrophe is elided onto its word ("l'", "un'"). An article after
    /// a trigger opens another noun phrase, so a demonym behind it names that noun,
    /// not the trigger's agent ("colpiscono i bombardieri russi"). Left out: articles
    /// that double as prepositions keeping the agent ("frappes des forces russes").
    #[serde(default)]
    pub articles: Vec<String>,
    /// Verbs of reacting to an event ("a condamné", "非難した", "表示遗憾"): a later
    /// sentence that tells the event by a weak trigger beside one names who reacts,
    /// not who takes part ("Macron a condamné des attaques d'une grande cruauté").
    #[serde(default)]
    pub reactions: Vec<String>,
    /// Names of summits of many (a bloc's, a forum's, a conference's: "Brics", "G20",
    /// "COP29", "Asean"). A leader's trip told in a sentence with one and a summit noun
    /// ("arrived in Rio for the Brics summit") is taking part in that summit, no state
    /// visit to its host, unless the sentence tells a visit of its own ("a state
    /// visit") or the host receiving the leader (catalogue.toml `part_of`).
    #[serde(default)]
    pub gatherings: Vec<String>,
    /// Office words of ministers and envoys ("foreign minister", "defence secretary",
    /// "the two ministers"): on the visitor's side of a visit trigger, with no leader
    /// there, the trip is a minister's, no state visit; a sentence's first word that
    /// the text names with one ("the Defence Secretary, John Healey", "Wang, China's
    /// foreign minister") is a minister too.
    #[serde(default)]
    pub ministers: Vec<String>,
    /// Titles of heads of state and government ("president", "prime minister"): beside
    /// one, a minister's office word names who comes along, not who travels.
    #[serde(default)]
    pub leader_titles: Vec<String>,
    /// Subordinating conjunctions of a headline ("after", "following", "amid"): an
    /// event told after one, behind another type's trigger in the main clause, is the
    /// background of the headline's event ("cuts short visit after Russian strike").
    #[serde(default)]
    pub subordinators: Vec<String>,
    /// A past date reaches to the end of the trigger's clause (a comma or semicolon),
    /// not only as far as status cues do: "their only full summit took place in
    /// Helsinki in July 2018".
    #[serde(default)]
    pub clause_dates: bool,
    /// Words that open a clause of their own ("since", "when", "who"): with
    /// `clause_dates`, a date after one dates that clause, not the trigger's ("her first
    /// trip since she took office in July").
    #[serde(default)]
    pub clause_openers: Vec<String>,
    /// The subordinate clauses of the lead's sentences too, not only the headline's.
    #[serde(default)]
    pub subordinate_lead: bool,
    /// The event types.
    #[serde(rename = "event")]
    pub events: Vec<EventRule>,
}

fn yes() -> bool {
    true
}

fn default_status_window() -> usize {
    60
}

/// Status cues. An event with no cue near its trigger has occurred.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusCues {
    #[serde(default)]
    pub planned: Vec<String>,
    #[serde(default)]
    pub speculative: Vec<String>,
    #[serde(default)]
    pub negated: Vec<String>,
    /// Phrases that hold a cue but tell no plan (es "será la primera mujer": the
    /// future is the winner's, the vote is over; ja 予定通り "as planned"): a cue inside
    /// one yields to it, and the event stays occurred unless another cue says not.
    #[serde(default)]
    pub occurred: Vec<String>,
    /// Words that join two clauses ("as", "while", "but"): a cue beyond one is about
    /// the other clause's verb ("on a state visit as the Vatican leg stays
    /// postponed", "urged the EU to join ... as he received Sanchez").
    #[serde(default)]
    pub breaks: Vec<String>,
    /// Verbs of calling for, urging or demanding ("called for", "forderten", "呼吁"):
    /// the event they govern is wanted, not done, and planned. They govern a trigger
    /// after them ("urged the EU to adopt new sanctions"), or one before them with
    /// `calls_follow` (Japanese "制裁強化を求めた"); a trigger on their other side is
    /// who calls ("the protesters demand his resignation"), whose status they leave.
    #[serde(default)]
    pub calls: Vec<String>,
    /// The call verb follows what is called for (object-verb order).
    #[serde(default)]
    pub calls_follow: bool,
    /// Negating determiners ("kein", "keine"): they negate the noun they stand
    /// before ("keine Militärparade"), so they cue a trigger after them only; one
    /// after the trigger negates another noun ("das Abkommen ist keine
    /// Beistandsgarantie").
    #[serde(default)]
    pub negating_determiners: Vec<String>,
}

/// Location markers: a place right after a `before` word ("in Beijing") or right
/// before an `after` word (Japanese "北京で") is where the event happens.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LocationCues {
    #[serde(default)]
    pub before: Vec<String>,
    #[serde(default)]
    pub after: Vec<String>,
    /// Reporting verbs: a place right before one is where someone spoke, not where
    /// the event happens ("analysts in Seoul said").
    #[serde(default)]
    pub reporting: Vec<String>,
    /// Subjects that stand for a person named before ("he", "the prime minister"):
    /// a visit told as "He arrived in Paris" is the visit of the leader the article
    /// last named (else the one its title and lead name).
    #[serde(default)]
    pub anaphors: Vec<String>,
}

/// Phrases that displace an event from the story's time or make it subordinate
/// ("days after", "last year", "the previous"): near the trigger they make a
/// mention background.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SalienceCues {
    #[serde(default)]
    pub background: Vec<String>,
    /// Cues that open a subordinate clause of time ("two weeks after he was named
    /// party chief, ..."): before the trigger they displace it only when no comma
    /// closes their clause ahead of it, since the clause after the comma is the
    /// sentence's main one, which they date.
    #[serde(default)]
    pub clause: Vec<String>,
    /// Cues that tie a sentence to the meeting the article reports ("after the talks",
    /// "会谈后", "по итогам переговоров"): before a trigger of a type with
    /// `unnamed_occasions`, the event told as having happened was held there, main
    /// when that meeting or visit is, whoever the sentence names as its parties.
    #[serde(default)]
    pub occasion: Vec<String>,
    /// How a year is told as a starting point, `#` standing for the year ("since #",
    /// "seit #", "с # год", "#年以来", "自#"): the start of a state or the last time
    /// before ("his first visit to Russia since 2019", "in power since 2016"), which
    /// dates no event of the sentence, as a bare past year does.
    #[serde(default)]
    pub since: Vec<String>,
}

/// Calendar words for resolving event dates.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DateWords {
    /// Seven lists, Monday first.
    #[serde(default)]
    pub weekdays: Vec<Vec<String>>,
    /// Twelve lists, January first.
    #[serde(default)]
    pub months: Vec<Vec<String>>,
    /// Relative day words and their offset in days ("yesterday" = -1).
    #[serde(default)]
    pub relative: BTreeMap<String, i8>,
    /// "Last year" told with a day and month ("6 December last year", "昨年10月31日"):
    /// the date is in the year before publication, not the nearest one.
    #[serde(default)]
    pub last_year: Vec<String>,
}

/// A phrase that assigns a role to the nearest actor on one side of it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleCueRule {
    pub phrase: Vec<String>,
    pub role: String,
    /// Event types the cue applies to.
    pub events: Vec<String>,
    /// `after` (default): the first actor after the phrase; `before`: the last one before it.
    #[serde(default)]
    pub side: Side,
}

/// A phrase beside which a country is the topic of an event: it takes no role and
/// is no place of the event ("talks on Gaza" name no Palestinian participant).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TopicCueRule {
    pub phrase: Vec<String>,
    /// Event types the cue applies to (not an attack: "the war in Ukraine" names
    /// its target).
    pub events: Vec<String>,
    /// `after` (default): the first name after the phrase, within a phrase's reach;
    /// `before`: the name right before it ("the Gaza war", "Gaza-Gipfel").
    #[serde(default)]
    pub side: Side,
}

/// Which side of a phrase an actor is on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Side {
    Before,
    #[default]
    After,
}

/// One event type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventRule {
    /// A type of the catalogue (`config/events/catalogue.toml`), which holds its
    /// codes, roles and required arguments.
    #[serde(rename = "type")]
    pub kind: String,
    /// Triggers that fire alone (subject to the catalogue's `min_parties` and exclusions).
    #[serde(default)]
    pub strong: Vec<String>,
    /// Triggers that need a context phrase in the same sentence, or the same event
    /// already found from a strong trigger earlier in the article.
    #[serde(default)]
    pub weak: Vec<String>,
    /// Strong triggers that also skip the catalogue's `min_parties`.
    #[serde(default)]
    pub standalone: Vec<String>,
    /// Phrases that confirm a weak trigger.
    #[serde(default)]
    pub context: Vec<String>,
    /// Confusers: the event does not fire in a sentence holding one; in the title
    /// they block the event for the whole article.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Status cues of this type alone (`planned`): an accord reached, concluded or
    /// agreed in principle is a signing still to come, though the same words tell
    /// nothing about the talks or the visit of its sentence.
    #[serde(default)]
    pub planned: Vec<String>,
    /// Background cues of this type alone: an agreement told as ratified or as
    /// entering into force was signed before the story ("the Duma ratified the
    /// treaty"), though the same words do not date the vote or any other event.
    #[serde(default)]
    pub background: Vec<String>,
    /// Triggers that tell a fight both sides wage ("clashes", "combats", "交火"):
    /// each party named is attacker and target at once.
    #[serde(default)]
    pub mutual: Vec<String>,
    /// Roles of actors by their side of the trigger and for the location's country.
    #[serde(default)]
    pub roles: RoleScheme,
    /// Triggers with their own role orientation ("hosts": host before, visitor after).
    #[serde(default, rename = "trigger")]
    pub oriented: Vec<OrientedTrigger>,
}

/// Default roles of an event type.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleScheme {
    pub before: Option<String>,
    pub after: Option<String>,
    pub location: Option<String>,
    /// Role of the country of a city or region named after the trigger ("strike
    /// Kyiv": the target is Ukraine).
    #[serde(default)]
    pub place: Option<String>,
    /// Role of a country named by its name or demonym rather than by a person, when
    /// no cue says otherwise: the country of a parade is its host ("Angola celebra
    /// ... con un desfile"), its guests are the leaders who attend.
    #[serde(default)]
    pub nation: Option<String>,
}

/// A trigger that overrides the event's role orientation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrientedTrigger {
    pub phrase: Vec<String>,
    #[serde(default)]
    pub weak: bool,
    /// The phrase names a part of a larger event ("talks", "会談"). Kept for the
    /// rule files; talks during a visit are reported as a summit of their own.
    #[serde(default)]
    pub minor: bool,
    /// The phrase names taking part in another event ("attend", "出席"): a sighting
    /// from it alone is a part of that event when the article reports one of the
    /// catalogue's `part_of` types as main (a leader attending a summit is at the
    /// summit), and an event of its own otherwise (attending a parade abroad).
    #[serde(default)]
    pub part: bool,
    #[serde(default)]
    pub before: Option<String>,
    #[serde(default)]
    pub after: Option<String>,
}

/// The catalogue of event types (`config/events/catalogue.toml`), shared by every
/// language: codes, roles, the arguments an event needs and the other senses of its
/// words. Each language file's event types and roles are checked against it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Catalogue {
    /// The domains whose vocabulary marks another sense of a trigger.
    #[serde(rename = "sense")]
    pub senses: Vec<SenseDomain>,
    /// The event types.
    #[serde(rename = "type")]
    pub types: Vec<CatalogueType>,
}

/// A domain of other senses (sport, culture, business, technology, a party's own affairs).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SenseDomain {
    pub name: String,
    /// URL path segments of that section, in any language (`sport`, `deportes`).
    #[serde(default)]
    pub url_sections: Vec<String>,
}

/// One event type of the catalogue.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogueType {
    pub code: String,
    pub cameo: Vec<String>,
    pub plover: Vec<String>,
    /// The role names the type's actors may hold.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Distinct parties (countries, international bodies, people and places by
    /// their country) the event needs, named in its sentence or in the title and
    /// lead: 2 for a state visit (a visitor and a different host) or a summit.
    #[serde(default)]
    pub min_parties: usize,
    /// Distinct parties a meeting word (a `minor` trigger: "met", "talks", "réunion")
    /// needs, when more than `min_parties`: a summit noun names a summit with its
    /// host alone, but a leader meeting officials of their own country (a regional
    /// president, a crisis meeting at a prefecture) holds no summit.
    #[serde(default)]
    pub meeting_parties: usize,
    /// A meeting word tells the type only between leaders: one whose sentence names
    /// a minister or envoy of the gazetteer (`envoy = true`) and the leaders of fewer
    /// than two states is a minister's or an envoy's meeting ("Lavrov held talks with
    /// Araghchi", "Trump received Akazawa"), not a summit.
    #[serde(default)]
    pub leaders_meet: bool,
    /// The type's weak words name what the event leaves behind (an agreement, a
    /// treaty), not the event itself: after occurrences told only as past ("signed in
    /// Minsk last December"), one with nothing of its own to confirm it ("the treaty
    /// binds Belarus") names that document again, and develops no occurrence in the
    /// story's time.
    #[serde(default)]
    pub lasting: bool,
    /// The paragraphs that report the event add as parties only the countries named
    /// in sentences of its own: not one named where a sentence tells another event
    /// (another type's strong trigger: "Trump said the deal followed the strikes on
    /// Iran") or an earlier one (a background cue: "signed a similar pact with Japan
    /// last year").
    #[serde(default)]
    pub paragraph_own_sentences: bool,
    /// Entity kinds that count as parties (`country`, `person`, `place`,
    /// `international_body`, `armed_forces`).
    pub party_kinds: Vec<String>,
    /// Entity kinds that, named in the sentence, mean another sense of the
    /// trigger (`club`, `party`, `company`): a club's trip is not a state visit.
    #[serde(default)]
    pub other_sense_kinds: Vec<String>,
    /// Parties (of `party_kinds`, places excepted: a place says where, not who) the
    /// trigger's own sentence must name when the article has no sighting of the
    /// type yet: a visit needs a visitor in its sentence, the title and lead only
    /// complete it.
    #[serde(default)]
    pub sentence_parties: usize,
    /// The event takes its parties abroad (a state visit): a sentence whose parties
    /// are all of the country where it happens tells a domestic trip.
    #[serde(default)]
    pub abroad: bool,
    /// Event types a `part` trigger's sighting belongs to when the article reports
    /// one of them as main.
    #[serde(default)]
    pub part_of: Vec<String>,
    /// Event types that are the occasion of this one's `minor` sightings (talks
    /// held during a visit): in an article that already reports one, a weak
    /// `minor` trigger needs no context and its sentence no party of its own (the
    /// occasion names them), and talks told as having happened, not displaced, are
    /// main when the occasion is.
    #[serde(default)]
    pub occasions: Vec<String>,
    /// Event types that are the occasion of this one's sightings when those name no
    /// country of their own: "the two governments signed a series of agreements" in
    /// an article about a visit are the visit's parties signing during it, main when
    /// the visit is.
    #[serde(default)]
    pub unnamed_occasions: Vec<String>,
    /// Event types during whose main report a sighting told as having happened, not
    /// displaced, is main with it, as with `occasions`, but which confirm no weak
    /// trigger: "the two leaders held talks" in an article about the treaty they
    /// signed are the signing's talks, while "signed" (said of many documents) is
    /// no context for a meeting word.
    #[serde(default)]
    pub held_during: Vec<String>,
    /// Event types that frame this one: a sighting told once in the body as having
    /// happened, whose two sides are both parties of a main event of these types,
    /// is main with it ("making his first trip to Moscow" in an article about the
    /// treaty he signed there).
    #[serde(default)]
    pub framed_by: Vec<String>,
    /// Event types whose report in the title and lead makes this type's occurrence
    /// told only in the body background, however long the body dwells on it: an
    /// attack an article on a visit or a summit develops is the talks' context, not
    /// what the article reports ("the talks turned to Israel's repeated strikes").
    #[serde(default)]
    pub yields_to: Vec<String>,
    /// Event types whose report as having happened makes this type's occurrence
    /// that has not (still to come, called off, only possible) background, even in
    /// the title and lead: an election ahead is the horizon of the visit or the
    /// protest the article reports ("Trump receives Milei and ties the rescue to a
    /// win in the midterms").
    #[serde(default)]
    pub unhappened_yields_to: Vec<String>,
    /// A person of the gazetteer (a head of state or government, a minister) named
    /// in the trigger's sentence confirms a weak trigger as a title word would
    /// ("Putin's visit to Pyongyang" as "the president's visit").
    #[serde(default)]
    pub leader_context: bool,
    /// A demonym modifying the trigger names the agent ("Russian drone attacks",
    /// "frappes israéliennes"), so the other countries named before the trigger are
    /// not agents too but the other side: the Ukraine of "Ukraine's minister asked for
    /// air defence after Russian drone attacks".
    #[serde(default)]
    pub agent_adjective: bool,
    /// Domains (see `[[sense]]`) whose vocabulary around the trigger, or whose
    /// section in the URL, means another sense of the trigger.
    #[serde(default)]
    pub other_senses: Vec<String>,
    /// Domains of `other_senses` that, when they are the title and lead's, rule the
    /// type out in the whole article even where its context stands: a party's own
    /// vote has candidates, voters and a party, all of an election's context.
    #[serde(default)]
    pub lead_senses: Vec<String>,
    /// A sentence naming `min_parties` states (countries, international bodies or
    /// their leaders) and no entity of `other_sense_kinds` tells the event even under
    /// another domain's section in the URL: states' trade agreements are reported in
    /// economy sections.
    #[serde(default)]
    pub states_over_section: bool,
    /// A company named before the trigger with no person before it is the one that
    /// acts, whatever the type's context around it: "X and Y signed an agreement"
    /// of two companies is their deal, not a state's.
    #[serde(default)]
    pub company_signs: bool,
    /// Event types this one is a sub-aspect of when both are triggered in one
    /// sentence (missiles shown at a parade are not a weapons test).
    #[serde(default)]
    pub aspect_of: Vec<String>,
    /// The role that the parties named in the title and lead hold in a main event
    /// of this type: news leads name who met, signed or drilled together, while the
    /// trigger's sentence often names only one of them.
    #[serde(default)]
    pub lead_role: Option<String>,
    /// The role a party also holds when the event takes place in its own country: a
    /// summit's participant at home is its host ("the summit in Tianjin" with Xi
    /// among its leaders). The party keeps its own role.
    #[serde(default)]
    pub home_role: Option<String>,
}
