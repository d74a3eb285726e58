"""Templates analysts fill in: long and wide (CSV and XLSX) and the monthly bulletin (XLSX and XLS), pre-filled with
ids or names and units."""

from __future__ import annotations

import io

import pandas as pd

from lib.catalog import Catalog
from lib.safety import neutralise_cell, neutralise_frame


def _series(catalog: Catalog) -> list[tuple[str, str, str]]:
    """Return (indicator id, region, unit) for every series analysts report, in file order."""
    out: list[tuple[str, str, str]] = []
    regional = catalog.targets[catalog.targets["region"] != ""]
    for ind, row in catalog.indicators.iterrows():
        regions = list(dict.fromkeys(regional.loc[regional["indicator"] == ind, "region"])) or [""]
        out += [(str(ind), r, row["unit"]) for r in regions]
    return out


def long_template(catalog: Catalog, period: str, indicators: list[str] | None = None) -> pd.DataFrame:
    """Return the long template: one row per indicator (and region) for one month (only the indicators given)."""
    rows = [{"period": period, "indicator": catalog.indicators.at[ind, "name_zh"], "value": "", "region": region,
             "unit": unit, "basis": "month", "note": "", "代码(id)": ind} for ind, region, unit in _series(catalog)
            if indicators is None or ind in indicators]
    return pd.DataFrame(rows)


def wide_template(catalog: Catalog, year: int) -> pd.DataFrame:
    """Return the wide template: one row per month, one column per city-wide indicator with its unit."""
    columns = {f"{catalog.indicators.at[ind, 'name_zh']}（{unit}）": "" for ind, region, unit in _series(catalog)
               if region == ""}
    return pd.DataFrame([{"月份": f"{year}-{m:02d}", **columns} for m in range(1, 13)])


def to_csv(frame: pd.DataFrame) -> bytes:
    """Return a template as UTF-8 CSV with BOM, so Chinese Excel opens it correctly."""
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, catalog: Catalog) -> bytes:
    """Return a template as XLSX, with a second sheet listing every indicator."""
    buffer = io.BytesIO()
    guide = catalog.indicators.reset_index()[["indicator", "name_zh", "name_en", "unit", "aggregation"]]
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_frame(frame).to_excel(writer, sheet_name="数据", index=False)
        neutralise_frame(guide).to_excel(writer, sheet_name="指标说明", index=False)
    return buffer.getvalue()


# The monthly bulletin as statistics offices lay it out: a title naming the month, a two-row merged header
# (本月 and 累计, each over 数值 and 同比增长（%）), one row per city-wide indicator with its unit.
BULLETIN_TITLE = "{city}邮政行业运行情况（{year}年{month}月）"  # the city from the plan of the year
BULLETIN_TOP = ["指标名称", "单位", "本月", "", "累计", ""]
BULLETIN_SUB = ["", "", "数值", "同比增长（%）", "数值", "同比增长（%）"]
BULLETIN_MERGES = ((2, 3, 0, 0), (2, 3, 1, 1), (2, 2, 2, 3), (2, 2, 4, 5))  # (first row, last row, first col, last col)
BULLETIN_NOTE = ("填表说明：本月、累计任填其一（都填时按累计入库）；"
                 "同比增长（%）按上年同期计算，系统会与已入库的上年数据核对。")


def bulletin_frame(catalog: Catalog) -> pd.DataFrame:
    """Return the bulletin's rows: indicator name and unit of every city-wide indicator, the four figures blank."""
    rows = [{"指标名称": catalog.indicators.at[ind, "name_zh"], "单位": unit, "本月数值": None, "本月同比": None,
             "累计数值": None, "累计同比": None} for ind, region, unit in _series(catalog) if region == ""]
    return neutralise_frame(pd.DataFrame(rows))


def to_bulletin_xlsx(frame: pd.DataFrame, year: int, month: int, city: str = "") -> bytes:
    """Return the bulletin as .xlsx (openpyxl), merged title and header as offices write them."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = f"{month}月"
    ws.append([neutralise_cell(BULLETIN_TITLE.format(city=city, year=year, month=month))])
    ws.merge_cells(start_row=1, end_row=1, start_column=1, end_column=6)
    ws.append([])
    ws.append([c or None for c in BULLETIN_TOP])
    ws.append([c or None for c in BULLETIN_SUB])
    for first_row, last_row, first_col, last_col in BULLETIN_MERGES:
        ws.merge_cells(start_row=first_row + 1, end_row=last_row + 1, start_column=first_col + 1,
                       end_column=last_col + 1)
    for row in neutralise_frame(frame).itertuples(index=False, name=None):  # openpyxl runs a text "=…" as a formula
        ws.append([None if pd.isna(v) else v for v in row])
    ws.append([])
    ws.append(["填报单位："])
    ws.append(["填报日期："])
    ws["A1"].font = Font(bold=True, size=14)
    for cell in (*ws[3], *ws[4]):
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 34
    notes = book.create_sheet("填表说明")
    notes.append([BULLETIN_NOTE])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_bulletin_xls(frame: pd.DataFrame, year: int, month: int, city: str = "") -> bytes:
    """Return the bulletin as .xls (Excel 97–2003, xlwt), the same layout as to_bulletin_xlsx."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(f"{month}月")
    bold = xlwt.easyxf("font: bold on; align: horiz center, vert center")
    title = neutralise_cell(BULLETIN_TITLE.format(city=city, year=year, month=month))
    ws.write_merge(0, 0, 0, 5, title, xlwt.easyxf("font: bold on, height 280"))
    merged = {(first_row, first_col) for first_row, _, first_col, _ in BULLETIN_MERGES}
    for first_row, last_row, first_col, last_col in BULLETIN_MERGES:
        text = (BULLETIN_TOP if first_row == 2 else BULLETIN_SUB)[first_col]
        ws.write_merge(first_row, last_row, first_col, last_col, text, bold)
    for col, text in enumerate(BULLETIN_SUB):
        if text and (3, col) not in merged:
            ws.write(3, col, text, bold)
    for r, row in enumerate(neutralise_frame(frame).itertuples(index=False, name=None), start=4):
        for c, value in enumerate(row):
            if not pd.isna(value) and value != "":
                ws.write(r, c, value)
    last = 4 + len(frame)
    ws.write(last + 1, 0, "填报单位：")
    ws.write(last + 2, 0, "填报日期：")
    ws.col(0).width = 34 * 256
    notes = book.add_sheet("填表说明")
    notes.write(0, 0, BULLETIN_NOTE)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
