//! The gazetteer: countries, people and places with their names per language.
//!
//! Files (see `config/gazetteer/README.md`): `countries.toml` (`[[country]]` with
//! `code`, `name`, `names.<lang>`, `demonyms.<lang>`, `capital`), `people.toml`
//! (`[[person]]` with `name`, `country`, `office`, `names.<lang>`) and `places.toml`
//! (`[[place]]` with `name`, `country`, `names.<lang>`). Names use the same markers
//! as rule phrases (`*` for inflections, `=` for exact case). A country may carry
//! one-character `abbreviations` (Chinese and Japanese 米, 韓, 澳), which only count
//! inside compounds (日韓, 訪米); a supranational union (`EU`) has a two-letter code.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use newsflow_data::DataDir;
use serde::Deserialize;

use crate::config::LoadError;
use crate::text::lower_aligned;

/// What a gazetteer entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntityKind {
    Country,
    Person,
    Place,
    /// A union or organisation of states (EU, UN, NATO): a party like a state.
    Body,
    /// A state's armed forces: a party to attacks and drills like their state.
    ArmedForces,
    /// Sports clubs, political parties and companies: named as a participant,
    /// they mean another sense of a trigger. Not reported as entities.
    Club,
    Party,
    Company,
}

impl EntityKind {
    /// The kind's name in the catalogue (`config/events/catalogue.toml`).
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "country" => EntityKind::Country,
            "person" => EntityKind::Person,
            "place" => EntityKind::Place,
            "international_body" => EntityKind::Body,
            "armed_forces" => EntityKind::ArmedForces,
            "club" => EntityKind::Club,
            "party" => EntityKind::Party,
            "company" => EntityKind::Company,
            _ => return None,
        })
    }

    /// Bit of the kind in a kind mask.
    pub fn bit(self) -> u8 {
        1 << self as u8
    }

    /// Whether mentions of the kind stand for their country (as actors, parties
    /// and in `entities.countries`).
    pub fn stands_for_country(self) -> bool {
        !matches!(
            self,
            EntityKind::Club | EntityKind::Party | EntityKind::Company
        )
    }
}

/// One entry, resolved to its country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entity {
    pub kind: EntityKind,
    /// Canonical name (English).
    pub name: String,
    /// ISO 3166 alpha-3 code (or `EU` for the European Union).
    pub country: String,
    /// A bare office title ("首相" in Japanese news is Japan's prime minister): it
    /// stands for its holder only when no name or country is attached to it.
    pub generic: bool,
}

/// Names per language code.
type Names = BTreeMap<String, Vec<String>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CountryFile {
    country: Vec<CountryEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CountryEntry {
    code: String,
    name: String,
    #[serde(default)]
    names: Names,
    #[serde(default)]
    demonyms: Names,
    #[serde(default)]
    capital: Option<String>,
    /// Names shared with another country on purpose (they are then not matched).
    #[serde(default)]
    ambiguous: Vec<String>,
    /// One-character forms used in compounds (日韓, 中澳, 訪米), per language.
    #[serde(default)]
    abbreviations: Names,
    /// A union of countries (the EU) rather than a country: its code is not ISO 3166.
    #[serde(default)]
    supranational: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonFile {
    person: Vec<PersonEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonEntry {
    name: String,
    country: String,
    /// Documentation for maintainers; not used in matching.
    #[serde(default)]
    #[allow(dead_code)]
    office: Option<String>,
    #[serde(default)]
    names: Names,
    /// The names are a bare office title, resolved to the office's country.
    #[serde(default)]
    generic: bool,
    /// A head of state or government (not a minister or envoy).
    #[serde(default)]
    leader: bool,
    /// The day a leader took office: in news published before it (a leader-elect, a
    /// candidate) they lead no state yet.
    #[serde(default)]
    took_office: Option<NaiveDate>,
    /// The day a leader left office: in news published before it they still led
    /// their state (a 2024 visit by a president since succeeded).
    #[serde(default)]
    left_office: Option<NaiveDate>,
    /// A minister or envoy who travels for a government (a foreign or defence
    /// minister, a secretary of state, a special envoy): their trips are no state
    /// visits.
    #[serde(default)]
    envoy: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganisationFile {
    organisation: Vec<OrganisationEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganisationEntry {
    name: String,
    /// `armed_forces`, `club`, `party` or `company`.
    kind: String,
    country: String,
    #[serde(default)]
    names: Names,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceFile {
    place: Vec<PlaceEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceEntry {
    name: String,
    country: String,
    #[serde(default)]
    names: Names,
}

/// The loaded gazetteer: entities, and per entity the names by language.
#[derive(Debug, Clone, Default)]
pub(crate) struct Gazetteer {
    pub entities: Vec<Entity>,
    /// `(entity index, language, name as written in the file)`.
    pub names: Vec<(u32, String, String)>,
    /// Demonyms ("Israeli", "israélien*"), same layout as `names`: an adjective names
    /// its country as the agent where the language puts adjectives after the noun.
    pub demonyms: Vec<(u32, String, String)>,
    /// Country abbreviations, same layout as `names`.
    pub abbreviations: Vec<(u32, String, String)>,
    /// English name of each country code.
    pub country_names: HashMap<String, String>,
    /// Lowercased names marked ambiguous: not matched.
    pub ambiguous: HashSet<String>,
    /// Canonical names of the heads of state and government (`leader = true`),
    /// with their terms of office.
    pub leaders: HashMap<String, Term>,
    /// Canonical names of ministers and envoys (`envoy = true`).
    pub envoys: HashSet<String>,
}

/// A leader's term of office; an open end is still running (or began before the
/// news the gazetteer serves).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Term {
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl Term {
    /// Whether the term covers `day`; with no date (an article without one), whether
    /// the leader is in office now, i.e. the term has no end.
    pub fn covers(&self, day: Option<NaiveDate>) -> bool {
        match day {
            Some(day) => {
                self.from.is_none_or(|from| from <= day)
                    && self.until.is_none_or(|until| day < until)
            }
            None => self.until.is_none(),
        }
    }
}

fn read<T: for<'de> Deserialize<'de>>(data: &DataDir, path: &Path) -> Result<T, LoadError> {
    let shown = data.describe(path);
    let text = data
        .read_to_string(path)
        .map_err(|e| LoadError::new(&shown, e))?;
    toml::from_str(&text).map_err(|e| LoadError::new(&shown, e))
}

fn is_iso3(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Codes of unions and organisations of countries (EU, UN, NATO), as the labels and
/// the output schema spell them.
fn is_union_code(code: &str) -> bool {
    (2..=4).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase())
}

impl Gazetteer {
    /// Whether `name` (canonical) led a state on `day`, the article's publication.
    pub fn led_on(&self, name: &str, day: Option<NaiveDate>) -> bool {
        self.leaders.get(name).is_some_and(|term| term.covers(day))
    }

    /// Loads the three gazetteer files from `dir` and checks them: known country
    /// codes, capitals that exist, and no name shared by two countries unless both
    /// list it under `ambiguous`.
    #[cfg(test)]
    pub fn load(dir: &Path) -> Result<Self, LoadError> {
        Gazetteer::load_from(&DataDir::Disk(dir.to_path_buf()), Path::new(""))
    }

    /// Like [`Gazetteer::load`], from directory `dir` of `data`.
    pub fn load_from(data: &DataDir, dir: &Path) -> Result<Self, LoadError> {
        let countries: CountryFile = read(data, &dir.join("countries.toml"))?;
        let people: PersonFile = read(data, &dir.join("people.toml"))?;
        let places: PlaceFile = read(data, &dir.join("places.toml"))?;
        let countries_path = data.describe(&dir.join("countries.toml"));
        let people_path = data.describe(&dir.join("people.toml"));
        let places_path = data.describe(&dir.join("places.toml"));
        // Optional: a gazetteer without organisations still loads.
        let organisations_path = dir.join("organisations.toml");
        let organisations: OrganisationFile = if data.exists(&organisations_path) {
            read(data, &organisations_path)?
        } else {
            OrganisationFile::default()
        };

        let mut gazetteer = Gazetteer::default();
        let mut ambiguous: HashMap<String, Vec<String>> = HashMap::new();
        for entry in &countries.country {
            let valid = if entry.supranational {
                is_union_code(&entry.code)
            } else {
                is_iso3(&entry.code)
            };
            if !valid {
                return Err(LoadError::msg(
                    &countries_path,
                    format!(
                        "{}: `{}` is not an ISO 3166 alpha-3 code (or a two-letter \
                         code with `supranational = true`)",
                        entry.name, entry.code
                    ),
                ));
            }
            if gazetteer
                .country_names
                .insert(entry.code.clone(), entry.name.clone())
                .is_some()
            {
                return Err(LoadError::msg(
                    &countries_path,
                    format!("country code {} is listed twice", entry.code),
                ));
            }
            for name in &entry.ambiguous {
                ambiguous
                    .entry(lower_aligned(name))
                    .or_default()
                    .push(entry.code.clone());
            }
            let kind = if entry.supranational {
                EntityKind::Body
            } else {
                EntityKind::Country
            };
            let id = gazetteer.push(kind, &entry.name, &entry.code, false);
            gazetteer.add_names(id, &entry.names);
            for (language, list) in &entry.demonyms {
                for name in list {
                    gazetteer
                        .demonyms
                        .push((id, language.clone(), name.clone()));
                }
            }
            for (language, list) in &entry.abbreviations {
                for name in list {
                    if name.chars().count() != 1 {
                        return Err(LoadError::msg(
                            &countries_path,
                            format!("{}: abbreviation `{name}` is not one character", entry.code),
                        ));
                    }
                    gazetteer
                        .abbreviations
                        .push((id, language.clone(), name.clone()));
                }
            }
        }
        for entry in &people.person {
            gazetteer.check_country(&people_path, &entry.name, &entry.country)?;
            let id = gazetteer.push(
                EntityKind::Person,
                &entry.name,
                &entry.country,
                entry.generic,
            );
            gazetteer.add_names(id, &entry.names);
            if !entry.leader && (entry.took_office.is_some() || entry.left_office.is_some()) {
                return Err(LoadError::msg(
                    &people_path,
                    format!("{}: a term of office is for `leader = true`", entry.name),
                ));
            }
            if entry.leader {
                let term = Term {
                    from: entry.took_office,
                    until: entry.left_office,
                };
                gazetteer.leaders.insert(entry.name.clone(), term);
            }
            if entry.envoy {
                gazetteer.envoys.insert(entry.name.clone());
            }
        }
        for entry in &places.place {
            gazetteer.check_country(&places_path, &entry.name, &entry.country)?;
            let id = gazetteer.push(EntityKind::Place, &entry.name, &entry.country, false);
            gazetteer.add_names(id, &entry.names);
        }
        for entry in &organisations.organisation {
            gazetteer.check_country(&organisations_path, &entry.name, &entry.country)?;
            let kind = match EntityKind::parse(&entry.kind) {
                Some(
                    kind @ (EntityKind::ArmedForces
                    | EntityKind::Club
                    | EntityKind::Party
                    | EntityKind::Company),
                ) => kind,
                _ => {
                    return Err(LoadError::msg(
                        &organisations_path,
                        format!(
                            "{}: kind `{}` is not armed_forces, club, party or company",
                            entry.name, entry.kind
                        ),
                    ))
                }
            };
            let id = gazetteer.push(kind, &entry.name, &entry.country, false);
            gazetteer.add_names(id, &entry.names);
        }
        for entry in &countries.country {
            if let Some(capital) = &entry.capital {
                let found = gazetteer.entities.iter().any(|e| {
                    e.kind == EntityKind::Place && &e.name == capital && e.country == entry.code
                });
                if !found {
                    return Err(LoadError::msg(
                        &countries_path,
                        format!("{}: capital {capital} is not in places.toml", entry.code),
                    ));
                }
            }
        }
        gazetteer.ambiguous = gazetteer.check_collisions(dir, &ambiguous)?;
        Ok(gazetteer)
    }

    fn push(&mut self, kind: EntityKind, name: &str, country: &str, generic: bool) -> u32 {
        self.entities.push(Entity {
            kind,
            name: name.to_string(),
            country: country.to_string(),
            generic,
        });
        (self.entities.len() - 1) as u32
    }

    fn add_names(&mut self, id: u32, names: &Names) {
        for (language, list) in names {
            for name in list {
                self.names.push((id, language.clone(), name.clone()));
            }
        }
    }

    fn check_country(&self, path: &Path, name: &str, code: &str) -> Result<(), LoadError> {
        if self.country_names.contains_key(code) {
            Ok(())
        } else {
            Err(LoadError::msg(
                path,
                format!("{name}: country {code} is not in countries.toml"),
            ))
        }
    }

    /// A name (lowercased, markers kept) must point at one country.
    fn check_collisions(
        &self,
        dir: &Path,
        ambiguous: &HashMap<String, Vec<String>>,
    ) -> Result<HashSet<String>, LoadError> {
        // Checked across languages, since every language also matches English names.
        let mut seen: HashMap<String, &str> = HashMap::new();
        let mut shared = HashSet::new();
        for (id, language, name) in self
            .names
            .iter()
            .chain(&self.demonyms)
            .chain(&self.abbreviations)
        {
            let entity = &self.entities[*id as usize];
            let key = lower_aligned(name.trim_start_matches('='));
            if let Some(other) = seen.insert(key.clone(), &entity.country) {
                let marked = ambiguous.get(&key).is_some_and(|codes| {
                    codes.iter().any(|c| c == other) && codes.iter().any(|c| c == &entity.country)
                });
                if other != entity.country && marked {
                    shared.insert(key);
                } else if other != entity.country {
                    return Err(LoadError::msg(
                        dir,
                        format!(
                            "name `{name}` ({language}) maps to both {other} and {}; \
                             list it under `ambiguous` in both countries if that is intended",
                            entity.country
                        ),
                    ));
                }
            }
        }
        Ok(shared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn config_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config/gazetteer")
    }

    #[test]
    fn every_entry_of_the_shipped_gazetteer_loads() {
        let gazetteer = Gazetteer::load(&config_dir()).expect("gazetteer loads");
        let count = |kind| gazetteer.entities.iter().filter(|e| e.kind == kind).count();
        assert!(count(EntityKind::Country) >= 50);
        assert!(count(EntityKind::Person) >= 50);
        assert!(count(EntityKind::Place) >= 70);
        for code in [
            "PRK", "RUS", "CHN", "UKR", "IRN", "ISR", "USA", "SAU", "ZAF",
        ] {
            assert!(gazetteer.country_names.contains_key(code), "{code}");
        }
        let kim = gazetteer
            .entities
            .iter()
            .find(|e| e.name == "Kim Jong Un")
            .unwrap();
        assert_eq!(kim.country, "PRK");
    }

    #[test]
    fn every_listed_language_names_beijing() {
        let gazetteer = Gazetteer::load(&config_dir()).unwrap();
        for language in ["en", "fr", "de", "es", "it", "pt", "ru", "zh", "ja", "ar"] {
            assert!(
                gazetteer.names.iter().any(|(id, l, _)| l == language
                    && gazetteer.entities[*id as usize].name == "Beijing"),
                "{language}"
            );
        }
    }

    fn scratch(name: &str, countries: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("newsflow-gazetteer-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("countries.toml"), countries).unwrap();
        std::fs::write(dir.join("people.toml"), "person = []\n").unwrap();
        std::fs::write(dir.join("places.toml"), "place = []\n").unwrap();
        dir
    }

    #[test]
    fn a_name_shared_by_two_countries_is_an_error_unless_marked_ambiguous() {
        let clash = r#"
[[country]]
code = "PRK"
name = "North Korea"
names = { en = ["Korea"] }

[[country]]
code = "KOR"
name = "South Korea"
names = { en = ["Korea"] }
"#;
        let error = Gazetteer::load(&scratch("clash", clash)).unwrap_err();
        assert!(error.message.contains("`Korea`"), "{error}");

        let marked = clash.replace("names = {", "ambiguous = [\"Korea\"]\nnames = {");
        let gazetteer = Gazetteer::load(&scratch("marked", &marked)).unwrap();
        assert!(gazetteer.ambiguous.contains("korea"));
    }

    #[test]
    fn bad_codes_and_unknown_countries_are_rejected() {
        let bad = "[[country]]\ncode = \"Chn\"\nname = \"China\"\n";
        assert!(Gazetteer::load(&scratch("code", bad)).is_err());
        let dir = scratch("person", "[[country]]\ncode = \"CHN\"\nname = \"China\"\n");
        std::fs::write(
            dir.join("people.toml"),
            "[[person]]\nname = \"X\"\ncountry = \"XXX\"\n",
        )
        .unwrap();
        assert!(Gazetteer::load(&dir).unwrap_err().message.contains("XXX"));
    }
}
