"""The workshop report as one printable HTML page: the Markdown report rendered.

The HTML is the Markdown report (``service.readside.report``) put through a CommonMark
renderer with tables and strikethrough, raw HTML off, so it says exactly what the Markdown
says. The Markdown already escapes everything people wrote so that such a renderer shows it
as the words they typed (``export_markdown``); turning raw HTML off keeps that so even if an
escape were missed. Its print style is ``web_client/report.css``, the stylesheet of the
workshop page's report view: the service's page links it, the CLI's file holds it, so the file
prints alone, from a browser, to paper or PDF.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from projections.visibility import Viewer
from service.context import Plenary
from service.readside.report import workshop_report

STYLE = Path(__file__).resolve().parents[2] / "web_client" / "report.css"

_RENDERER = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def _aligned(renderer: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    # A column's alignment as a class, not a ``style`` attribute, which the pages' policy
    # refuses (``service.http.headers``): ``text-align:right`` → ``align-right``.
    token = tokens[idx]
    style = token.attrs.pop("style", None)
    if isinstance(style, str) and style.startswith("text-align:"):
        token.attrSet("class", "align-" + style.removeprefix("text-align:"))
    rendered: str = renderer.renderToken(tokens, idx, options, env)
    return rendered


for _cell in ("th_open", "td_open"):
    _RENDERER.add_render_rule(_cell, _aligned)


@cache
def _style() -> str:
    return STYLE.read_text(encoding="utf-8")


def article(markdown: str) -> str:
    """The report's Markdown as the HTML of its ``<article class="report">``."""
    return f'<article class="report">\n{_RENDERER.render(markdown)}</article>\n'


def document(markdown: str, title: str, *, standalone: bool) -> str:
    """A whole HTML page holding ``article(markdown)``, titled ``title``: with its style
    inside when ``standalone`` (a file), else linking the service's ``/static/report.css``
    (the pages' policy refuses inline style)."""
    style = (
        f"<style>\n{_style()}</style>"
        if standalone
        else '<link rel="stylesheet" href="/static/report.css">'
    )
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)} · Workshop report</title>\n"
        f"{style}\n</head>\n<body>\n{article(markdown)}</body>\n</html>\n"
    )


async def workshop_report_html(
    ctx: Plenary, workshop_id: str, viewer: Viewer, *, standalone: bool = False
) -> str:
    """The report of ``workshop_id`` as ``viewer`` may see it, as a printable HTML page (see
    ``document``); ``NotFound`` if there is no such workshop."""
    markdown = await workshop_report(ctx, workshop_id, viewer)
    title = (await ctx.reads.workshop_state(workshop_id)).title
    return document(markdown, title, standalone=standalone)
