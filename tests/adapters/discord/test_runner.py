"""Start-up: endpoint overrides, token errors, explicit sync, invite URL."""

from __future__ import annotations

import asyncio
import base64
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import discord
import discord.gateway
import discord.http
import pytest

from adapters.discord.runner import BOT_PERMISSIONS, endpoints, invite_url, rest_base
from adapters.testing.discord_gateway import FakeDiscord
from bot.run_discord import application_id_from_token, discord_invite, run_discord, sync_discord
from bot.settings import Settings
from briefings.errors import InvalidInput
from briefings.service import BriefingService


def settings_for(fake: FakeDiscord | None, token: str | None, **extra: Any) -> Settings:
    """Settings pointing at the fake (no .env, no environment surprises)."""
    values: dict[str, Any] = {"discord_token": token, "admins": frozenset(), **extra}
    if fake is not None:
        values |= {"discord_api_url": fake.api_base, "discord_gateway_url": fake.gateway_url}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_invite_url_has_exact_scopes_and_minimal_permissions() -> None:
    url = invite_url(1100000000000000001)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.netloc == "discord.com" and parts.path == "/oauth2/authorize"
    assert query["client_id"] == ["1100000000000000001"]
    assert query["scope"] == ["bot applications.commands"]
    expected = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 38)  # + read message history
    assert query["permissions"] == [str(expected)] and BOT_PERMISSIONS.value == expected


def test_discord_invite_from_id_settings_or_token() -> None:
    app_id = 1100000000000000001
    token = base64.b64encode(str(app_id).encode()).decode().rstrip("=") + ".GhIjKl.secret"
    assert application_id_from_token(token) == app_id
    expected = invite_url(app_id)
    assert discord_invite(app_id) == expected
    assert discord_invite(str(app_id)) == expected
    assert discord_invite(settings_for(None, None, discord_application_id=str(app_id))) == expected
    assert discord_invite(settings_for(None, token)) == expected
    with pytest.raises(InvalidInput, match="DISCORD_APPLICATION_ID"):
        discord_invite(settings_for(None, None))
    with pytest.raises(InvalidInput, match="bot token"):
        discord_invite(settings_for(None, "not-a-token"))
    with pytest.raises(InvalidInput):
        discord_invite("abc")


def test_endpoints_are_restored() -> None:
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    with endpoints("http://127.0.0.1:9/api/v10/", "ws://127.0.0.1:9/gw"):
        assert discord.http.Route.BASE == "http://127.0.0.1:9/api/v10"
        assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:9/gw"
    assert base == discord.http.Route.BASE
    assert gateway == discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    with endpoints("http://127.0.0.1:9", None):
        assert discord.http.Route.BASE == "http://127.0.0.1:9/api/v10"
    assert rest_base("https://proxy.example/discord/api/") == "https://proxy.example/discord/api/v10"
    assert rest_base("https://proxy.example/api/v9") == "https://proxy.example/api/v9"
    with endpoints(None, None):
        assert base == discord.http.Route.BASE


async def test_missing_token_is_a_clear_error(service: BriefingService) -> None:
    with pytest.raises(InvalidInput, match="DISCORD_TOKEN is not set"):
        await run_discord(settings_for(None, None), service)
    with pytest.raises(InvalidInput, match="DISCORD_TOKEN is not set"):
        await sync_discord(SimpleNamespace(discord_token=None), service, None)


async def test_rejected_token_is_a_clear_error(service: BriefingService) -> None:
    async with FakeDiscord() as fake:
        with pytest.raises(InvalidInput, match="rejected DISCORD_TOKEN"):
            await run_discord(settings_for(fake, "wrong-token"), service)
        with pytest.raises(InvalidInput, match="rejected DISCORD_TOKEN"):
            await sync_discord(settings_for(fake, "wrong-token"), service, None)
        assert fake.find("GET", "^/users/@me$")[0].status == 401
    assert discord.http.Route.BASE == "https://discord.com/api/v10"


async def test_run_discord_connects_with_overrides_and_no_privileged_intents(service: BriefingService) -> None:
    async with FakeDiscord() as fake:
        task = asyncio.create_task(run_discord(settings_for(fake, fake.token), service))
        try:
            async with asyncio.timeout(5):
                await fake.connected.wait()
            identify = fake.identifies[0]
            assert identify["token"] == fake.token
            assert identify["intents"] == discord.Intents(guilds=True).value  # nothing privileged
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    assert discord.http.Route.BASE == "https://discord.com/api/v10"


async def test_sync_discord_guild_and_global(service: BriefingService) -> None:
    async with FakeDiscord() as fake:
        names = await sync_discord(settings_for(fake, fake.token), service, fake.guild_id)
        assert sorted(names) == ["Add to briefings", "brief", "brief-admin"]
        assert fake.find("PUT", rf"^/applications/{fake.app_id}/guilds/{fake.guild_id}/commands$")
        assert not fake.find("PUT", rf"^/applications/{fake.app_id}/commands$")
        await sync_discord(settings_for(fake, fake.token), service, None)
        assert fake.find("PUT", rf"^/applications/{fake.app_id}/commands$")
        assert not fake.identifies  # REST only: sync never opens the gateway
