"""What an organizer message says and whom it is for, checked before anything is stored."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from fairplanner.accounts.models import Country
from fairplanner.errors import DomainError
from fairplanner.organizers.messages.models import MessageTemplate, OrganizerMessage
from fairplanner.organizers.messages.text import one_line, plain
from fairplanner.registrations.models import RegistrationRole, RegistrationStatus

LANGUAGES = ("ru", "en")
MAX_PDF_BYTES = 5 * 1024 * 1024
SAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


class MessageError(DomainError):
    """A message cannot be saved, sent or scheduled as asked."""


class TooManyMessages(MessageError):
    status_code = 429


# --- what is written ------------------------------------------------------------------------


@dataclass(frozen=True)
class Content:
    subject_ru: str | None = None
    subject_en: str | None = None
    body_ru: str | None = None
    body_en: str | None = None

    def cleaned(self) -> Content:
        return Content(
            subject_ru=one_line(self.subject_ru) or None,
            subject_en=one_line(self.subject_en) or None,
            body_ru=plain(self.body_ru),
            body_en=plain(self.body_en),
        )

    def complete(self, lang: str) -> bool:
        return bool(getattr(self, f"subject_{lang}") and getattr(self, f"body_{lang}"))

    def language_for(self, lang: str) -> str:
        """The language a company reading `lang` gets: its own, else the one written."""
        if self.complete(lang):
            return lang
        return next(other for other in LANGUAGES if self.complete(other))

    def check(self) -> Content:
        content = self.cleaned()
        for lang in LANGUAGES:
            subject, body = getattr(content, f"subject_{lang}"), getattr(content, f"body_{lang}")
            if bool(subject) != bool(body):
                raise MessageError(HALF_WRITTEN[lang]())
        if not any(content.complete(lang) for lang in LANGUAGES):
            raise MessageError(_("Write the subject and the text in at least one language."))
        return content


HALF_WRITTEN = {
    "ru": lambda: _("Write both the subject and the text in Russian, or leave both empty."),
    "en": lambda: _("Write both the subject and the text in English, or leave both empty."),
}


def content_of(obj: OrganizerMessage | MessageTemplate) -> Content:
    return Content(obj.subject_ru, obj.subject_en, obj.body_ru, obj.body_en)


@dataclass(frozen=True)
class Filters:
    """Whom a message is for; an empty list is "any" (statuses must be chosen)."""

    statuses: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, list[str]]:
        return {
            "statuses": self.statuses,
            "roles": self.roles,
            "countries": self.countries,
            "sectors": self.sectors,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any] | None) -> Filters:
        value = value or {}
        return cls(
            **{k: list(value.get(k) or []) for k in ("statuses", "roles", "countries", "sectors")}
        )

    def check(self) -> Filters:
        statuses = [s for s in self.statuses if s in {x.value for x in RegistrationStatus}]
        if not statuses:
            raise MessageError(_("Choose at least one status of the applications."))
        return Filters(
            statuses=statuses,
            roles=[r for r in self.roles if r in {x.value for x in RegistrationRole}],
            countries=[c for c in self.countries if c in {x.value for x in Country}],
            sectors=[c for c in self.sectors if isinstance(c, str) and len(c) <= 60],
        )


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def check_pdf(upload: Upload) -> Upload:
    """A real PDF (its signature, not its name), not empty, not over the size limit."""
    size = len(upload.data)
    if size == 0:
        raise MessageError(_("The file is empty."))
    if size > MAX_PDF_BYTES:
        raise MessageError(
            _("The file is too large: at most %(mb)d MB.", mb=MAX_PDF_BYTES // (1024 * 1024))
        )
    # A PDF starts with "%PDF-" (readers allow a little junk before it) and ends with "%%EOF".
    if b"%PDF-" not in upload.data[:1024] or b"%%EOF" not in upload.data[-2048:]:
        raise MessageError(_("This is not a PDF file. Attach a document saved as PDF."))
    name = SAFE_NAME.sub("_", upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(" ._")
    name = (name[:-4] if name.lower().endswith(".pdf") else name)[:150] or "document"
    return Upload(filename=f"{name}.pdf", data=upload.data)
