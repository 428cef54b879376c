"""The Python API: the extractor without the command line, for people who train models.

    import quotes
    quotes.extract("“Giá sẽ giảm”, ông Lê Văn An nói.")        # a list of quote rows (dicts)
    quotes.extract_table(df)                                    # a DataFrame or Arrow table of articles

Both run exactly what a build runs per article (reading's normalisation, the rules, speakers,
quote ids and clusters), so the rows are those of the build's quotes table, less the two
columns that need the whole corpus (`occurrences`, `split`). Offsets index the normalised
text, which the rows do not repeat: `extract_table` adds it as `text` to a second table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from quotes.dataset.read import OPTIONAL_FIELDS, RawRecord
from quotes.dataset.schema import ARTICLES_SCHEMA, QUOTES_SCHEMA
from quotes.dataset.shards import process_batch
from quotes.dataset.write import article_columns, quote_columns, rows_of
from quotes.errors import InputError

QUOTE_COLUMNS = pa.schema([f for f in QUOTES_SCHEMA if f.name not in ("occurrences", "split")])
ARTICLE_COLUMNS = pa.schema([f for f in ARTICLES_SCHEMA if f.name != "split"])


def extract(text: str, title: str | None = None, article_id: str = "text") -> list[dict]:
    """The quotes of one article, as rows of the quotes table. Without a title, the first
    non-empty line is the headline (as for a .txt file); `title=""` means there is none."""
    return rows_of(quote_columns(process_batch([RawRecord(article_id, text, "api", title)])[0].quotes))


def extract_table(articles: Any) -> tuple[pa.Table, pa.Table]:
    """The quotes and articles tables of a pandas DataFrame or an Arrow table of articles, with
    columns `id` and `text` (and optionally `title`, `url`, `outlet`, `published`)."""
    table = articles if isinstance(articles, pa.Table) else pa.Table.from_pandas(articles, preserve_index=False)
    missing = {"id", "text"} - set(table.column_names)
    if missing:
        raise InputError(f"the articles need the columns id and text (missing: {', '.join(sorted(missing))})")
    results = process_batch(_records(table.to_pylist()))
    quotes = quote_columns([q for r in results for q in r.quotes])
    return (pa.Table.from_pydict(quotes, schema=QUOTE_COLUMNS),
            pa.Table.from_pydict(article_columns([r.article for r in results]), schema=ARTICLE_COLUMNS))


def _records(rows: Iterable[dict]) -> list[RawRecord]:
    return [RawRecord(str(row["id"]), row["text"] or "", "api", row.get("title") or "",
                      {k: row.get(k) for k in OPTIONAL_FIELDS}) for row in rows]
