"""Structured logs: one JSON object per line, a request id from the proxy or made here, and
the id of the request that queued a message on the worker's lines about it."""

from __future__ import annotations

import logging
import re
import sys
from datetime import datetime

import pytest
from sqlalchemy import select

import config
from fairplanner import create_app
from fairplanner.calendars.services import feed_token
from fairplanner.notifications.delivery import Mailer
from fairplanner.notifications.models import OutboxMessage
from fairplanner.notifications.services import enqueue, run_once
from fairplanner.observability.logs import JsonFormatter

FIELDS = {
    "time",
    "level",
    "logger",
    "message",
    "request_id",
    "user_id",
    "route",
    "method",
    "status",
    "duration_ms",
}


def finished(json_log) -> list[dict]:
    return json_log.of("fairplanner.request")


def test_each_request_writes_one_line_with_its_context(client, json_log, make_fair, member):
    make_fair(slug="belagro")
    response = client.get("/fairs/belagro")
    assert response.status_code == 200
    (line,) = finished(json_log)
    assert set(line) >= FIELDS
    assert line["level"] == "INFO"
    assert line["route"] == "/fairs/<slug>"
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert line["user_id"] == member.id
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0
    assert line["time"].endswith("Z")
    assert datetime.fromisoformat(line["time"]).utcoffset().total_seconds() == 0
    assert line["message"] == "GET /fairs/<slug> 200"


def test_an_anonymous_request_and_an_unknown_path(client, json_log):
    client.get("/no/such/page")
    (line,) = finished(json_log)
    assert line["user_id"] is None
    assert line["route"] is None
    assert line["status"] == 404


def test_a_private_feed_logs_its_rule_never_its_token(client, json_log, factories):
    company = factories.company()
    token = feed_token(company).token
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    (line,) = finished(json_log)
    assert line["route"] == "/calendar/<token>.ics"
    assert line["message"] == "GET /calendar/<token>.ics 200"
    assert token not in json_log.text()


def test_a_well_formed_request_id_from_the_proxy_is_kept(client, json_log):
    given = "8d1e6c0f-4a57-4a5b-9c1e-2f0a6d3b7e21"
    response = client.get("/", headers={"X-Request-ID": given})
    assert response.headers["X-Request-ID"] == given
    assert finished(json_log)[0]["request_id"] == given


@pytest.mark.parametrize(
    "given",
    [
        "short",
        "x" * 65,
        "has spaces in it",
        '"><script>alert(1)</script>',
        "line\\nbreak-0000",
        "юникод-идентификатор",
        "-starts-with-a-dash",
    ],
)
def test_a_malformed_request_id_is_replaced(client, given):
    response = client.get("/", headers={"X-Request-ID": given})
    made = response.headers["X-Request-ID"]
    assert made != given
    assert re.fullmatch(r"[0-9a-f]{32}", made)


def test_each_request_gets_its_own_id(client):
    ids = {client.get("/").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_lines_logged_during_a_request_carry_its_context(json_log):
    app = create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://")

    @app.get("/inside/<int:number>")
    def inside(number: int) -> str:
        logging.getLogger("fairplanner.test").warning("something to look at")
        return "ok"

    response = app.test_client().get("/inside/7", headers={"X-Request-ID": "abcdef-0123456"})
    (line,) = json_log.of("fairplanner.test")
    assert line["level"] == "WARNING"
    assert line["message"] == "something to look at"
    assert line["request_id"] == response.headers["X-Request-ID"] == "abcdef-0123456"
    assert line["route"] == "/inside/<int:number>"
    assert line["method"] == "GET"
    assert line["user_id"] is None


def test_the_worker_lines_carry_the_id_of_the_request_that_queued_the_mail(
    app, client, db, json_log, member, make_fair, tmp_path
):
    make_fair(slug="belagro", capacity=5)
    request_id = "req-4f1c2a9e-queue-mail"
    client.post(
        "/fairs/belagro/register/exhibitor",
        data={"stand_type": "indoor", "area": "12"},
        headers={"X-Request-ID": request_id},
    )
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.request_id == request_id
    queued = json_log.of("fairplanner.notifications.services")
    assert [line["request_id"] for line in queued] == [request_id]
    assert member.company.email not in json_log.text()  # no addresses in the logs

    before = len(json_log.lines())
    mailer = Mailer({**app.config, "MAIL_HOST": None}, str(tmp_path))
    assert run_once(mailer) == (1, 0)
    worker = json_log.lines()[before:]
    sent = [line for line in worker if line["message"].endswith("sent")]
    assert sent == [
        {
            **sent[0],
            "logger": "fairplanner.notifications.services",
            "message": f"outbox: message {message.id} (registration) sent",
            "request_id": request_id,
        }
    ]
    assert {line["request_id"] for line in worker} == {request_id}
    assert all(line["route"] is None for line in worker)  # the worker answers no request


def test_a_message_queued_outside_a_request_has_no_id(db, member):
    message = enqueue(
        "verify_email", to=member.email, lang="ru", link="https://example.invalid/verify/x"
    )
    assert message.request_id is None


def test_messages_and_tracebacks_are_redacted():
    try:
        raise ValueError("bad link /password/reset/eyJ1IjoxfQ.Zx.sig")
    except ValueError:
        record = logging.LogRecord(
            "werkzeug",
            logging.ERROR,
            __file__,
            1,
            "Exception on %s [GET]",
            ("/calendar/Secret_Token-1.ics",),
            sys.exc_info(),
        )
    text = JsonFormatter().format(record)
    assert "Secret_Token-1" not in text
    assert "eyJ1IjoxfQ" not in text
    assert "/calendar/[redacted].ics" in text
    assert "/password/reset/[redacted]" in text


def test_log_json_installs_one_handler_on_the_root_logger(app):
    root = logging.getLogger()
    ours = lambda: [h for h in root.handlers if getattr(h, "_fairplanner", False)]  # noqa: E731
    level = root.level
    try:
        for _ in range(2):
            create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://", LOG_JSON=True)
        (handler,) = ours()
        assert isinstance(handler.formatter, JsonFormatter)
        assert root.level == logging.INFO
    finally:
        for handler in ours():
            root.removeHandler(handler)
        root.setLevel(level)
    assert create_app(config.TestingConfig).config["LOG_JSON"] is False


def test_production_writes_json_unless_told_not_to():
    assert config.ProductionConfig.LOG_JSON is True
    assert config.TestingConfig.LOG_JSON is False


def test_the_development_server_log_loses_tokens_too(app, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    logging.getLogger("werkzeug").info(
        '%s - - [%s] "%s" %s -', "127.0.0.1", "now", "GET /calendar/SeCrEt_0.ics HTTP/1.1", 200
    )
    (record,) = caplog.records
    assert (
        record.getMessage() == '127.0.0.1 - - [now] "GET /calendar/[redacted].ics HTTP/1.1" 200 -'
    )
