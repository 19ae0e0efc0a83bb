"""Benchmark the edge: the four targets of the edge-cache issue, in one run.

    .venv/bin/python benchmarks/edge.py [--duration 10] [--rounds 3] [--edits 100] [--outage 60]

Starts the production-shaped stack (deploy/stack.sh: Varnish, gunicorn -w 2, a worker,
beat) on a private PostgreSQL cluster and redis-server (free ports, removed afterwards),
with the demo content, and measures:

1. the demo article through Varnish against nginx serving the same bytes from disk
   (target: ratio >= 0.9);
2. the same article from the Django page cache (gunicorn directly, a hit) against the
   hello-world Django view of ../shared/peers returning a page of the same size under the
   same gunicorn (target: ratio >= 0.9);
3. purge-to-visible: N corrections saved through the admin, each timed from the save's
   answer until Varnish serves the new headline (target: p99 <= 1 s);
4. PostgreSQL stopped for --outage seconds under a steady load on cached pages
   (target: 0 failed requests).

Needs wrk and nginx (Debian packages) and the peers folder (copied to a scratch folder
first, as its README asks). Throughput figures are wrk's (-c32, one thread) and, with
wrk and the servers on the same cores, comparable only as ratios within one run.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.stack.client import Browser  # noqa: E402  (the project root is on the path now)
from tests.stack.stack import PASSWORD, running_stack  # noqa: E402
from tests.worker_process import free_port  # noqa: E402

PEERS = ROOT.parent / "shared" / "peers"


def wrk(url: str, seconds: int) -> float:
    """Requests per second (-c32 -t1); fails on any non-2xx answer or socket error."""
    done = subprocess.run(
        ["wrk", "-t1", "-c32", f"-d{seconds}s", url], capture_output=True, text=True, check=True
    )
    out = done.stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit(f"wrk saw errors on {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])


def compare(label: str, ours: str, peer: str, *, seconds: int, rounds: int) -> dict:
    """Alternate the two targets; the median of the per-round ratios."""
    wrk(ours, 2), wrk(peer, 2)  # warm-up
    ratios, our_rates, peer_rates = [], [], []
    for _ in range(rounds):
        our_rates.append(wrk(ours, seconds))
        peer_rates.append(wrk(peer, seconds))
        ratios.append(our_rates[-1] / peer_rates[-1])
    result = {
        "ours_rps": round(statistics.median(our_rates)),
        "peer_rps": round(statistics.median(peer_rates)),
        "ratio": round(statistics.median(ratios), 2),
        "ratios": [round(r, 2) for r in ratios],
    }
    print(f"{label}: {json.dumps(result)}", flush=True)
    return result


class Nginx:
    """nginx serving `body` at `path` from disk, with the peers' configuration."""

    def __init__(self, scratch: Path, path: str, body: bytes):
        self.prefix, self.port = scratch / "static", free_port()
        shutil.copytree(PEERS / "static", self.prefix)
        (self.prefix / "run").mkdir(exist_ok=True)
        page = self.prefix / "html" / path.strip("/") / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_bytes(body)
        conf = self.prefix / "nginx.conf"
        conf.write_text(conf.read_text().replace("127.0.0.1:8090", f"127.0.0.1:{self.port}"))
        subprocess.run(
            ["nginx", "-p", f"{self.prefix}/", "-c", "nginx.conf", "-e", "run/error.log"],
            check=True,
        )
        self.url = f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        pid = int((self.prefix / "run" / "nginx.pid").read_text())
        os.kill(pid, signal.SIGQUIT)


class Hello:
    """The peers' hello-world Django view, under the same gunicorn as the stack's app."""

    def __init__(self, scratch: Path, size: int):
        self.port, self.pidfile = free_port(), scratch / "hello.pid"
        shutil.copytree(PEERS / "hello", scratch / "hello")
        env = {**os.environ, "HELLO_BYTES": str(size)}
        subprocess.run(
            [
                *(str(ROOT / ".venv" / "bin" / "gunicorn"), "--chdir", str(scratch / "hello")),
                *("app:application", "-w", "2", "-b", f"127.0.0.1:{self.port}"),
                *("-p", str(self.pidfile), "-D", "--no-control-socket"),
            ],
            env=env,
            check=True,
        )
        self.url = f"http://127.0.0.1:{self.port}/"
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url, timeout=1)  # noqa: S310 (127.0.0.1)
                return
            except OSError:
                time.sleep(0.1)

    def stop(self) -> None:
        os.kill(int(self.pidfile.read_text()), signal.SIGTERM)


def purge_to_visible(stack, pk: int, path: str, edits: int) -> dict:
    editor, reader = Browser(stack.browser().base), stack.browser()
    editor.login("eindredacteur", PASSWORD)
    delays = []
    for number in range(1, edits + 1):
        reader.get(path)
        headline = f"Rectificatie {number}: het bedrag is {number} miljoen euro"
        saved = editor.submit(
            f"/admin/articles/article/{pk}/change/",
            "article_form",
            headline=headline,
            change_kind="update",
        )
        assert saved.status == 302, saved.text[:1000]
        started = time.monotonic()
        while headline not in reader.get(path).text:
            if time.monotonic() - started > 10:
                raise SystemExit(f"edit {number} not visible after 10 s")
            time.sleep(0.005)
        delays.append(time.monotonic() - started)
    delays.sort()
    result = {
        "edits": edits,
        "p50_ms": round(statistics.median(delays) * 1000),
        "p99_ms": round(delays[max(0, round(0.99 * len(delays)) - 1)] * 1000),
        "max_ms": round(delays[-1] * 1000),
    }
    print(f"purge-to-visible: {json.dumps(result)}", flush=True)
    return result


def database_outage(stack, paths: list[str], seconds: int) -> dict:
    reader = stack.browser()
    for path in paths:
        reader.get(path), reader.get(path)
    counts: dict[str, int] = {}
    stop = threading.Event()

    def load():
        browser = stack.browser()
        while not stop.is_set():
            for path in paths:
                try:
                    status = str(browser.get(path).status)
                except OSError as exc:
                    status = type(exc).__name__
                counts[status] = counts.get(status, 0) + 1

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    stack.postgres("stop")
    time.sleep(seconds)
    stack.postgres("start")
    time.sleep(2)
    stop.set()
    for thread in threads:
        thread.join()
    failed = sum(n for status, n in counts.items() if status != "200")
    result = {"outage_s": seconds, "requests": sum(counts.values()), "failed": failed, **counts}
    print(f"database outage: {json.dumps(result)}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--outage", type=int, default=60, help="seconds PostgreSQL is down")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://")  # the stack makes its own cluster
    print(f"load before: {os.getloadavg()}", flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="kopij-edge-bench-"))
    with running_stack() as stack:
        site = json.loads(
            stack.shell(
                "import json; from articles.models import Article;"
                " a = Article.objects.visible().order_by('-published_at', '-pk');"
                " print(json.dumps([[x.pk, x.get_absolute_url()] for x in a[:3]]))"
            ).splitlines()[-1]
        )
        pk, path = site[0]
        varnish = f"http://127.0.0.1:{stack.port}{path}"
        origin = f"http://127.0.0.1:{stack.app_port}{path}"
        body = urllib.request.urlopen(varnish).read()
        urllib.request.urlopen(origin).read()
        nginx, hello = Nginx(scratch, path, body), Hello(scratch, len(body))
        try:
            print(f"article: {path} ({len(body)} bytes)")
            pairs = {
                "varnish_vs_nginx": ("Varnish vs nginx", varnish, nginx.url),
                "pagecache_vs_hello": ("page cache vs hello", origin, hello.url),
            }
            results = {
                key: compare(*pair, seconds=args.duration, rounds=args.rounds)
                for key, pair in pairs.items()
            }
        finally:
            nginx.stop()
            hello.stop()
        results["purge"] = purge_to_visible(stack, pk, path, args.edits)
        results["outage"] = database_outage(
            stack, ["/", path, *(p for _, p in site[1:])], args.outage
        )
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"load after: {os.getloadavg()}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
