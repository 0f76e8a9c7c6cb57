"""Turning what users give us (text, files, HTML, JSON, fetched pages) into checked ArticleInputs."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from briefings.errors import InvalidInput
from briefings.fetch import FetchedPage
from briefings.models import ArticleInput
from briefings.textutil import normalize_text, shorten

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 200_000
MAX_FILE_BYTES = 5 * 1024 * 1024
MIN_WORDS = 8
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")


def parse_published(value: str | date | datetime | None) -> datetime | None:
    """Parse a publication date (ISO 8601 date or date-time); naive values are taken as UTC."""
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
    return parsed


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


def _looks_like_title(line: str) -> bool:
    line = line.strip()
    return 0 < len(line) <= 200 and len(line.split()) <= 30 and not line.endswith((".", ",", ";", ":"))


def article_from_text(
    text: str,
    *,
    title: str | None = None,
    url: str | None = None,
    published: datetime | None = None,
    outlet: str | None = None,
) -> ArticleInput:
    """Make an article from plain text; without a title, a short first line becomes the title."""
    text = check_text(text)
    if not title:
        first, _, rest = text.partition("\n")
        if rest.strip() and _looks_like_title(first):
            title, text = first.strip(), check_text(rest)
        else:
            title = shorten(first, 120)
    title = shorten(title, 300)
    return ArticleInput(
        title=title, text=text, url=url or None, outlet=outlet or _outlet_from_url(url), published=published
    )


def article_from_markdown(text: str, **meta) -> ArticleInput:
    """Make an article from Markdown, dropping its markup."""
    plain = _MD_EMPHASIS.sub("", _MD_HEADING.sub("", _MD_LINK.sub(r"\1", text)))
    return article_from_text(plain, **meta)


def article_from_html(
    html: str, *, url: str | None = None, title: str | None = None, published: datetime | None = None
) -> ArticleInput:
    """Extract the article and its metadata from an HTML page with trafilatura."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        log.info("trafilatura failed on %s: %r", url, exc)
        doc = None
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text or len(text.split()) < MIN_WORDS or _TAG.search(text[:2000]) and len(text) < 400:
        raise InvalidInput("No article text could be found in that page.")
    found_title = title or getattr(doc, "title", None) or None
    if found_title:
        first, _, rest = text.partition("\n")
        if first.strip() == found_title.strip() and rest.strip():
            text = rest
    if published is None and getattr(doc, "date", None):
        try:
            published = parse_published(doc.date)
        except InvalidInput:
            published = None
    return article_from_text(
        text,
        title=found_title,
        url=url or getattr(doc, "url", None),
        published=published,
        outlet=getattr(doc, "sitename", None) or None,
    )


def article_from_json(data: object, **overrides) -> ArticleInput:
    """Make an article from a JSON object with ``text`` and optional ``title``, ``url``, ``published``."""
    if not isinstance(data, dict):
        raise InvalidInput('A JSON article must be an object with at least a "text" field.')
    text = data.get("text")
    if not isinstance(text, str):
        raise InvalidInput('A JSON article needs a "text" field holding the article\'s text.')
    meta = {
        "title": data.get("title") if isinstance(data.get("title"), str) else None,
        "url": data.get("url") if isinstance(data.get("url"), str) else None,
        "published": parse_published(data.get("published")) if data.get("published") else None,
        "outlet": data.get("outlet") if isinstance(data.get("outlet"), str) else None,
    }
    meta.update({k: v for k, v in overrides.items() if v is not None})
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


def article_from_bytes(raw: bytes, name: str, *, kind: str | None = None, **meta) -> ArticleInput:
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


def read_file(path: str | Path, **meta) -> ArticleInput:
    """Read an article from a file on disk."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"There is no file named {path}.")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InvalidInput(f"{path.name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    return article_from_bytes(path.read_bytes(), path.name, **meta)


def article_from_page(page: FetchedPage, **meta) -> ArticleInput:
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
