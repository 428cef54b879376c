"""The speaker index of one article: who is mentioned where, and what each quote's mention
resolves to (one canonical speaker per person within an article).

It is built when a rule first asks which capitalised words are names, or when a quote is to be
resolved (an article that needs neither never builds it), and resolves each quote's mention
after the rules. Every person mentioned with a title or honorific and a name becomes an entity; later short
forms (ông Blinken, ông Dũng, ông Park, a misspelt Sheran), titles alone (Ngoại trưởng Mỹ),
pronouns (ông, bà, họ) and descriptions (vị tướng này) link back to an entity, and each link
says how it was made. Nothing links when nothing in the text supports it.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import islice

import regex

from quotes.extraction.lexicon import full_name_start, load, modifier_regex, opens_a_full_name
from quotes.extraction.limits import ENTITY_SEARCH_LIMIT, MAX_MENTION_CHARS, MAX_NAME_RUN_ENDS
from quotes.extraction.mentions import ACRONYM, LISTED_NAME_COMMA, PARENTHESIS, TOKEN, parse_mention
from quotes.extraction.normalise import VIETNAMESE_LETTERS, fold_key
from quotes.extraction.segment import inside_any, whole_word_positions
from quotes.records import Mention, short_hash

TYPE_OF_KIND = {"organization": "organization", "group": "group", "unnamed": "unnamed"}


@dataclass(slots=True)
class Entity:
    kind: str  # person, organization, group, unnamed
    names: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # folded, aliases applied
    title_text: str = ""  # a title as written, for a person known only by role
    gender: str = "any"
    name_keys: list[list[str]] = field(default_factory=list)  # each name's folded words
    canonical: str = ""  # the longest name (most words, then characters), else the title as written
    genders: dict[str, str] = field(default_factory=dict)  # m or f -> the first evidence of it
    plural: bool = False  # named as more than one (ông bà X: a couple under the husband's name)

    def __post_init__(self):
        self.name_keys = [[fold_key(word) for word in name.split()] for name in self.names]
        self.canonical = max(self.names, key=_name_length) if self.names else self.title_text

    def note_gender(self, mention: Mention) -> None:
        """What a mention says of the gender (an honorific, a pronoun that points here, a kin
        word or a title), kept per gender so that evidence for both shows up as a conflict."""
        if mention.gender in ("m", "f"):
            self.genders.setdefault(mention.gender, mention.gender_evidence or "honorific")
        self.plural = self.plural or mention.plural

    def add_name(self, name: str) -> None:
        """Names are added here only, so the canonical name is kept up to date (it is read for
        every quote)."""
        self.names.append(name)
        self.name_keys.append([fold_key(word) for word in name.split()])
        self.canonical = max(self.names, key=_name_length)


def _name_length(name: str) -> tuple[int, int]:
    return len(name.split()), len(name)


@dataclass(slots=True)
class Resolution:
    speaker: str | None
    speaker_type: str | None
    attribution: str
    title: str | None = None
    entity: Entity | None = None  # who it resolved to: its gender is known once the article is read


@cache
def _alias_patterns() -> list[tuple[regex.Pattern, str]]:
    return [(regex.compile(rf"(?<!\S){regex.escape(alias)}(?!\S)"), canonical) for alias, canonical in load().title_aliases]


@cache
def canonical_title(title: str) -> str:
    key = fold_key(title)
    for pattern, canonical in _alias_patterns():
        key = pattern.sub(canonical, key)
    return key


# Heads of a role that say only that someone speaks for a body, not which post they hold.
GENERIC_ROLE_HEADS = frozenset(fold_key(t) for t in ("lãnh đạo", "đại diện", "người đứng đầu"))


# Speakers named by a phrase, not a name (`nhiều người`, `một quan chức`), are different people
# in each article: their id is the article's own.
PER_ARTICLE_TYPES = ("group", "unnamed")


@lru_cache(maxsize=1 << 16)
def speaker_id(speaker: str, speaker_type: str, article_id: str = "") -> str:
    """Stable across articles and builds: a hash of the type and the folded canonical name
    (and, for groups and unnamed sources, the article)."""
    scope = f"{article_id}:" if speaker_type in PER_ARTICLE_TYPES else ""
    return "spk_" + short_hash(f"{scope}{speaker_type}:{fold_key(speaker)}", 12)


def _similar(a: str, b: str) -> bool:
    """A misspelt surname (Sheran for Sherman): same first letter, edit distance <= 2."""
    if len(a) < 4 or len(b) < 4 or a[0] != b[0]:
        return False
    return _edit_distance(a, b) <= (1 if min(len(a), len(b)) < 6 else 2)


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


class SpeakerIndex:
    """The people and organisations of one article, in order of mention."""

    def __init__(self, text: str, quoted: list[tuple[int, int]], lowered: str | None = None):
        self.text = text
        self.quoted = quoted  # spans inside quotation marks: speakers don't refer from there
        self.entities: list[Entity] = []
        self.events: list[tuple[int, int]] = []  # (offset, entity index) of every mention, sorted
        self.index_of: dict[int, int] = {}  # id(entity) -> its index
        # Full names first, so a short form met earlier in the text still finds its person.
        scanned = scan_person_mentions(text, quoted, lowered)
        for mention in sorted(scanned, key=lambda m: len(m.name.split()) < 2):
            self.add(mention)

    def name_words(self) -> frozenset[str]:
        """Folded words of every person's name, so a lone `Nghĩa` is known to be a name."""
        return frozenset(fold_key(word) for e in self.entities if e.kind == "person" for n in e.names for word in n.split())

    def add(self, mention: Mention) -> tuple[Entity | None, str]:
        """Register a mention; return its entity and how it was linked."""
        if mention.kind == "name":
            entity, how = self._by_name(mention)
        elif mention.kind in TYPE_OF_KIND:
            entity, how = self._by_phrase(mention), "explicit"
        else:
            return None, ""
        self._mentioned(entity, mention.start)
        entity.note_gender(mention)
        if mention.gender != "any":
            entity.gender = mention.gender
        if mention.title:
            key = canonical_title(mention.title)
            if key not in entity.titles:
                entity.titles.append(key)
        return entity, how

    def _by_name(self, mention: Mention) -> tuple[Entity, str]:
        name = mention.name
        tokens = [fold_key(t) for t in name.split()]
        if len(tokens) >= 2:
            for entity in self.entities:
                if entity.kind == "person" and _named_alike(tokens, entity.name_keys):
                    if name not in entity.names:
                        entity.add_name(name)
                    return entity, "explicit"
            return self._new(Entity("person", names=[name], title_text=mention.title)), "explicit"
        token = tokens[0]
        gender = mention.gender
        # A short form is a full name's last word (Blinken, Dũng), its first (Park), or a misspelling;
        # never of a person the article gives the other gender (chị Minh and anh Minh are two people).
        for how, test in (("surname", _ends_with), ("surname", _starts_with), ("fuzzy", _ends_like)):
            found = self._nearest(mention.start, lambda e, test=test: _person_of(e, gender) and any(
                len(key) >= 2 and test(key, token) for key in e.name_keys))
            if found:
                return found, how
        found = self._nearest(mention.start, lambda e: _person_of(e, gender) and fold_key(e.canonical) == token)
        if found:
            return found, "explicit"
        found = self._nearest(mention.start, lambda e: _person_of(e, gender) and any(
            _last_initial(key, token) for key in e.name_keys))
        if found:  # "bác sĩ T." after "bác sĩ C.M.T": the last of the initials
            return found, "surname"
        full = full_name_in_text(self.text, name)
        if full:  # "Cheong" where the article once writes "Ying Cheong" with no title before it
            return self._new(Entity("person", names=[full], title_text=mention.title)), "surname"
        return self._new(Entity("person", names=[name], title_text=mention.title)), "explicit"

    def _by_phrase(self, mention: Mention) -> Entity:
        kind = TYPE_OF_KIND[mention.kind]
        name = mention.name or mention.text
        if kind == "organization" and ACRONYM.fullmatch(name):
            name = spelt_out(self.text, name) or name  # NHNN -> Ngân hàng Nhà nước, as the article defines it
        key = fold_key(name)
        for entity in self.entities:
            if entity.kind == kind and fold_key(entity.canonical) == key:
                return entity
        return self._new(Entity(kind, names=[name]))

    def _new(self, entity: Entity) -> Entity:
        self.index_of[id(entity)] = len(self.entities)
        self.entities.append(entity)
        return entity

    def _mentioned(self, entity: Entity, position: int) -> None:
        insort(self.events, (position, self.index_of[id(entity)]))

    def _nearest(self, position: int, accept) -> Entity | None:
        """The accepted entity mentioned last before `position`, else first after it. Mentions
        are sorted by offset, so the walk goes out from the position; it is capped so a
        pathological article stays linear."""
        found = self._nearest_before(position, accept)
        if found:
            return found
        i = bisect_left(self.events, (position, -1))
        for _, index in self.events[i:i + ENTITY_SEARCH_LIMIT]:
            if accept(self.entities[index]):
                return self.entities[index]
        return None

    def _nearest_before(self, position: int, accept) -> Entity | None:
        i = bisect_left(self.events, (position, -1))
        for _, index in reversed(self.events[max(0, i - ENTITY_SEARCH_LIMIT):i]):
            if accept(self.entities[index]):
                return self.entities[index]
        return None

    def resolve(self, mention: Mention) -> Resolution:
        person = self._person_named_like(mention)
        if person:  # "Nga khai ..." in an article about Trương Hồ Phương Nga: the person, not Russia
            self._mentioned(person, mention.start)
            return Resolution(person.canonical, "person", "surname", person.title_text or None, person)
        if mention.kind == "name" or mention.kind in TYPE_OF_KIND:
            entity, how = self.add(mention)
            assert entity is not None  # add() registers every name, organisation, group, unnamed
            return Resolution(entity.canonical, entity.kind, how, _display_title(entity, mention), entity)
        if mention.kind == "title":
            return self._resolve_title(mention)
        if mention.kind == "pronoun":
            return self._resolve_pronoun(mention)
        return self._resolve_description(mention)

    def _person_named_like(self, mention: Mention) -> Entity | None:
        """A one-word organisation (a country: Nga, Mỹ) that is also the given name of a person
        the article names in full is that person."""
        if mention.kind != "organization" or " " in mention.text.strip():
            return None
        word = fold_key(mention.text)
        return self._nearest(mention.start, lambda e: e.kind == "person" and any(
            len(key) >= 2 and key[-1] == word for key in e.name_keys))

    def _resolve_title(self, mention: Mention) -> Resolution:
        wanted = canonical_title(PARENTHESIS.sub("", mention.title))  # the role, without its aside
        head = load().title_regex.match(wanted)
        head_key = head.group(0) if head else wanted
        qualifiers = wanted[len(head_key):].split()

        def fits(entity: Entity) -> bool:  # "Thủ tướng" is not "Phó thủ tướng"
            return entity.kind == "person" and any(
                (t == head_key or t.startswith(head_key + " ")) and all(q in t.split() for q in qualifiers)
                for t in entity.titles)

        entity = self._nearest(mention.start, fits) or self._sole_leader_of(head_key, qualifiers)
        if entity:
            self._mentioned(entity, mention.start)
            entity.note_gender(mention)
            return Resolution(entity.canonical, "person", "title", mention.title, entity)
        # A role nobody in the text holds by name (Tổng thống Pháp): the role is the speaker,
        # and later pronouns may point back to it.
        role = fold_key(mention.text)
        entity = self._nearest(mention.start, lambda e: e.kind == "person" and not e.names and fold_key(e.title_text) == role)
        if not entity:
            entity = self._new(Entity("person", title_text=mention.text, titles=[wanted]))
        self._mentioned(entity, mention.start)
        entity.note_gender(mention)
        return Resolution(mention.text, "person", "title_only", mention.title, entity)

    def _sole_leader_of(self, head: str, body: list[str]) -> Entity | None:
        """`Lãnh đạo Bộ Giao thông Vận tải cho biết` in an article that names one person with a
        role in that body (ông X, Thứ trưởng Bộ Giao thông Vận tải): a generic head (lãnh đạo,
        đại diện, người đứng đầu) stands for that person, wherever the article names them."""
        if head not in GENERIC_ROLE_HEADS or len(body) < 2:
            return None
        holders = [e for e in self.entities if e.kind == "person" and e.names
                   and any(all(word in t.split() for word in body) for t in e.titles)]
        return holders[0] if len(holders) == 1 else None

    def _resolve_pronoun(self, mention: Mention) -> Resolution:
        if mention.plural:
            entity = self._nearest_before(mention.start, lambda e: e.kind in ("organization", "group"))
        else:
            entity = self._nearest_before(mention.start, lambda e: e.kind == "person" and _compatible(e.gender, mention.gender))
        if not entity:
            return Resolution(None, "group" if mention.plural else "person", "unresolved")
        self._mentioned(entity, mention.start)
        if entity.kind == "person":
            entity.note_gender(mention)
        return Resolution(entity.canonical, entity.kind, "pronoun", entity=entity)

    def _resolve_description(self, mention: Mention) -> Resolution:
        noun = fold_key(mention.title)
        if _names_a_body_kind(noun):  # "công ty này", "nguồn tin này": a body, never a person
            entity = self._nearest_before(mention.start, lambda e: e.kind == "organization")
            if not entity:
                return Resolution(None, "organization", "unresolved")
            self._mentioned(entity, mention.start)
            return Resolution(entity.canonical, "organization", "description", entity=entity)
        persons = lambda e: e.kind == "person" and _compatible(e.gender, mention.gender)  # noqa: E731
        entity = self._nearest_before(mention.start, lambda e: persons(e) and any(noun in t for t in e.titles))
        entity = entity or self._nearest_before(mention.start, persons)
        if not entity:
            return Resolution(None, "person", "unresolved")
        self._mentioned(entity, mention.start)
        entity.note_gender(mention)
        return Resolution(entity.canonical, "person", "description", entity=entity)


def _names_a_body_kind(noun: str) -> bool:
    """Whether a description's noun (folded) opens with an organisation head (công ty, tờ báo)
    or a statement noun standing for its author (nguồn tin)."""
    lexicons = load()
    words = noun.split()
    return any(lexicons.organisations.get(" ".join(words[:size])) == "head" for size in (1, 2)) \
        or lexicons.statement_of.match(noun + " của ") is not None  # the noun as it stands before its author


# Up to three capitalised words ending right where the search ends (searched backwards).
_CAPITALISED_BEFORE = regex.compile(r"(?r)(?<![\p{L}\p{M}])((?:\p{Lu}[\p{L}\p{M}'’-]*\s+){1,3})\Z")


_CLAUSE_MARK = regex.compile(r"(?r)[,;:()\n“”\"]|\.\s")  # searched backwards: the last one before a point


def spelt_out(text: str, acronym: str) -> str | None:
    """The body an article names in full before the acronym in brackets (`Ngân hàng Nhà nước
    (NHNN)`): the longest run of words right before the bracket that reads as an organisation
    with a name of its own (a capitalised word after the first: not a bare `Bệnh viện (BV)`)."""
    pos = text.find(f"({acronym})")
    if pos <= 0:
        return None
    mark = _CLAUSE_MARK.search(text, max(0, pos - MAX_MENTION_CHARS), pos)
    start = mark.end() if mark else max(0, pos - MAX_MENTION_CHARS)
    for word in TOKEN.finditer(text, start, pos):
        mention = parse_mention(text[word.start():pos].rstrip(), word.start())
        if mention and mention.kind == "organization" and any(w[0].isupper() for w in mention.name.split()[1:]):
            return mention.name
    return None


def full_name_in_text(text: str, short: str) -> str | None:
    """The first full name in the text that ends with the short one (`Ying Cheong` for
    `Cheong`), else, for a foreign name, one that starts with it (`Wang Enlin` for `Wang`, a
    family name written first)."""
    return _run_ending_with(text, short) or (None if VIETNAMESE_LETTERS.search(short) else _run_starting_with(text, short))


def _run_ending_with(text: str, short: str) -> str | None:
    """Capitalised words before the short name, foreign (no Vietnamese letters) or led by a
    Vietnamese family name, and no ordinary word among them, so that `Theo Cheong` or `Hôm nay
    Cheong` are not names, nor `Anh Andrew` (an honorific, though it has no Vietnamese letter)."""
    honorifics = load().honorifics
    for pos in islice(whole_word_positions(text, short), ENTITY_SEARCH_LIMIT):
        m = _CAPITALISED_BEFORE.search(text, max(0, pos - MAX_MENTION_CHARS), pos)
        words = m.group(1).split() if m else []
        start = full_name_start([fold_key(w) for w in [*words, short]])
        for k in range(len(words)):  # the longest run that reads as a name (ĐB Nguyễn Văn Thể: from Nguyễn)
            run = words[k:]
            if not any(_ordinary_word(w) for w in run) and fold_key(run[0]) not in honorifics and \
                    (k == start or (start is None and not any(VIETNAMESE_LETTERS.search(w) for w in run))):
                return " ".join([*run, short])
    return None


# One or two words written as given names are (Enlin, Bundik; not a model's Galaxy S, Super NES)
# right after a name, up to the end of the run.
_CAPITALISED_AFTER = regex.compile(r"\s+(\p{Lu}\p{Ll}+(?:-\p{Ll}+)?(?:\s+\p{Lu}\p{Ll}+(?:-\p{Ll}+)?)?)(?![\p{L}\p{M}\p{N}])")


def _run_starting_with(text: str, short: str) -> str | None:
    """Foreign capitalised words right after the short name, none an ordinary word."""
    for pos in islice(whole_word_positions(text, short), ENTITY_SEARCH_LIMIT):
        m = _CAPITALISED_AFTER.match(text, pos + len(short))
        run = m.group(1).split() if m else []
        if run and not any(_ordinary_word(w) or VIETNAMESE_LETTERS.search(w) for w in run):
            return " ".join([short, *run])
    return None


def _ordinary_word(word: str) -> bool:
    """A Vietnamese word that joins or opens a phrase (Theo, Và, Khi), capitalised at a sentence
    start: never part of a name, though it has no Vietnamese letter."""
    return fold_key(word) in load().function_words or any(
        modifier_regex(kind).fullmatch(word) for kind in ("adjunct", "connector"))


PEOPLE = ("person", "unnamed")  # an unnamed source is a person too (mẹ tôi, một bác sĩ)


GENDER_NAMES = {"f": "female", "m": "male"}


def gender_of(entity: Entity | None) -> tuple[str, str]:
    """(speaker_gender, gender_evidence) of a resolved speaker, from the evidence the whole
    article gave; failing that, from the full name (`_name_gender`); never for organisations
    and groups."""
    if entity is None:
        return "unknown", "none"
    if entity.kind not in PEOPLE:
        return "unknown", "not_a_person"
    if len(entity.genders) > 1:
        return "unknown", "conflict"
    for gender, evidence in entity.genders.items():
        return GENDER_NAMES[gender], evidence
    by_name = _name_gender(entity)
    return (GENDER_NAMES[by_name], "name") if by_name else ("unknown", "none")


def _name_gender(entity: Entity) -> str | None:
    """f or m when every full name of the person that the name rules read (`_read_by_name_rules`)
    says the same (`_full_name_gender`); never for a name that stands for several (ông bà X),
    never from a one-word name (May, Park: often a family name)."""
    if entity.plural:
        return None
    said = {_full_name_gender(key) for key in entity.name_keys if _read_by_name_rules(key)}
    return said.pop() if len(said) == 1 and None not in said else None


def _read_by_name_rules(key: list[str]) -> bool:
    """A full name of two words or more: Vietnamese (a family name of surnames.tsv first), or
    foreign (no letter only Vietnamese writes) with a first word of foreign_given_names.tsv. An
    unlisted first word is no evidence either way: `Huy Quang`, a Vietnamese name short of its
    family name, has no Vietnamese letter either."""
    lexicons = load()
    return opens_a_full_name(key) or (len(key) >= 2 and key[0] in lexicons.foreign_given_name_genders
                                      and not VIETNAMESE_LETTERS.search(" ".join(key)))


def _full_name_gender(key: list[str]) -> str | None:
    """f or m from a full name alone, else None. A Vietnamese name by its middle name where
    middle_names.tsv gives it by convention (Thị, Văn: Trần Văn Hương is a man though Hương is
    mostly a woman's name), else by its given name where given_names.tsv (a reviewed list) says
    it is borne almost only by one gender; a foreign name by its first word, where
    foreign_given_names.tsv (reviewed too) says so. Never from a name used for both."""
    lexicons = load()
    if not opens_a_full_name(key):
        return lexicons.foreign_given_name_genders.get(key[0])
    if len(key) >= 3 and key[1] in lexicons.middle_name_genders:
        return lexicons.middle_name_genders[key[1]]
    return lexicons.given_name_genders.get(key[-1])


def _ends_with(name_key: list[str], word: str) -> bool:
    return name_key[-1] == word


def _starts_with(name_key: list[str], word: str) -> bool:
    return name_key[0] == word


def _last_initial(name_key: list[str], word: str) -> bool:
    initials = name_key[0].rstrip(".").split(".")
    return len(name_key) == 1 and len(initials) >= 2 and all(len(i) == 1 for i in initials) \
        and len(word.rstrip(".")) == 1 and initials[-1] == word.rstrip(".")


def _ends_like(name_key: list[str], word: str) -> bool:
    return _similar(name_key[-1], word)


def _same_full_name(tokens: list[str], other: list[str]) -> bool:
    """The same person: the same words, the same first and last with a middle name left out
    (not two middle names: Trương Quang Nghĩa and Trương Trọng Nghĩa are two people), or the
    last words of the full name (`Phương Nga` and `Trương Hồ Phương Nga`, whichever the article
    writes first)."""
    shorter, longer = sorted((tokens, other), key=len)
    return tokens == other or (len(other) >= 2 and len(tokens) != len(other) and tokens[-1] == other[-1]
                               and tokens[0] == other[0]) \
        or (len(longer) > len(shorter) >= 2 and longer[-len(shorter):] == shorter)


def _named_alike(tokens: list[str], keys: list[list[str]]) -> bool:
    """A full name of the person: one of their names is the same (`_same_full_name`), and none
    as long is another (Hồ Mai Phương is not the Nguyễn Mai Phương also called Mai Phương)."""
    return any(_same_full_name(tokens, key) for key in keys) and \
        not any(len(key) >= len(tokens) and not _same_full_name(tokens, key) for key in keys)


def _person_of(entity: Entity, gender: str) -> bool:
    """A person the article has not given the other gender (m, f or any)."""
    return entity.kind == "person" and (gender == "any" or not entity.genders or gender in entity.genders)


def _compatible(entity_gender: str, mention_gender: str) -> bool:
    return "any" in (entity_gender, mention_gender) or entity_gender == mention_gender


def _display_title(entity: Entity, mention: Mention) -> str | None:
    return mention.title or entity.title_text or None


# After a title, within seven lower-case words, a capitalised word: only then can a name follow.
_CAPITAL_SOON = regex.compile(r"(?:\s+[\p{Ll}\p{N}][\p{L}\p{M}\p{N}&'’.-]*){0,7}\s+\p{Lu}")


def scan_person_mentions(text: str, quoted: list[tuple[int, int]], lowered: str | None = None) -> list[Mention]:
    """Every `title/honorific + Name` and every bare Vietnamese full name (Lữ Minh Nghĩa)
    outside quotations, with an apposition title after it (ông X, Phó chủ tịch Y), so that
    pronouns, short forms and titles can find their antecedent."""
    mentions = _titled_mentions(text, quoted, lowered) + _bare_full_names(text, quoted)
    for mention in mentions:
        apposition = _APPOSITION.match(text, mention.end)
        if not apposition:
            continue
        if not mention.title or mention.title == mention.text:
            mention.title = _apposition_title(apposition.group(1)) or mention.title
        if mention.gender == "any":
            mention.gender = _apposition_kin_gender(apposition.group(1))
            mention.gender_evidence = "kin" if mention.gender != "any" else mention.gender_evidence
    return mentions


# An apposition after a name: up to the next comma, full stop or bracket ("TP.HCM" keeps its dot, and
# "Bộ Lao động, Thương binh và Xã hội" its commas).
_APPOSITION = regex.compile(r"\s*(?:,|\(|-|–)\s*((?:[^,.;:()“”\"\n]|\.(?=\S)|" + LISTED_NAME_COMMA.pattern + r"){2,80})")


def _apposition_title(apposition: str) -> str:
    return apposition.strip() if load().title_regex.match(apposition) else ""


def _apposition_kin_gender(apposition: str) -> str:
    """`Ca sĩ X, vợ anh, ...`, `ông Y - bố của nạn nhân`: an apposition that opens with a
    gendered kin word and its owner says the gender of the person named before it (m, f or
    any). The owner must follow (a pronoun, an honorific, `của` or a capitalised name), so that
    `X, ba ngày sau` is not read as `ba` (father)."""
    words = apposition.split()
    lexicons = load()
    for size in (2, 1):
        gender = lexicons.kin_genders.get(fold_key(" ".join(words[:size]))) if len(words) > size else None
        if gender:
            owner = fold_key(words[size])
            if owner == "của" or owner in lexicons.honorifics or words[size][0].isupper():
                return gender
            return "any"
    return "any"


_CAPITALISED_RUN = regex.compile(r"(?<![\p{L}\p{M}])\p{Lu}[\p{L}\p{M}]*(?:\s+\p{Lu}[\p{L}\p{M}]*){1,3}(?![\p{L}\p{M}])")


def _bare_full_names(text: str, quoted: list[tuple[int, int]]) -> list[Mention]:
    found = []
    starts, ends = [s for s, _ in quoted], [e for _, e in quoted]
    for m in _CAPITALISED_RUN.finditer(text):
        if inside_any(starts, ends, m.start()) or full_name_start(fold_key(m.group(0)).split()) != 0:
            continue
        found.append(Mention(m.group(0), m.start(), m.end(), "name", name=m.group(0)))
    return found


def _titled_mentions(text: str, quoted: list[tuple[int, int]], lowered: str | None) -> list[Mention]:
    starts, ends = [s for s, _ in quoted], [e for _, e in quoted]
    mentions = []
    previous_head_end = -1
    for m in load().person_head_regex.finditer(text, lowered):
        in_a_title = previous_head_end >= 0 and _TITLE_FIELD.fullmatch(text, previous_head_end, m.start()) is not None
        previous_head_end = m.end()
        if not _CAPITAL_SOON.match(text, m.end()) or inside_any(starts, ends, m.start()):
            continue
        if text[m.start()].isupper() and fold_key(m.group(0)) in load().honorifics_in_names and \
                (in_a_title or _CAPITALISED_WORD_BEFORE.search(text, max(0, m.start() - 30), m.start())):
            continue  # "Bộ trưởng Y tế Anh X" (Britain), "Hoàng Anh Tuấn" (a name): no honorific
        mention = _first_full_name(text, m.start(), _name_run_ends(text, m.end()))
        if mention:
            mentions.append(mention)
    return mentions


# A capitalised word right before (no punctuation between): the next capitalised word continues
# its run, a name or a title's country, rather than opening a sentence.
# What may stand between a title and the country that ends it (Bộ trưởng Y tế Anh): a few words,
# no punctuation.
_TITLE_FIELD = regex.compile(r"(?:\s+[\p{L}\p{M}]+){0,4}\s+")
_CAPITALISED_WORD_BEFORE = regex.compile(r"(?<![\p{L}\p{M}])\p{Lu}[\p{L}\p{M}]*[ \t]+$")


def _first_full_name(text: str, start: int, ends: list[int]) -> Mention | None:
    """The first capitalised run that completes a full name (two words or more); failing
    that, the first single-word name (Thứ trưởng Ngoại giao Nga Alexander Grushko -> the
    run ending in Grushko, not the one ending in Ngoại)."""
    fallback = None
    for end in ends:
        mention = parse_mention(text[start:end], start)
        if not mention or mention.kind != "name":
            continue
        if len(mention.name.split()) >= 2:
            return mention
        if not _opens_a_head(text, mention.name, end):
            fallback = fallback or mention
    return fallback


def _opens_a_head(text: str, word: str, end: int) -> bool:
    """`Phó chủ nhiệm Văn phòng Quốc hội`: a capitalised word that, with the lower-case word
    after it, is an organisation's head (Văn phòng, Ủy ban, Công ty) is no name."""
    after = _NEXT_WORD.match(text, end)
    return bool(after) and load().organisations.get(fold_key(f"{word} {after.group(1)}")) == "head"


_NEXT_WORD = regex.compile(r"\s+(\p{Ll}[\p{L}\p{M}]*)")


_CAPITAL_NEXT = regex.compile(r"\s+\p{Lu}")
_BREAK = regex.compile(r"[,;:()\"“”\n]|\.(?!\p{L})")  # a stop before a letter is inside a word (C.M.T, TP.HCM)
# A capitalised word that ends a capitalised run: the next word is lower case, or punctuation follows
# (a full stop right before a letter is inside the word: C.M.T, TP.HCM).
_RUN_END = regex.compile(r"\p{Lu}[\p{L}\p{M}\p{N}&'’.-]*?(?=\.?(?:\s+[^\p{Lu}\s]|\s*(?:[,;:()\"“”\n]|\.(?!\p{L}))|\s*$))")


def _name_run_ends(text: str, pos: int) -> list[int]:
    """Ends of capitalised runs after a title, up to the first punctuation mark (at most seven).
    An aside in brackets that a name follows is passed over, and no run ends inside it:
    `Giám đốc Bệnh viện Tây Bắc (Nghệ An) Tăng Việt Hà`."""
    limit = min(len(text), pos + MAX_MENTION_CHARS)
    ends: list[int] = []
    start = search_from = pos
    while True:
        stop = _BREAK.search(text, search_from, limit)
        if stop and LISTED_NAME_COMMA.match(text, stop.start()):  # Bộ Lao động, Thương binh và Xã hội X
            search_from = stop.end()
            continue
        ends += [m.end() for m in islice(_RUN_END.finditer(text, start, stop.start() if stop else limit), MAX_NAME_RUN_ENDS)]
        aside = PARENTHESIS.match(text, stop.start()) if stop and stop.group(0) == "(" else None
        if not aside or not _CAPITAL_NEXT.match(text, aside.end()):
            return ends[:MAX_NAME_RUN_ENDS]
        start = search_from = aside.end()
