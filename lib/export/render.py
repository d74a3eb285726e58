"""Figures rendered server-side by kaleido in the system's Chromium: PNG, SVG (to read where its text went) and
one-page vector PDF. One browser per process, started on the first render and watched: a browser that fails or
hangs becomes ExportUnavailable, whose message says what to install."""

from __future__ import annotations

import atexit
import gc
import logging
import os
import shutil
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from lib.charts import FONT_FAMILY
from lib.export.rendered import keep, kept, picture_key
from lib.i18n import t
from lib.safety import clean_deep, has_control
from lib.views.figure import PNG_HEIGHT, PNG_WIDTH

PNG_SCALE = 1
# Chromium's PDF gives Latin-only runs set in Noto Sans CJK (an OpenType/CFF font) no text behind their digits:
# copied from the PDF, "2021" came out empty. A TrueType Latin face first keeps every number selectable.
PDF_FONT_FAMILY = "Liberation Sans, DejaVu Sans, " + FONT_FAMILY

# One lock for starting kaleido and for every render: its sync server answers through a single shared queue, so
# two threads rendering at once (two browser sessions exporting) would receive each other's images.
_kaleido_lock = threading.Lock()
_kaleido_started = False
# A browser that hangs instead of dying cannot be stopped or restarted in this process: refuse from then on.
_kaleido_hung = False
START_TIMEOUT_S = 60  # a cold Chromium start takes about 3 s on 2 cores; leave room for slow machines
RENDER_TIMEOUT_S = 120
STOP_TIMEOUT_S = 30


class ExportUnavailable(Exception):
    """Rendering images needs Chromium (and kaleido); the message says what to install."""

    def __init__(self, lang: str = "zh"):
        super().__init__(t("export_unavailable", lang))


def chromium_path() -> str | None:
    """Return the Chromium kaleido will use: $BROWSER_PATH, else Debian's chromium on the PATH."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _server_thread() -> threading.Thread | None:
    """Return the thread running kaleido's sync server, or None if kaleido is missing or keeps it elsewhere."""
    try:
        import kaleido
    except ImportError:
        return None
    return getattr(getattr(kaleido, "_global_server", None), "_thread", None)


def _watched(fn: Callable[[], Any], timeout: float, watch_server: bool = True) -> Any:
    """Return fn() run in a helper thread; raise TimeoutError if it takes too long or kaleido's server dies."""
    # A browser that fails to start kills kaleido's server thread, and every call queued to it then waits forever.
    result: dict = {}

    def run() -> None:
        try:
            result["value"] = fn()
        except BaseException as exc:
            result["error"] = exc

    worker = threading.Thread(target=run, name="export-render", daemon=True)
    worker.start()
    server = _server_thread() if watch_server else None
    deadline = time.monotonic() + timeout
    while worker.is_alive():
        worker.join(0.1)
        if worker.is_alive() and ((server is not None and not server.is_alive()) or time.monotonic() > deadline):
            raise TimeoutError("kaleido did not answer")
    if "error" in result:
        raise result["error"]
    return result["value"]


def _reset_kaleido() -> None:
    """Stop a failed kaleido server so the next export starts a fresh browser; mark it hung if it will not stop."""
    global _kaleido_started, _kaleido_hung
    import kaleido

    # After one failed render (e.g. Chromium killed) the server answers the next one never, so always start afresh.
    try:
        _watched(lambda: kaleido.stop_sync_server(silence_warnings=True), STOP_TIMEOUT_S, watch_server=False)
        _kaleido_started = False
    except Exception:
        _kaleido_hung = True


def _quiet_server_crash(hook):
    """Return a threading.excepthook that drops the kaleido server thread's crash (reported as ExportUnavailable)."""

    def quiet(args) -> None:
        if args.thread is not None and args.thread is _server_thread():
            return
        hook(args)

    return quiet


# Kaleido and choreographer (its browser helper) log what goes wrong inside them, with tracebacks, through loggers
# nobody configured: Python's last-resort handler printed them to stderr, so an export that had succeeded (exit 0)
# could end with a traceback when the browser's pipe closed mid-message at exit. What matters of their errors
# reaches us as a failed render (ExportUnavailable, with its message); their own reports go nowhere.
HELPER_LOGGERS = ("kaleido", "choreographer", "logistro")
HELPER_MODULES = ("kaleido", "choreographer", "logistro")


class _HelperNoise(logging.Filter):
    """Drop asyncio's report of an error raised inside the helpers' own event loop ("Exception in callback …")."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return error is None or not type(error).__module__.startswith(HELPER_MODULES)


def quiet_helper_logs() -> None:
    """Send the export helpers' own log records nowhere (their failures reach us as exceptions); idempotent."""
    for name in HELPER_LOGGERS:
        helper = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in helper.handlers):
            helper.addHandler(logging.NullHandler())
        helper.propagate = False
    asyncio_log = logging.getLogger("asyncio")
    if not any(isinstance(f, _HelperNoise) for f in asyncio_log.filters):
        asyncio_log.addFilter(_HelperNoise())


def _stop_at_exit() -> None:
    """Close kaleido's browser before the interpreter tears down (atexit runs this before kaleido's own close), then
    remove what is left of its profile folder."""
    if _kaleido_started and not _kaleido_hung and _kaleido_lock.acquire(timeout=STOP_TIMEOUT_S):
        try:
            _reset_kaleido()
        finally:
            _kaleido_lock.release()
    remove_browser_profiles()


def remove_browser_profiles(wait_s: float = 2.0) -> None:
    """Remove the browser's temporary profile folders now, quietly. Choreographer (kaleido's browser helper) leaves its
    TemporaryDirectory to Python's exit, and a Chromium helper still writing into it then (on a busy machine) made a
    successful export end with a traceback on stderr (Directory not empty: 'Default'). A folder is a profile when it
    holds Default/; it is retried for up to wait_s while the browser's last processes let go of it."""
    for folder in [o for o in gc.get_objects() if isinstance(o, tempfile.TemporaryDirectory)]:
        if not (Path(folder.name) / "Default").is_dir():
            continue
        folder._finalizer.detach()  # its own cleanup at exit would raise where this one retries
        deadline = time.monotonic() + wait_s
        shutil.rmtree(folder.name, ignore_errors=True)
        while os.path.exists(folder.name) and time.monotonic() < deadline:
            time.sleep(0.1)
            shutil.rmtree(folder.name, ignore_errors=True)


def _start_kaleido(lang: str) -> None:
    """Start kaleido's browser once per process and check it answers; the caller holds _kaleido_lock."""
    global _kaleido_started
    if _kaleido_hung or chromium_path() is None:
        raise ExportUnavailable(lang)
    if _kaleido_started:
        return
    quiet_helper_logs()
    previous_hook = threading.excepthook
    threading.excepthook = _quiet_server_crash(previous_hook)
    try:
        import kaleido

        kaleido.start_sync_server(silence_warnings=True)
        atexit.unregister(_stop_at_exit)
        atexit.register(_stop_at_exit)  # registered after kaleido's own close, so it runs first
        _kaleido_started = True
        probe = go.Figure(go.Scatter(x=[0], y=[0]))
        _watched(lambda: probe.to_image(format="png", width=32, height=32), START_TIMEOUT_S)
    except Exception as exc:  # any failure to launch the browser means the same to the user
        if _kaleido_started:
            _reset_kaleido()
        raise ExportUnavailable(lang) from exc
    finally:
        threading.excepthook = previous_hook


def _render(fig: go.Figure, fmt: str, width: int, height: int, scale: float, lang: str) -> bytes:
    """Return a figure rendered server-side as png, svg or pdf at width × height, or as kept from the same figure drawn
    before by the same renderer (lib/export/rendered.py); raise ExportUnavailable."""
    fig = _without_control(go.Figure(fig))
    fig.update_layout(width=width, height=height, font_family=PDF_FONT_FAMILY if fmt == "pdf" else FONT_FAMILY)
    browser = chromium_path()
    if _kaleido_hung or browser is None:
        raise ExportUnavailable(lang)
    key = picture_key(fig.to_json(), fmt, width, height, scale, browser)
    if (found := kept(key)) is not None:
        return found
    with _kaleido_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _start_kaleido(lang)
        try:
            picture = _watched(lambda: fig.to_image(format=fmt, width=width, height=height, scale=scale),
                               RENDER_TIMEOUT_S)
        except Exception as exc:
            _reset_kaleido()
            raise ExportUnavailable(lang) from exc
    keep(key, picture)
    return picture


def _without_control(fig: go.Figure) -> go.Figure:
    """Return a figure whose texts hold no control character (one in a name failed the browser's render, which then
    read as Chromium missing); the figure itself when none does."""
    spec = fig.to_plotly_json()
    return go.Figure(clean_deep(spec)) if has_control(spec) else fig

def figure_png(fig: go.Figure, width: int = PNG_WIDTH, height: int = PNG_HEIGHT, scale: float = PNG_SCALE,
               lang: str = "zh") -> bytes:
    """Return a figure rendered server-side as PNG (width × height × scale pixels); raise ExportUnavailable."""
    return _render(fig, "png", width, height, scale, lang)


def figure_svg(fig: go.Figure, width: int = PNG_WIDTH, height: int = PNG_HEIGHT, lang: str = "zh") -> bytes:
    """Return a figure laid out exactly as figure_png lays it out, as SVG (its text positions can be read)."""
    return _render(fig, "svg", width, height, 1, lang)


def figure_pdf(fig: go.Figure, width: int = PNG_WIDTH, height: int = PNG_HEIGHT, lang: str = "zh") -> bytes:
    """Return a figure as a one-page vector PDF (text stays text); raise ExportUnavailable."""
    return _render(fig, "pdf", width, height, 1, lang)
