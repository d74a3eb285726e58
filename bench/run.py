"""Benchmarks against the floor and against DuckDB; writes bench/RESULTS.md. Run with `make bench`.

Each figure is a median over repeated runs; ratios are measured in the same run.
  python bench/run.py            everything (a few minutes)
  python bench/run.py --quick    fewer repeats, no 1-million-row intake, no browser
  python bench/run.py --only browser commands    those sections alone (each writes what it needs)
Every run that measures appends a line to bench/history.jsonl (bench/history.py) and prints the figures more than
15 % worse than the best recorded on the same kind of machine.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime as dt
import itertools
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.request
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import duckdb  # noqa: E402
import history  # noqa: E402 (bench/history.py)
import pandas as pd  # noqa: E402

from lib import config, intake  # noqa: E402
from lib.cards import build_card  # noqa: E402
from lib.catalog import load_catalog  # noqa: E402
from lib.charts import completion_chart  # noqa: E402
from lib.dataset import open_dataset  # noqa: E402
from lib.deepdive import indicator_view  # noqa: E402
from lib.engine import scorecard, status_counts  # noqa: E402
from lib.folders import actuals_files, actuals_source  # noqa: E402
from lib.i18n import status_label, t  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def median_s(fn, repeat: int) -> float:
    """Return the median wall time of fn over repeat runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def write_floor_data(data_dir: Path) -> None:
    """Write the floor page's precomputed figure and metric values from the engine's output."""
    ds = open_dataset(data_dir)
    scores = scorecard(ds, 2021, 10)
    counts = status_counts(scores)
    cards = [build_card(s, 2021, 10, "zh") for s in scores]
    (ROOT / "bench" / ".floor.json").write_text(json.dumps({
        "title": t("overview_title"),
        "counts": [[status_label(k, "zh"), v] for k, v in counts.items()],
        "figure": completion_chart(scores).to_json(),
        "cards": [{"label": c.target_text, "value": c.value, "delta": c.delta, "lines": "  \n".join(c.lines)}
                  for c in cards],
    }, ensure_ascii=False), encoding="utf-8")


def script_runs(data_dir: Path, repeat: int) -> dict:
    """Return cold and warm server-side run times of the overview and of the floor page (AppTest)."""
    import logging

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit").setLevel(logging.ERROR)

    os.environ["KPI_DATA_DIR"] = str(data_dir)
    write_floor_data(data_dir)

    def cold(path: str, cache: str) -> float:
        os.environ["KPI_CACHE_DIR"] = cache
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(path, default_timeout=120)
        start = time.perf_counter()
        at.run()
        assert not at.exception, at.exception
        return time.perf_counter() - start

    # Cold: a server's first run after a start, its data unchanged since it last ran (the loaded data read back from
    # the cache folder, lib/loadcache.py; one run first fills it); cold on new content: the first run after a file
    # changed (no entry: every file read and checked again).
    kept = tempfile.mkdtemp(prefix="kpi-bench-cache-")
    cold(str(ROOT / "app.py"), kept)
    # Overview and floor runs alternate, so a slower stretch of this shared machine hits both alike.
    paths = {"overview": str(ROOT / "app.py"), "floor": str(ROOT / "bench" / "floor_app.py")}
    cold_times: dict[str, list[float]] = {name: [] for name in paths}
    new_content: list[float] = []
    for _ in range(repeat):
        for name, path in paths.items():
            cold_times[name].append(cold(path, kept))
        new_content.append(cold(paths["overview"], "off"))
    os.environ["KPI_CACHE_DIR"] = "off"
    shutil.rmtree(kept, ignore_errors=True)
    tests = {name: AppTest.from_file(path, default_timeout=120) for name, path in paths.items()}
    for at in tests.values():
        at.run()
    warm_times: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(repeat * 8):
        for name, at in tests.items():
            warm_times[name].append(median_s(at.run, 1))
    runs = {name: {"cold": statistics.median(cold_times[name]), "warm": statistics.median(warm_times[name])}
            for name in paths}
    runs["overview"]["cold_new_content"] = statistics.median(new_content)
    return runs


def scaled_data(base: Path, out: Path, years: int, regions: bool) -> int:
    """Write a data directory with targets for `years` years and the sample repeated into each; return rows."""
    shutil.copytree(base, out)
    for path in actuals_files(actuals_source(base)):  # the sample beside the scaled files, as one actuals folder
        shutil.copy(path, out / "actuals" / path.name)
    targets = pd.read_csv(base / "targets.csv", dtype=str, keep_default_na=False)
    year_rows = targets[targets["year"] == "2021"]
    extra = []
    for y in range(2021 - years + 1, 2021):
        copy = year_rows.copy()
        copy["year"] = str(y)
        copy["baseline_year"] = copy["baseline_year"].map(lambda b, y=y: str(y - 1) if b else b)
        copy["id"] = copy["id"]
        extra.append(copy)
    pd.concat([targets, *extra]).to_csv(out / "targets.csv", index=False)
    sample = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False)
                        for p in sorted(actuals_source(base).glob("sample_2021-*.csv"))])
    sample = sample[sample["region"] == ""] if regions else sample
    region_names = ["姑苏区", "虎丘区", "吴中区", "相城区", "吴江区", "苏州工业园区", "常熟市", "张家港市", "昆山市",
                    "太仓市", "市区"] if regions else [None]
    rows = 0
    for y in range(2021 - years, 2021):
        frame = sample.copy()
        frame["period"] = frame["period"].str.replace("2021", str(y))
        parts = []
        for region in region_names:
            part = frame.copy()
            if region:
                part = part[~part["indicator"].isin(["village_coverage", "sbdf_point_coverage",
                                                     "complaint_handling_accuracy", "complaint_reply_ontime",
                                                     "complaint_satisfaction", "enforcement_disclosure_rate",
                                                     "express_satisfaction", "universal_service_satisfaction"])]
                part["region"] = region
            parts.append(part)
        block = pd.concat(parts)
        block.to_csv(out / "actuals" / f"scaled_{y}.csv", index=False)
        rows += len(block)
    return rows


def scale(base: Path, tmp: Path, repeat: int) -> list[dict]:
    """Return load, scorecard and deep-dive time and peak memory for 1×, 10× and 100× data."""
    sizes = []
    for label, years, regions in (("1× (sample)", 0, False), ("10× (10 years × 11 regions)", 10, True),
                                  ("100× (100 years × 11 regions)", 100, True)):
        data = tmp / f"scale_{years}" if years else base
        rows = scaled_data(base, data, years, regions) if years else 0
        rows += sum(len(pd.read_csv(p)) for p in actuals_files(actuals_source(base)))
        load = median_s(lambda data=data: open_dataset(data), repeat)
        tracemalloc.start()
        ds = open_dataset(data)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        sizes.append({"data": label, "rows": rows, "load_s": load, "peak_mb": peak / 1e6, "ds": ds})
    # Scorecard and deep-dive runs take milliseconds: the sizes alternate over many rounds, so a slower
    # stretch of this shared machine hits every size alike and the ratios compare like with like.
    times: dict[int, dict[str, list[float]]] = {i: {"scorecard_s": [], "indicator_s": []} for i in range(len(sizes))}
    for _ in range(repeat * 8):
        for i, size in enumerate(sizes):
            times[i]["scorecard_s"].append(median_s(lambda ds=size["ds"]: scorecard(ds, 2021, 10), 1))
            times[i]["indicator_s"].append(
                median_s(lambda ds=size["ds"]: indicator_view(ds, 2021, 10, "express_volume"), 1))
    return [{**{k: v for k, v in size.items() if k != "ds"},
             **{name: statistics.median(values) for name, values in times[i].items()}}
            for i, size in enumerate(sizes)]


def intake_speed(base: Path, tmp: Path, sizes: list[int], repeat: int) -> list[dict]:
    """Return validate and import times of our intake against DuckDB's read_csv of the same file, per size."""
    from lib import store
    from lib.access import Principal

    catalog = load_catalog(base)
    results = []
    limit = config.MAX_ACTUALS_FILE_BYTES
    config.MAX_ACTUALS_FILE_BYTES = 10**9  # the 1-million-row file is larger than analysts may upload
    regions = ["", "市区", "常熟市", "张家港市", "昆山市", "太仓市", "姑苏区", "虎丘区", "吴中区", "相城区", "吴江区"]
    try:
        for n in sizes:
            # validate: distinct (indicator, region, month) keys over many years, checked without context;
            # import: the months of 2020-2021 the app takes, so the larger files repeat keys and are refused
            valid_years = itertools.product(range(1901, 2200), range(1, 13), regions, list(catalog.indicators.index))
            in_use = itertools.cycle(itertools.product((2020, 2021), range(1, 13), regions,
                                                       list(catalog.indicators.index)))
            paths = {}
            for label, keys in (("validate", valid_years), ("import", in_use)):
                path = paths[label] = tmp / f"intake_{label}_{n}.csv"
                with path.open("w", encoding="utf-8") as fh:
                    fh.write("period,indicator,value,region,unit,basis,note\n")
                    for i, (year, month, region, ind) in enumerate(itertools.islice(keys, n)):
                        fh.write(f"{year}-{month:02d},{ind},{i % 97 + 1},{region},,,\n")
            data = paths["validate"].read_bytes()
            reps = 3 if n >= 1_000_000 else repeat
            where = paths["validate"]
            # One run of each first, timed apart: the server is warm when it reads a file (its allocator has the
            # pages, the sandbox worker is up); the first run in a fresh process pays for those once.
            first = median_s(lambda data=data: intake.parse("f.csv", data, catalog), 1)
            first_count = median_s(lambda p=where: duckdb.sql(f"SELECT count(*) FROM read_csv('{p}')").fetchall(), 1)
            # ours and DuckDB's count alternate, a pair at a time, so that a busy stretch of a shared machine slows
            # both sides of a ratio alike; the ratio is the median of the pairs' ratios (their range beside it)
            pairs = [(median_s(lambda data=data: intake.parse("f.csv", data, catalog), 1),
                      median_s(lambda p=where: duckdb.sql(f"SELECT count(*) FROM read_csv('{p}')").fetchall(), 1))
                     for _ in range(max(reps, 5))]
            ours, count = statistics.median(o for o, _ in pairs), statistics.median(c for _, c in pairs)
            ratios = [o / c for o, c in pairs]
            frame = median_s(lambda p=where: duckdb.sql(f"SELECT * FROM read_csv('{p}')").df(), reps)
            import_times, outcome = [], None
            for _ in range(reps):
                data_dir = tmp / f"import_{n}"
                shutil.rmtree(data_dir, ignore_errors=True)
                shutil.copytree(base, data_dir, ignore=shutil.ignore_patterns("submissions", "rejected"))
                upload = paths["import"].read_bytes()
                start = time.perf_counter()
                outcome = store.import_file(data_dir, f"import_{n}.csv", upload, Principal.command_line("bench"),
                                            today=dt.date(2021, 12, 31))
                import_times.append(time.perf_counter() - start)
            results.append({"rows": n, "ours_s": ours, "duckdb_s": count, "duckdb_frame_s": frame,
                            "ours_first_s": first, "duckdb_first_s": first_count,
                            "ratio": statistics.median(ratios), "ratio_range": [min(ratios), max(ratios)],
                            "ratio_frame": ours / frame,
                            "import_s": statistics.median(import_times), "import_accepted": outcome.parsed.accepted,
                            "import_listed": len(outcome.parsed.problems),
                            "import_unlisted": outcome.parsed.unlisted})
    finally:
        config.MAX_ACTUALS_FILE_BYTES = limit
    return results


def openpyxl_grid(data: bytes) -> list[list[str]]:
    """Return the first sheet's cells as the intake read them before calamine (openpyxl, read-only): the baseline."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = book[book.sheetnames[0]]
        return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(min_row=1, values_only=True)]
    finally:
        book.close()


def workbook_speed(base: Path, tmp: Path, rows: int, repeat: int) -> dict:
    """Return read and validate times of a large long-layout .xlsx: calamine (ours) against openpyxl (before)."""
    import openpyxl

    from lib.intake import read_workbook

    catalog = load_catalog(base)
    indicators = list(catalog.indicators.index)
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("数据")
    ws.append(["period", "indicator", "value", "region", "unit", "basis", "note"])
    keys = itertools.product(range(1901, 2200), range(1, 13), indicators)
    for i, (year, month, ind) in enumerate(itertools.islice(keys, rows)):
        ws.append([f"{year}-{month:02d}", ind, i % 97 + 1, "", "", "", ""])
    path = tmp / f"workbook_{rows}.xlsx"
    book.save(path)
    data = path.read_bytes()
    ours = median_s(lambda: read_workbook(data), repeat)
    before = median_s(lambda: openpyxl_grid(data), repeat)
    validate = median_s(lambda: intake.parse("w.xlsx", data, catalog), repeat)
    return {"rows": rows, "cells": rows * 7, "bytes": len(data), "calamine_read_s": ours, "openpyxl_read_s": before,
            "validate_s": validate}


# A fresh process checks one file and reports its time and the peak memory above what was held before, of itself
# and of the sandbox worker that read the file (Linux: the peak is reset through /proc/PID/clear_refs); the
# workbook reader's own memory (Rust) is not seen by tracemalloc.
_COST_SCRIPT = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from lib import sandbox
from lib.catalog import load_catalog
from lib.intake import parse

def memory_mb(key, pid="self"):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    except OSError:
        return float("nan")  # the worker was ended by a limit

def reset(pid="self"):
    open(f"/proc/{pid}/clear_refs", "w").write("5")  # the peak (VmHWM) starts again from what is held now
    return memory_mb("VmRSS", pid)

if __name__ == "__main__":
    catalog = load_catalog(Path(sys.argv[1]) / "data")
    path = Path(sys.argv[2])
    data = path.read_bytes()
    parse("warm.csv", b"period,indicator,value\\n2021-01,green_outlets,1\\n", catalog)  # a warm worker
    worker = sandbox.workers()[0]
    before, worker_before = reset(), reset(worker)
    start = time.perf_counter()
    parsed = parse(path.name, data, catalog)
    took = time.perf_counter() - start
    print(json.dumps({"s": took, "mb": memory_mb("VmHWM") - before,
                      "worker_mb": memory_mb("VmHWM", worker) - worker_before,
                      "code": parsed.errors[0].code if parsed.errors else "ok"}))
"""


def sandbox_cost(repeat: int) -> dict:
    """Return what reading a normal file in a sandbox worker adds to reading it in this process (the median of
    each, the same internal reader timed both ways), the cost of the first read (the fork server and a worker
    started) and of replacing a worker that died, and an idle worker's memory."""
    import io

    import openpyxl

    from lib import sandbox
    from lib.intake import reading
    from lib.plan import documents

    sample = sorted((ROOT / "data" / "sample" / "actuals").glob("*.csv"))[0]
    book = openpyxl.Workbook()
    book.active.append(["period", "indicator", "value"])
    for month in range(1, 11):
        book.active.append([f"2021-{month:02d}", "green_outlets", 10 + month])
    buffer = io.BytesIO()
    book.save(buffer)
    plan = (ROOT / "tests" / "fixtures" / "plan_2022.txt").read_bytes()
    bulletin = (ROOT / "tests" / "fixtures" / "office" / "bulletin_2021-11.xlsx").read_bytes()
    cases = [(f"CSV, {len(sample.read_bytes()):,} bytes (a sample month)", reading._read_text_cells,
              sample.read_bytes()),
             (f".xlsx, {len(buffer.getvalue()):,} bytes (ten months)", reading._read_workbook, buffer.getvalue()),
             (f".xlsx bulletin from LibreOffice, {len(bulletin):,} bytes", reading._read_workbook, bulletin),
             (f"plan text, {len(plan):,} bytes", documents.read_document_bytes, plan)]
    cold = subprocess.run([sys.executable, "-c", "import sys, time; sys.path.insert(0, sys.argv[1]); "
                           "from lib import sandbox; from lib.intake import reading; t = time.perf_counter(); "
                           "sandbox.run(reading.decode_bytes, b'x'); print(time.perf_counter() - t)", str(ROOT)],
                          capture_output=True, text=True, timeout=120, check=True)
    rows = []
    for label, reader, data in cases:
        args = (data,) if reader is not documents.read_document_bytes else ("plan.txt", data)
        sandbox.run(reader, *args)
        inside = median_s(lambda reader=reader, args=args: reader(*args), repeat)
        sandboxed = median_s(lambda reader=reader, args=args: sandbox.run(reader, *args), repeat)
        rows.append({"file": label, "in_process_s": inside, "sandboxed_s": sandboxed, "added_s": sandboxed - inside})
    from tests import sandbox_tasks

    replaced = []
    for _ in range(5):
        with contextlib.suppress(sandbox.Stopped):
            sandbox.run(sandbox_tasks.abort)
        start = time.perf_counter()
        sandbox.run(reading.decode_bytes, b"x")
        replaced.append(time.perf_counter() - start)
    idle = [rss_mb(pid) for pid in sandbox.workers()]
    return {"files": rows, "cold_s": float(cold.stdout.strip().splitlines()[-1]),
            "replace_s": statistics.median(replaced), "worker_rss_mb": max(idle) if idle else float("nan")}


def worst_files(tmp: Path) -> list[tuple[str, Path]]:
    """Write the costliest files the intake may be given: hostile ones over a limit, and the largest within them."""
    import io
    import struct
    import zlib

    import openpyxl

    def corner(far: str) -> bytes:
        book = openpyxl.Workbook()
        book.active["A1"], book.active[far] = "月份", 1
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(b"a" * 2**20) + packer.flush(zlib.Z_FULL_FLUSH)
    bomb = block * 1024 + packer.flush()  # 1 GiB of 'a' in about 1 MB
    name = b"xl/sharedStrings.xml"

    def lying_zip(declared: int) -> bytes:  # one part, its inflated size declared as `declared`
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, 0, len(bomb), declared, len(name), 0)
        central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, 0, len(bomb), declared,
                              len(name), 0, 0, 0, 0, 0, 0)
        end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central) + len(name), len(local) + len(name)
                          + len(bomb), 0)
        return local + name + bomb + central + name + end

    side = int(config.MAX_WORKBOOK_CELLS ** 0.5)  # the largest sheet allowed: side × side cells, all but two blank
    files = {
        "shared strings: 1 GiB in 1 MB, size declared": lying_zip(2**30),
        "shared strings: 1 GiB in 1 MB, size hidden": lying_zip(1000),
        "two cells at A1 and XFD1048576 (5 KB)": corner("XFD1048576"),
        f"largest sheet allowed ({side}×{side} grid, 2 cells)":
            corner(f"{openpyxl.utils.get_column_letter(side)}{side}"),
        "CSV with 200,000 columns (1.9 MB)": ("月份," + ",".join(f"c{i}" for i in range(200_000)) + "\n").encode()
        + b"2021-11" + b",1" * 200_000 + b"\n",
    }
    out = []
    for i, (label, data) in enumerate(files.items()):
        path = tmp / f"worst_{i}.{'csv' if label.startswith('CSV') else 'xlsx'}"
        path.write_bytes(data)
        out.append((label, path))
    return out


def worst_case_costs(tmp: Path) -> list[dict]:
    """Return the time and peak memory of checking each of the costliest files, each in a fresh process."""
    results = []
    for label, path in worst_files(tmp):
        done = subprocess.run([sys.executable, "-c", _COST_SCRIPT, str(ROOT), str(path)], capture_output=True,
                              text=True, timeout=600, check=True)
        results.append({"file": label, **json.loads(done.stdout.strip().splitlines()[-1])})
    return results


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(script: Path, data_dir: Path) -> tuple[subprocess.Popen, str]:
    """Start a Streamlit server on 127.0.0.1; return the process and its URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT,
                            env={**os.environ, "KPI_DATA_DIR": str(data_dir)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def rss_mb(pid: int) -> float:
    """Return a process's resident memory in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def sessions(base: Path) -> dict:
    """Return server-side run times and memory for 1 and 20 concurrent websocket sessions rerunning the overview."""
    from load import run_sessions

    write_floor_data(base)
    floor_proc, floor_url = serve(ROOT / "bench" / "floor_app.py", base)
    proc, url = serve(ROOT / "app.py", base)
    try:
        run_sessions(floor_url, sessions=1, seconds=3, path="")  # warm-up
        run_sessions(url, sessions=1, seconds=3)
        # One session on each server, in alternating 2-second windows: a slower stretch of this shared
        # machine hits both pages alike. The ratio compares the medians of the windows' medians.
        windows: dict[str, list[float]] = {"floor": [], "overview": []}
        for _ in range(6):
            windows["floor"].append(run_sessions(floor_url, sessions=1, seconds=2, path="")["median_s"])
            windows["overview"].append(run_sessions(url, sessions=1, seconds=2)["median_s"])
        floor_proc.terminate()
        floor_proc.wait(timeout=20)
        floor = {"median_s": statistics.median(windows["floor"]), "errors": []}
        alternated = statistics.median(windows["overview"])
        one = run_sessions(url, sessions=1, seconds=10)
        rss_1 = rss_mb(proc.pid)
        twenty = run_sessions(url, sessions=20, seconds=30)
        rss_20 = rss_mb(proc.pid)
        again = run_sessions(url, sessions=20, seconds=30)  # memory must not grow from one round to the next
        rss_again = rss_mb(proc.pid)
        # People reading between their reruns: one alone, then twenty (a run after a pause is slower than one back to
        # back, its caches cold: the aim compares like with like).
        paced_one = run_sessions(url, sessions=1, seconds=41, pause=5.0)
        paced = run_sessions(url, sessions=20, seconds=41, pause=5.0)
        time.sleep(3)
        counted = {name: r | {"errors": len(r["errors"])}
                   for name, r in (("floor", floor), ("one", one), ("twenty", twenty), ("again", again),
                                        ("paced_one", paced_one), ("paced", paced))}
        return counted | {"overview_alternated_s": alternated, "rss_1_mb": rss_1, "rss_20_mb": rss_20,
                          "rss_20_again_mb": rss_again, "rss_after_mb": rss_mb(proc.pid)}
    finally:
        for server in (floor_proc, proc):
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=20)


def browser(base: Path, repeat: int) -> dict:
    """Return browser times to all charts drawn (ours vs floor), and server memory with 1 and 20 sessions."""
    from playwright.sync_api import sync_playwright

    write_floor_data(base)  # the floor page's figure: this section may run alone (--only browser)
    out: dict = {}
    servers = {name: serve(script, base) for name, script in (("overview", ROOT / "app.py"),
                                                                  ("floor", ROOT / "bench" / "floor_app.py"))}
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS)
            # The two pages load in turn, as the sessions section's windows alternate: a slower stretch of this shared
            # machine hits both alike (one page's loads after the other's moved the ratio by several hundredths).
            times: dict[str, list[float]] = {name: [] for name in servers}
            for _ in range(repeat + 1):
                for name, (_, url) in servers.items():
                    page = b.new_page(viewport={"width": 1440, "height": 900})
                    start = time.perf_counter()
                    page.goto(url)
                    page.wait_for_selector('[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg', timeout=60_000)
                    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
                    times[name].append(time.perf_counter() - start)
                    page.close()
            for name, taken in times.items():
                out[name] = statistics.median(taken[1:])  # the first load warms the server
            proc, url = servers["overview"]
            out["rss_1_session_mb"] = rss_mb(proc.pid)
            pages, render = [], []
            start_all = time.perf_counter()
            for _ in range(20):
                page = b.new_page(viewport={"width": 1280, "height": 800})
                t0 = time.perf_counter()
                page.goto(url)
                pages.append((page, t0))
            errors = 0
            for page, t0 in pages:
                try:
                    page.wait_for_selector('[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg', timeout=120_000)
                    render.append(time.perf_counter() - t0)
                except Exception:
                    errors += 1
            out["sessions_20_wall_s"] = time.perf_counter() - start_all
            out["sessions_20_p95_s"] = sorted(render)[int(0.95 * (len(render) - 1))] if render else None
            out["sessions_20_errors"] = errors
            out["rss_20_sessions_mb"] = rss_mb(proc.pid)
            for page, _ in pages:
                page.close()
            time.sleep(3)
            out["rss_after_close_mb"] = rss_mb(proc.pid)
            b.close()
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait(timeout=20)
    return out


def exports(base: Path, repeat: int) -> dict:
    """Return the warm PNG time per chart and the whole PPTX build time."""
    from lib import export

    ds = open_dataset(base)
    meeting = export.meeting(ds, 2021, 10)
    views = meeting.views()
    export.view_png(meeting, meeting.view("overview"))  # starts the browser once
    png = median_s(lambda: export.view_png(meeting, meeting.view("express_volume")), repeat)
    deck = median_s(lambda: export.build_deck(ds, 2021, 10, m=meeting), max(1, repeat // 2))
    return {"png_per_chart_s": png, "pptx_s": deck, "charts": len(views)}


# The floor of a command line run: the two libraries every command needs, imported by a fresh Python.
COMMAND_FLOOR = ["-c", "import duckdb, pandas"]
NOTHING_KEPT = "{} (cold: no file read before)"
COMMAND_AIMS = ("report", "import")  # the commands with an aim: ≤ 1 s whole-process on an idle machine, ≤ 2× the floor


def commands(base: Path, tmp: Path, repeat: int) -> list[dict]:
    """Return each command's whole-process time (python -m lib.cli …, a fresh process from start to exit) against
    the floor: a fresh Python importing duckdb and pandas. The runs alternate, so a slower stretch of this shared
    machine hits the floor and every command alike. import stores a normal month (the sample's October as
    November) into a fresh copy of the data each time."""
    month = (actuals_source(base) / "sample_2021-10.csv").read_text(encoding="utf-8-sig").replace("2021-10", "2021-11")
    upload = tmp / "2021年11月快报.csv"
    upload.write_text(month, encoding="utf-8")
    outbox = tmp / "outbox"

    def fresh_copy() -> Path:
        data = tmp / "commands_data"
        shutil.rmtree(data, ignore_errors=True)
        shutil.copytree(base, data, ignore=shutil.ignore_patterns("audit", "backups", "submissions", "rejected"))
        return data

    # A command is timed as it runs once installed: Python keeps lib/'s bytecode after its first run, as pip compiled
    # the floor's libraries when it installed them (a session here may set PYTHONDONTWRITEBYTECODE, which would have
    # every run compile lib/ again).
    compileall.compile_dir(str(ROOT / "lib"), quiet=1)
    report_cmd = lambda data: ["-m", "lib.cli", "report", "--data-dir", str(data)]  # noqa: E731
    import_cmd = lambda data: ["-m", "lib.cli", "import", str(upload), "--data-dir", str(data)]  # noqa: E731
    runs = {"floor (python -c 'import duckdb, pandas')": lambda data: COMMAND_FLOOR,
            "report": report_cmd,
            "validate": lambda data: ["-m", "lib.cli", "validate", str(upload), "--data-dir", str(data)],
            "import": import_cmd,
            "digest --no-charts": lambda data: ["-m", "lib.cli", "digest", "--no-charts", "--data-dir", str(data),
                                                "--out", str(outbox), "--secrets", str(tmp / "none.toml")],
            NOTHING_KEPT.format("report"): report_cmd, NOTHING_KEPT.format("import"): import_cmd}
    # The files a command read before are kept (lib/parsed_cache.py) in a folder of this run's own: the first run
    # fills it, as a user's first command does; the rows "no file read before (cold)" start from an empty one each time.
    kept = tmp / "commands_cache"
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, argv in runs.items():
            data = fresh_copy()
            cache = Path(tempfile.mkdtemp(dir=tmp)) if name.endswith(NOTHING_KEPT.format("")) else kept
            start = time.perf_counter()
            done = subprocess.run([sys.executable, *argv(data)], cwd=ROOT, capture_output=True, timeout=300,
                                  env={**os.environ, "KPI_DATA_DIR": str(data), "KPI_CACHE_DIR": str(cache)})
            times[name].append(time.perf_counter() - start)
            if done.returncode != 0:
                raise RuntimeError(f"{name} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    floor = statistics.median(times[next(iter(runs))])
    return [{"command": name, "s": statistics.median(values), "ratio": statistics.median(values) / floor}
            for name, values in times.items()]


def versions() -> str:
    """Return the machine and the versions measured on."""
    names = ["streamlit", "pandas", "duckdb", "plotly", "kaleido", "python-pptx", "playwright"]
    pkgs = ", ".join(f"{n} {metadata.version(n)}" for n in names)
    return (f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; {pkgs}; "
            f"{time.strftime('%Y-%m-%d')}")


def report(results: dict) -> str:
    """Return RESULTS.md."""
    lines = ["# Benchmark results", "", f"Measured on: {versions()}", "",
             "Medians over repeated runs; ratios measured in the same run (`make bench`).", ""]
    s = results.get("script")
    if s:
        lines += ["## Overview script run (server side, AppTest) against the floor page", "",
                  "| | overview | floor | ratio | aim |", "|---|---|---|---|---|",
                  f"| cold | {s['overview']['cold']:.3f} s | {s['floor']['cold']:.3f} s | "
                  f"{s['overview']['cold'] / s['floor']['cold']:.2f}× | ≤ 2× |",
                  *([f"| cold, on new content (no entry kept) | {s['overview']['cold_new_content']:.3f} s | "
                     f"{s['floor']['cold']:.3f} s | {s['overview']['cold_new_content'] / s['floor']['cold']:.2f}× | |"]
                    if "cold_new_content" in s["overview"] else []),
                  f"| warm | {s['overview']['warm']:.3f} s | {s['floor']['warm']:.3f} s | "
                  f"{s['overview']['warm'] / s['floor']['warm']:.2f}× | ≤ 1.2× |", ""]
    if results.get("scale"):
        base = results["scale"][0]
        lines += ["## Scale", "", "| data | rows | load | scorecard | indicator page | peak memory (load) | "
                  "scorecard vs 1× |", "|---|---|---|---|---|---|---|"]
        for r in results["scale"]:
            lines.append(f"| {r['data']} | {r['rows']:,} | {r['load_s']:.3f} s | {r['scorecard_s']:.3f} s | "
                         f"{r['indicator_s']:.3f} s | {r['peak_mb']:.1f} MB | "
                         f"{r['scorecard_s'] / base['scorecard_s']:.2f}× |")
        lines.append("")
    if results.get("intake"):
        lines += ["## Intake against DuckDB's read_csv of the same file", "",
                  "Validate: our whole check of the file (read in a sandbox worker, every cell, duplicates) into "
                  "canonical rows. DuckDB: `SELECT count(*) FROM read_csv(...)` (reads without keeping the rows) "
                  "and `SELECT * FROM read_csv(...)` into a pandas frame (what our validate also produces). Medians "
                  "after one run of each; validate and count alternate, and their ratio is the median of the pairs' "
                  "ratios (range in brackets). The first runs are in the last columns (the first in the process: "
                  "its allocator grows, as a server's did long before).", "",
                  "| rows | validate | DuckDB count | ratio | DuckDB to frame | ratio | aim | first runs: ours, "
                  "DuckDB count |", "|---|---|---|---|---|---|---|---|"]
        lines += [f"| {r['rows']:,} | {r['ours_s']:.3f} s | {r['duckdb_s']:.3f} s | {r['ratio']:.1f}×"
                  + (f" ({r['ratio_range'][0]:.1f}–{r['ratio_range'][1]:.1f})" if "ratio_range" in r else "") + " | "
                  f"{r.get('duckdb_frame_s', float('nan')):.3f} s | {r.get('ratio_frame', float('nan')):.1f}× | ≤ 5× | "
                  f"{r.get('ours_first_s', float('nan')):.3f} s, {r.get('duckdb_first_s', float('nan')):.3f} s |"
                  for r in results["intake"]]
        if all("import_s" in r for r in results["intake"]):
            lines += ["", "Import (validate against the data already loaded, then store all or nothing) into a copy "
                      "of the sample data. At most 7,656 distinct months exist for 2020–2021 (29 indicators × 11 "
                      "regions × 24 months), so the larger files repeat keys and are refused: the first 1000 "
                      "problems are listed row by row, the rest counted, and the file is kept in rejected/.", "",
                      "| rows | import | outcome |", "|---|---|---|"]
            lines += [f"| {r['rows']:,} | {r['import_s']:.3f} s | "
                      + ("stored" if r["import_accepted"] else
                         f"refused: {r['import_listed']} problems listed, {r['import_unlisted']:,} more counted") + " |"
                      for r in results["intake"]]
        lines.append("")
    wb = results.get("workbook")
    if wb:
        sp = wb["speed"]
        lines += ["## Workbooks: calamine against openpyxl, and the cost of the worst files", "",
                  f"A long-layout .xlsx of {sp['rows']:,} rows ({sp['cells']:,} cells, {sp['bytes'] / 1e6:.1f} MB): "
                  f"reading its cells with calamine (ours, the guard's checks included) {sp['calamine_read_s']:.2f} s, "
                  f"with openpyxl read-only (the reader before) {sp['openpyxl_read_s']:.2f} s: "
                  f"{sp['openpyxl_read_s'] / sp['calamine_read_s']:.1f}× faster; the whole check (validate) "
                  f"{sp['validate_s']:.2f} s.", "",
                  "Each file checked in a fresh process; memory is the peak resident memory while checking it, above "
                  "what was held before, of the process (the server's part) and of the sandbox worker that read it "
                  "(the reader's own allocations included). The limits are in lib/config.py.", "",
                  "| file | outcome | time | peak memory: process | worker |", "|---|---|---|---|---|"]
        lines += [f"| {r['file']} | {r['code']} | {r['s']:.3f} s | {r['mb']:.0f} MB | "
                  f"{r.get('worker_mb', float('nan')):.0f} MB |" for r in wb["worst"]]
        lines.append("")
    sb = results.get("sandbox")
    if sb:
        lines += ["## The sandbox: what reading in a worker adds", "",
                  "Every reader of a file someone brought runs in a warm worker process (lib/sandbox.py) under "
                  "limits. Each file below read by the same internal reader in this process and through the "
                  "sandbox (bytes in and results out; median of each):", "",
                  "| file | in this process | in a worker | added | aim |", "|---|---|---|---|---|"]
        lines += [f"| {r['file']} | {r['in_process_s'] * 1000:.1f} ms | {r['sandboxed_s'] * 1000:.1f} ms | "
                  f"{r['added_s'] * 1000:.1f} ms | ≤ 100 ms |" for r in sb["files"]]
        lines += ["", f"The first read of a process starts the fork server (it imports the readers once) and a "
                  f"worker: {sb['cold_s']:.2f} s. A worker that died (SIGABRT) is replaced by the next read: "
                  f"{sb['replace_s'] * 1000:.0f} ms for that read. An idle worker holds {sb['worker_rss_mb']:.0f} MB "
                  "resident (mostly pages shared with the fork server).", ""]
    w = results.get("sessions")
    if w:
        lines += ["## Concurrent sessions (Streamlit's websocket, no browser)", "",
                  "Each session asks for an overview run, waits for it to finish, and asks again until the time is "
                  "up; the time is the server's, from request to the run's end (`bench/load.py`).", "",
                  "| sessions | time | runs | median run | p95 run | errors | server RSS |",
                  "|---|---|---|---|---|---|---|"]
        for label, r, rss in (("1", w["one"], w["rss_1_mb"]), ("20", w["twenty"], w["rss_20_mb"]),
                              ("20, again", w["again"], w["rss_20_again_mb"]),
                              ("1, pausing 5 s between runs", w.get("paced_one"), None),
                              ("20, each pausing 5 s between runs", w.get("paced"), None)):
            if r:
                lines.append(f"| {label} | {r['seconds']:.0f} s | {r['runs']} | {r['median_s']:.3f} s | "
                             f"{r['p95_s']:.3f} s | {r['errors']} | {'' if rss is None else f'{rss:.0f} MB'} |")
        lines += ["", f"Server RSS 3 s after the sessions closed: {w['rss_after_mb']:.0f} MB.", ""]
        if w.get("paced_one"):
            one, twenty = w["paced_one"], w["paced"]
            lines += [f"Pausing 5 s between runs (each session starting at its own moment): a session's first run "
                      f"(its start) p95 {twenty['first_p95_s']:.3f} s with twenty, {one['first_p95_s']:.3f} s alone; "
                      f"the reruns after it: median {one['rerun_median_s']:.3f} s alone, "
                      f"{twenty['rerun_median_s']:.3f} s with twenty, p95 {twenty['rerun_p95_s']:.3f} s.", ""]
        if "floor" in w:
            lines += ["One session rerunning each page on a real server, the floor and the overview in alternating "
                      f"2-second windows (median of six windows each): floor {w['floor']['median_s']:.3f} s, "
                      f"overview {w['overview_alternated_s']:.3f} s: "
                      f"{w['overview_alternated_s'] / w['floor']['median_s']:.2f}× (warm, aim ≤ 1.2×).", ""]
    b = results.get("browser")
    if b:
        lines += ["## Browser (Chromium): navigation to all charts drawn", "",
                  f"- overview {b['overview']:.2f} s, floor {b['floor']:.2f} s: {b['overview'] / b['floor']:.2f}×",
                  f"- 20 concurrent sessions: p95 render {b['sessions_20_p95_s']:.2f} s, "
                  f"errors {b['sessions_20_errors']}, wall {b['sessions_20_wall_s']:.1f} s",
                  f"- server RSS: 1 session {b['rss_1_session_mb']:.0f} MB, 20 sessions "
                  f"{b['rss_20_sessions_mb']:.0f} MB, after closing them {b['rss_after_close_mb']:.0f} MB", ""]
    c = results.get("commands")
    if c:
        lines += ["## Commands as a whole process", "",
                  "Each command run as `python -m lib.cli …` in a fresh process, start to exit, against the floor: a "
                  "fresh Python importing duckdb and pandas (runs alternated; medians). import stores a normal month "
                  "(the sample's October as November) into a fresh copy of the data.", "",
                  "| command | time | against the floor | aim |", "|---|---|---|---|"]
        lines += [f"| {r['command']} | {r['s']:.2f} s | {r['ratio']:.2f}× | "
                  f"{'≤ 1 s and ≤ 2×' if r['command'] in COMMAND_AIMS else ''} |" for r in c]
        lines.append("")
    e = results.get("export")
    if e:
        lines += ["## Export", "", f"- PNG per view (warm, 1920×1080): {e['png_per_chart_s']:.2f} s",
                  f"- PPTX deck ({e['charts']} slides, one per view): {e['pptx_s']:.2f} s", ""]
    lines += aims(results)
    return "\n".join(lines) + "\n"


# What stands in the way of an aim, written from the profiles behind these figures.
WHY_NOT = {
    "warm": "The overview draws five elements per card where the floor draws three (the title and status badge are "
            "the progress bar's own text, or a Markdown line for a target without a bar; the link to the indicator "
            "page is the fifth: 48 more for 24 cards), plus the sidebar's language, year and month controls, the "
            "navigation, the export menu and the notices; AppTest times each element, and our own work per rerun "
            "(the data files' signature, looked up four times; the cards' texts) comes on top. A category's cards are "
            "one wrapping row (a row of st.columns per four cards was five elements more), the links are given "
            "app.py's registered page (a file path was resolved on disk again for each link), and the session's "
            "address, the catalog's years and plans and the dataset's last months are worked out once. Measured by "
            "hand as CPU time (a loaded machine), alternating with the floor: 1.9× before these, 1.2–1.4× after. "
            "On a real server (the sessions section) the same rerun is within the aim.",
    "cold": "The floor reads one JSON file. The overview's first run after a start reads the loaded data back from "
            "lib/loadcache.py's entry (keyed on the SHA-256 of every file the load reads, the day, the settings "
            "and the code, so it cannot be stale): the catalog, the files' reports and DuckDB's tables as Arrow "
            "(~40 ms of CPU, ~15 ms of it a new DuckDB database), then the scorecard and the chart. Without an "
            "entry (new content) it loads as before: targets.csv (~16 ms), every actuals file through the intake "
            "checks in a sandbox worker (~50 ms for the 12 sample files), a DuckDB connection (~11 ms) and its "
            "tables (~45 ms). Measured by hand as CPU time, alternating with the floor: 5.6× before, 1.8–2.0× "
            "after.",
    "warm_server": "On a real server the rerun also pays for Streamlit's messaging, equally for both pages; "
                   "the overview's extra elements are what remains.",
    "commands": "Beyond the floor a command imports lib/ (~60 ms of CPU from kept bytecode; compiling it on every "
                "run, as a session with PYTHONDONTWRITEBYTECODE did, cost ~80 ms more, so the section compiles lib/ "
                "first), reads the definition files (~40 ms) and builds the DuckDB tables (~50–85 ms). Each actuals "
                "file read costs ~15 ms of pandas' fixed cost per small frame, in the sandbox whose fork server "
                "imports pandas and pyarrow again on the other core (on a busy machine that core is not free). Files "
                "read before come from lib/parsed_cache.py's cache (keyed on their bytes, the definition files, the "
                "month, settings and code, so it cannot go stale): a report of a folder read before reads no file and"
                " starts no sandbox, an import reads only its own file. The cold rows start with an empty cache.",
    "fair": "Twenty sessions share one Python process: Streamlit runs each session's script in its own thread, and "
            "the GIL lets one run at a time, so the server's throughput is one core's. Since December 7 the runs "
            "take turns in arrival order (lib/turns.py): the reruns' p95 went from 1.44–1.58× their median to "
            "1.27–1.38×; runs a second moved with the machine (1247–1481 in 30 s with turns, 1239–1306 without).",
    "fair_p95": "With runs taking turns in arrival order, a rerun waits for those asked before it: the p95 is the "
                "queue's length, and what still varies is Streamlit's loop sending every session's messages one at "
                "a time in turn (the overview ~160 a run, five a card; the floor ~117), so a run's finish waits on "
                "the others' messages too. Measured apart (December 7): the overview 1.27–1.30× with turns, "
                "1.44–1.58× before; the floor page (no turns) 1.33×.",
    "paced": "Twenty sessions rerunning every 5 s keep one core about a tenth busy, and most slow reruns overlap no "
             "other: logged one by one (December 7), each session's slow rerun was the one near the server's "
             "websocket keepalive ping (every 30 s, Streamlit's default; the floor page's reruns show the same "
             "step), ~25 ms on a ~25 ms rerun, and 1 rerun in 6 at this pace lands near one; a rerun sent as the "
             "last one finishes pays the same step (one session back to back: 48 ms a run, paced 25 ms, floor "
             "alike). The rest are collisions, a rerun asked while another runs (they take turns, lib/turns.py). "
             "Measured apart (December 7): the floor page, the same twenty sessions pausing 5 s: p95 2.53× its run "
             "alone; the overview 1.88–1.92× in three runs.",
    "browser": "The browser waits for every chart of the page to be drawn; the overview has one chart and 24 cards, "
               "the floor one chart and three elements per card. Measured apart (December 7): a new session's first "
               "run on the server is 60 ms against the floor's 51; the rest is the browser. Variants served side by "
               "side and loaded in turn, 8 loads each: the sidebar collapsed, no export menu, no icons in the menu or "
               "the cards left out each moved the overview by −3 to +3 %, and the floor's own content inside our "
               "frame (navigation, sidebar, probe, styles) loaded 1.01–1.06× the floor: no one part carries the gap, "
               "and a median of such loads moves by about 0.1 s from run to run. On December 8 one part did: the "
               "year's selectbox, whose menu's scripts the page fetched and ran on its first load (the year's "
               "selectbox gone 1.11 → 1.08× in 10 loads each; the years are now a row of buttons). The ratio: "
               "1.06–1.16 in seven runs on December 7 afternoon; 1.34 and 1.41 that evening, the machine slow (a "
               "fresh Python importing duckdb and pandas 82 % slower than its best), where the code before that "
               "day's last changes, loaded in turn beside it, measured 1.27×: a slow machine widens the gap.",
    "scale": "Scorecard time grows with the rows read for the year shown; the series of other years stay in DuckDB.",
    "intake": "The Arrow CSV reader and the per-distinct-value checks set the pace; DuckDB's count(*) does not "
              "materialise the rows at all. Since #25 the file is read in a sandbox worker: its 42 MB go in and "
              "the 62 MB Arrow table comes back through a memfd. Measured apart (December 8, a million rows): the "
              "same reading in the server's own process takes 0.37 s whole (4.0× DuckDB), through the worker "
              "0.45–0.47 s; of the ~90 ms between them, 14 ms is writing the file into the memfd, 46 ms the table's "
              "way back (the worker writing it, this process mapping it), the rest the worker copying the file in. "
              "Sent as dictionary codes the table would be 27 MB, but encoding and decoding it cost as much as that "
              "saves unless the column checks take the codes themselves. In make bench 4.85× and 5.15× (December 7 "
              "and 8); then the duplicates counted rather than hashed, and two copies left out: 0.94× in alternating "
              "runs by hand, 4.21× in make bench.",
}


def aims(results: dict) -> list[str]:
    """Return the aims with the figure measured for each, met or not, and what stands in the way of the rest."""
    rows = aim_rows(results)
    out = ["## Aims", "", "| aim | measured | met |", "|---|---|---|"]
    out += [f"| {label} | {value:.2f}× | {'yes' if value <= limit else 'no'} |" for _, label, value, limit in rows]
    w = results.get("sessions")
    if w:
        growth = round(w["rss_20_again_mb"] - w["rss_20_mb"]) + 0  # + 0 turns -0 into 0
        out.append(f"| no memory growth across sessions | {growth:+d} MB from one round of 20 sessions to "
                   f"the next | {'yes' if growth <= 5 else 'no'} |")
    missed = [key for key, _, value, limit in rows if value > limit]
    if missed:
        out += ["", "What stands in the way:", ""] + [f"- {WHY_NOT[key]}" for key in dict.fromkeys(missed)]
    return out + [""]


def aim_ratios(results: dict, sections: list[str]) -> dict[str, float]:
    """Return the ratio of each aim measured by the sections of this run, by a short name (for the history)."""
    owner = {"warm": "script", "cold": "script", "scale": "scale", "intake": "intake", "commands": "commands",
             "warm_server": "sessions", "fair": "sessions", "fair_p95": "sessions", "paced": "sessions",
             "browser": "browser"}
    out = {}
    for key, label, value, _ in aim_rows(results):
        if owner[key] in sections:
            out[key if key != "commands" else "commands." + label.split("`")[1]] = value
    return out


def aim_rows(results: dict) -> list[tuple[str, str, float, float]]:
    """Return (key, aim, measured ratio, limit) for each aim the results measure."""
    rows = []
    s = results.get("script")
    if s:
        rows.append(("warm", "warm overview ≤ 1.2× the floor", s["overview"]["warm"] / s["floor"]["warm"], 1.2))
        rows.append(("cold", "cold overview ≤ 2× the floor", s["overview"]["cold"] / s["floor"]["cold"], 2.0))
    if results.get("scale") and len(results["scale"]) > 1:
        base, ten = results["scale"][0], results["scale"][1]
        rows.append(("scale", "10× data < 1.3× the time", ten["scorecard_s"] / base["scorecard_s"], 1.3))
    if results.get("intake"):
        worst = max(r["ratio"] for r in results["intake"])
        rows.append(("intake", "intake ≤ 5× DuckDB's read_csv (count)", worst, 5.0))
    for r in results.get("commands") or []:
        if r["command"] in COMMAND_AIMS:
            rows.append(("commands", f"`{r['command']}` ≤ 2× the floor of a command ({r['s']:.2f} s; aim also ≤ 1 s "
                                     "on an idle machine)", r["ratio"], 2.0))
    w = results.get("sessions")
    if w and "floor" in w:
        rows.append(("warm_server", "warm overview ≤ 1.2× the floor, on a real server (websocket)",
                     w["overview_alternated_s"] / w["floor"]["median_s"], 1.2))
    if w:
        alone, shared = w["one"]["runs"] / w["one"]["seconds"], w["twenty"]["runs"] / w["twenty"]["seconds"]
        rows.append(("fair", "20 sessions back to back keep ≥ 0.95× one session's throughput (one's runs/s ÷ "
                             "20's ≤ 1.05×)", alone / shared, 1 / 0.95))
        rows.append(("fair_p95", "20 sessions back to back: p95 ≤ 1.5× the median", w["twenty"]["p95_s"]
                     / w["twenty"]["median_s"], 1.5))
        if w.get("paced_one"):
            rows.append(("paced", "20 sessions pausing 5 s between reruns: their reruns' p95 ≤ 2× a rerun alone "
                                  "(one session pausing 5 s, median)",
                         w["paced"]["rerun_p95_s"] / w["paced_one"]["rerun_median_s"], 2.0))
    b = results.get("browser")
    if b:
        rows.append(("browser", "browser navigation to all charts drawn ≤ 1.1× the floor", b["overview"] / b["floor"],
                     1.1))
    return rows


SECTIONS = ["script", "scale", "intake", "workbook", "sandbox", "commands", "sessions", "browser", "export"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", choices=SECTIONS, metavar="SECTION",
                        help=f"sections to run, each alone if need be: {' '.join(SECTIONS)} (none named: rewrite "
                             "RESULTS.md from results.json)")
    args = parser.parse_args()
    repeat = 3 if args.quick else 5
    # The sections measure the reading itself, as before the cache of files already read (lib/parsed_cache.py); the
    # commands section names a cache folder for each command it runs.
    os.environ["KPI_CACHE_DIR"] = "off"
    base = ROOT / "data"
    # Sections run with --only replace theirs in results.json; the report covers all measured so far.
    saved = ROOT / "bench" / "results.json"
    results: dict = json.loads(saved.read_text(encoding="utf-8")) if saved.exists() and args.only is not None else {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        wanted = set(SECTIONS if args.only is None else args.only)
        if args.quick and args.only is None:
            wanted.discard("browser")  # --quick leaves the browser out unless it is named
        sizes = [1_000, 100_000] + ([] if args.quick else [1_000_000])
        sections = {"script": lambda: script_runs(base, repeat), "scale": lambda: scale(base, tmp, repeat),
                    "intake": lambda: intake_speed(base, tmp, sizes, repeat),
                    "workbook": lambda: {"speed": workbook_speed(base, tmp, 100_000, 3),
                                         "worst": worst_case_costs(tmp)},
                    "sandbox": lambda: sandbox_cost(30),
                    "commands": lambda: commands(base, tmp, repeat),
                    "sessions": lambda: sessions(base),
                    "browser": lambda: browser(base, repeat),
                    "export": lambda: exports(base, repeat)}
        for name, run in sections.items():
            if name in wanted:
                print(f"{name}…", flush=True)
                results[name] = run()
    saved.write_text(json.dumps(results, indent=1), encoding="utf-8")
    (ROOT / "bench" / "RESULTS.md").write_text(report(results), encoding="utf-8")
    print(report(results))
    if wanted:  # a run that measured something: one line in the history, and what got worse
        print("\n".join(history.record(results, sorted(wanted), ROOT, ratios=aim_ratios(results, sorted(wanted)))))


if __name__ == "__main__":
    main()
