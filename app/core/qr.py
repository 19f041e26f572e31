"""QR codes as inline SVG (no style attribute: the CSP allows none), drawn from our own text only:
ticket and card codes, an entry's address, a password link. Never from text a person typed."""

from markupsafe import Markup


def qr_svg(text: str, title: str | None = None, scale: int = 6) -> Markup:
    import segno  # 9 MB: loaded by the first page with a QR code (tickets, cards, brochures), not at start

    qr = segno.make(text, error="m", micro=False)
    svg = qr.svg_inline(scale=scale, border=2, dark="#000", light="#fff", title=title, svgclass="qr",
                        omitsize=True)
    return Markup(svg)  # noqa: S704 - segno draws it from our own text
