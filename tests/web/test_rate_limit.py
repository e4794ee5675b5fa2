"""The web client under a tight command rate, in Chromium: a command the server refuses for
coming too fast is sent again when the server says, and lands; the person sees no error."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.async_api import Browser, WebSocket, expect

from service.commands.limits import Limits
from tests.web.conftest import Workshop, open_board, wait_for

pytestmark = pytest.mark.browser


@pytest.fixture
def limits() -> Limits:
    return Limits(connection_rate=1.0, connection_burst=1)


async def test_a_command_refused_for_coming_too_fast_is_sent_again_and_lands(
    browser: Browser, workshop: Workshop
) -> None:
    page = await open_board(
        browser, workshop.board_url(await workshop.invite("participant", "Pia"))
    )
    received: list[dict[str, Any]] = []

    def on_socket(ws: WebSocket) -> None:
        ws.on("framereceived", lambda payload: received.append(json.loads(payload)))

    page.on("websocket", on_socket)
    await page.reload()  # the socket opened after the listener: its frames are seen
    await wait_for(page, "window.plenary && plenary.status() === 'live'")
    for text in ("First idea", "Second idea, right after"):
        await page.get_by_label("New note").fill(text)
        await page.get_by_role("button", name="Add note").click()
    await wait_for(page, "plenary.pending() === 0", seconds=10)
    refused = [f for f in received if f.get("type") == "reject"]
    assert [f["code"] for f in refused] == ["rate_limited"]
    assert 0 < refused[0]["retry_after"] <= 1
    assert sorted(n["text"] for n in (await workshop.view())["notes"].values()) == [
        "First idea",
        "Second idea, right after",
    ]
    await expect(page.locator("#alert")).to_be_hidden()
