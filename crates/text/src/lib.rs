//! Text primitives shared by every stage: one implementation of each, tested against
//! the standard library on every Unicode scalar value.
//!
//! Layout:
//! - [`chars`]: per-character properties (alphabetic, alphanumeric, lowercase) from
//!   one table over the Basic Multilingual Plane, and scripts written without spaces.
//!   The standard library answers these with a binary search of its Unicode tables for
//!   every non-ASCII character, which was the largest cost of lowercasing Cyrillic,
//!   Greek and CJK text in every stage.
//! - [`case`]: lowercasing whole strings, either character by character (what
//!   `char::to_lowercase` gives, so what `str::to_lowercase` gives but for the
//!   word-final sigma) or *aligned* (every byte offset of the result is valid in the
//!   input and points at the same character).
//! - [`words`]: runs of letters, and word boundaries around a match.
//! - [`sentences`]: the sentence around a position (abbreviations, initials, closing
//!   quotes, CJK and Arabic terminators) and the context-free clause split.
//! - [`scan`]: word-at-a-time (SWAR) byte scans: the next non-ASCII byte, ASCII letter
//!   and digit masks.
//!
//! Why lowercasing is character by character and not `str::to_lowercase`: the rule
//! files are written with the plain sigma, and the final form `str::to_lowercase`
//! gives a word-final capital sigma would make "ΣΥΝΟΔΟΣ" miss "σύνοδοσ"-style keys;
//! and a per-character map keeps tokens independent of their neighbours.
#![deny(missing_docs)]

pub mod case;
pub mod chars;
pub mod scan;
pub mod sentences;
pub mod words;

pub use case::{lower_aligned, lower_aligned_into, lowercase, lowercase_into, warm_up};
pub use chars::{is_alphabetic, is_alphanumeric, is_unspaced, properties, Properties};
