"""Reading a feed's body into plain items: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed 1.0/1.1 here.

Pure: no I/O (feedparser is always handed the body, never a URL), dates checked against a given ``now``.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from briefings.errors import FeedError
from briefings.ingest import MIN_ARTICLE_CHARS, MIN_ARTICLE_SENTENCES
from briefings.sentences import split_sentences

log = logging.getLogger(__name__)

MAX_ITEMS = 1000
MAX_FUTURE = timedelta(days=1)  # a date further ahead of now is a feed that lies (or a typo): dropped
NOT_A_FEED = "This page is not an RSS, Atom or JSON feed."
_SNIFF_CHARS = 2048
_PROSE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_JSON_FEED_VERSION = re.compile(r'"version"\s*:\s*"https?:(?:\\?/){2}jsonfeed\.org(?:\\?/)version(?:\\?/)1(?:\.1)?"')
_XML_DECL_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2""")
# What may come before the root element of an XML document: declaration, comments, PIs, a DOCTYPE.
_XML_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I)
_ROOT = re.compile(r"\s*<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_FEED_ROOTS = {"rss", "rdf", "feed"}
_FEED_TYPES = ("rss+xml", "atom+xml", "rdf+xml", "feed+json")
# feedparser's "bozo" for these means a wrong or missing charset/content type, not broken XML.
_BENIGN_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
_BLOCK_TAGS = (
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li main "
    "nav ol p pre section table td th tr ul"
)
_EMAIL_NAME = re.compile(r"^\S+@\S+\s*\((.+)\)\s*$")


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed, its text already plain."""

    guid: str  # the item's id, else its link, else "sha1:" + a hash of its title and text
    link: str | None  # absolute http(s) URL
    title: str | None
    text: str  # plain text of the fullest content given, paragraphs on their own lines; "" if none
    teaser: bool  # only a summary was given, or the text is short: the linked page holds the article
    published: datetime | None  # aware UTC; never more than a day after the parse's ``now``
    updated: datetime | None
    author: str | None = None


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed: its title, site link, ttl and items in feed order."""

    title: str | None
    link: str | None
    ttl: timedelta | None
    items: list[FeedItem]
    truncated: int = 0  # items left out past MAX_ITEMS (the oldest)
    sloppy: bool = False  # the XML was malformed but items could be read


def looks_like_feed(body: bytes | str, content_type: str | None = None) -> bool:
    """Tell cheaply whether a body is an RSS, RDF, Atom or JSON feed (by its root element or JSON Feed version)."""
    head = _head_text(body)
    stripped = head.lstrip()
    if stripped.startswith(("{", "[")):
        text = body if isinstance(body, str) else body.decode("utf-8", "replace")
        return _JSON_FEED_VERSION.search(text) is not None
    root = _root_name(head)
    if root is not None:
        return root in _FEED_ROOTS
    # No root element in the first bytes (a long prolog): trust a feed content type unless it is a web page.
    return _is_feed_type(content_type) and not _looks_like_html(head)


def parse_feed(body: bytes | str, *, url: str, content_type: str | None = None, now: datetime) -> ParsedFeed:
    """Parse a feed's body (links resolved against ``url``); raise FeedError when it is not a usable feed."""
    now = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    head = _head_text(body)
    if not head.strip():
        raise FeedError("The feed is empty: the address sent back no content.")
    stripped = head.lstrip()
    if stripped.startswith(("{", "[")):
        return _parse_json(body, url=url, now=now)
    if _root_name(head) not in _FEED_ROOTS and _looks_like_html(head):
        raise FeedError("This address is a web page, not an RSS, Atom or JSON feed.")
    return _parse_xml(body, url=url, content_type=content_type, now=now)


def _parse_xml(body: bytes | str, *, url: str, content_type: str | None, now: datetime) -> ParsedFeed:
    """Parse RSS or Atom with feedparser, given the bytes (feedparser would open a str that looks like a URL)."""
    data = _xml_bytes(body)
    response_headers: dict[str, str] = {}
    if content_type and "charset=" in content_type.lower() and not _declares_encoding(data):
        response_headers["content-type"] = content_type  # the only word on the encoding there is
    parsed: Any = feedparser.parse(data, response_headers=response_headers, sanitize_html=True)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    malformed = problem is not None and not isinstance(problem, _BENIGN_BOZO)
    entries = list(parsed.entries)
    if not entries and (malformed or not parsed.get("version")):
        if parsed.get("version"):
            log.info("feed %s: malformed XML, no items: %r", url, problem)
            raise FeedError(
                f"This feed is broken: its XML could not be read{_where(problem)}, and no items came out of it."
            )
        raise FeedError(NOT_A_FEED)
    if malformed:
        log.info("feed %s: sloppy XML read anyway: %r", url, problem)
    feed = parsed.feed
    items = [_xml_item(entry, url=url, now=now) for entry in entries]
    title = _one_line(_detail_text(feed.get("title_detail"), feed.get("title")))
    return _finish(
        items,
        title=title,
        link=_http_url(feed.get("link"), url),
        ttl=_ttl(feed.get("ttl")),
        sloppy=malformed or not parsed.get("version"),
    )


def _xml_item(entry: Any, *, url: str, now: datetime) -> FeedItem:
    """One feedparser entry as a FeedItem."""
    full = [_detail_text(c, c.get("value")) for c in entry.get("content") or []]
    text = max(full, key=len, default="")
    summary_only = not text
    if summary_only:
        text = _detail_text(entry.get("summary_detail"), entry.get("summary"))
    link = _http_url(entry.get("link"), url)
    if link is None:
        for candidate in entry.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate" and (link := _http_url(candidate.get("href"), url)):
                break
    title = _one_line(_detail_text(entry.get("title_detail"), entry.get("title")))
    return FeedItem(
        guid=_guid(entry.get("id"), link, title, text),
        link=link,
        title=title,
        text=text,
        teaser=summary_only or is_short(text),
        # dict.get: feedparser's own get answers "updated" with the published date when there is none
        published=_struct_date(dict.get(entry, "published_parsed"), now),
        updated=_struct_date(dict.get(entry, "updated_parsed"), now),
        author=_author(entry.get("author") or (entry.get("author_detail") or {}).get("name")),
    )


def _parse_json(body: bytes | str, *, url: str, now: datetime) -> ParsedFeed:
    """Parse a JSON Feed 1.0 or 1.1 document."""
    try:
        data = json.loads(body.lstrip("\ufeff") if isinstance(body, str) else body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedError("This is not valid JSON, so it cannot be read as a JSON feed.") from exc
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str) or not re.fullmatch(r"https?://jsonfeed\.org/version/1(?:\.1)?/?", version):
        raise FeedError("This is JSON, but not a JSON feed (it has no JSON Feed version).")
    raw_items = data.get("items")
    items = [_json_item(raw, url=url, now=now) for raw in raw_items or [] if isinstance(raw, dict)]
    return _finish(
        items,
        title=_one_line(_str(data.get("title"))),
        link=_http_url(_str(data.get("home_page_url")), url),
        ttl=None,
        sloppy=not isinstance(raw_items, list),
    )


def _json_item(raw: Mapping[str, Any], *, url: str, now: datetime) -> FeedItem:
    """One JSON Feed item as a FeedItem."""
    html = html_to_text(_str(raw.get("content_html")) or "")
    plain = plain_text(_str(raw.get("content_text")) or "")
    text = html if len(html) >= len(plain) else plain
    summary_only = not text
    if summary_only:
        text = plain_text(_str(raw.get("summary")) or "")
    guid = raw.get("id")
    authors = raw.get("authors")
    first = authors[0] if isinstance(authors, list) and authors else raw.get("author")
    link = _http_url(_str(raw.get("url")), url) or _http_url(_str(raw.get("external_url")), url)
    title = _one_line(_str(raw.get("title")))
    return FeedItem(
        guid=_guid(
            str(guid) if isinstance(guid, str | int) and not isinstance(guid, bool) else None, link, title, text
        ),
        link=link,
        title=title,
        text=text,
        teaser=summary_only or is_short(text),
        published=_iso_date(raw.get("date_published"), now),
        updated=_iso_date(raw.get("date_modified"), now),
        author=_author(_str(first.get("name"))) if isinstance(first, dict) else None,
    )


def _guid(guid: str | None, link: str | None, title: str | None, text: str) -> str:
    """The item's own id, else its link, else a hash of its title and text."""
    guid = (guid or "").strip() or link
    return guid or "sha1:" + hashlib.sha1(f"{title or ''}\n{text}".encode()).hexdigest()


def _author(name: str | None) -> str | None:
    """An author's name ("jo@example.com (Jo Bloggs)" → "Jo Bloggs")."""
    named = _EMAIL_NAME.match((name or "").strip())
    return (named.group(1) if named else (name or "")).strip() or None


def _finish(
    items: list[FeedItem], *, title: str | None, link: str | None, ttl: timedelta | None, sloppy: bool
) -> ParsedFeed:
    """Drop empty items and repeated GUIDs (the first stays), keep the newest MAX_ITEMS in feed order."""
    kept: list[FeedItem] = []
    seen: set[str] = set()
    for item in items:
        if (not item.link and not item.text) or item.guid in seen:
            continue
        seen.add(item.guid)
        kept.append(item)
    truncated = max(0, len(kept) - MAX_ITEMS)
    if truncated:

        def newest_first(index: int) -> tuple[bool, float]:
            when = kept[index].published or kept[index].updated
            return (when is None, -when.timestamp() if when else 0.0)

        chosen = set(sorted(range(len(kept)), key=newest_first)[:MAX_ITEMS])
        kept = [item for i, item in enumerate(kept) if i in chosen]
    return ParsedFeed(title=title, link=link, ttl=ttl, items=kept, truncated=truncated, sloppy=sloppy)


def is_short(text: str) -> bool:
    """Tell whether text is too short to stand as an article (fewer than 3 prose sentences or 300 characters)."""
    if len(text) < MIN_ARTICLE_CHARS:
        return True
    prose = [
        s.text
        for s in split_sentences(text)
        if not s.is_heading and len(s.text.split()) >= 4 and _PROSE_END.search(s.text)
    ]
    return len(prose) < MIN_ARTICLE_SENTENCES or sum(len(s) for s in prose) < MIN_ARTICLE_CHARS


class _TextParser(HTMLParser):
    """Collects the visible text of an HTML fragment, a line break at every block boundary."""

    _SKIP = frozenset({"script", "style", "noscript", "template", "head", "title", "svg", "iframe", "object"})
    _BLOCK = frozenset(_BLOCK_TAGS.split())

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Turn an HTML fragment into plain text: one line per paragraph, entities decoded, scripts and styles gone."""
    if "<" not in html and "&" not in html:
        return plain_text(html)
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return plain_text("".join(parser.parts))


def plain_text(text: str) -> str:
    """Tidy plain text: spaces folded within lines, blank lines dropped."""
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _detail_text(detail: Mapping[str, Any] | None, value: Any) -> str:
    """The plain text of a feedparser text construct (HTML unless it says text/plain)."""
    text = (detail or {}).get("value", value)
    if not isinstance(text, str) or not text:
        return ""
    kind = (detail or {}).get("type") or "text/html"
    return plain_text(text) if kind == "text/plain" else html_to_text(text)


def _one_line(text: str | None) -> str | None:
    """A title on one line, or None when empty."""
    folded = " ".join((text or "").split())
    return folded or None


def _str(value: Any) -> str | None:
    """The value if it is a string, else None."""
    return value if isinstance(value, str) else None


def _http_url(value: str | None, base: str) -> str | None:
    """``value`` made absolute against ``base``, if that is an http(s) URL with a host."""
    if not value or not value.strip():
        return None
    try:
        absolute = urljoin(base, value.strip())
        parts = urlsplit(absolute)
    except ValueError:
        return None
    return absolute if parts.scheme in ("http", "https") and parts.hostname else None


def _ttl(value: Any) -> timedelta | None:
    """An RSS <ttl> in minutes, or None when missing or not a positive whole number."""
    try:
        minutes = int(str(value).strip())
        return timedelta(minutes=minutes) if minutes > 0 else None
    except (ValueError, OverflowError):
        return None


def _checked(when: datetime, now: datetime) -> datetime | None:
    """``when`` in UTC, or None if it is more than MAX_FUTURE after now."""
    when = when.astimezone(UTC)
    return None if when > now + MAX_FUTURE else when


def _struct_date(value: time.struct_time | None, now: datetime) -> datetime | None:
    """A feedparser date (a UTC struct_time) as an aware datetime."""
    if value is None:
        return None
    try:
        return _checked(datetime.fromtimestamp(calendar.timegm(value), UTC), now)
    except (ValueError, OverflowError, OSError, TypeError):
        return None


def _iso_date(value: Any, now: datetime) -> datetime | None:
    """An RFC 3339 date of a JSON Feed (naive taken as UTC)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return _checked(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC), now)


def _where(problem: BaseException | None) -> str:
    """Where the XML broke, as ' (what, line N)', for the error message."""
    if problem is None:
        return ""
    message = getattr(problem, "getMessage", lambda: "")() or ""
    line = getattr(problem, "getLineNumber", lambda: None)()
    if message and line:
        return f" ({message}, line {line})"
    return f" ({message})" if message else ""


def _head_text(body: bytes | str) -> str:
    """The first characters of a body as text (BOMs honoured), for sniffing."""
    if isinstance(body, str):
        return body[:_SNIFF_CHARS].lstrip("\ufeff")
    head = body[: _SNIFF_CHARS * 2]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace").lstrip("\ufeff")
    return head.decode("utf-8", "replace").lstrip("\ufeff")


def _root_name(head: str) -> str | None:
    """The local name (lower case) of the first element after the XML prolog, if it is in ``head``."""
    pos = 0
    while match := _XML_PROLOG.match(head, pos):
        if match.end() == pos:
            break
        pos = match.end()
    root = _ROOT.match(head, pos)
    return root.group(2).lower() if root else None


def _looks_like_html(head: str) -> bool:
    """Tell whether the text starts like an HTML page."""
    lowered = head.lower()
    return "<!doctype html" in lowered or _root_name(head) in ("html", "head", "body")


def _is_feed_type(content_type: str | None) -> bool:
    """Tell whether a Content-Type names a feed format."""
    kind = (content_type or "").split(";")[0].strip().lower()
    return kind.endswith(_FEED_TYPES)


def _xml_bytes(body: bytes | str) -> bytes:
    """The body as bytes for feedparser; a str is encoded as UTF-8 and its declaration says so."""
    if isinstance(body, bytes):
        return body
    text = _XML_DECL_ENCODING.sub(r"\1\2utf-8\2", body.lstrip("\ufeff"), count=1)
    return text.encode("utf-8")


def _declares_encoding(data: bytes) -> bool:
    """Tell whether the bytes carry their own encoding (a BOM or an XML declaration naming one)."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:200].lstrip()
    return head.startswith(b"<?xml") and b"encoding" in head.split(b"?>", 1)[0]
