"""Sealed strings: what is stored holds no plaintext, opens with its person's key only, and
is found in canonical JSON where it is a whole value, never where someone typed its look."""

from __future__ import annotations

import base64
import binascii
import os

import msgspec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given
from hypothesis import strategies as st

from domain.codec import encode_event
from domain.workshop import ParticipantJoined
from service.privacy import marker

PIA, ODA = AESGCM(os.urandom(32)), AESGCM(os.urandom(32))


def keys(**ciphers: AESGCM | None) -> marker.Lookup:
    return lambda person_id: ciphers.get(person_id)


def joined(name: str, organisation: str = "") -> bytes:
    event = ParticipantJoined(actor_id="pia", name=name, organisation=organisation, role="observer")
    return encode_event(event)


def test_a_sealed_name_holds_no_plaintext_and_opens_with_its_persons_key() -> None:
    data = joined(marker.seal(PIA, "pia", "Pia Lindqvist"), "City of Ghent")
    assert b"Pia" not in data
    assert b"pia" in data  # the person's id is no secret: it names the key
    opened = msgspec.json.decode(marker.reveal(data, keys(pia=PIA)))
    assert opened["name"] == "Pia Lindqvist"
    assert opened["organisation"] == "City of Ghent"


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=80))
def test_any_text_comes_back_exactly_json_escaped_in_place(text: str) -> None:
    data = joined(marker.seal(PIA, "pia", text))
    assert msgspec.json.decode(marker.reveal(data, keys(pia=PIA)))["name"] == text


def test_without_the_key_or_with_another_persons_it_reads_erased() -> None:
    sealed = marker.seal(PIA, "pia", "Pia Lindqvist")
    assert msgspec.json.decode(marker.reveal(joined(sealed), keys()))["name"] == marker.ERASED
    assert msgspec.json.decode(marker.reveal(joined(sealed), keys(pia=ODA)))["name"] == "(erased)"
    moved = sealed.replace("pia", "oda", 1)  # another person's id on Pia's ciphertext
    assert msgspec.json.decode(marker.reveal(joined(moved), keys(oda=PIA)))["name"] == "(erased)"
    shredded = joined(marker.shredded("pia"))
    assert msgspec.json.decode(marker.reveal(shredded, keys(pia=PIA)))["name"] == "(erased)"


def test_a_marker_typed_as_text_is_left_as_it_is() -> None:
    """Typed, its control characters are refused (``domain.checks``); even written into the
    log some other way, a marker is only read where it is a whole value of its own."""
    sealed = marker.seal(PIA, "pia", "secret")
    typed = sealed.replace("\x01", "\\u0001").replace("\x1f", "\\u001f")
    typed = typed.replace("\x02", "\\u0002")
    for text in (typed, f"see {sealed}", f'"{sealed}"', f'"{sealed}', f"{sealed}\\"):
        data = joined(text)
        assert marker.reveal(data, keys(pia=PIA)) == data, text


def test_bytes_without_a_marker_are_returned_as_they_are() -> None:
    data = joined("Pia Lindqvist")
    assert marker.reveal(data, keys()) is data
    assert marker.markers(data) == []
    assert marker.owner_of(marker.seal(PIA, "pia", "x")) == "pia"
    assert marker.owner_of("Pia") is None


@given(st.binary(max_size=40), st.text(alphabet="ABCXYZabcxyz0189_-+/=", max_size=40))
def test_a_marker_body_decodes_as_base64url_decodes_it(raw: bytes, typed: str) -> None:
    body = base64.urlsafe_b64encode(raw).rstrip(b"=")
    assert marker.from_b64url(body) == raw
    try:
        expected: bytes | None = base64.urlsafe_b64decode(typed + "=" * (-len(typed) % 4))
    except binascii.Error:
        expected = None
    try:
        decoded: bytes | None = marker.from_b64url(typed.encode())
    except binascii.Error:
        decoded = None
    assert decoded == expected
