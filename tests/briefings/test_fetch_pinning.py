"""The fetcher connects to the very address it checked: DNS rebinding, redirects, allow list, TLS names."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpcore
import pytest
from aiohttp import web

from briefings.errors import FetchError
from briefings.fetch import Fetcher, is_public_address

PUBLIC = "93.184.216.34"  # a documentation-style public address: never actually dialled by these tests
BODY = "Officials said on Monday that the meeting would not go ahead as planned this summer. " * 3


@dataclass
class Site:
    """A local web server that records the requests it saw."""

    port: int
    seen: list[tuple[str, str]] = field(default_factory=list)  # (path, Host header)
    sni: list[str | None] = field(default_factory=list)


async def _serve(
    routes: dict[str, web.Response | str], tls: ssl.SSLContext | None = None
) -> tuple[web.AppRunner, Site]:
    site = Site(port=0)
    app = web.Application()

    def handler_for(path: str, answer: web.Response | str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handler(request: web.Request) -> web.StreamResponse:
            site.seen.append((path, request.headers.get("Host", "")))
            if isinstance(answer, str):
                raise web.HTTPFound(answer)
            return web.Response(text=answer.text, content_type="text/plain")

        return handler

    for path, answer in routes.items():
        app.router.add_get(path, handler_for(path, answer))
    runner = web.AppRunner(app)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls)
    await tcp.start()
    site.port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, site


@pytest.fixture
async def public_site() -> AsyncIterator[Site]:
    """Plays the public web server (reached through ``Dialer`` when the fetcher dials PUBLIC)."""
    runner, site = await _serve({"/story": web.Response(text=BODY), "/to-secret": "/secret-redirect"})
    yield site
    await runner.cleanup()


@pytest.fixture
async def secret_site() -> AsyncIterator[Site]:
    """A loopback-only server that no test may ever reach unless it is allow-listed."""
    runner, site = await _serve({"/secret": web.Response(text="internal admin page " * 10)})
    yield site
    await runner.cleanup()


class Dialer(httpcore.AsyncNetworkBackend):
    """Opens real sockets, but sends the pretend public address to a local port; records every dial."""

    def __init__(self, public_port: int) -> None:
        self.public_port = public_port
        self.dialled: list[tuple[str, int]] = []
        self._real = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.dialled.append((host, port))
        if host == PUBLIC:
            return await self._real.connect_tcp("127.0.0.1", self.public_port, timeout=timeout)
        return await self._real.connect_tcp(host, port, timeout=timeout)


class Rebinding:
    """A resolver that answers a public address the first time and loopback every time after."""

    def __init__(self, first: str = PUBLIC, then: str = "127.0.0.1") -> None:
        self.first, self.then = first, then
        self.calls: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        return [self.first] if len(self.calls) == 1 else [self.then]


async def test_a_rebinding_host_is_dialled_at_the_address_that_was_checked(
    public_site: Site, secret_site: Site
) -> None:
    resolver, dialer = Rebinding(), Dialer(public_site.port)
    fetcher = Fetcher(resolver=resolver, network_backend=dialer)
    page = await fetcher.fetch(f"http://rebind.example:{secret_site.port}/story")
    assert page.body == BODY
    assert resolver.calls == ["rebind.example"]  # resolved once, not again at connect time
    assert dialer.dialled == [(PUBLIC, secret_site.port)]
    assert secret_site.seen == []
    assert public_site.seen == [("/story", f"rebind.example:{secret_site.port}")]  # Host is the URL's


async def test_a_host_that_rebinds_before_the_connection_is_refused(
    public_site: Site, secret_site: Site
) -> None:
    # The first answer went to someone else (a pre-check, a cache warm-up): the connection's own
    # resolution gets loopback, and the fetcher refuses instead of dialling it.
    resolver, dialer = Rebinding(), Dialer(public_site.port)
    await resolver("rebind.example", 80)
    fetcher = Fetcher(resolver=resolver, network_backend=dialer)
    with pytest.raises(FetchError, match=r"private or local address \(127\.0\.0\.1\)"):
        await fetcher.fetch(f"http://rebind.example:{secret_site.port}/secret")
    assert dialer.dialled == [] and secret_site.seen == []


async def test_each_connection_resolves_again_and_is_checked_again(public_site: Site, secret_site: Site) -> None:
    resolver, dialer = Rebinding(), Dialer(public_site.port)
    fetcher = Fetcher(resolver=resolver, network_backend=dialer)
    await fetcher.fetch(f"http://rebind.example:{secret_site.port}/story")
    with pytest.raises(FetchError, match="private or local"):
        await fetcher.fetch(f"http://rebind.example:{secret_site.port}/secret")
    assert secret_site.seen == [] and dialer.dialled == [(PUBLIC, secret_site.port)]


async def test_one_private_address_among_public_ones_is_refused(secret_site: Site) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return [PUBLIC, "127.0.0.1"]

    dialer = Dialer(secret_site.port)
    with pytest.raises(FetchError, match="private or local"):
        await Fetcher(resolver=resolver, network_backend=dialer).fetch("http://mixed.example/secret")
    assert dialer.dialled == []


async def test_every_redirect_hop_is_resolved_checked_and_pinned(public_site: Site, secret_site: Site) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return {"news.example": [PUBLIC], "evil.example": ["127.0.0.1"]}[host]

    runner, hop = await _serve({"/go": f"http://evil.example:{secret_site.port}/secret"})
    try:
        dialer = Dialer(hop.port)
        with pytest.raises(FetchError, match=r"'evil\.example' points at a private or local address"):
            await Fetcher(resolver=resolver, network_backend=dialer).fetch("http://news.example/go")
        assert hop.seen == [("/go", "news.example")]
        assert dialer.dialled == [(PUBLIC, 80)] and secret_site.seen == []
    finally:
        await runner.cleanup()


async def test_allow_listed_hosts_are_fetched_end_to_end(secret_site: Site) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    url = f"http://intranet.test:{secret_site.port}/secret"
    with pytest.raises(FetchError, match="private or local"):
        await Fetcher(resolver=resolver).fetch(url)
    for allowed in ("intranet.test", f"intranet.test:{secret_site.port}", "INTRANET.test "):
        page = await Fetcher([allowed], resolver=resolver).fetch(url)
        assert page.body.startswith("internal admin page") and page.final_url == url
    assert secret_site.seen[-1] == ("/secret", f"intranet.test:{secret_site.port}")
    with pytest.raises(FetchError, match="private or local"):
        await Fetcher(["intranet.test:1"], resolver=resolver).fetch(url)  # another port is not allowed


async def test_allow_listed_localhost_with_the_real_resolver(secret_site: Site) -> None:
    page = await Fetcher(["localhost"]).fetch(f"http://localhost:{secret_site.port}/secret")
    assert "internal admin page" in page.body


async def test_allow_listed_ip_literal_is_dialled_directly(secret_site: Site) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        raise AssertionError("an IP address needs no resolving")

    page = await Fetcher([f"127.0.0.1:{secret_site.port}"], resolver=resolver).fetch(
        f"http://127.0.0.1:{secret_site.port}/secret"
    )
    assert "internal admin page" in page.body


@pytest.mark.parametrize("address", ["2002:7f00:1::1", "2002:a00:1::1", "::ffff:10.0.0.1", "64:ff9b::7f00:1"])
def test_ipv6_addresses_that_carry_private_ipv4_ones_are_not_public(address: str) -> None:
    assert not is_public_address(address)


def test_6to4_of_a_public_address_is_public() -> None:
    assert is_public_address("2002:5db8:d822::1")  # 6to4 of 93.184.216.34


# ----- TLS: the connection goes to the pinned IP, but SNI and the certificate check use the host name -----


@dataclass(frozen=True)
class Certs:
    ca: Path
    cert: Path
    key: Path


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    """A throwaway CA and a server certificate for news.example, made with the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed")
    d = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=d, check=True, capture_output=True)

    run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Briefbot Test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", *ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=news.example")
    (d / "ext.cnf").write_text(
        "subjectAltName=DNS:news.example\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n"
    )
    run("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "leaf.pem", "-days", "2", "-extfile", "ext.cnf")
    return Certs(ca=d / "ca.pem", cert=d / "leaf.pem", key=d / "leaf.key")


@pytest.fixture
async def tls_site(certs: Certs) -> AsyncIterator[Site]:
    """An https server on 127.0.0.1 with the news.example certificate; records the SNI names it is sent."""
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(certs.cert, certs.key)
    names: list[str | None] = []

    def remember(sock: ssl.SSLObject, name: str | None, ctx: ssl.SSLContext) -> None:
        names.append(name)

    server_ctx.sni_callback = remember
    runner, site = await _serve({"/story": web.Response(text=BODY)}, tls=server_ctx)
    site.sni = names
    yield site
    await runner.cleanup()


async def test_https_keeps_sni_host_and_certificate_check_on_the_host_name(certs: Certs, tls_site: Site) -> None:
    resolver, dialer = Rebinding(), Dialer(tls_site.port)
    trust = ssl.create_default_context(cafile=str(certs.ca))
    fetcher = Fetcher(resolver=resolver, network_backend=dialer, verify=trust)
    page = await fetcher.fetch(f"https://news.example:{tls_site.port}/story")
    assert page.body == BODY
    assert dialer.dialled == [(PUBLIC, tls_site.port)]  # the pinned address...
    assert tls_site.sni == ["news.example"]  # ...but TLS speaks to the host name
    assert tls_site.seen == [("/story", f"news.example:{tls_site.port}")]


async def test_https_certificate_of_another_name_is_refused(certs: Certs, tls_site: Site) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return [PUBLIC]

    trust = ssl.create_default_context(cafile=str(certs.ca))
    fetcher = Fetcher(resolver=resolver, network_backend=Dialer(tls_site.port), verify=trust)
    with pytest.raises(FetchError, match="Could not fetch the page: ConnectError"):
        await fetcher.fetch(f"https://other.example:{tls_site.port}/story")
    assert tls_site.seen == []


async def test_https_with_an_unknown_authority_is_refused(tls_site: Site) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return [PUBLIC]

    fetcher = Fetcher(resolver=resolver, network_backend=Dialer(tls_site.port))
    with pytest.raises(FetchError, match="Could not fetch the page"):
        await fetcher.fetch(f"https://news.example:{tls_site.port}/story")
    assert tls_site.seen == []
