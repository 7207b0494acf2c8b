import sys, json
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
import build, pathlib
build.HERE = pathlib.Path(__file__).resolve().parent
build.HERE.joinpath("source").mkdir(exist_ok=True)
orig_open = open
# reuse the eval assembler on the sample sources, then add bad lines
build.main()
arts = [l for l in orig_open(build.HERE / "articles.jsonl", encoding="utf-8")]
for i, a in enumerate(arts):
    r = json.loads(a)
    if i % 5 == 2:
        r["tags"] = ["world", "politics"]
    if i % 7 == 3:
        r["author"] = {"name": "Staff reporter"}
    arts[i] = json.dumps(r, ensure_ascii=False) + "\n"
bad = [
    '{"id": "s-bad-01", "title": "Broken record", "body": "This line stops in the mid\n',
    '[{"id": "s-bad-02", "title": "An array, not an object"}]\n',
    json.dumps({"source": "Harbor Daily", "title": "No id and no url", "body": "A record that cannot be identified.", "published_at": "2025-09-05T10:00:00Z"}) + "\n",
    json.dumps({"id": "s-bad-04", "url": "https://harbordaily.example/empty", "title": "", "body": ""}) + "\n",
]
out = arts[:12] + [bad[0]] + arts[12:25] + [bad[1], bad[2]] + arts[25:] + [bad[3]]
orig_open(build.HERE.parent.parent.parent / "config/samples/articles.jsonl", "w", encoding="utf-8").writelines(out)
print(len(out), "lines")
import os
os.remove(build.HERE / "articles.jsonl")
os.remove(build.HERE / "labels.jsonl")
