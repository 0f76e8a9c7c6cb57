"""Daily channel digests on Discord: native embeds within every limit, deduplicated posts, crash recovery.

``DiscordDigestSender`` implements the scheduler's ``DigestSender`` protocol over discord.py's REST
client. Each story is one embed; embeds are grouped into messages of at most 10 embeds and 6000
characters (less room for the delivery marker), split in order. Every post disables mentions,
carries a ``nonce`` derived from (channel, digest, key, part) with ``enforce_nonce`` so Discord
itself drops a retried duplicate for a few minutes, and ends with a footer marker
``digest KEY · part N/M`` by which ``find_posted`` recognises what was already posted after a crash.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiohttp
import discord
import discord.http
from discord.http import HTTPClient, handle_message_parameters

from adapters.discord import limits, words
from adapters.discord.render import COLOR, escape
from adapters.discord.runner import rest_base
from briefings.digest_text import (
    AND_MORE,
    EMPTY_SENTENCE,
    NO_DIGEST,
    ItemText,
    Notice,
    SourceText,
    StatusLine,
    digest_text,
    status_text,
    turned_off,
    turned_on,
)
from briefings.errors import DeliveryError
from briefings.models import Digest, DigestStatus, DigestSubscription

log = logging.getLogger(__name__)

NONE = discord.AllowedMentions.none()
EMPTY_LINE = EMPTY_SENTENCE
# Characters kept free in every message for the footer marker added at post time.
MARKER_ROOM = 120
MESSAGE_BUDGET = limits.TOTAL - MARKER_ROOM
TLDR_CHARS = 350
SOURCES_CHARS = 700
CHANGES_CHARS = 800  # what an updated story's brief gained: a few lines
CHANGE_CHARS = 300
HISTORY = 50
NONCE_CHARS = 25  # Discord accepts a nonce of at most 25 characters
# Waits longer than this come back to the scheduler as a transient error with Retry-After.
MAX_INLINE_RATELIMIT = 30.0
_MARKER = re.compile(r"digest (\S+) · part (\d+)/(\d+)")
# Discord error codes that no retry can fix although the status is 400.
_PERMANENT_400 = {50083: "the thread is archived", 50001: "the bot has no access to the channel"}


@dataclass
class DigestMessage:
    """One Discord message of a digest: header content and embeds (the last one gets the marker)."""

    content: str | None
    embeds: list[discord.Embed]
    subscription_id: int
    part: int = 0
    total: int = 1

    def size(self) -> int:
        """Return the embed characters Discord counts toward the 6000 limit."""
        return sum(len(e) for e in self.embeds)


# -- pure rendering: the words come from briefings.digest_text, only the markup is here ---------------


def _source_text(source: SourceText) -> str:
    safe = limits.safe_url(source.url)
    label = escape(source.title.replace("[", "(").replace("]", ")"))
    text = f"[{label}]({safe.replace('(', '%28').replace(')', '%29')})" if safe else label
    return f"{text} ({escape(source.outlet)})" if source.outlet else text


def _whats_new(item: ItemText) -> str:
    if not item.sources:
        return f"**{escape(item.label)}**"
    head = f"**{escape(item.label)}:** "
    sources = [_source_text(s) for s in item.sources]
    return head + limits.clip_lines(sources, SOURCES_CHARS - len(head), more=AND_MORE, sep=", ")


def render_item(item: ItemText) -> discord.Embed:
    """Render one digest story: linked title, one-line TL;DR, what is new, and how to open it."""
    lines = [escape(limits.clip(item.tldr, TLDR_CHARS))] if item.tldr else []
    lines.append(_whats_new(item))
    if item.changes:
        changes = [f"• {escape(limits.clip(line, CHANGE_CHARS))}" for line in item.changes]
        lines.append(limits.clip_lines(changes, CHANGES_CHARS, more=AND_MORE))
    lines.append(f"Open the full brief: `{words.show(item.slug)}`")
    embed = discord.Embed(
        title=limits.clip(escape(item.title), limits.TITLE),
        url=limits.safe_url(next((s.url for s in item.sources if limits.safe_url(s.url)), item.url)),
        description=limits.clip("\n".join(lines), limits.DESCRIPTION),
        colour=COLOR,
    )
    return limits.fit_embed(embed)


def _notice(notice: Notice) -> str:
    """Return a notice as Discord text, its hints worded as Discord commands."""
    return " ".join(p for p in (escape(notice.text), words.try_line(notice.hints)) if p)


def render_digest(digest: Digest) -> list[DigestMessage]:
    """Render a digest as Discord messages in order, each within every limit with room for the marker."""
    text = digest_text(digest)
    header = f"**{escape(text.headline)}**"
    sid = text.subscription_id
    if text.empty:
        embed = discord.Embed(description=escape(text.empty), colour=COLOR)
        return [DigestMessage(content=limits.clip_content(header), embeds=[embed], subscription_id=sid)]
    embeds = [render_item(item) for item in text.items]
    if text.more:
        last = embeds[-1]
        # Footers show no markdown: the hint stays plain text.
        hints = " or ".join(words.command(h) for h in text.more.hints)
        more = f"{text.more.text} Try {hints}." if hints else text.more.text
        last.set_footer(text=limits.clip(more, limits.FOOTER))
    groups = limits.chunk_embeds(embeds, MESSAGE_BUDGET)
    total = len(groups)
    messages: list[DigestMessage] = []
    for part, group in enumerate(groups):
        content = header if part == 0 else f"{header} (continued, {part + 1}/{total})"
        messages.append(
            DigestMessage(
                content=limits.clip_content(content), embeds=group, subscription_id=sid, part=part, total=total
            )
        )
    return messages


def marker(key: str, part: int, total: int) -> str:
    """Return the footer marker of part ``part`` (0-based) of delivery ``key``."""
    return f"digest {key} · part {part + 1}/{total}"


def nonce(channel_id: str, subscription_id: int, key: str, part: int) -> str:
    """Return the message nonce of one part: the same on every retry, different across channels and digests."""
    raw = f"{channel_id}:{subscription_id}:{key}:{part}".encode()
    return hashlib.blake2b(raw, digest_size=16).hexdigest()[:NONCE_CHARS]


def with_marker(message: DigestMessage, key: str, part: int) -> list[discord.Embed]:
    """Return the message's embeds with the delivery marker in the last embed's footer."""
    embeds = [e.copy() for e in message.embeds] or [discord.Embed(colour=COLOR)]
    last = embeds[-1]
    mark = marker(key, part, max(message.total, part + 1))
    existing = last.footer.text or ""
    text = f"{limits.clip(existing, limits.FOOTER - len(mark) - 3)} · {mark}" if existing else mark
    last.set_footer(text=text)
    return embeds


def render_digest_set(status: DigestStatus) -> str:
    """Render the answer to `/brief-admin digest on`: the schedule, topics and the next run."""
    return limits.clip_content(_notice(turned_on(status)))


def render_digest_stopped(subs: Sequence[DigestSubscription]) -> str:
    """Render the answer to `/brief-admin digest off`."""
    return limits.clip_content(_notice(turned_off(subs)))


def _ts(moment: datetime) -> str:
    return f"<t:{int(moment.timestamp())}:R>"


def _status_line(line: StatusLine) -> str:
    text = escape(line.text)
    if line.label:
        label = escape(line.label)
        text = (f"**{label}:** " if line.problem else f"{label}: ") + text
    if line.at is not None and line.kind in ("next_run", "last_delivery"):
        text += f" · {_ts(line.at)}"  # shown in the reader's own time
    return text


def render_digest_status(statuses: Sequence[DigestStatus]) -> discord.Embed:
    """Render `/brief digest status`: next run (local and UTC), last delivery, failures, skipped slots."""
    embed = discord.Embed(title="Daily digests in this channel", colour=COLOR)
    if not statuses:
        embed.description = _notice(NO_DIGEST)
        return embed
    for status in statuses:
        text = status_text(status)
        lines = [_status_line(line) for line in text.lines]
        embed.add_field(
            # The title is made of the digest's id, time and validated zone only: nothing to escape.
            name=limits.clip(text.title, limits.FIELD_NAME),
            value=limits.clip_lines(lines, limits.FIELD_VALUE),
            inline=False,
        )
    embed.set_footer(text="Times in the digest's zone and in UTC; <t:…> shows in your own time.")
    return limits.fit_embed(embed, more="More digests were left out.")


def render_digest_preview(digest: Digest) -> list[DigestMessage]:
    """Render what the digest would post now (shown to the caller only)."""
    messages = render_digest(digest)
    first = messages[0]
    first.content = limits.clip_content(f"Preview (only you see this): {first.content or ''}")
    return messages


def zone_choices(zones: Sequence[str], current: str, limit: int = limits.CHOICES) -> list[str]:
    """Return at most ``limit`` zones for autocomplete: prefix matches (also after '/') first, then contains."""
    needle = current.strip().lower().replace(" ", "_")
    if not needle:
        common = ["UTC", "Europe/London", "America/New_York", "Asia/Tokyo", "Europe/Berlin", "America/Los_Angeles"]
        return [z for z in common if z in zones][:limit] or list(zones[:limit])
    prefix = [z for z in zones if z.lower().startswith(needle)]
    city = [z for z in zones if z not in prefix and z.lower().rsplit("/", 1)[-1].startswith(needle)]
    seen = set(prefix) | set(city)
    contains = [z for z in zones if z not in seen and needle in z.lower()]
    return (prefix + city + contains)[:limit]


# -- errors ----------------------------------------------------------------------------------------


def _retry_after(exc: discord.HTTPException) -> float | None:
    headers = getattr(exc.response, "headers", None) or {}
    value = headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def delivery_error(exc: BaseException) -> DeliveryError:
    """Map a discord.py / network failure to DeliveryError (429, 5xx, timeouts: transient; 403/404: permanent)."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, discord.RateLimited):
        return DeliveryError("rate limited by Discord", transient=True, retry_after=exc.retry_after)
    if isinstance(exc, discord.Forbidden):
        return DeliveryError(
            f"Briefbot may not post in this channel (missing access or permission, code {exc.code})", transient=False
        )
    if isinstance(exc, discord.NotFound):
        return DeliveryError(
            f"channel not found (code {exc.code}): it was deleted or Briefbot was removed", transient=False
        )
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            return DeliveryError("rate limited by Discord (429)", transient=True, retry_after=_retry_after(exc))
        if exc.status >= 500 or isinstance(exc, discord.DiscordServerError):
            return DeliveryError(f"Discord server error {exc.status}", transient=True)
        if exc.status == 401:
            return DeliveryError("Discord rejected the bot token (401)", transient=True)
        reason = _PERMANENT_400.get(exc.code) or limits.clip(exc.text or "request rejected", 200)
        return DeliveryError(f"Discord refused the message ({exc.status}, code {exc.code}): {reason}", transient=False)
    if isinstance(exc, TimeoutError | aiohttp.ClientError | OSError):
        return DeliveryError(f"network error talking to Discord: {type(exc).__name__}", transient=True)
    return DeliveryError(f"unexpected error posting to Discord: {type(exc).__name__}", transient=True)


_FAILURES = (discord.DiscordException, aiohttp.ClientError, TimeoutError, OSError)


# -- the sender ------------------------------------------------------------------------------------


class DiscordDigestSender:
    """The scheduler's DigestSender for Discord, over a logged-in client or its HTTPClient."""

    platform = "discord"

    def __init__(self, http: HTTPClient | discord.Client, *, owned: discord.Client | None = None) -> None:
        self._target = http
        self._owned = owned
        self._bot_id: int | None = None

    @property
    def http(self) -> HTTPClient:
        """Return the REST client."""
        return self._target.http if isinstance(self._target, discord.Client) else self._target

    def render(self, digest: Digest) -> list[DigestMessage]:
        """Return the digest as messages in order, each within Discord's limits."""
        return render_digest(digest)

    async def post(self, channel_id: str, message: DigestMessage, *, key: str, part: int) -> str:
        """Post one part with no mentions and a dedupe nonce; return the message id or raise DeliveryError."""
        params = handle_message_parameters(
            content=message.content,
            embeds=with_marker(message, key, part),
            allowed_mentions=NONE,
            nonce=nonce(channel_id, message.subscription_id, key, part),
        )
        params.payload["enforce_nonce"] = True  # type: ignore[index]
        try:
            data = await self.http.send_message(int(channel_id), params=params)
        except _FAILURES as exc:
            err = delivery_error(exc)
            log.warning("discord digest %s part %d to channel %s failed: %s", key, part, channel_id, err.message)
            raise err from exc
        return str(data["id"])

    async def _me(self) -> int | None:
        if self._bot_id is None:
            client = self._target if isinstance(self._target, discord.Client) else self._owned
            if client is not None and client.user is not None:
                self._bot_id = client.user.id
            else:
                try:
                    self._bot_id = int((await self.http.get_user("@me"))["id"])
                except _FAILURES:
                    return None
        return self._bot_id

    async def find_posted(self, channel_id: str, key: str) -> dict[int, str]:
        """Return the parts of delivery ``key`` among the channel's last 50 messages, by 0-based part."""
        me = await self._me()
        try:
            messages = await self.http.logs_from(int(channel_id), HISTORY)
        except _FAILURES as exc:
            raise delivery_error(exc) from exc
        found: dict[int, str] = {}
        for msg in messages:
            author = msg.get("author") or {}
            if me is not None and str(author.get("id")) != str(me):
                continue
            for embed in msg.get("embeds") or []:
                footer = embed.get("footer")
                text = (footer.get("text") if footer else None) or ""
                for match in _MARKER.finditer(text):
                    if match.group(1) == key:
                        found.setdefault(int(match.group(2)) - 1, str(msg["id"]))
        return found

    async def notify(self, channel_id: str, notice: Notice) -> None:
        """Post a short notice (its hints as Discord commands) with no mentions; raise DeliveryError when it cannot."""
        params = handle_message_parameters(content=limits.clip_content(_notice(notice)), allowed_mentions=NONE)
        try:
            await self.http.send_message(int(channel_id), params=params)
        except _FAILURES as exc:
            raise delivery_error(exc) from exc

    async def aclose(self) -> None:
        """Close the client this sender logged in itself (make_digest_sender); a no-op otherwise."""
        if self._owned is not None:
            await self._owned.close()
            self._owned = None


async def make_digest_sender(token: str, api_url: str | None = None) -> DiscordDigestSender:
    """Log in over REST only (no gateway) and return a sender; close it with ``aclose()``.

    ``api_url`` (e.g. DISCORD_API_URL) repoints discord.py's REST base for the process.
    """
    if api_url:
        discord.http.Route.BASE = rest_base(api_url)
    client = discord.Client(
        intents=discord.Intents.none(), allowed_mentions=NONE, max_ratelimit_timeout=MAX_INLINE_RATELIMIT
    )
    try:
        await client.login(token)
    except discord.LoginFailure as exc:
        await client.close()
        raise DeliveryError("Discord rejected the bot token (DISCORD_TOKEN).", transient=False) from exc
    except _FAILURES as exc:
        await client.close()
        raise delivery_error(exc) from exc
    return DiscordDigestSender(client, owned=client)
