"""The ``plenary`` command on real databases: demo, verify (with tampering), rebuild, export."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from projections.board_view import BOARD_VIEW
from service import demo
from service.cli import main
from tests.conftest import StoreLocation


@pytest.fixture
def cli_env(
    store_location: StoreLocation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> StoreLocation:
    monkeypatch.setenv("PLENARY_DATABASE_URL", store_location.url)
    monkeypatch.setenv("PLENARY_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PLENARY_SECRET", "cli-test-secret")
    if store_location.schema:
        monkeypatch.setenv("PLENARY_DATABASE_SCHEMA", store_location.schema)
    else:
        monkeypatch.delenv("PLENARY_DATABASE_SCHEMA", raising=False)
    return store_location


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI on a SQLite file (tampering with it needs only the sqlite3 module)."""
    database = tmp_path / "plenary.db"
    monkeypatch.setenv("PLENARY_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.setenv("PLENARY_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PLENARY_SECRET", "cli-test-secret")
    monkeypatch.delenv("PLENARY_DATABASE_SCHEMA", raising=False)
    return database


def test_demo_seeds_once_and_prints_a_facilitator_link(
    cli_env: StoreLocation, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0
    first = capsys.readouterr().out
    assert f"/b/{demo.BOARD_ID}#token=" in first
    assert main(["demo"]) == 0
    assert capsys.readouterr().out == first  # same link; nothing seeded twice
    assert main(["export", "board", "--board", demo.BOARD_ID, "--format", "json"]) == 0
    board = json.loads(capsys.readouterr().out)
    # The plenary holds each group's chosen cluster, promoted with its notes.
    assert len(board["clusters"]) == len(demo.GROUPS) == 4
    assert len(board["notes"]) == sum(len(g.clusters[0][1]) for g in demo.GROUPS)
    assert {n["cluster_id"] for n in board["notes"].values()} == set(board["clusters"])


def test_verify_passes_then_seals_then_names_a_cut_tail(
    sqlite_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["demo"])
    capsys.readouterr()
    assert main(["verify", "--seal"]) == 0
    out = capsys.readouterr().out
    assert "OK: verified positions 1.." in out
    sealed_at = int(out.rsplit("position ", 1)[1].split()[0])
    assert (tmp_path / "var" / "checkpoints.jsonl").exists()

    with sqlite3.connect(sqlite_env) as conn:
        conn.execute("DELETE FROM events WHERE position = ?", (sealed_at,))
    assert main(["verify"]) == 1
    out = capsys.readouterr().out
    assert f"BROKEN at position {sealed_at}" in out


def test_verify_names_the_first_edited_position(
    sqlite_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["demo"])
    with sqlite3.connect(sqlite_env) as conn:
        (first,) = conn.execute(
            "SELECT min(position) FROM events WHERE type = 'note.added'"
        ).fetchone()
        conn.execute(
            "UPDATE events SET data = CAST(replace(CAST(data AS TEXT), 'School', "
            "'Schools') AS BLOB) WHERE position = ?",
            (first,),
        )
        conn.execute("UPDATE events SET actor = 'someone-else' WHERE position = ?", (first + 20,))
    capsys.readouterr()
    assert main(["verify"]) == 1
    assert f"BROKEN at position {first}:" in capsys.readouterr().out


def test_rebuild_and_export(cli_env: StoreLocation, capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo"])
    capsys.readouterr()
    assert main(["rebuild"]) == 0
    captured = capsys.readouterr()
    assert f"rebuilt board_view v{BOARD_VIEW.version} up to position" in captured.out
    assert "100.0%" in captured.err
    assert main(["export", "log"]) == 0
    lines = capsys.readouterr().out.splitlines()
    positions = [json.loads(line)["position"] for line in lines]
    assert positions == list(range(1, len(lines) + 1))
    assert main(["export", "board", "--board", demo.BOARD_ID, "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "## Streets for people" in markdown
    assert "- School streets close at 8:30 but parents still drive in" in markdown
    assert main(["export", "board", "--board", demo.BOARD_ID, "--format", "csv"]) == 0
    promoted = sum(len(g.clusters[0][1]) for g in demo.GROUPS)
    assert len(capsys.readouterr().out.strip().splitlines()) == 1 + promoted  # header + notes


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_serve_answers_on_loopback_and_stops(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "PLENARY_DATA_DIR": str(tmp_path / "var"),
        "PLENARY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "service.cli",
            "serve",
            "--demo",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/health", timeout=1
                ) as answer:
                    health = json.loads(answer.read())
                break
            except OSError:
                assert server.poll() is None, "the server exited early"
                assert time.monotonic() < deadline, "the server did not answer in 30 s"
                time.sleep(0.2)
        assert health["ok"] is True
        assert health["head"] > 20
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as page:
            assert b"<title>Plenary</title>" in page.read()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "facilitator link: http://127.0.0.1:" in output
    # uvicorn re-raises SIGTERM after its graceful shutdown; the shutdown sealed the head.
    assert server.returncode in (0, -15), output
    assert (tmp_path / "var" / "checkpoints.jsonl").read_text().count("\n") >= 1
