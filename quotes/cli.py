"""The command line: `quotes build`, `quotes extract`, `quotes eval` (also `python -m quotes`)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from functools import partial
from pathlib import Path

from quotes import __version__, compiled_modules
from quotes.errors import OutputError, QuotesError


def cmd_build(args: argparse.Namespace) -> int:
    from quotes.dataset.build import build, check_sources
    from quotes.dataset.lock import exclusive

    check_sources(args.sources)
    with exclusive(Path(args.out), "build"):  # a second build into the same folder is refused
        report = build(args.sources, Path(args.out), workers=args.workers, batch_size=args.batch_size,
                       split_by=args.split_by, engine=args.engine)
    print(f"built {args.out} in {report.seconds:.1f}s: {report.summary()}", file=sys.stderr)
    if report.ok == 0:
        print("quotes: error: no article could be read", file=sys.stderr)
        return 1
    if args.strict and report.not_ok:
        print(f"quotes: error (--strict): articles not ok: {report.not_ok}", file=sys.stderr)
        return 1
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from quotes.dataset.read import read_articles
    from quotes.dataset.shards import process_batch
    from quotes.dataset.write import quote_columns, rows_of

    for article in read_articles([args.file]):
        for result in process_batch([article]):
            for row in rows_of(quote_columns(result.quotes)):
                print(json.dumps(row, ensure_ascii=False))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from quotes.tools.calibrate import bands, format_bands
    from quotes.tools.evaluate import evaluate, format_gender, format_table, gender_score

    gold, dataset = [Path(p) for p in args.gold], Path(args.dataset)
    print(format_table(evaluate(gold, dataset)))
    print("\nPrecision by confidence band:\n" + format_bands(bands(gold, dataset)))
    genders = gender_score(gold, dataset)
    if genders:
        print("\nSpeaker gender:\n" + format_gender(genders))
    if args.errors:
        from quotes.tools.evaluate import errors

        print("\n".join(errors(gold, dataset)))
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from quotes.tools.calibrate import CALIBRATION_FILE, fit, right_quotes, write

    rows = fit(right_quotes([Path(p) for p in args.gold], Path(args.dataset)))
    print("| rule | attribution | confidence | quotes |\n|---|---|---|---|")
    print("\n".join(f"| {r} | {a} | {c:.2f} | {n} |" for r, a, c, n in rows))
    if args.write:
        write(rows)
        print(f"wrote {CALIBRATION_FILE} (rebuild for the new confidences)", file=sys.stderr)
    return 0


def cmd_agree(args: argparse.Namespace) -> int:
    from quotes.tools.evaluate import agreement, format_table

    first, second = [Path(p) for p in args.first], [Path(p) for p in args.second]
    print(format_table(agreement(first, second)))
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from quotes.dataset.release import make_release
    from quotes.tools.evaluate import release_evaluation

    gold = [Path(g) for g in args.gold]
    evaluate = partial(release_evaluation, gold) if gold else None
    outcome = make_release(args.sources, Path(args.data), args.bump, args.version, args.split_by, evaluate, args.workers)
    verb = "released" if outcome.status == "created" else "unchanged, already released as"
    print(f"{verb} {outcome.version} in {args.data}/releases: {outcome.summary}", file=sys.stderr)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from quotes.dataset.release import diff_releases

    print(diff_releases(Path(args.data), args.old, args.new))
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from quotes.tools.review import write_report

    index = write_report(Path(args.dataset), Path(args.out), args.limit)
    print(f"wrote {index} (open it in a browser)", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from quotes.tools import export

    dataset, out = Path(args.dataset), Path(args.out)
    if args.format == "labelstudio":
        written = export.export_labelstudio(dataset, out)
    elif args.format == "brat":
        written = export.export_brat(dataset, out)
    else:
        written = export.export_training(dataset, out, args.format)
    print(f"wrote {len(written)} files to {out}", file=sys.stderr)
    return 0


def cmd_mine(args: argparse.Namespace) -> int:
    from quotes.tools.evaluate import gold_articles
    from quotes.tools.mine import KINDS, mine, report, texts

    exclude = gold_articles([Path(p) for p in args.exclude])
    print(report(mine(texts(args.sources, args.limit, exclude), args.kind or list(KINDS), args.contexts), args.top))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from quotes.tools.stats import csv_text, gender_rows, table

    rows = gender_rows(Path(args.dataset))
    print(table(rows))
    if args.csv:
        Path(args.csv).write_text(csv_text(rows), encoding="utf-8")
        print(f"wrote {args.csv}", file=sys.stderr)
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from quotes.extraction.rules import markdown

    print(markdown())
    return 0


def cmd_import_labelstudio(args: argparse.Namespace) -> int:
    from quotes.tools.export import import_labelstudio

    rows = import_labelstudio(Path(args.export), Path(args.tasks) if args.tasks else None)
    try:
        out = open(args.out, "w", encoding="utf-8")
    except OSError as error:
        raise OutputError(f"{args.out}: cannot write the gold file ({error.strerror}); give a file in an existing folder") from error
    with out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} gold quotes to {args.out}", file=sys.stderr)
    return 0


def positive_int(text: str) -> int:
    """A count of workers or articles: 1 or more."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not 1 or more")
    return value


# Help texts of arguments that more than one command takes.
SOURCES_HELP = "directories of .txt files, or .txt / .jsonl[.gz|.zst] / .parquet / .csv files"
SPLIT_BY_HELP = "assign train/dev/test by article, or keep articles sharing a person speaker together"
WORKERS_HELP = "worker processes (default: all cores)"
DATASET_HELP = "a dataset folder built by `quotes build` (or the data folder of `quotes release`)"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="quotes", description="Quote attribution datasets from Vietnamese news.",
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # keeps --version's two lines
    compiled = ", ".join(compiled_modules()) or "none (plain Python)"
    p.add_argument("--version", action="version", version=f"quotes {__version__}\ncompiled modules: {compiled}")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="extract quotes from articles and write a dataset folder")
    b.add_argument("sources", nargs="+", help=SOURCES_HELP)
    b.add_argument("--out", required=True, help="output folder (quotes, articles, speakers, rejected as Parquet and CSV)")
    b.add_argument("--split-by", choices=["article", "speaker"], default="article", help=SPLIT_BY_HELP)
    b.add_argument("--workers", type=positive_int, default=None, help=WORKERS_HELP)
    b.add_argument("--strict", action="store_true", help="exit 1 if any article is not ok (empty, undecodable, ...)")
    b.add_argument("--batch-size", type=positive_int, default=None,
                   help="articles per shard (default: from the input's size, 100 to 1,000, so that every worker gets several)")
    b.add_argument("--engine", choices=["local", "ray"], default="local",
                   help="local processes, or Ray Data (pip install -e '.[ray]' in a checkout; connects to RAY_ADDRESS if set)")
    b.set_defaults(func=cmd_build)

    e = sub.add_parser("extract", help="print one JSON object per quote found in FILE")
    e.add_argument("file", help="an input file (.txt, .jsonl[.gz|.zst], .parquet or .csv); every article in it")
    e.set_defaults(func=cmd_extract)

    r = sub.add_parser("release", help="build a versioned, reproducible release under DATA/releases",
                       description="Build SOURCES and release them as DATA/releases/vX.Y.Z. Without --bump or "
                       "--version the latest release is rebuilt and must come out byte-identical (or v1.0.0 "
                       "is made). A released version never changes: a change of columns or types needs "
                       "--bump major, new or changed rows --bump minor, metadata only --bump patch.")
    r.add_argument("sources", nargs="+", help=SOURCES_HELP)
    r.add_argument("--data", default="data", help="the data folder (default: data)")
    r.add_argument("--bump", choices=["patch", "minor", "major"], help="make the next version")
    r.add_argument("--version", help="release exactly this version (vX.Y.Z)")
    r.add_argument("--split-by", choices=["article", "speaker"], default="article", help=SPLIT_BY_HELP)
    r.add_argument("--gold", action="append", default=[], help="gold JSONL for the card's evaluation table")
    r.add_argument("--workers", type=positive_int, default=None, help=WORKERS_HELP)
    r.set_defaults(func=cmd_release)

    d = sub.add_parser("diff", help="print what changed between two releases, quote by quote")
    d.add_argument("old", help="the earlier release (vX.Y.Z)")
    d.add_argument("new", help="the later release (vX.Y.Z)")
    d.add_argument("--data", default="data", help="the data folder holding releases/ (default: data)")
    d.set_defaults(func=cmd_diff)

    w = sub.add_parser("review", help="write a static HTML report to check the quotes by eye")
    w.add_argument("dataset", help=DATASET_HELP)
    w.add_argument("--out", required=True, help="output folder for index.html, speakers.html and articles/")
    w.add_argument("--limit", type=int, default=None, help="at most this many articles")
    w.set_defaults(func=cmd_review)

    x = sub.add_parser("export", help="export for Label Studio, brat, or model training")
    x.add_argument("dataset", help=DATASET_HELP)
    x.add_argument("--format", required=True, choices=["labelstudio", "brat", "spans", "bio"],
                   help="labelstudio: tasks with pre-annotations and a labeling config; brat: .txt and .ann per "
                   "article; spans, bio: training JSONL (span pairs, BIO tags), one file per split")
    x.add_argument("--out", required=True, help="output folder (made if missing)")
    x.set_defaults(func=cmd_export)

    i = sub.add_parser("import-labelstudio", help="Label Studio's JSON export to gold JSONL for `quotes eval`")
    i.add_argument("export", help="the project exported from Label Studio as JSON")
    i.add_argument("--out", required=True, help="the gold JSONL file to write")
    i.add_argument("--tasks", help="the tasks file imported into Label Studio (labelstudio-tasks.json): where the "
                   "export gives the predictions of untouched tasks as ids, they are read from it")
    i.set_defaults(func=cmd_import_labelstudio)

    m = sub.add_parser("mine", help="rank candidates for the lexicons (cues, role words, theo heads, given names) in a corpus")
    m.add_argument("sources", nargs="+", help="articles in any input format (as for build)")
    m.add_argument("--kind", action="append", choices=["cues", "roles", "theo", "given_names", "foreign_given_names"],
                   help="what to mine (repeat for several; default: all five)")
    m.add_argument("--top", type=int, default=40, help="candidates shown per kind (default: 40)")
    m.add_argument("--contexts", type=int, default=3, help="contexts shown per candidate (default: 3)")
    m.add_argument("--limit", type=int, default=None, help="read at most this many articles")
    m.add_argument("--exclude", action="append", default=[], metavar="GOLD",
                   help="skip the articles this gold file indexes (repeat for several), so that what is "
                   "grown from the corpus is measured on gold it never saw")
    m.set_defaults(func=cmd_mine)

    t = sub.add_parser("stats", help="who gets quoted: quotes and speakers by gender, overall, by outlet and by month")
    t.add_argument("dataset", help=DATASET_HELP)
    t.add_argument("--csv", help="also write the rows to this CSV file")
    t.set_defaults(func=cmd_stats)

    u = sub.add_parser("rules", help="print every rule (with its base confidence) and rejection reason, as Markdown tables")
    u.set_defaults(func=cmd_rules)

    c = sub.add_parser("calibrate", help="fit each rule's confidence to its measured precision on gold")
    c.add_argument("gold", nargs="+", help="development gold JSONL file(s)")
    c.add_argument("dataset", help="a dataset folder built from the gold's articles")
    c.add_argument("--write", action="store_true", help="write quotes/extraction/lexicons/calibration.tsv")
    c.set_defaults(func=cmd_calibrate)

    g = sub.add_parser("agree", help="agreement of two annotators on the articles both annotated (gold against gold)")
    g.add_argument("first", nargs="+", help="the first annotator's gold JSONL file(s)")
    g.add_argument("--second", nargs="+", required=True, help="the second annotator's gold JSONL file(s)")
    g.set_defaults(func=cmd_agree)

    v = sub.add_parser("eval", help="score a dataset against gold annotations")
    v.add_argument("gold", nargs="+", help="gold JSONL file(s)")
    v.add_argument("dataset", help=DATASET_HELP)
    v.add_argument("--errors", action="store_true", help="also list missed, extra and wrong-speaker quotes")
    v.set_defaults(func=cmd_eval)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except QuotesError as error:  # anything else is a bug: its traceback is what a report needs
        print(f"quotes: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `quotes ... | head`: the reader has gone; stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 128 + signal.SIGPIPE


if __name__ == "__main__":
    sys.exit(main())
