"""A plan document's header (版头): who issued it, its document number (文号), its title and its date of issue.

Official documents open the same way: 无锡市邮政管理局文件 (the issuing body and 文件), the 文号 line
(锡邮管〔2022〕8号), the title (…关于印发…的通知, often wrapped over two lines), the addressees and text, then the
signature and the date (2022年3月28日). Whatever is not found is left blank for the analyst to give.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

HEADER_LINES = 40  # the header and the signature come before the plan itself
DOC_NUMBER = re.compile(r"^(\S{1,16}?〔(\d{4})〕\s*\d{1,4}\s*号)$")
ISSUER_LINE = re.compile(r"^(\S{2,40}?)\s*文件$")
DATE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
TITLE_START = re.compile(r"关于")
TITLE_END = re.compile(r"(?:通知|意见|决定|要点|方案|安排)$")
CITY = re.compile(r"^(\S{2,8}?(?:市|州|盟|地区))")
MAX_TITLE_LINES = 3


@dataclass(frozen=True)
class PlanHeader:
    """What a plan document's header says; blank where it says nothing."""

    issuer: str = ""
    doc_number: str = ""
    doc_year: int | None = None  # the year in the 文号's 〔〕
    title: str = ""
    issued: dt.date | None = None

    @property
    def city(self) -> str:
        """Return the city in the issuer's name (无锡市邮政管理局 → 无锡市), '' when it names none."""
        found = CITY.match(self.issuer)
        return found.group(1) if found else ""


def read_header(text: str) -> PlanHeader:
    """Return the issuing body, 文号, title and date of issue found in the first lines of a plan's text."""
    lines = [line.strip() for line in text.lstrip("\ufeff").splitlines() if line.strip()][:HEADER_LINES]
    issuer = doc_number = title = ""
    doc_year = issued = None
    for i, line in enumerate(lines):
        compact = re.sub(r"\s+", "", line)
        if not doc_number and (found := DOC_NUMBER.match(compact)):
            doc_number, doc_year = found.group(1), int(found.group(2))
        elif not issuer and (found := ISSUER_LINE.match(compact)):
            issuer = found.group(1)
        elif not title and TITLE_START.search(compact) and not compact.endswith(("。", "：", ":")):
            title = _title(lines, i)
        elif issued is None and (found := DATE_LINE.match(compact)):
            issued = _date(*map(int, found.groups()))
            if not issuer and i > 0 and len(lines[i - 1]) <= 30:
                issuer = re.sub(r"\s+", "", lines[i - 1])  # the signature above the date
    if not issuer and title:
        issuer = title.partition("关于")[0]
    title = _unwrapped(title)
    return PlanHeader(issuer=issuer, doc_number=doc_number, doc_year=doc_year, title=title, issued=issued)


def _unwrapped(title: str) -> str:
    """Return a title without the 《》 some documents print around it (citations add their own: no 《《…》》)."""
    while len(title) > 2 and title.startswith("《") and title.endswith("》") and title.count("《") == 1:
        title = title[1:-1]
    return title


def _title(lines: list[str], start: int) -> str:
    """Return the title starting at a line, joined with the lines it wraps onto until it ends (…的通知)."""
    parts = []
    for line in lines[start:start + MAX_TITLE_LINES]:
        parts.append(re.sub(r"\s+", "", line))
        if TITLE_END.search(parts[-1]):
            break
    else:
        return parts[0]
    return "".join(parts)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


ISSUER_PLACE = re.compile(r"^(.+?[省市])(?:邮政管理局|邮政局)$")


def place_english(name: str, places: pd.DataFrame) -> str:
    """Return a city's or province's English name from data/places.csv (无锡市 or 无锡 → Wuxi), '' when unknown."""
    if places is None or places.empty or not name:
        return ""
    known = dict(zip(places["name_zh"], places["name_en"], strict=True))
    short = {re.sub(r"[省市]$", "", k): v for k, v in known.items()}
    return known.get(name) or short.get(re.sub(r"[省市]$", "", name), "")


def english_names(issuer: str, city: str, places: pd.DataFrame) -> tuple[str, str]:
    """Return (issuer_en, city_en) from the places the data knows: 无锡市邮政管理局 → Wuxi Postal Administration,
    无锡市 → Wuxi; '' for what it does not know (the reviewer is told, never left silently empty)."""
    found = ISSUER_PLACE.match(issuer or "")
    place = place_english(found.group(1), places) if found else ""
    return (f"{place} Postal Administration" if place else ""), place_english(city, places)


def load_places(data_dir) -> pd.DataFrame:
    """Return data_dir/places.csv (name_zh, name_en, kind), no rows when there is none; raise DataFolderError."""
    from pathlib import Path

    from lib.datafiles import read_file

    return read_file(Path(data_dir), "places.csv").reindex(columns=["name_zh", "name_en", "kind"]).fillna("")
