"""Upgrades keep every month: a data folder the previous version wrote reads the same numbers today, migrated once
after a backup; a folder a newer version wrote is refused on every page and by every command (exit 3)."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

from lib import backup, formats, store
from tests.conftest import OPERATOR, REPO, analyst, run_cli
from tests.test_app import APP
from tests.test_store import HEADER

# Written once by the previous version's code (tests/fixtures/make_format1_fixture.py says how): its data folder after
# imports, a revert, a progress update and a plan publication, and its own `report --format json` of that folder.
PREVIOUS = REPO / "tests" / "fixtures" / "format1"
PAGES = ["pages/overview.py", "pages/indicator.py", "pages/departments.py", "pages/tracker.py", "pages/present.py",
         "pages/upload.py", "pages/plan.py"]


def files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".lock"}


@pytest.fixture
def previous(tmp_path) -> Path:
    """Return a copy of the previous version's data folder (the fixture itself is never written)."""
    return Path(shutil.copytree(PREVIOUS / "data", tmp_path / "data"))


def test_the_fixture_is_a_folder_of_the_previous_format():
    assert not (PREVIOUS / "data" / formats.FORMAT_FILE).exists()
    assert formats.folder_version(PREVIOUS / "data") == 1
    assert not (PREVIOUS / "data" / "audit").exists()


def test_todays_code_reports_the_previous_versions_numbers_from_its_folder(previous):
    as_written = files(previous)
    march = run_cli("report", "--data-dir", previous, "--year", "2021", "--as-of", "2021-03", "--format", "json")
    assert march.returncode == 0, march.stderr
    assert march.stdout == (PREVIOUS / "report_2021-03.json").read_text(encoding="utf-8")
    published = run_cli("report", "--data-dir", previous, "--year", "2022", "--format", "json")
    assert published.stdout == (PREVIOUS / "report_2022.json").read_text(encoding="utf-8")
    # Migrated once, after a backup of the folder exactly as the previous version left it.
    assert formats.folder_version(previous) == formats.CURRENT
    assert "已从格式 1 升级到格式 2" in march.stderr and "升级" not in published.stderr
    saved = list((previous / "backups").iterdir())
    assert len(saved) == 1 and saved[0].name.startswith("before-format-2-")
    restored = backup.restore(saved[0], previous.parent / "as-it-was", OPERATOR)
    assert files(restored.data_dir) == {**as_written, "audit/audit.log": files(restored.data_dir)["audit/audit.log"]}
    # Every month and every record is still there, as the previous version logged them.
    log = store.read_log(previous)
    assert log["status"].tolist() == ["active", "reverted", "active", "active", "active"]
    assert store.read_log(previous, store.PLANS)["status"].tolist() == ["active"]
    assert store.read_log(previous, store.PROGRESS)["status"].tolist() == ["active"]
    assert run_cli("upgrade", "--data-dir", previous, "--lang", "en").stdout.startswith(
        f"The data folder {previous} is in the current format (format 2)")


def test_the_app_reads_the_previous_folder_and_says_it_was_upgraded(previous, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KPI_DATA_DIR", str(previous))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any(i.value.startswith(f"数据文件夹 {previous} 已从格式 1 升级到格式 2") for i in at.info)
    assert "118.67亿元" in {m.value for m in at.metric}  # March's year to date, as the previous version reported
    at.run()
    assert not [i for i in at.info if "升级" in i.value]  # said once


def newer(data_dir: Path) -> Path:
    (data_dir / formats.FORMAT_FILE).write_text('{"format": 3}\n', encoding="utf-8")
    return data_dir


def test_every_command_refuses_a_folder_of_a_newer_version_with_exit_3(sample_dir, tmp_path):
    before = files(newer(sample_dir))
    (tmp_path / "a.csv").write_text(HEADER + "2021-11,green_outlets,28,,,,\n", encoding="utf-8")
    for args in (["report"], ["import", tmp_path / "a.csv", "--user", "zhang"], ["validate", tmp_path / "a.csv"],
                 ["upgrade"], ["plan", "log"]):
        run = run_cli(*args, "--data-dir", sample_dir, "--lang", "en")
        assert run.returncode == 3, args
        assert "written by a newer version of this app (format 3; this version knows formats up to 2)" in run.stderr
    run = run_cli("report", "--data-dir", sample_dir)
    assert run.returncode == 3 and "由更新版本的本系统写入（格式 3" in run.stderr
    with pytest.raises(store.StoreError) as caught:  # the library too: never a write into it
        store.import_file(sample_dir, "a.csv", (tmp_path / "a.csv").read_bytes(), analyst("zhang"))
    assert caught.value.code == "format_too_new"
    assert files(sample_dir) == before
    # A backup of it restores with a version that knows its format, not with this one.
    assert run_cli("backup", "--out", tmp_path / "b.zip", "--data-dir", sample_dir).returncode == 0
    assert run_cli("restore", tmp_path / "b.zip", "--data-dir", tmp_path / "other").returncode == 3


def test_every_page_refuses_a_folder_of_a_newer_version(sample_dir, monkeypatch):
    from streamlit.testing.v1 import AppTest

    before = files(newer(sample_dir))
    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    at = AppTest.from_file(APP, default_timeout=60).run()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert [e.value for e in at.error][-1].startswith(f"数据文件夹 {sample_dir} 由更新版本的本系统写入"), page
        assert not at.metric and not at.get("plotly_chart") and not at.dataframe, page
    assert files(sample_dir) == before


def test_an_unreadable_format_file_is_named(sample_dir):
    (sample_dir / formats.FORMAT_FILE).write_text("{format: two}", encoding="utf-8")
    run = run_cli("report", "--data-dir", sample_dir, "--lang", "en")
    assert run.returncode == 4  # the data folder cannot be used as it is (README, exit codes)
    assert f"The data folder's format file {sample_dir / formats.FORMAT_FILE} cannot be read" in run.stderr


def test_a_folder_that_cannot_be_upgraded_is_read_as_it_is(previous, monkeypatch):
    def refuse(data_dir, out, now=None):
        raise backup.BackupError("backup_failed", path=str(out), detail="Read-only file system")

    monkeypatch.setattr(backup, "write_archive", refuse)
    run = run_cli("report", "--data-dir", previous, "--year", "2021", "--as-of", "2021-03", "--format", "json")
    assert run.returncode == 0
    assert run.stdout == (PREVIOUS / "report_2021-03.json").read_text(encoding="utf-8")
    assert "是旧格式，未能升级" in run.stderr and "Read-only file system" in run.stderr
    assert formats.folder_version(previous) == 1 and not (previous / "backups").exists()


def test_the_migration_backup_is_a_restorable_archive_not_in_later_backups(previous, tmp_path):
    assert run_cli("upgrade", "--data-dir", previous).returncode == 0
    assert run_cli("backup", "--out", tmp_path / "b.zip", "--data-dir", previous).returncode == 0
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        names = zf.namelist()
    assert "format.json" in names and not [n for n in names if n.startswith("backups/")]
