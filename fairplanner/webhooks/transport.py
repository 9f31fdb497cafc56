"""HTTP to a checked target, connecting to its resolved address (not resolving the name
again), with a short timeout: a webhook's POST (the answer's status and the start of its
body), and the GET of a calendar an organizer imports (organizers.imports), its size and time
bounded."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from fairplanner.webhooks.targets import Target

BODY_EXCERPT = 2048  # bytes of the answer kept in the delivery log


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    duration_ms: int


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to `address` while the Host header names the URL's host."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS: the certificate is checked against the URL's host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """POST `body`; raises OSError (and http.client.HTTPException) when no answer came."""
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target.host, target.port, target.address, timeout)
    started = time.monotonic()
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": "FairPlanner-Webhooks/1",
                **headers,
            },
        )
        response = connection.getresponse()
        excerpt = response.read(BODY_EXCERPT)
    finally:
        connection.close()
    duration = int((time.monotonic() - started) * 1000)
    return Answer(response.status, excerpt.decode("utf-8", "replace"), duration)


class TooBig(OSError):
    """The answer is longer than the caller takes."""


@dataclass(frozen=True)
class Download:
    status: int
    body: bytes
    location: str | None  # a redirect's Location


def get(
    target: Target, *, timeout: float, max_bytes: int, user_agent: str = "FairPlanner/1"
) -> Download:
    """GET the target's path; at most `max_bytes` of body (else TooBig) within `timeout`
    seconds in all, however slowly the server sends (else TimeoutError). Raises OSError (and
    http.client.HTTPException) when no answer came."""
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target.host, target.port, target.address, timeout)
    deadline = time.monotonic() + timeout
    try:
        connection.request(
            "GET",
            target.path,
            headers={"User-Agent": user_agent, "Accept-Encoding": "identity", "Accept": "*/*"},
        )
        response = connection.getresponse()
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise TooBig(length)
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read1(64 * 1024) if response.status == 200 else b"":
            size += len(chunk)
            if size > max_bytes:
                raise TooBig(size)
            if time.monotonic() > deadline:
                raise TimeoutError
            chunks.append(chunk)
    finally:
        connection.close()
    return Download(response.status, b"".join(chunks), response.getheader("Location"))
