"""``plenary serve`` as deployed, for tests: a real process on a free loopback port, and plain
HTTP to it (no client library of the service's own)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.waiting import until_sync

SERVE_MARKER = "Plenary serves on"


def free_port() -> int:
    """A loopback port no one listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Served:
    """A running ``plenary serve``: its process, its base URL, what it printed first."""

    process: subprocess.Popen[str]
    base: str
    printed: list[str] = field(default_factory=list)

    def stop(self, *, kill: bool = False) -> str:
        """Terminate (or kill) the server, wait for it; everything it printed after ``start``."""
        if self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
        output, _ = self.process.communicate(timeout=30)
        return output

    def organiser_session(self) -> str:
        """A session token of the demo's organiser (``serve --demo`` prints their link)."""
        if not any(SERVE_MARKER in line for line in self.printed):
            self.printed += printed_until(self.process, SERVE_MARKER)
        signin = next(line for line in self.printed if "organiser sign-in link:" in line)
        session = post(self.base, "/api/auth/session", {}, signin.split("#token=", 1)[1].strip())
        token: str = session["token"]
        return token


def serve_env(data_dir: Path, database_url: str, schema: str | None = None) -> dict[str, str]:
    """The environment of a server on ``database_url`` with its data folder in ``data_dir``;
    its projector in a child process, as deployed."""
    env = {**os.environ, "PLENARY_DATA_DIR": str(data_dir), "PLENARY_DATABASE_URL": database_url}
    for name in ("PLENARY_PROJECTOR", "PLENARY_DATABASE_SCHEMA"):
        env.pop(name, None)
    if schema is not None:
        env["PLENARY_DATABASE_SCHEMA"] = schema
    return env


def start(env: dict[str, str], *args: str, port: int | None = None) -> Served:
    """Start ``plenary serve ARGS`` on a free port (or ``port``); returns once it answers."""
    port = port or free_port()
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port), *args]
    process = subprocess.Popen(
        [*command, "--log-level", "warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(process, base)
    except BaseException:
        process.kill()
        process.communicate(timeout=30)
        raise
    return Served(process, base)


@contextmanager
def serving(env: dict[str, str], *args: str) -> Iterator[Served]:
    """``start``, then terminate the server and wait for it, whatever happens."""
    served = start(env, *args)
    try:
        yield served
    finally:
        served.stop()


def wait_for_health(process: subprocess.Popen[str], base: str) -> dict[str, Any]:
    """``GET /api/health`` once the server answers (within 30 s, or the test fails)."""

    def health() -> dict[str, Any] | None:
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=1) as answer:
                answered: dict[str, Any] = json.loads(answer.read())
                return answered
        except OSError:
            assert process.poll() is None, "the server exited early"
            return None

    return until_sync(health, within=30, what="the server answers /api/health", every=0.2)


def printed_until(process: subprocess.Popen[str], marker: str) -> list[str]:
    """The lines ``process`` printed up to the one holding ``marker``."""
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or marker not in lines[-1]:
        line = process.stdout.readline()
        assert line, f"the server exited before printing {marker!r}: {lines}"
        lines.append(line)
    return lines


def post(base: str, path: str, body: dict[str, Any], token: str | None = None) -> Any:
    """``POST`` JSON; the answer's JSON (an error status raises ``HTTPError``)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux)."""
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
