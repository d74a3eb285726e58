"""First use in a real browser (issue 24): a new administration's clean data folder, the sample showing; an analyst
uploads one real file, sees what storing it changes and what the check found, confirms, and the overview leads with
which targets have data and which wait. On a laptop (1366×768) and a phone (390×844); screenshots saved."""

from __future__ import annotations

import pytest

from tests.browsing import (
    ANALYST,
    ANALYST_PASSWORD,
    RUN_ENDED,
    running_app,
    shot,
    wait_for_app,
)

pytestmark = pytest.mark.browser

# One statistics-office file: October and November of 快递业务量 with 本月 beside 累计 (November's 本月, 21000, is not
# 190000 − 170000 = 20000), a line the dashboard has no target for, and a level reported as the month's count.
FIRST_FILE = ("月份,指标名称,本月,累计,单位\n"
              "2021年10月,快递业务量,20000,170000,万件\n"
              "2021年11月,快递业务量,21000,190000,万件\n"
              "2021年11月,邮政行业寄递业务量,35000,,万件\n"
              "2021年11月,快递绿色网点,29,,个\n")


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_first_use_from_a_clean_folder(browser, tmp_path, width, height):

    upload = tmp_path / "十一月快报.csv"
    upload.write_bytes(FIRST_FILE.encode("gbk"))
    size = f"{width}x{height}"
    printed = tmp_path / "server.txt"
    with running_app(tmp_path / "data", printed) as url:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url + "/overview")
        wait_for_app(page)
        assert page.get_by_text("示例数据").first.is_visible()
        shot(page, f"first_use_1_sample_{size}.png")

        page.goto(url + "/upload")
        page.get_by_role("heading", name="数据上报").wait_for(timeout=60_000)
        if width < 640:  # the sidebar is folded on a phone: opened once the page's run has drawn it all
            page.wait_for_selector(RUN_ENDED, timeout=60_000)
            page.locator('[data-testid="stExpandSidebarButton"], '
                         '[data-testid="stSidebarCollapsedControl"]').first.click()
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_label("用户名").fill(ANALYST)
        sidebar.get_by_label("密码", exact=True).fill(ANALYST_PASSWORD)
        sidebar.get_by_role("button", name="登录").click()
        sidebar.get_by_text(f"分析员：{ANALYST}").wait_for(timeout=30_000)
        if width < 640:
            page.keyboard.press("Escape")
            page.mouse.click(width - 10, height - 10)

        page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(upload))
        page.get_by_text("校验通过，可以入库。").wait_for(timeout=30_000)
        page.get_by_text("示例数据不再显示").wait_for(timeout=30_000)
        page.wait_for_timeout(800)
        body = page.locator("body").inner_text()
        assert "这是第一份真实数据" in body and "将显示“无数据”" in body and "邮政业务总量" in body
        assert "2021年没有这项指标的目标：「邮政行业寄递业务量」1行" in body
        # 21000万件 read as 2.1亿件, the unit of 快递业务量: 19 − 17 = 2亿件
        assert "本月 2.1亿件 与累计的变化不符" in body and "相差 +0.1亿件" in body
        assert "None" not in body and "nan" not in body
        shot(page, f"first_use_2_checked_{size}.png")
        page.get_by_role("button", name="确认入库").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        shot(page, f"first_use_2_confirm_{size}.png")
        # nothing on the page is wider than the window (the problems wrap)
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1

        page.get_by_role("button", name="确认入库").click()
        page.get_by_text("已入库：提交编号 000001").wait_for(timeout=30_000)

        page.goto(url + "/overview")
        wait_for_app(page)
        line = page.get_by_text("项目标中2项已有数据").first
        line.wait_for(timeout=30_000)
        assert page.get_by_text("示例数据：当前显示").count() == 0
        # 22 targets wait for November: folded into an expander under the line, each a link to the upload page
        page.get_by_text("等待数据的22项目标").click()
        link = page.get_by_role("link", name="邮政业务总量").first
        link.wait_for(timeout=30_000)
        link.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        shot(page, f"first_use_3_coverage_{size}.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        link.click()  # in the same tab and session: a Markdown link would open a new tab, signed out
        page.get_by_text("上传「邮政业务总量」的数据").wait_for(timeout=60_000)
        assert len(page.context.pages) == 1
        assert "/upload?" in page.url and "target=postal_business_volume" in page.url and "period=2021-11" in page.url
        # the month the link was for, not the next one, in the page itself (a phone's sidebar is folded away)
        page.locator('[data-testid="stMain"]').get_by_text("2021年11月").first.wait_for(timeout=30_000)
        page.get_by_role("button", name="下载「邮政业务总量」的模板（CSV）").wait_for(timeout=30_000)
        page.get_by_role("tab", name="提交记录").click()
        page.get_by_text("提交 000001（十一月快报.csv）入库时的2个提醒").wait_for(timeout=30_000)
        shot(page, f"first_use_4_template_{size}.png")
        page.close()
        # a quiet start (issue 24, point 7): what the server printed while it started, stored a file and served every
        # page above is Streamlit's banner, no Python warning or traceback
        lines = [line for line in printed.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
        assert not [line for line in lines if any(w in line for w in ("Traceback", "Warning", "WARNING", "Error"))]
        assert len(lines) <= 4, lines  # You can now view…, URL: …, Uvicorn server started on …
