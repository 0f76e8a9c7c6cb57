"""A local feed server on 127.0.0.1 for tests and benchmarks: resources that can change between polls,
conditional GET (304), scripted answers (429, 500, Retry-After), redirects and loops, gzip, and hanging answers.

    with FeedServer() as server:
        server.add("/news.xml", rss, content_type="application/rss+xml", etag='"v1"')
        url = server.url("/news.xml")

Every request is recorded (``server.requests``, ``server.hits(path)``). Handler threads are daemons and a held
("hanging") answer waits on an event, so closing the server never waits for a client.
"""

from __future__ import annotations

import contextlib
import email.utils
import gzip
import logging
import select
import socket
import threading
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

HOLD_CHECK = 0.02  # seconds between checks that a held request's client is still there


@dataclass
class Response:
    """One scripted answer: served once, before the path's resource."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/plain; charset=utf-8"
    hang: bool = False  # hold the answer until ``release()`` (or the client leaves)
    drop: bool = False  # close the connection without answering


@dataclass
class _Resource:
    """What a path serves until it is replaced."""

    body: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    gzip: bool = True
    location: str | None = None  # a redirect
    _gzipped: bytes | None = None

    def gzipped(self) -> bytes:
        """The body gzip-compressed (once)."""
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=5, mtime=0)
        return self._gzipped


class RequestHeaders(dict[str, str]):
    """A request's headers as sent, looked up without regard to case."""

    def __init__(self, items: Iterable[tuple[str, str]]) -> None:
        super().__init__(items)
        self._folded = {name.lower(): value for name, value in self.items()}

    def __getitem__(self, name: str) -> str:
        return self._folded[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._folded

    def get(self, name: str, default: Any = None) -> Any:
        """Return the header's value, whatever the case of ``name``."""
        return self._folded.get(name.lower(), default)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    owner: FeedServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("feed server: request from %s failed", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self.connection, True)

    def finish(self) -> None:
        self.server.owner._track(self.connection, False)
        with contextlib.suppress(OSError):
            super().finish()

    def do_GET(self) -> None:
        self.server.owner._answer(self, head=False)

    def do_HEAD(self) -> None:
        self.server.owner._answer(self, head=True)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("feed server: " + format, *args)


class FeedServer:
    """A threaded HTTP server on 127.0.0.1 (ephemeral port) serving feeds registered with :meth:`add`."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.requests: list[tuple[str, str, RequestHeaders]] = []  # (method, path with query, headers)
        self._counts: Counter[str] = Counter()
        self._resources: dict[str, _Resource] = {}
        self._scripts: dict[str, deque[Response]] = {}
        self._hanging: set[str] = set()
        self._holds: dict[str, threading.Event] = {}
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._held = threading.Condition(self._lock)
        self._held_count = 0
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> FeedServer:
        """Start serving in a background thread."""
        server = _Server((self.host, 0), _Handler)
        server.owner = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: release held answers, close open connections, close the socket."""
        if self._server is None:
            return
        self._stopping.set()
        self.release()
        self._server.shutdown()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:  # wakes handler threads waiting on a kept-alive connection
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = None

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        if self._server is None:
            raise RuntimeError("the feed server is not running")
        return int(self._server.server_address[1])

    def url(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this server."""
        return f"http://{self.host}:{self.port}{path if path.startswith('/') else '/' + path}"

    # what is served

    def add(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "application/rss+xml; charset=utf-8",
        *,
        etag: str | None = None,
        last_modified: str | datetime | None = None,
        headers: Mapping[str, str] | None = None,
        status: int = 200,
        gzip: bool = True,
    ) -> None:
        """Serve ``body`` at ``path`` (replacing what was there); ``gzip`` when the client accepts it."""
        if isinstance(last_modified, datetime):
            when = last_modified if last_modified.tzinfo else last_modified.replace(tzinfo=UTC)
            last_modified = email.utils.format_datetime(when.astimezone(UTC), usegmt=True)
        data = body.encode("utf-8") if isinstance(body, str) else body
        resource = _Resource(data, content_type, etag, last_modified, dict(headers or {}), status, gzip)
        with self._lock:
            self._resources[path] = resource

    def remove(self, path: str) -> None:
        """Stop serving ``path`` (it answers 404)."""
        with self._lock:
            self._resources.pop(path, None)

    def redirect(self, src: str, dst: str, status: int = 301) -> None:
        """Redirect ``src`` to ``dst`` (a path on this server or an absolute URL); two calls make a loop."""
        with self._lock:
            self._resources[src] = _Resource(b"", "text/plain", status=status, location=dst, gzip=False)

    def script(self, path: str, responses: Iterable[Response]) -> None:
        """Answer the next requests to ``path`` with ``responses``, one each, before its resource again."""
        with self._lock:
            self._scripts.setdefault(path, deque()).extend(responses)

    def hang(self, path: str) -> None:
        """Hold every answer to ``path`` until :meth:`release` (or until its client gives up)."""
        with self._lock:
            self._hanging.add(path)

    def release(self, path: str | None = None) -> None:
        """Let the held answers go (for ``path``, or all), and stop holding new ones."""
        with self._lock:
            paths = [path] if path is not None else list(self._holds) + list(self._hanging)
            for name in paths:
                self._hanging.discard(name)
                held = self._holds.pop(name, None)
                if held is not None:
                    held.set()

    # what was asked

    def hits(self, path: str) -> int:
        """How many requests asked for ``path`` (query string ignored)."""
        with self._lock:
            return self._counts[path]

    @property
    def counts(self) -> dict[str, int]:
        """Requests per path so far."""
        with self._lock:
            return dict(self._counts)

    def wait_held(self, count: int = 1, timeout: float = 5.0) -> bool:
        """Wait until ``count`` requests in all have been held (for tests that act while a client waits)."""
        with self._held:
            return self._held.wait_for(lambda: self._held_count >= count, timeout)

    def reset(self) -> None:
        """Forget the requests recorded so far."""
        with self._lock:
            self.requests.clear()
            self._counts.clear()

    # serving

    def _track(self, conn: socket.socket, open_: bool) -> None:
        with self._lock:
            if open_:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _answer(self, handler: _Handler, *, head: bool) -> None:
        """Record the request, then answer it: a scripted response, else the resource, else 404."""
        path = urlsplit(handler.path).path
        headers = RequestHeaders(handler.headers.items())
        with self._lock:
            self.requests.append((handler.command, handler.path, headers))
            self._counts[path] += 1
            queue = self._scripts.get(path)
            scripted = queue.popleft() if queue else None
            resource = self._resources.get(path)
            hold = self._hold_event(path) if (scripted and scripted.hang) or path in self._hanging else None
            if hold is not None:
                self._held_count += 1
                self._held.notify_all()
        if hold is not None and not self._wait(handler, hold):
            handler.close_connection = True
            return
        if scripted is not None:
            if scripted.drop:
                handler.close_connection = True
                return
            body = scripted.body.encode("utf-8") if isinstance(scripted.body, str) else scripted.body
            self._send(
                handler, scripted.status, body, {"Content-Type": scripted.content_type, **scripted.headers}, head
            )
        elif resource is None:
            self._send(handler, 404, b"not found", {"Content-Type": "text/plain"}, head)
        elif resource.location is not None:
            location = resource.location if "://" in resource.location else self.url(resource.location)
            self._send(handler, resource.status, b"", {"Location": location, **resource.headers}, head)
        else:
            self._send_resource(handler, resource, headers, head)

    def _send_resource(self, handler: _Handler, resource: _Resource, headers: RequestHeaders, head: bool) -> None:
        """Answer with a resource: 304 when the client's copy is current, gzip when it is welcome."""
        meta = {"Content-Type": resource.content_type}
        if resource.etag:
            meta["ETag"] = resource.etag
        if resource.last_modified:
            meta["Last-Modified"] = resource.last_modified
        meta.update(resource.headers)
        if resource.status == 200 and _not_modified(resource, headers):
            meta.pop("Content-Type")
            self._send(handler, 304, b"", meta, head=True)
            return
        body = resource.body
        if resource.gzip:
            meta["Vary"] = "Accept-Encoding"
            if _accepts_gzip(headers.get("Accept-Encoding", "")):
                body = resource.gzipped()
                meta["Content-Encoding"] = "gzip"
        self._send(handler, resource.status, body, meta, head)

    def _send(self, handler: _Handler, status: int, body: bytes, headers: Mapping[str, str], head: bool) -> None:
        """Write one answer (with Content-Length, so the connection can be kept alive)."""
        try:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            if status != 304:
                handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if body and not head:
                handler.wfile.write(body)
        except OSError:  # the client left
            handler.close_connection = True

    def _hold_event(self, path: str) -> threading.Event:
        """The event that releases the held answers of ``path`` (called under the lock)."""
        held = self._holds.get(path)
        if held is None:
            held = self._holds[path] = threading.Event()
        return held

    def _wait(self, handler: _Handler, released: threading.Event) -> bool:
        """Hold a request until released (True), or until its client leaves or the server stops (False)."""
        while not released.wait(HOLD_CHECK):
            if self._stopping.is_set() or _client_left(handler.connection):
                return False
        return not self._stopping.is_set()


def _client_left(conn: socket.socket) -> bool:
    """Tell whether the client closed its end of the connection."""
    try:
        readable, _, _ = select.select([conn], [], [], 0)
        return bool(readable) and conn.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


def _accepts_gzip(accept_encoding: str) -> bool:
    """Tell whether an Accept-Encoding header welcomes gzip."""
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _not_modified(resource: _Resource, headers: RequestHeaders) -> bool:
    """Tell whether the client's conditional headers say its copy is current (If-None-Match wins)."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        if resource.etag is None:
            return False
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or resource.etag.removeprefix("W/") in tags
    since = headers.get("If-Modified-Since")
    if not since or not resource.last_modified:
        return False
    try:
        return _http_date(resource.last_modified) <= _http_date(since)
    except (TypeError, ValueError):
        return False


def _http_date(value: str) -> datetime:
    """An HTTP date as an aware datetime (a "-0000" zone is taken as UTC)."""
    parsed = email.utils.parsedate_to_datetime(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
