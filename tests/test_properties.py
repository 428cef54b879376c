"""Properties over random and mutated Vietnamese text: extraction never raises, every row
indexes the text, output is deterministic."""

from hypothesis import given, settings
from hypothesis import strategies as st

from quotes.dataset.read import make_article
from quotes.extraction.pipeline import extract_article

PIECES = [
    "Ông Nguyễn Văn An", "bà Lan", "cho biết", "nói", "khẳng định rằng", "Theo ông An,", ", theo báo Tuổi Trẻ.",
    "“", "”", '"', "'", "‘", "’", "«", "»", ":", ",", ".", " - ", "\n", "giá xăng sẽ giảm", "HLV Park Hang-seo",
    "Chúng tôi sẽ thắng", "dẫn lời", "được", "mô tả là", "Ảnh: Minh Anh", "A- A A+", "(", ")", "H'Mông", "họ",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=40).map(" ".join))
def test_extraction_never_raises_and_offsets_hold(text):
    article = make_article("p", text, "p.txt")
    quotes, rejections = extract_article(article)
    for q in quotes:
        assert article.text[q.start:q.end] == q.quote
        assert q.quote_type in ("direct", "indirect", "mixed")
        if q.mention:
            assert article.text[q.mention.start:q.mention.end] == q.mention.text
    for r in rejections:
        assert article.text[r.start:r.end] == r.text
    again, _ = extract_article(make_article("p", text, "p.txt"))
    assert [(q.quote_id, q.speaker) for q in again] == [(q.quote_id, q.speaker) for q in quotes]


# Fast paths must give exactly what the plain patterns they stand for give.
SEPARATOR_TEXT = st.lists(st.sampled_from(list(" \t\n\x1c,;:–—-ab\u00a0") + ["Ông ", " - ", ", "]), max_size=20).map("".join)


@settings(max_examples=500, deadline=None)
@given(SEPARATOR_TEXT, st.integers(0, 30), st.integers(0, 30))
def test_separator_jumps_find_what_the_pattern_finds(text, start, end):
    from quotes.extraction.context import SEPARATOR, separators

    assert [m.span() for m in separators(text, start, end)] == [m.span() for m in SEPARATOR.finditer(text, start, end)]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=list(" \n\t\x1c.,'’-&aĐ1\u0301"), max_size=25), st.integers(0, 8), st.integers(0, 4), st.integers(0, 4))
def test_word_count_takes_shortcuts_but_agrees(text, n, cut_start, cut_end):
    from quotes.extraction.context import has_words
    from quotes.extraction.mentions import TOKEN

    start, end = min(cut_start, len(text)), max(len(text) - cut_end, 0)
    expected = len(TOKEN.findall(text, start, max(start, end))) >= n
    assert has_words(text, start, end, n) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_letter_test_agrees_with_the_regex_class(text):
    import unicodedata

    import regex

    from quotes.extraction.segment import is_letter

    letter = regex.compile(r"[\p{L}\p{M}\p{N}]")
    for char in text:
        if unicodedata.category(char) != "Cn":  # unassigned in Python's (older) Unicode tables
            assert is_letter(char) == bool(letter.match(char))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=list(" \n\ta\u00a0\u200b\x07"), max_size=20))
def test_trailing_space_shortcut_agrees_with_the_pattern(text):
    from quotes.extraction.normalise import _TRAILING_SPACE, strip_trailing_spaces

    assert strip_trailing_spaces(text) == _TRAILING_SPACE.sub("", text).strip()
