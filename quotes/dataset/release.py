"""Versioned, reproducible dataset releases: `quotes release` and `quotes diff`.

A release is a folder `data/releases/vMAJOR.MINOR.PATCH/` holding the quotes, articles,
speakers and rejected tables (Parquet and CSV), per-split Parquet files for loaders that split
by file, `datapackage.json`, `SHA256SUMS`, a dataset card `README.md` and `CHANGES.md`.

Rules: the same inputs and pinned dependencies give the same bytes; a released version never
changes (building different content under it stops and touches nothing); a change of columns
or types needs a major bump, new or changed rows a minor bump, anything else a patch. The
release is written to a hidden staging folder and renamed into place, so a failed build leaves
the previous release and `data/quotes.parquet` as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import regex

from quotes.dataset.build import build
from quotes.dataset.lock import exclusive
from quotes.dataset.read import dataset_table, open_parquet
from quotes.dataset.schema import ARTICLES_SCHEMA, MAY_BE_EMPTY, QUOTES_SCHEMA, REJECTED_SCHEMA, SPEAKERS_SCHEMA
from quotes.dataset.splits import SPLIT_NAMES
from quotes.dataset.write import output_folder
from quotes.errors import ReleaseError

VERSION = regex.compile(r"^v(\d+)\.(\d+)\.(\d+)$")
BUMPS = ("patch", "minor", "major")
TABLES = (("articles", ARTICLES_SCHEMA), ("quotes", QUOTES_SCHEMA), ("speakers", SPEAKERS_SCHEMA),
          ("rejected", REJECTED_SCHEMA))
LATEST_TABLES = ("quotes", "articles", "speakers", "rejected")
STAGING_PREFIX = ".staging-"
DATASET_NAME = "quotes-vi"
LICENSE = {"name": "other", "title": "Annotations CC-BY-4.0; article texts remain the property of their publishers",
           "path": "https://creativecommons.org/licenses/by/4.0/"}


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        m = VERSION.match(text if text.startswith("v") else f"v{text}")
        if not m:
            raise ReleaseError(f"{text!r} is not a version like v1.2.0")
        return cls(*map(int, m.groups()))

    def bump(self, level: str) -> Version:
        if level == "major":
            return Version(self.major + 1, 0, 0)
        if level == "minor":
            return Version(self.major, self.minor + 1, 0)
        return Version(self.major, self.minor, self.patch + 1)

    def __str__(self) -> str:
        return f"v{self.major}.{self.minor}.{self.patch}"


def released(data: Path) -> list[Version]:
    folder = data / "releases"
    if not folder.is_dir():
        return []
    return sorted(Version.parse(p.name) for p in folder.iterdir() if p.is_dir() and VERSION.match(p.name))


@dataclass
class Outcome:
    version: Version
    status: str  # "created" or "unchanged"
    summary: str


def make_release(sources: list[str], data: Path, bump: str | None = None, version: str | None = None,
                 split_by: str = "article", evaluate: Callable[[Path], str] | None = None,
                 workers: int | None = None) -> Outcome:
    """Build the sources and release them; see the module docstring for the rules. `evaluate`
    scores a built release folder for its card (the CLI passes `quotes eval` against the gold);
    without it the card says no gold was given. One release at a time writes a data folder."""
    with exclusive(data, "release"):
        return _make_release(sources, data, bump, version, split_by, evaluate, workers)


def _make_release(sources: list[str], data: Path, bump: str | None, version: str | None, split_by: str,
                  evaluate: Callable[[Path], str] | None, workers: int | None) -> Outcome:
    versions = released(data)
    previous = versions[-1] if versions else None
    if bump:
        if previous is None:
            raise ReleaseError("there is no release to bump yet: run without --bump to make v1.0.0")
        target = previous.bump(bump)
    else:
        target = Version.parse(version) if version else previous or Version(1, 0, 0)
    base = max((v for v in versions if v < target), default=None)  # what CHANGES.md compares with
    _clean_stale_staging(data)
    staging = data / "releases" / f"{STAGING_PREFIX}{target}-{os.getpid()}"
    final = data / "releases" / str(target)
    try:
        report = build(sources, staging, workers=workers, split_by=split_by, split_files=True,
                       extra_metadata={"quotes.dataset_version": str(target)}, work=data / ".work")
        describe_release(staging, target, sources, data, base, evaluate, split_by)
        if bump:
            needed = required_bump(data / "releases" / str(previous), staging)
            if needed is None:
                raise ReleaseError(f"nothing changed since {previous}: no new release")
            if BUMPS.index(bump) < BUMPS.index(needed):
                raise ReleaseError(f"this change needs a {needed} bump (see `quotes release --help`), not {bump}")
        if final.exists():
            if _read_sums(final) != _read_sums(staging):
                needed = required_bump(final, staging) or "patch"
                raise ReleaseError(
                    f"{target} is already released and a release never changes; this build differs from it. "
                    f"Make the next one with `quotes release --bump {needed}` (or `make release BUMP={needed}`).")
            status = "unchanged"
        else:
            os.rename(staging, final)
            status = "created"
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    if target == released(data)[-1]:
        publish_latest(final, data)
    return Outcome(target, status, report.summary())


def _clean_stale_staging(data: Path) -> None:
    """A build killed mid-way leaves a hidden staging folder; the next build removes it."""
    folder = data / "releases"
    output_folder(folder)
    for stale in folder.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)


def describe_release(out: Path, version: Version, sources: list[str], data: Path,
                     previous: Version | None, evaluate: Callable[[Path], str] | None, split_by: str) -> None:
    """Add CHANGES.md, the dataset card, datapackage.json and SHA256SUMS to a built release."""
    changes = changes_markdown(data / "releases" / str(previous) if previous else None, out, previous, version)
    (out / "CHANGES.md").write_text(changes, encoding="utf-8")
    evaluation = evaluate(out) if evaluate else "No gold annotations were given for this release."
    (out / "README.md").write_text(dataset_card(out, version, sources, evaluation, split_by), encoding="utf-8")
    package = datapackage(out, version, sources)
    (out / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _write_sums(out)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS")


def sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _write_sums(folder: Path) -> None:
    lines = [f"{sha256(p)}  {p.relative_to(folder).as_posix()}\n" for p in _files(folder)]
    (folder / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def _read_sums(folder: Path) -> str:
    path = folder / "SHA256SUMS"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def publish_latest(release: Path, data: Path) -> None:
    """data/latest is a link to the newest release folder and data/quotes.parquet (and the other
    tables) are links through it, so switching to a new release is one rename of one link: a
    reader, or a release killed part-way, never sees tables of two releases. Where links cannot
    be made (Windows without the right to), the tables are copied, one at a time."""
    if not _can_link(data):
        _copy_tables(release, data)
        return
    _link_atomically(data / LATEST, Path(os.path.relpath(release, data)))
    for name in _table_files():
        _link_atomically(data / name, Path(LATEST) / name)


LATEST = "latest"


def _table_files() -> list[str]:
    return [f"{name}{suffix}" for name in LATEST_TABLES for suffix in (".parquet", ".csv")]


def _can_link(folder: Path) -> bool:
    probe = folder / ".link-probe"
    probe.unlink(missing_ok=True)
    try:
        os.symlink(".", probe)
    except OSError:
        return False
    probe.unlink()
    return True


def _link_atomically(link: Path, target: Path) -> None:
    """Point `link` at `target` with one rename; a file or an older link there is replaced."""
    if link.is_symlink() and Path(os.readlink(link)) == target:
        return
    tmp = link.with_name(f".{link.name}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _copy_tables(release: Path, data: Path) -> None:
    for name in _table_files():
        source, target = release / name, data / name
        if target.exists() and sha256(target) == sha256(source):
            continue
        tmp = data / f".{name}.tmp"
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)


# -- what changed -----------------------------------------------------------------------------

def required_bump(previous: Path, current: Path) -> str | None:
    """major if columns or types changed, minor if rows did (the CSV files carry the rows and
    nothing else), patch if anything else did (metadata, the card), None if nothing did."""
    for name, _ in TABLES:
        old, new = pq.read_schema(previous / f"{name}.parquet"), pq.read_schema(current / f"{name}.parquet")
        if [(f.name, f.type) for f in old] != [(f.name, f.type) for f in new]:
            return "major"
    for name, _ in TABLES:
        if sha256(previous / f"{name}.csv") != sha256(current / f"{name}.csv"):
            return "minor"
    old_meta = dict(pq.read_schema(previous / "quotes.parquet").metadata or {})
    new_meta = dict(pq.read_schema(current / "quotes.parquet").metadata or {})
    for meta in (old_meta, new_meta):
        meta.pop(b"quotes.dataset_version", None)
    if old_meta != new_meta or _card_without_version(previous) != _card_without_version(current):
        return "patch"
    return None


def _card_without_version(folder: Path) -> str:
    """The dataset card with its own version number blanked, to compare two cards' content."""
    meta = pq.read_schema(folder / "quotes.parquet").metadata or {}
    version = meta.get(b"quotes.dataset_version", b"").decode()
    card = (folder / "README.md").read_text(encoding="utf-8")
    return card.replace(version, "vX.Y.Z") if version else card


TRACKED = ("quote_type", "speaker", "speaker_type", "speaker_gender", "quote", "cue", "rule")


def quote_changes(old: list[dict], new: list[dict]) -> tuple[list[dict], list[dict], list[tuple[dict, dict]]]:
    before = {r["quote_id"]: r for r in old}
    after = {r["quote_id"]: r for r in new}
    added = [after[k] for k in sorted(after.keys() - before.keys())]
    removed = [before[k] for k in sorted(before.keys() - after.keys())]
    changed = [(before[k], after[k]) for k in sorted(before.keys() & after.keys())
               if any(before[k].get(f) != after[k].get(f) for f in TRACKED)]
    return added, removed, changed


def _quotes_of(release: Path | None) -> list[dict]:
    if release is None:
        return []
    return dataset_table(release, "quotes").to_pylist()


def changes_markdown(previous: Path | None, current: Path, old_version: Version | None, version: Version) -> str:
    if previous is None:
        rows = _quotes_of(current)
        return f"# Changes in {version}\n\nFirst release: {len(rows)} quotes.\n"
    added, removed, changed = quote_changes(_quotes_of(previous), _quotes_of(current))
    return diff_markdown(old_version, version, added, removed, changed)


def diff_markdown(old: Version | None, new: Version, added, removed, changed) -> str:
    def line(r: dict) -> str:
        text = r["quote"] if len(r["quote"]) <= 90 else r["quote"][:87] + "..."
        return f"- `{r['quote_id']}` {r['article_id']} [{r['quote_type']}] {r['speaker'] or '(no speaker)'}: {text}"

    out = [f"# Changes in {new} since {old}", "",
           f"{len(added)} added, {len(removed)} removed, {len(changed)} changed.", ""]
    if added:
        out += ["## Added", "", *map(line, added), ""]
    if removed:
        out += ["## Removed", "", *map(line, removed), ""]
    if changed:
        out += ["## Changed", ""]
        for before, after in changed:
            fields = [f"{f}: {before.get(f)!r} -> {after.get(f)!r}" for f in TRACKED if before.get(f) != after.get(f)]
            out.append(f"- `{after['quote_id']}` {after['article_id']}: " + "; ".join(fields))
        out.append("")
    return "\n".join(out)


def diff_releases(data: Path, old: str, new: str) -> str:
    a, b = Version.parse(old), Version.parse(new)
    folders = [data / "releases" / str(v) for v in (a, b)]
    for folder in folders:
        if not folder.is_dir():
            raise ReleaseError(f"no release {folder.name} in {data / 'releases'}")
    added, removed, changed = quote_changes(_quotes_of(folders[0]), _quotes_of(folders[1]))
    return diff_markdown(a, b, added, removed, changed)


# -- describing the release ------------------------------------------------------------------------

FRICTIONLESS_TYPES = {"string": "string", "int32": "integer", "int64": "integer", "float": "number", "double": "number"}
LIST_IN_CSV = "; in the CSV files a list is written as its items joined by | (an empty list is an empty cell)"


def _field_descriptor(field: pa.Field, suffix: str) -> dict:
    """A field of the Frictionless table schema. An empty string reads as missing there, so a
    text column that may be empty (url, outlet ...) is not `required`; a list is a `|`-joined
    string in CSV and a native list (type any) in Parquet."""
    description = (field.metadata or {}).get(b"description", b"").decode()
    if pa.types.is_list(field.type):
        kind = "string" if suffix == ".csv" else "any"
        return {"name": field.name, "type": kind, "description": description + LIST_IN_CSV,
                "constraints": {"required": False}}
    required = not field.nullable and field.name not in MAY_BE_EMPTY
    return {"name": field.name, "type": FRICTIONLESS_TYPES.get(str(field.type), "any"), "description": description,
            "constraints": {"required": required}}


def _source_name(source: str) -> str:
    """A source as a relative name: never an absolute path in a released file."""
    path = Path(source)
    return path.as_posix() if not path.is_absolute() else path.name


def datapackage(folder: Path, version: Version, sources: list[str]) -> dict:
    schemas = dict(TABLES)
    resources: list[dict[str, object]] = []
    for path in _files(folder):
        if path.suffix not in (".parquet", ".csv"):
            continue
        table = path.stem.split("-")[0]
        resource: dict[str, object] = {
            "name": path.relative_to(folder).as_posix().replace("/", "-").replace(".", "-").lower(),
            "type": "table",
            "path": path.relative_to(folder).as_posix(),
            "format": path.suffix[1:],
            "mediatype": "text/csv" if path.suffix == ".csv" else "application/vnd.apache.parquet",
            "encoding": "utf-8",
            "hash": f"sha256:{sha256(path)}",
            "schema": {"fields": [_field_descriptor(f, path.suffix) for f in schemas[table]]},
        }
        if path.suffix == ".csv":  # Parquet is read by columns: a byte count is not checked there
            resource["bytes"] = path.stat().st_size
            resource["dialect"] = {"header": True, "delimiter": ",", "lineTerminator": "\n"}
        resources.append(resource)
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": DATASET_NAME,
        "title": "Vietnamese news quote attribution",
        "description": "Direct, indirect and mixed quotations in Vietnamese news articles, each linked to its speaker and article.",
        "version": str(version)[1:],
        "licenses": [LICENSE],
        "sources": [{"title": _source_name(s), "path": _source_name(s)} for s in sources],
        "keywords": ["quote attribution", "speaker attribution", "Vietnamese", "news"],
        "resources": resources,
    }


HF_DTYPES = {"string": "string", "int32": "int32", "int64": "int64", "float": "float32", "double": "float64"}


def _features_yaml(schema: pa.Schema) -> list[str]:
    lines = []
    for field in schema:
        if pa.types.is_list(field.type):
            lines += [f"  - name: {field.name}", "    list: string"]
        else:
            lines += [f"  - name: {field.name}", f"    dtype: {HF_DTYPES[str(field.type)]}"]
    return lines


def _size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return label
    return "1M<n<10M"


def _column_counts(path: Path, column: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for batch in open_parquet(path).iter_batches(columns=[column]):
        for value in batch.column(0).to_pylist():
            counts[value] = counts.get(value, 0) + 1
    return counts


def dataset_card(folder: Path, version: Version, sources: list[str], evaluation: str, split_by: str) -> str:
    quote_splits = _column_counts(folder / "quotes.parquet", "split")
    counts = {s: quote_splits.get(s, 0) for s in SPLIT_NAMES}
    type_counts = _column_counts(folder / "quotes.parquet", "quote_type")
    types = {t: type_counts.get(t, 0) for t in ("direct", "indirect", "mixed")}
    n_quotes = sum(counts.values())
    n_articles = pq.read_metadata(folder / "articles.parquet").num_rows
    n_speakers = pq.read_metadata(folder / "speakers.parquet").num_rows
    # The Hugging Face loader refuses a split with no rows: list the splits that have some.
    splits = [s for s in SPLIT_NAMES if counts[s]] or ["train"]
    article_split_counts = _column_counts(folder / "articles.parquet", "split")
    article_splits = [s for s in SPLIT_NAMES if article_split_counts.get(s)] or ["train"]
    header = [
        "---", "language:", "- vi", "license: other", f"license_name: {LICENSE['title']}",
        f"pretty_name: Vietnamese news quote attribution ({version})",
        "task_categories:", "- token-classification", "tags:", "- quote-attribution", "- speaker-attribution", "- news",
        "size_categories:", f"- {_size_category(n_quotes)}",
        "configs:",
        "- config_name: quotes", "  default: true", "  data_files:",
        *[line for s in splits for line in (f"  - split: {s}", f"    path: splits/quotes-{s}.parquet")],
        "- config_name: articles", "  data_files:",
        *[line for s in article_splits for line in (f"  - split: {s}", f"    path: splits/articles-{s}.parquet")],
        "- config_name: speakers", "  data_files:", "  - split: train", "    path: speakers.parquet",
        "dataset_info:",
        "- config_name: quotes", "  features:", *_features_yaml(QUOTES_SCHEMA),
        "- config_name: articles", "  features:", *_features_yaml(ARTICLES_SCHEMA),
        "- config_name: speakers", "  features:", *_features_yaml(SPEAKERS_SCHEMA),
        "---", "",
    ]
    body = f"""# Vietnamese news quote attribution, {version}

Every quotation found in {n_articles} Vietnamese news articles ({', '.join(_source_name(s) for s in sources)}):
{n_quotes} quotes ({types['direct']} direct, {types['indirect']} indirect, {types['mixed']} mixed) from
{n_speakers} speakers, each with its span in the article text, its cue, its speaker as written and as
resolved, and the rule that found it.

## Files

- `quotes.parquet` / `.csv`: one row per quote; `text[start:end] == quote` on the article's `text`.
- `articles.parquet` / `.csv`: the normalised article texts that the offsets index.
- `speakers.parquet` / `.csv`: one row per `speaker_id`, with name variants and titles.
- `rejected.parquet` / `.csv`: candidates that are not quotes (scare quotes, names in marks,
  `theo kế hoạch`, page furniture), with the reason.
- `splits/`: the quotes and articles of each split as separate files (the Hugging Face loader
  splits by file). `datapackage.json` describes every file and column; `SHA256SUMS` checks them
  (`sha256sum -c SHA256SUMS`); `CHANGES.md` lists what changed since the previous release.

In the CSV files a list column (`flags`, `normalise_steps`, `names`, `titles`) holds its items
joined by `|` (an empty list is an empty cell); Parquet keeps native lists. `datapackage.json`
validates with the `frictionless` tool.

Load it with pandas (`pd.read_parquet("quotes.parquet")`), pyarrow, DuckDB, Polars, or
`datasets.load_dataset("parquet", data_files=...)` / `load_dataset(<this folder>)`.

## How it was built

`quotes release` ran the rule-based extractor: normalise (NFC, invisible characters, odd spaces),
segment (paragraphs, quote-mark pairing that tolerates mismatched and unclosed marks,
quote-aware sentences), detect (speech cues from a reviewed lexicon, `Theo X`, colon and dash
forms, floating quotations), attribute (speaker noun phrases with titles, honorifics and
appositions) and resolve speakers within each article (surnames and Vietnamese given names,
titles, pronouns by gender and number, descriptions, misspellings). Parquet metadata records
the dataset, schema and extractor versions and hashes of the rules and of the inputs; the same
inputs give the same bytes.

## Quote types

- **direct**: the words inside quote marks (`Ông nói: "..."`, `"...", bà X cho biết.`).
- **indirect**: a reported clause (`X cho biết ...`, `Theo X, ...`, `..., theo X.`).
- **mixed**: a reported clause carrying quoted fragments (`X cho rằng ... "..." ...`).

## Splits

`split` is assigned by {'article' if split_by == 'article' else 'groups of articles sharing a person speaker (speaker-disjoint)'}
from a hash, so no article is in two splits: train {counts['train']}, dev {counts['dev']}, test {counts['test']} quotes.
Build with `--split-by speaker` for speaker-disjoint splits, so that a model cannot memorise speakers.

## Evaluation

{evaluation}

## Known limitations

- Rules, not a model: recall on real news is lower than precision; cues missing from the lexicon
  and long descriptive subjects are missed.
- Speakers are resolved within an article; `speaker_id` joins a bare surname across articles only
  when exactly one full name in the dataset ends with it.
- A stray, never-closed quote mark can pair with the next quotation's opening mark.
- Article texts belong to their publishers; the annotations are CC-BY-4.0.
"""
    return "\n".join(header) + body
