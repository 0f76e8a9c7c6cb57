"""OPML subscription lists in and out: read every feed outline of a file, write OPML 2.0 that reads back the same.

XML with a DOCTYPE or entity declarations is refused before parsing (no entity expansion, no XML bombs), and so
is anything over ``MAX_OPML_BYTES``.
"""

from __future__ import annotations

import email.utils
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from briefings.errors import FeedError

log = logging.getLogger(__name__)

MAX_OPML_BYTES = 5 * 1024 * 1024
FEED_TYPES = {"", "rss", "atom"}  # an outline's type, lower case ("" when it has none)
_DECLARATION = re.compile(rb"<!\s*(?:doctype|entity)", re.I)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NOT_OPML = "That file is not an OPML subscription list."


@dataclass(frozen=True)
class OpmlFeed:
    """A feed listed in an OPML file."""

    url: str
    title: str | None = None
    html_url: str | None = None


def parse_opml(text: str | bytes) -> list[OpmlFeed]:
    """Return every feed outline of an OPML document (any depth, http(s), no repeats); raise FeedError otherwise."""
    data = _as_bytes(text)
    if len(data) > MAX_OPML_BYTES:
        raise FeedError(f"That OPML file is too large (over {MAX_OPML_BYTES // (1024 * 1024)} MB).")
    if _DECLARATION.search(data) or _DECLARATION.search(data.replace(b"\x00", b"")):
        raise FeedError("That OPML file declares a DOCTYPE or entities, which Briefbot does not read for safety.")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        log.info("OPML did not parse: %s", exc)
        raise FeedError(f"{_NOT_OPML} Its XML could not be read ({exc}).") from exc
    if _local(root.tag) != "opml":
        raise FeedError(_NOT_OPML)
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    for outline in root.iter():
        if _local(outline.tag) != "outline":
            continue
        attrs = {_local(name).lower(): value.strip() for name, value in outline.attrib.items()}
        url = attrs.get("xmlurl", "")
        if not url or attrs.get("type", "").lower() not in FEED_TYPES or not _is_http(url) or url in seen:
            continue
        seen.add(url)
        title = " ".join((attrs.get("title") or attrs.get("text") or "").split())
        html_url = attrs.get("htmlurl") or None
        feeds.append(
            OpmlFeed(
                url=url,
                title=title if title and title != url else None,
                html_url=html_url if html_url and _is_http(html_url) else None,
            )
        )
    if not feeds:
        raise FeedError("That OPML file lists no feeds (no outline with an http(s) xmlUrl).")
    return feeds


def write_opml(feeds: Iterable[OpmlFeed], *, title: str, now: datetime) -> str:
    """Write feeds as an OPML 2.0 document that :func:`parse_opml` reads back as the same feeds."""
    when = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{escape(_clean(title))}</title>",
        f"    <dateCreated>{email.utils.format_datetime(when.astimezone(UTC), usegmt=True)}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    for feed in feeds:
        name = _clean(feed.title or "")
        attrs = f'type="rss" text={_attr(name or feed.url)}'
        if name:
            attrs += f" title={_attr(name)}"
        attrs += f" xmlUrl={_attr(feed.url)}"
        if feed.html_url:
            attrs += f" htmlUrl={_attr(feed.html_url)}"
        lines.append(f"    <outline {attrs}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _as_bytes(text: str | bytes) -> bytes:
    """The document as bytes; a str is encoded as UTF-8 with its encoding declaration dropped to match."""
    if isinstance(text, bytes):
        if text.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: read as text so the checks see the markup
            return _as_bytes(text.decode("utf-16"))
        return text
    text = re.sub(r"^\ufeff?\s*<\?xml[^>]*\?>", "", text, count=1)
    return text.encode("utf-8")


def _local(tag: str) -> str:
    """An element or attribute name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def _is_http(url: str) -> bool:
    """Tell whether a URL is absolute http(s) with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _clean(text: str) -> str:
    """Text with the characters XML cannot hold removed and whitespace folded."""
    return " ".join(_XML_INVALID.sub("", text).split())


def _attr(value: str) -> str:
    """A quoted, escaped XML attribute value (line breaks and tabs kept as character references)."""
    return quoteattr(_XML_INVALID.sub("", value), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
