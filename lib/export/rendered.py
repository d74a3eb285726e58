"""Pictures already drawn, kept on disk: a figure asked for again in the same format, at the same size and scale, from
the same renderer, is read back instead of drawn again in Chromium.

A month's exports draw the same charts several times: the PNG set, the deck and the PDF a presenter takes to one
meeting, the briefing and the digest, two leaders downloading the same deck. An entry is found only by the SHA-256 of
the figure as it is sent to the browser (its data, texts, layout, size and fonts) and of the renderer: plotly's,
kaleido's and choreographer's versions, the Chromium it runs (the file, its size and time: a package upgrade replaces
it) and every font fontconfig lists (the same). A changed byte in any of them is another key, so a picture cannot be
stale. Entries are kept as lib/diskcache.py keeps them, in the cache folder's rendered/ ($KPI_CACHE_DIR=off turns it
off); the newest KEEP_ENTRIES are kept.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import os
import shutil
import subprocess
from pathlib import Path

from lib import diskcache

KEEP_ENTRIES = 512  # a month's exports in both languages are about 120 pictures
_FORMAT = b"kpi rendered 1"
_RENDERER_PACKAGES = ("plotly", "kaleido", "choreographer")


def folder() -> Path | None:
    """Return the folder of the kept pictures, or None when caching is off."""
    return diskcache.folder("rendered")


def _stamp(path: str | os.PathLike) -> str:
    """Return a file's path, size and modification time ('-' for both when it cannot be read)."""
    try:
        st = os.stat(path)
    except OSError:
        return f"{path} - -"
    return f"{path} {st.st_size} {st.st_mtime_ns}"


@functools.cache
def renderer_digest(chromium: str) -> bytes:
    """Return the SHA-256 of what draws a picture besides the figure: the renderer's packages, the Chromium at
    `chromium` (as found and as linked to) and the fonts fontconfig lists."""
    digest = hashlib.sha256(_FORMAT)
    for package in _RENDERER_PACKAGES:
        try:
            version = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"\0{package} {version}".encode())
    digest.update(f"\0{_stamp(chromium)}\0{_stamp(os.path.realpath(chromium))}".encode())
    for font in _font_files():
        digest.update(f"\0{_stamp(font)}".encode())
    return digest.digest()


def _font_files() -> list[str]:
    """Return the font files fontconfig lists, sorted; none when fontconfig is not installed."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        listed = subprocess.run([fc_list, "--format", "%{file}\n"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted(set(listed.stdout.split()))


def picture_key(figure_json: str, fmt: str, width: int, height: int, scale: float, chromium: str) -> str:
    """Return the key of one picture: the figure as sent to the browser, its format, size and scale, the renderer."""
    digest = hashlib.sha256(renderer_digest(chromium))
    digest.update(f"\0{fmt} {width} {height} {scale!r}\0".encode())
    digest.update(figure_json.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def kept(key: str) -> bytes | None:
    """Return the picture kept under the key, or None."""
    root = folder()
    if root is None:
        return None
    path = root / f"{key}.pickle"
    found = diskcache.read(path)
    if not isinstance(found, bytes):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used: the newest are kept
    return found


def keep(key: str, picture: bytes) -> None:
    """Keep a picture under the key, then remove all but the newest KEEP_ENTRIES; a folder that cannot be written costs
    the next export its time only."""
    root = folder()
    if root is not None and diskcache.write(root / f"{key}.pickle", picture):
        diskcache.keep_newest(root, KEEP_ENTRIES)
