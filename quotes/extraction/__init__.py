"""Extraction: one article in, its quotes and rejected candidates out (pure, per article).

normalise (run by the reader, so offsets index the stored text) -> segment -> speaker index ->
rules (registry order) -> speakers resolved -> quote records.
This package imports nothing from `quotes.dataset` or `quotes.tools`; setup.py compiles it.
"""
