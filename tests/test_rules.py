"""The rule registry (quotes/extraction/rules.py) is the one place rules, families and rejection
reasons are named: everything registered is documented and exercised, nothing else is emitted,
and the package's layers import in one direction."""

import ast
import json
from pathlib import Path

import pytest

from quotes.extraction import rules
from quotes.extraction.context import ArticleContext
from quotes.extraction.lexicon import load
from quotes.extraction.segment import segment

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
POSITIVE_CASE_FILES = ("synthetic", "in_the_wild_patterns", "rules")


def defined(kind):
    return [value for value in vars(rules).values() if isinstance(value, kind)]


def test_every_rule_reason_and_family_defined_is_registered_once():
    for kind, registered in ((rules.Rule, rules.RULES), (rules.Reason, rules.REASONS), (rules.Family, rules.FAMILIES)):
        assert sorted(x.name for x in defined(kind)) == sorted(x.name for x in registered)
        names = [x.name for x in registered]
        assert len(names) == len(set(names)), f"a {kind.__name__} name is registered twice"


def test_every_rule_belongs_to_a_family_and_has_a_confidence():
    for rule in rules.RULES:
        assert rule.family in rules.FAMILIES_BY_NAME, rule.name
        assert 0 < rule.confidence <= 1, rule.name


def test_the_readme_shows_the_registry():
    """The README's rule and reason tables are the registry's own (`quotes rules` prints them)."""
    assert rules.markdown() in (ROOT / "README.md").read_text("utf-8")


def test_every_rule_has_a_golden_case_that_produces_it():
    produced = {quote["rule"] for name in POSITIVE_CASE_FILES
                for case in json.loads((CASES / f"{name}.json").read_text("utf-8")) for quote in case["quotes"]}
    assert sorted(set(rules.RULES_BY_NAME) - produced) == []
    assert sorted(produced - set(rules.RULES_BY_NAME)) == []


def test_every_rejection_reason_has_a_golden_case():
    cases = json.loads((CASES / "rejections.json").read_text("utf-8"))
    produced = {rejection["reason"] for case in cases for rejection in case["rejections"]}
    assert sorted(set(rules.REASONS_BY_NAME) ^ produced) == []


def test_every_trap_reason_in_the_lexicon_is_registered():
    assert set(load().traps.values()) <= set(rules.REASONS_BY_NAME)


@pytest.fixture
def context():
    return ArticleContext("a", segment("Ông Trần Văn Hải cho biết giá lúa năm nay sẽ tăng mạnh."))


def test_a_rule_that_is_not_registered_cannot_be_emitted(context):
    sentence = context.seg.sentences[0]
    stray = rules.Rule("made_up", rules.CUE.name, 0.9, "not in the registry")
    with pytest.raises(ValueError, match="made_up"):
        context.emit(sentence, 26, 53, stray, None)
    copy = rules.Rule(**{f: getattr(rules.CUE_BEFORE, f) for f in ("name", "family", "confidence", "description")})
    assert context.emit(sentence, 26, 53, rules.CUE_BEFORE, None) is not None
    with pytest.raises(ValueError):  # only the registered object itself, not a look-alike
        context.emit(sentence, 0, 10, copy, None)


def test_a_rejection_names_a_registered_reason_and_rule_or_family(context):
    with pytest.raises(ValueError, match="made_up"):
        context.reject(0, 3, rules.Reason("made_up", "not registered"), rules.CUE)
    with pytest.raises(ValueError, match="made_up"):
        context.reject(0, 3, rules.CONTENT_TOO_SHORT, rules.Family("made_up", "not registered"))
    context.reject(0, 3, rules.CONTENT_TOO_SHORT, rules.CUE_BEFORE)
    context.reject(0, 3, rules.PAGE_FURNITURE, rules.FURNITURE)
    assert [(r.reason, r.rule) for r in context.rejections] == [("content_too_short", "cue_before"),
                                                               ("page_furniture", "furniture")]


def imported_packages(path: Path) -> set[str]:
    """The quotes.* modules a file imports (at any depth: lazy imports count too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("quotes.")}


@pytest.mark.parametrize("layer, forbidden", [("extract", ("quotes.dataset", "quotes.tools", "quotes.cli")),
                                              ("dataset", ("quotes.tools", "quotes.cli"))])
def test_layers_import_in_one_direction(layer, forbidden):
    """extract (per article) <- dataset (corpus) <- tools: a lower layer never imports a higher one."""
    wrong = {str(path.relative_to(ROOT)): sorted(n for n in imported_packages(path) if n.startswith(forbidden))
             for path in (ROOT / "quotes" / layer).rglob("*.py")}
    assert {path: names for path, names in wrong.items() if names} == {}
