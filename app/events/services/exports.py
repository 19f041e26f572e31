"""The attendance list an organiser downloads: CSV that Excel opens with Arabic intact."""

import csv
import io

from app.core.audit import record_audit
from app.extensions import db

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A cell a spreadsheet would run as a formula is prefixed with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_attendance_csv(actor, event, header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    record_audit("event.attendance_exported", actor, event, rows=len(rows))
    db.session.commit()
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
