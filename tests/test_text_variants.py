"""Real text arrives NFC or NFD, with old or new tone placement and any quote marks."""

import unicodedata

import pytest

from quotes.dataset.read import make_article
from quotes.extraction.normalise import fold_key, normalise
from quotes.extraction.pipeline import extract_article
from quotes.extraction.segment import segment

SENTENCE = "Ông Hoàng Văn Thủy, Chủ tịch UBND xã Hòa Bình, cho biết: “Chúng tôi sẽ hỗ trợ từng hộ dân.”"


def quotes_of(text):
    article = make_article("t", text, "t.txt", title="")
    return article, extract_article(article)[0]


def test_nfd_input_gives_the_same_quotes_as_nfc():
    nfc_article, nfc = quotes_of(SENTENCE)
    nfd_article, nfd = quotes_of(unicodedata.normalize("NFD", SENTENCE))
    assert nfd_article.text == nfc_article.text
    assert [(q.start, q.end, q.quote, q.speaker) for q in nfd] == [(q.start, q.end, q.quote, q.speaker) for q in nfc]
    assert "nfc" in nfd_article.normalise_steps


def test_tone_placement_does_not_change_cue_or_name_matching():
    old = "Ông Nguyễn Văn Thủy cho biết đê đã được gia cố. Ông Thủy nói thêm rằng nước đang rút chậm."
    new = old.replace("Thủy", "Thuỷ")
    assert fold_key("Thủy") == fold_key("Thuỷ") and fold_key("hòa") == fold_key("hoà")
    _, old_quotes = quotes_of(old)
    _, new_quotes = quotes_of(new)
    assert [q.speaker for q in old_quotes] == ["Nguyễn Văn Thủy"] * 2
    assert [q.speaker for q in new_quotes] == ["Nguyễn Văn Thuỷ"] * 2


def test_old_style_tone_in_a_cue_still_matches():
    _, quotes = quotes_of("Bác sĩ Trần Minh khuyến cáo người dân không tự ý dùng kháng sinh khi bị cảm.")
    assert quotes and quotes[0].cue_lemma == "khuyến cáo"


@pytest.mark.parametrize("open_mark,close_mark,flag", [
    ("“", "”", None), ('"', '"', None), ("«", "»", None), ("“", '"', "mismatched_marks"),
    ('"', "'", "mismatched_marks"), ("”", "”", "mismatched_marks"),
])
def test_any_quote_marks(open_mark, close_mark, flag):
    text = f"Chị Lan nói: {open_mark}Năm nay vườn cam được mùa lớn{close_mark}."
    _, quotes = quotes_of(text)
    assert [q.quote for q in quotes] == ["Năm nay vườn cam được mùa lớn"]
    assert (flag in quotes[0].flags) if flag else not quotes[0].flags


def test_unclosed_quotation_runs_to_paragraph_end_and_is_flagged():
    text = "Anh Tuấn kể: “Nước lên nhanh quá, cả nhà phải leo lên mái\nSáng nay nước đã rút."
    _, quotes = quotes_of(text)
    assert quotes[0].quote == "Nước lên nhanh quá, cả nhà phải leo lên mái"
    assert "unclosed" in quotes[0].flags


def test_apostrophe_inside_a_name_is_not_a_quote_mark():
    seg = segment("Người H'Mông ở Mèo Vạc đón Tết sớm.")
    assert seg.quotes == []


def test_invisible_and_odd_characters_are_normalised():
    text, steps = normalise("Ông\u00a0Ba\u200b nói\r\n")
    assert text == "Ông Ba nói" and {"spaces", "invisible_chars", "newlines"} <= set(steps)


def test_unicode_line_separators_become_line_breaks():
    """Readers that split on U+2028 (JavaScript, brat) and readers that do not would disagree."""
    text, steps = normalise("Dòng một\u2028Dòng hai\u2029Đoạn mới")
    assert text == "Dòng một\nDòng hai\nĐoạn mới" and steps == ["newlines"]


@pytest.mark.parametrize("markup,stored", [
    ("giá <b>tăng</b> mạnh", "giá tăng mạnh"),
    ("x<scr<i>ipt>alert(1)</scr</i>ipt>y", "xalert(1)y"),  # removing a tag must not leave a new one
    ("3 < 5 và 7 > 4", "3 < 5 và 7 > 4"),  # comparisons are not tags
])
def test_tags_are_stripped_until_none_is_left(markup, stored):
    assert normalise(markup)[0] == stored


def test_tags_nested_deeper_than_the_passes_lose_their_brackets():
    text = normalise("a" + "<scr" * 12 + "<b>" + "ipt>" * 12 + "z")[0]
    assert text.startswith("ascr") and text.endswith("iptz") and "<" not in text and ">" not in text


@pytest.mark.parametrize("a,b", [
    ("Khỏe mạnh", "khoẻ  mạnh"),  # tone placement, case and spacing
    ("THÚY", "thuý"),
    (unicodedata.normalize("NFD", "Hòa Bình"), "hoà bình"),  # decomposed input
    ("ụy ban", "uỵ ban"),
    ("bác sỹ", "bác sĩ"),  # a final y or i after a consonant
    ("Kỹ thuật", "kĩ thuật"),
    ("Lý Văn Sơn", "lí văn sơn"),
])
def test_fold_key_makes_spelling_variants_equal(a, b):
    assert fold_key(a) == fold_key(b)


@pytest.mark.parametrize("a,b", [("hoa", "hoà"), ("tòa", "tóa"), ("quy", "quý"), ("ộa", "oạ"),
                                 ("thuỷ", "thuỉ"), ("tuy", "tui")])  # after a vowel, y is part of the rhyme
def test_fold_key_keeps_words_that_differ_apart(a, b):
    assert fold_key(a) != fold_key(b)


def test_phrase_matcher_prefers_the_longest_phrase_and_whole_words():
    from quotes.extraction.lexicon import phrase_matcher

    matcher = phrase_matcher(["nói", "nói thêm", "cho biết", "hoà giải", "bác sĩ"])
    text = "Ông nói  thêm rằng hòa giải xong; bà nóiii không, rồi cho biết thêm với bác sỹ."
    assert [m.group(0) for m in matcher.finditer(text)] == ["nói  thêm", "hòa giải", "cho biết", "bác sỹ"]
    assert [text[m.start():m.end()] for m in matcher.finditer(text)] == ["nói  thêm", "hòa giải", "cho biết", "bác sỹ"]


def test_lower_case_lexicon_pattern_matches_any_case_with_the_same_offsets():
    import pytest

    from quotes.extraction.lexicon import lower_case_pattern

    credit = lower_case_pattern(r"\(?(?:ảnh|video):\s*")
    text = "Đội bóng về nước. ẢNH: Hải Nam (Video: VTV) İstanbul ảnh: X"
    found = [text[m.start():m.end()] for m in credit.finditer(text)]
    assert found == ["ẢNH: ", "(Video: ", "ảnh: "]
    assert credit.match(text, text.index("(Video"), text.lower()) is not None
    with pytest.raises(ValueError):
        lower_case_pattern(r"Ảnh:\S+")  # an upper-case letter could never match the lowered text
