"""The headline family: `Speaker: words` as an article's headline (`Hương Giang: Tôi không ...`)."""

from __future__ import annotations

import regex

from quotes.extraction.context import ArticleContext
from quotes.extraction.mentions import parse_mention
from quotes.extraction.rules import HEADLINE_COLON
from quotes.extraction.segment import Sentence

HEADLINE_SPEAKER = regex.compile(r"([^:“”\"«»]{2,60}):\s+")
# Words a speaker uses of themselves or their listeners: "Hương Giang: Tôi không ...".
SPEECH_WORDS = regex.compile(r"(?<![\p{L}\p{M}])(?:tôi|chúng tôi|chúng ta|mình|em|anh|chị|các bạn|bạn)(?![\p{L}\p{M}])|[“”\"«»!?]",
                             regex.IGNORECASE)


def detect_headline_colon(ctx: ArticleContext, sentence: Sentence) -> None:
    """Only the headline: the first sentence of the first of several paragraphs."""
    if sentence.index != 0 or not ctx.headline:
        return
    m = HEADLINE_SPEAKER.match(ctx.text[sentence.start:sentence.end])
    if not m:
        return
    mention = parse_mention(m.group(1), sentence.start)
    if not mention or mention.kind not in ("name", "title", "organization"):
        return
    start = sentence.start + m.end()
    end = ctx.trim_end(start, sentence.end)
    # "Hà Nội: Sạt lở ...", "Arsenal – Hull: ...": a place or topic before a colon is no speaker.
    # A person with a title or honorific is one; anyone else only when the words read as speech.
    is_person_with_role = mention.kind == "name" and (mention.title or mention.gender != "any") or mention.kind == "title"
    if not is_person_with_role and not SPEECH_WORDS.search(ctx.text, start, end):
        return
    if not ctx.covered(start, end):
        candidate = ctx.emit(sentence, start, end, HEADLINE_COLON, mention)
        if candidate:
            candidate.cue = ":"
