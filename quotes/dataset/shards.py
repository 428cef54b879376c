"""Shards: the unit of work of a build.

A batch of articles goes through `process_batch` (a pure function) and is written as one shard:
five small Arrow IPC stream files (articles, quotes and rejected, sorted by article; texts and
clusters, sorted by text hash and by quote cluster for the merge's duplicate counts), each
written to a temporary name and renamed, then a `.done` marker. A build killed at any point
restarts from the shards that have their marker; a shard without one is simply made again.
Every executor (the local process pool, Ray) writes the same shards, and `quotes.dataset.merge` turns
any set of shards into the same dataset.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from quotes.dataset.read import RawRecord, to_article
from quotes.dataset.schema import ARTICLES_SCHEMA, QUOTES_SCHEMA, REJECTED_SCHEMA
from quotes.dataset.write import article_columns, quote_columns, rejection_columns
from quotes.extraction.normalise import fold_key
from quotes.extraction.pipeline import extract_article
from quotes.records import Article, Quote, Rejection, short_hash

# In shards every row carries its article's text hash, so the merge can keep one copy of an
# article given twice (same id) and drop the other copy's quotes with it.
ARTICLE_SHA = pa.field("article_sha", pa.string(), nullable=False)


def _without(schema: pa.Schema, *names: str) -> pa.Schema:
    for name in names:
        schema = schema.remove(schema.get_field_index(name))
    return schema


SHARD_TABLES = {
    "articles": _without(ARTICLES_SCHEMA, "split").append(ARTICLE_SHA),
    "quotes": _without(QUOTES_SCHEMA, "split", "occurrences").append(ARTICLE_SHA),
    "rejected": REJECTED_SCHEMA.append(ARTICLE_SHA),
    # Sorted by text hash: the merge finds the same text under two ids without holding every hash.
    "texts": pa.schema([ARTICLE_SHA, pa.field("article_id", pa.string(), nullable=False)]),
    # Sorted by cluster: the merge counts repeated quotes without holding every quote.
    "clusters": pa.schema([pa.field("quote_cluster", pa.string(), nullable=False),
                           pa.field("article_id", pa.string(), nullable=False), ARTICLE_SHA]),
}
SORT_KEYS = {
    "articles": ("article_id", "article_sha"),
    "quotes": ("article_id", "article_sha", "start", "end", "quote_id"),
    "rejected": ("article_id", "article_sha", "start", "end", "reason"),
    "texts": ("article_sha", "article_id"),
    "clusters": ("quote_cluster", "article_id", "article_sha"),
    "speaker_quotes": ("speaker_id", "article_id", "start", "end", "quote_id"),
}
# Made by the merge, not by shards: the speaker of every quote, sorted by speaker id, from which
# the speakers table is counted without holding every speaker in memory.
SPEAKER_QUOTES = pa.schema([(name, QUOTES_SCHEMA.field(name).type) for name in SORT_KEYS["speaker_quotes"]]
                           + [(name, pa.string()) for name in ("speaker", "speaker_type", "speaker_title", "speaker_gender")])
WORK_TABLES = {**SHARD_TABLES, "speaker_quotes": SPEAKER_QUOTES}


@dataclass(slots=True)
class ArticleResult:
    """One article of a batch and what was extracted from it, kept as records until the shard
    is written (then turned into Arrow columns)."""

    article: Article
    sha: str  # the text's hash, carried by every row of the article in the shard
    quotes: list[Quote]
    rejections: list[Rejection]


def text_sha(text: str) -> str:
    return short_hash(text, 16, "sha256")


def quote_cluster(quote: str) -> str:
    # Unique text: the uncached fold, so the shared cache keeps the short, repeated keys.
    return "c_" + short_hash(fold_key.__wrapped__(quote), 16)


def process_batch(records: Sequence[RawRecord | Article]) -> list[ArticleResult]:
    """A pure function of a batch of records: the unit every executor runs. Decoding and
    normalising happen here, in the worker; an article that is not ok gets no quotes."""
    results = []
    for record in records:
        article = to_article(record) if isinstance(record, RawRecord) else record
        quotes, rejections = extract_article(article) if article.status == "ok" else ([], [])
        for q in quotes:
            q.quote_cluster = quote_cluster(q.quote)
        results.append(ArticleResult(article, text_sha(article.text), quotes, rejections))
    return results


def shard_tables(results: list[ArticleResult]) -> dict[str, pa.Table]:
    """The five work tables of a batch, in SHARD_TABLES order, not yet sorted."""
    ok = [r for r in results if r.article.status == "ok"]
    columns = {
        "articles": article_columns([r.article for r in results]) | {"article_sha": [r.sha for r in results]},
        "quotes": quote_columns([q for r in results for q in r.quotes]) | {"article_sha": _shas(results, "quotes")},
        "rejected": rejection_columns([x for r in results for x in r.rejections]) | {"article_sha": _shas(results, "rejections")},
        "texts": {"article_sha": [r.sha for r in ok], "article_id": [r.article.article_id for r in ok]},
    }
    tables = {name: pa.Table.from_pydict(table, schema=SHARD_TABLES[name]) for name, table in columns.items()}
    tables["clusters"] = tables["quotes"].select(SHARD_TABLES["clusters"].names).cast(SHARD_TABLES["clusters"])
    return {name: tables[name] for name in SHARD_TABLES}


def _shas(results: list[ArticleResult], records: str) -> list[str]:
    """The article text hash of each quote or rejection (`records`), in order."""
    return [r.sha for r in results for _ in getattr(r, records)]


# The merge holds one batch per open file: batches stay small enough for memory to stay small,
# large enough for writing them to stay cheap.
WORK_BATCH = 1024
# Shards and sorted runs live only until the merge. They are Arrow IPC streams (lz4), read back a
# batch at a time. They used to be Parquet files, but a Parquet footer describes every row group,
# and a reader holds it whole: merging 1,000,000 articles, the four sorted runs of quotes held
# 335 MB of footers, a cost that grows with the corpus. A stream has no footer.
WORK_SUFFIX = ".arrows"
WORK_FORMAT = "arrow-ipc-stream-lz4"  # in the work manifest: shards of another format are made anew
_WORK_WRITE = pa.ipc.IpcWriteOptions(compression="lz4")


def work_file_writer(path: Path, schema: pa.Schema) -> pa.ipc.RecordBatchStreamWriter:
    return pa.ipc.new_stream(path, schema, options=_WORK_WRITE)


def write_sorted(table: pa.Table, name: str, path: Path) -> None:
    """Write the rows of work table `name`, sorted by its SORT_KEYS, as a work file."""
    with work_file_writer(path, table.schema) as writer:
        writer.write_table(table.sort_by([(k, "ascending") for k in SORT_KEYS[name]]), max_chunksize=WORK_BATCH)


def read_work_file(path: Path, table: str, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
    """The batches of a shard or sorted run of `table`, with only the named columns decoded.
    Read with plain reads: given a path, pyarrow maps the whole file into memory, and every page
    read stays in the process's resident memory (380 MB for one 430 MB run of quotes)."""
    fields = None if columns is None else [WORK_TABLES[table].get_field_index(name) for name in columns]
    with pa.OSFile(str(path)) as source, pa.ipc.open_stream(source, options=pa.ipc.IpcReadOptions(included_fields=fields)) as reader:
        yield from reader


def work_file(work: Path, key: str, table: str) -> Path:
    return work / f"{key}.{table}{WORK_SUFFIX}"


def shard_done(work: Path, key: str) -> bool:
    return (work / f"{key}.done").exists()


def write_shard(results: list[ArticleResult], work: Path, key: str) -> dict[str, int]:
    """Write one shard atomically; return its counts by table and quote type."""
    for name, table in shard_tables(results).items():
        tmp = work / f".{key}.{name}{WORK_SUFFIX}.tmp"
        write_sorted(table, name, tmp)
        os.replace(tmp, work_file(work, key, name))
    (work / f"{key}.done").touch()
    return counts(results)


def counts(results: list[ArticleResult]) -> dict[str, int]:
    return _counts(len(results), sum(len(r.rejections) for r in results), [q.quote_type for r in results for q in r.quotes])


def _counts(articles: int, rejected: int, quote_types: list[str]) -> dict[str, int]:
    out = {"articles": articles, "quotes": len(quote_types), "rejected": rejected}
    for quote_type in quote_types:
        out[quote_type] = out.get(quote_type, 0) + 1
    return out


def shard_counts(work: Path, key: str) -> dict[str, int]:
    """Counts of a finished shard, read back when a resumed build skips it."""
    def rows(name: str) -> int:
        return sum(b.num_rows for b in read_work_file(work_file(work, key, name), name, ["article_id"]))

    quote_types = [t for b in read_work_file(work_file(work, key, "quotes"), "quotes", ["quote_type"])
                   for t in b.column(0).to_pylist()]
    return _counts(rows("articles"), rows("rejected"), quote_types)


def finished_shards(work: Path) -> list[str]:
    return sorted(p.name[:-len(".done")] for p in work.glob("*.done"))


@contextmanager
def cycle_collection_paused():
    """Extraction and the merge make many short-lived objects and no reference cycles (a test
    holds them to that), so Python's cycle collector, which keeps scanning young objects, only
    costs time there (3 to 5% of it). Around a shard, it resumes once the shard is written and
    its rows are freed, so it never scans them either."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_shard(records: list[RawRecord], work: str, key: str) -> dict[str, int]:
    """Process and write one shard (what a worker process runs)."""
    with cycle_collection_paused():
        return write_shard(process_batch(records), Path(work), key)
