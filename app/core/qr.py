"""QR codes as inline SVG (no style attribute: the CSP allows none), drawn from our own text only:
ticket and card codes, an entry's address, a password link. Never from text a person typed."""

import segno
from markupsafe import Markup


def qr_svg(text: str, title: str | None = None, scale: int = 6) -> Markup:
    qr = segno.make(text, error="m", micro=False)
    svg = qr.svg_inline(scale=scale, border=2, dark="#000", light="#fff", title=title, svgclass="qr",
                        omitsize=True)
    return Markup(svg)  # noqa: S704 - segno draws it from our own text
