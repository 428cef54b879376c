"""Scale: the same dataset whatever the workers and batches, compressed inputs, a build killed
with SIGKILL resumes without losing or duplicating a row, and the Ray path equals the local one."""

import gc
import gzip
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from quotes.dataset.build import Progress, build
from quotes.dataset.merge import merge
from quotes.dataset.read import open_parquet, read_raw
from quotes.dataset.release import sha256
from quotes.dataset.shards import cycle_collection_paused, process_batch, write_shard
from quotes.tools.bench import write_corpus

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("articles", "quotes", "speakers", "rejected")


def hashes(folder: Path) -> dict[str, str]:
    return {f"{t}{s}": sha256(folder / f"{t}{s}") for t in TABLES for s in (".parquet", ".csv")}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "news.jsonl"
    write_corpus(path, 300)
    return path


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("reference")
    build([str(corpus)], out, workers=1, batch_size=300)
    return out


def test_shards_and_merge_leave_no_reference_cycles(corpus, tmp_path):
    """Builds pause the cycle collector while a shard is made and while shards are merged:
    that is only safe while neither creates cycles, or their garbage would wait."""
    records = list(read_raw([str(corpus), str(ROOT / "seeds"), str(ROOT / "tests" / "fixtures" / "articles")]))
    write_shard(process_batch(records[:1]), tmp_path, "warm-up")  # first use imports modules: cycles, once
    gc.collect()
    with cycle_collection_paused():
        assert not gc.isenabled()
        counts = write_shard(process_batch(records), tmp_path, "b0")
        assert counts["quotes"] > 0 and gc.collect() == 0
        write_shard(process_batch(records[::2]), tmp_path, "b1")
        totals = merge(tmp_path, tmp_path / "out", {})
        assert totals["quotes"] > 0 and gc.collect() == 0
    assert gc.isenabled()


def test_streaming_a_parquet_file_holds_one_row_group_not_the_file(tmp_path):
    """The merge streams sorted files of any size, and inputs may be Parquet files of millions
    of articles: reading one must hold about a row group in memory, not the whole file."""
    rng = random.Random(3)
    path = tmp_path / "big.parquet"
    with pq.ParquetWriter(path, pa.schema([("text", pa.string())]), compression="none") as writer:
        for _ in range(100):  # 100 row groups of about 100 KB of text that does not compress
            writer.write_table(pa.table({"text": ["".join(rng.choices("abcdefghij", k=1000)) for _ in range(100)]}))
    baseline, peak = pa.total_allocated_bytes(), 0
    for _ in open_parquet(path).iter_batches(batch_size=100):
        peak = max(peak, pa.total_allocated_bytes() - baseline)
    assert path.stat().st_size > 9_000_000 and peak < 1_000_000


@pytest.mark.parametrize("workers,batch_size", [(2, 37), (2, 300), (1, 50)])
def test_output_does_not_depend_on_workers_or_batches(corpus, reference, tmp_path, workers, batch_size):
    report = build([str(corpus)], tmp_path, workers=workers, batch_size=batch_size)
    assert report.ok == 300
    assert hashes(tmp_path) == hashes(reference)
    assert not (tmp_path / ".work").exists()


def test_compressed_jsonl_reads_directly(corpus, reference, tmp_path):
    raw = corpus.read_bytes()
    gz = tmp_path / "news.jsonl.gz"
    gz.write_bytes(gzip.compress(raw))
    zst = tmp_path / "news.jsonl.zst"
    with pa.output_stream(str(zst), compression="zstd") as out:
        out.write(raw)
    for path in (gz, zst):
        out_dir = tmp_path / path.name.replace(".", "_")
        build([str(path)], out_dir, workers=1)
        assert sha256(out_dir / "quotes.csv") == sha256(reference / "quotes.csv")


def test_duplicate_article_ids_are_kept_once(tmp_path):
    records = [{"id": "a1", "text": "Ông Lê Văn Tám cho biết giá điện sẽ tăng vào tháng sau."},
               {"id": "a1", "text": "Ông Lê Văn Tám cho biết giá điện sẽ tăng vào tháng sau."},
               {"id": "a2", "text": "Bà Hồ Thị Lan nói rằng trường học sẽ mở cửa lại vào thứ Hai."}]
    source = tmp_path / "dup.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    report = build([str(source)], tmp_path / "out", workers=1, batch_size=1)
    assert report.totals["read"] == 3 and report.ok == 2 and report.not_ok == {"duplicate": 1}
    quotes = pq.read_table(tmp_path / "out" / "quotes.parquet").to_pylist()
    assert [q["article_id"] for q in quotes] == ["a1", "a2"]
    articles = pq.read_table(tmp_path / "out" / "articles.parquet").to_pylist()
    assert [(a["article_id"], a["status"]) for a in articles] == [("a1", "ok"), ("a1", "duplicate"), ("a2", "ok")]


def test_a_build_killed_with_sigkill_resumes_without_loss_or_duplicates(tmp_path, reference, corpus):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "quotes", "build", str(corpus), "--out", str(out), "--workers", "1",
               "--batch-size", "10"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    work = out / ".work"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(work.glob("*.done"))) < 5:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done = len(list(work.glob("*.done")))
    assert 5 <= done < 30, "the build was not interrupted half-way"
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    assert f"resumed {done} finished shards" in result.stderr or "resumed" in result.stderr
    assert hashes(out) == hashes(reference)


def test_progress_shows_on_a_terminal_only():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    quiet, shown = io.StringIO(), Terminal()
    for stream in (quiet, shown):
        progress = Progress(total_bytes=1000, stream=stream)
        progress.last -= 1  # as if half a second had passed
        progress.update({"articles": 10, "quotes": 4}, 500)
        progress.close()
    assert quiet.getvalue() == ""
    assert "10 articles" in shown.getvalue() and "4 quotes" in shown.getvalue() and "ETA" in shown.getvalue()


def test_ray_engine_equals_the_local_build(corpus, reference, tmp_path):
    pytest.importorskip("ray.data")
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        build([str(corpus)], tmp_path, batch_size=64, engine="ray")
    finally:
        ray.shutdown()
    assert hashes(tmp_path) == hashes(reference)


def test_many_shards_merge_through_sorted_runs(corpus, reference, tmp_path, monkeypatch):
    """With more shards than the merge opens at once, runs are merged first, and the speakers
    are counted from many sorted spill files: same bytes."""
    import quotes.dataset.merge

    monkeypatch.setattr(quotes.dataset.merge, "FAN_IN", 3)
    monkeypatch.setattr(quotes.dataset.merge._SpeakerSpill, "CHUNK", 50)
    build([str(corpus)], tmp_path, workers=1, batch_size=20)
    assert hashes(tmp_path) == hashes(reference)


def test_row_groups_do_not_depend_on_workers_or_batches(corpus, tmp_path, monkeypatch):
    """Row groups have a fixed number of rows whatever the blocks the rows arrive in; small
    groups here, so that every table spans several."""
    import quotes.dataset.write

    monkeypatch.setattr(quotes.dataset.write, "ROWS_PER_GROUP", {"articles": 64, "quotes": 500, "rejected": 100, "speakers": 7})
    build([str(corpus)], tmp_path / "a", workers=1, batch_size=300)
    build([str(corpus)], tmp_path / "b", workers=2, batch_size=37)
    assert hashes(tmp_path / "a") == hashes(tmp_path / "b")
    groups = {t: pq.read_metadata(tmp_path / "a" / f"{t}.parquet").num_row_groups for t in TABLES}
    assert min(groups.values()) > 1 and groups["articles"] == 5  # 300 articles in groups of 64


def test_merging_down_deletes_runs_once_merged_but_keeps_shards(tmp_path, monkeypatch):
    import quotes.dataset.merge
    from quotes.dataset.shards import SHARD_TABLES, read_work_file, write_sorted

    monkeypatch.setattr(quotes.dataset.merge, "FAN_IN", 2)
    shards = []
    for n in range(5):
        shards.append(tmp_path / f"s{n}.arrows")
        write_sorted(pa.table({"article_sha": [f"{n}{k}" for k in "ab"], "article_id": ["x", "y"]}, schema=SHARD_TABLES["texts"]),
                     "texts", shards[-1])
    runs = tmp_path / "runs"
    final = quotes.dataset.merge._merge_down(shards, "texts", runs)
    assert len(final) <= 2 and all(p.exists() for p in shards + final)
    assert sorted(runs.iterdir()) == sorted(final)  # 5 -> 3 -> 2: the first level's runs are gone
    rows = [sha for p in final for b in read_work_file(p, "texts") for sha in b.column("article_sha").to_pylist()]
    assert sorted(rows) == sorted(f"{n}{k}" for n in range(5) for k in "ab")


def test_output_does_not_depend_on_the_hash_seed(tmp_path):
    """Sets iterate in an order that changes with PYTHONHASHSEED; no output may follow it. The
    speaker's titles differ only in case here, the tie that once followed a set's order."""
    corpus = tmp_path / "news.jsonl"
    texts = ["Giáo sư Trần Văn An cho biết trường sẽ mở thêm ngành mới vào năm sau.",
             "Theo giáo sư Trần Văn An, học phí sẽ không tăng trong hai năm tới.",
             "Nhạc sĩ Lê Minh Khôi nói rằng album mới sẽ ra mắt vào mùa hè năm nay.",
             "Theo nhạc sĩ Lê Minh Khôi, ông vẫn sáng tác đều đặn mỗi ngày."]
    corpus.write_text("".join(json.dumps({"id": f"a{i}", "text": t}, ensure_ascii=False) + "\n"
                              for i, t in enumerate(texts)), encoding="utf-8")
    outputs = []
    for seed in ("1", "2", "3", "4", "5"):
        out = tmp_path / f"out{seed}"
        subprocess.run([sys.executable, "-m", "quotes", "build", str(corpus), "--out", str(out)], check=True,
                       capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
        outputs.append(hashes(out))
    speakers = pq.read_table(tmp_path / "out1" / "speakers.parquet").to_pylist()
    assert [len(row["titles"]) for row in speakers] == [2, 2]
    assert all(output == outputs[0] for output in outputs)


def test_shard_tables_take_every_column_from_the_records():
    """Records become Arrow columns by name; a column the records do not give would be missing,
    and one the schema does not name silently dropped: both lists must match the schemas."""
    from quotes.dataset.schema import ARTICLES_SCHEMA, QUOTES_SCHEMA
    from quotes.dataset.shards import SHARD_TABLES
    from quotes.dataset.write import article_columns, quote_columns

    assert list(quote_columns([])) == [n for n in QUOTES_SCHEMA.names if n not in ("occurrences", "split")]
    assert list(article_columns([])) == [n for n in ARTICLES_SCHEMA.names if n != "split"]
    assert [n for n in SHARD_TABLES["quotes"].names if n != "article_sha"] == list(quote_columns([]))


def test_compiled_and_plain_python_give_the_same_dataset(corpus, tmp_path):
    """setup.py compiles the extraction modules with mypyc where it can; the plain Python
    source runs where nothing could be compiled, and must give the same bytes."""
    import quotes

    if not quotes.compiled_modules():
        pytest.skip("nothing is compiled in this installation")
    plain = tmp_path / "plain"
    shutil.copytree(ROOT / "quotes", plain / "quotes", ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    inputs = [str(corpus), str(ROOT / "seeds"), str(ROOT / "tests" / "fixtures" / "articles")]
    build(inputs, tmp_path / "compiled", workers=1)
    env = {**os.environ, "PYTHONPATH": str(plain)}
    subprocess.run([sys.executable, "-m", "quotes", "build", *inputs, "--out", str(tmp_path / "plain_out"),
                    "--workers", "1"], cwd=plain, env=env, check=True, capture_output=True)
    code = "import quotes, quotes.extraction.runner as runner; print(quotes.compiled_modules(), runner.__file__)"
    probe = [sys.executable, "-c", code]
    assert subprocess.run(probe, cwd=plain, env=env, capture_output=True, text=True, check=True).stdout.startswith(
        f"[] {plain}")
    assert hashes(tmp_path / "plain_out") == hashes(tmp_path / "compiled")


def test_a_compiled_module_older_than_its_source_is_found(tmp_path):
    """In a checkout, Python imports a compiled module even when its source has changed since:
    the package refuses to import rather than run old code."""
    from quotes import stale_compiled_modules

    package = tmp_path / "quotes"
    package.mkdir()
    (tmp_path / "setup.py").touch()
    source, compiled = package / "detect.py", package / "detect.cpython-311-x86_64-linux-gnu.so"
    for path, mtime in ((compiled, 1_000), (source, 2_000)):
        path.touch()
        os.utime(path, (mtime, mtime))
    assert stale_compiled_modules(package) == ["detect"]
    os.utime(compiled, (3_000, 3_000))
    assert stale_compiled_modules(package) == []
    (tmp_path / "setup.py").unlink()  # an installed package: never stale
    os.utime(source, (4_000, 4_000))
    assert stale_compiled_modules(package) == []
