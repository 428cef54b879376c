"""Golden cases (ftfy-style): JSON files of texts and the quotes they must yield.

synthetic / in_the_wild_patterns / rules: every expected quote found with its type, speaker,
speaker type, cue and rule, and nothing else; negative: no quote at all; known_failures: the
same check, expected to fail (strict xfail), so a fixed case shows up as XPASS and moves to
the passing files; rejections: exactly the rejected candidates listed, with reason and rule.
tests/cases/README.md describes the files and how to add a case.
"""

import json
from pathlib import Path

import pytest

from quotes.dataset.read import make_article
from quotes.extraction.pipeline import extract_article
from quotes.tools.evaluate import same_speaker

CASES = Path(__file__).parent / "cases"
FILES = ["synthetic", "in_the_wild_patterns", "rules", "negative", "known_failures"]
REJECTION_FILE = "rejections"
GENDER_FILE = "genders"
GENDER_FIELDS = {"speaker", "speaker_gender", "gender_evidence"}
GENDER_EVIDENCE = {"honorific", "pronoun", "kin", "title", "name", "conflict", "not_a_person", "none"}
REJECTION_FIELDS = {"text", "reason", "rule"}
QUOTE_FIELDS = {"quote", "type", "speaker", "speaker_type", "cue", "rule"}
QUOTE_TYPES = {"direct", "indirect", "mixed"}
SPEAKER_TYPES = {"person", "organization", "group", "unnamed", None}


def read(name):
    return json.loads((CASES / f"{name}.json").read_text("utf-8"))


def load(name):
    return [pytest.param(case, id=case["name"]) for case in read(name)]


def extract(text):
    quotes, _ = extract_article(make_article("case", text, "case.txt"))
    return quotes


def rejections_of(text):
    _, rejections = extract_article(make_article("case", text, "case.txt"))
    return [{"text": r.text, "reason": r.reason, "rule": r.rule} for r in rejections]


def check_case(case):
    quotes = extract(case["text"])
    got = [(q.quote, q.quote_type) for q in quotes]
    expected = [(e["quote"], e["type"]) for e in case["quotes"]]
    assert got == expected, f"spans/types differ:\n got {got}\n want {expected}"
    for quote, wanted in zip(quotes, case["quotes"]):
        assert same_speaker(wanted["speaker"], quote.speaker), (
            f"speaker of {quote.quote!r}: got {quote.speaker!r}, want {wanted['speaker']!r}")
        got_fields = {"speaker_type": quote.speaker_type, "cue": quote.cue, "rule": quote.rule}
        wanted_fields = {field: wanted[field] for field in got_fields}
        assert got_fields == wanted_fields, f"speaker type, cue or rule of {quote.quote!r} differ"


@pytest.mark.parametrize("case", load("synthetic") + load("in_the_wild_patterns") + load("rules"))
def test_positive_case(case):
    check_case(case)


@pytest.mark.parametrize("case", load("negative"))
def test_negative_case(case):
    assert [q.quote for q in extract(case["text"])] == []


@pytest.mark.parametrize("case", load("known_failures"))
@pytest.mark.xfail(strict=True, reason="known failure: see the case's 'why'")
def test_known_failure(case):
    check_case(case)


@pytest.mark.parametrize("case", load(REJECTION_FILE))
def test_rejection_case(case):
    assert rejections_of(case["text"]) == case["rejections"]


@pytest.mark.parametrize("case", load(GENDER_FILE))
def test_gender_case(case):
    got = [{"speaker": q.speaker, "speaker_gender": q.speaker_gender, "gender_evidence": q.gender_evidence}
           for q in extract(case["text"])]
    assert got == case["speakers"]


def test_every_case_file_is_tested():
    assert sorted(path.stem for path in CASES.glob("*.json")) == sorted(FILES + [REJECTION_FILE, GENDER_FILE])


def test_case_names_are_unique_across_files():
    names = [case["name"] for name in FILES + [REJECTION_FILE, GENDER_FILE] for case in read(name)]
    repeated = sorted({n for n in names if names.count(n) > 1})
    assert repeated == [], "names used by more than one case"


def is_text(value):
    return isinstance(value, str) and value.strip() != ""


def check_expected_quote(quote, case):
    where = f"{case['name']}, quote {quote.get('quote')!r}"
    assert set(quote) == QUOTE_FIELDS, f"{where}: fields {sorted(quote)}"
    assert is_text(quote["quote"]) and quote["quote"] in case["text"], f"{where}: not a substring of the text"
    assert quote["type"] in QUOTE_TYPES, f"{where}: type {quote['type']!r}"
    assert quote["speaker"] is None or is_text(quote["speaker"]), f"{where}: speaker {quote['speaker']!r}"
    assert quote["speaker_type"] in SPEAKER_TYPES, f"{where}: speaker_type {quote['speaker_type']!r}"
    assert quote["cue"] is None or is_text(quote["cue"]), f"{where}: cue {quote['cue']!r}"
    assert is_text(quote["rule"]), f"{where}: rule {quote['rule']!r}"


@pytest.mark.parametrize("name", FILES)
def test_case_file_is_well_formed(name):
    cases = read(name)
    assert isinstance(cases, list)
    description = "why" if name == "known_failures" else "pattern"
    for case in cases:
        assert isinstance(case, dict), f"not an object: {case!r}"
        assert set(case) == {"name", description, "text", "quotes"}, f"{case.get('name')}: fields {sorted(case)}"
        label = case["name"]
        assert is_text(label), f"name {label!r}"
        assert is_text(case["text"]), f"{label}: empty text"
        assert is_text(case[description]), f"{label}: empty {description}"
        assert isinstance(case["quotes"], list), f"{label}: quotes is not a list"
        if name == "negative":
            assert case["quotes"] == [], f"{label}: a negative case expects no quote"
        elif name != "known_failures":
            assert case["quotes"] != [], f"{label}: a positive case expects a quote"
        for quote in case["quotes"]:
            assert isinstance(quote, dict), f"{label}: not an object: {quote!r}"
            check_expected_quote(quote, case)


def test_rejection_file_is_well_formed():
    for case in read(REJECTION_FILE):
        label = case.get("name")
        assert set(case) == {"name", "pattern", "text", "rejections"}, f"{label}: fields {sorted(case)}"
        assert is_text(label) and is_text(case["pattern"]) and is_text(case["text"]), f"{label}: an empty field"
        assert case["rejections"], f"{label}: a rejection case expects a rejection"
        for rejection in case["rejections"]:
            assert set(rejection) == REJECTION_FIELDS, f"{label}: fields {sorted(rejection)}"
            assert all(is_text(rejection[f]) for f in REJECTION_FIELDS), f"{label}: an empty field in {rejection}"
            assert rejection["text"] in case["text"], f"{label}: {rejection['text']!r} is not in the text"


def test_gender_file_is_well_formed():
    for case in read(GENDER_FILE):
        label = case.get("name")
        assert set(case) == {"name", "pattern", "text", "speakers"}, f"{label}: fields {sorted(case)}"
        assert is_text(label) and is_text(case["pattern"]) and is_text(case["text"]), f"{label}: an empty field"
        for speaker in case["speakers"]:
            assert set(speaker) == GENDER_FIELDS, f"{label}: fields {sorted(speaker)}"
            assert speaker["speaker_gender"] in ("female", "male", "unknown"), f"{label}: {speaker}"
            assert speaker["gender_evidence"] in GENDER_EVIDENCE, f"{label}: {speaker}"
