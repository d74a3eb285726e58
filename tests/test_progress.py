"""Work-plan progress: intake like actuals (validated, logged, all or nothing), tracker ordering, pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from lib import store
from lib.plan import load_tasks
from lib.progress import import_progress, load_progress, parse_progress, resolve_item, status_counts, tracker_table
from tests.conftest import CITY, analyst

TODAY = dt.date(2021, 12, 15)
HEADER = "月份,事项,状态,进展情况,完成时间\n"


@pytest.fixture(scope="module")
def tasks():
    return load_tasks(CITY)


@pytest.mark.parametrize("text, key", [
    ("45", "work_item:45"), ("工作要点45", "work_item:45"), ("要点 45", "work_item:45"), ("实事12", "livelihood:12"),
    ("民生实事18", "livelihood:18"), ("重点工作3", "key_work:3"), ("work_item:60", "work_item:60"),
    ("实事17", None), ("61", None), ("abc", None),
])
def test_item_references(tasks, text, key):
    assert resolve_item(text, set(tasks["key"])) == key


def test_gbk_progress_file_reads(tasks):
    data = (HEADER + "2021年11月,45,推进中,可循环快递箱9.2万个,\n"
            "2021-11,实事18,已完成,大赛已举办,2021-11-20\n").encode("gbk")
    parsed = parse_progress("p.csv", data, tasks, today=TODAY)
    assert parsed.accepted, [p.message() for p in parsed.problems]
    assert parsed.rows[["key", "month", "status", "completion_date"]].values.tolist() == [
        ["work_item:45", 11, "in_progress", ""], ["livelihood:18", 11, "done", "2021-11-20"]]


@pytest.mark.parametrize("row, code, column", [
    ("2021-13,45,推进中,,", "err_period", "月份"),
    ("2022-01,45,推进中,,", "err_future", "月份"),
    ("2021-11,实事17,推进中,,", "err_item", "事项"),
    ("2021-11,45,差不多,,", "err_status", "状态"),
    ("2021-11,45,已完成,,2021-02-30", "err_date", "完成时间"),
    ("2021-11,45,已完成,,2022-01-05", "err_date_future", "完成时间"),
    ("2021-11,45,推进中," + "很" * 501 + ",", "err_narrative_long", "进展情况"),
])
def test_bad_progress_rows(tasks, row, code, column):
    parsed = parse_progress("bad.csv", (HEADER + row + "\n").encode(), tasks, today=TODAY)
    assert not parsed.accepted and parsed.rows.empty
    assert (parsed.errors[0].code, parsed.errors[0].row, parsed.errors[0].column) == (code, 2, column)


def test_duplicate_item_month_is_refused(tasks):
    parsed = parse_progress("d.csv", (HEADER + "2021-11,45,推进中,,\n2021-11,工作要点45,滞后,,\n").encode(), tasks,
                            today=TODAY)
    assert [(p.row, p.code) for p in parsed.errors] == [(3, "err_duplicate")]


def test_import_logs_and_later_submission_wins(sample_dir, tasks):
    first = import_progress(sample_dir, "a.csv", (HEADER + "2021-10,45,滞后,未达预期,\n").encode(), tasks,
                            analyst("zhang"), today=TODAY)
    assert first.submission_id == "000001"
    assert (sample_dir / "progress" / "update-000001.csv").exists()
    rows, refused = load_progress(sample_dir, tasks)
    assert not refused
    table = tracker_table(tasks, rows, 2021, 10).set_index("key")
    assert table.loc["work_item:45", "status"] == "behind"  # the sample said 推进中; the later file wins
    assert store.read_log(sample_dir, store.PROGRESS)["user"].tolist() == ["zhang"]
    store.revert(sample_dir, "000001", analyst("zhang"), ledger=store.PROGRESS)
    rows, _ = load_progress(sample_dir, tasks)
    assert tracker_table(tasks, rows, 2021, 10).set_index("key").loc["work_item:45", "status"] == "in_progress"


def test_rejected_progress_changes_nothing(sample_dir, tasks):
    before = sorted(p.name for p in (sample_dir / "progress").iterdir())
    outcome = import_progress(sample_dir, "bad.csv", (HEADER + "2021-10,99,推进中,,\n").encode(), tasks,
                              analyst("zhang"), today=TODAY)
    assert outcome.submission_id is None and outcome.rejected_file
    assert sorted(p.name for p in (sample_dir / "progress").iterdir()) == before


def test_tracker_puts_behind_first_and_counts(tasks):
    rows, _ = load_progress(CITY, tasks)
    table = tracker_table(tasks, rows, 2021, 10)
    order = ["behind", "not_started", "in_progress", "done", "none"]
    assert table["status"].map(order.index).is_monotonic_increasing
    counts = status_counts(table)
    assert sum(counts.values()) == 88 and counts["none"] == 0
    assert table.set_index("key").loc["work_item:35", "status"] == "behind"
    sep = tracker_table(tasks, rows, 2021, 9).set_index("key")
    assert sep.loc["work_item:12", "status"] == "in_progress"  # done only from October
    assert tracker_table(tasks, rows, 2021, 8)["status"].eq("none").all()  # nothing reported before September


def work_items(at) -> str:
    """Return the tracker's first list (the work items) as drawn."""
    return next(h.proto.body for h in at.get("html") if 'class="plan-list"' in h.proto.body)


def test_tracker_page_and_editor(monkeypatch, sample_dir):
    from streamlit.testing.v1 import AppTest

    from lib.auth import hash_password
    from tests.test_app import APP

    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    monkeypatch.setenv("KPI_ANALYSTS", f"zhang={hash_password('s3cret-pass', iterations=1000)}")
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/tracker.py").run()
    assert not at.exception
    assert at.caption[0].value.startswith("截至2021年10月：共88项")
    first = work_items(at).split('<div class="plan-item">')[1]  # the list of work items, worst first
    assert '<div class="plan-status behind">✕ 滞后</div>' in first and "关联指标：</span>✕ “扫黄打非”工作站" in first
    at.text_input(key="filter_search").set_value("绿色网点").run()
    assert re.findall(r'class="plan-number">(\d+)<', work_items(at)) == ["45", "46"]  # the items naming 绿色网点
    assert not [b for b in at.button if b.key == "save_progress"]  # viewers cannot edit
    at.text_input(key="sign_in_name").set_value("zhang")
    at.text_input(key="sign_in_password").set_value("s3cret-pass")
    next(b for b in at.button if b.label == "登录").click().run()
    at.button(key="save_progress").click().run()
    assert not at.exception
    assert any(s.value.startswith("已保存：提交编号 000001") for s in at.success)
    assert (sample_dir / "progress" / "update-000001.csv").exists()


def test_bad_progress_file_is_named_on_the_tracker_and_the_rest_shows(monkeypatch, sample_dir):
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP

    (sample_dir / "progress" / "zz_hand.csv").write_text(HEADER + "2021-10,45,差不多,,\n", encoding="utf-8")
    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/tracker.py").run()
    assert not at.exception
    assert "1个数据文件未载入（其余数据照常显示）：" in [e.label for e in at.expander]
    assert any("hand.csv 第2行「状态」：「差不多」不是有效状态" in m.value for m in at.markdown)
    assert at.caption[0].value.startswith("截至2021年10月：共88项")
