"""Parse a speaker mention: the noun phrase in front of a cue (or after `theo`, `dẫn lời`).

`parse_mention` accepts a phrase only if all of it is a speaker: a pronoun, a title and/or
honorific with a name, an organisation, a group or an unnamed source, or a description that
points back (`vị này`). Anything else (a clause, a noun like `các cuộc đàm phán`) is not a
speaker, so the cue in front of it is not an attribution.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache, lru_cache
from itertools import takewhile

import regex

from quotes.extraction.lexicon import WORD_END, WORD_START, full_name_start, load, modifier_regex, opens_a_full_name
from quotes.extraction.limits import (
    MAX_BARE_ROLE_DESCRIPTION_WORDS,
    MAX_DESCRIPTION_WORDS,
    MAX_LOWER_CASE_RUN,
    MAX_MENTION_CHARS,
    MAX_NAME_RUN_TOKENS,
    MAX_NAME_TOKENS,
    MAX_ROLE_DESCRIPTION_WORDS,
    MAX_ROLE_WORDS,
    MAX_TITLE_TOKENS,
)
from quotes.extraction.normalise import VIETNAMESE_LETTERS, fold_key
from quotes.records import Mention

TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}&'’.-]*[\p{L}\p{M}\p{N}])?\.?")
CAPITALISED = regex.compile(r"\p{Lu}")
DESCRIPTION_END = regex.compile(WORD_START + r"(?:này|đó|ấy|nói trên)\s*$", regex.IGNORECASE)
AGED = regex.compile(r"(?i:^(?:vị |nữ |nam |cựu )?)(\p{L}[\p{Ll}\p{M} ]{1,30}?)\s+\d{1,3}\s+tuổi$")
OF = regex.compile(WORD_START + r"của" + WORD_END)
ROLE = regex.compile(r"(?:vị|nữ|nam)\s+(.+)$", regex.IGNORECASE)
PUNCTUATION = regex.compile(r"[,;:]")
PUNCTUATION_OR_MARK = regex.compile(r"[,;:\"“”]")
JOINED = regex.compile(r"\s+(?:và|cùng)\s+(.+)$")


TIME_EXPRESSION = regex.compile(
    WORD_START
    + r"(?:sinh năm \d{4}|(?:vào |trong |hồi |từ )?(?:sáng|chiều|tối|trưa|đêm|hôm|ngày|tuần|tháng|năm)"
    r"(?: nay| qua| trước| sau| này| kia| đó| ấy| thứ \p{L}+| \d{1,2}(?:[/-]\d{1,2}){0,2}(?:[/-]\d{4})?| \d{4})+"
    r"(?:\s*\([^)]{1,30}\))?|\(giờ địa phương\))"
    + WORD_END,
    regex.IGNORECASE,
)
MEDIUM = r"(?:báo|tờ|hãng tin|hãng thông tấn|thông tấn xã|đài|trang|kênh|tạp chí)"
GENERIC_MEDIA = regex.compile(rf"^{MEDIUM}\s+(?=\p{{Lu}})", regex.IGNORECASE)
MEDIUM_HEAD = regex.compile(rf"{MEDIUM}" + WORD_END, regex.IGNORECASE)
PARENTHESIS = regex.compile(r"\s*\([^()]{0,120}\)")
# "ThS.", "TS.", "PGS.TS.", "BS.": titles written short with a full stop, before a name.
ABBREVIATED_TITLE = regex.compile(r"(?:\p{Lu}\p{Ll}?\p{Lu}{0,3}\.){1,3}(?=\s*\p{Lu})")
SECOND_TITLE = regex.compile(r"\s*kiêm\s+", regex.IGNORECASE)
# A comma inside a name that lists fields (Bộ Văn hóa, Thể thao và Du lịch; Ủy ban Khoa học,
# Công nghệ và Môi trường): each field a compound capitalised on its first syllable only, the
# last after `và`. Names of people and places capitalise every syllable, so a list of them
# (Hà Nội, Đà Nẵng và Huế) is not one name.
_FIELD = r"\p{Lu}\p{Ll}*\s+\p{Ll}+"
LISTED_NAME_COMMA = regex.compile(rf"(?<={_FIELD}),(?=\s+{_FIELD}(?:,\s+{_FIELD})*\s+và\s+\p{{Lu}})")


@cache
def _edge_patterns() -> tuple[regex.Pattern, tuple[regex.Pattern, ...]]:
    lead = regex.compile(rf"\s*(?:{modifier_regex('connector').pattern}|{TIME_EXPRESSION.pattern})\s*,?\s*", regex.IGNORECASE)
    # Matched backwards from the end (REVERSE with match: anchored at the end), so a miss costs
    # one attempt; a search would try every position and cost more as the phrase grows.
    trails = tuple(regex.compile(rf"\s*(?:{p.pattern})\s*$", regex.IGNORECASE | regex.REVERSE)
                   for p in (modifier_regex("adverb"), TIME_EXPRESSION))
    return lead, trails


def strip_edges(phrase: str, offset: int) -> tuple[str, int]:
    """Drop leading connectors and trailing adverbs/time expressions; keep offsets right."""
    start, end = _edges(phrase)
    return phrase[start:end], offset + start


@lru_cache(maxsize=1 << 14)
def _edges(phrase: str) -> tuple[int, int]:
    """Where the phrase starts and ends once its edges are stripped (a function of the phrase
    alone, and subjects repeat: cached)."""
    lead_pattern, trail_patterns = _edge_patterns()
    start, end = 0, len(phrase)
    changed = True
    while changed and start < end:
        changed = False
        lead = lead_pattern.match(phrase, start, end)
        if lead and lead.end() < end:
            start, changed = lead.end(), True
        for pattern in trail_patterns:
            trail = pattern.match(phrase, start, end)
            if trail and trail.start() > start:
                end, changed = trail.start(), True
        while end > start and phrase[end - 1] in " ,":
            end, changed = end - 1, True
        while start < end and phrase[start] in " ,":
            start, changed = start + 1, True
    return start, end


def parse_mention(phrase: str, offset: int) -> Mention | None:
    """The whole phrase as a speaker mention, or None if it is not one."""
    parsed = _parse_cached(phrase)
    if parsed is None:
        return None
    return Mention(parsed.text, parsed.start + offset, parsed.end + offset, parsed.kind, parsed.name,
                   parsed.title, parsed.gender, parsed.plural, parsed.gender_evidence)


@lru_cache(maxsize=1 << 16)
def _parse_cached(phrase: str) -> Mention | None:
    """Parsing depends on the phrase alone, and news repeats its phrases (ông, bà X, Bộ Y tế):
    parse each once, at offset 0; `parse_mention` shifts a copy."""
    return _parse(phrase, 0)


def _parse(phrase: str, offset: int) -> Mention | None:
    phrase, offset = strip_edges(phrase, offset)
    if not phrase or len(phrase) > MAX_MENTION_CHARS:
        return None
    statement = load().statement_of.match(phrase)
    if statement:  # "một tuyên bố của Tổng thống Pháp cho biết": the speaker is the author
        return _parse(phrase[statement.end():], offset + statement.end())
    for parser in (_pronoun, _kin, _description, _coordinated, _organisation, _acronym, _branch_in_a_country,
                   _group_or_unnamed, _person, _people_noun):
        mention = parser(phrase, offset)
        if mention:
            return mention
    of = OF.search(phrase)
    if of:  # "CEO Daniel Weiss của hãng Nordmark": the person, with the rest as their title
        mention = _person(phrase[:of.start()].rstrip(), offset)
        if mention and mention.kind == "name":
            mention.title = " ".join(p for p in (mention.title, phrase[of.start():].strip()) if p)
            return mention
        if mention and mention.kind == "title" and not _verb_phrase(phrase[of.end():]):
            return _mention(phrase, offset, "title", title=phrase, gender=mention.gender)  # "Người phát ngôn của ông Pence"
        body = _organisation(phrase[:of.start()].rstrip(), offset)
        if body and _looks_like_name(phrase[of.end():].split()):
            if body.name.islower() and MEDIUM_HEAD.match(body.name):  # "trang web của Bộ Y tế": an unnamed medium
                return _parse(phrase[of.end():], offset + of.end())  # speaks for its owner
            body.text, body.end = phrase, offset + len(phrase)  # "tờ Rodong Sinmun của Triều Tiên": the paper
            return body
    return None


def mention_prefixes(text: str, start: int, end: int, max_words: int) -> Iterator[tuple[int, Mention]]:
    """Each word-prefix of text[start:end] (at most max_words words) that parses as a speaker
    mention, longest first, with where it ends: in `Chủ tàu Trần Ngọc Cường bức xúc` the
    speaker is the prefix before `bức xúc`."""
    words = list(TOKEN.finditer(text, start, end))
    longest = min(len(words), max_words)
    while 0 < longest < len(words) and longest < max_words + MAX_NAME_TOKENS \
            and CAPITALISED.match(words[longest - 1].group(0)) and CAPITALISED.match(words[longest].group(0)):
        longest += 1  # a long title ending in a name (Bộ Lao động, Thương binh và Xã hội Doãn Mậu Diệp): not cut inside the name
    for k in range(longest, 0, -1):
        prefix_end = words[k - 1].end()
        mention = parse_mention(text[start:prefix_end], start)
        if mention:
            yield prefix_end, mention


def _mention(phrase: str, offset: int, kind: str, **fields) -> Mention:
    return Mention(text=phrase, start=offset, end=offset + len(phrase), kind=kind, **fields)


def _pronoun(phrase: str, offset: int) -> Mention | None:
    info = load().honorifics.get(fold_key(phrase))
    if not info:
        return None
    gender, number = info
    return _mention(phrase, offset, "pronoun", gender=gender, plural=number == "pl", gender_evidence="pronoun")


# The owner at the end of a kin phrase, matched backwards from the end (REVERSE): one attempt
# per phrase; what precedes it is the kin word.
KIN_OWNER = regex.compile(r"\s+((?:của\s+)?(?:tôi|mình|em|anh|chị|tao|nó|họ|ông ấy|bà ấy|anh ấy|chị ấy|cô ấy|ông|bà))$",
                         regex.IGNORECASE | regex.REVERSE)


def _kin(phrase: str, offset: int) -> Mention | None:
    """`mẹ tôi`, `vợ anh ấy`, `chị của Việt`, `con ông Tâm`: a relative the text does not name
    is an unnamed speaker."""
    owner = KIN_OWNER.match(phrase)
    kin = phrase[:owner.start()] if owner else ""
    if kin and load().groups.get(fold_key(kin)) == "kin":
        return _mention(phrase, offset, "unnamed", title=kin, **_kin_gender(kin))
    words = phrase.split()
    if len(words) < 2 or load().groups.get(fold_key(words[0])) != "kin":
        return None
    owner = phrase[len(words[0]):].strip()
    owner = owner[4:] if fold_key(owner).startswith("của ") else owner
    mention = _person(owner, 0)
    if not mention or mention.kind != "name":
        return None
    return _mention(phrase, offset, "unnamed", title=words[0], **_kin_gender(words[0]))


def _kin_gender(word: str) -> dict[str, str]:
    gender = load().kin_genders.get(fold_key(word))
    return {"gender": gender, "gender_evidence": "kin"} if gender else {}


def _description(phrase: str, offset: int) -> Mention | None:
    """`ông này`, `vị tướng này`, `nữ bác sĩ đó`, `vị tổng giám đốc`: a lower-case noun
    phrase pointing back to someone already named."""
    role = ROLE.match(phrase)
    if role and not DESCRIPTION_END.search(phrase) and load().title_regex.fullmatch(role.group(1)):
        gender = {"nữ": "f", "nam": "m"}.get(phrase.split()[0].lower(), "any")
        return _mention(phrase, offset, "description", gender=gender, title=role.group(1), gender_evidence="title")
    aged = AGED.match(phrase)
    if aged:  # "chính khách 70 tuổi", "nữ bác sĩ 45 tuổi": a description by role and age
        gender = {"nữ": "f", "nam": "m"}.get(phrase.split()[0].lower(), "any")
        return _mention(phrase, offset, "description", gender=gender, title=aged.group(1), gender_evidence="title")
    if not DESCRIPTION_END.search(phrase):
        return None
    words = phrase.split()
    if len(words) > MAX_DESCRIPTION_WORDS or any(CAPITALISED.match(w) for w in words[1:]):
        return None
    head = fold_key(words[0])
    gender = load().honorifics.get(head, ("any", "sg"))[0]  # "ông này", "bà ấy": an honorific pointing back
    return _mention(phrase, offset, "description", gender=gender, title=" ".join(words[:-1]), gender_evidence="pronoun")


ACRONYM = regex.compile(r"\p{Lu}{2,8}")
INITIALS = regex.compile(r"(?:\p{Lu}\.){1,4}\p{Lu}\.?")  # a person named by initials: N.V.H, C.M.T.
ENGLISH_NAME_OF_A_BODY = regex.compile(r"The(?:\s+\p{Lu}[\p{L}\p{M}&'.-]*){1,5}")


def _acronym(phrase: str, offset: int) -> Mention | None:
    """`NHNN`, `VKS`, `HĐXX`: a lone upper-case acronym before a cue names a body, not a person;
    so does an English name with an article (`The Washington Post`)."""
    if not ACRONYM.fullmatch(phrase) and not ENGLISH_NAME_OF_A_BODY.fullmatch(phrase):
        return None
    return _mention(phrase, offset, "organization", name=phrase, plural=True)


COORDINATOR = regex.compile(r"\s+và\s+")
CONJUNCT_KINDS = ("name", "organization", "group", "unnamed")
SENTENCE_INSIDE = regex.compile(r"\.\s+\p{Lu}")


def _coordinated(phrase: str, offset: int) -> Mention | None:
    """`Ông A và bà B`, `Hãng X và hãng Y`: two speakers joined by `và` are one group, named by
    the two joined the same way (`A và B`), if each side on its own reads as a named person, a
    body or a group. A title is not a conjunct, so `Bộ trưởng Bộ Tài nguyên và Môi trường X`
    stays one person."""
    if " và " not in phrase or SENTENCE_INSIDE.search(phrase):
        return None
    for joint in COORDINATOR.finditer(phrase):
        left, right = _parse_cached(phrase[:joint.start()]), _parse_cached(phrase[joint.end():])
        if left and right and left.kind in CONJUNCT_KINDS and right.kind in CONJUNCT_KINDS \
                and _named_on_its_own(left) and _named_on_its_own(right):
            name = f"{_conjunct_name(left)} và {_conjunct_name(right)}"
            return _mention(phrase, offset, "group", name=name, plural=True)
    return None


def _conjunct_name(mention: Mention) -> str:
    """A person by their name (`Lê Văn Tám`, not `ông Lê Văn Tám`); a body or group as written."""
    return mention.name if mention.kind == "name" else mention.text


def _named_on_its_own(mention: Mention) -> bool:
    """A conjunct stands for a speaker: a group, a body named by a capitalised name or a
    lexicon's one word (not a field of the body before `và`: `Trung tâm Kiểm soát và Phòng
    ngừa dịch bệnh`), a name with a title or honorific, or a bare full name led by a family name
    or foreign (a bare word may be the tail of a longer name, `Thông tin và Truyền thông`; a bare
    Vietnamese pair may be a place, `Quốc Oai`)."""
    if mention.kind == "organization":
        words = mention.name.split()
        return len(words) == 1 or any(CAPITALISED.match(w) for w in words[1:])
    if mention.kind != "name" or mention.title or mention.gender != "any":
        return True
    words = mention.name.split()
    return opens_a_full_name([fold_key(w) for w in words]) or (len(words) >= 2 and not VIETNAMESE_LETTERS.search(mention.name))


def _branch_in_a_country(phrase: str, offset: int) -> Mention | None:
    """`Toyota Việt Nam`, `HSBC Việt Nam (HSBC)`, `Deloitte Hàn Quốc`: a capitalised name then a
    country of two words or more is a body's branch there. A person's name may end in a
    one-word country (Tuấn Anh, Phương Nga), and one led by a family name is a person's
    (Dương Trung Quốc), so neither is read."""
    lex = load()
    words = (PARENTHESIS.sub("", phrase) if "(" in phrase else phrase).split()
    if len(words) < 3 or lex.organisations.get(fold_key(" ".join(words[-2:]))) != "country" \
            or not all(CAPITALISED.match(w) for w in words):
        return None
    head = [fold_key(w) for w in words[:-2]]
    if opens_a_full_name([fold_key(w) for w in words]) or any(w in lex.function_words or w in lex.honorifics for w in head) \
            or lex.title_regex.match(phrase):
        return None
    return _mention(phrase, offset, "organization", name=" ".join(words), plural=True)


def _organisation(phrase: str, offset: int) -> Mention | None:
    lex = load()
    bare = PARENTHESIS.sub("", phrase).strip()  # Tổ chức Y tế Thế giới (WHO)
    if bare != phrase and bare:
        mention = _organisation(bare, offset)
        if mention:
            mention.text, mention.end = phrase, offset + len(phrase)
        return mention
    match = lex.organisation_regex.match(phrase)
    title = lex.title_regex.match(phrase)
    if not match or (title and title.end() > match.end()):
        return None
    kind = lex.organisations[fold_key(match.group(0))]
    rest = phrase[match.end():]
    if kind == "head":
        # An organisation name: the head, then its qualifiers (Bộ Ngoại giao Nga, Sở Y tế TP.HCM);
        # or a body named generically (công an, cơ quan điều tra, lực lượng chức năng).
        if len(TOKEN.findall(phrase)) > MAX_TITLE_TOKENS or _punctuated(PUNCTUATION, rest):
            return None
        if rest.strip() and not _names_a_body(rest.split()):
            return None
    elif rest.strip():
        # A whole name followed by more words (Nga và NATO) is a group of organisations.
        joined = JOINED.match(rest)
        if joined and parse_mention(joined.group(1), 0):
            return _mention(phrase, offset, "group", plural=True)
        return None
    name = phrase
    media = GENERIC_MEDIA.match(phrase) if kind == "head" else None
    if media and phrase[media.end():media.end() + 1].isupper():  # báo Tuổi Trẻ -> Tuổi Trẻ (báo chí stays)
        name = phrase[media.end():]
    return _mention(phrase, offset, "organization", name=name, plural=True)


ADMIN_WORDS = frozenset(fold_key(w) for w in (
    "tỉnh thành phố tp huyện quận xã phường thị xã thị trấn nhân dân cổ phần trách nhiệm hữu hạn "
    "và trung ương quốc gia nhà nước").split())


PLACE_WORDS = frozenset(fold_key(w) for w in (
    "tỉnh thành phố tp huyện quận xã phường thị xã thị trấn thôn ấp bản làng phố đường sông núi đảo vùng miền "
    "khu bến cảng chợ sân").split()) | {"khu vực", "thành phố", "thị xã", "thị trấn"}


def _punctuated(pattern: regex.Pattern, phrase: str) -> bool:
    """Whether the phrase holds punctuation that ends a mention, commas inside a listed name
    (`Bộ Văn hóa, Thể thao và Du lịch`) aside."""
    found = pattern.search(phrase)
    if found and "," in phrase and LISTED_NAME_COMMA.search(phrase):
        return pattern.search(LISTED_NAME_COMMA.sub("", phrase)) is not None
    return found is not None


def _names_a_body(words: list[str]) -> bool:
    """What follows an organisation head: a name (Ngoại giao Nga, Y tế TP.HCM), plain words
    (điều tra, chức năng), or plain words and then a name (khí tượng Nhật Bản)."""
    plain = list(takewhile(lambda w: not _capitalised_or_admin(w), words))
    named = words[len(plain):]
    return (not plain or _plain_words(plain)) and (not named or _looks_like_name(named))


def _capitalised_or_admin(word: str) -> bool:
    return bool(CAPITALISED.match(word)) or fold_key(word) in ADMIN_WORDS


def _capitalised_like_a_name(words: list[str], before_name: bool = False) -> bool:
    """Capitalised as a name is: Vietnamese capitalises each compound's first syllable (Bộ
    Ngoại giao Nga, Sở Y tế tỉnh X), so two lower-case words in a row end it, unless they are
    admin words (Công an tỉnh X); and no title or adverb among the words. before_name: a
    person's full name follows the words (Sở Giao thông vận tải Nguyễn Văn An), so they may end
    in lower case."""
    # A lower-case syllable right after a capitalised one ends its compound (Hàng không, Y tế);
    # a verb or adverb among the others ends the name ("Cơ quan Khí tượng thủy văn Quốc gia có").
    # Capitalised compounds are the name's own words, whatever else they may mean (Bộ Chỉ huy:
    # chỉ, only; Bộ Tư lệnh: a title when it opens the name).
    described = " ".join(w for i, w in enumerate(words)
                         if not _capitalised_or_admin(w) and not (i and CAPITALISED.match(words[i - 1])))
    if described and modifier_regex("predicate_start").search(described):
        return False
    lower_case = " ".join(w for w in words if not CAPITALISED.match(w))
    if lower_case and modifier_regex("adverb").search(lower_case):
        return False
    if load().title_regex.search(" ".join(words), 1):  # a title past the first word: a person follows
        return False
    lower_run = trailing = 0  # lower-case words in a row: past a compound's first syllable, and all
    for i, word in enumerate(words):
        if _capitalised_or_admin(word):
            lower_run = trailing = 0
            continue
        trailing += 1
        if lower_run == 0 and i and CAPITALISED.match(words[i - 1]):
            continue  # the rest of a capitalised compound (Dự báo), not a run of its own
        lower_run += 1
        if lower_run > MAX_LOWER_CASE_RUN or fold_key(word) in load().function_words:
            return False  # "Daniel Weiss của hãng": a function word ends a name
    # a long lower-case run goes on to a capitalised word (a body's name, then a person's), not to the end
    return trailing <= 2 or (before_name and CAPITALISED.match(words[0]) is not None
                             and not any(fold_key(w) in load().function_words for w in words))


def _looks_like_name(words: list[str]) -> bool:
    """An organisation's name after its head (Bộ Ngoại giao Nga), starting with a capital."""
    return bool(words) and _capitalised_or_admin(words[0]) and _capitalised_like_a_name(words)


def _looks_like_qualifier(words: list[str], before_name: bool = False) -> bool:
    """Words after a title, before a name or alone: no verb phrase (đã gặp, a cue), and either
    capitalised like a name (Bộ Ngoại giao Mỹ, Sở Y tế tỉnh X) or a few plain words that say
    what the role is, whatever they are (Giám đốc điều hành, Trưởng ban quản lý dòng xe máy),
    which may end with whose role it is (... của Yamaha, ... tại Hà Nội)."""
    if load().cue_regex.search(" ".join(words)):
        return False
    if any(w.islower() and fold_key(w) in load().honorifics for w in words[1:]):
        return False  # "hoa hậu Phương Nga và ông X": an honorific past other words addresses another person
    if words and words[-1] in ("-", "–"):
        return False  # "vụ án hoa hậu Phương Nga - Cao Toàn Mỹ": a dash between two people
    if _capitalised_like_a_name(words, before_name):
        return True
    owner = next((i for i, w in enumerate(words) if i and fold_key(w) in ROLE_OWNER), len(words))
    described, whose = words[:owner], words[owner + 1:]
    if owner == len(words):  # without whose role it is, a longer run reads as a verb phrase (Thủ tướng ghi nhận những ...)
        return _plain_words(described, MAX_BARE_ROLE_DESCRIPTION_WORDS)
    return bool(whose) and _capitalised_like_a_name(whose) and _plain_words(described, MAX_ROLE_DESCRIPTION_WORDS)


ROLE_OWNER = {"của", "tại", "thuộc"}  # Giám đốc kinh doanh của X, bác sĩ tại Y


def looks_like_role(words: list[str]) -> bool:
    """An apposition that says what someone is (đồng tác giả nghiên cứu, giám đốc điều hành
    của X): lower case first, then words that could follow a title."""
    if not words or not words[0].islower():
        return False
    return _plain_words(words, MAX_ROLE_DESCRIPTION_WORDS) or _looks_like_qualifier(words)


def _group_or_unnamed(phrase: str, offset: int) -> Mention | None:
    words = phrase.split()
    if len(words) > MAX_TITLE_TOKENS + 2:
        return None
    groups = load().groups
    for size in (2, 1):
        if len(words) < size:
            continue
        head = fold_key(" ".join(words[:size]))
        kind = groups.get(head)
        if kind not in ("group", "unnamed"):
            continue
        noun = words[size:]
        described = list(takewhile(lambda w: not CAPITALISED.match(w), noun))  # not the name (Cục Hàng không)
        if described and modifier_regex("predicate_start").search(" ".join(described)):
            return None  # "các cơ quan liên quan đang triển ...": a verb phrase, not a group
        if size == 2 or head == "giới" and noun:  # một người (dân ...), giới phân tích: people
            pass
        elif noun and not _is_person_noun(noun) or not noun and size == 1:
            return None
        if PUNCTUATION.search(phrase):
            return None
        return _mention(phrase, offset, kind, plural=kind == "group", title=" ".join(noun))
    return None


def _people_noun(phrase: str, offset: int) -> Mention | None:
    """`Người dân xã X`, `Đại diện một ngân hàng thương mại`, `Lãnh đạo Cục Y`: people named by
    what they are, with no determiner, are unnamed sources (the phrase is the speaker)."""
    words = phrase.split()
    key = fold_key(phrase)
    head = next((h for h in load().people_heads if key == h or key.startswith(h + " ")), None)
    if head is None or len(words) > MAX_TITLE_TOKENS or PUNCTUATION.search(phrase):
        return None
    rest = words[len(head.split()):]
    described = list(takewhile(lambda w: not CAPITALISED.match(w), rest))
    plain = [w for w in described if fold_key(w) not in ("một", "các", "những")]  # đại diện một ngân hàng
    if len(plain) > MAX_DESCRIPTION_WORDS or plain and not _plain_words(plain, len(plain)):
        return None
    named = rest[len(described):]
    if named and not _looks_like_name(named):
        return None
    gender = _title_gender(phrase)
    return _mention(phrase, offset, "unnamed", title=phrase, gender=gender, gender_evidence="title" if gender != "any" else "")


def _is_person_noun(words: list[str]) -> bool:
    """Does the noun after các / một name people (chuyên gia, thương lái) rather than things?
    Vietnamese marks things with classifiers (cuộc, vụ, chiếc ...), listed as thing_noun."""
    lex = load()
    for size in (2, 1):
        head = fold_key(" ".join(words[:size]))
        if lex.groups.get(head) == "thing_noun":
            return False
    return not CAPITALISED.match(words[0])


def _person(phrase: str, offset: int) -> Mention | None:
    """[title] [honorific] Name, a title alone (Ngoại trưởng Mỹ), or a bare name (Joe Biden)."""
    lex = load()
    core, appositive, asides = phrase, "", []
    if "(" in phrase:  # "bà X (Chủ tịch UBND xã)" -> apposition dropped
        core = PARENTHESIS.sub("", phrase)
        appositive = " ".join(m.group(0).strip(" ()") for m in PARENTHESIS.finditer(phrase))
        removed = 0
        for m in PARENTHESIS.finditer(phrase):  # where each aside stood in core
            asides.append(m.start() - removed)
            removed += m.end() - m.start()
    if _punctuated(PUNCTUATION_OR_MARK, core):
        return None
    tokens = list(TOKEN.finditer(core))
    if not tokens:
        return None
    abbreviation = ABBREVIATED_TITLE.match(core)
    abbreviation_end = abbreviation.end() if abbreviation else 0
    if any(t.group(0).endswith(".") and len(t.group(0)) > 2 and t.end() > abbreviation_end for t in tokens[:-1]):
        return None  # a full stop inside: the phrase runs across a sentence boundary
    gender = "any"
    title_end = 0
    title = lex.title_regex.match(core)
    if abbreviation and (not title or title.end() < abbreviation_end):
        title = abbreviation  # "ThS. Lê Thị Hoa", "PGS.TS. Trần Văn Bình": a title written short
    honorific = load().honorific_regex.match(core)
    if honorific and (not title or honorific.end() >= title.end()):
        gender = lex.honorifics[fold_key(honorific.group(0))][0]
        title_end = honorific.end()
    elif title:
        title_end = title.end()
        rest = core[title_end:].lstrip()
        after_title = load().honorific_regex.match(rest)
        if after_title and rest[:after_title.end()].islower() and rest[after_title.end():].lstrip()[:1].isupper():
            # "Bộ trưởng ông X" is rare but "HLV ông X" occurs; in "đại diện nữ ca sĩ" the
            # woman is the singer, not the representative. Capitalised, the word names a
            # country or a name: "Thủ tướng Anh Theresa May" is the prime minister of Britain
            gender = lex.honorifics[fold_key(after_title.group(0))][0]
    after_honorific = bool(honorific) and title_end == honorific.end()
    name_tokens = _trailing_name(core, tokens, title_end, after_honorific)
    inside = [a for a in asides if name_tokens and name_tokens[0].start() < a < name_tokens[-1].end()]
    if inside:  # "Chủ tịch Hội đồng châu Âu (EC) Đô-nan Tu-xcơ": the name starts after the aside
        name_tokens = [t for t in name_tokens if t.start() >= inside[-1]]
    name = " ".join(t.group(0) for t in name_tokens)
    title_text = core[:name_tokens[0].start()] if name_tokens else core
    title_text = title_text.strip()
    if after_honorific and title_text.lower().startswith(honorific.group(0).lower()):
        title_text = title_text[honorific.end():].strip()  # "ông", "bà" address, not a title; "Cô giáo" is one
    if not title_end:
        # No title or honorific: a bare capitalised name, or a full name with its role before it.
        if not name_tokens:
            return None
        if name_tokens[0].start() != tokens[0].start():
            role = core[:name_tokens[0].start()].strip()
            if len(name_tokens) < 2 or not _reads_as_role(role):
                return None
            return _mention(phrase, offset, "name", name=name, title=" ".join(p for p in (role, appositive) if p))
        first = fold_key(name_tokens[0].group(0))
        if first in lex.not_names and (len(name_tokens) == 1 or first in lex.function_words):
            return None  # "Theo Nửa khai": a capitalised word that joins phrases opens no name
        return _mention(phrase, offset, "name", name=name, title=appositive)
    if len(tokens) > MAX_TITLE_TOKENS + MAX_NAME_TOKENS:
        return None
    if not name_tokens and not title:
        return None
    qualifiers = core[title_end:name_tokens[0].start()] if name_tokens else core[title_end:]
    second_title = SECOND_TITLE.match(qualifiers)
    if second_title:  # "Chủ tịch kiêm Tổng giám đốc Bùi Thanh Tâm": two titles, one person
        rest = qualifiers[second_title.end():]
        other = lex.title_regex.match(rest)
        qualifiers = rest[other.end():] if other else rest
    elif stacked := lex.title_regex.match(qualifiers.lstrip()):  # "bác sĩ Trưởng khoa X", "PGS.TS Hiệu trưởng X"
        qualifiers = qualifiers.lstrip()[stacked.end():]
    if qualifiers.split() and not _looks_like_qualifier(qualifiers.split(), before_name=len(name_tokens) >= 3):
        return None
    if len(name_tokens) == 1 and qualifiers.strip() and qualifiers.strip()[0].islower():
        return None  # "Thủ tướng đề nghị Quân ủy": a verb, then a capitalised word, is no name
    kind = "name" if name_tokens else "title"
    full_title = " ".join(part for part in (title_text, appositive) if part)
    # "Nữ phóng viên X": nữ says the gender of the role after it, as a title does
    evidence = ("title" if honorific and fold_key(honorific.group(0)) == "nữ" else "honorific") if gender != "any" else ""
    if gender == "any" and title_text:  # "Hoa hậu X", "nữ phóng viên X": a title that says it
        gender = _title_gender(title_text)
        evidence = "title" if gender != "any" else ""
    couple = bool(honorific) and lex.honorifics[fold_key(honorific.group(0))][1] == "pl"  # ông bà X: two people
    return _mention(phrase, offset, kind, name=name, title=full_title, gender=gender, gender_evidence=evidence,
                    plural=couple)


def _title_gender(title: str) -> str:
    key = fold_key(title)
    if key.startswith("nữ "):
        return "f"
    genders = load().title_genders
    return next((g for t, g in genders.items() if key == t or key.startswith(t + " ")), "any")


def _reads_as_role(role: str) -> bool:
    """Whether the words before a full name read as its role, whatever the role is (`Tiểu
    thương`, `nhà thơ`, `Tỷ phú`): a few plain words, lower case after the first."""
    words = role.split()
    if not words or not words[0].isalpha():  # the first word may be capitalised (a sentence start)
        return False
    return len(words) == 1 or _plain_words(words[1:])


def _plain_words(words: list[str], most: int = MAX_ROLE_WORDS) -> bool:
    """A few lower-case words that describe (`điều tra`, `chức năng`, `thơ`): none of them a
    function word, an adverb, a verb that starts a predicate, or a cue."""
    if not 1 <= len(words) <= most or any(not w.isalpha() or not w.islower() for w in words):
        return False
    lex = load()
    if any(fold_key(w) in lex.function_words or fold_key(w) in lex.honorifics for w in words):
        return False  # "mời họ lên": a pronoun is no part of a role
    return not _verb_phrase(" ".join(words))


def _verb_phrase(words: str) -> bool:
    """Whether words hold what starts a predicate (a cue, an adverb: đã, cũng; a verb that
    opens one) or a clause connector: the end of a noun phrase, whatever came before."""
    return bool(load().cue_regex.search(words) or modifier_regex("adverb").search(words)
                or modifier_regex("predicate_start").search(words) or modifier_regex("connector").match(words))


def _trailing_name(core: str, tokens: list, title_end: int, after_honorific: bool = False) -> list:
    """The capitalised run at the end of the phrase that is a person's name.

    Right after an honorific the run is a name whatever its words mean (ông Mai Xuân Trường).
    A run after an organisation head or a place word is that organisation's or place's name
    (Trường THPT Lê Lợi, UBND tỉnh Lâm Đồng, khu đô thị Phú Lương). A run that starts with a
    Vietnamese family name is a name (Vũ Đức Khánh: Đức is also Germany). Otherwise the run
    stops at a country, organisation or title word (Ngoại trưởng Mỹ Antony Blinken).
    """
    lex = load()
    run: list = []
    for i in range(len(tokens) - 1, -1, -1):
        token = tokens[i]
        if token.start() < title_end or len(run) >= MAX_NAME_RUN_TOKENS:
            break
        if not CAPITALISED.match(token.group(0)) and not (run and i and _particle_inside(token.group(0), tokens[i - 1].group(0))):
            break
        run.insert(0, token)
    if run and fold_key(run[0].group(0)) in lex.honorifics:
        run = run[1:]
    if not run:
        return []
    if after_honorific and run[0].start() - title_end <= 1 and len(run) <= 4:
        return run
    start = full_name_start([fold_key(t.group(0)) for t in run])
    surname_led = start is not None
    if start is not None:
        name = run[start:]
    else:
        name = []
        for i in range(len(run) - 1, -1, -1):
            word = fold_key(run[i].group(0))
            pair = fold_key(run[i - 1].group(0) + " " + run[i].group(0)) if i else ""
            if (word in lex.organisations or pair in lex.organisations or word in lex.titles or pair in lex.titles) \
                    and not _given_name_like_a_country(run, i):
                break
            if _is_acronym(run[i].group(0)):
                break
            name.insert(0, run[i])
        first = max(0, len(name) - 4)
        while first and name[first].group(0) in FOREIGN_PARTICLES:  # four names, and the particles among them
            first -= 1
        name = name[first:]
    if name and _names_a_place_or_body(tokens, name[0].start(), after_honorific or surname_led, title_end):
        return []
    return name


def _given_name_like_a_country(run: list, i: int) -> bool:
    """`hoa hậu Phương Nga`, `ca sĩ Tuấn Anh`: a one-word country that ends the run right after
    a Vietnamese syllable (one with a letter only Vietnamese writes) that is no organisation or
    title word is a given name. A body's name has a lower-case syllable before its country
    (Bộ Ngoại giao Nga, Hải quân Anh), so the country stands alone in its run there."""
    if i != len(run) - 1 or i == 0:
        return False
    lex = load()
    word, before = fold_key(run[i].group(0)), fold_key(run[i - 1].group(0))
    return lex.organisations.get(word) == "country" and VIETNAMESE_LETTERS.search(before) is not None \
        and before not in lex.organisations and before not in lex.titles and before not in lex.not_names \
        and f"{before} {word}" not in lex.organisations


# Lower-case particles inside a foreign name (Ursula van der Berg, Royal Bank of Scotland).
FOREIGN_PARTICLES = frozenset("of the and de den van der von du da di del la le bin al el".split())


def _particle_inside(word: str, before: str) -> bool:
    """A particle between two capitalised foreign words, or between two particles (van der)."""
    return word in FOREIGN_PARTICLES and (before in FOREIGN_PARTICLES or
                                          (CAPITALISED.match(before) is not None and not VIETNAMESE_LETTERS.search(before)))


def _names_a_place_or_body(tokens: list, name_start: int, only_adjacent: bool, title_end: int) -> bool:
    """Is the run the name of the organisation or place just before it? With only_adjacent
    (after an honorific, or a run led by a family name), only the word right before counts, and
    not when it ends the title: in `Trưởng phòng Lê Văn An` the title's `phòng` has no name."""
    lex = load()
    first = title_end if only_adjacent else 0
    before = [t for t in tokens if first <= t.start() and t.end() <= name_start and not t.group(0).isdigit()]
    if not before:
        return False
    previous = fold_key(before[-1].group(0))
    pair = fold_key(" ".join(t.group(0) for t in before[-2:]))
    if lex.organisations.get(pair) == "head" and not _ends_with_head(before[:-2]):
        return True  # not in `Văn phòng Chính phủ X`: Chính phủ names the office, and X is a person
    if previous in PLACE_WORDS or pair in PLACE_WORDS:
        return True
    if lex.organisations.get(previous) == "head" and not _ends_a_compound(before):
        return True
    if only_adjacent:
        return False
    kinds = [lex.organisations.get(fold_key(t.group(0))) for t in before[1:]]
    places = any(fold_key(t.group(0)) in PLACE_WORDS for t in before[1:])
    last_kind = lex.organisations.get(previous)
    # Giám đốc Công ty Bóng đèn Điện Quang, chủ đầu tư khu đô thị Phú Lương
    return ("head" in kinds or places) and last_kind not in ("country", "name", "media", "capital")


def _ends_with_head(tokens: list) -> bool:
    """Whether the last word or the last two are an organisation's head (Sở, Văn phòng)."""
    organisations = load().organisations
    return any(organisations.get(fold_key(" ".join(t.group(0) for t in tokens[-n:]))) == "head"
               for n in (1, 2) if len(tokens) >= n)


def _ends_a_compound(before: list) -> bool:
    """`Bộ Tài nguyên và Môi trường Trần Hồng Hà`: a lower-case syllable right after a
    capitalised word is the rest of that word's compound (Môi trường), not a head of its own
    (trường, a school) that would make the run after it a school's name."""
    word = before[-1].group(0)
    return len(before) >= 2 and word.islower() and CAPITALISED.match(before[-2].group(0)) is not None \
        and not _is_acronym(before[-2].group(0))


def _is_acronym(word: str) -> bool:
    """UBND, HĐND, TP.HCM; not a person's initials (L.V.K, N.V.H: one letter between stops)."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and not INITIALS.fullmatch(word)


# Letters, digits, spaces and the punctuation of names and abbreviations (TP.HCM, LĐ-TB-XH, Q&A).
_SYMBOL = regex.compile(r"[^\p{L}\p{M}\p{N}\s.,&'’()/\-–]")


def as_title(phrase: str | None) -> str | None:
    """A role as the tables show it: never a clause, never garbage. A phrase scan that ran on
    into the reported clause (`Giám đốc Sở Y tế cho biết bệnh viện ...`) ends before the first
    cue that takes a clause, as written in lower case (a capitalised one is part of a name:
    Trung tâm Dự báo); cues that are also nouns (thông tin, phân tích, khai thác) do not cut.
    A phrase that is only a cue, or holds symbols (`cuô%3ḅc`, from a broken page), is none."""
    if not phrase:
        return phrase
    lexicons = load()
    for m in lexicons.cue_regex.finditer(phrase):
        cue = lexicons.cues.get(fold_key(m.group(0)))
        if cue and cue.takes == "clause" and phrase[m.start():m.end()].islower():  # group(0) is lowered
            phrase = phrase[:m.start()].rstrip(" ,;:-–")
            break
    if not phrase or _SYMBOL.search(phrase) or fold_key(phrase) in lexicons.cues:
        return None
    return phrase
