"""Commands a second: a token bucket per board socket and one per person.

A bucket holds at most ``burst`` tokens and gains ``rate`` a second; each command spends one
from its socket's bucket and its person's (a token's ``sub``), or, when either is empty, is
refused with ``rate_limited`` and how long to wait, and spends nothing. HTTP requests that
change something spend from the person's bucket; reads spend nothing. Buckets live in one
process: several instances on one database each allow a person the rate.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from service.access.tokens import Unauthorized
from service.commands.limits import Limits
from service.errors import RateLimited, rate_limited


class TokenBucket:
    """``burst`` tokens at most, ``rate`` more a second; full when made."""

    __slots__ = ("burst", "rate", "tokens", "updated")

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.updated = float(burst), now

    def wait(self, now: float) -> float:
        """Seconds until a token is there; 0.0 when one is there now."""
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def spend(self) -> None:
        """Take one token (``wait`` said there is one)."""
        self.tokens -= 1


class Rates:
    """The buckets of one process: a person's is made on first use and forgotten once full
    again (a full bucket and a new one are the same), a socket's lives with the socket."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._people: dict[str, TokenBucket] = {}
        self._forget_at = 1024

    def connection(self) -> TokenBucket:
        """A full bucket for a new socket."""
        return TokenBucket(self.limits.connection_rate, self.limits.connection_burst, self.clock())

    def spend(self, person: str, connection: TokenBucket | None = None) -> None:
        """Spend one command of ``person`` (and of ``connection``); raises ``RateLimited``
        with the wait, spending nothing, when either bucket is empty."""
        now = self.clock()
        bucket = self._person(person, now)
        wait = bucket.wait(now)
        if connection is not None:
            wait = max(wait, connection.wait(now))
        if wait > 0:
            raise RateLimited(wait)
        bucket.spend()
        if connection is not None:
            connection.spend()

    def _person(self, person: str, now: float) -> TokenBucket:
        bucket = self._people.get(person)
        if bucket is None:
            if len(self._people) >= self._forget_at:
                self._forget_full(now)
            rate, burst = self.limits.person_rate, self.limits.person_burst
            bucket = self._people[person] = TokenBucket(rate, burst, now)
        return bucket

    def _forget_full(self, now: float) -> None:
        kept: dict[str, TokenBucket] = {}
        for person, bucket in self._people.items():
            bucket.wait(now)  # refills it
            if bucket.tokens < bucket.burst:
                kept[person] = bucket
        self._people = kept
        self._forget_at = max(1024, 2 * len(self._people))  # each sweep pays for itself


_READS = frozenset({"GET", "HEAD", "OPTIONS"})
_CREDENTIALS = re.compile(r"^/api/(auth/session|workshops/[^/]+/enter|boards/[^/]+/ticket)$")
"""Exchanging a credential changes nothing: a session renewed, an organiser's session for a
facilitator's, a ticket to open a board."""


def spends(method: str, path: str) -> bool:
    """Whether a request changes something, and so spends one of its person's commands: an
    ``/api/`` request that is not a read nor a credential exchanged."""
    return method not in _READS and path.startswith("/api/") and not _CREDENTIALS.match(path)


class LimitCommandRates:
    """Pure ASGI middleware: an ``/api/`` request that changes something, with a valid bearer
    token, spends one of its person's commands first; out of them it is answered 429
    ``rate_limited`` with ``Retry-After``. Reads and credential exchanges pass untouched, and
    so does a bad token (the handler refuses it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and spends(scope["method"], scope["path"]):
            ctx = scope["app"].state.plenary
            header = Headers(scope=scope).get("authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() == "bearer" and token:
                try:
                    ctx.rates.spend(ctx.auth.signed(token.strip()).sub)
                except Unauthorized:
                    pass
                except RateLimited as exc:
                    await rate_limited(exc)(scope, receive, send)
                    return
        await self.app(scope, receive, send)
