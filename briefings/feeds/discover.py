"""Finding the feeds a web page announces with ``<link rel="alternate" type="application/rss+xml" href="…">``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

log = logging.getLogger(__name__)

FEED_KINDS = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/feed+json": "json",
    "application/json": "json",
}


@dataclass(frozen=True)
class FeedLink:
    """A feed a page links to."""

    url: str  # absolute http(s)
    title: str | None
    kind: str  # "rss" | "atom" | "json"


class _LinkParser(HTMLParser):
    """Collects ``<base href>`` (the first) and the alternate feed links of a page, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[tuple[str, str | None, str]] = []  # (href, title, kind)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("link", "base"):
            return
        values = {name.lower(): (value or "").strip() for name, value in attrs}
        href = values.get("href")
        if not href:
            return
        if tag == "base":
            if self.base is None:
                self.base = href
            return
        rel = values.get("rel", "").lower().split()
        kind = FEED_KINDS.get(values.get("type", "").split(";")[0].strip().lower())
        if "alternate" in rel and kind is not None:
            self.links.append((href, values.get("title") or None, kind))

    handle_startendtag = handle_starttag


def feed_links(html: str, base_url: str) -> list[FeedLink]:
    """Return the feeds a page links to as alternates (absolute URLs, no repeats, in document order)."""
    parser = _LinkParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError) as exc:  # html.parser gives up on some broken markup: keep what it found
        log.info("stopped reading %s for feed links: %r", base_url, exc)
    base = urljoin(base_url, parser.base) if parser.base else base_url
    found: list[FeedLink] = []
    seen: set[str] = set()
    for href, title, kind in parser.links:
        try:
            url = urljoin(base, href)
            parts = urlsplit(url)
        except ValueError:
            continue
        if parts.scheme not in ("http", "https") or not parts.hostname or url in seen:
            continue
        seen.add(url)
        found.append(FeedLink(url=url, title=" ".join(title.split()) if title else None, kind=kind))
    return found
