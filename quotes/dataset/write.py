"""Write the dataset (the merge's last step): records to columns, tables to Parquet and CSV,
atomically, with the schemas of schema.py."""

from __future__ import annotations

import os
import re
from operator import attrgetter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from quotes.dataset.schema import ARTICLES_SCHEMA, QUOTES_SCHEMA, REJECTED_SCHEMA
from quotes.errors import OutputError
from quotes.records import Article, Quote, Rejection


def columns_of(records: list, fields: tuple[str, ...]) -> dict[str, list]:
    return {name: list(map(attrgetter(name), records)) for name in fields}


# The quotes table's columns that are a Quote's own fields (the speaker mention's are added, and
# occurrences and split need the whole corpus).
QUOTE_FIELDS = ("quote_id", "article_id", "quote", "quote_type", "start", "end", "cue", "cue_lemma", "cue_start",
                "cue_end", "speaker", "speaker_id", "speaker_type", "speaker_title", "speaker_gender", "gender_evidence",
                "attribution", "paragraph",
                "sentence", "rule", "confidence", "parent_quote_id", "quote_cluster")
ARTICLE_FIELDS = tuple(name for name in ARTICLES_SCHEMA.names if name != "split")


def quote_columns(quotes: list[Quote]) -> dict[str, list]:
    """In the schema's order."""
    mentions = [q.mention for q in quotes]
    columns = columns_of(quotes, QUOTE_FIELDS) | {
        "speaker_mention": [m.text if m else None for m in mentions],
        "speaker_start": [m.start if m else None for m in mentions],
        "speaker_end": [m.end if m else None for m in mentions],
        "flags": [sorted(set(q.flags)) for q in quotes],
    }
    return {name: columns[name] for name in QUOTES_SCHEMA.names if name in columns}


def article_columns(articles: list[Article]) -> dict[str, list]:
    return columns_of(articles, ARTICLE_FIELDS)


def rejection_columns(rejections: list[Rejection]) -> dict[str, list]:
    return columns_of(rejections, tuple(REJECTED_SCHEMA.names))


def rows_of(columns: dict[str, list]) -> list[dict]:
    """Columns back as rows, one dict each (for the CLI's JSON lines)."""
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def table_of(rows: list[dict], schema: pa.Schema) -> pa.Table:
    """Rows as an Arrow table, built column by column (many times faster than from_pylist
    for rows holding whole article texts)."""
    return pa.Table.from_pydict({name: [row[name] for row in rows] for name in schema.names}, schema=schema)


# Pinned writer options: with pinned library versions the same rows give the same bytes.
WRITER_OPTIONS = dict(compression="zstd", compression_level=3, use_dictionary=True, write_statistics=True,
                      data_page_size=1 << 20, store_schema=True, version="2.6")
CSV_OPTIONS = pacsv.WriteOptions(include_header=True, eol="\n")


# Rows per Parquet row group (and per CSV write). A Parquet writer keeps the description of
# every row group it has written until it writes the footer (about 23 KB per quotes row group):
# with 2,000 rows a group, that grew by 140 MB over the 12 million quotes of 1,000,000 articles.
# Groups of about 20-30 MB keep it to a few MB there, and bound what a group holds in memory.
ROWS_PER_GROUP = {"articles": 8_192, "quotes": 65_536, "rejected": 65_536, "speakers": 65_536}


class TableWriter:
    """Stream rows into NAME.parquet and NAME.csv (UTF-8, newline line ends, a header, no
    index), and with split_files one Parquet file per split under splits/. Row groups have a
    fixed size, so the bytes do not depend on how the rows arrived. Files are written under
    temporary names and renamed into place when the writer closes without error. A table with
    no rows gets no row group at all: the Hugging Face loader fails on an empty one."""

    ROWS_AT_ONCE = 2_000  # rows given one by one are turned into an Arrow table this many at a time

    def __init__(self, out: Path, name: str, schema: pa.Schema, metadata: dict[str, str], split_files: bool = False):
        out.mkdir(parents=True, exist_ok=True)
        self.schema = schema.with_metadata({k.encode(): v.encode() for k, v in sorted(metadata.items())})
        self.group_rows = ROWS_PER_GROUP[name]
        self.rows: list[dict] = []
        self.pending: list[pa.Table] = []  # blocks not yet written, in order
        self.pending_rows = 0
        self.targets = {"": out / f"{name}.parquet"}
        if split_files:
            from quotes.dataset.splits import SPLIT_NAMES

            (out / "splits").mkdir(exist_ok=True)
            self.targets.update({s: out / "splits" / f"{name}-{s}.parquet" for s in SPLIT_NAMES})
        self.parquet = {k: pq.ParquetWriter(_tmp(p), self.schema, **WRITER_OPTIONS) for k, p in self.targets.items()}
        self.csv_path = out / f"{name}.csv"
        self.csv = pacsv.CSVWriter(_tmp(self.csv_path), csv_schema(self.schema), write_options=CSV_OPTIONS)

    def add(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.ROWS_AT_ONCE:
            self._take_rows()

    def add_table(self, table: pa.Table) -> None:
        """Add rows given as an Arrow table with this table's columns (in any order)."""
        self._take_rows()
        self.pending.append(table.select(self.schema.names))
        self.pending_rows += table.num_rows
        while self.pending_rows >= self.group_rows:
            self._write(self.group_rows)

    def _take_rows(self) -> None:
        if self.rows:
            rows, self.rows = self.rows, []
            self.add_table(table_of(rows, self.schema))

    def flush(self) -> None:
        self._take_rows()
        if self.pending_rows:
            self._write(self.pending_rows)

    def _write(self, count: int) -> None:
        """Write the first `count` pending rows as one row group (in one chunk, so the bytes do
        not depend on how the rows were split into blocks on the way)."""
        pending = pa.concat_tables(self.pending)
        rows = pa.Table.from_arrays([c.combine_chunks() for c in pending.slice(0, count).columns], schema=self.schema)
        rest = pending.slice(count)
        self.pending, self.pending_rows = ([rest] if rest.num_rows else []), rest.num_rows
        self.parquet[""].write_table(rows, row_group_size=self.group_rows)
        for split, writer in self.parquet.items():
            part = rows.filter(pc.equal(rows.column("split"), split)) if split else None
            if part is not None and part.num_rows:
                writer.write_table(part, row_group_size=self.group_rows)
        self.csv.write_table(csv_table(rows))

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.flush()
        for writer in self.parquet.values():
            writer.close()
        self.csv.close()
        for path in [*self.targets.values(), self.csv_path]:
            if kind is None:
                os.replace(_tmp(path), path)
            else:
                _tmp(path).unlink(missing_ok=True)


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


def output_folder(path: Path, new: bool = False) -> None:
    """Make the folder `path` and its parents for a command's output (`new`: it must not exist
    yet); a file in the way, or a folder that cannot be made, is an OutputError that names it."""
    try:
        path.mkdir(parents=True, exist_ok=not new)
    except OSError as error:
        in_the_way = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
        if in_the_way:
            raise OutputError(f"{in_the_way}: is a file, not a folder; give a folder for the output") from error
        raise OutputError(f"{path}: cannot make this folder ({error.strerror}); give another output folder") from error


def csv_schema(schema: pa.Schema) -> pa.Schema:
    fields = [pa.field(f.name, pa.string(), f.nullable, f.metadata) if pa.types.is_list(f.type) else f for f in schema]
    return pa.schema(fields, metadata=schema.metadata)


# A spreadsheet runs a cell as a formula when it starts with one of these, also after spaces or
# line breaks it skips.
STARTS_LIKE_FORMULA = "^[ \\t\\r\\n]*[=+\\-@\\t\\r]"
_STARTS_LIKE_FORMULA = re.compile(STARTS_LIKE_FORMULA)


def neutralise(value: str | None) -> str | None:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (CSV only)."""
    return "'" + value if value and _STARTS_LIKE_FORMULA.match(value) else value


def csv_table(table: pa.Table) -> pa.Table:
    """For CSV: list columns joined with |, and cells that start like a formula neutralised."""
    for i, field in enumerate(table.schema):
        is_list = pa.types.is_list(field.type)
        if not is_list and not pa.types.is_string(field.type):
            continue
        column = pc.binary_join(table.column(i), "|") if is_list else table.column(i)
        formulas = pc.any(pc.match_substring_regex(column, STARTS_LIKE_FORMULA)).as_py()
        if formulas:
            column = pa.array([neutralise(v) for v in column.to_pylist()], pa.string())
        if is_list or formulas:
            table = table.set_column(i, pa.field(field.name, pa.string(), field.nullable, field.metadata), column)
    return table
