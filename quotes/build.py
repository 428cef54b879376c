"""`quotes build`: read articles, extract quotes, write the dataset folder.

`process_batch` is a pure function of a batch of articles (the unit every executor runs);
`collect` gathers the batches into sorted tables; `write_dataset` writes them.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from quotes import __version__
from quotes.lexicon import lexicon_hash
from quotes.normalise import fold_key
from quotes.pipeline import extract_article
from quotes.read import read_articles
from quotes.records import Article
from quotes.write import (ARTICLES_SCHEMA, QUOTES_SCHEMA, REJECTED_SCHEMA, SPEAKERS_SCHEMA, article_row,
                          join_speakers_across_articles, quote_row, rejection_row, write_table)

SCHEMA_VERSION = "2"
SPLITS = (("train", 80), ("dev", 10), ("test", 10))


@dataclass
class Tables:
    articles: list[dict] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    speakers: list[dict] = field(default_factory=list)
    duplicates: int = 0

    def summary(self) -> str:
        types = Counter(r["quote_type"] for r in self.quotes)
        by_type = ", ".join(f"{k} {v}" for k, v in sorted(types.items()))
        extra = f", {self.duplicates} duplicate article ids skipped" if self.duplicates else ""
        return (f"{len(self.articles)} articles, {len(self.quotes)} quotes ({by_type}), "
                f"{len(self.speakers)} speakers, {len(self.rejected)} rejected candidates{extra}")


def process_batch(articles: list[Article]) -> Tables:
    """A pure function of a batch of articles: the unit every executor runs."""
    result = Tables()
    for article in articles:
        quotes, rejections = extract_article(article)
        result.articles.append(article_row(article))
        result.quotes += [quote_row(q) for q in quotes]
        result.rejected += [rejection_row(r) for r in rejections]
    return result


def collect(sources: list[str], split_by: str = "article") -> Tables:
    seen: set[str] = set()
    articles: list[Article] = []
    duplicates = 0
    for article in read_articles(sources):
        if article.article_id in seen:
            duplicates += 1
            continue
        seen.add(article.article_id)
        articles.append(article)
    tables = process_batch(sorted(articles, key=lambda a: a.article_id))
    tables.duplicates = duplicates
    finish(tables, split_by)
    return tables


def finish(tables: Tables, split_by: str = "article") -> None:
    """Cross-article steps: join speakers, assign splits, sort rows, derive the speakers table."""
    join_speakers_across_articles(tables.quotes)
    assign_splits(tables, split_by)
    tables.articles.sort(key=lambda r: r["article_id"])
    tables.quotes.sort(key=lambda r: (r["article_id"], r["start"], r["end"], r["quote_id"]))
    tables.rejected.sort(key=lambda r: (r["article_id"], r["start"], r["end"], r["reason"]))
    tables.speakers = speakers_table(tables.quotes)


def split_of(key: str) -> str:
    """Deterministic: a hash of the key picks train (80%), dev (10%) or test (10%)."""
    bucket = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 100
    for name, share in SPLITS:
        if bucket < share:
            return name
        bucket -= share
    return SPLITS[-1][0]


def assign_splits(tables: Tables, split_by: str) -> None:
    """Every article is in one split. With split_by="speaker", articles that share a person
    speaker are kept together, so no person is quoted in two splits."""
    if split_by == "article":
        groups = {a["article_id"]: a["article_id"] for a in tables.articles}
    elif split_by == "speaker":
        groups = _speaker_components(tables)
    else:
        raise ValueError(f"unknown split_by {split_by!r} (use 'article' or 'speaker')")
    split = {article: split_of(group) for article, group in groups.items()}
    for row in tables.articles:
        row["split"] = split[row["article_id"]]
    for row in tables.quotes:
        row["split"] = split[row["article_id"]]


def _speaker_components(tables: Tables) -> dict[str, str]:
    """Union-find over articles linked by a shared person speaker; each article maps to the
    smallest article id of its component (a stable name for the group)."""
    parent = {a["article_id"]: a["article_id"] for a in tables.articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_article: dict[str, str] = {}
    for row in tables.quotes:
        if row["speaker_type"] != "person" or not row["speaker_id"]:
            continue
        other = first_article.setdefault(row["speaker_id"], row["article_id"])
        a, b = find(other), find(row["article_id"])
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {article: find(article) for article in parent}


def speakers_table(quotes: list[dict]) -> list[dict]:
    """One row per speaker_id: the most frequent canonical name, its variants and titles."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in quotes:
        if row["speaker_id"]:
            grouped[row["speaker_id"]].append(row)
    speakers = []
    for speaker_id, rows in sorted(grouped.items()):
        names = Counter(r["speaker"] for r in rows)
        name = max(names, key=lambda n: (names[n], len(n.split()), n))
        speakers.append({
            "speaker_id": speaker_id,
            "speaker": name,
            "speaker_type": Counter(r["speaker_type"] for r in rows).most_common(1)[0][0],
            "quotes": len(rows),
            "articles": len({r["article_id"] for r in rows}),
            "names": sorted(names, key=fold_key),
            "titles": sorted({r["speaker_title"] for r in rows if r["speaker_title"]}, key=fold_key),
        })
    return speakers


def inputs_hash(articles: list[dict]) -> str:
    digest = hashlib.sha256()
    for row in articles:
        digest.update(row["article_id"].encode() + b"\0" + row["text"].encode() + b"\0")
    return digest.hexdigest()


def base_metadata(tables: Tables) -> dict[str, str]:
    return {
        "quotes.schema_version": SCHEMA_VERSION,
        "quotes.extractor_version": __version__,
        "quotes.rules_hash": lexicon_hash(),
        "quotes.inputs_hash": inputs_hash(tables.articles),
    }


TABLES = (("articles", ARTICLES_SCHEMA), ("quotes", QUOTES_SCHEMA), ("speakers", SPEAKERS_SCHEMA),
          ("rejected", REJECTED_SCHEMA))


def write_dataset(tables: Tables, out: Path, metadata: dict[str, str]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in TABLES:
        written += write_table(getattr(tables, name), schema, out, name, metadata)
    return written


def build(sources: list[str], out: Path, split_by: str = "article") -> Tables:
    tables = collect(sources, split_by)
    write_dataset(tables, out, base_metadata(tables))
    return tables
