"""Extraction: one article in, its quotes and rejected candidates out (pure, per article).

normalise -> segment -> speaker index -> rules (registry order) -> speakers resolved -> records.
This package imports nothing from `quotes.dataset` or `quotes.tools`; setup.py compiles it.
"""
