"""A Celery worker as a separate process, for the crash test and the newsletter benchmark.

A worker thread (the `celery_worker` fixture) cannot be killed without killing the
test; a child process can, with SIGKILL, exactly as a crash or the OOM killer would.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(settings_dict: dict) -> str | None:
    """The URL another process opens to see this database; None for an in-memory SQLite one."""
    engine, name = settings_dict["ENGINE"], str(settings_dict["NAME"])
    if engine == "django.db.backends.sqlite3":
        in_memory = name == ":memory:" or "mode=memory" in name
        return None if in_memory else f"sqlite:///{name}"
    if engine == "django.db.backends.postgresql":
        user = quote(settings_dict.get("USER") or "")
        password = settings_dict.get("PASSWORD")
        credentials = f"{user}:{quote(password)}" if password else user
        host = settings_dict.get("HOST") or "localhost"
        port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
        return f"postgres://{credentials}@{host}{port}/{quote(name)}"
    return None


def worker_environment(
    *, database_url: str, broker_url: str, smtp_port: int, **overrides: str
) -> dict[str, str]:
    """Production settings (newsroom.settings, DEBUG off) pointed at local services."""
    return {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost",
        "SITE_URL": "https://www.kopij.test",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


def start_worker_process(env: dict[str, str]) -> subprocess.Popen:
    """`celery -A newsroom worker --pool solo`: tasks run in this very process (its pid)."""
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "newsroom",
            "worker",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )


def stop_worker_process(worker: subprocess.Popen, timeout: float = 30) -> None:
    """A warm shutdown (the task in hand finishes), SIGKILL if that takes too long."""
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
