"""Feed parsing: RSS 2.0, RSS 1.0, Atom and JSON Feed into plain items; what is refused and what is tolerated."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from briefings.errors import FeedError
from briefings.feeds.parse import MAX_ITEMS, FeedItem, html_to_text, looks_like_feed, parse_feed

DATA = Path(__file__).resolve().parents[1] / "data" / "feeds"
NOW = datetime(2025, 6, 21, 12, 0, tzinfo=UTC)


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def parse(name: str, url: str = "https://harbour.test/feeds/main.xml") -> list[FeedItem]:
    return parse_feed(read(name), url=url, now=NOW).items


def rss(items: str, extra: str = "") -> str:
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>T</title>"
        f"<link>https://t.test/</link>{extra}{items}</channel></rss>"
    )


def test_rss2_items_in_order_with_guids_links_text_and_ttl() -> None:
    feed = parse_feed(read("rss2.xml"), url="https://harbour.test/feeds/main.xml", now=NOW)
    assert feed.title == "Harbour Times" and feed.link == "https://harbour.test/"
    assert feed.ttl == timedelta(minutes=30) and not feed.sloppy and feed.truncated == 0
    ferry, car_park, kayak, tides, festival = feed.items
    assert ferry.guid == "ht-1001" and ferry.link == "https://harbour.test/2025/06/ferry-strike"
    assert ferry.author == "Mara Quill"
    assert ferry.published == datetime(2025, 6, 20, 7, 30, tzinfo=UTC) and ferry.updated is None
    # content:encoded wins over the description; paragraphs on their own lines, entities decoded, no script/style
    assert ferry.text.split("\n")[1].startswith("The crews\u2019 union said") and "& cut rest days" in ferry.text
    assert ferry.text.count("\n") == 2 and "track(" not in ferry.text and "color" not in ferry.text
    assert not ferry.teaser
    assert car_park.guid == car_park.link == "https://harbour.test/2025/06/car-park"
    assert car_park.text == "The vote is now due in July." and car_park.teaser  # only a description
    assert kayak.link == "https://harbour.test/feeds/2025/06/kayak-rescue"  # relative to the feed's URL
    assert kayak.guid == kayak.link  # no guid: the link stands in


def test_guid_falls_back_to_a_hash_of_title_and_text_when_there_is_no_link() -> None:
    tides = parse("rss2.xml")[3]
    assert tides.link is None and tides.guid.startswith("sha1:") and len(tides.guid) == 5 + 40
    assert not tides.teaser  # full content, four sentences
    assert parse("rss2.xml")[3].guid == tides.guid  # stable


def test_a_date_more_than_a_day_ahead_is_dropped_but_the_item_kept() -> None:
    festival = parse("rss2.xml")[4]
    assert festival.guid == "ht-1005" and festival.published is None
    soon = NOW + timedelta(hours=20)
    item = (
        f"<item><guid>x</guid><link>https://t.test/x</link><pubDate>{soon:%a, %d %b %Y %H:%M:%S} GMT</pubDate></item>"
    )
    assert parse_feed(rss(item), url="https://t.test/", now=NOW).items[0].published == soon


def test_duplicate_guids_keep_the_first_and_empty_items_are_dropped() -> None:
    items = parse("rss2.xml")
    assert [i.guid for i in items].count("ht-1001") == 1
    assert items[0].title == "Ferry crews walk out over rosters"
    assert all(i.title != "A title and nothing else" for i in items)


def test_teaser_when_only_a_summary_or_when_the_text_is_short() -> None:
    short = "<item><guid>s</guid><link>/s</link><content:encoded>Just one line of text.</content:encoded></item>"
    feed = rss(short).replace(
        "<rss version='2.0'>", "<rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'>"
    )
    (item,) = parse_feed(feed, url="https://t.test/", now=NOW).items
    assert item.teaser and item.text == "Just one line of text."
    long_summary = (
        "<item><guid>l</guid><link>/l</link><description>"
        + "A long sentence of prose here. " * 20
        + "</description></item>"
    )
    assert parse_feed(rss(long_summary), url="https://t.test/", now=NOW).items[0].teaser  # a summary is a summary


def test_rss1_rdf() -> None:
    feed = parse_feed(read("rss1.rdf"), url="https://valley.test/rss1.rdf", now=NOW)
    assert feed.title == "Valley Courier"
    mill, bus = feed.items
    assert mill.guid == mill.link == "https://valley.test/news/mill-reopens"
    assert mill.updated == datetime(2025, 6, 14, 8, 0, tzinfo=UTC) and mill.author == "Ivo Brandt"
    assert bus.title == "Bus route 7 to run on Sundays" and bus.teaser


def test_atom_with_xml_base_html_titles_and_summary_only_entries() -> None:
    feed = parse_feed(read("atom.xml"), url="https://northwind.test/atom.xml", now=NOW)
    assert feed.title == "Northwind Observer" and feed.link == "https://northwind.test/"
    wind, school = feed.items
    assert wind.guid == "tag:northwind.test,2025:wind-farm"
    assert wind.link == "https://northwind.test/blog/wind-farm-approved"
    assert wind.title == "Wind farm approved off Cape Lorn" and wind.author == "Petra Holm"
    assert wind.published == datetime(2025, 6, 20, 7, 0, tzinfo=UTC)
    assert wind.updated == datetime(2025, 6, 20, 10, 30, tzinfo=UTC)
    assert not wind.teaser and wind.text.startswith("Planners on Friday") and "<p>" not in wind.text
    assert school.teaser and school.text == "The autumn term will begin on 8 September."


def test_json_feed() -> None:
    feed = parse_feed(
        read("feed.json"), url="https://riverside.test/feed.json", content_type="application/feed+json", now=NOW
    )
    assert feed.title == "Riverside Daily" and feed.link == "https://riverside.test/" and feed.ttl is None
    bridge, market, library = feed.items
    assert bridge.guid == "rd-501" and not bridge.teaser and bridge.author == "Lena Ostrow"
    assert bridge.published == datetime(2025, 6, 19, 15, 0, tzinfo=UTC) and bridge.text.count("\n") == 3
    assert market.guid == "502" and market.link == "https://riverside.test/news/market-day"  # external_url, relative
    assert market.teaser and market.author == "Old Style Author"  # JSON Feed 1.0 "author"
    assert market.updated == datetime(2025, 6, 18, 8, 0, tzinfo=UTC)
    assert library.text == "The central library will stay open until 9 pm on weekdays.\nThe change starts on Monday."


def test_json_feed_from_a_str_with_dates_in_the_future_and_no_ids() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1",
        "items": [
            {"url": "https://j.test/a", "content_text": "Some text.", "date_published": "2031-01-01T00:00:00Z"},
            {"content_html": "<p>No link &amp; no id.</p>", "title": "Only text"},
            {"title": "Nothing"},
        ],
    }
    first, second = parse_feed(json.dumps(doc), url="https://j.test/feed.json", now=NOW).items
    assert first.guid == "https://j.test/a" and first.published is None
    assert second.guid.startswith("sha1:") and second.text == "No link & no id."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b'{"title": "not a feed", "items": []}', "not a JSON feed"),
        (b"[1, 2, 3]", "not a JSON feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", ', "not valid JSON"),
        (b"just some words", "not an RSS, Atom or JSON feed"),
        (b"<?xml version='1.0'?><catalog><book>x</book></catalog>", "not an RSS, Atom or JSON feed"),
    ],
)
def test_what_is_not_a_feed_is_refused_politely(body: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message) as raised:
        parse_feed(body, url="https://t.test/", now=NOW)
    assert "briefbot" not in raised.value.message and "/brief" not in raised.value.message


@pytest.mark.parametrize("name", ["page.html", "nofeed.html"])
def test_html_pages_are_refused(name: str) -> None:
    with pytest.raises(FeedError, match="web page, not an RSS, Atom or JSON feed"):
        parse_feed(read(name), url="https://t.test/", content_type="text/html", now=NOW)


def test_a_sloppy_feed_is_read_and_flagged_but_a_broken_one_refused() -> None:
    sloppy = parse_feed(read("sloppy.xml"), url="https://coast.test/rss", now=NOW)
    assert sloppy.sloppy and sloppy.title == "Coast & Country"
    assert [i.title for i in sloppy.items] == ["Fish & chips shop wins award", "Sea wall works start"]
    assert sloppy.items[0].text == "The shop on Quay Street won a national award on Tuesday."
    with pytest.raises(FeedError, match="broken"):
        parse_feed(read("broken.xml"), url="https://t.test/", now=NOW)


def test_more_than_max_items_keeps_the_newest_in_feed_order() -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    count = MAX_ITEMS + 5
    # feed order: oldest first, an undated item in the middle and one at the start
    entries = ["<item><guid>undated-0</guid><link>https://t.test/u0</link></item>"]
    for i in range(count - 2):
        when = start + timedelta(hours=i)
        entries.append(
            f"<item><guid>g{i}</guid><link>https://t.test/{i}</link>"
            f"<pubDate>{when:%a, %d %b %Y %H:%M:%S} GMT</pubDate></item>"
        )
        if i == 500:
            entries.append("<item><guid>undated-1</guid><link>https://t.test/u1</link></item>")
    feed = parse_feed(rss("".join(entries)), url="https://t.test/", now=NOW)
    assert len(feed.items) == MAX_ITEMS and feed.truncated == 5
    guids = [i.guid for i in feed.items]
    assert "undated-0" not in guids and "undated-1" not in guids  # undated go first
    assert guids[0] == "g3" and guids[-1] == f"g{count - 3}"  # the three oldest dated went too, order kept


def test_a_str_with_a_foreign_encoding_declaration_is_read_as_text() -> None:
    body = rss("<item><guid>c</guid><link>/c</link><title>Caf\u00e9 reopens</title></item>").replace(
        "encoding='utf-8'", "encoding='iso-8859-1'"
    )
    assert parse_feed(body, url="https://t.test/", now=NOW).items[0].title == "Caf\u00e9 reopens"
    latin = body.encode("iso-8859-1")
    assert (
        parse_feed(latin, url="https://t.test/", content_type="text/xml", now=NOW).items[0].title == "Caf\u00e9 reopens"
    )
    assert not parse_feed(latin, url="https://t.test/", content_type="text/xml", now=NOW).sloppy


def test_links_that_are_not_http_are_dropped_and_invalid_ttl_ignored() -> None:
    items = "<item><guid>m</guid><link>mailto:desk@t.test</link><description>Write to us.</description></item>"
    feed = parse_feed(rss(items, "<ttl>soon</ttl>"), url="https://t.test/", now=NOW)
    assert feed.items[0].link is None and feed.ttl is None
    assert parse_feed(rss("", "<ttl>-5</ttl>"), url="https://t.test/", now=NOW).ttl is None
    assert parse_feed(rss(""), url="https://t.test/", now=NOW).items == []  # a feed with no items is still a feed


def test_looks_like_feed_sniffs_roots_and_json_feed_versions() -> None:
    for name in ("rss2.xml", "rss1.rdf", "atom.xml", "feed.json", "sloppy.xml"):
        assert looks_like_feed(read(name)), name
    assert looks_like_feed(read("atom.xml").decode())
    assert not looks_like_feed(read("page.html"), "text/html")
    assert not looks_like_feed(read("nofeed.html"))
    assert not looks_like_feed(b'{"version": "1.0", "items": []}', "application/json")
    assert looks_like_feed(b'{"items": [], "version": "https:\\/\\/jsonfeed.org\\/version\\/1.1"}')
    prolog = b"<?xml version='1.0'?><?xml-stylesheet href='s.xsl'?><!-- hi --><!DOCTYPE rss><rss version='0.91'/>"
    assert looks_like_feed(prolog)
    assert looks_like_feed("\ufeff<feed xmlns='http://www.w3.org/2005/Atom'/>".encode("utf-16"))


def test_html_to_text_keeps_paragraphs_and_drops_scripts() -> None:
    html = (
        "<div><h2>Head</h2><p>One &amp; two<br>three</p><script>x()</script><style>.a{}</style>"
        "<p> four  five </p></div>"
    )
    assert html_to_text(html) == "Head\nOne & two\nthree\nfour five"
    assert html_to_text("plain   words") == "plain words"


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]><rss version="2.0">'
        "<channel><title>News &xxe;</title><item><title>a &xxe;</title><link>https://a.test/</link></item>"
        "</channel></rss>"
    )
    feed = parse_feed(doc, url="https://a.test/", now=NOW)
    assert "SECRET" not in f"{feed.title} {feed.items[0].title} {feed.items[0].text}"
