"""The HTTP API's endpoints as data: each names its method and path, the credential it takes,
its body and answer types, and the refusals it may give besides the common ones. From that one
declaration come the route, the edge work every handler shares (the bearer token checked
against the log, the path's workshop matched, the body decoded within its limits, the answer
encoded) and the OpenAPI document. Handlers take a ``Call`` and return their answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

import msgspec
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from domain.actor import Actor
from domain.errors import no_such_workshop
from projections.visibility import Viewer
from service import edge
from service.access.auth import PERSONAL
from service.access.tokens import Claims, Kind, Unauthorized
from service.commands.access import Caller
from service.commands.limits import Bounded
from service.context import Plenary
from service.errors import BadRequest
from service.wire import encoder

B = TypeVar("B")
Method = Literal["GET", "POST"]
Kind_ = Literal["board", "workshop", "solution"]
Handler = Callable[["Call[Any]"], Awaitable[Any]]
JSON = "application/json"


@dataclass(frozen=True, slots=True)
class Call(Generic[B]):
    """One request, once the edge has checked it: the service, the caller's verified claims
    (``None`` only on endpoints that take no credential), the decoded body."""

    ctx: Plenary
    request: Request
    claims_or_none: Claims | None
    body: B

    @property
    def claims(self) -> Claims:
        assert self.claims_or_none is not None, "an endpoint with a credential"
        return self.claims_or_none

    @property
    def actor(self) -> Actor:
        return self.claims.actor()

    @property
    def caller(self) -> Caller:
        """The caller as ``service.commands`` knows them."""
        claims = self.claims
        return Caller(actor=claims.actor(), workshop_id=claims.wid, scope=claims.board)

    @property
    def viewer(self) -> Viewer:
        return self.ctx.reads.viewer(self.actor)

    def path(self, name: str) -> str:
        value: str = self.request.path_params[name]
        return value

    def whole_number(self, name: str, default: int | None = None) -> int | None:
        """The query parameter ``name`` as a whole number from 0 to ``edge.MAX_VERSION`` (ASCII
        digits only), or ``default`` when absent; raises ``bad_query``."""
        raw = self.request.query_params.get(name)
        if raw is None:
            return default
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 10):
            raise _bad_query(name)
        value = int(raw)
        if value > edge.MAX_VERSION:
            raise _bad_query(name)
        return value

    def instant(self, name: str) -> datetime | None:
        """The query parameter ``name`` as an aware ISO 8601 date and time, or ``None`` when
        absent; raises ``bad_query``."""
        raw = self.request.query_params.get(name)
        if raw is None:
            return None
        try:
            found = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            found = None
        if found is None or found.tzinfo is None:
            raise BadRequest(
                f"'{name}' must be a date and time with its offset, e.g. 2026-05-04T09:30:00Z.",
                code="bad_query",
            )
        return found


def _bad_query(name: str) -> BadRequest:
    return BadRequest(
        f"'{name}' must be a whole number from 0 to {edge.MAX_VERSION}.", code="bad_query"
    )


@dataclass(frozen=True, slots=True)
class Query:
    """A query parameter an endpoint reads with ``Call.whole_number``."""

    name: str
    meaning: str
    required: bool = False
    instant: bool = False
    """An ISO 8601 date and time with its offset (``Call.instant``), not a whole number."""


@dataclass(frozen=True)
class Endpoint:
    """One endpoint of the HTTP API."""

    method: Method
    path: str
    handler: Handler
    answer: Any
    body: Any = None
    status: int = 200
    credential: frozenset[Kind] | None = PERSONAL
    """The kinds of token it takes; ``None``: none at all."""
    errors: tuple[str, ...] = ()
    """The refusals it may give besides those every endpoint may (``service.errors``)."""
    commands: Kind_ | None = None
    """The stream kind whose commands it runs as clients send them: it may answer every
    refusal of that kind's rules too."""
    query: tuple[Query, ...] = ()
    """The whole numbers it reads from the query (``bad_query`` when one is not)."""
    media_type: str = JSON
    """The answer's type: JSON of ``answer``, or text (the handler returns a ``str``, or an
    async iterator of ``str`` chunks, streamed as they come; ``answer`` is its schema, ``str``
    unless it is JSON written by the handler)."""
    _decoder: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        decoder = None if self.body is None else msgspec.json.Decoder(self.body)
        object.__setattr__(self, "_decoder", decoder)

    @property
    def summary(self) -> str:
        """The first line of the handler's docstring."""
        return (self.handler.__doc__ or "").strip().splitlines()[0] if self.handler.__doc__ else ""

    def route(self) -> Route:
        return Route(self.path, self._serve, methods=[self.method], name=self.handler.__name__)

    async def _serve(self, request: Request) -> Response:
        ctx: Plenary = request.app.state.plenary
        claims = None
        if self.credential is not None:
            claims = await ctx.auth.authenticate(bearer(request), self.credential)
            workshop_id = request.path_params.get("workshop_id")
            if workshop_id is not None and claims.wid and claims.wid != workshop_id:
                raise no_such_workshop()
        body = None if self._decoder is None else await _body(request, ctx, self._decoder)
        answer = await self.handler(Call(ctx, request, claims, body))
        if self.media_type != JSON:
            if isinstance(answer, str):
                return Response(answer, self.status, media_type=self.media_type)
            return StreamingResponse(answer, self.status, media_type=self.media_type)
        return Response(encoder.encode(answer), self.status, media_type=JSON)


def bearer(request: Request) -> str:
    """The request's bearer token; raises ``Unauthorized`` when there is none."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send the token as 'Authorization: Bearer <token>'.")
    return token.strip()


async def _body(request: Request, ctx: Plenary, decoder: msgspec.json.Decoder[Any]) -> Any:
    """The body decoded and within its limits; ``too_large`` past the body limit, else what
    ``edge.decode`` raises."""
    limits = ctx.settings.limits
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limits.body_bytes:
            raise BadRequest(
                f"The body is larger than {limits.body_bytes} bytes.", code="too_large"
            )
        chunks.append(chunk)
    body = edge.decode(decoder, b"".join(chunks))
    if isinstance(body, Bounded):
        body.within(limits)
    return body
