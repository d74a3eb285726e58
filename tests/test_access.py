"""Who may do what: every action against every way of being known, through the one function (lib/access.py); the
store, the plan publisher, the digest, backup and restore refusing by it; the pages showing by it."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from lib import access, audit, backup, digest, plan, progress, store
from lib.access import Action, Principal, Via
from lib.dataset import open_dataset
from lib.plan import load_tasks
from tests.conftest import OPERATOR, REPO, analyst
from tests.test_store import HEADER, snapshot

APP = str(REPO / "app.py")
GOOD = (HEADER + "2021-11,green_outlets,28,,,,\n").encode()
VISITOR = Principal.anonymous("203.0.113.5")
ANALYST = analyst("zhang")
WAYS = {Via.ANALYST: ANALYST, Via.COMMAND_LINE: OPERATOR, Via.ANONYMOUS: VISITOR}

# The policy, written out by hand: (a signed-in analyst, the command line's operator, an anonymous visitor).
EXPECTED = {
    Action.VIEW: (True, True, True),
    Action.CHECK: (True, True, True),
    Action.STORE: (True, True, False),
    Action.REVERT: (True, True, False),
    Action.PUBLISH: (True, True, False),
    Action.REVERT_PUBLICATION: (True, True, False),
    Action.SEND_DIGEST: (False, True, False),
    Action.BACKUP: (False, True, False),
    Action.RESTORE: (False, True, False),
}


def test_the_table_names_every_action_and_every_way_of_being_known():
    assert set(EXPECTED) == set(Action) == set(access.RULES)
    assert set(WAYS) == set(Via)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("via", [Via.ANALYST, Via.COMMAND_LINE, Via.ANONYMOUS])
def test_every_action_for_every_kind_of_principal(action, via):
    expected = EXPECTED[action][[Via.ANALYST, Via.COMMAND_LINE, Via.ANONYMOUS].index(via)]
    assert access.allowed(WAYS[via], action) is expected
    if expected:
        access.require(WAYS[via], action)
    else:
        with pytest.raises(access.NotAllowed):
            access.require(WAYS[via], action)


def test_a_name_alone_is_no_principal():
    with pytest.raises(TypeError):
        access.allowed("zhang", Action.STORE)
    with pytest.raises(TypeError):
        store.import_file("/nonexistent", "a.csv", GOOD, "zhang")
    with pytest.raises(ValueError):
        Principal.analyst("  ", "10.0.0.7")  # an analyst is a name the sign-in checked
    with pytest.raises(TypeError):
        Principal("zhang", "analyst", "10.0.0.7")  # how someone is known is one of Via's, not any text


def test_how_each_principal_is_made():
    assert Principal.command_line("li") == Principal("li", Via.COMMAND_LINE, "cli")
    assert Principal.command_line().name == access.system_user() != ""
    assert Principal.anonymous("10.1.2.3", tried="zhangsan") == Principal("zhangsan", Via.ANONYMOUS, "10.1.2.3")
    assert ANALYST.signed_in and not VISITOR.signed_in and not OPERATOR.signed_in


def test_the_refusal_says_who_what_and_who_may():
    with pytest.raises(access.NotAllowed) as caught:
        access.require(VISITOR, Action.STORE)
    assert caught.value.message("zh") == "未登录的访问者无权入库（可以入库的是：已登录的分析员、服务器上的命令行）"
    assert caught.value.message("en") == ("a visitor who has not signed in may not store files (who may store files: "
                                          "a signed-in analyst, the command line on the server)")
    with pytest.raises(access.NotAllowed) as caught:
        access.require(analyst("li"), Action.RESTORE)
    assert caught.value.message("zh") == "分析员 li无权恢复备份（可以恢复备份的是：服务器上的命令行）"


def test_the_store_refuses_an_anonymous_principal_and_changes_nothing(sample_dir):
    before = snapshot(sample_dir)
    with pytest.raises(store.NotPermitted) as caught:
        store.import_file(sample_dir, "a.csv", GOOD, VISITOR)
    assert isinstance(caught.value, store.StoreError)  # the pages and the CLI report it as any refused store
    assert caught.value.message("en").startswith("a visitor who has not signed in may not store files")
    with pytest.raises(store.NotPermitted):
        store.import_file(sample_dir, "bad.csv", (HEADER + "2021-11,green_outlets,lots,,,,\n").encode(), VISITOR)
    assert snapshot(sample_dir) == before and not (sample_dir / "rejected").exists()  # not even the refused file
    store.import_file(sample_dir, "a.csv", GOOD, ANALYST)
    after = snapshot(sample_dir)
    with pytest.raises(store.NotPermitted):
        store.revert(sample_dir, "000001", VISITOR)
    with pytest.raises(store.NotPermitted):
        progress.import_progress(sample_dir, "p.csv", "period,item,status\n2021-10,45,推进中\n".encode(),
                                 load_tasks(sample_dir), VISITOR)
    assert snapshot(sample_dir) == after
    assert [(e["event"], e["who"], e["where"]) for e in audit.read_events(sample_dir)] == [
        ("store", "zhang", "10.0.0.7")]  # refusals write nothing, the store names its principal


def test_the_plan_publisher_refuses_before_reading_the_draft(fresh_dir):
    before = snapshot(fresh_dir)
    with pytest.raises(store.NotPermitted):
        plan.publish_draft(fresh_dir, "draft.csv", b"not a draft at all", VISITOR)
    with pytest.raises(store.NotPermitted):
        store.publish_files(fresh_dir, "draft.csv", b"", lambda where: pytest.fail("built"), VISITOR)
    with pytest.raises(store.NotPermitted):
        store.revert_publication(fresh_dir, "000001", VISITOR)
    assert snapshot(fresh_dir) == before


def test_backup_restore_and_the_digest_are_the_servers(sample_dir, tmp_path):
    with pytest.raises(backup.BackupNotPermitted):
        backup.backup(sample_dir, tmp_path / "kpi.zip", ANALYST)
    assert not (tmp_path / "kpi.zip").exists()
    archive = backup.backup(sample_dir, tmp_path / "kpi.zip", OPERATOR).path
    before = snapshot(sample_dir)
    for who in (ANALYST, VISITOR):
        with pytest.raises(backup.RestoreNotPermitted):
            backup.restore(archive, sample_dir, who)
    assert snapshot(sample_dir) == before
    hook = digest.Webhook(url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K", channel="wecom")
    with pytest.raises(access.NotAllowed):
        digest.run_digest(open_dataset(sample_dir), 2021, 10, tmp_path / "outbox", webhook=hook, charts=False,
                          post=lambda *a, **k: pytest.fail("posted"), by=ANALYST)
    assert not (tmp_path / "outbox").exists()  # refused before anything was written


def upload_page(monkeypatch, data_dir, signed_in: str | None = None) -> AppTest:
    """Return the upload page with a checked file on it, as a visitor or as an analyst signed in."""
    monkeypatch.setenv("KPI_DATA_DIR", str(data_dir))
    monkeypatch.delenv("KPI_ANALYSTS", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    if signed_in:
        at.session_state["analyst"] = signed_in
    at.run()
    at.switch_page("pages/upload.py").run()
    at.file_uploader(key="upload_0").set_value(("n.csv", GOOD, "text/csv")).run()
    assert not at.exception
    return at


def store_buttons(at: AppTest) -> list[str]:
    return [b.key for b in at.button if b.key in ("confirm_store", "revert")]


def test_the_upload_page_shows_the_store_button_by_the_same_function(monkeypatch, sample_dir):
    assert store_buttons(upload_page(monkeypatch, sample_dir, signed_in="zhang")) == ["confirm_store"]
    visitor = upload_page(monkeypatch, sample_dir)
    assert store_buttons(visitor) == [] and "登录分析员账号后可入库。" in [e.value for e in visitor.info]
    # The page asks the table, not a sign-in flag of its own: a table letting visitors store shows them the button.
    monkeypatch.setitem(access.RULES, Action.STORE, frozenset(Via))
    assert store_buttons(upload_page(monkeypatch, sample_dir)) == ["confirm_store"]
    # ...and one taking it from analysts hides it from them.
    monkeypatch.setitem(access.RULES, Action.STORE, frozenset({Via.COMMAND_LINE}))
    assert store_buttons(upload_page(monkeypatch, sample_dir, signed_in="zhang")) == []


def test_a_signed_in_analyst_stores_as_their_principal_from_the_page(monkeypatch, sample_dir):
    at = upload_page(monkeypatch, sample_dir, signed_in="zhang")
    at.button(key="confirm_store").click().run()
    assert not at.exception
    # The test harness has no connection: the client is the loopback, as Streamlit reports a local browser.
    assert [(e["event"], e["who"], e["where"]) for e in audit.read_events(sample_dir)] == [
        ("store", "zhang", "127.0.0.1")]
    assert store.read_log(sample_dir).iloc[0]["user"] == "zhang"


def test_a_table_closed_to_visitors_stops_every_page_at_the_sign_in(monkeypatch, sample_dir):
    monkeypatch.setitem(access.RULES, Action.VIEW, frozenset({Via.ANALYST}))
    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [e.value for e in at.info] == ["请先登录分析员账号再查看。"] and not at.metric
    at.session_state["analyst"] = "zhang"
    at.run()
    assert not at.exception and len(at.metric) == 24


def test_the_tracker_offers_the_progress_editor_by_the_table(monkeypatch, sample_dir):
    monkeypatch.setenv("KPI_DATA_DIR", str(sample_dir))
    for signed_in, shown in ((None, False), ("zhang", True)):
        at = AppTest.from_file(APP, default_timeout=60)
        if signed_in:
            at.session_state["analyst"] = signed_in
        at.run()
        at.switch_page("pages/tracker.py").run()
        assert not at.exception
        assert any(b.key == "save_progress" for b in at.button) is shown


def test_the_store_keeps_the_time_and_name_of_the_principal(sample_dir):
    store.import_file(sample_dir, "a.csv", GOOD, analyst("li", "10.9.8.7"), now=dt.datetime(2021, 12, 1, 9, 0))
    assert store.read_log(sample_dir).iloc[0][["user", "submitted_at"]].tolist() == ["li", "2021-12-01T09:00:00"]
    assert audit.read_events(sample_dir)[0]["where"] == "10.9.8.7"
