import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@pytest.fixture
def quotes_cli(capsys):
    """Run `quotes ARGS` in this process (starting an interpreter and importing pyarrow for each
    command would cost more than most commands): the exit code and the output, as a subprocess
    would give them. With check, a command that fails fails the test and shows its stderr."""
    from quotes.cli import main

    def run(*args, check: bool = True) -> subprocess.CompletedProcess:
        argv = [str(arg) for arg in args]
        try:
            code = main(argv)
        except SystemExit as exit:  # argparse exits by itself: --version, a bad argument
            code = exit.code
        captured = capsys.readouterr()
        if check:
            assert code == 0, captured.err
        return subprocess.CompletedProcess(["quotes", *argv], code, captured.out, captured.err)

    return run
