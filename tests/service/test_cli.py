"""The ``plenary`` command on real databases: demo, verify (with tampering), rebuild, export."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import stat
import sys
import urllib.request
from pathlib import Path

import pytest

from projections.board_view import BOARD_VIEW
from service.cli import main
from service.tools import demo
from service.tools.client import BoardClient
from tests.conftest import StoreLocation
from tests.service import served
from tests.waiting import until_sync


@pytest.fixture
def cli_env(
    store_location: StoreLocation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> StoreLocation:
    monkeypatch.setenv("PLENARY_DATABASE_URL", store_location.url)
    monkeypatch.setenv("PLENARY_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PLENARY_SECRET", "cli-test-secret-of-at-least-32-bytes")
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
    monkeypatch.setenv("PLENARY_SECRET", "cli-test-secret-of-at-least-32-bytes")
    monkeypatch.delenv("PLENARY_DATABASE_SCHEMA", raising=False)
    return database


def test_demo_seeds_once_and_prints_a_facilitator_link(
    cli_env: StoreLocation, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0
    first = capsys.readouterr().out
    assert f"/b/{demo.BOARD_ID}#token=" in first
    assert "organiser sign-in link: http://" in first
    assert "token:" not in first  # links only, never a bare token
    assert main(["export", "log"]) == 0
    head = len(capsys.readouterr().out.splitlines())
    assert main(["demo"]) == 0
    again = capsys.readouterr().out
    assert [line.split("#")[0] for line in again.splitlines()] == [
        line.split("#")[0] for line in first.splitlines()
    ]
    assert main(["export", "log"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == head  # nothing seeded twice
    assert main(["export", "board", "--board", demo.BOARD_ID, "--format", "json"]) == 0
    board = json.loads(capsys.readouterr().out)
    # The plenary holds each group's chosen cluster, promoted with its notes.
    assert len(board["clusters"]) == len(demo.GROUPS) == 4
    assert len(board["notes"]) == sum(len(g.clusters[0][1]) for g in demo.GROUPS)
    assert {n["cluster_id"] for n in board["notes"].values()} == set(board["clusters"])


def test_verify_writes_nothing_seal_signs_and_a_cut_is_named(
    sqlite_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["demo"])
    capsys.readouterr()
    data_dir = tmp_path / "var"
    before = _files(tmp_path)

    assert main(["verify"]) == 0
    out = capsys.readouterr().out
    head = int(out.split("head at position ", 1)[1].split()[0])
    assert f"OK: positions 1..{head} are intact" in out
    assert f"chain and commands records: hold for positions 1..{head} of {head}." in out
    assert "signed checkpoints: 0 of 0 matched." in out
    assert f"positions 1..{head} come after the latest signed checkpoint" in out
    assert _files(tmp_path) == before  # no key, no checkpoint, the database as it was

    assert main(["seal"]) == 0
    assert f"sealed: a signed checkpoint of position {head}" in capsys.readouterr().out
    assert (data_dir / "checkpoints.jsonl").read_text().count("\n") == 1
    assert (data_dir / "checkpoint-key.pem").exists()
    assert main(["verify"]) == 0
    out = capsys.readouterr().out
    assert f"signed checkpoints: 1 of 1 matched, the latest at position {head}." in out
    assert "come after the latest signed checkpoint" not in out

    with sqlite3.connect(sqlite_env) as conn:
        conn.execute("DELETE FROM events WHERE position = ?", (head,))
    conn.close()
    sealed = (data_dir / "checkpoints.jsonl").read_bytes()
    assert main(["verify"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"BROKEN at position {head}: ")
    assert f"hold for positions 1..{head - 1} of {head - 1}." in out
    assert main(["seal"]) == 1  # a broken log is never sealed
    assert "not sealed: the log is broken." in capsys.readouterr().out
    assert (data_dir / "checkpoints.jsonl").read_bytes() == sealed


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes, but SQLite's shared-memory index, and its
    write-ahead log while it holds nothing."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and not path.name.endswith("-shm")
        and not (path.name.endswith("-wal") and path.stat().st_size == 0)
    }


def test_verify_names_the_first_edited_position(
    sqlite_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["demo"])
    with sqlite3.connect(sqlite_env) as conn:
        (first,) = conn.execute(
            "SELECT min(position) FROM events WHERE type = 'note.added'"
        ).fetchone()
        conn.execute(
            "UPDATE events SET data = CAST(replace(CAST(data AS TEXT), '\"x\":', "
            "'\"x\":1') AS BLOB) WHERE position = ?",
            (first,),
        )
        conn.execute("UPDATE events SET actor = 'someone-else' WHERE position = ?", (first + 20,))
    capsys.readouterr()
    assert main(["verify"]) == 1
    assert f"BROKEN at position {first}:" in capsys.readouterr().out


def test_erase_then_board_and_report_read_erased_and_verify_counts_it(
    cli_env: StoreLocation, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["demo"])
    group = demo.GROUPS[0]
    who = demo.person(group.members[0])
    capsys.readouterr()
    assert main(["verify"]) == 0
    assert "0 field(s) of 0 person(s) can no longer be opened" in capsys.readouterr().out
    board = ["export", "board", "--board", demo.group_board(group), "--format", "json"]
    assert main([*board, "--as", "auditor"]) == 0
    notes = json.loads(capsys.readouterr().out)["notes"].values()
    written = {n["text"] for n in notes if n["author"] == who.id}
    report = ["export", "workshop", "--workshop", demo.WORKSHOP_ID, "--as", "auditor"]
    assert main(report) == 0
    before = capsys.readouterr().out
    assert written
    assert all(text in before for text in written)  # the report shows each of them

    assert main(["erase", "--workshop", demo.WORKSHOP_ID, who.id]) == 0
    assert f"{who.id} erased in workshop {demo.WORKSHOP_ID}" in capsys.readouterr().out
    assert main(["verify"]) == 0
    out = capsys.readouterr().out
    assert "OK: positions 1.." in out
    assert "field(s) of 1 person(s) can no longer be opened: erased, not broken." in out
    assert "their key is still there" not in out

    assert main([*board, "--as", "auditor"]) == 0
    notes = json.loads(capsys.readouterr().out)["notes"].values()
    theirs = [n["text"] for n in notes if n["author"] == who.id]
    assert theirs
    assert set(theirs) == {"(erased)"}
    assert any(n["text"] != "(erased)" for n in notes)
    assert main(report) == 0
    markdown = capsys.readouterr().out
    assert not [text for text in written if text in markdown]
    assert "(erased)" in markdown
    assert main(["export", "log"]) == 0
    assert group.members[0].encode() not in capsys.readouterr().out.encode()


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
    assert "### Streets for people" in markdown
    assert "- School streets close at 8:30 but parents still drive in — Marta (Lisbon)" in markdown
    assert "| 1 | Who takes part | 40 |" in markdown  # the plenary round's results
    assert "### Selected: Who takes part" in markdown
    assert main(["export", "board", "--board", demo.BOARD_ID, "--format", "csv"]) == 0
    promoted = sum(len(g.clusters[0][1]) for g in demo.GROUPS)
    assert len(capsys.readouterr().out.strip().splitlines()) == 1 + promoted  # header + notes


def test_export_workshop_writes_the_report_as_markdown_a_page_to_print_or_json(
    cli_env: StoreLocation, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["demo"])
    capsys.readouterr()
    assert main(["export", "workshop", "--workshop", demo.WORKSHOP_ID]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("# Challenges workshop")
    assert main(["export", "workshop", "--workshop", demo.WORKSHOP_ID, "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("<!doctype html>")
    assert "<style>" in page  # a file that prints alone, with its style inside
    assert "@media print" in page
    assert "<h4>Selected: Who takes part</h4>" in page  # a board's decision, a level down
    assert main(["export", "workshop", "--workshop", demo.WORKSHOP_ID, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["workshop"]["id"] == demo.WORKSHOP_ID
    assert data["boards"][0]["kind"] == "plenary"
    with pytest.raises(SystemExit, match=r"writes --format md\|html\|json"):
        main(["export", "workshop", "--workshop", demo.WORKSHOP_ID, "--format", "csv"])


def test_export_to_a_file_is_readable_by_its_owner_only(
    cli_env: StoreLocation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["demo"])
    capsys.readouterr()
    board = ["export", "board", "--board", demo.BOARD_ID, "--format", "csv"]
    assert main(board) == 0
    printed = capsys.readouterr().out
    target = tmp_path / "board.csv"
    target.write_text("an older export, readable by anyone")
    target.chmod(0o644)
    umask = os.umask(0o022)
    try:
        assert main([*board, "--out", str(target)]) == 0
        assert main(["export", "log", "--out", str(tmp_path / "log.jsonl")]) == 0
    finally:
        os.umask(umask)
    assert capsys.readouterr().out == ""  # nothing on stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes().decode() == printed
    log = tmp_path / "log.jsonl"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert len(log.read_text().splitlines()) == asyncio.run(_head(cli_env))


async def _head(location: StoreLocation) -> int:
    store = await location.open()
    try:
        return (await store.head()).position
    finally:
        await store.close()


def test_a_failed_export_leaves_no_file(
    cli_env: StoreLocation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "exports"
    out.mkdir()
    assert main(["export", "board", "--board", "no-such-board", "--out", str(out / "b.md")]) == 2
    assert "board_not_found" in capsys.readouterr().err
    assert list(out.iterdir()) == []


def test_export_shows_pseudonyms_by_default_and_real_names_to_an_auditor(
    cli_env: StoreLocation, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["demo"])
    capsys.readouterr()
    group = next(g for g in demo.GROUPS if g.pseudonymous)
    board = ["export", "board", "--board", demo.group_board(group)]
    assert main(board) == 0
    as_facilitator = capsys.readouterr().out
    assert main([*board, "--as", "auditor"]) == 0
    as_auditor = capsys.readouterr().out
    assert "People on this board are shown by pseudonym." in as_facilitator
    for name in group.members:
        assert name not in as_facilitator
        assert name in as_auditor


def test_serve_as_deployed_syncs_boards_keeps_read_models_and_stops(tmp_path: Path) -> None:
    """``plenary serve`` as a process: its own event loop (uvloop), live sync over a real
    socket, the projector child catching the read models up, and a clean stop."""
    env = served.serve_env(tmp_path / "var", f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}")
    server = served.start(env, "--demo")
    base = server.base
    children: list[int] = []
    try:
        health = served.wait_for_health(server.process, base)
        assert health["ok"] is True
        assert health["head"] > 20
        with urllib.request.urlopen(f"{base}/", timeout=2) as page:
            assert b"<title>Plenary</title>" in page.read()
        if sys.platform == "linux":
            maps = Path(f"/proc/{server.process.pid}/maps").read_text()
            assert "/uvloop/" in maps, "serve runs on uvloop where it is installed"
            children = served.children(server.process.pid)
            [child] = children
            assert b"project" in Path(f"/proc/{child}/cmdline").read_bytes()

        organiser = server.organiser_session()
        created = served.post(base, "/api/workshops", {"title": "Deployed"}, organiser)
        token = created["facilitator_token"]
        board = served.post(base, f"/api/workshops/{created['id']}/boards", {"title": "A"}, token)
        head = asyncio.run(_live_round_trip(base, board["id"], token))

        views = sqlite3.connect(tmp_path / "serve-views.db")
        until_sync(
            lambda: _checkpoint(views, BOARD_VIEW.name) >= head,
            within=30,
            what=f"the projector process catches up to {head}",
            every=0.1,
        )
        views.close()
    finally:
        server.process.terminate()
        output, _ = server.process.communicate(timeout=30)
    assert "facilitator link: http://127.0.0.1:" in "".join(server.printed)
    # uvicorn re-raises SIGTERM after its graceful shutdown; the shutdown sealed the head.
    assert server.process.returncode in (0, -15), output
    assert (tmp_path / "var" / "checkpoints.jsonl").read_text().count("\n") >= 1
    assert stat.S_IMODE((tmp_path / "var").stat().st_mode) == 0o700
    for path in [*(tmp_path / "var").iterdir(), *tmp_path.glob("serve*.db*")]:
        mode = 0o644 if path.name == "checkpoint-key.pub.pem" else 0o600  # the owner's alone
        assert stat.S_IMODE(path.stat().st_mode) == mode, path
    for child in children:
        assert not Path(f"/proc/{child}").exists(), "the projector process stops with serve"


def _checkpoint(views: sqlite3.Connection, name: str) -> int:
    row = views.execute(
        "SELECT position FROM projection_checkpoints WHERE name = ?", (name,)
    ).fetchone()
    return int(row[0]) if row else 0


async def _live_round_trip(base: str, board_id: str, token: str) -> int:
    """Two people on a board: a note one adds reaches the other. Returns its position."""
    async with asyncio.timeout(30):
        writer = await BoardClient.connect(base, board_id, token)
        reader = await BoardClient.connect(base, board_id, token)
        try:
            note = {"type": "note.add", "note_id": "n1", "text": "Cycle lanes", "x": 1, "y": 2}
            ack = await writer.command(note, op_id="op-deployed")
            event = await reader.next_event()
            assert event["command_id"] == "op-deployed"
            assert event["version"] == ack["version"]
            head: int = event["position"]
        finally:
            await writer.close()
            await reader.close()
    return head
