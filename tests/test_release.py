"""Releases: reproducible bytes, immutability, semantic bumps, atomic writes, loaders."""

import json
import os
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from quotes.dataset import release as release_module
from quotes.dataset.lock import LOCK_FILE
from quotes.dataset.release import Version, diff_markdown, make_release, quote_changes, released, sha256
from quotes.errors import ReleaseError
from quotes.tools.evaluate import release_evaluation

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "articles"
EXTRA = "Ông Trần Quốc Huy, Giám đốc Sở Y tế, cho biết bệnh viện sẽ mở thêm hai khoa mới trong năm nay."


def tree_hashes(folder: Path) -> dict[str, str]:
    """Every file but the writer's lock (.quotes.lock: who is writing, not what was written)."""
    return {p.relative_to(folder).as_posix(): sha256(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != LOCK_FILE}


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(FIXTURES, folder)
    return folder


@pytest.fixture
def data(tmp_path, inputs):
    data = tmp_path / "data"
    make_release([str(inputs)], data)
    return data


def test_committed_release_rebuilds_byte_identical(tmp_path):
    """What CI checks: the committed release, rebuilt from seeds/, is unchanged to the byte."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, symlinks=True)
    before = tree_hashes(data)
    outcome = make_release([str(ROOT / "seeds")], data, evaluate=partial(release_evaluation, [data / "gold" / "seeds.jsonl"]))
    assert outcome.status == "unchanged"
    assert tree_hashes(data) == before


def test_two_builds_are_byte_identical(tmp_path, inputs):
    first, second = tmp_path / "a", tmp_path / "b"
    make_release([str(inputs)], first)
    make_release([str(inputs)], second)
    assert tree_hashes(first / "releases" / "v1.0.0") == tree_hashes(second / "releases" / "v1.0.0")


def test_sha256sums_is_accepted_by_sha256sum(data):
    if not shutil.which("sha256sum"):
        pytest.skip("sha256sum not installed")
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=data / "releases" / "v1.0.0",
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_absolute_path_or_clock_in_any_file(data, tmp_path):
    for path in (data / "releases" / "v1.0.0").rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert str(tmp_path).encode() not in content, path


def test_latest_release_is_data_quotes(data):
    for name in ("quotes", "articles", "speakers", "rejected"):
        for suffix in (".parquet", ".csv"):
            assert sha256(data / f"{name}{suffix}") == sha256(data / "releases" / "v1.0.0" / f"{name}{suffix}")
            assert (data / f"{name}{suffix}").resolve().parent == (data / "releases" / "v1.0.0").resolve()


def test_switching_to_a_new_release_is_one_rename(data, inputs, monkeypatch):
    """Killed at any step before the switch, data/ holds the old release whole; the switch is
    the rename of data/latest, after which it holds the new one whole."""
    (inputs / "yte_03.txt").write_text("Bệnh viện mở khoa mới\n\n" + EXTRA, "utf-8")
    real_replace = release_module.os.replace

    def killed_at_the_switch(source, target):
        if Path(target).name == "latest":
            raise KeyboardInterrupt  # as a SIGINT would, at the one step that switches
        real_replace(source, target)

    monkeypatch.setattr(release_module.os, "replace", killed_at_the_switch)
    with pytest.raises(KeyboardInterrupt):
        make_release([str(inputs)], data, bump="minor")
    assert os.readlink(data / "latest") == os.path.join("releases", "v1.0.0")
    assert all((data / name).resolve().parent.name == "v1.0.0" for name in ("quotes.parquet", "articles.csv"))
    monkeypatch.setattr(release_module.os, "replace", real_replace)
    assert make_release([str(inputs)], data).status == "unchanged"  # v1.1.0 was made; now it is published
    tables = [data / f"{n}{s}" for n in ("quotes", "articles", "speakers", "rejected") for s in (".parquet", ".csv")]
    assert {t.resolve().parent.name for t in tables} == {"v1.1.0"}


def test_without_symbolic_links_the_tables_are_copied(tmp_path, inputs, monkeypatch):
    def refused(*args):
        raise OSError("symbolic links are not allowed here")

    monkeypatch.setattr(release_module.os, "symlink", refused)
    data = tmp_path / "data"
    make_release([str(inputs)], data)
    assert not (data / "quotes.parquet").is_symlink() and not (data / "latest").exists()
    assert sha256(data / "quotes.parquet") == sha256(data / "releases" / "v1.0.0" / "quotes.parquet")


def test_different_content_under_a_released_version_stops_and_touches_nothing(data, inputs):
    (inputs / "yte_03.txt").write_text("Bệnh viện mở khoa mới\n\n" + EXTRA, "utf-8")
    before = tree_hashes(data)
    with pytest.raises(ReleaseError, match="already released.*--bump minor"):
        make_release([str(inputs)], data)
    assert tree_hashes(data) == before
    assert not list((data / "releases").glob(".staging-*"))


def test_bump_minor_makes_the_next_release_with_changes(data, inputs, quotes_cli):
    (inputs / "yte_03.txt").write_text("Bệnh viện mở khoa mới\n\n" + EXTRA, "utf-8")
    with pytest.raises(ReleaseError, match="needs a minor bump"):
        make_release([str(inputs)], data, bump="patch")
    outcome = make_release([str(inputs)], data, bump="minor")
    assert str(outcome.version) == "v1.1.0" and [str(v) for v in released(data)] == ["v1.0.0", "v1.1.0"]
    changes = (data / "releases" / "v1.1.0" / "CHANGES.md").read_text("utf-8")
    assert "## Added" in changes and "bệnh viện sẽ mở thêm hai khoa mới trong năm nay" in changes
    assert sha256(data / "quotes.parquet") == sha256(data / "releases" / "v1.1.0" / "quotes.parquet")
    diff = quotes_cli("diff", "v1.0.0", "v1.1.0", "--data", data).stdout
    assert diff.strip() == changes.strip()
    assert pq.read_schema(data / "quotes.parquet").metadata[b"quotes.dataset_version"] == b"v1.1.0"


def test_changes_list_a_quote_whose_speaker_gender_changed():
    before = {"quote_id": "q1", "article_id": "a", "quote_type": "direct", "speaker": "Lê Hoa", "speaker_type": "person",
              "speaker_gender": "unknown", "quote": "Chợ mở lại", "cue": "nói", "rule": "cue_before"}
    after = before | {"speaker_gender": "female"}
    added, removed, changed = quote_changes([before], [after])
    assert (added, removed, changed) == ([], [], [(before, after)])
    report = diff_markdown(Version.parse("v1.0.0"), Version.parse("v1.1.0"), added, removed, changed)
    assert "speaker_gender: 'unknown' -> 'female'" in report


def test_nothing_changed_is_not_a_release(data, inputs):
    with pytest.raises(ReleaseError, match="nothing changed"):
        make_release([str(inputs)], data, bump="patch")


def test_bump_levels(data, tmp_path):
    import pyarrow as pa

    release = data / "releases" / "v1.0.0"
    same = tmp_path / "same"
    shutil.copytree(release, same)
    assert release_module.required_bump(release, same) is None
    (same / "README.md").write_text("edited card", "utf-8")
    assert release_module.required_bump(release, same) == "patch"
    (same / "quotes.csv").write_text("different rows", "utf-8")
    assert release_module.required_bump(release, same) == "minor"
    speakers = pq.read_table(same / "speakers.parquet")
    pq.write_table(speakers.append_column("note", pa.array([None] * speakers.num_rows, pa.string())),
                   same / "speakers.parquet")
    assert release_module.required_bump(release, same) == "major"


def test_a_failed_build_leaves_the_previous_release_intact(data, inputs, monkeypatch):
    (inputs / "yte_03.txt").write_text("Bệnh viện mở khoa mới\n\n" + EXTRA, "utf-8")
    before = tree_hashes(data)

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(release_module, "datapackage", crash)  # fails after the tables are written
    with pytest.raises(RuntimeError):
        make_release([str(inputs)], data, bump="minor")
    assert tree_hashes(data) == before
    assert [str(v) for v in released(data)] == ["v1.0.0"]
    assert not list((data / "releases").glob(".staging-*"))


def test_a_killed_build_leaves_no_folder_after_the_next_run(data, inputs):
    stale = data / "releases" / ".staging-v1.1.0-999"
    stale.mkdir()
    (stale / "quotes.parquet").write_bytes(b"half")
    make_release([str(inputs)], data)
    assert not stale.exists() and [str(v) for v in released(data)] == ["v1.0.0"]


def test_splits_are_by_article(data):
    quotes = pd.read_parquet(data / "quotes.parquet")
    assert set(quotes.split) <= {"train", "dev", "test"}
    assert (quotes.groupby("article_id").split.nunique() == 1).all()


def test_speaker_disjoint_splits(tmp_path):
    data = tmp_path / "data"
    make_release([str(ROOT / "seeds")], data, split_by="speaker")
    quotes = pd.read_parquet(data / "quotes.parquet")
    persons = quotes[quotes.speaker_type == "person"]
    assert (persons.groupby("speaker_id").split.nunique() == 1).all()
    assert (quotes.groupby("article_id").split.nunique() == 1).all()


def test_parquet_metadata_on_every_file(data):
    for path in (data / "releases" / "v1.0.0").rglob("*.parquet"):
        meta = pq.read_schema(path).metadata
        for key in ("dataset_version", "schema_version", "extractor_version", "rules_hash", "inputs_hash"):
            assert meta[f"quotes.{key}".encode()], (path, key)


def test_datapackage_describes_every_file_and_column(data):
    folder = data / "releases" / "v1.0.0"
    package = json.loads((folder / "datapackage.json").read_text("utf-8"))
    assert package["version"] == "1.0.0" and package["licenses"] and package["sources"]
    paths = {r["path"] for r in package["resources"]}
    assert {"quotes.parquet", "quotes.csv", "articles.parquet", "speakers.csv"} <= paths
    for resource in package["resources"]:
        path = folder / resource["path"]
        assert resource.get("bytes", path.stat().st_size) == path.stat().st_size  # CSV files give it
        assert resource["hash"] == f"sha256:{sha256(path)}"
        assert all(f["description"] for f in resource["schema"]["fields"])


def test_the_committed_release_is_a_valid_frictionless_package():
    """The real client: `frictionless validate` (from PyPI) on the latest committed release."""
    latest = released(ROOT / "data")[-1]
    package = ROOT / "data" / "releases" / str(latest) / "datapackage.json"
    result = subprocess.run([str(Path(sys.executable).parent / "frictionless"), "validate", str(package)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_dataset_card_has_a_hugging_face_header(data):
    card = (data / "releases" / "v1.0.0" / "README.md").read_text("utf-8")
    header = card.split("---")[1]
    for needle in ("language:\n- vi", "license:", "task_categories:", "configs:", "features:"):
        assert needle in header
    assert "## Known limitations" in card and "## Quote types" in card


def test_csv_is_utf8_with_newlines_and_no_index(data):
    raw = (data / "quotes.csv").read_bytes()
    assert b"\r\n" not in raw
    header = raw.decode("utf-8").split("\n", 1)[0]
    assert header.startswith('"quote_id"') or header.startswith("quote_id")


@pytest.mark.parametrize("reader", ["pandas", "pyarrow", "duckdb", "polars"])
def test_readers_load_the_release(data, reader):
    path = str(data / "releases" / "v1.0.0" / "quotes.parquet")
    if reader == "pandas":
        rows = len(pd.read_parquet(path))
    elif reader == "pyarrow":
        rows = pq.read_table(path).num_rows
    elif reader == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        rows = duckdb.connect().execute(f"select count(*) from read_parquet('{path}')").fetchall()[0][0]
    else:
        polars = pytest.importorskip("polars")
        rows = polars.read_parquet(path).height
    assert rows == len(pd.read_parquet(data / "quotes.parquet")) > 0


def test_hugging_face_datasets_loads_the_release(data, monkeypatch, tmp_path):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    folder = data / "releases" / "v1.0.0"
    # The way users load it: the folder, read through the card's `configs` header.
    loaded = datasets.load_dataset(str(folder), "quotes", cache_dir=str(tmp_path / "cache"))
    assert sum(len(split) for split in loaded.values()) == len(pd.read_parquet(folder / "quotes.parquet"))
    assert loaded["train"].features["quote"].dtype == "string"
    speakers = datasets.load_dataset(str(folder), "speakers", cache_dir=str(tmp_path / "cache"))
    assert len(speakers["train"]) == len(pd.read_parquet(folder / "speakers.parquet"))
