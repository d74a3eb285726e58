"""The names of the files the app exports, named for what they hold: the month, what it is, the city of the year's
plan (2021-06_月度通报_无锡市.docx, 2021-06_汇报_无锡市.pptx; in English 2021-06_monthly-briefing_Wuxi.docx)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lib.plans import plan_for

if TYPE_CHECKING:
    from lib.catalog import Catalog

_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')  # what a file name on Windows, macOS or Linux may not hold


def safe_part(text: str) -> str:
    """Return text fit to be part of a file name: no path separators, reserved characters or spaces."""
    return _UNSAFE.sub("-", text).strip("-.")


def export_name(catalog: Catalog, year: int, month: int, what: str, extension: str, lang: str = "zh") -> str:
    """Return an export's file name: 2021-06_月度通报_无锡市.docx (`what` says what it holds, in the reader's
    language: t("file_briefing"), a view's title)."""
    city = plan_for(catalog, year).city(lang)
    parts = [f"{year}-{month:02d}", safe_part(what)] + ([safe_part(city)] if city else [])
    return "_".join(p for p in parts if p) + f".{extension}"
