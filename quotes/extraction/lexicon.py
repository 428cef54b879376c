"""Lexicons: reviewable TSV files in quotes/extraction/lexicons, loaded once and compiled to regexes."""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import product

import regex

from quotes.extraction.normalise import FINAL_Y_TO_I, OLD_TO_NEW_TONE, fold_key
from quotes.extraction.rules import REASONS_BY_NAME

LEXICON_DIR = resources.files("quotes.extraction") / "lexicons"

# Vietnamese words are runs of letters (with combining marks); \b in `re` splits NFD words.
WORD_START = r"(?<![\p{L}\p{M}\p{N}])"
WORD_END = r"(?![\p{L}\p{M}\p{N}])"


def read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of a lexicon file; lines starting with # are comments."""
    text = (LEXICON_DIR / name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def lexicon_hash() -> str:
    """A hash of every lexicon file, so a dataset can say which rules built it."""
    digest = hashlib.sha256()
    for item in sorted(LEXICON_DIR.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".tsv"):
            digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return digest.hexdigest()


# Spellings of one sound, either way round: the tone on oa/oe/uy (hoà, hòa), a final i or y
# after a consonant (sĩ, sỹ).
_TONE_VARIANTS = {**OLD_TO_NEW_TONE, **{new: old for old, new in OLD_TO_NEW_TONE.items()}}
_VARIANTS = {**_TONE_VARIANTS, **FINAL_Y_TO_I, **{i: y for y, i in FINAL_Y_TO_I.items()}}
_VARIANT = regex.compile("|".join(map(regex.escape, _TONE_VARIANTS))
                         + r"|(?<=[bcdđghklmnpqrstvx])[iíìỉĩịyýỳỷỹỵ](?![\p{L}\p{M}])")


def _spellings(phrase: str) -> list[str]:
    """A lexicon phrase lower-cased, in every spelling (hoà and hòa, sĩ and sỹ), spaces collapsed."""
    phrase = " ".join(phrase.lower().split())
    pieces: list[tuple[str, ...]] = []
    pos = 0
    for m in _VARIANT.finditer(phrase):
        pieces += [(phrase[pos:m.start()],), (m.group(0), _VARIANTS[m.group(0)])]
        pos = m.end()
    pieces.append((phrase[pos:],))
    return ["".join(choice) for choice in product(*pieces)]


_END = ""  # marks a trie node where a phrase ends


def trie_pattern(phrases, first_char_suffix: str = "") -> str:
    """One regex body for many phrases, factored by shared prefixes (a trie), so the engine
    tries a handful of branches at each position instead of every phrase; a space matches any
    run of whitespace. At each node the longer phrases are tried first, as in a longest-first
    alternation. `first_char_suffix` goes after the first character of every phrase."""
    root: dict = {}
    for phrase in phrases:
        for spelling in _spellings(phrase):
            node = root
            for char in spelling:
                node = node.setdefault(char, {})
            node[_END] = {}
    return _node_pattern(root, first_char_suffix)


def _node_pattern(node: dict, suffix: str = "") -> str:
    branches = [(r"\s+" if char == " " else re.escape(char)) + suffix + _node_pattern(child)
                for char, child in sorted(node.items()) if char != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if _END in node else body


def alternation(phrases) -> regex.Pattern:
    """One whole-word, case-insensitive regex for many phrases, longest first."""
    return regex.compile(f"{WORD_START}(?:{trie_pattern(phrases)}){WORD_END}", regex.IGNORECASE | regex.V1)


class LowerCasePattern:
    """A case-insensitive pattern, run where it can be as a case-sensitive one (`fast`) over the
    lower-cased text: several times faster, with the same offsets, because lower-casing NFC
    Vietnamese keeps every character one character. Where it would not (a rare letter such as
    the Turkish İ), the case-insensitive pattern (`slow`) runs on the original text instead.
    Callers that hold the article lower-cased pass it as `lowered`."""

    def __init__(self, fast, slow):
        self.fast, self.slow = fast, slow

    def _pattern_and_text(self, text: str, lowered: str | None):
        lowered = text.lower() if lowered is None else lowered
        return (self.fast, lowered) if len(lowered) == len(text) else (self.slow, text)

    def finditer(self, text: str, lowered: str | None = None, pos: int = 0, endpos: int | None = None):
        pattern, subject = self._pattern_and_text(text, lowered)
        return pattern.finditer(subject, pos, len(subject) if endpos is None else endpos)

    def match(self, text: str, pos: int = 0, lowered: str | None = None):
        pattern, subject = self._pattern_and_text(text, lowered)
        return pattern.match(subject, pos)

    def search(self, text: str, pos: int = 0, endpos: int | None = None, lowered: str | None = None):
        pattern, subject = self._pattern_and_text(text, lowered)
        return pattern.search(subject, pos, len(subject) if endpos is None else endpos)

    def fullmatch(self, text: str):
        pattern, subject = self._pattern_and_text(text, None)
        return pattern.fullmatch(subject)


def phrase_matcher(phrases) -> LowerCasePattern:
    """Whole-word, case-insensitive matching of many phrases over a whole article; the fast
    pattern runs on the standard library's `re`, several times faster than a case-insensitive
    `regex` alternation."""
    phrases = list(phrases)
    # The word-start test sits after the first character, so `re` can skip ahead to the
    # positions where some phrase's first letter is.
    body = trie_pattern(phrases, first_char_suffix=r"(?<!\w.)")
    return LowerCasePattern(re.compile(rf"(?:{body})(?!\w)"),
                            regex.compile(f"{WORD_START}(?:{trie_pattern(phrases)}){WORD_END}", regex.IGNORECASE | regex.V1))


_ESCAPE = regex.compile(r"\\.")


def lower_case_pattern(source: str) -> LowerCasePattern:
    """A lexicon regex written in lower case (escapes such as \\S aside), matched in any case."""
    if _ESCAPE.sub("", source) != _ESCAPE.sub("", source).lower():
        raise ValueError(f"write this lexicon pattern in lower case: {source!r}")
    return LowerCasePattern(regex.compile(source), regex.compile(source, regex.IGNORECASE))


# The kinds of modifiers.tsv matched as patterns (function_word and clause_marker are word sets;
# complementiser documents what the cue rules' own pattern accepts).
MODIFIER_PATTERNS = ("connector", "adverb", "adjunct", "predicate_start", "clause_opener")


def modifier_regex(kind: str) -> regex.Pattern:
    """The phrases of one kind in modifiers.tsv (connector, adverb, adjunct, predicate_start)."""
    return load().modifiers[kind]


@dataclass(frozen=True)
class Cue:
    cue: str
    lemma: str | None  # None for a manner phrase that is not in the cue lexicon
    cls: str
    takes: str


@dataclass(frozen=True)
class Lexicons:
    cues: dict[str, Cue]  # fold_key(cue) -> Cue
    cue_regex: LowerCasePattern
    traps: dict[str, str]  # fold_key(phrase) -> reason (a name in rules.REASONS)
    trap_regex: LowerCasePattern
    source_traps: frozenset[str]
    honorifics: dict[str, tuple[str, str]]  # fold_key(word) -> (gender, number)
    honorific_regex: LowerCasePattern
    honorifics_in_names: frozenset[str]  # honorifics that, capitalised, also stand inside names (Anh, Bà)
    titles: frozenset[str]
    title_genders: dict[str, str]  # fold_key(title) -> f or m, for the titles that say it (hoa hậu)
    title_regex: LowerCasePattern
    person_head_regex: LowerCasePattern  # a title or an honorific: where a person's mention may start
    title_aliases: tuple[tuple[str, str], ...]  # (alias, canonical), folded, longest alias first
    organisations: dict[str, str]  # fold_key(word) -> kind
    organisation_regex: LowerCasePattern
    groups: dict[str, str]
    kin_genders: dict[str, str]  # fold_key(kin word) -> f or m (mẹ, vợ / bố, chồng)
    people_heads: tuple[str, ...]  # nouns that name people by what they are (người dân), longest first
    modifiers: dict[str, regex.Pattern]  # kind -> one whole-word pattern of its phrases
    function_words: frozenset[str]  # words that join or place a phrase: never part of a role
    clause_markers: frozenset[str]  # tense, aspect and modal words: a clause follows
    statement_of: regex.Pattern  # `tuyên bố của `, `một thông cáo từ `: a statement, then its author
    calibration: dict[tuple[str, str], float]  # (rule, attribution or *) -> measured confidence
    surnames: frozenset[str]  # family names that open a full name of two words or more
    long_surnames: frozenset[str]  # family names that also open place names: only before two more words
    middle_name_genders: dict[str, str]  # fold_key(middle name) -> f or m, by convention (Thị, Văn)
    given_name_genders: dict[str, str]  # fold_key(given name) -> f or m, borne almost only by one
    foreign_given_name_genders: dict[str, str]  # fold_key(first word of a foreign name) -> f or m, likewise
    not_names: frozenset[str]  # capitalised words that are never a one-word name
    boilerplate_lines: regex.Pattern  # a whole line of page furniture
    caption_prefixes: regex.Pattern
    credit_regex: LowerCasePattern


def _folded(name: str, column: str) -> frozenset[str]:
    return frozenset(fold_key(r[column]) for r in read_tsv(name))


@cache
def load() -> Lexicons:
    """Every lexicon, read once per process and compiled."""
    cues = {fold_key(r["cue"]): Cue(r["cue"], r["lemma"], r["class"], r["takes"]) for r in read_tsv("cues.tsv")}
    traps = {fold_key(r["phrase"]): r["reason"] for r in read_tsv("traps.tsv")}
    unknown = sorted(set(traps.values()) - set(REASONS_BY_NAME))
    if unknown:
        raise ValueError(f"traps.tsv: reasons not registered in quotes/extraction/rules.py: {unknown}")
    sources = read_tsv("sources.tsv")
    honorifics = {fold_key(r["word"]): (r["gender"], r["number"]) for r in read_tsv("honorifics.tsv")}
    modifiers: dict[str, list[str]] = {}
    for r in read_tsv("modifiers.tsv"):
        modifiers.setdefault(r["kind"], []).append(r["phrase"])
    listed_titles = _folded("titles.tsv", "title")
    # cựu Tổng thống, tân Bộ trưởng: a former, new or acting holder has the title too
    title_modifiers = [fold_key(m) for m in modifiers.get("title_modifier", [])]
    titles = listed_titles | {f"{m} {t}" for m in title_modifiers for t in listed_titles}
    genders = {fold_key(r["title"]): r["gender"] for r in read_tsv("titles.tsv") if r.get("gender")}
    aliases = ((fold_key(r["alias"]), fold_key(r["canonical"])) for r in read_tsv("title_aliases.tsv"))
    organisations = {fold_key(r["word"]): r["kind"] for r in read_tsv("organisations.tsv")}
    boiler = read_tsv("boilerplate.tsv")
    lines = [r["pattern"] for r in boiler if r["kind"] == "line"]
    prefixes = [r["pattern"] for r in boiler if r["kind"] == "caption_prefix"]
    credits = "|".join(r["pattern"] for r in boiler if r["kind"] == "credit")
    return Lexicons(
        cues=cues,
        cue_regex=phrase_matcher(c.cue for c in cues.values()),
        traps=traps,
        trap_regex=phrase_matcher(traps),
        source_traps=frozenset(fold_key(r["phrase"]) for r in sources if r["kind"] == "trap"),
        honorifics=honorifics,
        honorific_regex=phrase_matcher(honorifics),
        honorifics_in_names=frozenset(fold_key(r["word"]) for r in read_tsv("honorifics.tsv") if r["in_names"] == "yes"),
        titles=titles,
        title_genders=genders | {f"{m} {t}": g for m in title_modifiers for t, g in genders.items()},
        title_regex=phrase_matcher(titles),
        person_head_regex=phrase_matcher(list(titles) + list(honorifics)),
        title_aliases=tuple(sorted(aliases, key=lambda pair: -len(pair[0]))),
        organisations=organisations,
        organisation_regex=phrase_matcher(organisations),
        groups={fold_key(r["word"]): r["kind"] for r in read_tsv("groups.tsv") if r["kind"] != "people_head"},
        kin_genders={fold_key(r["word"]): r["gender"] for r in read_tsv("groups.tsv") if r.get("gender")},
        people_heads=tuple(sorted((fold_key(r["word"]) for r in read_tsv("groups.tsv") if r["kind"] == "people_head"),
                                  key=lambda h: -len(h))),
        modifiers={kind: alternation(phrases) for kind, phrases in modifiers.items() if kind in MODIFIER_PATTERNS},
        function_words=frozenset(fold_key(w) for w in modifiers.get("function_word", [])),
        clause_markers=frozenset(fold_key(w) for w in modifiers.get("clause_marker", [])),
        statement_of=regex.compile(rf"(?:một |các |bản )?(?:{trie_pattern(modifiers.get('statement', []))})"
                                   r"(?: mới nhất| chính thức)? (?:của|trên|từ)\s+", regex.IGNORECASE),
        calibration={(r["rule"], r["attribution"]): float(r["confidence"]) for r in read_tsv("calibration.tsv")},
        surnames=frozenset(fold_key(r["surname"]) for r in read_tsv("surnames.tsv") if r["min_words"] == "2"),
        long_surnames=frozenset(fold_key(r["surname"]) for r in read_tsv("surnames.tsv") if r["min_words"] == "3"),
        middle_name_genders={fold_key(r["word"]): r["gender"] for r in read_tsv("middle_names.tsv")},
        given_name_genders={fold_key(r["word"]): r["gender"] for r in read_tsv("given_names.tsv")},
        foreign_given_name_genders={fold_key(r["word"]): r["gender"] for r in read_tsv("foreign_given_names.tsv")},
        not_names=_folded("not_names.tsv", "word"),
        boilerplate_lines=regex.compile(r"\s*(?:" + "|".join(f"(?:{p})" for p in lines) + r")\s*", regex.IGNORECASE),
        caption_prefixes=regex.compile(r"\s*(?:" + "|".join(prefixes) + ")", regex.IGNORECASE),
        credit_regex=lower_case_pattern(rf"(?:{credits})\s*"),
    )


def opens_a_full_name(words: Sequence[str]) -> bool:
    """Whether folded words are a Vietnamese full name by their first: a family name of
    surnames.tsv and one more word at least, or two more for a family name that also opens
    place names (Hà Văn Tuấn, but Hà Nội; Cao Bá Phương, but Cao Bằng)."""
    lex = load()
    return len(words) >= 2 and words[0] in lex.surnames or len(words) >= 3 and words[0] in lex.long_surnames


def full_name_start(words: Sequence[str]) -> int | None:
    """Where a Vietnamese full name of at most four words starts in a run of capitalised folded
    words that it ends: at the first family name after which the rest reads as one (Bệnh viện
    Bạch Mai Nguyễn Văn An -> Nguyễn). A family name that also opens place names yields to a
    plain one after it: huyện Thạch Hà Trần Việt Hà -> Trần Việt Hà, not Hà Trần Việt Hà."""
    starts = [i for i in range(max(0, len(words) - 4), len(words)) if opens_a_full_name(words[i:])]
    plain = [i for i in starts if words[i] in load().surnames]
    return (plain or starts)[0] if starts else None
