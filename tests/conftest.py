"""Fixtures: the app on SQLite and PostgreSQL, per-test rollback, a client, factories."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event
from sqlalchemy.engine import make_url

import config
from fairplanner import create_app
from fairplanner.cache import forget_generations
from fairplanner.extensions import db as _db
from tests.factories import Factories

pytest_plugins = ["tests.guards"]

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def postgres_url() -> str:
    """TEST_DATABASE_URL if PostgreSQL answers there, else skip (or fail where it is required)."""
    url = config.TEST_DATABASE_URL
    reason = "TEST_DATABASE_URL is not set"
    if url:
        url = config.database_url(url)
        try:
            engine = sa.create_engine(url)
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            engine.dispose()
            return url
        except sa.exc.OperationalError as exc:
            reason = f"PostgreSQL at {make_url(url).render_as_string()} is unreachable: {exc}"
    if config.REQUIRE_POSTGRES:
        pytest.fail(f"PostgreSQL is required here but {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


def reset_postgres(url: str) -> None:
    """Start from an empty public schema so migrations build everything from nothing."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "postgres":
        url = postgres_url()
        reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    """One application per database, its schema built by the migrations."""
    app = create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI=database_url)
    app.test_client_class = FreshRequestClient
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()


class FreshRequestClient(FlaskClient):
    """Each request starts with an empty `g`, as it would in a real server.

    Tests keep one app context open (for the rolled-back connection); Flask then reuses it for
    the client's requests, so without this, `g` would leak from one request to the next.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def db(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The database inside one outer transaction that is rolled back after the test.

    Flask-SQLAlchemy 3 ignores Session(bind=...), so the connection is swapped into db.engines
    and every session commit becomes a savepoint release.
    """
    with app.app_context():
        conn = _db.engine.connect()
        outer = conn.begin()
        monkeypatch.setitem(_db.engines, None, conn)
        _db.session.remove()
        _db.session.configure(join_transaction_mode="create_savepoint")
        yield _db
        _db.session.remove()
        outer.rollback()
        conn.close()


@pytest.fixture
def committed(app: Flask) -> Iterator[Any]:
    """Real commits, for tests of concurrent requests; every table is emptied afterwards."""
    with app.app_context():
        yield _db
        _db.session.remove()
        # The cache generations are reference rows, made by the migration.
        keep = {"cache_generations"}
        tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name not in keep]
        with _db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(t.name for t in tables)
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())


@pytest.fixture
def client(app: Flask, db: Any) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask, db: Any) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def factories(db: Any) -> Factories:
    return Factories(db.session)


@pytest.fixture
def make_fair(factories: Factories) -> Callable[..., Any]:
    return factories.fair


@pytest.fixture
def count_queries(db: Any) -> Callable[[], Any]:
    """`with count_queries() as counter: ...` then `counter.count` statements were executed."""

    class Counter:
        def __init__(self) -> None:
            self.count = 0
            self.statements: list[str] = []

        def __enter__(self) -> Counter:
            event.listen(_db.engine.engine, "before_cursor_execute", self._hook)
            return self

        def __exit__(self, *exc: object) -> None:
            event.remove(_db.engine.engine, "before_cursor_execute", self._hook)

        def _hook(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                self.count += 1
                self.statements.append(statement)

    return Counter


@pytest.fixture
def make_user(factories: Factories) -> Callable[..., Any]:
    return factories.user


@pytest.fixture
def login_as(client: FlaskClient) -> Callable[[Any], Any]:
    """Log `user` in on the test client, as Flask-Login would after a real login."""

    def login(user: Any) -> Any:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return login


@pytest.fixture
def member(make_user: Callable[..., Any], login_as: Callable[[Any], Any]) -> Any:
    """A logged-in member of a company whose profile is complete."""
    return login_as(make_user())


@pytest.fixture
def caching(app, db, monkeypatch) -> Iterator[None]:
    """Page caching on (TestingConfig keeps it off), with an empty cache before and after."""
    monkeypatch.setitem(app.config, "PAGE_CACHE", True)
    app.extensions["cache"].clear()
    forget_generations()
    yield
    app.extensions["cache"].clear()
    forget_generations()


@pytest.fixture
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent
