"""Real Redis for the tests: a redis-server of the test's own (to stop and start), or database
11 of the machine's Redis on 127.0.0.1:6379 (config.REDIS_TEST_URL), never another one."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis

import config


def missing(reason: str) -> None:
    """Skip, or fail where Redis is required (CI: FAIRPLANNER_REQUIRE_REDIS=1)."""
    if config.REQUIRE_REDIS:
        pytest.fail(f"Redis is required here but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    """A port nothing listens on (bound and closed again at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shared_redis() -> redis.Redis:
    """Database 11 of the machine's Redis, emptied (FLUSHDB of that database only)."""
    client = redis.Redis.from_url(config.REDIS_TEST_URL)
    try:
        client.flushdb()
    except redis.ConnectionError as error:
        missing(f"the Redis at {config.REDIS_TEST_URL} does not answer: {error}")
    return client


class RedisServer:
    """A redis-server process on a free port, without persistence, that a test stops (as an
    outage would) and starts again on the same port."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            missing("redis-server is not installed")
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=1)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.directory),
                "--logfile", str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        self.stop()
        pytest.fail(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
