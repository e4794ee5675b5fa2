"""The web client's page and files, cached by version: ``index.html`` names every file under
``/static/{version}/``, where ``version`` is a digest of the web client's files taken when the
app is built. A browser keeps those files for good (``immutable``) and asks again only for the
page (``no-cache``, revalidated by its ETag), so opening a board again fetches no module
(``docs/benchmarks.md``, "canvas"). Plain ``/static/…`` still answers, revalidated each time.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

FOREVER = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


class CachedFiles(StaticFiles):
    """Static files answered with one ``Cache-Control``."""

    def __init__(self, *, directory: Path, cache_control: str) -> None:
        super().__init__(directory=directory)
        self.cache_control = cache_control

    def file_response(
        self, full_path: Any, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = self.cache_control
        return response


def version_of(folder: Path) -> str:
    """A digest of every file's name and bytes in ``folder``: it changes when any file does."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def routes(folder: Path) -> list[BaseRoute]:
    """The page at ``/``, ``/w/{id}`` and ``/b/{id}``, and ``folder``'s files under
    ``/static/{version}/`` (kept for good) and ``/static/`` (revalidated)."""
    version = version_of(folder)
    body = (folder / "index.html").read_text().replace('"/static/', f'"/static/{version}/')
    etag = f'"{hashlib.sha256(body.encode()).hexdigest()[:16]}"'

    async def index(request: Request) -> Response:
        headers = {"Cache-Control": REVALIDATE, "ETag": etag}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="text/html", headers=headers)

    return [
        Route("/", index, methods=["GET"]),
        Route("/w/{workshop_id}", index, methods=["GET"]),
        Route("/b/{board_id}", index, methods=["GET"]),
        Mount(f"/static/{version}", CachedFiles(directory=folder, cache_control=FOREVER)),
        Mount("/static", CachedFiles(directory=folder, cache_control=REVALIDATE), name="static"),
    ]
