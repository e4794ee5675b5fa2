"""The page draws notes and clusters at the sizes ``domain.layout`` lays promoted items out
by: the constants of ``web_client/board.js`` are the domain's."""

from __future__ import annotations

import re
from pathlib import Path

from domain import layout

BOARD_JS = Path(__file__).parents[2] / "web_client" / "board.js"


def constant(source: str, pattern: str) -> float:
    found = re.search(pattern, source)
    assert found, pattern
    return float(found.group(1))


def test_the_page_draws_items_at_the_sizes_the_layout_reckons_with() -> None:
    source = BOARD_JS.read_text()
    assert constant(source, r"export const NOTE_W = (\d+);") == layout.NOTE_W
    assert constant(source, r"export const NOTE_H = (\d+);") == layout.NOTE_H
    assert constant(source, r"export const NOTE_MAX_H = (\d+);") == layout.NOTE_MAX_H
    assert constant(source, r"CLUSTER_MIN = \{ w: (\d+),") == layout.CLUSTER_MIN_W
    assert constant(source, r"CLUSTER_MIN = \{ w: \d+, h: (\d+) \}") == layout.CLUSTER_MIN_H
    assert constant(source, r"const PAD = (\d+);") == layout.CLUSTER_PAD
    assert constant(source, r"const HEADER = (\d+);") == layout.CLUSTER_HEADER
