"""Read: every input becomes a stream of raw records, then (in the worker) an Article.

Formats: a directory of .txt files (first non-empty line is the headline, the whole file is
the article text, so headline quotes have offsets too), a single .txt, .jsonl, .jsonl.gz or
.jsonl.zst (one object per line: id, text, optional title, url, outlet, published), .parquet
and .csv with the same columns.

Bad input never stops a build: a record that cannot be read (a malformed JSON line or CSV row,
a record without text, a file in an unknown encoding, a line past the size limit, a compressed
file cut short) still becomes an article, with a `status` and a `status_reason` that names the
file and line, and no quotes; the records around it are kept. Only a source that cannot be read
at all (a wrong path, an unknown format, a file that is not the format its name says) is an
InputError. Memory stays bounded whatever the input: lines are read up to a limit and the rest
of an over-long line is skipped, not held.

Also here: reading the tables of a built dataset, for the tools that take one.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from quotes.errors import DatasetError, InputError
from quotes.extraction.normalise import normalise
from quotes.records import Article

OPTIONAL_FIELDS = ("url", "outlet", "published")
MAX_CHARS = 1_000_000  # longer articles are kept with status too_large and not extracted


def max_line_chars() -> int:
    """The longest JSONL or CSV line read: a line carries its text escaped (\\u1ea1 is six
    characters for one letter) beside the other fields."""
    return 6 * MAX_CHARS + 65_536


def max_file_bytes() -> int:
    """The largest .txt file read: four bytes a character is the most any encoding takes."""
    return 4 * MAX_CHARS


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
    status_reason: str = ""  # why not ok, or what was repaired in an ok record

    @property
    def size(self) -> int:
        return len(self.content)


def source_files(paths: Sequence[str | Path]) -> list[Path]:
    """The input files behind the sources, in reading order. In a folder, a link to a file
    outside it is not followed (`links_out`): a folder of news must not read /etc/passwd."""
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files += _walk(path)[0]
        elif not path.exists():
            raise InputError(f"{path}: no such file or directory")
        elif _format(path) is None:
            raise InputError(f"{path}: unknown input format (use .txt, .jsonl, .jsonl.gz, .jsonl.zst, .parquet or .csv)")
        else:
            files.append(path)
    return files


def _walk(folder: Path) -> tuple[list[Path], list[Path]]:
    """The input files in a folder, and the links among them that lead out of it."""
    inside: list[Path] = []
    outside: list[Path] = []
    root = folder.resolve()
    for child in sorted(folder.rglob("*")):  # links to folders are not entered
        if child.is_file() and _format(child) is not None:
            # only a link can lead out (resolving every file of a big folder costs a syscall chain each)
            leaves = child.is_symlink() and not child.resolve().is_relative_to(root)
            (outside if leaves else inside).append(child)
    return inside, outside


def links_out(paths: Sequence[str | Path]) -> list[Path]:
    return [link for path in map(Path, paths) if path.is_dir() for link in _walk(path)[1]]


def read_raw(paths: Sequence[str | Path]) -> Iterator[RawRecord]:
    for path in source_files(paths):
        yield from _read_file(path)
    for link in links_out(paths):
        yield RawRecord(link.stem, "", link.name, "", status="unreadable",
                        status_reason=f"{link.name}: a link to a file outside the input folder; not followed "
                                      "(name the file itself to read it)")


# What reading a bad file raises: OSError (not gzip, zstd that does not decompress, a failing
# disk), EOFError (a gzip file cut short), ArrowInvalid (not Parquet).
UNREADABLE = (OSError, EOFError, pa.ArrowInvalid)


def _read_file(path: Path) -> Iterator[RawRecord]:
    fmt = _format(path) or ""  # source_files keeps known formats only
    try:
        yield from READERS[fmt](path)
    except CutShort as error:
        yield RawRecord(f"{path.stem}-{error.line}", "", path.name, "", status="unreadable",
                        status_reason=f"{path.name}: line {error.line}: cannot be read ({error}); "
                                      "the lines before it were kept, any after it are lost")
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
    if status == "ok" and REPLACEMENT in article.text:  # extracted, but said: the text was damaged
        steps.append(REPLACED_STEP)
        reason = f"{record.source}: {_replaced(article.text)}"
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
REPLACEMENT = "\ufffd"  # what a byte that does not decode becomes
REPLACED_STEP = "replaced_undecodable_bytes"


def decode_bytes(data: bytes) -> tuple[str, str, str]:
    """Text, the encoding used, and a problem ("" when decoded). UTF-8 (with or without BOM),
    UTF-16/32 by BOM or by their zero bytes; UTF-8 with rare bad bytes (fewer than one character
    in a hundred: a damaged file, not another encoding) has them replaced by U+FFFD; then
    Windows-1258 when it yields Vietnamese letters. Anything else (VNI or TCVN3 font encodings,
    binary) is reported, not guessed."""
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
    wide = _zero_byte_encoding(data[:400])
    if wide:
        text = data.decode(wide, errors="replace")
        if sum(ch.isalpha() for ch in text[:200]) > len(text[:200]) // 2:
            return text, wide, ""
    text = data.decode("utf-8", errors="replace")
    if (text.count(REPLACEMENT) - data.count(REPLACEMENT.encode())) * 100 <= len(text):
        return text, "utf-8", ""
    text = data.decode("cp1258", errors="replace")
    if REPLACEMENT not in text and sum(ch in VIETNAMESE_MARKERS for ch in text) >= 3:
        return text, "cp1258", ""
    return "", "unknown", "not UTF-8, UTF-16 or Windows-1258: a legacy font encoding (VNI, TCVN3) or binary data"


MIN_UTF16_ZEROS = 8  # zero bytes on one side before a file without a BOM is read as UTF-16


def _zero_byte_encoding(head: bytes) -> str | None:
    """UTF-16 without a byte-order mark, told by its zero bytes: ASCII letters leave a zero
    after each (little-endian) or before each (big-endian), never on both sides (that is
    binary, or a run of zeros). At least eight of them: a short UTF-8 file with two NUL
    characters is not UTF-16."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    enough = max(half // 4, MIN_UTF16_ZEROS - 1)
    if odd > enough and even <= half // 16:
        return "utf-16-le"
    if even > enough and odd <= half // 16:
        return "utf-16-be"
    return None


def _replaced(text: str) -> str:
    count = text.count(REPLACEMENT)
    return (f"{count:,} undecodable byte sequence{'s' if count > 1 else ''} replaced by U+FFFD "
            f"(the first at character {text.index(REPLACEMENT):,})")


# -- readers ---------------------------------------------------------------------------------

def read_txt(path: Path) -> Iterator[RawRecord]:
    try:
        size = path.stat().st_size
        if size > max_file_bytes():
            reason = f"{path.name}: {size:,} bytes (the limit is {max_file_bytes():,}); not read"
            yield RawRecord(path.stem, "", path.name, status="too_large", status_reason=reason)
            return
        data = path.read_bytes()
    except OSError as error:
        yield RawRecord(path.stem, "", path.name, status="unreadable", status_reason=f"{path.name}: {error.strerror}")
        return
    yield RawRecord(path.stem, data, path.name)


class CutShort(Exception):
    """A file that stopped reading part-way (a compressed stream cut short, a failing disk):
    the records before `line` were read."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line


def _open_text(path: Path, newline: str | None = None) -> io.TextIOWrapper:
    """A JSONL or CSV file, compressed or not, as text: the encoding from its byte-order mark,
    or UTF-16 from its zero bytes, else UTF-8. Bytes that do not decode become U+FFFD (the
    article says so). Line ends read as \\n, or as written with newline="" (CSV cells keep theirs)."""
    name = path.name.lower()
    buffered: Any  # what TextIOWrapper reads with peek and read1: one step at a time, so the
    # lines decoded before a damaged part of the stream are not lost with it
    if name.endswith(".gz"):
        buffered = gzip.open(path, "rb")
    elif name.endswith(".zst"):  # pyarrow's zstd codec: no extra dependency
        buffered = io.BufferedReader(pa.input_stream(str(path), compression="zstd"))
    else:
        buffered = open(path, "rb")
    head = buffered.peek(400)[:400]
    encoding = next((enc for bom, enc in BOMS if head.startswith(bom)), None) or _zero_byte_encoding(head)
    return io.TextIOWrapper(buffered, encoding=encoding or "utf-8", errors="replace", newline=newline)


CHUNK = 1 << 13  # what TextIOWrapper decodes at a time: a failing read loses no more
_BLANK_LINES = re.compile(r"[ \t\n]*\n")


def _lines(stream: io.TextIOWrapper, limit: int, keep_blank: bool) -> Iterator[tuple[int, str, bool]]:
    """Each line of a stream with its number and whether it ran past `limit` characters: such a
    line is cut there and the rest of it read but not kept, so memory stays bounded whatever
    the input (a gzip bomb of zeros is one endless line). Runs of blank lines are skipped a run
    at a time unless kept (a CSV cell may hold them). A stream that fails part-way raises
    CutShort; one that fails before its first line is not the format its name says."""
    number, size = 0, 0
    head: list[str] = []  # the pieces of the line being read, up to the limit
    try:
        while chunk := stream.read(CHUNK):
            start = 0
            while start < len(chunk):
                blank = None if keep_blank or head else _BLANK_LINES.match(chunk, start)
                if blank:
                    number += chunk.count("\n", start, blank.end())
                    start = blank.end()
                    continue
                end = chunk.find("\n", start) + 1 or len(chunk)
                if size < limit:  # a cut line keeps its head, at most the limit and a chunk
                    head.append(chunk[start:end])
                size, start = size + end - start, end
                if chunk[end - 1] == "\n":
                    number += 1
                    yield number, "".join(head), size > limit
                    size, head = 0, []
        if head:
            yield number + 1, "".join(head), size > limit
    except UNREADABLE as error:
        if number == 0:
            raise
        raise CutShort(number + 1, _reason(error)) from error


def read_jsonl(path: Path) -> Iterator[RawRecord]:
    limit = max_line_chars()
    with _open_text(path) as stream:
        for number, line, cut in _lines(stream, limit, keep_blank=False):
            if cut:
                yield _bad(path, number, f"line {number}: longer than {limit:,} characters; skipped", "too_large")
            elif line.strip():
                yield _json_line(line, path, number)


def _json_line(line: str, path: Path, number: int) -> RawRecord:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return _bad(path, number, f"line {number}: malformed JSON ({error.msg} at column {error.colno})")
    except (ValueError, RecursionError) as error:  # a number of 5,000 digits; nesting deeper than the stack
        return _bad(path, number, f"line {number}: malformed JSON ({_reason(error).split(';')[0]})")
    return _from_record(record, path, number)


def _bad(path: Path, number: int, reason: str, status: str = "malformed") -> RawRecord:
    return RawRecord(f"{path.stem}-{number}", "", path.name, "", status=status, status_reason=f"{path.name}: {reason}")


def _from_record(record, path: Path, number: int, where: str = "line") -> RawRecord:
    if not isinstance(record, dict):
        return _bad(path, number, f"{where} {number}: not a JSON object")
    article_id = record.get("id", record.get("article_id"))
    if isinstance(article_id, bool) or not isinstance(article_id, (str, int, type(None))):
        # 1e400, NaN, {"k": 1}: no canonical text form; a string or an integer (1 reads as "1") has one
        return _bad(path, number, f"{where} {number}: 'id' is not a string or an integer")
    if article_id is None or str(article_id).strip() == "":
        article_id = f"{path.stem}-{number}"
    text = record.get("text")
    extra = {k: record.get(k) for k in OPTIONAL_FIELDS}
    title = record.get("title")
    title = title if isinstance(title, str) else ""
    if not isinstance(text, str):
        problem = "has no 'text'" if text is None else "'text' is not a string"
        return RawRecord(str(article_id), "", path.name, title, extra, "malformed",
                         f"{path.name}: {where} {number}: {problem}")
    return RawRecord(str(article_id), text, path.name, title, extra)


def open_parquet(path: Path) -> pq.ParquetFile:
    """A Parquet file to stream with iter_batches. pyarrow pre-buffers by default: it reads ahead
    and keeps the column chunks of every row group asked for, so streaming a whole file held
    memory in proportion to the file (a 56 MB file: 53 MB held at once).
    Without it, only the row group being read is in memory."""
    return pq.ParquetFile(path, pre_buffer=False)


def read_parquet(path: Path) -> Iterator[RawRecord]:
    file = open_parquet(path)
    if "text" not in file.schema_arrow.names:
        raise InputError(f"{path}: no 'text' column")
    number = 0
    for batch in file.iter_batches(batch_size=1000):
        for record in batch.to_pylist():
            number += 1
            yield _from_record(record, path, number, "row")


def read_csv(path: Path) -> Iterator[RawRecord]:
    """Every cell as the string written (no guessed numbers or dates); a row that does not parse
    (a quote left open to the end of the file, a stray quote, too many or too few cells, a line
    past the limit) is one malformed record, and reading goes on at the next line. A quote left
    open in the middle of a file runs on to the next quote mark, as in every CSV reader."""
    limit = max_line_chars()
    csv.field_size_limit(limit)
    cut: set[int] = set()
    with _open_text(path, newline="") as stream:
        rows = csv.reader(_noting_cut(_lines(stream, limit, keep_blank=True), cut), strict=True)
        try:
            header = next(rows)
        except (StopIteration, csv.Error) as error:
            problem = _reason(error) or "empty: no header row"
            raise InputError(f"{path}: cannot be read as csv ({problem}); the first row must name the columns") from error
        if "text" not in header:
            raise InputError(f"{path}: no 'text' column")
        number = 0
        while True:
            first = rows.line_num + 1
            try:
                cells = next(rows)
            except StopIteration:
                return
            except csv.Error as error:
                number += 1
                yield _bad(path, number, f"lines {first}-{rows.line_num}: {error}")
                continue
            if not cells:  # a blank line
                continue
            number += 1
            lines = f"line {first}" if first == rows.line_num else f"lines {first}-{rows.line_num}"
            if cut.intersection(range(first, rows.line_num + 1)):
                yield _bad(path, number, f"{lines}: longer than {limit:,} characters; skipped", "too_large")
            elif len(cells) != len(header):
                yield _bad(path, number, f"{lines}: {len(cells)} cells, the header has {len(header)}")
            else:
                yield _from_record(dict(zip(header, cells)), path, number, "row")


def _noting_cut(lines: Iterator[tuple[int, str, bool]], cut: set[int]) -> Iterator[str]:
    for number, line, was_cut in lines:
        if was_cut:
            cut.add(number)
        yield line


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
