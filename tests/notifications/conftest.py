"""A real SMTP server (aiosmtpd) on a free local port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.raw.append(envelope.content)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, dict[str, object]]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    config = {
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_SECURITY": "none",
        "MAIL_SENDER": "FairPlanner <noreply@fairplanner.by>",
    }
    yield inbox, config
    controller.stop()
