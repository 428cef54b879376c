"""`quotes mine CORPUS`: candidates for the lexicons, ranked by how often they stand where
lexicon entries stand, with a few contexts each, for a person to review.

- cues: the one to three words right before `rằng`, before `: "` (a colon opening a quotation),
  and at the end of `"...", S WORDS.` (after a quotation and its speaker), not in cues.tsv;
- roles: the lower-case words right before a Vietnamese full name (a family name from
  surnames.tsv and one to three capitalised syllables), not titles or honorifics;
- theo: the words after `theo` up to the comma (`Theo X, ...`), not a source trap, a title or
  an honorific: which heads are sources and which are not;
- given_names: the given name (last syllable) of each Vietnamese full name whose gender the
  text says, by an honorific right before it (`ông`, `bà`, `anh`, `chị` ...) or by a middle name
  of middle_names.tsv (Nguyễn Thị Lan, Trần Văn Hải); each person (full name and gender) counted
  once, so a name says how many women and men bear it. A name borne almost only by one gender
  is a candidate for given_names.tsv, for review.
- foreign_given_names: the first word of each foreign full name (two to four capitalised words
  with no letter only Vietnamese writes, the first not a family name of surnames.tsv), each
  full name counted once, with the gender an honorific right before it says where one does.
  Most candidates are not given names at all (`Real Madrid`, `Daily Star`): the reviewer keeps
  the given names borne almost only by one gender, for foreign_given_names.tsv.

Nothing is added by itself: a reviewer copies the candidates that are right into the TSV files.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence, Set
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import regex

from quotes.dataset.read import read_raw, to_article
from quotes.extraction.lexicon import load, opens_a_full_name
from quotes.extraction.normalise import VIETNAMESE_LETTERS, fold_key

KINDS = ("cues", "roles", "theo", "given_names", "foreign_given_names")
WORD = r"(?<![\p{L}\p{M}])[\p{Ll}\p{M}]+"  # a whole lower-case word
BEFORE_RANG = regex.compile(rf"((?:{WORD}\s+){{0,2}}{WORD})\s+rằng\b")
BEFORE_COLON_QUOTE = regex.compile(rf"((?:{WORD}\s+){{0,2}}{WORD})\s*:\s*[“\"«]")
AFTER_QUOTE = regex.compile(rf"[”\"»]\s*[,–-]\s*[^.!?\n“”\"]{{1,60}}?\s((?:{WORD}\s+){{0,1}}{WORD})\s*[.!]")
# A role: up to three words, the first capitalised at a sentence start, before a full name.
BEFORE_NAME = regex.compile(rf"((?:(?<![\p{{L}}\p{{M}}])\p{{Lu}}[\p{{Ll}}\p{{M}}]*\s+)?(?:{WORD}\s+){{0,2}}{WORD})"
                            rf"\s+(\p{{Lu}}[\p{{L}}\p{{M}}]*(?:\s+\p{{Lu}}[\p{{L}}\p{{M}}]*){{1,3}})")
# Words that join or place a phrase, never a role or a cue on their own.
FUNCTION_WORDS = frozenset("và của với cho là ở tại từ đến về trong ngoài như bởi do vì nhưng mà thì còn các những một".split())
AFTER_THEO = regex.compile(r"(?:^|[.!?]\s+|\n)(?:cũng\s+)?theo\s+([^,.;:\n“”\"]{1,40}?),", regex.IGNORECASE)
# A full name, with the word before it (an honorific or not; the name's first word is checked
# against surnames.tsv). Not after another honorific or `và`: `ông bà X`, `anh chị X`, `ông và bà
# X` stand for two.
HONORIFIC_NAME = regex.compile(r"(?<![\p{L}\p{M}])(?:(?<!(?i:ông|bà|anh|chị|cô|chú|và)\s)(\p{L}+)\s+)?"
                               r"(?<![\p{L}\p{M}])(\p{Lu}[\p{L}\p{M}]*(?:\s+\p{Lu}[\p{L}\p{M}]*){1,3})(?![\p{L}\p{M}])")
# Two to four capitalised words, with the word before them (an honorific or not).
CAPITALISED_RUN = regex.compile(r"(?<![\p{L}\p{M}])(?:(\p{L}+)\s+)?(?<![\p{L}\p{M}'-])"
                                r"(\p{Lu}[\p{Ll}\p{M}'-]+(?:\s+\p{Lu}[\p{L}\p{M}'-]*){1,3})(?![\p{L}\p{M}])")
PREVIOUS_WORD = regex.compile(r"(\p{L}+)\s+$")
CONTEXT_CHARS = 50


@dataclass
class Candidates:
    """Counts of one kind of candidate and the first few contexts of each."""

    counts: Counter = field(default_factory=Counter)
    contexts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_label: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # given names: m, f
    counted: set[tuple[str, str]] = field(default_factory=set)  # given names: (full name, gender) seen

    def add(self, phrase: str, text: str, start: int, end: int, keep: int, label: str = "") -> None:
        self.counts[phrase] += 1
        if label:
            self.by_label[phrase][label] += 1
        if len(self.contexts[phrase]) < keep:
            before, after = text[max(0, start - CONTEXT_CHARS):start], text[end:end + CONTEXT_CHARS]
            self.contexts[phrase].append(" ".join(f"{before}[{text[start:end]}]{after}".split()))


def _known_cue(phrase: str) -> bool:
    """Whether the phrase ends in a cue already (`ông nói` holds `nói`; before `rằng`, `ông
    cho` holds `cho rằng`)."""
    cues = load().cues
    for candidate in (phrase, phrase + " rằng"):
        words = fold_key(candidate).split()
        if any(" ".join(words[i:]) in cues for i in range(len(words))):
            return True
    return False


def _is_title_or_honorific(phrase: str) -> bool:
    """Whether the phrase holds a title or ends in an honorific (`tịch nước` is part of one)."""
    lex = load()
    words = fold_key(phrase).split()
    return bool(lex.title_regex.search(phrase)) or words[-1] in lex.honorifics or \
        any(fold_key(phrase) in title for title in lex.titles)


def cue_candidates(text: str, found: Candidates, keep: int) -> None:
    """Lower-case words only: a capitalised word before a cue is part of the speaker's name."""
    for pattern in (BEFORE_RANG, BEFORE_COLON_QUOTE, AFTER_QUOTE):
        for m in pattern.finditer(text):
            phrase = m.group(1)
            if not _known_cue(phrase):
                found.add(phrase, text, m.start(1), m.end(1), keep)


def role_candidates(text: str, found: Candidates, keep: int) -> None:
    for m in BEFORE_NAME.finditer(text):
        if not opens_a_full_name(fold_key(m.group(2)).split()):
            continue
        phrase = m.group(1).lower()
        if phrase.split()[-1] in FUNCTION_WORDS or _is_title_or_honorific(phrase) or _known_cue(phrase):
            continue
        found.add(phrase, text, m.start(1), m.end(2), keep)


def theo_candidates(text: str, found: Candidates, keep: int) -> None:
    lex = load()
    for m in AFTER_THEO.finditer(text):
        phrase = " ".join(m.group(1).split()[:2]).lower()
        key = fold_key(phrase)
        if any(" ".join(key.split()[:n]) in lex.source_traps for n in (1, 2)) or _is_title_or_honorific(phrase.split()[0]):
            continue
        found.add(phrase, text, m.start(1), m.end(1), keep)


def _gender_before(text: str, word: str | None, word_start: int) -> str:
    """m or f where the word before a name is a singular gendered honorific that addresses the
    name; "" otherwise. In `chồng bà X` the honorific belongs to the kin word before it: X is
    her husband."""
    lex = load()
    gender, number = lex.honorifics.get(fold_key(word or ""), ("any", "sg"))
    if number != "sg" or gender == "any":
        return ""
    kin = PREVIOUS_WORD.search(text, max(0, word_start - 12), word_start)
    return "" if kin and fold_key(kin.group(1)) in lex.kin_genders else gender


def given_name_candidates(text: str, found: Candidates, keep: int) -> None:
    lex = load()
    for m in HONORIFIC_NAME.finditer(text):
        name = fold_key(m.group(2)).split()
        if not opens_a_full_name(name):
            continue
        said = {_gender_before(text, m.group(1), m.start())} - {""} | \
            ({lex.middle_name_genders[name[1]]} if len(name) >= 3 and name[1] in lex.middle_name_genders else set())
        person = (" ".join(name), "".join(said))
        if len(said) == 1 and person not in found.counted:
            found.counted.add(person)
            found.add(name[-1], text, m.start(1) if m.group(1) else m.start(2), m.end(2), keep, said.pop())


def foreign_given_name_candidates(text: str, found: Candidates, keep: int) -> None:
    for m in CAPITALISED_RUN.finditer(text):
        name = fold_key(m.group(2))
        if VIETNAMESE_LETTERS.search(name) or opens_a_full_name(name.split()):
            continue
        first = m.group(2).split()[0]
        if (name, "") not in found.counted:  # the full name, counted once
            found.counted.add((name, ""))
            found.add(first, text, m.start(2), m.end(2), keep)
        said = _gender_before(text, m.group(1), m.start())
        if said and (name, said) not in found.counted:  # and once for each gender said of it
            found.counted.add((name, said))
            found.by_label[first][said] += 1


MINERS = {"cues": cue_candidates, "roles": role_candidates, "theo": theo_candidates,
          "given_names": given_name_candidates, "foreign_given_names": foreign_given_name_candidates}


def texts(sources: Sequence[str | Path], limit: int | None, exclude: Set[str] = frozenset()) -> Iterator[str]:
    """The texts of the articles read, but those whose id is in `exclude` (the articles a gold
    set indexes: a lexicon grown here is then measured on gold it never saw)."""
    articles = (to_article(record) for record in read_raw(sources))
    yield from islice((a.text for a in articles if a.status == "ok" and a.article_id not in exclude), limit)


def mine(articles: Iterable[str], kinds: Sequence[str], keep: int = 3) -> dict[str, Candidates]:
    found = {kind: Candidates() for kind in kinds}
    for text in articles:
        for kind in kinds:
            MINERS[kind](text, found[kind], keep)
    return found


def report(found: dict[str, Candidates], top: int) -> str:
    lines = []
    for kind, candidates in found.items():
        lines.append(f"## {kind}: {len(candidates.counts)} candidates, the {top} most frequent\n")
        for phrase, count in candidates.counts.most_common(top):
            labels = "  ".join(f"{label} {n}" for label, n in sorted(candidates.by_label[phrase].items()))
            lines.append(f"{count:6d}  {phrase}" + (f"  ({labels})" if labels else ""))
            lines += [f"        {context}" for context in candidates.contexts[phrase]]
        lines.append("")
    return "\n".join(lines)
