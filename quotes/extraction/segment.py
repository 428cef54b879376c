"""The first step of extraction: segment an article into paragraphs, quote-mark spans and
sentences (then the speaker index, the rules, and the speakers resolved: see pipeline.py).

Quote marks are paired before sentences are split, because a quotation may hold several
sentences and its full stops must not end the sentence that attributes it.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

import regex

from quotes.extraction.lexicon import load
from quotes.extraction.limits import MAX_CREDIT_WORDS, MAX_FURNITURE_CHARS


@dataclass(slots=True)
class Paragraph:
    index: int
    start: int
    end: int
    furniture: bool = False  # the whole line is page furniture (boilerplate.tsv)
    caption: bool = False
    has_credit: bool = True  # whether a photo credit (Ảnh: ...) may start in it


@dataclass(slots=True)
class QuoteSpan:
    """Text between a pair of quote marks (or from an unclosed mark to the paragraph end)."""

    open: int  # offset of the opening mark
    close: int | None  # offset of the closing mark; None when unclosed
    inner_start: int
    inner_end: int
    flags: list[str] = field(default_factory=list)

    @property
    def outer_end(self) -> int:
        return self.close + 1 if self.close is not None else self.inner_end


@dataclass(slots=True)
class Sentence:
    index: int
    paragraph: int
    start: int
    end: int
    caption: bool = False


@dataclass(slots=True)
class Segmented:
    text: str
    paragraphs: list[Paragraph]
    quotes: list[QuoteSpan]  # top-level quote-mark spans, in order
    sentences: list[Sentence]
    lowered: str  # text.lower(), made once for every case-insensitive lexicon scan


DOUBLE_OPEN, DOUBLE_CLOSE, DOUBLE_EITHER = "“«„", "”»", '"'
SINGLE_OPEN, SINGLE_CLOSE, SINGLE_EITHER = "‘‹", "’›", "'"
CANONICAL_PAIRS = {("“", "”"), ("«", "»"), ("„", "“"), ('"', '"'), ("‘", "’"), ("'", "'"), ("‹", "›")}
DOUBLE_MARKS = DOUBLE_OPEN + DOUBLE_CLOSE + DOUBLE_EITHER
MARKS = regex.compile(r"[“”«»„\"‘’‹›']")


def is_letter(char: str) -> bool:
    """A letter, digit or combining mark ([\\p{L}\\p{M}\\p{N}]), without a regex call per character."""
    return char.isalnum() or unicodedata.category(char)[0] == "M"


def whole_word_positions(text: str, word: str) -> Iterator[int]:
    """Where the word stands in the text with no letter, digit or mark on either side."""
    at = text.find(word)
    while at != -1:
        end = at + len(word)
        if (at == 0 or not is_letter(text[at - 1])) and (end == len(text) or not is_letter(text[end])):
            yield at
        at = text.find(word, at + 1)


def split_paragraphs(text: str) -> list[Paragraph]:
    lex = load()
    paragraphs: list[Paragraph] = []
    for m in LINE.finditer(text):
        line = m.group(0)
        if not line.strip():
            continue
        furniture = len(line) <= MAX_FURNITURE_CHARS and lex.boilerplate_lines.fullmatch(line) is not None
        caption = bool(lex.caption_prefixes.match(line))
        paragraphs.append(Paragraph(len(paragraphs), m.start(), m.end(), furniture, caption))
    return paragraphs


def _role(text: str, pos: int, char: str) -> str | None:
    """open, close, either or None (an apostrophe inside a word, as in H'Mông)."""
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    if char in SINGLE_EITHER + "’" and is_letter(before) and is_letter(after):
        return None
    if char in DOUBLE_OPEN + SINGLE_OPEN:
        return "open"
    if char in DOUBLE_CLOSE + SINGLE_CLOSE:
        # A right mark typed where a quotation opens (nói: ”Tôi ...”) opens it.
        at_opening = (before.isspace() or before in "([{:") and is_letter(after)
        return "either" if at_opening else "close"
    opens = (before.isspace() or before in "([{-–—:;,/") and not after.isspace()
    closes = not before.isspace() and (after.isspace() or not is_letter(after))
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either"


def pair_quote_marks(text: str, start: int, end: int) -> list[QuoteSpan]:
    """Pair the quote marks of one paragraph; return the outermost spans."""
    doubles: list[tuple[int, str, str]] = []
    singles: list[tuple[int, str, str]] = []
    for m in MARKS.finditer(text, start, end):
        pos, char = m.start(), m.group(0)
        role = _role(text, pos, char)
        if role:
            (doubles if char in DOUBLE_MARKS else singles).append((pos, char, role))
    if not doubles and not singles:
        return []  # most paragraphs
    spans = sorted(_pair_family(text, doubles, end), key=lambda s: s.open)
    opens = [s.open for s in spans]
    free = []
    for mark in singles:
        i = bisect_right(opens, mark[0]) - 1  # the only double span that can hold this mark
        holder = spans[i] if i >= 0 else None
        if holder is not None and mark[0] <= (holder.close if holder.close is not None else holder.inner_end):
            if holder.inner_start <= mark[0] < holder.inner_end and "nested" not in holder.flags:
                holder.flags.append("nested")
            continue
        free.append(mark)
    spans += _pair_family(text, free, end, allow_unclosed=False)
    return sorted(spans, key=lambda s: s.open)


def _pair_family(text, marks, para_end, allow_unclosed=True) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    stack: list[tuple[int, str]] = []
    for pos, ch, role in marks:
        if role == "open" or (role == "either" and not stack):
            stack.append((pos, ch))
        elif stack:  # a closer, or an either-mark while a quotation is open
            open_pos, open_ch = stack.pop()
            if not stack:  # only outermost spans are kept; inner ones are nesting
                spans.append(_span(open_pos, open_ch, pos, ch))
    if stack and allow_unclosed:
        open_pos, open_ch = stack[0]
        spans.append(_unclosed(text, open_pos, para_end, spans))
    return spans


def _span(open_pos: int, open_ch: str, close_pos: int, close_ch: str) -> QuoteSpan:
    flags = [] if (open_ch, close_ch) in CANONICAL_PAIRS else ["mismatched_marks"]
    return QuoteSpan(open_pos, close_pos, open_pos + 1, close_pos, flags)


_SINGLE_CLOSER = regex.compile(r"(?<=\S)['’](?=[\s,.;:!?)]|$)")


def _unclosed(text: str, open_pos: int, para_end: int, closed: list[QuoteSpan]) -> QuoteSpan:
    """A double quotation left open: closed by a stray single mark ("...'), else it runs to the
    paragraph end when something introduces it (a colon, a cue word, the paragraph start), and
    otherwise only to the end of its sentence: a mark opened mid-sentence and never closed is
    most often a stray one around a name (chia tay "Bà đầm già. Dù vậy, ...)."""
    closer = _SINGLE_CLOSER.search(text, open_pos + 1, para_end)
    if closer:
        return QuoteSpan(open_pos, closer.start(), open_pos + 1, closer.start(), ["mismatched_marks"])
    inner_end = para_end
    if not _introduced(text, open_pos):
        sentence_end = _SENTENCE_END.search(text, open_pos + 1, para_end)
        if sentence_end:
            inner_end = sentence_end.start()
    while inner_end > open_pos + 1 and text[inner_end - 1].isspace():
        inner_end -= 1
    return QuoteSpan(open_pos, None, open_pos + 1, inner_end, ["unclosed"])


_COMPLEMENTISER_END = regex.compile(r"(?:\s+(?:rằng|là))+$", regex.IGNORECASE)
_SENTENCE_END = regex.compile(r"[.!?…](?=\s+\p{Lu})")
_LINE_START = regex.compile(r"(?:^|\n)[ \t]*$")


def _introduced(text: str, open_pos: int) -> bool:
    before = text[max(0, open_pos - 40):open_pos]
    stripped = before.rstrip()
    if not stripped or _LINE_START.search(before) or stripped.endswith((":", "-", "–", "—")):
        return True
    tail = _COMPLEMENTISER_END.sub("", stripped)[-25:]
    return any(m.end() == len(tail) for m in load().cue_regex.finditer(tail))  # "... ông nói “Q"


LINE = regex.compile(r"[^\n]+")
LAST_WORD = regex.compile(r"(?r)[\p{L}.]+$")  # searched backwards: the run ending at the search's end
NON_SPACE = regex.compile(r"\S+")
# Words written short with a full stop that does not end the sentence (TP. Hải Phòng, Q. 3).
# Not TP.HCM: its stops are inside it, and a full stop after it ends a sentence (105 times in
# the 5,000 articles, each one a sentence end).
ABBREVIATIONS = frozenset(
    "tp ts ths pgs gs bs bsck th ths mr mrs ms dr st sgk tt q p h x ct cty ubnd no ltd co inc jr sr".split()
)
BOUNDARY = regex.compile(r"([.!?…]+)([\"”’»']*)(\s+)(?=[\p{Lu}\p{N}“\"«‘'(\[-])")


def split_sentences(text: str, lowered: str, paragraph: Paragraph, spans: list[QuoteSpan], first_index: int) -> list[Sentence]:
    """Sentences of one paragraph; full stops inside a quotation do not end a sentence."""
    cuts = [paragraph.start]
    starts, ends = [s.inner_start for s in spans], [s.inner_end for s in spans]
    for m in BOUNDARY.finditer(text, paragraph.start, paragraph.end):
        if inside_any(starts, ends, m.start(3)):
            continue
        if m.group(2) and text[m.end(3)] in "-–—":
            continue  # `..."... - ông X nói`: the dash attributes the quotation before it
        if _is_abbreviation(text, m.start(1)):
            continue
        cuts.append(m.end(3))
    for m in TIGHT_BOUNDARY.finditer(text, paragraph.start, paragraph.end):
        dot = m.start() - 1 if text[m.start() - 1] not in "\"”’»'" else m.start() - 2
        if not inside_any(starts, ends, m.start()) and not _is_abbreviation(text, dot):
            cuts.append(m.start())
    cuts += [m.start() for m in MERGED_THEO.finditer(text, paragraph.start, paragraph.end) if not inside_any(starts, ends, m.start())]
    if paragraph.has_credit:
        cuts += _credit_cuts(text, lowered, paragraph)
    cuts = sorted(set(cuts)) + [paragraph.end]
    sentences: list[Sentence] = []
    for start, end in zip(cuts, cuts[1:]):
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            sentences.append(Sentence(first_index + len(sentences), paragraph.index, start, end, paragraph.caption))
    if paragraph.has_credit:
        _mark_captions(text, lowered, sentences)
    return sentences


def inside_any(starts: list[int], ends: list[int], pos: int) -> bool:
    """Is pos inside one of the spans [starts[i], ends[i])? The spans are sorted and do not
    overlap (quotations), so only the last one starting at or before pos can hold it."""
    i = bisect_right(starts, pos) - 1
    return i >= 0 and pos < ends[i]


def _is_abbreviation(text: str, dot: int) -> bool:
    word = LAST_WORD.search(text, max(0, dot - 12), dot)
    if not word:
        return False
    w = word.group(0).strip(".")
    return (len(w) == 1 and w.isupper()) or w.lower() in ABBREVIATIONS


_CAPITALISED = regex.compile(r"\p{Lu}[\p{L}\p{M}.'-]*")
_OPENS_SENTENCE = regex.compile(r"Ông|Bà|Theo|Trong|Tại|Khi|Sau|Ngày|Hôm|Chiều|Sáng|Tối|Đây|Đó")
# A full stop with no space after it ("tài sản.Đại tá"), but not inside TP.HCM or PGS.TS.
TIGHT_BOUNDARY = regex.compile(r"(?<=[\p{Ll}\d][.!?…][\"”’»']?)(?=\p{Lu}\p{Ll})")
# A capitalised `Theo` after a lower-case word: a caption or heading merged with the next
# sentence without a full stop ("... ở London Theo AFP, ..."); mid-sentence the word is `theo`.
# 504 in the 5,300 real articles, none of them a name.
MERGED_THEO = regex.compile(r"Theo(?<=[\p{Ll}\p{M}\d)]\s{1,8}Theo)(?=\s)")  # the literal first: a fast scan


def _credit_cuts(text: str, lowered: str, paragraph: Paragraph) -> list[int]:
    """Merged paragraphs carry photo credits inline ("... ven biển. Ảnh: Xuân Tiến Hệ sinh thái ...",
    or "Ảnh: AP Tổng thống ..." opening a paragraph).

    The credit is its own sentence; the next sentence starts at the last capitalised word of
    the credit's name run that is followed by a lower-case word.
    """
    cuts = []
    for m in load().credit_regex.finditer(text, lowered, paragraph.start, paragraph.end):
        if text[m.start()] == "(":  # "(Ảnh: PV/Vietnam+) Thông tin ...": the credit ends at ")"
            close = text.find(")", m.end(), paragraph.end)
            if close != -1:
                cuts += [m.start(), close + 1 + len(text[close + 1:paragraph.end]) - len(text[close + 1:paragraph.end].lstrip())]
                continue
        if m.start() > paragraph.start:  # at a paragraph's start the credit already starts a sentence
            cuts.append(m.start())
        # the credit's name run and the word after it: a few words, not the rest of the paragraph
        words = list(islice(NON_SPACE.finditer(text, m.end(), paragraph.end), MAX_CREDIT_WORDS))
        run = 0
        while run < len(words) and _CAPITALISED.fullmatch(words[run].group(0).strip("()|,.")):
            run += 1
        opener = next((i for i in range(1, run) if _OPENS_SENTENCE.fullmatch(words[i].group(0))), None)
        if opener is not None:  # "Ảnh: Thanh Hà Ông Moreau cho biết": a sentence opens at Ông
            cuts.append(words[opener].start())
        elif run < len(words) and run >= 2 and words[run].group(0)[0].islower():
            cuts.append(words[run - 1].start())
        elif run < len(words) and run >= 1:
            cuts.append(words[run].start())
    return cuts


def _mark_captions(text: str, lowered: str, sentences: list[Sentence]) -> None:
    """A sentence followed by a photo credit is a caption; so is the credit itself."""
    credit = load().credit_regex
    for i, sentence in enumerate(sentences):
        if credit.match(text, sentence.start, lowered):
            sentence.caption = True
            if i > 0:
                sentences[i - 1].caption = True


def segment(text: str) -> Segmented:
    paragraphs = split_paragraphs(text)
    quotes: list[QuoteSpan] = []
    sentences: list[Sentence] = []
    # Few paragraphs carry a photo credit: one scan of the article spares the others their own.
    # (A credit a paragraph's own scan would find also starts inside it in the article's scan.)
    lowered = text.lower()
    credit_starts = [m.start() for m in load().credit_regex.finditer(text, lowered)]
    for paragraph in paragraphs:
        i = bisect_left(credit_starts, paragraph.start)
        paragraph.has_credit = i < len(credit_starts) and credit_starts[i] < paragraph.end
        spans = pair_quote_marks(text, paragraph.start, paragraph.end)
        quotes += spans
        sentences += split_sentences(text, lowered, paragraph, spans, len(sentences))
    return Segmented(text, paragraphs, quotes, sentences, lowered)
