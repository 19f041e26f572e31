"""htmx helpers: the page and its fragment share one URL."""

from flask import make_response, redirect, render_template, request


def is_htmx_fragment_request() -> bool:
    """True for an htmx request that wants a fragment, not a boosted page navigation."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        # Back button after hx-push-url with an empty history cache: htmx asks for the whole page.
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_fragment(page: str, fragment: str, /, status: int = 200, **context):
    """Render the full page, or only the fragment template for an htmx request; both vary on it.
    The two templates are positional only, so the context may hold a `page` (of a pagination)."""
    template = fragment if is_htmx_fragment_request() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def redirect_whole_page(target: str):
    """After a form's action: the page at `target`, loaded whole. An htmx request is answered 200
    with HX-Redirect (a 303 would be followed and its page swapped into the form's place); a plain
    form gets the 303."""
    if is_htmx_fragment_request():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, code=303)
