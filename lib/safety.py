"""Text at the door: control characters removed from what comes in, spreadsheet formulas neutralised in what goes
out, terminal escape sequences kept out of what the CLI prints."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd

# A cell starting with one of these is run as a formula by Excel and LibreOffice (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# C0 controls but tab, line feed and carriage return (which cells and notes may hold), DEL, and the C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The same in a name, where a tab or a line break is no more meaningful than any other control.
_NAME_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]+")
# The same on UTF-8 or GB18030 bytes: C0 and DEL are single bytes in both (never inside a character), C1 is
# \xc2\x80-\xc2\x9f in UTF-8.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")
# Terminal escape sequences: CSI (ESC [ … final byte), OSC (ESC ] … BEL or ST), other ESC pairs; then any control.
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]")


def clean_control(text: str) -> str:
    """Return text without control characters (tab and line breaks kept)."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def clean_name(text: str) -> str:
    """Return a name (file, sheet, indicator) without control characters; a tab or line break becomes a space."""
    if not _NAME_CONTROL.search(text):
        return text
    return _NAME_CONTROL.sub(lambda m: " " if set(m.group()) & set("\t\n\r") else "", text).strip()


def clean_deep(value):
    """Return text, or lists, tuples, dicts and dataclasses of text, without control characters (a reader's result)."""
    if isinstance(value, str):
        return clean_control(value)
    if isinstance(value, list | tuple):
        return type(value)(clean_deep(v) for v in value)
    if isinstance(value, dict):
        return {k: clean_deep(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: clean_deep(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value


def has_control(value) -> bool:
    """Return whether text, or any text in lists, tuples and dicts of it, holds a control character."""
    if isinstance(value, str):
        return _CONTROL.search(value) is not None
    if isinstance(value, list | tuple):
        return any(has_control(v) for v in value)
    if isinstance(value, dict):
        return any(has_control(v) for v in value.values())
    return False


def has_control_bytes(data: bytes, line_breaks: int, arr: np.ndarray | None = None) -> bool:
    """Return whether text bytes hold a control character, given how many line feeds they have (counted already):
    one pass over the bytes below 32, the rest found by the fast byte search."""
    arr = np.frombuffer(data, dtype=np.uint8) if arr is None else arr
    low = int(np.count_nonzero(arr < 32))
    allowed = line_breaks + (data.count(b"\r") if b"\r" in data else 0) + (data.count(b"\t") if b"\t" in data else 0)
    if low != allowed or b"\x7f" in data:
        return True
    return b"\xc2" in data and _CONTROL_BYTES.search(data) is not None


def clean_control_bytes(data: bytes) -> bytes:
    """Return text bytes (UTF-8 or GB18030) without control characters (tab and line breaks kept)."""
    return _CONTROL_BYTES.sub(b"", data)


def clean_grid(grid: list[list[str]]) -> list[list[str]]:
    """Return rows of cell texts without control characters, in place (one search over the whole grid first)."""
    if not any(_CONTROL.search("".join(row)) for row in grid):
        return grid
    for row in grid:
        for i, text in enumerate(row):
            if _CONTROL.search(text):
                row[i] = _CONTROL.sub("", text)
    return grid


def terminal_text(text: str) -> str:
    """Return text fit to print on a terminal: escape sequences and control characters removed (lines kept)."""
    return _CONTROL.sub("", _ESCAPE.sub("", text))


def neutralise_cell(value: object) -> object:
    """Return a text cell that would start a formula with a leading apostrophe; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """Return a copy of a frame whose text cells (of columns, when given: a file's number columns keep their
    signs) and headers can no longer start a formula."""
    out = frame.copy()
    for column in out.columns if columns is None else columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_cell)
    out.columns = [neutralise_cell(c) for c in out.columns]
    return out


def restore_cell(value: object) -> object:
    """Return a text cell as it was before neutralise_cell (the apostrophe it added removed); others unchanged."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a frame of text cells read back from a file the project wrote, neutralising apostrophes removed."""
    return frame.map(restore_cell)
