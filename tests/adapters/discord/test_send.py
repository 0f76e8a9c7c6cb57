"""Posting to channels outside interactions (digests): limits, no mentions, 429s and 5xx."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest

from adapters.discord import limits
from adapters.discord.send import post_embeds
from adapters.testing.discord_gateway import FakeDiscord

ROUTE = r"^/channels/\d+/messages$"


@pytest.fixture
async def client(fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    """A discord.Client logged in over REST only (as the digest scheduler may use it)."""
    async with discord.Client(intents=discord.Intents.none()) as c:
        await c.login(fake.token)
        yield c


class Sleeps:
    """An injected sleep that records delays and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


async def test_post_embeds_chunks_and_disables_mentions(fake: FakeDiscord, client: discord.Client) -> None:
    embeds = [discord.Embed(title=f"Story {i} @everyone", description="d" * 2500) for i in range(5)]
    ids = await post_embeds(client, fake.channel_id, embeds, content="Daily digest <@&456> " + "x" * 3000)
    posts = fake.find("POST", ROUTE)
    assert len(ids) == len(posts) == 3  # 2500-character embeds: two per 6000-character message
    assert [len(p.json["embeds"]) for p in posts] == [2, 2, 1]
    for post in posts:
        assert post.json["allowed_mentions"] == {"parse": []}
        assert sum(limits.embed_size(e) for e in post.json["embeds"]) <= limits.TOTAL
    assert len(posts[0].json["content"]) == limits.CONTENT
    assert "content" not in posts[1].json or not posts[1].json["content"]


async def test_post_embeds_accepts_the_http_client(fake: FakeDiscord, client: discord.Client) -> None:
    ids = await post_embeds(client.http, fake.channel_id, [discord.Embed(title="t")])
    assert len(ids) == 1


async def test_rate_limit_is_waited_out(fake: FakeDiscord, client: discord.Client, no_sleep: Any) -> None:
    fake.fail_next("POST", ROUTE, status=429, retry_after=3.25)
    await post_embeds(client, fake.channel_id, [discord.Embed(title="t")])
    assert [r.status for r in fake.find("POST", ROUTE)] == [429, 200]
    assert 3.25 in no_sleep.delays


async def test_server_errors_are_survived(fake: FakeDiscord, client: discord.Client, no_sleep: Any) -> None:
    # 500s: discord.py retries by itself. 503 and Cloudflare 429s (no Via): our outer retry.
    fake.fail_next("POST", ROUTE, status=500, times=2)
    fake.fail_next("POST", ROUTE, status=503, times=1)
    fake.fail_next("POST", ROUTE, status=429, via=False, times=1)
    sleeps = Sleeps()
    ids = await post_embeds(client, fake.channel_id, [discord.Embed(title="t")], sleep=sleeps)
    assert len(ids) == 1
    assert [r.status for r in fake.find("POST", ROUTE)] == [500, 500, 503, 429, 200]
    assert sleeps.delays == [2.0, 4.0]


async def test_gives_up_after_attempts(fake: FakeDiscord, client: discord.Client) -> None:
    fake.fail_next("POST", ROUTE, status=503, times=10)
    with pytest.raises(discord.DiscordServerError):
        await post_embeds(client, fake.channel_id, [discord.Embed(title="t")], attempts=3, sleep=Sleeps())
    assert len(fake.find("POST", ROUTE)) == 3


async def test_forbidden_is_not_retried(fake: FakeDiscord, client: discord.Client) -> None:
    fake.fail_next("POST", ROUTE, status=403)
    sleeps = Sleeps()
    with pytest.raises(discord.Forbidden):
        await post_embeds(client, fake.channel_id, [discord.Embed(title="t")], sleep=sleeps)
    assert sleeps.delays == []
