"""The fast translation path gives the same text as Flask-Babel, escapes values, follows switches."""

from flask import render_template_string
from flask_babel import gettext, lazy_gettext

from app.core.i18n import refresh_language


def _render(app, source: str, language: str, **values) -> str:
    """As a request does: its own app context (and so its own g), its own request context."""
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": language}):
        app.preprocess_request()
        return render_template_string(source, **values)


def test_templates_python_code_and_lazy_labels_agree(app):
    label = lazy_gettext("Skip to content")
    with app.test_request_context("/", headers={"Accept-Language": "ar"}):
        app.preprocess_request()
        rendered = render_template_string("{{ _('Skip to content') }}")
        assert rendered == gettext("Skip to content") == str(label)
        assert str(label) == "انتقل إلى المحتوى"


def test_trans_blocks_translate_and_escape_their_values(app):
    html = _render(app, "{% trans ref=value %}Reference: {{ ref }}{% endtrans %}", "fr", value="<b>x</b>")
    assert html == "Référence : &lt;b&gt;x&lt;/b&gt;"


def test_plural_blocks_get_the_count(app):
    source = "{% trans count=n %}{{ count }} seat{% pluralize %}{{ count }} seats{% endtrans %}"
    assert _render(app, source, "en", n=1) == "1 seat"
    assert _render(app, source, "en", n=3) == "3 seats"


def test_each_request_gets_its_own_language(app):
    assert _render(app, "{{ _('Skip to content') }}", "ar") == "انتقل إلى المحتوى"
    assert _render(app, "{{ _('Skip to content') }}", "fr") == "Aller au contenu"


def test_switching_language_within_a_request_takes_effect(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        app.preprocess_request()
        assert gettext("Skip to content") == "Aller au contenu"
        from flask import session

        session["locale"] = "ar"
        refresh_language()
        assert render_template_string("{{ _('Skip to content') }}") == "انتقل إلى المحتوى"
