"""The command line: `quotes build`, `quotes extract`, `quotes eval` (also `python -m quotes`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from quotes import __version__


def cmd_build(args: argparse.Namespace) -> int:
    from quotes.build import build

    summary = build(args.sources, Path(args.out))
    print(f"built {args.out}: {summary.line()}", file=sys.stderr)
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from quotes.build import process_batch
    from quotes.read import read_articles

    for article in read_articles([args.file]):
        for row in process_batch([article]).quotes:
            print(json.dumps(row, ensure_ascii=False))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from quotes.evaluate import evaluate, format_table

    gold, dataset = [Path(p) for p in args.gold], Path(args.dataset)
    print(format_table(evaluate(gold, dataset)))
    if args.errors:
        from quotes.evaluate import errors

        print("\n".join(errors(gold, dataset)))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="quotes", description="Quote attribution datasets from Vietnamese news.")
    p.add_argument("--version", action="version", version=f"quotes {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="extract quotes from articles and write a dataset folder")
    b.add_argument("sources", nargs="+", help="directories of .txt files, or .jsonl[.gz] / .parquet / .csv files")
    b.add_argument("--out", required=True, help="output folder (quotes, articles, rejected as Parquet and CSV)")
    b.set_defaults(func=cmd_build)

    e = sub.add_parser("extract", help="print one JSON object per quote found in FILE")
    e.add_argument("file")
    e.set_defaults(func=cmd_extract)

    v = sub.add_parser("eval", help="score a dataset against gold annotations")
    v.add_argument("gold", nargs="+", help="gold JSONL file(s)")
    v.add_argument("dataset", help="a dataset folder built by `quotes build`")
    v.add_argument("--errors", action="store_true", help="also list missed, extra and wrong-speaker quotes")
    v.set_defaults(func=cmd_eval)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, OSError) as error:
        print(f"quotes: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
