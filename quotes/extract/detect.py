"""Stages 3-4: detect quotations and attribute each to a speaker mention.

Three detectors run over each sentence, in order of how much evidence they need:

1. cues: `S CUE (rằng|:|,) Q`, `Q, S CUE.`, `A dẫn lời B nói Q`, `được S mô tả là Q`,
   `Q1, S CUE, Q2` (interrupted), two cues in one sentence;
2. sources: `Theo S, Q` and `Q, theo S.`;
3. quote-mark spans left over: `S: "Q"` with a manner phrase before the colon, a passage
   continuing the previous speaker (floating), else rejected as a scare quote or a name.

Every candidate that fails a guard clause becomes a Rejection with the reason.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

import regex

from quotes.extract.lexicon import WORD_END, WORD_START, Cue, load, modifier_regex
from quotes.extract.mentions import TOKEN, parse_mention, strip_edges
from quotes.extract.normalise import fold_key
from quotes.records import Mention, Rejection
from quotes.extract.segment import QuoteSpan, Segmented, Sentence, is_letter, pair_quote_marks

SEPARATOR = regex.compile(r"\s*[,;:–—]\s*|\s+-\s+|\s*-\s+|\s+-(?=\S)")
SEPARATOR_MARKS = ",;:–—-"  # every separator holds one of these
_SEPARATOR_MARK = regex.compile(f"[{regex.escape(SEPARATOR_MARKS)}]")
END_PUNCT = ".,;:!?…"
CONJUNCTION = regex.compile(WORD_START + r"(?:nhưng|và|song|rồi|còn|đồng thời)" + WORD_END + r"(?:\s+(?:cũng|đã|còn|vẫn|lại|sau đó))*\s*$", regex.IGNORECASE)
PASSIVE = regex.compile(WORD_START + r"được" + WORD_END + r"\s+", regex.IGNORECASE)
ADDRESSEE = regex.compile(r"\s*(?:với|trước|cho|trên|qua)\s+[^,:;.!?“”\"«»]{1,50}?(?=\s*(?:rằng|là|:|,)" + WORD_END + ")", regex.IGNORECASE)
# An object before the complementiser: "nhắc lại lập trường rằng", "gọi cuộc đàm phán là".
OBJECT_BEFORE = {
    "rằng": regex.compile(r"\s+(?:(?!rằng|là)[^,:;.!?“”\"«»])" + r"{1,60}?\s+(?=rằng" + WORD_END + ")", regex.IGNORECASE),
    "là": regex.compile(r"\s+(?:(?!rằng|là)[^,:;.!?“”\"«»])" + r"{1,60}?\s+(?=(?:rằng|là)" + WORD_END + ")", regex.IGNORECASE),
}
OBJECT_STOP = regex.compile(r"[,:;.!?“”\"«»]")  # what the object of OBJECT_BEFORE never holds
COMPLEMENTISER = regex.compile(r"(?:\s*[:,]\s*|\s*)(?:(?:rằng|là)" + WORD_END + r")?(?:\s*[:,])?\s*", regex.IGNORECASE)
HAS_COMPLEMENTISER = regex.compile(r"[:,]|rằng|là", regex.IGNORECASE)
TAIL_ONLY = regex.compile(r"^(?:(?:ngay\s+)?(?:tại|trong|với|khi|hôm|ngày|sau|trước|trên|ở|lúc|thêm|vào)" + WORD_END + r"[^“”\"«»]{0,80})?$", regex.IGNORECASE)
NARRATIVE_TAIL = regex.compile(r",\s*khi\s+(?:được|bị)\s+hỏi" + WORD_END, regex.IGNORECASE)
SOURCE_BEFORE = regex.compile(r"(?P<theo>theo)\s+(?P<np>[^,;:“”\"«»]{1,80}?)\s*,\s*", regex.IGNORECASE)
SOURCE_AFTER = regex.compile(r",\s*(?P<theo>theo)\s+(?P<np>[^,;:“”\"«»]{1,60}?)\s*[.!]?\s*$", regex.IGNORECASE)
AFTER_THEO = regex.compile(WORD_START + r"theo\s+$", regex.IGNORECASE)
SOURCE_INSIDE = regex.compile(r",\s*(?P<theo>theo)\s+(?P<np>[^,;:“”\"«»]{1,60}?)\s*,\s*", regex.IGNORECASE)
VIETNAMESE_LETTERS = regex.compile(r"[đĐơƠưƯăĂâÂêÊôÔ]|[\u0300\u0301\u0303\u0309\u0323]|[à-ỹ]")
DASH = regex.compile(r"\s+[-–]\s")
DASH_ONLY = regex.compile(r"\s*[-–]\s*")
CLAUSE_CONJUNCTION = regex.compile(WORD_START + r"(?:nhưng|và|song|rồi|còn)" + WORD_END + r"\s+", regex.IGNORECASE)
LOI_CUA = regex.compile(r"lời(?: kể)?(?: của)?\s+", regex.IGNORECASE)
HEADLINE_SPEAKER = regex.compile(r"([^:“”\"«»]{2,60}):\s+")
BEFORE_COLON = regex.compile(r"([^,;:.“”\"«»]{1,120}):\s*$")
MIN_INDIRECT_WORDS = 3
SCARE_QUOTE_WORDS = 4
SOURCE_CUE = Cue("theo", "theo", "source", "clause")  # cues are immutable: one serves every match


@lru_cache(maxsize=1 << 12)
def manner_cue(manner: str) -> Cue:
    """The cue of a colon quotation: the manner words before the colon (thốt lên), or the colon."""
    lemma = load().cues.get(fold_key(manner))
    return Cue(manner or ":", lemma.lemma if lemma else None, "manner", "complement")


def _is_space(char: str) -> bool:
    """What `\\s` matches in `regex` (str.isspace also counts the separators \\x1c-\\x1f)."""
    return char.isspace() and not "\x1c" <= char <= "\x1f"


def separators(text: str, start: int, end: int):
    """The matches of SEPARATOR.finditer(text, start, end), found by jumping from mark to mark
    (, ; : – — -) instead of trying the pattern at every space: a match starts at the spaces
    right before its mark, so the pattern is tried there only."""
    pos = start
    while mark := _SEPARATOR_MARK.search(text, pos, end):
        at = mark.start()
        while at > pos and _is_space(text[at - 1]):
            at -= 1
        m = SEPARATOR.match(text, at, end)
        if m:
            yield m
        pos = m.end() if m else mark.end()


def has_words(text: str, start: int, end: int, n: int) -> bool:
    """Whether text[start:end] holds at least n words (TOKEN matches). A word never spans a
    space, so n space-separated chunks that start with a letter or digit hold n words: the
    usual answer, without the pattern. Otherwise the words are counted, up to n."""
    chunks = text[start:end].split(None, n)
    if sum(1 for chunk in chunks[:n] if is_letter(chunk[0])) >= n:
        return True
    return sum(1 for _ in islice(TOKEN.finditer(text, start, end), n)) >= n


def _adjunct_starts() -> regex.Pattern:
    return modifier_regex("adjunct")


def _predicate_starts() -> regex.Pattern:
    return modifier_regex("predicate_start")


@dataclass(slots=True)
class Candidate:
    start: int
    end: int
    quote_type: str
    rule: str
    sentence: Sentence
    mention: Mention | None = None
    cue: str | None = None
    cue_lemma: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    flags: list[str] = field(default_factory=list)
    inherited: Candidate | None = None  # floating / coordinated: the quote whose speaker is shared
    spans: list[QuoteSpan] = field(default_factory=list)


@dataclass(slots=True)
class CueMatch:
    start: int
    end: int
    cue: Cue
    subject: Mention | None = None
    subject_start: int = 0  # where the attribution (subject or its conjunction) starts
    how: str = ""  # how the subject was found
    pieces: list[tuple[int, int]] = field(default_factory=list)
    subject_piece: int = -1


class ArticleDetector:
    def __init__(self, article_id: str, seg: Segmented, headline: bool = False, known_names: frozenset = frozenset()):
        self.article_id = article_id
        self.known_names = known_names  # folded words of the names the article gives in full
        self.headline = headline  # the first paragraph is the article's headline
        self.seg = seg
        self.text = seg.text
        self.lex = load()
        self.candidates: list[Candidate] = []
        self.rejections: list[Rejection] = []
        self.used_spans: set[int] = set()
        self.sentence_starts = {s.start for s in seg.sentences}
        self.content_starts = [self._content_start(s) for s in seg.sentences]  # by sentence index
        self.first_sentence: dict[int, Sentence] = {}
        for sentence in reversed(seg.sentences):
            self.first_sentence[sentence.paragraph] = sentence
        self.taken: list[tuple[int, int]] = []  # spans of the quotes found, sorted
        self.by_end: list[tuple[int, int]] = []  # (end, index into candidates), sorted
        # Indexes built once per article: quote spans and every cue and trap match, by offset.
        self.span_opens = [s.open for s in seg.quotes]
        self.span_inner_starts = [s.inner_start for s in seg.quotes]
        self.lowered = seg.lowered
        self.cue_matches = list(self.lex.cue_regex.finditer(self.text, self.lowered))
        self.cue_starts = [m.start() for m in self.cue_matches]
        # Traps only matter where they overlap a cue.
        self.trap_matches = list(self.lex.trap_regex.finditer(self.text, self.lowered)) if self.cue_matches else []
        self.trap_starts = [m.start() for m in self.trap_matches]

    # -- helpers ---------------------------------------------------------------
    def reject(self, start: int, end: int, reason: str, rule: str) -> None:
        self.rejections.append(Rejection(self.article_id, start, end, self.text[start:end], reason, rule))

    def spans_in(self, start: int, end: int) -> list[QuoteSpan]:
        return self.seg.quotes[bisect_left(self.span_opens, start):bisect_left(self.span_opens, end)]

    def inside_quotation(self, pos: int) -> bool:
        """Spans do not overlap and are sorted, so only the last one starting before pos can hold it."""
        i = bisect_right(self.span_inner_starts, pos) - 1
        return i >= 0 and pos < self.seg.quotes[i].inner_end

    def is_credit(self, sentence: Sentence) -> bool:
        return self.paragraph(sentence).has_credit and self.lex.credit_regex.match(self.text, sentence.start, self.lowered) is not None

    def paragraph(self, sentence: Sentence):
        return self.seg.paragraphs[sentence.paragraph]

    def sentence_start(self, sentence: Sentence) -> int:
        return self.content_starts[sentence.index]

    def _content_start(self, sentence: Sentence) -> int:
        """Skip a caption prefix (Chụp lại hình ảnh, ...) that is page furniture."""
        m = self.lex.caption_prefixes.match(self.text, sentence.start, sentence.end)
        if not m:
            return sentence.start
        rest = self.text[m.end():sentence.end]
        return m.end() + len(rest) - len(rest.lstrip())

    # -- run -------------------------------------------------------------------
    def run(self) -> tuple[list[Candidate], list[Rejection]]:
        content = []
        for sentence in self.seg.sentences:
            if self.paragraph(sentence).furniture or self.is_credit(sentence):
                for span in self.spans_in(sentence.start, sentence.end):
                    self.reject(span.inner_start, span.inner_end, "page_furniture", "furniture")
                continue
            content.append(sentence)
            self.detect_cues(sentence)
            self.detect_sources(sentence)
            self.detect_headline_colon(sentence)
        for sentence in content:
            self.leftover_spans(sentence)
        for candidate in [c for c in self.candidates if "nested" in c.flags and c.quote_type == "direct"]:
            self.nested_quotes(candidate)
        self.candidates.sort(key=lambda c: (c.start, c.end))
        return self.candidates, self.rejections

    # -- 1. cues ---------------------------------------------------------------
    def find_cues(self, sentence: Sentence) -> list[CueMatch]:
        start = self.sentence_start(sentence)
        matches = self.cue_matches[bisect_left(self.cue_starts, start):bisect_left(self.cue_starts, sentence.end)]
        if not matches:
            return []
        traps = [(m.start(), m.end(), self.lex.traps[fold_key(m.group(0))])
                 for m in self.trap_matches[bisect_left(self.trap_starts, start):bisect_left(self.trap_starts, sentence.end)]]
        cues: list[CueMatch] = []
        for m in matches:
            if m.end() > sentence.end:
                continue
            if self.inside_quotation(m.start()):
                continue
            trap = next((t for t in traps if t[0] <= m.start() < t[1] or m.start() <= t[0] < m.end()), None)
            if trap:
                self.reject(trap[0], trap[1], trap[2], "cue_trap")
                continue
            if cues and not self.text[cues[-1].end:m.start()].strip():
                continue  # "tái khẳng định cam kết": a cue word right after a cue is its object
            if self.text[m.start()].isupper() and m.start() > start:
                continue  # "Trung tâm Dự báo Khí tượng": a capitalised cue word inside a name
            if AFTER_THEO.search(self.text, max(start, m.start() - 8), m.start()):
                continue  # "Theo dự báo, ...": a noun after theo, not a speech verb
            cues.append(CueMatch(m.start(), m.end(), self.lex.cues[fold_key(m.group(0))]))
        return cues

    def detect_cues(self, sentence: Sentence) -> None:
        cues = self.find_cues(sentence)
        left = self.sentence_start(sentence)
        for i, cue in enumerate(cues):
            previous = cues[i - 1] if i else None
            region_start = previous.end if previous else left
            self.find_subject(cue, region_start, previous)
        accepted = [c for c in cues if c.subject]
        for cue in cues:
            if not cue.subject:
                self.reject(cue.start, cue.end, "no_speaker_before_cue", "cue")
                continue
            if cue.cue.cls == "quote_of":
                # "A dẫn lời B nói ...": B's own cue takes the quote; without one, dẫn lời does
                if not any(c.start > cue.end for c in accepted):
                    self.build_quoted(sentence, cue)
                continue
            following = [c for c in accepted if c.start > cue.end]
            limit = following[0].subject_start if following else sentence.end
            self.build_from_cue(sentence, cue, limit, left)

    def pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """Split [start, end) at separators and quotation edges that are outside quotations."""
        cuts = [start]
        for m in separators(self.text, start, end):
            if not self.inside_quotation(m.start()) and not self._inside_parenthesis(m.start(), start):
                cuts += [m.start(), m.end()]
        for span in self.spans_in(start, end):
            cuts += [span.open, min(span.outer_end, end)]
        if len(cuts) == 1:  # the usual subject before a cue: nothing to split at
            return [(start, end)] if end > start and not self._is_separator(start, end) else []
        cuts = sorted(set(c for c in cuts if start <= c <= end)) + [end]
        return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a and not self._is_separator(a, b)]

    def _is_separator(self, a: int, b: int) -> bool:
        first = self.text[a]  # a separator starts with a space or its mark: most pieces need no match
        return (first in SEPARATOR_MARKS or _is_space(first)) and SEPARATOR.fullmatch(self.text, a, b) is not None

    def _inside_parenthesis(self, pos: int, start: int) -> bool:
        before = self.text[start:pos]
        return before.count("(") > before.count(")")

    def find_subject(self, cue: CueMatch, region_start: int, previous: CueMatch | None) -> None:
        """Who speaks: the noun phrase right before the cue, with its asides and adverbs."""
        pieces = self.pieces(region_start, cue.start)
        cue.pieces = pieces
        if not pieces:
            self._inherit(cue, previous, cue.start)
            return
        a, b = pieces[-1]
        if previous and previous.cue.cls == "quote_of":
            self._quoted_speaker(cue, pieces)
            return
        if SEPARATOR.search(self.text[b:cue.start]) or not strip_edges(self.text[a:b], a)[0]:
            # "Ông Putin, sau nhiều tuần im lặng, cảnh báo" / "..., nói rằng": nothing right before the cue
            if previous and previous.subject:
                self._inherit(cue, previous, b)
            else:
                self._set_off_subject(cue, pieces)
            return
        piece = self.text[a:b]
        attempts = [(piece, a)]
        passive = list(PASSIVE.finditer(piece))
        if passive:
            attempts.append((piece[passive[-1].end():], a + passive[-1].end()))
        for phrase, offset in attempts:
            if cue.subject:
                break
            cue.subject = parse_mention(phrase, offset)
            if cue.subject and self.looks_like_common_word(cue.subject):
                cue.subject = None
        if cue.subject:
            cue.subject_start, cue.subject_piece = self._attribution_start(a), len(pieces) - 1
            if len(pieces) >= 2 and DASH_ONLY.fullmatch(self.text, pieces[-2][1], a):
                self._set_off_subject(cue, pieces)  # "Ông X - Chủ tịch Y cho biết": rank the two
            return
        conj = CONJUNCTION.search(piece)
        if conj:  # "X không nhượng bộ nhưng nói rằng": the subject is the clause's own
            if previous and previous.subject:
                self._inherit(cue, previous, a + conj.start())
            else:
                self._inherit(cue, None, a + conj.start(), prefix=(piece[:conj.start()], a))
            return
        if len(pieces) >= 2 and DASH_ONLY.fullmatch(self.text, pieces[-2][1], a):
            self._set_off_subject(cue, pieces)  # "Ông X - ngư dân ở huyện Y thừa nhận"
            if cue.subject:
                return
        if self._subject_in_piece(cue, piece, a, len(pieces) - 1):
            return
        inner = list(CLAUSE_CONJUNCTION.finditer(piece))
        if inner:  # "... là cởi mở và hữu ích nhưng ông cáo buộc": a new clause with its own subject
            m = inner[-1]
            cue.subject = parse_mention(piece[m.end():], a + m.end())
            if cue.subject:
                cue.subject_start, cue.subject_piece, cue.how = a + m.start(), len(pieces) - 1, "clause"
                return

    def looks_like_common_word(self, mention: Mention) -> bool:
        """`Đáng chú ý, ...` / `Quân đội ...`: a lone capitalised Vietnamese word opening a
        sentence is an ordinary word, unless the article names someone by it."""
        if mention.kind != "name" or mention.title or mention.gender != "any" or " " in mention.name:
            return False
        at_sentence_start = mention.start in self.sentence_starts or \
            self.text[max(0, mention.start - 2):mention.start] in (". ", "\n")
        vietnamese = bool(VIETNAMESE_LETTERS.search(mention.name))
        return at_sentence_start and vietnamese and fold_key(mention.name) not in self.known_names

    def _subject_in_piece(self, cue: CueMatch, piece: str, offset: int, index: int) -> bool:
        """Two common shapes the whole-piece parse misses: an adjunct with no comma before the
        subject (`Trước tòa Nghĩa khai ...`), and a manner word between the subject and the cue
        (`Cô nức nở bộc bạch rằng ...`)."""
        words = list(TOKEN.finditer(piece))
        if words and _adjunct_starts().match(piece):
            for w in words[1:]:
                if w.group(0)[0].isupper():
                    mention = parse_mention(piece[w.start():], offset + w.start())
                    if mention and mention.kind in ("name", "title", "organization"):
                        cue.subject, cue.subject_start, cue.subject_piece = mention, self._attribution_start(offset), index
                        return True
        for k in (len(words) - 1, len(words) - 2):
            if k < 1 or any(w.group(0)[0].isupper() for w in words[k:]):
                continue
            mention = parse_mention(piece[: words[k - 1].end()], offset)
            if mention and mention.kind in ("name", "pronoun", "description"):
                cue.subject, cue.subject_start, cue.subject_piece = mention, self._attribution_start(offset), index
                return True
        return False

    def _attribution_start(self, piece_start: int) -> int:
        """Back over the separator before the subject, so a clause ends before it."""
        pos = piece_start
        while pos > 0 and self.text[pos - 1] in " ,;–—-":
            pos -= 1
        return pos

    def _inherit(self, cue: CueMatch, previous: CueMatch | None, at: int, prefix=None) -> None:
        """A cue with no subject of its own shares the subject of its clause or of the cue before."""
        if prefix:
            words = list(TOKEN.finditer(prefix[0]))
            for k in range(min(len(words), 12), 0, -1):
                mention = parse_mention(prefix[0][: words[k - 1].end()], prefix[1])
                if mention:
                    cue.subject, cue.how = mention, "coordinated"
                    cue.subject_start = self._attribution_start(at)
                    return
        if previous and previous.subject:
            cue.subject, cue.how = previous.subject, "coordinated"
            cue.subject_start = self._attribution_start(at)

    def _set_off_subject(self, cue: CueMatch, pieces: list[tuple[int, int]]) -> None:
        """The subject set off by commas before the cue: `Ông X, Chủ tịch Y, cho biết`,
        `Chủ tịch Y, ông X, cho biết`, `Ông Putin, sau nhiều tuần im lặng, cảnh báo`.
        A piece naming a person with an honorific wins; else the earlier piece (the usual
        `name, apposition,` order); else the last one."""
        options = []
        for k in (len(pieces) - 2, len(pieces) - 1):
            if k < 0:
                continue
            a, b = pieces[k]
            mention = parse_mention(self.text[a:b], a)
            if mention and mention.kind != "pronoun" or (mention and k == len(pieces) - 1):
                options.append((k, mention))
        if not options:
            return
        k, mention = min(options, key=lambda o: (self._subject_rank(o[1]), o[0]))
        other = [o for o in options if o[0] != k]
        if other and other[0][1].title and mention.kind == "name" and not mention.title:
            mention.title = other[0][1].title if other[0][1].kind == "title" else other[0][1].text
        cue.subject, cue.how = mention, "aside"
        first = min(k, options[0][0])
        cue.subject_start, cue.subject_piece = self._attribution_start(pieces[first][0]), first

    def _subject_rank(self, mention: Mention) -> int:
        """Which of two set-off phrases is the speaker: an honorific or a pronoun first, then a
        title directly before a name (PGS.TS Lê Minh Tâm), then anything else."""
        if mention.gender != "any" or mention.kind == "pronoun":
            return 0
        if mention.kind == "name" and (not mention.title or fold_key(mention.title) in self.lex.titles):
            return 1
        return 2

    def _quoted_speaker(self, cue: CueMatch, pieces: list[tuple[int, int]]) -> None:
        """`A dẫn lời B (, apposition,) nói ...`: the speaker is B, the first piece after dẫn lời."""
        a, b = pieces[0]
        cue.subject = parse_mention(self.text[a:b], a)
        cue.how = "quoted_by"
        cue.subject_start, cue.subject_piece = self._attribution_start(a), 0

    def build_from_cue(self, sentence: Sentence, cue: CueMatch, limit: int, left: int) -> None:
        pos, complementiser = self.after_cue(cue)
        content_end = self.clause_end(pos, limit)
        remainder = self.text[pos:content_end].strip()
        if not remainder and self.text[cue.end:sentence.end].rstrip().endswith(":"):
            if self.quote_in_next_paragraph(cue, sentence):
                return
        if remainder and not TAIL_ONLY.match(remainder):
            if cue.cue.takes == "complement" and not complementiser and not self.text[pos:pos + 1] in "“\"«‘'":
                self.reject(cue.start, content_end, "cue_needs_complementiser", "cue")
                return
            start = pos
            rule = "cue_before"
            if self.is_interrupted(cue, left):
                start, rule = cue.pieces[0][0], "interrupted"
            self.emit_preceding_quotation(sentence, cue)
            self.emit(sentence, start, content_end, rule, cue)
            return
        self.build_backward(sentence, cue)

    def build_quoted(self, sentence: Sentence, cue: CueMatch) -> None:
        """`Reuters dẫn lời ông X: "Q"` / `..., dẫn lời ông X, Q`: the speaker follows the cue."""
        pieces = self.pieces(cue.end, sentence.end)
        if len(pieces) < 2:
            self.reject(cue.start, cue.end, "cue_without_content", "quoted_by")
            return
        a, b = pieces[0]
        mention = parse_mention(self.text[a:b], a)
        if not mention:
            self.reject(cue.start, b, "no_speaker_after_cue", "quoted_by")
            return
        content = pieces[1][0]
        if len(pieces) > 2 and parse_mention(self.text[pieces[1][0]:pieces[1][1]], pieces[1][0]):
            content = pieces[2][0]  # an apposition after the name
        quoted = CueMatch(cue.start, cue.end, cue.cue, mention, how="quoted_by")
        self.emit(sentence, content, self.trim_end(content, sentence.end), "quoted_by", quoted)

    def after_cue(self, cue: CueMatch) -> tuple[int, bool]:
        """Skip an addressee (với báo chí), an object before rằng/là, and rằng / là / : / ,."""
        pos = cue.end
        direct = COMPLEMENTISER.match(self.text, pos)
        if HAS_COMPLEMENTISER.search(direct.group(0)):
            return direct.end(), True
        complementiser = "là" if cue.cue.takes == "complement" else "rằng"
        for pattern in (ADDRESSEE, OBJECT_BEFORE[complementiser]):
            if pattern is not ADDRESSEE and not self.complementiser_near(pos, complementiser):
                continue
            m = pattern.match(self.text, pos)
            if m and not self.spans_in(m.start(), m.end()):
                pos = m.end()
        if pos == cue.end:
            return direct.end(), False
        m = COMPLEMENTISER.match(self.text, pos)
        return m.end(), bool(HAS_COMPLEMENTISER.search(m.group(0)))

    def may_hold(self, word: str, start: int, end: int) -> bool:
        """False only when text[start:end] surely lacks the word (in any case): a cheap test
        before a pattern that needs it."""
        return len(self.lowered) != len(self.text) or self.lowered.find(word, start, end) != -1

    def complementiser_near(self, pos: int, complementiser: str) -> bool:
        """Whether an object-then-complementiser can follow pos at all: the object holds no
        punctuation, so the complementiser must start before the next mark. A cheap test that
        spares most cues the slow pattern."""
        stop = OBJECT_STOP.search(self.text, pos)
        limit = stop.start() if stop else len(self.text)
        words = ("rằng", "là") if complementiser == "là" else ("rằng",)
        return any(self.may_hold(word, pos, limit + len(word)) for word in words)

    def clause_end(self, start: int, limit: int) -> int:
        """The end of the reported clause: the limit, minus a source tail and final punctuation."""
        end = limit
        tail = NARRATIVE_TAIL.search(self.text, start, end) if self.may_hold("hỏi", start, end) else None
        if tail and not self.inside_quotation(tail.start()):
            end = tail.start()
        source = SOURCE_AFTER.search(self.text, start, end) if self.may_hold("theo", start, end) else None
        if source and parse_mention(source.group("np"), source.start("np")):
            end = source.start()
        return self.trim_end(start, end)

    def trim_end(self, start: int, end: int) -> int:
        while end > start and (self.text[end - 1].isspace() or self.text[end - 1] in END_PUNCT):
            if self.inside_quotation(end - 1):
                break
            end -= 1
        return end

    def is_interrupted(self, cue: CueMatch, left: int) -> bool:
        """`Nato, ông nói, đã chuẩn bị ...`: content before and after a subject-and-cue aside."""
        if cue.subject_piece < 1 or cue.how:
            return False
        first_start, first_end = cue.pieces[0]
        first = self.text[first_start:first_end]
        if not self.text[cue.end:].lstrip().startswith(","):
            return False
        after = self.text[cue.end:].lstrip()[1:].lstrip()
        if not _predicate_starts().match(after):
            return False
        if len(first.split()) > 6 or _adjunct_starts().match(first) or parse_mention(first, first_start) is None and first[0].islower():
            return False
        return not _adjunct_starts().match(first)

    def emit_preceding_quotation(self, sentence: Sentence, cue: CueMatch) -> None:
        """`"Q1," HLV X nói, "Q2"`: a quotation right before the subject is the speaker's too."""
        if cue.subject_piece < 1:
            return
        a, b = cue.pieces[cue.subject_piece - 1]
        spans = [s for s in self.spans_in(a, b) if s.open == a]
        if spans and not self.text[spans[0].outer_end:b].strip(" " + END_PUNCT):
            self.emit(sentence, spans[0].open, spans[0].outer_end, "cue_between", cue)

    def build_backward(self, sentence: Sentence, cue: CueMatch) -> None:
        """`"Q", ông X nói.` / `Q, X cho biết.` / `"Q" - bà X cho hay`: the content precedes."""
        if cue.subject_piece < 1:
            self.reject(cue.start, cue.end, "cue_without_content", "cue")
            return
        start = cue.pieces[0][0]
        while start < len(self.text) and self.text[start].isspace():
            start += 1
        end = self.trim_end(start, cue.pieces[cue.subject_piece - 1][1])
        opens_quote = bool(self.spans_in(start, start + 1))
        if start > self.sentence_start(sentence) + 1 and not opens_quote:
            # Content that starts after another cue is that cue's object (bày tỏ sự thất vọng)
            self.reject(cue.start, cue.end, "cue_without_content", "cue")
            return
        if end <= start:
            self.reject(cue.start, cue.end, "cue_without_content", "cue")
            return
        self.emit(sentence, start, end, "cue_after", cue)

    def quote_in_next_paragraph(self, cue: CueMatch, sentence: Sentence) -> bool:
        """`Ông nói thêm:` closing a paragraph, the quotation opening the next one."""
        index = sentence.paragraph + 1
        if index >= len(self.seg.paragraphs):
            return False
        paragraph = self.seg.paragraphs[index]
        spans = self.spans_in(paragraph.start, paragraph.start + 1)
        if not spans:
            return False
        nxt = self.first_sentence[index]
        self.emit(nxt, spans[0].open, spans[0].outer_end, "cue_colon_next_paragraph", cue)
        return True

    def emit(self, sentence: Sentence, start: int, end: int, rule: str, cue: CueMatch | None,
             mention: Mention | None = None, inherited: Candidate | None = None) -> Candidate | None:
        """Type the content by its quotation marks and record the candidate."""
        spans = [s for s in self.spans_in(start, end) if s.outer_end <= end + 1]
        quote_type, start, end = self.classify(start, end, spans)
        if quote_type == "indirect" and not has_words(self.text, start, end, MIN_INDIRECT_WORDS):
            self.reject(start, end, "content_too_short", rule)
            return None
        if self.covered(start, end):
            self.reject(start, end, "overlaps_earlier_quote", rule)
            return None
        flags = sorted({f for s in spans for f in s.flags}) if spans else []
        if sentence.caption or self.paragraph(sentence).caption:
            flags.append("caption")
        if sentence.paragraph == 0 and self.headline:
            flags.append("headline")
        candidate = Candidate(start, end, quote_type, rule, sentence, mention or (cue.subject if cue else None),
                              flags=flags, inherited=inherited, spans=spans)
        if cue:
            candidate.cue, candidate.cue_lemma = self.text[cue.start:cue.end], cue.cue.lemma
            candidate.cue_start, candidate.cue_end = cue.start, cue.end
            if cue.how == "coordinated":
                candidate.flags.append("shared_subject")
        if spans:
            self.used_spans.update(id(s) for s in spans)
        self.candidates.append(candidate)
        insort(self.taken, (start, end))
        insort(self.by_end, (end, len(self.candidates) - 1))
        return candidate

    def classify(self, start: int, end: int, spans: list[QuoteSpan]) -> tuple[str, int, int]:
        """direct if the content is one quotation, mixed if it carries quoted words, else indirect."""
        if not spans:
            return "indirect", start, end
        first = spans[0]
        before = self.text[start:first.open].strip()
        after = self.text[first.outer_end:end].strip(" " + END_PUNCT)
        if not before and (not after or self.text[first.outer_end:end].lstrip().startswith(",") and len(spans) == 1):
            return "direct", first.inner_start, first.inner_end
        last = spans[-1]
        if before.endswith(":") and len(spans) == 1 and not after:  # "nói với báo chí tại X: "Q""
            return "direct", last.inner_start, last.inner_end
        end = max(end, max(s.outer_end for s in spans))
        return "mixed", start, self.trim_end(start, end)

    # -- 2. sources ------------------------------------------------------------
    def detect_sources(self, sentence: Sentence) -> None:
        start = self.sentence_start(sentence)
        if not self.may_hold("theo", start, sentence.end):
            return  # every source pattern needs "theo"
        lead = strip_edges(self.text[start:sentence.end], start)
        before = SOURCE_BEFORE.match(self.text, lead[1], sentence.end)
        if before:
            mention = self.source_mention(before)
            content_start = self.skip_apposition(before.end(), sentence.end)
            content_end = self.trim_end(content_start, sentence.end)
            if mention and not self.covered(content_start, content_end):
                self.emit_source(sentence, content_start, content_end, "source_before", before, mention)
        inside = SOURCE_INSIDE.search(self.text, start, sentence.end)
        if inside and not self.inside_quotation(inside.start()) and inside.start() > start:
            mention = self.source_mention(inside)
            rest = self.skip_apposition(inside.end(), sentence.end)
            head = self.text[start:inside.start()]
            if mention and len(head.split()) <= 6 and _predicate_starts().match(self.text, rest):
                end = self.trim_end(start, sentence.end)
                if not self.covered(start, end):
                    self.emit_source(sentence, start, end, "source_interrupted", inside, mention)
        after = SOURCE_AFTER.search(self.text, start, sentence.end)
        if after and not self.inside_quotation(after.start()):
            mention = self.source_mention(after)
            content_end = self.trim_end(start, after.start())
            if mention and not self.covered(start, content_end):
                self.emit_source(sentence, start, content_end, "source_after", after, mention)

    def skip_apposition(self, start: int, end: int) -> int:
        """`Theo ông X, Giám đốc Y, Q`: the reported clause starts after the apposition."""
        pieces = self.pieces(start, end)
        if len(pieces) >= 2:
            a, b = pieces[0]
            if self.lex.title_regex.match(self.text, a, self.lowered) and len(self.text[a:b].split()) <= 15:
                return pieces[1][0]
        return start

    def source_mention(self, m: regex.Match) -> Mention | None:
        np = m.group("np")
        key = fold_key(np)
        words = key.split()
        if any(" ".join(words[:n]) in self.lex.source_traps for n in range(1, len(words) + 1)):  # the trap or trap + words
            self.reject(m.start(), m.end(), "theo_not_a_source", "source")
            return None
        np_start = m.start("np")
        dash = DASH.search(np)
        if dash:  # "theo ông X - Phó Giám đốc Sở Y": the name before the dash
            np = np[:dash.start()]
        lời = LOI_CUA.match(np)
        if lời:
            np, np_start = np[lời.end():], np_start + lời.end()
        mention = parse_mention(np, np_start)
        if not mention or mention.kind in ("pronoun",):
            self.reject(m.start(), m.end(), "theo_without_speaker", "source")
            return None
        return mention

    def covered(self, start: int, end: int) -> bool:
        """Does [start, end) overlap a quote already found? Quotes never overlap each other, so
        in start order only the neighbours of the insertion point can."""
        i = bisect_left(self.taken, (start, -1))
        return (i < len(self.taken) and self.taken[i][0] < end) or (i > 0 and self.taken[i - 1][1] > start)

    def emit_source(self, sentence, start, end, rule, m, mention) -> None:
        cue = CueMatch(m.start("theo"), m.end("theo"), SOURCE_CUE, mention)
        self.emit(sentence, start, end, rule, cue)

    # -- headlines: "Hương Giang: Tôi không ..." ----------------------------------
    def detect_headline_colon(self, sentence: Sentence) -> None:
        """Only the headline: the first sentence of the first of several paragraphs."""
        if sentence.index != 0 or not self.headline:
            return
        m = HEADLINE_SPEAKER.match(self.text[sentence.start:sentence.end])
        if not m:
            return
        mention = parse_mention(m.group(1), sentence.start)
        if not mention or mention.kind not in ("name", "title", "organization"):
            return
        start = sentence.start + m.end()
        end = self.trim_end(start, sentence.end)
        if not self.covered(start, end):
            candidate = self.emit(sentence, start, end, "headline_colon", None, mention)
            if candidate:
                candidate.cue = ":"

    # -- 3. quotation marks no cue has claimed ------------------------------------
    def leftover_spans(self, sentence: Sentence) -> None:
        for span in self.spans_in(sentence.start, sentence.end):
            if id(span) in self.used_spans or self.covered(span.inner_start, span.inner_end):
                continue
            if self.colon_speaker(sentence, span) or self.floating(sentence, span):
                continue
            long = has_words(self.text, span.inner_start, span.inner_end, SCARE_QUOTE_WORDS + 1)
            reason = "quotation_without_speaker" if long else "scare_quote_or_name"
            self.reject(span.inner_start, span.inner_end, reason, "quote_marks")

    def colon_speaker(self, sentence: Sentence, span: QuoteSpan) -> bool:
        """`Bà Lan thốt lên: "..."`: a speaker, a few words of manner, a colon, the quotation."""
        head = self.text[self.sentence_start(sentence):span.open]
        m = BEFORE_COLON.search(head)
        if not m:
            return False
        phrase_start = self.sentence_start(sentence) + m.start(1)
        phrase = m.group(1)
        if self.set_off_colon_speaker(sentence, span, phrase_start) or self.dash_colon_speaker(sentence, span, head):
            return True
        words = list(TOKEN.finditer(phrase))
        parses = []
        for k in range(min(len(words), 12), 0, -1):
            mention = parse_mention(phrase[: words[k - 1].end()], phrase_start)
            rest = phrase[words[k - 1].end():]
            if mention and (len(rest.split()) <= 6 or DASH.match(rest) and len(rest.split()) <= 25):
                parses.append((k, mention))
        if not parses:
            return False
        # "Chủ tàu Trần Ngọc Cường bức xúc:": the name, not a title swallowing the manner word
        k, mention = min(parses, key=lambda p: p[1].kind != "name")
        rest = phrase[words[k - 1].end():]
        if DASH.match(rest):  # an apposition, not a manner phrase
            rest = ""
        manner = rest.strip()
        cue_start = phrase_start + words[k - 1].end() + len(rest) - len(rest.lstrip())
        return self.emit_colon(sentence, span, mention, manner, cue_start)

    def dash_colon_speaker(self, sentence: Sentence, span: QuoteSpan, head: str) -> bool:
        """`bà X - chủ homestay ở bản Lác, Mai Châu rưng rưng: "Q"`: a named person with a dash
        apposition that runs (commas and all) up to the colon."""
        start = self.sentence_start(sentence)
        for dash in list(DASH.finditer(head))[::-1]:
            before = self.pieces(start, start + dash.start())
            if not before:
                continue
            a, b = before[-1]
            words = list(TOKEN.finditer(self.text, a, b))
            for k in range(len(words)):
                mention = parse_mention(self.text[words[k].start():b], words[k].start())
                if mention and mention.kind == "name" and mention.gender != "any":
                    return self.emit_colon(sentence, span, mention, "", span.open)
        return False

    def emit_colon(self, sentence: Sentence, span: QuoteSpan, mention: Mention, manner: str, cue_start: int) -> bool:
        """A colon quotation; the words before the colon (if any) are its cue."""
        cue = CueMatch(cue_start, cue_start + len(manner), manner_cue(manner), mention)
        candidate = self.emit(sentence, span.open, span.outer_end, "colon_speaker", cue if manner else None, mention)
        if candidate and not manner:
            candidate.cue = ":"
        return candidate is not None

    def set_off_colon_speaker(self, sentence: Sentence, span: QuoteSpan, manner_start: int) -> bool:
        """`Bà X, chủ một cửa hàng, than thở: "Q"`: a manner phrase after a set-off subject."""
        manner = self.text[manner_start:span.open].rstrip(": ").strip()
        if len(manner.split()) > 4 or not manner or not manner[0].islower():
            return False
        start = self.sentence_start(sentence)
        if not SEPARATOR.search(self.text[start:manner_start][-3:]):
            return False
        probe = CueMatch(manner_start, manner_start + len(manner), Cue(manner, None, "manner", "complement"))
        self._set_off_subject(probe, self.pieces(start, manner_start))
        if not probe.subject:
            return False
        cue_start = self.text.index(manner, manner_start)
        return self.emit_colon(sentence, span, probe.subject, manner, cue_start)

    def nested_quotes(self, outer: Candidate) -> None:
        """A quotation inside a quotation, introduced there by its own speaker and colon
        (`"Ông ấy bảo tôi: 'Cứ làm đi'"`): a quote of its own, whose parent is the outer one."""
        for span in pair_quote_marks(self.text, outer.start, outer.end):
            head = self.text[outer.start:span.open]
            m = BEFORE_COLON.search(head)
            if not m:
                continue
            phrase_start = outer.start + m.start(1)
            words = list(TOKEN.finditer(m.group(1)))
            for k in range(min(len(words), 8), 0, -1):
                mention = parse_mention(m.group(1)[: words[k - 1].end()], phrase_start)
                manner = m.group(1)[words[k - 1].end():].strip()
                if mention and len(manner.split()) <= 4:
                    lemma = self.lex.cues.get(fold_key(manner))
                    child = Candidate(span.inner_start, span.inner_end, "direct", "nested_quote", outer.sentence, mention,
                                      cue=manner or ":", cue_lemma=lemma.lemma if lemma else None,
                                      flags=sorted(set(span.flags) | {"nested"}), spans=[span])
                    self.candidates.append(child)
                    break

    def last_attributed_before(self, pos: int) -> Candidate | None:
        """The quote with a speaker that ends last before pos."""
        i = bisect_right(self.by_end, (pos, len(self.candidates)))
        for _, index in reversed(self.by_end[max(0, i - 50):i]):
            if self.candidates[index].mention:
                return self.candidates[index]
        return None

    def after_introduction(self, sentence: Sentence, span: QuoteSpan) -> bool:
        """`Ông X - thuyền trưởng tàu Y, cũng đang thấp thỏm. "Q"`: a quotation right after a
        sentence that introduces a person by title or honorific and name is theirs."""
        if sentence.index == 0:
            return False
        before = self.seg.sentences[sentence.index - 1]
        if sentence.paragraph - before.paragraph > 1 or self.paragraph(before).furniture:
            return False
        for a, b in self.pieces(self.sentence_start(before), before.end)[:3]:
            words = list(TOKEN.finditer(self.text, a, b))
            for k in range(min(len(words), 8), 0, -1):
                mention = parse_mention(self.text[a:words[k - 1].end()], a)
                if mention and mention.kind == "name" and (mention.gender != "any" or mention.title):
                    return self.emit(sentence, span.open, span.outer_end, "after_introduction", None, mention) is not None
        return False

    def floating(self, sentence: Sentence, span: QuoteSpan) -> bool:
        """A quotation standing alone after a quoted speaker continues that speaker."""
        lead = self.text[self.sentence_start(sentence):span.open].strip()
        trail = self.text[span.outer_end:sentence.end].strip(" " + END_PUNCT)
        if lead or trail or not has_words(self.text, span.inner_start, span.inner_end, SCARE_QUOTE_WORDS + 1):
            return False
        last = self.last_attributed_before(span.open)
        if not last or sentence.paragraph - last.sentence.paragraph > 1 or last.sentence.index < sentence.index - 2:
            return self.after_introduction(sentence, span)
        since = max(last.end, last.cue_end or 0, last.mention.end if last.mention else 0)
        if self.lex.title_regex.search(self.text, since, span.open, self.lowered):
            return self.after_introduction(sentence, span)  # someone new was introduced in between
        candidate = self.emit(sentence, span.open, span.outer_end, "floating_continuation", None, last.mention, inherited=last)
        return candidate is not None


def detect(article_id: str, seg: Segmented, headline: bool = False,
           known_names: frozenset = frozenset()) -> tuple[list[Candidate], list[Rejection]]:
    return ArticleDetector(article_id, seg, headline, known_names).run()
