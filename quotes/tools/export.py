"""`quotes export`: the dataset in other tools' formats, and corrections back as gold.

- `labelstudio`: Label Studio tasks (one per article) with pre-annotations: QUOTE, SPEAKER and
  CUE spans and a quote -> speaker relation, plus the labeling config to paste
  (`labelstudio-config.xml`). `quotes import-labelstudio` turns Label Studio's JSON export back
  into gold JSONL that `quotes eval` reads; an unchanged round trip gives back the dataset's quotes.
- `brat`: standoff annotation (`.txt` + `.ann` per article, named by a hash of the article id;
  `index.tsv` maps each file back to its article id and title; `annotation.conf`).
- `spans`: span-pair JSONL for attribution models: each quote with the candidate speaker
  mentions in its context window, the right one marked. The quote's and the candidates'
  offsets index `window.text`; `window.start` is where the window begins in the article text.
- `bio`: token-level BIO tags (B-QUOTE, I-QUOTE, B-SPEAKER, I-SPEAKER, O) per sentence.

Training exports carry the release's article-level `split`, so no article is in two splits.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import regex

from quotes.dataset.read import dataset_table
from quotes.dataset.write import output_folder
from quotes.errors import InputError
from quotes.extraction.segment import segment
from quotes.extraction.speakers import scan_person_mentions
from quotes.records import short_hash

LABEL_CONFIG = """<View>
  <Labels name="label" toName="text">
    <Label value="QUOTE_DIRECT" background="#2e7d32"/>
    <Label value="QUOTE_INDIRECT" background="#1565c0"/>
    <Label value="QUOTE_MIXED" background="#8e24aa"/>
    <Label value="SPEAKER" background="#f9a825"/>
    <Label value="CUE" background="#6d4c41"/>
  </Labels>
  <Relations>
    <Relation value="said_by"/>
    <Relation value="cue_of"/>
  </Relations>
  <TextArea name="speaker" toName="text" perRegion="true" placeholder="canonical speaker (quote regions)"/>
  <Text name="text" value="$text" granularity="symbol"/>
</View>
"""
TYPE_LABEL = {"direct": "QUOTE_DIRECT", "indirect": "QUOTE_INDIRECT", "mixed": "QUOTE_MIXED"}
LABEL_TYPE = {v: k for k, v in TYPE_LABEL.items()}
WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:[-'’.][\p{L}\p{M}\p{N}]+)*|[^\s\p{L}\p{M}\p{N}]")
CONTEXT_SENTENCES = 2  # sentences before the quote's own sentence that may hold its speaker


def load(dataset: Path) -> tuple[list[dict], dict[str, list[dict]]]:
    articles = [a for a in dataset_table(dataset, "articles").to_pylist() if a["status"] == "ok"]
    quotes: dict[str, list[dict]] = defaultdict(list)
    for q in dataset_table(dataset, "quotes").to_pylist():
        quotes[q["article_id"]].append(q)
    return articles, quotes


def _region_id(*parts) -> str:
    return short_hash("\0".join(map(str, parts)), 10)


def _region(region_id: str, start: int, end: int, text: str, label: str) -> dict:
    return {"id": region_id, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


def labelstudio_task(article: dict, quotes: list[dict]) -> dict:
    text = article["text"]
    result = []
    for q in quotes:
        qid = _region_id("quote", q["quote_id"])
        result.append(_region(qid, q["start"], q["end"], text, TYPE_LABEL[q["quote_type"]]))
        result.append({"id": qid, "from_name": "speaker", "to_name": "text", "type": "textarea",
                       "value": {"start": q["start"], "end": q["end"], "text": [q["speaker"] or ""]}})
        if q["speaker_start"] is not None:
            sid = _region_id("speaker", q["speaker_start"], q["speaker_end"])
            result.append(_region(sid, q["speaker_start"], q["speaker_end"], text, "SPEAKER"))
            result.append({"from_id": qid, "to_id": sid, "type": "relation", "direction": "right", "labels": ["said_by"]})
        if q["cue_start"] is not None:
            cid = _region_id("cue", q["cue_start"], q["cue_end"])
            result.append(_region(cid, q["cue_start"], q["cue_end"], text, "CUE"))
            result.append({"from_id": cid, "to_id": qid, "type": "relation", "direction": "right", "labels": ["cue_of"]})
    # Regions shared by two quotes (one speaker mention for two quotes) appear once.
    unique, seen = [], set()
    for item in result:
        key = json.dumps(item, sort_keys=True, ensure_ascii=False)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return {"data": {"text": text, "article_id": article["article_id"], "title": article["title"], "split": article["split"]},
            "predictions": [{"model_version": "quotes-rules", "result": unique}]}


def export_labelstudio(dataset: Path, out: Path) -> list[Path]:
    articles, quotes = load(dataset)
    output_folder(out)
    tasks = [labelstudio_task(a, quotes.get(a["article_id"], [])) for a in articles]
    (out / "labelstudio-tasks.json").write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", "utf-8")
    (out / "labelstudio-config.xml").write_text(LABEL_CONFIG, "utf-8")
    return [out / "labelstudio-tasks.json", out / "labelstudio-config.xml"]


def import_labelstudio(export: Path, tasks_file: Path | None = None) -> list[dict]:
    """Label Studio's JSON export (or our tasks file) to gold rows for `quotes eval`: the latest
    annotation of each task, or its prediction when nobody annotated it. Label Studio (1.23)
    exports the predictions of untouched tasks as ids, not regions: they are then read from the
    tasks file that was imported (`tasks_file`, matched by article id)."""
    imported = {t["data"]["article_id"]: t.get("predictions") or [] for t in _labelstudio_tasks(tasks_file)} \
        if tasks_file else {}
    rows = []
    for task in _labelstudio_tasks(export):
        data = task["data"]
        annotations = [a for a in task.get("annotations", []) if not a.get("was_cancelled")]
        predictions = task.get("predictions") or []
        if not annotations and any(not isinstance(p, dict) for p in predictions):
            if data["article_id"] not in imported:
                raise InputError(f"{export}: task {task.get('id')} was not annotated and Label Studio exported its "
                                 "predictions as ids: pass the tasks file you imported (--tasks labelstudio-tasks.json)")
            predictions = imported[data["article_id"]]
        chosen = annotations[-1] if annotations else (predictions or [{"result": []}])[-1]
        regions = {r["id"]: r for r in chosen["result"] if r.get("type") == "labels"}
        speakers = {r["id"]: r["value"]["text"][0] if r["value"]["text"] else None
                    for r in chosen["result"] if r.get("type") == "textarea"}
        said_by = {r["from_id"]: r["to_id"] for r in chosen["result"]
                   if r.get("type") == "relation" and "said_by" in r.get("labels", [])}
        for rid, region in regions.items():
            label = region["value"]["labels"][0]
            if label not in LABEL_TYPE:
                continue
            start, end = region["value"]["start"], region["value"]["end"]
            speaker = speakers.get(rid)
            if speaker is None and rid in said_by and said_by[rid] in regions:
                speaker = regions[said_by[rid]]["value"]["text"]
            rows.append({"article_id": data["article_id"], "start": start, "end": end, "type": LABEL_TYPE[label],
                         "speaker": speaker or None, "quote": data["text"][start:end]})
    return sorted(rows, key=lambda r: (r["article_id"], r["start"], r["end"]))


def _labelstudio_tasks(export: Path) -> list[dict]:
    try:
        tasks = json.loads(export.read_text("utf-8"))
    except OSError as error:
        raise InputError(f"{export}: cannot read this Label Studio export ({error.strerror})") from error
    except ValueError as error:  # not UTF-8, or not JSON
        raise InputError(f"{export}: not a Label Studio JSON export ({error}); export the project as JSON") from error
    if not isinstance(tasks, list) or not all(map(_is_task, tasks)):
        raise InputError(f"{export}: not a Label Studio JSON export of tasks from `quotes export --format labelstudio` "
                         "(a list of tasks whose data has article_id and text)")
    return tasks


def _is_task(task) -> bool:
    return isinstance(task, dict) and isinstance(task.get("data"), dict) and {"article_id", "text"} <= task["data"].keys()


def export_brat(dataset: Path, out: Path) -> list[Path]:
    articles, quotes = load(dataset)
    output_folder(out)
    written = [out / "annotation.conf"]
    (out / "annotation.conf").write_text(
        "[entities]\nQuote\nSpeaker\nCue\n[relations]\nSaidBy\tArg1:Quote, Arg2:Speaker\nCueOf\tArg1:Cue, Arg2:Quote\n"
        "[events]\n[attributes]\nQuoteType\tArg:Quote, Value:direct|indirect|mixed\n", "utf-8")
    index = ["file\tarticle_id\ttitle"]
    for article in articles:
        name = "a-" + short_hash(article["article_id"], 16)  # ids never become paths
        lines = brat_lines(article["text"], quotes.get(article["article_id"], []))
        (out / f"{name}.txt").write_text(article["text"], "utf-8")
        (out / f"{name}.ann").write_text("\n".join(lines) + ("\n" if lines else ""), "utf-8")
        written += [out / f"{name}.txt", out / f"{name}.ann"]
        index.append("\t".join([name, *(" ".join(article[k].split()) for k in ("article_id", "title"))]))
    (out / "index.tsv").write_text("\n".join(index) + "\n", "utf-8")
    return written + [out / "index.tsv"]


def brat_lines(text: str, quotes: list[dict]) -> list[str]:
    """The .ann lines of one article: one T line per distinct span (a speaker mention shared by
    two quotes appears once), a QuoteType attribute per quote, SaidBy and CueOf relations."""
    lines: list[str] = []
    ids: dict[tuple[str, int, int], str] = {}

    def entity(kind: str, start: int, end: int) -> str:
        key = (kind, start, end)
        if key not in ids:
            ids[key] = f"T{len(ids) + 1}"
            lines.append(f"{ids[key]}\t{kind} {start} {end}\t{text[start:end].replace(chr(10), ' ')}")
        return ids[key]

    relations = 0
    for attribute, q in enumerate(quotes, 1):
        quote = entity("Quote", q["start"], q["end"])
        lines.append(f"A{attribute}\tQuoteType {quote} {q['quote_type']}")
        if q["speaker_start"] is not None:
            relations += 1
            lines.append(f"R{relations}\tSaidBy Arg1:{quote} Arg2:{entity('Speaker', q['speaker_start'], q['speaker_end'])}")
        if q["cue_start"] is not None:
            relations += 1
            lines.append(f"R{relations}\tCueOf Arg1:{entity('Cue', q['cue_start'], q['cue_end'])} Arg2:{quote}")
    return lines


def span_pairs(article: dict, quotes: list[dict]) -> list[dict]:
    """For each quote: its context window (the quote's sentence and the ones before it), the
    candidate speaker mentions in it, and which candidate is the quote's speaker."""
    text = article["text"]
    seg = segment(text)
    quoted = [(s.inner_start, s.inner_end) for s in seg.quotes]
    people = scan_person_mentions(text, quoted)
    rows = []
    for q in quotes:
        sentence = next((s for s in seg.sentences if s.start <= q["start"] < s.end + 1), None)
        first = max(0, sentence.index - CONTEXT_SENTENCES) if sentence else 0
        window_start = seg.sentences[first].start if seg.sentences else 0
        window_end = max(q["end"], sentence.end if sentence else q["end"])
        candidates = {(m.start, m.end): m.text for m in people if window_start <= m.start and m.end <= window_end}
        if q["speaker_start"] is not None:
            candidates[(q["speaker_start"], q["speaker_end"])] = q["speaker_mention"]
        gold = (q["speaker_start"], q["speaker_end"])
        rows.append({
            "quote_id": q["quote_id"], "article_id": q["article_id"], "split": q["split"],
            "window": {"start": window_start, "end": window_end, "text": text[window_start:window_end]},
            "quote": {"start": q["start"] - window_start, "end": q["end"] - window_start, "text": q["quote"], "type": q["quote_type"]},
            "candidates": [{"start": s - window_start, "end": e - window_start, "text": t, "is_speaker": (s, e) == gold}
                           for (s, e), t in sorted(candidates.items())],
            "speaker": q["speaker"], "speaker_type": q["speaker_type"],
        })
    return rows


def bio_sentences(article: dict, quotes: list[dict]) -> list[dict]:
    """Token-level BIO tags per sentence: QUOTE spans win over SPEAKER spans they contain."""
    text = article["text"]
    labels: list[str | None] = [None] * len(text)
    for q in quotes:
        if q["speaker_start"] is not None:
            for i in range(q["speaker_start"], q["speaker_end"]):
                labels[i] = labels[i] or "SPEAKER"
    for q in quotes:
        for i in range(q["start"], q["end"]):
            labels[i] = "QUOTE"
    rows = []
    for sentence in segment(text).sentences:
        tokens, tags, previous = [], [], None
        for m in WORD.finditer(text, sentence.start, sentence.end):
            label = labels[m.start()]
            tag = "O" if label is None else ("I-" if previous == label else "B-") + label
            tokens.append(m.group(0))
            tags.append(tag)
            previous = label
        if tokens:
            rows.append({"article_id": article["article_id"], "sentence": sentence.index, "split": article["split"],
                         "tokens": tokens, "tags": tags})
    return rows


def export_training(dataset: Path, out: Path, fmt: str) -> list[Path]:
    articles, quotes = load(dataset)
    output_folder(out)
    make = span_pairs if fmt == "spans" else bio_sentences
    files = {}
    for article in articles:
        for row in make(article, quotes.get(article["article_id"], [])):
            path = out / f"{fmt}-{row['split']}.jsonl"
            if path not in files:
                files[path] = path.open("w", encoding="utf-8")
            files[path].write(json.dumps(row, ensure_ascii=False) + "\n")
    for handle in files.values():
        handle.close()
    return sorted(files)
