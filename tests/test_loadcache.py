"""The loaded data kept between server starts (lib/loadcache.py): read back only for the very content it was loaded
from, the same to the last type, and never a reason for the app to fail."""

from __future__ import annotations

import datetime as dt
import fcntl

import pytest

from lib import dataset, loadcache
from lib.engine import scorecard
from lib.queries import TABLES
from lib.store.writes import UNFINISHED

POSTAL_OCTOBER = """SELECT value FROM actuals
WHERE indicator = 'postal_business_volume' AND region = '' AND year = 2021 AND month = 10"""


def entries(folder):
    return sorted(folder.glob("*.pickle"))


def test_second_open_reads_the_entry_with_every_table_and_type(sample_dir, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    first = loadcache.open_dataset_cached(sample_dir, folder)
    assert len(entries(folder)) == 1
    monkeypatch.setattr(loadcache, "open_dataset", lambda _: pytest.fail("loaded again"))
    again = loadcache.open_dataset_cached(sample_dir, folder)
    fresh = dataset.open_dataset(sample_dir)
    for name in TABLES:
        ordered = f"SELECT * FROM {name} ORDER BY ALL"
        assert again.con.sql(f"DESCRIBE {name}").fetchall() == fresh.con.sql(f"DESCRIBE {name}").fetchall()
        assert again.con.sql(ordered).fetchall() == fresh.con.sql(ordered).fetchall()
    assert again.query(POSTAL_OCTOBER)["value"].tolist() == [45.6927]  # sample_2021-10.csv, line 2
    assert scorecard(again, 2021, 10) == scorecard(fresh, 2021, 10) == scorecard(first, 2021, 10)
    assert (again.is_sample, again.source, again.data_dir) == (True, fresh.source, sample_dir)
    assert [r.file for r in again.reports] == [r.file for r in fresh.reports] and len(again.reports) == 12


def test_a_changed_byte_is_read_anew(sample_dir, tmp_path):
    folder = tmp_path / "cache"
    loadcache.open_dataset_cached(sample_dir, folder)
    month = sample_dir / "actuals" / "sample_2021-10.csv"
    month.write_text(month.read_text(encoding="utf-8").replace(",45.6927,", ",50.5,"), encoding="utf-8")
    assert loadcache.open_dataset_cached(sample_dir, folder).query(POSTAL_OCTOBER)["value"].tolist() == [50.5]
    assert len(entries(folder)) == 2


def test_a_changed_definition_file_is_read_anew(sample_dir, tmp_path):
    folder = tmp_path / "cache"
    before = loadcache.open_dataset_cached(sample_dir, folder).catalog.targets
    targets = sample_dir / "targets.csv"
    text = targets.read_text(encoding="utf-8")
    targets.write_text(text.replace("邮政业务总量", "邮政行业业务总量", 1), encoding="utf-8")
    after = loadcache.open_dataset_cached(sample_dir, folder).catalog.targets
    assert "邮政业务总量" in set(before["name_zh"]) and "邮政行业业务总量" in set(after["name_zh"])


def test_another_day_is_another_key(sample_dir):
    """A month in the future is refused until it comes: what was loaded yesterday is not today's."""
    today = dt.date.today()
    assert loadcache.content_key(sample_dir) == loadcache.content_key(sample_dir, today)
    assert loadcache.content_key(sample_dir, today + dt.timedelta(days=1)) != loadcache.content_key(sample_dir)


def test_an_unreadable_entry_is_a_miss_and_replaced(sample_dir, tmp_path):
    folder = tmp_path / "cache"
    loadcache.open_dataset_cached(sample_dir, folder)
    [entry] = entries(folder)
    entry.write_bytes(b"not a pickle")
    ds = loadcache.open_dataset_cached(sample_dir, folder)
    assert ds.query(POSTAL_OCTOBER)["value"].tolist() == [45.6927]
    assert entries(folder) == [entry] and entry.read_bytes() != b"not a pickle"


def test_a_folder_that_cannot_be_written_only_costs_the_load(sample_dir, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be")
    ds = loadcache.open_dataset_cached(sample_dir, blocked / "cache")
    assert ds.query(POSTAL_OCTOBER)["value"].tolist() == [45.6927]


def test_a_load_during_a_write_is_not_kept(sample_dir, tmp_path):
    """A writer at work (its marker present, its lock held) may leave the files between two states."""
    folder = tmp_path / "cache"
    (sample_dir / UNFINISHED).write_text("")
    with open(sample_dir / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        loadcache.open_dataset_cached(sample_dir, folder)
    assert entries(folder) == []


def test_only_the_newest_entries_are_kept(sample_dir, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setattr(loadcache, "KEEP_ENTRIES", 2)
    month = sample_dir / "actuals" / "sample_2021-10.csv"
    text = month.read_text(encoding="utf-8")
    for value in ("46", "47", "48"):
        month.write_text(text.replace(",45.6927,", f",{value},"), encoding="utf-8")
        loadcache.open_dataset_cached(sample_dir, folder)
    assert len(entries(folder)) == 2
    monkeypatch.setattr(loadcache, "open_dataset", lambda _: pytest.fail("the newest entry was removed"))
    assert loadcache.open_dataset_cached(sample_dir, folder).query(POSTAL_OCTOBER)["value"].tolist() == [48.0]


def test_a_folder_with_a_broken_targets_file_raises_as_before(sample_dir, tmp_path):
    (sample_dir / "targets.csv").write_text("id,year\n", encoding="utf-8")
    with pytest.raises(Exception) as cached:
        loadcache.open_dataset_cached(sample_dir, tmp_path / "cache")
    with pytest.raises(Exception) as plain:
        dataset.open_dataset(sample_dir)
    assert type(cached.value) is type(plain.value) and entries(tmp_path / "cache") == []


def test_the_cache_folder_is_the_setting_else_the_services_else_the_users(monkeypatch, tmp_path):
    monkeypatch.setenv("KPI_CACHE_DIR", str(tmp_path / "set"))
    monkeypatch.setenv("CACHE_DIRECTORY", "/var/cache/kpi:/var/cache/other")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert loadcache.cache_dir() == tmp_path / "set" / "loaded"
    monkeypatch.delenv("KPI_CACHE_DIR")
    assert str(loadcache.cache_dir()) == "/var/cache/kpi/loaded"  # systemd's CacheDirectory=kpi (kpi.service)
    monkeypatch.delenv("CACHE_DIRECTORY")
    assert loadcache.cache_dir() == tmp_path / "xdg" / "kpi-dashboard" / "loaded"
    monkeypatch.setenv("KPI_CACHE_DIR", "off")
    assert loadcache.cache_dir() is None


def test_caching_off_loads_and_keeps_nothing(sample_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("KPI_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert loadcache.open_dataset_cached(sample_dir).query(POSTAL_OCTOBER)["value"].tolist() == [45.6927]
    assert not (tmp_path / "xdg").exists()
