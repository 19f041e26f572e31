"""Dates in the exported file: ISO 8601, UTC."""

from datetime import datetime


def when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
