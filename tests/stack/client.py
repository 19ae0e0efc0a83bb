"""A small HTTP client for the stack tests: cookies, forms as a browser would post them."""

import http.cookiejar
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, path: str, *, method="GET", data=None, headers=None) -> Answer:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 (our own http:// base)
            self.base + path, data=body, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=30) as answer:
                status, raw, text = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, raw, text = error.code, error.headers, error.read()
        headers = {k.lower(): v for k, v in raw.items()}
        return Answer(status, headers, text.decode("utf-8", "replace"))

    def get(self, path: str, **headers) -> Answer:
        return self.request(path, headers=headers)

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def login(self, username: str, password: str) -> None:
        self.get("/admin/login/")
        answer = self.request(
            "/admin/login/?next=/admin/",
            method="POST",
            data={"username": username, "password": password, "csrfmiddlewaretoken": self.csrf()},
            headers={"Referer": self.base + "/admin/login/"},
        )
        assert answer.status == 302, answer.text[:500]

    def submit(self, path: str, form_id: str, **changes) -> Answer:
        """Post the form `form_id` of the page at `path` as it stands, with `changes`."""
        fields = form_fields(self.get(path).text, form_id)
        fields.update(changes)
        return self.request(
            path, method="POST", data=list(fields.items()), headers={"Referer": self.base + path}
        )


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or (not a.get("name") and tag != "option"):
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file", "image"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields[a["name"]] = a.get("value", "on")
        elif tag == "textarea":
            self._textarea, self.fields[a["name"]] = a["name"], ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and ("selected" in a):
            self.fields[self._select] = a.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str) -> dict[str, str]:
    reader = _FormReader(form_id)
    reader.feed(html)
    assert reader.fields, f"no form #{form_id} on the page"
    return reader.fields


def raw_request(port: int, request: bytes, *, source: str = "127.0.0.1") -> str:
    """Send bytes from a given local address (127.0.0.2 is not in Varnish's purger ACL)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0)) as s:
        s.sendall(request)
        return s.recv(65536).decode("latin-1")
