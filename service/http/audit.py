"""``/api/audit``: the audit desk. The chain's state as ``plenary verify`` would report it, and
the signed checkpoints as a file an auditor keeps (``service.integrity.desk``), and the raw log
itself as JSONL, for auditors."""

from __future__ import annotations

from collections.abc import AsyncIterator

from domain.errors import Forbidden
from domain.roles import AUDIT_READERS, LOG_READERS
from service.http.endpoints import Call, Endpoint
from service.integrity.desk import ChainState
from service.readside.export import log_chunks


def _auditor_or_facilitator(call: Call[None]) -> None:
    if call.claims.role not in AUDIT_READERS:
        raise Forbidden("The audit desk is for auditors and facilitators.")


async def verify(call: Call[None]) -> ChainState:
    """The whole log verified against its signed checkpoints: head, latest checkpoint, what
    holds how far."""
    _auditor_or_facilitator(call)
    return await call.ctx.desk.state()


async def kept_checkpoints(call: Call[None]) -> str:
    """The signed checkpoints of this log as plain text, with the key that signed them, for
    `plenary verify --checkpoint FILE`."""
    _auditor_or_facilitator(call)
    return await call.ctx.desk.kept_file()


async def log(call: Call[None]) -> AsyncIterator[str]:
    """The whole log as JSONL, the lines `plenary export log` writes, streamed (auditors)."""
    if call.claims.role not in LOG_READERS:
        raise Forbidden("The raw log is for auditors.")
    return log_chunks(call.ctx)


ENDPOINTS = (
    Endpoint("GET", "/api/audit/verify", verify, ChainState, errors=("forbidden",)),
    Endpoint(
        "GET",
        "/api/audit/checkpoints",
        kept_checkpoints,
        str,
        errors=("forbidden",),
        media_type="text/plain; charset=utf-8",
    ),
    Endpoint(
        "GET",
        "/api/audit/log.jsonl",
        log,
        str,
        errors=("forbidden",),
        media_type="application/x-ndjson",
    ),
)
