"""Plain text that people typed, shown safely: everything escaped, only http(s) links made clickable."""

import re
from urllib.parse import urlsplit

from markupsafe import Markup, escape

URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
TRAILING = ".,;:!?)]}»"


def _safe_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and "@" not in parts.netloc


def linkify(text: str | None) -> Markup:
    """Escape `text`; turn bare http(s) addresses into links that open without sending the referrer."""
    if not text:
        return Markup("")
    out = []
    position = 0
    for match in URL.finditer(text):
        url = match.group(0)
        trimmed = url.rstrip(TRAILING)
        end = match.start() + len(trimmed)
        out.append(escape(text[position : match.start()]))
        if _safe_url(trimmed):
            out.append(Markup('<a href="{0}" rel="nofollow ugc noopener noreferrer">{0}</a>').format(trimmed))
        else:
            out.append(escape(trimmed))
        position = end
    out.append(escape(text[position:]))
    return Markup("").join(out)
