"""Static files: a content fingerprint in their URL, a year of caching, compressed once at start-up.

`asset_url("css/jiwar.css")` gives /static/css/jiwar.css?v=<hash of the file>; a changed file gets a
new URL, so a long cache never serves a stale stylesheet. CSS and JS are compressed with brotli and
gzip at their best levels once, when the app starts, instead of on every request.
"""

import gzip
import hashlib
from pathlib import Path

import brotli
from flask import Flask, request, url_for

ONE_YEAR = 365 * 24 * 3600
COMPRESSIBLE = {".css", ".js", ".svg"}


def register_assets(app: Flask) -> None:
    static = Path(app.static_folder)
    files = {str(path.relative_to(static)): path for path in static.rglob("*") if path.is_file()}
    fingerprints = {name: hashlib.sha256(path.read_bytes()).hexdigest()[:12] for name, path in files.items()}
    compressed = {
        name: {"br": brotli.compress(body, quality=11), "gzip": gzip.compress(body, 9)}
        for name, body in ((name, path.read_bytes()) for name, path in files.items())
        if Path(name).suffix in COMPRESSIBLE
    }

    built: dict[tuple[str, str], str] = {}

    def asset_url(filename: str) -> str:
        # The same for every request under the same root path: built once (two per page).
        key = (request.script_root, filename)
        url = built.get(key)
        if url is None:
            url = built[key] = url_for("static", filename=filename, v=fingerprints[filename])
        return url

    app.jinja_env.globals["asset_url"] = asset_url

    @app.after_request
    def serve_static_well(response):
        if request.endpoint != "static" or response.status_code != 200:
            return response
        filename = (request.view_args or {}).get("filename")
        if request.args.get("v") == fingerprints.get(filename):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        encodings = compressed.get(filename)
        if encodings:
            response.vary.add("Accept-Encoding")
            accepted = request.accept_encodings
            encoding = next((name for name in ("br", "gzip") if accepted[name]), None)
            if encoding:
                response.close()  # the file Flask opened for the uncompressed body
                response.direct_passthrough = False
                response.set_data(encodings[encoding])
                response.headers["Content-Encoding"] = encoding
                etag, weak = response.get_etag()
                if etag:
                    response.set_etag(f"{etag}-{encoding}", weak)
        return response
