"""What one viewer may see of a board: the single place where views and events are cut down
before they leave the service (HTTP, WebSocket welcome and live frames alike).

Three rules:

- A note hidden by private writing is seen by its author only, until it is revealed.
- While a vote round hides its tallies, each voter sees their own dots only; the tallies and
  other people's votes appear when the round closes.
- On a pseudonymous board, every person is shown by a stable pseudonym (the same on that
  board for the whole workshop, different on other boards); the log keeps the real id.

An event that is private to someone else is sent as a ``redacted`` placeholder that keeps
its version, so resuming by version still has no gap. The facts come out later in the event
that lifts the privacy (``notes.revealed``, ``vote.closed``) and in the view.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

import msgspec

from domain.recorded import EventMeta, RecordedEvent
from domain.streams import board_id_of
from domain.types import Role
from projections.board_view import BoardView, DecisionView, RoundView

REDACTED = "redacted"
"""The ``type`` of a placeholder for an event the viewer may not see (yet)."""

_ADJECTIVE_WORDS = (
    "Amber Azure Bold Brave Bright Calm Clever Coral Crisp Daring Eager Early Fair Fern "
    "Gentle Glad Golden Grand Green Happy Hazel Honest Ivory Jade Jolly Keen Kind Lively "
    "Lucky Lunar Mellow Merry Misty Noble Ochre Olive Opal Pearl Plucky Polar Proud Quick "
    "Quiet Rapid Rosy Ruby Rustic Sage Scarlet Silver Sly Snowy Solar Steady Sunny Swift "
    "Teal Tidy Topaz Vivid Warm Wise Witty Zesty "
)
_ANIMAL_WORDS = (
    "Alpaca Badger Bison Beaver Crane Cricket Dolphin Eagle Falcon Ferret Finch Fox Gazelle "
    "Gecko Heron Hedgehog Ibis Jackal Koala Lark Lemur Lynx Magpie Marten Mole Moose "
    "Narwhal Newt Otter Owl Panda Pelican Penguin Puffin Quail Rabbit Raven Robin Salmon "
    "Seal Sparrow Stoat Swan Tapir Tern Tiger Toucan Turtle Viper Walrus Weasel Whale Wolf "
    "Wombat Wren Yak Zebra Bee Cod Deer Elk Gull Hare Ant "
)
_ADJECTIVES = tuple(_ADJECTIVE_WORDS.split())
_ANIMALS = tuple(_ANIMAL_WORDS.split())


class Viewer(msgspec.Struct, frozen=True, kw_only=True):
    """Who is looking: their real id and role, and the key that makes pseudonyms unguessable."""

    id: str
    role: Role
    pseudonym_key: bytes = b""


def pseudonym(key: bytes, board_id: str, actor_id: str) -> tuple[str, str]:
    """``(id, name)`` standing for ``actor_id`` on ``board_id``: stable, and without ``key``
    (the service's secret) nobody can tell whom it stands for, even knowing every real id."""
    digest = hmac.new(key, f"{board_id}\x00{actor_id}".encode(), hashlib.sha256).digest()
    name = f"{_ADJECTIVES[digest[0] % len(_ADJECTIVES)]} {_ANIMALS[digest[1] % len(_ANIMALS)]}"
    return "anon-" + digest[2:10].hex(), name


def own_pseudonym(viewer: Viewer, board_id: str, anonymity: str) -> tuple[str, str] | None:
    """``(id, name)`` standing for ``viewer`` themself on a board with ``anonymity`` (what their
    views and events show for them there), or ``None`` on a named board."""
    if anonymity != "pseudonymous":
        return None
    return pseudonym(viewer.pseudonym_key, board_id, viewer.id)


# --------------------------------------------------------------------------- views


def present_view(view: BoardView, viewer: Viewer) -> BoardView:
    """``view`` as ``viewer`` may see it (see the module's rules)."""
    replace = msgspec.structs.replace
    notes = {nid: n for nid, n in view.notes.items() if not n.hidden or n.author == viewer.id}
    rounds = {rid: _present_round(r, viewer.id) for rid, r in view.rounds.items()}
    shown = replace(view, notes=notes, rounds=rounds, withheld=frozenset())
    if view.anonymity != "pseudonymous":
        return shown
    alias = _aliaser(viewer.pseudonym_key, view.id)
    return replace(
        shown,
        notes={nid: replace(n, author=alias(n.author)) for nid, n in notes.items()},
        rounds={rid: _alias_round(r, alias) for rid, r in rounds.items()},
        decisions=tuple(_alias_decision(d, alias) for d in view.decisions),
        discussion=replace(
            view.discussion,
            comments=tuple(replace(c, author=alias(c.author)) for c in view.discussion.comments),
        ),
    )


def _present_round(round_: RoundView, viewer_id: str) -> RoundView:
    if not (round_.open and round_.hide_tallies):
        return round_
    own = {viewer_id: round_.votes[viewer_id]} if viewer_id in round_.votes else {}
    return msgspec.structs.replace(round_, votes=own, tallies={})


def _alias_round(round_: RoundView, alias: Callable[[str], str]) -> RoundView:
    votes = {alias(voter): ballot for voter, ballot in round_.votes.items()}
    return msgspec.structs.replace(round_, votes=votes)


def _alias_decision(decision: DecisionView, alias: Callable[[str], str]) -> DecisionView:
    replace = msgspec.structs.replace
    notes = tuple(replace(n, author=alias(n.author)) for n in decision.evidence.notes)
    evidence = replace(decision.evidence, notes=notes)
    # The hash covers the real ids: shown beside pseudonyms it would let anyone test guesses.
    return replace(decision, decided_by=alias(decision.decided_by), evidence=evidence, hash="")


def _aliaser(key: bytes, board_id: str) -> Callable[[str], str]:
    cache: dict[str, str] = {}

    def alias(actor_id: str) -> str:
        if not actor_id:  # nobody (a copy promoted from a pseudonymous board): stays nobody
            return actor_id
        if actor_id not in cache:
            cache[actor_id] = pseudonym(key, board_id, actor_id)[0]
        return cache[actor_id]

    return alias


# --------------------------------------------------------------------------- events


class _Private(msgspec.Struct):
    private_to: str | None = None
    note_id: str | None = None
    round_id: str | None = None


_decode_private = msgspec.json.Decoder(_Private).decode
_MARK = b'"private_to":"'
"""Only events private to someone contain this: a string value, never ``null``. JSON escapes
a quote inside a string, so note text cannot contain it."""


def private_to(rec: RecordedEvent) -> str | None:
    """The one person who may see ``rec`` while its privacy holds, or ``None``."""
    if _MARK not in rec.data:
        return None
    return _decode_private(rec.data).private_to


def still_private(rec: RecordedEvent, now: BoardView) -> bool:
    """Whether ``rec``'s privacy holds in the board as it is ``now``: its note is still hidden
    (or was deleted unrevealed), or its vote round is still open."""
    fields = _decode_private(rec.data)
    if fields.round_id is not None:
        round_ = now.rounds.get(fields.round_id)
        return round_ is None or round_.open
    note_id = fields.note_id or ""
    note = now.notes.get(note_id)
    if note is None:  # deleted: private for good only if it was never revealed
        return note_id in now.withheld
    return note.hidden


def redacted(rec: RecordedEvent) -> RecordedEvent:
    """A placeholder for ``rec``: its place in the log, nothing of its content or author."""
    return msgspec.structs.replace(
        rec,
        type=REDACTED,
        data=b"{}",
        meta=EventMeta(actor="", role="participant", command_id="", correlation_id=""),
        prev_hash=b"",
        hash=b"",
    )


_ACTOR_FIELDS = frozenset({"author", "voter", "private_to", "actor_id"})


def aliased(rec: RecordedEvent, key: bytes, board_id: str) -> RecordedEvent:
    """``rec`` with every person in it (its actor, authors, voters) shown by pseudonym.

    Its hashes are left out: they cover the real ids, and with a workshop's short list of
    people anyone could find whose they are by trying each. ``plenary verify`` and the raw
    log export check the chain where the real ids are known.
    """
    alias = _aliaser(key, board_id)

    def walk(value: object) -> object:
        if isinstance(value, dict):
            return {
                k: alias(v) if k in _ACTOR_FIELDS and isinstance(v, str) else walk(v)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    data = msgspec.json.encode(walk(msgspec.json.decode(rec.data)))
    meta = msgspec.structs.replace(rec.meta, actor=alias(rec.meta.actor))
    return msgspec.structs.replace(rec, data=data, meta=meta, prev_hash=b"", hash=b"")


def chain(
    events: list[RecordedEvent], before: tuple[int, bytes] | None = None
) -> list[RecordedEvent]:
    """``events`` (as shown, in order) with each ``prev_hash`` kept only where it is the hash,
    as shown, of the event just before it in the log: ``before`` (its position and shown hash)
    or the previous one in ``events``.

    A ``prev_hash`` is the hash of another event, maybe one of another board, a pseudonymous
    or a private one whose hash is withheld: shown alone it would let anyone test guesses of
    that event's real ids. The whole chain is for ``plenary verify`` and the log export.
    """
    shown: list[RecordedEvent] = []
    prev = before
    for rec in events:
        linked = prev is not None and prev[0] == rec.position - 1 and prev[1] == rec.prev_hash
        if rec.prev_hash and not linked:
            rec = msgspec.structs.replace(rec, prev_hash=b"")
        shown.append(rec)
        prev = (rec.position, rec.hash)
    return shown


def present_event(
    rec: RecordedEvent,
    viewer: Viewer,
    *,
    anonymity: str,
    lifted: Callable[[RecordedEvent], bool] | None = None,
) -> RecordedEvent:
    """``rec`` as ``viewer`` may see it on a board with ``anonymity``.

    An event private to someone else is ``redacted`` unless ``lifted`` says its privacy has
    ended since (history reads pass one built from the current view; live fan-out passes
    none, as a fresh private event is private by construction).
    """
    owner = private_to(rec)
    if owner is not None and owner != viewer.id and (lifted is None or not lifted(rec)):
        return redacted(rec)
    if anonymity == "pseudonymous":
        return aliased(rec, viewer.pseudonym_key, board_id_of(rec.stream_id) or "")
    return rec
