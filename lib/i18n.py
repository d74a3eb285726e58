"""Interface texts in Chinese (the default) and English: the catalogues in lib/locale/, looked up by key."""

from __future__ import annotations

import hashlib
import logging
import os
import string
import tomllib
from pathlib import Path

from lib import diskcache

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

log = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def _catalogue() -> dict[str, tuple[str, str]]:
    """Return every interface text as key -> (Chinese, English), from one TOML catalogue per language; parsed once
    per content of the catalogues and kept in the cache folder (tomllib took ~17 ms of every command's start)."""
    sources = {lang: (LOCALE_DIR / f"{lang}.toml").read_bytes() for lang in LANGS}
    where = diskcache.folder("locale")
    digest = hashlib.sha256(b"\0".join(sources.values())).hexdigest()
    entry = where / f"{digest}.pickle" if where else None
    if entry is not None and isinstance(kept := diskcache.read(entry), dict):
        return kept
    zh, en = (tomllib.loads(sources[lang].decode("utf-8")) for lang in LANGS)
    text = {key: (zh[key], en.get(key, "")) for key in zh} | {key: ("", en[key]) for key in en if key not in zh}
    if entry is not None and diskcache.write(entry, text):
        for old in where.glob("*.pickle"):  # the catalogues of an earlier version of the code: never read again
            if old != entry:
                old.unlink(missing_ok=True)
    return text


TEXT: dict[str, tuple[str, str]] = _catalogue()


class _Texts(string.Formatter):
    """str.format, and a count's word by its number: "{rows} {rows:row|rows}" reads "1 row", "2 rows" (English only:
    Chinese has no plural). The choice is the format spec, so the other specs work as in str.format."""

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            one, other = format_spec.split("|", 1)
            return one if _is_one(value) else other
        return super().format_field(value, format_spec)


def _is_one(value: object) -> bool:
    """Return whether a count is one, given as a number or as the text of one ("1", "1.0")."""
    try:
        return float(str(value).replace(",", "")) == 1
    except ValueError:
        return False


_TEXTS = _Texts()


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """Return the text for key in lang, with params filled in (a count's word chosen by its number, see _Texts)."""
    pair = TEXT.get(key)
    if pair is None:
        # A missing key is a bug. Under KPI_STRICT_I18N=1 (tests/conftest.py sets it for the whole suite) it raises,
        # so a test fails on it; a live page shows the key and logs a warning rather than crash over one label.
        if os.environ.get("KPI_STRICT_I18N") == "1":
            raise KeyError(f"no text for {key!r} in lib/locale/")
        log.warning("no text for %r in lib/locale/", key)
        return key
    text = pair[1] if lang == "en" else pair[0]
    if not params:
        return text
    return _TEXTS.format(text, **params) if "|" in text else text.format(**params)


def category_label(category: str, lang: str) -> str:
    """Return the display name of a target category (a blank one: other targets)."""
    if not category:
        return t("cat_other", lang)
    return t(f"cat_{category}", lang) if f"cat_{category}" in TEXT else category


def department_label(department: str, lang: str) -> str:
    """Return the display name of a lead department (in English, a department without an English name is marked as
    the original)."""
    key = f"dept_{department}"
    return t(key, lang) if key in TEXT else original(department, lang)


def departments_label(departments, lang: str) -> str:
    """Return lead departments as one text: 普遍服务处、市场监管处 or "Universal Service Division, …"."""
    return (", " if lang == "en" else "、").join(department_label(d, lang) for d in departments if d)


def status_label(status: str, lang: str) -> str:
    """Return the display name of a status colour."""
    return t(f"status_{status}", lang)


def has_chinese(text: str) -> bool:
    """Return whether text holds any Chinese character."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


ORIGINAL_OPEN, ORIGINAL_CLOSE = "「", "」"


def original(text: str, lang: str) -> str:
    """Return text that exists only in Chinese as an English export quotes it: 「持续推进…」, the quotes saying that
    this is the original (each export says so once, t("original_legend")); else as is."""
    if lang != "en" or not has_chinese(text):
        return text
    return f"{ORIGINAL_OPEN}{text}{ORIGINAL_CLOSE}"


def chinese_only(text: str, lang: str) -> str:
    """Return text as the English view shows data that exists only in Chinese: marked "(Chinese only)"; else as is."""
    if lang != "en" or not has_chinese(text):
        return text
    return f"{text} ({t('chinese_only', lang)})"
