"""The dataset: read inputs, run extraction in shards, merge, write Parquet and CSV, release.

read -> shards (extract per batch) -> merge (corpus-level steps) -> write; build drives them,
release versions the result. Imports `quotes.extraction`, never `quotes.tools`.
"""
