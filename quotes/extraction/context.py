"""What every rule reads and writes for one article: the text and its segments, indexes built
once (quotation spans, cue and trap matches, by offset), and the quotes found so far.

Rules add quotes only through `emit` (which types the content by its quotation marks and
refuses overlaps) and rejections only through `reject`, each naming a registered rule or family.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice

import regex

from quotes.extraction.lexicon import Lexicons, load
from quotes.extraction.limits import MIN_INDIRECT_WORDS, QUOTE_LOOKBACK
from quotes.extraction.mentions import LISTED_NAME_COMMA, TOKEN
from quotes.extraction.rules import (
    CONTENT_TOO_SHORT,
    FAMILIES_BY_NAME,
    OVERLAPS_EARLIER_QUOTE,
    REASONS_BY_NAME,
    RULES_BY_NAME,
    Family,
    Reason,
    Rule,
)
from quotes.extraction.segment import Paragraph, QuoteSpan, Segmented, Sentence, inside_any, is_letter
from quotes.records import Mention, Rejection

SEPARATOR = regex.compile(r"\s*[,;:–—]\s*|\s+-\s+|\s*-\s+|\s+-(?=\S)")
SEPARATOR_MARKS = ",;:–—-"  # every separator holds one of these
_SEPARATOR_MARK = regex.compile(f"[{regex.escape(SEPARATOR_MARKS)}]")
END_PUNCT = ".,;:!?…"
DASH = regex.compile(r"\s+[-–]\s")  # a dash that sets off an apposition (ông X - Phó giám đốc Y)


@dataclass(slots=True)
class Candidate:
    """A quote found by a rule, before its speaker is resolved."""

    start: int
    end: int
    quote_type: str
    rule: str  # a name from rules.RULES
    sentence: Sentence
    mention: Mention | None = None
    cue: str | None = None
    cue_lemma: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    flags: list[str] = field(default_factory=list)
    inherited: Candidate | None = None  # floating / coordinated: the quote whose speaker is shared


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


class ArticleContext:
    def __init__(self, article_id: str, seg: Segmented, headline: bool = False,
                 name_words: Callable[[], frozenset[str]] = frozenset):
        self.article_id = article_id
        self._name_words = name_words  # asked on first use: building it is a third of an article's time
        self._known_names: frozenset[str] | None = None
        self.headline = headline  # the first paragraph is the article's headline
        self.seg = seg
        self.text = seg.text
        self.lowered = seg.lowered
        self.lex: Lexicons = load()
        self.candidates: list[Candidate] = []
        self.rejections: list[Rejection] = []
        self.used_spans: set[int] = set()  # id() of the quotation spans some quote holds
        self.taken: list[tuple[int, int]] = []  # spans of the quotes found, sorted
        self.by_end: list[tuple[int, int]] = []  # (end, index into candidates), sorted
        self.sentence_starts = {s.start for s in seg.sentences}
        self.content_starts = [self._content_start(s) for s in seg.sentences]  # by sentence index
        self.first_sentence: dict[int, Sentence] = {}  # by paragraph index
        for sentence in reversed(seg.sentences):
            self.first_sentence[sentence.paragraph] = sentence
        self.span_opens = [s.open for s in seg.quotes]
        self.span_inner_starts = [s.inner_start for s in seg.quotes]
        self.span_inner_ends = [s.inner_end for s in seg.quotes]
        self.cue_matches = list(self.lex.cue_regex.finditer(self.text, self.lowered))
        self.cue_starts = [m.start() for m in self.cue_matches]
        # Traps only matter where they overlap a cue.
        self.trap_matches = list(self.lex.trap_regex.finditer(self.text, self.lowered)) if self.cue_matches else []
        self.trap_starts = [m.start() for m in self.trap_matches]

    @property
    def known_names(self) -> frozenset[str]:
        """Folded words of the names the article gives in full (a lone `Nghĩa` is a name)."""
        if self._known_names is None:
            self._known_names = self._name_words()
        return self._known_names

    # -- where things are -------------------------------------------------------

    def paragraph(self, sentence: Sentence) -> Paragraph:
        return self.seg.paragraphs[sentence.paragraph]

    def sentence_start(self, sentence: Sentence) -> int:
        """Where the sentence's content starts, after a caption prefix."""
        return self.content_starts[sentence.index]

    def _content_start(self, sentence: Sentence) -> int:
        """Skip a caption prefix (Chụp lại hình ảnh, ...) that is page furniture."""
        m = self.lex.caption_prefixes.match(self.text, sentence.start, sentence.end)
        if not m:
            return sentence.start
        rest = self.text[m.end():sentence.end]
        return m.end() + len(rest) - len(rest.lstrip())

    def is_furniture(self, sentence: Sentence) -> bool:
        """A sentence of a furniture paragraph, or a photo credit."""
        paragraph = self.paragraph(sentence)
        return paragraph.furniture or paragraph.has_credit and \
            self.lex.credit_regex.match(self.text, sentence.start, self.lowered) is not None

    def spans_in(self, start: int, end: int) -> list[QuoteSpan]:
        """The quotation spans that open in [start, end)."""
        return self.seg.quotes[bisect_left(self.span_opens, start):bisect_left(self.span_opens, end)]

    def inside_quotation(self, pos: int) -> bool:
        return inside_any(self.span_inner_starts, self.span_inner_ends, pos)

    def may_hold(self, word: str, start: int, end: int) -> bool:
        """False only when text[start:end] surely lacks the word (in any case): a cheap test
        before a pattern that needs it."""
        return len(self.lowered) != len(self.text) or self.lowered.find(word, start, end) != -1

    def pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """Split [start, end) at separators and quotation edges that are outside quotations."""
        cuts = [start]
        for m in separators(self.text, start, end):
            if not self.inside_quotation(m.start()) and not self._inside_parenthesis(m.start(), start) \
                    and not self._inside_listed_name(m):
                cuts += [m.start(), m.end()]
        for span in self.spans_in(start, end):
            cuts += [span.open, min(span.outer_end, end)]
        if len(cuts) == 1:  # the usual subject before a cue: nothing to split at
            return [(start, end)] if end > start and not self.is_separator(start, end) else []
        cuts = sorted(set(c for c in cuts if start <= c <= end)) + [end]
        return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a and not self.is_separator(a, b)]

    def is_separator(self, a: int, b: int) -> bool:
        first = self.text[a]  # a separator starts with a space or its mark: most pieces need no match
        return (first in SEPARATOR_MARKS or _is_space(first)) and SEPARATOR.fullmatch(self.text, a, b) is not None

    def _inside_listed_name(self, separator: regex.Match) -> bool:
        """`Bộ Lao động, Thương binh và Xã hội`: the comma is part of the name."""
        comma = separator.group(0).find(",")
        return comma >= 0 and LISTED_NAME_COMMA.match(self.text, separator.start() + comma) is not None

    def _inside_parenthesis(self, pos: int, start: int) -> bool:
        before = self.text[start:pos]
        return before.count("(") > before.count(")")

    def trim_end(self, start: int, end: int) -> int:
        """Back over spaces and final punctuation that lie outside quotations."""
        while end > start and (self.text[end - 1].isspace() or self.text[end - 1] in END_PUNCT):
            if self.inside_quotation(end - 1):
                break
            end -= 1
        return end

    def attribution_start(self, piece_start: int) -> int:
        """Back over the separator before a subject, so a clause ends before it."""
        pos = piece_start
        while pos > 0 and self.text[pos - 1] in " ,;–—-":
            pos -= 1
        return pos

    # -- the quotes found so far --------------------------------------------------
    def covered(self, start: int, end: int) -> bool:
        """Does [start, end) overlap a quote already found? Quotes never overlap each other, so
        in start order only the neighbours of the insertion point can."""
        i = bisect_left(self.taken, (start, -1))
        return (i < len(self.taken) and self.taken[i][0] < end) or (i > 0 and self.taken[i - 1][1] > start)

    def last_attributed_before(self, pos: int) -> Candidate | None:
        """The quote with a speaker that ends last before pos."""
        i = bisect_right(self.by_end, (pos, len(self.candidates)))
        for _, index in reversed(self.by_end[max(0, i - QUOTE_LOOKBACK):i]):
            if self.candidates[index].mention:
                return self.candidates[index]
        return None

    def reject(self, start: int, end: int, reason: Reason, by: Rule | Family) -> None:
        if REASONS_BY_NAME.get(reason.name) is not reason:
            raise ValueError(f"reason {reason.name!r} is not registered in quotes/extraction/rules.py")
        if RULES_BY_NAME.get(by.name) is not by and FAMILIES_BY_NAME.get(by.name) is not by:
            raise ValueError(f"{by.name!r} is neither a registered rule nor a family (quotes/extraction/rules.py)")
        self.rejections.append(Rejection(self.article_id, start, end, self.text[start:end], reason.name, by.name))

    def emit(self, sentence: Sentence, start: int, end: int, rule: Rule, mention: Mention | None,
             inherited: Candidate | None = None) -> Candidate | None:
        """Type the content by its quotation marks and record the candidate, unless it is too
        short or overlaps a quote already found."""
        if RULES_BY_NAME.get(rule.name) is not rule:
            raise ValueError(f"rule {rule.name!r} is not registered in quotes/extraction/rules.py")
        spans = [s for s in self.spans_in(start, end) if s.outer_end <= end + 1]
        quote_type, start, end = self.classify(start, end, spans)
        if quote_type == "indirect" and not has_words(self.text, start, end, MIN_INDIRECT_WORDS):
            self.reject(start, end, CONTENT_TOO_SHORT, rule)
            return None
        if self.covered(start, end):
            self.reject(start, end, OVERLAPS_EARLIER_QUOTE, rule)
            return None
        flags = sorted({f for s in spans for f in s.flags}) if spans else []
        if sentence.caption or self.paragraph(sentence).caption:
            flags.append("caption")
        if sentence.paragraph == 0 and self.headline:
            flags.append("headline")
        candidate = Candidate(start, end, quote_type, rule.name, sentence, mention, flags=flags, inherited=inherited)
        self.used_spans.update(id(s) for s in spans)
        self.add(candidate)
        return candidate

    def add(self, candidate: Candidate) -> None:
        self.candidates.append(candidate)
        insort(self.taken, (candidate.start, candidate.end))
        insort(self.by_end, (candidate.end, len(self.candidates) - 1))

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
