"""Golden cases (ftfy-style): JSON files of texts and the quotes they must yield.

synthetic / in_the_wild_patterns: every expected quote found with its type and speaker, and
nothing else; negative: no quote at all; known_failures: the same check, expected to fail
(strict xfail), so a fixed case shows up as XPASS and moves to the passing files.
"""

import json
from pathlib import Path

import pytest

from quotes.tools.evaluate import same_speaker
from quotes.extract.pipeline import extract_article
from quotes.dataset.read import make_article

CASES = Path(__file__).parent / "cases"


def load(name):
    return [pytest.param(case, id=case["name"]) for case in json.loads((CASES / f"{name}.json").read_text("utf-8"))]


def extract(text):
    article = make_article("case", text, "case.txt")
    quotes, _ = extract_article(article)
    return article, quotes


def check_case(case):
    article, quotes = extract(case["text"])
    got = [(q.quote, q.quote_type, q.speaker) for q in quotes]
    expected = [(e["quote"], e["type"], e["speaker"]) for e in case["quotes"]]
    assert [g[:2] for g in got] == [e[:2] for e in expected], f"spans/types differ:\n got {got}\n want {expected}"
    for (quote, _, speaker), (_, _, wanted) in zip(got, expected):
        assert same_speaker(wanted, speaker), f"speaker of {quote!r}: got {speaker!r}, want {wanted!r}"


@pytest.mark.parametrize("case", load("synthetic") + load("in_the_wild_patterns") + load("rules"))
def test_positive_case(case):
    check_case(case)


@pytest.mark.parametrize("case", load("negative"))
def test_negative_case(case):
    _, quotes = extract(case["text"])
    assert [q.quote for q in quotes] == []


@pytest.mark.parametrize("case", load("known_failures"))
@pytest.mark.xfail(strict=True, reason="known failure: see the case's 'why'")
def test_known_failure(case):
    check_case(case)
