"""`flask search reindex`: recompute every fair's search terms and the vocabulary."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from fairplanner.catalogue.search.index import reindex
from fairplanner.extensions import db

search = AppGroup("search", help="The fair search index.")


@search.command("reindex")
def reindex_command() -> None:
    """Rebuild the terms of every fair (after bulk imports that bypass the app, or a change of
    the analyzer or of the place spellings). Safe to run at any time; one transaction."""
    count = reindex(db.session.connection())
    db.session.commit()
    click.echo(f"reindexed {count} fairs")
