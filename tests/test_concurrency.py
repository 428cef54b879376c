"""Nothing mixed: one writer at a time per folder, a killed writer frees its folder, and workers
die with the build that forked them."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quotes.dataset.lock import BusyError, exclusive
from quotes.dataset.release import make_release
from quotes.tools.bench import write_corpus

ROOT = Path(__file__).resolve().parent.parent


def test_a_second_build_into_the_same_folder_is_refused(tmp_path, quotes_cli):
    out = tmp_path / "out"
    with exclusive(out, "build"):  # another build holds the folder
        result = quotes_cli("build", ROOT / "seeds", "--out", out, check=False)
    assert result.returncode == 2 and "is writing here" in result.stderr and str(os.getpid()) in result.stderr
    assert not (out / "quotes.parquet").exists()  # nothing written over the other build's work
    quotes_cli("build", ROOT / "seeds", "--out", out)  # once it is done, the folder is free


def test_a_killed_writer_leaves_the_folder_free(tmp_path, quotes_cli):
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; "
                               "from quotes.dataset.lock import exclusive\n"
                               "with exclusive(Path(sys.argv[1]), 'build'):\n    print('held', flush=True); time.sleep(60)",
                               str(out)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    assert quotes_cli("build", ROOT / "seeds", "--out", out, check=False).returncode == 2
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    quotes_cli("build", ROOT / "seeds", "--out", out)


def test_two_releases_into_one_data_folder_are_refused(tmp_path):
    data = tmp_path / "data"
    with exclusive(data, "release"):
        with pytest.raises(BusyError, match="is writing here"):
            make_release([str(ROOT / "seeds")], data)
    assert not (data / "releases").exists()


def _children(pid: int) -> set[int]:
    children = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children |= {int(c) for c in (task / "children").read_text().split()}
    return children


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from /proc")
def test_workers_die_when_the_build_is_killed(tmp_path):
    corpus = tmp_path / "news.jsonl"
    write_corpus(corpus, 20_000)
    build = subprocess.Popen([sys.executable, "-m", "quotes", "build", str(corpus), "--out", str(tmp_path / "out"),
                              "--workers", "2", "--batch-size", "200"], cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while len(workers) < 2 and time.monotonic() < deadline and build.poll() is None:
        time.sleep(0.1)
        workers = _children(build.pid)
    assert len(workers) >= 2, "the build ended before its workers were seen"
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = [w for w in workers if Path(f"/proc/{w}").exists() and "zombie" not in
             Path(f"/proc/{w}/status").read_text().lower()]
    assert alive == [], f"orphan workers still running: {alive}"
