"""Readers: every input format becomes a stream of normalised Article records.

Formats: a directory of .txt files (first non-empty line is the headline, the whole file is
the article text, so headline quotes have offsets too), a single .txt, .jsonl / .jsonl.gz
(one object per line: id, text, optional title, url, outlet, published), .parquet and .csv
with the same columns.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from quotes.normalise import normalise
from quotes.records import Article

OPTIONAL_FIELDS = ("url", "outlet", "published")


class InputError(ValueError):
    """An input that cannot be read at all (unknown format, missing columns)."""


def source_files(paths: list[str | Path]) -> list[Path]:
    """The input files behind the sources, in reading order."""
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files += [child for child in sorted(path.rglob("*")) if child.is_file() and _format(child) is not None]
        elif not path.exists():
            raise InputError(f"{path}: no such file or directory")
        elif _format(path) is None:
            raise InputError(f"{path}: unknown input format (use .txt, .jsonl, .jsonl.gz, .jsonl.zst, .parquet or .csv)")
        else:
            files.append(path)
    return files


def read_articles(paths: list[str | Path]) -> Iterator[Article]:
    """Stream the articles of every source, one at a time."""
    for path in source_files(paths):
        yield from READERS[_format(path)](path)


def _format(path: Path) -> str | None:
    name = path.name.lower()
    for suffix, fmt in ((".jsonl.gz", "jsonl"), (".jsonl.zst", "jsonl"), (".jsonl", "jsonl"), (".txt", "txt"),
                        (".parquet", "parquet"), (".csv", "csv")):
        if name.endswith(suffix):
            return fmt
    return None


def make_article(article_id: str, text: str, source: str, title: str | None = None, **extra) -> Article:
    normalised, steps = normalise(text or "")
    if title is None:  # plain text: the headline is the first non-empty line of the article
        title = next((line for line in normalised.split("\n") if line.strip()), "")
    else:
        title = normalise(title)[0]
    fields = {k: str(extra.get(k) or "") for k in OPTIONAL_FIELDS}
    return Article(str(article_id), normalised, title, source, normalise_steps=steps, **fields)


def read_txt(path: Path) -> Iterator[Article]:
    text = path.read_bytes().decode("utf-8", errors="replace")
    yield make_article(path.stem, text, path.name)


def _open_text(path: Path):
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    if name.endswith(".zst"):  # pyarrow's zstd codec: no extra dependency
        return io.TextIOWrapper(pa.input_stream(str(path), compression="zstd"), encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def read_jsonl(path: Path) -> Iterator[Article]:
    with _open_text(path) as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            yield _from_record(record, path.name, number)


def _from_record(record: dict, source: str, number: int) -> Article:
    if "text" not in record:
        raise InputError(f"{source}:{number}: record has no 'text'")
    article_id = record.get("id", record.get("article_id"))
    if article_id is None:
        article_id = f"{Path(source).stem}-{number}"
    extra = {k: record.get(k) for k in OPTIONAL_FIELDS}
    return make_article(article_id, record["text"], source, record.get("title") or "", **extra)


def _read_batches(batches, names: list[str], path: Path) -> Iterator[Article]:
    """Record batches to articles, one batch in memory at a time."""
    if "text" not in names:
        raise InputError(f"{path}: no 'text' column")
    number = 0
    for batch in batches:
        for record in batch.to_pylist():
            number += 1
            yield _from_record(record, path.name, number)


def read_parquet(path: Path) -> Iterator[Article]:
    file = pq.ParquetFile(path)
    yield from _read_batches(file.iter_batches(batch_size=1000), file.schema_arrow.names, path)


def read_csv(path: Path) -> Iterator[Article]:
    options = pacsv.ConvertOptions(strings_can_be_null=False, column_types={"id": pa.string()})
    reader = pacsv.open_csv(path, convert_options=options)
    yield from _read_batches(reader, reader.schema.names, path)


READERS = {"txt": read_txt, "jsonl": read_jsonl, "parquet": read_parquet, "csv": read_csv}
