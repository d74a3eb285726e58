"""Concurrent sessions over Streamlit's own websocket protocol, without browsers.

Each session connects to /_stcore/stream as the browser does, asks for a script run, and
reads messages until the run finishes; then asks again, until the time is up. What is
measured is the server: a run's time from request to the `script_finished` that ends it,
and any exception the page drew. (Browsers add their own rendering on top, measured in
bench/run.py.) Like a browser, a session sends no websocket pings of its own: the server
pings it (every 30 s), and the client's own pings (the websockets library's default, every
20 s) each held up the rerun they fell on by ~25 ms, counted in the p95s as the server's.
"""

from __future__ import annotations

import random
import statistics
import threading
import time

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

# A run that stopped to run the script again at once (st.rerun: the first session after a server starts leaves
# Streamlit's pages-folder mode that way, lib/ui/frame.py) has not finished: what the page shows comes after.
RERUNNING = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


def one_run(ws, page: str) -> tuple[float, list[str]]:
    """Return (seconds until the script run of a page finished, exception messages the page drew)."""
    request = BackMsg()
    request.rerun_script.query_string = ""
    request.rerun_script.page_script_hash = ""
    request.rerun_script.page_name = page
    start = time.perf_counter()
    ws.send(request.SerializeToString())
    exceptions = []
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(ws.recv(timeout=120))
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element" \
                and msg.delta.new_element.WhichOneof("type") == "exception":
            exceptions.append(msg.delta.new_element.exception.message)
        if kind == "script_finished" and msg.script_finished != RERUNNING:
            return time.perf_counter() - start, exceptions


def run_sessions(url: str, sessions: int = 20, seconds: float = 15.0, path: str = "overview",
                 pause: float = 0.0) -> dict:
    """Return run times (s), errors and counts of `sessions` websocket sessions rerunning a page for `seconds`, each
    waiting `pause` seconds between its runs (0: back to back), as people reading a page do (then each session starts
    at its own moment within the first pause: twenty sessions in step would all rerun together, every 5 s)."""
    stream = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
    first, later, errors = [], [], []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    ready = threading.Barrier(sessions)

    def session(index: int) -> None:
        try:
            with connect(stream, subprotocols=["streamlit"], max_size=None, open_timeout=60, ping_interval=None) as ws:
                ready.wait(timeout=60)  # every session starts its first run together
                if pause:  # people who read between reruns do not start in step: each a little apart, seeded
                    time.sleep(random.Random(index).uniform(0, pause))
                n = 0
                while n == 0 or time.perf_counter() < deadline:
                    took, exceptions = one_run(ws, path)
                    with lock:
                        (first if n == 0 else later).append(took)
                        errors.extend(exceptions)
                    n += 1
                    if pause:
                        if time.perf_counter() + pause >= deadline:  # (not back to back for the last seconds)
                            break
                        time.sleep(pause)
        except Exception as exc:  # a refused or dropped connection is an error of the load test
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=session, args=(i,)) for i in range(sessions)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    runs = first + later

    def p95(values: list[float]) -> float | None:
        return sorted(values)[int(0.95 * (len(values) - 1))] if values else None

    return {"sessions": sessions, "seconds": time.perf_counter() - start, "runs": len(runs), "errors": errors,
            "first_p95_s": p95(first), "p95_s": p95(runs), "median_s": statistics.median(runs) if runs else None,
            "rerun_p95_s": p95(later), "rerun_median_s": statistics.median(later) if later else None}
