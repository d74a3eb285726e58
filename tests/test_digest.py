"""The monthly digest: outbox files, the summary, each robot's payload, and posting to a local HTTP server
that records what it receives (retries, refusals, no second post, the key never printed)."""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import json
import logging
import threading
import time
import types
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lib import cli, digest, export, webhook
from lib.dataset import open_dataset
from tests.conftest import CITY, OPERATOR, SAMPLE, city_copy

KEY = "5f0c2d1e-7a9b-4c3d-8e2f-SECRETKEY0042"
LINK = "http://dashboard.example/overview"


class Robot:
    """A group robot on 127.0.0.1: records each request and answers from a script (then 200 errcode 0)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[tuple[int, dict | None, float]] = []  # (status, JSON answer, delay in s)
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                robot.requests.append({"path": self.path, "json": json.loads(body),
                                       "type": self.headers["Content-Type"]})
                status, answer, delay = robot.script.pop(0) if robot.script else (200, {"errcode": 0}, 0.0)
                time.sleep(delay)
                data = json.dumps(answer or {}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/cgi-bin/webhook/send") -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}?key={KEY}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot():
    r = Robot()
    yield r
    r.close()


@pytest.fixture(scope="module")
def ds():
    return open_dataset(CITY)


REAL_DECK = export.build_deck


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    """No browser (no chart pictures), a stand-in deck (test_export tests the real one; the outbox test puts it
    back) and no real waiting between attempts: return the waits asked for."""
    monkeypatch.setattr(export.render, "chromium_path", lambda: None)
    monkeypatch.setattr(export, "build_deck", lambda *args, **kwargs: b"PK deck")
    waits: list[float] = []
    monkeypatch.setattr(webhook, "time", types.SimpleNamespace(time=time.time, sleep=waits.append))
    return waits


def raw_latest_month(indicator: str, year: int) -> int:
    """Return the last month of a year with a city row of the indicator in the sample files (csv module only)."""
    months = []
    for path in (SAMPLE / "actuals").glob("sample_*.csv"):
        with path.open(encoding="utf-8-sig") as fh:
            months += [int(r["period"][5:]) for r in csv.DictReader(fh)
                       if r["indicator"] == indicator and r["period"].startswith(f"{year}-") and not r["region"]]
    return max(months)


def test_outbox_has_the_three_files_and_the_summary_says_what_matters(ds, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "build_deck", REAL_DECK)
    result = digest.run_digest(ds, 2021, 10, tmp_path, "zh", link=LINK, charts=False)
    folder = tmp_path / "2021-10"
    assert result.folder == folder and [p.name for p in result.files] == [  # named for what they hold (#28)
        "2021-10_月度通报_苏州市.docx", "2021-10_汇报_苏州市.pptx", "2021-10_摘要_苏州市.md"]
    assert all(p.stat().st_size > 1000 for p in result.files[:2])
    summary = (folder / "2021-10_摘要_苏州市.md").read_text(encoding="utf-8")
    assert summary == result.summary
    lines = summary.splitlines()
    # it stands alone: whose digest, of which month, on which plan (its 文号, from data/plans.csv)
    with (CITY / "plans.csv").open(encoding="utf-8") as fh:
        plan = next(r for r in csv.DictReader(fh) if r["year"] == "2021")
    assert lines[0] == f"## {plan['issuer_zh']}2021年1—10月目标任务推进情况"
    assert lines[2] == f"依据：《{plan['title_zh']}》（{plan['doc_number']}）"
    # the targets behind, then those to watch, each with its gap and a link to its page for the month
    at = lines.index("**滞后与需关注目标**")
    behind = lines[at + 1:lines.index("", at)]
    assert len(behind) == 4 + 3  # the 4 red and 3 yellow worked by hand in test_briefing
    assert behind[2] == ("- [邮政业务收入](http://dashboard.example/indicator?id=postal_business_revenue&period="
                         "2021-10)（市场监管处）：滞后，完成全年目标的74.3%，低于序时进度5.6个百分点；11—12月还需月均"
                         "完成38.57亿元，比去年同期月均高42.3%")
    # 昆山 has 0 of 1: one station in two months is said as one, not as half a station a month
    assert behind[0].endswith("：滞后，完成全年目标的0.0%，低于序时进度83.3个百分点；11—12月还需完成1家")
    assert [line.split("：")[1][:3] for line in behind] == ["滞后，"] * 4 + ["需关注"] * 3
    # the overview's answer (17 + 3 + 4 = 24; revenue 74.3% against 79.9% expected: 5.6 points behind)
    assert ("截至2021年10月，24项目标17项正常、3项需关注、4项滞后；"
            "主要指标中邮政业务收入低于序时进度5.6个百分点。") in lines
    # the headline four, with the gap to 序时进度 worked in test_briefing (express: 80.2% against 78.8%)
    assert "- 快递业务量：19.25亿件，完成全年目标的80.2%，高于序时进度1.4个百分点（进度正常）" in lines
    at = lines.index("**主要指标**")
    assert [line.split("：")[0] for line in lines[at + 1:at + 6]] == [
        "- 邮政业务总量", "- 邮政业务收入", "- 快递业务量", "- 快递业务收入", ""]
    # 数据报送提醒: the two satisfaction surveys are quarterly, their latest city rows are September's
    assert raw_latest_month("express_satisfaction", 2021) == 9
    assert raw_latest_month("universal_service_satisfaction", 2021) == 9
    at = lines.index("**数据报送提醒**：以下指标尚无2021年10月数据")
    assert lines[at + 1:at + 3] == ["- 快递服务满意度（最新为2021年9月）", "- 邮政普遍服务满意度（最新为2021年9月）"]
    assert lines[-1] == f"[查看仪表盘]({LINK})"
    assert not result.posted and result.skipped == ""


def test_no_charts_starts_no_browser_and_each_chart_slide_says_it_was_left_out(ds, tmp_path, monkeypatch):
    """digest --no-charts: a browser is there, yet nothing is rendered; the deck's six chart views (the overview, the
    headline four, green) each say their chart was left out, and the deck has no picture."""
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    monkeypatch.setattr(export, "build_deck", REAL_DECK)
    monkeypatch.setattr(export.render, "chromium_path", lambda: "/usr/bin/chromium")
    rendered = []
    monkeypatch.setattr(export.render, "_render", lambda *args, **kwargs: rendered.append(args) or b"")
    result = digest.run_digest(ds, 2021, 10, tmp_path, "zh", charts=False)
    assert rendered == [] and result.charts_missing == ""
    deck = Presentation(str(result.files[1]))
    texts = [[shape.text_frame.text for shape in slide.shapes if shape.has_text_frame] for slide in deck.slides]
    assert sum("图表未附（按 --no-charts 略去）" in slide for slide in texts) == 6
    assert not [shape for slide in deck.slides for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_what_turned_red_is_measured_against_the_last_digest_the_outbox_remembers(ds, tmp_path):
    state = {"digests": {"2021-09": {"statuses": {"postal_business_revenue": "yellow", "express_revenue": "green",
                                                  "sbdf_workstations_urban": "green"}}}, "posts": {}}
    digest.write_state(tmp_path, state)
    summary = digest.run_digest(ds, 2021, 10, tmp_path, "zh", charts=False).summary.splitlines()
    at = summary.index("**较2021年9月新增滞后**")
    # red in October: 邮政业务收入, the 市区 and 昆山 workstations, 邮政普遍服务满意度 (test_briefing); remembered
    # as not red: revenue and the 市区 workstation; not remembered at all: counted as red before (not new).
    assert summary[at + 1:at + 3] == ["- 邮政业务收入（市场监管处）", "- “扫黄打非”工作站（市区）（普遍服务处）"]
    assert not summary[at + 3].startswith("- ")
    remembered = digest.read_state(tmp_path)["digests"]
    assert sorted(remembered) == ["2021-09", "2021-10"]
    assert remembered["2021-10"]["statuses"]["express_volume"] == "green"


def test_without_an_earlier_digest_the_previous_month_is_the_comparison(ds, tmp_path):
    # September 2021 from the files: 邮政业务收入 is within 5 points of its 序时进度, October more than 5 behind.
    rows = []
    for path in (SAMPLE / "actuals").glob("sample_*.csv"):
        with path.open(encoding="utf-8-sig") as fh:
            rows += [r for r in csv.DictReader(fh) if r["indicator"] in ("邮政业务收入", "postal_business_revenue")]
    ytd = {int(r["period"][5:]): float(r["value"]) / 1e4 for r in rows if r["period"][:4] == "2021"}
    base = {int(r["period"][5:]): float(r["value"]) for r in rows if r["period"][:4] == "2020"}
    gap = {m: sum(base[k] for k in range(1, m + 1)) / sum(base.values()) * 100 - ytd[m] / 300 * 100 for m in (9, 10)}
    assert gap[9] <= 5 < gap[10]
    summary = digest.run_digest(ds, 2021, 10, tmp_path, "zh", charts=False).summary.splitlines()
    at = summary.index("**较2021年9月新增滞后**")
    assert summary[at + 1] == "- 邮政业务收入（市场监管处）" and not summary[at + 2].startswith("- ")


def test_wecom_payload_is_markdown_and_posts_once_per_month(ds, tmp_path, robot):
    hook = digest.Webhook(url=robot.url(), channel="wecom")
    first = digest.run_digest(ds, 2021, 10, tmp_path, "zh", webhook=hook, link=LINK, charts=False, by=OPERATOR)
    assert first.posted and len(robot.requests) == 1
    sent = robot.requests[0]
    assert sent["path"] == f"/cgi-bin/webhook/send?key={KEY}" and sent["type"] == "application/json; charset=utf-8"
    assert sent["json"] == {"msgtype": "markdown", "markdown": {"content": first.summary}}
    second = digest.run_digest(ds, 2021, 10, tmp_path, "zh", webhook=hook, link=LINK, charts=False, by=OPERATOR)
    assert not second.posted and "已于" in second.skipped and len(robot.requests) == 1
    forced = digest.run_digest(ds, 2021, 10, tmp_path, "zh", webhook=hook, link=LINK, charts=False, force=True,
                               by=OPERATOR)
    assert forced.posted and len(robot.requests) == 2


def test_dingtalk_payload_has_a_title_and_a_signature(ds, tmp_path, robot):
    hook = digest.Webhook(url=robot.url("/robot/send"), channel="dingtalk", secret="SEC-dingtalk-signing")
    digest.run_digest(ds, 2021, 10, tmp_path, "zh", webhook=hook, link=LINK, charts=False, by=OPERATOR)
    (sent,) = robot.requests
    assert sent["json"]["msgtype"] == "markdown"
    assert sent["json"]["markdown"]["title"] == "苏州市邮政管理局2021年1—10月目标任务推进情况"
    assert "19.25亿件" in sent["json"]["markdown"]["text"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(sent["path"]).query)
    stamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SEC-dingtalk-signing", f"{stamp}\nSEC-dingtalk-signing".encode(),
                                         hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected] and abs(int(stamp) / 1000 - time.time()) < 60


def test_feishu_payload_is_a_card_with_the_link_as_a_button(ds, tmp_path, robot):
    robot.script = [(200, {"code": 0, "msg": "success"}, 0.0)]
    hook = digest.Webhook(url=robot.url("/open-apis/bot/v2/hook/abc"), channel="feishu", secret="SEC-feishu")
    result = digest.run_digest(ds, 2021, 10, tmp_path, "en", webhook=hook, link=LINK, charts=False, by=OPERATOR)
    (sent,) = robot.requests
    card = sent["json"]["card"]
    assert sent["json"]["msg_type"] == "interactive" and card["header"]["template"] == "red"
    assert card["header"]["title"]["content"] == "Suzhou Postal Administration: Targets, Jan–Oct 2021"
    markdown, action = card["elements"]
    assert "Express parcel volume: 1.92 bn parcels, 80.2% of the year's target, 1.4 pp ahead" in markdown["content"]
    assert not markdown["content"].startswith("##") and LINK not in markdown["content"]
    # plans.csv's words reach the robot as text: its brackets in their full-width forms (robot Markdown has no escapes)
    assert "Plan: Notice on the 2021 work plan" in markdown["content"]
    assert "（「苏州邮管〔2021〕21号」）" in markdown["content"]
    assert ("[Postal business revenue](http://dashboard.example/indicator?id=postal_business_revenue&period=2021-10"
            "&lang=en) (Market Supervision Division): Behind, 74.3% of the year's target") in markdown["content"]
    assert action["actions"][0]["url"] == LINK and result.posted
    stamp = sent["json"]["timestamp"]
    expected = base64.b64encode(hmac.new(f"{stamp}\nSEC-feishu".encode(), b"", hashlib.sha256).digest()).decode()
    assert sent["json"]["sign"] == expected


def test_a_server_error_is_retried_with_backoff(robot, fast):
    robot.script = [(500, {"errmsg": "busy"}, 0.0), (502, None, 0.0)]
    digest.post_webhook(digest.Webhook(url=robot.url(), channel="wecom"), {"msgtype": "text"})
    assert len(robot.requests) == 3 and fast == [2.0, 4.0]


def test_a_timeout_is_retried(robot, fast):
    robot.script = [(200, {"errcode": 0}, 1.5)]
    digest.post_webhook(digest.Webhook(url=robot.url(), channel="wecom"), {"msgtype": "text"}, timeout=0.5)
    assert len(robot.requests) == 2 and fast == [2.0]


def test_a_refusal_is_not_retried_and_names_the_host_only(robot):
    robot.script = [(200, {"errcode": 93000, "errmsg": f"invalid webhook url, key={KEY}"}, 0.0)]
    with pytest.raises(digest.WebhookError) as caught:
        digest.post_webhook(digest.Webhook(url=robot.url(), channel="wecom"), {"msgtype": "text"})
    assert len(robot.requests) == 1
    assert str(caught.value) == (f"http://127.0.0.1:{robot.server.server_port}/… 拒绝了消息：93000 "
                                 "invalid webhook url, key=***")


def test_rate_limits_are_retried_and_giving_up_says_how_often(robot, fast):
    robot.script = [(200, {"errcode": 45009, "errmsg": "api freq out of limit"}, 0.0)] * 4
    with pytest.raises(digest.WebhookError, match="共尝试4次"):
        digest.post_webhook(digest.Webhook(url=robot.url(), channel="wecom"), {"msgtype": "text"})
    assert len(robot.requests) == 4 and fast == [2.0, 4.0, 8.0]


def test_the_wecom_message_fits_its_size_limit(ds):
    from lib.engine import scorecard

    scores = scorecard(ds, 2021, 10)
    d = digest.build_digest(scores, 2021, 10, "zh", previous={}, compared_with="2021年9月")
    d.missing = [f"{s.name}（暂无数据）" for s in scores] * 10
    content = digest.channel_payload(d, "wecom")["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096 and content.endswith("\n…")
    assert len(digest.summary_markdown(d).encode("utf-8")) > 4096


def test_webhook_settings_come_from_the_environment_or_secrets_and_know_the_host():
    env = {"KPI_DIGEST_WEBHOOK": f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}"}
    hook = digest.webhook_settings(env=env)
    assert (hook.channel, hook.secret) == ("wecom", "") and KEY not in repr(hook)
    hook = digest.webhook_settings(env={"KPI_DIGEST_SECRET": "s1"},
                                   secrets={"webhook": "https://oapi.dingtalk.com/robot/send?access_token=t"})
    assert (hook.channel, hook.secret) == ("dingtalk", "s1")
    assert digest.webhook_settings(env={}) is None
    with pytest.raises(digest.DigestError, match="--channel") as caught:
        digest.webhook_settings(f"https://robots.example/hook?key={KEY}", env={})
    assert KEY not in str(caught.value)


def run_cli(argv: list[str]) -> int:
    return cli.main(argv)


def test_cli_posts_from_the_environment_and_never_prints_the_key(ds, tmp_path, robot, monkeypatch, capsys, caplog):
    monkeypatch.setenv("KPI_DIGEST_WEBHOOK", robot.url())
    robot.script = [(500, {"errmsg": f"down {KEY}"}, 0.0)] * 4
    caplog.set_level(logging.INFO, logger="lib.digest")
    argv = ["digest", "--data-dir", str(city_copy(tmp_path / "city")), "--out", str(tmp_path), "--channel", "wecom",
            "--no-charts", "--secrets", str(tmp_path / "none.toml")]
    assert run_cli(argv) == 1
    out, err = capsys.readouterr()
    assert "推送失败" in err and "HTTP 500" in err and "共尝试4次" in err and len(robot.requests) == 4
    assert sum("retrying" in r.getMessage() for r in caplog.records) == 3
    assert run_cli(argv) == 0  # the robot answers again: posted now, as nothing was recorded as sent
    out2, err2 = capsys.readouterr()
    assert f"已推送至 http://127.0.0.1:{robot.server.server_port}/…（wecom）" in out2
    assert run_cli(argv) == 0 and "已于" in capsys.readouterr().out and len(robot.requests) == 5
    written = "".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.md")) + (
        tmp_path / "state.json").read_text(encoding="utf-8")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for text in (out, err, out2, err2, logged, written):
        assert KEY not in text and "key=" not in text


def test_cli_reads_secrets_toml(ds, tmp_path, robot, monkeypatch, capsys):
    monkeypatch.delenv("KPI_DIGEST_WEBHOOK", raising=False)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[digest]\nwebhook = "{robot.url()}"\nchannel = "dingtalk"\nlink = "{LINK}"\n',
                       encoding="utf-8")
    argv = ["digest", "--data-dir", str(city_copy(tmp_path / "city")), "--as-of", "2021-10",
            "--out", str(tmp_path / "out"), "--no-charts", "--secrets", str(secrets), "--lang", "en"]
    assert run_cli(argv) == 0
    (sent,) = robot.requests
    assert sent["json"]["markdown"]["text"].endswith(f"[Open the dashboard]({LINK})\n")
    assert KEY not in capsys.readouterr().out


def test_cli_bad_arguments_exit_2(tmp_path, capsys):
    base = ["digest", "--data-dir", str(CITY), "--out", str(tmp_path), "--secrets", str(tmp_path / "x")]
    assert run_cli([*base, "--as-of", "2021-13"]) == 2
    assert run_cli([*base, "--webhook", f"https://robots.example/hook?key={KEY}"]) == 2
    err = capsys.readouterr().err
    assert "截至月份「2021-13」无效" in err and "--channel" in err and KEY not in err


def test_export_docx_writes_the_briefing(tmp_path, capsys):
    argv = ["export", "--data-dir", str(CITY), "--year", "2021", "--as-of", "2021-10", "--format", "docx",
            "--out", str(tmp_path / "通报.docx"), "--no-charts"]
    assert run_cli(argv) == 0
    out, _ = capsys.readouterr()
    assert out.strip() == str(tmp_path / "通报.docx")
    assert (tmp_path / "通报.docx").read_bytes()[:2] == b"PK"
    assert run_cli([*argv[:4], "2020", "--as-of", "2020-10", *argv[7:]]) == 4  # no targets for 2020 (issue 24)
