"""What people wrote renders as the words they typed in a Markdown export, whatever they
typed: checked with a real CommonMark renderer (plus GitHub's tables and strikethrough)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.readside.export_markdown import block, inline
from tests.service.markdown_html import render

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "![pixel](http://evil.example/p.png)",
    "<https://evil.example>",
    "[ref]: javascript:alert(1)",
    "# Not a heading",
    "## Not one either ##",
    "**bold** _em_ `code` ~~gone~~ $x$",
    "| a | b |\n| - | - |\n| 1 | 2 |",
    "line one\n- not a list\n+ nor this\n* nor this\n> not a quote\n1. not ordered\n2) nor this",
    "a paragraph\n---",
    "a paragraph\n===",
    "***",
    "```\nnot code\n```",
    "~~~\nnot code\n~~~",
    "    indented, not code",
    "<div>\nraw block\n</div>",
    "&lt;b&gt; &amp; &#60;i&#62; &copy;",
    "back\\slash \\*not em\\* and a last one\\",
    "\\",
    "spaces at the end  \nmake no break of their own",
]


def lines_of(text: str) -> list[str]:
    """The lines people should see: stripped, blank ones dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_text_in_a_list_item_renders_as_its_own_lines(text: str) -> None:
    shown = render(f"- {block(text, '  ')} — Anna\n")
    assert set(shown.tags) <= {"ul", "li", "br"}, shown.html
    assert not shown.attributes
    assert lines_of(shown.text) == [*lines_of(text)[:-1], lines_of(text)[-1] + " — Anna"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_text_in_a_heading_renders_as_one_line(text: str) -> None:
    shown = render(f"### {inline(text)}\n")
    assert shown.tags == ["h3"], shown.html
    assert shown.headings == [("h3", " ".join(text.split()))]


def test_line_breaks_stay_apart_and_blank_lines_close_up() -> None:
    text = "first\n\n\n   second\r\nthird"
    shown = render(f"- {block(text, '  ')}\n")
    assert shown.tags == ["ul", "li", "br", "br"]
    assert lines_of(shown.text) == ["first", "second", "third"]


_MARKDOWNISH = st.text(
    alphabet=st.sampled_from(list("ab 1.)-+=#*_`~[]()!<>&|\\$:/\"'\t\n\r{}%@^é")), min_size=1
).filter(str.strip)


@given(_MARKDOWNISH)
def test_any_text_renders_as_exactly_its_lines(text: str) -> None:
    shown = render(f"- {block(text, '  ')}\n")
    assert set(shown.tags) <= {"ul", "li", "br"}, shown.html
    assert lines_of(shown.text) == lines_of(text)


@given(_MARKDOWNISH)
def test_any_text_renders_as_exactly_its_words_in_a_heading(text: str) -> None:
    shown = render(f"## {inline(text)}\n")
    assert shown.headings == [("h2", " ".join(text.split()))]
