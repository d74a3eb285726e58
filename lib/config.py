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

# Actuals files with fewer records than this are checked record by record (the column-by-column checks
# cost more to set up than they save on a small file); larger ones column by column. Both give the same result.
COLUMN_PATH_MIN_RECORDS = 600

# CSV files smaller than this are read with Python's csv module; larger ones with Arrow's CSV reader.
SMALL_FILE_BYTES = 64 * 1024


def data_dir() -> Path:
    """Return the data directory: $KPI_DATA_DIR, or ./data of the repository."""
    return Path(os.environ.get("KPI_DATA_DIR") or REPO_ROOT / "data")
