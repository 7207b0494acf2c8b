//! Normalised tokens, the exact hash, the 64-bit SimHash and the MinHash sketch of a
//! text, with no allocation once the reused buffers have grown.
//!
//! Speed notes (this is the hot path of the stage): ASCII bytes are classified,
//! lowercased and hashed 8 at a time (SWAR), without decoding characters; other
//! characters are classified and lowercased by `newsflow-text`'s table; each token
//! is hashed once and a shingle's hash is a cheap combination of its tokens' hashes,
//! never a re-hash of its text; tokens, shingles and the sketch are each a tight loop
//! over a buffer; the 64 SimHash votes are counted bit-sliced with carry-save adders.

use newsflow_text::chars::{is_unspaced, properties, to_lowercase};
use newsflow_text::scan::{ascii_alnum_mask, load8, HIGH};
use newsflow_text::sentences::clauses;

/// MinHash bins (one-permutation hashing: a shingle's top 5 hash bits pick its bin).
pub(crate) const BINS: usize = 32;
/// Bytes of the stored b-bit sketch: 4 bits of each bin's minimum.
pub(crate) const SKETCH_BYTES: usize = BINS / 2;
/// LSH keys, one index table each: the lead key, then one per half of the bins.
pub(crate) const BANDS: usize = 3;
/// Keys a query looks up in each table (see [`Fingerprint::probes`]).
pub(crate) const PROBES: usize = 4;
/// Bytes of a [`Sample`]'s filter (256 bits).
pub(crate) const SAMPLE_BYTES: usize = 32;
/// Most shingles a [`Sample`] keeps: the sampling rate halves until the text's shingles
/// fit, so the filter holds 24-48 and a foreign shingle finds its bit set with
/// probability at most 1 - e^(-48/256), 0.17.
const SAMPLE_TARGET: usize = 48;
/// Sampled shingles a stretch of sentences needs before [`Fingerprinter::new_share`]
/// judges it (shorter sentences are judged together with the next).
const SEGMENT_SAMPLES: u32 = 4;
/// A stretch of sentences is new when under this share of its sampled shingles
/// (corrected for the filter's false hits) occur in the earlier article.
const NEW_BELOW: f64 = 0.4;

/// A sample of a text's shingles (those whose hash bits 32.. are zero in the lowest
/// `shift` places: one in 2^shift), as a one-hash Bloom filter: enough to tell, for
/// each sentence of another text, whether it was taken from this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sample {
    /// Log2 of the sampling rate (0: every shingle).
    pub shift: u8,
    /// Bit `hash >> 40 & 0xff` of each sampled shingle.
    pub filter: [u8; SAMPLE_BYTES],
}

impl Sample {
    /// An empty sample at the rate that fits `count` shingles.
    fn for_count(count: usize) -> Self {
        let mut shift = 0u8;
        while (count >> shift) > SAMPLE_TARGET && shift < 31 {
            shift += 1;
        }
        Sample {
            shift,
            filter: [0; SAMPLE_BYTES],
        }
    }

    #[inline]
    fn takes(&self, shingle: u64) -> bool {
        (shingle >> 32) & ((1u64 << self.shift) - 1) == 0
    }

    #[inline]
    fn bit(shingle: u64) -> (usize, u8) {
        let bit = (shingle >> 40) as u8;
        (usize::from(bit >> 3), 1 << (bit & 7))
    }

    #[inline]
    fn insert(&mut self, shingle: u64) {
        let (byte, mask) = Self::bit(shingle);
        self.filter[byte] |= mask;
    }

    #[inline]
    fn holds(&self, shingle: u64) -> bool {
        let (byte, mask) = Self::bit(shingle);
        self.filter[byte] & mask != 0
    }

    /// Chance that a shingle not in the sample finds its bit set.
    fn false_hit_rate(&self) -> f64 {
        let ones: u32 = self.filter.iter().map(|byte| byte.count_ones()).sum();
        f64::from(ones) / (8 * SAMPLE_BYTES) as f64
    }
}

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
    /// A sample of the body's shingles, to tell an update from a copy.
    pub sample: Sample,
}

/// Tokens per shingle: words, or characters of scripts written without spaces.
const MAX_SHINGLE: usize = 8;
const K0: u64 = 0x9e37_79b9_7f4a_7c15;
const K1: u64 = 0xbf58_476d_1ce4_e5b9;
const TITLE_BODY_SEPARATOR: u64 = 0x94d0_49bb_1331_11eb;
const ONES: u64 = 0x0101_0101_0101_0101;

/// A fast finaliser (one multiply, two shifts) for combined token hashes, which are
/// already well mixed: enough for every output bit to be a fair coin.
#[inline]
fn finish64(mut h: u64) -> u64 {
    h ^= h >> 32;
    h = h.wrapping_mul(K1);
    h ^ (h >> 29)
}

/// Folds 8 bytes of a token (little-endian, zero-padded) into its hash state.
#[inline]
fn mix_chunk(state: u64, chunk: u64) -> u64 {
    (state ^ chunk).wrapping_mul(K0).rotate_left(29)
}

/// A token's hash from its state and length: a full finaliser (murmur3's), because
/// shingle hashes are only a rotate-xor of token hashes.
#[inline]
fn token_hash(state: u64, len: usize) -> u64 {
    let mut h = state ^ (len as u64).wrapping_mul(K1);
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The token being read byte by byte (tokens with non-ASCII letters), hashed 8 bytes
/// at a time exactly as [`tokens`] hashes ASCII tokens, so that a token's hash
/// never depends on which path read it.
struct TokenBuffer {
    chunk: u64,
    fill: u32,
    state: u64,
    len: usize,
}

impl TokenBuffer {
    fn new() -> Self {
        TokenBuffer {
            chunk: 0,
            fill: 0,
            state: K1,
            len: 0,
        }
    }

    #[inline]
    fn push(&mut self, byte: u8) {
        self.chunk |= u64::from(byte) << (8 * self.fill);
        self.fill += 1;
        self.len += 1;
        if self.fill == 8 {
            self.state = mix_chunk(self.state, self.chunk);
            self.chunk = 0;
            self.fill = 0;
        }
    }

    /// The token's hash, when a token was being read; resets the buffer.
    #[inline]
    fn take(&mut self) -> Option<u64> {
        if self.len == 0 {
            return None;
        }
        if self.fill > 0 {
            self.state = mix_chunk(self.state, self.chunk);
        }
        let hash = token_hash(self.state, self.len);
        *self = TokenBuffer::new();
        Some(hash)
    }
}

/// Calls `emit` with the hash of each normalised token of `text`: runs of letters and
/// digits, lowercased; every other character separates tokens.
///
/// ASCII text goes 8 bytes at a time: one load at a token's start gives the token's
/// first chunk, where it ends, and (in the bytes after it) where the next one starts,
/// so a word under 8 bytes and the separators after it cost one load and one mask.
pub(crate) fn tokens(text: &str, mut emit: impl FnMut(u64)) {
    let bytes = text.as_bytes();
    // The token with non-ASCII letters being read, if any.
    let mut token = TokenBuffer::new();
    let mut at = 0;
    while at < bytes.len() {
        let mut word = load8(bytes, at);
        let mut alnum = ascii_alnum_mask(word);
        if alnum & 0x80 == 0 {
            if word & 0x80 != 0 {
                at = non_ascii_char(text, at, word, &mut token, &mut emit);
                continue;
            }
            // An ASCII separator: skip to the next letter, digit or non-ASCII byte
            // (the zero padding past the end is a separator).
            if let Some(hash) = token.take() {
                emit(hash);
            }
            let next = alnum | (word & HIGH);
            at += if next == 0 {
                8
            } else {
                (next.trailing_zeros() / 8) as usize
            };
            continue;
        }
        // A run of ASCII letters and digits, read 8 bytes at a time and lowercased by
        // setting bit 0x20 (digits have it already).
        let start = at;
        let mut state = K1;
        let mut stop = !alnum & HIGH;
        while stop == 0 {
            state = mix_chunk(state, word | (0x20 * ONES));
            at += 8;
            word = load8(bytes, at);
            alnum = ascii_alnum_mask(word);
            stop = !alnum & HIGH;
        }
        let run = stop.trailing_zeros() / 8;
        if run > 0 {
            state = mix_chunk(state, (word | (0x20 * ONES)) & (u64::MAX >> (64 - 8 * run)));
        }
        at += run as usize;
        // What follows the run in this word, from the byte that stopped it.
        let after = (alnum | (word & HIGH)) >> (8 * run);
        if token.len == 0 && after & 0x80 == 0 {
            // A whole token, ended by a separator: emit it, and skip the separators
            // that this word shows.
            emit(token_hash(state, at - start));
            at += if after == 0 {
                8 - run as usize
            } else {
                (after.trailing_zeros() / 8) as usize
            };
        } else {
            // Part of a token with non-ASCII letters: byte by byte.
            for &byte in &bytes[start..at] {
                token.push(byte | 0x20);
            }
        }
    }
    if let Some(hash) = token.take() {
        emit(hash);
    }
}

/// Reads the non-ASCII character at `at` (a character boundary: only ASCII bytes and
/// whole characters are ever stepped over), whose bytes start `word`, into `token`,
/// or emits it as a token of its own; returns where the next character starts.
///
/// Characters of 2 and 3 bytes (every script the generator and most news use) are
/// decoded from `word` and looked up in the character table; a character that is its
/// own lowercase joins the token as the bytes it is.
#[inline]
fn non_ascii_char(
    text: &str,
    at: usize,
    word: u64,
    token: &mut TokenBuffer,
    emit: &mut impl FnMut(u64),
) -> usize {
    let byte = |i: u32| (word >> (8 * i)) as u32 & 0xff;
    let payload = |i: u32| byte(i) & 0x3f;
    let (code, width) = match byte(0) {
        0xc0..=0xdf => (((byte(0) & 0x1f) << 6) | payload(1), 2u32),
        0xe0..=0xef => (((byte(0) & 0x0f) << 12) | (payload(1) << 6) | payload(2), 3),
        _ => {
            let Some(ch) = text.get(at..).and_then(|rest| rest.chars().next()) else {
                return text.len();
            };
            char_token(ch, token, emit);
            return at + ch.len_utf8();
        }
    };
    let next = at + width as usize;
    let Some(ch) = char::from_u32(code) else {
        return next;
    };
    if is_unspaced(ch) {
        char_token(ch, token, emit);
        return next;
    }
    let props = properties(ch);
    if !props.is_alphanumeric() {
        if let Some(hash) = token.take() {
            emit(hash);
        }
    } else if props.is_own_lowercase() {
        for i in 0..width {
            token.push(byte(i) as u8);
        }
    } else {
        push_lowercase(ch, token);
    }
    next
}

/// Reads a non-ASCII character into `token`, or emits it as a token of its own.
fn char_token(ch: char, token: &mut TokenBuffer, emit: &mut impl FnMut(u64)) {
    if is_unspaced(ch) {
        if let Some(hash) = token.take() {
            emit(hash);
        }
        emit(finish64(u64::from(u32::from(ch)) ^ K0).wrapping_mul(K0));
    } else if properties(ch).is_alphanumeric() {
        push_lowercase(ch, token);
    } else if let Some(hash) = token.take() {
        emit(hash);
    }
}

/// Pushes the UTF-8 bytes of `ch`'s lowercase into `token`.
#[inline]
fn push_lowercase(ch: char, token: &mut TokenBuffer) {
    let mut utf8 = [0u8; 4];
    for lower in to_lowercase(ch) {
        for &b in lower.encode_utf8(&mut utf8).as_bytes() {
            token.push(b);
        }
    }
}

/// A carry-save adder on 64 bit columns: (carries, sums) of `a + b + c`.
#[inline]
fn csa(a: u64, b: u64, c: u64) -> (u64, u64) {
    let u = a ^ b;
    ((a & b) | (u & c), u ^ c)
}

/// How many of `hashes` have each bit set, bit 0 first, counted bit-sliced:
/// Harley-Seal carry-save adders take 8 hashes in 7 adders (a few operations a hash,
/// where counting each of the 64 bits costs far more), and a ripple counter takes
/// their weight-8 carries.
fn bit_counts(hashes: &[u64]) -> [u64; 64] {
    let (mut ones, mut twos, mut fours) = (0u64, 0u64, 0u64);
    // Plane `i` holds bit `i` of each column's count of weight-8 carries: 61 planes
    // count more carries than any slice can make.
    let mut eights = [0u64; 61];
    let mut levels = 0;
    let mut chunks = hashes.chunks_exact(8);
    for p in &mut chunks {
        let (twos_a, ones_a) = csa(ones, p[0], p[1]);
        let (twos_b, ones_b) = csa(ones_a, p[2], p[3]);
        let (fours_a, twos_c) = csa(twos, twos_a, twos_b);
        let (twos_a, ones_c) = csa(ones_b, p[4], p[5]);
        let (twos_b, ones_d) = csa(ones_c, p[6], p[7]);
        let (fours_b, twos_d) = csa(twos_c, twos_a, twos_b);
        let (mut carry, fours_c) = csa(fours, fours_a, fours_b);
        ones = ones_d;
        twos = twos_d;
        fours = fours_c;
        let mut level = 0;
        while carry != 0 && level < eights.len() {
            let next = eights[level] & carry;
            eights[level] ^= carry;
            carry = next;
            level += 1;
        }
        levels = levels.max(level);
    }
    let mut counts = [0u64; 64];
    for (bit, count) in counts.iter_mut().enumerate() {
        let column = |plane: u64| (plane >> bit) & 1;
        *count = column(ones) + 2 * column(twos) + 4 * column(fours);
        for (level, &plane) in eights[..levels].iter().enumerate() {
            *count += column(plane) << (3 + level);
        }
        for &hash in chunks.remainder() {
            *count += column(hash);
        }
    }
    counts
}

/// The sketch of a text's shingles: SimHash, b-bit MinHash and LSH keys.
struct Sketch {
    simhash: u64,
    sketch: [u8; SKETCH_BYTES],
    bands: [u32; BANDS],
    probes: [[u32; PROBES]; BANDS],
}

/// Sketches `shingles`, the first `lead` of which make the lead key.
fn sketch(shingles: &[u64], lead: usize) -> Sketch {
    let mut simhash = 0u64;
    for (bit, &vote) in bit_counts(shingles).iter().enumerate() {
        if 2 * vote > shingles.len() as u64 {
            simhash |= 1 << bit;
        }
    }
    // One-permutation hashing: a shingle's top 5 hash bits pick its bin.
    let mut mins = [u64::MAX; BINS];
    for &shingle in shingles {
        let bin = (shingle >> 59) as usize;
        mins[bin] = mins[bin].min(shingle);
    }
    let lead_min = shingles[..lead.min(shingles.len())]
        .iter()
        .copied()
        .min()
        .unwrap_or(u64::MAX);
    let values = densified(&mins);
    let mut sketch = [0u8; SKETCH_BYTES];
    for (byte, pair) in sketch.iter_mut().zip(values.chunks_exact(2)) {
        *byte = (pair[0] & 0xf) as u8 | (((pair[1] & 0xf) as u8) << 4);
    }
    let mut bands = [lead_min as u32; BANDS];
    let mut probes = [[lead_min as u32; PROBES]; BANDS];
    for band in 1..BANDS {
        let bins = band_bins(band);
        let mut smallest = [u64::MAX; PROBES];
        for &min in &mins[bins.clone()] {
            if min < smallest[PROBES - 1] {
                smallest[PROBES - 1] = min;
                smallest.sort_unstable();
            }
        }
        if smallest[0] == u64::MAX {
            // An empty half: the densified value of its first bin, which two texts
            // share under the same condition.
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
    Sketch {
        simhash,
        sketch,
        bands,
        probes,
    }
}

/// Each bin's minimum, an empty bin borrowing that of the next non-empty bin
/// (circularly), mixed with the distance: two texts then agree on a bin with
/// probability equal to their Jaccard similarity, short texts too (rotation
/// densification, Shrivastava and Li 2014).
fn densified(mins: &[u64; BINS]) -> [u64; BINS] {
    let mut values = [0u64; BINS];
    for (bin, value) in values.iter_mut().enumerate() {
        if mins[bin] != u64::MAX {
            *value = mins[bin];
            continue;
        }
        for step in 1..BINS {
            let min = mins[(bin + step) % BINS];
            if min != u64::MAX {
                *value = finish64(min.wrapping_add(K0.wrapping_mul(step as u64)));
                break;
            }
        }
    }
    values
}

/// The bins of LSH band 1 or 2: a half of the 32 bins.
fn band_bins(band: usize) -> std::ops::Range<usize> {
    let per = BINS / (BANDS - 1);
    (band - 1) * per..band * per
}

/// Folds a token into the exact hash.
#[inline]
fn mix_exact(exact: u64, token: u64) -> u64 {
    (exact.rotate_left(5) ^ token).wrapping_mul(K0)
}

/// Fingerprints texts, keeping its token and shingle buffers between calls so that
/// a fingerprint allocates nothing once they have grown to the longest text seen.
///
/// Tokens are read first, then shingled, then sketched, each in its own loop over a
/// buffer: a loop that does one of these keeps its state in registers.
#[derive(Debug)]
pub(crate) struct Fingerprinter {
    shingle_size: usize,
    lead_tokens: usize,
    /// `shingle_size` zeros, then the hashes of the tokens to sketch: the zeros are
    /// what leaves the rolling hash while the first shingle fills.
    tokens: Vec<u64>,
    shingles: Vec<u64>,
    /// Index of the first token of each sentence (for [`Fingerprinter::new_share`]).
    sentence_starts: Vec<usize>,
}

impl Fingerprinter {
    pub(crate) fn new(shingle_size: usize, lead_tokens: usize) -> Self {
        Fingerprinter {
            shingle_size: shingle_size.clamp(1, MAX_SHINGLE),
            lead_tokens,
            tokens: Vec::new(),
            shingles: Vec::new(),
            sentence_starts: Vec::new(),
        }
    }

    /// Fingerprints a title and body.
    pub(crate) fn fingerprint(&mut self, title: &str, body: &str) -> Fingerprint {
        let mut exact = K0;
        tokens(title, |token| exact = mix_exact(exact, token));
        exact = mix_exact(exact, TITLE_BODY_SEPARATOR);
        let mut count = self.read_tokens(body, |token| exact = mix_exact(exact, token));
        if count == 0 {
            // The title is left out of the content sketch (syndicated copies are
            // often retitled) unless the body has nothing to compare.
            count = self.read_tokens(title, |_| {});
        }
        let lead = self.shingle(count);
        let Sketch {
            simhash,
            sketch,
            bands,
            probes,
        } = sketch(&self.shingles, lead);
        let mut sample = Sample::for_count(self.shingles.len());
        for &shingle in &self.shingles {
            if sample.takes(shingle) {
                sample.insert(shingle);
            }
        }
        Fingerprint {
            exact: finish64(exact),
            simhash,
            sketch,
            bands,
            probes,
            sample,
        }
    }

    /// Share (0-1) of `body`'s shingles that lie in sentences not taken from the
    /// earlier article whose [`Sample`] is `earlier`: its new content; with the
    /// number of stretches judged taken from it (the evidence for what it repeats).
    ///
    /// The body is read again sentence by sentence (only when a candidate passed the
    /// similarity test, so rarely). Sentences are judged on their shingles that the
    /// sample's rate takes, together with the next ones until there are
    /// [`SEGMENT_SAMPLES`]: a stretch is new when the share of them found in the
    /// filter, less what false hits explain, is under [`NEW_BELOW`]. A copied or
    /// lightly edited sentence keeps most of its shingles; a sentence of a later
    /// development keeps none but a name or a phrase.
    pub(crate) fn new_share(&mut self, body: &str, earlier: &Sample) -> (f64, u32) {
        let needed = self.shingle_size + body.len();
        if self.tokens.len() < needed {
            self.tokens.resize(needed, 0);
        }
        self.sentence_starts.clear();
        let slots = &mut self.tokens[self.shingle_size..];
        let mut count = 0;
        for sentence in clauses(body) {
            self.sentence_starts.push(count);
            tokens(sentence, |token| {
                if let Some(slot) = slots.get_mut(count) {
                    *slot = token;
                    count += 1;
                }
            });
        }
        if count < self.shingle_size {
            return (0.0, 0);
        }
        self.shingle(count);
        let false_hits = earlier.false_hit_rate();
        let total = self.shingles.len();
        self.sentence_starts.push(total);
        let mut new = 0usize;
        let mut repeated = 0u32;
        // The stretch being gathered: first shingle, samples, hits.
        let (mut from, mut samples, mut hits) = (0usize, 0u32, 0u32);
        let mut last_new = false;
        for pair in self.sentence_starts.windows(2) {
            let end = pair[1].min(total);
            for &shingle in &self.shingles[pair[0].min(end)..end] {
                if earlier.takes(shingle) {
                    samples += 1;
                    hits += u32::from(earlier.holds(shingle));
                }
            }
            if samples >= SEGMENT_SAMPLES || end == total {
                if samples > 0 {
                    let share = (f64::from(hits) / f64::from(samples) - false_hits)
                        / (1.0 - false_hits).max(f64::EPSILON);
                    last_new = share < NEW_BELOW;
                    repeated += u32::from(!last_new);
                }
                // A tail with no sample shares the verdict of the stretch before it.
                if last_new {
                    new += end - from;
                }
                (from, samples, hits) = (end, 0, 0);
            }
        }
        (new as f64 / total as f64, repeated)
    }

    /// Share (0-1) of the shingles of the text last fingerprinted that the earlier
    /// article's [`Sample`] takes and holds, less what the filter's false hits
    /// explain: a cheap first look (no second reading of the text) at how much of it
    /// is repeated, before [`Fingerprinter::new_share`] reads it sentence by sentence.
    pub(crate) fn repeated_share(&self, earlier: &Sample) -> f64 {
        let (mut samples, mut hits) = (0u32, 0u32);
        for &shingle in &self.shingles {
            if earlier.takes(shingle) {
                samples += 1;
                hits += u32::from(earlier.holds(shingle));
            }
        }
        if samples == 0 {
            return 0.0;
        }
        let false_hits = earlier.false_hit_rate();
        ((f64::from(hits) / f64::from(samples) - false_hits) / (1.0 - false_hits).max(f64::EPSILON))
            .max(0.0)
    }

    /// Puts the hashes of the tokens of `text` after the leading zeros of `tokens`,
    /// showing each to `also`; returns how many there are.
    fn read_tokens(&mut self, text: &str, mut also: impl FnMut(u64)) -> usize {
        // Every token takes at least a byte. The buffer only ever grows, so that it
        // is not cleared for each text: only the slots written are read.
        let needed = self.shingle_size + text.len();
        if self.tokens.len() < needed {
            self.tokens.resize(needed, 0);
        }
        let slots = &mut self.tokens[self.shingle_size..];
        let mut count = 0;
        tokens(text, |token| {
            also(token);
            // Always a slot: a token is at least a byte of the text.
            if let Some(slot) = slots.get_mut(count) {
                *slot = token;
                count += 1;
            }
        });
        count
    }

    /// Hashes the shingles of the first `count` buffered tokens into `shingles`;
    /// returns how many
    /// of them start in the opening `lead_tokens` tokens (the lead key's).
    ///
    /// With `rot(x, 21 i)` for the token `i` places back, a shingle's hash rolls on
    /// with one rotate and one xor per token entering and leaving.
    fn shingle(&mut self, count: usize) -> usize {
        let size = self.shingle_size;
        let leave_rotation = (21 * size % 64) as u32;
        let tokens = &self.tokens[..size + count];
        let mut rolling = 0u64;
        let mut step = |(&leaving, &entering): (&u64, &u64)| {
            rolling = rolling.rotate_left(21) ^ entering ^ leaving.rotate_left(leave_rotation);
            finish64(rolling)
        };
        let mut windows = tokens.iter().zip(&tokens[size..]);
        let mut last = None;
        for pair in windows.by_ref().take(size - 1) {
            last = Some(step(pair));
        }
        self.shingles.clear();
        self.shingles.extend(windows.map(&mut step));
        match last {
            Some(whole) if self.shingles.is_empty() => {
                // Fewer tokens than a shingle: the whole text is one shingle.
                self.shingles.push(whole);
                1
            }
            _ => self.lead_tokens,
        }
    }
}

/// Fingerprints a title and body with a fresh [`Fingerprinter`].
#[cfg(test)]
pub(crate) fn fingerprint(
    title: &str,
    body: &str,
    shingle_size: usize,
    lead_tokens: usize,
) -> Fingerprint {
    Fingerprinter::new(shingle_size, lead_tokens).fingerprint(title, body)
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
    fn bit_counts_count_every_column() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for n in [0usize, 1, 7, 8, 9, 63, 1000] {
            let mut hashes = Vec::new();
            let mut expected = [0u64; 64];
            for _ in 0..n {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                hashes.push(x);
                for (bit, count) in expected.iter_mut().enumerate() {
                    *count += (x >> bit) & 1;
                }
            }
            assert_eq!(bit_counts(&hashes), expected, "{n} hashes");
        }
    }

    /// [`char_token`] with the standard library's character methods.
    fn std_char_token(ch: char, token: &mut TokenBuffer, emit: &mut impl FnMut(u64)) {
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

    #[test]
    fn character_tables_agree_with_the_char_methods() {
        // Each character inside a token and alone, through the tables and through
        // `char_token`: the same token hashes.
        let through = |ch: char, table: bool| {
            let mut hashes = Vec::new();
            let mut emit = |hash| hashes.push(hash);
            let mut token = TokenBuffer::new();
            token.push(b'a');
            let mut utf8 = [0u8; 4];
            let text: &str = ch.encode_utf8(&mut utf8);
            for _ in 0..2 {
                if table {
                    let at =
                        non_ascii_char(text, 0, load8(text.as_bytes(), 0), &mut token, &mut emit);
                    assert_eq!(at, text.len(), "{ch:?}");
                } else {
                    std_char_token(ch, &mut token, &mut emit);
                }
                if let Some(hash) = token.take() {
                    emit(hash);
                }
            }
            hashes
        };
        // Every character of the BMP, an eighth of those beyond.
        let chars = (0x80..=u32::from(char::MAX))
            .filter(|code| *code < 0x1_0000 || code & 7 == 0)
            .filter_map(char::from_u32);
        for ch in chars {
            assert_eq!(through(ch, true), through(ch, false), "{ch:?}");
        }
    }

    #[test]
    fn a_token_hashes_the_same_on_the_ascii_and_the_unicode_path() {
        let hashes = |text: &str| {
            let mut all = Vec::new();
            tokens(text, |hash| all.push(hash));
            all
        };
        // An em dash after an ASCII token sends it through the byte-by-byte buffer.
        for word in ["rome", "abcdefgh", "abcdefghijklmnopq"] {
            let fast = hashes(&format!("{word} x"));
            let slow = hashes(&format!("{word}\u{2014}x"));
            assert_eq!(fast, slow, "{word}");
        }
        assert_eq!(hashes("GRÖßE über"), hashes("größe Über"));
        assert_ne!(hashes("abcdefgh"), hashes("abcdefgh0"));
        assert_ne!(hashes("abcdefgh"), hashes("abcdefg"));
    }
}
