"""One writer at a time: a build owns its output folder, a release its data folder, for as long
as it runs.

The lock is the kernel's (`flock` on a `.lock` file in the folder): a second writer is refused
at once with a message naming the process that holds it, and a writer that crashes or is killed
frees it by dying, so nothing is left stuck. Worker processes die with their parent
(`die_with_parent`), so they cannot keep a dead build's lock, or go on writing shards for it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from quotes.dataset.write import output_folder
from quotes.errors import QuotesError

LOCK_FILE = ".quotes.lock"
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class BusyError(QuotesError):
    """Another process is writing the same folder."""


@contextmanager
def exclusive(folder: Path, what: str) -> Iterator[None]:
    """Hold the folder's lock while the body runs, or refuse at once if another process does."""
    output_folder(folder)
    path = folder / LOCK_FILE
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BusyError(f"{folder}: {holder} is writing here; wait until it ends, or give another "
                            f"folder (this {what} changed nothing)") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"the {what} of process {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def die_with_parent(parent: int) -> None:
    """Run in each worker process as it starts: the kernel kills it when the process that
    forked it dies (Linux; elsewhere a no-op), so no orphan goes on working for a dead build."""
    name = ctypes.util.find_library("c")
    try:
        if name:
            ctypes.CDLL(name, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except AttributeError:  # no prctl on this system
        pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def worker_pool_options() -> dict:
    """What every worker pool of a build passes to ProcessPoolExecutor."""
    return {"initializer": die_with_parent, "initargs": (os.getpid(),)}
