"""scripts/backup.sh and scripts/restore.sh on a real PostgreSQL: the demo data backed up,
restored into an empty database, and found there table by table and record by record."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

import config
from tests.conftest import postgres_url

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
SOURCE, TARGET = "ops_src", "ops_dst"
TOOLS = ("pg_dump", "pg_restore", "psql")


def client_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        reason = f"{', '.join(missing)} missing (apt-get install postgresql-client)"
        if config.REQUIRE_POSTGRES:
            pytest.fail(reason)
        pytest.skip(reason)


def plain(url: URL) -> str:
    return url.render_as_string(hide_password=False)


@pytest.fixture
def databases() -> Iterator[tuple[URL, URL]]:
    """Two new databases on the test server (created here, dropped afterwards)."""
    client_tools()
    server = make_url(postgres_url())
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with admin.connect() as conn:
            for name in (SOURCE, TARGET):
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    drop()
    with admin.connect() as conn:
        for name in (SOURCE, TARGET):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=SOURCE), server.set(database=TARGET)
    finally:
        drop()
        admin.dispose()


def run(args: list[str], url: URL, **env: str) -> subprocess.CompletedProcess:
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "FAIRPLANNER_CONFIG")},
        "DATABASE_URL": plain(url),
        "SECRET_KEY": "backup-test-secret-key-0123456789abcdefghij",
        "FLASK": str(BIN / "flask"),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        **env,
    }
    return subprocess.run(
        args, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300, check=False
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        tables = [sa.table(name) for name in sa.inspect(conn).get_table_names()]
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in tables
        }


def rows(engine: sa.Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


def test_the_demo_data_survives_a_backup_and_a_restore(databases, tmp_path):
    source, target = databases
    flask = [str(BIN / "flask"), "--app", "fairplanner"]
    ok(run([*flask, "db", "upgrade"], source))
    print(ok(run([*flask, "seed-demo"], source)))

    backups = tmp_path / "backups"
    backups.mkdir()
    old = ["fairplanner-20250101T000000Z.dump", "fairplanner-20250102T000000Z.dump"]
    for name in old:
        (backups / name).write_bytes(b"an older backup")
    (backups / "notes.txt").write_text("not a backup: kept")

    backup = run(["sh", "scripts/backup.sh"], source, BACKUP_DIR=str(backups), BACKUP_KEEP="2")
    print("$ scripts/backup.sh", ok(backup), backup.stderr, sep="\n")
    kept = sorted(p.name for p in backups.iterdir())
    assert kept[0] == old[1]  # the newest 2 archives: yesterday's and today's
    assert kept[1].startswith("fairplanner-20")
    assert kept[1].endswith("Z.dump")
    assert kept[2] == "notes.txt"
    assert len(kept) == 3
    archive = backups / kept[1]
    assert f"backup: {archive} (" in backup.stdout
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # personal data

    restore = run(["sh", "scripts/restore.sh", str(archive)], target)
    print("$ scripts/restore.sh", ok(restore), restore.stderr, sep="\n")
    assert f"restore: {archive} into {TARGET}: " in restore.stdout

    src, dst = sa.create_engine(source), sa.create_engine(target)
    try:
        before, after = counts(src), counts(dst)
        print("rows per table:", before)
        assert after == before
        assert len(before) >= 16
        for table in ("fairs", "companies", "registrations", "registration_changes", "users"):
            assert before[table] > 0, table

        # A few records, every column.
        for sql in (
            "SELECT * FROM alembic_version",
            "SELECT * FROM fairs ORDER BY id LIMIT 3",
            "SELECT * FROM companies ORDER BY id DESC LIMIT 2",
            # An application with the longest history, and that history.
            """SELECT * FROM registrations WHERE id = (
                 SELECT registration_id FROM registration_changes
                 GROUP BY registration_id ORDER BY count(*) DESC, registration_id LIMIT 1)""",
            """SELECT * FROM registration_changes WHERE registration_id = (
                 SELECT registration_id FROM registration_changes
                 GROUP BY registration_id ORDER BY count(*) DESC, registration_id LIMIT 1)
               ORDER BY id""",
        ):
            found = rows(src, sql)
            assert found, sql
            assert rows(dst, sql) == found, sql
        # The sequences go on where they were: a new row does not collide.
        assert rows(dst, "SELECT last_value FROM fairs_id_seq") == rows(
            src, "SELECT last_value FROM fairs_id_seq"
        )
    finally:
        src.dispose()
        dst.dispose()

    again = run(["sh", "scripts/restore.sh", str(archive)], target)
    print("$ scripts/restore.sh (again)", again.stdout, again.stderr, sep="\n")
    assert again.returncode == 3
    assert again.stderr.startswith(f"restore: refusing: database {TARGET} is not empty")


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        ([], {}, "usage:"),
        (["/nonexistent.dump"], {}, "no such file"),
    ],
)
def test_restore_refuses_bad_arguments(args, env, message):
    client_tools()
    result = run(["sh", "scripts/restore.sh", *args], make_url("postgresql://x@127.0.0.1/none"))
    assert result.returncode == 2
    assert message in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BACKUP_DIR": ""}, "BACKUP_DIR is not set"),
        ({"BACKUP_KEEP": "0"}, "BACKUP_KEEP must be"),
        ({"BACKUP_KEEP": "ten"}, "BACKUP_KEEP must be"),
    ],
)
def test_backup_refuses_bad_settings(tmp_path, env, message):
    client_tools()
    settings = {"BACKUP_DIR": str(tmp_path), **env}
    result = run(["sh", "scripts/backup.sh"], make_url("postgresql://x@127.0.0.1/none"), **settings)
    assert result.returncode == 1
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []
