"""`quotes build`: read articles, extract quotes, write the dataset folder."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from quotes import __version__
from quotes.lexicon import lexicon_hash
from quotes.pipeline import extract_article
from quotes.read import read_articles
from quotes.records import Article
from quotes.write import (ARTICLES_SCHEMA, QUOTES_SCHEMA, REJECTED_SCHEMA, article_row, join_speakers_across_articles,
                          quote_row, rejection_row, write_table)

SCHEMA_VERSION = "1"


@dataclass
class BatchResult:
    articles: list[dict] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)


def process_batch(articles: list[Article]) -> BatchResult:
    """A pure function of a batch of articles: the unit every executor runs."""
    result = BatchResult()
    for article in articles:
        quotes, rejections = extract_article(article)
        result.articles.append(article_row(article))
        result.quotes += [quote_row(q) for q in quotes]
        result.rejected += [rejection_row(r) for r in rejections]
    return result


@dataclass
class BuildSummary:
    articles: int
    quotes_by_type: Counter
    rejected: int
    duplicate_ids: int

    def line(self) -> str:
        types = ", ".join(f"{k} {v}" for k, v in sorted(self.quotes_by_type.items()))
        extra = f", {self.duplicate_ids} duplicate article ids skipped" if self.duplicate_ids else ""
        return f"{self.articles} articles, {sum(self.quotes_by_type.values())} quotes ({types}), {self.rejected} rejected candidates{extra}"


def build(sources: list[str], out: Path) -> BuildSummary:
    out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    articles: list[Article] = []
    duplicates = 0
    for article in read_articles(sources):
        if article.article_id in seen:
            duplicates += 1
            continue
        seen.add(article.article_id)
        articles.append(article)
    articles.sort(key=lambda a: a.article_id)
    result = process_batch(articles)
    join_speakers_across_articles(result.quotes)
    result.quotes.sort(key=lambda r: (r["article_id"], r["start"], r["end"], r["quote_id"]))
    result.rejected.sort(key=lambda r: (r["article_id"], r["start"], r["end"], r["reason"]))
    metadata = {
        "quotes.schema_version": SCHEMA_VERSION,
        "quotes.extractor_version": __version__,
        "quotes.rules_hash": lexicon_hash(),
        "quotes.inputs_hash": _inputs_hash(result.articles),
    }
    write_table(result.articles, ARTICLES_SCHEMA, out, "articles", metadata)
    write_table(result.quotes, QUOTES_SCHEMA, out, "quotes", metadata)
    write_table(result.rejected, REJECTED_SCHEMA, out, "rejected", metadata)
    return BuildSummary(len(result.articles), Counter(r["quote_type"] for r in result.quotes), len(result.rejected), duplicates)


def _inputs_hash(articles: list[dict]) -> str:
    digest = hashlib.sha256()
    for row in articles:
        digest.update(row["article_id"].encode() + b"\0" + row["text"].encode() + b"\0")
    return digest.hexdigest()
