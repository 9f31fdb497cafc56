"""gunicorn.conf.py for real: a gunicorn serving the app (production settings, SQLite, two
workers) whose access log holds no token, whose app lines are JSON, and whose /metrics adds up
both workers; and the settings it derives from the environment."""

from __future__ import annotations

import http.client
import json
import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gunicorn.config import Config as GunicornConfig
from prometheus_client.parser import text_string_to_metric_families

import config
from fairplanner import create_app
from fairplanner.calendars.services import feed_token
from fairplanner.extensions import db
from tests.factories import Factories

ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
SECRET_KEY = "gunicorn-test-secret-key-0123456789-abcdefghijklmnop"
RESET = "eyJ1IjoxLCJ2IjowfQ.aBcDeF.gHiJkLmNoPqRsTuVwXyZ012345"
VERIFY = "eyJ1IjoxLCJlIjoieEB5LnoifQ.ZZtop1.vErIfYsEcReT-9876"
INVITE = "InViTeSeCrEt_token-00000000000000042"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, **headers: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"User-Agent": "ops-test/1.0", **headers})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def wait_until_up(port: int, process: subprocess.Popen, stderr: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited: {stderr.read_text()}")
        try:
            if get(port, "/healthz").status == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer: {stderr.read_text()}")


@pytest.fixture
def feed_secret(tmp_path) -> tuple[str, str]:
    """A SQLite database built by the migrations, with one company and its feed token."""
    url = f"sqlite:///{tmp_path / 'served.sqlite3'}"
    app = create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        token = feed_token(Factories(db.session).company()).token
        db.session.commit()
        db.engine.dispose()
    return url, token


def test_gunicorn_logs_no_secret_and_writes_json(tmp_path, feed_secret):
    url, feed = feed_secret
    port = free_port()
    access, stderr = tmp_path / "access.log", tmp_path / "stderr.log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "FAIRPLANNER"))},
        "FAIRPLANNER_CONFIG": "config.ProductionConfig",
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": str(access),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "PROXY_COUNT": "0",
    }
    env.pop("REDIS_URL", None)
    env.pop("LOG_JSON", None)
    env.pop("METRICS_TOKEN", None)
    with stderr.open("w") as err:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=err,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(port, process, stderr)
        base = f"http://127.0.0.1:{port}"
        answers = {
            f"/calendar/{feed}.ics": get(port, f"/calendar/{feed}.ics"),
            f"/password/reset/{RESET}": get(port, f"/password/reset/{RESET}"),
            f"/verify/{VERIFY}": get(port, f"/verify/{VERIFY}"),
            f"/invite/{INVITE}": get(port, f"/invite/{INVITE}"),
            "/static/css/app.css": get(
                port, "/static/css/app.css", Referer=f"{base}/password/reset/{RESET}"
            ),
            f"/login?next=%2Fcalendar%2F{feed}.ics": get(
                port, f"/login?next=%2Fcalendar%2F{feed}.ics"
            ),
        }
        assert answers[f"/calendar/{feed}.ics"].status == 200
        metrics_text = [get(port, "/metrics") for _ in range(4)]  # both workers answer some
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/metrics")
        scraped = conn.getresponse().read().decode()
        conn.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)

    log = access.read_text()
    output = stderr.read_text()
    print(log, output, sep="\n")  # the closing note quotes them
    for secret in (feed, RESET, VERIFY, INVITE):
        assert secret not in log
        assert secret not in output
    lines = log.splitlines()
    assert len(lines) == len(answers) + len(metrics_text) + 2  # + /healthz + the last scrape

    def line_of(request_line: str) -> str:
        (found,) = [line for line in lines if f'"{request_line} HTTP/1.1"' in line]
        return found

    expected = {
        f"/calendar/{feed}.ics": "GET /calendar/[redacted].ics",
        f"/password/reset/{RESET}": "GET /password/reset/[redacted]",
        f"/verify/{VERIFY}": "GET /verify/[redacted]",
        f"/invite/{INVITE}": "GET /invite/[redacted]",
        f"/login?next=%2Fcalendar%2F{feed}.ics": "GET /login?next=%2Fcalendar%2F[redacted].ics",
    }
    for path, request_line in expected.items():
        line = line_of(request_line)
        answer = answers[path]
        # The rest of the line is all there: address, time, status, size, UA, ms, request id.
        assert line.startswith("127.0.0.1 - - [")
        assert f" {answer.status} " in line
        assert '"ops-test/1.0"' in line
        assert re.search(r" \d+ms ", line)
        assert line.endswith(" " + answer.getheader("X-Request-ID"))
    static = line_of("GET /static/css/app.css")
    assert f'"{base}/password/reset/[redacted]"' in static

    # The app's own lines: JSON, one "request finished" line per request, same ids.
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    finished = {r["request_id"]: r for r in records if r["logger"] == "fairplanner.request"}
    feed_line = finished[answers[f"/calendar/{feed}.ics"].getheader("X-Request-ID")]
    assert feed_line["route"] == "/calendar/<token>.ics"
    assert feed_line["status"] == 200
    assert len(finished) == len(lines)

    # Both workers' counts add up in one scrape (PROMETHEUS_MULTIPROC_DIR).
    counts = {}
    for family in text_string_to_metric_families(scraped):
        for sample in family.samples:
            if sample.name == "fairplanner_http_requests_total":
                counts[sample.labels["route"]] = (
                    counts.get(sample.labels["route"], 0) + sample.value
                )
    assert counts["/metrics"] == len(metrics_text)
    assert counts["/calendar/<token>.ics"] == 1
    assert counts["/healthz"] == 1
    assert list((tmp_path / "metrics").glob("counter_*.db"))  # the workers' files


def settings(monkeypatch, **env: str) -> dict:
    for name in ("GUNICORN_WORKERS", "GUNICORN_BIND", "PROXY_COUNT", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    # gunicorn's own validators accept every value.
    cfg = GunicornConfig()
    for name, value in namespace.items():
        if name in cfg.settings:
            cfg.set(name, value)
    return {name: cfg.settings[name].get() for name in cfg.settings}


def test_the_defaults_are_the_production_ones(monkeypatch):
    s = settings(monkeypatch)
    assert s["bind"] == ["127.0.0.1:8000"]
    assert s["worker_class"] == "sync"
    assert s["workers"] == min(2 * (os.cpu_count() or 1) + 1, 12)
    assert s["timeout"] == 30
    assert s["graceful_timeout"] == 30
    assert s["max_requests"] == 1000
    assert s["max_requests_jitter"] == 100
    assert s["logger_class"].__name__ == "RedactingLogger"
    assert "%({x-request-id}o)s" in s["access_log_format"]


@pytest.mark.parametrize(
    ("env", "trusted"),
    [
        ({"PROXY_COUNT": "0"}, []),  # clients connect directly: nobody may claim https
        ({}, []),
        ({"PROXY_COUNT": "1"}, ["127.0.0.1", "::1"]),  # nginx on this host
        ({"PROXY_COUNT": "1", "FORWARDED_ALLOW_IPS": "10.0.0.5"}, ["10.0.0.5"]),
    ],
)
def test_forwarded_allow_ips_follow_proxy_count(monkeypatch, env, trusted):
    assert settings(monkeypatch, **env)["forwarded_allow_ips"] == trusted


def test_workers_and_bind_come_from_the_environment(monkeypatch):
    s = settings(monkeypatch, GUNICORN_WORKERS="3", GUNICORN_BIND="unix:/run/fairplanner.sock")
    assert s["workers"] == 3
    assert s["bind"] == ["unix:/run/fairplanner.sock"]
