"""The benchmark's history (bench/history.py): one line per run, and the figures more than 15 % worse than the best
recorded on the same machine, for figures better lower (times, ratios, memory) and better higher (runs)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "bench"))

import history


def run(machine: str, figures: dict, commit: str = "abc") -> dict:
    return {"machine": machine, "commit": commit, "figures": figures}


def test_figures_are_named_by_their_path_and_rows_by_what_tells_them_apart():
    results = {"script": {"overview": {"cold": 0.5, "warm": 0.02}},
               "intake": [{"rows": 1000, "ours_s": 0.01, "ratio": 3.0, "import_accepted": True},
                          {"rows": 1_000_000, "ours_s": 0.4, "ratio": 4.8}],
               "commands": [{"command": "report", "s": 0.9, "ratio": 1.5}],
               "sessions": {"twenty": {"sessions": 20, "seconds": 30.2, "runs": 379, "errors": 0, "p95_s": None}}}
    assert history.figures(results) == {
        "script.overview.cold": 0.5, "script.overview.warm": 0.02,
        "intake.1000.ours_s": 0.01, "intake.1000.ratio": 3.0,
        "intake.1000000.ours_s": 0.4, "intake.1000000.ratio": 4.8,
        "commands.report.s": 0.9, "commands.report.ratio": 1.5,
        "sessions.twenty.runs": 379.0}


@pytest.mark.parametrize("now, flagged", [(1.14, False), (1.16, True), (0.5, False)])
def test_a_time_is_worse_past_15_percent_above_the_best_on_this_machine(now, flagged):
    earlier = [run("m", {"t": 1.3}, "old"), run("m", {"t": 1.0}, "best"), run("other", {"t": 0.1})]
    found = history.regressions({"t": now}, earlier, "m")
    assert found == ([("t", now, 1.0, "best")] if flagged else [])


@pytest.mark.parametrize("now, flagged", [(86, False), (84, True), (120, False)])
def test_runs_are_worse_past_15_percent_below_the_best(now, flagged):
    earlier = [run("m", {"sessions.twenty.runs": 100.0}, "best"), run("m", {"sessions.twenty.runs": 90.0})]
    found = history.regressions({"sessions.twenty.runs": now}, earlier, "m")
    assert found == ([("sessions.twenty.runs", now, 100.0, "best")] if flagged else [])


def test_a_figure_never_recorded_on_this_machine_is_not_judged():
    assert history.regressions({"new": 9.0}, [run("m", {"t": 1.0}), run("other", {"new": 1.0})], "m") == []


def test_each_run_adds_one_line_and_says_what_got_worse(tmp_path):
    path = tmp_path / "history.jsonl"
    first = history.record({"script": {"overview": {"warm": 0.020}}, "scale": [{"data": "1×", "load_s": 0.1}]},
                           ["script", "scale"], REPO, path)
    assert first[0].startswith("No figure more than 15% worse")
    second = history.record({"script": {"overview": {"warm": 0.030}}, "scale": [{"data": "1×", "load_s": 0.1}]},
                            ["script"], REPO, path)  # the scale section was not measured this time
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2 and lines[1]["sections"] == ["script"]
    assert lines[1]["figures"] == {"script.overview.warm": 0.030}
    assert lines[0]["machine"] == lines[1]["machine"] == history.machine()
    assert len(lines[1]["commit"].rstrip("+")) == 12
    assert second[0].startswith("1 figure(s) more than 15% worse")
    assert second[1].startswith("  WORSE script.overview.warm: 0.03 against the best 0.02") and "+50%" in second[1]


def test_the_commit_is_marked_changed_by_a_change_to_the_code_not_by_the_bench_writing_its_results(tmp_path):
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    for path in (*history.OUTPUTS, "lib/engine.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("before\n", encoding="utf-8")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "tree")
    head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=tmp_path, capture_output=True, text=True,
                          check=True).stdout.strip()
    for path in history.OUTPUTS:  # what every bench run rewrites before its history line
        (tmp_path / path).write_text("after\n", encoding="utf-8")
    assert history.commit(tmp_path) == head
    (tmp_path / "lib" / "engine.py").write_text("after\n", encoding="utf-8")
    assert history.commit(tmp_path) == head + "+"


def test_a_slower_machine_is_named_when_its_own_pace_is_worse_too(tmp_path):
    """When the floor of a command (no code of ours) is worse as well, the report says the machine was slower that
    day, by how much: 0.37 s then, 0.48 s now is 30 % slower (0.11 / 0.37 = 0.297)."""
    path = tmp_path / "history.jsonl"
    floor = [{"command": "floor (python -c 'import duckdb, pandas')", "s": 0.37}, {"command": "import", "s": 0.70}]
    history.record({"commands": floor}, ["commands"], REPO, path)
    slower = [{"command": "floor (python -c 'import duckdb, pandas')", "s": 0.48}, {"command": "import", "s": 0.91}]
    said = history.record({"commands": slower}, ["commands"], REPO, path)
    assert said[0].startswith("2 figure(s) more than 15% worse")
    assert said[-1].startswith("The machine itself was +30% slower than at its best")
    only_ours = [{"command": "floor (python -c 'import duckdb, pandas')", "s": 0.37}, {"command": "import", "s": 0.91}]
    assert not any(line.startswith("The machine") for line in history.record({"commands": only_ours}, ["commands"],
                                                                              REPO, path))
