"""Credentials in use: issuing them, and checking each one against the log as it is now.

A token's signature and expiry are checked by ``service.tokens``; whether it still holds is a
fact of the log, checked here on every use: a person removed from their workshop
(``participant.removed``), an invite revoked (``invite.revoked``, which also ends the sessions
made from that invite without joining), an organiser removed (``organiser.removed``, which
also ends their sessions in the workshops they created). The
states are read through to the store, so a change made on another instance holds at once.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Collection

import msgspec

from domain import organisers, workshop
from domain.actor import Actor
from domain.streams import ORGANISERS_STREAM, workshop_stream
from domain.types import Role
from service.access.tokens import WORKSHOP_KINDS, Claims, Kind, Unauthorized, issue, verify
from service.commands.runner import CommandRunner
from service.ids import new_id
from service.settings import Settings

PERSONAL: frozenset[Kind] = frozenset({"session", "invite"})
"""What opens the HTTP API's workshop and board endpoints (an invite acts as its own person)."""


class Auth:
    """Issues credentials and authenticates them. One per service."""

    def __init__(
        self, settings: Settings, runner: CommandRunner, clock: Callable[[], float] = time.time
    ) -> None:
        self.settings = settings
        self.runner = runner
        self.clock = clock
        # Its own key, derived from the secret (which also keys pseudonyms): a 32-byte HMAC key.
        self._key = hmac.new(settings.secret, b"plenary tokens", hashlib.sha256).digest()
        self._redeemed: dict[str, float] = {}
        """Tickets used on this instance, until they expire."""

    # ----------------------------------------------------------------- issuing

    def claims(
        self,
        kind: Kind,
        actor: Actor,
        workshop_id: str = "",
        *,
        board: str | None = None,
        via: str | None = None,
        jti: str | None = None,
    ) -> Claims:
        """Fresh claims of ``kind`` for ``actor``, expiring after the kind's lifetime."""
        lifetimes = self.settings.lifetimes
        lifetime = {
            "session": lifetimes.session,
            "organiser": lifetimes.session,
            "invite": lifetimes.invite,
            "link": lifetimes.link,
            "signin": lifetimes.signin,
            "ticket": lifetimes.ticket,
        }[kind]
        return Claims(
            sub=actor.id,
            kind=kind,
            role=actor.role,
            wid=workshop_id,
            name=actor.name,
            board=board,
            jti=jti or new_id(),
            exp=int(self.clock()) + lifetime,
            via=via,
        )

    def token(self, claims: Claims) -> str:
        """``claims`` signed."""
        return issue(self._key, claims)

    def url(self, claims: Claims, path: str = "/") -> str:
        """A link to ``path`` on this service carrying ``claims`` in its fragment, which
        browsers never send to the server."""
        return f"{self.settings.base_url}{path}#token={self.token(claims)}"

    def session_from(self, claims: Claims) -> Claims:
        """The working session a valid credential is exchanged for: an organiser's from a
        sign-in link or an organiser session, a person's from a link, a session or an invite
        (acting as the invite's own person until revoked)."""
        if claims.kind in ("signin", "organiser"):
            return self.claims("organiser", claims.actor())
        if claims.kind == "ticket":
            raise Unauthorized("A ticket opens a board's socket only.")
        via = claims.jti if claims.kind == "invite" else claims.via
        return self.claims("session", claims.actor(), claims.wid, board=claims.board, via=via)

    def ticket(self, claims: Claims, board_id: str) -> Claims:
        """A ticket to open ``board_id``'s WebSocket once, for the holder of ``claims``."""
        via = claims.jti if claims.kind == "invite" else claims.via
        ticket = self.claims("ticket", claims.actor(), claims.wid, board=claims.board, via=via)
        return msgspec.structs.replace(ticket, opens=board_id)

    # ----------------------------------------------------------------- checking

    def signed(self, token: str) -> Claims:
        """The claims of a genuine, unexpired ``token``, not checked against the log
        (``Unauthorized`` otherwise): whose request it is, for counting it."""
        return verify(self._key, token, now=self.clock())

    async def authenticate(self, token: str, kinds: Collection[Kind] = PERSONAL) -> Claims:
        """The claims of ``token`` if it is genuine, unexpired, of one of ``kinds`` and still
        holds in the log; ``Unauthorized`` otherwise."""
        claims = verify(self._key, token, now=self.clock())
        if claims.kind not in kinds:
            article = "An" if claims.kind[0] in "aeiou" else "A"
            raise Unauthorized(f"{article} {claims.kind} token does not open this.")
        await self.check_holds(claims)
        return claims

    async def check_holds(self, claims: Claims) -> None:
        """Raise ``Unauthorized`` if the log has since taken ``claims``' rights away."""
        if claims.kind in WORKSHOP_KINDS:
            state = (await self.runner.load(workshop.DECIDER, workshop_stream(claims.wid))).state
            if not state.created:
                raise Unauthorized("This token names no workshop.")
            if state.removed(claims.sub):
                raise Unauthorized("You were removed from this workshop.")
            if claims.sub == state.facilitator and await self._organiser_removed(claims.sub):
                raise Unauthorized("This organiser was removed.")  # so is the one who created it
            invite_id = claims.jti if claims.kind == "invite" else claims.via
            if invite_id is not None:
                invite = state.invites.get(invite_id)
                if invite is None or invite.revoked:
                    raise Unauthorized("This invite was revoked.")
            return
        everyone = (await self.runner.load(organisers.DECIDER, ORGANISERS_STREAM)).state
        if claims.role != "organiser" or everyone.active(claims.sub) is None:
            raise Unauthorized("This organiser was removed.")

    async def _organiser_removed(self, person_id: str) -> bool:
        """Whether ``person_id`` is an organiser the operator removed."""
        everyone = (await self.runner.load(organisers.DECIDER, ORGANISERS_STREAM)).state
        ref = everyone.organisers.get(person_id)
        return ref is not None and ref.removed

    def redeem(self, ticket: Claims) -> None:
        """Use ``ticket`` up: a second use on this instance is ``Unauthorized``."""
        now = self.clock()
        if len(self._redeemed) > 1024:
            self._redeemed = {jti: exp for jti, exp in self._redeemed.items() if exp >= now}
        if ticket.jti in self._redeemed:
            raise Unauthorized("This ticket was used already: ask for a new one.")
        self._redeemed[ticket.jti] = ticket.exp


def operator() -> Actor:
    """Whoever runs ``plenary`` on the server (the command line): manages organisers."""
    role: Role = "operator"
    return Actor(id="operator", role=role, name="operator")
