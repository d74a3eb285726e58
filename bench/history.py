"""The benchmark's memory: one line per `make bench` run in bench/history.jsonl (when, the commit, the machine and
every figure measured), and the figures of this run that are more than 15 % worse than the best of them recorded on
the same kind of machine.

A figure is a number in results.json named by its path (`sessions.twenty.p95_s`, `intake.1000000.ratio`). Times,
ratios and memory are better lower; throughputs (runs, runs per second) better higher. Counts that describe the
work rather than measure it (rows, bytes, seconds a load ran) are not figures.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from pathlib import Path

HISTORY = Path(__file__).resolve().parent / "history.jsonl"
WORSE_BY = 0.15
# Keys that describe the work, not how fast or small it was done.
NOT_FIGURES = {"rows", "cells", "bytes", "charts", "seconds", "sessions", "import_accepted", "import_listed",
               "import_unlisted", "code", "errors", "sessions_20_errors", "file", "data"}
HIGHER_IS_BETTER = {"runs", "runs_per_s"}
# The machine's own pace: a fresh Python importing duckdb and pandas, no code of ours. When it is worse too, the machine
# was slower that day (a shared host), and the ratios measured in the same run are what compares the code.
PACE = "commands.floor (python -c 'import duckdb, pandas').s"
# The lists in results.json whose rows are told apart by one of their values, not by their place.
ROW_KEYS = ("command", "file", "data", "rows")


def machine() -> str:
    """Return the kind of machine: CPU model, cores and memory (a new machine of the same kind compares alike)."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    except (ValueError, OSError):
        memory_gb = 0
    return f"{model}, {os.cpu_count()} cores, {memory_gb} GB"


# What a bench run writes itself (bench/run.py, and this history): changed by every run before its line is written,
# so they do not make the tree measured "changed".
OUTPUTS = ("bench/results.json", "bench/RESULTS.md", "bench/history.jsonl")


def commit(root: Path) -> str:
    """Return the checked-out commit (with '+' when the tree has changes other than the bench's own OUTPUTS), or ''
    outside a git checkout."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True,
                              timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                                *(f":(exclude){path}" for path in OUTPUTS)], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return head + ("+" if dirty else "")


def figures(results: dict) -> dict[str, float]:
    """Return every figure of a results dict, flattened to path → value."""
    out: dict[str, float] = {}

    def walk(value: object, path: list[str]) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key not in NOT_FIGURES or isinstance(inner, dict | list):  # the sessions section, not a count
                    walk(inner, [*path, str(key)])
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                name = next((str(inner[k]) for k in ROW_KEYS if isinstance(inner, dict) and k in inner), str(i))
                walk(inner, [*path, name])
        elif isinstance(value, int | float) and not isinstance(value, bool) and value == value:  # NaN is no figure
            out[".".join(path)] = float(value)

    walk(results, [])
    return out


def higher_is_better(name: str) -> bool:
    return name.rsplit(".", 1)[-1] in HIGHER_IS_BETTER


def regressions(current: dict[str, float], history: list[dict], where: str) -> list[tuple[str, float, float, str]]:
    """Return (figure, this run's value, the best recorded, that run's commit) for each figure more than 15 % worse
    than the best of the earlier runs on the same machine."""
    best: dict[str, tuple[float, str]] = {}
    for run in history:
        if run.get("machine") != where:
            continue
        for name, value in run.get("figures", {}).items():
            if name not in best or (value > best[name][0] if higher_is_better(name) else value < best[name][0]):
                best[name] = (value, run.get("commit", ""))
    found = []
    for name, value in sorted(current.items()):
        if name not in best:
            continue
        top, where_best = best[name]
        worse = value < top * (1 - WORSE_BY) if higher_is_better(name) else value > top * (1 + WORSE_BY)
        if worse and top > 0:
            found.append((name, value, top, where_best))
    return found


def read(path: Path = HISTORY) -> list[dict]:
    """Return the recorded runs, oldest first (a line that is not JSON is skipped: a run cut short)."""
    if not path.exists():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            runs.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return runs


def record(results: dict, sections: list[str], root: Path, path: Path = HISTORY,
           ratios: dict[str, float] | None = None) -> list[str]:
    """Append this run's figures (of the sections it measured, and the ratios to the aims measured in it) to the
    history; return the lines that say which are more than 15 % worse than the best recorded on this machine."""
    current = figures({name: results[name] for name in sections if name in results})
    current |= {f"ratio.{name}": value for name, value in (ratios or {}).items()}
    where = machine()
    found = regressions(current, read(path), where)
    line = {"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "commit": commit(root), "machine": where,
            "sections": sorted(sections), "figures": current}
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
    if not found:
        return [f"No figure more than {WORSE_BY:.0%} worse than the best recorded on this machine ({where})."]
    out = [f"{len(found)} figure(s) more than {WORSE_BY:.0%} worse than the best recorded on this machine ({where}):"]
    for name, value, top, at in found:
        change = (top - value) / top if higher_is_better(name) else (value - top) / top
        out.append(f"  WORSE {name}: {value:.4g} against the best {top:.4g} (commit {at or '?'}), {change:+.0%}")
    pace = next(((value, top) for name, value, top, _ in found if name == PACE), None)
    if pace is not None:
        out.append(f"The machine itself was {(pace[0] - pace[1]) / pace[1]:+.0%} slower than at its best (a fresh "
                   "Python importing duckdb and pandas): times worse by about as much are the machine's; the ratios "
                   "(ratio.*, *.ratio), measured against floors in the same run, compare the code.")
    return out
