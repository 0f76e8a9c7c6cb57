"""Finding a page's feeds, and OPML subscription lists in and out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefings.errors import FeedError
from briefings.feeds.discover import FeedLink, feed_links
from briefings.feeds.opml import MAX_OPML_BYTES, OpmlFeed, parse_opml, write_opml

DATA = Path(__file__).resolve().parents[1] / "data" / "feeds"


def test_a_pages_alternate_feeds_in_document_order_without_repeats() -> None:
    html = (DATA / "page.html").read_text()
    assert feed_links(html, "https://harbour.test/news/index.html") == [
        FeedLink(url="https://harbour.test/feeds/rss2.xml", title="Harbour Times (RSS)", kind="rss"),
        FeedLink(url="https://harbour.test/news/feeds/atom.xml", title="Harbour Times (Atom)", kind="atom"),
    ]
    assert feed_links((DATA / "nofeed.html").read_text(), "https://gull.test/") == []


def test_rel_words_case_base_href_and_json_feeds() -> None:
    html = """<html><head><base href="https://cdn.test/site/">
    <LINK REL="feed Alternate" TYPE="Application/Feed+JSON" HREF="feed.json">
    <link rel="alternate" type="application/json" href="//api.test/items.json" title="  API
      items ">
    <link rel="alternate stylesheet" type="text/css" href="alt.css">
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    <link rel="alternate" type="application/atom+xml">
    </head><body><link rel="alternate" type="application/atom+xml" href="/late.atom"/></body></html>"""
    assert feed_links(html, "https://www.test/page") == [
        FeedLink(url="https://cdn.test/site/feed.json", title=None, kind="json"),
        FeedLink(url="https://api.test/items.json", title="API items", kind="json"),
        FeedLink(url="https://cdn.test/late.atom", title=None, kind="atom"),
    ]


def test_broken_html_keeps_what_was_found() -> None:
    html = "<head><link rel=alternate type=application/rss+xml href=/rss><p <<< </div></b"
    assert [link.url for link in feed_links(html, "http://x.test/a/b")] == ["http://x.test/rss"]


def test_opml_outlines_at_any_depth_http_only_without_repeats() -> None:
    feeds = parse_opml((DATA / "subs.opml").read_bytes())
    assert feeds == [
        OpmlFeed("https://harbour.test/feeds/rss2.xml", "Harbour Times", "https://harbour.test/"),
        OpmlFeed("https://valley.test/rss1.rdf", "Valley Courier"),
        OpmlFeed("https://northwind.test/atom.xml", "Northwind Observer", "https://northwind.test/"),
        OpmlFeed("https://cartoon.test/feed?a=1&b=2", "Tom & Jerry's news"),
    ]
    assert parse_opml((DATA / "subs.opml").read_text()) == feeds


def test_opml_round_trip_escapes_everything() -> None:
    feeds = [
        OpmlFeed("https://a.test/rss?x=1&y=<2>", "Quotes \" and ' & <tags>", "https://a.test/?a=1&b=2"),
        OpmlFeed("http://b.test/atom.xml"),
        OpmlFeed("https://c.test/feed.json", "Caf\u00e9 \u2014 \u6771\u4eac"),
    ]
    text = write_opml(feeds, title="Briefbot & friends", now=datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert "<title>Briefbot &amp; friends</title>" in text
    assert "<dateCreated>Sun, 01 Mar 2026 09:30:00 GMT</dateCreated>" in text
    assert 'type="rss"' in text and 'text="http://b.test/atom.xml"' in text
    assert parse_opml(text) == feeds
    assert parse_opml(text.encode("utf-8")) == feeds


@pytest.mark.parametrize(
    "doc",
    [
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        '<opml version="2.0"><body><outline text="&lol2;" xmlUrl="https://x.test/f"/></body></opml>',
        '<?xml version="1.0"?><!doctype opml SYSTEM "file:///etc/passwd"><opml version="2.0"><body/></opml>',
        '<opml version="2.0"><!ENTITY x "y"><body/></opml>',
    ],
)
def test_opml_with_doctypes_or_entities_is_refused_before_parsing(doc: str) -> None:
    with pytest.raises(FeedError, match="DOCTYPE or entities"):
        parse_opml(doc)
    with pytest.raises(FeedError, match="DOCTYPE or entities"):
        parse_opml(doc.encode("utf-16"))


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("", "not an OPML"),
        ("<html><body>hi</body></html>", "not an OPML"),
        ("<opml version='2.0'><body><outline text='x'", "not an OPML"),
        ("<opml version='2.0'><body><outline text='folder'/></body></opml>", "lists no feeds"),
        ("<opml version='2.0'><body><outline xmlUrl='ftp://x.test/f'/></body></opml>", "lists no feeds"),
    ],
)
def test_what_is_not_an_opml_list_of_feeds_is_refused(doc: str, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_opml(doc)


def test_oversized_opml_is_refused() -> None:
    big = b"<opml version='2.0'><body>" + b" " * MAX_OPML_BYTES + b"</body></opml>"
    with pytest.raises(FeedError, match="too large"):
        parse_opml(big)
