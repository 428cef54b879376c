"""The quote-mark family: quotations that no cue or source has claimed.

`S (manner words): "Q"` (colon_speaker), a quotation standing alone after a quote continues its
speaker (floating_continuation) or follows a sentence introducing someone (after_introduction);
anything else is rejected as a scare quote or a quotation without a speaker. Quotations nested
in a direct quote with their own speaker and colon are quotes too (nested_quote).
"""

from __future__ import annotations

from functools import lru_cache

import regex

from quotes.extraction.context import DASH, END_PUNCT, SEPARATOR, ArticleContext, Candidate, has_words
from quotes.extraction.lexicon import Cue, load
from quotes.extraction.limits import MAX_COLON_GAP_WORDS, MAX_DASH_APPOSITION_WORDS, MAX_MANNER_WORDS, MAX_PREFIX_WORDS, SCARE_QUOTE_WORDS
from quotes.extraction.mentions import TOKEN, mention_prefixes, parse_mention
from quotes.extraction.normalise import fold_key
from quotes.extraction.rules import (
    AFTER_INTRODUCTION,
    COLON_SPEAKER,
    FLOATING_CONTINUATION,
    NESTED_QUOTE,
    QUOTATION_WITHOUT_SPEAKER,
    QUOTE_MARKS,
    SCARE_QUOTE_OR_NAME,
)
from quotes.extraction.segment import QuoteSpan, Sentence, pair_quote_marks
from quotes.extraction.subjects import CueMatch, emit_with_cue, looks_like_common_word, set_off_subject
from quotes.records import Mention

BEFORE_COLON = regex.compile(r"([^,;:.“”\"«»]{1,120}):\s*$")


@lru_cache(maxsize=1 << 12)
def manner_cue(manner: str) -> Cue:
    """The cue of a colon quotation: the manner words before the colon (thốt lên), or the colon."""
    lemma = load().cues.get(fold_key(manner))
    return Cue(manner or ":", lemma.lemma if lemma else None, "manner", "complement")


def leftover_spans(ctx: ArticleContext, sentence: Sentence) -> None:
    for span in ctx.spans_in(sentence.start, sentence.end):
        if id(span) in ctx.used_spans or ctx.covered(span.inner_start, span.inner_end):
            continue
        if _colon_speaker(ctx, sentence, span) or _floating(ctx, sentence, span):
            continue
        long = has_words(ctx.text, span.inner_start, span.inner_end, SCARE_QUOTE_WORDS + 1)
        ctx.reject(span.inner_start, span.inner_end, QUOTATION_WITHOUT_SPEAKER if long else SCARE_QUOTE_OR_NAME, QUOTE_MARKS)


def _colon_speaker(ctx: ArticleContext, sentence: Sentence, span: QuoteSpan) -> bool:
    """`Bà Lan thốt lên: "..."`: a speaker, a few words of manner, a colon, the quotation."""
    start = ctx.sentence_start(sentence)
    head = ctx.text[start:span.open]
    m = BEFORE_COLON.search(head)
    if not m:
        return False
    phrase_start, phrase_end = start + m.start(1), start + m.end(1)
    if _set_off_colon_speaker(ctx, sentence, span, phrase_start) or _dash_colon_speaker(ctx, sentence, span, head):
        return True
    parses = []
    for prefix_end, mention in mention_prefixes(ctx.text, phrase_start, phrase_end, MAX_PREFIX_WORDS):
        if looks_like_common_word(ctx, mention):
            continue  # "Rất nhiều người bức xúc:": an ordinary word opening the sentence
        gap = ctx.text[prefix_end:phrase_end]
        if len(gap.split()) <= MAX_COLON_GAP_WORDS or DASH.match(gap) and len(gap.split()) <= MAX_DASH_APPOSITION_WORDS:
            parses.append((prefix_end, mention))
    if not parses:
        return False
    # "Chủ tàu Trần Ngọc Cường bức xúc:": the name, not a title swallowing the manner word
    prefix_end, mention = min(parses, key=lambda p: p[1].kind != "name")
    gap = ctx.text[prefix_end:phrase_end]
    if DASH.match(gap):  # an apposition, not a manner phrase
        gap = ""
    cue_start = prefix_end + len(gap) - len(gap.lstrip())
    return _emit_colon(ctx, sentence, span, mention, gap.strip(), cue_start)


def _dash_colon_speaker(ctx: ArticleContext, sentence: Sentence, span: QuoteSpan, head: str) -> bool:
    """`bà X - chủ homestay ở bản Lác, Mai Châu rưng rưng: "Q"`: a named person with a dash
    apposition that runs (commas and all) up to the colon."""
    start = ctx.sentence_start(sentence)
    for dash in list(DASH.finditer(head))[::-1]:
        before = ctx.pieces(start, start + dash.start())
        if not before:
            continue
        a, b = before[-1]
        for word in TOKEN.finditer(ctx.text, a, b):
            mention = parse_mention(ctx.text[word.start():b], word.start())
            if mention and mention.kind == "name" and mention.gender != "any":
                return _emit_colon(ctx, sentence, span, mention, "", span.open)
    return False


def _set_off_colon_speaker(ctx: ArticleContext, sentence: Sentence, span: QuoteSpan, manner_start: int) -> bool:
    """`Bà X, chủ một cửa hàng, than thở: "Q"`: a manner phrase after a set-off subject."""
    manner = ctx.text[manner_start:span.open].rstrip(": ").strip()
    if len(manner.split()) > MAX_MANNER_WORDS or not manner or not manner[0].islower():
        return False
    start = ctx.sentence_start(sentence)
    if not SEPARATOR.search(ctx.text[start:manner_start][-3:]):
        return False
    probe = CueMatch(manner_start, manner_start + len(manner), Cue(manner, None, "manner", "complement"))
    set_off_subject(ctx, probe, ctx.pieces(start, manner_start))
    if not probe.subject:
        return False
    cue_start = ctx.text.index(manner, manner_start)
    return _emit_colon(ctx, sentence, span, probe.subject, manner, cue_start)


def _emit_colon(ctx: ArticleContext, sentence: Sentence, span: QuoteSpan, mention: Mention, manner: str,
                cue_start: int) -> bool:
    """A colon quotation; the words before the colon (if any) are its cue."""
    if manner:
        cue = CueMatch(cue_start, cue_start + len(manner), manner_cue(manner), mention)
        return emit_with_cue(ctx, sentence, span.open, span.outer_end, COLON_SPEAKER, cue) is not None
    candidate = ctx.emit(sentence, span.open, span.outer_end, COLON_SPEAKER, mention)
    if candidate:
        candidate.cue = ":"
    return candidate is not None


def _floating(ctx: ArticleContext, sentence: Sentence, span: QuoteSpan) -> bool:
    """A quotation standing alone after a quoted speaker continues that speaker."""
    text = ctx.text
    lead = text[ctx.sentence_start(sentence):span.open].strip()
    trail = text[span.outer_end:sentence.end].strip(" " + END_PUNCT)
    if lead or trail or not has_words(text, span.inner_start, span.inner_end, SCARE_QUOTE_WORDS + 1):
        return False
    last = ctx.last_attributed_before(span.open)
    if not last or sentence.paragraph - last.sentence.paragraph > 1 or last.sentence.index < sentence.index - 2:
        return _after_introduction(ctx, sentence, span)
    since = max(last.end, last.cue_end or 0, last.mention.end if last.mention else 0)
    if ctx.lex.title_regex.search(text, since, span.open, ctx.lowered):
        return _after_introduction(ctx, sentence, span)  # someone new was introduced in between
    return ctx.emit(sentence, span.open, span.outer_end, FLOATING_CONTINUATION, last.mention, inherited=last) is not None


def _after_introduction(ctx: ArticleContext, sentence: Sentence, span: QuoteSpan) -> bool:
    """`Ông X - thuyền trưởng tàu Y, cũng đang thấp thỏm. "Q"`: a quotation right after a
    sentence that introduces a person by title or honorific and name is theirs."""
    if sentence.index == 0:
        return False
    before = ctx.seg.sentences[sentence.index - 1]
    if sentence.paragraph - before.paragraph > 1 or ctx.paragraph(before).furniture:
        return False
    for a, b in ctx.pieces(ctx.sentence_start(before), before.end)[:3]:
        for _, mention in mention_prefixes(ctx.text, a, b, MAX_PREFIX_WORDS):
            if mention.kind == "name" and (mention.gender != "any" or mention.title):
                return ctx.emit(sentence, span.open, span.outer_end, AFTER_INTRODUCTION, mention) is not None
    return False


def nested_quotes(ctx: ArticleContext) -> None:
    """A quotation inside a direct quote, introduced there by its own speaker and colon
    (`"Ông ấy bảo tôi: 'Cứ làm đi'"`): a quote of its own, whose parent is the outer one."""
    for outer in [c for c in ctx.candidates if "nested" in c.flags and c.quote_type == "direct"]:
        for span in pair_quote_marks(ctx.text, outer.start, outer.end):
            m = BEFORE_COLON.search(ctx.text[outer.start:span.open])
            if not m:
                continue
            phrase_start, phrase_end = outer.start + m.start(1), outer.start + m.end(1)
            for prefix_end, mention in mention_prefixes(ctx.text, phrase_start, phrase_end, MAX_PREFIX_WORDS):
                cue = manner_cue(ctx.text[prefix_end:phrase_end].strip())
                if len(cue.cue.split()) <= MAX_MANNER_WORDS:
                    # Not through emit: the child lies inside its parent by design.
                    ctx.candidates.append(Candidate(span.inner_start, span.inner_end, "direct", NESTED_QUOTE.name,
                                                    outer.sentence, mention, cue=cue.cue, cue_lemma=cue.lemma,
                                                    flags=sorted(set(span.flags) | {"nested"})))
                    break
