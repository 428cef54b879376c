"""`quotes build`: stream articles in batches through the workers into shards, then merge.

    read (streaming) -> batches -> process_batch on N workers -> sorted shards in OUT/.work
    -> merge (streaming k-way) -> OUT/{articles,quotes,speakers,rejected}.{parquet,csv}

A killed build started again with the same inputs skips the shards already written. The
dataset does not depend on the number of workers or the batch size.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import count, islice
from multiprocessing import get_context
from pathlib import Path

import pyarrow as pa

from quotes import __version__
from quotes.dataset.lock import worker_pool_options
from quotes.dataset.merge import merge
from quotes.dataset.read import RawRecord, read_raw, source_files
from quotes.dataset.shards import WORK_FORMAT, cycle_collection_paused, run_shard, shard_counts, shard_done
from quotes.dataset.write import output_folder
from quotes.errors import InputError
from quotes.extraction.lexicon import lexicon_hash
from quotes.extraction.pipeline import warm_up

SCHEMA_VERSION = "3"  # 3: speaker_gender and gender_evidence; the speakers table counts genders
MIN_BATCH, MAX_BATCH = 100, 1000
BYTES_PER_ARTICLE = 4_000  # a real news article as read (the 5,000 baomoi ones: 1,100 gzipped, 5,000 plain)
BATCHES_PER_WORKER = 4


def batch_size_for(total_bytes: int, workers: int) -> int:
    """Articles per shard: enough shards that every worker gets several (the last one is not
    left to one worker while the others wait), none smaller than MIN_BATCH (each shard has a
    fixed cost) or larger than MAX_BATCH (memory). The article count is estimated from the
    input's size, so the size is the same for the same inputs and a build resumes; the output
    does not depend on it."""
    estimated_articles = total_bytes // BYTES_PER_ARTICLE
    return max(MIN_BATCH, min(MAX_BATCH, estimated_articles // (BATCHES_PER_WORKER * workers)))


@dataclass
class BuildReport:
    totals: Counter = field(default_factory=Counter)
    resumed_shards: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> int:
        return self.totals["status:ok"]

    @property
    def not_ok(self) -> dict[str, int]:
        return {k.split(":", 1)[1]: v for k, v in sorted(self.totals.items()) if k.startswith("status:") and k != "status:ok" and v}

    def summary(self) -> str:
        t = self.totals
        types = ", ".join(f"{k} {t[k]}" for k in ("direct", "indirect", "mixed") if t[k])
        skipped = ", ".join(f"{v} {k}" for k, v in self.not_ok.items())
        skipped = f" ({skipped} skipped)" if skipped else ""
        resumed = f", resumed {self.resumed_shards} finished shards" if self.resumed_shards else ""
        return (f"{t['read']} articles read, {self.ok} ok{skipped}; {t['quotes']} quotes ({types or 'none'}); "
                f"{t['speakers']} speakers; {t['rejected']} rejected candidates{resumed}")


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def metadata_for(work: Path) -> dict[str, str]:
    manifest = json.loads((work / "manifest.json").read_text("utf-8"))
    return {"quotes.schema_version": SCHEMA_VERSION, "quotes.extractor_version": __version__,
            "quotes.rules_hash": manifest["rules_hash"], "quotes.inputs_hash": manifest["inputs_hash"]}


def inputs_hash(sources: list[str]) -> str:
    """A hash of the input files' names, sizes and contents (read in blocks)."""
    digest = hashlib.sha256()
    for path in source_files(sources):
        digest.update(path.name.encode() + b"\0")
        try:
            with path.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
        except OSError as error:
            raise InputError(f"{path}: cannot be read ({error.strerror}); make it readable or leave it out") from error
    return digest.hexdigest()


def prepare_work(work: Path, sources: list[str], batch_size: int) -> None:
    """Keep the shards of an interrupted build of the same inputs and rules; else start clean."""
    manifest = {"inputs_hash": inputs_hash(sources), "rules_hash": lexicon_hash(), "extractor_version": __version__,
                "batch_size": batch_size, "work_format": WORK_FORMAT}
    path = work / "manifest.json"
    if path.exists() and json.loads(path.read_text("utf-8")) == manifest:
        return
    shutil.rmtree(work, ignore_errors=True)
    output_folder(work, new=True)
    tmp = work / ".manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, sort_keys=True), "utf-8")
    os.replace(tmp, path)


def batches(records: Iterable[RawRecord], size: int) -> Iterator[tuple[str, list[RawRecord]]]:
    iterator = iter(records)
    for index in count():
        batch = list(islice(iterator, size))
        if not batch:
            return
        yield f"b{index:08d}", batch


class Progress:
    """A one-line progress display on a terminal (articles, rate, quotes, ETA); silent otherwise."""

    def __init__(self, total_bytes: int, stream=None):
        # sys.stderr as it is when the build starts (a default argument would keep the one of
        # the import: a stream already closed when `quotes.cli.main` runs again in one process)
        self.total, self.stream = total_bytes, sys.stderr if stream is None else stream
        self.active = self.stream.isatty()
        self.started = self.last = time.monotonic()
        self.articles = self.quotes = self.bytes = 0

    def update(self, counts: dict[str, int], size: int) -> None:
        self.articles += counts.get("articles", 0)
        self.quotes += counts.get("quotes", 0)
        self.bytes += size
        now = time.monotonic()
        if self.active and now - self.last >= 0.5:
            self.last = now
            rate = self.articles / max(now - self.started, 1e-9)
            eta = ""
            if self.total and self.bytes:
                remaining = (now - self.started) * (self.total - self.bytes) / self.bytes
                eta = f", ETA {int(remaining // 60)}m{int(remaining % 60):02d}s"
            self.stream.write(f"\r{self.articles:,} articles, {rate:,.0f}/s, {self.quotes:,} quotes{eta}   ")
            self.stream.flush()

    def close(self) -> None:
        if self.active:
            self.stream.write("\n")


def run_local(work: Path, jobs: Iterable[tuple[str, list[RawRecord]]], workers: int, report: BuildReport,
              progress: Progress) -> None:
    """Run the shards of `jobs` on `workers` processes, at most 2 per worker in flight, so
    memory stays bounded whatever the input size."""

    def finished(counts: dict[str, int], size: int) -> None:
        progress.update(counts, size)

    def size_of(batch: list[RawRecord]) -> int:
        return sum(r.size for r in batch)

    todo = _skip_done(work, jobs, report, finished)
    if workers <= 1:
        for key, batch in todo:
            finished(run_shard(batch, str(work), key), size_of(batch))
        return
    with ProcessPoolExecutor(workers, mp_context=get_context("fork"), **worker_pool_options()) as pool:
        pending: dict = {}
        for key, batch in todo:
            if len(pending) >= 2 * workers:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    finished(future.result(), pending.pop(future))
            pending[pool.submit(run_shard, batch, str(work), key)] = size_of(batch)
        for future in list(pending):
            finished(future.result(), pending.pop(future))


def _skip_done(work: Path, jobs, report: BuildReport, finished) -> Iterator[tuple[str, list[RawRecord]]]:
    for key, batch in jobs:
        if shard_done(work, key):
            report.resumed_shards += 1
            finished(shard_counts(work, key), sum(r.size for r in batch))
            continue
        yield key, batch


def _load_before_forking() -> None:
    """Work every process would otherwise repeat: pyarrow imports pandas the first time it
    converts Python values (about 0.17 s), and the lexicons compile on first use (about 0.1 s).
    Done here, before any worker is forked, the workers inherit both."""
    pa.array([], pa.string())
    warm_up()


def check_sources(sources: list[str]) -> None:
    """Say that there is nothing to read before anything is written."""
    if not source_files(sources):
        raise InputError(f"no .txt, .jsonl, .jsonl.gz, .jsonl.zst, .parquet or .csv files in {', '.join(map(str, sources))}")


def build(sources: list[str], out: Path, workers: int | None = None, batch_size: int | None = None,
          split_by: str = "article", engine: str = "local", split_files: bool = False,
          extra_metadata: dict[str, str] | None = None, work: Path | None = None) -> BuildReport:
    started = time.monotonic()
    check_sources(sources)
    _load_before_forking()
    work = work or out / ".work"
    report = BuildReport()
    workers = workers or default_workers()
    total_bytes = sum(p.stat().st_size for p in source_files(sources))
    batch_size = batch_size or batch_size_for(total_bytes, workers)
    prepare_work(work, sources, batch_size)
    if engine == "ray":
        from quotes.dataset.cluster import run_ray

        run_ray(sources, work, batch_size)
    else:
        progress = Progress(total_bytes)
        run_local(work, batches(read_raw(sources), batch_size), workers, report, progress)
        progress.close()
    metadata = {**metadata_for(work), **(extra_metadata or {})}
    with cycle_collection_paused():
        report.totals = Counter(merge(work, out, metadata, split_by, split_files,
                                      workers=1 if engine == "ray" else workers))
    shutil.rmtree(work, ignore_errors=True)
    report.seconds = time.monotonic() - started
    return report
