"""The facilitator's console over HTTP, on a real server and both backends: one board command
on every breakout board at once (one correlation id, all or nothing, facilitators of the whole
workshop only), the call to the plenary, the live agenda, who is on which board, and invites
with their QR code and how many joined with them."""

from __future__ import annotations

from typing import Any

from tests.service.live import Live

JSON = dict[str, Any]


async def post(live: Live, path: str, body: JSON, token: str | None = None) -> Any:
    return await live.http.post(
        f"/api/workshops/{live.workshop_id}{path}", json=body, headers=live.headers(token)
    )


async def on_all(live: Live, command: JSON, token: str | None = None) -> Any:
    return await post(live, "/all", {"command": command}, token)


async def board_command(live: Live, board_id: str, command: JSON) -> Any:
    answer = await live.http.post(
        f"/api/boards/{board_id}/commands",
        json={"command_id": f"cmd-{command['type']}-{board_id}", "command": command},
        headers=live.headers(),
    )
    return answer


async def breakouts_and_plenary(live: Live) -> tuple[list[str], str]:
    """The live workshop's breakout (``live.board_id``) plus one more, and a plenary board."""
    second = await live.new_board("Breakout B")
    plenary = await post(live, "/boards", {"title": "Plenary", "kind": "plenary"})
    assert plenary.status_code == 201, plenary.text
    return sorted([live.board_id, second]), plenary.json()["id"]


async def joined(live: Live, role: str = "participant", **invite: object) -> JSON:
    token = await live.invite(role, **invite)
    answer = await post(live, "/join", {"name": "Anna"}, token)
    assert answer.status_code == 201, answer.text
    person: JSON = answer.json()
    return person


# ---------------------------------------------------------------------- run all groups at once


async def test_a_phase_for_every_breakout_is_one_action_with_one_correlation_id(live: Live) -> None:
    breakouts, plenary = await breakouts_and_plenary(live)

    answer = await on_all(live, {"type": "phase.change", "phase": "cluster"})

    assert answer.status_code == 200, answer.text
    done = answer.json()
    assert [b["board_id"] for b in done["boards"]] == breakouts
    recorded = [(await live.events(b))[-1] for b in breakouts]
    assert [e["type"] for e in recorded] == ["phase.changed", "phase.changed"]
    assert {e["correlation_id"] for e in recorded} == {done["correlation_id"]}
    assert len({e["command_id"] for e in recorded}) == 2
    assert [e["type"] for e in await live.events(plenary)] == ["board.created"]


async def test_one_timer_for_every_breakout_takes_seconds_and_a_label(live: Live) -> None:
    breakouts, _ = await breakouts_and_plenary(live)

    answer = await on_all(live, {"type": "timer.start", "seconds": 95, "label": "Collect"})

    assert answer.status_code == 200, answer.text
    for board_id in breakouts:
        view = (await live.http.get(f"/api/boards/{board_id}", headers=live.headers())).json()
        assert (view["timer"]["seconds"], view["timer"]["label"]) == (95, "Collect")


async def test_a_refusal_on_one_board_records_nothing_on_any(live: Live) -> None:
    breakouts, _ = await breakouts_and_plenary(live)
    assert (await on_all(live, {"type": "phase.change", "phase": "vote"})).status_code == 200
    first = breakouts[0]
    cluster = {"type": "cluster.create", "cluster_id": "c1", "label": "Streets", "x": 0, "y": 0}
    assert (await board_command(live, first, cluster)).status_code == 200
    opened = await board_command(live, first, {"type": "vote.open", "round_id": "r1"})
    assert opened.status_code == 200, opened.text
    before = [len(await live.events(b)) for b in breakouts]

    answer = await on_all(live, {"type": "phase.change", "phase": "discuss"})

    assert (answer.status_code, answer.json()["error"]["code"]) == (422, "round_open")
    assert [len(await live.events(b)) for b in breakouts] == before


async def test_only_a_facilitator_runs_every_board(live: Live) -> None:
    await breakouts_and_plenary(live)
    for role in ("participant", "observer", "auditor"):
        person = await joined(live, role)
        answer = await on_all(live, {"type": "board.lock"}, person["token"])
        assert (answer.status_code, answer.json()["error"]["code"]) == (403, "forbidden")


async def test_a_board_scoped_token_cannot_run_every_board(live: Live) -> None:
    scoped = await joined(live, "facilitator", board_id=live.board_id)

    answer = await on_all(live, {"type": "board.lock"}, scoped["token"])

    assert (answer.status_code, answer.json()["error"]["code"]) == (403, "forbidden")


async def test_only_the_console_commands_run_on_every_board(live: Live) -> None:
    note = {"type": "note.add", "note_id": "n1", "text": "Hi", "x": 0, "y": 0}
    answer = await on_all(live, note)
    assert (answer.status_code, answer.json()["error"]["code"]) == (422, "invalid_command")


async def test_lock_and_unlock_every_breakout(live: Live) -> None:
    breakouts, _ = await breakouts_and_plenary(live)
    for command, locked in (("board.lock", True), ("board.unlock", False)):
        assert (await on_all(live, {"type": command})).status_code == 200
        for board_id in breakouts:
            view = (await live.http.get(f"/api/boards/{board_id}", headers=live.headers())).json()
            assert view["locked"] is locked


# ---------------------------------------------------------------------- everyone to the plenary


async def test_everyone_is_called_to_the_plenary_on_every_breakout(live: Live) -> None:
    breakouts, plenary = await breakouts_and_plenary(live)

    answer = await on_all(live, {"type": "board.gather", "board_id": plenary})

    assert answer.status_code == 200, answer.text
    for board_id in breakouts:
        last = (await live.events(board_id))[-1]
        assert (last["type"], last["data"]["board_id"]) == ("board.gathered", plenary)
        assert last["correlation_id"] == answer.json()["correlation_id"]
        view = (await live.http.get(f"/api/boards/{board_id}", headers=live.headers())).json()
        assert view["gathered"]["board_id"] == plenary


async def test_the_call_names_a_plenary_board_of_the_workshop(live: Live) -> None:
    breakouts, _ = await breakouts_and_plenary(live)
    for target in (breakouts[1], "no-such-board"):
        answer = await on_all(live, {"type": "board.gather", "board_id": target})
        assert (answer.status_code, answer.json()["error"]["code"]) == (404, "board_not_found")


async def test_the_call_to_the_plenary_is_not_sent_to_one_board(live: Live) -> None:
    _, plenary = await breakouts_and_plenary(live)
    answer = await board_command(live, live.board_id, {"type": "board.gather", "board_id": plenary})
    assert (answer.status_code, answer.json()["error"]["code"]) == (422, "invalid_command")


# --------------------------------------------------------------------------- the live agenda


async def test_a_facilitator_starts_an_agenda_block(live: Live) -> None:
    created = await live.http.post(
        "/api/workshops",
        json={"title": "Day", "agenda": [{"title": "Welcome", "minutes": 5}]},
        headers=live.headers(live.organiser),
    )
    workshop = created.json()
    headers = live.headers(workshop["facilitator_token"])
    path = f"/api/workshops/{workshop['id']}"
    overview = await live.http.get(f"{path}/overview", headers=headers)
    assert overview.json()["agenda_current"] is None

    started = await live.http.post(f"{path}/agenda/start", json={"index": 0}, headers=headers)

    assert started.status_code == 200, started.text
    assert (await live.http.get(f"{path}/overview", headers=headers)).json()["agenda_current"] == 0
    beyond = await live.http.post(f"{path}/agenda/start", json={"index": 1}, headers=headers)
    assert (beyond.status_code, beyond.json()["error"]["code"]) == (422, "invalid_agenda")


# --------------------------------------------------------------------------- who is here


async def test_presence_lists_who_has_which_board_open(live: Live) -> None:
    person = await joined(live)
    path = f"/api/workshops/{live.workshop_id}/presence"

    async def here() -> list[str]:
        answer = await live.http.get(path, headers=live.headers())
        assert answer.status_code == 200, answer.text
        board = next(b for b in answer.json()["boards"] if b["board_id"] == live.board_id)
        return [p["name"] for p in board["people"]]

    assert await here() == []
    async with await live.client(person["token"]):
        names: list[str] = []

        async def seen() -> bool:
            names[:] = await here()
            return names == ["Anna"]

        for _ in range(200):  # bounded: the hub counts the socket once it joined
            if await seen():
                break
        assert names == ["Anna"]
    refused = await live.http.get(path, headers=live.headers(person["token"]))
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")


# --------------------------------------------------------------------------- invites


async def test_an_invite_comes_with_its_qr_code_and_counts_who_joined(live: Live) -> None:
    answer = await post(live, "/invites", {"role": "participant", "name": "Cities"})
    assert answer.status_code == 201, answer.text
    invite = answer.json()
    assert invite["qr_svg"].startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert (await post(live, "/join", {"name": "Ben"}, invite["token"])).status_code == 201

    listed = await live.http.get(
        f"/api/workshops/{live.workshop_id}/invites", headers=live.headers()
    )
    row = next(i for i in listed.json()["invites"] if i["id"] == invite["invite_id"])
    assert (row["name"], row["joined"], row["revoked"]) == ("Cities", 1, False)
