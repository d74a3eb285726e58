"""Backups of the data folder that restore: a snapshot taken under the store's lock, checked whole on the way back.

backup(data_dir, out, by) writes a .zip of every file of the folder except its locks, temporaries and backups/ (the
copies an upgrade keeps), while holding the store's write lock and the audit log's lock: a store in progress is
either in the archive or not, never half. Its manifest.json names every file with its size and SHA-256, every folder,
the folder's format version and when it was taken. The archive is written to a temporary name beside `out` and
renamed when complete, so a backup killed halfway leaves nothing under `out`.

restore(archive, data_dir, by) checks the archive before anything changes: the manifest, every name (relative, no "..",
no link, nothing but plain files), every size (limits in lib/config.py) and, while extracting into a new folder
beside data_dir, every byte against its hash. Then, holding the lock of the old folder and of the new one, it swaps
the two in one rename (renameat2 RENAME_EXCHANGE): at every instant the folder is all old or all new. The folder it
replaced is kept beside it, as <name>.before-restore-<time>, for whoever restores to delete once satisfied.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import stat
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lib import audit, config, formats, store
from lib.access import Action, NotAllowed, Principal, require
from lib.problems import TranslatedError

MANIFEST = "manifest.json"
KIND = "kpi-data-backup"
VERSION = 1
BACKUPS_FOLDER = "backups"  # inside the data folder: the copies upgrades keep; never backed up again
CHUNK = 1024 * 1024
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
PARTIAL = ".restore-partial"
_NOT_BACKED_UP = re.compile(r"^(\.lock|\.unfinished|\.tmp-.*|\.restore-partial)$")


class BackupError(TranslatedError):
    """A backup could not be written; nothing was left under its name."""


class RestoreError(TranslatedError):
    """An archive was refused or could not be restored; the data folder was not changed."""


class BackupNotPermitted(BackupError, NotAllowed):
    """The principal may not back up (lib/access.py); nothing was read or written."""


class RestoreNotPermitted(RestoreError, NotAllowed):
    """The principal may not restore (lib/access.py); nothing was read or changed."""


@dataclass(frozen=True)
class Backup:
    """What a backup wrote: the archive, how many files and their bytes, the folder's format version."""

    path: Path
    files: int
    bytes: int
    data_format: int


@dataclass(frozen=True)
class Restored:
    """What a restore did: the folder now in place, where the one it replaced was kept (None: there was none)."""

    data_dir: Path
    kept: Path | None
    files: int
    bytes: int
    data_format: int


# Backing up ----------------------------------------------------------------------------------------------------------

def backup(data_dir: Path, out: Path, by: Principal, now: dt.datetime | None = None) -> Backup:
    """Write a consistent snapshot of data_dir to `out` (a .zip) under the store's lock; return what was written.

    Raise BackupNotPermitted when the principal may not back up (lib/access.py), BackupError when the folder holds
    something that cannot be backed up (a link to a folder, a device) or the archive cannot be written, StoreError
    when the folder cannot be locked; nothing is left under `out` then."""
    require(by, Action.BACKUP, BackupNotPermitted)
    data_dir, out = Path(data_dir), Path(out)
    if not (data_dir / "targets.csv").is_file():
        raise BackupError("backup_no_data_dir", path=str(data_dir))
    _refuse_out_inside(data_dir, out)
    with store.locked(data_dir, any_format=True):  # reading only: a newer version's folder may be backed up too
        done = write_archive(data_dir, out, now)
    audit.record(data_dir, "backup", by, file=str(out.resolve()), files=done.files, bytes=done.bytes)
    return done


def write_archive(data_dir: Path, out: Path, now: dt.datetime | None = None) -> Backup:
    """Write the archive of data_dir to `out` (hold the store's lock); the audit log's lock is taken here."""
    now = now or dt.datetime.now().astimezone().replace(microsecond=0)
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in out.parent.glob(f".{out.name}.tmp-*"):  # left by a backup killed halfway (under this same lock)
        stale.unlink(missing_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{uuid.uuid4().hex}"
    try:
        with audit.locked(data_dir):
            files, folders = _contents(data_dir)
            manifest = {"kind": KIND, "version": VERSION, "data_format": formats.folder_version(data_dir),
                        "created": now.isoformat(), "folders": folders, "files": {}}
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # the office's data: not for every user
            with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
                for name in files:
                    manifest["files"][name] = _add_file(zf, data_dir / name, name)
                zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
                zf.close()
                raw.flush()
                os.fsync(raw.fileno())
        _reached("archived")
        os.replace(tmp, out)
        _fsync_folder(out.parent)
    except OSError as exc:
        raise BackupError("backup_failed", path=str(getattr(exc, "filename", None) or out),
                          detail=exc.strerror or str(exc)) from exc
    finally:
        tmp.unlink(missing_ok=True)
    sizes = [entry["size"] for entry in manifest["files"].values()]
    return Backup(out, len(sizes), sum(sizes), manifest["data_format"])


def _refuse_out_inside(data_dir: Path, out: Path) -> None:
    """Refuse an archive written inside the data folder (it would be in the next backup), but under backups/."""
    folder, target = data_dir.resolve(), out.resolve()
    if target.is_relative_to(folder) and not target.is_relative_to(folder / BACKUPS_FOLDER):
        raise BackupError("backup_out_inside", path=str(out), data_dir=str(data_dir))


def _contents(data_dir: Path) -> tuple[list[str], list[str]]:
    """Return the files and folders to back up, as sorted relative POSIX paths; raise BackupError for a link to a
    folder or anything that is neither a file nor a folder (a link to a file is backed up as the file it shows)."""
    files, folders = [], []
    for root, dirs, names in os.walk(data_dir):
        here = Path(root)
        relative = here.relative_to(data_dir)
        if relative == Path("."):
            dirs[:] = [d for d in dirs if d != BACKUPS_FOLDER]
        for d in sorted(dirs):
            if (here / d).is_symlink():
                raise BackupError("backup_link", path=str(here / d))
            folders.append((relative / d).as_posix())
        for name in names:
            path = here / name
            if _NOT_BACKED_UP.match(name):
                continue
            if not path.is_file():  # a socket, a device, a dangling link
                raise BackupError("backup_not_a_file", path=str(path))
            files.append((relative / name).as_posix())
    return sorted(files), sorted(folders)


def _add_file(zf: zipfile.ZipFile, path: Path, name: str) -> dict:
    """Copy one file into the archive, hashing exactly the bytes stored; return its manifest entry."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as src:
        mtime = dt.datetime.fromtimestamp(os.fstat(src.fileno()).st_mtime)
        info = zipfile.ZipInfo(name, date_time=max(mtime, dt.datetime(1980, 1, 1)).timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        with zf.open(info, "w", force_zip64=True) as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                dst.write(chunk)
    return {"size": size, "sha256": digest.hexdigest()}


# Checking an archive ------------------------------------------------------------------------------------------------

def check_archive(archive: Path) -> dict:
    """Return an archive's manifest once its names, kinds and sizes are checked (no byte is extracted); raise
    RestoreError naming what is wrong, FormatTooNew when a newer version of the app made it."""
    archive = Path(archive)
    with _open_archive(archive) as zf:
        return _checked_manifest(zf, archive)


@contextlib.contextmanager
def _open_archive(archive: Path) -> Iterator[zipfile.ZipFile]:
    try:
        zf = zipfile.ZipFile(archive)
    except FileNotFoundError as exc:
        raise RestoreError("restore_no_file", file=str(archive)) from exc
    except (OSError, zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise RestoreError("restore_not_archive", file=str(archive), detail=str(exc)) from exc
    with zf:
        yield zf


def _checked_manifest(zf: zipfile.ZipFile, archive: Path) -> dict:
    """Return the manifest of an open archive after checking it against the archive's own directory."""
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in zf.infolist():
        if info.filename in entries:
            raise RestoreError("restore_duplicate", file=str(archive), name=info.filename)
        entries[info.filename] = info
    if MANIFEST not in entries:
        raise RestoreError("restore_no_manifest", file=str(archive))
    if entries[MANIFEST].file_size > MAX_MANIFEST_BYTES:
        raise RestoreError("restore_too_large", file=str(archive), name=MANIFEST, size=entries[MANIFEST].file_size,
                           limit=MAX_MANIFEST_BYTES)
    try:
        manifest = json.loads(zf.read(MANIFEST))
        listed = {name: (int(entry["size"]), str(entry["sha256"])) for name, entry in manifest["files"].items()}
        folders = [str(folder) for folder in manifest.get("folders", [])]
        data_format = manifest["data_format"]
        valid = manifest.get("kind") == KIND and isinstance(data_format, int) and manifest.get("version") == VERSION
    except (ValueError, KeyError, TypeError, AttributeError, zipfile.BadZipFile, OSError) as exc:
        raise RestoreError("restore_bad_manifest", file=str(archive), detail=str(exc)) from exc
    if not valid:
        raise RestoreError("restore_bad_manifest", file=str(archive),
                           detail=f"kind={manifest.get('kind')!r}, version={manifest.get('version')!r}")
    if data_format > formats.CURRENT:
        raise formats.FormatTooNew("format_archive_too_new", file=str(archive), version=data_format,
                                   current=formats.CURRENT)
    for name in [*listed, *folders]:
        _check_name(name, archive)
    for name, info in entries.items():
        if name == MANIFEST:
            continue
        if name not in listed:
            raise RestoreError("restore_not_listed", file=str(archive), name=name)
        kind = stat.S_IFMT(info.external_attr >> 16)
        if info.is_dir() or kind not in (0, stat.S_IFREG):
            raise RestoreError("restore_not_a_file", file=str(archive), name=name)
        if info.file_size != listed[name][0]:
            raise RestoreError("restore_size_mismatch", file=str(archive), name=name, size=info.file_size,
                               listed=listed[name][0])
        if info.file_size > config.RESTORE_MAX_FILE_BYTES:
            raise RestoreError("restore_too_large", file=str(archive), name=name, size=info.file_size,
                               limit=config.RESTORE_MAX_FILE_BYTES)
    missing = sorted(set(listed) - set(entries))
    if missing:
        raise RestoreError("restore_missing", file=str(archive), name=missing[0], count=len(missing))
    total = sum(size for size, _ in listed.values())
    if len(listed) > config.RESTORE_MAX_FILES or total > config.RESTORE_MAX_TOTAL_BYTES:
        raise RestoreError("restore_too_many", file=str(archive), files=len(listed), size=total,
                           max_files=config.RESTORE_MAX_FILES, limit=config.RESTORE_MAX_TOTAL_BYTES)
    if "targets.csv" not in listed:
        raise RestoreError("restore_no_targets", file=str(archive))
    return manifest


def _check_name(name: str, archive: Path) -> None:
    """Refuse a name that could land outside the folder or over its locks: absolute, "..", backslashes, NUL."""
    path = PurePosixPath(name)
    parts = name.split("/")
    if (not name or path.is_absolute() or "\\" in name or "\x00" in name or re.match(r"^[A-Za-z]:", name)
            or any(part in ("", ".", "..") for part in parts) or _NOT_BACKED_UP.match(parts[-1])
            or parts[0] == BACKUPS_FOLDER):
        raise RestoreError("restore_bad_name", file=str(archive), name=name)


# Restoring ----------------------------------------------------------------------------------------------------------

def restore(archive: Path, data_dir: Path, by: Principal, now: dt.datetime | None = None) -> Restored:
    """Replace data_dir by the archive's folder, all or nothing; return what was done.

    Raise RestoreNotPermitted (the principal may not restore: lib/access.py), RestoreError (the archive refused:
    damaged, tampered, unsafe, too large) or FormatTooNew before anything changes; the folder in place is kept beside
    the restored one."""
    require(by, Action.RESTORE, RestoreNotPermitted)
    archive, data_dir = Path(archive).absolute(), Path(data_dir).absolute()
    now = now or dt.datetime.now().replace(microsecond=0)
    if not data_dir.parent.is_dir():
        raise RestoreError("restore_no_parent", path=str(data_dir.parent))
    for stale in data_dir.parent.glob(f".{data_dir.name}.restore-*"):  # left by a restore that was killed:
        if (stale / PARTIAL).exists():  # while extracting: an unfinished copy of an archive
            shutil.rmtree(stale, ignore_errors=True)
        else:  # just after the swap: the folder it replaced, kept under the name it would have had
            os.rename(stale, _kept_name(data_dir, dt.datetime.fromtimestamp(stale.stat().st_mtime)))
    staging = data_dir.parent / f".{data_dir.name}.restore-{uuid.uuid4().hex}"
    try:
        with _open_archive(archive) as zf:
            manifest = _checked_manifest(zf, archive)
            _extract(zf, manifest, staging, archive)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _reached("extracted")
    kept = _swap_in(staging, data_dir, now)
    audit.record(data_dir, "restore", by, file=str(archive), kept=str(kept or ""), files=len(manifest["files"]))
    sizes = [entry["size"] for entry in manifest["files"].values()]
    return Restored(data_dir, kept, len(sizes), sum(sizes), manifest["data_format"])


def _extract(zf: zipfile.ZipFile, manifest: dict, staging: Path, archive: Path) -> None:
    """Write every listed file into staging, checking each byte count and hash as it inflates; raise RestoreError."""
    try:
        staging.mkdir(mode=0o755)
        (staging / PARTIAL).touch()  # until the swap: what a killed restore leaves, the next one may remove
        for folder in manifest.get("folders", []):
            (staging / folder).mkdir(parents=True, exist_ok=True)
        for name, entry in manifest["files"].items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            digest, size = hashlib.sha256(), 0
            try:
                with zf.open(name) as src, open(target, "xb") as dst:
                    while chunk := src.read(CHUNK):
                        size += len(chunk)
                        if size > entry["size"]:
                            break
                        digest.update(chunk)
                        dst.write(chunk)
                    dst.flush()
                    os.fsync(dst.fileno())
            except (zipfile.BadZipFile, EOFError, ValueError, zlib.error) as exc:  # a bad CRC, a garbled stream
                raise RestoreError("restore_damaged", file=str(archive), name=name, detail=str(exc)) from exc
            if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
                raise RestoreError("restore_hash_mismatch", file=str(archive), name=name)
    except OSError as exc:
        raise RestoreError("restore_failed", path=str(getattr(exc, "filename", None) or staging),
                           detail=exc.strerror or str(exc)) from exc


def _swap_in(staging: Path, data_dir: Path, now: dt.datetime) -> Path | None:
    """Put the staged folder in data_dir's place under both folders' locks; return where the old one was kept."""
    swapped = False
    try:
        with open(staging / ".lock", "a+") as new_lock:
            fcntl.flock(new_lock, fcntl.LOCK_EX)  # writers that waited on the old lock wait on this one until done
            if not data_dir.exists():
                os.rename(staging, data_dir)
                (data_dir / PARTIAL).unlink()
                _fsync_folder(data_dir.parent)
                return None
            kept = _kept_name(data_dir, now)
            with store.locked(data_dir, any_format=True):  # a folder of any version may be replaced
                _exchange(staging, data_dir)
                swapped = True  # the old folder is at staging's name now (without the marker): never removed
                _reached("swapped")
                (data_dir / PARTIAL).unlink()
                os.rename(staging, kept)
                _fsync_folder(data_dir.parent)
            return kept
    except (OSError, store.StoreError) as exc:
        if not swapped:
            shutil.rmtree(staging, ignore_errors=True)
        detail = exc.message("en") if isinstance(exc, store.StoreError) else exc.strerror or str(exc)
        raise RestoreError("restore_failed", path=str(data_dir), detail=detail) from exc


def _kept_name(data_dir: Path, now: dt.datetime) -> Path:
    """Return a free name beside data_dir for the folder a restore replaces: <name>.before-restore-<time>."""
    base = data_dir.parent / f"{data_dir.name}.before-restore-{now.strftime('%Y%m%dT%H%M%S')}"
    kept, n = base, 2
    while kept.exists():
        kept, n = base.with_name(f"{base.name}-{n}"), n + 1
    return kept


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders' names in one step (Linux renameat2 RENAME_EXCHANGE); where the file system cannot, two
    renames (between them the folder is briefly absent, never mixed)."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(b))
    aside = a.with_name(a.name + "-old")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in a folder durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _reached(step: str) -> None:
    """Mark the point between two steps (nothing to do: the kill -9 tests stop the process at each)."""
