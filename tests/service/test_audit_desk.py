"""The audit desk over HTTP, on both backends: an auditor reads what the log proves (head, the
latest signed checkpoint, how far the chain holds) and downloads the signed checkpoints as a
plain-text file; ``plenary verify --checkpoint FILE`` then checks a log against that kept
file, offline, and says when the file does not vouch for the log."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from domain.actor import Actor
from service.app import create_app
from service.cli import main
from service.context import Plenary
from service.integrity import checkpoints
from service.readside import export
from service.settings import Settings
from service.store.schema import events
from service.tools import demo
from tests.service.people import session_token


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as client:
        yield client


def sealed_demo(client: TestClient) -> tuple[Plenary, int]:
    """The demo seeded and its head sealed (as ``plenary seal`` does); the sealed position."""
    ctx: Plenary = client.app.state.plenary  # type: ignore[attr-defined]
    portal = client.portal
    assert portal is not None
    portal.call(demo.seed, ctx)
    head = portal.call(ctx.store.head)
    key = checkpoints.load_or_create_key(ctx.settings.data_dir)
    signed = checkpoints.sign(key, ctx.store.epoch, head.position, head.hash)
    checkpoints.append(ctx.settings.data_dir, signed)
    return ctx, head.position


def token(ctx: Plenary, role: str) -> dict[str, str]:
    who = Actor(id=f"{role}-1", role=role, name=role.title())  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {session_token(ctx, who, demo.WORKSHOP_ID)}"}


def test_an_auditor_reads_what_the_log_proves(client: TestClient) -> None:
    ctx, sealed = sealed_demo(client)
    answer = client.get("/api/audit/verify", headers=token(ctx, "auditor"))
    assert answer.status_code == 200, answer.text
    state = answer.json()
    assert state["ok"] is True
    assert state["head"] == sealed
    assert state["verified_up_to"] == sealed
    assert state["latest_checkpoint"]["position"] == sealed
    assert state["checkpoints_signed"] == state["checkpoints_matched"] >= 1
    assert state["unsealed"] == 0
    assert state["statement"][0].startswith(f"OK: positions 1..{sealed} are intact")
    assert len(state["key_fingerprint"]) == 64

    portal = client.portal
    assert portal is not None
    portal.call(demo.seed, ctx)  # seeding again records nothing: the same state is answered
    assert client.get("/api/audit/verify", headers=token(ctx, "facilitator")).json() == state


@pytest.mark.parametrize("role", ["participant", "observer"])
def test_the_desk_is_for_auditors_and_facilitators(client: TestClient, role: str) -> None:
    ctx, _ = sealed_demo(client)
    for path in ("/api/audit/verify", "/api/audit/checkpoints"):
        refused = client.get(path, headers=token(ctx, role))
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "forbidden"
        assert client.get(path).status_code == 401


def test_a_kept_checkpoints_file_checks_the_log_offline(
    client: TestClient,
    app_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ctx, sealed = sealed_demo(client)
    download = client.get("/api/audit/checkpoints", headers=token(ctx, "auditor"))
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/plain")
    text = download.text
    assert text.startswith("# plenary signed checkpoints, version 1\n")
    assert "-----BEGIN PUBLIC KEY-----" in text
    assert f" {ctx.store.epoch} {sealed} " in text
    kept = tmp_path / "kept.txt"
    kept.write_text(text)

    monkeypatch.setenv("PLENARY_DATABASE_URL", app_settings.database_url)
    monkeypatch.setenv("PLENARY_DATA_DIR", str(tmp_path / "elsewhere"))  # not the service's
    monkeypatch.setenv("PLENARY_SECRET", "audit-desk-test-secret-of-32-bytes-or-more")
    if app_settings.database_schema:
        monkeypatch.setenv("PLENARY_DATABASE_SCHEMA", app_settings.database_schema)
    else:
        monkeypatch.delenv("PLENARY_DATABASE_SCHEMA", raising=False)
    capsys.readouterr()
    assert main(["verify", "--checkpoint", str(kept)]) == 0
    said = capsys.readouterr().out
    assert "kept file" in said
    signed = text.count("\nplenary-checkpoint/1 ")  # ours, and any the running server sealed
    assert signed >= 1
    assert f"signed checkpoints: {signed} of {signed} matched" in said

    forged = tmp_path / "forged.txt"
    forged.write_text(text.replace(f" {sealed} ", f" {sealed - 1} "))
    assert main(["verify", "--checkpoint", str(forged)]) == 2
    assert "checkpoint_file_invalid" in capsys.readouterr().err

    # The log edited under the kept file, as someone with database access would: found.
    edited = sealed // 2
    assert client.portal is not None
    client.portal.call(edit_actor, ctx, edited)
    assert main(["verify", "--checkpoint", str(kept)]) == 1
    said = capsys.readouterr().out
    assert f"BROKEN at position {edited}: " in said
    assert f"signed checkpoints: 0 of {signed} matched" in said

    # The same demo in another database: another log, which the kept file does not vouch for.
    monkeypatch.setenv("PLENARY_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'other.db'}")
    monkeypatch.delenv("PLENARY_DATABASE_SCHEMA", raising=False)
    assert main(["demo"]) == 0
    capsys.readouterr()
    assert main(["verify", "--checkpoint", str(kept)]) == 1
    said = capsys.readouterr().out
    assert "not of this log's epoch" in said
    assert "BROKEN" in said


async def edit_actor(ctx: Plenary, position: int) -> None:
    """Change who recorded the event at ``position``, by raw SQL."""
    async with ctx.store.engine.begin() as conn:
        await conn.execute(
            sa.update(events).where(events.c.position == position).values(actor="someone-else")
        )


def test_an_auditor_downloads_the_whole_log_as_export_log_writes_it(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx, _ = sealed_demo(client)
    with client.stream("GET", "/api/audit/log.jsonl", headers=token(ctx, "auditor")) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/x-ndjson")
        assert "content-length" not in answer.headers  # streamed, not built whole
        streamed = "".join(answer.iter_text())
    portal = client.portal
    assert portal is not None
    out = io.StringIO()
    count = portal.call(export.log_jsonl, ctx, out)
    assert streamed == out.getvalue()
    lines = streamed.splitlines()
    assert len(lines) == count == portal.call(ctx.store.head).position
    assert [json.loads(line)["position"] for line in lines] == list(range(1, count + 1))


@pytest.mark.parametrize("role", ["facilitator", "participant", "observer"])
def test_only_auditors_download_the_raw_log(client: TestClient, role: str) -> None:
    ctx, _ = sealed_demo(client)
    refused = client.get("/api/audit/log.jsonl", headers=token(ctx, role))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert client.get("/api/audit/log.jsonl").status_code == 401
