import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class PurgeRecorder(ThreadingHTTPServer):
    """A stand-in Varnish node: records each PURGE and answers with `status`."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.purges: list[tuple[str, str]] = []
        self.status = 200

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


class _Handler(BaseHTTPRequestHandler):
    def do_PURGE(self):
        self.server.purges.append((self.path, self.headers.get("xkey-purge", "")))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def varnish_node():
    server = PurgeRecorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def edge(settings, varnish_node):
    """The page cache on and one Varnish node to purge (use it autouse in a module)."""
    settings.PAGE_CACHE_SECONDS = 3600
    settings.CACHE_PURGE_URLS = [varnish_node.url]
    return varnish_node


@pytest.fixture
def change(django_capture_on_commit_callbacks, edge):
    """Run a change as a committed transaction; returns the tags purged from Varnish."""

    def run(action) -> set[str]:
        edge.purges.clear()
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return {tag for _path, header in edge.purges for tag in header.split()}

    return run
