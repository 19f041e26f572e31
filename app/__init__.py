"""Jiwar: events, participation tracking and community proposals for migrant-inclusion programmes."""

import os
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from config import CONFIGS, ProductionConfig

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class=None, *, web_server: bool = False) -> Flask:
    """`web_server` when a WSGI server loads the app to answer requests (wsgi.py): it then leaves
    out what only `flask ...` commands use."""
    if config_class is None:
        config_class = CONFIGS[os.environ.get("JIWAR_CONFIG", "development")]
    if issubclass(config_class, ProductionConfig):
        config_class.check()

    from app.core.templating import JiwarFlask

    app = JiwarFlask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_class)
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    Path(app.instance_path).mkdir(exist_ok=True)
    from app.core.urls import IdConverter

    app.url_map.converters["int"] = IdConverter  # before the blueprints' rules are built
    from app.core.language_urls import register_language_urls

    register_language_urls(app)

    _refuse_missing_catalogs(app)
    _init_extensions(app)
    _register_migrations(app, web_server)
    _register_blueprints(app)
    _connect_signals(app)
    _refuse_bad_channels(app)

    from app.core.database import configure_database

    configure_database(app)
    _wrap_wsgi(app)

    from app.core.assets import register_assets
    from app.core.errors import register_error_handlers
    from app.core.http_cache import register_http_caching
    from app.core.security import register_security_headers
    from app.core.templating import register_template_helpers

    register_error_handlers(app)
    register_security_headers(app)
    register_http_caching(app)  # after the security headers: it runs before them
    register_assets(app)
    register_template_helpers(app)

    from app.cli import jiwar_cli

    app.cli.add_command(jiwar_cli)
    _refuse_stale_schema(app)
    return app


def trusted_hosts(config) -> list[str]:
    """The canonical URL's host and the extra ones named; Flask answers any other Host with a 400."""
    canonical = urlsplit(config["JIWAR_CANONICAL_URL"]).hostname
    return [host for host in (canonical, *config["JIWAR_TRUSTED_HOSTS"]) if host]


TRANSLATIONS = ROOT / "app" / "translations"


def _refuse_missing_catalogs(app: Flask) -> None:
    """Without its compiled catalog a language shows every page in English under its own lang
    attribute: refuse to start instead. The .mo files are committed (tests/core/test_translations.py
    checks they match the .po files)."""
    catalogs = [TRANSLATIONS / code / "LC_MESSAGES" / "messages.mo" for code in app.config["LANGUAGES"]]
    missing = [str(path.relative_to(ROOT)) for path in catalogs if not path.is_file()]
    if missing:
        raise RuntimeError(
            f"Compiled translations missing: {', '.join(missing)}. They ship in git; after editing a "
            "catalog, run `make translations-compile` (or `pybabel compile -d app/translations`)."
        )


def _refuse_bad_channels(app: Flask) -> None:
    """A wrong JIWAR_MAIL_URL or JIWAR_SMS_URL (scheme, missing credentials, no sender) stops the start
    with a message saying what to write; `flask jiwar worker` also reaches each server before sending."""
    from app.messages.channels import build_channels
    from app.messages.channels.base import ConfigurationError

    try:
        build_channels(app.config).close()
    except ConfigurationError as error:
        raise RuntimeError(f"Messages are misconfigured: {error}") from error


def _in_flask_command() -> bool:
    """Loaded by a `flask ...` command (click's context is active), not by a server."""
    import click

    return click.get_current_context(silent=True) is not None


def _refuse_stale_schema(app: Flask) -> None:
    """A server (gunicorn, wsgi.py) stops at start-up on a stale schema; `flask ...` commands, which
    run inside click and include `flask db upgrade` itself, are let through."""
    if not app.config["JIWAR_CHECK_MIGRATIONS"] or _in_flask_command():
        return
    from app.core.schema import ensure_schema_is_current
    from app.extensions import db

    with app.app_context():
        try:
            ensure_schema_is_current()
        finally:
            db.engine.dispose()  # no connection is carried into forked workers


def _wrap_wsgi(app: Flask) -> None:
    """Kept public pages inside, so that the proxies' headers (scheme, client) are already applied."""
    from app.core.page_cache import install_page_cache

    install_page_cache(app)
    trusted_proxies = app.config["JIWAR_TRUSTED_PROXIES"]
    if trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies)


def _register_migrations(app: Flask, web_server: bool) -> None:
    """`flask db ...` (Flask-Migrate). A web worker never migrates, and Flask-Migrate brings Alembic:
    about 10 MB of each worker's memory (python -m bench.memory). `flask` commands load wsgi.py too,
    inside click, and get it."""
    if web_server and not _in_flask_command():
        return
    from flask_migrate import Migrate

    from app.extensions import db

    Migrate(app, db, directory=str(ROOT / "migrations"))


def _init_extensions(app: Flask) -> None:
    from app.accounts.passwords import use_cost
    from app.accounts.session import load_user
    from app.core.i18n import install_fast_translations
    from app.core.language_urls import select_locale
    from app.extensions import babel, compress, csrf, db, limiter, login_manager

    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(TRANSLATIONS),
    )
    install_fast_translations(app, babel)
    limiter.init_app(app)
    compress.init_app(app)
    login_manager.init_app(app)
    from app.core.storage import init_storage

    init_storage(app)
    login_manager.user_loader(load_user)
    use_cost(app.config["ARGON2_COST"])
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = None  # the sign-in page says why on its own


def _connect_signals(app: Flask) -> None:
    """Lower domains announce their changes (blinker signals defined in their own package); the
    higher ones follow them here, never by an import's side effect, in the same transaction."""
    from app.accounts.signals import announce_changes
    from app.events.tally import keep_tally
    from app.messages.quiet import watch_quiet_hours
    from app.reports.rollups import connect_signals as connect_reports

    keep_tally()
    announce_changes()
    connect_reports(app)
    watch_quiet_hours()


def _register_blueprints(app: Flask) -> None:
    from app.accounts.views import bp as accounts_bp
    from app.core.language_urls import PREFIX
    from app.directory.views import bp as directory_bp
    from app.directory.visit_views import bp as desk_visits_bp
    from app.events.views import bp as events_bp
    from app.main.views import bp as main_bp
    from app.messages.views import bp as messages_bp
    from app.messages.views import receipts_bp
    from app.privacy.views import bp as privacy_bp
    from app.proposals.views import bp as proposals_bp
    from app.reports.views import bp as reports_bp


    # Every page lives under its language (app/core/language_urls.py).
    blueprints = (
        main_bp, accounts_bp, events_bp, proposals_bp, directory_bp, desk_visits_bp, messages_bp, reports_bp,
        privacy_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint, url_prefix=PREFIX + (blueprint.url_prefix or ""))
    # The SMS gateways call these addresses: no language in them.
    app.register_blueprint(receipts_bp)
