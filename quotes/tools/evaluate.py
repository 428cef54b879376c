"""`quotes eval GOLD DATASET`: span precision/recall/F1 (lenient and strict), speaker accuracy
and end-to-end F1, by quote type, against hand-annotated gold JSONL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from quotes.dataset.read import dataset_table
from quotes.errors import GoldError
from quotes.extraction.lexicon import load
from quotes.extraction.normalise import fold_key
from quotes.records import short_hash

STRICT_OVERLAP = 0.8
TYPES = ("direct", "indirect", "mixed")
GOLD_FIELDS = ("article_id", "start", "end", "type")


@dataclass
class Span:
    article_id: str
    start: int
    end: int
    quote_type: str
    speaker: str | None
    speaker_type: str | None = None
    gender: str | None = None  # female, male; unknown (predicted) or None (gold: the text does not say)

    def overlap(self, other: Span) -> int:
        return max(0, min(self.end, other.end) - max(self.start, other.start))

    def strict_match(self, other: Span) -> bool:
        shared = self.overlap(other)
        return shared >= STRICT_OVERLAP * (self.end - self.start) and shared >= STRICT_OVERLAP * (other.end - other.start)


def load_gold(paths: list[Path], texts: dict[str, str] | None = None) -> list[Span]:
    spans = []
    for path in paths:
        for number, line in enumerate(_gold_lines(path), 1):
            if not line.strip():
                continue
            row = _gold_row(path, number, line)
            if _is_article_row(row):
                continue
            if texts is not None and "span_sha1" in row and row["article_id"] in texts:
                span = texts[row["article_id"]][row["start"]:row["end"]]
                if short_hash(span, 12) != row["span_sha1"]:
                    raise GoldError(f"{path}:{number}: the article text changed; gold offsets no longer fit "
                                    "(annotate this quote again on the dataset's text)")
            spans.append(Span(str(row["article_id"]), row["start"], row["end"], row["type"], row.get("speaker"),
                              row.get("speaker_type"), row.get("speaker_gender")))
    return spans


def _gold_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise GoldError(f"{path}: cannot read this gold file ({error.strerror})") from error
    except UnicodeDecodeError as error:
        raise GoldError(f"{path}: not UTF-8 text; gold is JSONL, one quote a line") from error


def gold_articles(paths: list[Path]) -> set[str]:
    """Every article the gold covers: those with quotes, and those annotated as having none
    (a line `{"article_id": ..., "annotated": true}`), whose extracted quotes are all extra."""
    return {str(_gold_row(path, number, line)["article_id"])
            for path in paths for number, line in enumerate(_gold_lines(path), 1) if line.strip()}


def _is_article_row(row: dict) -> bool:
    return row.get("annotated") is True and "start" not in row


def _gold_row(path: Path, number: int, line: str) -> dict:
    """One gold quote; another file given as gold (the articles' JSONL, a CSV) stops at its first line."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise GoldError(f"{path}:{number}: not JSON ({error.msg}); gold is JSONL, one quote a line") from error
    if isinstance(row, dict) and "article_id" in row and _is_article_row(row):
        return row
    if not (isinstance(row, dict) and all(k in row for k in GOLD_FIELDS)
            and isinstance(row["start"], int) and isinstance(row["end"], int)):
        raise GoldError(f"{path}:{number}: not a gold quote: a line needs {', '.join(GOLD_FIELDS)}, with integer "
                        "offsets (see data/gold/GUIDELINES.md, or make gold with `quotes import-labelstudio`)")
    return row


def load_predictions(dataset: Path, article_ids: set[str]) -> tuple[list[Span], dict[str, str]]:
    quotes = dataset_table(dataset, "quotes", ["article_id", "start", "end", "quote_type", "speaker", "speaker_type",
                                               "speaker_gender"])
    articles = dataset_table(dataset, "articles", ["article_id", "text"])
    texts = {a: t for a, t in zip(articles["article_id"].to_pylist(), articles["text"].to_pylist()) if a in article_ids}
    spans = [Span(r["article_id"], r["start"], r["end"], r["quote_type"], r["speaker"], r["speaker_type"], r["speaker_gender"])
             for r in quotes.to_pylist() if r["article_id"] in article_ids]
    return spans, texts


def match(gold: list[Span], predicted: list[Span]) -> list[tuple[Span, Span]]:
    """One-to-one pairs with any overlap, best-overlapping pairs first."""
    pairs = sorted(((g.overlap(p) / max(g.end - g.start, p.end - p.start), gi, pi)
                    for gi, g in enumerate(gold) for pi, p in enumerate(predicted)
                    if g.article_id == p.article_id and g.overlap(p) > 0), reverse=True)
    used_gold, used_pred, matched = set(), set(), []
    for _, gi, pi in pairs:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            matched.append((gold[gi], predicted[pi]))
    return matched


def speaker_key(name: str | None) -> str:
    """Compare speakers without case, tone placement, or a leading honorific/title."""
    if not name:
        return ""
    key = fold_key(name)
    lex = load()
    m = lex.title_regex.match(key)
    if m and m.end() < len(key):
        key = key[m.end():].strip()
    first, _, rest = key.partition(" ")
    if first in lex.honorifics and rest:
        key = rest
    return key


def same_speaker(gold: str | None, predicted: str | None) -> bool:
    g, p = speaker_key(gold), speaker_key(predicted)
    if g == p:
        return True
    shorter, longer = sorted((g.split(), p.split()), key=len)
    return len(shorter) >= 2 and shorter in (longer[-len(shorter):], longer[:len(shorter)])


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(gold: list[Span], predicted: list[Span]) -> dict:
    matched = match(gold, predicted)
    strict = [(g, p) for g, p in matched if g.strict_match(p)]
    right = [(g, p) for g, p in matched if same_speaker(g.speaker, p.speaker)]
    right_strict = [(g, p) for g, p in strict if same_speaker(g.speaker, p.speaker)]

    def prf(n: int) -> tuple[float, float, float]:
        precision = n / len(predicted) if predicted else 0.0
        recall = n / len(gold) if gold else 0.0
        return precision, recall, f1(precision, recall)

    return {
        "gold": len(gold), "predicted": len(predicted),
        "lenient": prf(len(matched)), "strict": prf(len(strict)),
        "speaker_accuracy": len(right) / len(matched) if matched else 0.0,
        "e2e_lenient": prf(len(right))[2], "e2e_strict": prf(len(right_strict))[2],
    }


def gold_and_predictions(gold_paths: list[Path], dataset: Path) -> tuple[list[Span], list[Span], dict[str, str]]:
    """The gold spans, the dataset's spans in the gold's articles, and those articles' texts."""
    ids = gold_articles(gold_paths)
    predicted, texts = load_predictions(dataset, ids)
    missing = ids - set(texts)
    if missing:
        raise GoldError(f"{', '.join(map(str, gold_paths))}: {len(missing)} gold articles are not in {dataset}: "
                        f"{sorted(missing)[:5]}; score gold against a dataset built from its articles")
    return load_gold(gold_paths, texts), predicted, texts


def evaluate(gold_paths: list[Path], dataset: Path) -> dict[str, dict]:
    gold, predicted, _ = gold_and_predictions(gold_paths, dataset)
    table = {"all": score(gold, predicted)}
    for quote_type in TYPES:
        table[quote_type] = score([g for g in gold if g.quote_type == quote_type],
                                  [p for p in predicted if p.quote_type == quote_type])
    return table


def errors(gold_paths: list[Path], dataset: Path) -> list[str]:
    """Each missed, spurious and wrong-speaker quote, for reading what the extractor gets wrong."""
    gold, predicted, texts = gold_and_predictions(gold_paths, dataset)
    matched = match(gold, predicted)
    lines = []
    for g, p in matched:
        if not same_speaker(g.speaker, p.speaker):
            span = texts[g.article_id][g.start:g.end][:80]
            lines.append(f"speaker {g.article_id} {g.start}-{g.end}: gold {g.speaker!r}, got {p.speaker!r}: {span!r}")
    for g in (g for g in gold if all(g is not m[0] for m in matched)):
        lines.append(f"missed  {g.article_id} {g.start}-{g.end} {g.quote_type} ({g.speaker}): {texts[g.article_id][g.start:g.end][:100]!r}")
    for p in (p for p in predicted if all(p is not m[1] for m in matched)):
        lines.append(f"extra   {p.article_id} {p.start}-{p.end} {p.quote_type} ({p.speaker}): {texts[p.article_id][p.start:p.end][:100]!r}")
    return lines


def format_table(table: dict[str, dict]) -> str:
    header = ("| type | gold | pred | P lenient | R lenient | F1 lenient | P strict | R strict | F1 strict | speaker acc "
              "| e2e F1 lenient | e2e F1 strict |")
    lines = [header, "|" + "---|" * 12]
    for name, s in table.items():
        cells = [name, str(s["gold"]), str(s["predicted"]), *(f"{v:.3f}" for v in s["lenient"]),
                 *(f"{v:.3f}" for v in s["strict"]), f"{s['speaker_accuracy']:.3f}",
                 f"{s['e2e_lenient']:.3f}", f"{s['e2e_strict']:.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def release_evaluation(gold: list[Path], folder: Path) -> str:
    """The evaluation section of a release's dataset card: `quotes eval` of the built release."""
    names = ", ".join(f"`{p.name}`" for p in gold)
    return f"Against the hand-annotated gold {names} (`quotes eval`):\n\n" + format_table(evaluate(gold, folder))


def agreement(first: list[Path], second: list[Path]) -> dict[str, dict]:
    """Two annotators' gold on the articles both annotated, scored as `evaluate` scores a
    dataset (the second as if it were the prediction): the ceiling for any extractor."""
    shared = gold_articles(first) & gold_articles(second)
    a = [s for s in load_gold(first) if s.article_id in shared]
    b = [s for s in load_gold(second) if s.article_id in shared]
    table = {"all": score(a, b)}
    for quote_type in TYPES:
        table[quote_type] = score([s for s in a if s.quote_type == quote_type], [s for s in b if s.quote_type == quote_type])
    return table


def gender_score(gold_paths: list[Path], dataset: Path) -> dict[str, float] | None:
    """Speaker gender on the quotes whose span and speaker are right and whose gold speaker is a
    person (gold that records genders only): how many, the share left unknown, and how often a
    gender given is the gold one where the gold shows one. Gold records a gender only where the
    text shows it, so a gender read from a name where the text says nothing (evidence `name`) is
    counted apart: the gold can neither confirm nor refute it."""
    gold_paths = [path for path in gold_paths if _gives_genders(path)]  # older gold records none
    if not gold_paths:
        return None
    gold, predicted, _ = gold_and_predictions(gold_paths, dataset)
    persons = [(g, p) for g, p in match(gold, predicted)
               if g.speaker_type in ("person", "unnamed") and same_speaker(g.speaker, p.speaker)]
    given = [(g, p) for g, p in persons if p.gender in ("female", "male")]
    checked = [(g, p) for g, p in given if g.gender in ("female", "male")]
    shown = [(g, p) for g, p in persons if g.gender in ("female", "male")]  # the text shows it
    return {"persons": len(persons), "given": len(given), "checked": len(checked),
            "accuracy": sum(g.gender == p.gender for g, p in checked) / len(checked) if checked else 0.0,
            "unchecked": len(given) - len(checked),
            "unknown": 1 - len(given) / len(persons) if persons else 0.0,
            "shown": len(shown),
            "unknown_where_shown": sum(p.gender not in ("female", "male") for _, p in shown) / len(shown) if shown else 0.0}


def _gives_genders(path: Path) -> bool:
    return any('"speaker_gender"' in line for line in _gold_lines(path))


def format_gender(result: dict[str, float]) -> str:
    return ("| person speakers (span and speaker right) | gender given | accuracy where the gold shows one "
            "| given where the gold shows none | left unknown | gold shows a gender | left unknown there |\n"
            "|---|---|---|---|---|---|---|\n"
            f"| {result['persons']} | {result['given']} | {result['accuracy']:.3f} ({result['checked']}) "
            f"| {result['unchecked']} | {result['unknown']:.3f} | {result['shown']} | {result['unknown_where_shown']:.3f} |")
