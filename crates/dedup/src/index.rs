//! The index of one language: a ring of fingerprints in admission order, chained
//! hash tables over SimHash blocks and lead keys, and an arena of ids.
//!
//! Memory layout, per article (structure of arrays, so a candidate check touches only
//! the SimHash column): SimHash 8 bytes, exact hash 2 (checked together
//! with SimHash equality), lead key 4, id offset 4, one
//! 4-byte chain link per table (5 tables: 20), the id's bytes plus a 1-2 byte length,
//! and the table heads (about n/8 buckets of 4 bytes per table, at most 65,536).
//! Admission times are not stored per article: the ring is in admission order, so a
//! short list of (sequence, time) checkpoints, one per `window_seconds / 1024`, is
//! enough to evict by time.
//!
//! Chains run from newest to oldest and are never unlinked: a walk stops at the first
//! sequence number that is no longer live, so eviction is just moving the ring's tail.

use std::collections::VecDeque;

use crate::fingerprint::Fingerprint;

/// SimHash tables: block `t` is bits `16 t .. 16 t + 16`. Any two fingerprints within
/// Hamming distance 3 agree on at least one block (pigeonhole); at larger distances
/// they still usually do, which the measured thresholds rely on (see the crate docs).
pub(crate) const SIMHASH_TABLES: usize = 4;
const TABLES: usize = SIMHASH_TABLES + 1;
const LEAD_TABLE: usize = SIMHASH_TABLES;
const MIN_BUCKET_BITS: u32 = 6;
const MAX_BUCKET_BITS: u32 = 16;
const NO_LEAD: u32 = u32::MAX;

/// A stored article that matched a query.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate {
    pub slot: usize,
    pub distance: u32,
    pub exact: bool,
    pub lead: bool,
}

/// The index of one language.
#[derive(Debug)]
pub(crate) struct Shard {
    capacity: usize,
    /// Sequence number the next admitted article gets (low 32 bits are what links keep).
    next_seq: u64,
    /// Number of live articles: sequences `next_seq - live .. next_seq`.
    live: usize,
    simhash: Vec<u64>,
    exact: Vec<u16>,
    lead: Vec<u32>,
    id_at: Vec<u32>,
    links: Vec<[u32; TABLES]>,
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
            simhash: Vec::new(),
            exact: Vec::new(),
            lead: Vec::new(),
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
        shard.heads = vec![u32::MAX; TABLES << shard.bucket_bits];
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
        self.simhash.capacity() * 8
            + self.exact.capacity() * 2
            + self.lead.capacity() * 4
            + self.id_at.capacity() * 4
            + self.links.capacity() * 4 * TABLES
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

    fn bucket(&self, table: usize, key: u32) -> usize {
        let shift = 32 - self.bucket_bits;
        (table << self.bucket_bits) | (key.wrapping_mul(0x9e37_79b1) >> shift) as usize
    }

    fn table_key(table: usize, fingerprint: &Fingerprint) -> Option<u32> {
        if table == LEAD_TABLE {
            // NO_LEAD marks "no lead key" in the column.
            fingerprint.lead.map(|lead| lead.min(NO_LEAD - 1))
        } else {
            Some(((fingerprint.simhash >> (16 * table)) & 0xffff) as u32)
        }
    }

    fn stored_key(&self, table: usize, slot: usize) -> Option<u32> {
        if table == LEAD_TABLE {
            (self.lead[slot] != NO_LEAD).then_some(self.lead[slot])
        } else {
            Some(((self.simhash[slot] >> (16 * table)) & 0xffff) as u32)
        }
    }

    /// Calls `found` for every live article sharing a SimHash block or the lead key
    /// with `fingerprint` (an article may be reported once per table it shares).
    pub(crate) fn candidates(
        &self,
        fingerprint: &Fingerprint,
        multi_probe: bool,
        mut found: impl FnMut(Candidate),
    ) {
        for table in 0..TABLES {
            let Some(key) = Self::table_key(table, fingerprint) else {
                continue;
            };
            // Multi-probe: also look up the block with each single bit flipped, so a
            // block with one differing bit still meets (see the crate docs for recall).
            let probes = if table == LEAD_TABLE || !multi_probe {
                1
            } else {
                17
            };
            for probe in 0..probes {
                let key = if probe == 0 {
                    key
                } else {
                    key ^ (1 << (probe - 1))
                };
                let mut link = self.heads[self.bucket(table, key)];
                while let Some(seq) = self.live_seq(link) {
                    let slot = self.slot_of(seq);
                    if self.stored_key(table, slot) == Some(key) {
                        let distance = (self.simhash[slot] ^ fingerprint.simhash).count_ones();
                        found(Candidate {
                            slot,
                            distance,
                            exact: distance == 0 && self.exact[slot] == fingerprint.exact as u16,
                            lead: table == LEAD_TABLE,
                        });
                    }
                    link = self.links[slot][table];
                }
            }
        }
    }

    /// True when the article `id` with exactly this fingerprint is indexed. Walks one
    /// table: an identical fingerprint shares every block.
    pub(crate) fn contains(&self, id: &str, fingerprint: &Fingerprint) -> bool {
        let key = (fingerprint.simhash & 0xffff) as u32;
        let mut link = self.heads[self.bucket(0, key)];
        while let Some(seq) = self.live_seq(link) {
            let slot = self.slot_of(seq);
            if self.simhash[slot] == fingerprint.simhash
                && self.exact[slot] == fingerprint.exact as u16
                && self.id_is(slot, id)
            {
                return true;
            }
            link = self.links[slot][0];
        }
        false
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
    pub(crate) fn push(&mut self, id: &str, fingerprint: &Fingerprint, time: i64) {
        if self.live == self.capacity {
            self.evict_oldest();
        }
        let seq = self.next_seq;
        let slot = self.slot_of(seq);
        let id_at = self.ids.push(id);
        let lead = Self::table_key(LEAD_TABLE, fingerprint).unwrap_or(NO_LEAD);
        if slot == self.simhash.len() {
            self.grow();
            self.simhash.push(fingerprint.simhash);
            self.exact.push(fingerprint.exact as u16);
            self.lead.push(lead);
            self.id_at.push(id_at);
            self.links.push([u32::MAX; TABLES]);
        } else {
            self.simhash[slot] = fingerprint.simhash;
            self.exact[slot] = fingerprint.exact as u16;
            self.lead[slot] = lead;
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

    /// Grows the columns by an eighth rather than doubling, to keep slack small.
    fn grow(&mut self) {
        let len = self.simhash.len();
        if len < self.simhash.capacity() {
            return;
        }
        let extra = (len / 8).max(1024).min(self.capacity - len);
        self.simhash.reserve_exact(extra);
        self.exact.reserve_exact(extra);
        self.lead.reserve_exact(extra);
        self.id_at.reserve_exact(extra);
        self.links.reserve_exact(extra);
    }

    fn link(&mut self, seq: u64, slot: usize) {
        for table in 0..TABLES {
            let Some(key) = self.stored_key(table, slot) else {
                self.links[slot][table] = u32::MAX;
                continue;
            };
            let bucket = self.bucket(table, key);
            self.links[slot][table] = self.heads[bucket];
            self.heads[bucket] = seq as u32;
        }
    }

    fn rehash(&mut self, bits: u32) {
        self.bucket_bits = bits;
        self.heads = vec![u32::MAX; TABLES << bits];
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
            let extra = (self.bytes.len() / 8).max(4096).max(needed);
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
