"""The fault suite: real services of the tests' own, stopped and started on purpose.

Runs on its own (`pytest -m faults`, CI's PostgreSQL/Redis leg): a worker process
must see the test database, so it needs PostgreSQL as the test database
(DATABASE_URL). Each case prints its figures; the terminal summary repeats them.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests.faults.figures import Figures
from tests.faults.services import PrivatePostgres, PrivateRedis, missing_tools
from tests.worker_process import (
    database_url,
    start_worker_process,
    stop_worker_process,
    worker_environment,
)

HERE = Path(__file__).resolve().parent
FIGURES = pytest.StashKey[list[Figures]]()


def why_not_run(config) -> str | None:
    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return (
            "fault suite: needs PostgreSQL as the test database (DATABASE_URL), which its "
            "worker processes share; CI runs it on the PostgreSQL/Redis leg (pytest -m faults)"
        )
    named = any(Path(arg.split("::")[0]).resolve().is_relative_to(HERE) for arg in config.args)
    # `-m faults` or `-m crash` asks for it; `-m "not browser"` does not.
    asked = re.search(r"\b(faults|crash)\b", re.sub(r"\bnot\s+\w+", "", config.option.markexpr))
    if not (asked or named):
        return "fault suite: runs on its own with `pytest -m faults` (CI does, once)"
    return missing_tools()


@pytest.hookimpl(trylast=True)  # after `-m` has deselected what it does not want
def pytest_collection_modifyitems(config, items):
    faults = [item for item in items if item.get_closest_marker("faults")]
    reason = faults and why_not_run(config)
    for item in faults if reason else []:
        item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter, config):
    figures = config.stash.get(FIGURES, [])
    if figures:
        terminalreporter.section("fault suite figures")
        for figure in figures:
            terminalreporter.write_line(figure.line())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and "figures" in item.funcargs:
        xfail = hasattr(report, "wasxfail")
        item.funcargs["figures"].outcome = "xfailed" if xfail else report.outcome
    return report


@pytest.fixture
def figures(request):
    """The case's figures: filled by the test, printed (`-s`) and summed up at the end."""
    figure = Figures(case=request.node.name)
    yield figure
    print(f"\nFIGURES {figure.line()}")
    request.config.stash.setdefault(FIGURES, []).append(figure)


@pytest.fixture
def private_redis(tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def _private_broker(private_redis, settings, monkeypatch):
    settings.CELERY_BROKER_URL = private_redis.url(0)
    # Celery reads the environment first (CI's PostgreSQL run sets it to the shared Redis).
    monkeypatch.setenv("CELERY_BROKER_URL", private_redis.url(0))
    settings.OUTBOX_SWEEP_AFTER_SECONDS = 0
    # The private redis keeps nothing when stopped: what it had taken is lost and the
    # sweep hands it over again (in production after an hour).
    settings.OUTBOX_REQUEUE_AFTER_MINUTES = 0


@pytest.fixture
def celery_app(_private_broker, celery_app):
    return celery_app


@pytest.fixture
def worker_thread(celery_app):
    """A worker thread in this process: it sees this test's settings (caches, SMTP)."""
    import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping)
    from celery.contrib.testing.worker import start_worker

    with start_worker(celery_app, pool="solo", shutdown_timeout=10, perform_ping_check=False):
        yield


@pytest.fixture
def worker_env(celery_app, settings):
    """`worker_env(**overrides)`: production settings for a worker process on our services."""

    def environment(**overrides: str) -> dict[str, str]:
        return worker_environment(
            database_url=database_url(connection.settings_dict),
            broker_url=settings.CELERY_BROKER_URL,
            smtp_port=settings.EMAIL_PORT,
            SITE_URL=settings.SITE_URL,  # the same Message-ID domain as this process computes
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            **overrides,
        )

    return environment


@pytest.fixture
def worker_processes(celery_app):
    """Start worker processes with `start(env)`; every one still running is stopped at the end."""
    started = []

    def start(env):
        worker = start_worker_process(env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        stop_worker_process(worker)


@pytest.fixture(scope="session")
def private_postgres():
    """A PostgreSQL cluster of the suite's own, dropped at the end."""
    cluster = PrivatePostgres()
    cluster.create()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.drop()
