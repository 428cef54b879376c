"""The Python API gives the rows a build gives: same rules, same bytes (less the two columns
that need the whole corpus)."""

import json
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import quotes

ARTICLES = [
    {"id": "api-1", "title": "Giá rau tăng", "text": "Giá rau tăng\nBà Lê Thị Hoa cho biết giá rau đã tăng gấp đôi. "
     "“Chúng tôi không đủ hàng để bán”, bà nói thêm.", "outlet": "Báo Chợ Lớn"},
    {"id": "api-2", "title": "", "text": "Theo ông Phạm Văn Đức, đường sẽ thông xe vào cuối tuần."},
]


def test_extract_table_gives_the_rows_of_a_build(tmp_path, quotes_cli):
    source = tmp_path / "news.jsonl"
    source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), "utf-8")
    quotes_cli("build", source, "--out", tmp_path / "out")
    built = pq.read_table(tmp_path / "out" / "quotes.parquet").drop_columns(["occurrences", "split"])
    got, articles = quotes.extract_table(pd.DataFrame(ARTICLES))
    assert got.to_pylist() == built.to_pylist() and len(got) == 3
    assert articles.column("article_id").to_pylist() == ["api-1", "api-2"]
    assert quotes.extract_table(pa.Table.from_pylist(ARTICLES))[0].to_pylist() == got.to_pylist()


def test_extract_gives_quote_rows_whose_offsets_index_the_normalised_text():
    text = "Ông Trần Văn Bình cho biết đường đã thông xe."  # NFD in, NFC stored
    import unicodedata

    rows = quotes.extract(unicodedata.normalize("NFD", text), title="")
    assert [(r["quote"], r["speaker"], r["rule"]) for r in rows] == [("đường đã thông xe", "Trần Văn Bình", "cue_before")]
    assert text[rows[0]["start"]:rows[0]["end"]] == rows[0]["quote"]


def test_importing_quotes_stays_light():
    probe = "import quotes, sys; assert 'pyarrow' not in sys.modules and 'quotes.api' not in sys.modules"
    subprocess.run([sys.executable, "-c", probe], check=True)
