//! The function-word shortcut: decides Latin, Cyrillic and Arabic script texts from the
//! most frequent words of each candidate language, before whatlang's trigram scoring.
//!
//! Why it is sound: function words (articles, prepositions, conjunctions, pronouns,
//! auxiliaries) are the most frequent tokens of running text in every language (a third
//! to a half of all tokens) and the most discriminative ones, because each language's
//! closed class of them differs. Close relatives (es/pt/ca, da/nb/sv, cs/sk, ru/uk/be,
//! ar/fa/ur, ...) all have lists here, so they compete instead of one being misread as
//! its neighbour; words two languages share carry no evidence between those two, so the
//! margin is measured pairwise on the words one has and the other lacks.
//!
//! A text is decided here only when all of these hold, else it goes to whatlang unchanged:
//! - at least [`MIN_HITS`] function-word hits for the winner (a short text falls back);
//! - the hits are at least [`MIN_DENSITY`] of the tokens read (running text in the
//!   winner's language, not a list of names or a language without a list here that
//!   happens to share some words);
//! - against every other candidate `L`, the winner's hits on words `L` lacks are at least
//!   [`MIN_RATIO`] times `L`'s hits on words the winner lacks, and at least
//!   [`MIN_DISTINCT`] of them.
//!
//! The confidence is the weakest pairwise margin, `1 - theirs / ours` over the
//! candidates, so it is at least `1 - 1 / MIN_RATIO` for a decision.

use foldhash::{HashMap, HashMapExt};
use newsflow_text::words::{words, Word};
use whatlang::{Lang, Script};

/// Fewest function-word hits of the winner for a decision.
pub const MIN_HITS: usize = 12;
/// Fewest hits per token read for a decision.
pub const MIN_DENSITY: f64 = 0.1;
/// Winner's distinct hits over any rival's distinct hits.
pub const MIN_RATIO: usize = 3;
/// Fewest hits of the winner on words a rival lacks.
pub const MIN_DISTINCT: usize = 4;
/// Hits recorded per text: far more than a decision needs, and it bounds the work.
const MAX_HITS: usize = 256;
/// Longest token looked up, in bytes; longer ones are no function word.
const MAX_TOKEN: usize = 24;

/// Each language's most frequent function words, lowercase, space-separated.
const LISTS: &[(Lang, Script, &str)] = &[
    (Lang::Eng, Script::Latin, "the of and to a in is that for it was on with as by at from be are this have has had not but his her they he she their which were been an or will its who would there more said about after also can than we you"),
    (Lang::Fra, Script::Latin, "le la les de des du et est un une dans pour qui que en au aux sur par pas ne se plus ce cette il elle ils sont avec son sa ses mais ont été leur comme ou nous vous était aussi même tout"),
    (Lang::Deu, Script::Latin, "der die und das ist nicht mit den sich auf ein eine des dem zu von im für auch es er sie wird werden wurde noch bei aus nach hat haben einer einen wie als oder sind war dass über nur an am"),
    (Lang::Spa, Script::Latin, "el la los las del y una por con para que se en de un es al lo su sus como más pero fue ha este esta también sobre entre o sin muy le hay son desde todo ya"),
    (Lang::Por, Script::Latin, "os as do da dos das não uma em ao pelo pela com que são o a e um no na nos nas para por se é foi mais como mas também seu sua ser está ou muito há tem"),
    (Lang::Cat, Script::Latin, "el la els les del dels i una per amb que es en de un és al als va seu seva però més com també aquest aquesta ha han són sobre entre o fins molt"),
    (Lang::Ita, Script::Latin, "il la le di che per una sono non gli della delle dei del nel nella è un e con si da al alla anche come ma più ha lo questo sua suo stato essere degli tra ci ad"),
    (Lang::Ron, Script::Latin, "și în de la cu pe nu din care este un o a al ale lui să se mai pentru sunt fost ca dar au sau ce acest această după despre prin fi"),
    (Lang::Nld, Script::Latin, "de het een van en niet dat zijn voor met op is te in die er aan ook als door bij maar om wordt worden naar nog werd dan deze hij ze wel heeft hebben was of uit"),
    (Lang::Afr, Script::Latin, "die en van is het nie om wat te in vir op met sy hy ook word was as by aan dat hulle ons ek maar is kan sal deur na"),
    (Lang::Swe, Script::Latin, "och att det som är för med inte av den en ett på i till har de om var men så kan vi jag han hon eller från vid också ska sig efter när under detta blir blev"),
    (Lang::Dan, Script::Latin, "og at det som er for med ikke af den en et på i til har de om var men så kan vi jeg han hun eller fra ved også skal sig efter når under dette bliver blev"),
    (Lang::Nob, Script::Latin, "og at det som er for med ikke av den en et på i til har de om var men så kan vi jeg han hun eller fra ved også skal seg etter når under dette blir ble"),
    (Lang::Pol, Script::Latin, "się nie jest na że do w i z to jak o po od za co ale już przez tak są dla jego być było oraz jej tym może tylko także który która które"),
    (Lang::Ces, Script::Latin, "a se v na je že s z do to o jako ale pro by jsou jeho byl byla bylo od po ve které který která také jak jen už není tak při již"),
    (Lang::Slk, Script::Latin, "a sa v na je že s z do to o ako ale pre by sú jeho bol bola bolo od po vo ktoré ktorý ktorá tiež len už nie tak pri aj"),
    (Lang::Hrv, Script::Latin, "i u je na da se za od su s koji koja koje ne a kao što to iz do ili biti bio bila su ali već samo nije još te"),
    (Lang::Slv, Script::Latin, "in je v na da se za od so s ki ne pa kot to iz do ali bi bil bila tudi že le ni še po pri ter"),
    (Lang::Tur, Script::Latin, "ve bir bu için ile da de olarak çok daha gibi en ne o ama kadar sonra olan var değil her şey ki ya veya tarafından ise ancak göre olduğu bunu şu aynı içinde hem mi çünkü"),
    (Lang::Aze, Script::Latin, "və bir bu üçün ilə da də olaraq çox daha kimi ən nə o amma qədər sonra olan var deyil hər ki ya həm isə"),
    (Lang::Ind, Script::Latin, "yang dan di ini itu dengan untuk dari tidak akan pada dalam ke juga ada adalah oleh karena bisa atau sudah saat telah mereka kami kita lebih"),
    (Lang::Vie, Script::Latin, "của và là các những được trong có cho không một người này đã với để khi cũng về như đến từ thì nhiều tại năm sẽ ra đó theo ở bị vào lại đang nhưng mà sau nên hơn rất trên vì nếu hay việc"),
    (Lang::Hun, Script::Latin, "a az és hogy nem is egy van meg de csak el ki mint már volt még ez azt pedig vagy után között szerint lesz kell"),
    (Lang::Fin, Script::Latin, "ja on ei se että oli hän myös mutta kun tai ovat joka jos sen ole vain niin kuin mukaan sekä hänen olla jo"),
    (Lang::Est, Script::Latin, "ja on ei see et oli ta ka aga kui või nad mis mida oma kes selle ning seda olla veel pärast üle ainult"),
    (Lang::Rus, Script::Cyrillic, "и в не на что с по это как из его был была было к а но за от для о у же они она он все так только также при которые который после"),
    (Lang::Ukr, Script::Cyrillic, "і в не на що з та це від як його до у за для але вже також був була було він вона вони при які який після або ще так й ж бо чи щоб коли тому цього має"),
    (Lang::Bel, Script::Cyrillic, "і ў не на што з гэта як яго да за для але ўжо таксама быў была было ён яна яны пры якія які пасля або ад"),
    (Lang::Bul, Script::Cyrillic, "и в на за от да се не с по че е са това като за но от към което която които бъде бе ще му ги"),
    (Lang::Mkd, Script::Cyrillic, "и во на за од да се не со по дека е се тоа како но кон кој која кои ќе му ги беше или"),
    (Lang::Srp, Script::Cyrillic, "и у је на да се за од су са који која које не а као што то из до или бити био била али већ само није још"),
    (Lang::Ara, Script::Arabic, "في من على أن إلى التي الذي عن مع هذا هذه كان ما لا إن قد بين كما أو ذلك وقد عند بعد كل حتى غير هو هي وفي ومن وهو وهي الى او لم لن ثم منذ حيث كانت هناك ولا فيه عليه"),
    (Lang::Pes, Script::Arabic, "در به از که این را با است برای های می آن یک شد شده بود هم تا نیز کرد کند اند ای خود یا"),
    (Lang::Urd, Script::Arabic, "کے میں کی ہے اور سے کو نے پر یہ کہ ہیں کا تھا تھی گیا ایک بھی وہ جو کر"),
];

/// The function-word lists of the languages a detector may answer, indexed by word.
#[derive(Debug, Clone)]
pub(crate) struct FunctionWords {
    /// Word (as bytes, so that a key lowercased in place needs no UTF-8 check) -> bit set
    /// of the languages (positions in `langs`) whose list holds it. foldhash, not SipHash: the keys are our own words, and the lookup of every token
    /// of the prefix was the shortcut's largest cost.
    index: HashMap<&'static [u8], u64>,
    langs: Vec<(Lang, Script)>,
}

/// A shortcut decision: the language, its script and the confidence.
pub(crate) type Verdict = (Lang, Script, f64);

impl FunctionWords {
    /// The lists of the languages `allowed` accepts; `None` when none of them has one.
    pub(crate) fn new(allowed: impl Fn(Lang) -> bool) -> Option<Self> {
        let mut index: HashMap<&'static [u8], u64> = HashMap::new();
        let mut langs = Vec::new();
        for &(lang, script, words) in LISTS.iter().filter(|(lang, _, _)| allowed(*lang)) {
            let bit = 1u64 << langs.len();
            langs.push((lang, script));
            for word in words.split_whitespace() {
                *index.entry(word.as_bytes()).or_default() |= bit;
            }
        }
        (!langs.is_empty()).then_some(FunctionWords { index, langs })
    }

    /// The language when the function words of `text` settle it.
    pub(crate) fn decide(&self, text: &str) -> Option<Verdict> {
        let mut hits = [0u64; MAX_HITS];
        let mut recorded = 0;
        let mut tokens = 0usize;
        let mut totals = [0u32; 64];
        let mut lower = String::new();
        let mut ascii = [0u8; MAX_TOKEN];
        for Word {
            text: token,
            is_ascii,
        } in words(text)
        {
            tokens += 1;
            if token.len() > MAX_TOKEN {
                continue;
            }
            let key = if is_ascii {
                let key = &mut ascii[..token.len()];
                for (lower, byte) in key.iter_mut().zip(token.bytes()) {
                    *lower = byte.to_ascii_lowercase();
                }
                &*key
            } else {
                lower.clear();
                // Per char: a token is too short for `lowercase_into`'s bulk ASCII copy to pay.
                lower.extend(token.chars().flat_map(newsflow_text::chars::to_lowercase));
                lower.as_bytes()
            };
            let Some(&mask) = self.index.get(key) else {
                continue;
            };
            hits[recorded] = mask;
            recorded += 1;
            let mut bits = mask;
            while bits != 0 {
                totals[bits.trailing_zeros() as usize] += 1;
                bits &= bits - 1;
            }
            if recorded == MAX_HITS {
                break;
            }
        }
        let (best, &best_total) = totals[..self.langs.len()]
            .iter()
            .enumerate()
            .max_by_key(|(_, total)| **total)?;
        let best_total = best_total as usize;
        if best_total < MIN_HITS || (best_total as f64) < MIN_DENSITY * tokens as f64 {
            return None;
        }
        // Hits on words the winner shares with each rival: they say nothing between them.
        let mut shared = [0u32; 64];
        for &mask in hits[..recorded].iter().filter(|m| *m & (1 << best) != 0) {
            let mut bits = mask;
            while bits != 0 {
                shared[bits.trailing_zeros() as usize] += 1;
                bits &= bits - 1;
            }
        }
        let mut confidence: f64 = 1.0;
        for rival in (0..self.langs.len()).filter(|&rival| rival != best) {
            let ours = best_total - shared[rival] as usize;
            let theirs = (totals[rival] - shared[rival]) as usize;
            if ours < MIN_DISTINCT || ours < MIN_RATIO * theirs {
                return None;
            }
            confidence = confidence.min(1.0 - theirs as f64 / ours as f64);
        }
        let (lang, script) = self.langs[best];
        Some((lang, script, confidence))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercased_before_the_lookup() {
        let words = FunctionWords::new(|lang| lang == Lang::Rus).unwrap();
        let text = "И В НЕ НА ЧТО С ПО ЭТО КАК ИЗ ЕГО БЫЛ Москва";
        assert_eq!(words.decide(text).map(|(lang, ..)| lang), Some(Lang::Rus));
    }
}
