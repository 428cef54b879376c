"""Applies the rule families to one article, in registry order.

Every sentence that is not page furniture goes through the sentence families (cues, sources,
headline) in turn; once all sentences are done, the quotation marks nobody claimed are read
(so a quotation can continue a speaker found later in its sentence), and last the quotations
nested inside direct quotes. The quotes come back sorted by offset, with the rejections.
"""

from __future__ import annotations

from collections.abc import Callable

from quotes.extraction.context import ArticleContext, Candidate
from quotes.extraction.cue_rules import detect_cues
from quotes.extraction.headline_rules import detect_headline_colon
from quotes.extraction.quote_mark_rules import leftover_spans, nested_quotes
from quotes.extraction.rules import FURNITURE, PAGE_FURNITURE
from quotes.extraction.segment import Segmented, Sentence
from quotes.extraction.source_rules import detect_sources
from quotes.records import Rejection

SENTENCE_FAMILIES: tuple[Callable[[ArticleContext, Sentence], None], ...] = (
    detect_cues, detect_sources, detect_headline_colon)
LEFTOVER_FAMILIES: tuple[Callable[[ArticleContext, Sentence], None], ...] = (leftover_spans,)
ARTICLE_FAMILIES: tuple[Callable[[ArticleContext], None], ...] = (nested_quotes,)


def detect(article_id: str, seg: Segmented, headline: bool = False,
           name_words: Callable[[], frozenset[str]] = frozenset) -> tuple[list[Candidate], list[Rejection]]:
    ctx = ArticleContext(article_id, seg, headline, name_words)
    content = []
    for sentence in seg.sentences:
        if ctx.is_furniture(sentence):
            for span in ctx.spans_in(sentence.start, sentence.end):
                ctx.reject(span.inner_start, span.inner_end, PAGE_FURNITURE, FURNITURE)
            continue
        content.append(sentence)
        for family in SENTENCE_FAMILIES:
            family(ctx, sentence)
    for family in LEFTOVER_FAMILIES:
        for sentence in content:
            family(ctx, sentence)
    for article_family in ARTICLE_FAMILIES:
        article_family(ctx)
    ctx.candidates.sort(key=lambda c: (c.start, c.end))
    return ctx.candidates, ctx.rejections
