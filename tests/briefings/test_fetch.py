"""URL ingest against a local HTTP server: extraction, SSRF refusals, redirects, limits."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from briefings.errors import FetchError, InvalidInput
from briefings.fetch import Fetcher, is_public_address
from briefings.service import BriefingService
from briefings.testing import ADMIN

ARTICLE_HTML = """<!doctype html><html><head><title>Tokyo pulls out of talks | Example News</title>
<meta property="og:site_name" content="Example News"><meta property="article:published_time" content="2025-06-21">
</head><body><nav>Home | World | Sport</nav><article><h1>Tokyo pulls out of talks</h1>
<p>Japan has called off a high-level security meeting with the United States that was scheduled for July 1,
after Washington asked Tokyo to raise its defence spending to 3.5% of GDP.</p>
<p>Prime Minister Shigeru Ishiba faces upper house elections on July 20, and officials said the timing
of the request had made the talks politically difficult for his minority coalition government.</p>
<p>Secretary of State Marco Rubio had been due to travel to Tokyo for the meeting with Foreign Minister
Takeshi Iwaya, according to two people familiar with the plans.</p></article>
<footer>Copyright Example News</footer></body></html>"""


@pytest.fixture
async def site() -> AsyncIterator[str]:
    """A local web server with an article, redirects, junk and a large page."""
    app = web.Application()

    async def article(request: web.Request) -> web.Response:
        return web.Response(text=ARTICLE_HTML, content_type="text/html")

    async def empty(request: web.Request) -> web.Response:
        return web.Response(text="<html><body><div><a href='/'>home</a></div></body></html>", content_type="text/html")

    async def broken(request: web.Request) -> web.Response:
        return web.Response(text="<html><body><p>unclosed <b><i><div>< <<>>", content_type="text/html")

    async def to_article(request: web.Request) -> web.Response:
        raise web.HTTPFound("/article")

    async def to_private(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://localhost:{request.url.port}/article")

    async def big(request: web.Request) -> web.Response:
        return web.Response(body=b"<p>" + b"a" * 3000 + b"</p>", content_type="text/html")

    async def big_chunked(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        for _ in range(10):
            await resp.write(b"x" * 500)
        await resp.write_eof()
        return resp

    async def image(request: web.Request) -> web.Response:
        return web.Response(body=b"\x89PNG\r\n\x1a\n\x00\x00", content_type="image/png")

    for path, handler in {
        "/article": article,
        "/empty": empty,
        "/broken": broken,
        "/redirect": to_article,
        "/to-private": to_private,
        "/big": big,
        "/big-chunked": big_chunked,
        "/image.png": image,
    }.items():
        app.router.add_get(path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_url_is_fetched_extracted_and_stored(service: BriefingService, site: str) -> None:
    result = await service.add_url(f"{site}/redirect", actor=ADMIN)
    assert result.created_story
    brief = await service.brief(result.story.slug)
    src = brief.sources[0]
    assert src.title == "Tokyo pulls out of talks" and src.outlet == "Example News"
    assert src.url == f"{site}/article" and src.published is not None
    assert "Home | World" not in (await service.store.article(result.article_id)).article.text


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "javascript:alert(1)", "example.com"])
async def test_non_http_urls_are_refused(service: BriefingService, url: str) -> None:
    with pytest.raises(FetchError, match="Only http"):
        await service.add_url(url, actor=ADMIN)


async def test_loopback_is_refused_unless_allowed(site: str) -> None:
    with pytest.raises(FetchError, match="private or local"):
        await Fetcher().fetch(f"{site}/article")
    port = site.rsplit(":", 1)[1]
    page = await Fetcher([f"127.0.0.1:{port}"]).fetch(f"{site}/article")
    assert "Tokyo" in page.body


async def test_redirect_to_a_private_host_is_refused(site: str) -> None:
    port = site.rsplit(":", 1)[1]
    with pytest.raises(FetchError, match="private or local"):
        await Fetcher([f"127.0.0.1:{port}"]).fetch(f"{site}/to-private")


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fd00::1",
        "0.0.0.0",
        "::ffff:127.0.0.1",
        "100.64.0.1",
    ],
)
async def test_hosts_resolving_to_private_addresses_are_refused(address: str) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return [address]

    def never(request: httpx.Request) -> httpx.Response:
        raise AssertionError("connected to a private address")

    fetcher = Fetcher(resolver=resolver, transport=httpx.MockTransport(never))
    with pytest.raises(FetchError, match="private or local"):
        await fetcher.fetch("https://news.example/story")


def test_public_addresses_pass() -> None:
    assert is_public_address("93.184.216.34") and is_public_address("2606:4700::1111")
    assert not is_public_address("127.0.0.1")


async def test_public_host_through_transport_and_timeout() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/slow":
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(200, text="hello world " * 20, headers={"content-type": "text/plain"})

    fetcher = Fetcher(resolver=resolver, transport=httpx.MockTransport(handler))
    assert (await fetcher.fetch("https://news.example/ok")).body.startswith("hello world")
    with pytest.raises(FetchError, match="longer than 10 seconds"):
        await fetcher.fetch("https://news.example/slow")


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
async def test_oversized_pages_are_refused(site: str, path: str) -> None:
    fetcher = Fetcher(["127.0.0.1"], max_bytes=1000)
    with pytest.raises(FetchError, match="larger than"):
        await fetcher.fetch(f"{site}{path}")


@pytest.mark.parametrize(
    "path,error", [("/empty", InvalidInput), ("/broken", InvalidInput), ("/image.png", FetchError)]
)
async def test_pages_without_an_article_change_nothing(
    service: BriefingService, site: str, path: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        await service.add_url(f"{site}{path}", actor=ADMIN)
    assert await service.list_stories() == []
