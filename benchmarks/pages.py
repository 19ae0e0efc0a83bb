"""Reader pages at archive size: queries, latency alone and throughput under load.

    DATABASE_URL=postgres://…/kopij_big .venv/bin/python benchmarks/pages.py 1000000 \\
        [--peer http://127.0.0.1:8000/buitenland/demo-artikel/] [--duration 15]

Makes sure the configured database holds at least ARTICLES articles (`load_archive` adds the
rest) and that a small one beside it (`<name>_small`, same server) holds 30. For each it
serves the project with gunicorn (2 sync workers, production settings) and measures, per
page: the queries of one request, p50/p95 of 50 requests one at a time, and req/s at 32
connections with wrk; then prints the ratios of the big archive to the small one. Search is
measured over 50 fixed queries of varied frequency. `--peer URL` measures that page (the
Wagtail peer's article) in the same run, for the article page's ratio against it.
Needs PostgreSQL (DATABASE_URL) and wrk (`apt-get install wrk`).
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SMALL = 30
# From words in most articles ("jaar") to rare ones, with a phrase, an exclusion and "or".
SEARCHES = [
    "jaar",
    "kabinet",
    "verdrag",
    "verdragen",
    "Leeuwarden",
    "wethouder",
    "dijkgraaf",
    "sterrenkunde",
    "haven",
    "trein",
    "klimaat",
    "stikstof",
    "asiel",
    "pensioenen",
    "onderwijs",
    "defensie",
    "landbouw",
    "spoor",
    "windparken",
    "inflatie",
    "Brussel",
    "Wenen",
    "Kyiv",
    "voetbal",
    "schaatsen",
    "wielrennen",
    "museum",
    "synode",
    "ziekenhuis",
    "vaccin",
    "universiteit",
    "opgraving",
    "middeleeuwen",
    "netcongestie",
    "hackers",
    "privacy",
    "toeslagen",
    "huurprijzen",
    "droogte",
    "zorgkosten",
    "energieprijzen",
    "ministers",
    "gemeenteraad",
    "vluchtelingen",
    "wapens",
    "regering",
    '"de haven"',
    "kabinet -brussel",
    "minister or rechter",
    "wachtlijsten eeuwenoude",
]
# Asked inside the project: which URLs to measure and how many queries each takes.
PICK = """
import json, sys
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from articles.models import Article, Author
from articles.sitemaps import month_lastmods

visible = Article.objects.visible().filter(section__slug="buitenland").for_listing()
newest = visible.first()
deep = visible.values_list("pk", flat=True)[min(8000, visible.count() - 1)]
months = month_lastmods()
month = months[len(months) // 2][0]
urls = {
    "article": newest.get_absolute_url(),
    "home": "/",
    "section": "/buitenland/",
    "deep section": f"/buitenland/?voor={deep}",
    "author": Author.objects.order_by("pk").first().get_absolute_url(),
    "search": "/zoeken/?q=jaar",
    "rss": "/feeds/rss/",
    "sitemap index": "/sitemap.xml",
    "month sitemap": f"/sitemap-articles-{month:%Y-%m}.xml",
    "news sitemap": "/sitemap-news.xml",
}
client = Client(HTTP_HOST="127.0.0.1")
queries = {}
for name, url in urls.items():
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    queries[name] = len(captured)
print(json.dumps({"urls": urls, "queries": queries, "articles": Article.objects.count()}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", type=int, help="archive size to measure")
    parser.add_argument("--peer", help="a peer's article URL to measure in the same run")
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    big_url = os.environ.get("DATABASE_URL", "")
    if not big_url.startswith("postgres") or not shutil.which("wrk"):
        sys.exit("Needs DATABASE_URL=postgres://… and wrk (apt-get install wrk).")
    parts = urlsplit(big_url)
    small_url = urlunsplit(parts._replace(path=parts.path + "_small"))
    static = Path(tempfile.mkdtemp(prefix="kopij-bench-static-"))
    env = production_env(big_url, static)
    run(["manage.py", "collectstatic", "--noinput", "-v0"], env)
    results = {}
    for label, url, size in (("small", small_url, SMALL), ("big", big_url, args.articles)):
        prepare(url, size, static)
        results[label] = measure(production_env(url, static), args)
    if args.peer:
        results["peer"] = load(args.peer, args)
    report(results, args)


def production_env(database_url: str, static: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-" + "x" * 50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(static),
        "LOG_LEVEL": "WARNING",
    }


def run(command: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, *command], cwd=ROOT, env=env, check=True, text=True, **kwargs)


def prepare(database_url: str, articles: int, static: Path) -> None:
    """Create the database if needed, migrate, and fill it up to `articles` articles."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    env = production_env(database_url, static)
    run(["manage.py", "migrate", "--noinput", "-v0"], env)
    with psycopg.connect(database_url) as conn:
        have = conn.execute("SELECT count(*) FROM articles_article").fetchone()[0]
    if have < articles:
        run(["manage.py", "load_archive", "--articles", str(articles - have), "--seed", "1"], env)


def measure(env: dict, args) -> dict:
    picked = json.loads(
        run(
            ["-c", "import django; django.setup()\n" + PICK],
            env | _settings(),
            stdout=subprocess.PIPE,
        ).stdout
    )
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "newsroom.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/")
        pages = {}
        for name, path in picked["urls"].items():
            paths = [f"/zoeken/?q={quote(q)}" for q in SEARCHES] if name == "search" else [path]
            pages[name] = {
                "queries": picked["queries"][name],
                **alone([base + p for p in paths]),
                **load_many([base + p for p in paths], args),
            }
        return {"articles": picked["articles"], "pages": pages}
    finally:
        server.terminate()
        try:
            server.wait(60)  # gunicorn finishes the requests in hand
        except subprocess.TimeoutExpired:
            server.kill()


def _settings() -> dict:
    return {"DJANGO_SETTINGS_MODULE": "newsroom.settings"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own server)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not answer at {url}")


def alone(urls: list[str], requests: int = 50) -> dict:
    """p50 and p95 of requests one at a time (after a warm-up), in ms."""
    for url in urls[:5]:
        urllib.request.urlopen(url).read()  # noqa: S310
    times = []
    for number in range(max(requests, len(urls))):
        started = time.perf_counter()
        urllib.request.urlopen(urls[number % len(urls)]).read()  # noqa: S310
        times.append((time.perf_counter() - started) * 1000)
    quantiles = statistics.quantiles(times, n=20)
    return {"p50": statistics.median(times), "p95": quantiles[18]}


def load_many(urls: list[str], args) -> dict:
    return load(urls[0], args, urls=urls)


def load(url: str, args, urls: list[str] | None = None) -> dict:
    """req/s at args.connections connections with wrk (rotating over `urls` if several)."""
    command = ["wrk", "-t1", f"-c{args.connections}", f"-d{args.duration}s"]
    if urls and len(urls) > 1:
        paths = [urlsplit(u).path + "?" + urlsplit(u).query for u in urls]
        script = Path(tempfile.mkdtemp(prefix="kopij-bench-")) / "rotate.lua"
        script.write_text(
            "local paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
            "local n = 0\nrequest = function()\n  n = n % #paths + 1\n"
            "  return wrk.format(nil, paths[n])\nend\n"
        )
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = next(line for line in output.splitlines() if line.startswith("Requests/sec"))
    errors = [line.strip() for line in output.splitlines() if "Non-2xx" in line or "errors" in line]
    return {"rps": float(rate.split()[1]), "errors": errors}


def report(results: dict, args) -> None:
    small, big = results["small"], results["big"]
    print(
        f"\nKopij reader pages: {big['articles']:,} articles against {small['articles']:,}"
        f" (gunicorn -w 2 sync, wrk {args.connections} connections, {args.duration} s;"
        f" load average {os.getloadavg()[0]:.1f})"
    )
    header = f"{'page':<15}{'queries':>9}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>9}"
    print(header + f"{'small req/s':>13}{'ratio':>7}{'p95 small':>11}")
    for name, page in big["pages"].items():
        base = small["pages"][name]
        print(
            f"{name:<15}{page['queries']:>5} ({base['queries']}){page['p50']:>8.1f}"
            f"{page['p95']:>9.1f}{page['rps']:>9.1f}{base['rps']:>13.1f}"
            f"{page['rps'] / base['rps']:>7.2f}{base['p95']:>11.1f}"
            + (f"  {' '.join(page['errors'])}" if page["errors"] else "")
        )
    if "peer" in results:
        peer = results["peer"]["rps"]
        article = big["pages"]["article"]["rps"]
        print(
            f"peer article {peer:.1f} req/s; Kopij's article {article / peer:.2f} times the peer's"
        )


if __name__ == "__main__":
    main()
