"""Backups that restore: a snapshot under the store's lock, a manifest of hashes, kill -9 safe, restore all or nothing,
a damaged or tampered archive refused with nothing changed."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import stat
import struct
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from lib import audit, backup, config, formats, store
from tests.conftest import OPERATOR, REPO, analyst, city_copy, run_cli
from tests.test_store import HEADER

GOOD = (HEADER + "2021-11,green_outlets,28,,,,\n").encode()


def tree(root: Path, trail: bool = True) -> dict[str, str]:
    """Return every file under root (but locks; and but the audit trail, unless trail) with its SHA-256, as relative
    POSIX paths."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".lock" and (trail or "audit" not in p.relative_to(root).parts)}


def report(data_dir: Path) -> str:
    """Return `report --format json` for 2021-11 as printed."""
    run = run_cli("report", "--data-dir", data_dir, "--year", "2021", "--as-of", "2021-11", "--format", "json")
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.fixture(scope="module")
def lived_in_once(tmp_path_factory) -> Path:
    """Return the sample folder after a store, a second store, a revert and a refused file: every kind of file.
    Built once for this file (the four writes take seconds); each test gets a copy (lived_in)."""
    folder = city_copy(tmp_path_factory.mktemp("lived_in") / "data", sample_in_place=True)
    store.import_file(folder, "十一月.csv", GOOD, analyst("zhang"))
    store.import_file(folder, "b.csv", (HEADER + "2021-11,village_coverage,99,,,,\n").encode(), analyst("li"))
    store.revert(folder, "000002", analyst("li"))
    store.import_file(folder, "bad.csv", (HEADER + "2021-11,green_outlets,lots,,,,\n").encode(), analyst("zhang"))
    return folder


@pytest.fixture
def lived_in(lived_in_once: Path, tmp_path: Path) -> Path:
    """Return this test's copy of the lived-in folder (at tmp_path/data, where sample_dir puts a folder)."""
    return Path(shutil.copytree(lived_in_once, tmp_path / "data", symlinks=True))


def test_a_round_trip_gives_the_same_files_and_a_byte_identical_report(lived_in, tmp_path):
    before_report, before_files = report(lived_in), tree(lived_in)
    done = backup.backup(lived_in, tmp_path / "out" / "kpi.zip", OPERATOR)
    assert done.files == len(before_files)
    with zipfile.ZipFile(done.path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["kind"] == "kpi-data-backup" and manifest["data_format"] == formats.CURRENT
    for name, digest in before_files.items():  # each file's hash, worked out here from the folder itself
        assert manifest["files"][name]["sha256"] == digest
    assert "actuals" in manifest["folders"] and not [n for n in manifest["files"] if n.endswith(".lock")]

    (tmp_path / "elsewhere").mkdir()
    restored = backup.restore(done.path, tmp_path / "elsewhere" / "data", OPERATOR)
    assert restored.kept is None and restored.files == done.files
    assert report(tmp_path / "elsewhere" / "data") == before_report
    assert tree(tmp_path / "elsewhere" / "data", trail=False) == tree(lived_in, trail=False)

    # Over the live folder: the folder is replaced, the one it replaced kept beside it as it was.
    store.import_file(lived_in, "later.csv", (HEADER + "2021-11,green_outlets,31,,,,\n").encode(), analyst("zhang"))
    changed = tree(lived_in)
    assert report(lived_in) != before_report
    over = backup.restore(done.path, lived_in, OPERATOR)
    assert report(lived_in) == before_report
    assert over.kept.name.startswith(f"{lived_in.name}.before-restore-") and tree(over.kept) == changed
    events = [e["event"] for e in audit.read_events(lived_in)]
    assert events == ["store", "store", "revert", "restore"]  # the archive's trail, then the restore


def test_the_backup_waits_for_a_store_in_progress_and_holds_the_lock_while_it_reads(sample_dir, tmp_path):
    order = []
    with open(sample_dir / ".lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a writer at work
        worker = threading.Thread(target=lambda: order.append(backup.backup(sample_dir, tmp_path / "a.zip", OPERATOR)))
        worker.start()
        time.sleep(0.5)
        assert worker.is_alive() and not (tmp_path / "a.zip").exists()
        order.append("writer done")
        fcntl.flock(lock, fcntl.LOCK_UN)
    worker.join(timeout=60)
    assert order[0] == "writer done" and order[1].path == tmp_path / "a.zip"


def test_stores_racing_backups_are_each_wholly_in_or_out(sample_dir, tmp_path):
    """A writer process stores files while backups are taken: every archive restores to a folder whose log, rows and
    originals agree, with every store either whole or absent."""
    writer = subprocess.Popen([sys.executable, "-c", STORE_LOOP_FROM, str(sample_dir), "1", "12"], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    writer.stdout.readline()  # the first store is in: the writer is at work
    archives = []
    while writer.poll() is None and len(archives) < 60:
        archives.append(backup.backup(sample_dir, tmp_path / f"b{len(archives)}.zip", OPERATOR).path)
        time.sleep(0.05)
    writer.communicate(timeout=120)
    seen = set()
    for n, archive in enumerate(archives):
        (tmp_path / f"r{n}").mkdir()
        folder = backup.restore(archive, tmp_path / f"r{n}" / "data", OPERATOR).data_dir
        log = store.read_log(folder)
        seen.add(len(log))
        assert set(log["stored_file"]) == {p.name for p in (folder / "actuals").glob("sub-*.csv")}
        for row in log.itertuples():
            original = next((folder / "submissions" / "originals").glob(f"sub-{row.id}_*"))
            assert hashlib.sha256(original.read_bytes()).hexdigest() == row.sha256
            rows = pd.read_csv(folder / "actuals" / row.stored_file)
            assert rows["value"].tolist() == [int(row.id)]  # the writer stores its own number
    assert len(seen) > 1  # the backups did land between stores


# Backs up, killing itself (SIGKILL) while the third file goes into the archive, or at a named step.
KILLED_BACKUP = """
import os, signal, sys
from lib import backup
from lib.access import Principal
data_dir, out, where = sys.argv[1], sys.argv[2], sys.argv[3]
if where == "mid-file":
    real, count = backup._add_file, [0]
    def add(zf, path, name):
        count[0] += 1
        if count[0] == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(zf, path, name)
    backup._add_file = add
else:
    backup._reached = lambda step: os.kill(os.getpid(), signal.SIGKILL) if step == where else None
backup.backup(data_dir, out, Principal.command_line("operator"))
"""


def lock_is_free(path: Path) -> bool:
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(fh, fcntl.LOCK_UN)
        return True


@pytest.mark.parametrize("where", ["mid-file", "archived"])
def test_kill_9_during_a_backup_leaves_no_archive_and_no_lock(lived_in, tmp_path, where):
    out = tmp_path / "nightly" / "kpi.zip"
    killed = subprocess.run([sys.executable, "-c", KILLED_BACKUP, str(lived_in), str(out), where], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not out.exists()
    assert [p.name.startswith(".kpi.zip.tmp-") for p in out.parent.iterdir()] == [True]  # the half-written one
    assert lock_is_free(lived_in / ".lock") and lock_is_free(lived_in / "audit" / ".lock")
    done = backup.backup(lived_in, out, OPERATOR)  # the next backup works and clears the half-written one
    assert [p.name for p in out.parent.iterdir()] == ["kpi.zip"] and done.files > 0


# Restores an archive over a live folder, killing itself at a named step.
KILLED_RESTORE = """
import os, signal, sys
from lib import backup
from lib.access import Principal
archive, data_dir, where = sys.argv[1], sys.argv[2], sys.argv[3]
backup._reached = lambda step: os.kill(os.getpid(), signal.SIGKILL) if step == where else None
backup.restore(archive, data_dir, Principal.command_line("operator"))
"""


@pytest.mark.parametrize("where", ["extracted", "swapped"])
def test_kill_9_during_a_restore_leaves_the_old_folder_or_the_new_whole(lived_in, tmp_path, where):
    archive = backup.backup(lived_in, tmp_path / "kpi.zip", OPERATOR).path
    new_files = tree(lived_in, trail=False)
    store.import_file(lived_in, "later.csv", (HEADER + "2021-11,green_outlets,31,,,,\n").encode(), analyst("zhang"))
    old_files = tree(lived_in, trail=False)
    killed = subprocess.run([sys.executable, "-c", KILLED_RESTORE, str(archive), str(lived_in), where], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    now = {k: v for k, v in tree(lived_in, trail=False).items() if k != backup.PARTIAL}
    assert now == (new_files if where == "swapped" else old_files)
    assert lock_is_free(lived_in / ".lock")
    # the next restore clears what a killed one extracted, keeps what it replaced
    backup.restore(archive, lived_in, OPERATOR)
    assert tree(lived_in, trail=False) == new_files
    siblings = sorted(p.name for p in lived_in.parent.iterdir() if p.is_dir() and p != lived_in)
    assert not [name for name in siblings if name.startswith(".")]
    kept = [{k: v for k, v in tree(lived_in.parent / name, trail=False).items() if k != backup.PARTIAL}
            for name in siblings]
    assert kept == ([old_files, new_files] if where == "swapped" else [old_files])


def test_a_restore_over_a_folder_being_written_leaves_the_old_or_the_new_never_a_mix(lived_in, tmp_path):
    archive = backup.backup(lived_in, tmp_path / "kpi.zip", OPERATOR).path
    in_archive = store.read_log(lived_in)["id"].tolist()
    writer = subprocess.Popen([sys.executable, "-c", STORE_LOOP_FROM, str(lived_in), "100", "12"], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    stored = [int(writer.stdout.readline()), int(writer.stdout.readline())]  # two stores in, the writer at work
    done = backup.restore(archive, lived_in, OPERATOR)
    rest, _ = writer.communicate(timeout=180)
    assert writer.returncode == 0
    stored += [int(n) for n in rest.split()]  # the numbers the writer stored, in order
    for folder in (lived_in, done.kept):  # each folder is whole: its log, rows and originals agree
        log = store.read_log(folder)
        assert set(log.loc[log["status"] == "active", "stored_file"]) == {
            p.name for p in (folder / "actuals").glob("sub-*.csv")}
        for row in log.itertuples():
            original = next((folder / "submissions" / "originals").glob(f"sub-{row.id}_*"))
            assert hashlib.sha256(original.read_bytes()).hexdigest() == row.sha256
    old_log, new_log = store.read_log(done.kept), store.read_log(lived_in)
    old_values = _stored_values(done.kept, old_log)
    new_values = _stored_values(lived_in, new_log)
    assert new_log["id"].tolist()[::-1][:len(in_archive)] == in_archive[::-1]  # the archive's, then later ones
    assert old_values and new_values  # stores landed on both sides of the swap
    assert sorted(old_values + new_values) == stored  # each store in exactly one folder: none lost, none doubled
    assert max(old_values) < min(new_values)  # before the swap in the old, after it in the new


def _stored_values(folder: Path, log: pd.DataFrame) -> list[int]:
    """Return the writer's numbers stored in a folder (submissions of f<n>.csv)."""
    return sorted(int(pd.read_csv(folder / "actuals" / r.stored_file)["value"].iloc[0])
                  for r in log.itertuples() if r.original_name.startswith("f") and r.status == "active")


# Stores files numbered from `start`, printing each number once stored.
STORE_LOOP_FROM = """
import sys
from lib import store
from lib.access import Principal
data_dir, start, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for n in range(start, start + count):
    row = f"2021-11,green_outlets,{n},,,,\\n"
    store.import_file(data_dir, f"f{n}.csv", ("period,indicator,value,region,unit,basis,note\\n" + row).encode(),
                      Principal.analyst("w", "10.0.0.7"))
    print(n, flush=True)
"""


# Tampering: each rewrites the archive's zip as a person could, keeping or forging the manifest.
def _rewrite(archive: Path, out: Path, change) -> Path:
    with zipfile.ZipFile(archive) as src:
        entries = {info.filename: (info, src.read(info.filename)) for info in src.infolist()}
    manifest = json.loads(entries.pop("manifest.json")[1])
    items = change(entries, manifest)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            dst.writestr(info, data)
        dst.writestr("manifest.json", json.dumps(manifest))
    return out


def _edit_targets(entries, manifest):
    info, data = entries["targets.csv"]
    entries["targets.csv"] = (info, data.replace(b"540", b"999"))  # same size, other figure
    return entries.values()


def _extra(entries, manifest):
    return [*entries.values(), (zipfile.ZipInfo("actuals/sub-000099.csv"), b"period,indicator,value\n")]


def _missing(entries, manifest):
    entries.pop("actuals/sub-000001.csv")
    return entries.values()


def _named(name):
    def change(entries, manifest):
        manifest["files"][name] = {"size": 4, "sha256": hashlib.sha256(b"evil").hexdigest()}
        return [*entries.values(), (zipfile.ZipInfo(name), b"evil")]
    return change


def _symlink(entries, manifest):
    info = zipfile.ZipInfo("plans/link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    manifest["files"]["plans/link"] = {"size": 11, "sha256": hashlib.sha256(b"/etc/passwd").hexdigest()}
    return [*entries.values(), (info, b"/etc/passwd")]


def _newer(entries, manifest):
    manifest["data_format"] = formats.CURRENT + 1
    return entries.values()


TAMPERED = [
    (_edit_targets, "restore_hash_mismatch", "targets.csv"),
    (_extra, "restore_not_listed", "actuals/sub-000099.csv"),
    (_missing, "restore_missing", "actuals/sub-000001.csv"),
    (_named("../outside.csv"), "restore_bad_name", "../outside.csv"),
    (_named("/etc/cron.d/kpi"), "restore_bad_name", "/etc/cron.d/kpi"),
    (_named("actuals/../../x"), "restore_bad_name", "actuals/../../x"),
    (_named(".lock"), "restore_bad_name", ".lock"),
    (_symlink, "restore_not_a_file", "plans/link"),
]


@pytest.mark.parametrize("change, code, named", TAMPERED, ids=[c[1] + ":" + c[2] for c in TAMPERED])
def test_a_tampered_archive_is_refused_naming_what_is_wrong_and_changes_nothing(lived_in, tmp_path, change, code,
                                                                              named):
    archive = _rewrite(backup.backup(lived_in, tmp_path / "kpi.zip", OPERATOR).path, tmp_path / "tampered.zip", change)
    store.import_file(lived_in, "later.csv", (HEADER + "2021-11,green_outlets,31,,,,\n").encode(), analyst("zhang"))
    before, around = tree(lived_in), sorted(p.name for p in lived_in.parent.iterdir())
    with pytest.raises(backup.RestoreError) as caught:
        backup.restore(archive, lived_in, OPERATOR)
    assert caught.value.code == code and named in caught.value.message("en") and named in caught.value.message("zh")
    assert tree(lived_in) == before and sorted(p.name for p in lived_in.parent.iterdir()) == around
    assert not (tmp_path / "outside.csv").exists()


def test_damaged_bytes_a_cut_short_file_and_oversized_members_are_refused(lived_in, tmp_path, monkeypatch):
    archive = backup.backup(lived_in, tmp_path / "kpi.zip", OPERATOR).path
    data = archive.read_bytes()
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("targets.csv")
    flipped = bytearray(data)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26: info.header_offset + 30])
    flipped[info.header_offset + 30 + name_length + extra_length + 10] ^= 0xFF  # inside targets.csv's deflated bytes
    (tmp_path / "flipped.zip").write_bytes(bytes(flipped))
    (tmp_path / "cut.zip").write_bytes(data[: len(data) // 2])
    before = tree(lived_in)
    for name, code in (("flipped.zip", "restore_damaged"), ("cut.zip", "restore_not_archive")):
        with pytest.raises(backup.RestoreError) as caught:
            backup.restore(tmp_path / name, lived_in, OPERATOR)
        assert caught.value.code == code, name
        assert name in caught.value.message("en")
    monkeypatch.setattr(config, "RESTORE_MAX_FILE_BYTES", 10_000)
    with pytest.raises(backup.RestoreError) as caught:
        backup.restore(archive, lived_in, OPERATOR)
    assert caught.value.code == "restore_too_large" and "plans/2021_plan.txt" in caught.value.message("en")
    monkeypatch.setattr(config, "RESTORE_MAX_FILE_BYTES", 512 * 1024 * 1024)
    monkeypatch.setattr(config, "RESTORE_MAX_FILES", 5)
    with pytest.raises(backup.RestoreError) as caught:
        backup.restore(archive, lived_in, OPERATOR)
    assert caught.value.code == "restore_too_many"
    assert tree(lived_in) == before


def test_an_archive_of_a_newer_version_is_refused_with_exit_3(lived_in, tmp_path):
    archive = _rewrite(backup.backup(lived_in, tmp_path / "kpi.zip", OPERATOR).path, tmp_path / "newer.zip", _newer)
    before = tree(lived_in)
    run = run_cli("restore", archive, "--data-dir", lived_in, "--lang", "en")
    assert run.returncode == 3
    assert f"data format {formats.CURRENT + 1}" in run.stderr and "newer version" in run.stderr
    assert tree(lived_in) == before


def test_the_commands_say_what_they_did_in_either_language(lived_in, tmp_path):
    run = run_cli("backup", "--out", tmp_path / "kpi.zip", "--data-dir", lived_in)
    files = len(tree(lived_in))
    assert run.returncode == 0 and run.stdout.startswith(f"备份已写入 {tmp_path / 'kpi.zip'}：{files} 个文件")
    run = run_cli("restore", tmp_path / "kpi.zip", "--data-dir", lived_in, "--lang", "en")
    assert run.returncode == 0 and run.stdout.startswith(f"Restored into {lived_in}: {files} files")
    assert "The data folder it replaced is kept at " + str(lived_in.parent / lived_in.name) in run.stdout
    run = run_cli("backup", "--out", lived_in / "actuals" / "kpi.zip", "--data-dir", lived_in)
    assert run.returncode == 1 and "不能放在数据文件夹" in run.stderr
    assert not (lived_in / "actuals" / "kpi.zip").exists()
    run = run_cli("restore", tmp_path / "nothing.zip", "--data-dir", lived_in, "--lang", "en")
    assert run.returncode == 1 and "Not restored, the data folder is unchanged: Backup file not found" in run.stderr
    (tmp_path / "text.zip").write_text("not a zip")
    run = run_cli("restore", tmp_path / "text.zip", "--data-dir", lived_in)
    assert run.returncode == 1 and "不是可读的备份文件" in run.stderr


def test_a_link_to_a_folder_is_named_not_silently_skipped(lived_in, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", lived_in / "linked")
    with pytest.raises(backup.BackupError) as caught:
        backup.backup(lived_in, tmp_path / "kpi.zip", OPERATOR)
    assert caught.value.code == "backup_link" and "linked" in caught.value.message("en")
    assert not (tmp_path / "kpi.zip").exists() and not list(tmp_path.glob(".kpi.zip.tmp-*"))
