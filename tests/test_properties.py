"""Properties over random and mutated Vietnamese text: extraction never raises, every row
indexes the text, output is deterministic."""

from hypothesis import given, settings
from hypothesis import strategies as st

from quotes.pipeline import extract_article
from quotes.read import make_article

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
