"""Turning what users give us (text, files, HTML, JSON, fetched pages) into checked ArticleInputs.

An extracted page must read as an article body, not a caption, teaser or link list: at least
``MIN_ARTICLE_SENTENCES`` prose sentences (ending in . ! or ?) holding ``MIN_ARTICLE_CHARS`` characters, and,
unless it is long enough to stand on its own (``STANDALONE_ARTICLE_CHARS``), at least ``MIN_VISIBLE_SHARE`` of
the page's visible text.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypedDict, Unpack
from urllib.parse import urlsplit

from briefings.clock import SystemClock
from briefings.errors import InvalidInput
from briefings.fetch import FetchedPage
from briefings.models import ArticleInput
from briefings.sentences import split_sentences
from briefings.textutil import normalize_text, shorten
from briefings.titles import derive_title, split_headline

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 200_000
MAX_FILE_BYTES = 5 * 1024 * 1024
MIN_WORDS = 8
MAX_URL_CHARS = 2048
# How far ahead of now a publication date may be: time zones and embargoed copy put real dates up to a day
# ahead; anything later is a typo (2052 for 2025) or a wrong field.
MAX_FUTURE = timedelta(days=1)
# What an extracted page needs to count as an article body. The shortest wire "brief" runs about 60 words
# (~350 characters) in three sentences; a photo caption, a teaser or a standfirst is one or two sentences
# and rarely passes 250 characters.
MIN_ARTICLE_CHARS = 300
MIN_ARTICLE_SENTENCES = 3
# An extract under 1/20 of the page's visible text, on a page with a lot of text, is a fragment the
# extractor picked (one paragraph, a caption), not the article; past ~250 words it stands on its own, however
# much comment, navigation and "related" text the page carries.
MIN_VISIBLE_SHARE = 0.05
STANDALONE_ARTICLE_CHARS = 1500
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_PROSE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "head", "iframe", "object")


class ArticleMeta(TypedDict, total=False):
    """What a caller may say about an article besides its text (each may be None)."""

    title: str | None
    url: str | None
    published: datetime | None
    outlet: str | None
    now: datetime | None


def parse_published(value: str | date | datetime | None, *, now: datetime | None = None) -> datetime | None:
    """Parse a publication date (ISO 8601 date or date-time); naive values are taken as UTC.

    A date more than ``MAX_FUTURE`` after ``now`` (default: the system clock) is refused.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                parsed = datetime.fromisoformat(text[:10])
            except ValueError:
                raise InvalidInput(
                    f"'{shorten(text, 40)}' is not a date: use YYYY-MM-DD or an ISO 8601 date-time."
                ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return check_published(parsed, now=now)


def check_published(published: datetime | None, *, now: datetime | None = None) -> datetime | None:
    """Return ``published`` (naive taken as UTC); raise InvalidInput if it is over a day after ``now``."""
    if published is None:
        return None
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    now = now if now is not None else SystemClock().now()
    if published > now + MAX_FUTURE:
        raise InvalidInput(
            f"The publication date {published.date().isoformat()} is in the future; "
            "give the date the article was published (YYYY-MM-DD)."
        )
    return published


def check_source_url(url: str | None) -> str | None:
    """Return a source link stripped, or None if empty; raise InvalidInput unless it is an http(s) URL."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise InvalidInput(f"'{shorten(url, 80)}' is not a valid link.") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"The source link must be an http:// or https:// address, not '{shorten(url, 80)}'.")
    if len(url) > MAX_URL_CHARS:
        raise InvalidInput(f"The source link is {len(url):,} characters long; the limit is {MAX_URL_CHARS:,}.")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise InvalidInput("The source link has spaces or control characters in it.")
    return url


def check_text(text: str) -> str:
    """Normalise article text and raise InvalidInput if it is empty, too short, too long or binary."""
    if "\x00" in text:
        raise InvalidInput("That looks like a binary file, not text.")
    text = normalize_text(text)
    if not text:
        raise InvalidInput("The article text is empty.")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(f"The article is {len(text):,} characters long; the limit is {MAX_TEXT_CHARS:,}.")
    if len(text.split()) < MIN_WORDS:
        raise InvalidInput(f"The article text is too short (fewer than {MIN_WORDS} words) to brief.")
    return text


def article_from_text(
    text: str,
    *,
    title: str | None = None,
    url: str | None = None,
    published: datetime | None = None,
    outlet: str | None = None,
    now: datetime | None = None,
) -> ArticleInput:
    """Make an article from plain text; without a title, its headline line or a title made from its lead.

    ``url`` must be an http(s) link and ``published`` no later than a day after ``now`` (default: the system
    clock); InvalidInput otherwise.
    """
    text = check_text(text)
    url = check_source_url(url)
    published = check_published(published, now=now)
    if not title:
        headline, body = split_headline(text)
        if headline and len(body.split()) >= MIN_WORDS:
            title, text = headline, check_text(body)
        else:
            title = derive_title(text)
    title = shorten(title, 300)
    return ArticleInput(
        title=title, text=text, url=url, outlet=outlet or _outlet_from_url(url), published=published
    )


def article_from_markdown(text: str, **meta: Unpack[ArticleMeta]) -> ArticleInput:
    """Make an article from Markdown, dropping its markup."""
    plain = _MD_EMPHASIS.sub("", _MD_HEADING.sub("", _MD_LINK.sub(r"\1", text)))
    return article_from_text(plain, **meta)


def article_from_html(
    html: str,
    *,
    url: str | None = None,
    title: str | None = None,
    published: datetime | None = None,
    outlet: str | None = None,
    now: datetime | None = None,
) -> ArticleInput:
    """Extract the article and its metadata from an HTML page with trafilatura; refuse pages with no article body.

    The page's own date is dropped if it is in the future; the page's own link is used only if it is http(s).
    """
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        doc: Any = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        log.info("trafilatura failed on %s: %r", url, exc)
        doc = None
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text or len(text.split()) < MIN_WORDS or _TAG.search(text[:2000]) and len(text) < 400:
        raise InvalidInput(
            "No article text could be found in that page. If the article is there, add its text instead.",
            hints=("paste_text",),
        )
    found_title = title or getattr(doc, "title", None) or None
    if found_title:
        first, _, rest = text.partition("\n")
        if first.strip() == found_title.strip() and rest.strip():
            text = rest
    check_extraction(text, html)
    if published is None and getattr(doc, "date", None):
        try:
            published = parse_published(doc.date, now=now)
        except InvalidInput as exc:
            log.info("ignoring the page's date %r: %s", doc.date, exc.message)
            published = None
    page_url = getattr(doc, "url", None)
    if not url and page_url:
        try:
            url = check_source_url(page_url)
        except InvalidInput:
            url = None
    return article_from_text(
        text,
        title=found_title,
        url=url,
        published=published,
        outlet=outlet or getattr(doc, "sitename", None) or None,
        now=now,
    )


def check_extraction(text: str, html: str | None = None) -> None:
    """Raise InvalidInput unless text extracted from a page reads as an article body (see the module doc)."""
    prose = [
        s.text
        for s in split_sentences(text)
        if not s.is_heading and len(s.text.split()) >= 4 and _PROSE_END.search(s.text)
    ]
    prose_chars = sum(len(s) for s in prose)
    if len(prose) < MIN_ARTICLE_SENTENCES or prose_chars < MIN_ARTICLE_CHARS:
        raise InvalidInput(
            f"That page has no article Briefbot could find: only {_count(len(prose), 'sentence')} of running "
            f"text ({_count(len(text), 'character')}, likely a caption or a teaser) came out of it. "
            "Add the article's text instead.",
            hints=("paste_text",),
        )
    if html is None or len(text) >= STANDALONE_ARTICLE_CHARS:
        return
    visible = visible_text_length(html)
    if visible and len(text) < MIN_VISIBLE_SHARE * visible:
        raise InvalidInput(
            f"Briefbot could not tell that page's article from the rest of it: what it found "
            f"({_count(len(text), 'character')}) is a small part of the page's {visible:,} characters of text. "
            "Add the article's text instead.",
            hints=("paste_text",),
        )


def visible_text_length(html: str) -> int:
    """Count the characters of text a reader sees on a page (no scripts, styles or head), spaces folded."""
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        try:
            root = lxml.html.document_fromstring(html.encode("utf-8", "replace"))
        except (ValueError, lxml.etree.ParserError):
            return 0
    for element in [e for e in root.iter(*_INVISIBLE)]:
        element.drop_tree()
    return len(" ".join(" ".join(root.itertext()).split()))


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def article_from_json(data: object, **overrides: Unpack[ArticleMeta]) -> ArticleInput:
    """Make an article from a JSON object with ``text`` and optional ``title``, ``url``, ``published``, ``outlet``."""
    if not isinstance(data, dict):
        raise InvalidInput('A JSON article must be an object with at least a "text" field.')
    text = data.get("text")
    if not isinstance(text, str):
        raise InvalidInput('A JSON article needs a "text" field holding the article\'s text.')
    now = overrides.get("now")

    def field(name: str) -> str | None:
        value = data.get(name)
        return value if isinstance(value, str) else None

    meta: ArticleMeta = {
        "title": field("title"),
        "url": field("url"),
        "published": parse_published(data.get("published"), now=now) if data.get("published") else None,
        "outlet": field("outlet"),
        "now": now,
    }
    if overrides.get("title") is not None:
        meta["title"] = overrides["title"]
    if overrides.get("url") is not None:
        meta["url"] = overrides["url"]
    if overrides.get("published") is not None:
        meta["published"] = overrides["published"]
    if overrides.get("outlet") is not None:
        meta["outlet"] = overrides["outlet"]
    return article_from_text(text, **meta)


def decode_bytes(raw: bytes, name: str) -> str:
    """Decode a file's bytes as UTF-8 text, refusing binary or undecodable content."""
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidInput(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if b"\x00" in raw[:8192]:
        raise InvalidInput(f"{name} is a binary file, not text.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{name} is not UTF-8 text.") from None


def article_from_bytes(
    raw: bytes, name: str, *, kind: str | None = None, **meta: Unpack[ArticleMeta]
) -> ArticleInput:
    """Make an article from a file's bytes, by kind ('txt', 'md', 'html', 'json') or the name's suffix."""
    text = decode_bytes(raw, name)
    kind = (kind or Path(name).suffix.lstrip(".") or "txt").lower()
    if kind in ("htm", "html", "xhtml"):
        return article_from_html(text, **meta)
    if kind == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{name} is not valid JSON ({exc.msg} at line {exc.lineno}).") from None
        return article_from_json(data, **meta)
    if kind in ("md", "markdown"):
        return article_from_markdown(text, **meta)
    if kind in ("txt", "text", ""):
        stripped = text.lstrip()[:200].lower()
        if stripped.startswith(("<!doctype html", "<html")):
            return article_from_html(text, **meta)
        return article_from_text(text, **meta)
    raise InvalidInput(f"Cannot read '{Path(name).suffix}' files: use .txt, .md, .html or .json.")


def read_file(path: str | Path, *, kind: str | None = None, **meta: Unpack[ArticleMeta]) -> ArticleInput:
    """Read an article from a file on disk (refusing folders, missing and unreadable files)."""
    path = Path(path)
    if path.is_dir():
        raise InvalidInput(
            f"{path} is a folder, not a file: give one article file (.txt, .md, .html or .json), or - for "
            "standard input."
        )
    if not path.exists():
        raise InvalidInput(f"There is no file named {path}.")
    if not path.is_file():
        raise InvalidInput(f"{path} is not a regular file: give one article file (.txt, .md, .html or .json).")
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InvalidInput(f"{path.name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path} could not be read ({exc.strerror or exc.__class__.__name__}).") from None
    return article_from_bytes(raw, path.name, kind=kind, **meta)


def article_from_page(page: FetchedPage, **meta: Unpack[ArticleMeta]) -> ArticleInput:
    """Make an article from a fetched page (HTML, or plain text)."""
    meta.setdefault("url", page.final_url)
    if page.content_type in ("text/plain", "text/markdown"):
        return article_from_text(page.body, **meta)
    if page.content_type and page.content_type not in ("text/html", "application/xhtml+xml", "application/xml"):
        raise InvalidInput(f"That link is a '{page.content_type}' file, not an article page.")
    return article_from_html(page.body, **meta)


def _outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None
