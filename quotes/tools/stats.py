"""`quotes stats DATASET`: who gets quoted. Quotes and distinct speakers by speaker gender,
overall, by outlet and by month (where the articles give `outlet` / `published`), the quotes of
people only (persons and unnamed sources: organisations and groups have no gender). `unknown`
is counted and shown, never dropped: it is where the article does not say.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from pathlib import Path

import regex

from quotes.dataset.read import dataset_table
from quotes.extraction.speakers import PEOPLE

GENDERS = ("female", "male", "unknown")
MONTH = regex.compile(r"\d{4}-\d{2}")  # the month of an ISO date as written (2017-02-06, 2017-02-06T10:00+07:00)
COLUMNS = ("by", "group", "speaker_gender", "quotes", "share_of_quotes", "speakers")


def gender_rows(dataset: Path) -> list[dict]:
    """One row per (grouping, group, gender): quotes, their share within the group, distinct speakers."""
    quotes = dataset_table(dataset, "quotes", ["article_id", "speaker_id", "speaker_type", "speaker_gender"]).to_pylist()
    articles = dataset_table(dataset, "articles", ["article_id", "outlet", "published"]).to_pylist()
    outlet = {a["article_id"]: a["outlet"] for a in articles}
    month = {a["article_id"]: m.group(0) for a in articles if (m := MONTH.match(a["published"] or ""))}
    groupings = {"all": lambda q: "all", "outlet": lambda q: outlet.get(q["article_id"]) or "",
                 "month": lambda q: month.get(q["article_id"], "")}
    people = [q for q in quotes if q["speaker_type"] in PEOPLE]
    rows = []
    for by, group_of in groupings.items():
        counts: dict[str, Counter] = defaultdict(Counter)
        speakers: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
        for q in people:
            group = group_of(q)
            if group:
                counts[group][q["speaker_gender"]] += 1
                speakers[group][q["speaker_gender"]].add(q["speaker_id"])
        for group in sorted(counts):
            total = sum(counts[group].values())
            rows += [{"by": by, "group": group, "speaker_gender": gender, "quotes": counts[group][gender],
                      "share_of_quotes": round(counts[group][gender] / total, 3), "speakers": len(speakers[group][gender])}
                     for gender in GENDERS]
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    return "\n".join(lines + ["| " + " | ".join(str(row[c]) for c in COLUMNS) + " |" for row in rows])


def csv_text(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
