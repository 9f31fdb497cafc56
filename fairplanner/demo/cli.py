"""`flask seed-demo`: the demo catalogue, logins, companies and their applications, and the
exhibitors of the demo fairs (catalogue entries, stands, logos), their B2B meetings and their
fair-day tickets."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from fairplanner.demo.activity import load_activity_file, seed_activity
from fairplanner.demo.catalogue import DEMO_FILE, load_demo_file
from fairplanner.demo.catalogue import seed_demo as load
from fairplanner.demo.exhibitors import load_exhibitors_file, seed_exhibitors
from fairplanner.demo.meetings import load_meetings_file, seed_meetings
from fairplanner.demo.tickets import load_tickets_file, seed_tickets
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today


@click.command("seed-demo")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEMO_FILE,
    show_default=True,
    help="JSON file with the demo catalogue.",
)
@with_appcontext
def seed_demo(path: Path) -> None:
    """Load demo fairs dated around today, demo logins, and companies' applications for the
    demo organizer's open fairs, and the demo fairs' exhibitors with stands and logos. Safe to
    run again: what exists is kept, nothing is doubled."""
    today = minsk_today()
    try:
        data = load_demo_file(path)
        reports = load(data, today=today)
        reports |= seed_activity(load_activity_file(), today=today)
        reports |= seed_exhibitors(load_exhibitors_file(), today=today)
        reports |= seed_meetings(load_meetings_file(), today=today)
        reports |= seed_tickets(load_tickets_file(), today=today)
    except (KeyError, ValueError, TypeError) as exc:
        db.session.rollback()
        raise click.ClickException(f"demo data is not valid: {exc!r}") from exc
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(f"demo data breaks a rule: {exc.message}") from exc
    db.session.commit()
    for name, report in reports.items():
        click.echo(f"{name}: {report.created} added, {report.existing} already present")
    for account in data.get("accounts", []):
        who = "organizer staff" if account["role"] == "staff" else "company"
        click.echo(f"demo login ({who}): {account['email']} / {account['password']}")
