"""The registry: every rule that can produce a quote, every family of rules, and every reason a
candidate can be rejected for, each named once with what it means.

The `rule` column of the quotes table, the base confidences, the README's rule table and the
`reason` column of the rejected table all come from here. Rules are passed around as these
objects, never as strings, so a rule that is not registered cannot be emitted. The functions
that apply each family live in their own modules (cue_rules, source_rules, headline_rules,
quote_mark_rules); runner.py runs them in the order given here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    """A group of rules that one function applies; rejections name the family that made them."""

    name: str
    description: str


@dataclass(frozen=True)
class Rule:
    name: str
    family: str
    confidence: float  # before the penalty for how the speaker was linked (pipeline.LINK_PENALTY)
    description: str


@dataclass(frozen=True)
class Reason:
    """Why a candidate was rejected: the `reason` column of the rejected table."""

    name: str
    description: str


FURNITURE = Family("furniture", "captions, credits and page furniture lines: their quotations are not speech")
CUE_TRAP = Family("cue_trap", "a cue word inside a phrase from traps.tsv that is not speech (`nói chung`)")
CUE = Family("cue", "a speech verb from cues.tsv with its speaker before it")
SOURCE = Family("source", "`theo` + a speaker")
HEADLINE = Family("headline", "the headline `Speaker: words`")
QUOTE_MARKS = Family("quote_marks", "quotation marks no cue has claimed")
FAMILIES = (FURNITURE, CUE_TRAP, CUE, SOURCE, HEADLINE, QUOTE_MARKS)
FAMILIES_BY_NAME = {family.name: family for family in FAMILIES}

# The rules in the order the runner applies them (within a sentence: cues, sources, headline;
# then the quotation marks left over; then quotations nested in a quote).
CUE_BEFORE = Rule("cue_before", CUE.name, 0.9, "`S CUE (rằng|:|,) Q`: the speaker, the cue, then what was said")
INTERRUPTED = Rule("interrupted", CUE.name, 0.75, "`Q1, S CUE, Q2`: the content around a speaker-and-cue aside")
CUE_BETWEEN = Rule("cue_between", CUE.name, 0.85, "`\"Q1,\" S CUE, \"Q2\"`: the quotation right before the speaker")
CUE_AFTER = Rule("cue_after", CUE.name, 0.9, "`Q, S CUE.` / `\"Q\" - S CUE`: the content before the speaker")
CUE_COLON_NEXT_PARAGRAPH = Rule("cue_colon_next_paragraph", CUE.name, 0.85,
                                "`S CUE:` closing a paragraph, the quotation opening the next")
QUOTED_BY = Rule("quoted_by", CUE.name, 0.85, "`A dẫn lời B: Q`: B said Q, as reported by A")
SOURCE_BEFORE = Rule("source_before", SOURCE.name, 0.8, "`Theo S, Q`")
SOURCE_INTERRUPTED = Rule("source_interrupted", SOURCE.name, 0.75, "`Q1, theo S, Q2` (an apposition may follow S)")
SOURCE_AFTER = Rule("source_after", SOURCE.name, 0.8, "`Q, theo S.`")
HEADLINE_COLON = Rule("headline_colon", HEADLINE.name, 0.7, "`S: Q` as an article's headline")
COLON_SPEAKER = Rule("colon_speaker", QUOTE_MARKS.name, 0.8, "`S (manner words): \"Q\"`, e.g. `bà X thốt lên: \"Q\"`")
FLOATING_CONTINUATION = Rule("floating_continuation", QUOTE_MARKS.name, 0.6,
                             "a quotation standing alone right after a quote continues its speaker")
AFTER_INTRODUCTION = Rule("after_introduction", QUOTE_MARKS.name, 0.55,
                          "a quotation right after a sentence that introduces a person by title or honorific and name")
NESTED_QUOTE = Rule("nested_quote", QUOTE_MARKS.name, 0.7,
                    "`\"... ông ấy bảo tôi: 'Q'\"`: a quotation inside a quote, with its own speaker")
RULES = (CUE_BEFORE, INTERRUPTED, CUE_BETWEEN, CUE_AFTER, CUE_COLON_NEXT_PARAGRAPH, QUOTED_BY,
         SOURCE_BEFORE, SOURCE_INTERRUPTED, SOURCE_AFTER, HEADLINE_COLON,
         COLON_SPEAKER, FLOATING_CONTINUATION, AFTER_INTRODUCTION, NESTED_QUOTE)
RULES_BY_NAME = {rule.name: rule for rule in RULES}

PAGE_FURNITURE = Reason("page_furniture", "inside a caption, a photo credit or a page furniture line")
NO_SPEAKER_BEFORE_CUE = Reason("no_speaker_before_cue", "a cue with no speaker phrase before it")
CUE_NEEDS_COMPLEMENTISER = Reason("cue_needs_complementiser",
                                  "a cue of the `complement` class followed by a bare clause (no rằng, là, colon or comma)")
CUE_WITHOUT_CONTENT = Reason("cue_without_content", "a cue with a speaker but nothing said before or after it")
NO_SPEAKER_AFTER_CUE = Reason("no_speaker_after_cue", "`dẫn lời` not followed by a speaker")
CONTENT_TOO_SHORT = Reason("content_too_short", "an indirect quote of fewer than three words")
OVERLAPS_EARLIER_QUOTE = Reason("overlaps_earlier_quote", "the span overlaps a quote an earlier rule found")
THEO_NOT_A_SOURCE = Reason("theo_not_a_source", "`theo` + a phrase from sources.tsv that is no speaker (theo quy định)")
THEO_WITHOUT_SPEAKER = Reason("theo_without_speaker", "`theo` + a phrase that is no speaker mention")
QUOTATION_WITHOUT_SPEAKER = Reason("quotation_without_speaker", "a quotation of five words or more that no rule attributes")
SCARE_QUOTE_OR_NAME = Reason("scare_quote_or_name", "a quotation of four words or fewer: a title, a name or a scare quote")
# The reasons traps.tsv gives for a phrase holding a cue word that is not speech.
HEDGED_BELIEF = Reason("hedged_belief", "a trap: a hedged belief (được cho là), not a statement")
IDIOM = Reason("idiom", "a trap: an idiom built on a cue word (nói chung)")
NAMING = Reason("naming", "a trap: naming something (gọi là), not speech")
NOT_SPEECH = Reason("not_speech", "a trap: the cue word in a phrase that is not reporting speech (nói dối, gọi điện)")
NOUN_USE = Reason("noun_use", "a trap: the cue word inside a noun (lời nói, lời khai)")
TOPIC_NOT_SPEECH = Reason("topic_not_speech", "a trap: speaking about a topic (nói về), not what was said")
REASONS = (PAGE_FURNITURE, NO_SPEAKER_BEFORE_CUE, CUE_NEEDS_COMPLEMENTISER, CUE_WITHOUT_CONTENT, NO_SPEAKER_AFTER_CUE,
           CONTENT_TOO_SHORT, OVERLAPS_EARLIER_QUOTE, THEO_NOT_A_SOURCE, THEO_WITHOUT_SPEAKER,
           QUOTATION_WITHOUT_SPEAKER, SCARE_QUOTE_OR_NAME,
           HEDGED_BELIEF, IDIOM, NAMING, NOT_SPEECH, NOUN_USE, TOPIC_NOT_SPEECH)
REASONS_BY_NAME = {reason.name: reason for reason in REASONS}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """The rule and reason tables of the README (`quotes rules` prints them)."""
    lines = ["| rule | family | base confidence | what it finds |", "|---|---|---|---|"]
    lines += [f"| `{r.name}` | {r.family} | {r.confidence:.2f} | {_cell(r.description)} |" for r in RULES]
    lines += ["", "| rejection reason | what was rejected |", "|---|---|"]
    lines += [f"| `{r.name}` | {_cell(r.description)} |" for r in REASONS]
    return "\n".join(lines)
