"""Fetching article URLs with httpx, guarded against SSRF, slow servers and huge bodies."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from briefings.errors import FetchError

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 5
USER_AGENT = "Briefbot/0.1 (+https://github.com/briefbot/briefbot)"

Resolver = Callable[[str, int], Awaitable[list[str]]]


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
    return sorted({info[4][0] for info in infos})


def is_public_address(address: str) -> bool:
    """Tell whether an IP address is globally routable (not private, loopback, link-local, multicast...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


class Fetcher:
    """Fetches http(s) pages for ingest; refuses private addresses unless the host is allow-listed."""

    def __init__(
        self,
        allow_hosts: Iterable[str] = (),
        *,
        timeout: float = TIMEOUT_SECONDS,
        max_bytes: int = MAX_BYTES,
        resolver: Resolver = resolve_host,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.allow_hosts = {h.strip().lower() for h in allow_hosts if h.strip()}
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._resolve = resolver
        self._transport = transport

    def _allowed(self, host: str, port: int) -> bool:
        return host in self.allow_hosts or f"{host}:{port}" in self.allow_hosts

    async def check_url(self, url: str) -> None:
        """Raise FetchError unless ``url`` is http(s) and its host resolves only to public addresses."""
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
        port = port or (443 if parts.scheme == "https" else 80)
        if self._allowed(host, port):
            return
        try:
            addresses = [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            addresses = await self._resolve(host, port)
        if not addresses:
            raise FetchError(f"Could not find the host '{host}'.")
        for address in addresses:
            if not is_public_address(address):
                raise FetchError(
                    f"'{host}' points at a private or local address ({address}); Briefbot only fetches "
                    "public web pages. An operator can allow a host with BRIEFBOT_FETCH_ALLOW_HOSTS."
                )

    async def fetch(self, url: str) -> FetchedPage:
        """Fetch ``url`` following at most five redirects, each checked; enforce the time and size limits."""
        try:
            async with asyncio.timeout(self.timeout):
                return await self._fetch(url)
        except TimeoutError as exc:
            raise FetchError(f"The page took longer than {self.timeout:g} seconds to answer.") from exc

    async def _fetch(self, url: str) -> FetchedPage:
        current = url
        async with httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(self.timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,text/plain"},
            transport=self._transport,
            trust_env=False,
        ) as client:
            for _ in range(MAX_REDIRECTS + 1):
                await self.check_url(current)
                try:
                    async with client.stream("GET", current) as response:
                        if response.is_redirect:
                            location = response.headers.get("location", "")
                            if not location:
                                raise FetchError("The page redirected without saying where to.")
                            current = urljoin(current, location)
                            continue
                        if response.status_code >= 400:
                            raise FetchError(f"The page answered HTTP {response.status_code}.")
                        body = await self._read_limited(response)
                        return FetchedPage(
                            url=url,
                            final_url=str(response.url),
                            content_type=response.headers.get("content-type", "").split(";")[0].strip().lower(),
                            body=_decode(body, response.charset_encoding),
                        )
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
