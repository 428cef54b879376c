"""One article's extraction: segment -> speaker index -> rules -> speakers resolved -> quotes.

The article arrives normalised (the reader runs `normalise`, so every offset indexes the stored
text). `extract_article` is a pure function of one article, so the same code serves the CLI, the
build and any batch engine.
"""

from __future__ import annotations

from quotes.extraction.context import Candidate
from quotes.extraction.lexicon import load
from quotes.extraction.mentions import as_title
from quotes.extraction.rules import RULES_BY_NAME
from quotes.extraction.runner import detect
from quotes.extraction.segment import segment
from quotes.extraction.speakers import Entity, SpeakerIndex, gender_of, speaker_id
from quotes.records import Article, Quote, Rejection, short_hash

# Without calibration, confidence is the rule's base confidence (rules.py) less what the speaker link costs.
LINK_PENALTY = {"explicit": 0.0, "surname": 0.02, "title": 0.05, "pronoun": 0.08, "description": 0.1,
                "fuzzy": 0.15, "title_only": 0.1, "floating": 0.0, "unresolved": 0.3}


def quote_id(article_id: str, start: int, end: int) -> str:
    """Stable: the same article and span give the same id in every build."""
    return "q_" + short_hash(f"{article_id}\0{start}\0{end}", 16)


class OnDemand:
    """The speaker index, made when first needed (a rule asks which words are names, or a quote
    is to be resolved): it is a third of an article's time, and many articles never need it.
    A class, not a closure: a compiled closure is a reference cycle, left to the collector."""

    def __init__(self, text: str, quoted: list[tuple[int, int]], lowered: str | None):
        self.text, self.quoted, self.lowered = text, quoted, lowered
        self.index: SpeakerIndex | None = None

    def get(self) -> SpeakerIndex:
        if self.index is None:
            self.index = SpeakerIndex(self.text, self.quoted, self.lowered)
        return self.index

    def name_words(self) -> frozenset[str]:
        return self.get().name_words()


def extract_article(article: Article) -> tuple[list[Quote], list[Rejection]]:
    seg = segment(article.text)
    first = seg.paragraphs[0] if seg.paragraphs else None
    headline = bool(first and article.title and article.text[first.start:first.end].strip() == article.title.strip())
    quoted = [(s.inner_start, s.inner_end) for s in seg.quotes]
    speaker_index = OnDemand(article.text, quoted, seg.lowered)
    candidates, rejections = detect(article.article_id, seg, headline, speaker_index.name_words)
    if not candidates:
        return [], rejections
    index = speaker_index.get()
    quotes: list[Quote] = []
    resolved: dict[int, Quote] = {}
    speakers: dict[int, Entity | None] = {}  # id(quote) -> the entity it resolved to
    for candidate in candidates:
        quote = _to_quote(article, candidate, index, resolved, speakers)
        resolved[id(candidate)] = quote
        quotes.append(quote)
    for quote in quotes:  # now that the whole article has said what it says of each speaker
        quote.speaker_gender, quote.gender_evidence = gender_of(speakers[id(quote)])
    _link_parents(quotes)
    return quotes, rejections


def warm_up() -> None:
    """Compile the lexicons and patterns that load on first use (about 0.1 s), by extracting one
    short article: a process about to fork workers calls it, so that they inherit the work."""
    extract_article(Article("warm-up", "Theo ông Nguyễn Văn An, giám đốc sở, giá sẽ giảm. “Chúng tôi sẵn sàng”, bà Lan nói."))


def _to_quote(article: Article, c: Candidate, index: SpeakerIndex, resolved: dict[int, Quote],
              speakers: dict[int, Entity | None]) -> Quote:
    quote = Quote(
        article_id=article.article_id, start=c.start, end=c.end, quote=article.text[c.start:c.end],
        quote_type=c.quote_type, rule=c.rule, cue=c.cue, cue_lemma=c.cue_lemma,
        cue_start=c.cue_start, cue_end=c.cue_end, mention=c.mention,
        paragraph=c.sentence.paragraph, sentence=c.sentence.index, flags=list(c.flags),
        quote_id=quote_id(article.article_id, c.start, c.end),
    )
    if c.inherited is not None and id(c.inherited) in resolved:
        source = resolved[id(c.inherited)]
        quote.speaker, quote.speaker_type = source.speaker, source.speaker_type
        quote.speaker_title, quote.attribution = source.speaker_title, "floating"
        quote.mention = None
        speakers[id(quote)] = speakers[id(source)]
    elif c.mention is not None:
        r = index.resolve(c.mention)
        quote.speaker, quote.speaker_type, quote.attribution = r.speaker, r.speaker_type, r.attribution
        quote.speaker_title = as_title(r.title)
        speakers[id(quote)] = r.entity if r.speaker else None
    else:
        quote.attribution = "unresolved"
    speakers.setdefault(id(quote), None)
    if quote.speaker:
        quote.speaker_id = speaker_id(quote.speaker, quote.speaker_type or "person", article.article_id)
    if "shared_subject" in quote.flags and quote.attribution == "explicit":
        quote.attribution = "shared_subject"
    quote.confidence = confidence(c.rule, quote.attribution or "", quote.flags)
    return quote


def confidence(rule: str, attribution: str, flags: list[str]) -> float:
    """How often such a quote is right: measured on gold (calibration.tsv, by rule and speaker
    link, else by rule), else the rule's base confidence less what its speaker link costs."""
    calibration = load().calibration
    measured = calibration.get((rule, attribution), calibration.get((rule, "*")))
    if measured is not None:
        return measured
    guess = RULES_BY_NAME[rule].confidence - LINK_PENALTY.get(attribution, 0.05)
    if {"unclosed", "mismatched_marks"} & set(flags):
        guess -= 0.05
    return round(max(guess, 0.05), 2)


def _link_parents(quotes: list[Quote]) -> None:
    """A quote lying inside another quote's span (a quotation within a quotation) names the
    smallest quote around it. Sorted by start (longest first), with a stack of open quotes."""
    stack: list[Quote] = []
    for quote in sorted(quotes, key=lambda q: (q.start, -q.end)):
        while stack and stack[-1].end <= quote.start:
            stack.pop()
        if stack and quote.end <= stack[-1].end and (quote.start, quote.end) != (stack[-1].start, stack[-1].end):
            quote.parent_quote_id = stack[-1].quote_id
        stack.append(quote)
