"""Commands a second: the token bucket on explicit clocks, then the real app refusing a socket
or a person past their rate with ``rate_limited`` and how long to wait (both backends)."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import httpx2
import msgspec
import pytest
from websockets.asyncio.client import ClientConnection, connect

from service.commands.limits import Limits
from service.commands.rates import Rates, TokenBucket
from service.errors import RateLimited
from service.settings import Settings
from tests.service.conftest import UNTHROTTLED
from tests.service.live import JSON, WAIT, Live, add, live_server

SLOW = 0.2
"""Commands a second in these tests: slow enough that no refill lands while they send."""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_spends_its_burst_then_refills_at_its_rate() -> None:
    bucket = TokenBucket(rate=2.0, burst=3, now=0.0)
    for _ in range(3):
        assert bucket.wait(0.0) == 0.0
        bucket.spend()
    assert bucket.wait(0.0) == pytest.approx(0.5)
    assert bucket.wait(0.25) == pytest.approx(0.25)
    assert bucket.wait(0.5) == 0.0
    bucket.spend()
    assert bucket.wait(100.0) == 0.0
    assert bucket.tokens == 3  # never more than the burst


def test_rates_refuse_without_spending_and_keep_one_bucket_per_person() -> None:
    clock = Clock()
    rates = Rates(Limits(person_rate=1.0, person_burst=2, connection_rate=10.0), clock)
    socket = rates.connection()
    rates.spend("anna", socket)
    rates.spend("anna")
    with pytest.raises(RateLimited) as refused:
        rates.spend("anna", socket)
    assert refused.value.code == "rate_limited"
    assert refused.value.retry_after == pytest.approx(1.0)
    assert socket.wait(clock.now) == 0.0
    assert socket.tokens == 39  # the refused command spent nothing of the socket's
    rates.spend("ben")  # another person has their own
    clock.now += 1.0
    rates.spend("anna")


def test_full_buckets_are_forgotten_so_people_cost_no_memory_for_ever() -> None:
    clock = Clock()
    rates = Rates(Limits(person_rate=1.0, person_burst=2), clock)
    for n in range(5000):
        rates.spend(f"person-{n}")
        clock.now += 0.01
    assert len(rates._people) < 2100  # swept as it grew: only recent people kept


# --------------------------------------------------------------------------- the app


def rated(settings: Settings, **limits: Any) -> Settings:
    return dataclasses.replace(settings, limits=dataclasses.replace(UNTHROTTLED, **limits))


def command_frame(op_id: str, command: JSON | None = None) -> str:
    body = {"type": "command", "op_id": op_id, "command": command or add()}
    return msgspec.json.encode(body).decode()


async def answers(ws: ClientConnection, op_ids: list[str]) -> dict[str, JSON]:
    """The ``ack`` or ``reject`` of each of ``op_ids``, by op id."""
    found: dict[str, JSON] = {}
    while len(found) < len(op_ids):
        frame = msgspec.json.decode(await ws.recv())
        if frame["type"] in ("ack", "reject") and frame["op_id"] in op_ids:
            found[frame["op_id"]] = frame
    return found


async def joined(live: Live, token: str | None = None) -> ClientConnection:
    ws = await connect(await live.ws_url(token), compression=None)
    await ws.send('{"type": "hello"}')
    assert msgspec.json.decode(await ws.recv())["type"] == "welcome"
    return ws


def assert_rate_limited(reject: JSON, rate: float) -> None:
    assert (reject["type"], reject["code"]) == ("reject", "rate_limited")
    assert 0 < reject["retry_after"] <= 1 / rate
    assert reject["message"]


async def test_a_socket_past_its_rate_gets_rejects_with_retry_after(
    app_settings: Settings,
) -> None:
    settings = rated(app_settings, connection_rate=SLOW, connection_burst=3)
    async with live_server(settings) as live, asyncio.timeout(WAIT):
        first, second = await joined(live), await joined(live)
        try:
            ops = [f"a-{n}" for n in range(6)]
            for op_id in ops:
                await first.send(command_frame(op_id))
            got = await answers(first, ops)
            assert [got[op]["type"] for op in ops] == ["ack"] * 3 + ["reject"] * 3, got
            for op_id in ops[3:]:
                assert_rate_limited(got[op_id], SLOW)
            await second.send(command_frame("b-0"))  # its own socket, its own bucket
            assert (await answers(second, ["b-0"]))["b-0"]["type"] == "ack"
        finally:
            await first.close()
            await second.close()
        assert await live.version() == 1 + 4  # the board's creation, four notes


async def test_a_person_past_their_rate_is_limited_over_every_socket_and_http(
    app_settings: Settings,
) -> None:
    settings = rated(app_settings, person_rate=SLOW, person_burst=4)
    async with live_server(settings) as live, asyncio.timeout(WAIT):
        anna = await live.invite("participant", name="Anna")  # a person with a full bucket
        ben = await joined(live, await live.invite("participant", name="Ben"))
        tabs = [await joined(live, anna), await joined(live, anna)]
        try:
            for tab, prefix in zip(tabs, "ab", strict=True):
                for n in range(3):
                    await tab.send(command_frame(f"{prefix}-{n}"))
            got = {
                **await answers(tabs[0], ["a-0", "a-1", "a-2"]),
                **await answers(tabs[1], ["b-0", "b-1", "b-2"]),
            }
            kinds = sorted(frame["type"] for frame in got.values())
            assert kinds == ["ack"] * 4 + ["reject"] * 2  # the tickets that opened them: free
            for frame in got.values():
                if frame["type"] == "reject":
                    assert_rate_limited(frame, SLOW)
            over_http = await live.http.post(
                f"/api/boards/{live.board_id}/commands",
                json={"command_id": "h-1", "command": add()},
                headers=live.headers(anna),
            )
            assert_http_rate_limited(over_http, SLOW)
            read = await live.http.get(f"/api/boards/{live.board_id}", headers=live.headers(anna))
            assert read.status_code == 200  # reads are never limited
            await ben.send(command_frame("ben-0"))  # another person
            assert (await answers(ben, ["ben-0"]))["ben-0"]["type"] == "ack"
        finally:
            for ws in [*tabs, ben]:
                await ws.close()


def assert_http_rate_limited(answer: httpx2.Response, rate: float) -> None:
    assert answer.status_code == 429
    error = answer.json()["error"]
    assert error["code"] == "rate_limited"
    assert 0 < error["retry_after"] <= 1 / rate
    assert int(answer.headers["retry-after"]) >= error["retry_after"]


async def test_http_changes_spend_a_persons_commands_and_reads_do_not(
    app_settings: Settings,
) -> None:
    settings = rated(app_settings, person_rate=SLOW, person_burst=3)
    async with live_server(settings) as live, asyncio.timeout(WAIT):
        anna = live.headers(await live.invite("participant", name="Anna"))
        path = f"/api/boards/{live.board_id}/commands"
        statuses = []
        for n in range(5):
            body = {"command_id": f"h-{n}", "command": add()}
            answer = await live.http.post(path, json=body, headers=anna)
            statuses.append(answer.status_code)
        assert statuses == [200, 200, 200, 429, 429]
        assert_http_rate_limited(answer, SLOW)
        for _ in range(10):
            read = await live.http.get(f"/api/boards/{live.board_id}", headers=anna)
            assert read.status_code == 200
        assert len(await live.events()) == 1 + 3
        forged = {"Authorization": f"Bearer {live.token[:-4]}AAAA"}
        refused = await live.http.post(
            path, json={"command_id": "f", "command": add()}, headers=forged
        )
        assert refused.status_code == 401  # the handler still refuses a bad token
