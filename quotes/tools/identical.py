"""`make identical`: proof that a change meant to keep the dataset (a refactor, a speed-up)
kept it to the byte.

Builds each corpus with `quotes build` (the public command) with 1 and with 2 workers, hashes
every output file, and compares both builds with each other and with the hashes recorded in
tests/identical.sha256. The corpora: the seeds and a synthetic corpus of 10,000 articles
(always), and where ../shared is present its 300 baomoi articles and the 5,000 of
baomoi-2017-5k.jsonl.gz. A change that is meant to move the dataset records new hashes with
`--record`, in the same commit, so the diff shows which outputs moved.

    python -m quotes.tools.identical [--record] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

from quotes.tools.bench import write_corpus

ROOT = Path(__file__).resolve().parents[2]
HASHES = ROOT / "tests" / "identical.sha256"
SYNTHETIC_ARTICLES = 10_000
WORKERS = (1, 2)


def corpora(shared: Path, tmp: Path) -> dict[str, Path | None]:
    """Each corpus by name; None where it is not on this machine."""
    synthetic = tmp / "synthetic-10k.jsonl"
    write_corpus(synthetic, SYNTHETIC_ARTICLES)
    real = {"baomoi-300": shared / "corpus" / "baomoi-2017", "baomoi-5k": shared / "corpus" / "baomoi-2017-5k.jsonl.gz"}
    return {"seeds": ROOT / "seeds", "synthetic-10k": synthetic} | {name: p if p.exists() else None for name, p in real.items()}


def build_hashes(source: Path, out: Path, workers: int) -> dict[str, str]:
    """`quotes build SOURCE` and the sha256 of every file it wrote, by file name."""
    subprocess.run([sys.executable, "-m", "quotes", "build", str(source), "--out", str(out), "--workers", str(workers)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())
            if p.is_file() and not p.name.startswith(".")}  # not the build's .quotes.lock


def read_recorded(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    pairs = (line.split(None, 1) for line in path.read_text().splitlines() if line.strip())
    return {name: digest for digest, name in pairs}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotes.tools.identical", description=__doc__.split("\n\n")[0])
    p.add_argument("--record", action="store_true", help="write the hashes to tests/identical.sha256 instead of comparing")
    p.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared folder (default: ../shared)")
    args = p.parse_args(argv)
    recorded = read_recorded(HASHES)
    found: dict[str, str] = {}
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, source in corpora(args.shared, Path(tmp)).items():
            if source is None:
                print(f"{name}: not on this machine, skipped")
                recorded = {k: v for k, v in recorded.items() if not k.startswith(name + "/")}
                continue
            builds = [build_hashes(source, Path(tmp) / f"{name}-{w}", w) for w in WORKERS]
            if builds[0] != builds[1]:
                problems.append(f"{name}: 1 and 2 workers differ")
            for file, digest in builds[0].items():
                found[f"{name}/{file}"] = digest
            print(f"{name}: {len(builds[0])} files, workers {' and '.join(map(str, WORKERS))} "
                  f"{'identical' if builds[0] == builds[1] else 'DIFFER'}")
    if args.record:
        HASHES.write_text("".join(f"{digest}  {name}\n" for name, digest in sorted(found.items())))
        print(f"recorded {len(found)} hashes in {HASHES.relative_to(ROOT)}")
        return 1 if problems else 0
    for name in sorted(set(found) | set(recorded)):
        if found.get(name) != recorded.get(name):
            problems.append(f"{name}: {recorded.get(name, 'not recorded')[:12]} recorded, "
                            f"{found.get(name, 'not built')[:12]} built")
    print("\n".join(problems) if problems else f"all {len(found)} files identical to the recorded hashes")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
