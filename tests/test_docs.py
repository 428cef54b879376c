"""The command line documents itself: every subcommand is in README.md as `quotes NAME`, and
every command and argument has help text (in the manner of sqlite-utils' tests/test_docs.py)."""

import argparse
import re
from pathlib import Path

import pytest

from quotes.cli import parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
# argparse has no public accessor for its subcommands: they are the choices of one action.
SUBCOMMANDS = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS.choices))
def test_every_subcommand_is_in_the_readme(name):
    assert re.search(rf"\bquotes {re.escape(name)}\b", README), f"README.md never shows `quotes {name}`"


def test_every_subcommand_has_help():
    assert [c.dest for c in SUBCOMMANDS._choices_actions if not c.help] == []


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS.choices))
def test_every_argument_has_help(name):
    arguments = SUBCOMMANDS.choices[name]._actions
    assert [a.option_strings or a.dest for a in arguments if not a.help] == []
