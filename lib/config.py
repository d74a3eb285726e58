"""Settings and status thresholds of the scorecard, kept in one documented place."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# Pace targets (flow, level): green when completion >= expected progress, yellow when it is
# less than this many percentage points below, red further below.
PACE_YELLOW_BAND_POINTS = 5.0

# Rate targets (ratio): green when the rate meets the comparator, yellow when it misses the
# target by at most this many percentage points, red beyond.
RATE_YELLOW_BAND_POINTS = 5.0

# A growth target and its baseline disagree when the baseline year's actual total differs
# from target / (1 + growth) by more than this many percent.
BASELINE_TOLERANCE_PCT = 1.0

# The city total and the sum of its regions disagree when they differ by more than this many percent.
REGION_TOLERANCE_PCT = 0.5

# Year-end projections made from fewer months than this are flagged as unreliable.
MIN_MONTHS_FOR_PROJECTION = 3

# Files in data/actuals whose names start with this are the bundled sample data.
SAMPLE_FILE_PREFIX = "sample_"

# A monthly value more than this many times (or less than 1/this) the same month last year is flagged.
OUTLIER_FACTOR = 3.0

# A file's report lists this many problems of each check row by row; the rest are counted.
MAX_LISTED_PROBLEMS = 1000

# Largest actuals file the loader will read.
MAX_ACTUALS_FILE_BYTES = 20 * 1024 * 1024

# What reading one file may cost. Every limit is checked on the file's bytes before anything is inflated, parsed or
# built (lib/intake/guard.py), so a file over one is refused in well under a second, with a message naming the
# limit; bench/RESULTS.md measures the worst case. Generous for any real monthly file (a year of every indicator in
# every region is under 10,000 rows), far below what would hurt a server shared by many sessions.
MAX_ROWS = 1_048_576  # rows of a sheet or lines of a CSV file (Excel's own limit)
MAX_COLUMNS = 1_000  # columns of a sheet or fields of a CSV line
MAX_WORKBOOK_CELLS = 1_000_000  # rows × columns of a sheet, empty cells included: the reader builds the full grid
MAX_CELL_CHARS = 32_767  # characters in one cell (Excel's own limit)
MAX_ZIP_MEMBERS = 1_000  # parts of a zip workbook (.xlsx, .xlsm, .xlsb, .ods)
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # all parts together, inflated
MAX_MEMBER_BYTES = 100 * 1024 * 1024  # one part, inflated
MAX_ZIP_RATIO = 200  # inflated ÷ compressed size of a part larger than ZIP_RATIO_MIN_BYTES
ZIP_RATIO_MIN_BYTES = 1024 * 1024
MAX_XML_ELEMENTS = 10_000_000  # XML elements of a workbook's sheets, parsed to measure them (a full sheet: ~3 million)
MAX_MERGED_RANGES = 10_000  # merged ranges of a sheet (their cells, clipped to the sheet, count as cells too)
MAX_DOCUMENT_XML_BYTES = 20 * 1024 * 1024  # one XML part of a .docx plan, inflated (a long plan's: under 2 MB)

# Readers of untrusted bytes run in a pool of child processes (lib/sandbox.py), each task under these limits: what
# overruns one is refused naming it, and the worker is replaced. A normal monthly file needs well under a second and
# 200 MB; the largest allowed (a 20 MB CSV of a million rows, a 1000 × 1000 sheet) about 2 s and 1 GB.
SANDBOX_WORKERS = 2  # tasks read at once; more callers wait for a free worker
SANDBOX_CPU_SECONDS = 30  # CPU time of one read (all its threads)
SANDBOX_WALL_SECONDS = 45  # wall time of one read, enforced by the parent (a hang ends here)
SANDBOX_MEMORY_BYTES = 2 * 1024**3  # address space one read may add to the worker's own
SANDBOX_OPEN_FILES = 256  # open files of a worker
SANDBOX_TASKS_PER_WORKER = 500  # a worker is replaced after this many reads
SANDBOX_RETIRE_RESIDENT_BYTES = 768 * 1024**2  # or when a read left it this large
# Plan documents (a 300-page PDF read by pdfplumber) may take longer.
SANDBOX_PLAN_CPU_SECONDS = 120
SANDBOX_PLAN_WALL_SECONDS = 150
# Imported once by the workers' fork server, so that a new worker reads at once.
SANDBOX_PRELOAD = ("lib.intake.reading", "lib.plan.documents")  # python-docx, pdfplumber: on a first plan

# The app's script runs take turns in arrival order (lib/turns.py); a run that holds its turn longer than this (an
# export, a first plan read, a run waiting on DuckDB or the sandbox) lets the next one start beside it. An overview run
# alone takes ~0.025 s; twenty sessions' reruns back to back: p95 1.30× the median with 0.1 s, 1.27× with 0.25 s,
# 1.35× with 0.05 s.
SCRIPT_TURN_PATIENCE_SECONDS = 0.1
# And however long the line, no run waits longer than this for its turn (a safety valve, not a pace).
SCRIPT_TURN_LONGEST_WAIT_SECONDS = 5.0

# The digest gives up posting after this many seconds in all (attempts, waits, a robot answering a byte a second):
# the outbox's lock is released and the month is posted on the next run.
DIGEST_DEADLINE_SECONDS = 60

# The largest value an indicator may have, by the family of its unit, in the family's base unit (元, 件, 个, …):
# beyond it a value is a typing or unit mistake (Suzhou handles about 2 × 10^9 parcels a year). Rates stop at 100%.
VALUE_CEILING = {"money": 1e14, "pieces": 1e13, "items": 1e12, "person_times": 1e12, "sites": 1e7, "cases": 1e7,
                 "incidents": 1e7, "percent": 100.0, "score": 1e4}

# A reported year-on-year growth (同比) that differs from the growth computed from the loaded baseline by more than
# this many percentage points is flagged.
GROWTH_TOLERANCE_POINTS = 0.1

# Actuals files with fewer records than this are checked record by record (the column-by-column checks
# cost more to set up than they save on a small file); larger ones column by column. Both give the same result.
COLUMN_PATH_MIN_RECORDS = 600

# CSV files smaller than this are read with Python's csv module; larger ones with Arrow's CSV reader.
SMALL_FILE_BYTES = 64 * 1024


def data_dir() -> Path:
    """Return the data directory: $KPI_DATA_DIR, or ./data of the repository."""
    return Path(os.environ.get("KPI_DATA_DIR") or REPO_ROOT / "data")


def cache_dir() -> Path | None:
    """Return the folder of the caches on disk (lib/diskcache.py): $KPI_CACHE_DIR ('off': no cache), else the
    service's own (systemd's CacheDirectory=, which deploy/systemd/kpi.service asks for), else the user's kpi-dashboard
    folder under $XDG_CACHE_HOME or ~/.cache; None when off or when there is no home to find."""
    named = os.environ.get("KPI_CACHE_DIR")
    if named:
        return None if named == "off" else Path(named)
    if service := os.environ.get("CACHE_DIRECTORY"):
        return Path(service.split(":")[0])
    try:
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kpi-dashboard"
    except RuntimeError:  # no home to find (no $HOME, no user entry): no cache, every file read again
        return None

# The audit log (lib/audit.py): rotated past this size, this many older files kept (audit.log.1 … .10).
AUDIT_MAX_BYTES = 5 * 1024 * 1024
AUDIT_KEEP = 10

# What a backup archive may hold for restore to accept it (lib/backup.py): far above any real data folder (uploads are
# at most 20 MB each), far below what would fill a server's disk. Checked on the archive's directory before anything
# is extracted, and again on the bytes as they inflate.
RESTORE_MAX_FILES = 100_000
RESTORE_MAX_FILE_BYTES = 512 * 1024 * 1024
RESTORE_MAX_TOTAL_BYTES = 16 * 1024 * 1024 * 1024
