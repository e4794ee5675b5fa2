"""The audit desk in Chromium: an auditor of the demo workshop opens it from the workshop page,
reads that the log is intact up to its head and which signed checkpoint vouches for it,
downloads the signed checkpoints, and ``plenary verify --checkpoint`` checks the log against
that file. A participant is offered no desk. axe-core finds nothing blocking; no page logs an
error."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from service.cli import main
from service.integrity.sealing import Sealer
from service.tools import demo
from tests.web.accessibility import assert_accessible
from tests.web.conftest import Served
from tests.web.watched import errors_of

pytestmark = pytest.mark.browser


async def workshop_page(browser: Browser, served: Served, role: str) -> tuple[Page, list[str]]:
    name = "Tomás (auditor)" if role == "auditor" else demo.GROUPS[0].members[0]
    who = demo.person(name, role)  # type: ignore[arg-type]
    token = served.ctx.auth.token(served.ctx.auth.claims("link", who, demo.WORKSHOP_ID))
    context = await browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = await context.new_page()
    page.set_default_timeout(10_000)
    errors = errors_of(page)
    await page.goto(f"{served.base_url}/w/{demo.WORKSHOP_ID}#token={token}")
    await expect(page.locator("#workshop-title")).to_be_visible()
    return page, errors


async def test_an_auditor_proves_the_log_and_keeps_a_checkpoint(
    browser: Browser, served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await demo.seed(served.ctx)
    sealed = await Sealer(served.ctx.store, served.settings.data_dir).seal()
    page, errors = await workshop_page(browser, served, "auditor")
    # The workshop report, from the decision log.
    async with page.expect_download() as report_info:
        await page.get_by_role("button", name="Download the workshop report").click()
    report = await (await report_info.value).path()
    assert report is not None
    text = await asyncio.to_thread(Path(report).read_text, encoding="utf-8")
    assert text.startswith("# Challenges workshop")
    assert "## Solution track:" in text
    await expect(page.locator("#report-status")).to_contain_text("Downloaded")

    await page.get_by_role("link", name="Audit desk").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Audit desk")
    await expect(page.locator("#audit-verdict")).to_have_text(
        f"Intact: positions 1 to {sealed:,} hold."
    )
    await expect(page.locator("#audit-statement li").first).to_contain_text(
        f"OK: positions 1..{sealed} are intact"
    )
    await expect(page.locator("#audit-facts")).to_contain_text(f"position {sealed:,}")
    await assert_accessible(page)

    button = page.get_by_role("button", name="Download the signed checkpoints")
    async with page.expect_download() as download_info:
        await button.focus()
        await page.keyboard.press("Enter")
    download = await download_info.value
    kept = tmp_path / download.suggested_filename
    await download.save_as(kept)
    assert kept.name == f"plenary-checkpoints-{served.ctx.store.epoch}.txt"
    await expect(page.locator("#audit-download-status")).to_contain_text("signed checkpoint")

    monkeypatch.setenv("PLENARY_DATABASE_URL", served.settings.database_url)
    monkeypatch.setenv("PLENARY_DATA_DIR", str(tmp_path / "auditor-own"))
    monkeypatch.setenv("PLENARY_SECRET", "an-auditor-needs-no-secret-but-the-cli-wants-32-bytes")
    monkeypatch.delenv("PLENARY_DATABASE_SCHEMA", raising=False)
    # The CLI runs its own event loop: in a thread, as it would in a shell of its own.
    assert await asyncio.to_thread(main, ["verify", "--checkpoint", str(kept)]) == 0
    assert not errors, errors


async def test_a_participant_is_offered_no_audit_desk(browser: Browser, served: Served) -> None:
    await demo.seed(served.ctx)
    page, errors = await workshop_page(browser, served, "participant")
    await expect(page.locator("#decision-log")).to_be_visible()
    await expect(page.get_by_role("link", name="Audit desk")).to_have_count(0)
    await expect(page.get_by_role("button", name="Download the workshop report")).to_have_count(0)
    assert not errors, errors
