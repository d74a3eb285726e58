"""First use without traps (issue 24): the switch from the sample announced and explained, last year stored as the
baseline, a file refused only for rows that are wrong, figures checked against each other and the warnings kept with
the submission."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from lib import store
from lib.catalog import TARGET_COLUMNS
from lib.coverage import coverage, coverage_line, first_real_file, waiting_links
from lib.dataset import open_dataset
from lib.display import baseline_note, problems_frame
from lib.engine import scorecard
from tests.conftest import CITY, MINI_TARGETS, OPERATOR, analyst, open_upload_for, write_csv

TODAY = dt.date(2021, 12, 5)
HEADER = "period,indicator,value,region,unit,basis,note\n"


def test_the_confirm_step_names_the_targets_a_first_real_file_leaves_without_data(fresh_dir):
    ds = open_dataset(fresh_dir)
    assert ds.uses_sample  # a new administration: the sample shows until a real file is stored
    parsed = store.validate(fresh_dir, "十一月.csv", (HEADER + "2021-11,快递业务量,25000,,万件,,\n").encode(),
                            today=TODAY, dataset=ds)
    assert parsed.accepted
    text = first_real_file(ds, parsed.rows, "zh")
    targets = ds.catalog.targets_for(2021)
    assert "示例数据不再显示" in text and f"没有以下{len(targets) - 1}项2021年目标（共{len(targets)}项）" in text
    assert "邮政业务总量" in text and "快递业务量（" not in text  # the one given is not among those waiting
    english = first_real_file(ds, parsed.rows, "en")
    assert "sample data stops showing" in english and f"{len(targets) - 1} of the {len(targets)}" in english


def test_no_first_file_warning_once_real_figures_are_stored(fresh_dir):
    store.import_file(fresh_dir, "a.csv", (HEADER + "2021-10,快递业务量,25000,,万件,,\n").encode(), OPERATOR,
                      today=TODAY)
    ds = open_dataset(fresh_dir)
    parsed = store.validate(fresh_dir, "b.csv", (HEADER + "2021-11,快递业务量,25000,,万件,,\n").encode(),
                            today=TODAY, dataset=ds)
    assert not ds.uses_sample and first_real_file(ds, parsed.rows, "zh") is None


def test_after_the_first_file_the_overview_leads_with_the_coverage(fresh_dir):
    # (a flow's October needs its 累计, or every month before it: a month alone gives no year to date)
    store.import_file(fresh_dir, "十月.csv", (HEADER + "2021-10,快递业务量,200000,,万件,ytd,\n"
                                                     "2021-10,green_outlets,28,,,,\n").encode(), OPERATOR, today=TODAY)
    ds = open_dataset(fresh_dir)
    assert not ds.is_sample  # nothing of the sample mixes in: only the two stored figures count
    assert set(ds.query("SELECT DISTINCT indicator FROM actuals")["indicator"]) == {"express_volume", "green_outlets"}
    scores = scorecard(ds, 2021, 10)
    c = coverage(scores, 2021, 10)
    assert c.covered == 2 and c.total == len(scores) and len(c.waiting) == len(scores) - 2
    waiting = len(scores) - 2
    assert coverage_line(c, "zh") == (f"**2021年10月：{len(scores)}项目标中2项已有数据。** "
                                      f"等待数据的{waiting}项（点击进入上传页，附该项模板）：")
    assert coverage_line(c, "en").startswith(f"**2 of {len(scores)} targets have data for Oct 2021.** "
                                             f"Waiting for {waiting}")
    links = waiting_links(c, "zh")  # what each page link to the upload page carries (lib/ui/upload.py)
    assert len(links) == waiting and ("邮政业务总量", "postal_business_volume", "2021-10") in links
    assert ("Postal business volume", "postal_business_volume", "2021-10") in waiting_links(c, "en")
    assert "快递业务量" not in {label for label, _, _ in links}  # the two with data are not waiting
    assert "](" not in coverage_line(c, "zh")  # no Markdown link: it would open a new tab


@pytest.fixture
def plan_2023(tmp_path):
    """A new city's folder: targets for 2023 only, no baseline year written, no 2022 targets."""
    rows = [dict(r, year=2023) if r.get("year") else dict(r) for r in MINI_TARGETS
            if r["kind"] != "not_below_last_year"]
    for r in rows:
        r.pop("baseline_year", None)
        r.pop("growth_target_pct", None)
    write_csv(tmp_path / "targets.csv", rows, TARGET_COLUMNS)
    shutil.copy(CITY / "regions.csv", tmp_path / "regions.csv")
    (tmp_path / "actuals").mkdir()
    return tmp_path


def test_last_year_is_stored_as_the_baseline_though_it_has_no_targets(plan_2023):
    data = (HEADER + "2022-05,快递业务量,10,,亿件,,\n").encode()
    outcome = store.import_file(plan_2023, "2022.csv", data, OPERATOR, today=dt.date(2023, 6, 1))
    assert outcome.parsed.accepted and outcome.submission_id  # was refused: 所在年度没有目标
    ds = open_dataset(plan_2023)
    note = baseline_note(outcome.parsed, ds.catalog, "zh")
    assert note == "2022年没有目标：这1行作为2023年目标的基期（去年同期）入库。"
    assert "baseline" in baseline_note(outcome.parsed, ds.catalog, "en")
    fresh = open_dataset(plan_2023)
    assert first_real_file(fresh, outcome.parsed.rows, "zh") is None  # stored already: no first-file warning
    refused = store.validate(plan_2023, "2021.csv", (HEADER + "2021-05,快递业务量,10,,亿件,,\n").encode(),
                             today=dt.date(2023, 6, 1))
    assert [p.code for p in refused.errors] == ["err_year"]  # two years back is still no year of this plan


def test_rows_without_a_target_are_kept_aside_and_named(sample_dir):
    rows = "".join(f"2021-{m:02d},邮政行业寄递业务量,{30000 + m},,万件,,\n" for m in range(1, 13))
    data = (HEADER + "2021-11,green_outlets,28,,,,\n" + rows).encode()
    outcome = store.import_file(sample_dir, "统计局.csv", data, analyst("li"), today=TODAY)
    assert outcome.parsed.accepted and outcome.submission_id
    assert len(outcome.parsed.rows) == 1  # the one row with a target is stored
    (aside,) = [p for p in outcome.parsed.warnings if p.code == "warn_no_target"]
    assert (aside.row, aside.value, aside.params["rows"]) == (3, "邮政行业寄递业务量", 12)
    assert aside.detail("en") == ("no target in 2021: 邮政行业寄递业务量, 12 rows, kept aside and not stored "
                                  "(the other rows are stored)")
    assert "2021年没有这项指标的目标：「邮政行业寄递业务量」12行" in aside.detail("zh")


def test_a_misspelt_indicator_still_refuses_the_file_with_its_hint(sample_dir):
    parsed = store.validate(sample_dir, "x.csv", (HEADER + "2021-11,快递业务亮,1,,,,\n").encode(), today=TODAY)
    assert [p.code for p in parsed.errors] == ["err_indicator_hint"]


def test_a_file_none_of_whose_names_is_known_is_refused_row_by_row(sample_dir):
    """Not one known name: the names are what is wrong (the template's names are asked for), nothing is set aside."""
    parsed = store.validate(sample_dir, "x.csv", (HEADER + "2021-11,邮政行业寄递业务量,1,,,,\n").encode(), today=TODAY)
    assert [(p.code, p.row) for p in parsed.problems] == [("err_indicator_hint", 2)]


BOTH = "月份,指标,本月,累计\n"


def test_month_against_the_change_in_ytd_within_the_file(mini_dir):
    data = (BOTH + "2021-01,快递业务量,10,10\n2021-02,快递业务量,9,19\n2021-03,快递业务量,12,30\n").encode()
    parsed = store.validate(mini_dir, "a.csv", data, today=TODAY)
    (w,) = parsed.warnings
    # March: 30 − 19 = 11, the file says 12
    assert (w.code, w.row, w.column, w.value) == ("warn_month_vs_ytd_file", 4, "本月", "12")
    assert w.detail("zh") == ("本月 12亿件 与累计的变化不符：累计 30亿件 − 上月累计 19亿件 = 11亿件，相差 +1亿件"
                              "（上月累计取自本文件）；按累计入库，请核对")


def test_month_against_the_change_in_ytd_stored_last_month(mini_dir):
    store.import_file(mini_dir, "jan-feb.csv", (HEADER + "2021-02,快递业务量,19,,亿件,ytd,\n").encode(), OPERATOR,
                      today=TODAY)
    parsed = store.validate(mini_dir, "mar.csv", (BOTH + "2021-03,快递业务量,10,30\n").encode(), today=TODAY)
    assert [(p.code, p.params["previous"], p.params["change"], p.params["difference"]) for p in parsed.warnings] == [
        ("warn_month_vs_ytd_stored", "19", "11", "-1")]
    consistent = store.validate(mini_dir, "mar.csv", (BOTH + "2021-03,快递业务量,11,30\n").encode(), today=TODAY)
    assert not consistent.warnings


def test_stated_growth_is_checked_to_a_tenth_of_a_point(mini_dir):
    store.import_file(mini_dir, "2020.csv", (HEADER + "2020-03,快递业务量,10,,亿件,,\n").encode(), OPERATOR,
                      today=TODAY)
    near = store.validate(mini_dir, "a.csv", "月份,指标,本月,同比增长（%）\n2021-03,快递业务量,12,20.05\n".encode(),
                          today=TODAY)
    assert not near.warnings  # 12 / 10 − 1 = 20%: 0.05 point off is rounding
    far = store.validate(mini_dir, "a.csv", "月份,指标,本月,同比增长（%）\n2021-03,快递业务量,12,20.3\n".encode(),
                         today=TODAY)
    assert [(p.code, p.params["reported"], p.params["computed"]) for p in far.warnings] == [
        ("warn_growth_mismatch", "20.3", "20.0")]


def test_warnings_are_kept_with_the_submission_and_survive_a_restart(mini_dir):
    data = (BOTH + "2021-01,快递业务量,10,10\n2021-02,快递业务量,8,19\n").encode()
    outcome = store.import_file(mini_dir, "a.csv", data, OPERATOR, today=TODAY)
    assert outcome.submission_id and outcome.parsed.warnings
    kept = store.submission_checks(mini_dir, outcome.submission_id)  # read back from disk, as after a restart
    assert [(p.code, p.row, p.params["difference"]) for p in kept] == [("warn_month_vs_ytd_file", 3, "-1")]
    assert kept[0].message("en").startswith("a.csv row 3, column '本月': this month 8 亿件 does not match")
    assert store.read_log(mini_dir).iloc[0]["warnings"] == "1"


def test_problem_tables_never_show_none_or_nan():
    from lib.problems import Problem

    frame = problems_frame([Problem("a.csv", "err_empty"), Problem("a.csv", "err_number", row=2, column="value")],
                           "zh")
    text = frame.to_string()
    assert "None" not in text and "nan" not in text and "NaT" not in text


def test_a_first_file_of_last_year_only_says_every_target_of_this_year_waits(fresh_dir):
    ds = open_dataset(fresh_dir)
    parsed = store.validate(fresh_dir, "2020.csv", (HEADER + "2020-11,快递业务量,20000,,万件,,\n").encode(),
                            today=TODAY, dataset=ds)
    total = len(ds.catalog.targets_for(2021))
    assert f"没有以下{total}项2021年目标（共{total}项）的数据" in first_real_file(ds, parsed.rows, "zh")


def test_the_plan_grid_offers_every_unit_the_draft_holds(monkeypatch, fresh_dir):
    """A unit the plan wrote that is no known unit (号, 年 in the 2022 fixture) was not among the unit column's options,
    and the grid showed None in its place."""
    import json

    from lib import units
    from tests.test_plans import FIXTURES, plan_page

    at = plan_page(monkeypatch, fresh_dir)
    text = (FIXTURES / "plan_2022.txt").read_bytes()
    at.file_uploader(key="plan_upload_0").set_value(("plan_2022.txt", text, "text/plain")).run()
    editor = at.data_editor[0]
    options = json.loads(editor.proto.columns)["unit"]["type_config"]["options"]
    written = set(editor.value["unit"].dropna().astype(str)) - {""}
    assert written - set(units.UNITS) and written <= set(options)


def test_tables_show_a_missing_number_blank(fresh_dir):
    """Streamlit's grid writes None for a missing cell: the overview's table shows it blank (issue 24, point 7)."""
    from lib.display import scorecard_table, shown

    store.import_file(fresh_dir, "a.csv", (HEADER + "2021-10,green_outlets,28,,,,\n").encode(), OPERATOR, today=TODAY)
    frame = scorecard_table(scorecard(open_dataset(fresh_dir), 2021, 10), 2021, "zh")
    assert frame.isna().any().any()  # targets without data: the CSV keeps its cells empty
    table = shown(frame)
    assert not table.isna().any().any() and not table.astype(str).isin(["None", "nan", "NaT"]).any().any()
    assert table.loc[frame["实际完成"].isna(), "实际完成"].eq("").all()


def test_a_waiting_ratio_target_offers_the_template_of_its_parts(fresh_dir):
    from lib.coverage import target_indicators
    from lib.templates import long_template

    catalog = open_dataset(fresh_dir).catalog
    assert target_indicators(catalog, 2021, "no_repack_rate") == ["no_repack_parcels", "ecommerce_parcels"]
    assert target_indicators(catalog, 2021, "express_volume") == ["express_volume"]
    frame = long_template(catalog, "2021-11", target_indicators(catalog, 2021, "no_repack_rate"))
    assert list(frame["代码(id)"]) == ["no_repack_parcels", "ecommerce_parcels"]
    assert list(frame["indicator"]) == ["不再二次包装的电商快件量", "电商快件量"]


def test_the_overview_links_each_waiting_target_to_the_upload_page_in_the_same_tab(monkeypatch, fresh_dir):
    """The coverage line's links are page links (same tab, the analyst stays signed in), not Markdown links (a new
    tab), and the upload page they open offers the target's template for the month they name."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import REPO

    store.import_file(fresh_dir, "十月.csv", (HEADER + "2021-10,快递业务量,200000,,万件,ytd,\n"
                                                     "2021-10,green_outlets,28,,,,\n").encode(), OPERATOR, today=TODAY)
    monkeypatch.setenv("KPI_DATA_DIR", str(fresh_dir))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["period"] = "2021-10"
    at.run()
    assert not at.exception
    total = len(scorecard(open_dataset(fresh_dir), 2021, 10))
    assert any(f"{total}项目标中2项已有数据" in m.value for m in at.markdown)
    assert [e.label for e in at.expander if "等待数据" in e.label] == [f"等待数据的{total - 2}项目标"]  # over 5: folded
    links = {e.proto.label: e.proto for e in at.get("page_link") if e.proto.query_string.startswith("target=")}
    assert len(links) == total - 2 and "快递业务量" not in links
    postal = links["邮政业务总量"]
    assert (postal.page, postal.query_string) == ("upload", "target=postal_business_volume&period=2021-10")

    open_upload_for(at, "postal_business_volume", "2021-10")
    assert any("上传「邮政业务总量」的数据" in e.value for e in at.info)
    assert any(e.value == "2021年10月" for e in at.caption)


def test_while_the_sample_shows_a_new_file_is_checked_against_nothing_without_reading_the_sample(fresh_dir,
                                                                                                  monkeypatch):
    """A command that checks a file while the folder shows the sample gets the context the whole dataset gives
    (today and the plan's years, nothing loaded), without the sample's files read or its tables built."""
    import lib.dataset

    whole = store.context_from(open_dataset(fresh_dir), TODAY)[1]
    assert whole.loaded == {} and whole.years == {2020, 2021}

    def must_not_read(*args, **kwargs):
        raise AssertionError("the sample's files were read")

    monkeypatch.setattr(lib.dataset, "load_actuals", must_not_read)
    assert store.build_context(fresh_dir, TODAY)[1] == whole
    assert store.validate(fresh_dir, "november.csv", b"period,indicator,value\n2021-11,green_outlets,29\n",
                          today=TODAY).accepted
