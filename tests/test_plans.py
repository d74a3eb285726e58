"""Plans as data (plans.csv, the headline column, the texts citing a plan) and publishing a reviewed draft: checked,
all or nothing, logged, revertible, finished or undone after a kill -9; a draft saved back from Excel publishes."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lib import plan, store, units
from lib.catalog import TARGET_COLUMNS, headline_ids, load_catalog, load_regions
from lib.dataset import open_dataset
from lib.engine import scorecard
from lib.plan.header import read_header
from lib.plans import headline_scores, load_plans, plan_for
from lib.problems import InputError
from lib.sources import footer_source, source_line
from tests.conftest import CITY, MINI_TARGETS, REPO, analyst, run_cli, write_csv
from tests.test_new_year import PLAN_2022
from tests.test_plan_documents import plain_docx
from tests.test_store import snapshot

FIXTURES = Path(__file__).parent / "fixtures"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_8562bad6d43fd1f6.txt"
TITLE_2021 = "苏州市邮政管理局关于印发2021年工作要点和邮政快递业更贴近民生7件实事分工安排的通知"


# The record ---------------------------------------------------------------------------------------------------------

def test_the_2021_record_is_what_its_document_says():
    plan_2021 = plan_for(CITY, 2021)
    document = plan_2021.document_path(CITY)
    if SEED.exists():
        assert document.read_bytes() == SEED.read_bytes()
    header = read_header(document.read_text(encoding="utf-8"))
    assert (header.issuer, header.doc_number, header.title, header.issued, header.city) == \
        (plan_2021.issuer_zh, plan_2021.doc_number, plan_2021.title_zh, plan_2021.issued, plan_2021.city_zh)
    assert (plan_2021.doc_number, plan_2021.title_zh, plan_2021.issued) == ("苏州邮管〔2021〕21号", TITLE_2021,
                                                                           dt.date(2021, 4, 9))


def test_what_cites_the_2021_plan():
    plan_2021 = plan_for(load_catalog(CITY), 2021)
    assert plan_2021.app_title("zh") == "苏州市邮政快递业2021年目标任务跟踪"
    assert plan_2021.app_title("en") == "Suzhou Postal & Express 2021 Target Tracker"
    assert plan_2021.citation("zh") == f"《{TITLE_2021}》（苏州邮管〔2021〕21号）"
    assert plan_2021.citation("en") == ("Notice on the 2021 work plan and the seven livelihood projects of the "
                                        "postal and express industry (「苏州邮管〔2021〕21号」)")  # the original
    assert plan_2021.reference("en") == "「苏州邮管〔2021〕21号」"
    assert plan_2021.issuer("en") == "Suzhou Postal Administration"
    ds = open_dataset(CITY)
    assert footer_source(ds, 2021, "zh") == (f"数据来源：data/sample/actuals（12个文件）；目标依据：《{TITLE_2021}》"
                                             "（苏州邮管〔2021〕21号）。")
    assert "苏州邮管〔2021〕21号" in source_line(ds, 2021, "en") and "data/" not in source_line(ds, 2021, "en")


def test_a_year_without_a_record_names_its_targets_and_keeps_the_city(tmp_path):
    later = plan_for(CITY, 2023)
    assert not later.recorded and later.citation("zh") == "2023年目标（targets.csv）"
    assert later.app_title("zh") == "苏州市邮政快递业2023年目标任务跟踪" and later.reference("en") == \
        "the 2023 targets (targets.csv)"
    assert plan_for(tmp_path, 2023).app_title("zh") == "邮政快递业2023年目标任务跟踪"  # no plans.csv at all
    assert plan_for(tmp_path, None).app_title("en") == "Postal & Express Target Tracker"


@pytest.mark.parametrize("row, message", [
    ("20x1,,,,,,,,,", "plans.csv 第2行「year」：年度「20x1」无效，应为如 2022 的四位年份"),
    ("2021,,,,,,,,2021-02-30,", "plans.csv 第2行「issued」：印发日期「2021-02-30」无效，应为如 2022-03-28 的日期"),
])
def test_a_bad_plan_record_is_named(tmp_path, row, message):
    (tmp_path / "plans.csv").write_text(
        "year,issuer_zh,issuer_en,city_zh,city_en,doc_number,title_zh,title_en,issued,document\n" + row + "\n",
        encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_plans(tmp_path)
    assert [p.message("zh") for p in error.value.problems] == [message]


def test_the_citys_names_come_from_the_plans(mini_dir):
    assert load_catalog(CITY).normalize_region("苏州") == ""
    assert load_catalog(CITY).normalize_region("Suzhou") == ""
    catalog = load_catalog(mini_dir)  # no plans.csv: only the generic names
    assert catalog.normalize_region("苏州市") is None and catalog.normalize_region("全市") == ""


def test_no_line_of_the_app_names_the_city_or_the_2021_document():
    files = [REPO / "app.py", *sorted((REPO / "pages").rglob("*.py")), *sorted((REPO / "lib").rglob("*.py"))]
    found = [f"{path.relative_to(REPO)}:{n}: {line.strip()}" for path in files
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if re.search(r"苏州|苏邮管|〔2021〕", line)]
    assert found == []


def test_the_header_of_other_plans():
    other = read_header((FIXTURES / "plan_other_city.txt").read_text(encoding="utf-8"))
    assert (other.issuer, other.city, other.doc_number, other.doc_year, other.issued) == \
        ("无锡市邮政管理局", "无锡市", "锡邮管〔2022〕8号", 2022, dt.date(2022, 3, 15))
    assert other.title == "无锡市邮政管理局关于印发2022年工作要点和邮政快递业更贴近民生3件实事分工安排的通知"
    signed = read_header("常州市邮政管理局2022年工作要点\n各处室：\n现印发。\n常州市邮政管理局\n2022年2月8日\n")
    assert (signed.issuer, signed.doc_number, signed.issued) == ("常州市邮政管理局", "", dt.date(2022, 2, 8))


# The headline column ------------------------------------------------------------------------------------------------

def test_the_headline_targets_are_the_plans_order():
    catalog = load_catalog(CITY)
    assert headline_ids(catalog, 2021) == ["postal_business_volume", "postal_business_revenue", "express_volume",
                                           "express_revenue"]
    scores = scorecard(open_dataset(CITY), 2021, 10)
    assert [s.indicator for s in headline_scores(list(reversed(scores)))] == headline_ids(catalog, 2021)


@pytest.mark.parametrize("change, row, detail", [
    ({"parcels": "2", "coverage": "2"}, 4, "主要指标顺序「2」在同一年度重复"),
    ({"parcels": "1.5"}, 2, "主要指标顺序「1.5」无效：应为从1开始的整数"),
    ({"parcels": "0"}, 2, "主要指标顺序「0」无效：应为从1开始的整数"),
    ({"stations": "1"}, 11, "只有目标行才能列为主要指标"),
])
def test_a_bad_headline_order_is_refused(tmp_path, mini_dir, change, row, detail):
    rows = [dict(target, headline=change.get(target["id"], "")) for target in MINI_TARGETS]
    write_csv(mini_dir / "targets.csv", rows, TARGET_COLUMNS)
    with pytest.raises(InputError) as error:
        load_catalog(mini_dir)
    assert [(p.row, p.column, p.detail("zh")) for p in error.value.problems] == [(row, "headline", detail)]


def test_a_targets_file_without_the_column_heads_with_its_headline_category(mini_dir):
    columns = [c for c in TARGET_COLUMNS if c != "headline"]
    write_csv(mini_dir / "targets.csv", MINI_TARGETS, columns)
    assert headline_ids(load_catalog(mini_dir), 2021) == ["parcels"]  # the mini plan's one headline-category target


# Publishing -----------------------------------------------------------------------------------------------------------

@pytest.fixture
def drafted(fresh_dir, tmp_path):
    """Return (data dir, draft path, plan document path): the 2022 plan drafted against the repository's targets."""
    document = tmp_path / "plan_2022.docx"
    document.write_bytes(plain_docx(PLAN_2022))
    draft = tmp_path / "draft.csv"
    assert run_cli("plan", "draft", document, "--data-dir", fresh_dir, "--out", draft).returncode == 0
    return fresh_dir, draft, document


def definitions(data_dir: Path) -> dict[str, str]:
    """Return the files a publication may change, with their checksums (the log, bundles and audit trail left out)."""
    return {k: v for k, v in snapshot(data_dir).items() if not k.startswith(("submissions", ".unfinished", "audit"))}


def test_publish_then_revert_puts_every_file_back_byte_for_byte(drafted):
    data_dir, draft, document = drafted
    before = definitions(data_dir)
    assert run_cli("plan", "publish", draft, "--data-dir", data_dir, "--plan", document, "--user", "li").returncode == 0
    after = definitions(data_dir)
    assert {k for k in after if after[k] != before.get(k)} == {"targets.csv", "tasks.csv", "plans.csv",
                                                               "plans/2022_plan_2022.docx", "plan_context.csv"}
    assert open_dataset(data_dir).catalog.years() == [2021, 2022]
    log = run_cli("plan", "log", "--data-dir", data_dir, "--lang", "en")
    assert re.fullmatch(r"000001  2022  \S+ \S+  li  draft.csv  11 rows  active\n", log.stdout)
    reverted = run_cli("plan", "revert", "000001", "--data-dir", data_dir, "--user", "wang")
    assert (reverted.returncode, reverted.stdout) == (0, "已撤回发布 000001，目标等文件已恢复为发布前的版本\n")
    assert definitions(data_dir) == before
    assert (data_dir / "submissions" / "reverted" / "pub-000001.zip").exists()  # the 2022 files kept there
    again = run_cli("plan", "revert", "000001", "--data-dir", data_dir, "--user", "li")
    assert again.returncode == 1 and "提交 000001 已于" in again.stderr and "由wang撤回" in again.stderr


def test_only_the_latest_publication_can_be_reverted(drafted):
    data_dir, draft, document = drafted
    for _ in range(2):
        assert run_cli("plan", "publish", draft, "--data-dir", data_dir, "--plan", document).returncode == 0
    older = run_cli("plan", "revert", "000001", "--data-dir", data_dir, "--lang", "en")
    assert older.returncode == 1 and "publication 000002 was made after 000001: revert 000002 first" in older.stderr
    assert run_cli("plan", "revert", "000002", "--data-dir", data_dir).returncode == 0
    assert run_cli("plan", "revert", "000001", "--data-dir", data_dir).returncode == 0
    assert open_dataset(data_dir).catalog.years() == [2021]


def excel_copy(draft: Path, encoding: str) -> bytes:
    """Return the draft as Excel saves it after a review: a row deleted, a value changed, CRLF, in its encoding."""
    frame = pd.read_csv(draft, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame = frame[frame["id"] != "service_stations"]
    frame.loc[frame["id"] == "express_volume", "target_value"] = "26.5"
    frame.loc[frame["id"] == "green_outlets", "target_value"] = "1,200"  # Excel's thousands separator, quoted
    return frame.to_csv(index=False, lineterminator="\r\n").encode(encoding)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_a_draft_saved_back_from_excel_publishes(drafted, tmp_path, encoding):
    data_dir, draft, _ = drafted
    edited = tmp_path / "reviewed.csv"
    edited.write_bytes(excel_copy(draft, encoding))
    result = run_cli("plan", "publish", edited, "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "已发布（编号 000001）：2022年目标10项，工作任务0项"
    targets = load_catalog(data_dir).targets_for(2022).set_index("id")
    assert len(targets) == 10 and "service_stations" not in targets.index
    assert (targets.at["express_volume", "target_value"], targets.at["green_outlets", "target_value"]) == (26.5, 1200)
    assert load_catalog(data_dir).targets_for(2021).equals(load_catalog(CITY).targets_for(2021))
    assert not (data_dir / "plans" / "2022_reviewed.csv").exists() and len(load_plans(data_dir)) == 1  # no --plan


def test_a_draft_with_problems_is_refused_in_chinese_and_nothing_changes(drafted, tmp_path):
    data_dir, draft, document = drafted
    frame = pd.read_csv(draft, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.loc[frame["id"] == "service_stations", "unit"] = "箱"
    frame.loc[frame["id"] == "express_volume", "baseline_year"] = "2022"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(frame.to_csv(index=False).encode("utf-8-sig"))
    before = snapshot(data_dir)
    result = run_cli("plan", "publish", bad, "--data-dir", data_dir, "--plan", document)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "草稿 bad.csv 有2处问题，未发布（目标文件未改动）：",
        "  bad.csv 第4行「baseline_year」：基期年度应早于目标年度",
        f"  bad.csv 第12行「unit」：单位「箱」不在单位表中，可用：{', '.join(units.UNITS)}"]
    assert snapshot(data_dir) == before  # byte for byte: not even a log


def test_a_draft_of_two_years_or_the_wrong_plan_is_refused(drafted, tmp_path):
    data_dir, draft, _ = drafted
    frame = pd.read_csv(draft, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.loc[0, "year"] = "2023"
    two = tmp_path / "two.csv"
    two.write_bytes(frame.to_csv(index=False).encode("utf-8"))
    result = run_cli("plan", "publish", two, "--data-dir", data_dir)
    assert result.stderr.splitlines()[1] == "  two.csv：草稿应只包含一个年度的目标（现有年度：2022、2023）"
    plan_2021 = plan_for(CITY, 2021).document_path(CITY)
    wrong = run_cli("plan", "publish", draft, "--data-dir", data_dir, "--plan", plan_2021)
    assert wrong.returncode == 1 and "2021_plan.txt：计划文件是2021年的，草稿是2022年的目标" in wrong.stderr


def test_options_override_what_the_header_says(drafted):
    data_dir, draft, document = drafted
    result = run_cli("plan", "publish", draft, "--data-dir", data_dir, "--plan", document, "--doc-number",
                     "苏州邮管〔2022〕16号", "--issued", "2022-04-01", "--title-en", "Work plan 2022")
    assert result.returncode == 0
    record = plan_for(data_dir, 2022)
    assert (record.doc_number, record.issued, record.title_en, record.issuer_zh) == \
        ("苏州邮管〔2022〕16号", dt.date(2022, 4, 1), "Work plan 2022", "苏州市邮政管理局")


FLIP_PLAN = """绍兴市邮政管理局2024年工作要点
一、主要目标
快递业务量达到8亿件。
二、重点任务
1. 举办全市快递业务技能比武1次，杜绝野蛮分拣行为。（办公室）
2. 行政许可办结时限压缩至7个工作日，快递服务有效申诉率控制在百万分之2以内。（市场监管处）
"""


def test_a_figure_flipped_to_taken_gets_a_readable_id_and_publishes(fresh_dir, tmp_path):
    document = tmp_path / "绍兴2024.txt"
    document.write_text(FLIP_PLAN, encoding="utf-8")
    assert run_cli("plan", "draft", document, "--data-dir", fresh_dir, "--out", tmp_path / "d.csv").returncode == 0
    frame = pd.read_csv(tmp_path / "d.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    other = frame[frame["taken"] == "否"].set_index("figure")
    # named by the words around them, not by a cut of the line; no id until the reviewer flips them
    assert other[["name_zh", "id", "reason"]].loc[["1次", "杜绝", "7个工作日", "百万分之2"]].values.tolist() == [
        ["快递业务技能比武", "", "无法按月计量（活动或文件）：1次"],
        ["杜绝野蛮分拣行为", "", "未指明可计量的对象：杜绝"],
        ["行政许可办结时限压缩至7个工作日", "", "日期或期限：7个工作日"],
        ["快递服务有效申诉率", "", "单位不在单位表中：百万分之"]]
    assert other.loc["百万分之2", ["target_value", "unit", "comparator", "kind"]].tolist() == ["2", "百万分之", "≤",
                                                                                          "ratio"]
    frame.loc[frame["figure"].isin(["1次", "杜绝"]), "taken"] = "是"
    (tmp_path / "reviewed.csv").write_bytes(frame.to_csv(index=False).encode("utf-8-sig"))
    result = run_cli("plan", "publish", tmp_path / "reviewed.csv", "--data-dir", fresh_dir)
    assert result.returncode == 0, result.stderr
    published = load_catalog(fresh_dir).targets_for(2024).set_index("id")  # 次 kept as 起, its canonical spelling
    assert published.loc[["express_skills", "target"], ["name_zh", "target_value", "unit", "kind"]].values.tolist() \
        == [["快递业务技能比武", 1, "起", "flow"], ["杜绝野蛮分拣行为", 0, "起", "zero_tolerance"]]


def test_plan_draft_explains_what_it_cannot_read(tmp_path, fresh_dir):
    scanned = tmp_path / "scan.docx"
    scanned.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    result = run_cli("plan", "draft", scanned, "--data-dir", fresh_dir, "--out", tmp_path / "d.csv")
    assert result.returncode == 1 and result.stderr.startswith("error: scan.docx：")
    assert not (tmp_path / "d.csv").exists()
    notes = tmp_path / "notes.txt"
    notes.write_text("只有一句话。\n", encoding="utf-8")
    no_year = run_cli("plan", "draft", notes, "--data-dir", fresh_dir, "--out", tmp_path / "d.csv", "--lang", "en")
    assert no_year.returncode == 2 and "cannot tell the year of notes.txt: give --year" in no_year.stderr


def test_parse_plan_reads_word(tmp_path):
    document = tmp_path / "plan.docx"
    document.write_bytes(plain_docx((FIXTURES / "plan_other_city.txt").read_text(encoding="utf-8")))
    result = run_cli("parse-plan", document, "--out", tmp_path / "out", "--targets", CITY / "targets.csv")
    assert result.returncode == 0
    assert len(plan.load_tasks(tmp_path / "out")) == 14  # as from the text (test_plan.test_cli_parse_plan)


# Killed mid-way ------------------------------------------------------------------------------------------------------

# Per copy of the data, forks a child that publishes (or reverts) and SIGKILLs itself at its N-th step.
KILL_AT_EACH_STEP = """
import json, os, signal, sys
from lib import plan, store, units
from lib.access import Principal
operation, draft, document, copies = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
endings = []
for step, data_dir in enumerate(copies, start=1):
    pid = os.fork()
    if pid == 0:
        reached = 0
        def stop_at(name):
            global reached
            reached += 1
            if reached == step:
                os.kill(os.getpid(), signal.SIGKILL)
        store.writes.reached = stop_at
        try:
            if operation == "revert":
                store.revert_publication(data_dir, "000001", Principal.analyst("li", "10.0.0.7"))
            else:
                plan.publish_draft(data_dir, "draft.csv", open(draft, "rb").read(), Principal.analyst("li", "10.0.0.7"),
                                   document=plan.PlanDocument.read("plan.docx", open(document, "rb").read()))
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    endings.append(os.WTERMSIG(status) if os.WIFSIGNALED(status) else -os.WEXITSTATUS(status))
print(json.dumps(endings))
"""


def publish(data_dir: Path, draft: Path, document: Path) -> None:
    plan.publish_draft(data_dir, "draft.csv", draft.read_bytes(), analyst("li"),
                       document=plan.PlanDocument.read("plan.docx", document.read_bytes()))


@pytest.mark.parametrize("operation", ["publish", "revert"])
def test_kill_9_at_every_step_is_finished_or_undone(drafted, tmp_path, monkeypatch, operation):
    data_dir, draft, document = drafted
    if operation == "revert":
        publish(data_dir, draft, document)
    before = definitions(data_dir)
    trial = tmp_path / "trial"
    shutil.copytree(data_dir, trial)
    steps = []
    monkeypatch.setattr(store.writes, "reached", steps.append)
    if operation == "revert":
        store.revert_publication(trial, "000001", analyst("li"))
    else:
        publish(trial, draft, document)
    monkeypatch.undo()
    after = definitions(trial)
    commit = steps.index("logged") + 1
    copies = [tmp_path / f"killed-at-{step}" for step in range(1, len(steps) + 1)]
    for copy in copies:
        shutil.copytree(data_dir, copy)
    result = subprocess.run([sys.executable, "-c", KILL_AT_EACH_STEP, operation, str(draft), str(document),
                             *map(str, copies)], cwd=REPO, capture_output=True, text=True, timeout=600,
                            env=os.environ | {"OPENBLAS_NUM_THREADS": "1"})
    assert json.loads(result.stdout) == [signal.SIGKILL] * len(steps), result.stderr
    for step, copy in enumerate(copies, start=1):
        log = store.read_log(copy, store.PLANS)  # a reader finishes or undoes what the killed writer left
        assert not [p for p in copy.rglob("*") if p.name.startswith((".tmp-", ".pending-", ".staged-", ".unfinished"))]
        done = step >= commit
        assert definitions(copy) == (after if done else before), steps[step - 1]
        if operation == "publish":
            assert log["status"].tolist() == (["active"] if done else [])
        else:
            assert log["status"].tolist() == (["reverted"] if done else ["active"])


def test_two_publications_at_once_never_interleave(drafted, tmp_path):
    data_dir, draft, document = drafted
    with contextlib.ExitStack():
        procs = [subprocess.Popen([sys.executable, "-m", "lib.cli", "plan", "publish", str(draft), "--data-dir",
                                   str(data_dir), "--plan", str(document), "--user", name], cwd=REPO,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for name in ("li", "wang")]
        outcomes = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outcomes
    log = store.read_log(data_dir, store.PLANS)
    assert sorted(log["id"]) == ["000001", "000002"] and set(log["user"]) == {"li", "wang"}
    assert sorted(p.name for p in (data_dir / "plans").iterdir()) == ["2021_plan.txt", "2022_plan_2022.docx"]


# The page ------------------------------------------------------------------------------------------------------------

def plan_page(monkeypatch, data_dir: Path, lang: str = "zh", analysts: str = ""):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KPI_DATA_DIR", str(data_dir))
    monkeypatch.setenv("KPI_ANALYSTS", analysts)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/plan.py").run()
    assert not at.exception
    return at


def test_the_plan_page_shows_a_documents_structure_and_each_rows_problems(monkeypatch, fresh_dir):
    at = plan_page(monkeypatch, fresh_dir)
    # the static table's cells are Markdown made inert (2021\_plan.txt): read without the escapes
    assert [c.replace("\\", "") for c in at.table[0].value.iloc[0]] == [
        "2021", "苏州邮管〔2021〕21号", TITLE_2021, "苏州市邮政管理局", "2021-04-09", "2021_plan.txt"]
    text = (FIXTURES / "plan_2022.txt").read_bytes()
    at.file_uploader(key="plan_upload_0").set_value(("plan_2022.txt", text, "text/plain")).run()
    assert not at.exception
    assert [(m.label, m.value) for m in at.metric] == [("重点工作", "4"), ("工作要点", "16"), ("民生实事", "6"),
                                                       ("牵头处室", "3")]
    draft = at.data_editor[0].value.set_index("id")
    assert draft.at["express_volume", "_previous"] == "2021: 24亿件 +15%"  # what a leader asks first
    assert draft.at["express_volume", "target_value"] == "12.5" and draft.at["express_volume", "_problems"] == ""
    assert draft.at["express_volume", "_taken"] and draft.at["express_volume", "figure"] == "12.5亿件、5%"
    assert draft.at["new_residential_smart_mailboxes", "_problems"] == ""  # 组 is a unit plans count in
    assert draft.at["service_stations", "_previous"] == ""  # new this year
    # every other figure is a row of its own, not taken, with its reason: 28 taken and 27 not (test_plan_draft)
    assert (int(draft["_taken"].sum()), int((~draft["_taken"]).sum())) == (28, 27)
    national = draft[draft["name_zh"] == "全国快递业务量"].iloc[0]
    assert (bool(national["_taken"]), national["_reason"], national["target_value"]) == \
        (False, "背景数字：全国", "1225")
    text = "\n".join(m.value for m in at.markdown)
    assert "未采纳的数字，按原因： 背景数字 **3**，日期或期限 **6**，名称中的数字 **11**" in text
    assert "采纳28项（沿用上年22项，新指标6项），未采纳27处" in "\n".join(c.value for c in at.caption)
    assert "草稿可以发布：28项目标，13处待核对" in [e.value for e in at.success]
    assert not [b for b in at.button if b.key == "plan_publish"]  # not signed in


def test_the_indicator_page_shows_the_plans_context_beside_its_target(monkeypatch, fresh_dir, tmp_path):
    from streamlit.testing.v1 import AppTest

    document = FIXTURES / "plans" / "nantong_2023.docx"
    assert run_cli("plan", "draft", document, "--data-dir", fresh_dir, "--out", tmp_path / "d.csv").returncode == 0
    assert run_cli("plan", "publish", tmp_path / "d.csv", "--data-dir", fresh_dir, "--plan", document).returncode == 0
    monkeypatch.setenv("KPI_DATA_DIR", str(fresh_dir))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    at.segmented_control(key="year_zh").set_value(2023).run()
    at.switch_page("pages/indicator.py")
    at.query_params["id"] = "express_volume"
    at.run()
    assert not at.exception
    # the Nantong plan: 全省快递业务量预计突破100亿件, beside the city's 快递业务量 (carried as express_volume)
    assert "计划引用的背景数字：全省 100亿件（主要目标）" in [c.value for c in at.caption]


def test_a_context_figure_before_the_main_goals_is_shown_with_its_line(monkeypatch, fresh_dir, tmp_path):
    from streamlit.testing.v1 import AppTest

    document = FIXTURES / "plans" / "taizhou_2024.pdf"  # 全国快递业务量突破1300亿件, in the preamble (line 9)
    assert run_cli("plan", "draft", document, "--data-dir", fresh_dir, "--out", tmp_path / "d.csv").returncode == 0
    assert run_cli("plan", "publish", tmp_path / "d.csv", "--data-dir", fresh_dir, "--plan", document).returncode == 0
    monkeypatch.setenv("KPI_DATA_DIR", str(fresh_dir))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    at.segmented_control(key="year_zh").set_value(2024).run()
    at.switch_page("pages/indicator.py")
    at.query_params["id"] = "express_volume"
    at.run()
    assert not at.exception
    assert "计划引用的背景数字：全国 1300亿件（第9行）" in [c.value for c in at.caption]  # not （主要目标）


def test_the_plan_editor_flips_edits_adds_and_deletes_rows_with_the_checks_of_publish():
    from lib.ui.plan import HAND, PREVIOUS, SHOWN_REASON, TAKEN_CELL, draft_file_rows, edited_rows

    drafted = plan.draft_targets(plan.parse_plan((FIXTURES / "plan_2022.txt").read_text(encoding="utf-8")), 2022,
                                 plan.read_targets(CITY / "targets.csv"))
    base = drafted.rows.copy()
    base.insert(0, TAKEN_CELL, base["taken"].map(plan.is_taken))
    base[PREVIOUS], base[SHOWN_REASON], base[HAND] = "", "", ""
    national = int(base.index[base["name_zh"] == "全国快递业务量"][0])
    volume = int(base.index[base["id"] == "express_volume"][0])
    state = {"edited_rows": {national: {TAKEN_CELL: True}, volume: {"target_value": "13", "unit": "箱"}},
             "deleted_rows": [int(base.index[base["id"] == "service_stations"][0])],
             "added_rows": [{"name_zh": "新增智能快件箱", "target_value": "2", "unit": "万个", "kind": "flow",
                             "lead_departments": "市场监管处"}, {"name_zh": "无值的行", TAKEN_CELL: True}]}
    rows = draft_file_rows(edited_rows(base, state, 2022))
    assert len(rows) == len(base) - 1 + 2 and "service_stations" not in set(rows["id"])
    added = rows.iloc[-2]
    assert (added["taken"], added["id"], added["year"], added["aggregation"], added["baseline_year"]) == \
        ("是", "new_parcel_lockers", "2022", "sum", "2021")  # filled as a drafted row would be
    regions = load_regions(CITY / "regions.csv")
    problems = [p for p in plan.validate_draft(rows, plan.read_targets(CITY / "targets.csv"), regions)
                if p.severity == "error"]
    located = {(p.row, p.column) for p in problems}
    assert (volume + 2, "unit") in located  # the edited unit, at its row in the draft file
    assert (len(rows) + 1, "target_value") in located  # the hand row without a value
    assert (national + 1, "id") not in located  # flipped to taken, checked like the others


def test_an_analyst_publishes_from_the_page_in_english(monkeypatch, fresh_dir):
    from lib.auth import hash_password

    at = plan_page(monkeypatch, fresh_dir, "en", analysts=f"li={hash_password('s3cret-pass', iterations=1000)}")
    at.text_input(key="sign_in_name").set_value("li")
    at.text_input(key="sign_in_password").set_value("s3cret-pass")
    at.button[0].click().run()
    at.file_uploader(key="plan_upload_0").set_value(("2022.docx", plain_docx(PLAN_2022), "application/octet-stream"))
    at.run()
    assert not at.exception
    draft = at.data_editor[0].value.set_index("id")
    assert draft.at["express_volume", "_previous"] == "2021: 2.4 bn parcels +15%"
    # to review: the new indicator, 0.3万人次 converted, and the 4 主要目标 targets keeping last year's lead
    assert "The draft can be published: 11 targets, 6 notes to review" in [e.value for e in at.success]
    assert "by reason: Context figure **1**, Date or deadline **4**, Number inside a name **5**" in "\n".join(
        m.value for m in at.markdown)  # the counts of test_new_year, in English
    at.button(key="plan_publish").click().run()
    assert not at.exception
    assert "Published (id 000001): 11 targets and 9 tasks for 2022" in [e.value for e in at.success]
    assert open_dataset(fresh_dir).catalog.years() == [2021, 2022]
    assert plan_for(fresh_dir, 2022).doc_number == "苏州邮管〔2022〕15号"
    assert at.file_uploader(key="plan_upload_1").value is None  # a fresh uploader after publishing
