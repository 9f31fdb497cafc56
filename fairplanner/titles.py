"""Coded values that carry their own names, as Indico's `RichEnum` (`__titles__`, `.title`).

A domain declares its enum with the titles next to the values, so that forms, templates and
`fairplanner.display` read one table:

    class FairKind(TitledEnum):
        EXHIBITION = "exhibition"
        __titles__ = {EXHIBITION: _l("Exhibition")}

`FairKind.EXHIBITION.title` is the lazy string: it reads in the current language wherever it is
turned into text (a page, a mail under `force_locale`, a form's choices built at import time).
A member without a title reads as its value. The values and the class stay the database's
(`db_enum`), so titles never need a migration.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, ClassVar


class TitledEnum(enum.StrEnum):
    """A `StrEnum` whose members have translated titles (`__titles__`, keyed by value)."""

    # In the class body a member's name is still its plain value, so `{DRAFT: _l("draft")}`
    # is keyed by "draft"; dunder names never become members.
    __titles__: ClassVar[Mapping[str, Any]] = {}

    @property
    def title(self) -> Any:  # type: ignore[override]  # str.title() is no use on a code
        """The title (a lazy string in the current language), or the value when it has none."""
        return type(self).__titles__.get(self.value, self.value)
