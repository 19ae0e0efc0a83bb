"""The production-shaped stack (deploy/stack.sh) on private PostgreSQL and Redis instances.

Varnish, gunicorn, a Celery worker and beat run as separate processes on a PostgreSQL
cluster and a redis-server of their own (free ports, created and removed here), so tests
and benchmarks may stop any of them without touching the machine's shared services.
"""

import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from tests.stack.client import Browser
from tests.worker_process import ROOT, free_port

STACK = ROOT / "deploy" / "stack.sh"
PASSWORD = "stack-wachtwoord-123"
CLUSTER = "kopij_edge_stack"


def missing_tools() -> str | None:
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        return "the stack runs on PostgreSQL: CI's PostgreSQL leg runs it"
    for tool in ("varnishd", "pg_createcluster", "pg_ctlcluster", "redis-server"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if not Path("/etc/postgresql").is_dir():
        return "no PostgreSQL installation to make a private cluster with"
    return None


class Stack:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port, self.app_port = free_port(), free_port()
        self.pg_port, self.redis_port = free_port(), free_port()
        self.version = sorted(os.listdir("/etc/postgresql"))[-1]
        self.env = {
            **os.environ,
            "STACK_DIR": str(folder / "stack"),
            "STACK_PORT": str(self.port),
            "STACK_APP_PORT": str(self.app_port),
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/kopij_stack",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "CACHE_URL": f"redis://127.0.0.1:{self.redis_port}/1",
            "DEMO_PASSWORD": PASSWORD,
            # Short enough that a stopped database fails fast instead of hanging the probe.
            "DATABASE_POOL_MIN": "1",
            "CACHE_PURGE_RETRY_SECONDS": "0.2",
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)

    def run(self, *args: str) -> str:
        done = subprocess.run(args, env=self.env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
        return done.stdout

    def stack(self, *args: str) -> str:
        return self.run("bash", str(STACK), *args)

    def postgres(self, action: str) -> None:
        self.run(
            "pg_ctlcluster", self.version, CLUSTER, action, *(["-m", "fast"] * (action == "stop"))
        )

    def start_services(self) -> None:
        subprocess.run(["pg_dropcluster", "--stop", self.version, CLUSTER], capture_output=True)
        self.run(
            "pg_createcluster", self.version, CLUSTER, "-p", str(self.pg_port),
            "--", "--auth-host=trust", "--auth-local=trust",
        )  # fmt: skip
        self.postgres("start")
        self.run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres", "kopij_stack"
        )
        self.run(
            "redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--daemonize", "yes",
            "--pidfile", str(self.folder / "redis.pid"), "--dir", str(self.folder),
        )  # fmt: skip

    def stop_services(self) -> None:
        pidfile = self.folder / "redis.pid"
        if pidfile.exists():
            os.kill(int(pidfile.read_text()), 15)
        subprocess.run(["pg_dropcluster", "--stop", self.version, CLUSTER], capture_output=True)

    def browser(self) -> Browser:
        return Browser(f"http://127.0.0.1:{self.port}")

    def shell(self, code: str) -> str:
        return self.stack("manage", "shell", "-c", code)


@contextmanager
def running_stack():
    """The whole stack with the demo content and accounts; removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="kopij-stack-"))
    stack = Stack(folder)
    try:
        stack.start_services()
        stack.stack("up")
        stack.stack("manage", "load_demo")
        stack.stack("manage", "demo_accounts")
        yield stack
    finally:
        subprocess.run(["bash", str(STACK), "down"], env=stack.env, capture_output=True)
        stack.stop_services()
        if not os.environ.get("KOPIJ_KEEP_STACK"):
            shutil.rmtree(folder, ignore_errors=True)


def eventually(check, *, within: float, step: float = 0.02):
    """Poll `check` until it returns something true; its last value, and the time it took."""
    started = time.monotonic()
    while True:
        value = check()
        elapsed = time.monotonic() - started
        if value or elapsed > within:
            return value, elapsed
        time.sleep(step)
