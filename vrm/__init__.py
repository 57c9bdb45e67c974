"""Parley: people review suppliers and public services, and set their own terms."""

from __future__ import annotations

from flask import Flask

from vrm.settings import PROJECT_ROOT, Settings


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app from short named steps; nothing here touches the database or network."""
    settings = settings or Settings.from_env()
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(settings.instance_path),
    )
    _configure(app, settings)
    _trust_proxies(app, settings)
    _init_database(app, settings)
    _init_extensions(app, settings)
    _bound_url_integers(app)
    _register_blueprints(app)
    _retry_conflicts(app)
    _init_rate_limits(app, settings)
    _register_error_handlers(app)
    _register_cli(app)
    _connect_signal_handlers(app)
    return app


def _configure(app: Flask, settings: Settings) -> None:
    from vrm.search.backend import check_backend, default_backend

    url = settings.database_url
    # A postgres search backend on SQLite stops the start here, saying what to set.
    search_backend = check_backend(settings.search_backend or default_backend(url), url)
    app.extensions["vrm.settings"] = settings
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        WTF_CSRF_TIME_LIMIT=60 * 60 * 4,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_url,
        RATELIMIT_ENABLED=settings.ratelimit_enabled,
        MAX_CONTENT_LENGTH=1024 * 1024,
        JSON_SORT_KEYS=False,
        PREFERRED_URL_SCHEME="https" if settings.secure_cookies else "http",
        SEARCH_DRAIN=settings.search_drain,
        SEARCH_DRAIN_INTERVAL=settings.search_drain_interval,
        SEARCH_BACKEND=search_backend,
    )
    app.config.update(settings.extra)


def _trust_proxies(app: Flask, settings: Settings) -> None:
    """Behind PARLEY_PROXY_HOPS proxies, take the client's address, scheme and host from
    the headers those proxies add, so rate limits count each visitor and links are right."""
    if settings.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )


def _init_database(app: Flask, settings: Settings) -> None:
    from vrm import schema
    from vrm.db import Database

    Database(settings.database_url).init_app(app)
    schema.init_app(app)


def _init_extensions(app: Flask, settings: Settings) -> None:
    from vrm import numbers, security
    from vrm.caching import pages
    from vrm.db import ID_MAX, get_session
    from vrm.extensions import csrf, login_manager
    from vrm.members.models import Member

    csrf.init_app(app)
    security.init_app(app, settings)
    pages.init_app(app, settings.cache_url)
    login_manager.init_app(app)
    login_manager.login_view = "identity.sign_in"
    login_manager.login_message = "Sign in to do that."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_member(session_id: str) -> Member | None:
        raw_id, _, raw_generation = session_id.partition(".")
        member_id = numbers.whole_number(raw_id, minimum=1, maximum=ID_MAX)
        generation = numbers.whole_number(raw_generation, minimum=0, maximum=2**63 - 1)
        if member_id is None or generation is None:
            return None  # a cookie from before sessions had generations: sign in again
        member = get_session().get(Member, member_id)
        if member is None or member.session_generation != generation:
            return None  # signed out since this cookie was issued
        return member

    from vrm.main import structured_data

    app.add_template_filter(structured_data.json_ld, "json_ld")
    app.add_template_filter(structured_data.summary, "summary")
    app.add_template_global(structured_data.organization, "schema_organization")
    app.add_template_global(structured_data.review, "schema_review")

    @app.template_filter("days_as_duration")
    def _days_as_duration(days: float | None) -> str:
        # One wording for delays everywhere (the answers panel and the reputation block).
        import datetime as dt

        from vrm.representatives.queries import human_duration

        return human_duration(None if days is None else dt.timedelta(days=days))


def _bound_url_integers(app: Flask) -> None:
    """Make every <int:...> in a route stop where the ids' INTEGER columns do.

    A larger id is no row at all, so it should not match (404) rather than reach the
    database, which refuses it (SQLite's driver with OverflowError past 2**63,
    PostgreSQL with "integer out of range" past 2**31): a 500. Rules bind their
    converters when added, so this runs before any blueprint is registered.
    """
    from werkzeug.routing import IntegerConverter, Map

    from vrm.db import ID_MAX

    class IdConverter(IntegerConverter):
        def __init__(
            self,
            map: Map,
            fixed_digits: int = 0,
            min: int | None = None,
            max: int | None = ID_MAX,
            signed: bool = False,
        ) -> None:
            super().__init__(map, fixed_digits, min, max, signed)

    app.url_map.converters["int"] = IdConverter


def _register_blueprints(app: Flask) -> None:
    from vrm.api import openapi  # noqa: F401 - importing it registers every API route
    from vrm.api.blueprint import bp as api_bp
    from vrm.badges.views import bp as badges_bp
    from vrm.compare.views import bp as compare_bp
    from vrm.escalation.views import bp as escalation_bp
    from vrm.feeds.views import bp as feeds_bp
    from vrm.identity.views import bp as identity_bp
    from vrm.main.views import bp as main_bp
    from vrm.members.views import bp as members_bp
    from vrm.moderation.views import bp as review_moderation_bp
    from vrm.notifications.views import bp as notifications_bp
    from vrm.opendata.views import bp as opendata_bp
    from vrm.representatives.views import bp as representatives_bp
    from vrm.reputation.views import bp as reputation_bp
    from vrm.reviews.thread_views import bp as thread_bp
    from vrm.reviews.views import bp as reviews_bp
    from vrm.search.views import bp as search_bp
    from vrm.suppliers.views import bp as suppliers_bp
    from vrm.terms.views import bp as terms_bp
    from vrm.watch.views import bp as watch_bp

    for blueprint in (
        main_bp,
        identity_bp,
        members_bp,
        suppliers_bp,
        reviews_bp,
        thread_bp,
        review_moderation_bp,
        representatives_bp,
        notifications_bp,
        watch_bp,
        terms_bp,
        reputation_bp,
        search_bp,
        feeds_bp,
        compare_bp,
        opendata_bp,
        badges_bp,
        escalation_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)


def _retry_conflicts(app: Flask) -> None:
    """Inside the rate limits, so a retried request counts once against them."""
    from vrm import retry

    retry.init_app(app)


def _init_rate_limits(app: Flask, settings: Settings) -> None:
    from vrm.extensions import init_rate_limits

    init_rate_limits(
        app, settings.ratelimit_storage_url, settings.ratelimit_enabled, settings.workers
    )


def _register_error_handlers(app: Flask) -> None:
    from vrm import errors

    errors.init_app(app)


def _register_cli(app: Flask) -> None:
    from vrm import cli

    cli.init_app(app)


def _connect_signal_handlers(app: Flask) -> None:
    """Feature handlers are connected here, once, not at import time."""
    from vrm.activity import handlers as activity
    from vrm.caching import versions
    from vrm.moderation import handlers as moderation
    from vrm.notifications import handlers as notifications
    from vrm.representatives import handlers as representatives
    from vrm.reputation import handlers as reputation
    from vrm.reviews import handlers as reviews
    from vrm.search import handlers as search
    from vrm.suppliers import handlers as suppliers
    from vrm.terms import handlers as terms
    from vrm.watch import handlers as watch

    # connect() is idempotent (blinker keeps one connection per receiver), so creating
    # several apps in one process (tests) does not double the handlers.
    features = (
        suppliers,
        reviews,
        reputation,
        search,
        representatives,
        notifications,
        terms,
        watch,
        moderation,
    )
    for feature in (*features, activity):
        feature.connect()
    versions.connect()
    # The outbox drainer (started by a process's first request), and the postgres search
    # rows' listener, which must run after the content version's (see search.handlers).
    search.init_app(app)
