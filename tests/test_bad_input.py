"""Bad input never crashes a build or loses an article; outputs are safe to open."""

import codecs
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotes.dataset import read
from quotes.dataset.build import build
from quotes.dataset.read import decode_bytes, make_article
from quotes.dataset.write import csv_table
from quotes.extraction.pipeline import extract_article

ROOT = Path(__file__).resolve().parent.parent
GOOD = "Ông Trịnh Văn Hải cho biết nhà máy sẽ tuyển thêm 200 công nhân."


@pytest.fixture
def dirty(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "utf8.txt").write_text("Tuyển dụng\n\n" + GOOD, "utf-8")
    (folder / "bom.txt").write_bytes(codecs.BOM_UTF8 + ("Có BOM\n\n" + GOOD).encode("utf-8"))
    (folder / "utf16.txt").write_bytes(("Bản UTF-16\n\n" + GOOD).encode("utf-16"))
    (folder / "cp1258.txt").write_bytes(("Bản cũ\n\n" + GOOD).encode("cp1258", errors="strict") if _cp1258_ok() else b"")
    (folder / "crlf.txt").write_bytes(("Dòng Windows\r\n\r\n" + GOOD + "\r\n").encode("utf-8"))
    (folder / "nfd.txt").write_text(unicodedata.normalize("NFD", "Dạng NFD\n\n" + GOOD), "utf-8")
    (folder / "empty.txt").write_text("   \n\n", "utf-8")
    (folder / "vni.txt").write_bytes(b"\x81\x8d\x8f\x90\x9d" * 40)
    lines = [json.dumps({"id": "j1", "text": GOOD}, ensure_ascii=False),
             '{"id": "j2", "text": "thiếu ngoặc"',
             json.dumps({"id": "j3", "title": "không có nội dung"}, ensure_ascii=False),
             json.dumps(["not", "an", "object"]),
             json.dumps({"id": "j4", "text": "Bà Lý Thu Cúc nói: &quot;Chợ mở cửa lại&quot; <b>từ mai</b>.\u0007"},
                        ensure_ascii=False)]
    (folder / "news.jsonl").write_text("\n".join(lines), "utf-8")
    old = {"id": "u16", "text": "Bà Đoàn Thị Lụa cho biết hợp tác xã đã thu hoạch xong lúa."}
    (folder / "old.jsonl").write_bytes(json.dumps(old, ensure_ascii=False).encode("utf-16"))
    return folder


def _cp1258_ok() -> bool:
    try:
        ("Bản cũ\n\n" + GOOD).encode("cp1258")
        return True
    except UnicodeEncodeError:
        return False


def test_every_input_article_is_accounted_for(dirty, tmp_path, quotes_cli):
    result = quotes_cli("build", dirty, "--out", tmp_path / "out", check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    articles = pd.read_parquet(tmp_path / "out" / "articles.parquet").set_index("article_id")
    assert len(articles) == 14 and articles.status["u16"] == "ok"  # a UTF-16 JSONL file, found by its BOM
    status = articles.status.to_dict()
    assert {k: status[k] for k in ("utf8", "bom", "utf16", "crlf", "nfd", "j1", "j4")} == dict.fromkeys(
        ("utf8", "bom", "utf16", "crlf", "nfd", "j1", "j4"), "ok")
    assert status["empty"] == "empty" and status["vni"] == "undecodable"
    assert status["news-2"] == "malformed" and "news.jsonl: line 2: malformed JSON" in articles.status_reason["news-2"]
    assert status["j3"] == "malformed" and "line 3: has no 'text'" in articles.status_reason["j3"]
    assert status["news-4"] == "malformed" and "not a JSON object" in articles.status_reason["news-4"]
    assert "undecodable" in result.stderr and "malformed" in result.stderr  # the summary names what was skipped
    if _cp1258_ok():
        assert status["cp1258"] == "ok" and "decoded_cp1258" in articles.normalise_steps["cp1258"]
    assert "decoded_utf_16" in articles.normalise_steps["utf16"]
    quotes = pd.read_parquet(tmp_path / "out" / "quotes.parquet")
    texts = articles.text.to_dict()
    for row in quotes.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.quote
    j4 = quotes[quotes.article_id == "j4"]
    assert texts["j4"] == "Bà Lý Thu Cúc nói: \"Chợ mở cửa lại\" từ mai."  # entities, tags, control chars repaired
    assert list(j4.quote) == ['"Chợ mở cửa lại" từ mai'] and list(j4.quote_type) == ["mixed"]


def test_strict_and_nothing_readable_exit_non_zero(dirty, tmp_path, quotes_cli):
    assert quotes_cli("build", dirty, "--out", tmp_path / "a", "--strict", check=False).returncode == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n[1]\n", "utf-8")
    result = quotes_cli("build", bad, "--out", tmp_path / "b", check=False)
    assert result.returncode == 1 and "no article could be read" in result.stderr


def test_wrong_path_is_one_line_not_a_traceback(tmp_path):
    """The real entry point, `python -m quotes`: the process's exit code and all it prints."""
    result = subprocess.run([sys.executable, "-m", "quotes", "build", str(tmp_path / "missing"), "--out",
                             str(tmp_path / "o")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"quotes: error: {tmp_path / 'missing'}: no such file or directory"]


def test_same_text_under_two_ids_is_kept_once(tmp_path):
    records = [{"id": "x1", "text": GOOD}, {"id": "x2", "text": GOOD}]
    source = tmp_path / "dup.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    build([str(source)], tmp_path / "out", workers=1)
    articles = pq.read_table(tmp_path / "out" / "articles.parquet").to_pylist()
    assert [(a["article_id"], a["status"], a["status_reason"]) for a in articles] == [
        ("x1", "ok", ""), ("x2", "duplicate", "same text as article x1")]
    assert [q["article_id"] for q in pq.read_table(tmp_path / "out" / "quotes.parquet").to_pylist()] == ["x1"]


def test_the_same_quote_in_several_articles_is_linked(tmp_path):
    texts = [GOOD + " Thị trường sôi động.", "Tin nhanh.\n" + GOOD, "Ông Phan Quốc Dũng nói giá điện sẽ không tăng."]
    source = tmp_path / "q.jsonl"
    source.write_text("\n".join(json.dumps({"id": f"a{i}", "text": t}, ensure_ascii=False) for i, t in enumerate(texts)),
                      "utf-8")
    build([str(source)], tmp_path / "out", workers=1)
    quotes = pd.read_parquet(tmp_path / "out" / "quotes.parquet")
    shared = quotes[quotes.quote == "nhà máy sẽ tuyển thêm 200 công nhân"]
    assert len(shared) == 2 and shared.quote_cluster.nunique() == 1 and set(shared.occurrences) == {2}
    assert set(quotes[quotes.article_id == "a2"].occurrences) == {1}


def test_too_large_article_is_kept_with_a_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_CHARS", 1000)
    source = tmp_path / "big.jsonl"
    source.write_text(json.dumps({"id": "big", "text": GOOD * 100}, ensure_ascii=False), "utf-8")
    report = build([str(source)], tmp_path / "out", workers=1)
    assert report.not_ok == {"too_large": 1}
    row = pq.read_table(tmp_path / "out" / "articles.parquet").to_pylist()[0]
    assert row["status"] == "too_large" and "limit is 1,000" in row["status_reason"]


def test_hostile_input_finishes(tmp_path):
    """Marks everywhere, unbalanced and deeply nested, and one very long line: the build ends."""
    hostile = ['"' * 100_000, "“ông nói " * 20_000, "Ông An nói: " + "“‘" * 20_000 + "x" + "’”" * 20_000,
               ("Bà Mai cho biết giá gạo tăng mạnh. “Đúng vậy”, bà Mai nói. " * 4_000),
               "Ông Tư nói “" * 2_000_000]  # 20 MB on one line
    source = tmp_path / "hostile.jsonl"
    source.write_text("\n".join(json.dumps({"id": f"h{i}", "text": t}, ensure_ascii=False)
                                for i, t in enumerate(hostile)), "utf-8")
    report = build([str(source)], tmp_path / "out", workers=1)
    assert report.ok == 4 and report.not_ok == {"too_large": 1}
    quotes = pd.read_parquet(tmp_path / "out" / "quotes.parquet")
    assert (quotes.article_id == "h3").sum() == 8_000


def test_csv_cells_that_look_like_formulas_are_neutralised_in_csv_only(tmp_path):
    text = "Ông Lê Minh Khoa nói: “=HYPERLINK(\"http://x\") là một trò đùa”."
    source = tmp_path / "f.jsonl"
    source.write_text(json.dumps({"id": "@evil", "title": "+1 tin mới", "text": text}, ensure_ascii=False), "utf-8")
    build([str(source)], tmp_path / "out", workers=1)
    parquet = pq.read_table(tmp_path / "out" / "quotes.parquet").to_pylist()
    assert parquet[0]["quote"].startswith("=HYPERLINK") and parquet[0]["article_id"] == "@evil"
    csv = pd.read_csv(tmp_path / "out" / "quotes.csv", dtype=str, keep_default_na=False)
    assert csv.quote[0].startswith("'=HYPERLINK") and csv.article_id[0] == "'@evil"
    articles = pd.read_csv(tmp_path / "out" / "articles.csv", dtype=str, keep_default_na=False)
    assert articles.title[0] == "'+1 tin mới"


def test_csv_joins_list_cells_and_neutralises_any_cell():
    table = pa.table({"names": [["a", "b"], [], ["=x", "y"]], "note": ["ok", None, "plain"], "n": [1, 2, 3]})
    csv = csv_table(table)
    assert csv.column("names").to_pylist() == ["a|b", "", "'=x|y"]
    spaced = csv_table(pa.table({"cell": [" =1+1", "\n@SUM(A1)", " plain", "a=b"]})).column("cell").to_pylist()
    assert spaced == ["' =1+1", "'\n@SUM(A1)", " plain", "a=b"]  # a spreadsheet skips the space or break
    assert csv.column("note").to_pylist() == ["ok", None, "plain"] and csv.column("n").to_pylist() == [1, 2, 3]
    assert csv.schema.field("names").type == pa.string()


def test_identifiers_never_become_paths(tmp_path):
    """Article ids go into rows only; shard and output file names come from the build itself."""
    source = tmp_path / "ids.jsonl"
    source.write_text(json.dumps({"id": "../../etc/passwd", "text": GOOD}, ensure_ascii=False), "utf-8")
    build([str(source)], tmp_path / "out", workers=1)
    made = {p.name for p in (tmp_path / "out").rglob("*")}
    assert made == {f"{t}.{s}" for t in ("articles", "quotes", "speakers", "rejected") for s in ("parquet", "csv")}
    assert not (tmp_path / "etc").exists()


def test_legacy_font_encodings_are_reported_not_guessed():
    text, encoding, problem = decode_bytes(b"Vi\xd6\xe4t Nam \xa5\xb9\x81\x8d")
    assert text == "" and "legacy font encoding" in problem


VIETNAMESE = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
                               "ABĐÔƠƯ \n,.:;!?-–\"“”‘’«»'()", max_size=300)
SEED_TEXT = (ROOT / "seeds" / "000_1a3755d6c47265a5.txt").read_text("utf-8")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(SEED_TEXT)), st.integers(0, 40), VIETNAMESE), max_size=6),
       st.booleans())
def test_mutated_news_text_never_breaks_an_invariant(mutations, nfd):
    """Real text, cut, spliced with random Vietnamese and marks, NFC or NFD."""
    text = SEED_TEXT
    for position, length, insert in mutations:
        text = text[:position] + insert + text[position + length:]
    if nfd:
        text = unicodedata.normalize("NFD", text)
    article = make_article("m", text, "m.txt")
    quotes, rejected = extract_article(article)
    for q in quotes:
        assert article.text[q.start:q.end] == q.quote
    for r in rejected:
        assert article.text[r.start:r.end] == r.text
    again, _ = extract_article(make_article("m", text, "m.txt"))
    assert [(q.quote_id, q.speaker, q.quote_type) for q in again] == [(q.quote_id, q.speaker, q.quote_type) for q in quotes]


def test_ids_that_are_neither_strings_nor_integers_are_malformed(tmp_path):
    """1e400 would read as inf, NaN as nan and an object as its repr: no canonical id."""
    source = tmp_path / "ids.jsonl"
    source.write_text('{"id": 1e400, "text": "Ông Lê Văn An cho biết giá lúa tăng."}\n'
                      '{"id": NaN, "text": "Ông Lê Văn An cho biết giá lúa tăng mạnh."}\n'
                      '{"id": {"k": 1}, "text": "Ông Lê Văn An cho biết giá lúa tăng nhẹ."}\n'
                      '{"id": 7, "text": "Ông Lê Văn An cho biết giá lúa giảm."}\n', "utf-8")
    records = list(read.read_raw([source]))
    assert [r.status for r in records] == ["malformed", "malformed", "malformed", "ok"]
    assert records[3].article_id == "7" and "'id' is not a string or an integer" in records[0].status_reason
