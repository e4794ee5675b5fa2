"""Signed bearer tokens: who someone is, in which workshop, with which role.

A token is ``base64url(claims JSON) . base64url(HMAC-SHA256(secret, claims))``. It is a
credential: it rides in the WebSocket query string, so it must never be logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Literal

import msgspec

from domain.actor import Actor
from domain.errors import PlenaryError
from domain.types import Role


class Unauthorized(PlenaryError):
    """No token, or one that is malformed, forged or expired."""

    code = "unauthorized"


class Claims(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What a token asserts. ``board`` narrows it to one board; ``exp`` is a Unix time.

    ``kind`` is ``"invite"`` for a link handed out to people who then join with it (it still
    works directly, as the person ``sub``); ``None`` for a personal token.
    """

    sub: str
    wid: str
    role: Role
    name: str = ""
    board: str | None = None
    exp: int | None = None
    kind: Literal["invite"] | None = None

    def actor(self) -> Actor:
        return Actor(id=self.sub, role=self.role, name=self.name)


_decode_claims = msgspec.json.Decoder(Claims).decode


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(secret: bytes, claims: Claims) -> str:
    """A token carrying ``claims``, signed with ``secret``."""
    payload = msgspec.json.encode(claims)
    signature = hmac.new(secret, payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(signature)}"


def verify(secret: bytes, token: str, *, now: float) -> Claims:
    """The claims of a genuine, unexpired token. Raises ``Unauthorized`` otherwise."""
    try:
        payload_part, signature_part = token.split(".")
        payload, signature = _unb64(payload_part), _unb64(signature_part)
    except (ValueError, UnicodeError) as exc:
        raise Unauthorized("The token is malformed.") from exc
    expected = hmac.new(secret, payload, hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        raise Unauthorized("The token's signature does not match.")
    try:
        claims = _decode_claims(payload)
    except msgspec.ValidationError as exc:
        raise Unauthorized("The token's claims are malformed.") from exc
    if claims.exp is not None and claims.exp < now:
        raise Unauthorized("The token has expired.")
    return claims
