"""Markdown rendered as a CommonMark renderer with GitHub's tables and strikethrough would,
then read back: which HTML elements it made, its headings, and its text as people see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it import MarkdownIt

_RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_BREAKS = {"br", "p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass
class Rendered:
    """What a Markdown document shows once rendered to HTML."""

    html: str
    tags: list[str] = field(default_factory=list)
    attributes: list[tuple[str, str | None]] = field(default_factory=list)
    headings: list[tuple[str, str]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    """Each table row's cells, header rows included."""
    text: str = ""


class _Reader(HTMLParser):
    def __init__(self, rendered: Rendered) -> None:
        super().__init__(convert_charrefs=True)
        self.rendered = rendered
        self.heading: str | None = None
        self.heading_text = ""
        self.cell: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.rendered.tags.append(tag)
        self.rendered.attributes += attrs
        if tag in _BREAKS:
            self.rendered.text += "\n"
        if tag.startswith("h") and tag[1:].isdigit():
            self.heading, self.heading_text = tag, ""
        elif tag == "tr":
            self.rendered.rows.append([])
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == self.heading:
            self.rendered.headings.append((tag, self.heading_text))
            self.heading = None
        elif tag in ("td", "th") and self.cell is not None:
            self.rendered.rows[-1].append(self.cell)
            self.cell = None

    def handle_data(self, data: str) -> None:
        self.rendered.text += data
        if self.heading is not None:
            self.heading_text += data
        if self.cell is not None:
            self.cell += data


def render(markdown: str) -> Rendered:
    """``markdown`` rendered to HTML and read back."""
    return read(_RENDERER.render(markdown))


def read(html: str) -> Rendered:
    """``html`` read back: its elements, attributes, headings, table rows and text."""
    rendered = Rendered(html=html)
    reader = _Reader(rendered)
    reader.feed(html)
    reader.close()
    return rendered
