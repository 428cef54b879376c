"""The HTML review page (rendered in headless Chromium), Label Studio and brat round trips,
and the training exports."""

import base64
import json
import os
import select
import shutil
import subprocess
import time
import unicodedata
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from quotes.cli import main
from quotes.tools.export import import_labelstudio

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    assert main(["review", str(DATA), "--out", str(out)]) == 0
    return out


def test_report_has_index_speakers_and_article_pages(report):
    quotes = pd.read_parquet(DATA / "quotes.parquet")
    pages = list((report / "articles").glob("a-*.html"))
    assert len(pages) == pd.read_parquet(DATA / "articles.parquet").article_id.nunique()
    index = (report / "index.html").read_text("utf-8")
    for chart in ("Quotes by type", "Quotes by cue", "Top speakers", "Quotes per article"):
        assert chart in index
    speakers = (report / "speakers.html").read_text("utf-8")
    assert "Antony Blinken" in speakers and "articles/a-" in speakers
    html = "".join(p.read_text("utf-8") for p in pages)
    assert html.count('class="q"') == (quotes.parent_quote_id.isna()).sum()
    assert 'class="cue"' in html and 'class="badge direct"' in html and "rule cue_before" in html
    rejected = pd.read_parquet(DATA / "rejected.parquet")
    assert html.count('class="legend"') == len(pages) and "Rejected candidates" in html
    assert all(f"<td>{reason}</td>" in html for reason in set(rejected.reason))
    assert speakers.count('href="articles/a-') >= len(quotes)  # every quote, and its article, linked


def test_only_web_urls_become_links(tmp_path, quotes_cli):
    source = tmp_path / "in.jsonl"
    text = "Ông Lê Văn Hùng cho biết đội bóng sẽ tập luyện từ tuần sau."
    source.write_text("\n".join(json.dumps({"id": i, "text": text + " Lần " + str(n), "url": url, "outlet": "Báo Thử"})
                                for n, (i, url) in enumerate([("web", "https://example.org/tin?a=1&b=2"),
                                                              ("js", "javascript:alert(1)")])), "utf-8")
    quotes_cli("build", source, "--out", tmp_path / "out")
    quotes_cli("review", tmp_path / "out", "--out", tmp_path / "report")
    html = "".join(p.read_text("utf-8") for p in (tmp_path / "report" / "articles").glob("*.html"))
    assert '<a href="https://example.org/tin?a=1&amp;b=2"' in html and "Báo Thử" in html
    assert 'href="javascript:' not in html and "javascript:alert(1)" in html  # shown, not linked


def dump_dom(path: Path, profile: Path) -> str:
    result = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", path.as_uri()],
                            capture_output=True, text=True, timeout=120)
    return result.stdout


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (make test installs it)")
def test_report_renders_in_headless_chromium(report, tmp_path):
    index_dom = dump_dom(report / "index.html", tmp_path / "p1")
    assert "Quote review" in index_dom and "<svg" in index_dom
    page = sorted((report / "articles").glob("a-*.html"))[0]
    dom = dump_dom(page, tmp_path / "p2")
    assert 'class="q"' in dom and "badge" in dom
    shot = ROOT / "build" / "review-screenshot.png"
    shot.parent.mkdir(exist_ok=True)
    subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'p3'}", f"--screenshot={shot}",
                    "--window-size=1280,1600", page.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000  # a picture a person can look at


class Browser:
    """Debian's headless Chromium driven over the DevTools protocol on a pipe
    (--remote-debugging-pipe: JSON messages ended by a NUL byte on file descriptors 3 and 4,
    here the child's stdin and stdout): no WebSocket client, no browser download."""

    def __init__(self, profile: Path):
        wiring = 'exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null'
        self.process = subprocess.Popen(["sh", "-c", wiring, CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                                         "--remote-debugging-pipe", "--window-size=1280,1600"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next_id, self.pending, self.session = 0, b"", None
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable")

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        self.process.stdin.write(json.dumps(message).encode() + b"\0")
        self.process.stdin.flush()
        reply = self.wait_for(lambda m: m.get("id") == self.next_id)
        assert "error" not in reply, reply
        return reply["result"]

    def wait_for(self, wanted, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self.pending:
                raw, self.pending = self.pending.split(b"\0", 1)
                message = json.loads(raw)
                if wanted(message):
                    return message
            left = deadline - time.monotonic()
            assert left > 0 and select.select([self.process.stdout], [], [], left)[0], "Chromium did not answer"
            chunk = os.read(self.process.stdout.fileno(), 1 << 16)
            assert chunk, "Chromium closed the pipe"
            self.pending += chunk

    def open(self, path: Path) -> None:
        self.call("Page.navigate", url=path.as_uri())
        self.wait_for(lambda m: m.get("method") == "Page.loadEventFired")

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"]))

    def close(self) -> None:
        try:
            self.call("Browser.close")
        finally:
            self.process.wait(timeout=30)


QUOTES_TABLE = """document.querySelector('table[data-facets="speaker type rule cue band flags"]')"""
QUOTE_ROWS = f"""Array.from({QUOTES_TABLE}.tBodies[0].rows)
  .map(r => [r.textContent + ' ' + (r.dataset.speaker || ''), r.dataset.speaker, r.dataset.type, r.hidden])"""


def plain(text: str) -> str:
    """Lower case without accents, as the search box reads what is typed."""
    return unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")).encode("ascii", "ignore").decode().lower()


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (make test installs it)")
def test_filters_work_when_a_person_types_and_picks_in_chromium(report, tmp_path):
    """Type the most quoted speaker's name without its accents into the index's search box:
    the rows left are those holding every word (all of that speaker's quotes among them); then
    pick a type from the menu: only those of that type stay."""
    quotes = pd.read_parquet(DATA / "quotes.parquet")
    speaker = quotes.speaker.value_counts().index[0]
    browser = Browser(tmp_path / "profile")
    try:
        browser.open(report / "index.html")
        rows = browser.evaluate(QUOTE_ROWS)
        assert len(rows) == len(quotes) and not any(hidden for *_, hidden in rows)
        browser.evaluate(f"var bar = {QUOTES_TABLE}.previousElementSibling; bar.querySelector('input').focus()")
        browser.call("Input.insertText", text=plain(speaker))
        words = plain(speaker).split()
        expected = [i for i, (text, *_) in enumerate(rows) if all(w in plain(text) for w in words)]
        shown = [i for i, (*_, hidden) in enumerate(browser.evaluate(QUOTE_ROWS)) if not hidden]
        assert shown == expected and sum(rows[i][1] == speaker for i in shown) == (quotes.speaker == speaker).sum()
        kind = quotes[quotes.speaker == speaker].quote_type.value_counts().index[0]
        browser.evaluate("var m = bar.querySelector('select[data-facet=type]'); m.focus()")
        browser.evaluate(f"m.value = {json.dumps(kind)}; m.dispatchEvent(new Event('change'))")
        picked = [i for i, (*_, hidden) in enumerate(browser.evaluate(QUOTE_ROWS)) if not hidden]
        assert picked == [i for i in expected if rows[i][2] == kind] and picked
        assert browser.evaluate("bar.querySelector('.count').textContent") == \
            f"{len(picked)} of {len(quotes)} shown"
        browser.evaluate("bar.scrollIntoView()")
        browser.screenshot(ROOT / "build" / "review-filtered.png")
        browser.evaluate(f"{QUOTES_TABLE}.querySelectorAll('th')[1].click()")  # sorting keeps the filter
        assert sum(not hidden for *_, hidden in browser.evaluate(QUOTE_ROWS)) == len(picked)
    finally:
        browser.close()
    assert (ROOT / "build" / "review-filtered.png").stat().st_size > 10_000


def test_labelstudio_round_trip_reproduces_the_quotes(tmp_path, quotes_cli):
    quotes_cli("export", DATA, "--format", "labelstudio", "--out", tmp_path)
    config = (tmp_path / "labelstudio-config.xml").read_text("utf-8")
    assert "<Relation value=\"said_by\"/>" in config and "QUOTE_MIXED" in config
    tasks = json.loads((tmp_path / "labelstudio-tasks.json").read_text("utf-8"))
    # What Label Studio exports after a reviewer accepts the pre-annotations unchanged.
    exported = [{**t, "annotations": [{"result": t["predictions"][0]["result"]}]} for t in tasks]
    (tmp_path / "export.json").write_text(json.dumps(exported, ensure_ascii=False), "utf-8")
    gold = import_labelstudio(tmp_path / "export.json")
    quotes = pd.read_parquet(DATA / "quotes.parquet")
    assert [(g["article_id"], g["start"], g["end"], g["type"], g["speaker"]) for g in gold] == \
        list(quotes[["article_id", "start", "end", "quote_type", "speaker"]].itertuples(index=False, name=None))
    quotes_cli("import-labelstudio", tmp_path / "export.json", "--out", tmp_path / "gold.jsonl")
    table = quotes_cli("eval", tmp_path / "gold.jsonl", DATA).stdout
    assert f"| all | {len(quotes)} | {len(quotes)} | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 |" in table


def test_a_correction_in_label_studio_becomes_gold(tmp_path, quotes_cli):
    quotes_cli("export", DATA, "--format", "labelstudio", "--out", tmp_path)
    tasks = json.loads((tmp_path / "labelstudio-tasks.json").read_text("utf-8"))
    result = tasks[0]["predictions"][0]["result"]
    area = next(r for r in result if r["type"] == "textarea")
    area["value"]["text"] = ["Người sửa"]
    tasks[0]["annotations"] = [{"result": result}]
    (tmp_path / "export.json").write_text(json.dumps(tasks, ensure_ascii=False), "utf-8")
    gold = import_labelstudio(tmp_path / "export.json")
    assert "Người sửa" in {g["speaker"] for g in gold}


def test_brat_standoff_offsets_match_the_text(tmp_path, quotes_cli):
    quotes_cli("export", DATA, "--format", "brat", "--out", tmp_path)
    assert "SaidBy" in (tmp_path / "annotation.conf").read_text("utf-8")
    quotes = 0
    for ann in tmp_path.glob("*.ann"):
        text = ann.with_suffix(".txt").read_text("utf-8")
        for line in ann.read_text("utf-8").splitlines():
            if line.startswith("T"):
                _, kind_span, covered = line.split("\t")
                kind, start, end = kind_span.split()
                assert text[int(start):int(end)].replace("\n", " ") == covered
                quotes += kind == "Quote"
    assert quotes == len(pd.read_parquet(DATA / "quotes.parquet").drop_duplicates(["article_id", "start", "end"]))
    index = pd.read_csv(tmp_path / "index.tsv", sep="\t", dtype=str)
    articles = pd.read_parquet(DATA / "articles.parquet")
    assert sorted(index.article_id) == sorted(articles.article_id)
    assert all((tmp_path / f"{name}.ann").exists() for name in index.file)


def test_training_exports_keep_the_article_splits(tmp_path, quotes_cli):
    quotes_cli("export", DATA, "--format", "spans", "--out", tmp_path / "spans")
    quotes_cli("export", DATA, "--format", "bio", "--out", tmp_path / "bio")
    split_of = pd.read_parquet(DATA / "articles.parquet").set_index("article_id").split.to_dict()
    texts = pd.read_parquet(DATA / "articles.parquet").set_index("article_id").text.to_dict()
    pairs = [json.loads(line) for f in (tmp_path / "spans").glob("*.jsonl") for line in f.read_text("utf-8").splitlines()]
    assert len(pairs) == len(pd.read_parquet(DATA / "quotes.parquet"))
    for row in pairs:
        assert row["split"] == split_of[row["article_id"]]
        window = row["window"]["text"]
        assert window == texts[row["article_id"]][row["window"]["start"]:row["window"]["end"]]
        assert window[row["quote"]["start"]:row["quote"]["end"]] == row["quote"]["text"]
        for c in row["candidates"]:
            assert window[c["start"]:c["end"]] == c["text"]
    with_speaker = [r for r in pairs if any(c["is_speaker"] for c in r["candidates"])]
    assert len(with_speaker) >= 0.9 * len(pairs)
    sentences = [json.loads(line) for f in (tmp_path / "bio").glob("*.jsonl") for line in f.read_text("utf-8").splitlines()]
    tags = {t for s in sentences for t in s["tags"]}
    assert {"B-QUOTE", "I-QUOTE", "B-SPEAKER", "O"} <= tags
    for s in sentences:
        assert len(s["tokens"]) == len(s["tags"]) and s["split"] == split_of[s["article_id"]]
        for previous, tag in zip(["O"] + s["tags"], s["tags"]):
            assert not tag.startswith("I-") or previous[2:] == tag[2:]


# Real exports of Label Studio 1.23.2 of the seed tasks (imported with the exported config):
# nobody touched the tasks of the first; in the second they were submitted, one speaker corrected.
LABEL_STUDIO = Path(__file__).parent / "fixtures" / "labelstudio-1.23"


def test_a_real_untouched_export_needs_the_tasks_file_and_says_so(tmp_path, quotes_cli):
    result = quotes_cli("import-labelstudio", LABEL_STUDIO / "export-untouched.json", "--out", tmp_path / "g.jsonl",
                        check=False)
    assert result.returncode == 2 and "--tasks" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_real_untouched_export_imports_through_its_tasks_file(tmp_path, quotes_cli):
    quotes_cli("export", DATA, "--format", "labelstudio", "--out", tmp_path)
    quotes_cli("import-labelstudio", LABEL_STUDIO / "export-untouched.json", "--tasks", tmp_path / "labelstudio-tasks.json",
               "--out", tmp_path / "gold.jsonl")
    gold = [json.loads(line) for line in (tmp_path / "gold.jsonl").read_text("utf-8").splitlines()]
    quotes = pq.read_table(DATA / "quotes.parquet").to_pylist()
    assert sorted((g["article_id"], g["start"], g["end"], g["speaker"]) for g in gold) == \
        sorted((q["article_id"], q["start"], q["end"], q["speaker"]) for q in quotes)


def test_a_real_annotated_export_gives_gold_with_the_correction(tmp_path, quotes_cli):
    quotes_cli("import-labelstudio", LABEL_STUDIO / "export-annotated.json", "--out", tmp_path / "gold.jsonl")
    gold = {(g["article_id"], g["start"], g["end"]): g for g in map(json.loads, (tmp_path / "gold.jsonl").read_text("utf-8").splitlines())}
    assert len(gold) == 74  # the seed quotes of the release the tasks were made from (v1.0.0)
    assert gold[("000_1a3755d6c47265a5", 157, 201)]["speaker"] == "Người sửa"  # corrected by hand in Label Studio


def test_review_escapes_every_column_of_a_crafted_dataset(tmp_path, quotes_cli):
    """A dataset from someone else: markup in ids, types and rules must stay text."""
    crafted = tmp_path / "crafted"
    shutil.copytree(DATA, crafted, ignore=shutil.ignore_patterns("releases", "gold"))
    table = pq.read_table(crafted / "quotes.parquet")
    evil = "<script>alert(1)</script>"
    for column in ("quote_id", "quote_type", "rule", "speaker_type"):
        table = table.set_column(table.schema.get_field_index(column), column,
                                 pa.array([evil] * table.num_rows, table.schema.field(column).type))
    pq.write_table(table, crafted / "quotes.parquet")
    quotes_cli("review", crafted, "--out", tmp_path / "report")
    pages = list((tmp_path / "report").rglob("*.html"))
    assert pages and not any("<script>alert" in page.read_text("utf-8") for page in pages)
