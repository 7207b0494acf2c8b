#!/usr/bin/env python3
"""Assembles tests/eval/articles.jsonl and labels.jsonl from source/*.txt.

Source format (one block per article; see README.md):

    === ID | SOURCE | PUBLISHED_AT
    lang: en
    events: state_visit planned visitor=PRK host=CHN; summit occurred participant=FRA,DEU
    confuser: pride_parade
    title: Headline
    <body paragraphs, blank-line separated>

Derived copies of an earlier article (labelled duplicate_of it, same events):

    === ID | SOURCE | PUBLISHED_AT
    copy: ORIGINAL_ID syndicated|truncated|html|exact
    title: optional other headline

A hand-written light rewrite gives `rewrite: ORIGINAL_ID` plus its own title and body.
"""
import json
import pathlib
import re

HERE = pathlib.Path(__file__).parent

BOILER = {
    "en": ["Sign up for our morning briefing newsletter.", "Related articles", "Share this story"],
    "fr": ["Inscrivez-vous à notre newsletter quotidienne.", "À lire aussi", "Partager cet article"],
    "de": ["Abonnieren Sie unseren Newsletter.", "Mehr zum Thema", "Artikel teilen"],
    "es": ["Suscríbase a nuestro boletín diario.", "Artículos relacionados", "Compartir en redes sociales"],
}


def parse_events(text):
    events = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        words = part.split()
        kind, status = words[0], words[1]
        roles = {}
        for word in words[2:]:
            role, codes = word.split("=")
            roles[role] = codes.split(",")
        events.append({"type": kind, "status": status, "roles": roles})
    return events


def parse(path):
    blocks = re.split(r"^=== ", path.read_text(encoding="utf-8"), flags=re.M)[1:]
    for block in blocks:
        head, _, rest = block.partition("\n")
        ident, source, published = [x.strip() for x in head.split("|")]
        meta, body_lines = {}, []
        lines = rest.strip("\n").split("\n")
        index = 0
        while index < len(lines) and re.match(r"^(lang|events|confuser|title|copy|rewrite):", lines[index]):
            key, _, value = lines[index].partition(":")
            meta[key] = value.strip()
            index += 1
        body = "\n".join(lines[index:]).strip()
        yield ident, source, published, meta, body


def main():
    articles, labels, by_id = [], [], {}
    for path in sorted((HERE / "source").glob("*.txt")):
        for ident, source, published, meta, body in parse(path):
            assert ident not in by_id, ident
            slug = re.sub(r"[^a-z]", "", source.lower()) or "news"
            record = {"id": ident, "url": f"https://{slug}.example/{ident}", "source": source,
                      "published_at": published}
            if "copy" in meta or "rewrite" in meta:
                original_id, *style = (meta.get("copy") or meta["rewrite"]).split()
                original = by_id[original_id]
                lang = original["label"]["language"]
                label = dict(original["label"], id=ident, duplicate_of=original_id)
                label.pop("confuser", None)
                title = meta.get("title", original["record"]["title"])
                text = body if "rewrite" in meta else original["record"]["body"]
                style = style[0] if style else "rewrite"
                label["copy"] = style
                paragraphs = text.split("\n\n")
                extra = BOILER.get(lang, BOILER["en"])
                if style == "syndicated":
                    text = "\n\n".join(paragraphs + [extra[0], extra[1]])
                elif style == "truncated":
                    keep = max(2, (len(paragraphs) * 2 + 2) // 3)
                    text = "\n\n".join(paragraphs[:keep])
                elif style == "html":
                    text = "".join(f"<p>{p}</p>" for p in paragraphs) + \
                        f'<div class="share"><p>{extra[2]}</p></div><p>{extra[0]}</p>'
                record.update(title=title, body=text, language=lang)
            else:
                lang = meta["lang"]
                label = {"id": ident, "language": lang, "duplicate_of": None,
                         "events": parse_events(meta.get("events", ""))}
                if "confuser" in meta:
                    label["confuser"] = meta["confuser"]
                record.update(title=meta["title"], body=body)
                if len(articles) % 3 == 0:
                    record["language"] = lang
                if len(articles) % 4 == 1:
                    record["section"] = "world"
            by_id[ident] = {"record": record, "label": label}
            articles.append(record)
            labels.append(label)
    with open(HERE / "articles.jsonl", "w", encoding="utf-8") as out:
        for record in articles:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    with open(HERE / "labels.jsonl", "w", encoding="utf-8") as out:
        for label in labels:
            out.write(json.dumps(label, ensure_ascii=False) + "\n")
    langs = {}
    for label in labels:
        langs[label["language"]] = langs.get(label["language"], 0) + 1
    types = sorted({e["type"] for l in labels for e in l["events"]})
    print(len(articles), "articles", langs, "types", len(types), types,
          "duplicates", sum(1 for l in labels if l["duplicate_of"]),
          "confusers", sum(1 for l in labels if l.get("confuser")))


if __name__ == "__main__":
    main()
