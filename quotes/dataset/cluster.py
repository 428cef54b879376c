"""The cluster path: the same shards, made by Ray Data instead of local processes.

Ray reads the input (JSONL, Parquet, or a folder of .txt files), hands Arrow batches to
`ShardTask`, which runs the same `process_batch` and writes the same shards as a local build
into the shared work folder; the merge then runs where the build was started. On a cluster,
set RAY_ADDRESS (or run inside `ray job submit`) and put the output on storage every node
sees. Install with `pip install 'quotes[ray]'`.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from quotes.dataset.read import RawRecord, source_files
from quotes.dataset.shards import run_shard
from quotes.errors import InputError
from quotes.records import short_hash


class ShardTask:
    """Map one Arrow batch of input rows to one shard; return its counts as a one-row batch."""

    def __init__(self, work: str):
        self.work = work

    def __call__(self, batch: pa.Table) -> pa.Table:
        records = [_record(row) for row in batch.to_pylist()]
        # The key names the batch by its content, so a retried task rewrites the same shard.
        key = "r" + short_hash("\0".join(sorted(r.article_id for r in records)), 20, "sha256")
        counts = run_shard(records, self.work, key)
        return pa.table({"articles": [counts["articles"]], "quotes": [counts["quotes"]]})


def _record(row: dict) -> RawRecord:
    """The same raw record a local reader makes, so the same worker code decodes it."""
    path = Path(row["path"])
    if "bytes" in row:  # a .txt file read whole
        return RawRecord(path.stem, row["bytes"], path.name)
    if row.get("id") is None:
        raise InputError(f"{path.name}: the Ray engine needs an 'id' in every record")
    extra = {k: row.get(k) for k in ("url", "outlet", "published")}
    title = row.get("title")
    return RawRecord(str(row["id"]), row.get("text") or "", path.name, title if isinstance(title, str) else "", extra)


def read_dataset(sources: list[str]):
    import ray.data

    files = [str(p) for p in source_files(sources)]
    kinds = {Path(f).suffix for f in files}
    if kinds == {".txt"}:
        return ray.data.read_binary_files(files, include_paths=True)
    if kinds == {".parquet"}:
        return ray.data.read_parquet(files, include_paths=True)
    if kinds <= {".jsonl", ".gz", ".zst"}:
        return ray.data.read_json(files, lines=True, include_paths=True)
    raise InputError("the Ray engine reads one kind of input at a time: .txt, .jsonl or .parquet files")


def run_ray(sources: list[str], work: Path, batch_size: int) -> int:
    """Run every shard on Ray; return the number of records read."""
    import ray

    if not ray.is_initialized():
        ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False)
    dataset = read_dataset(sources)
    results = dataset.map_batches(ShardTask, fn_constructor_args=(str(work),), batch_size=batch_size,
                                  batch_format="pyarrow", concurrency=(1, max(1, int(ray.available_resources().get("CPU", 1)))))
    return sum(row["articles"] for row in results.iter_rows())
