"""Decoding what people send: one function for HTTP bodies and WebSocket frames alike.

msgspec validates the shape, but two things get past it: an unknown field is skipped, and
skipping recurses once per level of nesting, so a field nested a thousand deep exhausts the
interpreter's stack (``RecursionError``); and of a key given twice, the last silently wins.
``decode`` refuses both before anything else reads the input.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any, TypeVar

import msgspec

from service.errors import BadRequest

T = TypeVar("T")

MAX_VERSION = 2**31 - 1
"""The largest version a client may name: the store keeps versions as 32-bit integers."""
MAX_DEPTH = 32
"""Most objects and arrays open at once in any input; the deepest valid command nests 6."""

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_NESTING = re.compile(r"[^\[\]{}]+")
_NESTING = str.maketrans("[{]}", "(())")
_TOO_DEEP = "(" * (MAX_DEPTH + 1)
_STEP = {ord("("): 1, ord(")"): -1}


class Malformed(BadRequest):
    """Not UTF-8, not JSON, nested deeper than ``MAX_DEPTH``, or a key given twice."""

    code = "malformed_json"


def decode(decoder: msgspec.json.Decoder[T], raw: bytes | str) -> T:
    """``raw`` decoded by ``decoder``. Raises ``Malformed`` for input that is not one plain
    JSON value, ``msgspec.ValidationError`` for JSON of the wrong shape."""
    if isinstance(raw, bytes):
        try:  # msgspec checks only the strings it keeps, not those it skips
            raw = raw.decode()
        except UnicodeDecodeError as exc:
            raise Malformed(f"The input is not UTF-8: {exc.reason} at byte {exc.start}.") from None
    if too_deep(raw):
        raise Malformed(f"The JSON nests deeper than {MAX_DEPTH} levels.")
    try:
        value = decoder.decode(raw)
    except msgspec.ValidationError:
        # msgspec stops at the first field of the wrong shape, before reading the rest: what
        # follows may be no JSON at all, or repeat a key. Malformed input is malformed first.
        _refuse_not_plain_json(raw)
        raise
    except msgspec.DecodeError as exc:
        raise Malformed(f"The input is not valid JSON: {exc}") from exc
    _refuse_not_plain_json(raw)
    return value


def too_deep(text: str) -> bool:
    """Whether more than ``MAX_DEPTH`` objects and arrays are open at once (outside strings)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False  # the common case: too few brackets to nest that deep
    nesting = _NOT_NESTING.sub("", _STRING.sub("", text)).translate(_NESTING)
    if _TOO_DEEP in nesting:
        return True
    return max(accumulate(map(_STEP.__getitem__, map(ord, nesting))), default=0) > MAX_DEPTH


def _refuse_not_plain_json(text: str) -> None:
    # Shallow by now (``too_deep``): the standard parser cannot recurse deeply. Numbers are not
    # converted, so no digit limit applies; NaN and Infinity are no JSON, as msgspec holds.
    try:
        json.loads(
            text,
            object_pairs_hook=_unique,
            parse_int=len,
            parse_float=len,
            parse_constant=_no_constant,
        )
    except _Repeated as exc:
        raise Malformed(f"The JSON gives the key {exc.key!r} twice in one object.") from None
    except ValueError as exc:
        raise Malformed(f"The input is not valid JSON: {exc}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


class _Repeated(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Repeated(key[:64])
            seen.add(key)
    return found
