"""Errors the user can fix. The CLI prints `quotes: error: <message>` for these and exits 2;
any other exception is a bug and shows its traceback.

Each message is one line that names the file and says what to do. This module imports
nothing, so `quotes.cli` can catch these errors without loading pyarrow or pandas.
"""


class QuotesError(Exception):
    """A problem the user can fix: the CLI prints `quotes: error: <message>` and exits 2."""


class InputError(QuotesError):
    """An input file that cannot be read at all (missing, unknown format, corrupt, no text column)."""


class DatasetError(QuotesError):
    """A folder given as a dataset that holds no dataset built by `quotes build`."""


class GoldError(QuotesError):
    """A gold file that cannot be scored: unreadable, not gold JSONL, or for other articles."""


class OutputError(QuotesError):
    """An output path that cannot be written: a file where a folder goes, no permission."""


class ReleaseError(QuotesError):
    """A release that must not be made; nothing was written."""
