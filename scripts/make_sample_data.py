"""Write the bundled sample (synthetic, realistic) into data/sample/actuals/ and data/sample/progress/.

The app reads the sample only while data/actuals/ (and data/progress/) hold no file of their own.

2020 is the whole baseline year; 2021 runs January to October, one file per month as
analysts deliver them. Parcels dip at the Spring Festival and peak at Double 11. Some
targets are ahead, some behind. Run: python scripts/make_sample_data.py [DATA_DIR]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

# Share of the year's total in each month (each list sums to 1).
EXPRESS_SHAPE = [0.072, 0.052, 0.082, 0.080, 0.083, 0.088, 0.080, 0.080, 0.085, 0.086, 0.118, 0.094]
POSTAL_SHAPE = [0.076, 0.060, 0.082, 0.081, 0.083, 0.086, 0.081, 0.081, 0.084, 0.085, 0.104, 0.097]

# 2020 totals. Three agree with target / (1 + growth) within 1%; express revenue is 2% off.
BASE_2020 = {"postal_business_volume": 474.2, "postal_business_revenue": 269.8,
             "express_volume": 20.90, "express_revenue": 229.5}
# 2021 year-on-year growth of the monthly figures.
GROWTH_2021 = {"postal_business_volume": 0.155, "postal_business_revenue": 0.035,
               "express_volume": 0.17, "express_revenue": 0.095}
TRAINING = {2020: [100, 20, 150, 160, 170, 190, 140, 130, 180, 190, 220, 200],
            2021: [120, 40, 210, 190, 200, 230, 150, 140, 220, 210]}
NO_REPACK_PCT = [95.1, 93.0, 95.8, 96.2, 96.0, 96.9, 96.4, 96.6, 97.0, 97.3]
VILLAGE_PCT = [96.8, 97.2, 97.5, 97.9, 98.3, 98.6, 98.9, 99.1, 99.3, 99.5]
SBDF_POINT_PCT = [25.0, 27.0, 30.0, 32.0, 34.0, 36.0, 38.0, 39.0, 41.0, 42.5]
BOXES = [15000, 19500, 26000, 31000, 38500, 46000, 55000, 63500, 72000, 81500]
GREEN_OUTLETS = [0, 2, 4, 7, 10, 13, 17, 20, 23, 26]
DEVICE_OUTLETS = [1000, 1030, 1065, 1100, 1130, 1160, 1195, 1225, 1260, 1290]
REGISTERED_OUTLETS = [2400, 2402, 2405, 2405, 2408, 2410, 2412, 2415, 2418, 2420]
WORKSTATIONS = {"市区": [0, 0, 1, 1, 1, 2, 2, 2, 2, 2], "常熟市": [0, 0, 0, 0, 1, 1, 1, 1, 1, 1],
                "张家港市": [0, 0, 0, 0, 0, 0, 0, 1, 1, 1], "昆山市": [0] * 10,
                "太仓市": [0, 0, 0, 1, 1, 1, 1, 1, 1, 1]}
QUARTERLY = {"express_satisfaction": {2020: [76.8, 77.5, 78.2, 78.6], 2021: [77.9, 78.8, 79.4]},
             "universal_service_satisfaction": {2020: [85.1, 85.6, 86.0, 86.3], 2021: [85.4, 85.9, 85.7]}}
MONTHLY_RATES = {"complaint_handling_accuracy": (99.3, 99.5), "complaint_reply_ontime": (98.8, 99.1),
                 "complaint_satisfaction": (96.5, 96.9), "enforcement_disclosure_rate": (92.0, 95.0)}
# (month, indicator as written in the file, region) -> note
NOTES = {(2, "快递业务量", ""): "春节假期，业务量回落", (6, "快递业务量", ""): "“618”电商促销",
         (3, "sbdf_workstations", "市区"): "市区首家工作站挂牌"}
# Shares of 2021 parcel volume by region (a separate regional file: the city rows stay the total).
REGION_SHARES = {"市区": 0.452, "昆山市": 0.221, "常熟市": 0.118, "张家港市": 0.109, "太仓市": 0.100}
FIELDS = ["period", "indicator", "value", "region", "unit", "basis", "note"]


def flows(rng: np.random.Generator) -> dict[str, dict[int, list[float]]]:
    """Return monthly 2020 and 2021 values of the four headline flows, in 亿."""
    out = {}
    for ind, total in BASE_2020.items():
        shape = EXPRESS_SHAPE if ind.startswith("express") else POSTAL_SHAPE
        y2020 = [total * s for s in shape]
        y2021 = [v * (1 + GROWTH_2021[ind]) * (1 + rng.normal(0, 0.012)) for v in y2020[:10]]
        out[ind] = {2020: y2020, 2021: y2021}
    return out


def rows_2020(series: dict) -> list[dict]:
    """Return the baseline-year rows (monthly, in target units)."""
    rows = []
    for m in range(1, 13):
        p = f"2020-{m:02d}"
        for ind, years in series.items():
            unit = "亿件" if ind == "express_volume" else "亿元"
            rows.append(dict(period=p, indicator=ind, value=round(years[2020][m - 1], 4), unit=unit))
        rows.append(dict(period=p, indicator="practitioner_training", value=TRAINING[2020][m - 1], unit="人次"))
        if m % 3 == 0:
            for ind, years in QUARTERLY.items():
                rows.append(dict(period=p, indicator=ind, value=years[2020][m // 3 - 1], unit="分"))
        for ind, (base, _) in MONTHLY_RATES.items():
            rows.append(dict(period=p, indicator=ind, value=base, unit="%"))
    return rows


def rows_2021_month(series: dict, m: int) -> list[dict]:
    """Return one month's 2021 delivery, mixing bases and units the way bulletins do."""
    p, i = f"2021-{m:02d}", m - 1
    pv, pr = series["postal_business_volume"][2021], series["postal_business_revenue"][2021]
    ev, er = series["express_volume"][2021], series["express_revenue"][2021]
    ecommerce = ev[i] * 1e4 * 0.7
    rows = [
        dict(period=p, indicator="postal_business_volume", value=round(pv[i], 4), unit="亿元"),
        # bulletins give revenue and parcels as 1–N月累计 in 万元 / 万件
        dict(period=p, indicator="邮政业务收入", value=round(sum(pr[:m]) * 1e4, 1), unit="万元", basis="ytd"),
        dict(period=p, indicator="快递业务量", value=round(sum(ev[:m]) * 1e4, 1), unit="万件", basis="ytd"),
        dict(period=p, indicator="express_revenue", value=round(er[i], 4), unit="亿元"),
        dict(period=p, indicator="ecommerce_parcels", value=round(ecommerce, 1), unit="万件"),
        dict(period=p, indicator="no_repack_parcels", value=round(ecommerce * NO_REPACK_PCT[i] / 100, 1), unit="万件"),
        dict(period=p, indicator="recyclable_boxes", value=BOXES[i], unit="个"),
        dict(period=p, indicator="green_outlets", value=GREEN_OUTLETS[i], unit="个"),
        dict(period=p, indicator="outlets_with_recycling_device", value=DEVICE_OUTLETS[i], unit="个"),
        dict(period=p, indicator="registered_outlets", value=REGISTERED_OUTLETS[i], unit="个"),
        dict(period=p, indicator="practitioner_training", value=TRAINING[2021][i], unit="人次"),
        dict(period=p, indicator="village_coverage", value=VILLAGE_PCT[i], unit="%"),
        dict(period=p, indicator="sbdf_point_coverage", value=SBDF_POINT_PCT[i], unit="%"),
        dict(period=p, indicator="industry_infections", value=0, unit="例"),
        dict(period=p, indicator="confidential_comm_incidents", value=0, unit="起"),
    ]
    for region, values in WORKSTATIONS.items():
        rows.append(dict(period=p, indicator="sbdf_workstations", value=values[i], region=region, unit="家"))
    if m % 3 == 0:
        for ind, years in QUARTERLY.items():
            rows.append(dict(period=p, indicator=ind, value=years[2021][m // 3 - 1], unit="分"))
    for ind, (_, now) in MONTHLY_RATES.items():
        rows.append(dict(period=p, indicator=ind, value=now, unit="%"))
    for row in rows:
        row["note"] = NOTES.get((m, row["indicator"], row.get("region", "")), "")
    return rows


def rows_2021_regions(series: dict) -> list[dict]:
    """Return monthly parcel volume by region (万件) for January to October 2021."""
    rows = []
    for i, total in enumerate(series["express_volume"][2021]):
        for region, share in REGION_SHARES.items():
            rows.append(dict(period=f"2021-{i + 1:02d}", indicator="express_volume",
                             value=round(total * share * 1e4, 1), region=region, unit="万件"))
    return rows


# Items whose progress the sample sets by hand: (list, number) -> (status in Sep, status in Oct, narrative)
PROGRESS_NOTES = {
    ("work_item", 35): ("behind", "behind", "昆山市主要品牌快递企业工作站尚未挂牌，已约谈企业"),
    ("work_item", 45): ("in_progress", "in_progress", "可循环快递箱投放8.15万个，绿色网点建成26个"),
    ("work_item", 52): ("in_progress", "in_progress", "1–10月培训从业人员1710人次"),
    ("work_item", 12): ("in_progress", "done", "《“十四五”专项规划》已印发"),
    ("livelihood", 1): ("in_progress", "in_progress", "主要品牌建制村通达率99.5%，剩余村点协调中"),
    ("livelihood", 18): ("not_started", "not_started", "技能大赛定于11月举办"),
}
PROGRESS_STATUSES = ["in_progress"] * 11 + ["done"] * 6 + ["not_started", "behind"]
PROGRESS_NARRATIVES = {"in_progress": "按计划推进", "done": "已完成", "not_started": "尚未启动",
                       "behind": "进度滞后，正在督办"}


def progress_rows(tasks_csv: Path, month: int) -> list[dict]:
    """Return one progress row per work-plan item for a month of 2021 (the same statuses every run)."""
    rows = []
    rng = np.random.default_rng(45)
    with tasks_csv.open(encoding="utf-8-sig") as fh:
        for task in csv.DictReader(fh):
            if task.get("year", "") not in ("", "2021"):
                continue
            key = (task["list_type"], int(task["number"]))
            status = PROGRESS_STATUSES[int(rng.integers(len(PROGRESS_STATUSES)))]
            day = int(rng.integers(1, 28))
            text = PROGRESS_NARRATIVES[status]
            if key in PROGRESS_NOTES:
                sep, oct_, text = PROGRESS_NOTES[key]
                status = sep if month == 9 else oct_
            done = f"2021-{10 if key in PROGRESS_NOTES else 9:02d}-{day:02d}" if status == "done" else ""
            rows.append(dict(period=f"2021-{month:02d}", item=task["key"], status=status, narrative=text,
                             completion_date=done))
    return rows


def write(path: Path, rows: list[dict]) -> None:
    """Write rows as a canonical UTF-8 actuals CSV."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in FIELDS})


def main(data_dir: Path) -> None:
    """Write sample_2020.csv and sample_2021-01.csv … sample_2021-10.csv."""
    out = data_dir / "sample" / "actuals"
    out.mkdir(parents=True, exist_ok=True)
    series = flows(np.random.default_rng(2021))
    write(out / "sample_2020.csv", rows_2020(series))
    for m in range(1, 11):
        write(out / f"sample_2021-{m:02d}.csv", rows_2021_month(series, m))
    write(out / "sample_2021_regions.csv", rows_2021_regions(series))
    if (data_dir / "tasks.csv").exists():
        progress = data_dir / "sample" / "progress"
        progress.mkdir(parents=True, exist_ok=True)
        for month in (9, 10):
            with (progress / f"sample_progress_2021-{month:02d}.csv").open("w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=["period", "item", "status", "narrative", "completion_date"])
                writer.writeheader()
                writer.writerows(progress_rows(data_dir / "tasks.csv", month))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data")
