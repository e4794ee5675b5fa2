"""Sealed texts: a personal string stored as a marker that only its person's key opens.

A sealed string keeps its place in the event's JSON (a string stays a string)::

    "\\x01" + person_id + "\\x1f" + base64url(nonce + AES-GCM ciphertext) + "\\x02"

The ciphertext is bound to the person id (associated data), so a marker cannot be passed off
as someone else's. Ids never hold these control characters, and the domain refuses them in
what people type (``domain.checks``), so nobody can type a marker. Canonical JSON writes them
as ``\\u0001``, ``\\u001f`` and ``\\u0002``: ``reveal`` finds whole string values of that shape
in the stored bytes and splices each one's plaintext in, JSON-escaped; bytes without
``\\u0001`` are returned as they are, at the cost of one ``in``.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Callable

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ERASED = "(erased)"
"""What a sealed text reads as once its person's key is gone."""
START, SEPARATOR, END = "\x01", "\x1f", "\x02"
MARK = b"\\u0001"
"""How the start of a marker appears in canonical JSON bytes: a cheap test for any."""
NONCE_BYTES = 12

_IN_JSON = re.compile(rb'"\\u0001([A-Za-z0-9_.:-]{1,64})\\u001f([A-Za-z0-9_-]*)\\u0002"')
"""A JSON string value that is a marker, if the byte before it opens a value (``_OPENS``). A
typed backslash is escaped, so ``\\u0001`` typed as text never matches. (Not a lookbehind: a
pattern that starts with a literal is searched for several times faster.)"""
_OPENS = frozenset(b":,[")
"""What canonical JSON writes just before a value; a quote inside a string follows ``\\``."""
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")
_IN_TEXT = re.compile(r"\x01([A-Za-z0-9_.:-]{1,64})\x1f([A-Za-z0-9_-]*)\x02")

Lookup = Callable[[str], AESGCM | None]
"""A person's cipher; ``None`` when their key is gone (erased) or unknown."""


def seal(cipher: AESGCM, person_id: str, text: str) -> str:
    """``text`` sealed with ``person_id``'s cipher, as a marker string."""
    nonce = os.urandom(NONCE_BYTES)
    body = nonce + cipher.encrypt(nonce, text.encode(), person_id.encode())
    return f"{START}{person_id}{SEPARATOR}{_b64(body)}{END}"


def shredded(person_id: str) -> str:
    """A text of someone already erased (a late copy): a marker no key opens."""
    return f"{START}{person_id}{SEPARATOR}{END}"


def owner_of(text: str) -> str | None:
    """The person whose key sealed ``text``, if it is a marker."""
    found = _IN_TEXT.fullmatch(text)
    return None if found is None else found[1]


def open_body(cipher: AESGCM | None, person_id: str, body: bytes) -> str | None:
    """The plaintext of a marker's base64url ``body``; ``None`` if it cannot be opened."""
    if cipher is None or not body:
        return None
    try:
        raw = from_b64url(body)
        plain = cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], person_id.encode())
    except (InvalidTag, binascii.Error, ValueError):
        return None
    return plain.decode()


def from_b64url(body: bytes) -> bytes:
    """``base64.urlsafe_b64decode`` of unpadded ``body`` (same bytes, same ``binascii.Error``)
    without its Python wrappers: twice as fast, and a rebuild opens every sealed text."""
    return binascii.a2b_base64(body.translate(_FROM_URLSAFE) + b"=" * (-len(body) % 4))


def markers(data: bytes) -> list[tuple[str, bytes]]:
    """``(person_id, body)`` of every marker in canonical JSON ``data``."""
    if MARK not in data:
        return []
    return [(found[1].decode(), found[2]) for found in _IN_JSON.finditer(data) if _whole(found)]


def reveal(data: bytes, lookup: Lookup) -> bytes:
    """``data`` (canonical JSON) with every marker replaced by its plaintext, or by
    ``ERASED`` where ``lookup`` has no key or the key does not open it."""
    if MARK not in data:
        return data

    def opened(found: re.Match[bytes]) -> bytes:
        if not _whole(found):
            return found[0]
        person_id = found[1].decode()
        plain = open_body(lookup(person_id), person_id, found[2])
        return msgspec.json.encode(ERASED if plain is None else plain)

    return _IN_JSON.sub(opened, data)


def _whole(found: re.Match[bytes]) -> bool:
    """Whether the match is a whole value, not a quote inside a string followed by text."""
    start = found.start()
    return start > 0 and found.string[start - 1] in _OPENS


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
