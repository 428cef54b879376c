"""The tools of the accuracy work, through the public command: mining lexicon candidates,
calibrating confidence, precision by confidence band, annotator agreement, gold that counts
articles annotated with no quote, and speaker ids of groups that stay inside their article."""

import json

import pyarrow.parquet as pq
import pytest

from quotes.tools.calibrate import fit

# An invented corpus: `lẩm bẩm` stands before rằng three times (not a cue in cues.tsv), `cho
# biết` twice (a cue already), and `nghệ nhân` before a full name (not a title).
CORPUS = [
    {"id": "m1", "text": "Ông Phạm Văn Đức lẩm bẩm rằng trời sắp mưa. Bà Lan cho biết rằng chợ đóng cửa."},
    {"id": "m2", "text": "Cô Trần Thị Mơ lẩm bẩm rằng xe hỏng rồi. Nghệ nhân Lê Văn Sáu làm gốm đã 40 năm."},
    {"id": "m3", "text": "Anh Hồ Văn Tư lẩm bẩm rằng cá năm nay ít. Anh Tư cho biết rằng giá xăng tăng."},
]


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in CORPUS), "utf-8")
    return path


def test_mine_ranks_new_cue_words_and_roles_by_count(quotes_cli, corpus):
    out = quotes_cli("mine", corpus, "--top", "5").stdout
    cues, roles = out.split("## roles")[0], out.split("## roles")[1].split("## theo")[0]

    def candidates(section):  # "  count  phrase" lines, not the contexts under them
        return {line.split(None, 1)[1]: int(line.split()[0]) for line in section.splitlines() if line[:6].strip().isdigit()}

    assert candidates(cues) == {"lẩm bẩm": 3}  # cho biết is a cue already
    assert "nghệ nhân" in candidates(roles)


def test_calibration_shrinks_small_counts_towards_the_rule_and_the_whole():
    outcomes = [("cue_before", "explicit", True)] * 8 + [("cue_before", "explicit", False)] * 2 \
        + [("cue_before", "pronoun", False)] * 2 + [("source_before", "explicit", True)] * 1
    rows = {(rule, attribution): (confidence, n) for rule, attribution, confidence, n in fit(outcomes)}
    overall = rows[("*", "*")][0]
    assert overall == pytest.approx(9 / 13)
    assert rows[("cue_before", "explicit")][1] == 10
    # two wrong pronoun links do not make the pair certainly wrong: it stays near its rule's share
    assert 0.3 < rows[("cue_before", "pronoun")][0] < rows[("cue_before", "*")][0]
    # one right quote of a rule does not make it certain either
    assert overall < rows[("source_before", "*")][0] < 1


@pytest.fixture(scope="module")
def seeds_dataset(tmp_path_factory):
    from contextlib import redirect_stderr
    from io import StringIO

    from quotes.cli import main

    out = tmp_path_factory.mktemp("seeds")
    with redirect_stderr(StringIO()):
        assert main(["build", "seeds", "--out", str(out)]) == 0
    return out


def test_calibrate_prints_a_row_per_rule_and_link(quotes_cli, seeds_dataset):
    out = quotes_cli("calibrate", "data/gold/seeds.jsonl", seeds_dataset).stdout
    assert out.startswith("| rule | attribution | confidence | quotes |")
    assert "| * | * |" in out and "| cue_before | * |" in out


def test_eval_shows_precision_by_confidence_band(quotes_cli, seeds_dataset):
    out = quotes_cli("eval", "data/gold/seeds.jsonl", seeds_dataset).stdout
    bands = out.split("Precision by confidence band:")[1].strip().splitlines()
    assert bands[0] == "| confidence | quotes | right (span and speaker) |"
    extracted = pq.read_metadata(seeds_dataset / "quotes.parquet").num_rows
    assert sum(int(row.split("|")[2]) for row in bands[2:]) == extracted  # every extracted quote, once


def test_agreement_of_gold_with_itself_is_perfect(quotes_cli):
    out = quotes_cli("agree", "data/gold/seeds.jsonl", "--second", "data/gold/seeds.jsonl").stdout
    assert "| all | 80 | 80 | 1.000 | 1.000 | 1.000 |" in out


def test_an_article_annotated_with_no_quote_counts_extracted_quotes_as_extra(quotes_cli, seeds_dataset, tmp_path):
    """Gold lists the articles it annotated, with quotes or without: quotes extracted from an
    article its annotator found none in lower precision."""
    article = pq.read_table(seeds_dataset / "quotes.parquet").column("article_id")[0].as_py()
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"article_id": article, "annotated": True}) + "\n", "utf-8")
    row = next(line for line in quotes_cli("eval", gold, seeds_dataset).stdout.splitlines() if line.startswith("| all "))
    gold_count, predicted = (int(cell) for cell in row.split("|")[2:4])
    assert gold_count == 0 and predicted > 0


def test_groups_and_unnamed_sources_have_an_id_per_article(quotes_cli, tmp_path):
    articles = [{"id": f"g{day}", "text": f"Nhiều người dân cho biết nước sông đã dâng cao từ ngày {day}. "
                 "Ông Lý Văn Thành cho biết nước sông sẽ rút vào cuối tuần."} for day in (3, 4)]
    source = tmp_path / "groups.jsonl"
    source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), "utf-8")
    quotes_cli("build", source, "--out", tmp_path / "out")
    rows = pq.read_table(tmp_path / "out" / "quotes.parquet").to_pylist()
    groups = {r["speaker_id"] for r in rows if r["speaker_type"] == "group"}
    persons = {r["speaker_id"] for r in rows if r["speaker_type"] == "person"}
    assert len(groups) == 2 and len(persons) == 1


def test_stats_counts_quotes_and_speakers_by_gender_outlet_and_month(quotes_cli, tmp_path):
    articles = [
        {"id": "s1", "outlet": "Báo Sông Hồng", "published": "2021-03-02T08:00+07:00",
         "text": "Bà Hứa Thị Nga cho biết chợ sẽ mở lại. Ông Tạ Văn Lâm cho biết giá cá đang giảm."},
        {"id": "s2", "outlet": "Báo Sông Hồng", "published": "2021-04-10",
         "text": "Bà Hứa Thị Nga cho biết hàng hóa đã đủ. Sở Công Thương cho biết sẽ kiểm tra giá."},
        {"id": "s3", "outlet": "Đài Miền Núi", "published": "2021-04-11",
         "text": "Nguyễn Thanh Bình cho biết đường lên bản đã thông."},
    ]
    source = tmp_path / "news.jsonl"
    source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), "utf-8")
    quotes_cli("build", source, "--out", tmp_path / "out")
    out = quotes_cli("stats", tmp_path / "out", "--csv", tmp_path / "stats.csv").stdout
    assert "| all | all | female | 2 | 0.5 | 1 |" in out  # two quotes, one speaker
    assert "| all | all | male | 1 | 0.25 | 1 |" in out
    assert "| all | all | unknown | 1 | 0.25 | 1 |" in out  # a bare name: counted, not dropped (the ministry is no person)
    assert "| outlet | Đài Miền Núi | unknown | 1 | 1.0 | 1 |" in out
    assert "| month | 2021-04 | female | 1 | 0.5 | 1 |" in out
    assert (tmp_path / "stats.csv").read_text("utf-8").startswith("by,group,speaker_gender,quotes,share_of_quotes,speakers\n")


def test_mine_counts_each_person_once_by_the_gender_the_text_says(quotes_cli, corpus):
    out = quotes_cli("mine", corpus, "--kind", "given_names").stdout
    # Phạm Văn Đức (ông, Văn), Lê Văn Sáu (Văn), Hồ Văn Tư (anh, Văn): men; Trần Thị Mơ (cô, Thị): a woman
    assert "     1  đức  (m 1)" in out and "     1  mơ  (f 1)" in out and "     1  tư  (m 1)" in out


def test_mine_lists_first_words_of_foreign_names_with_the_gender_an_honorific_addressing_them_says(quotes_cli, tmp_path):
    articles = [{"id": "f1", "text": "Bà Ingrid Solberg cho biết. Chồng bà Ingrid Falk đã về. Ông Ingrid Solberg nói."},
                {"id": "f2", "text": "Ông Ingrid Solberg đến muộn. Giáo sư Ingrid Nyberg cho biết."},
                {"id": "gold", "text": "Bà Ingrid Holm nói."}]
    source = tmp_path / "foreign.jsonl"
    source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), "utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"article_id": "gold", "annotated": True}) + "\n", "utf-8")
    out = quotes_cli("mine", source, "--kind", "foreign_given_names", "--exclude", gold).stdout
    # three full names (Holm's article is gold, skipped); Solberg addressed as bà and as ông, each
    # counted once; the bà before Falk is his wife's (chồng bà X: X is her husband)
    assert "     3  Ingrid  (f 1  m 1)" in out


def test_eval_counts_a_gender_read_from_a_name_apart_from_the_gold_it_can_be_checked_on(quotes_cli, tmp_path):
    """Gold records a gender only where the text shows it: a gender given from a name where the
    text says nothing is neither right nor wrong for it, and is counted on its own."""
    articles = [{"id": "h1", "text": "Bà Lê Thị Hoa cho biết chợ sẽ mở cửa lại vào sáng mai."},
                {"id": "h2", "text": "Giám đốc Đoàn Quốc Cường cho biết nhà máy sẽ chạy lại từ tuần sau."},
                {"id": "h3", "text": "Ông Vương Minh Quang cho biết đường sẽ thông xe vào chiều nay."}]
    source = tmp_path / "a.jsonl"
    source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), "utf-8")
    quotes_cli("build", source, "--out", tmp_path / "out")
    rows = pq.read_table(tmp_path / "out" / "quotes.parquet").to_pylist()
    assert [r["gender_evidence"] for r in rows] == ["honorific", "name", "honorific"]
    gold_genders = {"h1": "female", "h2": None, "h3": "female"}  # h3: an annotator's slip, to count as wrong
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"article_id": r["article_id"], "start": r["start"], "end": r["end"],
                                        "type": r["quote_type"], "speaker": r["speaker"], "speaker_type": "person",
                                        "speaker_gender": gold_genders[r["article_id"]]}, ensure_ascii=False) + "\n"
                            for r in rows), "utf-8")
    out = quotes_cli("eval", gold, tmp_path / "out").stdout
    assert "| 3 | 3 | 0.500 (2) | 1 | 0.000 | 2 | 0.000 |" in out


def test_calibrate_writes_the_file_the_extractor_reads():
    from quotes.extraction.lexicon import LEXICON_DIR
    from quotes.tools.calibrate import CALIBRATION_FILE

    assert CALIBRATION_FILE.is_file() and CALIBRATION_FILE.samefile(str(LEXICON_DIR / "calibration.tsv"))
