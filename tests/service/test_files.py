"""Files Plenary writes are its owner's alone: the database and its companions, the read
models, the secret, the checkpoint key and checkpoints, and exports are 0600 (the checkpoint
key's public half 0644), the data folder 0700, whether the app runs as a library under a lax
umask or as the ``plenary`` command."""

from __future__ import annotations

import dataclasses
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from service.app import create_app
from service.settings import Settings
from tests.conftest import StoreLocation
from tests.service.people import organiser_headers

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_KEY = "checkpoint-key.pub.pem"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(folder: Path, pattern: str = "*") -> dict[str, int]:
    """The mode of every file in ``folder`` matching ``pattern``, by name."""
    return {p.name: mode(p) for p in sorted(folder.glob(pattern)) if p.is_file()}


@pytest.fixture
def lax_umask() -> Iterator[None]:
    """The umask most shells start with, so only the service's own chmods can make 0600."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("lax_umask")
def test_the_app_as_a_library_keeps_its_files_private(
    store_location: StoreLocation, tmp_path: Path
) -> None:
    data = tmp_path / "var"
    env = {"PLENARY_DATA_DIR": str(data), "PLENARY_DATABASE_URL": store_location.url}
    settings = Settings.from_env(env)  # no PLENARY_SECRET: one is generated into the data folder
    settings = dataclasses.replace(
        settings, database_schema=store_location.schema, projector="inline"
    )
    with TestClient(create_app(settings)) as client:
        created = client.post(
            "/api/workshops", json={"title": "Private"}, headers=organiser_headers(client)
        )
        assert created.status_code == 201
        headers = {"Authorization": f"Bearer {created.json()['facilitator_token']}"}
        board = client.post(
            f"/api/workshops/{created.json()['id']}/boards", json={"title": "B"}, headers=headers
        )
        assert board.status_code == 201
        sqlite = modes(tmp_path, "events*")  # while the store is open: -wal and -shm exist
    assert mode(data) == 0o700
    written = modes(data)  # the shutdown sealed a checkpoint
    assert written.pop(PUBLIC_KEY) == 0o644  # public, and behind the 0700 folder all the same
    assert set(written) | {PUBLIC_KEY} == {
        "secret",
        "checkpoint-key.pem",
        "checkpoint-key.pub.pem",
        "checkpoints.jsonl",
    }
    assert set(written.values()) == {0o600}, written
    if store_location.url.startswith("sqlite"):
        assert {"events.db", "events.db-wal", "events-views.db"} <= set(sqlite), sqlite
        assert set(sqlite.values()) == {0o600}, sqlite


def test_the_plenary_command_keeps_the_data_folder_and_exports_private(tmp_path: Path) -> None:
    data, out = tmp_path / "var", tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "PLENARY_DATA_DIR": str(data)}
    for name in ("PLENARY_DATABASE_URL", "PLENARY_SECRET", "PLENARY_DATABASE_SCHEMA"):
        env.pop(name, None)

    def plenary(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "service.cli", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    assert "facilitator link" in plenary("demo")
    plenary("seal")  # a signed checkpoint, and the key that signs it
    plenary("export", "log", "--out", str(out / "log.jsonl"))
    plenary(
        "export", "board", "--board", "demo-challenges-board", "--format", "csv",
        "--out", str(out / "plenary.csv"),
    )  # fmt: skip
    assert mode(data) == 0o700
    written = modes(data)
    written.pop(PUBLIC_KEY, None)
    wanted = {"plenary.db", "plenary-views.db", "secret", "checkpoint-key.pem", "checkpoints.jsonl"}
    assert wanted <= set(written)
    assert set(written.values()) == {0o600}, written
    assert modes(out) == {"log.jsonl": 0o600, "plenary.csv": 0o600}
    assert (out / "log.jsonl").read_text().count("\n") > 100
    assert (out / "plenary.csv").read_text().startswith("note_id,cluster,text")
