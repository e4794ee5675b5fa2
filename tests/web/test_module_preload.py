"""The page names every module ``app.js`` imports for preloading, so a browser fetches the
whole graph at once instead of one import level after another (``docs/benchmarks.md``)."""

from __future__ import annotations

import re
from pathlib import Path

WEB = Path(__file__).parents[2] / "web_client"


def imported_by(root: str) -> set[str]:
    """Every module ``root`` imports, directly or not."""
    found: set[str] = set()
    todo = [root]
    while todo:
        source = (WEB / todo.pop()).read_text()
        for name in re.findall(r'from "\./([a-z_]+\.js)"', source):
            if name not in found:
                found.add(name)
                todo.append(name)
    return found


def test_the_page_preloads_every_module_of_the_app_and_no_other() -> None:
    page = (WEB / "index.html").read_text()
    preloaded = set(re.findall(r'<link rel="modulepreload" href="/static/([a-z_]+\.js)">', page))
    assert preloaded == imported_by("app.js") - {"app.js"}
