"""A link as a QR code, drawn by the server (segno), so no third-party service ever sees an
invite's token."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str) -> str:
    """``url`` as a QR code: a standalone SVG document (with its namespace, so it shows as an
    image), dark modules on a white ground."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", scale=4, border=4, dark="#000", light="#fff", xmldecl=False, nl=False
    )
    return out.getvalue().decode()
