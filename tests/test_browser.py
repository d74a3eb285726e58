"""Real-browser tests: Playwright drives Debian chromium against a running app; screenshots are saved."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from lib.auth import hash_password
from tests.conftest import REPO, city_copy

ANALYST, ANALYST_PASSWORD = "zhang", "browser-test-pass"

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _need_browser() -> None:
    """Skip without chromium or Playwright, except in CI where that is a failure."""
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append("chromium (apt-get install chromium fonts-noto-cjk)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -r requirements-dev.txt)")
    if missing:
        message = "browser tests need " + ", ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(data: Path):
    """Start the app on a copy of the frozen city (tests/fixtures/city) in `data`; yield its URL once it answers."""
    city_copy(data)
    port = _free_port()
    env = {**os.environ, "KPI_DATA_DIR": str(data),
           "KPI_ANALYSTS": f"{ANALYST}={hash_password(ANALYST_PASSWORD, iterations=1000)}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("the app did not start within 60 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Start the app on the frozen city with its sample; yield its URL."""
    _need_browser()
    with running_app(tmp_path_factory.mktemp("browser") / "data") as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser, url: str, width: int, height: int):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    wait_for_app(page)
    return page


def wait_for_app(page) -> None:
    page.wait_for_selector('[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg', timeout=60_000)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    page.wait_for_timeout(500)


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def test_overview_in_chinese_shows_every_target(browser, server):
    page = open_page(browser, server, 1440, 4400)
    assert page.get_by_role("heading", name="目标任务完成情况总览").is_visible()
    assert page.get_by_text("示例数据").first.is_visible()
    metrics = page.locator('[data-testid="stMetric"]')
    assert metrics.count() == 24  # one card per target, headline four first (the status counts are badges)
    for value in ("434.46亿元", "19.25亿件", "8.15万个", "1,710人次"):
        assert page.get_by_text(value, exact=True).first.is_visible()
    bars = page.locator('[data-testid="stPlotlyChart"] g.trace.bars path')
    assert bars.count() >= 15
    shot(page, "overview_zh.png")
    page.close()


def test_english_toggle(browser, server):
    page = open_page(browser, server, 1440, 4400)
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Target completion overview").wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.get_by_text("1.92 bn parcels", exact=True).first.is_visible()  # a count keeps its unit (#28)
    assert page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').get_by_text("Oct 2021").first.is_visible()
    assert page.get_by_text("Express parcel volume").first.is_visible()
    shot(page, "overview_en.png")
    page.close()


@pytest.mark.parametrize("path, heading", [("", "Target completion overview"),
                                           ("indicator?id=express_revenue", "Express business revenue")])
def test_first_session_after_start_takes_the_first_click(browser, tmp_path, path, heading):
    """The first visitor after the server starts (the address from the group chat, a deep link included) switches
    to English with one click: that session's first run once gave the switch another identity, and the click was
    lost."""
    with running_app(tmp_path / "data") as url:
        page = open_page(browser, f"{url}/{path}", 1440, 1000)
        page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
        page.get_by_role("heading", name=heading).first.wait_for(timeout=30_000)
        assert "lang=en" in page.url
        page.close()


def test_narrow_window_still_reads(browser, server):
    page = open_page(browser, server, 1366, 900)  # a desktop browser: drawn wide first, with a mode bar
    assert page.evaluate(MODE_BARS) == ["hover"]
    page.set_viewport_size({"width": 420, "height": 900})  # narrowed: the probe reports it, the page redraws narrow
    page.wait_for_function(f"() => ({MODE_BARS})().join() === 'false'", timeout=30_000)
    wait_for_app(page)
    assert page.get_by_role("heading", name="目标任务完成情况总览").is_visible()
    found = page.evaluate(MEASURE)
    assert (found["overflow"], found["cut"], found["overlaps"], found["offscreen"]) == (0, [], [], [])
    shot(page, "overview_narrow.png")
    page.close()


def test_indicator_page_for_express_volume(browser, server):
    page = browser.new_page(viewport={"width": 1440, "height": 2400})
    page.goto(server + "/indicator?id=express_volume&period=2021-10")  # October, whatever other tests stored
    wait_for_app(page)
    shot(page, "indicator_express_volume.png")
    assert page.get_by_role("heading", name="快递业务量").is_visible()
    assert page.get_by_text("11–12月还需月均完成2.38亿件，比去年同期月均高7.2%").is_visible()
    assert page.locator('[data-testid="stSidebarNav"]').get_by_text("指标详情").is_visible()  # app.py's navigation
    assert page.locator('[data-testid="stPlotlyChart"] g.trace.bars').count() >= 1
    shot(page, "indicator_express_volume.png")
    page.close()


def test_overview_card_links_to_the_indicator(browser, server):
    page = open_page(browser, server, 1440, 4400)
    page.get_by_role("link", name="查看详情").nth(2).click()  # the third card: express volume
    page.get_by_role("heading", name="快递业务量").wait_for(timeout=30_000)
    assert "id=express_volume" in page.url
    page.close()


def test_overview_table_downloads_as_csv_for_excel(browser, server, tmp_path):
    page = open_page(browser, server, 1440, 4400)
    page.get_by_text("明细表", exact=True).click()
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="下载明细（CSV）").click()  # the CSV is built on click
    path = tmp_path / "scorecard.csv"
    download.value.save_as(path)
    data = path.read_bytes()
    # October, or November once the upload test in this module has stored a November file
    assert download.value.suggested_filename in ("scorecard_2021-10.csv", "scorecard_2021-11.csv")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Chinese Excel needs to read UTF-8
    lines = data.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 24 and lines[0].startswith("指标,类别,牵头,状态,目标要求,实际完成,单位,完成率（%）,")
    assert any(line.startswith("快递业务量,主要发展指标,市场监管处,") and ",≥24亿件," in line for line in lines)
    shot(page, "overview_table.png")
    page.close()


def test_departments_page(browser, server):
    page = browser.new_page(viewport={"width": 1440, "height": 2000})
    page.goto(server + "/departments")
    page.get_by_role("heading", name="处室排名").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    shot(page, "departments.png")
    page.close()


# Measured in the page: the document does not scroll, no element ends outside the window, the view's body holds all
# its content (it hides what does not fit), title, body and footer do not overlap, the chart is not squashed and no
# two of its labels overlap.
SLIDE_FIT = """() => {
  const box = e => e ? e.getBoundingClientRect() : null;
  const body = document.querySelector('.st-key-slide_body');
  const head = box(document.querySelector('.st-key-slide h1'));
  const foot = box(document.querySelector('.st-key-slide_foot'));
  const outside = [...document.querySelectorAll('.st-key-slide *')]
      .filter(e => e.offsetParent && e.getClientRects().length)
      .filter(e => { const b = box(e); return b.width && (b.right > innerWidth + 1 || b.bottom > innerHeight + 1); })
      .map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 30));
  const chart = box(document.querySelector('.st-key-slide_chart .main-svg'));
  const labels = [...document.querySelectorAll('.st-key-slide_chart text')].filter(t => t.textContent.trim())
      .map(t => [t.textContent, box(t)]);
  const overlaps = [];
  labels.forEach(([a, p], i) => labels.slice(i + 1).forEach(([b, q]) => {
      if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1)
          overlaps.push(a + ' / ' + b); }));
  const badges = box(document.querySelector('.st-key-slide_body h4'));
  const table = box(document.querySelector('.st-key-slide_body .slide-table'));
  return {scroll: document.documentElement.scrollHeight - innerHeight, outside: outside.slice(0, 5),
          badgesUnderTable: badges && table ? badges.bottom - table.top : 0,
          hidden: body.scrollHeight - body.clientHeight, headBottom: head.bottom, bodyTop: box(body).top,
          bodyBottom: box(body).bottom, footTop: foot.top, footBottom: foot.bottom,
          chart: chart && {top: chart.top, bottom: chart.bottom, height: chart.height}, overlaps: overlaps.slice(0, 5)};
}"""


# The presentation's views by slug (tests/test_export.py lists them in order), and those that are a chart.
SLIDES = ["scorecard", "overview", "postal_business_volume", "postal_business_revenue", "express_volume",
          "express_revenue", "green", "workplan_1", "workplan_2", "workplan_3"]
CHART_SLIDES = {"overview", "postal_business_volume", "postal_business_revenue", "express_volume", "express_revenue",
                "green"}


@pytest.mark.parametrize("width, height", [(1366, 768), (1920, 1080), (2560, 1440), (1024, 768)])
def test_presentation_fits_each_meeting_screen_without_a_switch(browser, server, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    # Every view in Chinese, and the English views whose words run longest
    for view, lang in [*((v, "zh") for v in SLIDES), ("overview", "en"), ("postal_business_volume", "en"),
                       ("workplan_1", "en")]:
        page.goto(f"{server}/present?view={view}&lang={lang}")
        page.locator(".st-key-slide_foot").get_by_text("苏州邮管〔2021〕21号").wait_for(timeout=60_000)
        if view in CHART_SLIDES:  # the views with a chart: wait until it is drawn at the body's height
            page.wait_for_selector(".st-key-slide_chart .js-plotly-plot .main-svg", timeout=60_000)
        page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
        page.wait_for_timeout(1200)
        fit = page.evaluate(SLIDE_FIT)
        where = f"view {view} ({lang}) at {width}×{height}: {fit}"
        assert fit["scroll"] <= 0 and fit["outside"] == [] and fit["hidden"] <= 2 and fit["overlaps"] == [], where
        assert fit["headBottom"] <= fit["bodyTop"] + 1 and fit["bodyBottom"] <= fit["footTop"] + 1, where
        assert fit["badgesUnderTable"] <= 1, where  # the work plan's table once covered its status counts
        assert fit["footBottom"] <= height, where
        if fit["chart"]:
            assert fit["bodyTop"] - 1 <= fit["chart"]["top"] and fit["chart"]["bottom"] <= fit["bodyBottom"] + 1, where
            assert fit["chart"]["height"] >= 0.35 * height, where  # drawn at the room the body has, not squashed
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        assert page.get_by_role("button", name="下一页" if lang == "zh" else "Next").is_visible()
        page.screenshot(path=str(ARTIFACTS / f"present_{view}_{lang}_{width}x{height}.png"))
    page.close()


def test_twenty_concurrent_sessions(browser, server):
    """Twenty sessions opened at once all draw the overview without an error (p95 goes to bench/RESULTS.md)."""
    pages, times, errors = [], [], []
    for _ in range(20):
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        pages.append((page, time.perf_counter()))
        page.goto(server + "/overview", wait_until="commit")
    for page, start in pages:
        page.wait_for_selector('[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg', timeout=240_000)
        times.append(time.perf_counter() - start)
        assert page.locator('[data-testid="stException"]').count() == 0
    for page, _ in pages:
        page.close()
    assert errors == []
    p95 = sorted(times)[int(0.95 * (len(times) - 1))]
    print(f"20 sessions: p95 {p95:.2f} s")


# Measures a drawn page from the DOM and the charts' SVG: horizontal overflow; text an element hides part of
# (ellipsis or clipped); lines of text drawn over each other (their glyph boxes, HTML and chart text alike); chart
# lines (ticks, the 100% line) drawn across chart text; and text outside the window (a tab hidden past the window's
# edge too: tabs wrap on a phone). Tables drawn on a canvas, the sidebar and hover labels are left out.
MEASURE = """
() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const vw = window.innerWidth;
  const out = {overflow: Math.max(document.documentElement.scrollWidth, main.scrollWidth) - vw, cut: [], overlaps: [],
               offscreen: []};
  const visible = (r) => r.width > 0.5 && r.height > 0.5;
  const describe = (e) => (e.textContent || '').trim().slice(0, 40);
  // 1. text cut: an element that hides what overflows it (ellipsis or overflow hidden) and has more than it shows
  for (const e of main.querySelectorAll('*')) {
    if (e.closest('[data-testid="stDataFrame"], .js-plotly-plot, [data-testid="stSidebar"]')) continue;
    const c = getComputedStyle(e);
    if (!e.textContent.trim() || !visible(e.getBoundingClientRect()) || !e.checkVisibility()) continue;
    const hides = c.textOverflow === 'ellipsis' || ['hidden', 'clip'].includes(c.overflowX);
    if (hides && e.scrollWidth > e.clientWidth + 1) out.cut.push(describe(e));
  }
  // 2. every line of text in the page (HTML text nodes, and SVG text of the charts) as boxes
  const boxes = [];
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const host = node.parentElement;
    if (host.closest('[data-testid="stDataFrame"], [data-testid="stSidebar"], .hoverlayer, .modebar, style, script'))
      continue;
    if (!host.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const box of range.getClientRects()) {
      if (!visible(box)) continue;
      // the glyphs, not the font's whole line box (CJK fonts' ascent and descent reach well past the ink)
      const r = {left: box.left, right: box.right, top: box.top + 0.2 * box.height,
                 bottom: box.bottom - 0.2 * box.height};
      boxes.push({r, host, text: node.textContent.trim().slice(0, 30)});
      if (box.right > vw + 1 || box.left < -1) out.offscreen.push(node.textContent.trim().slice(0, 30));
    }
  }
  // 3. overlaps: two lines of text from different elements drawn over each other
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.host === b.host || a.host.contains(b.host) || b.host.contains(a.host)) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 2 && h > 2) out.overlaps.push(`${a.text} × ${b.text}`);
    }
  }
  // 4. lines drawn across chart text (a tick or the 100% line through a value)
  for (const chart of main.querySelectorAll('.js-plotly-plot')) {
    const lines = [...chart.querySelectorAll('.shapelayer path, .xtick line, .ytick line, .zerolinelayer path')]
      .map(p => p.getBoundingClientRect()).filter(visible);
    for (const t of chart.querySelectorAll('text')) {
      if (t.closest('.legend, .hoverlayer')) continue;
      const r = t.getBoundingClientRect();
      if (!visible(r)) continue;
      for (const l of lines) {
        const w = Math.min(r.right, l.right) - Math.max(r.left, l.left);
        const h = Math.min(r.bottom, l.bottom) - Math.max(r.top, l.top);
        if (w > 0.5 && h > 2) { out.overlaps.push(`line × ${t.textContent.slice(0, 30)}`); break; }
      }
    }
  }
  return out;
}
"""
# Each chart's mode bar setting, as Plotly was given it ("hover" by default; "false" on a phone).
MODE_BARS = ("() => [...document.querySelectorAll('.js-plotly-plot')]"
             ".map(chart => String(chart._context.displayModeBar))")
PHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.0 Mobile/15E148 Safari/604.1")
WINDOWS = {
    "phone": dict(viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True,
                  user_agent=PHONE_UA),
    "laptop": dict(viewport={"width": 1366, "height": 768}),
    "desktop": dict(viewport={"width": 1920, "height": 1080}),
}
PAGES = {"overview": 1, "indicator?id=express_volume": 1, "departments": 0, "tracker": 0,  # page: charts on it
         "present?view=scorecard": 0, "present?view=postal_business_volume": 1, "present?view=green": 1,
         "present?view=workplan_1": 0, "plan": 0, "upload": 0}


def wait_until_drawn(page, charts: int = 0) -> None:
    """Wait for the page's title, the run finished, every element loaded (no skeleton left) and at least `charts`
    charts, all drawn."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=60_000)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    page.wait_for_function("""(charts) => {
        const drawn = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
        return !document.querySelector('[data-testid="stSkeleton"]') && drawn.length >= charts
               && drawn.every(chart => chart.querySelector('.main-svg'));
    }""", arg=charts, timeout=60_000)
    page.wait_for_timeout(600)


@pytest.mark.parametrize("window", list(WINDOWS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_reads_at_every_width(browser, server, window, lang):
    """Phone, laptop and desktop, both languages: nothing overflows, is cut, or is drawn over other text; the
    overview's answer is on the first screen; a phone gets no chart mode bar."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(**WINDOWS[window])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    problems = {}
    for path, charts in PAGES.items():
        page.goto(f"{server}/{path}{'&' if '?' in path else '?'}lang={lang}")
        wait_until_drawn(page, charts)
        found = page.evaluate(MEASURE)
        if found["overflow"] > 0 or found["cut"] or found["overlaps"] or found["offscreen"]:
            problems[path] = found
        if window == "phone":
            assert set(page.evaluate(MODE_BARS)) <= {"false"}, path
        page.screenshot(path=str(ARTIFACTS / f"{window}_{lang}_{path.replace('?', '_').replace('=', '')}.png"))
        if path == "overview":
            # the latest month: October, or November once the GBK test has stored its file
            first_words = r"^截至2021年\d+月，" if lang == "zh" else r"^As of \w{3} 2021: "
            answer = page.get_by_text(re.compile(first_words)).first
            box = answer.bounding_box()
            assert box and box["y"] + box["height"] <= WINDOWS[window]["viewport"]["height"], "answer below the fold"
    context.close()
    assert problems == {} and errors == []


# The words an uploader shows where Streamlit draws its own English: the button, the limit, the drop prompt.
UPLOADER_WORDS = """
() => {
  const zone = document.querySelector('[data-testid="stFileUploaderDropzone"]');
  const words = (e) => ({hidden: getComputedStyle(e).fontSize, shown: getComputedStyle(e, '::after').content});
  return {button: words(zone.querySelector('button [data-testid="stMarkdownContainer"] p')),
          limit: words(zone.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span'))};
}
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_language_per_screen(browser, server, lang):
    """Streamlit's own uploader words and the browser tab's title follow the page's language, from a link's first
    run; a phone shows every tab of the tracker without a scroll arrow."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{server}/upload{'?lang=en' if lang == 'en' else ''}")
    page.wait_for_selector('[data-testid="stFileUploaderDropzone"]', timeout=60_000)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    words = page.evaluate(UPLOADER_WORDS)
    assert words["button"] == {"hidden": "0px", "shown": '"选择文件"' if lang == "zh" else '"Choose a file"'}
    assert words["limit"] == {"hidden": "0px",
                              "shown": '"单个文件不超过 20 MB"' if lang == "zh" else '"Up to 20 MB per file"'}
    assert page.title() == ("苏州市邮政快递业2021年目标任务跟踪" if lang == "zh" else
                            "Suzhou Postal & Express 2021 Target Tracker")
    page.screenshot(path=str(ARTIFACTS / f"upload_{lang}.png"))
    page.close()
    phone = browser.new_context(**WINDOWS["phone"]).new_page()
    phone.goto(f"{server}/tracker{'?lang=en' if lang == 'en' else ''}")
    wait_until_drawn(phone)
    tabs = phone.locator('[data-testid="stTab"]')
    assert tabs.count() == 4
    for i in range(4):  # each tab wholly inside the window (they wrap onto a second line)
        box = tabs.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (i, box)
    phone.screenshot(path=str(ARTIFACTS / f"tracker_tabs_phone_{lang}.png"))
    phone.context.close()


# Every line of a chart's text on a slide: its size and fill, and what it is drawn on.
CHART_TEXT = """
() => [...document.querySelectorAll('.st-key-slide_chart .main-svg text')].filter(t => t.textContent.trim()
  && t.getBoundingClientRect().width > 0).map(t => ({text: t.textContent.trim().slice(0, 20),
  size: parseFloat(getComputedStyle(t).fontSize), fill: getComputedStyle(t).fill}))
"""


def test_slide_charts_are_legible_on_a_meeting_screen(browser, server):
    """At 1920 × 1080 every chart text of every chart slide is at least 14 px and 4.5:1 against the white slide."""
    from lib.theme import contrast

    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    faults = []
    for view in sorted(CHART_SLIDES):
        page.goto(f"{server}/present?view={view}")
        page.wait_for_selector(".st-key-slide_chart .main-svg", timeout=60_000)
        page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
        page.wait_for_timeout(500)
        texts = page.evaluate(CHART_TEXT)
        assert texts, view
        for t in texts:
            r, g, b = (int(v) for v in re.findall(r"\d+", t["fill"])[:3])
            if t["size"] < 14 or contrast(f"#{r:02X}{g:02X}{b:02X}") < 4.5:
                faults.append((view, t))
    page.close()
    assert faults == []


# Where the work plan's table lies on a slide: its top and bottom, the footer's top, the last cell's bottom.
WORKPLAN_SPACE = """
() => {
  const table = document.querySelector('.st-key-slide .slide-table').getBoundingClientRect();
  const foot = document.querySelector('.st-key-slide_foot').getBoundingClientRect();
  const size = parseFloat(getComputedStyle(document.querySelector('.st-key-slide .slide-table td')).fontSize);
  return {top: table.top, bottom: table.bottom, foot: foot.top, size};
}
"""


@pytest.mark.parametrize("window", ["laptop", "desktop"])
def test_the_work_plan_slides_fill_the_screen(browser, server, window):
    """On a laptop and a meeting screen each work-plan slide's table takes at least 60 % of the height between its
    top and the footer (its type the deck's, as large as the slide lets it be), every row above the footer."""
    page = browser.new_page(**WINDOWS[window])
    shares = {}
    for n in (1, 2, 3):
        page.goto(f"{server}/present?view=workplan_{n}")
        page.wait_for_selector(".st-key-slide .slide-table", timeout=60_000)
        page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
        space = page.evaluate(WORKPLAN_SPACE)
        assert space["bottom"] <= space["foot"], (n, space)  # nothing under the footer or cut by the slide
        assert space["size"] >= 14, (n, space)
        shares[n] = round((space["bottom"] - space["top"]) / (space["foot"] - space["top"]), 2)
        page.screenshot(path=str(ARTIFACTS / f"workplan_{n}_{window}.png"))
    page.close()
    assert {n: share for n, share in shares.items() if share < 0.6} == {}, shares


def test_addresses_open_their_page_and_selection(browser, server):
    """Links as they are shared: /overview and the others open their page with its selection, no "Page not found"."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    for path, heading in (("overview", "目标任务完成情况总览"), ("overview?lang=en", "Target completion overview"),
                          ("indicator?id=express_revenue", "快递业务收入"), ("tracker", "工作要点与民生实事推进情况"),
                          ("departments?dept=普遍服务处", "普遍服务处牵头的指标（最需关注的在前）")):
        page.goto(f"{server}/{path}")
        page.get_by_role("heading", name=heading).wait_for(timeout=60_000)
        wait_until_drawn(page, charts=1 if path.startswith(("overview", "indicator")) else 0)
        assert page.get_by_text("Page not found").count() == 0, path
        assert urllib.parse.urlparse(page.url).path == "/" + path.split("?")[0], page.url
    page.goto(f"{server}/overview?period=2021-06")
    wait_until_drawn(page, charts=1)
    assert page.get_by_text("截至2021年6月").first.is_visible() and "period=2021-06" in page.url
    page.close()


# The uploads run last: the first real file replaces the bundled sample whole (#13), so every test before them
# reads the sample.
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

    page.goto(server + "/overview")
    wait_for_app(page)
    assert page.get_by_text("截至2021年11月").first.is_visible()
    assert page.get_by_text("29个", exact=True).first.is_visible()
    page.close()


def sign_in(page) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("用户名").fill(ANALYST)
    sidebar.get_by_label("密码", exact=True).fill(ANALYST_PASSWORD)
    sidebar.get_by_role("button", name="登录").click()
    sidebar.get_by_text(f"分析员：{ANALYST}").wait_for(timeout=30_000)


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
