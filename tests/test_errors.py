"""Mistakes a user can make give one line, `quotes: error: ...` naming the file, and exit 2;
a traceback is kept for bugs. Each case runs `quotes.cli.main`, so an exception that escapes
it (what would print a traceback) fails the test."""

import gzip
import json
import random
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SEEDS_GOLD = DATA / "gold" / "seeds.jsonl"
FIXTURES = ROOT / "tests" / "fixtures" / "articles"


def assert_one_line_error(result, names: Path) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("quotes: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert str(names) in result.stderr


@pytest.mark.parametrize("bug", [ValueError, OSError, KeyError])
def test_a_bug_shows_its_traceback(monkeypatch, quotes_cli, bug):
    """Only a QuotesError is a user's mistake: any other exception leaves main (a traceback)."""
    import quotes.tools.evaluate

    def broken(*args):
        raise bug("a bug")

    monkeypatch.setattr(quotes.tools.evaluate, "evaluate", broken)
    with pytest.raises(bug, match="a bug"):
        quotes_cli("eval", SEEDS_GOLD, DATA)


# -- inputs ------------------------------------------------------------------------------------

NOISE = random.Random(0).randbytes(50_000).hex().encode()  # compresses little: the cut falls in line 1
CORRUPT_INPUTS = {
    "not.parquet": b"not a Parquet file",
    "empty.csv": b"",
    "not-gzip.jsonl.gz": b'{"id": "a1", "text": "plain, not gzip"}\n',
    "cut-in-first-line.jsonl.gz": gzip.compress(b'{"id": "a1", "text": "' + NOISE + b'"}\n')[:2000],
    "not-zstd.jsonl.zst": b'{"id": "a1", "text": "plain, not zstd"}\n',
}


@pytest.mark.parametrize("name", sorted(CORRUPT_INPUTS))
def test_a_corrupt_input_file_is_named(name, tmp_path, quotes_cli):
    source = tmp_path / name
    source.write_bytes(CORRUPT_INPUTS[name])
    result = quotes_cli("build", source, "--out", tmp_path / "out", check=False)
    assert_one_line_error(result, source)
    assert "cannot be read as" in result.stderr


def test_extract_names_a_corrupt_input_file(tmp_path, quotes_cli):
    source = tmp_path / "not.parquet"
    source.write_bytes(CORRUPT_INPUTS["not.parquet"])
    assert_one_line_error(quotes_cli("extract", source, check=False), source)


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux's /proc")
def test_an_input_that_fails_to_read_is_named(tmp_path, quotes_cli):
    source = tmp_path / "disk.txt"
    source.symlink_to("/proc/self/mem")  # reading it from offset 0 fails (EIO), even for root
    result = quotes_cli("build", source, "--out", tmp_path / "out", check=False)
    assert_one_line_error(result, source)
    assert "Input/output error" in result.stderr


@pytest.mark.parametrize("option", ["--workers", "--batch-size"])
def test_a_count_below_one_is_refused(tmp_path, quotes_cli, option):
    result = quotes_cli("build", FIXTURES, "--out", tmp_path / "out", option, "-5", check=False)
    assert result.returncode == 2 and f"argument {option}: -5 is not 1 or more" in result.stderr
    assert not (tmp_path / "out").exists()


# -- outputs -----------------------------------------------------------------------------------

@pytest.fixture
def a_file(tmp_path) -> Path:
    path = tmp_path / "taken"
    path.write_text("a file where a folder should go", "utf-8")
    return path


@pytest.mark.parametrize("inside", [False, True])
def test_build_out_that_is_a_file(a_file, quotes_cli, inside):
    out = a_file / "sub" if inside else a_file
    result = quotes_cli("build", FIXTURES, "--out", out, check=False)
    assert_one_line_error(result, a_file)
    assert "is a file, not a folder" in result.stderr


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux's /sys")
def test_an_output_folder_that_cannot_be_made(quotes_cli):
    out = Path("/sys/kernel/quotes-out")  # sysfs refuses new folders, even to root
    result = quotes_cli("build", FIXTURES, "--out", out, check=False)
    assert_one_line_error(result, out)
    assert "cannot make this folder" in result.stderr


def test_release_data_that_is_a_file(a_file, quotes_cli):
    assert_one_line_error(quotes_cli("release", FIXTURES, "--data", a_file, check=False), a_file)


def test_review_out_that_is_a_file(a_file, quotes_cli):
    assert_one_line_error(quotes_cli("review", DATA, "--out", a_file, check=False), a_file)


@pytest.mark.parametrize("fmt", ["labelstudio", "brat", "spans", "bio"])
def test_export_out_that_is_a_file(a_file, quotes_cli, fmt):
    assert_one_line_error(quotes_cli("export", DATA, "--format", fmt, "--out", a_file, check=False), a_file)


def test_import_labelstudio_out_that_is_a_folder(tmp_path, quotes_cli):
    quotes_cli("export", DATA, "--format", "labelstudio", "--out", tmp_path)
    result = quotes_cli("import-labelstudio", tmp_path / "labelstudio-tasks.json", "--out", tmp_path, check=False)
    assert_one_line_error(result, tmp_path)


# -- a folder that is not a dataset ------------------------------------------------------------

ON_A_DATASET = {  # the commands that take a dataset folder, on `folder`
    "eval": lambda folder, out: ["eval", SEEDS_GOLD, folder],
    "review": lambda folder, out: ["review", folder, "--out", out],
    "export": lambda folder, out: ["export", folder, "--format", "brat", "--out", out],
}


@pytest.mark.parametrize("command", sorted(ON_A_DATASET))
def test_a_folder_without_a_dataset(tmp_path, quotes_cli, command):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = quotes_cli(*ON_A_DATASET[command](empty, tmp_path / "out"), check=False)
    assert_one_line_error(result, empty)
    assert "not a dataset folder" in result.stderr


def test_a_release_without_its_quotes(tmp_path, quotes_cli):
    for version in ("v1.0.0", "v1.1.0"):
        (tmp_path / "releases" / version).mkdir(parents=True)
    result = quotes_cli("diff", "v1.0.0", "v1.1.0", "--data", tmp_path, check=False)
    assert_one_line_error(result, tmp_path / "releases" / "v1.0.0")


def test_a_dataset_table_that_is_not_parquet(tmp_path, quotes_cli):
    (tmp_path / "quotes.parquet").write_text("not Parquet", "utf-8")
    (tmp_path / "articles.parquet").write_text("not Parquet", "utf-8")
    result = quotes_cli("review", tmp_path, "--out", tmp_path / "out", check=False)
    assert_one_line_error(result, tmp_path / "quotes.parquet")


# -- gold ----------------------------------------------------------------------------------------

def write_gold(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    return path


def test_gold_that_is_missing_or_a_folder(tmp_path, quotes_cli):
    for gold in (tmp_path / "missing.jsonl", tmp_path):
        assert_one_line_error(quotes_cli("eval", gold, DATA, check=False), gold)


def test_gold_that_is_not_utf8(tmp_path, quotes_cli):
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(b"\xff\xfe\x00 not UTF-8")
    assert_one_line_error(quotes_cli("eval", gold, DATA, check=False), gold)


def test_gold_that_is_not_json(quotes_cli):
    result = quotes_cli("eval", DATA / "quotes.csv", DATA, check=False)
    assert_one_line_error(result, DATA / "quotes.csv")
    assert "quotes.csv:1: not JSON" in result.stderr


def test_gold_that_is_not_gold(tmp_path, quotes_cli):
    """The articles' JSONL given as gold: the line that is not a gold quote is named."""
    gold = write_gold(tmp_path / "articles.jsonl", [{"id": "a1", "text": "Ông An nói rằng trời mưa."}])
    result = quotes_cli("eval", gold, DATA, check=False)
    assert_one_line_error(result, gold)
    assert "articles.jsonl:1: not a gold quote" in result.stderr


def test_gold_whose_articles_are_not_in_the_dataset(tmp_path, quotes_cli):
    gold = write_gold(tmp_path / "other.jsonl", [{"article_id": "not-in-data", "start": 0, "end": 4, "type": "direct"}])
    result = quotes_cli("eval", gold, DATA, check=False)
    assert_one_line_error(result, gold)
    assert "1 gold articles are not in" in result.stderr and "not-in-data" in result.stderr


def test_gold_whose_article_text_changed(tmp_path, quotes_cli):
    row = json.loads(SEEDS_GOLD.read_text("utf-8").splitlines()[0])
    gold = write_gold(tmp_path / "stale.jsonl", [{**row, "span_sha1": "000000000000"}])
    result = quotes_cli("eval", gold, DATA, check=False)
    assert_one_line_error(result, gold)
    assert "stale.jsonl:1: the article text changed" in result.stderr


# -- Label Studio exports ----------------------------------------------------------------------

def test_a_label_studio_export_that_is_missing_or_not_json(tmp_path, quotes_cli):
    for export in (tmp_path / "missing.json", SEEDS_GOLD):
        result = quotes_cli("import-labelstudio", export, "--out", tmp_path / "gold.jsonl", check=False)
        assert_one_line_error(result, export)


def test_a_label_studio_export_that_is_not_tasks(tmp_path, quotes_cli):
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"data": {"text": "a dict, not a list of tasks"}}), "utf-8")
    result = quotes_cli("import-labelstudio", export, "--out", tmp_path / "gold.jsonl", check=False)
    assert_one_line_error(result, export)
    assert not (tmp_path / "gold.jsonl").exists()


def test_a_command_piped_to_head_stops_quietly(tmp_path):
    """`quotes rules | head -1`: the reader goes away; no traceback, the exit status of SIGPIPE."""
    import subprocess
    import sys

    result = subprocess.run(f"{sys.executable} -m quotes rules | head -1", shell=True, capture_output=True, text=True)
    assert result.stdout.startswith("| rule |") and result.stderr == ""


def test_a_folder_with_no_input_files_is_named_before_anything_is_written(tmp_path, quotes_cli):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = quotes_cli("build", empty, "--out", tmp_path / "out", check=False)
    assert result.returncode == 2 and str(empty) in result.stderr and "no .txt" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_table_file_stands_for_its_dataset_folder(tmp_path, quotes_cli):
    from conftest import ROOT

    quotes_cli("review", ROOT / "data" / "quotes.parquet", "--out", tmp_path / "report")
    assert (tmp_path / "report" / "index.html").exists()
