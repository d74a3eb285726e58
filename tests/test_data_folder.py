"""Issue 24, point 3: every problem with the data folder is a message naming the file and what to do, exit code 4 and
no traceback, from every command and on every page; a new city's empty folder takes its first plan (point 4)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.cli_args import EXIT_FOLDER
from lib.datafiles import DataFolderError, read_file
from lib.plan import load_tasks
from tests.conftest import CITY, REPO, city_copy, run_cli

APP = str(REPO / "app.py")
PAGES = ["pages/overview.py", "pages/indicator.py", "pages/departments.py", "pages/tracker.py", "pages/present.py",
         "pages/upload.py", "pages/plan.py"]
PLAN = REPO / "tests" / "fixtures" / "plan_2022.txt"
HEADER = "id,year,indicator,name_zh,name_en"  # the first columns of targets.csv, as the city has it


def lines(data_dir: Path, name: str) -> list[str]:
    return (data_dir / name).read_text(encoding="utf-8-sig").splitlines()


def write(data_dir: Path, name: str, text: str | bytes) -> None:
    path = data_dir / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def row_too_long(data_dir: Path, name: str) -> None:
    """Add one filled field to the file's third line (its second row)."""
    rows = lines(data_dir, name)
    rows[2] += ",多余"
    write(data_dir, name, "\n".join(rows) + "\n")


def quote_not_closed(data_dir: Path, name: str) -> None:
    """Open a quote on a last row of its own that is never closed."""
    rows = lines(data_dir, name)
    write(data_dir, name, "\n".join([*rows, '"未闭合,1'] + ["x"] * 3) + "\n")


# (what is wrong, how to make it, the file named, the words expected: worked out from the file as written)
BROKEN = [
    ("targets missing", lambda d: (d / "targets.csv").unlink(), "targets.csv", "中没有这个文件"),
    ("targets empty", lambda d: write(d, "targets.csv", b""), "targets.csv", "是空文件（0字节），连表头都没有"),
    ("targets header only", lambda d: write(d, "targets.csv", lines(d, "targets.csv")[0] + "\n"), "targets.csv",
     "只有表头，没有任何一行"),
    ("targets a folder", lambda d: ((d / "targets.csv").unlink(), (d / "targets.csv").mkdir()), "targets.csv",
     "这是一个文件夹，不是文件"),
    ("targets binary", lambda d: write(d, "targets.csv", b"PK\x03\x04\x00\x00"), "targets.csv", "不是文本（CSV）文件"),
    ("targets GBK", lambda d: write(d, "targets.csv", "\n".join(lines(d, "targets.csv")).encode("gbk")),
     "targets.csv", "第2行不是 UTF-8 编码"),  # row 2 is the first with Chinese (邮政业务总量)
    ("targets row too long", lambda d: row_too_long(d, "targets.csv"), "targets.csv",
     "第3行有23个字段，而表头只有22列"),
    ("targets quote not closed", lambda d: quote_not_closed(d, "targets.csv"), "targets.csv",
     f"从第{len(lines(CITY, 'targets.csv')) + 1}行起引号没有闭合"),
    ("targets field too large", lambda d: write(d, "targets.csv", "\n".join(
        [*lines(d, "targets.csv"), "x," + '"' + "长" * 140_000 + '"']) + "\n"), "targets.csv",
     f"第{len(lines(CITY, 'targets.csv')) + 1}行有一个字段超过 131,072 个字符"),
    ("regions empty", lambda d: write(d, "regions.csv", b""), "regions.csv", "是空文件（0字节）"),
    ("regions GBK", lambda d: write(d, "regions.csv", "\n".join(lines(d, "regions.csv")).encode("gbk")),
     "regions.csv", "第2行不是 UTF-8 编码"),
    ("plans row too long", lambda d: write(d, "plans.csv", "\n".join(
        [*lines(d, "plans.csv"), "2022,某局,,,,,,,,,多余"]) + "\n"), "plans.csv", "第3行有11个字段，而表头只有10列"),
    ("plans wrong columns", lambda d: write(d, "plans.csv", "年度,文号\n2021,苏州邮管〔2021〕21号\n"), "plans.csv",
     "缺少列：year（现有列：年度, 文号）"),
    ("tasks empty", lambda d: write(d, "tasks.csv", b""), "tasks.csv", "是空文件（0字节）"),
    ("tasks quote not closed", lambda d: quote_not_closed(d, "tasks.csv"), "tasks.csv",
     f"从第{len(lines(CITY, 'tasks.csv')) + 1}行起引号没有闭合"),
    ("tasks number", lambda d: write(d, "tasks.csv", "key,list_type,number,text\nk:1,key_work,一,开展\n"), "tasks.csv",
     "第2行「number」列的「一」不是整数"),
    ("aliases binary", lambda d: write(d, "aliases.csv", b"\x00\x01\x02"), "aliases.csv", "不是文本（CSV）文件"),
    ("plan_context wrong columns", lambda d: write(d, "plan_context.csv", "a,b\n1,2\n"), "plan_context.csv",
     "缺少列：year（现有列：a, b）"),
]


@pytest.fixture(params=BROKEN, ids=[b[0] for b in BROKEN])
def broken(request, tmp_path) -> tuple[Path, str, str]:
    """Return a copy of the city with one definition file broken, the file's name and the words expected."""
    _, breaking, name, words = request.param
    data_dir = city_copy(tmp_path / "data", sample_in_place=True)
    breaking(data_dir)
    return data_dir, name, words


def test_the_reader_names_the_file_and_what_is_wrong(broken):
    data_dir, name, words = broken
    with pytest.raises(DataFolderError) as refused:
        load_tasks(data_dir) if name == "tasks.csv" else read_file(data_dir, name)  # tasks: its numbers too
    message = refused.value.problems[0].message("zh")
    assert message.startswith(f"{name}：") and words in message
    assert refused.value.problems[0].message("en").startswith(f"{name}: ")


def commands(data_dir: Path, tmp_path: Path) -> dict[str, list]:
    """Return every command that reads the data folder, as run by a person."""
    upload = tmp_path / "十月快报.csv"
    upload.write_text("period,indicator,value\n2021-10,快递业务量,1.5\n", encoding="utf-8")
    draft = tmp_path / "draft.csv"
    draft.write_text(HEADER + "\n", encoding="utf-8")
    base = ["--data-dir", data_dir]
    return {
        "report": ["report", *base],
        "report json": ["report", *base, "--year", "2021", "--format", "json"],
        "export pptx": ["export", *base, "--year", "2021", "--as-of", "2021-10", "--format", "pptx", "--out",
                        tmp_path / "deck.pptx"],
        "export png": ["export", *base, "--year", "2021", "--as-of", "2021-10", "--format", "png", "--out",
                       tmp_path / "png"],
        "export docx": ["export", *base, "--year", "2021", "--as-of", "2021-10", "--format", "docx", "--out",
                        tmp_path / "通报.docx", "--no-charts"],
        "digest": ["digest", *base, "--out", tmp_path / "outbox", "--no-charts", "--secrets", tmp_path / "none.toml"],
        "validate": ["validate", upload, *base],
        "import": ["import", upload, *base, "--user", "li"],
    }


def test_every_command_names_the_broken_file_and_exits_4(broken, tmp_path):
    data_dir, name, words = broken
    for label, argv in commands(data_dir, tmp_path).items():
        for lang, heading in (("zh", "数据目录有问题，无法计算："),
                              ("en", "The data folder has problems; nothing can be computed:")):
            result = run_cli(*argv, "--lang", lang)
            assert result.returncode == EXIT_FOLDER, (label, lang, result)
            assert "Traceback" not in result.stderr and result.stdout == "", (label, lang)
            first, problem = result.stderr.splitlines()[:2]
            assert first == heading, (label, lang)
            assert problem.startswith(f"  {name}{'：' if lang == 'zh' else ': '}"), (label, lang)
            if lang == "zh":
                assert words in problem, label
    assert not (tmp_path / "deck.pptx").exists() and not (tmp_path / "outbox").exists()
    assert not (data_dir / "actuals" / "sub-000001.csv").exists()  # nothing stored


@pytest.mark.parametrize("name", ["targets.csv", "tasks.csv", "aliases.csv"])
def test_plan_draft_and_publish_name_a_broken_file_they_read(name, tmp_path):
    data_dir = city_copy(tmp_path / "data")
    write(data_dir, name, b"\x00binary")
    draft = run_cli("plan", "draft", PLAN, "--data-dir", data_dir, "--out", tmp_path / "draft.csv")
    assert draft.returncode == EXIT_FOLDER and "Traceback" not in draft.stderr
    assert f"  {name}：不是文本（CSV）文件" in draft.stderr
    good = city_copy(tmp_path / "good")
    assert run_cli("plan", "draft", PLAN, "--data-dir", good, "--out", tmp_path / "draft.csv").returncode == 0
    published = run_cli("plan", "publish", tmp_path / "draft.csv", "--plan", PLAN, "--data-dir", data_dir)
    assert published.returncode == EXIT_FOLDER and f"  {name}：不是文本（CSV）文件" in published.stderr


def test_a_missing_folder_is_said_missing_and_only_then(tmp_path):
    missing = run_cli("report", "--data-dir", tmp_path / "nowhere")
    assert missing.returncode == EXIT_FOLDER
    assert missing.stderr.splitlines()[1] == f"  {tmp_path / 'nowhere'}：数据目录不存在。请检查 --data-dir 或 " \
        "KPI_DATA_DIR；新城市先建立这个文件夹，再发布计划（“年度计划”页，或 plan draft / plan publish）"
    assert not (tmp_path / "nowhere").exists()  # nothing created on the way
    (tmp_path / "empty").mkdir()
    empty = run_cli("report", "--data-dir", tmp_path / "empty")
    assert empty.returncode == EXIT_FOLDER and "数据目录不存在" not in empty.stderr
    assert f"targets.csv：数据目录 {tmp_path / 'empty'} 中没有这个文件" in empty.stderr


def test_a_year_without_targets_names_the_years_that_have_them():
    result = run_cli("report", "--data-dir", CITY, "--year", "2023", "--lang", "en")
    assert result.returncode == EXIT_FOLDER
    assert result.stderr.splitlines()[1] == ("  targets.csv: no targets for 2023 (years with targets: 2021): choose "
                                             "another year, or publish 2023's plan")


def test_report_without_a_year_takes_the_latest_year_with_targets(tmp_path):
    data_dir = city_copy(tmp_path / "data")
    shutil.rmtree(data_dir / "sample")  # no figures at all: before, "None年没有目标"
    result = run_cli("report", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "2021年12月" and "无数据" in result.stdout
    # a second year of targets (2022: the city's rows again), still no figures: the latest, 2022, is reported
    rows = lines(data_dir, "targets.csv")
    later = [r.replace(",2021,", ",2022,", 1).replace(",2020,", ",2021,", 1) for r in rows[1:] if ",2021," in r]
    write(data_dir, "targets.csv", "\n".join([*rows, *later]) + "\n")
    table = run_cli("report", "--data-dir", data_dir)
    assert table.returncode == 0 and table.stdout.splitlines()[0] == "2022年12月"


def test_a_new_city_drafts_and_publishes_into_an_empty_folder(tmp_path):
    data_dir = tmp_path / "newcity"
    data_dir.mkdir()
    draft = run_cli("plan", "draft", PLAN, "--data-dir", data_dir, "--out", tmp_path / "draft.csv")
    assert draft.returncode == 0, draft.stderr
    with (tmp_path / "draft.csv").open(encoding="utf-8-sig", newline="") as fh:
        taken = [row["id"] for row in csv.DictReader(fh) if row["taken"] == "是"]
    assert len(taken) > 10
    published = run_cli("plan", "publish", tmp_path / "draft.csv", "--plan", PLAN, "--data-dir", data_dir,
                        "--user", "li")
    assert published.returncode == 0, published.stderr
    with (data_dir / "targets.csv").open(encoding="utf-8-sig", newline="") as fh:
        written = list(csv.DictReader(fh))
    assert [row["id"] for row in written] == taken and {row["year"] for row in written} == {"2022"}
    assert "backups" not in {p.name for p in data_dir.iterdir()}  # a new folder: nothing older to back up
    report = run_cli("report", "--data-dir", data_dir)
    assert report.returncode == 0 and report.stdout.splitlines()[0] == "2022年12月"


@pytest.mark.parametrize("content", [None, b"", HEADER.encode() + b"\n"], ids=["absent", "empty", "header only"])
def test_publish_adds_to_a_targets_csv_without_rows(content, tmp_path):
    data_dir = tmp_path / "newcity"
    data_dir.mkdir()
    if content is not None:
        write(data_dir, "targets.csv", content)
    assert run_cli("plan", "draft", PLAN, "--data-dir", data_dir, "--out", tmp_path / "d.csv").returncode == 0
    published = run_cli("plan", "publish", tmp_path / "d.csv", "--data-dir", data_dir)
    assert published.returncode == 0, published.stderr


def page_texts(at: AppTest) -> str:
    return "\n".join(e.value for kind in ("error", "info", "warning") for e in at.get(kind)).replace("\\", "")


@pytest.mark.parametrize("variant", [b for b in BROKEN if b[0] in (
    "targets missing", "targets empty", "targets header only", "targets GBK", "regions empty", "plans wrong columns",
    "tasks quote not closed", "aliases binary", "plan_context wrong columns")], ids=lambda b: b[0])
def test_every_page_shows_the_message_never_a_traceback(variant, monkeypatch, tmp_path):
    label, breaking, name, words = variant
    data_dir = city_copy(tmp_path / "data", sample_in_place=True)
    breaking(data_dir)
    monkeypatch.setenv("KPI_DATA_DIR", str(data_dir))
    new_city = label in ("targets missing", "targets empty", "targets header only")
    for page in PAGES:
        at = AppTest.from_file(APP, default_timeout=60).run()
        if page != PAGES[0]:
            at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        text = page_texts(at)
        if page == "pages/plan.py" and new_city:  # the plan page is where a new city's first plan goes
            assert "这个数据目录还没有目标" in text and at.get("file_uploader"), page
            continue
        assert "数据目录有问题，无法计算：" in text and f"{name}：" in text and words in text, (page, text)
        assert not at.metric and not at.get("plotly_chart"), page


def test_the_app_over_a_missing_folder_says_so_and_creates_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv("KPI_DATA_DIR", str(tmp_path / "nowhere"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert f"{tmp_path / 'nowhere'}：数据目录不存在" in page_texts(at)
    assert not (tmp_path / "nowhere").exists()


def test_an_empty_folder_takes_its_first_plan_on_the_plan_page(monkeypatch, tmp_path):
    data_dir = tmp_path / "newcity"
    data_dir.mkdir()
    monkeypatch.setenv("KPI_DATA_DIR", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/plan.py").run()
    at.get("file_uploader")[0].set_value(("plan_2022.txt", PLAN.read_bytes(), "text/plain")).run()
    assert not at.exception and not at.error
    assert {"计划结构", "目标草稿"} <= {tab.label for tab in at.tabs}


def test_a_csv_field_beyond_the_csv_limit_is_named_with_file_row_and_limit(tmp_path):
    data_dir = city_copy(tmp_path / "data")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "year", "source_text"])
    writer.writerow(["parcels", "2022", "长" * 140_000])
    (tmp_path / "draft.csv").write_text(buffer.getvalue(), encoding="utf-8")
    result = run_cli("plan", "publish", tmp_path / "draft.csv", "--data-dir", data_dir, "--lang", "en")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[1] == ("  draft.csv: row 2 has a field longer than 131,072 characters (the "
                                             "limit of one CSV field) and cannot be read: check the row for a "
                                             "missing closing quote, or split the long text")


@pytest.mark.parametrize("period, words", [
    ("2021-13", "链接中的月份“2021-13”无效（应为如 2021-05 的年月），显示的是最新月份。"),
    ("2030-05", "链接中的2030年没有目标（有目标的年份：2021），显示的是最新月份。")])
def test_a_link_to_a_month_that_is_none_or_a_year_without_targets_says_so(period, words, monkeypatch, sample_dir):
    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["period"] = period
    at.run()
    assert not at.exception and words in [w.value for w in at.warning]
    assert at.markdown[0].value.startswith("**截至2021年10月，")  # the latest month, as said


@pytest.mark.parametrize("folder", ["actuals", "progress"])
def test_a_folder_of_the_data_folder_that_is_a_file_is_named(folder, monkeypatch, tmp_path):
    data_dir = city_copy(tmp_path / "data", sample_in_place=True)
    shutil.rmtree(data_dir / folder)
    write(data_dir, folder, "不是文件夹")  # its files would be taken for none: every target 无数据, said nowhere
    said = (f"  {data_dir / folder}：应是存放文件的文件夹，现在却是一个文件：把它改名或移到别处，"
            f"再建一个名为 {folder} 的文件夹")
    for label, argv in commands(data_dir, tmp_path).items():
        result = run_cli(*argv)
        assert result.returncode == EXIT_FOLDER and result.stdout == "", (label, result)
        assert result.stderr.splitlines()[:2] == ["数据目录有问题，无法计算：", said], label
    monkeypatch.setenv("KPI_DATA_DIR", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and said.strip() in page_texts(at) and not at.get("plotly_chart")
