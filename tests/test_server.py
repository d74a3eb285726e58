"""The app as it runs on an office's server: behind nginx with HTTPS, started as deploy/systemd/kpi.service starts it.

The nginx site is the repository's own deploy/nginx/kpi.conf with its placeholders filled for the loopback (test
ports, a certificate made here with openssl); the app is started with the unit's ExecStart and Environment and the
example settings' KPI_TRUSTED_PROXIES. Chromium goes through https://127.0.0.1:PORT: the overview draws its charts,
a file uploads and is stored, the websocket survives `nginx -s reload`. `systemd-analyze verify` checks the units.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from lib import audit, store
from lib.auth import hash_password
from tests.browsing import ARTIFACTS, wait_for_app
from tests.conftest import REPO, city_copy

DEPLOY = REPO / "deploy"
SITE = DEPLOY / "nginx" / "kpi.conf"
UNIT = DEPLOY / "systemd" / "kpi.service"
ENV_EXAMPLE = DEPLOY / "kpi.env.example"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
ANALYST, PASSWORD = "zhang", "server-test-pass"
UNVERIFIED = ssl.create_default_context()
UNVERIFIED.check_hostname, UNVERIFIED.verify_mode = False, ssl.CERT_NONE


def need(tools: dict[str, str]) -> None:
    """Skip without a tool (naming its package), except in CI, where a missing tool fails: never a silent skip."""
    missing = [f"{name} (apt-get install {package}; `make test` does as root)" for name, package in tools.items()
               if not Path(shutil.which(name) or f"/usr/sbin/{name}").exists()]
    if missing:
        message = "server tests need " + ", ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


# What the repository says ---------------------------------------------------------------------------------------------

def unit_settings(path: Path = UNIT) -> dict[str, list[str]]:
    """Return a unit's [Service] settings: name -> every value given (systemd's own syntax, one line each)."""
    settings: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            name, _, value = line.partition("=")
            settings.setdefault(name.strip(), []).append(value.strip())
    return settings


def example_setting(name: str) -> str:
    """Return a setting's value in deploy/kpi.env.example."""
    found = re.search(rf"^{name}=(.*)$", ENV_EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE)
    assert found, name
    return found.group(1)


def render_site(values: dict[str, str]) -> str:
    """Return deploy/nginx/kpi.conf with every {{placeholder}} filled; fail on one left or one unknown."""
    text = SITE.read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    assert set(re.findall(r"{{(\w+)}}", body)) == set(values)
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    return text


def test_the_site_takes_the_apps_upload_limit_and_names_every_placeholder():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    site = SITE.read_text(encoding="utf-8")
    assert re.findall(r"client_max_body_size (\d+)m;", site) == [str(config["server"]["maxUploadSize"])]
    assert config["server"]["enableXsrfProtection"] is True and config["server"]["enableCORS"] is True
    header = "\n".join(line for line in site.splitlines() if line.startswith("#"))
    body = "\n".join(line for line in site.splitlines() if not line.startswith("#"))
    for name in set(re.findall(r"{{(\w+)}}", body)):
        assert f"{{{{{name}}}}} " in header, name  # each placeholder explained at the top


def test_the_units_write_only_into_the_data_folder_and_hold_no_secret():
    data_dir = example_setting("KPI_DATA_DIR")
    assert unit_settings()["ReadWritePaths"] == [data_dir]
    for unit in (DEPLOY / "systemd").glob("*.service"):
        settings = unit_settings(unit)
        assert settings["User"] == ["kpi"] and settings["ProtectSystem"] == ["strict"], unit.name
        assert settings["NoNewPrivileges"] == ["yes"] and settings["PrivateTmp"] == ["yes"], unit.name
        assert data_dir in settings["ReadWritePaths"][0].split(), unit.name
        assert settings["EnvironmentFile"] == ["/etc/kpi/kpi.env"], unit.name
    secret = re.compile(r"pbkdf2_sha256\$\d+\$[0-9a-f]{16,}\$[0-9a-f]{32,}|qyapi\.weixin\.qq\.com/.*key=\w")
    for path in DEPLOY.rglob("*"):
        if path.is_file():
            assert not secret.search(path.read_text(encoding="utf-8")), path


def test_systemd_analyze_verifies_the_units(tmp_path):
    """`systemd-analyze verify` on every unit of deploy/systemd, with /opt/kpi (where the code goes) pointing at a
    folder whose .venv/bin/python exists here: verify checks that each command can be run."""
    need({"systemd-analyze": "systemd"})
    root = tmp_path / "opt-kpi"
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "python").symlink_to(sys.executable)
    units = tmp_path / "units"
    units.mkdir()
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        (units / unit.name).write_text(unit.read_text(encoding="utf-8").replace("/opt/kpi", str(root)),
                                       encoding="utf-8")
    names = sorted(p.name for p in units.iterdir())
    assert names == ["kpi-backup.service", "kpi-backup.timer", "kpi-digest.service", "kpi-digest.timer",
                     "kpi.service"]
    run = subprocess.run(["systemd-analyze", "verify", "--man=no", *(f"./{n}" for n in names)], cwd=units,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and not run.stdout.strip() and not run.stderr.strip(), run.stderr
    # The hardening holds: systemd's own exposure score (0 safest … 10), as `systemd-analyze security` prints it.
    for name, most in (("kpi.service", 40), ("kpi-digest.service", 40), ("kpi-backup.service", 10)):
        score = subprocess.run(["systemd-analyze", "security", "--offline=yes", f"--threshold={most}", f"./{name}"],
                               cwd=units, capture_output=True, text=True, timeout=120)
        assert score.returncode == 0, score.stdout[-300:]


# The app behind nginx -------------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(url, timeout=2, context=UNVERIFIED).read() == b"ok":
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer within {seconds:.0f} s")


@contextmanager
def app_as_the_unit_starts_it(data: Path, trusted: str):
    """Start the app with kpi.service's ExecStart and Environment (its port swapped for a free one); yield its port."""
    settings = unit_settings()
    argv = shlex.split(settings["ExecStart"][0])
    assert argv[0] == "/opt/kpi/.venv/bin/python" and settings["WorkingDirectory"] == ["/opt/kpi"]
    port = _free_port()
    argv = [sys.executable, *argv[1:]]
    argv[argv.index("--server.port") + 1] = str(port)
    unit_env = dict(item.split("=", 1) for value in settings["Environment"] for item in shlex.split(value))
    env = {**os.environ, **unit_env, "KPI_DATA_DIR": str(data), "KPI_TRUSTED_PROXIES": trusted,
           "KPI_ANALYSTS": f"{ANALYST}={hash_password(PASSWORD, iterations=1000)}"}
    proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(f"http://127.0.0.1:{port}/_stcore/health")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@dataclass
class Proxied:
    """The app behind nginx: its https and http addresses, the app's own port, nginx's prefix, the data folder."""

    url: str
    http_url: str
    app_port: int
    prefix: Path
    data: Path

    def nginx(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([NGINX, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf"), *args],
                              capture_output=True, text=True, timeout=60)


def nginx_main_conf(prefix: Path, site: Path) -> str:
    """Return the nginx.conf a test runs: a pid file, logs and temporaries in the test's folder, the site included."""
    temps = "\n".join(f"    {kind}_temp_path {prefix / 'temp' / kind};" for kind in
                      ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers as root here: the test's folder is root's
    return (f"{user}worker_processes 1;\ndaemon off;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'} "
            f"info;\nevents {{ worker_connections 256; }}\nhttp {{\n    access_log {prefix / 'access.log'};\n"
            f"{temps}\n    include {site};\n}}\n")


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """Start the app as the unit does and nginx on the repository's site, HTTPS with a certificate made here."""
    need({"nginx": "nginx", "openssl": "openssl", "chromium": "chromium"})
    root = tmp_path_factory.mktemp("server")
    data = root / "data"
    city_copy(data)
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    prefix = root / "nginx"
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "temp" / kind).mkdir(parents=True)
    with app_as_the_unit_starts_it(data, example_setting("KPI_TRUSTED_PROXIES")) as app_port:
        https, http = _free_port(), _free_port()
        site = prefix / "kpi.conf"
        site.write_text(render_site({
            "server_name": "127.0.0.1", "public_host": f"127.0.0.1:{https}", "http_listen": f"127.0.0.1:{http}",
            "https_listen": f"127.0.0.1:{https}", "ssl_certificate": str(cert), "ssl_certificate_key": str(key),
            "app": f"127.0.0.1:{app_port}"}), encoding="utf-8")
        (prefix / "nginx.conf").write_text(nginx_main_conf(prefix, site), encoding="utf-8")
        server = Proxied(f"https://127.0.0.1:{https}", f"http://127.0.0.1:{http}", app_port, prefix, data)
        checked = server.nginx("-t")
        assert checked.returncode == 0, checked.stderr
        nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for(server.url + "/_stcore/health")
            yield server
        finally:
            nginx.terminate()
            nginx.wait(timeout=20)


@pytest.fixture(scope="module")
def chromium(proxied, browser):
    """The test process's chromium (tests/conftest.py), once the app behind nginx answers."""
    return browser


# Collects every Content-Security-Policy violation the page reports.
WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def open_proxied(chromium, url: str, width: int = 1440, height: int = 2400, headers: dict | None = None):
    """Return a new tab (a session of its own) of the test process's browser, which takes the test's certificate,
    sends `headers` with every request and collects the page's policy violations and websockets."""
    page = chromium.new_page(viewport={"width": width, "height": height}, ignore_https_errors=True)
    page.set_extra_http_headers(headers or {})
    page.add_init_script(WATCH_CSP)
    page.sockets = []
    page.on("websocket", lambda socket: page.sockets.append(socket))
    page.console = []
    page.on("console", lambda message: page.console.append(message.text))
    return page


def no_policy_violation(page) -> None:
    violations = page.evaluate("window.__csp")
    assert violations == [], violations
    assert not [m for m in page.console if "Content Security Policy" in m or "Refused to" in m]


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    assert (ARTIFACTS / name).stat().st_size > 10_000


@pytest.mark.browser
def test_the_overview_draws_through_https_with_the_security_headers(proxied, chromium):
    page = open_proxied(chromium, proxied.url)
    response = page.goto(proxied.url + "/")
    headers = response.headers
    assert headers["strict-transport-security"] == "max-age=31536000"
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["referrer-policy"] == "same-origin" and "frame-ancestors 'self'" in headers[
        "content-security-policy"]
    wait_for_app(page)
    assert page.get_by_role("heading", name="目标任务完成情况总览").is_visible()
    assert page.locator('[data-testid="stPlotlyChart"] g.trace.bars path').count() >= 15
    assert page.get_by_text("434.46亿元", exact=True).first.is_visible()
    shot(page, "server_overview_https.png")
    for path in ("/present?view=2", "/tracker", "/indicator?id=express_volume"):  # every kind of view, same policy
        page.goto(proxied.url + path)
        page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
        page.wait_for_timeout(1500)
    no_policy_violation(page)
    assert len(page.sockets) == 4 and page.sockets[0].url.startswith("wss://127.0.0.1:")
    page.close()


@pytest.mark.browser
def test_plain_http_is_redirected_and_the_health_url_answers_through_the_proxy(proxied):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.build_opener(NoRedirect).open(proxied.http_url + "/upload?lang=en", timeout=10)
    assert caught.value.code == 301
    assert caught.value.headers["Location"] == proxied.url + "/upload?lang=en"
    assert urllib.request.urlopen(proxied.url + "/_stcore/health", timeout=10, context=UNVERIFIED).read() == b"ok"


@pytest.mark.browser
def test_a_file_over_the_apps_upload_limit_is_refused_by_the_proxy(proxied):
    request = urllib.request.Request(proxied.url + "/_stcore/upload_file/session/file", data=b"x" * (21 * 1024 * 1024),
                                     method="PUT")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=60, context=UNVERIFIED)
    assert caught.value.code == 413 and caught.value.headers["Server"].startswith("nginx")


def sign_in(page, name: str, password: str, expect: str) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("用户名").fill(name)
    sidebar.get_by_label("密码", exact=True).fill(password)
    sidebar.get_by_role("button", name="登录").click()
    sidebar.get_by_text(expect).first.wait_for(timeout=30_000)


@pytest.mark.browser
def test_a_file_uploads_and_is_stored_through_the_proxy(proxied, chromium, tmp_path):
    csv = tmp_path / "十一月快报.csv"
    csv.write_bytes("月份,指标名称,数值,单位\n2021年11月,快递绿色网点,29,个\n".encode("gbk"))
    page = open_proxied(chromium, proxied.url, height=1800)
    page.goto(proxied.url + "/upload")
    page.get_by_role("heading", name="数据上报").wait_for(timeout=60_000)
    sign_in(page, ANALYST, PASSWORD, f"分析员：{ANALYST}")
    page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(csv))
    page.get_by_text("校验通过，可以入库。").wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    shot(page, "server_upload_https.png")
    page.get_by_role("button", name="确认入库").click()
    page.get_by_text("已入库：提交编号 000001").wait_for(timeout=30_000)
    no_policy_violation(page)
    page.close()
    log = store.read_log(proxied.data)
    assert log[["id", "user", "original_name", "status"]].values.tolist() == [
        ["000001", ANALYST, "十一月快报.csv", "active"]]
    assert (proxied.data / "actuals" / "sub-000001.csv").read_text(encoding="utf-8").splitlines()[1] == \
        "2021-11,green_outlets,29,,个,month,"
    events = [(e["event"], e["who"], e["where"]) for e in audit.read_events(proxied.data)]
    assert ("sign_in", ANALYST, "127.0.0.1") in events and ("store", ANALYST, "127.0.0.1") in events


@pytest.mark.browser
def test_the_websocket_survives_an_nginx_reload(proxied, chromium):
    page = open_proxied(chromium, proxied.url)
    page.goto(proxied.url + "/")
    wait_for_app(page)
    assert len(page.sockets) == 1
    before = (proxied.prefix / "error.log").read_text(encoding="utf-8").count("reconfiguring")
    reloaded = proxied.nginx("-s", "reload")
    assert reloaded.returncode == 0, reloaded.stderr
    deadline = time.time() + 30
    while (proxied.prefix / "error.log").read_text(encoding="utf-8").count("reconfiguring") == before:
        assert time.time() < deadline, "nginx did not reload"
        time.sleep(0.2)
    _wait_for(proxied.url + "/_stcore/health")  # the new workers answer
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Target completion overview").wait_for(timeout=30_000)
    wait_for_app(page)  # the page ran again, over the websocket opened before the reload
    assert len(page.sockets) == 1 and not page.sockets[0].is_closed()
    page.close()


@pytest.mark.browser
def test_a_forged_x_forwarded_for_cannot_dodge_the_sign_in_throttle(proxied, chromium):
    """Through nginx the browser's own X-Forwarded-For is replaced; directly, the app believes the header only from
    a peer named in KPI_TRUSTED_PROXIES (here the loopback, where nginx runs)."""
    for n in range(5):  # five wrong tries, each from a "new" forged address
        page = open_proxied(chromium, proxied.url, headers={"X-Forwarded-For": f"6.6.6.{n}"})
        page.goto(proxied.url + "/upload")
        page.get_by_role("heading", name="数据上报").wait_for(timeout=60_000)
        sign_in(page, "wang", f"guess{n}", "用户名或密码不正确")
        page.close()
    page = open_proxied(chromium, proxied.url, headers={"X-Forwarded-For": "7.7.7.7"})
    page.goto(proxied.url + "/upload")
    page.get_by_role("heading", name="数据上报").wait_for(timeout=60_000)
    sign_in(page, "wang", "guess5", "尝试次数过多")
    page.close()
    tried = [e["where"] for e in audit.read_events(proxied.data) if e["event"] == "sign_in" and e["who"] == "wang"]
    assert tried == ["127.0.0.1"] * 6
    # Straight to the app from the loopback, a trusted proxy's address: the header is believed.
    direct = f"http://127.0.0.1:{proxied.app_port}"
    page = open_proxied(chromium, direct, headers={"X-Forwarded-For": "198.51.100.23"})
    page.goto(direct + "/upload")
    page.get_by_role("heading", name="数据上报").wait_for(timeout=60_000)
    sign_in(page, "wang", "guess6", "用户名或密码不正确")  # not throttled: counted under the address it names
    page.close()
    assert audit.read_events(proxied.data)[-1] | {"at": ""} == {"at": "", "event": "sign_in", "who": "wang",
                                                               "where": "198.51.100.23", "ok": False,
                                                               "throttled": False}


@pytest.mark.browser
def test_from_a_peer_not_named_trusted_the_header_is_ignored(tmp_path, chromium):
    data = tmp_path / "data"
    city_copy(data)
    with app_as_the_unit_starts_it(data, "10.255.255.1") as port:
        direct = f"http://127.0.0.1:{port}"
        for forged in ("198.51.100.23", "203.0.113.9"):
            page = open_proxied(chromium, direct, headers={"X-Forwarded-For": forged})
            page.goto(direct + "/upload")
            page.get_by_role("heading", name="数据上报").wait_for(timeout=60_000)
            sign_in(page, "wang", "guess", "用户名或密码不正确")
            page.close()
    assert [e["where"] for e in audit.read_events(data)] == ["127.0.0.1", "127.0.0.1"]
