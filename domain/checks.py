"""Checks of plain values that several deciders share."""

from __future__ import annotations

import contextlib
import re
from datetime import date

from domain.errors import InvalidCommand

# ``date.fromisoformat`` alone also takes ``20250304`` and week dates; stored dates keep one
# shape so that they sort as strings.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Control characters but tab, line feed and carriage return. The service seals personal texts
# as strings framed by \x01, \x1f and \x02 (``service.privacy.marker``): text that people type
# never holds them, so no one can type something that reads as someone else's sealed text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def noun(code: str) -> str:
    """What an ``invalid_…`` code is about, for a message: ``invalid_title`` → ``title``."""
    return code.removeprefix("invalid_").replace("_", " ")


def check_characters(text: str, code: str, what: str = "") -> None:
    """Raise ``InvalidCommand`` with ``code`` if ``text`` holds a control character other than
    a tab or a line break (``what`` names the text in the message; the code's noun else)."""
    if _CONTROL.search(text):
        raise InvalidCommand(
            f"A {what or noun(code)} holds no control characters (tabs and line breaks are fine).",
            code=code,
        )


def check_text(text: str, low: int, high: int, code: str) -> None:
    """Raise ``InvalidCommand`` with ``code`` (``invalid_title``, …) unless ``text`` has ``low``
    to ``high`` characters (and, when ``low`` > 0, is not blank) and no control character."""
    if len(text) > high or (low and not text.strip()):
        raise InvalidCommand(f"A {noun(code)} has {low} to {high} characters.", code=code)
    check_characters(text, code)


def check_day(text: str) -> None:
    """Raise ``InvalidCommand`` (``invalid_date``) unless ``text`` is a day written YYYY-MM-DD."""
    if _ISO_DATE.fullmatch(text):
        with contextlib.suppress(ValueError):
            date.fromisoformat(text)
            return
    raise InvalidCommand(f"{text!r} is not a date written YYYY-MM-DD.", code="invalid_date")
