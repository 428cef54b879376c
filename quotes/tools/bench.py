"""`make bench`: extraction speed against a floor, on a synthetic corpus (and the baomoi corpus
when ../shared is there).

Every row is the whole build (read, extract, shards, merge, Parquet and CSV) in its own process,
with 1 and with 2 workers; the synthetic corpus is measured at two sizes to show that peak
memory does not grow with the corpus. The floor reads the same texts, NFC-normalises them and
makes one regex pass: no extractor can be faster than that, so the ratio says what the rules cost.
Runs of a few seconds move by 10% or more on a shared machine: for corpora up to 10,000 articles
each figure is the fastest of three runs (the floor's too), with the largest peak memory seen.

    python -m quotes.tools.bench [--articles N] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from itertools import islice
from pathlib import Path

import regex

from quotes import compiled_modules
from quotes.dataset.build import build
from quotes.dataset.merge import merge
from quotes.dataset.read import read_raw, source_files, to_article
from quotes.dataset.shards import cycle_collection_paused, process_batch, shard_tables, write_shard
from quotes.extraction.mentions import _edges, _parse_cached
from quotes.extraction.normalise import fold_key
from quotes.extraction.pipeline import extract_article
from quotes.extraction.quote_mark_rules import manner_cue
from quotes.extraction.runner import detect
from quotes.extraction.segment import segment
from quotes.extraction.speakers import SpeakerIndex, canonical_title, speaker_id

# Sentence templates in our own words, recombined with names and places: every attribution
# shape the extractor handles, plus narrative sentences with no quote.
PEOPLE = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Quốc Bảo", "Phạm Minh Tuấn", "Hoàng Thu Hà", "Đỗ Văn Lâm",
          "Vũ Thị Hạnh", "Bùi Đức Thắng", "Park Ji-sung", "Maria Lopez", "John Carter", "Ngô Thanh Tùng"]
TITLES = ["Giám đốc Sở Y tế", "Chủ tịch UBND huyện", "HLV", "Bác sĩ", "Tổng giám đốc công ty", "Đại tá", "PGS.TS"]
ORGS = ["Bộ Tài chính", "Sở Giáo dục và Đào tạo", "Công an tỉnh Nghệ An", "Ngân hàng Nhà nước", "Reuters"]
TOPICS = ["giá lúa", "lãi suất", "đội tuyển", "bệnh viện", "dự án đường cao tốc", "mùa mưa bão", "thị trường vàng"]
TEMPLATES = [
    "{title} {person} cho biết {topic} sẽ có nhiều thay đổi trong quý tới.",
    "“Chúng tôi đã chuẩn bị kỹ cho {topic}. Người dân có thể yên tâm”, ông {short} nói.",
    "Theo {org}, {topic} đang được theo dõi chặt chẽ.",
    "{org} khẳng định rằng {topic} không bị ảnh hưởng bởi thời tiết.",
    "Bà {person} nói thêm: “Mọi việc đều đang theo đúng kế hoạch.”",
    "Trong khi đó, các chuyên gia cho rằng {topic} khó phục hồi trước cuối năm.",
    "Ông {short} cũng cảnh báo {topic} có thể gặp “khó khăn lớn” nếu thiếu vốn.",
    "{topic_cap} năm nay tăng khoảng 5% so với cùng kỳ, theo số liệu thống kê.",
    "Nhiều hộ dân ở xã Phú Lộc đã chủ động gia cố nhà cửa trước khi {topic} bắt đầu.",
    "Bộ phim “Mùa nước nổi” được chiếu miễn phí cho người dân trong dịp này.",
    "Ảnh: Minh Khang",
]
FLOOR_PATTERN = regex.compile(r"[“”\"«»]|(?<![\p{L}])(?:nói|cho biết)(?![\p{L}])")


def synthetic_article(rng: random.Random, number: int) -> dict:
    person = rng.choice(PEOPLE)
    values = {"person": person, "short": person.split()[-1], "title": rng.choice(TITLES), "org": rng.choice(ORGS)}
    paragraphs = []
    for _ in range(rng.randint(4, 12)):
        topic = rng.choice(TOPICS)
        sentences = [rng.choice(TEMPLATES).format(topic=topic, topic_cap=topic.capitalize(), **values)
                     for _ in range(rng.randint(1, 4))]
        paragraphs.append(" ".join(sentences))
    title = f"{rng.choice(TOPICS).capitalize()}: những điều cần biết"
    return {"id": f"syn{number:07d}", "title": title, "text": title + "\n\n" + "\n\n".join(paragraphs)}


def write_corpus(path: Path, articles: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for number in range(articles):
            out.write(json.dumps(synthetic_article(rng, number), ensure_ascii=False) + "\n")


def run_phase(phase: str, source: str, workers: int) -> dict:
    """Time one phase over the source; returns seconds, articles, bytes and peak RSS (MB)."""
    started = time.perf_counter()
    if phase == "floor":
        articles = size = 0
        for path in source_files([source]):
            for text in _raw_texts(path):
                text = unicodedata.normalize("NFC", text)
                FLOOR_PATTERN.findall(text)
                articles += 1
                size += len(text.encode("utf-8"))
    else:
        with tempfile.TemporaryDirectory() as out:
            report = build([source], Path(out), workers=workers)
        articles = report.totals["read"]
        size = sum(p.stat().st_size for p in source_files([source]))
    seconds = time.perf_counter() - started
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    return {"phase": phase, "workers": workers, "seconds": seconds, "articles": articles, "bytes": size, "peak_rss_mb": peak}


def _raw_texts(path: Path):
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                yield json.loads(line)["text"]
    else:
        yield path.read_text(encoding="utf-8", errors="replace")


SHORT_RUN = 10_000  # articles: corpora up to this size are measured three times


def clear_extraction_caches() -> None:
    """Empty the caches that extraction fills article by article (parsed phrases, folded keys,
    speaker ids...), so that a timed pass meets every phrase for the first time, as a build does
    with new articles. The lexicons stay loaded: a build loads them once."""
    for cached in (_parse_cached, _edges, fold_key, speaker_id, canonical_title, manner_cue):
        cached.cache_clear()


def stage_times(source: str, limit: int = 2000) -> dict[str, float]:
    """Microseconds per article of each stage on its own, cold: before each of three passes
    over up to `limit` articles the extraction caches are emptied, so each pass sees every
    article and phrase as new, as a build does; the fastest pass is kept (the cycle collector
    paused as in a build). Where a build's time goes."""
    records = list(islice(read_raw([source]), limit))
    articles = [a for a in map(to_article, records) if a.status == "ok"]
    segmented = [segment(a.text) for a in articles]
    quoted = [[(q.inner_start, q.inner_end) for q in seg.quotes] for seg in segmented]
    indexes = [SpeakerIndex(a.text, q, seg.lowered) for a, q, seg in zip(articles, quoted, segmented)]
    results = process_batch(records)
    stages = {
        "floor: NFC and one regex pass (no decoding)": lambda: [FLOOR_PATTERN.findall(unicodedata.normalize("NFC", a.text))
                                                             for a in articles],
        "decode and normalise": lambda: [to_article(r) for r in records],
        "segment": lambda: [segment(a.text) for a in articles],
        "speaker index": lambda: [SpeakerIndex(a.text, q, s.lowered) for a, q, s in zip(articles, quoted, segmented)],
        "detect": lambda: [detect(a.article_id, s, False, i.name_words) for a, s, i in zip(articles, segmented, indexes)],
        "extract (segment to quote records)": lambda: [extract_article(a) for a in articles],
        "process_batch (decode to hashed records)": lambda: process_batch(records),
        "shard tables": lambda: shard_tables(results),
    }
    with tempfile.TemporaryDirectory() as work:
        shard, out = Path(work) / "shard", Path(work) / "out"
        shard.mkdir()
        stages["shard tables, sorted and written"] = lambda: write_shard(results, shard, "stage")
        stages["merge into the dataset (Parquet and CSV)"] = lambda: merge(shard, out, {})
        times = {}
        with cycle_collection_paused():
            for name, run in stages.items():
                best = float("inf")
                for _ in range(3):
                    clear_extraction_caches()
                    started = time.perf_counter()
                    run()
                    best = min(best, time.perf_counter() - started)
                times[name] = best / len(records) * 1e6
    return times


def measure(phase: str, source: str, workers: int = 1, runs: int = 1) -> dict:
    """The fastest of `runs` runs, each in its own process, with the largest peak memory."""
    results = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-m", "quotes.tools.bench", "--phase", phase, "--workers", str(workers), source],
                             capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout))
    fastest = min(results, key=lambda r: r["seconds"])
    return fastest | {"peak_rss_mb": max(r["peak_rss_mb"] for r in results)}


def rows_for(name: str, source: str, workers: list[int], articles: int) -> list[str]:
    runs = 3 if articles <= SHORT_RUN else 1
    floor = measure("floor", source, runs=runs)
    results = [measure("build", source, w, runs) for w in workers]
    base = results[0]["seconds"]
    rows = []
    for r in results:
        rate = r["articles"] / r["seconds"]
        rows.append(f"| {name} | {r['articles']:,} | {r['bytes'] / 1e6:.1f} | {r['workers']} | {r['seconds']:.1f} | "
                    f"{rate:,.0f} | {rate / r['workers']:,.0f} | {r['bytes'] / 1e6 / r['seconds'] / r['workers']:.2f} | "
                    f"{r['peak_rss_mb']:.0f} | {base / r['seconds']:.2f}x | {r['seconds'] / floor['seconds']:.0f}x |")
    return rows


HEADER = ("| corpus | articles | MB | workers | seconds | articles/s | articles/s per core | MB/s per core | "
          "peak RSS MB | speed-up | time vs floor |\n|---|---|---|---|---|---|---|---|---|---|---|")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotes.tools.bench")
    p.add_argument("--articles", type=int, default=100_000, help="size of the synthetic corpus")
    p.add_argument("--corpus", action="append", default=[], help="also measure a real corpus (directory or file)")
    p.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--phase", choices=["floor", "build"], help=argparse.SUPPRESS)
    p.add_argument("--stages", metavar="SOURCE", help="only time each stage on SOURCE (us per article)")
    p.add_argument("source", nargs="?", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.source, args.workers)))
        return 0
    if args.stages:
        print("cold: the extraction caches are emptied before each pass (each article and phrase new, as in a build)\n")
        print("| stage | us per article |\n|---|---|")
        print("\n".join(f"| {name} | {us:,.0f} |" for name, us in stage_times(args.stages).items()))
        return 0
    print(f"compiled modules: {', '.join(compiled_modules()) or 'none (plain Python)'}")
    print(f"corpora up to {SHORT_RUN:,} articles: the fastest of 3 runs, and the largest peak memory\n")
    print(HEADER)
    for source in args.corpus:  # real news first: it is what users build
        articles = sum(1 for _ in read_raw([source]))
        print("\n".join(rows_for(Path(source).name, source, [1, 2], articles)), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for size in sorted({args.articles // 10, args.articles}):
            corpus = Path(tmp) / f"synthetic-{size}.jsonl"
            write_corpus(corpus, size)
            print("\n".join(rows_for(f"synthetic {size:,}", str(corpus), [1, 2], size)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
