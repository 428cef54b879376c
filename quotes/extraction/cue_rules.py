"""The cue family: a speech verb from cues.tsv with its speaker.

`S CUE (rằng|:|,) Q` (cue_before), `Q1, S CUE, Q2` (interrupted), `"Q1," S CUE, "Q2"`
(cue_between), `Q, S CUE.` (cue_after), `S CUE:` closing a paragraph (cue_colon_next_paragraph),
`A dẫn lời B: Q` (quoted_by). Two cues in one sentence split it: each takes the clause up to
the next cue's subject.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import islice

import regex

from quotes.extraction.context import END_PUNCT, ArticleContext, has_words
from quotes.extraction.lexicon import WORD_END, WORD_START, modifier_regex
from quotes.extraction.limits import (
    MAX_ASIDE_HEAD_WORDS,
    MAX_BARE_CLAUSE_WORDS,
    MAX_CUE_OBJECT_WORDS,
    MAX_PREFIX_WORDS,
    MIN_DIRECTIVE_WORDS,
    SCARE_QUOTE_WORDS,
    THEO_LOOKBACK_CHARS,
)
from quotes.extraction.mentions import TOKEN, mention_prefixes, parse_mention, strip_edges
from quotes.extraction.normalise import fold_key
from quotes.extraction.rules import (
    CUE,
    CUE_AFTER,
    CUE_BEFORE,
    CUE_BETWEEN,
    CUE_COLON_NEXT_PARAGRAPH,
    CUE_NEEDS_COMPLEMENTISER,
    CUE_TRAP,
    CUE_WITHOUT_CONTENT,
    INTERRUPTED,
    NAMING,
    NO_SPEAKER_AFTER_CUE,
    NO_SPEAKER_BEFORE_CUE,
    NOUN_USE,
    QUOTED_BY,
    REASONS_BY_NAME,
    TOPIC_NOT_SPEECH,
)
from quotes.extraction.segment import Sentence
from quotes.extraction.source_rules import THEO_CLOSING
from quotes.extraction.subjects import CueMatch, adjunct_starts, emit_with_cue, find_subject, predicate_starts

ADDRESSEE = regex.compile(r"\s*(?:với|trước|cho|trên|qua)\s+[^,:;.!?“”\"«»]{1,50}?(?=\s*(?:rằng|là|:|,)" + WORD_END + ")", regex.IGNORECASE)
# An object before the complementiser: "nhắc lại lập trường rằng", "gọi cuộc đàm phán là".
OBJECT_BEFORE = {
    "rằng": regex.compile(r"\s+(?:(?!rằng|là)[^,:;.!?“”\"«»])" + r"{1,60}?\s+(?=rằng" + WORD_END + ")", regex.IGNORECASE),
    "là": regex.compile(r"\s+(?:(?!rằng|là)[^,:;.!?“”\"«»])" + r"{1,60}?\s+(?=(?:rằng|là)" + WORD_END + ")", regex.IGNORECASE),
}
OBJECT_STOP = regex.compile(r"[,:;.!?“”\"«»]")  # what the object of OBJECT_BEFORE never holds
COMPLEMENTISER = regex.compile(r"(?:\s*[:,]\s*|\s*)(?:(?:rằng|là)" + WORD_END + r")?(?:\s*[:,])?\s*", regex.IGNORECASE)
HAS_COMPLEMENTISER = regex.compile(r"[:,]|rằng|là", regex.IGNORECASE)
TAIL_ONLY = regex.compile(r"^(?:(?:ngay\s+)?(?:tại|trong|với|khi|hôm|ngày|sau|trước|trên|ở|lúc|thêm|vào)" + WORD_END
                          + r"[^“”\"«»]{0,80})?$", regex.IGNORECASE)
NARRATIVE_TAIL = regex.compile(r",\s*khi\s+(?:được|bị)\s+hỏi" + WORD_END, regex.IGNORECASE)
AFTER_THEO = regex.compile(WORD_START + r"theo\s+$", regex.IGNORECASE)
# A cue word then `của` is a noun and its owner (kết luận của, đánh giá của), but `dẫn lời của X`
# quotes X.
OF_AFTER = regex.compile(r"\s+của" + WORD_END, regex.IGNORECASE)
# After trên or từ the word is a noun only when what follows names a speaker before a later cue:
# `Thông tin từ Công an tỉnh cho biết` (the information from the police), but `thông báo từ
# ngày 1/7 ...` and `cho biết từ năm 2015 ...` are verbs.
SOURCE_AFTER = regex.compile(r"\s+(?:trên|từ)" + WORD_END, regex.IGNORECASE)


def detect_cues(ctx: ArticleContext, sentence: Sentence) -> None:
    cues = find_cues(ctx, sentence)
    left = ctx.sentence_start(sentence)
    for i, cue in enumerate(cues):
        previous = cues[i - 1] if i else None
        find_subject(ctx, cue, previous.end if previous else left, previous)
    accepted = [c for c in cues if c.subject]
    for cue in cues:
        if not cue.subject:
            ctx.reject(cue.start, cue.end, NO_SPEAKER_BEFORE_CUE, CUE)
            continue
        if cue.cue.cls == "quote_of":
            # "A dẫn lời B nói ...": B's own cue takes the quote; without one, dẫn lời does
            if not any(c.start > cue.end for c in accepted):
                _build_quoted(ctx, sentence, cue)
            continue
        # A later cue that cannot take a clause (gọi cứu hộ: a complement cue with a plain object)
        # does not end this cue's clause: it is a verb inside it.
        following = [c for c in accepted if c.start > cue.end and _takes_content(ctx, c, sentence.end)]
        limit = following[0].subject_start if following else sentence.end
        _build_from_cue(ctx, sentence, cue, limit)


def find_cues(ctx: ArticleContext, sentence: Sentence) -> list[CueMatch]:
    """The cues of a sentence outside quotations, minus traps (nói chung) and cue words that
    are nouns here (a capitalised name, `Theo dự báo`)."""
    text = ctx.text
    start = ctx.sentence_start(sentence)
    matches = ctx.cue_matches[bisect_left(ctx.cue_starts, start):bisect_left(ctx.cue_starts, sentence.end)]
    if not matches:
        return []
    traps = ctx.trap_matches[bisect_left(ctx.trap_starts, start):bisect_left(ctx.trap_starts, sentence.end)]
    cues: list[CueMatch] = []
    for m in matches:
        if m.end() > sentence.end or ctx.inside_quotation(m.start()):
            continue
        cue = ctx.lex.cues[fold_key(m.group(0))]
        trap = next((t for t in traps if t.start() <= m.start() < t.end() or m.start() <= t.start() < m.end()), None)
        if trap:
            reason = REASONS_BY_NAME[ctx.lex.traps[fold_key(trap.group(0))]]
            ctx.reject(trap.start(), trap.end(), reason, CUE_TRAP)
            continue
        if cues and not text[cues[-1].end:m.start()].strip():
            if cues[-1].cue.cls == "manner":  # "nghẹn ngào kể rằng": the manner word, then the speech verb
                cues[-1] = CueMatch(m.start(), m.end(), cue)
            continue  # "tái khẳng định cam kết": a cue word right after a cue is its object
        if text[m.start()].isupper() and m.start() > start:
            continue  # "Trung tâm Dự báo Khí tượng": a capitalised cue word inside a name
        if AFTER_THEO.search(text, max(start, m.start() - THEO_LOOKBACK_CHARS), m.start()):
            continue  # "Theo dự báo, ...": a noun after theo, not a speech verb
        of = OF_AFTER.match(text, m.end()) if cue.cls != "quote_of" else None
        if of:  # "Kết luận của Ủy ban ... nêu rõ": the conclusion of a body, whose cue comes later
            ctx.reject(m.start(), of.end(), NOUN_USE, CUE_TRAP)
            continue
        if SOURCE_AFTER.match(text, m.end()) and _statement_before_a_cue(ctx, m, matches, sentence.end):
            ctx.reject(m.start(), m.end(), NOUN_USE, CUE_TRAP)
            continue
        cues.append(CueMatch(m.start(), m.end(), cue))
    return cues


def _statement_before_a_cue(ctx: ArticleContext, word: regex.Match, matches: list, sentence_end: int) -> bool:
    """Whether the words from this cue word to the next cue of the sentence read as a statement
    and its author (`Thông tin từ Công an tỉnh Hà Tĩnh`, `Thông báo trên trang web của Bộ`):
    then the word is the subject's noun and the next cue is the verb."""
    later = next((n for n in matches if n.start() > word.end()), None)
    if later is None or later.end() > sentence_end:
        return False
    subject = ctx.text[word.start():later.start()].rstrip()
    if subject.endswith(","):  # `chia sẻ trên Zing, cho biết`: two verbs
        return False
    return ctx.lex.statement_of.match(subject) is not None and parse_mention(subject, word.start()) is not None


def _build_from_cue(ctx: ArticleContext, sentence: Sentence, cue: CueMatch, limit: int) -> None:
    text = ctx.text
    pos, complementiser = _after_cue(ctx, cue)
    content_end = _clause_end(ctx, pos, limit)
    remainder = text[pos:content_end].strip()
    if not remainder and text[cue.end:sentence.end].rstrip().endswith(":"):
        if _quote_in_next_paragraph(ctx, cue, sentence):
            return
    # "ông nói tại cuộc họp" ends on a tail, after what was said; but after a comma with nothing
    # said before the subject, "X cho biết, trước khi ..." opens what was said.
    tail_only = TAIL_ONLY.match(remainder) and not (complementiser and _content_before(ctx, sentence, cue) is None)
    if remainder and not tail_only:
        if TOPIC_OPENING.match(text, pos):  # "chia sẻ về việc ...": what it was about, not what was said
            ctx.reject(cue.start, content_end, TOPIC_NOT_SPEECH, CUE)
            return
        if cue.cue.takes == "complement" and not complementiser and text[pos:pos + 1] not in "“\"«‘'" \
                and not _bare_clause_follows(ctx, pos, content_end) and not _directive_follows(ctx, cue, pos, content_end):
            quoted = _content_before(ctx, sentence, cue)
            if len(remainder.split()) <= MAX_CUE_OBJECT_WORDS and quoted and ctx.spans_in(quoted[0], quoted[0] + 1):
                _build_backward(ctx, sentence, cue)  # `"Q", ông X bày tỏ quan điểm.`: the cue's object ends it
                return
            ctx.reject(cue.start, content_end, CUE_NEEDS_COMPLEMENTISER, CUE)
            return
        if cue.cue.cls == "naming" and not has_words(text, pos, content_end, SCARE_QUOTE_WORDS + 1):
            ctx.reject(cue.start, content_end, NAMING, CUE)  # "gọi đội bóng là “Ngựa ô”": a name
            return
        start, rule = pos, CUE_BEFORE
        if _is_interrupted(ctx, cue):
            start, rule = cue.pieces[0][0], INTERRUPTED
        _emit_preceding_quotation(ctx, sentence, cue)
        emit_with_cue(ctx, sentence, start, content_end, rule, cue)
        return
    _build_backward(ctx, sentence, cue)


def _build_quoted(ctx: ArticleContext, sentence: Sentence, cue: CueMatch) -> None:
    """`Reuters dẫn lời ông X: "Q"` / `..., dẫn lời ông X, Q`: the speaker follows the cue."""
    pieces = ctx.pieces(cue.end, sentence.end)
    if len(pieces) < 2:
        ctx.reject(cue.start, cue.end, CUE_WITHOUT_CONTENT, QUOTED_BY)
        return
    a, b = pieces[0]
    mention = parse_mention(ctx.text[a:b], a)
    if not mention:
        ctx.reject(cue.start, b, NO_SPEAKER_AFTER_CUE, QUOTED_BY)
        return
    content = pieces[1][0]
    if len(pieces) > 2 and parse_mention(ctx.text[pieces[1][0]:pieces[1][1]], pieces[1][0]):
        content = pieces[2][0]  # an apposition after the name
    quoted = CueMatch(cue.start, cue.end, cue.cue, mention, how="quoted_by")
    emit_with_cue(ctx, sentence, content, ctx.trim_end(content, sentence.end), QUOTED_BY, quoted)


def _after_cue(ctx: ArticleContext, cue: CueMatch) -> tuple[int, bool]:
    """Skip an addressee (với báo chí), an object before rằng/là, and rằng / là / : / ,."""
    text = ctx.text
    pos = cue.end
    direct = COMPLEMENTISER.match(text, pos)
    if HAS_COMPLEMENTISER.search(direct.group(0)) or cue.cue.cue.split()[-1] in ("rằng", "là"):
        return direct.end(), True  # a complementiser after the cue, or in it (tin rằng)
    complementiser = "là" if cue.cue.takes == "complement" else "rằng"
    for pattern in (ADDRESSEE, OBJECT_BEFORE[complementiser]):
        if pattern is not ADDRESSEE and not _complementiser_near(ctx, pos, complementiser):
            continue
        m = pattern.match(text, pos)
        if m and not ctx.spans_in(m.start(), m.end()):
            pos = m.end()
    if pos == cue.end:
        return direct.end(), False
    m = COMPLEMENTISER.match(text, pos)
    return m.end(), bool(HAS_COMPLEMENTISER.search(m.group(0)))


def _takes_content(ctx: ArticleContext, cue: CueMatch, sentence_end: int) -> bool:
    if cue.cue.takes != "complement":
        return True
    pos, complementiser = _after_cue(ctx, cue)
    return complementiser or ctx.text[pos:pos + 1] in "“\"«‘'" or _bare_clause_follows(ctx, pos, sentence_end)


def _bare_clause_follows(ctx: ArticleContext, pos: int, end: int) -> bool:
    """`Bị cáo khai đã mua ...`, `Thủ tướng yêu cầu các bộ phải ...`, `kể con tàu vẫn trôi`:
    without rằng, a clause shows itself by a tense, aspect or modal word, or an adverb that
    only stands before a verb, among its first words; a noun object (`thừa nhận toàn bộ hành
    vi`) has none."""
    opener = modifier_regex("clause_opener").search(ctx.text, pos + 1, end)  # "phủ nhận ý định X nhưng đã ...":
    end = opener.start() if opener else end  # a marker after a conjunction belongs to the next clause
    # (one that opens the clause itself, `khai vì quá bức xúc nên đã ...`, belongs to it);
    comma = ctx.text.find(",", pos, end)  # and one after a comma: `phân tích của Công ty X, thị trường đã`
    end = comma if comma > pos else end
    words = [m.group(0) for m in islice(TOKEN.finditer(ctx.text, pos, end), MAX_BARE_CLAUSE_WORDS + 1)]
    markers = ctx.lex.clause_markers
    if any(fold_key(words[i]) in markers or fold_key(" ".join(words[i:i + 2])) in markers  # đã, có thể
           for i in range(min(len(words), MAX_BARE_CLAUSE_WORDS))):
        return True
    window = " ".join(words[:MAX_BARE_CLAUSE_WORDS])
    return any(fold_key(m.group(0)) in PREDICATE_ADVERBS for m in modifier_regex("adverb").finditer(window))


# Adverbs of the modifier lexicon that stand only before a verb (chỉ biết, vẫn giữ, luôn sẵn
# sàng): in the words after a cue they show a predicate, so a clause. (còn is one too, but it
# also opens a clause of its own, `còn X thì`, and the window ends there.)
PREDICATE_ADVERBS = frozenset(fold_key(w) for w in ("cũng", "vẫn", "luôn", "chỉ", "từng", "đều", "tiếp tục"))


# A reported clause never opens with `về` (about): `chia sẻ về việc X`, `nói gì về X` give the
# topic; `về lâu dài`, `về cơ bản`, `về phía X`, `về mặt`, `về nguyên tắc` open a clause as adverbs.
TOPIC_OPENING = regex.compile(r"(?:gì\s+)?về" + WORD_END + r"(?!\s+(?:lâu dài|cơ bản|phía|mặt|nguyên tắc)" + WORD_END + ")",
                              regex.IGNORECASE)


# Words that make the next one a noun: `có yêu cầu`, `một đề nghị`, `các kiến nghị`.
NOUN_BEFORE = regex.compile(WORD_START + r"(?:có|một|các|những|mọi|nhiều)\s+$", regex.IGNORECASE)


def _directive_follows(ctx: ArticleContext, cue: CueMatch, pos: int, end: int) -> bool:
    """`Thủ tướng yêu cầu Ủy ban đổi mới cách làm`, `đề nghị các bộ rà soát lại quy trình`: a
    directive cue, then who is asked (a speaker phrase: a body, a title, a group) and what they
    are to do (a few more words), is reported speech, though no tense word shows it; `yêu cầu
    bồi thường` (a plain object) names no one asked."""
    if cue.cue.cls != "directive" or NOUN_BEFORE.search(ctx.text, max(0, cue.start - 12), cue.start):
        return False  # "Trong số đó có yêu cầu Nato ...": a demand, the noun, not someone asking
    asked = next(mention_prefixes(ctx.text, pos, end, MAX_PREFIX_WORDS), None)
    if asked is None or asked[1].kind == "pronoun":
        return False
    return has_words(ctx.text, asked[0], end, MIN_DIRECTIVE_WORDS)


def _complementiser_near(ctx: ArticleContext, pos: int, complementiser: str) -> bool:
    """Whether an object-then-complementiser can follow pos at all: the object holds no
    punctuation, so the complementiser must start before the next mark. A cheap test that
    spares most cues the slow pattern."""
    stop = OBJECT_STOP.search(ctx.text, pos)
    limit = stop.start() if stop else len(ctx.text)
    words = ("rằng", "là") if complementiser == "là" else ("rằng",)
    return any(ctx.may_hold(word, pos, limit + len(word)) for word in words)


def _clause_end(ctx: ArticleContext, start: int, limit: int) -> int:
    """The end of the reported clause: the limit, minus a source tail and final punctuation."""
    end = limit
    tail = NARRATIVE_TAIL.search(ctx.text, start, end) if ctx.may_hold("hỏi", start, end) else None
    if tail and not ctx.inside_quotation(tail.start()):
        end = tail.start()
    source = THEO_CLOSING.search(ctx.text, start, end) if ctx.may_hold("theo", start, end) else None
    if source and parse_mention(source.group("np"), source.start("np")):
        end = source.start()
    return ctx.trim_end(start, end)


def _is_interrupted(ctx: ArticleContext, cue: CueMatch) -> bool:
    """`Nato, ông nói, đã chuẩn bị ...`: content before and after a subject-and-cue aside.
    Only the spaces and the comma after the cue are read, never the rest of the article."""
    if cue.subject_piece < 1 or cue.how:
        return False
    text = ctx.text
    comma = _skip_spaces(text, cue.end, len(text))
    if comma >= len(text) or text[comma] != ",":
        return False
    if not predicate_starts().match(text, _skip_spaces(text, comma + 1, len(text))):
        return False
    first, first_start = strip_edges(text[cue.pieces[0][0]:cue.pieces[0][1]], cue.pieces[0][0])
    if not first or len(first.split()) > MAX_ASIDE_HEAD_WORDS or adjunct_starts().match(first):
        return False  # "Còn về phía Bộ X, ông Y nói, ...": an adjunct after its connector is no content
    return parse_mention(first, first_start) is not None or not first[0].islower()


def _skip_spaces(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


def _emit_preceding_quotation(ctx: ArticleContext, sentence: Sentence, cue: CueMatch) -> None:
    """`"Q1," HLV X nói, "Q2"`: a quotation right before the subject is the speaker's too."""
    if cue.subject_piece < 1:
        return
    a, b = cue.pieces[cue.subject_piece - 1]
    spans = [s for s in ctx.spans_in(a, b) if s.open == a]
    if spans and not ctx.text[spans[0].outer_end:b].strip(" " + END_PUNCT):
        emit_with_cue(ctx, sentence, spans[0].open, spans[0].outer_end, CUE_BETWEEN, cue)


def _build_backward(ctx: ArticleContext, sentence: Sentence, cue: CueMatch) -> None:
    """`"Q", ông X nói.` / `Q, X cho biết.` / `"Q" - bà X cho hay`: the content precedes."""
    content = _content_before(ctx, sentence, cue)
    if content is None:
        ctx.reject(cue.start, cue.end, CUE_WITHOUT_CONTENT, CUE)
        return
    emit_with_cue(ctx, sentence, content[0], content[1], CUE_AFTER, cue)


def _content_before(ctx: ArticleContext, sentence: Sentence, cue: CueMatch) -> tuple[int, int] | None:
    """What was said, before the subject of a cue that closes it, if anything."""
    if cue.subject_piece < 1:
        return None
    text = ctx.text
    start = cue.pieces[0][0]
    while start < len(text) and text[start].isspace():
        start += 1
    end = ctx.trim_end(start, cue.pieces[cue.subject_piece - 1][1])
    opens_quote = bool(ctx.spans_in(start, start + 1))
    if start > ctx.sentence_start(sentence) + 1 and not opens_quote:
        return None  # content that starts after another cue is that cue's object (bày tỏ sự thất vọng)
    if end <= start or adjunct_starts().match(text, start) and len(text[start:end].split()) <= MAX_ASIDE_HEAD_WORDS:
        return None  # "Tại cơ quan điều tra, nhóm này khai ...": a short adjunct before the subject says nothing
    return start, end


def _quote_in_next_paragraph(ctx: ArticleContext, cue: CueMatch, sentence: Sentence) -> bool:
    """`Ông nói thêm:` closing a paragraph, the quotation opening the next one."""
    index = sentence.paragraph + 1
    if index >= len(ctx.seg.paragraphs):
        return False
    paragraph = ctx.seg.paragraphs[index]
    spans = ctx.spans_in(paragraph.start, paragraph.start + 1)
    if not spans:
        return False
    emit_with_cue(ctx, ctx.first_sentence[index], spans[0].open, spans[0].outer_end, CUE_COLON_NEXT_PARAGRAPH, cue)
    return True

