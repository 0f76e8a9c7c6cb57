"""Starting the Discord bot: endpoint overrides, login, explicit command sync and the invite URL."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator

import discord
import discord.gateway
import discord.http
import yarl
from discord import app_commands

log = logging.getLogger(__name__)

SCOPES = ("bot", "applications.commands")

# The bot answers commands through interaction responses, which need no channel permission.
# It needs these only to post digests in channels and threads:
#   View Channel (1 << 10), Send Messages (1 << 11), Embed Links (1 << 14),
#   Send Messages in Threads (1 << 38).
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    send_messages_in_threads=True,
    read_message_history=True,  # digests: find an already-posted digest after a crash, never post twice
)


def rest_base(api_url: str) -> str:
    """Return the REST base with its API version: ``http://h`` -> ``http://h/api/v10``."""
    base = api_url.strip().rstrip("/")
    if re.search(r"/v\d+$", base):
        return base
    version = f"v{discord.http.INTERNAL_API_VERSION}"
    return f"{base}/{version}" if base.endswith("/api") else f"{base}/api/{version}"


@contextlib.contextmanager
def endpoints(api_url: str | None = None, gateway_url: str | None = None) -> Iterator[None]:
    """Point discord.py at another REST base and gateway (a proxy, or a fake) for the block.

    ``api_url`` is the REST base, e.g. ``http://127.0.0.1:8080/api/v10`` (``/api/v10`` is added
    when the URL has no version);
    ``gateway_url`` a ``ws://`` or ``wss://`` URL. Both are restored on exit. discord.py keeps
    them as class attributes, so only one configuration can be active per process.
    """
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    if api_url:
        discord.http.Route.BASE = rest_base(api_url)
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    if api_url or gateway_url:
        log.info(
            "discord endpoints: REST %s, gateway %s",
            discord.http.Route.BASE,
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
        )
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


async def run_client(client: discord.Client, token: str) -> None:
    """Log in and stay connected until the client is closed (raises LoginFailure on a bad token)."""
    async with client:
        await client.start(token, reconnect=True)


async def sync_commands(
    tree: app_commands.CommandTree[discord.Client], guild_id: int | None = None
) -> list[app_commands.AppCommand]:
    """Upload the command tree: to one guild (instant, for development) or globally (production)."""
    if guild_id is None:
        synced = await tree.sync()
        log.info("synced %d global discord commands", len(synced))
        return synced
    guild = discord.Object(id=guild_id)
    tree.copy_global_to(guild=guild)
    synced = await tree.sync(guild=guild)
    log.info("synced %d discord commands to guild %s", len(synced), guild_id)
    return synced


async def sync_with_token(
    client: discord.Client, tree: app_commands.CommandTree[discord.Client], token: str, guild_id: int | None = None
) -> list[app_commands.AppCommand]:
    """Log in over REST only (no gateway), sync the commands, and close."""
    async with client:
        await client.login(token)
        return await sync_commands(tree, guild_id)


def invite_url(application_id: int | str) -> str:
    """Return the OAuth2 URL that adds the bot with scopes ``bot applications.commands``."""
    return discord.utils.oauth_url(int(application_id), permissions=BOT_PERMISSIONS, scopes=SCOPES)
