"""``cell``: a CSV cell no spreadsheet reads as a formula (OWASP's CSV injection rules)."""

from __future__ import annotations

import pytest

from service.readside.export_csv import cell


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "\t",
        "   =1+1",
        "\n=1+1",
        " \t @x",
        "\u00a0=1+1",
        "=1+1\nand a second line",
        "-",
    ],
)
def test_a_text_a_spreadsheet_could_read_as_a_formula_gets_a_quote(text: str) -> None:
    assert cell(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    ["", "plain", "1-2", "a=1", "'=1+1", "a fine line\n=1+1 on the second", " ", "\n", "(x)"],
)
def test_any_other_text_is_left_as_it_is(text: str) -> None:
    assert cell(text) == text
