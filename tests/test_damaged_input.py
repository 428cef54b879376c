"""Damaged and hostile files: every record that can be read is kept, the damage becomes a row
with a reason, memory stays bounded, and nothing outside the input is read."""

import csv
import gzip
import io
import json
import random
import subprocess
import sys
import zlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotes.dataset import read
from quotes.dataset.build import build
from quotes.errors import InputError


def said(n: int) -> dict:
    return {"id": f"r{n}", "text": f"Bà Phan Thị Ngọc cho biết hợp tác xã số {n} đã gặt xong lúa."}


def jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def statuses(tmp_path: Path, *sources: Path) -> dict[str, tuple[str, str]]:
    """Build the sources; each article id with its status and reason."""
    build([str(s) for s in sources], tmp_path / "out", workers=1)
    rows = pq.read_table(tmp_path / "out" / "articles.parquet").to_pylist()
    return {row["article_id"]: (row["status"], row["status_reason"]) for row in rows}


# -- compressed files cut short ----------------------------------------------------------------

def test_a_cut_gzip_keeps_the_lines_before_the_damage_and_the_files_beside_it(tmp_path):
    whole = gzip.compress(jsonl([said(n) for n in range(3000)]))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    beside = tmp_path / "beside.jsonl"
    beside.write_bytes(jsonl([said(9000)]))
    found = statuses(tmp_path, cut, beside)
    kept = [i for i, (status, _) in found.items() if status == "ok" and i.startswith("r") and i != "r9000"]
    assert len(kept) > 1000 and found["r9000"][0] == "ok"
    damaged = [(i, reason) for i, (status, reason) in found.items() if status == "unreadable"]
    assert len(damaged) == 1
    article_id, reason = damaged[0]
    line = len(kept) + 1
    assert article_id == f"cut.jsonl-{line}" and reason.startswith(f"cut.jsonl.gz: line {line}: cannot be read")


def test_a_cut_zstd_keeps_the_lines_before_the_damage(tmp_path):
    """pyarrow reads a compressed stream in chunks of 64 KB and loses the chunk it fails in: the
    file has several, as any file worth cutting has (one of fewer is unreadable as a whole)."""
    noise = random.Random(0)
    records = [{**said(n), "text": said(n)["text"] + " Mã " + noise.randbytes(24).hex()} for n in range(8000)]
    path = tmp_path / "cut.jsonl.zst"
    with pa.output_stream(str(path), compression="zstd") as out:
        out.write(jsonl(records))
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    found = statuses(tmp_path, path)
    assert sum(status == "ok" for status, _ in found.values()) > 1000
    assert [s for s, _ in found.values()].count("unreadable") == 1


# -- records a parser refuses ------------------------------------------------------------------

def test_huge_numbers_and_deep_nesting_are_malformed_lines(tmp_path):
    source = tmp_path / "odd.jsonl"
    source.write_bytes(jsonl([said(1)]) + b'{"id": "n", "views": ' + b"7" * 5000 + b', "text": "x"}\n'
                       + b'{"id": "d", "text": ' + b"[" * 200_000 + b"]" * 200_000 + b"}\n" + jsonl([said(2)]))
    found = statuses(tmp_path, source)
    assert found["r1"][0] == found["r2"][0] == "ok"
    assert found["odd-2"] == ("malformed", "odd.jsonl: line 2: malformed JSON (Exceeds the limit (4300 digits) "
                                           "for integer string conversion: value has 5000 digits)")
    assert found["odd-3"][0] == "malformed" and "recursion" in found["odd-3"][1]


def test_csv_rows_that_do_not_parse_are_malformed_and_the_others_kept(tmp_path):
    source = tmp_path / "rows.csv"
    source.write_text('id,title,text,published\n'
                      'c1,67890,12345,2021-03-04T10:00:00+07:00\n'
                      'c2,Tin,"Ông Hồ Văn Tám nói ""sẽ làm"" ngay",\n'
                      'c3,Tin,"a stray" quote,\n'
                      'c4,Tin,one cell too many,x,y\n'
                      '\n'
                      'c5,Tin,"Bà Mai cho biết',  # a quote left open to the end of the file
                      "utf-8")
    found = statuses(tmp_path, source)
    articles = {r["article_id"]: r for r in pq.read_table(tmp_path / "out" / "articles.parquet").to_pylist()}
    assert articles["c1"]["title"] == "67890" and articles["c1"]["text"] == "12345"
    assert articles["c1"]["published"] == "2021-03-04T10:00:00+07:00"  # as written, not moved to UTC
    assert found["c2"][0] == "ok" and articles["c2"]["text"] == 'Ông Hồ Văn Tám nói "sẽ làm" ngay'
    assert found["rows-3"] == ("malformed", "rows.csv: lines 4-4: ',' expected after '\"'")
    assert found["rows-4"] == ("malformed", "rows.csv: line 5: 5 cells, the header has 4")
    assert found["rows-5"] == ("malformed", "rows.csv: lines 7-7: unexpected end of data")


# -- sizes -------------------------------------------------------------------------------------

def test_a_gzip_bomb_and_a_huge_line_keep_memory_bounded(tmp_path):
    """512 MB of zeros (half a megabyte compressed) and a 40 MB line: each becomes one too_large
    row, the records around them are read, and the build stays far below their size."""
    bomb = tmp_path / "bomb.jsonl.gz"
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    with bomb.open("wb") as out:
        out.write(packer.compress(jsonl([said(1)])))
        zeros = bytes(1 << 24)
        for _ in range(32):
            out.write(packer.compress(zeros))
        out.write(packer.compress(b"\n" + jsonl([said(2)])))
        out.write(packer.flush())
    long = tmp_path / "long.jsonl"
    long.write_bytes(b'{"id": "long", "text": "' + b"a" * 40_000_000 + b'"}\n' + jsonl([said(3)]))
    # the peak of the build process alone: a fresh interpreter whose only child is the build
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    quotes = str(Path(sys.executable).with_name("quotes"))
    result = subprocess.run([sys.executable, "-c", probe, quotes, "build", str(bomb), str(long), "--out",
                             str(tmp_path / "out"), "--workers", "1"], capture_output=True, text=True, check=True)
    peak_mb = int(result.stdout.split()[-1]) / 1024
    assert peak_mb < 300, f"peak {peak_mb:.0f} MB"
    rows = {r["article_id"]: r["status"] for r in pq.read_table(tmp_path / "out" / "articles.parquet").to_pylist()}
    assert rows == {"r1": "ok", "bomb.jsonl-2": "too_large", "r2": "ok", "long-1": "too_large", "r3": "ok"}


def test_runs_of_blank_lines_are_skipped_and_still_counted(tmp_path):
    """A gzip bomb of newlines is skipped a run at a time; the lines after it keep their numbers."""
    source = tmp_path / "gaps.jsonl.gz"
    source.write_bytes(gzip.compress(jsonl([said(1)]) + b"\n" * 100_000 + b"  \t \n\r\n" + b"not json\n"
                                     + jsonl([said(2)])))
    records = list(read.read_raw([source]))
    assert [r.article_id for r in records] == ["r1", "gaps.jsonl-100004", "r2"]
    assert records[1].status_reason.startswith("gaps.jsonl.gz: line 100004: malformed JSON")


def test_a_txt_file_past_the_limit_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_CHARS", 1000)
    (tmp_path / "big.txt").write_bytes(b"x" * 5000)
    [record] = read.read_raw([tmp_path])
    assert record.status == "too_large" and record.content == ""
    assert record.status_reason == "big.txt: 5,000 bytes (the limit is 4,000); not read"


# -- encodings ---------------------------------------------------------------------------------

def test_one_bad_byte_in_utf8_is_replaced_and_said_not_read_as_another_encoding(tmp_path):
    text = "Tin mới\n\nÔng Đỗ Quang Vinh cho biết cầu sẽ thông xe trước Tết, các đội đã làm cả đêm. " * 5
    data = text.encode("utf-8")
    (tmp_path / "one.txt").write_bytes(data[:60] + b"\xff" + data[60:])
    source = tmp_path / "one.jsonl"
    source.write_bytes(jsonl([{"id": "j", "text": "Bà Lụa nói chợ mở"}]).replace("chợ".encode(), b"ch\xff"))
    build([str(tmp_path / "one.txt"), str(source)], tmp_path / "out", workers=1)
    rows = {r["article_id"]: r for r in pq.read_table(tmp_path / "out" / "articles.parquet").to_pylist()}
    for article_id in ("one", "j"):
        row = rows[article_id]
        assert row["status"] == "ok" and "replaced_undecodable_bytes" in row["normalise_steps"]
        first = row["text"].index("\ufffd")
        assert row["status_reason"].endswith(f"1 undecodable byte sequence replaced by U+FFFD (the first at character {first})")
    assert "Đỗ Quang Vinh" in rows["one"]["text"]  # read as UTF-8, not as Windows-1258


def test_utf16_jsonl_without_a_byte_order_mark_is_read_by_its_zero_bytes(tmp_path):
    for order in ("utf-16-le", "utf-16-be"):
        source = tmp_path / f"{order}.jsonl"
        source.write_bytes(jsonl([said(n) for n in range(3)]).decode("utf-8").encode(order))
        records = list(read.read_raw([source]))
        assert [(r.article_id, r.status) for r in records] == [("r0", "ok"), ("r1", "ok"), ("r2", "ok")]


# -- links -------------------------------------------------------------------------------------

def test_a_link_out_of_the_input_folder_is_not_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Mật khẩu: hunter2", "utf-8")
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("Tin\n\nÔng Vũ Đức Long cho biết trường sẽ mở thêm lớp.", "utf-8")
    (folder / "leak.txt").symlink_to(secret)
    (folder / "same.txt").symlink_to(folder / "a.txt")  # a link inside the folder is read
    records = {r.article_id: r for r in read.read_raw([folder])}
    assert records["leak"].status == "unreadable" and records["leak"].content == ""
    assert "outside the input folder; not followed" in records["leak"].status_reason
    assert records["same"].status == "ok" and records["a"].status == "ok"
    assert [r.article_id for r in read.read_raw([folder / "leak.txt"])] == ["leak"]  # named: read


# -- fuzz: readers never raise and account for every record ------------------------------------

LINE = st.one_of(st.builds(lambda i, t: json.dumps({"id": i, "text": t}), st.integers(0, 50), st.text(max_size=40)),
                 st.binary(max_size=40).filter(lambda b: b"\n" not in b and b"\r" not in b))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(LINE, max_size=12), st.sampled_from(["jsonl", "jsonl.gz", "jsonl.zst"]), st.integers(0, 2_000))
def test_fuzz_jsonl_readers_never_raise_and_count_every_line(tmp_path, lines, kind, cut):
    """Valid lines and garbage, plain or compressed, gzip cut anywhere: every record read
    becomes an article; with no garbage and no cut, one record a line."""
    data = b"\n".join(line.encode("utf-8") if isinstance(line, str) else line for line in lines)
    path = tmp_path / f"fuzz.{kind}"
    if kind == "jsonl.zst":
        with pa.output_stream(str(path), compression="zstd") as out:
            out.write(data)
    else:
        packed = gzip.compress(data) if kind == "jsonl.gz" else data
        cut = cut if kind == "jsonl.gz" and cut < len(packed) else 0
        path.write_bytes(packed[: cut or None])
    try:
        records = list(read.read_raw([path]))
    except InputError:  # cut before its first line: nothing in it can be read
        assert cut
        return
    for record in records:
        read.to_article(record)
    if not cut and all(isinstance(line, str) for line in lines):
        assert len(records) == len(lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.text(max_size=20), st.text(max_size=60)), max_size=10),
       st.binary(max_size=60), st.integers(0, 200))
def test_fuzz_csv_reader_never_raises_and_keeps_every_written_row(tmp_path, rows, garbage, at):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "text"])
    writer.writerows(rows)
    path = tmp_path / "fuzz.csv"
    path.write_text(buffer.getvalue(), "utf-8", newline="")
    records = list(read.read_raw([path]))
    assert len(records) == len(rows)
    assert all(r.status == "ok" and r.content == text for r, (_, text) in zip(records, rows))
    data = path.read_bytes()
    at += len(b"id,text\r\n")  # a header without 'text' makes the whole file unreadable, as it should
    path.write_bytes(data[:at] + garbage + data[at:])
    for record in read.read_raw([path]):
        read.to_article(record)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.fixed_dictionaries({"id": st.one_of(st.none(), st.text(max_size=8), st.integers()),
                                       "text": st.one_of(st.none(), st.text(max_size=40))}), max_size=10))
def test_fuzz_parquet_reader_accounts_for_every_row(tmp_path, rows):
    path = tmp_path / "fuzz.parquet"
    pq.write_table(pa.table({"id": pa.array([None if r["id"] is None else str(r["id"]) for r in rows], pa.string()),
                             "text": pa.array([r["text"] for r in rows], pa.string())}), path)
    records = list(read.read_raw([path]))
    assert len(records) == len(rows)
    assert [r.status == "ok" for r in records] == [r["text"] is not None for r in rows]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(LINE, max_size=8), st.binary(max_size=80), st.integers(0, 500))
def test_fuzz_a_whole_build_never_raises_and_keeps_a_row_per_record(tmp_path_factory, lines, garbage, cut):
    """The whole build (readers, workers, shards, merge, writers) over a folder of fuzzed files:
    it finishes, and the articles table has one row for every record the readers yield."""
    folder = tmp_path_factory.mktemp("fuzz")
    data = b"\n".join(line.encode("utf-8") if isinstance(line, str) else line for line in lines)
    (folder / "a.jsonl").write_bytes(data)
    (folder / "b.jsonl.gz").write_bytes(gzip.compress(data + b"\n" + garbage)[: cut or None] if cut > 20 else
                                        gzip.compress(data))
    (folder / "c.csv").write_bytes(b"id,text\n" + garbage.replace(b",", b";") + b",x\n")
    (folder / "d.txt").write_bytes(garbage)
    try:
        expected = len(list(read.read_raw([folder])))
    except InputError:  # the gzip file cut before its first line: the build says so, exit 2
        return
    out = tmp_path_factory.mktemp("out")
    build([str(folder)], out, workers=1)
    assert pq.read_metadata(out / "articles.parquet").num_rows == expected


def test_a_short_utf8_file_with_nul_characters_is_not_taken_for_utf16(tmp_path):
    """Found by the CSV fuzz test: two NULs, both at odd offsets, once made the file UTF-16."""
    path = tmp_path / "nul.csv"
    path.write_bytes(b"id,text\r\n\x00,\x00\r\n")
    records = list(read.read_raw([path]))
    assert len(records) == 1 and records[0].content == "\x00"
