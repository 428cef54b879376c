"""Who speaks: the subject of a cue, read from the pieces of text before it.

A cue's region (from the sentence start, or the previous cue) is cut into pieces at
separators; the subject is the piece right before the cue, parsed as a mention, else a phrase
set off by commas (`Ông X, Chủ tịch Y, cho biết`), else the subject of the clause or the cue it
is coordinated with (`... nhưng nói rằng`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from quotes.extraction.context import SEPARATOR, ArticleContext, Candidate
from quotes.extraction.lexicon import WORD_END, WORD_START, Cue, modifier_regex
from quotes.extraction.limits import MAX_APPOSITION_WORDS, MAX_APPOSITIONS, MAX_EPITHET_WORDS, MAX_PREFIX_WORDS
from quotes.extraction.mentions import TOKEN, looks_like_role, mention_prefixes, parse_mention, strip_edges
from quotes.extraction.normalise import VIETNAMESE_LETTERS, fold_key
from quotes.extraction.rules import Rule
from quotes.extraction.segment import Sentence, whole_word_positions
from quotes.extraction.speakers import GENERIC_ROLE_HEADS
from quotes.records import Mention

CONJUNCTION = regex.compile(WORD_START + r"(?:nhưng|và|song|rồi|còn|đồng thời)" + WORD_END
                            + r"(?:\s+(?:cũng|đã|còn|vẫn|lại|sau đó))*\s*$", regex.IGNORECASE)
# "Như báo X đã đưa tin, Q", "Theo X khai, Q": the source before its cue; not a simile (như một lời nhắc nhở)
AS_REPORTED_BY = regex.compile(r"\s*(?:như|theo)\s+(?!một" + WORD_END + ")", regex.IGNORECASE)
PASSIVE = regex.compile(WORD_START + r"được" + WORD_END + r"\s+", regex.IGNORECASE)
DASH_ONLY = regex.compile(r"\s*[-–]\s*")
# "Công ty X do ông Y làm chủ tịch vừa cho biết": a relative clause saying who leads the subject
RELATIVE_CLAUSE = regex.compile(r"\s+do\s+\S.{0,80}?\s(?:làm|giữ chức|đứng đầu|phụ trách)(?:\s.*)?$", regex.IGNORECASE)


@dataclass(slots=True)
class CueMatch:
    """A cue in the text and, once found, its subject."""

    start: int
    end: int
    cue: Cue
    subject: Mention | None = None
    subject_start: int = 0  # where the attribution (subject or its conjunction) starts
    how: str = ""  # how the subject was found: "", aside, coordinated, clause, quoted_by
    pieces: list[tuple[int, int]] = field(default_factory=list)
    subject_piece: int = -1


def adjunct_starts() -> regex.Pattern:
    return modifier_regex("adjunct")


def predicate_starts() -> regex.Pattern:
    return modifier_regex("predicate_start")


def emit_with_cue(ctx: ArticleContext, sentence: Sentence, start: int, end: int, rule: Rule, cue: CueMatch,
                  mention: Mention | None = None) -> Candidate | None:
    """A quote whose cue is known: the candidate records the cue as written and its lemma."""
    candidate = ctx.emit(sentence, start, end, rule, mention or cue.subject)
    if candidate:
        candidate.cue, candidate.cue_lemma = ctx.text[cue.start:cue.end], cue.cue.lemma
        candidate.cue_start, candidate.cue_end = cue.start, cue.end
        if cue.how == "coordinated":
            candidate.flags.append("shared_subject")
    return candidate


def find_subject(ctx: ArticleContext, cue: CueMatch, region_start: int, previous: CueMatch | None) -> None:
    """The noun phrase right before the cue, with its asides and adverbs."""
    text = ctx.text
    pieces = ctx.pieces(region_start, cue.start)
    cue.pieces = pieces
    if not pieces:
        _inherit(ctx, cue, previous, cue.start)
        return
    a, b = pieces[-1]
    if previous and previous.cue.cls == "quote_of":
        _quoted_speaker(ctx, cue, pieces)
        return
    if SEPARATOR.search(text[b:cue.start]) or not strip_edges(text[a:b], a)[0]:
        # "Ông Putin, sau nhiều tuần im lặng, cảnh báo" / "..., nói rằng": nothing right before the cue
        if previous and previous.subject:
            _inherit(ctx, cue, previous, b)
        else:
            set_off_subject(ctx, cue, pieces)
        return
    piece = text[a:b]
    attempts = [(piece, a)]
    passive = list(PASSIVE.finditer(piece))
    if passive:
        attempts.append((piece[passive[-1].end():], a + passive[-1].end()))
    relative = RELATIVE_CLAUSE.search(piece) if " do " in piece else None
    if relative:
        attempts.append((piece[:relative.start()], a))
    as_reported = AS_REPORTED_BY.match(piece)
    if as_reported:  # "Như báo X đã đưa tin, Q", "Theo X khai, Q": X said Q
        attempts.append((piece[as_reported.end():], a + as_reported.end()))
    for phrase, offset in attempts:
        if cue.subject:
            break
        cue.subject = parse_mention(phrase, offset) or _known_name(ctx, phrase, offset)
        if cue.subject and looks_like_common_word(ctx, cue.subject):
            cue.subject = None
    after_dash = len(pieces) >= 2 and DASH_ONLY.fullmatch(text, pieces[-2][1], a) is not None
    if cue.subject:
        cue.subject_start, cue.subject_piece = ctx.attribution_start(a), len(pieces) - 1
        if after_dash:
            set_off_subject(ctx, cue, pieces)  # "Ông X - Chủ tịch Y cho biết": rank the two
        elif cue.subject.kind == "title":
            _named_before_role(ctx, cue, pieces)
        elif cue.subject.kind == "unnamed":
            _named_before_apposition(ctx, cue, pieces)  # "Anh Andrew, một nhân chứng nói": Andrew
        return
    conj = CONJUNCTION.search(piece)
    if conj:  # "X không nhượng bộ nhưng nói rằng": the subject is the clause's own
        if previous and previous.subject:
            _inherit(ctx, cue, previous, a + conj.start())
        else:
            _inherit_from_clause(ctx, cue, a, a + conj.start())
        return
    if after_dash:
        set_off_subject(ctx, cue, pieces)  # "Ông X - ngư dân ở huyện Y thừa nhận"
        if cue.subject:
            return
    if _subject_in_piece(ctx, cue, piece, a, len(pieces) - 1):
        return
    inner = list(modifier_regex("clause_opener").finditer(piece))
    if inner:  # "... là cởi mở và hữu ích nhưng ông cáo buộc": a new clause with its own subject
        m = inner[-1]
        cue.subject = parse_mention(piece[m.end():], a + m.end())
        if cue.subject:
            cue.subject_start, cue.subject_piece, cue.how = a + m.start(), len(pieces) - 1, "clause"
            return
    _named_before_apposition(ctx, cue, pieces)
    if not cue.subject:
        _epithet(ctx, cue, pieces)


# An epithet's optional first word: former, woman, man, or the respectful classifier (vị).
EPITHET_LEAD = regex.compile(r"(?:cựu|nữ|nam|vị)\s+")
SENTENCE_CLOSE = regex.compile(r"\s*(?:[.!?…]|$)")


def _epithet(ctx: ArticleContext, cue: CueMatch, pieces: list[tuple[int, int]]) -> None:
    """`"Q", chiến lược gia 57 tuổi từng vô địch World Cup cho hay.`: after what was said, a
    lower-case phrase led by a title (whatever follows it) and a cue closing the sentence
    describes someone already named: a description, resolved like `vị tướng này`."""
    if len(pieces) < 2 or not SENTENCE_CLOSE.match(ctx.text, cue.end):
        return
    a, b = pieces[-1]
    phrase, start = strip_edges(ctx.text[a:b], a)
    if not phrase[:1].islower() or len(phrase.split()) > MAX_EPITHET_WORDS:
        return
    lead = EPITHET_LEAD.match(phrase)
    title = ctx.lex.title_regex.match(phrase, lead.end() if lead else 0)
    if not title or fold_key(title.group(0)) in GENERIC_ROLE_HEADS:
        return  # "đại diện ca sĩ X": someone speaking for X, not X
    gender = {"nữ": "f", "nam": "m"}.get(lead.group(0).strip() if lead else "", "any")
    cue.subject = Mention(phrase, start, start + len(phrase), "description", title=title.group(0), gender=gender,
                          gender_evidence="title" if gender != "any" else "")
    cue.subject_start, cue.subject_piece = ctx.attribution_start(a), len(pieces) - 1


def _named_before_apposition(ctx: ArticleContext, cue: CueMatch, pieces: list[tuple[int, int]]) -> None:
    """`Ông X, Chính ủy Bộ Tư lệnh Y cho biết` (no comma before the cue), `Ông X, Cục trưởng
    Cục Y, Thanh tra Z cho biết`: the piece before the cue, which is no speaker, is an
    apposition, and the speaker is the person named with a title or honorific before it."""
    a, b = pieces[-1]
    last = ctx.text[a:b].strip()
    first_word = fold_key(last.split()[0]) if last else ""
    if len(last.split()) > MAX_APPOSITION_WORDS or first_word in ctx.lex.clause_markers \
            or modifier_regex("adverb").match(last) or predicate_starts().match(last):
        return  # "Ông X, Chủ tịch xã, đã trực tiếp chỉ đạo ...": a predicate, not an apposition
    for k in range(len(pieces) - 2, max(-1, len(pieces) - 2 - MAX_APPOSITIONS), -1):
        start, end = pieces[k]
        mention = parse_mention(ctx.text[start:end], start)
        if mention and mention.kind == "name" and (mention.title or mention.gender != "any"
                                                   or _full_name_before_role(ctx, mention, last)
                                                   or _foreign_name_before_description(cue, mention)):
            cue.subject, cue.how = mention, "aside"
            cue.subject_start, cue.subject_piece = ctx.attribution_start(start), k
            return


def _named_before_role(ctx: ArticleContext, cue: CueMatch, pieces: list[tuple[int, int]]) -> None:
    """`Thượng tá Phạm Tài, Phó trưởng Công an huyện X cho rằng`: a role right before the cue,
    set off by a comma from a name just before it, is that person's apposition (its closing
    comma missing); the speaker is the named person, with the role as title. A second role
    may stand between them (`Ông X, Phó Chủ tịch Hội Y, nguyên Thứ trưởng Z cho rằng`); one whose
    body ends in lower case is no title alone, and stops the search (a known failure)."""
    for k in range(len(pieces) - 2, max(-1, len(pieces) - 2 - MAX_APPOSITIONS), -1):
        (a, b), (c, _) = pieces[k], pieces[k + 1]
        if "," not in ctx.text[b:c]:
            return
        mention = parse_mention(ctx.text[a:b], a)
        if mention is None or mention.kind not in ("name", "title") or looks_like_common_word(ctx, mention):
            return
        if mention.kind == "name":
            if not mention.title and cue.subject:
                mention.title = cue.subject.title
            cue.subject, cue.how = mention, "aside"
            cue.subject_start, cue.subject_piece = ctx.attribution_start(a), k
            return


def _full_name_before_role(ctx: ArticleContext, mention: Mention, apposition: str) -> bool:
    """`Audrey Gaskins, đồng tác giả nghiên cứu cho biết`: a bare name of two words or more,
    then a phrase that reads as a role (it opens in lower case or with a title), is a person
    with an apposition whose closing comma is missing."""
    if len(mention.name.split()) < 2 or not apposition or fold_key(mention.name.split()[0]) in ctx.lex.function_words:
        return False  # "Theo Al-Monitor, đây là ...": a source, then a clause
    return ctx.lex.title_regex.match(apposition) is not None or looks_like_role(apposition.split())


def _foreign_name_before_description(cue: CueMatch, mention: Mention) -> bool:
    """`Howard, một nhân chứng nói`: a foreign name (one word will do), then an unnamed source
    phrase right before the cue, is the person that phrase describes."""
    return cue.subject is not None and cue.subject.kind == "unnamed" and not VIETNAMESE_LETTERS.search(mention.name)


def _known_name(ctx: ArticleContext, phrase: str, offset: int) -> Mention | None:
    """`Phương Nga thừa nhận`: capitalised words that are all words of a name the article gives
    in full (Trương Hồ Phương Nga) are that person, even where one is also a country (Nga)."""
    stripped, start = strip_edges(phrase, offset)
    words = stripped.split()
    if not 2 <= len(words) <= 3 or not all(w[0].isupper() and fold_key(w) in ctx.known_names for w in words):
        return None
    return Mention(stripped, start, start + len(stripped), "name", name=stripped)


def looks_like_common_word(ctx: ArticleContext, mention: Mention) -> bool:
    """`Đáng chú ý, ...` / `Quân đội ...`: a lone capitalised Vietnamese word opening a
    sentence is an ordinary word, unless the article names someone by it."""
    if mention.kind != "name" or mention.title or mention.gender != "any" or " " in mention.name:
        return False
    at_sentence_start = mention.start in ctx.sentence_starts or \
        ctx.text[max(0, mention.start - 2):mention.start] in (". ", "\n")
    if not at_sentence_start or fold_key(mention.name) in ctx.known_names:
        return False
    # Vietnamese by its letters, or a word the article also writes in lower case (Mong, Nghe)
    return bool(VIETNAMESE_LETTERS.search(mention.name)) or _written_in_lower_case(ctx.text, mention.name)


def _written_in_lower_case(text: str, word: str) -> bool:
    lower = word.lower()
    return lower != word and next(whole_word_positions(text, lower), None) is not None


def _subject_in_piece(ctx: ArticleContext, cue: CueMatch, piece: str, offset: int, index: int) -> bool:
    """Two common shapes the whole-piece parse misses: an adjunct with no comma before the
    subject (`Trước tòa Nghĩa khai ...`), and a manner word between the subject and the cue
    (`Cô nức nở bộc bạch rằng ...`)."""
    words = list(TOKEN.finditer(piece))
    if words and adjunct_starts().match(piece):
        for w in words[1:]:
            if w.group(0)[0].isupper():
                mention = parse_mention(piece[w.start():], offset + w.start())
                if mention and mention.kind in ("name", "title", "organization") and not looks_like_common_word(ctx, mention):
                    cue.subject, cue.subject_start, cue.subject_piece = mention, ctx.attribution_start(offset), index
                    return True
    for k in (len(words) - 1, len(words) - 2):
        if k < 1 or any(w.group(0)[0].isupper() for w in words[k:]):
            continue
        mention = parse_mention(piece[: words[k - 1].end()], offset)
        if mention and mention.kind in ("name", "pronoun", "description") and not looks_like_common_word(ctx, mention):
            cue.subject, cue.subject_start, cue.subject_piece = mention, ctx.attribution_start(offset), index
            return True
    return False


def _inherit(ctx: ArticleContext, cue: CueMatch, previous: CueMatch | None, at: int) -> None:
    """A cue with no subject of its own shares the subject of the cue before it."""
    if previous and previous.subject:
        cue.subject, cue.how = previous.subject, "coordinated"
        cue.subject_start = ctx.attribution_start(at)


def _inherit_from_clause(ctx: ArticleContext, cue: CueMatch, clause_start: int, conjunction: int) -> None:
    """`X không nhượng bộ nhưng nói rằng`: the subject is the longest speaker phrase that opens
    the clause before the conjunction."""
    found = next(mention_prefixes(ctx.text, clause_start, conjunction, MAX_PREFIX_WORDS), None)
    if found and not looks_like_common_word(ctx, found[1]):  # "Dự và chỉ đạo ...": a verb, not a name
        cue.subject, cue.how = found[1], "coordinated"
        cue.subject_start = ctx.attribution_start(conjunction)


def set_off_subject(ctx: ArticleContext, cue: CueMatch, pieces: list[tuple[int, int]]) -> None:
    """The subject set off by commas before the cue: `Ông X, Chủ tịch Y, cho biết`,
    `Chủ tịch Y, ông X, cho biết`, `Ông Putin, sau nhiều tuần im lặng, cảnh báo`.
    A piece naming a person with an honorific wins; else the earlier piece (the usual
    `name, apposition,` order); else the last one."""
    options = []
    for k in (len(pieces) - 2, len(pieces) - 1):
        if k < 0:
            continue
        a, b = pieces[k]
        mention = parse_mention(ctx.text[a:b], a)
        if mention and mention.kind != "pronoun" or (mention and k == len(pieces) - 1):
            options.append((k, mention))
    if not options:
        return
    k, mention = min(options, key=lambda o: (_subject_rank(ctx, o[1]), o[0]))
    other = [o for o in options if o[0] != k]
    if other and other[0][1].title and mention.kind == "name" and not mention.title:
        mention.title = other[0][1].title if other[0][1].kind == "title" else other[0][1].text
    cue.subject, cue.how = mention, "aside"
    first = min(k, options[0][0])
    cue.subject_start, cue.subject_piece = ctx.attribution_start(pieces[first][0]), first


def _subject_rank(ctx: ArticleContext, mention: Mention) -> int:
    """Which of two set-off phrases is the speaker: an honorific or a pronoun first, then a
    title directly before a name (PGS.TS Lê Minh Tâm), then anything else (a relative unnamed,
    `Ca sĩ X, vợ anh Y,`, is the named person's apposition, though its kin word has a gender)."""
    if mention.kind == "pronoun" or (mention.gender != "any" and mention.kind != "unnamed"):
        return 0
    if mention.kind == "name" and (not mention.title or fold_key(mention.title) in ctx.lex.titles):
        return 1
    return 2


def _quoted_speaker(ctx: ArticleContext, cue: CueMatch, pieces: list[tuple[int, int]]) -> None:
    """`A dẫn lời B (, apposition,) nói ...`: the speaker is B, the first piece after dẫn lời."""
    a, b = pieces[0]
    cue.subject = parse_mention(ctx.text[a:b], a)
    cue.how = "quoted_by"
    cue.subject_start, cue.subject_piece = ctx.attribution_start(a), 0
