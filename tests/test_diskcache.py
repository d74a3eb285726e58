"""What the caches on disk share (lib/diskcache.py): an entry written whole, a torn one a miss, a folder that cannot be
written a cost of time only, and keys that change with the settings."""

from __future__ import annotations

import contextlib
import os
import pickle

from lib import config, diskcache


def test_an_entry_reads_back_what_was_written(tmp_path):
    path = tmp_path / "kind" / "key.pickle"
    assert diskcache.write(path, {"value": 45.6927, "rows": [1, 2]})
    assert diskcache.read(path) == {"value": 45.6927, "rows": [1, 2]}
    assert (path.parent.stat().st_mode & 0o777) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["key.pickle"]  # no temporary file left


def test_a_torn_entry_is_a_miss_and_removed(tmp_path):
    path = tmp_path / "key.pickle"
    path.write_bytes(pickle.dumps({"value": 1})[:-3])
    assert diskcache.read(path) is None and not path.exists()
    assert diskcache.read(tmp_path / "none.pickle") is None


def test_a_folder_that_cannot_be_written_returns_false(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    assert diskcache.write(blocked / "key.pickle", 1) is False


def test_the_settings_are_part_of_the_key_and_off_means_no_folder(monkeypatch, tmp_path):
    before = diskcache.settings_digest()
    monkeypatch.setattr(config, "PACE_YELLOW_BAND_POINTS", config.PACE_YELLOW_BAND_POINTS + 1)
    assert diskcache.settings_digest() != before
    monkeypatch.setenv("KPI_CACHE_DIR", str(tmp_path))
    assert diskcache.folder("parsed") == tmp_path / "parsed"
    monkeypatch.setenv("KPI_CACHE_DIR", "off")
    assert diskcache.folder("parsed") is None


def test_keep_newest_removes_the_oldest_entries_only(tmp_path):
    for age, name in enumerate(["a", "b", "c", "d"], start=1):  # a oldest, d newest
        diskcache.write(tmp_path / f"{name}.pickle", name)
        os.utime(tmp_path / f"{name}.pickle", (age * 1000, age * 1000))
    (tmp_path / ".x.tmp").write_bytes(b"a writer's file not yet in place")
    diskcache.keep_newest(tmp_path, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".x.tmp", "c.pickle", "d.pickle"]
    diskcache.keep_newest(tmp_path / "none", 2)  # no folder: nothing to do


def test_keep_newest_passes_over_an_entry_another_process_removed(tmp_path, monkeypatch):
    for age, name in enumerate(["a", "b", "c"], start=1):
        diskcache.write(tmp_path / f"{name}.pickle", name)
        os.utime(tmp_path / f"{name}.pickle", (age * 1000, age * 1000))
    scandir = os.scandir

    def gone_meanwhile(path):
        listed = list(scandir(path))
        (tmp_path / "c.pickle").unlink()  # removed by another process between the listing and the stat
        return contextlib.nullcontext(listed)

    monkeypatch.setattr(diskcache.os, "scandir", gone_meanwhile)
    diskcache.keep_newest(tmp_path, 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.pickle"]


def test_a_folder_that_cannot_be_written_is_reported_once_without_a_traceback(tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    with caplog.at_level("WARNING", logger="lib.diskcache"):
        assert diskcache.write(blocked / "rendered" / "a.pickle", 1) is False
        assert diskcache.write(blocked / "rendered" / "b.pickle", 2) is False
    assert [(r.getMessage(), r.exc_info) for r in caplog.records] == [
        (f"cache folder {blocked / 'rendered'} cannot be written (Not a directory): its entries are read or drawn "
         "again each time", None)]
