"""Wiring for `briefbot discord`: run the bot, sync its commands, print its invite URL."""

from __future__ import annotations

import base64
import binascii
import logging
import time
from typing import TYPE_CHECKING, Any

import discord

from adapters.discord.client import build_client
from adapters.discord.runner import Shards, endpoints, invite_url, sync_with_token
from briefings.errors import BriefingError, InvalidInput

if TYPE_CHECKING:
    from briefings.metrics import Metrics
    from briefings.service import BriefingService

log = logging.getLogger(__name__)

_MISSING = (
    "DISCORD_TOKEN is not set. Put the bot token from the Discord developer portal "
    "(Applications → your app → Bot → Reset Token) in the environment or in .env."
)
_REJECTED = (
    "Discord rejected DISCORD_TOKEN (401 Unauthorized). Check that it is the bot token "
    "(not the client secret or the public key) and that it was not reset."
)


def _token(settings: Any) -> str:
    secret = getattr(settings, "discord_token", None)
    token = secret.get_secret_value() if hasattr(secret, "get_secret_value") else secret
    token = (token or "").strip()
    if not token:
        raise InvalidInput(_MISSING)
    return token.removeprefix("Bot ").strip()


def discord_shards(settings: Any, service: BriefingService, *, metrics: Metrics | None = None) -> Shards:
    """Build this process's Discord shards: those of DISCORD_SHARD_IDS, or each one no other replica holds.

    ``metrics`` counts their commands. A missing token is a clear error.
    """
    token = _token(settings)

    def make_client(shard_id: int, shard_count: int) -> discord.Client:
        client = build_client(service, admins=settings.admins, shard_id=shard_id, shard_count=shard_count)
        if metrics is not None:
            meter_client(client, metrics)
        return client

    return Shards(
        make_client,
        token,
        count=settings.discord_shard_count,
        ids=settings.discord_shard_ids,
        hold=service.store.hold,
        retry=settings.discord_shard_retry,
    )


async def run_discord(
    settings: Any, service: BriefingService, *, metrics: Metrics | None = None, shards: Shards | None = None
) -> None:
    """Run the Discord bot's shards until stopped (``shards`` if built already); a rejected token is a clear error."""
    shards = shards or discord_shards(settings, service, metrics=metrics)
    with endpoints(settings.discord_api_url, settings.discord_gateway_url):
        try:
            await shards.run()
        except discord.LoginFailure as exc:
            raise InvalidInput(_REJECTED) from exc
        except discord.PrivilegedIntentsRequired as exc:  # we ask for none; kept for clarity
            raise InvalidInput(f"Discord refused the gateway intents: {exc}") from exc


def meter_client(client: Any, metrics: Metrics) -> None:
    """Count the client's slash commands and button clicks by outcome (ok, refused, error); time `/brief show`."""
    started: dict[int, float] = {}
    handlers = getattr(client, "handlers", None)
    if handlers is not None:
        handlers.on_outcome = lambda name, outcome, _seconds: metrics.command("discord", name, outcome)
    edge = client.tree.on_error

    def settle(interaction: discord.Interaction, name: str, outcome: str) -> None:
        metrics.command("discord", name, outcome)
        start = started.pop(interaction.id, None)
        if start is not None and name == "brief show":
            metrics.brief_latency("discord", time.perf_counter() - start)

    async def on_interaction(interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.application_command:
            started[interaction.id] = time.perf_counter()

    async def on_app_command_completion(interaction: discord.Interaction, command: Any) -> None:
        settle(interaction, command.qualified_name, "ok")

    async def on_error(interaction: discord.Interaction, error: BaseException) -> None:
        cause = getattr(error, "original", None) or error
        name = interaction.command.qualified_name if interaction.command is not None else "unknown"
        settle(interaction, name, "refused" if isinstance(cause, BriefingError) else "error")
        await edge(interaction, error)

    client.on_interaction = on_interaction
    client.on_app_command_completion = on_app_command_completion
    client.tree.on_error = on_error


async def sync_discord(settings: Any, service: BriefingService, guild_id: int | None) -> list[str]:
    """Upload the slash commands (to one guild if given, else globally); return their names."""
    token = _token(settings)
    with endpoints(settings.discord_api_url, settings.discord_gateway_url):
        client = build_client(service, admins=settings.admins)
        try:
            synced = await sync_with_token(client, client.tree, token, guild_id)  # type: ignore[arg-type]
        except discord.LoginFailure as exc:
            raise InvalidInput(_REJECTED) from exc
    names = [c.name for c in synced]
    where = f"guild {guild_id}" if guild_id else "all servers (global; may take up to an hour to show)"
    log.info("synced discord commands %s to %s", ", ".join(names), where)
    return names


def application_id_from_token(token: str) -> int:
    """Return the application id encoded in a bot token's first part (the bot user id)."""
    head = token.removeprefix("Bot ").strip().split(".", 1)[0]
    try:
        raw = base64.b64decode(head + "=" * (-len(head) % 4), validate=False).decode("ascii")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInput("DISCORD_TOKEN does not look like a bot token.") from exc
    if not raw.isdigit():
        raise InvalidInput("DISCORD_TOKEN does not look like a bot token.")
    return int(raw)


def discord_invite(settings_or_app_id: Any) -> str:
    """Return the bot's invite URL, from an application id, DISCORD_APPLICATION_ID or the token."""
    if isinstance(settings_or_app_id, int | str):
        app_id = str(settings_or_app_id).strip()
        if not app_id.isdigit():
            raise InvalidInput(f"'{app_id[:40]}' is not a Discord application id (digits only).")
        return invite_url(int(app_id))
    settings = settings_or_app_id
    app_id = (getattr(settings, "discord_application_id", None) or "").strip()
    if app_id:
        return discord_invite(app_id)
    secret = getattr(settings, "discord_token", None)
    if not secret:
        raise InvalidInput(
            "Set DISCORD_APPLICATION_ID (General Information page of your app) or DISCORD_TOKEN "
            "to print the invite URL."
        )
    return invite_url(application_id_from_token(_token(settings)))
