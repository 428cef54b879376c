"""`quotes calibrate GOLD... DATASET`: fit each rule's confidence to how often its quotes are
right on gold, so that users can filter on `confidence` (a row with 0.9 is right about 9 times
in 10).

A quote is right when it matches a gold quote (any overlap, one to one) and its speaker is the
gold speaker: the end-to-end measure of `quotes eval`. Each (rule, attribution) pair gets the
share of its quotes that are right, shrunk towards its rule's share, which is shrunk towards the
share over all quotes (add-`PRIOR` smoothing), so that a pair seen twice does not claim 0 or 1.
The result is calibration.tsv in the lexicons folder; the extractor reads it at start-up, and
`quotes eval` shows precision by confidence band, to check it on gold it was not fitted on.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from quotes.dataset.read import dataset_table
from quotes.extraction.lexicon import LEXICON_DIR
from quotes.tools.evaluate import Span, gold_and_predictions, match, same_speaker

PRIOR = 5.0  # how many quotes' worth of weight the broader share carries
CALIBRATION_FILE = Path(str(LEXICON_DIR / "calibration.tsv"))  # the file the extractor reads
HEADER = ("# Confidence by rule and speaker link, fitted by `quotes calibrate` on the development gold\n"
          "# (see the README, Accuracy): the share of such quotes whose span and speaker are right,\n"
          "# smoothed. attribution * is the rule's own share; rule * is the share over all quotes.\n"
          "rule\tattribution\tconfidence\tquotes\n")


def right_quotes(gold_paths: list[Path], dataset: Path) -> list[tuple[str, str, bool]]:
    """(rule, attribution, right) for every extracted quote in the gold's articles."""
    gold, predicted, _ = gold_and_predictions(gold_paths, dataset)
    right = {id(p) for g, p in match(gold, predicted) if same_speaker(g.speaker, p.speaker)}
    labels = _labels(dataset, {p.article_id for p in predicted})
    return [(*labels[(p.article_id, p.start, p.end)], id(p) in right) for p in predicted]


def _labels(dataset: Path, article_ids: set[str]) -> dict[tuple[str, int, int], tuple[str, str]]:
    table = dataset_table(dataset, "quotes", ["article_id", "start", "end", "rule", "attribution"])
    return {(r["article_id"], r["start"], r["end"]): (r["rule"], r["attribution"] or "")
            for r in table.to_pylist() if r["article_id"] in article_ids}


def fit(outcomes: list[tuple[str, str, bool]]) -> list[tuple[str, str, float, int]]:
    """(rule, attribution, confidence, quotes) rows: per pair, per rule ('*'), and overall."""
    def share(right: float, n: int, prior: float) -> float:
        return (right + PRIOR * prior) / (n + PRIOR)

    total = len(outcomes)
    overall = sum(r for *_, r in outcomes) / total if total else 0.5
    by_rule, right_rule = Counter(o[0] for o in outcomes), Counter(o[0] for o in outcomes if o[2])
    by_pair, right_pair = Counter(o[:2] for o in outcomes), Counter(o[:2] for o in outcomes if o[2])
    rows = [("*", "*", overall, total)]
    rule_share = {}
    for rule in sorted(by_rule):
        rule_share[rule] = share(right_rule[rule], by_rule[rule], overall)
        rows.append((rule, "*", rule_share[rule], by_rule[rule]))
    for rule, attribution in sorted(by_pair):
        rows.append((rule, attribution, share(right_pair[(rule, attribution)], by_pair[(rule, attribution)],
                                              rule_share[rule]), by_pair[(rule, attribution)]))
    return rows


def write(rows: list[tuple[str, str, float, int]], path: Path = CALIBRATION_FILE) -> None:
    path.write_text(HEADER + "".join(f"{r}\t{a}\t{c:.2f}\t{n}\n" for r, a, c, n in rows), encoding="utf-8")


BAND_EDGES = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)


def confidence_band(value: float) -> str:
    """The band a confidence falls in, named as `quotes eval` prints it (0.8-0.9). Confidences
    are written with two decimals as float32: 0.9 is stored as 0.8999999761..., and belongs in 0.9-1.0."""
    value = round(value, 2)
    low = max(edge for edge in BAND_EDGES if edge <= value)
    high = BAND_EDGES[min(BAND_EDGES.index(low) + 1, len(BAND_EDGES) - 1)]
    return f"{low:.1f}-{min(high, 1.0):.1f}"


def bands(gold_paths: list[Path], dataset: Path) -> list[tuple[str, int, float]]:
    """Precision (span and speaker right) of the extracted quotes by confidence band."""
    gold, predicted, _ = gold_and_predictions(gold_paths, dataset)
    right = {id(p) for g, p in match(gold, predicted) if same_speaker(g.speaker, p.speaker)}
    table = dataset_table(dataset, "quotes", ["article_id", "start", "end", "confidence"])
    confidence = {(r["article_id"], r["start"], r["end"]): r["confidence"] for r in table.to_pylist()}
    by_band: dict[str, list[Span]] = defaultdict(list)
    for p in predicted:
        by_band[confidence_band(confidence[(p.article_id, p.start, p.end)])].append(p)
    return [(band, len(inside), sum(id(p) in right for p in inside) / len(inside)) for band, inside in sorted(by_band.items())]


def format_bands(rows: list[tuple[str, int, float]]) -> str:
    lines = ["| confidence | quotes | right (span and speaker) |", "|---|---|---|"]
    return "\n".join(lines + [f"| {band} | {n} | {precision:.3f} |" for band, n, precision in rows])
