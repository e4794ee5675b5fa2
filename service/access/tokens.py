"""Signed, expiring credentials: who someone is, where, in which role, until when.

A token is a JWT (HS256, signed with the service's secret) whose claims are ``Claims``. Every
token expires (``exp``) and has an id (``jti``) it can be revoked by. Kinds:

- ``session``: a person's working token in one workshop (hours; refreshed while used);
- ``invite``: a link to share; whoever opens it joins the workshop (days; revocable);
- ``link``: a person's own way back in: exchanged for a fresh session (days);
- ``organiser``: an organiser's working token (hours); ``signin``: the link that gives one;
- ``ticket``: opens one board's WebSocket once, within seconds.

Tokens are credentials: they ride in URL fragments (which browsers never send) and
``Authorization`` headers, never in a logged URL; the WebSocket takes a ticket instead.
"""

from __future__ import annotations

from typing import Literal

import jwt
import msgspec

from domain.actor import Actor
from domain.errors import PlenaryError
from domain.types import Role

Kind = Literal["session", "invite", "link", "organiser", "signin", "ticket"]
WORKSHOP_KINDS: frozenset[Kind] = frozenset({"session", "invite", "link", "ticket"})
"""Kinds that belong to one workshop (``wid``)."""
ALGORITHM = "HS256"


class Unauthorized(PlenaryError):
    """No token, or one that is malformed, forged, expired or revoked."""

    code = "unauthorized"


class Claims(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What a token asserts. ``board`` narrows a workshop token to one board; ``exp`` is a
    Unix time; ``via`` is the id of the invite a session or ticket was made from, if any, so
    revoking that invite ends them too."""

    sub: str
    kind: Kind = "session"
    role: Role
    wid: str = ""
    name: str = ""
    board: str | None = None
    jti: str = ""
    exp: int = 0
    via: str | None = None
    opens: str | None = None
    """A ticket's board: the one socket it opens."""

    def actor(self) -> Actor:
        return Actor(id=self.sub, role=self.role, name=self.name)


def issue(secret: bytes, claims: Claims) -> str:
    """A token carrying ``claims``, signed with ``secret``."""
    return jwt.encode(msgspec.to_builtins(claims), secret, algorithm=ALGORITHM)


def verify(secret: bytes, token: str, *, now: float) -> Claims:
    """The claims of a genuine token that has not expired at ``now``; ``Unauthorized``
    otherwise. (Revocation is checked against the log by ``service.auth``.)"""
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "require": ["exp", "sub", "jti"]},
        )
        claims = msgspec.convert(payload, Claims)
    except jwt.InvalidTokenError as exc:
        raise Unauthorized(f"The token is not valid: {exc}.") from exc
    except msgspec.ValidationError as exc:
        raise Unauthorized("The token's claims are malformed.") from exc
    if claims.exp < now:
        raise Unauthorized("The token has expired: open your link again or sign in again.")
    return claims
