"""Starting the Discord bot: endpoint overrides, login, one gateway session per shard held, command sync, invite URL."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager

import discord
import discord.gateway
import discord.http
import yarl
from discord import app_commands

from briefings.errors import StoreError
from briefings.store.locks import Hold

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


HoldLock = Callable[[str], AbstractAsyncContextManager[Hold | None]]
MakeClient = Callable[[int, int], discord.Client]


class Shards:
    """One gateway session per Discord shard this process holds, so replicas together run each shard once.

    With ``hold`` (the store's ``hold``), shard ``i`` of ``range(count)`` runs here only while this process holds
    the lock ``discord-shard-<i>``; a shard another process holds is tried again every ``retry`` seconds, so it is
    taken over soon after its holder dies, and a lock that is lost closes its session at once. With ``ids``
    (DISCORD_SHARD_IDS), exactly those shards run here and no lock is taken: the operator split them.
    """

    def __init__(
        self,
        make_client: MakeClient,
        token: str,
        *,
        count: int = 1,
        ids: Sequence[int] | None = None,
        hold: HoldLock | None = None,
        retry: float = 15.0,
    ) -> None:
        self.count = count
        self.ids = tuple(ids) if ids is not None else tuple(range(count))
        self.clients: dict[int, discord.Client] = {}  # the shards running here now, by id
        self.ready = asyncio.Event()  # set once every shard has connected here or is known to run elsewhere
        self._make_client = make_client
        self._token = token
        self._hold = hold if ids is None else None
        self._retry = retry
        self._settled: set[int] = set()
        self._stop = asyncio.Event()

    def connected(self) -> bool:
        """Tell whether every shard has been settled and each one running here has its gateway socket open."""
        return self.ready.is_set() and all(_open(c) for c in list(self.clients.values()))

    async def run(self) -> None:
        """Run the shards until ``close()``; raise what stopped one (e.g. LoginFailure for a rejected token)."""
        if self._hold is None:
            log.info("running discord shards %s of %d (no lock)", ",".join(map(str, self.ids)), self.count)
        tasks = [asyncio.create_task(self._run_shard(i), name=f"discord-shard-{i}") for i in self.ids]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                task.result()
        finally:
            self._stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self) -> None:
        """Close every session and stop taking shards."""
        self._stop.set()
        for client in list(self.clients.values()):
            await client.close()

    async def _run_shard(self, shard: int) -> None:
        label = f"{shard}/{self.count}"
        if self._hold is None:
            await self._session(shard, None)
            return
        standing_by = False
        while not self._stop.is_set():
            try:
                async with self._hold(f"discord-shard-{shard}") as held:
                    if held is None:
                        if not standing_by:
                            log.info("discord shard %s is held by another process; standing by", label)
                        standing_by = True
                        self._settle(shard)
                    else:
                        log.info("holding discord shard %s", label)
                        standing_by = False
                        await self._session(shard, held.lost)
            except StoreError as exc:
                log.warning("cannot take discord shard %s: %s Trying again in %gs.", label, exc.message, self._retry)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._retry)

    async def _session(self, shard: int, lost: asyncio.Event | None) -> None:
        """Run one client for ``shard`` until it ends, ``close()``, or ``lost`` (then close it at once)."""
        client = self._make_client(shard, self.count)
        self._on_ready(client, shard)
        self.clients[shard] = client
        run = asyncio.create_task(run_client(client, self._token), name=f"discord-shard-{shard}-client")
        ends = {run, asyncio.create_task(self._stop.wait())}
        if lost is not None:
            ends.add(asyncio.create_task(lost.wait()))
        try:
            await asyncio.wait(ends, return_when=asyncio.FIRST_COMPLETED)
            if not run.done():
                if lost is not None and lost.is_set():
                    log.warning("lost the lock on discord shard %d/%d: closing its gateway session", shard, self.count)
                await client.close()
                with contextlib.suppress(Exception):  # whatever a client we closed ends with
                    await run
                return
            run.result()
        finally:
            for task in ends:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await run
            self.clients.pop(shard, None)

    def _on_ready(self, client: discord.Client, shard: int) -> None:
        """Settle ``shard`` when its client's READY is processed (keeping any ``on_ready`` it has)."""
        previous = getattr(client, "on_ready", None)

        async def on_ready() -> None:
            log.info("discord shard %d/%d connected", shard, self.count)
            self._settle(shard)
            if previous is not None:
                await previous()

        client.on_ready = on_ready  # type: ignore[attr-defined]

    def _settle(self, shard: int) -> None:
        self._settled.add(shard)
        if self._settled >= set(self.ids):
            self.ready.set()


def _open(client: discord.Client) -> bool:
    """Ready once, not closed, and its gateway socket open now (it is reconnecting otherwise)."""
    ws = client.ws if client.is_ready() and not client.is_closed() else None
    return ws is not None and bool(ws.open)


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
