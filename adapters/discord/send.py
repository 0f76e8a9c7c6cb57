"""Posting to a Discord channel outside any interaction (for digests), surviving 429s and 5xx."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

import discord
from discord.http import HTTPClient, handle_message_parameters

from adapters.discord import limits

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


def _http(target: discord.Client | HTTPClient) -> HTTPClient:
    return target.http if isinstance(target, discord.Client) else target


def _retryable(exc: discord.HTTPException) -> bool:
    # discord.py already retries 429s that carry a Via header and 500/502/504/524 (five tries);
    # this outer loop covers what it gives up on: 503s, exhausted retries, Cloudflare 429s.
    return isinstance(exc, discord.DiscordServerError) or exc.status == 429 or exc.status >= 500


async def post_embeds(
    target: discord.Client | HTTPClient,
    channel_id: int,
    embeds: Sequence[discord.Embed],
    content: str | None = None,
    *,
    attempts: int = 4,
    sleep: Sleep = asyncio.sleep,
) -> list[int]:
    """Post ``embeds`` (and ``content`` on the first message) to a channel; return message ids.

    Embeds are fitted to Discord's limits and grouped at most 10 and 6000 characters per
    message. No mention can ping (``AllowedMentions.none()``). Server errors and rate limits are
    retried with backoff; a 403/404 (no access, unknown channel) is raised at once.
    """
    http = _http(target)
    fitted = [limits.fit_embed(e) for e in embeds]
    chunks: list[list[discord.Embed]] = limits.chunk_embeds(fitted) or [[]]
    text = limits.clip_content(content) if content else None
    ids: list[int] = []
    for i, chunk in enumerate(chunks):
        message = await _post_one(http, channel_id, chunk, text if i == 0 else None, attempts, sleep)
        ids.append(int(message["id"]))
    return ids


async def _post_one(
    http: HTTPClient,
    channel_id: int,
    embeds: list[discord.Embed],
    content: str | None,
    attempts: int,
    sleep: Sleep,
) -> dict[str, object]:
    for attempt in range(1, attempts + 1):
        params = handle_message_parameters(
            content=content,
            embeds=embeds,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        try:
            return dict(await http.send_message(channel_id, params=params))
        except discord.HTTPException as exc:
            if not _retryable(exc) or attempt == attempts:
                raise
            delay = min(2.0**attempt, 30.0)
            log.warning(
                "posting to channel %s failed with %s (attempt %d/%d); retrying in %.0fs",
                channel_id,
                exc.status,
                attempt,
                attempts,
                delay,
            )
            await sleep(delay)
    raise AssertionError("unreachable")
