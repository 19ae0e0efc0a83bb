"""Private service instances for the fault suite: stopping them harms nothing else.

Each redis-server and PostgreSQL cluster here is the test's own, on a free port,
never the machine's 6379 or 5432 that other suites and people share.
"""

import os
import shutil
import subprocess
import time
from pathlib import Path

from tests.worker_process import free_port

REDIS_SERVER, REDIS_CLI = shutil.which("redis-server"), shutil.which("redis-cli")
# Debian's wrappers around initdb and pg_ctl, and the client.
PG = {
    tool: shutil.which(tool)
    for tool in ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster", "psql")
}
CONFIGS = Path("/etc/postgresql")
POSTGRES_VERSIONS = sorted(os.listdir(CONFIGS)) if CONFIGS.is_dir() else []


def missing_tools() -> str | None:
    """Why the suite cannot start its own services here, or None."""
    if not (REDIS_SERVER and REDIS_CLI):
        return "fault suite: needs redis-server and redis-cli for a private Redis"
    if not (all(PG.values()) and POSTGRES_VERSIONS):
        return "fault suite: needs Debian's PostgreSQL (pg_createcluster) for a private cluster"
    return None


def wait_for(condition, *, what: str, timeout: float = 20.0, every: float = 0.05):
    """Poll `condition` until it is true; returns the seconds it took."""
    started = time.monotonic()
    while time.monotonic() < started + timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


class PrivateRedis:
    """A redis-server of our own on a free port, keeping nothing on disk."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        subprocess.run(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "yes", "--dir", str(self.folder),
             "--pidfile", str(self.folder / "redis.pid")],
            check=True,
        )  # fmt: skip
        wait_for(lambda: self._cli("ping") == "PONG", what="redis to start")

    def stop(self):
        self._cli("shutdown", "nosave")
        wait_for(lambda: self._cli("ping") != "PONG", what="redis to stop")

    def _cli(self, *command) -> str:
        done = subprocess.run(
            [REDIS_CLI, "-p", str(self.port), *command], capture_output=True, text=True
        )
        return done.stdout.strip()


class PrivatePostgres:
    """A PostgreSQL cluster of our own (Debian's wrappers: initdb refuses to run as root)."""

    def __init__(self):
        self.version = POSTGRES_VERSIONS[-1]
        self.port = free_port()
        self.name = f"kopij-faults-{os.getpid()}-{self.port}"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create(self):
        self._drop_leftovers()
        subprocess.run(
            [PG["pg_createcluster"], self.version, self.name, "-p", str(self.port), "--",
             "--auth-host=trust", "--auth-local=trust"],
            check=True, capture_output=True,
        )  # fmt: skip

    def start(self):
        self._ctl("start")

    def stop(self):
        # Fast: open connections are cut, as when the server or its host goes away.
        self._ctl("stop", "-m", "fast")

    def psql(self, sql: str):
        subprocess.run(
            [PG["psql"], "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-qc", sql],
            check=True, capture_output=True,
        )  # fmt: skip

    def drop(self):
        subprocess.run(
            [PG["pg_dropcluster"], self.version, self.name, "--stop"],
            check=False,
            capture_output=True,
        )

    def _drop_leftovers(self):
        # Clusters of runs that were killed before their teardown (named by their pid).
        for folder in (CONFIGS / self.version).glob("kopij-faults-*"):
            pid = int(folder.name.split("-")[2])
            if not Path(f"/proc/{pid}").exists():
                self.drop(folder.name)

    def _ctl(self, *action: str):
        subprocess.run(
            [PG["pg_ctlcluster"], "--skip-systemctl-redirect", self.version, self.name, *action],
            check=True, capture_output=True,
        )  # fmt: skip
