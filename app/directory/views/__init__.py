"""Routes of the directory: public pages (no per-visitor state, cacheable), a resident's report, the
municipality's work, and the HSDS exchange."""

from flask import Blueprint

bp = Blueprint("directory", __name__)

from app.directory.views import exchange, helpers, manage, public  # noqa: E402, F401
