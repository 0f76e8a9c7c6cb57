"""Escaping untrusted text for Slack, so article text can never ping, link or format as markup."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SPECIAL = re.compile(r"[&<>]")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
_ELLIPSIS = "…"


def escape(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` (which also defuses ``<!channel>`` and ``<@U…>``)."""
    return _SPECIAL.sub(lambda m: _ESCAPES[m.group()], text)


def escaped_len(text: str) -> int:
    """Return the length ``text`` will have once escaped."""
    return len(text) + 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))


def clip(text: str, limit: int) -> str:
    """Escape ``text`` and cut it to at most ``limit`` characters, never inside an entity."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    out: list[str] = []
    used = 0
    for ch in text:
        piece = _ESCAPES.get(ch, ch)
        if used + len(piece) > limit - len(_ELLIPSIS):
            break
        out.append(piece)
        used += len(piece)
    return "".join(out).rstrip() + _ELLIPSIS


def clip_plain(text: str, limit: int) -> str:
    """Cut already-safe text (our own markup) to ``limit`` characters at a line or word boundary."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(_ELLIPSIS)]
    for sep in ("\n", " "):
        at = cut.rfind(sep)
        if at > limit // 2:
            cut = cut[:at]
            break
    # never leave a half entity such as "&am" at the end
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    # never leave a half link such as "<https://x|ti"
    lt = cut.rfind("<")
    if lt != -1 and ">" not in cut[lt:]:
        cut = cut[:lt]
    return cut.rstrip() + _ELLIPSIS


def safe_url(url: str | None) -> str | None:
    """Return an http(s) URL fit for a ``<url|label>`` link, or None if it is not one."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2000:
        return None
    if any(ch.isspace() for ch in url):
        return None
    return escape(url.replace("|", "%7C"))


def link(url: str | None, label: str, limit: int = 300) -> str:
    """Return a mrkdwn link to ``url`` with the escaped ``label`` (the label alone if no URL)."""
    text = clip(label, limit).replace("|", "¦")
    href = safe_url(url)
    return f"<{href}|{text}>" if href else text


def mention(user_id: str) -> str:
    """Return a user mention, only for a well-formed Slack user id (else the escaped id)."""
    return f"<@{user_id}>" if _USER_ID.match(user_id or "") else escape(user_id or "someone")
