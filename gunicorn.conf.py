"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be changed by an environment variable (below, with its default), or by a
command-line option, which wins over this file.

This file imports nothing of the application: gunicorn's master process reads it, and a master
that has imported `fairplanner` would hand those modules, as they were, to every worker it
forks — a `kill -HUP` would then restart the workers with the old code. The redaction rules are
loaded from their file instead (fairplanner/observability/redact.py, standard library only).
"""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path

from gunicorn.glogging import Logger

HERE = Path(__file__).resolve().parent


def _load_redact():
    path = HERE / "fairplanner" / "observability" / "redact.py"
    spec = importlib.util.spec_from_file_location("_fairplanner_redact", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.redact


redact = _load_redact()


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


# --- Sockets and workers ---------------------------------------------------------------------
# Behind nginx on the same host; GUNICORN_BIND=0.0.0.0:8000 (or unix:/run/fairplanner.sock).
bind = [os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"]
# Sync workers: nginx buffers slow clients, so a worker is busy only while the app works. The
# usual 2 × cores + 1, capped: each worker holds its own database connections.
workers = _int("GUNICORN_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 12))
worker_class = "sync"
# A request that takes longer is stuck: the worker is killed and replaced (the client gets 502).
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM or a reload, workers finish the requests in hand for up to this long.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Seconds an idle client connection stays open. Sync workers close each connection after its
# answer anyway (nginx keeps its own connections to clients); this applies to other kinds.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Each worker is replaced after about this many requests (the jitter spreads the restarts), so
# a slow leak in any library cannot grow without end.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# --- Proxies --------------------------------------------------------------------------------
# The app reads X-Forwarded-For/-Proto through werkzeug's ProxyFix, trusting PROXY_COUNT hops.
# gunicorn itself trusts X-Forwarded-Proto (wsgi.url_scheme) only from these addresses: the
# proxy on this host when there is one, nobody when clients connect directly (PROXY_COUNT=0),
# else a client could claim https. A proxy on another host: FORWARDED_ALLOW_IPS=10.0.0.5.
PROXY_COUNT = _int("PROXY_COUNT", 0)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or (
    "127.0.0.1,::1" if PROXY_COUNT > 0 else ""
)

# --- Logs -----------------------------------------------------------------------------------
# "-" is stdout (access) and stderr (errors); a path writes a file (reopened on SIGUSR1, for
# logrotate). The application's own lines are JSON on stderr (LOG_JSON, on in production).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or "-"
errorlog = os.environ.get("GUNICORN_ERROR_LOG") or "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"
# The combined format, plus the time taken (ms) and the request id the app answered with (the
# same id as in the app's JSON lines). Paths, queries and the referrer are redacted (below).
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms %({x-request-id}o)s'
)


class RedactingLogger(Logger):
    """gunicorn's logger with the secrets of URLs taken out of every line.

    The private feed (/calendar/<token>.ics), the reset, confirmation and invitation links hold
    their secret in the path; a referrer or a `next=` parameter can repeat it. Every value an
    access-log line can show goes through redact(), and so does each error-log message (gunicorn
    writes "Error handling request /path" when a worker fails on a request).
    """

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, _RedactFilter) for f in self.error_log.filters):
            self.error_log.addFilter(_RedactFilter())


class _RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


logger_class = RedactingLogger

# --- Metrics with several workers -----------------------------------------------------------
# With PROMETHEUS_MULTIPROC_DIR set, each worker writes its counts there and /metrics adds them
# up (fairplanner.observability.metrics). Its files are emptied at each start (counts of an
# earlier run would be added in), and a worker that exits has its live gauges dropped.
METRICS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server):
    if METRICS_DIR:
        path = Path(METRICS_DIR)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):  # only prometheus_client's files
            stale.unlink()


def child_exit(server, worker):
    if METRICS_DIR:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
