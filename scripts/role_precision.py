#!/usr/bin/env python3
"""Role precision and recall per event type: `newsflow process` output against labels.

    ./target/release/newsflow process -i DIR/articles.jsonl -o /tmp/out.jsonl
    python3 scripts/role_precision.py DIR/labels.jsonl /tmp/out.jsonl [--errors]

`newsflow eval`'s role accuracy counts only labelled slots that the paired predicted
event fills (recall). This also counts the slots the predicted event fills that the
label does not hold (extra slots), so precision = correct / (correct + extra). Main
labelled events only; a labelled event is paired with the predicted event of its type
(and salience) that fills the most labelled slots, then agrees on status, as eval does.
"""
import collections
import json
import sys


def slots(event):
    return {(a["role"], a["country"]) for a in event.get("actors", []) if a.get("role") and a.get("country")}


def main():
    labels_path, out_path = sys.argv[1], sys.argv[2]
    show = "--errors" in sys.argv
    labels = [json.loads(line) for line in open(labels_path, encoding="utf-8")]
    outs = {}
    for line in open(out_path, encoding="utf-8"):
        record = json.loads(line)
        outs[record["id"]] = record
    per = collections.defaultdict(lambda: [0, 0, 0])  # correct, extra, missed
    for label in labels:
        if label.get("duplicate_of"):
            continue
        predicted = outs.get(label["id"], {}).get("events") or []
        for expected in label["events"]:
            if expected.get("salience", "main") != "main":
                continue
            gold = {(role, code) for role, codes in expected["roles"].items() for code in codes}
            candidates = [e for e in predicted if e["type"] == expected["type"]]
            if not candidates:
                continue
            best = max(candidates, key=lambda e: (e.get("salience") == "main", len(gold & slots(e)), e.get("status") == expected["status"]))
            found = slots(best)
            row = per[expected["type"]]
            row[0] += len(gold & found)
            row[1] += len(found - gold)
            row[2] += len(gold - found)
            if show and found != gold:
                print(f"{label['id']}\t{expected['type']}\textra {sorted(found - gold)}\tmissed {sorted(gold - found)}")
    total = [0, 0, 0]
    print(f"{'type':20} {'precision':>18} {'recall':>18}")
    for kind in sorted(per):
        c, x, m = per[kind]
        total = [t + v for t, v in zip(total, per[kind])]
        print(f"{kind:20} {c / max(1, c + x):6.3f} ({c}/{c + x}) {c / max(1, c + m):6.3f} ({c}/{c + m})")
    c, x, m = total
    print(f"{'all':20} {c / max(1, c + x):6.3f} ({c}/{c + x}) {c / max(1, c + m):6.3f} ({c}/{c + m})")


if __name__ == "__main__":
    main()
