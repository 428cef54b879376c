"""Read: every input becomes a stream of raw records, then (in the worker) an Article.

Formats: a directory of .txt files (first non-empty line is the headline, the whole file is
the article text, so headline quotes have offsets too), a single .txt, .jsonl, .jsonl.gz or
.jsonl.zst (one object per line: id, text, optional title, url, outlet, published), .parquet
and .csv with the same columns.

Bad input never stops a build: a record that cannot be read (a malformed JSON line, a record
without text, a file in an unknown encoding) still becomes an article, with a `status` and a
`status_reason` that names the file and line, and no quotes. Only a source that cannot be
read at all (a wrong path, an unknown format, a file that is not the format its name says) is
an InputError.

Also here: reading the tables of a built dataset, for the tools that take one.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from quotes.errors import DatasetError, InputError
from quotes.extraction.normalise import normalise
from quotes.records import Article

OPTIONAL_FIELDS = ("url", "outlet", "published")
MAX_CHARS = 1_000_000  # longer articles are kept with status too_large and not extracted


@dataclass(slots=True)
class RawRecord:
    """What a reader yields: cheap to make, so the main process only reads; workers decode,
    normalise and extract."""

    article_id: str
    content: str | bytes  # bytes for .txt files, decoded by `decode_bytes` in the worker
    source: str
    title: str | None = None  # None: the first non-empty line of the text is the headline
    extra: dict = field(default_factory=dict)
    status: str = "ok"
    status_reason: str = ""

    @property
    def size(self) -> int:
        return len(self.content)


def source_files(paths: Sequence[str | Path]) -> list[Path]:
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


def read_raw(paths: Sequence[str | Path]) -> Iterator[RawRecord]:
    for path in source_files(paths):
        yield from _read_file(path)


# What reading a bad file raises: OSError (not gzip, zstd that does not decompress, a failing
# disk), EOFError (a gzip file cut short), ArrowInvalid (not Parquet, a CSV row that does not
# parse).
UNREADABLE = (OSError, EOFError, pa.ArrowInvalid)


def _read_file(path: Path) -> Iterator[RawRecord]:
    fmt = _format(path) or ""  # source_files keeps known formats only
    try:
        yield from READERS[fmt](path)
    except UNREADABLE as error:
        raise InputError(f"{path}: cannot be read as {fmt} ({_reason(error)}); repair the file or leave it out") from error


def _reason(error: Exception) -> str:
    """An error's message on one line, without the path the caller's message names."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error).split("\n", 1)[0]  # pyarrow's messages run over several lines


def read_articles(paths: Sequence[str | Path]) -> Iterator[Article]:
    """Stream the articles of every source, one at a time."""
    for record in read_raw(paths):
        yield to_article(record)


def _format(path: Path) -> str | None:
    name = path.name.lower()
    for suffix, fmt in ((".jsonl.gz", "jsonl"), (".jsonl.zst", "jsonl"), (".jsonl", "jsonl"), (".txt", "txt"),
                        (".parquet", "parquet"), (".csv", "csv")):
        if name.endswith(suffix):
            return fmt
    return None


# -- from a raw record to an Article ----------------------------------------------------------

def to_article(record: RawRecord) -> Article:
    status, reason = record.status, record.status_reason
    content = record.content
    steps: list[str] = []
    if isinstance(content, bytes):
        content, encoding, problem = decode_bytes(content)
        if problem:
            status, reason = "undecodable", f"{record.source}: {problem}"
        elif encoding != "utf-8":
            steps.append(f"decoded_{encoding.replace('-', '_')}")
    if status == "ok" and len(content) > MAX_CHARS:
        status, reason = "too_large", f"{len(content):,} characters (the limit is {MAX_CHARS:,})"
        content = ""
    article = make_article(record.article_id, content, record.source, record.title, **record.extra)
    article.normalise_steps = steps + article.normalise_steps
    if status == "ok" and not article.text.strip():
        status, reason = "empty", "no text after normalisation"
    article.status, article.status_reason = status, reason
    return article


def make_article(article_id: str, text: str, source: str, title: str | None = None, **extra) -> Article:
    normalised, steps = normalise(text or "")
    if title is None:  # plain text: the headline is the first non-empty line of the article
        title = next((line for line in normalised.split("\n") if line.strip()), "")
    else:
        title = normalise(title)[0]
    fields = {k: str(extra.get(k) or "") for k in OPTIONAL_FIELDS}
    return Article(str(article_id), normalised, title, source, normalise_steps=steps, **fields)


BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Letters that Windows-1258 text decodes to and that only Vietnamese uses together.
VIETNAMESE_MARKERS = set("ăâđêôơưĂÂĐÊÔƠƯ")


def decode_bytes(data: bytes) -> tuple[str, str, str]:
    """Text, the encoding used, and a problem ("" when decoded). UTF-8 (with or without BOM),
    UTF-16/32 by BOM or by their zero bytes, and Windows-1258 when it yields Vietnamese letters;
    anything else (VNI or TCVN3 font encodings, binary) is reported, not guessed."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", ""), ""
            except UnicodeDecodeError as error:
                return "", encoding, f"starts with a {encoding} byte-order mark but is not {encoding} ({error.reason})"
    try:
        return data.decode("utf-8"), "utf-8", ""
    except UnicodeDecodeError:
        pass
    if data[:400].count(b"\0") > len(data[:400]) // 4:
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if sum(ch.isalpha() for ch in text[:200]) > len(text[:200]) // 2:
                return text, encoding, ""
    text = data.decode("cp1258", errors="replace")
    if "\ufffd" not in text and sum(ch in VIETNAMESE_MARKERS for ch in text) >= 3:
        return text, "cp1258", ""
    return "", "unknown", "not UTF-8, UTF-16 or Windows-1258: a legacy font encoding (VNI, TCVN3) or binary data"


# -- readers ---------------------------------------------------------------------------------

def read_txt(path: Path) -> Iterator[RawRecord]:
    try:
        data = path.read_bytes()
    except OSError as error:
        yield RawRecord(path.stem, "", path.name, status="unreadable", status_reason=f"{path.name}: {error.strerror}")
        return
    yield RawRecord(path.stem, data, path.name)


def _open_text(path: Path):
    """A text stream with the file's encoding found from its byte-order mark (UTF-8 by default)."""
    name = path.name.lower()
    raw: Any  # a GzipFile, pyarrow's stream or a file: BufferedReader reads all three
    if name.endswith(".gz"):
        raw = gzip.open(path, "rb")
    elif name.endswith(".zst"):  # pyarrow's zstd codec: no extra dependency
        raw = pa.input_stream(str(path), compression="zstd")
    else:
        raw = open(path, "rb")
    buffered = io.BufferedReader(raw) if not isinstance(raw, io.BufferedReader) else raw
    head = buffered.peek(4)[:4]
    encoding = next((enc for bom, enc in BOMS if head.startswith(bom)), "utf-8")
    return io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline=None)


def read_jsonl(path: Path) -> Iterator[RawRecord]:
    with _open_text(path) as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                yield _bad(path, number, f"line {number}: malformed JSON ({error.msg} at column {error.colno})")
                continue
            yield _from_record(record, path, number)


def _bad(path: Path, number: int, reason: str) -> RawRecord:
    return RawRecord(f"{path.stem}-{number}", "", path.name, "", status="malformed", status_reason=f"{path.name}: {reason}")


def _from_record(record, path: Path, number: int) -> RawRecord:
    if not isinstance(record, dict):
        return _bad(path, number, f"line {number}: not a JSON object")
    article_id = record.get("id", record.get("article_id"))
    if isinstance(article_id, bool) or not isinstance(article_id, (str, int, type(None))):
        # 1e400, NaN, {"k": 1}: no canonical text form; a string or an integer (1 reads as "1") has one
        return _bad(path, number, f"line {number}: 'id' is not a string or an integer")
    if article_id is None or str(article_id).strip() == "":
        article_id = f"{path.stem}-{number}"
    text = record.get("text")
    extra = {k: record.get(k) for k in OPTIONAL_FIELDS}
    title = record.get("title")
    title = title if isinstance(title, str) else ""
    if not isinstance(text, str):
        problem = "has no 'text'" if text is None else "'text' is not a string"
        return RawRecord(str(article_id), "", path.name, title, extra, "malformed", f"{path.name}: line {number}: {problem}")
    return RawRecord(str(article_id), text, path.name, title, extra)


def _read_batches(batches, names: list[str], path: Path) -> Iterator[RawRecord]:
    """Record batches to raw records, one batch in memory at a time."""
    if "text" not in names:
        raise InputError(f"{path}: no 'text' column")
    number = 0
    for batch in batches:
        for record in batch.to_pylist():
            number += 1
            yield _from_record(record, path, number)


def open_parquet(path: Path) -> pq.ParquetFile:
    """A Parquet file to stream with iter_batches. pyarrow pre-buffers by default: it reads ahead
    and keeps the column chunks of every row group asked for, so streaming a whole file held
    memory in proportion to the file (a 56 MB file: 53 MB held at once).
    Without it, only the row group being read is in memory."""
    return pq.ParquetFile(path, pre_buffer=False)


def read_parquet(path: Path) -> Iterator[RawRecord]:
    file = open_parquet(path)
    yield from _read_batches(file.iter_batches(batch_size=1000), file.schema_arrow.names, path)


def read_csv(path: Path) -> Iterator[RawRecord]:
    options = pacsv.ConvertOptions(strings_can_be_null=False, column_types={"id": pa.string()})
    reader = pacsv.open_csv(path, convert_options=options)
    yield from _read_batches(reader, reader.schema.names, path)


READERS = {"txt": read_txt, "jsonl": read_jsonl, "parquet": read_parquet, "csv": read_csv}


# -- a built dataset --------------------------------------------------------------------------

def dataset_table(folder: Path, name: str, columns: list[str] | None = None) -> pa.Table:
    """The table `name` (quotes, articles, ...) of a dataset folder written by `quotes build`;
    any of its table files stands for the folder (`quotes review data/quotes.parquet`)."""
    if folder.is_file() and folder.suffix in (".parquet", ".csv"):
        folder = folder.parent
    path = folder / f"{name}.parquet"
    if not path.is_file():
        raise DatasetError(f"{folder}: not a dataset folder (no {path.name}); give a folder written by `quotes build`")
    try:
        return pq.read_table(path, columns=columns)
    except UNREADABLE as error:
        raise DatasetError(f"{path}: not a table of a quotes dataset ({_reason(error)}); "
                           "build the dataset again with `quotes build`") from error
