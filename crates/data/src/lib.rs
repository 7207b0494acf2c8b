//! Where the stages read their rule data from: boilerplate rules, event rules and
//! the gazetteer.
//!
//! The repository's `config/` directory is built into the binary, so that a
//! `newsflow` installed with `cargo install`, copied into a container or run from
//! a cron job works from any directory. A configured `data_dir` replaces it with a
//! directory on disk. [`DataDir`] hides the difference from the loaders: they ask
//! for a file by its path relative to the data directory and get its text, and
//! error messages name either the file on disk or `<built-in>/...`.
#![deny(missing_docs)]

use std::io;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

/// The repository's `config/` directory, as it was at build time.
static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../config");

/// How error messages name a built-in file: `<built-in>/events/en.toml`.
pub const BUILT_IN_PREFIX: &str = "<built-in>";

/// A data directory: the one built into the binary, or one on disk.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DataDir {
    /// The `config/` directory of the source tree the binary was built from.
    #[default]
    BuiltIn,
    /// A directory on disk.
    Disk(PathBuf),
}

impl DataDir {
    /// The text of `path`, relative to the data directory. An absolute `path` is
    /// always read from disk.
    pub fn read_to_string(&self, path: &Path) -> io::Result<String> {
        match self.locate(path) {
            Located::Disk(path) => std::fs::read_to_string(path),
            Located::BuiltIn(path) => {
                let file = BUILT_IN
                    .get_file(&path)
                    .ok_or_else(|| not_built_in(&path))?;
                file.contents_utf8().map(str::to_owned).ok_or_else(|| {
                    io::Error::new(io::ErrorKind::InvalidData, "file is not valid UTF-8")
                })
            }
        }
    }

    /// Whether the file `path` (relative to the data directory, or absolute) exists:
    /// for optional rule files.
    pub fn exists(&self, path: &Path) -> bool {
        match self.locate(path) {
            Located::Disk(path) => path.is_file(),
            Located::BuiltIn(path) => BUILT_IN.get_file(&path).is_some(),
        }
    }

    /// The files directly in directory `dir` (relative to the data directory, or
    /// absolute), as paths that [`DataDir::read_to_string`] accepts, sorted.
    pub fn files(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let mut files = match self.locate(dir) {
            Located::Disk(disk) => {
                let mut files = Vec::new();
                for entry in std::fs::read_dir(&disk)? {
                    let entry = entry?;
                    if entry.file_type()?.is_file() || entry.path().is_file() {
                        files.push(dir.join(entry.file_name()));
                    }
                }
                files
            }
            Located::BuiltIn(path) => {
                let found = if path.as_os_str().is_empty() {
                    Some(&BUILT_IN)
                } else {
                    BUILT_IN.get_dir(&path)
                };
                let found = found.ok_or_else(|| not_built_in(&path))?;
                found
                    .files()
                    .filter_map(|file| file.path().file_name())
                    .map(|name| dir.join(name))
                    .collect()
            }
        };
        files.sort();
        Ok(files)
    }

    /// How messages name `path`: the file on disk, or `<built-in>/path`.
    pub fn describe(&self, path: &Path) -> PathBuf {
        match self.locate(path) {
            Located::Disk(path) => path,
            Located::BuiltIn(path) => Path::new(BUILT_IN_PREFIX).join(path),
        }
    }

    fn locate(&self, path: &Path) -> Located {
        match self {
            DataDir::Disk(dir) => Located::Disk(dir.join(path)),
            DataDir::BuiltIn if path.is_absolute() => Located::Disk(path.to_path_buf()),
            DataDir::BuiltIn => Located::BuiltIn(normalise(path)),
        }
    }
}

impl std::fmt::Display for DataDir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DataDir::BuiltIn => write!(f, "the rule data built into the binary"),
            DataDir::Disk(dir) => write!(f, "{}", dir.display()),
        }
    }
}

/// The text of a file of the built-in `config/` directory (e.g. `newsflow.toml`).
pub fn built_in_file(path: &str) -> Option<&'static str> {
    BUILT_IN
        .get_file(path)
        .and_then(|file| file.contents_utf8())
}

enum Located {
    Disk(PathBuf),
    BuiltIn(PathBuf),
}

/// `./events/../gazetteer` as `gazetteer`: the embedded tree knows no `.` or `..`.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn not_built_in(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!(
            "{} is not part of the built-in rule data (set data_dir to read it from disk)",
            path.display()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_data_holds_the_rule_files() {
        let data = DataDir::BuiltIn;
        assert!(data
            .read_to_string(Path::new("boilerplate.toml"))
            .unwrap()
            .contains('['));
        let events = data.files(Path::new("events")).unwrap();
        assert!(
            events.contains(&PathBuf::from("events/en.toml")),
            "{events:?}"
        );
        assert!(data
            .read_to_string(Path::new("./gazetteer/countries.toml"))
            .is_ok());
        assert_eq!(
            data.describe(Path::new("events/en.toml")),
            PathBuf::from("<built-in>/events/en.toml")
        );
        assert!(built_in_file("newsflow.toml").is_some());
        assert!(data.exists(Path::new("gazetteer/countries.toml")));
        assert!(!data.exists(Path::new("gazetteer/nope.toml")));
    }

    #[test]
    fn a_missing_built_in_file_says_so() {
        let error = DataDir::BuiltIn
            .read_to_string(Path::new("nope.toml"))
            .unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert!(error.to_string().contains("nope.toml"));
    }

    #[test]
    fn a_disk_directory_replaces_the_built_in_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("events")).unwrap();
        std::fs::write(dir.path().join("events/xx.toml"), "a = 1").unwrap();
        let data = DataDir::Disk(dir.path().to_path_buf());
        assert_eq!(
            data.files(Path::new("events")).unwrap(),
            [PathBuf::from("events/xx.toml")]
        );
        assert_eq!(
            data.read_to_string(Path::new("events/xx.toml")).unwrap(),
            "a = 1"
        );
        assert!(data.read_to_string(Path::new("boilerplate.toml")).is_err());
        assert_eq!(
            data.describe(Path::new("events/xx.toml")),
            dir.path().join("events/xx.toml")
        );
    }
}
