"""The public command, end to end: build, extract, eval, run in this process through
`quotes.cli.main`; `python -m quotes` and what importing the CLI loads, in a process of their own."""

import io
import json
import subprocess
import sys
from contextlib import redirect_stderr
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from quotes.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("data")
    stderr = io.StringIO()
    with redirect_stderr(stderr):  # capsys (quotes_cli) lives for one test; this build serves the module
        assert main(["build", str(FIXTURES), "--out", str(out)]) == 0
    assert "2 articles" in stderr.getvalue()
    return out


def test_build_writes_all_tables(built):
    for name in ("quotes", "articles", "rejected"):
        assert (built / f"{name}.parquet").exists() and (built / f"{name}.csv").exists()
    quotes = pd.read_parquet(built / "quotes.parquet")
    articles = pd.read_parquet(built / "articles.parquet")
    assert set(articles.article_id) == {"bongda_01", "kinhte_02"}
    assert articles.set_index("article_id").loc["kinhte_02", "title"] == "Giá lúa tăng mạnh"
    assert {"direct", "indirect"} <= set(quotes.quote_type)


def test_every_row_indexes_the_stored_text(built):
    quotes = pd.read_parquet(built / "quotes.parquet")
    texts = pd.read_parquet(built / "articles.parquet").set_index("article_id").text
    for row in quotes.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.quote
        if row.speaker_mention is not None:
            assert texts[row.article_id][int(row.speaker_start):int(row.speaker_end)] == row.speaker_mention
        if row.cue_start is not None and not pd.isna(row.cue_start):
            assert texts[row.article_id][int(row.cue_start):int(row.cue_end)] == row.cue


def test_speakers_and_rules(built):
    quotes = pd.read_parquet(built / "quotes.parquet").set_index("quote")
    direct = quotes.loc["Chúng tôi sẽ đá tấn công ngay từ đầu. Khán giả nhà xứng đáng với một chiến thắng"]
    assert (direct.quote_type, direct.speaker, direct.attribution) == ("direct", "Lê Hoàng Sơn", "surname")
    assert quotes.loc["tiền đạo Nguyễn Văn Khải sẽ đá chính"].rule == "source_before"
    pronoun = quotes.loc["Nông dân nên giữ lại một phần để bán vào cuối vụ."]
    assert (pronoun.speaker, pronoun.attribution) == ("Phạm Thị Mai", "pronoun")
    group = quotes.loc["giá sẽ còn tăng trong tuần tới"]
    assert (group.speaker_type, group.speaker) == ("group", "Các thương lái")


def test_film_title_is_rejected_with_reason(built):
    rejected = pd.read_parquet(built / "rejected.parquet")
    assert "scare_quote_or_name" in set(rejected[rejected.text == "Mùa bóng cuối"].reason)


def test_quote_ids_are_stable_between_builds(built, tmp_path, quotes_cli):
    quotes_cli("build", FIXTURES, "--out", tmp_path)
    first = pq.read_table(built / "quotes.parquet").to_pylist()
    second = pq.read_table(tmp_path / "quotes.parquet").to_pylist()
    assert first == second
    assert len({r["quote_id"] for r in first}) == len(first)


def test_extract_prints_json_lines(quotes_cli):
    result = quotes_cli("extract", FIXTURES / "kinhte_02.txt")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all(r["article_id"] == "kinhte_02" for r in rows)
    assert any(r["speaker"] == "Phạm Thị Mai" for r in rows)


def test_jsonl_csv_and_parquet_inputs_agree(tmp_path, built, quotes_cli):
    records = []
    for path in sorted(FIXTURES.glob("*.txt")):
        lines = path.read_text("utf-8").split("\n", 1)
        records.append({"id": path.stem, "title": lines[0], "text": path.read_text("utf-8"), "outlet": "test"})
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    pd.DataFrame(records).to_csv(tmp_path / "in.csv", index=False)
    pd.DataFrame(records).to_parquet(tmp_path / "in.parquet")
    expected = pd.read_parquet(built / "quotes.parquet")[["article_id", "start", "end", "quote"]]
    for name in ("in.jsonl", "in.csv", "in.parquet"):
        out = tmp_path / name.replace(".", "_")
        quotes_cli("build", tmp_path / name, "--out", out)
        got = pd.read_parquet(out / "quotes.parquet")[["article_id", "start", "end", "quote"]]
        pd.testing.assert_frame_equal(got, expected)
        assert set(pd.read_parquet(out / "articles.parquet").outlet) == {"test"}


def test_eval_prints_table_by_type(built, tmp_path, quotes_cli):
    text = (FIXTURES / "kinhte_02.txt").read_text("utf-8")
    quote = "giá lúa đã tăng 12% so với tháng trước"
    start = text.index(quote)
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"article_id": "kinhte_02", "start": start, "end": start + len(quote), "type": "indirect",
                                "speaker": "Phạm Thị Mai", "speaker_type": "person"}, ensure_ascii=False), "utf-8")
    table = quotes_cli("eval", gold, built).stdout
    assert "| indirect | 1 |" in table and "| all | 1 |" in table


def test_unknown_input_is_a_clear_error(tmp_path, quotes_cli):
    bad = tmp_path / "articles.xml"
    bad.write_text("<x/>")
    result = quotes_cli("build", bad, "--out", tmp_path / "o", check=False)
    assert result.returncode == 2 and "unknown input format" in result.stderr


def test_version_says_which_modules_run_compiled(quotes_cli):
    from quotes import compiled_modules

    out = quotes_cli("--version").stdout
    assert out.startswith("quotes ") and "compiled modules: " in out
    assert all(name in out for name in compiled_modules())


def test_bench_stages_prints_one_row_per_stage():
    """`python -m quotes.tools.bench --stages SOURCE` says where a build's time goes (no timing is
    checked here: only that every stage ran and printed)."""
    out = subprocess.run([sys.executable, "-m", "quotes.tools.bench", "--stages", str(ROOT / "seeds")], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    rows = [line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| stage")]
    assert len(rows) == 10 and all(row.split("|")[2].strip().replace(",", "").isdigit() for row in rows)


def test_importing_the_cli_loads_neither_pyarrow_nor_pandas():
    """`quotes --help` and a mistyped command answer at once: the CLI loads the heavy libraries
    only in the command that needs them (a fresh interpreter: this one has loaded them)."""
    check = "import quotes.cli, sys; assert not {'pyarrow', 'pandas'} & set(sys.modules), sorted(sys.modules)"
    subprocess.run([sys.executable, "-c", check], cwd=ROOT, check=True, capture_output=True)
