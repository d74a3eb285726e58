"""What the two caches on disk share (lib/parsed_cache.py: each actuals file as read; lib/loadcache.py: a data
folder's whole load): where they live, what identifies the code and settings an entry was made with, and entries
written whole and read back without ever failing the caller.

Entries are pickles this code wrote into a folder of its own (0700), never in the data folder where files are dropped:
nothing anyone uploads is ever unpickled. A key that hashes everything an entry depends on makes a stale entry
impossible; an entry that cannot be read back is a miss, removed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path

from lib import config

log = logging.getLogger(__name__)
_unwritable: set[Path] = set()  # folders already reported as not writable in this process

_LIB = Path(__file__).resolve().parent
# The libraries that read the files and hold the tables; found by their files, without importing them (a command
# asks before it has imported pandas).
_LIBRARIES = ("pandas", "pyarrow", "numpy", "python_calamine", "duckdb")


def folder(kind: str) -> Path | None:
    """Return the folder of one cache's entries under config.cache_dir(), or None when caching is off."""
    root = config.cache_dir()
    return None if root is None else root / kind


@functools.cache
def code_digest() -> bytes:
    """Return the SHA-256 of the code that reads and loads: every lib/ module's source and text file, Python's version
    and the files of the libraries it runs on."""
    digest = hashlib.sha256(sys.version.encode())
    for root, dirs, files in os.walk(_LIB):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".toml")):
                path = Path(root) / name
                digest.update(str(path.relative_to(_LIB)).encode() + b"\0" + path.read_bytes())
    for library in _LIBRARIES:
        spec = importlib.util.find_spec(library)
        origin = spec.origin if spec is not None else None
        st = os.stat(origin) if origin else None
        digest.update(f"\0{library} {origin} {st.st_size if st else ''} {st.st_mtime_ns if st else ''}".encode())
    return digest.digest()


def settings_digest() -> bytes:
    """Return the SHA-256 of lib/config.py's settings as they are in this process (a test or the bench may change
    one)."""
    settings = sorted((name, repr(value)) for name, value in vars(config).items()
                      if name.isupper() and isinstance(value, int | float | str | tuple | dict | frozenset))
    return hashlib.sha256(repr(settings).encode()).digest()


def read(path: Path):
    """Return the value kept at path, or None when there is none or it cannot be read back (then it is removed)."""
    try:
        data = path.read_bytes()
    except OSError:  # none yet, or no folder to hold one
        return None
    try:
        return pickle.loads(data)
    except Exception:  # a torn or foreign file: a miss, and out of the way
        log.warning("cache entry %s unreadable; removed", path, exc_info=True)
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
    return None


def write(path: Path, value) -> bool:
    """Keep value at path, whole (a temporary file renamed into place); False when the folder cannot be written,
    which costs the next reader its time only."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except OSError as exc:
        if path.parent not in _unwritable:  # once a folder: a command with a blocked cache would repeat it per entry
            _unwritable.add(path.parent)
            log.warning("cache folder %s cannot be written (%s): its entries are read or drawn again each time",
                        path.parent, exc.strerror or exc)
        return False
    return True


def keep_newest(folder: Path, count: int) -> None:
    """Remove all but the newest `count` entries of a cache folder (by modification time: reading one may refresh it);
    an entry another process removes meanwhile is passed over."""
    stamped = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".pickle"):
                    with contextlib.suppress(OSError):
                        stamped.append((entry.stat().st_mtime_ns, entry.path))
    except OSError:
        return
    stamped.sort(reverse=True)
    for _, path in stamped[count:]:
        with contextlib.suppress(OSError):
            os.unlink(path)
