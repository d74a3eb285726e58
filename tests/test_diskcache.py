"""What the caches on disk share (lib/diskcache.py): an entry written whole, a torn one a miss, a folder that cannot be
written a cost of time only, and keys that change with the settings."""

from __future__ import annotations

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
