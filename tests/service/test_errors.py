"""One catalogue of refusal codes: docs/api.md's table says exactly what it says, and every code
the domain or the service raises is in it (or, for the socket's own frames, in the protocol)."""

from __future__ import annotations

import re
from pathlib import Path

from domain.errors import Forbidden, InvalidCommand, NotFound, PlenaryError
from service.errors import CATALOGUE, status_for
from service.live.protocol import FRAME_CODES

ROOT = Path(__file__).parents[2]
RAISED = re.compile(
    r"""code\s*=\s*["']([a-z_]+)["']"""  # code="…" and class-level code = "…"
    r"""|check_(?:text|characters)\([^()]*?["'](invalid_[a-z_]+)["']"""
    r"""|check_text\(\s*["'](invalid_[a-z_]+)["']"""  # Limits.check_text(code, …)
)
BASES = {"plenary_error", "domain_error", "already_exists", "bad_request", "limit_reached"}
"""Defaults of base classes, always raised with a code of their own."""


def documented() -> dict[str, int]:
    section = (ROOT / "docs" / "api.md").read_text().split("## Error codes", 1)[1]
    table: dict[str, int] = {}
    for line in section.splitlines():
        row = re.match(r"^\| (`[^|]+`) \| ([\d, ]+) \|", line.strip())
        if row is None:
            continue
        codes = re.findall(r"`([a-z_]+)`", row[1])
        statuses = [int(s) for s in re.findall(r"\d{3}", row[2])]
        for i, code in enumerate(codes):
            assert code not in table, f"{code} is listed twice"
            table[code] = statuses[i] if len(statuses) == len(codes) else statuses[0]
    return table


def raised() -> set[str]:
    found: set[str] = set()
    for package in ("domain", "service"):
        for path in (ROOT / package).rglob("*.py"):
            for match in RAISED.finditer(path.read_text()):
                found |= {group for group in match.groups() if group}
    return found


def test_the_documented_table_is_the_catalogue() -> None:
    assert documented() == {code: entry.status for code, entry in CATALOGUE.items()}


def test_every_code_raised_is_catalogued() -> None:
    found = raised()
    assert len(found) > 80  # the scan finds the codes (a broken pattern would find none)
    missing = found - set(CATALOGUE) - set(FRAME_CODES) - BASES
    assert not missing, f"raised but not in service.errors.CATALOGUE: {sorted(missing)}"


def test_every_catalogued_code_is_raised_somewhere() -> None:
    unused = set(CATALOGUE) - raised() - {"not_found", "method_not_allowed", "invalid_command"}
    assert not unused, f"catalogued but never raised: {sorted(unused)}"


def test_the_status_comes_from_the_code_not_the_class() -> None:
    assert status_for(NotFound("x", code="unknown_note")) == 422
    assert status_for(NotFound("x", code="board_not_found")) == 404
    assert status_for(InvalidCommand("x", code="decision_has_track")) == 409
    assert status_for(Forbidden("x", code="not_author")) == 403
    assert status_for(PlenaryError("x", code="store_unavailable")) == 503
