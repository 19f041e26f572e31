"""Service workers: each is a plain file under static/js, served from the address of the pages it
keeps (a worker's scope is its own path), so one domain's worker never sees another's pages."""

from pathlib import Path

from flask import Response, current_app


def service_worker(filename: str) -> Response:
    """static/js/<filename>, served where its scope must begin; no-cache, so a changed worker is
    picked up at the next visit (the browser compares it byte for byte)."""
    path = Path(current_app.static_folder) / "js" / filename
    response = Response(path.read_bytes(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response
