"""Merge shards into one dataset, streaming: memory stays bounded by the batch size, the fan-in
of the merge, a row group, and the number of distinct person names (to join bare surnames),
never by the number of articles or quotes (except with speaker-disjoint splits, which map every
article to its group).

Rows come out sorted by article id (a k-way merge of the sorted shards), so the dataset is the
same bytes however the articles were batched and however many workers made the shards.

Pass 1 reads the shards' small columns to decide what needs the whole corpus: which copy of a
duplicated article id to keep (the one with the smallest text hash), which full name a bare
surname joins across articles, and (for speaker-disjoint splits) which articles go together.
Pass 2 streams every row once more, completes it, and writes it.
"""

from __future__ import annotations

import json
import os
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from multiprocessing import get_context
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from quotes.dataset.lock import worker_pool_options
from quotes.dataset.schema import ARTICLES_SCHEMA, QUOTES_SCHEMA, REJECTED_SCHEMA, SPEAKERS_SCHEMA
from quotes.dataset.shards import (
    SHARD_TABLES,
    SORT_KEYS,
    SPEAKER_QUOTES,
    WORK_BATCH,
    WORK_SUFFIX,
    WORK_TABLES,
    finished_shards,
    read_work_file,
    work_file,
    work_file_writer,
    write_sorted,
)
from quotes.dataset.splits import split_of
from quotes.dataset.write import TableWriter, table_of
from quotes.extraction.normalise import fold_key
from quotes.extraction.speakers import speaker_id

FAN_IN = 16  # files merged at once; more shards than this are first merged into sorted runs


def iter_rows(work: Path, table: str, columns: list[str]) -> Iterator[tuple]:
    """All rows of one table across shards, in sorted order, as tuples of the named columns
    (for the few columns the survey reads; the writers take the Arrow blocks whole)."""
    for block in _merged(_runs(work, table), table, columns):
        yield from zip(*(block.column(name).to_pylist() for name in columns))


def _merged(paths: list[Path], table: str, columns: list[str] | None = None) -> Iterator[pa.Table]:
    """The rows of sorted files as one sorted stream of Arrow tables (a k-way merge by blocks).

    Each file is read a batch at a time. The cutoff is the smallest last key among the files
    still being read: every row up to it, from every file, is already in memory and nothing read
    later can sort before it, so those rows are sorted together (a stable sort: ties keep file
    order, as a row-by-row merge would) and given out; the rest waits for the next round."""
    keys = list(SORT_KEYS[table])
    read = None if columns is None else list(dict.fromkeys([*keys, *columns]))
    streams = [_SortedFile(path, table, keys, read) for path in paths]
    while True:
        live = [s for s in streams if s.has_rows()]
        if not live:
            return
        reading = [s.keys[-1] for s in live if not s.finished]
        cutoff = min(reading) if reading else None
        parts = [part for part in (s.take_through(cutoff) for s in live) if part.num_rows]
        if len(parts) == 1:
            yield parts[0]
            continue
        block = pa.concat_tables(parts)
        yield block.take(pc.sort_indices(block, sort_keys=[(k, "ascending") for k in keys]))


class _SortedFile:
    """One sorted work file read a batch at a time, with the keys of the rows held."""

    def __init__(self, path: Path, table: str, keys: list[str], columns: list[str] | None):
        self.batches = read_work_file(path, table, columns)
        self.key_names = keys
        self.rows: pa.Table = pa.table({})  # the rows held, from the last batch read
        self.keys: list[tuple] = []
        self.finished = False

    def has_rows(self) -> bool:
        while not self.keys and not self.finished:
            batch = next(self.batches, None)
            if batch is None:
                self.finished = True
                break
            self.rows = pa.Table.from_batches([batch])
            self.keys = list(zip(*(batch.column(k).to_pylist() for k in self.key_names)))
        return bool(self.keys)

    def take_through(self, cutoff: tuple | None) -> pa.Table:
        """Remove and return the held rows whose key is at most `cutoff` (all when None)."""
        n = len(self.keys) if cutoff is None else bisect_right(self.keys, cutoff)
        part, self.rows, self.keys = self.rows.slice(0, n), self.rows.slice(n), self.keys[n:]
        return part


def _runs(work: Path, table: str) -> list[Path]:
    """The sorted files of one table, at most FAN_IN of them: with more shards than that, groups
    of FAN_IN are merged into sorted runs first (an external merge sort), so the final merge
    never holds more than FAN_IN batches at once, however large the corpus."""
    runs_dir = work / "runs"
    done = runs_dir / f"{table}.json"
    if done.exists():
        return [work / name for name in json.loads(done.read_text("utf-8"))]
    paths = _merge_down([work_file(work, key, table) for key in finished_shards(work)], table, runs_dir)
    runs_dir.mkdir(exist_ok=True)
    done.write_text(json.dumps([p.relative_to(work).as_posix() for p in paths]), "utf-8")
    return paths


def _merge_down(paths: list[Path], table: str, runs_dir: Path) -> list[Path]:
    """Merge sorted files FAN_IN at a time, level after level, until at most FAN_IN are left.
    Files in runs_dir (runs of an earlier level, spill files) are deleted once merged, so the
    disk holds the data about twice (shards and one level of runs), not once per level; the
    shards are kept, for a merge that is killed to start again from them."""
    level = 0
    while len(paths) > FAN_IN:
        runs_dir.mkdir(exist_ok=True)
        merged = []
        for i in range(0, len(paths), FAN_IN):
            out = runs_dir / f"{table}.{level}.{i // FAN_IN:06d}{WORK_SUFFIX}"
            _write_run(paths[i:i + FAN_IN], table, out)
            merged.append(out)
            for merged_path in paths[i:i + FAN_IN]:
                if merged_path.parent == runs_dir:
                    merged_path.unlink()
        paths, level = merged, level + 1
    return paths


def _write_run(paths: list[Path], table: str, out: Path) -> None:
    tmp = out.with_name(f".{out.name}.tmp")
    with work_file_writer(tmp, WORK_TABLES[table]) as writer:
        for block in _merged(paths, table):
            writer.write_table(block, max_chunksize=WORK_BATCH)
    os.replace(tmp, out)


@dataclass
class Corpus:
    """What pass 1 learns about the whole corpus (everything here grows with the number of
    duplicates, repeated quotes and speakers, not with the number of articles)."""

    kept_sha: dict[str, str] = field(default_factory=dict)  # id given twice -> text hash of the copy kept
    same_text_as: dict[str, str] = field(default_factory=dict)  # article id -> earlier id with the same text
    occurrences: dict[str, int] = field(default_factory=dict)  # quote_cluster -> count, when above 1
    speaker_join: dict[str, str] = field(default_factory=dict)  # speaker_id -> joined speaker_id
    groups: dict[str, str] = field(default_factory=dict)  # article_id -> split group (speaker mode)

    @cached_property
    def duplicated(self) -> frozenset[str]:
        """Ids given twice or whose text was given under another id (asked once both are known)."""
        return frozenset(self.kept_sha) | frozenset(self.same_text_as)

    def dropped(self, article_id: str, sha: str) -> bool:
        """Rows of this copy of the article are not in the dataset (a duplicate)."""
        kept = self.kept_sha.get(article_id)
        return (kept is not None and kept != sha) or article_id in self.same_text_as


def _groups_by_first(rows: Iterator[tuple]) -> Iterator[list[tuple]]:
    """Runs of rows with the same first column (rows come sorted by it)."""
    group: list[tuple] = []
    for row in rows:
        if group and row[0] != group[0][0]:
            yield group
            group = []
        group.append(row)
    if group:
        yield group


def survey(work: Path, split_by: str) -> Corpus:
    corpus = Corpus()
    for copies in _groups_by_first(iter_rows(work, "articles", ["article_id", "article_sha", "status"])):
        if len(copies) > 1:  # sorted by text hash: keep the first copy that was read fine
            article_id, sha, _ = next((c for c in copies if c[2] == "ok"), copies[0])
            corpus.kept_sha[article_id] = sha
    for same in _groups_by_first(iter_rows(work, "texts", ["article_sha", "article_id"])):
        kept = [article_id for sha, article_id in same if not corpus.dropped(article_id, sha)]
        for article_id in kept[1:]:
            if article_id != kept[0]:
                corpus.same_text_as[article_id] = kept[0]
    _count_occurrences(work, corpus)
    _join_surnames(work, corpus)
    if split_by == "speaker":
        corpus.groups = _speaker_groups(work, corpus)
    elif split_by != "article":
        raise ValueError(f"unknown split_by {split_by!r} (use 'article' or 'speaker')")
    return corpus


def _count_occurrences(work: Path, corpus: Corpus) -> None:
    """How many kept articles carry each repeated quote text (clusters come sorted)."""
    current, count = "", 0  # cluster ids are never empty
    check = bool(corpus.duplicated)  # without duplicates no row is dropped
    for cluster, article_id, sha in iter_rows(work, "clusters", ["quote_cluster", "article_id", "article_sha"]):
        if check and corpus.dropped(article_id, sha):
            continue
        if cluster != current:
            if count > 1:
                corpus.occurrences[current] = count
            current, count = cluster, 0
        count += 1
    if count > 1:
        corpus.occurrences[current] = count


def _join_surnames(work: Path, corpus: Corpus) -> None:
    """A bare surname speaker joins the one full name in the dataset that ends with it. Order
    does not matter here, so each file is read on its own, without merging, and Arrow reduces
    each block to its distinct (speaker, speaker id) pairs of persons."""
    full_names: dict[str, set[str]] = defaultdict(set)
    surnames: dict[str, str] = {}
    columns = ["article_id", "article_sha", "speaker", "speaker_id", "speaker_type"]
    for path in _runs(work, "quotes"):
        for batch in read_work_file(path, "quotes", columns):
            persons = pa.Table.from_batches([batch]).filter(
                pc.and_(pc.equal(batch.column("speaker_type"), "person"), pc.not_equal(batch.column("speaker"), "")))
            if corpus.duplicated:
                ids, shas = persons.column("article_id").to_pylist(), persons.column("article_sha").to_pylist()
                persons = persons.filter(pa.array([not corpus.dropped(i, s) for i, s in zip(ids, shas)], pa.bool_()))
            pairs = persons.group_by(["speaker", "speaker_id"]).aggregate([])
            for speaker, sid in zip(pairs.column("speaker").to_pylist(), pairs.column("speaker_id").to_pylist()):
                words = speaker.split()
                if len(words) >= 2:
                    full_names[fold_key(words[-1])].add(speaker)
                else:
                    surnames[sid] = fold_key(speaker)
    for old_id, surname in surnames.items():
        names = full_names.get(surname, set())
        if len(names) == 1:
            corpus.speaker_join[old_id] = speaker_id(next(iter(names)), "person")


def _speaker_groups(work: Path, corpus: Corpus) -> dict[str, str]:
    """Union-find over articles sharing a person speaker; each article maps to the smallest
    article id of its group."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_article: dict[str, str] = {}
    for (article_id,) in iter_rows(work, "articles", ["article_id"]):
        find(article_id)
    for article_id, sid, speaker_type in iter_rows(work, "quotes", ["article_id", "speaker_id", "speaker_type"]):
        if speaker_type != "person" or not sid:
            continue
        sid = corpus.speaker_join.get(sid, sid)
        a, b = find(first_article.setdefault(sid, article_id)), find(article_id)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {article: find(article) for article in list(parent)}


@dataclass
class SpeakerStats:
    names: Counter = field(default_factory=Counter)
    types: Counter = field(default_factory=Counter)
    titles: set = field(default_factory=set)
    genders: Counter = field(default_factory=Counter)  # female, male, unknown -> quotes
    quotes: int = 0
    articles: int = 0
    last_article: str = ""


def merge(work: Path, out: Path, metadata: dict[str, str], split_by: str = "article",
          split_files: bool = False, workers: int = 1) -> dict[str, int]:
    """Write out/{articles,quotes,speakers,rejected}.{parquet,csv} from the shards in work.
    After the survey, the three tables are independent: with several workers they are written
    in parallel processes."""
    if workers > 1 and len(finished_shards(work)) > FAN_IN:  # each table's sorted runs: an independent pass
        with ProcessPoolExecutor(min(workers, len(SHARD_TABLES)), mp_context=get_context("fork"),
                                 **worker_pool_options()) as pool:
            list(pool.map(_runs, [work] * len(SHARD_TABLES), SHARD_TABLES))
    corpus = survey(work, split_by)
    writers = (_write_quotes, _write_speakers, _write_rejected, _write_articles)  # the largest first
    jobs = [(writer, work, out, metadata, split_files, corpus) for writer in writers]
    totals: Counter = Counter()
    if workers <= 1:
        for job in jobs:
            totals.update(job[0](*job[1:]))
        return dict(totals)
    with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=get_context("fork"),
                                 **worker_pool_options()) as pool:
        for counts in pool.map(_run_job, jobs):
            totals.update(counts)
    return dict(totals)


def _run_job(job) -> Counter:
    return job[0](*job[1:])


def _split(corpus: Corpus, article_id: str) -> str:
    return split_of(corpus.groups.get(article_id, article_id))


def _write_articles(work: Path, out: Path, metadata: dict[str, str], split_files: bool, corpus: Corpus) -> Counter:
    totals: Counter = Counter()
    with TableWriter(out, "articles", ARTICLES_SCHEMA, metadata, split_files) as writer:
        for block in article_blocks(work, corpus):
            writer.add_table(block.append_column("split", pa.array(_splits(corpus, block), pa.string())))
            totals["read"] += block.num_rows
            totals.update(f"status:{status}" for status in block.column("status").to_pylist())
    return totals


def _write_quotes(work: Path, out: Path, metadata: dict[str, str], split_files: bool, corpus: Corpus) -> Counter:
    totals: Counter = Counter()
    with TableWriter(out, "quotes", QUOTES_SCHEMA, metadata, split_files) as writer:
        for block in _joined_quotes(work, corpus):
            occurrences = [corpus.occurrences.get(c, 1) for c in block.column("quote_cluster").to_pylist()]
            block = block.append_column("occurrences", pa.array(occurrences, pa.int32()))
            writer.add_table(block.append_column("split", pa.array(_splits(corpus, block), pa.string())))
            totals["quotes"] += block.num_rows
            totals.update(block.column("quote_type").to_pylist())
    return totals


def _write_speakers(work: Path, out: Path, metadata: dict[str, str], split_files: bool, corpus: Corpus) -> Counter:
    """The speakers table, counted from the quotes through a sorted spill by speaker. A job of
    its own, so that it runs beside the quotes table's with several workers; the price is a
    second read of the quotes' few speaker columns (with one worker about 0.5% of a build)."""
    spill = _SpeakerSpill(work / "runs")
    for block in _joined_quotes(work, corpus, SPEAKER_QUOTES.names):
        spill.add(block)
    totals: Counter = Counter()
    with TableWriter(out, "speakers", SPEAKERS_SCHEMA, metadata) as writer:
        for row in _speaker_rows(spill.sorted_files()):
            writer.add(row)
            totals["speakers"] += 1
    return totals


def _joined_quotes(work: Path, corpus: Corpus, columns: list[str] | None = None) -> Iterator[pa.Table]:
    """The kept quotes (only `columns`, if given), each bare surname's speaker id joined to its
    full name's."""
    for block in kept_blocks(work, "quotes", corpus, columns):
        ids = [corpus.speaker_join.get(sid, sid) for sid in block.column("speaker_id").to_pylist()]
        yield block.set_column(block.schema.get_field_index("speaker_id"), "speaker_id", pa.array(ids, pa.string()))


class _SpeakerSpill:
    """The speaker columns of every quote that has a speaker, written to files of up to CHUNK
    rows sorted by speaker id: the speakers table is counted from their merge, so memory does
    not grow with the number of distinct speakers (about 1.5 for every real article)."""

    CHUNK = 65_536

    def __init__(self, folder: Path):
        self.folder = folder
        self.blocks: list[pa.Table] = []
        self.rows = 0
        self.paths: list[Path] = []

    def add(self, quotes: pa.Table) -> None:
        has_speaker = pc.fill_null(pc.not_equal(quotes.column("speaker_id"), ""), False)
        block = quotes.filter(has_speaker)
        self.blocks.append(pa.Table.from_arrays([block.column(name) for name in SPEAKER_QUOTES.names], schema=SPEAKER_QUOTES))
        self.rows += block.num_rows
        if self.rows >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            self.folder.mkdir(exist_ok=True)
            path = self.folder / f"speaker_quotes.chunk.{len(self.paths):06d}{WORK_SUFFIX}"
            write_sorted(pa.concat_tables(self.blocks), "speaker_quotes", path)
            self.paths.append(path)
        self.blocks, self.rows = [], 0

    def sorted_files(self) -> list[Path]:
        """At most FAN_IN sorted files holding every row added."""
        self._flush()
        return _merge_down(self.paths, "speaker_quotes", self.folder)


def _speaker_rows(paths: list[Path]) -> Iterator[dict]:
    """One row per speaker id, in id order, from the speaker of every quote sorted by id (and
    within an id in the quotes' own order: article, then offsets)."""
    sid, stats = None, SpeakerStats()
    for block in _merged(paths, "speaker_quotes"):
        columns = [block.column(name).to_pylist()
                   for name in ("speaker_id", "speaker", "speaker_type", "speaker_title", "speaker_gender", "article_id")]
        for row_sid, *fields in zip(*columns):
            if row_sid != sid:
                if sid is not None:
                    yield _speaker_row(sid, stats)
                sid, stats = row_sid, SpeakerStats()
            _count_speaker(stats, *fields)
    if sid is not None:
        yield _speaker_row(sid, stats)


def _write_rejected(work: Path, out: Path, metadata: dict[str, str], split_files: bool, corpus: Corpus) -> Counter:
    totals: Counter = Counter()
    with TableWriter(out, "rejected", REJECTED_SCHEMA, metadata) as writer:
        for block in kept_blocks(work, "rejected", corpus):
            writer.add_table(block)
            totals["rejected"] += block.num_rows
    return totals


def _splits(corpus: Corpus, block: pa.Table) -> list[str]:
    """The split of each row's article (rows come grouped by article: one hash per article)."""
    splits, last_id, last_split = [], None, ""
    for article_id in block.column("article_id").to_pylist():
        if article_id != last_id:
            last_id, last_split = article_id, _split(corpus, article_id)
        splits.append(last_split)
    return splits


def _touches_duplicates(block: pa.Table, corpus: Corpus) -> bool:
    """Whether any row of the block belongs to an id given twice or a text given twice: only
    such blocks are unpacked into rows, the others pass through whole."""
    return bool(corpus.duplicated) and any(i in corpus.duplicated for i in block.column("article_id").to_pylist())


def article_blocks(work: Path, corpus: Corpus) -> Iterator[pa.Table]:
    """Every article read, once per copy: the kept copy as read (the first copy with the text
    hash the survey chose), the others marked duplicate, with their text left out."""
    previous = None
    for block in _merged(_runs(work, "articles"), "articles"):
        if not _touches_duplicates(block, corpus):
            yield block.drop_columns(["article_sha"])
            continue
        rows = block.to_pylist()
        for row in rows:
            article_id, sha = row["article_id"], row.pop("article_sha")
            kept_sha = corpus.kept_sha.get(article_id)
            if kept_sha is not None and (sha != kept_sha or previous == (article_id, sha)):
                other = " with another text" if sha != kept_sha else ""
                row.update(text="", status="duplicate", status_reason=f"the same id again{other}")
            elif article_id in corpus.same_text_as:
                row.update(text="", status="duplicate", status_reason=f"same text as article {corpus.same_text_as[article_id]}")
            previous = (article_id, sha)
        yield table_of(rows, block.schema.remove(block.schema.get_field_index("article_sha")))


def kept_blocks(work: Path, table: str, corpus: Corpus, columns: list[str] | None = None) -> Iterator[pa.Table]:
    """The quotes (or rejected candidates) of the copy of each article that is kept; an article
    given twice with the same text has its rows twice, sorted next to each other: skip repeats.
    With `columns`, only those (and the sort keys) are read."""
    keys = SORT_KEYS[table]
    previous = None
    for block in _merged(_runs(work, table), table, columns):
        if _touches_duplicates(block, corpus):
            keep = []
            for row in block.select(keys).to_pylist():
                key = tuple(row[k] for k in keys)
                keep.append(key != previous and not corpus.dropped(row["article_id"], row["article_sha"]))
                previous = key
            block = block.filter(pa.array(keep, pa.bool_()))
        yield block.drop_columns(["article_sha"])


def _count_speaker(stats: SpeakerStats, speaker: str, speaker_type: str, title: str | None, gender: str,
                   article_id: str) -> None:
    stats.names[speaker] += 1
    stats.types[speaker_type] += 1
    stats.genders[gender] += 1
    if title:
        stats.titles.add(title)
    stats.quotes += 1
    if article_id != stats.last_article:  # rows come sorted by article
        stats.articles += 1
        stats.last_article = article_id


def _folded_then_exact(name: str) -> tuple[str, str]:
    """Case variants (Giáo sư, giáo sư) fold alike; the exact text breaks the tie, so the order
    does not depend on the order of a set (which changes with Python's hash seed)."""
    return fold_key(name), name


def _speaker_row(sid: str, stats: SpeakerStats) -> dict:
    name = max(stats.names, key=lambda n: (stats.names[n], len(n.split()), n))
    return {"speaker_id": sid, "speaker": name, "speaker_type": stats.types.most_common(1)[0][0],
            "quotes": stats.quotes, "articles": stats.articles,
            "names": sorted(stats.names, key=_folded_then_exact), "titles": sorted(stats.titles, key=_folded_then_exact),
            "speaker_gender": _majority_gender(stats.genders), "quotes_female": stats.genders["female"],
            "quotes_male": stats.genders["male"], "quotes_gender_unknown": stats.genders["unknown"]}


def _majority_gender(genders: Counter) -> str:
    """Across articles: the gender most of the speaker's quotes with a known gender give; a tie,
    or no evidence at all, is unknown."""
    female, male = genders["female"], genders["male"]
    return "female" if female > male else "male" if male > female else "unknown"

