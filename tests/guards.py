"""Make CI fail when the PostgreSQL or browser part of the suite did not run."""

from __future__ import annotations

import pytest

import config

_ran: dict[str, int] = {"postgres": 0, "browser": 0}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed:
        for marker in _ran:
            if marker in report.keywords:
                _ran[marker] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    required = {"postgres": config.REQUIRE_POSTGRES, "browser": config.REQUIRE_BROWSER}
    missing = [name for name, needed in required.items() if needed and _ran[name] == 0]
    if missing and session.testscollected:
        session.config.stash[_missing_key] = missing
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_missing_key = pytest.StashKey[list[str]]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    counts = ", ".join(f"{name}: {count} passed" for name, count in _ran.items())
    terminalreporter.write_line(f"parts of the suite: {counts}")
    missing = terminalreporter.config.stash.get(_missing_key, None)
    if missing:
        terminalreporter.write_line(
            f"FAILED: required parts did not run: {', '.join(missing)}", red=True
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `sqlite_only` run on the SQLite backend alone: the demo seed's checks, which
    repeat the same seed (a dozen seconds each) to look at what it made. Its PostgreSQL run is
    the tests left unmarked (the seed twice over, the search relevance)."""
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("database_url") == "postgres"
        (dropped if on_postgres and item.get_closest_marker("sqlite_only") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
