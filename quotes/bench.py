"""`make bench`: extraction speed against a floor, on a synthetic corpus (and the baomoi corpus
when ../shared is there).

The floor reads the same texts, NFC-normalises them and makes one regex pass: no extractor can
be faster than that, so the ratio says how much the rules cost. Each phase runs in its own
process so its peak RSS is its own.

    python -m quotes.bench [--articles N] [--corpus DIR]
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
from pathlib import Path

import regex

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


def texts_of(source: str) -> list[str]:
    from quotes.read import read_articles

    return [a.text for a in read_articles([source])]


def run_phase(phase: str, source: str) -> dict:
    """Time one phase over the source; returns seconds, articles, bytes and peak RSS (MB)."""
    if phase == "floor":
        started = time.perf_counter()
        paths = [source] if Path(source).is_file() else sorted(Path(source).rglob("*.txt"))
        articles = size = 0
        for path in paths:
            for text in _raw_texts(Path(path)):
                text = unicodedata.normalize("NFC", text)
                FLOOR_PATTERN.findall(text)
                articles += 1
                size += len(text.encode("utf-8"))
    else:
        from quotes.build import process_batch
        from quotes.read import read_articles

        started = time.perf_counter()
        articles = size = 0
        for article in read_articles([source]):
            process_batch([article])
            articles += 1
            size += len(article.text.encode("utf-8"))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"phase": phase, "seconds": seconds, "articles": articles, "bytes": size, "peak_rss_mb": peak}


def _raw_texts(path: Path):
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                yield json.loads(line)["text"]
    else:
        yield path.read_text(encoding="utf-8", errors="replace")


def measure(source: str) -> dict[str, dict]:
    results = {}
    for phase in ("floor", "build"):
        out = subprocess.run([sys.executable, "-m", "quotes.bench", "--phase", phase, source],
                             capture_output=True, text=True, check=True)
        results[phase] = json.loads(out.stdout)
    return results


def report(name: str, results: dict[str, dict]) -> str:
    build, floor = results["build"], results["floor"]
    rate = build["articles"] / build["seconds"]
    mb_rate = build["bytes"] / 1e6 / build["seconds"]
    return (f"| {name} | {build['articles']} | {build['bytes'] / 1e6:.1f} | {rate:,.0f} | {mb_rate:.2f} | "
            f"{build['peak_rss_mb']:.0f} | {floor['articles'] / floor['seconds']:,.0f} | "
            f"{build['seconds'] / floor['seconds']:.1f}x |")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotes.bench")
    p.add_argument("--articles", type=int, default=5000, help="size of the synthetic corpus")
    p.add_argument("--corpus", action="append", default=[], help="also measure a real corpus (directory or file)")
    p.add_argument("--phase", choices=["floor", "build"], help=argparse.SUPPRESS)
    p.add_argument("source", nargs="?", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.source)))
        return 0
    print("| corpus | articles | MB | articles/s (1 core) | MB/s | peak RSS MB | floor articles/s | time vs floor |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "synthetic.jsonl"
        write_corpus(corpus, args.articles)
        print(report(f"synthetic ({args.articles})", measure(str(corpus))))
    for source in args.corpus:
        print(report(Path(source).name, measure(source)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
