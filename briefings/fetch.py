"""Fetching article URLs with httpx, guarded against SSRF, slow servers and huge bodies.

Each connection is made by :class:`PinnedBackend`: it resolves the host once, checks every address it got,
and connects to exactly one of those checked addresses, so a host whose DNS answer changes between the
check and the connection (DNS rebinding) cannot reach a private address. TLS still runs on the original
host name (SNI and certificate verification), and the ``Host`` header is the URL's.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit

import httpcore
import httpx

from briefings.errors import FetchError

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 5
USER_AGENT = "Briefbot/0.1 (+https://github.com/briefbot/briefbot)"

Resolver = Callable[[str, int], Awaitable[list[str]]]


@dataclass(frozen=True)
class Response:
    """An HTTP answer a caller asked to see as is: its status, final URL, headers and body (none on a 304)."""

    status: int
    final_url: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class FetchedPage:
    """A fetched page: where it ended up, its content type and its decoded body."""

    url: str
    final_url: str
    content_type: str
    body: str


async def resolve_host(host: str, port: int) -> list[str]:
    """Resolve ``host`` to its IP addresses with the event loop's resolver."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"Could not find the host '{host}' ({exc.strerror}).") from exc
    return sorted({str(info[4][0]) for info in infos})


def is_public_address(address: str) -> bool:
    """Tell whether an IP address is globally routable (not private, loopback, link-local, multicast...)."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv6 address that carries an IPv4 one (mapped ::ffff:a.b.c.d, 6to4 2002:a.b.c.d::) is judged by it.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            ip = embedded
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _ip_literal(host: str) -> str | None:
    """Return ``host`` as a normalised IP address if it is one, else None."""
    try:
        return str(ipaddress.ip_address(host.strip("[]").split("%", 1)[0]))
    except ValueError:
        return None


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to addresses it has resolved and checked itself.

    ``addresses(host, port)`` resolves once and raises FetchError if the host may not be fetched; the TCP
    connection then goes to one of exactly those addresses through ``inner`` (by default anyio's sockets).
    """

    def __init__(
        self,
        addresses: Callable[[str, int], Awaitable[list[str]]],
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._addresses = addresses
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's backend interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve and check ``host`` once, then connect to the first checked address that answers."""
        addresses = await self._addresses(host, port)
        error: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:
            try:
                log.debug("connecting to %s:%s for %s", address, port, host)
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        if error is None:  # pragma: no cover - addresses() never returns an empty list
            raise FetchError(f"Could not find the host '{host}'.")
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's backend interface
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Refuse: pages are fetched over TCP only."""
        raise FetchError("Briefbot fetches pages over the network only.")

    async def sleep(self, seconds: float) -> None:
        """Sleep with the inner backend (httpcore uses this between connection retries)."""
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's HTTP transport with its connection pool built on a :class:`PinnedBackend`."""

    def __init__(self, backend: PinnedBackend, *, verify: ssl.SSLContext | bool = True) -> None:
        if not isinstance(verify, ssl.SSLContext):  # building a context reads the CA bundle: ~50 ms
            verify = httpx.create_ssl_context(verify=verify, trust_env=False)
        super().__init__(verify=verify, trust_env=False)
        # httpx 0.28 has no public way to pass a network backend (encode/httpx#3749), so the pool that its
        # constructor made is swapped for an identical one on the pinned backend; the tests in
        # tests/briefings/test_fetch_pinning.py fail if a new httpx stops using it.
        limits = httpx.Limits(max_connections=10, max_keepalive_connections=5, keepalive_expiry=5.0)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=verify,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


class Fetcher:
    """Fetches http(s) pages for ingest; refuses private addresses unless the host is allow-listed.

    ``resolver`` answers host names (injectable for tests); ``network_backend`` opens the TCP connections
    to the checked addresses (anyio's by default; injectable for tests); ``verify`` is the TLS trust (a
    context for an on-premise CA). A custom ``transport`` (tests) is opaque, so with one the addresses are
    checked before each request instead of pinned.
    """

    def __init__(
        self,
        allow_hosts: Iterable[str] = (),
        *,
        timeout: float = TIMEOUT_SECONDS,
        max_bytes: int = MAX_BYTES,
        resolver: Resolver = resolve_host,
        transport: httpx.AsyncBaseTransport | None = None,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self.allow_hosts = {h.strip().lower() for h in allow_hosts if h.strip()}
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._resolve = resolver
        self._transport = transport
        self._network_backend = network_backend
        self._verify = verify
        self._ssl_context: ssl.SSLContext | None = None  # built on first use, shared by every request

    def _allowed(self, host: str, port: int) -> bool:
        host = host.lower().strip("[]")
        return any(name in self.allow_hosts for name in (host, f"{host}:{port}", f"[{host}]", f"[{host}]:{port}"))

    def _parse(self, url: str) -> tuple[SplitResult, str, int]:
        """Check the URL's form (scheme, host, no credentials); return its parts, host and port."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise FetchError(f"'{url[:200]}' is not a valid URL.") from exc
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"Only http:// and https:// links can be added, not '{parts.scheme or url[:40]}'.")
        host = (parts.hostname or "").lower()
        if not host:
            raise FetchError(f"'{url[:200]}' has no host name.")
        if parts.username or parts.password:
            raise FetchError("Links with a user name or password in them are not fetched.")
        return parts, host, port or (443 if parts.scheme == "https" else 80)

    async def addresses(self, host: str, port: int) -> list[str]:
        """Resolve ``host`` once and return its addresses; raise FetchError if any is not public.

        An allow-listed ``host`` or ``host:port`` may resolve to any address.
        """
        literal = _ip_literal(host)
        addresses = [literal] if literal else await self._resolve(host, port)
        if not addresses:
            raise FetchError(f"Could not find the host '{host}'.")
        if self._allowed(host, port):
            return addresses
        for address in addresses:
            if not is_public_address(address):
                raise FetchError(
                    f"'{host}' points at a private or local address ({address}); Briefbot only fetches "
                    "public web pages. An operator can allow a host with BRIEFBOT_FETCH_ALLOW_HOSTS."
                )
        return addresses

    async def check_url(self, url: str) -> None:
        """Raise FetchError unless ``url`` is http(s) and its host resolves only to public addresses."""
        _, host, port = self._parse(url)
        await self.addresses(host, port)

    async def fetch(self, url: str) -> FetchedPage:
        """Fetch ``url`` following at most five redirects, each checked; enforce the time and size limits."""
        response = await self.get(url, accept="text/html,application/xhtml+xml,text/plain")
        content_type = response.headers.get("content-type", "")
        return FetchedPage(
            url=url,
            final_url=response.final_url,
            content_type=content_type.split(";")[0].strip().lower(),
            body=_decode(response.body, _charset(content_type)),
        )

    async def get(
        self, url: str, *, accept: str, headers: dict[str, str] | None = None, pass_status: tuple[int, ...] = ()
    ) -> Response:
        """GET ``url`` as :meth:`fetch` does (checked redirects, limits), with extra request ``headers``.

        Statuses in ``pass_status`` (e.g. 304, 429, 503) are returned as they are; any other status of 400 or
        more raises FetchError. Header names in the answer are lower case.
        """
        try:
            async with asyncio.timeout(self.timeout):
                return await self._get(url, accept, headers or {}, pass_status)
        except TimeoutError as exc:
            raise FetchError(f"The page took longer than {self.timeout:g} seconds to answer.") from exc

    def _client_transport(self) -> httpx.AsyncBaseTransport:
        if self._transport is not None:
            return self._transport
        if self._ssl_context is None:
            self._ssl_context = (
                self._verify
                if isinstance(self._verify, ssl.SSLContext)
                else httpx.create_ssl_context(verify=self._verify, trust_env=False)
            )
        return PinnedTransport(PinnedBackend(self.addresses, self._network_backend), verify=self._ssl_context)

    async def _get(self, url: str, accept: str, headers: dict[str, str], pass_status: tuple[int, ...]) -> Response:
        current = url
        async with httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(self.timeout),
            headers={"User-Agent": USER_AGENT, "Accept": accept, **headers},
            transport=self._client_transport(),
            trust_env=False,
        ) as client:
            for _ in range(MAX_REDIRECTS + 1):
                if self._transport is not None:
                    await self.check_url(current)  # an opaque transport cannot pin: check before asking it
                else:
                    self._parse(current)  # the pinned backend checks the address when it connects
                try:
                    async with client.stream("GET", current) as response:
                        if response.is_redirect and response.status_code not in pass_status:
                            location = response.headers.get("location", "")
                            if not location:
                                raise FetchError("The page redirected without saying where to.")
                            current = urljoin(current, location)
                            continue
                        status = response.status_code
                        if status >= 400 and status not in pass_status:
                            raise FetchError(f"The page answered HTTP {status}.")
                        body = b"" if status in pass_status else await self._read_limited(response)
                        answer = {k.lower(): v for k, v in response.headers.items()}
                        return Response(status=status, final_url=str(response.url), headers=answer, body=body)
                except httpx.TimeoutException as exc:
                    raise FetchError(f"The page took longer than {self.timeout:g} seconds to answer.") from exc
                except httpx.HTTPError as exc:
                    raise FetchError(f"Could not fetch the page: {exc.__class__.__name__}.") from exc
        raise FetchError(f"The page redirected more than {MAX_REDIRECTS} times.")

    async def _read_limited(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"The page is larger than {self.max_bytes // (1024 * 1024)} MB.")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"The page is larger than {self.max_bytes // (1024 * 1024)} MB.")
            chunks.append(chunk)
        return b"".join(chunks)


def _charset(content_type: str) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"').lower()
    return None


def _decode(body: bytes, charset: str | None) -> str:
    if b"\x00" in body[:4096]:
        raise FetchError("The page is binary, not an article.")
    for encoding in (charset, "utf-8", "cp1252"):
        if not encoding:
            continue
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise FetchError("The page's text could not be decoded.")
