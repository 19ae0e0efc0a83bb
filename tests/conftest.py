import os
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.worker_process import free_port

# Playwright runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"browser test: Debian Chromium not found at {CHROMIUM}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium, never a browser downloaded by Playwright.
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam"}


@pytest.fixture
def dead_cache(settings):
    """A shared cache that is down: nothing listens on port 1, so every call fails."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }


@pytest.fixture(autouse=True)
def _broker_not_paused(monkeypatch):
    # A broker error in one test must not make the outbox skip hand-overs in the next.
    monkeypatch.setattr("newsroom.outbox._paused_until", 0.0)


@pytest.fixture(autouse=True)
def _roles_after_a_flush(request):
    """A transactional test's flush empties the role groups the migrations made: a database
    test that finds none gets them back (one query when they are there)."""
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)  # set up before this fixture asks anything
            break
    else:
        if not request.node.get_closest_marker("django_db"):
            return
    from django.contrib.auth.models import Group

    if not Group.objects.exists():
        request.getfixturevalue("roles")


@pytest.fixture(autouse=True)
def _empty_cache():
    # The navigation and rate limits live in the cache; no test may see another's.
    from articles.navigation import forget_local_copy

    cache.clear()
    forget_local_copy()
    yield
    cache.clear()
    forget_local_copy()


@pytest.fixture
def celery_app(transactional_db, settings):
    """The project's Celery app sending to the configured broker (memory:// without one).

    Tasks go through the broker instead of running eagerly; something must consume them.
    """
    from newsroom.celery import app

    keys = ("broker_url", "task_always_eager", "broker_transport_options")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url=settings.CELERY_BROKER_URL or "memory://",
        task_always_eager=False,
        broker_transport_options={**saved["broker_transport_options"], "polling_interval": 0.05},
    )
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _forget_broker_connections(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        _forget_broker_connections(app)


@pytest.fixture
def celery_worker(celery_app):
    """A real Celery worker thread on the configured broker (Redis in CI), or memory://."""
    import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping)
    from celery.contrib.testing.worker import start_worker

    # No result backend is configured, so the start-up ping could never be answered.
    with start_worker(celery_app, pool="solo", shutdown_timeout=10, perform_ping_check=False):
        yield celery_app


@pytest.fixture
def broker_down():
    """The broker is unreachable: tasks go to a Redis port nothing listens on.

    `broker_down.stop()` ends the outage (tasks run in process again, as in other tests).
    """
    from newsroom import outbox
    from newsroom.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    saved_environ = os.environ.get("CELERY_BROKER_URL")

    class Outage:
        def stop(self):
            app.conf.update(saved)
            _set_broker_environ(saved_environ)
            _forget_broker_connections(app)
            outbox._paused_until = 0.0

    dead_url = f"redis://127.0.0.1:{free_port()}/0"
    app.conf.update(broker_url=dead_url, task_always_eager=False)
    _set_broker_environ(dead_url)
    _forget_broker_connections(app)
    outage = Outage()
    try:
        yield outage
    finally:
        outage.stop()


def _set_broker_environ(url: str | None) -> None:
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    if url is None:
        os.environ.pop("CELERY_BROKER_URL", None)
    else:
        os.environ["CELERY_BROKER_URL"] = url


def _forget_broker_connections(app):
    # Tasks sent before (eagerly) leave a producer pool bound to the old broker URL.
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()  # kombu's global producer pools are keyed by broker and outlive the app's


class SmtpSink:
    """Collects what a real SMTP conversation delivered, parsed as e-mail messages."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        import email
        import email.policy

        return [
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            for envelope in self.envelopes
        ]


@contextmanager
def serving_smtp(sink, settings, *, port: int | None = None):
    """Run `sink` as a real SMTP server (aiosmtpd) and point Django's SMTP backend at it.

    A given `port` lets a test stop the server and serve again where clients expect it.
    """
    from aiosmtpd.controller import Controller

    port = port or free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 collecting what it is sent."""
    with serving_smtp(SmtpSink(), settings) as sink:
        yield sink


@pytest.fixture(scope="session")
def _migrated_apps(django_db_setup, django_db_blocker):
    """The models as the migrations leave them (what RunPython code expects as `apps`)."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    with django_db_blocker.unblock():
        return MigrationLoader(connection).project_state().apps


@pytest.fixture(scope="session")
def _role_migrations(django_db_setup, django_db_blocker):
    """The data migrations that give the roles their permissions (each uses articles.roles),
    in the order the migration graph runs them."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from articles import roles as roles_module

    with django_db_blocker.unblock():
        loader = MigrationLoader(connection)
    plan = dict.fromkeys(
        node for leaf in loader.graph.leaf_nodes() for node in loader.graph.forwards_plan(leaf)
    )
    migrations = [loader.graph.nodes[node] for node in plan]

    def uses_roles(migration) -> bool:
        names = vars(sys.modules[type(migration).__module__]).values()
        return any(
            v is roles_module or getattr(v, "__module__", "") == "articles.roles" for v in names
        )

    return [migration for migration in migrations if uses_roles(migration)]


@pytest.fixture
def roles(db, _migrated_apps, _role_migrations):
    """The role groups with their permissions, as the data migrations made them.

    A transactional test's flush empties the tables, these rows included; tests that log
    in with a role and run after one (PostgreSQL leg) need them back. The migrations get
    the migrated state, never the project's app registry, which they modify.
    """
    from django.db.migrations import RunPython

    for migration in _role_migrations:
        for operation in migration.operations:
            if isinstance(operation, RunPython):
                operation.code(_migrated_apps, None)
