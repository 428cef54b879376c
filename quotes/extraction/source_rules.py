"""The source family: `theo` + a speaker.

`Theo S, Q` (source_before), `Q1, theo S, Q2` (source_interrupted), `Q, theo S.` and `"Q" - theo S.`
(source_after; a dash only after a quotation: `... - Theo Dân Trí` closing an article is a credit).
`theo` + a phrase from sources.tsv (theo quy định) or + no speaker mention is rejected.
"""

from __future__ import annotations

import regex

from quotes.extraction.context import DASH, ArticleContext
from quotes.extraction.lexicon import Cue
from quotes.extraction.limits import MAX_ASIDE_HEAD_WORDS, MAX_SOURCE_APPOSITION_WORDS
from quotes.extraction.mentions import parse_mention, strip_edges
from quotes.extraction.normalise import fold_key
from quotes.extraction.rules import SOURCE, SOURCE_AFTER, SOURCE_BEFORE, SOURCE_INTERRUPTED, THEO_NOT_A_SOURCE, THEO_WITHOUT_SPEAKER, Rule
from quotes.extraction.segment import Sentence
from quotes.extraction.subjects import CueMatch, emit_with_cue, predicate_starts
from quotes.records import Mention

# `Theo S, Q` and `Theo S thì Q`.
THEO_OPENING = regex.compile(r"(?P<theo>theo)\s+(?P<np>[^,;:“”\"«»]{1,80}?)(?:\s*,|\s+thì(?![\p{L}\p{M}]))\s*", regex.IGNORECASE)
THEO_CLOSING = regex.compile(r"(?:,|(?<=[”\"»’'])\s*[-–])\s*(?P<theo>theo)\s+(?P<np>[^,;:“”\"«»]{1,60}?)\s*[.!]?\s*$", regex.IGNORECASE)
THEO_INSIDE = regex.compile(r",\s*(?P<theo>theo)\s+(?P<np>[^,;:“”\"«»]{1,60}?)\s*,\s*", regex.IGNORECASE)
LOI_CUA = regex.compile(r"lời(?: kể)?(?: của)?\s+", regex.IGNORECASE)
SOURCE_CUE = Cue("theo", "theo", "source", "clause")  # cues are immutable: one serves every match


def detect_sources(ctx: ArticleContext, sentence: Sentence) -> None:
    text = ctx.text
    start = ctx.sentence_start(sentence)
    if not ctx.may_hold("theo", start, sentence.end):
        return  # every source pattern needs "theo"
    lead = strip_edges(text[start:sentence.end], start)
    before = THEO_OPENING.match(text, lead[1], sentence.end)
    if before:
        mention = _source_mention(ctx, before)
        content_start = _skip_apposition(ctx, before.end(), sentence.end)
        content_end = ctx.trim_end(content_start, sentence.end)
        if mention and not ctx.covered(content_start, content_end):
            _emit_source(ctx, sentence, content_start, content_end, SOURCE_BEFORE, before, mention)
    inside = THEO_INSIDE.search(text, start, sentence.end)
    if inside and not ctx.inside_quotation(inside.start()) and inside.start() > start:
        mention = _source_mention(ctx, inside)
        rest = _skip_apposition(ctx, inside.end(), sentence.end)
        head = text[start:inside.start()]
        if mention and len(head.split()) <= MAX_ASIDE_HEAD_WORDS and predicate_starts().match(text, rest):
            end = ctx.trim_end(start, sentence.end)
            if not ctx.covered(start, end):
                _emit_source(ctx, sentence, start, end, SOURCE_INTERRUPTED, inside, mention)
    after = THEO_CLOSING.search(text, start, sentence.end)
    if after and not ctx.inside_quotation(after.start()):
        mention = _source_mention(ctx, after)
        content_end = ctx.trim_end(start, after.start())
        if mention and not ctx.covered(start, content_end):
            _emit_source(ctx, sentence, start, content_end, SOURCE_AFTER, after, mention)


def _skip_apposition(ctx: ArticleContext, start: int, end: int) -> int:
    """`Theo ông X, Giám đốc Y, Q`: the reported clause starts after the apposition."""
    pieces = ctx.pieces(start, end)
    if len(pieces) >= 2:
        a, b = pieces[0]
        if ctx.lex.title_regex.match(ctx.text, a, ctx.lowered) and len(ctx.text[a:b].split()) <= MAX_SOURCE_APPOSITION_WORDS:
            return pieces[1][0]
    return start


def _source_mention(ctx: ArticleContext, m: regex.Match) -> Mention | None:
    np = m.group("np")
    words = fold_key(np).split()
    if any(" ".join(words[:n]) in ctx.lex.source_traps for n in range(1, len(words) + 1)):  # the trap or trap + words
        ctx.reject(m.start(), m.end(), THEO_NOT_A_SOURCE, SOURCE)
        return None
    np_start = m.start("np")
    dash = DASH.search(np)
    if dash:  # "theo ông X - Phó Giám đốc Sở Y": the name before the dash
        np = np[:dash.start()]
    lời = LOI_CUA.match(np) if not ctx.lex.statement_of.match(np) else None  # lời khai của X is a statement
    if lời:
        np, np_start = np[lời.end():], np_start + lời.end()
    mention = parse_mention(np, np_start)
    if not mention or mention.kind == "pronoun" and not ctx.known_names:
        # "Cũng theo ông, Q" points back to someone named before; with nobody named, to no one
        ctx.reject(m.start(), m.end(), THEO_WITHOUT_SPEAKER, SOURCE)
        return None
    return mention


def _emit_source(ctx: ArticleContext, sentence: Sentence, start: int, end: int, rule: Rule, m: regex.Match,
                 mention: Mention) -> None:
    emit_with_cue(ctx, sentence, start, end, rule, CueMatch(m.start("theo"), m.end("theo"), SOURCE_CUE, mention))
