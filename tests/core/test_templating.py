"""The app's Jinja environment (app/core/templating.py): templates read its globals dict itself."""


def test_a_template_reads_the_environments_globals_even_those_added_after_it_was_loaded(app):
    assert app.jinja_env.get_template("base.html").globals is app.jinja_env.globals
    template = app.jinja_env.from_string("{{ added_later }}")
    app.jinja_env.globals["added_later"] = "vu"
    try:
        assert template.render() == "vu"
    finally:
        del app.jinja_env.globals["added_later"]


def test_a_template_given_globals_of_its_own_keeps_them_to_itself(app):
    template = app.jinja_env.from_string("{{ own }} {{ current_language is defined }}", globals={"own": 1})
    assert template.render() == "1 True"
    assert "own" not in app.jinja_env.globals
