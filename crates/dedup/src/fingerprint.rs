//! Normalised tokens, the exact hash, the 64-bit SimHash and the lead key of a text.

/// What the index keeps of a text's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    /// Hash of the normalised title + body (lowercase, punctuation and spacing ignored).
    pub exact: u64,
    /// SimHash of the body's token shingles (of the title when the body has no token).
    pub simhash: u64,
    /// MinHash (smallest shingle hash) of the shingles of the body's first `lead_tokens` tokens;
    /// `None` for a shorter body.
    pub lead: Option<u32>,
}

/// How texts are cut into shingles.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shingling {
    /// Tokens per shingle (words, or characters of scripts written without spaces).
    pub size: usize,
    /// Tokens hashed into the lead key.
    pub lead_tokens: usize,
}

const MAX_SHINGLE: usize = 8;
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
const TITLE_BODY_SEPARATOR: u64 = 0x9e37_79b9_7f4a_7c15;

/// MurmurHash3's 64-bit finaliser: spreads FNV's weak low-entropy bits over the word,
/// which SimHash needs (every bit must be a fair coin).
#[inline]
fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
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

/// Calls `emit` with the hash of each normalised token of `text`: runs of letters and
/// digits, lowercased; every other character separates tokens.
pub(crate) fn tokens(text: &str, mut emit: impl FnMut(u64)) {
    let mut hash = FNV_OFFSET;
    let mut in_word = false;
    for ch in text.chars() {
        if ch.is_ascii() {
            if ch.is_ascii_alphanumeric() {
                hash = (hash ^ u64::from(ch.to_ascii_lowercase() as u32)).wrapping_mul(FNV_PRIME);
                in_word = true;
                continue;
            }
        } else if is_unspaced(ch) {
            if in_word {
                emit(mix(hash));
                hash = FNV_OFFSET;
                in_word = false;
            }
            emit(mix(
                (FNV_OFFSET ^ u64::from(ch as u32)).wrapping_mul(FNV_PRIME)
            ));
            continue;
        } else if ch.is_alphanumeric() {
            for lower in ch.to_lowercase() {
                hash = (hash ^ u64::from(lower as u32)).wrapping_mul(FNV_PRIME);
            }
            in_word = true;
            continue;
        }
        if in_word {
            emit(mix(hash));
            hash = FNV_OFFSET;
            in_word = false;
        }
    }
    if in_word {
        emit(mix(hash));
    }
}

/// Accumulates shingle hashes into SimHash bit votes.
struct SimHasher {
    votes: [i32; 64],
    shingles: i32,
    window: [u64; MAX_SHINGLE],
    size: usize,
    seen: usize,
}

impl SimHasher {
    fn new(size: usize) -> Self {
        SimHasher {
            votes: [0; 64],
            shingles: 0,
            window: [0; MAX_SHINGLE],
            size: size.clamp(1, MAX_SHINGLE),
            seen: 0,
        }
    }

    /// Adds a token; returns the hash of the shingle it completes.
    #[inline]
    fn token(&mut self, token: u64) -> Option<u64> {
        self.window[self.seen % self.size] = token;
        self.seen += 1;
        if self.seen >= self.size {
            let shingle = self.shingle(self.size);
            self.add(shingle);
            return Some(shingle);
        }
        None
    }

    /// Hash of the last `len` tokens, in order.
    #[inline]
    fn shingle(&self, len: usize) -> u64 {
        let mut hash = 0u64;
        for back in (0..len).rev() {
            let slot = (self.seen - 1 - back) % self.size;
            hash = (hash.rotate_left(23) ^ self.window[slot]).wrapping_mul(FNV_PRIME);
        }
        mix(hash)
    }

    #[inline]
    fn add(&mut self, shingle: u64) {
        // Branch-free so that the compiler vectorises the 64 votes.
        for (bit, vote) in self.votes.iter_mut().enumerate() {
            *vote += ((shingle >> bit) & 1) as i32;
        }
        self.shingles += 1;
    }

    fn finish(mut self) -> u64 {
        if self.shingles == 0 && self.seen > 0 {
            // Fewer tokens than a shingle: the whole text is one shingle.
            self.add(self.shingle(self.seen));
        }
        let mut simhash = 0u64;
        for (bit, &vote) in self.votes.iter().enumerate() {
            if 2 * vote > self.shingles {
                simhash |= 1 << bit;
            }
        }
        simhash
    }
}

/// Fingerprints a title and body.
pub(crate) fn fingerprint(title: &str, body: &str, shingling: Shingling) -> Fingerprint {
    let mut exact = FNV_OFFSET;
    let mut title_sim = SimHasher::new(shingling.size);
    tokens(title, |token| {
        exact = (exact ^ token).wrapping_mul(FNV_PRIME);
        let _ = title_sim.token(token);
    });
    exact = (exact ^ TITLE_BODY_SEPARATOR).wrapping_mul(FNV_PRIME);

    let mut body_sim = SimHasher::new(shingling.size);
    // The smallest shingle hash of the opening (a one-value MinHash of the lead):
    // shared by copies that keep most of the opening even when a dateline, a stray line
    // or a word differs (with probability = the openings' shingle Jaccard), and by
    // truncations; rarely by independent reports.
    let mut smallest = u64::MAX;
    let mut count = 0usize;
    tokens(body, |token| {
        exact = (exact ^ token).wrapping_mul(FNV_PRIME);
        let shingle = body_sim.token(token);
        if count < shingling.lead_tokens {
            count += 1;
            if let Some(shingle) = shingle {
                smallest = smallest.min(shingle);
            }
        }
    });
    let lead = (count == shingling.lead_tokens && smallest != u64::MAX).then_some(smallest as u32);
    let simhash = if body_sim.seen > 0 {
        body_sim.finish()
    } else {
        title_sim.finish()
    };
    Fingerprint {
        exact: mix(exact),
        simhash,
        lead,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHINGLING: Shingling = Shingling {
        size: 3,
        lead_tokens: 8,
    };

    fn token_count(text: &str) -> usize {
        let mut n = 0;
        tokens(text, |_| n += 1);
        n
    }

    #[test]
    fn case_punctuation_and_spacing_do_not_change_the_exact_hash() {
        let a = fingerprint(
            "Summit ends",
            "Leaders met in Rome; they agreed.",
            SHINGLING,
        );
        let b = fingerprint(
            "SUMMIT  ENDS!",
            "leaders met in rome -- they agreed",
            SHINGLING,
        );
        assert_eq!(a, b);
    }

    #[test]
    fn a_changed_word_changes_the_exact_hash() {
        let a = fingerprint("t", "Leaders met in Rome.", SHINGLING);
        let b = fingerprint("t", "Leaders met in Paris.", SHINGLING);
        assert_ne!(a.exact, b.exact);
    }

    #[test]
    fn unspaced_scripts_are_split_into_characters() {
        assert_eq!(token_count("外交部长周二"), 6);
        assert_eq!(token_count("Xi 会见 Putin"), 4);
        assert_eq!(token_count("Größe über"), 2);
    }

    #[test]
    fn lead_key_needs_enough_tokens() {
        assert_eq!(fingerprint("", "one two three", SHINGLING).lead, None);
        let long = fingerprint("", "a b c d e f g h i j", SHINGLING);
        let cut = fingerprint("", "a b c d e f g h", SHINGLING);
        let other = fingerprint("", "z y x w v u t s", SHINGLING);
        assert!(long.lead.is_some());
        assert_eq!(long.lead, cut.lead);
        assert_ne!(long.lead, other.lead);
    }

    #[test]
    fn very_short_text_still_gets_a_simhash() {
        assert_ne!(fingerprint("", "Rome", SHINGLING).simhash, 0);
    }
}
