"""The audit trail: who signed in (or tried), stored, reverted, published, sent a digest, backed up or restored, when
and from where; JSON lines that rotate, written whole by several processes at once."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lib import audit, config, store
from lib.access import Principal, system_user
from tests.conftest import ANALYST_ADDRESS, REPO, analyst, run_cli
from tests.test_app import upload_page
from tests.test_store import HEADER

GOOD = (HEADER + "2021-11,green_outlets,28,,,,\n").encode()


def events(data_dir: Path, *keys: str) -> list[tuple]:
    """Return each event of the current log file as (event, *keys)."""
    return [(e["event"], *(e.get(k) for k in keys)) for e in audit.read_events(data_dir)]


def test_an_event_is_one_json_line_with_who_when_where_and_what(tmp_path):
    before = dt.datetime.now().astimezone().replace(microsecond=0)
    audit.record(tmp_path, "sign_in", Principal.anonymous("10.1.2.30", tried="张三\n{\"event\": \"forged\"}"), ok=False)
    lines = (tmp_path / "audit" / "audit.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1  # a name with a line break stays inside its own line
    event = json.loads(lines[0])
    assert list(event) == ["at", "event", "who", "where", "ok"]
    assert event["who"] == "张三\n{\"event\": \"forged\"}" and event["where"] == "10.1.2.30" and event["ok"] is False
    at = dt.datetime.fromisoformat(event["at"])
    assert at.tzinfo is not None and before <= at <= dt.datetime.now().astimezone()
    audit.record(tmp_path, "sign_in", Principal.anonymous("10.1.2.30", tried="x" * 5000), ok=False)
    assert len(audit.read_events(tmp_path)[-1]["who"]) == audit.NAME_CHARS
    audit.record(tmp_path, "digest", Principal.command_line())  # a command's event without a name: the system user
    assert audit.read_events(tmp_path)[-1]["who"] == system_user() and audit.read_events(tmp_path)[-1]["where"] == "cli"
    with pytest.raises(TypeError):  # who and where come from a principal, never from a bare name
        audit.record(tmp_path, "store", "zhang")


def test_the_log_rotates_keeping_the_newest_files(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "AUDIT_MAX_BYTES", 400)
    monkeypatch.setattr(config, "AUDIT_KEEP", 3)
    for n in range(40):
        audit.record(tmp_path, "store", analyst("zhang"), id=f"{n:06d}")
    folder = tmp_path / "audit"
    assert sorted(p.name for p in folder.iterdir() if p.name != ".lock") == [
        "audit.log", "audit.log.1", "audit.log.2", "audit.log.3"]
    ids = []
    for name in ("audit.log.3", "audit.log.2", "audit.log.1", "audit.log"):  # oldest first
        path = folder / name
        assert path.stat().st_size <= 400
        ids += [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]
    assert ids == [f"{n:06d}" for n in range(40 - len(ids), 40)]  # the newest, in order, none missing
    assert len(ids) < 40  # and the oldest dropped


# Appends `count` events tagged with this writer's number, with a small rotation size.
WRITER = """
import sys
from lib import audit, config
from lib.access import Principal
config.AUDIT_MAX_BYTES, config.AUDIT_KEEP = 20_000, 1000
data_dir, writer, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for n in range(count):
    audit.record(data_dir, "store", Principal.command_line("w" + writer), n=n, padding="填" * 40)
"""


def test_processes_writing_at_once_lose_no_event_and_tear_no_line(tmp_path):
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(w), "300"], cwd=REPO)
               for w in range(4)]
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    seen = []
    files = sorted((tmp_path / "audit").glob("audit.log*"))
    assert len(files) > 5  # it did rotate, several times, under four writers
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)  # every line whole
            seen.append((event["who"], event["n"]))
    assert sorted(seen) == sorted((f"w{w}", n) for w in range(4) for n in range(300))


def test_commands_record_their_events_from_cli(sample_dir, tmp_path):
    (tmp_path / "a.csv").write_bytes(GOOD)
    assert run_cli("import", tmp_path / "a.csv", "--data-dir", sample_dir, "--user", "zhang").returncode == 0
    store.revert(sample_dir, "000001", analyst("li"))  # from the library: the principal's address, as given
    assert run_cli("backup", "--out", tmp_path / "b.zip", "--data-dir", sample_dir).returncode == 0
    assert run_cli("restore", tmp_path / "b.zip", "--data-dir", sample_dir).returncode == 0
    assert run_cli("digest", "--data-dir", sample_dir, "--out", tmp_path / "outbox", "--no-charts",
                   "--secrets", tmp_path / "none.toml").returncode == 0
    got = events(sample_dir, "who", "where")
    assert got[:3] == [("store", "zhang", "cli"), ("revert", "li", ANALYST_ADDRESS), ("restore", got[2][1], "cli")]
    assert got[3][0] == "digest" and got[3][2] == "cli" and len(got) == 4  # the backup's own line is not in it
    detail = audit.read_events(sample_dir)
    assert detail[0]["id"] == "000001" and detail[0]["file"] == "a.csv" and detail[0]["rows"] == 1
    assert detail[2]["file"] == str(tmp_path / "b.zip") and detail[3]["period"] == "2021-10"
    assert detail[3]["posted"] is False


def test_publications_and_plan_reverts_are_recorded(fresh_dir, tmp_path):
    document = REPO / "tests" / "fixtures" / "plan_2022.txt"
    draft = tmp_path / "draft.csv"
    assert run_cli("plan", "draft", document, "--year", "2022", "--data-dir", fresh_dir, "--out", draft).returncode == 0
    kept = [line for line in draft.read_text(encoding="utf-8-sig").splitlines(keepends=True) if ",组," not in line]
    draft.write_text("".join(kept), encoding="utf-8-sig")
    assert run_cli("plan", "publish", draft, "--data-dir", fresh_dir, "--user", "li").returncode == 0
    assert run_cli("plan", "revert", "000001", "--data-dir", fresh_dir, "--user", "wang").returncode == 0
    assert events(fresh_dir, "who", "where", "id") == [("publish", "li", "cli", "000001"),
                                                        ("plan_revert", "wang", "cli", "000001")]
    assert audit.read_events(fresh_dir)[0]["year"] == 2022


def test_sign_ins_stores_and_reverts_in_the_app_name_the_client(monkeypatch, sample_dir):
    from lib.auth import hash_password

    at = upload_page(monkeypatch, sample_dir, analysts=f"zhang={hash_password('s3cret-pass', iterations=1000)}")
    at.text_input(key="sign_in_name").set_value("zhangsan")  # a name that is no account
    at.text_input(key="sign_in_password").set_value("guess")
    at.button[0].click().run()
    at.text_input(key="sign_in_name").set_value("zhang")
    at.text_input(key="sign_in_password").set_value("s3cret-pass")
    at.button[0].click().run()
    at.file_uploader(key="upload_0").set_value(("n.csv", GOOD, "text/csv")).run()
    at.button(key="confirm_store").click().run()
    at.button(key="revert").click().run()
    at.button(key="sign_out").click().run()
    assert not at.exception
    # The test harness has no connection: the client is the loopback, as Streamlit reports a local browser.
    assert events(sample_dir, "who", "where", "ok") == [
        ("sign_in", "zhangsan", "127.0.0.1", False), ("sign_in", "zhang", "127.0.0.1", True),
        ("store", "zhang", "127.0.0.1", None), ("revert", "zhang", "127.0.0.1", None),
        ("sign_out", "zhang", "127.0.0.1", None)]


def test_a_log_that_cannot_be_written_never_fails_the_event(sample_dir, caplog):
    (sample_dir / "audit").write_text("a file where the folder should be")
    outcome = store.import_file(sample_dir, "a.csv", GOOD, analyst("zhang"))
    assert outcome.submission_id == "000001" and (sample_dir / "actuals" / "sub-000001.csv").exists()
    assert "audit log" in caplog.text and '"event": "store"' in caplog.text  # the event is in the server's log
