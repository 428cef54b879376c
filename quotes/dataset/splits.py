"""Train/dev/test splits, assigned deterministically from a hash, never by position."""

from __future__ import annotations

from quotes.records import short_hash

SPLITS = (("train", 80), ("dev", 10), ("test", 10))
SPLIT_NAMES = tuple(name for name, _ in SPLITS)


def split_of(key: str) -> str:
    """A hash of the key (an article id, or a group of articles) picks train 80%, dev 10%, test 10%."""
    bucket = int(short_hash(key, 8, "sha256"), 16) % 100
    for name, share in SPLITS:
        if bucket < share:
            return name
        bucket -= share
    return SPLITS[-1][0]
