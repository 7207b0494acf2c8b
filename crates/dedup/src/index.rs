//! The index of one language: a ring of fingerprints in admission order, chained
//! hash tables over the MinHash band keys, and an arena of ids.
//!
//! Memory layout, per article (structure of arrays, so a candidate check touches only
//! the columns it needs): MinHash sketch 16 bytes, shingle sample 33 (rate and
//! filter, read only for the best candidate), exact hash 2 (checked together
//! with sketch equality), id offset 4, one 4-byte chain link and one 2-byte key tag per
//! table (3 tables: 18), the id's bytes plus a 1-2 byte length, and the table heads
//! (about n/8 buckets of 4 bytes per table, at most 65,536). The tag is the top 16
//! bits of the band key: it picks the bucket (so the tables can be rehashed as they
//! grow without the keys) and skips most bucket neighbours without comparing sketches.
//! Admission times are not stored per article: the ring is in admission order, so a
//! short list of (sequence, time) checkpoints, one per `window_seconds / 1024`, is
//! enough to evict by time.
//!
//! Chains run from newest to oldest and are never unlinked: a walk stops at the first
//! sequence number that is no longer live, so eviction is just moving the ring's tail.

use std::collections::VecDeque;

use crate::fingerprint::{
    agreeing_bins, Fingerprint, Sample, BANDS, BINS, PROBES, SAMPLE_BYTES, SKETCH_BYTES,
};

const MIN_BUCKET_BITS: u32 = 6;
const MAX_BUCKET_BITS: u32 = 16;
/// `sample_shift` of an article without a shingle sample.
const NO_SAMPLE: u8 = u8::MAX;

/// A stored article that matched a query.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate {
    pub slot: usize,
    /// MinHash bins (of [`BINS`]) on which the two sketches agree.
    pub agreeing: u32,
    pub exact: bool,
}

/// What the tables and columns hold of one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stored {
    pub exact: u16,
    pub sketch: [u8; SKETCH_BYTES],
    pub tags: [u16; BANDS],
    /// Tags to look up per table, repeats meaning "no more" (see `Fingerprint::probes`).
    pub probes: [[u16; PROBES]; BANDS],
    /// The shingle sample (none for entries restored from a changelog written before
    /// samples existed: such an article is compared on similarity alone).
    pub sample: Option<Sample>,
}

impl Stored {
    pub(crate) fn of(fingerprint: &Fingerprint) -> Self {
        Stored {
            exact: fingerprint.exact as u16,
            sketch: fingerprint.sketch,
            tags: fingerprint.bands.map(tag),
            probes: fingerprint.probes.map(|keys| keys.map(tag)),
            sample: Some(fingerprint.sample),
        }
    }
}

/// The top 16 bits of a band key (the low 32 bits of a hash: uniform).
fn tag(key: u32) -> u16 {
    (key >> 16) as u16
}

/// The index of one language.
#[derive(Debug)]
pub(crate) struct Shard {
    capacity: usize,
    /// Sequence number the next admitted article gets (low 32 bits are what links keep).
    next_seq: u64,
    /// Number of live articles: sequences `next_seq - live .. next_seq`.
    live: usize,
    sketch: Vec<[u8; SKETCH_BYTES]>,
    exact: Vec<u16>,
    /// Each article's [`Sample`]: its rate ([`NO_SAMPLE`] when it has none) and filter.
    sample_shift: Vec<u8>,
    sample_filter: Vec<[u8; SAMPLE_BYTES]>,
    tags: Vec<[u16; BANDS]>,
    id_at: Vec<u32>,
    links: Vec<[u32; BANDS]>,
    heads: Vec<u32>,
    bucket_bits: u32,
    ids: IdArena,
    /// (first sequence, time) of each time segment, oldest first.
    checkpoints: VecDeque<(u64, i64)>,
    granularity: i64,
    /// False when the window has no time limit: no checkpoints are kept.
    by_time: bool,
    latest_time: i64,
}

impl Shard {
    pub(crate) fn new(capacity: usize, window_seconds: u64) -> Self {
        let granularity = i64::try_from(window_seconds / 1024)
            .unwrap_or(i64::MAX)
            .max(1);
        let mut shard = Shard {
            capacity: capacity.max(1),
            next_seq: 0,
            live: 0,
            sketch: Vec::new(),
            exact: Vec::new(),
            sample_shift: Vec::new(),
            sample_filter: Vec::new(),
            tags: Vec::new(),
            id_at: Vec::new(),
            links: Vec::new(),
            heads: Vec::new(),
            bucket_bits: MIN_BUCKET_BITS,
            ids: IdArena::default(),
            checkpoints: VecDeque::new(),
            granularity,
            by_time: window_seconds > 0,
            latest_time: i64::MIN,
        };
        shard.heads = vec![u32::MAX; BANDS << shard.bucket_bits];
        shard
    }

    pub(crate) fn len(&self) -> usize {
        self.live
    }

    /// The newest time seen (admissions and queries), never going back.
    pub(crate) fn latest_time(&self) -> i64 {
        self.latest_time
    }

    pub(crate) fn memory_bytes(&self) -> usize {
        self.sketch.capacity() * SKETCH_BYTES
            + self.exact.capacity() * 2
            + self.sample_shift.capacity()
            + self.sample_filter.capacity() * SAMPLE_BYTES
            + self.tags.capacity() * 2 * BANDS
            + self.id_at.capacity() * 4
            + self.links.capacity() * 4 * BANDS
            + self.heads.capacity() * 4
            + self.ids.memory_bytes()
            + self.checkpoints.capacity() * 16
            + std::mem::size_of::<Self>()
    }

    fn slot_of(&self, seq: u64) -> usize {
        (seq % self.capacity as u64) as usize
    }

    /// The full sequence number of a link, when it still points at a live article.
    fn live_seq(&self, link: u32) -> Option<u64> {
        let newest = self.next_seq.checked_sub(1)?;
        let age = (newest as u32).wrapping_sub(link) as u64;
        (age < self.live as u64).then(|| newest - age)
    }

    fn bucket(&self, band: usize, tag: u16) -> usize {
        (band << self.bucket_bits) | usize::from(tag >> (16 - self.bucket_bits))
    }

    /// Calls `found` for every live article whose band tag is among the query's probes
    /// (an article may be reported once per band it shares).
    pub(crate) fn candidates(&self, stored: &Stored, mut found: impl FnMut(Candidate)) {
        for (band, probes) in stored.probes.iter().enumerate() {
            for (probe, &tag) in probes.iter().enumerate() {
                if probes[..probe].contains(&tag) {
                    continue;
                }
                self.walk(band, tag, stored, &mut found);
            }
        }
    }

    fn walk(&self, band: usize, tag: u16, stored: &Stored, found: &mut impl FnMut(Candidate)) {
        let mut link = self.heads[self.bucket(band, tag)];
        while let Some(seq) = self.live_seq(link) {
            let slot = self.slot_of(seq);
            if self.tags[slot][band] == tag {
                let agreeing = agreeing_bins(&self.sketch[slot], &stored.sketch);
                found(Candidate {
                    slot,
                    agreeing,
                    exact: agreeing == BINS as u32
                        && self.exact[slot] == stored.exact
                        && self.tags[slot] == stored.tags,
                });
            }
            link = self.links[slot][band];
        }
    }

    /// True when the article `id` with exactly this fingerprint is indexed. Walks one
    /// table: an identical fingerprint shares every band.
    pub(crate) fn contains(&self, id: &str, stored: &Stored) -> bool {
        let mut link = self.heads[self.bucket(0, stored.tags[0])];
        while let Some(seq) = self.live_seq(link) {
            let slot = self.slot_of(seq);
            if self.tags[slot] == stored.tags
                && self.sketch[slot] == stored.sketch
                && self.exact[slot] == stored.exact
                && self.id_is(slot, id)
            {
                return true;
            }
            link = self.links[slot][0];
        }
        false
    }

    /// The shingle sample of the article in `slot`, if it has one.
    pub(crate) fn sample(&self, slot: usize) -> Option<Sample> {
        let shift = self.sample_shift[slot];
        (shift != NO_SAMPLE).then(|| Sample {
            shift,
            filter: self.sample_filter[slot],
        })
    }

    pub(crate) fn id(&self, slot: usize) -> String {
        self.ids.get(self.id_at[slot])
    }

    pub(crate) fn id_is(&self, slot: usize, id: &str) -> bool {
        self.ids.equals(self.id_at[slot], id)
    }

    /// Evicts what fell out of the time window ending at `now` (or at the newest time
    /// seen, when `now` is older: broker timestamps are not ordered across partitions).
    pub(crate) fn advance_time(&mut self, now: i64, window_seconds: u64) {
        self.latest_time = self.latest_time.max(now);
        if window_seconds == 0 {
            return;
        }
        let cutoff = self
            .latest_time
            .saturating_sub(i64::try_from(window_seconds).unwrap_or(i64::MAX));
        // A segment holds times in [start, start + granularity): drop it once all are old.
        while let Some(&(_, start)) = self.checkpoints.front() {
            if start.saturating_add(self.granularity) > cutoff {
                break;
            }
            self.checkpoints.pop_front();
            let end = self
                .checkpoints
                .front()
                .map_or(self.next_seq, |&(seq, _)| seq);
            while self.live > 0 && self.next_seq - (self.live as u64) < end {
                self.evict_oldest();
            }
        }
    }

    /// Admits an article, evicting the oldest when the ring is full.
    pub(crate) fn push(&mut self, id: &str, stored: &Stored, time: i64) {
        if self.live == self.capacity {
            self.evict_oldest();
        }
        let seq = self.next_seq;
        let slot = self.slot_of(seq);
        let id_at = self.ids.push(id);
        let (shift, filter) = stored
            .sample
            .map_or((NO_SAMPLE, [0; SAMPLE_BYTES]), |sample| {
                (sample.shift, sample.filter)
            });
        if slot == self.sketch.len() {
            self.grow();
            self.sketch.push(stored.sketch);
            self.exact.push(stored.exact);
            self.sample_shift.push(shift);
            self.sample_filter.push(filter);
            self.tags.push(stored.tags);
            self.id_at.push(id_at);
            self.links.push([u32::MAX; BANDS]);
        } else {
            self.sketch[slot] = stored.sketch;
            self.exact[slot] = stored.exact;
            self.sample_shift[slot] = shift;
            self.sample_filter[slot] = filter;
            self.tags[slot] = stored.tags;
            self.id_at[slot] = id_at;
        }
        self.next_seq += 1;
        self.live += 1;
        self.link(seq, slot);
        if self.live > (8usize << self.bucket_bits) && self.bucket_bits < MAX_BUCKET_BITS {
            self.rehash(self.bucket_bits + 1);
        }
        let time = time.max(self.latest_time);
        self.latest_time = time;
        if !self.by_time {
            return;
        }
        match self.checkpoints.back() {
            Some(&(_, start)) if time < start.saturating_add(self.granularity) => {}
            _ => self.checkpoints.push_back((seq, time)),
        }
    }

    /// Grows the columns by a sixteenth rather than doubling, to keep slack small
    /// (the copies this costs are amortised: a few per doubling).
    fn grow(&mut self) {
        let len = self.sketch.len();
        if len < self.sketch.capacity() {
            return;
        }
        let extra = (len / 16).max(1024).min(self.capacity - len);
        self.sketch.reserve_exact(extra);
        self.exact.reserve_exact(extra);
        self.sample_shift.reserve_exact(extra);
        self.sample_filter.reserve_exact(extra);
        self.tags.reserve_exact(extra);
        self.id_at.reserve_exact(extra);
        self.links.reserve_exact(extra);
    }

    fn link(&mut self, seq: u64, slot: usize) {
        for band in 0..BANDS {
            let bucket = self.bucket(band, self.tags[slot][band]);
            self.links[slot][band] = self.heads[bucket];
            self.heads[bucket] = seq as u32;
        }
    }

    fn rehash(&mut self, bits: u32) {
        self.bucket_bits = bits;
        self.heads = vec![u32::MAX; BANDS << bits];
        let oldest = self.next_seq - self.live as u64;
        for seq in oldest..self.next_seq {
            let slot = self.slot_of(seq);
            self.link(seq, slot);
        }
    }

    fn evict_oldest(&mut self) {
        if self.live == 0 {
            return;
        }
        let oldest = self.next_seq - self.live as u64;
        let slot = self.slot_of(oldest);
        self.ids.pop_front(self.id_at[slot]);
        self.live -= 1;
        // Segments emptied by count eviction go too, so checkpoints stay bounded.
        let oldest = oldest + 1;
        while self.checkpoints.len() > 1 && self.checkpoints[1].0 <= oldest {
            self.checkpoints.pop_front();
        }
        if self.live == 0 {
            // Nothing links to anything any more: start the heads afresh so stale links
            // can never alias new sequence numbers.
            self.heads.fill(u32::MAX);
            self.checkpoints.clear();
        }
    }
}

/// Ids in admission order, each as a LEB128 length and its bytes, in one ring of bytes.
/// Offsets are absolute positions modulo 2^32.
#[derive(Debug, Default)]
struct IdArena {
    bytes: VecDeque<u8>,
    /// Absolute position of `bytes[0]`.
    front: u64,
}

impl IdArena {
    fn push(&mut self, id: &str) -> u32 {
        let at = self.front + self.bytes.len() as u64;
        let needed = id.len() + 5;
        if self.bytes.capacity() - self.bytes.len() < needed {
            let extra = (self.bytes.len() / 16).max(4096).max(needed);
            self.bytes.reserve_exact(extra);
        }
        let mut len = id.len();
        loop {
            let byte = (len & 0x7f) as u8;
            len >>= 7;
            if len == 0 {
                self.bytes.push_back(byte);
                break;
            }
            self.bytes.push_back(byte | 0x80);
        }
        self.bytes.extend(id.as_bytes());
        at as u32
    }

    /// (start of the id's bytes, their length), both relative to `bytes[0]`.
    fn locate(&self, at: u32) -> (usize, usize) {
        let mut index = (at.wrapping_sub(self.front as u32)) as usize;
        let mut len = 0usize;
        let mut shift = 0;
        while let Some(&byte) = self.bytes.get(index) {
            len |= usize::from(byte & 0x7f) << shift;
            index += 1;
            shift += 7;
            if byte & 0x80 == 0 || shift > 28 {
                break;
            }
        }
        (index, len)
    }

    /// The id's bytes, in one or two pieces (the ring may wrap inside an id).
    fn pieces(&self, at: u32) -> (&[u8], &[u8]) {
        let (start, len) = self.locate(at);
        let end = (start + len).min(self.bytes.len());
        let start = start.min(end);
        let (a, b) = self.bytes.as_slices();
        if end <= a.len() {
            (&a[start..end], &[])
        } else if start >= a.len() {
            (&b[start - a.len()..end - a.len()], &[])
        } else {
            (&a[start..], &b[..end - a.len()])
        }
    }

    fn get(&self, at: u32) -> String {
        let (a, b) = self.pieces(at);
        let mut bytes = Vec::with_capacity(a.len() + b.len());
        bytes.extend_from_slice(a);
        bytes.extend_from_slice(b);
        // Ids were written from `&str`: the bytes are UTF-8.
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn equals(&self, at: u32, id: &str) -> bool {
        let (a, b) = self.pieces(at);
        a.len() + b.len() == id.len() && id.as_bytes().starts_with(a) && id.as_bytes().ends_with(b)
    }

    /// Drops the oldest id, which starts at `at`.
    fn pop_front(&mut self, at: u32) {
        let (start, len) = self.locate(at);
        let drop = (start + len).min(self.bytes.len());
        self.bytes.drain(..drop);
        self.front += drop as u64;
    }

    fn memory_bytes(&self) -> usize {
        self.bytes.capacity()
    }
}
