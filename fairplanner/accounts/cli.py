"""`flask create-user`: accounts for companies, organizer staff and admins."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from fairplanner.accounts import services
from fairplanner.accounts.forms import PASSWORD_MAX, PASSWORD_MIN
from fairplanner.accounts.models import Company, Role
from fairplanner.catalogue.models import Organizer
from fairplanner.errors import DomainError
from fairplanner.extensions import db


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.MEMBER.value,
    show_default=True,
)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given.",
)
@click.option("--company", "company_name", help="Company name (members): created if missing.")
@click.option("--organizer", "organizer_slug", help="Organizer slug (staff).")
@with_appcontext
def create_user(
    email: str, role: str, password: str, company_name: str | None, organizer_slug: str | None
) -> None:
    """Create a user, or update the role and password of an existing one."""
    role_ = Role(role)
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise click.UsageError(f"the password needs {PASSWORD_MIN} to {PASSWORD_MAX} characters")
    if role_ == Role.MEMBER and not company_name:
        raise click.UsageError("a member needs --company")
    if role_ == Role.STAFF and not organizer_slug:
        raise click.UsageError("staff need --organizer")
    organizer = None
    if organizer_slug:
        organizer = db.session.scalar(select(Organizer).where(Organizer.slug == organizer_slug))
        if organizer is None:
            raise click.ClickException(f"no organizer with the slug {organizer_slug!r}")
    company = None
    if company_name:
        company = db.session.scalar(select(Company).where(Company.legal_name == company_name))
        if company is None:
            company = Company(legal_name=company_name)
            db.session.add(company)
    user = services.find_user(email)
    try:
        if user is None:
            user = services.create_user(
                email, password, role=role_, company=company, organizer=organizer
            )
            action = "created"
        else:
            user.role, user.company = role_, company
            user.organizer_id = organizer.id if organizer else None
            user.password_hash = services.hash_password(password)
            user.auth_version += 1
            action = "updated"
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from exc
    click.echo(f"user {user.email} {action} ({user.role.value})")
