"""Pages of a lower package that show what upper packages know, without importing them.

The fair page shows the free stands and the reader's company's applications (registrations)
and its Follow button (following); "My fairs" shows the company's calendar feed (calendars).
The package that owns such a page names a `Slot` for it and fills its template variables
from the slot; the upper packages put a `Part` in the slot at start-up (their `pages.init_app`,
called by the app factory). The lower package never imports the upper ones: the package graph
keeps its layers, and a page lacks only the parts of packages the app does not load.

A part also says what it shows of the reader (`reader`): the catalogue's pages keep their
blocks in the shared cache under what their parts show of the reader (fairplanner.pagecache),
so that function must read nothing but what the login statement loaded (no query).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Generic, ParamSpec

from flask import Flask, current_app

P = ParamSpec("P")

EXTENSION = "fairplanner.compose"


def _nothing() -> tuple[()]:
    return ()


@dataclass(frozen=True)
class Part(Generic[P]):
    """What one upper package adds to a page: template variables, and what of the reader
    they show (part of the key of the page's stored blocks)."""

    context: Callable[P, Mapping[str, object]]
    reader: Callable[[], Hashable] = field(default=_nothing)


class Slot(Generic[P]):
    """A page's place for parts, called with the arguments `P` (say, the fair shown)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<Slot {self.name}>"

    def provide(self, app: Flask, part: Part[P]) -> None:
        """Put `part` in this slot for `app` (at start-up)."""
        app.extensions.setdefault(EXTENSION, {}).setdefault(self.name, []).append(part)

    def parts(self) -> list[Part[P]]:
        return current_app.extensions.get(EXTENSION, {}).get(self.name, [])

    def reader(self) -> tuple[Hashable, ...]:
        """What the parts show of the reader, one entry per part."""
        return tuple(part.reader() for part in self.parts())

    def context(self, *args: P.args, **kwargs: P.kwargs) -> dict[str, object]:
        """The parts' template variables (a later part's win over an earlier one's)."""
        found: dict[str, object] = {}
        for part in self.parts():
            found.update(part.context(*args, **kwargs))
        return found
