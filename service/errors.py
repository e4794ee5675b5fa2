"""Every refusal becomes ``{"error": {"code", "message"}}`` with one status, decided here."""

from __future__ import annotations

import math

import msgspec
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from domain.errors import AlreadyExists, Forbidden, InvalidCommand, NotFound, PlenaryError
from service.access.tokens import Unauthorized
from service.store import ConcurrencyError, StoreUnavailable
from service.wire import ErrorBody, ErrorOut, encoder


class BadRequest(PlenaryError):
    """The request itself is malformed (not JSON, too large, a bad query parameter)."""

    code = "bad_request"


class RateLimited(PlenaryError):
    """Too many commands of one socket or person; ``retry_after`` seconds from now one more
    will do. Nothing was recorded."""

    code = "rate_limited"

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"Too many commands: send again in {retry_after:.2f} s.")
        self.retry_after = round(retry_after, 3)


_RESOURCE_MISSING = frozenset(
    {
        "board_not_found",
        "workshop_not_found",
        "track_not_found",
        "decision_not_found",
        "programme_not_found",
        "not_found",
    }
)
_STATE_CONFLICT = frozenset(
    {
        "board_exists",
        "workshop_exists",
        "track_exists",
        "programme_exists",
        "organiser_exists",
        "decision_has_track",
    }
)


def status_for(error: PlenaryError) -> int:
    """The HTTP status of a refusal: 401, 403, 404, 409, 413, 422, 429, 400 or 503."""
    match error:
        case RateLimited():
            return 429
        case Unauthorized():
            return 401
        case Forbidden():
            return 403
        case NotFound() if error.code in _RESOURCE_MISSING:
            return 404
        case AlreadyExists() if error.code in _STATE_CONFLICT:
            return 409
        case ConcurrencyError():
            return 409
        case StoreUnavailable():
            return 503
        case BadRequest():
            return 413 if error.code == "too_large" else 400
        case InvalidCommand() | NotFound() | AlreadyExists():
            return 422
    return 409 if error.code == "command_id_reused" else 422


def error_response(
    code: str, message: str, status: int, *, retry_after: float | None = None
) -> Response:
    """The one shape of every HTTP error body (``retry_after``, seconds, when a wait helps)."""
    body = encoder.encode(ErrorOut(ErrorBody(code=code, message=message, retry_after=retry_after)))
    return Response(body, status_code=status, media_type="application/json")


def rate_limited(exc: RateLimited) -> Response:
    """429 with the wait in the body and, in whole seconds rounded up, in ``Retry-After``."""
    response = error_response(exc.code, exc.message, 429, retry_after=exc.retry_after)
    response.headers["Retry-After"] = str(math.ceil(exc.retry_after))
    return response


async def plenary_error(_request: Request, exc: Exception) -> Response:
    """Starlette exception handler for every ``PlenaryError``."""
    assert isinstance(exc, PlenaryError)
    if isinstance(exc, RateLimited):
        return rate_limited(exc)
    return error_response(exc.code, exc.message, status_for(exc))


async def validation_error(_request: Request, exc: Exception) -> Response:
    """Starlette exception handler for a body that is JSON but not a valid command."""
    if isinstance(exc, msgspec.ValidationError):
        return error_response("invalid_command", str(exc), 422)
    return error_response("malformed_json", f"The body is not valid JSON: {exc}", 400)


async def http_error(_request: Request, exc: Exception) -> Response:
    """Starlette's own 404 and 405 in the same JSON shape as every other refusal."""
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return error_response(code, str(exc.detail), exc.status_code)
