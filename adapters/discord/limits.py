"""Discord's message and embed limits, enforced by construction with graceful trimming.

``discord.Embed`` validates nothing (it only caps a message at 10 embeds), and Discord answers
400 to a message over any limit, so every embed goes through ``fit_embed`` before it is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import discord
from discord.types.embed import EmbedField

log = logging.getLogger(__name__)

TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
TOTAL = 6000
CONTENT = 2000
EMBEDS_PER_MESSAGE = 10
URL = 2048

CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
BUTTON_LABEL = 80
CUSTOM_ID = 100
MODAL_TITLE = 45
INPUT_LABEL = 45
INPUT_VALUE = 4000

ELLIPSIS = "…"
# Discord rejects empty field names and values; a zero-width space is the usual stand-in.
BLANK = "\u200b"
# Characters of the 6000 kept for fields when a long description competes with them.
FIELD_SHARE = 2000


def clip(text: str | None, limit: int, *, ellipsis: str = ELLIPSIS) -> str:
    """Return ``text`` cut to at most ``limit`` characters, ending in an ellipsis when cut."""
    text = text or ""
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis):
        return ellipsis[:limit]
    cut = text[: limit - len(ellipsis)].rstrip()
    # Never leave a dangling escape backslash that would swallow the ellipsis.
    stripped = cut.rstrip("\\")
    if (len(cut) - len(stripped)) % 2:
        cut = cut[:-1]
    return cut + ellipsis


def clip_lines(lines: Sequence[str], limit: int, *, more: str = "…and {n} more", sep: str = "\n") -> str:
    """Join ``lines`` with ``sep`` within ``limit``, ending with a "…and N more" item when cut."""
    out: list[str] = []
    size = 0
    for i, line in enumerate(lines):
        left = len(lines) - i - 1
        gap = len(sep) if out else 0
        # Keep room for the pointer after this line, unless this is the last line.
        tail = len(sep) + len(more.format(n=left)) if left else 0
        if size + gap + len(line) + tail <= limit:
            out.append(line)
            size += gap + len(line)
            continue
        if not out:
            # Even the first line is too long: show it clipped, then the pointer.
            pointer = more.format(n=left) if left else ""
            room = limit - (len(pointer) + len(sep) if pointer else 0)
            return sep.join([clip(line, room), pointer] if pointer else [clip(line, room)])
        # The previous line reserved room for exactly this pointer.
        out.append(more.format(n=len(lines) - i))
        return sep.join(out)
    return sep.join(out)


def clip_content(text: str | None) -> str:
    """Return message content within Discord's 2000 characters."""
    return clip(text, CONTENT)


def safe_url(url: str | None) -> str | None:
    """Return ``url`` if Discord will accept it as a link (http/https, no spaces), else None."""
    if not url or len(url) > URL or any(c.isspace() for c in url):
        return None
    if not url.lower().startswith(("http://", "https://")):
        return None
    return url


def embed_size(data: dict[str, Any]) -> int:
    """Count an embed dict the way Discord counts it toward the 6000-character total."""
    size = len(data.get("title") or "") + len(data.get("description") or "")
    size += len((data.get("footer") or {}).get("text") or "")
    size += len((data.get("author") or {}).get("name") or "")
    for f in data.get("fields") or []:
        size += len(f.get("name") or "") + len(f.get("value") or "")
    return size


def fit_embed(embed: discord.Embed, *, more: str | None = None) -> discord.Embed:
    """Return a copy of ``embed`` within every Discord limit; ``more`` says where the rest is.

    Title, author and footer are clipped to their limits; the description keeps as much as the
    total allows; fields are kept in order while they fit, and when some are dropped a last field
    carries the ``more`` pointer.
    """
    data = embed.to_dict()
    if "title" in data:
        data["title"] = clip(data["title"], TITLE)
    if "url" in data and safe_url(data["url"]) is None:
        data.pop("url")
    if data.get("author"):
        data["author"]["name"] = clip(data["author"].get("name"), AUTHOR)
    if data.get("footer"):
        data["footer"]["text"] = clip(data["footer"].get("text"), FOOTER)
    fields: list[EmbedField] = [
        {
            "name": clip(f.get("name"), FIELD_NAME) or BLANK,
            "value": clip(f.get("value"), FIELD_VALUE) or BLANK,
            "inline": bool(f.get("inline")),
        }
        for f in data.get("fields") or []
    ]
    pointer: EmbedField | None = {"name": "More", "value": clip(more, FIELD_VALUE), "inline": False} if more else None
    reserve = len(pointer["name"]) + len(pointer["value"]) if pointer else 0
    fixed = embed_size({k: v for k, v in data.items() if k not in ("description", "fields")})

    all_fields = sum(len(f["name"]) + len(f["value"]) for f in fields)
    description = data.get("description")
    if description is not None:
        # The description (TL;DR and summary) comes first, but leaves the fields a fair share.
        want = min(all_fields + reserve, FIELD_SHARE) if fields else 0
        data["description"] = clip(description, max(0, min(DESCRIPTION, TOTAL - fixed - want)))
    budget = TOTAL - fixed - len(data.get("description") or "")

    kept: list[EmbedField]
    if len(fields) <= FIELDS and all_fields <= budget:
        kept = fields
    else:
        kept = []
        used = 0
        slots = FIELDS - (1 if pointer else 0)
        for f in fields:
            size = len(f["name"]) + len(f["value"])
            if len(kept) >= slots or used + size + reserve > budget:
                break
            kept.append(f)
            used += size
        dropped = len(fields) - len(kept)
        log.debug("fit_embed dropped %d of %d fields", dropped, len(fields))
        if pointer and used + reserve <= budget:
            kept.append(pointer)
    if kept:
        data["fields"] = kept
    else:
        data.pop("fields", None)
    fitted = discord.Embed.from_dict(data)
    assert len(fitted) <= TOTAL, len(fitted)
    return fitted


def violations(data: dict[str, Any]) -> list[str]:
    """List every Discord limit an embed dict breaks (empty when it is valid)."""
    found: list[str] = []

    def check(name: str, value: str | None, limit: int) -> None:
        if value is not None and len(value) > limit:
            found.append(f"{name} {len(value)} > {limit}")

    check("title", data.get("title"), TITLE)
    check("description", data.get("description"), DESCRIPTION)
    check("footer", (data.get("footer") or {}).get("text"), FOOTER)
    check("author", (data.get("author") or {}).get("name"), AUTHOR)
    fields = data.get("fields") or []
    if len(fields) > FIELDS:
        found.append(f"fields {len(fields)} > {FIELDS}")
    for i, f in enumerate(fields):
        check(f"field {i} name", f.get("name"), FIELD_NAME)
        check(f"field {i} value", f.get("value"), FIELD_VALUE)
        if not f.get("name") or not f.get("value"):
            found.append(f"field {i} is empty")
    if embed_size(data) > TOTAL:
        found.append(f"total {embed_size(data)} > {TOTAL}")
    return found


def chunk_embeds(embeds: Iterable[discord.Embed], budget: int = TOTAL) -> list[list[discord.Embed]]:
    """Group embeds into messages of at most 10 embeds and ``budget`` (default 6000) characters in all."""
    chunks: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    size = 0
    for embed in embeds:
        n = len(embed)
        if current and (len(current) >= EMBEDS_PER_MESSAGE or size + n > budget):
            chunks.append(current)
            current, size = [], 0
        current.append(embed)
        size += n
    if current:
        chunks.append(current)
    return chunks
