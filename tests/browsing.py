"""What the real-browser tests share: Debian chromium's launch, the app started on a copy of the frozen city, waits
for a drawn page, screenshots and the in-page measures. The `browser` and `server` fixtures (tests/conftest.py) are
built once per test process, so under pytest-xdist each worker has one browser and one app server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from lib.auth import hash_password
from tests.conftest import REPO, city_copy

ANALYST, ANALYST_PASSWORD = "zhang", "browser-test-pass"

# Debian's chromium-headless-shell: the same Chromium build as Debian's chromium (Blink, V8, the fonts), without the
# browser's own window: a new tab of the full browser in headless mode also starts a renderer for the address bar's
# popup (chrome://omnibox-popup.top-chrome), 0.6 CPU-s a tab. The shell is what Playwright itself drives headless.
CHROMIUM = shutil.which("chromium-headless-shell") or "/usr/bin/chromium-headless-shell"
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]



def need_browser() -> None:
    """Skip without chromium or Playwright, except in CI where that is a failure."""
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append("chromium-headless-shell (apt-get install chromium-headless-shell fonts-noto-cjk)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -r requirements-dev.txt)")
    if missing:
        message = "browser tests need " + ", ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def free_port() -> int:
    """Return a loopback port free now (the app binds it a moment later; running_app retries if it was taken)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(data: Path, output: Path | None = None):
    """Start the app on a copy of the frozen city (tests/fixtures/city) in `data`; yield its URL once it answers. With
    output, what the server prints (stdout and stderr) is written there."""
    city_copy(data)
    env = {**os.environ, "KPI_DATA_DIR": str(data),
           "KPI_ANALYSTS": f"{ANALYST}={hash_password(ANALYST_PASSWORD, iterations=1000)}"}
    for _attempt in range(3):  # another test process may take the free port before the app binds it
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL if output is None else output.open("ab"),
            stderr=subprocess.DEVNULL if output is None else subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        if _answers(url, proc):
            break
        proc.terminate()
        proc.wait(timeout=10)
    else:
        pytest.fail("the app did not start within 60 s")
    try:
        yield url
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """End the app: SIGTERM, and SIGKILL if it has not gone within 30 s (Streamlit took longer than 10 s to shut down
    on a machine with a load of 38, and the test failed in its teardown)."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _answers(url: str, proc: subprocess.Popen, seconds: float = 60) -> bool:
    """Return whether the app at url answers its health check before it exits or the time is up."""
    deadline = time.time() + seconds
    while time.time() < deadline and proc.poll() is None:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                return True
        except OSError:
            time.sleep(0.3)
    return False


def launch_chromium(playwright):
    """Return Debian's chromium-headless-shell launched through Playwright (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def open_page(browser, url: str, width: int, height: int):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    wait_for_app(page)
    return page


# The app's run state, once a run has drawn something: Streamlit's status widget shows only for a run that lasts, so its
# absence did not say the run was over (a phone's tracker measured before its tabs were drawn, on a loaded machine).
RUN_ENDED = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def wait_for_app(page) -> None:
    page.wait_for_selector('[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg', timeout=60_000)
    page.wait_for_selector(RUN_ENDED, timeout=60_000)
    page.wait_for_timeout(500)


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


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


def wait_until_drawn(page, charts: int = 0) -> None:
    """Wait for the page's title, the run finished, every element loaded (no skeleton left) and at least `charts`
    charts, all drawn."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=60_000)
    page.wait_for_selector(RUN_ENDED, timeout=60_000)
    page.wait_for_function("""(charts) => {
        const drawn = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
        return !document.querySelector('[data-testid="stSkeleton"]') && drawn.length >= charts
               && drawn.every(chart => chart.querySelector('.main-svg'));
    }""", arg=charts, timeout=60_000)
    page.wait_for_timeout(600)
    page.wait_for_function(CHARTS_SETTLED, timeout=30_000)


# True once no chart text has moved for 300 ms: on a busy machine Plotly may still be laying a chart out again (its
# margins grow to fit the labels) when the page looks drawn, and a measure taken then sees labels mid-move.
CHARTS_SETTLED = """() => new Promise(resolve => {
  const where = () => JSON.stringify([...document.querySelectorAll('.js-plotly-plot text')].map(t => {
    const b = t.getBoundingClientRect(); return [Math.round(b.left), Math.round(b.top), Math.round(b.width)]; }));
  const before = where();
  setTimeout(() => resolve(before === where()), 300);
})"""

def sign_in(page) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("用户名").fill(ANALYST)
    sidebar.get_by_label("密码", exact=True).fill(ANALYST_PASSWORD)
    sidebar.get_by_role("button", name="登录").click()
    sidebar.get_by_text(f"分析员：{ANALYST}").wait_for(timeout=30_000)



# Every grid (st.dataframe) on the page, measured from what it draws: glide-data-grid paints its cells on a canvas, so
# the grid's own props (its columns' widths, row height, font and each cell's text, read from React) are taken and
# each cell's text laid out again with canvas.measureText in the grid's font, wrapped as the grid wraps it (as many
# characters as fit, back to a space). A cell is cut when its lines need more height than the row has (a cell that
# may not wrap needs one line); a header when its title is wider than its column. Also: a grid past the window's
# edge, a column wider than its grid (a phone could not see it whole), and a cell that reads None or nan.
GRID_CELLS = """
() => {
  const vw = window.innerWidth, out = [], canvas = document.createElement('canvas').getContext('2d');
  for (const element of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    if (!element.checkVisibility()) continue;
    const drawn = element.querySelector('canvas');
    let props = null;
    for (let f = drawn[Object.keys(drawn).find(k => k.startsWith('__reactFiber'))]; f && !props; f = f.return)
      if (f.memoizedProps?.getCellContent && f.memoizedProps?.columns) props = f.memoizedProps;
    const box = element.getBoundingClientRect(), theme = props.theme;
    const found = {columns: props.columns.map(c => c.title), rowHeight: props.rowHeight, rows: props.rows,
                   offscreen: box.left < -1 || box.right > vw + 1, cut: [], wide: [], missing: []};
    const room = (column) => column.width - 2 * theme.cellHorizontalPadding;
    const width = (text) => canvas.measureText(text).width;
    canvas.font = theme.baseFontFull;
    const m = canvas.measureText('ABCi09jgqpy'), height = m.actualBoundingBoxAscent + m.actualBoundingBoxDescent;
    const lines = (text, avail) => {
      let n = 0;
      for (const paragraph of text.split(/\\r?\\n/)) {
        let rest = paragraph;
        while (true) {
          n++;
          if (width(rest) <= avail) break;
          let end = 1;
          while (end < rest.length && width(rest.slice(0, end + 1)) <= avail) end++;
          const space = rest.lastIndexOf(' ', end);
          if (rest[end] !== ' ' && space > 0) end = space;
          rest = rest.slice(end).replace(/^ +/, '');
          if (!rest) break;
        }
      }
      return n;
    };
    props.columns.forEach((column, c) => {
      if (column.width > box.width) found.wide.push(column.title);
      canvas.font = theme.headerFontFull;
      if (width(column.title) > room(column)) found.cut.push(`header ${column.title}`);
      canvas.font = theme.baseFontFull;
      for (let r = 0; r < props.rows; r++) {
        const cell = props.getCellContent([c, r]);
        const text = String(cell.displayData ?? '');
        if (['None', 'nan', 'NaN', 'NaT', '<NA>'].includes(text.trim())) found.missing.push(`${column.title} ${r}`);
        if (!text) continue;
        const n = cell.allowWrapping ? lines(text, room(column)) : (width(text) <= room(column) ? 1 : Infinity);
        if (height * (1 + theme.lineHeight * (n - 1)) + theme.cellVerticalPadding > props.rowHeight)
          found.cut.push(`${column.title} ${r}: ${text.slice(0, 30)}`);
      }
    });
    out.push(found);
  }
  return out;
}
"""

# Every static table (st.table) on the page: a cell whose text runs past its box (scrollWidth over clientWidth), a
# table past the window's edge, a cell that reads None or nan.
STATIC_CELLS = """
() => [...document.querySelectorAll('[data-testid="stTable"]')].filter(t => t.checkVisibility()).map(table => {
  const cells = [...table.querySelectorAll('th, td')];
  return {columns: [...table.querySelectorAll('thead th')].map(th => th.textContent.trim()),
          rows: table.querySelectorAll('tbody tr').length,
          offscreen: table.getBoundingClientRect().right > window.innerWidth + 1,
          cut: cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.trim().slice(0, 30)),
          missing: cells.filter(c => ['None', 'nan', 'NaN', 'NaT', '<NA>'].includes(c.textContent.trim()))
                        .map(c => c.textContent)};
})
"""
