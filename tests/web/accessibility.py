"""axe-core in the page: the violations a person would meet, critical and serious only.

axe-core (bundled by axe-playwright-python) is injected through the DevTools protocol, which
the service's Content-Security-Policy leaves be, so the page is checked as served.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page

BLOCKING = frozenset({"critical", "serious"})


async def blocking_violations(page: Page, within: str | None = None) -> list[str]:
    """Each critical or serious violation on ``page`` now (only in the elements that match the
    selector ``within``, if given), as "rule (impact): targets"."""
    results = await Axe().run(page, context=within)
    violations: list[dict[str, Any]] = results.response["violations"]
    return [
        f"{v['id']} ({v['impact']}): "
        + ", ".join(" ".join(map(str, node["target"])) for node in v["nodes"])
        for v in violations
        if v.get("impact") in BLOCKING
    ]


async def assert_accessible(page: Page, within: str | None = None) -> None:
    """Fail with every blocking violation listed, so one run shows all there is to fix (in the
    elements that match ``within`` only, if given)."""
    found = await blocking_violations(page, within)
    assert not found, "axe-core: " + "; ".join(found)
