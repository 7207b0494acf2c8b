#!/usr/bin/env python3
"""Assembles the real-news evaluation set: tests/eval/real/{dev,test,probe}/articles.jsonl
and labels.jsonl from tests/eval/real/source/{dev,test,probe}/<lang>.txt.

    python3 tests/eval/build_real.py [--from DIR]

`--from DIR` first copies DIR/{dev,test,probe}/<lang>.txt (the writers' working copy,
`/work/evaldata` when they wrote it) into `real/source/`, replacing older versions.

The block format extends `build.py`'s (see `real/README.md`):

    === ID | SOURCE | PUBLISHED_AT
    lang: en
    url: https://www.example-outlet.com/world/asia/2025/09/03/china-parade
    story: S01
    lookalike: beijing-parades
    genre: sport
    update: en-t004
    events: military_parade occurred main host=CHN guest=PRK,RUS; summit occurred background
    title: Headline
    <body paragraphs, blank-line separated>

`events:` entries carry a salience token (`main` or `background`) after the status.
`story`, `lookalike`, `genre`, `update` and `url` are kept in the labels (the story ids serve
story clustering later); `url` is also kept in the article, as the pipeline sees it.
"""
import json
import pathlib
import re
import shutil
import sys

HERE = pathlib.Path(__file__).parent / "real"
SPLITS = ("dev", "test", "probe")
KEYS = ("lang", "url", "story", "lookalike", "genre", "update", "events", "title")
SALIENCE = ("main", "background")


def parse_events(text, where):
    events = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        words = part.split()
        kind, status = words[0], words[1]
        event = {"type": kind, "status": status}
        rest = words[2:]
        if rest and rest[0] in SALIENCE:
            event["salience"] = rest[0]
            rest = rest[1:]
        roles = {}
        for word in rest:
            if "=" not in word:
                print(f"{where}: ignored token {word!r} in events", file=sys.stderr)
                continue
            role, codes = word.split("=", 1)
            roles[role] = [c for c in codes.split(",") if c]
        event["roles"] = roles
        events.append(event)
    return events


def parse(path):
    text = path.read_text(encoding="utf-8")
    for block in re.split(r"^=== ", text, flags=re.M)[1:]:
        head, _, rest = block.partition("\n")
        parts = [x.strip() for x in head.split("|")]
        if len(parts) != 3:
            print(f"{path}: bad header {head!r}", file=sys.stderr)
            continue
        ident, source, published = parts
        meta = {}
        lines = rest.strip("\n").split("\n")
        index = 0
        pattern = re.compile(r"^(%s):" % "|".join(KEYS))
        while index < len(lines) and pattern.match(lines[index]):
            key, _, value = lines[index].partition(":")
            meta[key] = value.strip()
            index += 1
        body = "\n".join(lines[index:]).strip()
        yield ident, source, published, meta, body


def build(split):
    articles, labels, seen = [], [], set()
    for path in sorted((HERE / "source" / split).glob("*.txt")):
        for ident, source, published, meta, body in parse(path):
            if ident in seen or "title" not in meta:
                print(f"{path}: skipped {ident} (repeated or no title)", file=sys.stderr)
                continue
            seen.add(ident)
            lang = meta.get("lang", path.stem)
            slug = re.sub(r"[^a-z]", "", source.lower()) or "news"
            url = meta.get("url") or f"https://{slug}.example/{ident}"
            record = {"id": ident, "url": url, "source": source, "published_at": published,
                      "title": meta["title"], "body": body}
            label = {"id": ident, "language": lang, "duplicate_of": None,
                     "events": parse_events(meta.get("events", ""), f"{path}: {ident}")}
            for key in ("story", "lookalike", "genre", "update"):
                if key in meta:
                    label[key] = meta[key]
            if "url" in meta:
                label["url"] = meta["url"]
            articles.append(record)
            labels.append(label)
    out = HERE / split
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "articles.jsonl", "w", encoding="utf-8") as f:
        for record in articles:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    with open(out / "labels.jsonl", "w", encoding="utf-8") as f:
        for label in labels:
            f.write(json.dumps(label, ensure_ascii=False) + "\n")
    langs = {}
    for label in labels:
        langs[label["language"]] = langs.get(label["language"], 0) + 1
    negatives = sum(1 for l in labels if not l["events"])
    print(f"{split}: {len(labels)} articles, {negatives} without events, per language {langs}")


def main():
    args = sys.argv[1:]
    if args[:1] == ["--from"] and len(args) == 2:
        origin = pathlib.Path(args[1])
        for split in SPLITS:
            for path in sorted((origin / split).glob("*.txt")):
                target = HERE / "source" / split / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
    elif args:
        sys.exit("usage: build_real.py [--from DIR]")
    for split in SPLITS:
        build(split)


if __name__ == "__main__":
    main()
