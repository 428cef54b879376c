"""Stage 6: write the dataset: one explicit Arrow schema per table, Parquet and CSV."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from quotes.normalise import fold_key
from quotes.records import Article, Quote, Rejection
from quotes.speakers import speaker_id

QUOTES_SCHEMA = pa.schema([
    pa.field("quote_id", pa.string(), nullable=False, metadata={"description": "Stable id: hash of article_id and span"}),
    pa.field("article_id", pa.string(), nullable=False),
    pa.field("quote", pa.string(), nullable=False, metadata={"description": "text[start:end] of the article"}),
    pa.field("quote_type", pa.string(), nullable=False, metadata={"description": "direct, indirect or mixed"}),
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
    pa.field("cue", pa.string()),
    pa.field("cue_lemma", pa.string()),
    pa.field("cue_start", pa.int32()),
    pa.field("cue_end", pa.int32()),
    pa.field("speaker_mention", pa.string(), metadata={"description": "The speaker as written (ông, Ngoại trưởng, bà Sheran)"}),
    pa.field("speaker_start", pa.int32()),
    pa.field("speaker_end", pa.int32()),
    pa.field("speaker", pa.string(), metadata={"description": "Canonical speaker within the article; null when unsupported"}),
    pa.field("speaker_id", pa.string(), metadata={"description": "Joins one speaker across articles"}),
    pa.field("speaker_type", pa.string(), metadata={"description": "person, organization, group or unnamed"}),
    pa.field("speaker_title", pa.string()),
    pa.field("attribution", pa.string(), metadata={"description": "How the speaker was linked"}),
    pa.field("paragraph", pa.int32(), nullable=False),
    pa.field("sentence", pa.int32(), nullable=False),
    pa.field("rule", pa.string(), nullable=False, metadata={"description": "The detector rule that produced the row"}),
    pa.field("confidence", pa.float32(), nullable=False),
    pa.field("flags", pa.list_(pa.string()), nullable=False),
    pa.field("parent_quote_id", pa.string()),
])

ARTICLES_SCHEMA = pa.schema([
    pa.field("article_id", pa.string(), nullable=False),
    pa.field("title", pa.string(), nullable=False),
    pa.field("text", pa.string(), nullable=False, metadata={"description": "Normalised text; all offsets index it"}),
    pa.field("source", pa.string(), nullable=False),
    pa.field("url", pa.string(), nullable=False),
    pa.field("outlet", pa.string(), nullable=False),
    pa.field("published", pa.string(), nullable=False),
    pa.field("normalise_steps", pa.list_(pa.string()), nullable=False),
])

REJECTED_SCHEMA = pa.schema([
    pa.field("article_id", pa.string(), nullable=False),
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
    pa.field("text", pa.string(), nullable=False),
    pa.field("reason", pa.string(), nullable=False),
    pa.field("rule", pa.string(), nullable=False),
])


def quote_row(q: Quote) -> dict:
    mention = q.mention
    return {
        "quote_id": q.quote_id, "article_id": q.article_id, "quote": q.quote, "quote_type": q.quote_type,
        "start": q.start, "end": q.end, "cue": q.cue, "cue_lemma": q.cue_lemma,
        "cue_start": q.cue_start, "cue_end": q.cue_end,
        "speaker_mention": mention.text if mention else None,
        "speaker_start": mention.start if mention else None,
        "speaker_end": mention.end if mention else None,
        "speaker": q.speaker, "speaker_id": q.speaker_id, "speaker_type": q.speaker_type,
        "speaker_title": q.speaker_title, "attribution": q.attribution, "paragraph": q.paragraph,
        "sentence": q.sentence, "rule": q.rule, "confidence": q.confidence, "flags": sorted(set(q.flags)),
        "parent_quote_id": q.parent_quote_id,
    }


def article_row(a: Article) -> dict:
    return {"article_id": a.article_id, "title": a.title, "text": a.text, "source": a.source, "url": a.url,
            "outlet": a.outlet, "published": a.published, "normalise_steps": a.normalise_steps}


def rejection_row(r: Rejection) -> dict:
    return {"article_id": r.article_id, "start": r.start, "end": r.end, "text": r.text, "reason": r.reason, "rule": r.rule}


def join_speakers_across_articles(rows: list[dict]) -> None:
    """One speaker_id per person across articles: a bare surname (Blinken) joins the one full
    name in the dataset that ends with it (Antony Blinken), when exactly one does."""
    full_names = defaultdict(set)
    for row in rows:
        if row["speaker_type"] == "person" and row["speaker"] and len(row["speaker"].split()) >= 2:
            full_names[fold_key(row["speaker"].split()[-1])].add(row["speaker"])
    for row in rows:
        if row["speaker_type"] == "person" and row["speaker"] and len(row["speaker"].split()) == 1:
            names = full_names.get(fold_key(row["speaker"]), set())
            if len(names) == 1:
                row["speaker_id"] = speaker_id(next(iter(names)), "person")


def write_table(rows: list[dict], schema: pa.Schema, out: Path, name: str, metadata: dict[str, str]) -> None:
    """Write NAME.parquet and NAME.csv atomically (a temporary file renamed into place)."""
    table = pa.Table.from_pylist(rows, schema=schema).replace_schema_metadata(
        {**(schema.metadata or {}), **{k.encode(): v.encode() for k, v in metadata.items()}})
    _atomic(out / f"{name}.parquet", lambda tmp: pq.write_table(
        table, tmp, compression="zstd", use_dictionary=True, write_statistics=True, store_schema=True))
    csv_table = table
    for i, field in enumerate(table.schema):
        if pa.types.is_list(field.type):
            joined = pa.array(["|".join(v) for v in table.column(i).to_pylist()], pa.string())
            csv_table = csv_table.set_column(i, field.name, joined)
    _atomic(out / f"{name}.csv", lambda tmp: pacsv.write_csv(csv_table, tmp))


def _atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(str(tmp))
    os.replace(tmp, path)
