"""Read-only pages: the catalogue's pages run outside a transaction (on PostgreSQL one round
trip for their statement instead of three; on SQLite no BEGIN), and refuse any write."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from fairplanner.accounts.sessions import forget_kept_logins
from fairplanner.catalogue.models import Fair
from tests.factories import Factories

# With real commits (not the rolled-back outer transaction, which a session keeps joined).
postgres_only = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


def _signed_in(app: Any, committed: Any) -> tuple[Any, Any, Any]:
    factories = Factories(committed.session)
    fair = factories.fair(slug="read-only-fair")
    user = factories.user()
    committed.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    ids = SimpleNamespace(fair=fair.id, email=user.email)
    # The requests share this application context, and so its session: none may be open
    # when a request starts (each request has its own in production).
    committed.session.close()
    return client, ids, ids


def _autocommit_of_statements(engine: Any, call: Any) -> list[bool]:
    seen: list[bool] = []

    def hook(conn: Any, *args: Any) -> None:
        seen.append(conn.connection.dbapi_connection.autocommit)

    event.listen(engine, "before_cursor_execute", hook)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", hook)
    return seen


@postgres_only
@pytest.mark.parametrize("path", ["/", "/fairs/read-only-fair", "/calendar/2027/5"])
def test_a_signed_in_catalogue_page_runs_its_statement_in_autocommit(
    app, committed, path, monkeypatch
):
    monkeypatch.setitem(app.config, "PAGE_CACHE", True)  # the page's blocks are stored
    app.extensions["cache"].clear()
    client, _, user = _signed_in(app, committed)
    assert client.get(path).status_code == 200  # stores the page's blocks

    def again() -> None:
        committed.session.close()
        forget_kept_logins()  # the login's statement runs (a login kept by the process: none)
        response = client.get(path)
        assert response.status_code == 200
        assert user.email in response.get_data(as_text=True)

    assert _autocommit_of_statements(committed.engine, again) == [True]
    # The connection goes back to the pool as it came: the next page that may write has its
    # transaction again.
    committed.session.close()
    seen = _autocommit_of_statements(committed.engine, lambda: client.get("/my/fairs"))
    assert seen
    assert not any(seen)


def test_a_write_in_a_read_only_page_is_refused_and_not_kept(app, committed, caplog):
    client, fair, _ = _signed_in(app, committed)

    def write() -> None:
        from fairplanner.extensions import db

        db.session.execute(sa.update(Fair).where(Fair.id == fair.fair).values(name_ru="Тайком"))

    app.before_request_funcs.setdefault(None, []).append(write)
    committed.session.close()
    try:
        assert client.get("/").status_code == 500  # the error page, after a rollback
    finally:
        app.before_request_funcs[None].remove(write)
    assert "WriteInReadOnlyRequest" in caplog.text
    committed.session.expire_all()
    assert committed.session.get(Fair, fair.fair).name_ru != "Тайком"


def test_a_flushed_change_in_a_read_only_page_is_refused(app, committed, caplog):
    client, fair, _ = _signed_in(app, committed)

    def change() -> None:
        from fairplanner.extensions import db

        db.session.get(Fair, fair.fair).name_ru = "Тайком"
        db.session.flush()

    app.before_request_funcs.setdefault(None, []).append(change)
    committed.session.close()
    try:
        assert client.get("/fairs/read-only-fair").status_code == 500
    finally:
        app.before_request_funcs[None].remove(change)
    assert "WriteInReadOnlyRequest" in caplog.text
    committed.session.expire_all()
    assert committed.session.get(Fair, fair.fair).name_ru != "Тайком"


sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _statements(engine: Any, call: Any) -> list[str]:
    seen: list[str] = []

    def hook(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(engine, "before_cursor_execute", hook)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", hook)
    return seen


@sqlite_only
@pytest.mark.parametrize("path", ["/", "/fairs/read-only-fair", "/calendar/2027/5"])
def test_a_signed_in_catalogue_page_sends_no_begin_on_sqlite(app, committed, path, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE", True)
    app.extensions["cache"].clear()
    client, _, user = _signed_in(app, committed)
    assert client.get(path).status_code == 200

    def again() -> None:
        committed.session.close()
        forget_kept_logins()  # the login's statement runs (a login kept by the process: none)
        response = client.get(path)
        assert response.status_code == 200
        assert user.email in response.get_data(as_text=True)

    assert _statements(committed.engine, again) == ["SELECT"]
    committed.session.close()  # a page that may write has its transaction
    assert _statements(committed.engine, lambda: client.get("/my/fairs"))[0] == "BEGIN"


@postgres_only
def test_a_typo_suggestion_works_in_autocommit(app, committed):
    """pg_trgm's threshold is set for the connection: in autocommit a transaction-local
    setting is gone by the next statement, and with the default threshold (0.3) the swapped
    letters of "свакра" (0.27 from "сварка") find no candidate."""
    Factories(committed.session).fair(slug="svarka", name_ru="Сварка и резка")
    client, _, _ = _signed_in(app, committed)
    page = client.get("/", query_string={"q": "свакра"}).get_data(as_text=True)
    assert f"q={quote('Сварка')}" in page
