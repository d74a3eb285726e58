"""Real-browser tests of the 数据上报 page: an analyst signs in and stores a GBK CSV, an .xls and a merged-header .xlsx;
a wrong file is refused. They run on a server of their own: the first real file replaces the bundled sample whole
(#13), and every other browser test reads the sample."""

from __future__ import annotations

import pytest

from tests.browsing import (
    ANALYST,
    ANALYST_PASSWORD,
    GRID_CELLS,
    REPO,
    need_browser,
    running_app,
    shot,
    sign_in,
    wait_for_app,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Start the app on the frozen city with its sample, for this module's uploads alone; yield its URL."""
    need_browser()
    with running_app(tmp_path_factory.mktemp("uploads") / "data") as url:
        yield url


def test_analyst_uploads_a_gbk_csv_and_a_wrong_file(browser, server, tmp_path):
    gbk = tmp_path / "十一月快报.csv"
    gbk.write_bytes("月份,指标名称,数值,单位\n2021年11月,快递绿色网点,29,个\n".encode("gbk"))
    wrong = tmp_path / "wrong.csv"
    wrong.write_bytes("月份,指标名称,数值\n2021年13月,快递业务,很多\n".encode("gbk"))
    page = browser.new_page(viewport={"width": 1440, "height": 1800})
    page.goto(server + "/upload")
    page.get_by_role("heading", name="数据上报").wait_for(timeout=60_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("用户名").fill(ANALYST)
    sidebar.get_by_label("密码", exact=True).fill(ANALYST_PASSWORD)
    sidebar.get_by_role("button", name="登录").click()
    sidebar.get_by_text(f"分析员：{ANALYST}").wait_for(timeout=30_000)

    page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(wrong))
    page.get_by_text("文件有3个错误，未入库").wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    shot(page, "upload_wrong_file.png")
    assert page.get_by_role("button", name="确认入库").count() == 0

    page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(gbk))
    page.get_by_text("校验通过，可以入库。").wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    shot(page, "upload_gbk_preview.png")
    page.get_by_role("button", name="确认入库").click()
    page.get_by_text("已入库：提交编号 000001").wait_for(timeout=30_000)
    page.get_by_role("button", name="确认入库").wait_for(state="detached", timeout=30_000)  # the page starts afresh
    assert page.get_by_text("解析结果预览").count() == 0
    shot(page, "upload_stored.png")
    # The uploader is empty again; the same file a second time is recognised, not stored twice
    page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(gbk))
    page.get_by_text("无需重复提交").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="确认入库").count() == 0
    # the submissions tab: the file stored, its cells whole in the grid (#28)
    page.get_by_role("tab", name="提交记录").click()
    page.locator('[data-testid="stDataFrame"]:visible').first.wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    grids = page.evaluate(GRID_CELLS)
    assert [(g["rows"], g["cut"], g["missing"], g["wide"], g["offscreen"]) for g in grids] == [(1, [], [], [], False)]
    shot(page, "upload_submissions.png")

    page.goto(server + "/overview")
    wait_for_app(page)
    assert page.get_by_text("截至2021年11月").first.is_visible()
    assert page.get_by_text("29个", exact=True).first.is_visible()
    page.close()


def test_analyst_uploads_an_xls_and_a_merged_header_xlsx(browser, server):
    """Files as offices make them (#14): LibreOffice's .xls of one sheet per month, then a bulletin with a merged
    two-row header; each is stored from the 数据上报 page and the overview moves (runs last: it adds December)."""
    office = REPO / "tests" / "fixtures" / "office"
    page = browser.new_page(viewport={"width": 1440, "height": 1800})
    page.goto(server + "/upload")
    page.get_by_role("heading", name="数据上报").wait_for(timeout=60_000)
    sign_in(page)
    page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(office / "2021年快报_按月.xls"))
    page.get_by_text("校验通过，可以入库。").wait_for(timeout=30_000)
    page.get_by_text("工作表「12月」：1行数据，0个错误").wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    shot(page, "upload_xls_months.png")
    page.get_by_role("button", name="确认入库").click()
    page.get_by_text("共2行").wait_for(timeout=30_000)

    page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(office / "bulletin_2021-11.xlsx"))
    page.get_by_text("校验通过，可以入库。").wait_for(timeout=30_000)
    page.get_by_text("个提醒：数据会入库，但请核对。").wait_for(timeout=30_000)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    page.wait_for_timeout(1500)
    shot(page, "upload_merged_header_xlsx.png")
    page.get_by_role("button", name="确认入库").click()
    page.get_by_text("共2行").wait_for(timeout=30_000)

    page.goto(server)
    wait_for_app(page)
    assert page.get_by_text("截至2021年12月").first.is_visible()
    assert page.get_by_text("28个", exact=True).first.is_visible()  # green outlets: November's, from the .xlsx
    shot(page, "overview_after_office_files.png")
    page.close()
