"""Checks of plain values that several deciders share."""

from __future__ import annotations

import contextlib
import re
from datetime import date

from domain.errors import InvalidCommand

# ``date.fromisoformat`` alone also takes ``20250304`` and week dates; stored dates keep one
# shape so that they sort as strings.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def check_text(text: str, low: int, high: int, what: str) -> None:
    """Raise ``InvalidCommand`` (``invalid_<what>``) unless ``text`` has ``low`` to ``high``
    characters (and, when ``low`` > 0, is not blank)."""
    if len(text) > high or (low and not text.strip()):
        raise InvalidCommand(f"A {what} has {low} to {high} characters.", code=f"invalid_{what}")


def check_day(text: str) -> None:
    """Raise ``InvalidCommand`` (``invalid_date``) unless ``text`` is a day written YYYY-MM-DD."""
    if _ISO_DATE.fullmatch(text):
        with contextlib.suppress(ValueError):
            date.fromisoformat(text)
            return
    raise InvalidCommand(f"{text!r} is not a date written YYYY-MM-DD.", code="invalid_date")
