"""Golden cases (ftfy-style): JSON files of texts and the quotes they must yield.

synthetic / in_the_wild_patterns / rules: every expected quote found with its type, speaker,
speaker type, cue and rule, and nothing else; negative: no quote at all; known_failures: the
same check, expected to fail (strict xfail), so a fixed case shows up as XPASS and moves to
the passing files.
"""

import json
from pathlib import Path

import pytest

from quotes.tools.evaluate import same_speaker
from quotes.extract.pipeline import extract_article
from quotes.dataset.read import make_article

CASES = Path(__file__).parent / "cases"


def read(name):
    return json.loads((CASES / f"{name}.json").read_text("utf-8"))


def load(name):
    return [pytest.param(case, id=case["name"]) for case in read(name)]


def extract(text):
    quotes, _ = extract_article(make_article("case", text, "case.txt"))
    return quotes


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

