"""Normalise article text: the reader (quotes.dataset.read) runs it once per article, in the
worker, before extraction.

Every offset in the dataset indexes the text this module returns, so it runs
first and exactly once per article. Each fix is a small pure function registered
by name; `normalise` reports which fixes changed the text, so a user can see why
a stored article differs from its source file.

Tone placement (hoà / hòa) is deliberately left alone here: it is part of the
outlet's spelling, and changing it would rewrite quotes. Matching code uses
`fold_key`, a tone-placement-insensitive key, instead.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

import regex

FIXES: dict[str, Callable[[str], str]] = {}


def fix(name: str):
    """Register a text fix under a stable name (reported in `normalise_steps`)."""

    def register(func: Callable[[str], str]) -> Callable[[str], str]:
        FIXES[name] = func
        return func

    return register


@fix("newlines")
def unify_newlines(text: str) -> str:
    # Windows and old-Mac line ends would otherwise count as two characters or none; Unicode's
    # line and paragraph separators are line ends that some readers split on and others do not.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u2028", "\n").replace("\u2029", "\n")


_ENTITY = regex.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")


@fix("html_entities")
def unescape_entities(text: str) -> str:
    # Crawled text keeps &quot; &#8220; &nbsp; ...: a quote mark hidden in an entity is still one.
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text) if "&" in text else text


_TAG = regex.compile(r"</?[a-zA-Z][a-zA-Z0-9]{0,15}(?:\s[^<>]{0,500})?/?>")
_BREAK_TAG = regex.compile(r"<(?:br|p|/p|div|/div|li|/li|h[1-6]|/h[1-6])\b[^<>]{0,500}>", regex.IGNORECASE)


@fix("html_tags")
def strip_tags(text: str) -> str:
    # Stray markup: block tags become line breaks (paragraphs), other tags disappear.
    if "<" not in text:
        return text
    text = _TAG.sub("", _BREAK_TAG.sub("\n", text))
    for _ in range(MAX_TAG_PASSES):  # removing <b> from <scr<b>ipt> makes a new tag: strip it too
        if not _TAG.search(text):
            return text
        text = _TAG.sub("", text)
    return text.replace("<", "").replace(">", "")  # nesting that deep is an attack, not markup


MAX_TAG_PASSES = 8


@fix("nfc")
def compose_nfc(text: str) -> str:
    # NFD input ("e" + combining marks) would split words for every later regex.
    return unicodedata.normalize("NFC", text)


# Plain character classes run on the standard library's `re`, a few times faster here than `regex`.
_INVISIBLE = re.compile("[\u200b\u200c\u2060\ufeff\u00ad]")


@fix("invisible_chars")
def drop_invisible_chars(text: str) -> str:
    # Zero-width spaces, BOMs and soft hyphens break cue and name matching.
    return _INVISIBLE.sub("", text)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@fix("control_chars")
def drop_control_chars(text: str) -> str:
    return _CONTROL.sub("", text)


_ODD_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")


@fix("spaces")
def plain_spaces(text: str) -> str:
    return _ODD_SPACES.sub(" ", text)


@fix("eth_as_d_stroke")
def eth_to_d_stroke(text: str) -> str:
    # Some outlets type Icelandic eth (Ð/ð) for the Vietnamese Đ/đ.
    return text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")


_TRAILING_SPACE = regex.compile(r"[ ]+$", regex.MULTILINE)


@fix("trailing_spaces")
def strip_trailing_spaces(text: str) -> str:
    if " \n" not in text:  # the usual case: no line ends with a space (the end is stripped below)
        return text.strip()
    return _TRAILING_SPACE.sub("", text).strip()


def normalise(text: str) -> tuple[str, list[str]]:
    """Return the normalised text and the names of the fixes that changed it."""
    applied = []
    for name, func in FIXES.items():
        fixed = func(text)
        if fixed != text:
            applied.append(name)
        text = fixed
    return text, applied


# Old-style tone placement puts the mark on the first vowel of oa/oe/uy (òa, ùy); the new
# style on the second (oà, uỳ). The key maps old to new; it is used only to compare words,
# never written out. The lexicons use the same pairs to match either spelling.
OLD_TO_NEW_TONE = {
    "òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ",
    "òe": "oè", "óe": "oé", "ỏe": "oẻ", "õe": "oẽ", "ọe": "oẹ",
    "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ",
}
_OLD_STYLE = re.compile("|".join(OLD_TO_NEW_TONE))
# A final i or y right after a consonant spells one sound two ways (sĩ and sỹ, kĩ and kỹ, lí
# and lý); the key writes i. After a vowel, y is part of the rhyme (thuỷ, quý, tuy): kept.
FINAL_Y_TO_I = {"y": "i", "ý": "í", "ỳ": "ì", "ỷ": "ỉ", "ỹ": "ĩ", "ỵ": "ị"}
_FINAL_Y = re.compile(r"(?<=[bcdđghklmnpqrstvx])[yýỳỷỹỵ](?!\w)")


# Letters only Vietnamese writes (a word with one is Vietnamese, not a foreign name).
VIETNAMESE_LETTERS = regex.compile(r"[đĐơƠưƯăĂâÂêÊôÔ]|[\u0300\u0301\u0303\u0309\u0323]|[à-ỹ]")


@lru_cache(maxsize=1 << 16)
def fold_key(text: str) -> str:
    """A comparison key: NFC, lower case, tone placement and final i/y unified, spaces collapsed."""
    folded = _OLD_STYLE.sub(lambda m: OLD_TO_NEW_TONE[m.group(0)], unicodedata.normalize("NFC", text.casefold()))
    folded = _FINAL_Y.sub(lambda m: FINAL_Y_TO_I[m.group(0)], folded)
    return " ".join(folded.split())
