"""Templates analysts fill in: long and wide, CSV and XLSX, pre-filled with ids, names and units."""

from __future__ import annotations

import io

import pandas as pd

from lib.catalog import Catalog
from lib.safety import neutralise_frame


def _series(catalog: Catalog) -> list[tuple[str, str, str]]:
    """Return (indicator id, region, unit) for every series analysts report, in file order."""
    out: list[tuple[str, str, str]] = []
    regional = catalog.targets[catalog.targets["region"] != ""]
    for ind, row in catalog.indicators.iterrows():
        regions = list(dict.fromkeys(regional.loc[regional["indicator"] == ind, "region"])) or [""]
        out += [(str(ind), r, row["unit"]) for r in regions]
    return out


def long_template(catalog: Catalog, period: str) -> pd.DataFrame:
    """Return the long template: one row per indicator (and region) for one month."""
    rows = [{"period": period, "indicator": catalog.indicators.at[ind, "name_zh"], "value": "", "region": region,
             "unit": unit, "basis": "month", "note": "", "代码(id)": ind} for ind, region, unit in _series(catalog)]
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
