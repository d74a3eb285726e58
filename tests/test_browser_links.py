"""Issue 24: a period in a link is obeyed on every page that takes one, opened in a fresh browser tab (a new session),
in Debian chromium; and the app over a broken data folder shows the message, not a traceback."""

from __future__ import annotations

import pytest

from tests.browsing import running_app, shot, wait_until_drawn

# page address, the charts it draws, what says the month shown
PERIOD_PAGES = [("overview?period=2021-05", 1, "截至2021年5月"), ("present?period=2021-05", 0, "2021年5月"),
                ("indicator?id=express_volume&period=2021-05", 1, "2021年5月"),
                ("departments?period=2021-05", 0, "2021年5月"), ("tracker?period=2021-05", 0, "截至2021年5月")]


@pytest.mark.parametrize("path, charts, words", PERIOD_PAGES, ids=[p[0].split("?")[0] for p in PERIOD_PAGES])
def test_a_period_in_a_link_is_obeyed_on_every_page(browser, server, path, charts, words):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{server}/{path}")
    wait_until_drawn(page, charts=charts)
    assert page.get_by_text(words).first.is_visible(), path
    assert page.get_by_text("2021年10月").count() == 0, path  # the latest month with data is not what it shows
    shot(page, f"period_link_{path.split('?')[0]}.png")
    page.close()


def test_the_app_over_a_broken_targets_csv_shows_the_message(browser, tmp_path):
    with running_app(tmp_path / "data") as url:
        (tmp_path / "data" / "targets.csv").write_bytes(b"")
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(url + "/overview")
        page.get_by_text("数据目录有问题，无法计算").wait_for(timeout=60_000)
        assert page.get_by_text("targets.csv：是空文件（0字节），连表头都没有").is_visible()
        assert page.locator('[data-testid="stException"]').count() == 0
        shot(page, "broken_targets_phone.png")
        page.close()
