"""Malformed input, by family: what the HTTP API and the board socket must refuse with a typed
error and never apply. Shared by the HTTP and WebSocket tests; every maker is seeded."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Target:
    """What one endpoint or frame takes: a ``valid`` JSON object, and ``numeric``, one with
    ``N`` where a number goes that no valid input holds a huge or endless value of."""

    valid: bytes
    numeric: bytes

    def with_field(self, field: bytes) -> bytes:
        """The valid object with ``field`` (``"key": value``) put first."""
        return b"{" + field + b", " + self.valid.lstrip()[1:]


Maker = Callable[[random.Random, Target], bytes]


def _deep(rng: random.Random, opener: bytes, closer: bytes) -> bytes:
    depth = rng.choice([33, 100, 1000, 3000])
    return opener * depth + b"1" + closer * depth


def deep_array(rng: random.Random, _target: Target) -> bytes:
    return _deep(rng, b"[", b"]")


def deep_in_unknown_field(rng: random.Random, target: Target) -> bytes:
    return target.with_field(b'"zz": ' + _deep(rng, b'{"a": ', b"}"))


def deep_in_known_field(rng: random.Random, target: Target) -> bytes:
    return target.with_field(b'"type": ' + _deep(rng, b"[", b"]"))


def deep_unterminated(rng: random.Random, target: Target) -> bytes:
    return target.with_field(b'"zz": ' + b"[" * rng.choice([40, 1000, 5000]))


def huge_number(rng: random.Random, target: Target) -> bytes:
    number = rng.choice(
        [b"1e400", b"-1e400", b"9" * 30, b"9" * 5000, b"-" + b"9" * 25, b"1" + b"0" * 400 + b".5"]
    )
    return target.numeric.replace(b"N", number)


def invalid_utf8(rng: random.Random, target: Target) -> bytes:
    bad = rng.choice([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"])
    cut = rng.randint(1, len(target.valid) - 1)
    return target.valid[:cut] + bad + target.valid[cut:]


def wrong_types(rng: random.Random, _target: Target) -> bytes:
    return rng.choice(
        [
            b'{"title": 5}',
            b'{"title": ["x"]}',
            b'{"command_id": 7, "command": {"type": "note.add"}}',
            b'{"command_id": "c", "command": "note.add"}',
            b'{"command_id": "c", "command": {"type": "note.add", "note_id": "n", '
            b'"text": "x", "x": "left", "y": 0}}',
            b'{"role": true}',
            b'{"name": {"first": "Anna"}}',
            b'{"actor_id": null, "group_id": null}',
            b'{"board_id": 1, "decision_id": 2}',
            b'{"type": "hello", "since": "41"}',
            b'{"type": "ping", "t": "soon"}',
            b'{"type": "command", "op_id": 5, "command": {"type": "note.add"}}',
            b'{"type": "teleport"}',
        ]
    )


def not_a_number(rng: random.Random, target: Target) -> bytes:
    constant = rng.choice([b"NaN", b"Infinity", b"-Infinity", b"nan", b"inf"])
    return target.numeric.replace(b"N", constant)


def repeated_key(rng: random.Random, target: Target) -> bytes:
    key = target.valid[1 : target.valid.index(b":")]  # the first key, with its quotes
    copy = rng.choice([b"null", b'"other"', b"1"])
    return target.with_field(key + b": " + copy)


def empty(rng: random.Random, _target: Target) -> bytes:
    return rng.choice([b"", b" ", b"\n\t ", b"\xef\xbb\xbf"])


def not_an_object(rng: random.Random, _target: Target) -> bytes:
    return rng.choice([b"[]", b"[1, 2]", b"1", b"-0", b'"text"', b"null", b"true", b"false"])


def truncated(rng: random.Random, target: Target) -> bytes:
    return target.valid[: rng.randint(1, len(target.valid) - 1)]


def trailing(rng: random.Random, target: Target) -> bytes:
    return target.valid + rng.choice([b" x", b"{}", b",", b"]", b"\x00"])


def bad_escape(rng: random.Random, target: Target) -> bytes:
    value = rng.choice([b'"\\ud800"', b'"\\udfff x"', b'"\\x41"', b'"\\u12"', b'"a\x01b"'])
    return target.with_field(b'"zz": ' + value)


def bom(_rng: random.Random, target: Target) -> bytes:
    return b"\xef\xbb\xbf" + target.valid


def noise(rng: random.Random, _target: Target) -> bytes:
    return b"\xff" + rng.randbytes(rng.randint(1, 300))


def unicode_noise(rng: random.Random, _target: Target) -> bytes:
    text = "".join(chr(rng.randint(0x100, 0x2FFF)) for _ in range(rng.randint(1, 60)))
    return text.encode()


FAMILIES: tuple[Maker, ...] = (
    deep_array,
    deep_in_unknown_field,
    deep_in_known_field,
    deep_unterminated,
    huge_number,
    invalid_utf8,
    wrong_types,
    not_a_number,
    repeated_key,
    empty,
    not_an_object,
    truncated,
    trailing,
    bad_escape,
    bom,
    noise,
    unicode_noise,
)


def malformed(rng: random.Random, target: Target, count: int) -> list[bytes]:
    """``count`` malformed inputs for ``target``, each family in turn."""
    return [FAMILIES[i % len(FAMILIES)](rng, target) for i in range(count)]


def documented_codes() -> frozenset[str]:
    """Every error code ``docs/api.md`` and ``docs/protocol.md`` name (in backticks)."""
    docs = Path(__file__).resolve().parents[2] / "docs"
    text = (docs / "api.md").read_text() + (docs / "protocol.md").read_text()
    return frozenset(re.findall(r"`([a-z][a-z_]*[a-z])`", text))
