"""Application settings. The only module that reads the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused by ProductionConfig


def database_url(value: str | None) -> str:
    """Turn DATABASE_URL into an SQLAlchemy URL that uses psycopg 3 for PostgreSQL."""
    if not value:
        return f"sqlite:///{INSTANCE / 'fairplanner.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value.removeprefix(prefix)
    return value


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    # No ping before each checkout (a round trip on every request, a tenth of a cached page's
    # time): connections are renewed after half an hour instead, and one that the database
    # dropped (a restart) fails a single request and is replaced.
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"pool_recycle": 1800}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # The caches may live in a Redis of their own (or another database number of the same one),
    # set up to evict (`maxmemory` + `allkeys-lru`, see the README); the rate limits must not be
    # evicted. Without REDIS_CACHE_URL the caches use REDIS_URL.
    REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL") or None
    # A Redis that does not answer costs a request at most this long (connect, then each
    # command), once: after a failure it is left alone for REDIS_RETRY_SECONDS (the caches
    # compute instead, the rate limits count in this process's memory), then tried again.
    REDIS_TIMEOUT_SECONDS = float(os.environ.get("REDIS_TIMEOUT_SECONDS") or 0.25)
    REDIS_RETRY_SECONDS = float(os.environ.get("REDIS_RETRY_SECONDS") or 5)
    # Rate limits live in Redis when there is one, so that every app server counts together.
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    # werkzeug's scrypt at its own default cost (n=32768, r=8, p=1): about 0.14 s a hash here.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method, not a password
    LOGIN_RATE_LIMIT = "10 per minute; 60 per hour"
    SIGNUP_RATE_LIMIT = "5 per minute; 30 per hour"
    INVITE_RATE_LIMIT = "10 per minute; 30 per hour"
    # Per staff member: a busy gate scans about once a second; an offline queue counts once.
    CHECKIN_RATE_LIMIT = "300 per minute"
    # The REST API: per personal token, and per address for the public reads without one.
    API_TOKEN_RATE_LIMIT = "600 per minute"  # noqa: S105 - a rate, not a secret
    API_ANONYMOUS_RATE_LIMIT = "120 per minute"
    # The e-ticket page (/tickets/<code>): a person reloads it at the door; a script trying
    # codes is stopped (a code is 128 random bits anyway).
    TICKET_PAGE_RATE_LIMIT = "30 per minute; 300 per hour"
    # Failed logins per account, whichever addresses they come from: each window that fills up
    # makes the next attempt wait longer. A browser that logged into the account before (its
    # signed "known device" cookie) counts on its own, so a stranger cannot lock the owner out.
    LOGIN_ACCOUNT_LIMIT = "5 per 5 minutes; 20 per hour; 50 per day"
    KNOWN_DEVICE_COOKIE = "known_device"
    # Webhooks (fairplanner.webhooks.targets): plain http targets only where this is set
    # (development, tests); addresses on loopback, private or link-local networks never,
    # unless WEBHOOKS_ALLOW_PRIVATE (the tests' receiver on 127.0.0.1 turns it on).
    WEBHOOKS_ALLOW_HTTP = os.environ.get("WEBHOOKS_ALLOW_HTTP") == "1"
    WEBHOOKS_ALLOW_PRIVATE = os.environ.get("WEBHOOKS_ALLOW_PRIVATE") == "1"
    WEBHOOKS_TIMEOUT = float(os.environ.get("WEBHOOKS_TIMEOUT") or 5)
    # Season plans imported from a calendar address (fairplanner.organizers.imports): the same
    # checks as webhook targets, with their own switches (tests read a local server).
    IMPORTS_ALLOW_HTTP = os.environ.get("IMPORTS_ALLOW_HTTP") == "1"
    IMPORTS_ALLOW_PRIVATE = os.environ.get("IMPORTS_ALLOW_PRIVATE") == "1"
    IMPORTS_FETCH_SECONDS = float(os.environ.get("IMPORTS_FETCH_SECONDS") or 15)
    KNOWN_DEVICE_MAX_AGE = 365 * 24 * 3600
    # How many reverse proxies (nginx, a load balancer) stand in front of the app: their
    # X-Forwarded-For gives the client address that rate limits count by. 0: none.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT") or 0)
    # A login (its session and remember-me cookies) lasts at most this long; logout ends it
    # at once (fairplanner.accounts.sessions).
    LOGIN_SESSION_MAX_AGE = 30 * 24 * 3600
    REMEMBER_COOKIE_DURATION = LOGIN_SESSION_MAX_AGE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Absolute links (calendar feeds, emails) use this; requests themselves may use any host.
    PUBLIC_BASE_URL = (os.environ.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    SERVER_NAME = os.environ.get("SERVER_NAME") or None
    # The domain in calendar UIDs: stable across deploys, unique to this installation.
    ICAL_DOMAIN = os.environ.get("ICAL_DOMAIN") or urlsplit(PUBLIC_BASE_URL).hostname
    ICAL_REFRESH_HOURS = 6
    # The public feed leaves out fairs that ended more than this many days ago (as pretix does).
    FEED_PAST_DAYS = int(os.environ.get("FEED_PAST_DAYS") or 31)
    # A deleted programme item stays this many days in the fair's feeds (and the public feed's
    # `detail=programme`) as a cancelled event, so that calendars holding it drop it; its own
    # .ics answers 410 Gone with that event as long as the fair exists.
    FEED_DELETED_DAYS = int(os.environ.get("FEED_DELETED_DAYS") or 31)
    # gzip level of compressed feeds: 6 is zlib's default, the usual balance of size and time.
    FEED_GZIP_LEVEL = 6
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")

    # Outgoing mail. Without MAIL_HOST, messages are written to instance/mail/ as .eml files.
    MAIL_HOST = os.environ.get("MAIL_HOST") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 587)
    MAIL_SECURITY = os.environ.get("MAIL_SECURITY", "starttls")  # starttls, tls or none
    MAIL_USER = os.environ.get("MAIL_USER") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_SENDER = os.environ.get("MAIL_SENDER") or "FairPlanner <noreply@fairplanner.invalid>"
    # `flask maintenance run` empties the bodies of mail sent longer ago than this (they hold
    # reset and invitation links); the row stays for the outbox's counts.
    MAIL_RETENTION_DAYS = int(os.environ.get("MAIL_RETENTION_DAYS") or 30)
    # Delivered and failed webhook deliveries stay in the console's log this long.
    WEBHOOK_RETENTION_DAYS = int(os.environ.get("WEBHOOK_RETENTION_DAYS") or 30)
    # `flask reminders run` (fairplanner.reminders), daily from cron, Minsk dates: a followed
    # fair's registration deadline this many days ahead, an approved fair's opening this many
    # days ahead, and the weekly digest on this weekday (0 = Monday).
    REMINDER_DEADLINE_DAYS: ClassVar[tuple[int, ...]] = tuple(
        int(d) for d in (os.environ.get("REMINDER_DEADLINE_DAYS") or "7,1").split(",") if d.strip()
    )
    REMINDER_OPENING_DAYS = int(os.environ.get("REMINDER_OPENING_DAYS") or 1)
    REMINDER_DIGEST_WEEKDAY = int(os.environ.get("REMINDER_DIGEST_WEEKDAY") or 0)

    # Logs: with LOG_JSON=1, one JSON object per line on stderr (fairplanner.observability.logs).
    LOG_JSON = os.environ.get("LOG_JSON", "") == "1"
    LOG_LEVEL = os.environ.get("LOG_LEVEL") or "INFO"
    # /metrics: with a token, only `Authorization: Bearer <token>`; without, only from this host.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
    # Several gunicorn workers add their counts up in this directory (prometheus_client reads
    # the variable itself; it is mirrored here so the app knows which mode it is in).
    PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None
    # Named in the privacy notice (/privacy): the operator of personal data (the legal entity that
    # owns the service, e.g. "ООО «ФэйрПланнер», г. Минск, ул. …") and where to write.
    PRIVACY_OPERATOR = os.environ.get("PRIVACY_OPERATOR") or None
    PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL") or "privacy@fairplanner.by"

    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_TIMEZONE = "Europe/Minsk"
    LANGUAGES = ("ru", "en")
    LANGUAGE_COOKIE = "lang"

    # Anonymous visitors' catalogue pages and the feeds' validators are cached (fairplanner.cache)
    # and keyed by generations, which each process re-reads after this many seconds.
    PAGE_CACHE = True
    PAGE_CACHE_SECONDS = 600
    CACHE_GENERATION_SECONDS = 1.0

    PER_PAGE = 20
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Uploaded images (fairplanner.media): at most this many bytes and pixels.
    MEDIA_MAX_BYTES = 5 * 1024 * 1024
    MEDIA_MAX_PIXELS = 25_000_000
    MAX_QUERY_LENGTH = 200
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    REQUIRE_REAL_SECRET_KEY = False
    # Strict-Transport-Security, sent only where the site is served over HTTPS (production).
    HSTS: str | None = None


class DevelopmentConfig(Config):
    DEBUG = False
    WEBHOOKS_ALLOW_HTTP = True
    IMPORTS_ALLOW_HTTP = True


class TestingConfig(Config):
    TESTING = True
    WEBHOOKS_ALLOW_HTTP = True
    IMPORTS_ALLOW_HTTP = True
    # Still scrypt, at a test's cost: every demo seed signs up 28 people (4 s of its 13 s).
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105 - the same
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {}
    REDIS_URL = None
    REDIS_CACHE_URL = None
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = False  # tests that check the limits turn it back on
    # The tests share one app across rolled-back transactions: the cache tests turn it on.
    PAGE_CACHE = False
    LOG_JSON = False
    METRICS_TOKEN = None


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = "max-age=31536000; includeSubDomains"
    PREFERRED_URL_SCHEME = "https"
    REQUIRE_REAL_SECRET_KEY = True
    LOG_JSON = os.environ.get("LOG_JSON", "1") != "0"


# Read here so tests and CI need no other module to look at the environment.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or None
REQUIRE_POSTGRES = os.environ.get("FAIRPLANNER_REQUIRE_POSTGRES") == "1"
REQUIRE_BROWSER = os.environ.get("FAIRPLANNER_REQUIRE_BROWSER") == "1"
# The Redis tests start redis-server themselves and use database 11 of the machine's Redis.
REQUIRE_REDIS = os.environ.get("FAIRPLANNER_REQUIRE_REDIS") == "1"
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL") or "redis://127.0.0.1:6379/11"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WSGI_CONFIG = os.environ.get("FAIRPLANNER_CONFIG", "config.ProductionConfig")
