"""Log capture as the production handler writes it: JSON lines with the request context."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from fairplanner.observability.logs import json_handler


class JsonLog:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    def lines(self) -> list[dict[str, Any]]:
        """Every line written so far, each parsed (a line that is not JSON fails the test)."""
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def text(self) -> str:
        return self.stream.getvalue()

    def of(self, logger: str) -> list[dict[str, Any]]:
        return [line for line in self.lines() if line["logger"] == logger]


@pytest.fixture
def json_log() -> Iterator[JsonLog]:
    """The root logger at INFO writing JSON lines to a buffer, for the duration of a test."""
    log = JsonLog()
    handler = json_handler(log.stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield log
    root.removeHandler(handler)
    root.setLevel(level)
