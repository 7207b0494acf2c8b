//! Normalised tokens, the exact hash, the 64-bit SimHash and the MinHash sketch of a
//! text, in one pass over its bytes with no allocation.
//!
//! Speed notes (this is the hot path of the stage): ASCII bytes are handled without
//! decoding characters; each token is hashed once (xxh3 of its lowercased bytes) and a
//! shingle's hash is a cheap combination of its tokens' hashes, never a re-hash of its
//! text; the 64 SimHash votes are counted 8 at a time in the byte lanes of 8 `u64`s.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// MinHash bins (one-permutation hashing: a shingle's top 5 hash bits pick its bin).
pub(crate) const BINS: usize = 32;
/// Bytes of the stored b-bit sketch: 4 bits of each bin's minimum.
pub(crate) const SKETCH_BYTES: usize = BINS / 2;
/// LSH keys, one index table each: the lead key, then one per half of the bins.
pub(crate) const BANDS: usize = 3;
/// Keys a query looks up in each table (see [`Fingerprint::probes`]).
pub(crate) const PROBES: usize = 4;

/// What the index keeps of a text's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    /// Hash of the normalised title + body (lowercase, punctuation and spacing ignored).
    pub exact: u64,
    /// SimHash of the body's token shingles (of the title when the body has no token):
    /// the record's `fingerprint`.
    pub simhash: u64,
    /// 4-bit MinHash of each of the [`BINS`] bins of the same shingles, two to a byte.
    pub sketch: [u8; SKETCH_BYTES],
    /// LSH keys (low 32 bits of a smallest shingle hash): of the shingles that start
    /// in the opening `lead_tokens` tokens, then of each half of the bins.
    pub bands: [u32; BANDS],
    /// Keys to look up per table: the band key first, then, for the bin halves, the
    /// next smallest bin minima of the half. A stored article's key is its smallest
    /// hash of the half; when that shingle is shared but the query has a smaller one
    /// of its own, the key is still among the query's few smallest (query-side
    /// multi-probe: more recall for rewrites at no memory cost). Repeats mean "no
    /// more keys".
    pub probes: [[u32; PROBES]; BANDS],
}

/// Tokens per shingle: words, or characters of scripts written without spaces.
const MAX_SHINGLE: usize = 8;
/// Token bytes hashed in one piece; longer tokens are hashed in chunks.
const TOKEN_CHUNK: usize = 64;
const K0: u64 = 0x9e37_79b9_7f4a_7c15;
const K1: u64 = 0xbf58_476d_1ce4_e5b9;
const TITLE_BODY_SEPARATOR: u64 = 0x94d0_49bb_1331_11eb;

/// A fast finaliser (one multiply, two shifts) for combined token hashes, which are
/// already well mixed: enough for every output bit to be a fair coin.
#[inline]
fn finish64(mut h: u64) -> u64 {
    h ^= h >> 32;
    h = h.wrapping_mul(K1);
    h ^ (h >> 29)
}

/// Characters of scripts written without spaces between words: each is a token, so
/// that shingles become character n-grams there.
#[inline]
fn is_unspaced(ch: char) -> bool {
    matches!(ch,
        '\u{0E00}'..='\u{0EFF}'          // Thai, Lao
        | '\u{1000}'..='\u{109F}'        // Myanmar
        | '\u{1780}'..='\u{17FF}'        // Khmer
        | '\u{3040}'..='\u{30FF}'        // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// The lowercased bytes of the token being read, hashed in chunks when it is long.
struct TokenBuffer {
    bytes: [u8; TOKEN_CHUNK],
    len: usize,
    /// Hash of the chunks already full, 0 when none.
    seed: u64,
    chunks: bool,
}

impl TokenBuffer {
    fn new() -> Self {
        TokenBuffer {
            bytes: [0; TOKEN_CHUNK],
            len: 0,
            seed: 0,
            chunks: false,
        }
    }

    #[inline]
    fn push(&mut self, byte: u8) {
        if self.len == TOKEN_CHUNK {
            self.seed = xxh3_64_with_seed(&self.bytes, self.seed);
            self.chunks = true;
            self.len = 0;
        }
        self.bytes[self.len] = byte;
        self.len += 1;
    }

    /// The token's hash, when a token was being read; resets the buffer.
    #[inline]
    fn take(&mut self) -> Option<u64> {
        if self.len == 0 && !self.chunks {
            return None;
        }
        let piece = &self.bytes[..self.len];
        let hash = if self.chunks {
            xxh3_64_with_seed(piece, self.seed)
        } else {
            xxh3_64(piece)
        };
        self.len = 0;
        self.seed = 0;
        self.chunks = false;
        Some(hash)
    }
}

/// Byte classes for the ASCII fast path.
const SEPARATOR: u8 = 0;
const ALNUM: u8 = 1;
const NON_ASCII: u8 = 2;

static CLASS: [u8; 256] = {
    let mut table = [SEPARATOR; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = if b >= 0x80 {
            NON_ASCII
        } else if b.is_ascii_alphanumeric() {
            ALNUM
        } else {
            SEPARATOR
        };
        byte += 1;
    }
    table
};

/// Hash of a whole token of ASCII letters and digits, lowercased: the same value
/// [`TokenBuffer`] gives for the same bytes.
#[inline]
fn ascii_token_hash(word: &[u8]) -> u64 {
    let mut lower = [0u8; TOKEN_CHUNK];
    for (to, &from) in lower.iter_mut().zip(word) {
        // Digits already have bit 0x20 set: OR lowercases letters only.
        *to = from | 0x20;
    }
    xxh3_64(&lower[..word.len()])
}

/// Calls `emit` with the hash of each normalised token of `text`: runs of letters and
/// digits, lowercased; every other character separates tokens.
pub(crate) fn tokens(text: &str, mut emit: impl FnMut(u64)) {
    let bytes = text.as_bytes();
    let mut token = TokenBuffer::new();
    let mut at = 0;
    while at < bytes.len() {
        match CLASS[usize::from(bytes[at])] {
            SEPARATOR => {
                if let Some(hash) = token.take() {
                    emit(hash);
                }
                at += 1;
            }
            ALNUM => {
                let start = at;
                at += 1;
                while at < bytes.len() && CLASS[usize::from(bytes[at])] == ALNUM {
                    at += 1;
                }
                let word = &bytes[start..at];
                let whole = token.len == 0
                    && !token.chunks
                    && word.len() <= TOKEN_CHUNK
                    && bytes
                        .get(at)
                        .is_none_or(|&next| CLASS[usize::from(next)] == SEPARATOR);
                if whole {
                    emit(ascii_token_hash(word));
                } else {
                    for &byte in word {
                        token.push(byte | 0x20);
                    }
                }
            }
            _ => {
                // `at` is on a character boundary: only ASCII bytes and whole
                // characters are ever stepped over.
                let Some(ch) = text.get(at..).and_then(|rest| rest.chars().next()) else {
                    break;
                };
                at += ch.len_utf8();
                if is_unspaced(ch) {
                    if let Some(hash) = token.take() {
                        emit(hash);
                    }
                    emit(finish64(u64::from(u32::from(ch)) ^ K0).wrapping_mul(K0));
                } else if ch.is_alphanumeric() {
                    let mut utf8 = [0u8; 4];
                    for lower in ch.to_lowercase() {
                        for &b in lower.encode_utf8(&mut utf8).as_bytes() {
                            token.push(b);
                        }
                    }
                } else if let Some(hash) = token.take() {
                    emit(hash);
                }
            }
        }
    }
    if let Some(hash) = token.take() {
        emit(hash);
    }
}

/// Each byte value spread over the 8 byte lanes of a `u64` (bit i -> lane i), so that
/// one addition counts 8 SimHash votes.
static SPREAD: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut byte = 0;
    while byte < 256 {
        let mut lanes = 0u64;
        let mut bit = 0;
        while bit < 8 {
            if byte & (1 << bit) != 0 {
                lanes |= 1 << (8 * bit);
            }
            bit += 1;
        }
        table[byte] = lanes;
        byte += 1;
    }
    table
};

/// Shingles a token stream into SimHash votes and MinHash bins.
struct Sketcher {
    /// Votes for bit `8 j + i` in byte lane `i` of `lanes[j]`; flushed to `votes`
    /// before a lane can overflow.
    lanes: [u64; 8],
    pending: u32,
    votes: [u32; 64],
    shingles: u32,
    mins: [u64; BINS],
    /// Smallest hash of the shingles starting in the first `lead_tokens` tokens.
    lead_min: u64,
    lead_tokens: usize,
    window: [u64; MAX_SHINGLE],
    size: usize,
    seen: usize,
}

impl Sketcher {
    fn new(size: usize, lead_tokens: usize) -> Self {
        Sketcher {
            lanes: [0; 8],
            pending: 0,
            votes: [0; 64],
            shingles: 0,
            mins: [u64::MAX; BINS],
            lead_min: u64::MAX,
            lead_tokens,
            window: [0; MAX_SHINGLE],
            size: size.clamp(1, MAX_SHINGLE),
            seen: 0,
        }
    }

    #[inline]
    fn token(&mut self, token: u64) {
        // A shift register, oldest first: no division by the (runtime) shingle size.
        self.window.copy_within(1.., 0);
        self.window[MAX_SHINGLE - 1] = token;
        self.seen += 1;
        if self.seen >= self.size {
            let shingle = self.shingle(self.size);
            self.add(shingle);
        }
    }

    /// Hash of the last `len` tokens, in order: rotations keep the order, the
    /// finaliser spreads the combination.
    #[inline]
    fn shingle(&self, len: usize) -> u64 {
        let mut hash = 0u64;
        for &token in &self.window[MAX_SHINGLE - len.min(MAX_SHINGLE)..] {
            hash = hash.rotate_left(21) ^ token;
        }
        finish64(hash)
    }

    #[inline]
    fn add(&mut self, shingle: u64) {
        for (j, lane) in self.lanes.iter_mut().enumerate() {
            *lane += SPREAD[((shingle >> (8 * j)) & 0xff) as usize];
        }
        self.pending += 1;
        if self.pending == 255 {
            self.flush();
        }
        self.shingles += 1;
        let bin = (shingle >> 59) as usize;
        self.mins[bin] = self.mins[bin].min(shingle);
        if self.seen < self.lead_tokens + self.size {
            self.lead_min = self.lead_min.min(shingle);
        }
    }

    fn flush(&mut self) {
        for (j, lane) in self.lanes.iter_mut().enumerate() {
            for i in 0..8 {
                self.votes[8 * j + i] += ((*lane >> (8 * i)) & 0xff) as u32;
            }
            *lane = 0;
        }
        self.pending = 0;
    }

    /// SimHash, sketch and band keys.
    fn finish(
        mut self,
    ) -> (
        u64,
        [u8; SKETCH_BYTES],
        [u32; BANDS],
        [[u32; PROBES]; BANDS],
    ) {
        if self.shingles == 0 && self.seen > 0 {
            // Fewer tokens than a shingle: the whole text is one shingle.
            self.add(self.shingle(self.seen));
        }
        self.flush();
        let mut simhash = 0u64;
        for (bit, &vote) in self.votes.iter().enumerate() {
            if 2 * vote > self.shingles {
                simhash |= 1 << bit;
            }
        }
        let values = self.densified();
        let mut sketch = [0u8; SKETCH_BYTES];
        for (byte, pair) in sketch.iter_mut().zip(values.chunks_exact(2)) {
            *byte = (pair[0] & 0xf) as u8 | (((pair[1] & 0xf) as u8) << 4);
        }
        let mut bands = [self.lead_min as u32; BANDS];
        let mut probes = [[self.lead_min as u32; PROBES]; BANDS];
        for band in 1..BANDS {
            let bins = band_bins(band);
            let mut smallest = [u64::MAX; PROBES];
            for &min in &self.mins[bins.clone()] {
                if min < smallest[PROBES - 1] {
                    smallest[PROBES - 1] = min;
                    smallest.sort_unstable();
                }
            }
            if smallest[0] == u64::MAX {
                // An empty half: the densified value of its first bin, which two
                // texts share under the same condition.
                smallest[0] = values[bins.start];
            }
            bands[band] = smallest[0] as u32;
            for (probe, &min) in probes[band].iter_mut().zip(&smallest) {
                *probe = if min == u64::MAX {
                    bands[band]
                } else {
                    min as u32
                };
            }
        }
        (simhash, sketch, bands, probes)
    }

    /// Each bin's minimum, an empty bin borrowing that of the next non-empty bin
    /// (circularly), mixed with the distance: two texts then agree on a bin with
    /// probability equal to their Jaccard similarity, short texts too (rotation
    /// densification, Shrivastava and Li 2014).
    fn densified(&self) -> [u64; BINS] {
        let mut values = [0u64; BINS];
        for (bin, value) in values.iter_mut().enumerate() {
            if self.mins[bin] != u64::MAX {
                *value = self.mins[bin];
                continue;
            }
            for step in 1..BINS {
                let min = self.mins[(bin + step) % BINS];
                if min != u64::MAX {
                    *value = finish64(min.wrapping_add(K0.wrapping_mul(step as u64)));
                    break;
                }
            }
        }
        values
    }
}

/// The bins of LSH band 1 or 2: a half of the 32 bins.
fn band_bins(band: usize) -> std::ops::Range<usize> {
    let per = BINS / (BANDS - 1);
    (band - 1) * per..band * per
}

/// Fingerprints a title and body.
pub(crate) fn fingerprint(
    title: &str,
    body: &str,
    shingle_size: usize,
    lead_tokens: usize,
) -> Fingerprint {
    let mut exact = K0;
    let mut title_sketch = Sketcher::new(shingle_size, lead_tokens);
    tokens(title, |token| {
        exact = (exact.rotate_left(5) ^ token).wrapping_mul(K0);
        title_sketch.token(token);
    });
    exact = (exact.rotate_left(5) ^ TITLE_BODY_SEPARATOR).wrapping_mul(K0);
    let mut body_sketch = Sketcher::new(shingle_size, lead_tokens);
    tokens(body, |token| {
        exact = (exact.rotate_left(5) ^ token).wrapping_mul(K0);
        body_sketch.token(token);
    });
    // The title is left out of the content sketch (syndicated copies are often
    // retitled) unless the body has nothing to compare.
    let (simhash, sketch, bands, probes) = if body_sketch.seen > 0 {
        body_sketch.finish()
    } else {
        title_sketch.finish()
    };
    Fingerprint {
        exact: finish64(exact),
        simhash,
        sketch,
        bands,
        probes,
    }
}

/// Bins whose 4-bit values agree in two sketches.
#[inline]
pub(crate) fn agreeing_bins(a: &[u8; SKETCH_BYTES], b: &[u8; SKETCH_BYTES]) -> u32 {
    let x = u128::from_le_bytes(*a) ^ u128::from_le_bytes(*b);
    // One bit per nibble that differs anywhere.
    let mut differ = x | (x >> 1);
    differ |= differ >> 2;
    differ &= 0x1111_1111_1111_1111_1111_1111_1111_1111;
    BINS as u32 - differ.count_ones()
}

/// Jaccard similarity of the shingle sets as `agreeing` of [`BINS`] 4-bit values
/// estimate it: unrelated bins agree by chance 1 time in 16 (b-bit MinHash, Li and
/// König 2010).
pub(crate) fn estimated_jaccard(agreeing: u32) -> f64 {
    let chance = 1.0 / 16.0;
    let share = f64::from(agreeing) / BINS as f64;
    ((share - chance) / (1.0 - chance)).clamp(0.0, 1.0)
}

/// The fewest agreeing bins whose estimate reaches `similarity`.
pub(crate) fn bins_needed(similarity: f64) -> u32 {
    let chance = 1.0 / 16.0;
    let share = chance + (1.0 - chance) * similarity.clamp(0.0, 1.0);
    // A tiny tolerance so that a threshold met exactly is met despite rounding.
    ((share * BINS as f64) - 1e-9)
        .ceil()
        .clamp(1.0, BINS as f64) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_count(text: &str) -> usize {
        let mut n = 0;
        tokens(text, |_| n += 1);
        n
    }

    #[test]
    fn case_punctuation_and_spacing_do_not_change_the_exact_hash() {
        let a = fingerprint("Summit ends", "Leaders met in Rome; they agreed.", 3, 24);
        let b = fingerprint("SUMMIT  ENDS!", "leaders met in rome -- they agreed", 3, 24);
        assert_eq!(a, b);
    }

    #[test]
    fn a_changed_word_changes_the_exact_hash() {
        let a = fingerprint("t", "Leaders met in Rome.", 3, 24);
        let b = fingerprint("t", "Leaders met in Paris.", 3, 24);
        assert_ne!(a.exact, b.exact);
    }

    #[test]
    fn title_and_body_boundary_matters_to_the_exact_hash() {
        let a = fingerprint("Leaders met", "in Rome", 3, 24);
        let b = fingerprint("Leaders", "met in Rome", 3, 24);
        assert_ne!(a.exact, b.exact);
    }

    #[test]
    fn unspaced_scripts_are_split_into_characters() {
        assert_eq!(token_count("外交部长周二"), 6);
        assert_eq!(token_count("Xi 会见 Putin"), 4);
        assert_eq!(token_count("Größe über"), 2);
        assert_eq!(token_count("ÉTÉ été"), 2);
    }

    #[test]
    fn non_ascii_letters_are_lowercased() {
        let a = fingerprint("", "ÉTÉ À PARIS, ПРИВЕТ МИР", 3, 24);
        let b = fingerprint("", "été à paris привет мир", 3, 24);
        assert_eq!(a, b);
    }

    #[test]
    fn long_tokens_are_hashed_whole() {
        let long = "a".repeat(200);
        let longer = format!("{long}b");
        let same_prefix = fingerprint("", &format!("{long}b x"), 3, 24);
        assert_eq!(
            same_prefix.exact,
            fingerprint("", &format!("{longer} x"), 3, 24).exact
        );
        assert_ne!(
            fingerprint("", &long, 3, 24).exact,
            fingerprint("", &longer, 3, 24).exact
        );
        assert_eq!(token_count(&longer), 1);
    }

    #[test]
    fn very_short_text_still_gets_a_fingerprint() {
        let rome = fingerprint("", "Rome", 3, 24);
        assert_ne!(rome.simhash, 0);
        assert_ne!(rome.sketch, fingerprint("", "Paris", 3, 24).sketch);
    }

    #[test]
    fn sketch_agreement_tracks_overlap() {
        let words: Vec<String> = (0..400).map(|i| format!("w{i}")).collect();
        let text = |range: std::ops::Range<usize>| words[range].join(" ");
        let whole = fingerprint("", &text(0..400), 3, 24).sketch;
        let same = agreeing_bins(&whole, &fingerprint("", &text(0..400), 3, 24).sketch);
        let half = agreeing_bins(&whole, &fingerprint("", &text(0..200), 3, 24).sketch);
        let none = agreeing_bins(&whole, &fingerprint("", &text(200..400), 3, 24).sketch);
        let disjoint = agreeing_bins(
            &fingerprint("", &text(0..150), 3, 24).sketch,
            &fingerprint("", &text(250..400), 3, 24).sketch,
        );
        assert_eq!(same, BINS as u32);
        assert!(
            half > disjoint + 6,
            "half {half}, disjoint {disjoint}, {none}"
        );
        assert!(disjoint < 10, "disjoint {disjoint}");
    }

    #[test]
    fn thresholds_round_trip() {
        for agreeing in 2..=BINS as u32 {
            assert_eq!(bins_needed(estimated_jaccard(agreeing)), agreeing);
        }
        assert_eq!(estimated_jaccard(BINS as u32), 1.0);
        assert_eq!(estimated_jaccard(0), 0.0);
    }

    #[test]
    fn spread_table_counts_bits() {
        for (byte, lanes) in SPREAD.iter().enumerate() {
            assert_eq!(lanes.count_ones(), byte.count_ones(), "{byte}");
            assert_eq!(lanes & !0x0101_0101_0101_0101, 0, "{byte}");
        }
    }
}
