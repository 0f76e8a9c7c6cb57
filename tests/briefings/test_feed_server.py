"""The local feed server tests and benchmarks poll: conditional GET, scripts, redirects, gzip, hanging answers."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import pytest

from briefings.feeds.testing import FeedServer, Response

RSS = "<?xml version='1.0'?><rss version='2.0'><channel><title>Local</title></channel></rss>"


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as http:
        yield http


def test_serves_on_loopback_and_records_every_request(server: FeedServer, client: httpx.Client) -> None:
    server.add("/news.xml", RSS, content_type="application/rss+xml", headers={"Cache-Control": "max-age=60"})
    assert server.url("/news.xml").startswith("http://127.0.0.1:") and server.port > 0
    response = client.get(server.url("/news.xml?page=1"), headers={"User-Agent": "probe"})
    assert response.status_code == 200 and response.text == RSS
    assert response.headers["content-type"] == "application/rss+xml"
    assert response.headers["cache-control"] == "max-age=60"
    assert client.get(server.url("/missing.xml")).status_code == 404
    head = client.head(server.url("/news.xml"))
    assert head.status_code == 200 and head.content == b""
    method, path, headers = server.requests[0]
    assert (method, path) == ("GET", "/news.xml?page=1")
    assert headers["user-agent"] == headers.get("User-Agent") == "probe" and "USER-AGENT" in headers
    assert server.hits("/news.xml") == 2 and server.counts == {"/news.xml": 2, "/missing.xml": 1}
    server.reset()
    assert server.requests == [] and server.hits("/news.xml") == 0


def test_add_again_replaces_what_is_served(server: FeedServer, client: httpx.Client) -> None:
    server.add("/f.xml", "one", status=200)
    assert client.get(server.url("/f.xml")).text == "one"
    server.add("/f.xml", b"two", content_type="text/xml", status=500)
    second = client.get(server.url("/f.xml"))
    assert (second.status_code, second.text) == (500, "two")
    server.remove("/f.xml")
    assert client.get(server.url("/f.xml")).status_code == 404


def test_if_none_match_gets_304_without_a_body(server: FeedServer, client: httpx.Client) -> None:
    server.add("/f.xml", RSS, etag='"v1"')
    first = client.get(server.url("/f.xml"))
    assert first.headers["etag"] == '"v1"'
    same = client.get(server.url("/f.xml"), headers={"If-None-Match": '"v0", W/"v1"'})
    assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == '"v1"'
    assert "content-length" not in same.headers or same.headers["content-length"] == "0"
    server.add("/f.xml", RSS + " ", etag='"v2"')
    changed = client.get(server.url("/f.xml"), headers={"If-None-Match": '"v1"'})
    assert changed.status_code == 200 and changed.text == RSS + " "
    # If-None-Match wins over If-Modified-Since
    server.add("/f.xml", RSS, etag='"v3"', last_modified="Fri, 20 Jun 2025 08:00:00 GMT")
    both = client.get(
        server.url("/f.xml"), headers={"If-None-Match": '"v2"', "If-Modified-Since": "Sat, 21 Jun 2025 08:00:00 GMT"}
    )
    assert both.status_code == 200


def test_if_modified_since_gets_304_until_the_resource_changes(server: FeedServer, client: httpx.Client) -> None:
    server.add("/f.xml", RSS, last_modified=datetime(2025, 6, 20, 8, 0, tzinfo=UTC))
    first = client.get(server.url("/f.xml"))
    stamp = first.headers["last-modified"]
    assert stamp == "Fri, 20 Jun 2025 08:00:00 GMT"
    assert client.get(server.url("/f.xml"), headers={"If-Modified-Since": stamp}).status_code == 304
    older = client.get(server.url("/f.xml"), headers={"If-Modified-Since": "Thu, 19 Jun 2025 08:00:00 GMT"})
    assert older.status_code == 200
    assert client.get(server.url("/f.xml"), headers={"If-Modified-Since": "not a date"}).status_code == 200
    server.add("/f.xml", RSS, last_modified="Sat, 21 Jun 2025 08:00:00 GMT")
    assert client.get(server.url("/f.xml"), headers={"If-Modified-Since": stamp}).status_code == 200


def test_scripted_answers_come_first_one_per_request(server: FeedServer, client: httpx.Client) -> None:
    server.add("/f.xml", RSS, etag='"v1"')
    server.script(
        "/f.xml",
        [
            Response(status=429, headers={"Retry-After": "120"}),
            Response(status=503, body="busy", content_type="text/plain"),
        ],
    )
    throttled = client.get(server.url("/f.xml"), headers={"If-None-Match": '"v1"'})
    assert throttled.status_code == 429 and throttled.headers["retry-after"] == "120"
    busy = client.get(server.url("/f.xml"))
    assert (busy.status_code, busy.text) == (503, "busy")
    assert client.get(server.url("/f.xml")).status_code == 200
    assert server.hits("/f.xml") == 3


def test_a_dropped_connection(server: FeedServer, client: httpx.Client) -> None:
    server.add("/f.xml", RSS)
    server.script("/f.xml", [Response(drop=True)])
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(server.url("/f.xml"))
    assert client.get(server.url("/f.xml")).status_code == 200


def test_redirects_and_redirect_loops(server: FeedServer, client: httpx.Client) -> None:
    server.add("/new.xml", RSS)
    server.redirect("/old.xml", "/new.xml")
    moved = client.get(server.url("/old.xml"))
    assert moved.status_code == 301 and moved.headers["location"] == server.url("/new.xml")
    followed = client.get(server.url("/old.xml"), follow_redirects=True)
    assert followed.status_code == 200 and followed.text == RSS and len(followed.history) == 1
    server.redirect("/tmp.xml", "https://elsewhere.test/f.xml", status=307)
    assert client.get(server.url("/tmp.xml")).headers["location"] == "https://elsewhere.test/f.xml"
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    with pytest.raises(httpx.TooManyRedirects):
        client.get(server.url("/a"), follow_redirects=True)
    assert server.hits("/a") + server.hits("/b") > 2


def test_gzip_only_when_the_client_accepts_it(server: FeedServer) -> None:
    body = RSS * 50
    server.add("/f.xml", body)
    server.add("/plain.xml", body, gzip=False)
    with httpx.Client(headers={"Accept-Encoding": "gzip"}) as zipped:
        response = zipped.get(server.url("/f.xml"))
        assert response.headers["content-encoding"] == "gzip" and response.text == body
        assert int(response.headers["content-length"]) < len(body)
        assert "content-encoding" not in zipped.get(server.url("/plain.xml")).headers
    with httpx.Client(headers={"Accept-Encoding": "identity"}) as plain:
        response = plain.get(server.url("/f.xml"))
        assert "content-encoding" not in response.headers and response.content == body.encode()
    with httpx.Client(headers={"Accept-Encoding": "gzip;q=0, br"}) as refusing:
        assert "content-encoding" not in refusing.get(server.url("/f.xml")).headers


def test_raw_gzip_bytes_decompress_to_the_body(server: FeedServer) -> None:
    server.add("/f.xml", RSS)
    with httpx.Client(headers={"Accept-Encoding": "gzip"}) as http, http.stream("GET", server.url("/f.xml")) as stream:
        raw = b"".join(stream.iter_raw())
    assert gzip.decompress(raw) == RSS.encode()


def test_a_hanging_path_holds_until_released(server: FeedServer, client: httpx.Client) -> None:
    server.add("/slow.xml", RSS)
    server.hang("/slow.xml")
    answers: list[httpx.Response] = []
    worker = threading.Thread(target=lambda: answers.append(client.get(server.url("/slow.xml"))))
    worker.start()
    assert server.wait_held(1)
    assert answers == []
    server.release()
    worker.join(timeout=5)
    assert [a.status_code for a in answers] == [200]
    assert client.get(server.url("/slow.xml")).status_code == 200  # released: no longer held


def test_a_client_timeout_on_a_held_answer_and_the_server_carries_on(server: FeedServer) -> None:
    server.add("/slow.xml", RSS)
    server.script("/slow.xml", [Response(hang=True, status=200, body="late")])
    with httpx.Client(timeout=0.2) as impatient, pytest.raises(httpx.ReadTimeout):
        impatient.get(server.url("/slow.xml"))
    with httpx.Client(timeout=5) as http:
        assert http.get(server.url("/slow.xml")).text == RSS  # the script was used up by the first request


def test_closing_the_server_does_not_wait_for_a_held_request() -> None:
    errors: list[Exception] = []

    def ask(url: str) -> None:
        try:
            with httpx.Client(timeout=30) as http:
                http.get(url)
        except httpx.HTTPError as exc:
            errors.append(exc)

    with FeedServer() as server:
        server.add("/slow.xml", RSS)
        server.hang("/slow.xml")
        worker = threading.Thread(target=ask, args=(server.url("/slow.xml"),))
        worker.start()
        assert server.wait_held(1)
    worker.join(timeout=5)
    assert not worker.is_alive() and len(errors) == 1  # the connection was closed, well before 30 s


def test_a_thousand_feeds_polled_concurrently(server: FeedServer) -> None:
    for i in range(1000):
        server.add(f"/feeds/{i}.xml", RSS.replace("Local", f"Feed {i}"), etag=f'"{i}"')
    with httpx.Client(timeout=5, limits=httpx.Limits(max_connections=16)) as http:

        def poll(i: int) -> int:
            first = http.get(server.url(f"/feeds/{i}.xml"))
            again = http.get(server.url(f"/feeds/{i}.xml"), headers={"If-None-Match": first.headers["etag"]})
            return first.status_code + again.status_code

        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(poll, range(0, 1000, 4)))
    assert results == [200 + 304] * 250
    assert len(server.requests) == 500 and server.hits("/feeds/4.xml") == 2
