"""Routes of the proposals domain: public pages and resident actions, then the municipality's work."""

from flask import Blueprint

bp = Blueprint("proposals", __name__)

from app.proposals.views import loaders, manage, public  # noqa: E402, F401
