#!/usr/bin/env python3
"""Builds updates.jsonl: earlier/later article pairs that the dedup test
(crates/dedup/tests/updates.rs) classifies.

    python3 crates/dedup/tests/data/make_pairs.py /work/evaldata > crates/dedup/tests/data/updates.jsonl

Kinds (`kind`):
- `update`, `real`: the follow-ups the evaluation-data writers wrote (`update: ID` in
  EVALDATA/{test,dev}/<lang>.txt): they repeat one or two paragraphs word for word.
- `update`, `hard-50` / `hard-60e`: the same follow-ups made harder, closer to the real
  cases of issue 14 (Jaccard 0.3-0.5 with the original): the follow-up's own new
  paragraphs (a later development, written by the writers) lead, then half of the
  original's paragraphs verbatim, then more new paragraphs, about as much new text as
  kept (`hard-50`); or 60% of the original's paragraphs, each without its last
  sentence (lightly edited), and new text 0.8 times as long (`hard-60e`). For en and ru, which have no writer follow-ups, the new paragraphs
  are written here (HAND_UPDATES).
- `copy`: what must stay a near duplicate: truncations (60% of the paragraphs, or
  cut mid-sentence at 55% of the words), a retitled copy with agency boilerplate,
  and light rewrites (one sentence of each paragraph dropped plus word swaps).
"""
import json
import re
import sys

LANGS = ["en", "fr", "de", "es", "ru", "zh", "it", "pt", "ja", "ar"]


def blocks(path):
    out = {}
    text = open(path, encoding="utf-8").read()
    for block in re.split(r"^=== ", text, flags=re.M)[1:]:
        head, _, rest = block.partition("\n")
        bid = head.split("|")[0].strip()
        meta = {}
        lines = rest.split("\n")
        i = 0
        while i < len(lines) and re.match(r"^(lang|url|story|events|genre|update|title):", lines[i]):
            key, _, value = lines[i].partition(":")
            meta[key] = value.strip()
            i += 1
        meta["paragraphs"] = [p.strip() for p in "\n".join(lines[i:]).strip().split("\n\n") if p.strip()]
        out[bid] = meta
    return out


def body(paragraphs):
    return "\n\n".join(paragraphs)


SENTENCE = re.compile(r"(?<=[.!?。！？])\s*")


def drop_last_sentence(paragraph):
    sentences = [s for s in SENTENCE.split(paragraph) if s.strip()]
    if len(sentences) < 2:
        return paragraph
    sep = "" if re.search(r"[。！？]$", sentences[0]) else " "
    return sep.join(sentences[:-1])


def hard(earlier, later_title, new, keep, edit, new_ratio):
    """Keeps `keep` of the original's paragraphs and adds new ones while the new text
    is under `new_ratio` times the kept text (at least one)."""
    kept_count = max(1, round(len(earlier["paragraphs"]) * keep))
    kept = earlier["paragraphs"][:kept_count]
    if edit:
        kept = [drop_last_sentence(p) for p in kept]
    kept_chars = sum(len(p) for p in kept)
    taken = []
    for paragraph in new:
        if taken and sum(len(p) for p in taken) >= new_ratio * kept_chars:
            break
        taken.append(paragraph)
    lead, rest = taken[:1], taken[1:]
    return {"title": later_title, "body": body(lead + kept + rest)}


SWAPS = {
    "en": [("said", "stated"), (" the ", " the "), ("on Monday", "Monday"), ("about", "around"), ("also", "as well")],
    "fr": [("a déclaré", "a affirmé"), ("selon", "d'après"), ("également", "aussi"), ("environ", "près de")],
    "de": [("sagte", "erklärte"), ("etwa", "rund"), ("auch", "ebenfalls"), ("nach Angaben", "laut Angaben")],
    "es": [("dijo", "afirmó"), ("según", "de acuerdo con"), ("también", "asimismo"), ("unos", "alrededor de")],
    "ru": [("заявил", "сообщил"), ("также", "кроме того"), ("около", "примерно")],
    "zh": [("表示", "称"), ("他说", "他表示"), ("此外", "另外"), ("约", "大约")],
}


def rewrite(lang, paragraphs):
    out = []
    for p in paragraphs:
        sentences = [s for s in SENTENCE.split(p) if s.strip()]
        if len(sentences) >= 3:
            sentences = sentences[:1] + sentences[2:]
        sep = "" if lang in ("zh", "ja") else " "
        p = sep.join(sentences)
        for a, b in SWAPS.get(lang, []):
            p = p.replace(a, b)
        out.append(p)
    return out


# (variant, share of the original's paragraphs kept, kept ones lightly edited, new
# text as a multiple of the kept text).
HARD = [("hard-50", 0.5, False, 1.0), ("hard-60e", 0.6, True, 0.8)]

HAND_UPDATES = {
    # en-d008: Iran's strike on Al Udeid; the follow-up reports the ceasefire.
    ("en", "en-d008"): ("Israel-Iran ceasefire takes hold after Trump announcement; Qatar strike was last salvo", [
        "A ceasefire between Israel and Iran appeared to hold on Tuesday morning, hours after President Donald Trump announced it on social media and a day after Iranian missiles were fired at the Al Udeid air base in Qatar.",
        "Trump wrote that the truce was now in effect and urged both sides not to violate it. Israel's government confirmed it had accepted the proposal after what it called the achievement of its war aims, while Iranian state media described the halt as a victory forced on the enemy.",
        "Air raid sirens sounded in northern Israel shortly after the deadline passed, and the Israeli military said it had detected launches from Iran, which Tehran denied. Trump later told reporters that both countries had breached the agreement and said he was not happy with either of them.",
        "Qatar's emir spoke to Trump by telephone, and Qatari mediators said they had helped persuade Tehran to accept the proposal. Airlines began to restore flights to Doha, Dubai and Bahrain after two days of cancellations.",
    ]),
    # en-d010: Chile's first round; the follow-up reports endorsements for the run-off.
    ("en", "en-d010"): ("Right rallies behind Kast as Chile's run-off campaign begins", [
        "Chile's defeated right-wing candidates lined up behind José Antonio Kast on Monday, giving the far-right leader a broad coalition for the December run-off against the communist Jeannette Jara.",
        "Evelyn Matthei, the candidate of the traditional centre-right, said she would vote for Kast and campaign for him, and the libertarian Johannes Kaiser offered his support the same evening, although he said his party would not join a future cabinet automatically.",
        "Jara, who came first with about a quarter of the vote, called on centrist and independent voters to stop what she called a leap into the unknown, and promised to keep the pension reform she negotiated as labour minister.",
        "Analysts said the arithmetic favoured Kast, since the right-wing candidates together won more than half of the first-round votes, and that Jara would need a large share of those who supported the populist Franco Parisi.",
    ]),
    # ru-d005: drones over Poland; the follow-up reports NATO's new mission.
    ("ru", "ru-d005"): ("НАТО начинает операцию «Восточный страж» после инцидента с дронами над Польшей", [
        "Североатлантический альянс объявил в пятницу о начале операции «Восточный страж», призванной усилить защиту восточного фланга после того, как над территорией Польши были сбиты беспилотники.",
        "Генеральный секретарь НАТО Марк Рютте сообщил, что в операции примут участие истребители и средства противовоздушной обороны Дании, Франции, Великобритании и Германии, а командование будет гибко перебрасывать силы туда, где возникает угроза.",
        "Польские власти тем временем закрыли воздушное пространство над восточными районами страны для частных самолётов и дронов, а в приграничных деревнях продолжают искать обломки упавших аппаратов.",
        "В Москве назвали обвинения в преднамеренном нарушении польского воздушного пространства безосновательными и предложили Варшаве провести консультации на уровне военных ведомств.",
    ]),
    # ru-d006: the Riyadh talks; the follow-up reports the Istanbul round.
    ("ru", "ru-d006"): ("Россия и США провели в Стамбуле переговоры о работе посольств", [
        "Российская и американская делегации провели в Стамбуле шестичасовые консультации о работе дипломатических миссий, договорённость о которых была достигнута на встрече в Эр-Рияде.",
        "По данным МИД России, стороны обсудили возвращение изъятой дипломатической собственности, выдачу виз сотрудникам посольств и восстановление прямого авиасообщения, но окончательных решений не приняли.",
        "Госдепартамент назвал разговор конструктивным и сообщил, что следующий раунд может пройти в ближайшие недели, при этом вопрос об урегулировании на Украине в Стамбуле не обсуждался.",
        "Российскую делегацию возглавил директор департамента Северной Америки МИД Александр Дарчиев, которого Москва выдвинула на пост посла в Вашингтоне.",
    ]),
}


def main():
    root = sys.argv[1]
    pairs = []
    arts = {}
    for split in ["test", "dev"]:
        for lang in LANGS:
            for bid, meta in blocks(f"{root}/{split}/{lang}.txt").items():
                meta["lang"] = lang
                arts[bid] = meta
    def art(bid, title=None, paragraphs=None):
        meta = arts[bid]
        return {"id": bid, "title": title if title is not None else meta.get("title", ""),
                "body": body(paragraphs if paragraphs is not None else meta["paragraphs"])}
    updates = [(bid, meta) for bid, meta in arts.items() if meta.get("update") in arts]
    for bid, meta in sorted(updates):
        earlier = arts[meta["update"]]
        lang = meta["lang"]
        pairs.append({"kind": "update", "variant": "real", "lang": lang,
                      "earlier": art(meta["update"]), "later": art(bid)})
        original = set(earlier["paragraphs"])
        new = [p for p in meta["paragraphs"] if p not in original]
        for variant, keep, edit, ratio in HARD:
            later = hard(earlier, meta.get("title", ""), new, keep, edit, ratio)
            later["id"] = f"{bid}-{variant}"
            pairs.append({"kind": "update", "variant": variant, "lang": lang,
                          "earlier": art(meta["update"]), "later": later})
    for (lang, bid), (title, new) in HAND_UPDATES.items():
        for variant, keep, edit, ratio in HARD:
            later = hard(arts[bid], title, new, keep, edit, ratio)
            later["id"] = f"{bid}-followup-{variant}"
            pairs.append({"kind": "update", "variant": variant, "lang": lang,
                          "earlier": art(bid), "later": later})
    # Copies: the first articles of each language's dev split that are not updates.
    for lang in ["en", "fr", "de", "es", "ru", "zh"]:
        ids = [bid for bid, meta in arts.items() if meta["lang"] == lang and bid.startswith(f"{lang}-d")
               and "update" not in meta and "genre" not in meta][:4]
        a, b, c, d = ids
        ps = arts[a]["paragraphs"]
        pairs.append({"kind": "copy", "variant": "truncated-60", "lang": lang, "earlier": art(a),
                      "later": {"id": f"{a}-trunc", **{k: v for k, v in art(a, paragraphs=ps[:max(1, round(len(ps) * 0.6))]).items() if k != "id"}}})
        words = body(arts[b]["paragraphs"])
        cut = words[: int(len(words) * 0.55)]
        pairs.append({"kind": "copy", "variant": "cut-mid-sentence", "lang": lang, "earlier": art(b),
                      "later": {"id": f"{b}-cut", "title": arts[b].get("title", ""), "body": cut}})
        boiler = {"en": "Reporting by our correspondents; editing by the world desk. All rights reserved.",
                  "fr": "Avec AFP. Tous droits de reproduction réservés.",
                  "de": "Mit Material von dpa und Reuters. Alle Rechte vorbehalten.",
                  "es": "Con información de agencias. Todos los derechos reservados.",
                  "ru": "По материалам информационных агентств. Все права защищены.",
                  "zh": "本文来源：新华社。版权所有，未经授权不得转载。"}[lang]
        pairs.append({"kind": "copy", "variant": "retitled-syndicated", "lang": lang, "earlier": art(c),
                      "later": {"id": f"{c}-syn", "title": "WIRE: " + arts[c].get("title", "")[::-1][:40][::-1],
                                "body": body(arts[c]["paragraphs"] + [boiler])}})
        pairs.append({"kind": "copy", "variant": "light-rewrite", "lang": lang, "earlier": art(d),
                      "later": {"id": f"{d}-rw", "title": arts[d].get("title", ""),
                                "body": body(rewrite(lang, arts[d]["paragraphs"]))}})
    for pair in pairs:
        print(json.dumps(pair, ensure_ascii=False))


main()
