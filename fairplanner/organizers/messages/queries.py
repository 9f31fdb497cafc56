"""Reads of organizer messages: a fair's list, one message, what a company received."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from fairplanner.accounts.models import Company
from fairplanner.organizers.messages.models import (
    MessageRecipient,
    MessageStatus,
    MessageTemplate,
    OrganizerMessage,
)


def fair_messages(fair_id: int) -> Select[tuple[OrganizerMessage]]:
    """Newest first; the author is named on every row (one join, not a query per row)."""
    return (
        select(OrganizerMessage)
        .where(OrganizerMessage.fair_id == fair_id)
        .options(joinedload(OrganizerMessage.author))
        .order_by(OrganizerMessage.created_at.desc(), OrganizerMessage.id.desc())
    )


def fair_message(fair_id: int, message_id: int) -> Select[tuple[OrganizerMessage]]:
    """A message of this fair only: another fair's id is a 404."""
    return select(OrganizerMessage).where(
        OrganizerMessage.id == message_id, OrganizerMessage.fair_id == fair_id
    )


def recipients(message_id: int) -> Select:
    return (
        select(MessageRecipient, Company)
        .join(Company, Company.id == MessageRecipient.company_id)
        .where(MessageRecipient.message_id == message_id)
        .order_by(Company.legal_name)
    )


def received(company_id: int, fair_id: int) -> Select[tuple[OrganizerMessage]]:
    """The messages about a fair the company received (sent ones only), newest first."""
    return (
        select(OrganizerMessage)
        .join(MessageRecipient, MessageRecipient.message_id == OrganizerMessage.id)
        .where(
            MessageRecipient.company_id == company_id,
            OrganizerMessage.fair_id == fair_id,
            OrganizerMessage.status == MessageStatus.SENT,
        )
        .order_by(OrganizerMessage.sent_at.desc(), OrganizerMessage.id.desc())
    )


def organizer_templates(organizer_id: int) -> Select[tuple[MessageTemplate]]:
    return (
        select(MessageTemplate)
        .where(MessageTemplate.organizer_id == organizer_id)
        .order_by(MessageTemplate.name)
    )


def organizer_template(organizer_id: int, template_id: int) -> Select[tuple[MessageTemplate]]:
    """A template of this organizer only: another organizer's id is a 404."""
    return select(MessageTemplate).where(
        MessageTemplate.id == template_id, MessageTemplate.organizer_id == organizer_id
    )
