"""Headers every response carries: a CSP htmx works under, no framing, no sniffing, no caching of
personal pages."""

import codecs
from urllib.parse import parse_qsl

from flask import Flask, Request, request
from flask.globals import request_ctx
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest, SecurityError
from werkzeug.formparser import FormDataParser, MultiPartParser

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",  # htmx is a file under static/; no inline script anywhere
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), geolocation=(), microphone=()",  # camera: QR scan at the door
}


FORM_BODY_LIMIT = 1024 * 1024  # a form without files: no field of ours needs more than a megabyte


def _without_nul(text):
    return text.replace("\x00", "") if isinstance(text, str) else text


class WithoutNul(ImmutableMultiDict):
    """Query strings and form fields without NUL: no keyboard types it, and PostgreSQL refuses it
    in text, so a NUL anywhere in a form or a search was a 500 there (files are left as sent)."""

    def __init__(self, mapping=None):
        if mapping is not None and not isinstance(mapping, dict):
            mapping = [(_without_nul(key), _without_nul(value)) for key, value in mapping]
        super().__init__(mapping)


# Werkzeug reads form bodies leniently: bytes that are not UTF-8 become "\ufffd" (multipart) or the
# text "%FF" (url-encoded), or the whole form is silently empty (raw bytes), and the form is then
# taken as typed. Such a body is no browser's: it is refused whole (400), before any view reads it.
STRICT_UTF8 = "jiwar_strict_utf_8"


def _strict_utf8_codec(name: str):
    if name == STRICT_UTF8:
        def decode(data, errors="strict"):  # MultiPartParser asks for "replace": refused
            return codecs.utf_8_decode(data, "strict", True)

        return codecs.CodecInfo(codecs.utf_8_encode, decode, name=STRICT_UTF8)
    return None


codecs.register(_strict_utf8_codec)


class StrictMultiPartParser(MultiPartParser):
    def get_part_charset(self, headers) -> str:
        charset = super().get_part_charset(headers)
        return STRICT_UTF8 if charset == "utf-8" else charset


class StrictFormDataParser(FormDataParser):
    """Form bodies decoded as UTF-8 or refused with a 400 (ValueErrors would empty the form)."""

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        try:
            items = parse_qsl(stream.read().decode(), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise BadRequest("The form is not UTF-8.") from None
        return stream, self.cls(items), self.cls()

    def _parse_multipart(self, stream, mimetype, content_length, options):
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        parser = StrictMultiPartParser(
            stream_factory=self.stream_factory,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
        )
        try:
            form, files = parser.parse(stream, boundary, content_length)
        except UnicodeDecodeError:
            raise BadRequest("A form field is not UTF-8.") from None
        return stream, form, files


class JiwarRequest(Request):
    parameter_storage_class = WithoutNul
    form_data_parser_class = StrictFormDataParser


def register_security_headers(app: Flask) -> None:
    https = app.config.get("PREFERRED_URL_SCHEME") == "https"
    hsts = "max-age=31536000" + ("; includeSubDomains" if app.config["JIWAR_HSTS_SUBDOMAINS"] else "")
    app.request_class = JiwarRequest  # input hardening lives here with the form body limit

    def limit_form_bodies():
        # MAX_CONTENT_LENGTH leaves room for photos; Werkzeug caps multipart text fields
        # (MAX_FORM_MEMORY_SIZE) but reads url-encoded bodies whole, so those get a tighter cap.
        if request.mimetype != "multipart/form-data":
            request.max_content_length = FORM_BODY_LIMIT

    def refuse_untrusted_hosts():
        # A Host outside TRUSTED_HOSTS leaves Flask without a URL adapter, and it raises only when
        # dispatching, after every before_request function: refuse here, before any of them reads the
        # request, with an adapter bound to the canonical host so the 400 page can still link home.
        if isinstance(request.routing_exception, SecurityError):
            request_ctx.url_adapter = app.url_map.bind(
                app.config["TRUSTED_HOSTS"][0], script_name=request.script_root, url_scheme=request.scheme
            )
            raise request.routing_exception

    def read_forms_strictly():
        # Parsed here, once, so a body that is not UTF-8 is refused whichever view it was sent to,
        # even one that never reads its form (StrictFormDataParser raises the 400).
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            request.form  # noqa: B018 - parsing is the point

    # First of all before_request functions: CSRFProtect's reads the form, and must do so under them.
    app.before_request_funcs.setdefault(None, [])[0:0] = [
        refuse_untrusted_hosts, limit_form_bodies, read_forms_strictly
    ]

    @app.after_request
    def add_security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if https:
            response.headers.setdefault("Strict-Transport-Security", hsts)
        if request.endpoint != "static" and "Cache-Control" not in response.headers:
            # Anything but a public page (app/core/http_cache.py): a form's CSRF token, a flashed
            # message, and when signed in personal data.
            signed_in = current_user.is_authenticated
            response.headers["Cache-Control"] = "no-store" if signed_in else "private, no-cache"
        return response
