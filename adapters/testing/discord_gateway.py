"""A fake Discord gateway and REST API on 127.0.0.1, for running the real discord.py against.

One aiohttp server answers both the gateway websocket (``/gateway``) and the REST API
(``/api/v10/...``). Point discord.py at it with ``discord.http.Route.BASE = fake.api_base`` and
``DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)`` (see ``endpoints()``).

It records every REST request, can fail the next N calls of a route with a 429 (``Retry-After``
and ``Via`` headers, so discord.py retries) or a 5xx, and dispatches ``INTERACTION_CREATE`` events
of every type, then awaits the callback they cause. It tells shards apart
(IDENTIFY's ``shard: [id, count]``): each gets the guild only if the guild is its own, events go to the shard
of their guild (shard 0 for DMs), and ``live_sessions()``/``peak_sessions`` count sessions per shard.

The JSON it answers with and the interactions a test sends in (``fake.slash(...)`` and the like) it builds
as the ``DiscordPayloads`` it extends (``discord_payloads``), where the ids and permissions live too.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import re
import time
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from aiohttp import WSMsgType, web

from adapters.testing.discord_payloads import APP_ID, CHANNEL_ID, GUILD_ID, DiscordPayloads, user_json

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
BOT_TOKEN = "fake-bot-token"


@dataclass
class Recorded:
    """One REST request the fake received, with the answer it gave."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int = 200
    at: float = field(default_factory=time.perf_counter)

    @property
    def json(self) -> Any:
        """Return the JSON body (the ``payload_json`` part of a multipart body)."""
        return self.body


@dataclass(eq=False)
class _Socket:
    """One gateway websocket: its zlib stream (if asked for) and, once identified, its shard (id, count)."""

    ws: web.WebSocketResponse
    compressor: Any
    shard: tuple[int, int] | None = None

    def gets(self, guild_id: str | int | None) -> bool:
        """Tell whether events of ``guild_id`` (None: a DM) go to this socket, as Discord routes them."""
        if self.shard is None:
            return True
        shard, count = self.shard
        return (int(guild_id) >> 22) % count == shard if guild_id is not None else shard == 0


@dataclass
class _Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    remaining: int
    retry_after: float
    via: bool
    is_global: bool
    code: int = 0
    message: str | None = None


class FakeDiscord(DiscordPayloads):
    """Fake Discord: gateway websocket + REST API + interaction helpers, on 127.0.0.1."""

    def __init__(
        self,
        *,
        token: str = BOT_TOKEN,
        app_id: int = APP_ID,
        guild_id: int = GUILD_ID,
        channel_id: int = CHANNEL_ID,
    ) -> None:
        super().__init__(app_id=app_id, guild_id=guild_id, channel_id=channel_id)
        self.token = token
        self.requests: list[Recorded] = []
        self.identifies: list[dict[str, Any]] = []
        self.commands: dict[str | None, list[dict[str, Any]]] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self._nonces: dict[tuple[int, str], int] = {}
        self._faults: list[_Fault] = []
        self._seq = itertools.count(1)
        self._sockets: list[_Socket] = []
        self.peak_sessions: Counter[int] = Counter()  # the most live sessions each shard ever had at once
        self._changed = asyncio.Condition()
        self._callbacks: dict[str, asyncio.Future[Recorded]] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.connected = asyncio.Event()

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        """Serve the fake on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/gateway/", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = cast(asyncio.Server | None, site._server)
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        """Close every websocket and stop serving."""
        for sock in list(self._sockets):
            with contextlib.suppress(Exception):
                await sock.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def api_base(self) -> str:
        """Return the REST base to put in ``discord.http.Route.BASE`` (or DISCORD_API_URL)."""
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """Return the gateway URL (DISCORD_GATEWAY_URL)."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    @contextlib.contextmanager
    def endpoints(self) -> Iterator[None]:
        """Point discord.py at this fake for the duration of the block, then restore."""
        import discord.gateway
        import discord.http
        import yarl

        old_base = discord.http.Route.BASE
        old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # -- fault injection -----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path_pattern: str,
        *,
        status: int = 429,
        times: int = 1,
        retry_after: float = 1.5,
        via: bool = True,
        is_global: bool = False,
        code: int = 0,
        message: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests matching ``method`` and the path regex with ``status``.

        ``code`` and ``message`` set the Discord error body (e.g. 404, 10003, "Unknown Channel").
        """
        self._faults.append(
            _Fault(method.upper(), re.compile(path_pattern), status, times, retry_after, via, is_global, code, message)
        )

    def _take_fault(self, method: str, path: str) -> _Fault | None:
        for fault in self._faults:
            if fault.remaining > 0 and fault.method == method and fault.pattern.search(path):
                fault.remaining -= 1
                return fault
        return None

    # -- recorded requests ---------------------------------------------------------------------

    def find(self, method: str, path_pattern: str) -> list[Recorded]:
        """Return the recorded requests of ``method`` whose path matches the regex."""
        rx = re.compile(path_pattern)
        return [r for r in self.requests if r.method == method.upper() and rx.search(r.path)]

    async def wait_for(self, predicate: Callable[[Recorded], bool], *, start: int = 0, within: float = 5.0) -> Recorded:
        """Wait until a request from index ``start`` on satisfies ``predicate``; return it."""

        def found() -> Recorded | None:
            for rec in self.requests[start:]:
                if predicate(rec):
                    return rec
            return None

        async with asyncio.timeout(within):
            async with self._changed:
                await self._changed.wait_for(lambda: found() is not None)
        rec = found()
        assert rec is not None
        return rec

    def channel_messages(self, channel_id: int, limit: int = 50) -> list[dict[str, Any]]:
        """Return the messages posted to a channel, newest first (as GET /channels/{id}/messages)."""
        found = [m for m in self.messages.values() if int(m["channel_id"]) == channel_id]
        found.sort(key=lambda m: int(m["id"]), reverse=True)
        return found[: max(1, min(limit, 100))]

    # -- REST ----------------------------------------------------------------------------------

    @staticmethod
    def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
        # discord.py parses JSON only when Content-Type is exactly application/json (no charset).
        resp = web.Response(body=json.dumps(data).encode(), status=status, headers=headers)
        resp.headers["Content-Type"] = "application/json"
        return resp

    async def _read_body(self, request: web.Request) -> Any:
        if not request.can_read_body:
            return None
        ctype = request.headers.get("Content-Type", "")
        if ctype.startswith("multipart/"):
            form = await request.post()
            raw = form.get("payload_json")
            return json.loads(str(raw)) if raw is not None else {}
        raw_bytes = await request.read()
        if not raw_bytes:
            return None
        try:
            return json.loads(raw_bytes)
        except ValueError:
            return raw_bytes.decode(errors="replace")

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body = await self._read_body(request)
        rec = Recorded(
            method=request.method,
            path=path,
            query=dict(request.query),
            headers=dict(request.headers),
            body=body,
        )
        response = self._answer(rec)
        rec.status = response.status
        self.requests.append(rec)
        waiter = self._callbacks.get(path) if rec.status < 300 else None
        if waiter is not None and not waiter.done():
            waiter.set_result(rec)
        async with self._changed:
            self._changed.notify_all()
        return response

    def _answer(self, rec: Recorded) -> web.Response:
        fault = self._take_fault(rec.method, rec.path)
        if fault is not None:
            if fault.status == 429:
                headers = {"Retry-After": str(fault.retry_after), "X-RateLimit-Scope": "user"}
                if fault.via:
                    headers["Via"] = "1.1 google"
                if fault.is_global:
                    headers["X-RateLimit-Global"] = "true"
                body = {
                    "message": "You are being rate limited.",
                    "retry_after": fault.retry_after,
                    "global": fault.is_global,
                }
                return self._json(body, 429, headers)
            text = fault.message or ("Internal Server Error" if fault.status >= 500 else "Error")
            return self._json({"message": text, "code": fault.code}, fault.status)

        needs_auth = not rec.path.startswith(("/interactions/", "/webhooks/"))
        if needs_auth and rec.headers.get("Authorization") != f"Bot {self.token}":
            return self._json({"message": "401: Unauthorized", "code": 0}, 401)

        m, p = rec.method, rec.path
        if m == "GET" and p == "/users/@me":
            return self._json(user_json(self.bot_id, "briefbot", bot=True))
        if m == "GET" and p == "/oauth2/applications/@me":
            return self._json(self._application())
        if m == "GET" and p in ("/gateway", "/gateway/bot"):
            return self._json(
                {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 1000,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        if match := re.fullmatch(r"/applications/(\d+)(?:/guilds/(\d+))?/commands", p):
            scope = match.group(2)
            if m == "PUT":
                stored = [self._command(c, scope) for c in rec.body or []]
                self.commands[scope] = stored
                return self._json(stored)
            if m == "GET":
                return self._json(self.commands.get(scope, []))
        if match := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", p):
            return self._json(self._callback_answer(int(match.group(1)), rec.body or {}))
        if match := re.fullmatch(r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)", p):
            if m == "DELETE":
                return web.Response(status=204)
            return self._json(self._message(self.channel_id, rec.body or {}, webhook=True))
        if re.fullmatch(r"/webhooks/(\d+)/([^/]+)", p) and m == "POST":
            return self._json(self._message(self.channel_id, rec.body or {}, webhook=True))
        if (match := re.fullmatch(r"/channels/(\d+)/messages", p)) and m == "POST":
            body = rec.body or {}
            channel = int(match.group(1))
            nonce = body.get("nonce")
            if nonce is not None and body.get("enforce_nonce"):
                # Like Discord: the same author and nonce again returns the first message, posts nothing.
                earlier = self._nonces.get((channel, str(nonce)))
                if earlier is not None:
                    return self._json(self.messages[earlier])
            msg = self._message(channel, body)
            if nonce is not None:
                msg["nonce"] = str(nonce)
                self._nonces[(channel, str(nonce))] = int(msg["id"])
            self.messages[int(msg["id"])] = msg
            return self._json(msg)
        if (match := re.fullmatch(r"/channels/(\d+)/messages", p)) and m == "GET":
            return self._json(self.channel_messages(int(match.group(1)), int(rec.query.get("limit", "50"))))
        if (match := re.fullmatch(r"/channels/(\d+)", p)) and m == "GET":
            return self._json(self._channel(int(match.group(1))))
        return self._json({"message": "404: Not Found", "code": 0}, 404)

    def _callback_answer(self, interaction_id: int, body: dict[str, Any]) -> dict[str, Any]:
        kind = body.get("type")
        data = body.get("data") or {}
        interaction = {
            "id": str(interaction_id),
            "type": 2,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool((data.get("flags") or 0) & 64),
        }
        answer: dict[str, Any] = {"interaction": interaction}
        if kind in (4, 5, 7):
            msg = self._message(self.channel_id, data, webhook=True)
            interaction["response_message_id"] = msg["id"]
            answer["resource"] = {"type": kind, "message": msg}
        return answer

    # -- gateway -------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        compressor = zlib.compressobj() if request.query.get("compress") == "zlib-stream" else None
        entry = _Socket(ws, compressor)
        self._sockets.append(entry)
        try:
            await self._send(entry, {"op": 10, "d": {"heartbeat_interval": 41250}})
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                op = payload.get("op")
                if op == 1:
                    await self._send(entry, {"op": 11, "d": None})
                elif op in (2, 6):
                    identify = payload.get("d") or {}
                    self.identifies.append(identify)
                    shard_id, count = identify.get("shard") or (0, 1)
                    entry.shard = (int(shard_id), int(count))
                    await self._changed_sessions(entry.shard[0])
                    await self._dispatch_to(entry, "READY", self._ready(entry))
                    if entry.gets(self.guild_id):
                        await self._dispatch_to(entry, "GUILD_CREATE", self._guild())
                    self.connected.set()
        finally:
            with contextlib.suppress(ValueError):
                self._sockets.remove(entry)
            if entry.shard is not None:
                await self._changed_sessions(entry.shard[0])
        return ws

    def live_sessions(self) -> Counter[int]:
        """Count the identified gateway sessions open now, by shard id."""
        return Counter(sock.shard[0] for sock in self._sockets if sock.shard is not None)

    async def _changed_sessions(self, shard: int) -> None:
        self.peak_sessions[shard] = max(self.peak_sessions[shard], self.live_sessions()[shard])
        async with self._changed:
            self._changed.notify_all()

    async def wait_sessions(self, predicate: Callable[[Counter[int]], bool], *, within: float = 5.0) -> Counter[int]:
        """Wait until the live sessions by shard satisfy ``predicate``; return them."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: predicate(self.live_sessions()))
        return self.live_sessions()

    async def _send(self, entry: _Socket, payload: dict[str, Any]) -> None:
        ws, compressor = entry.ws, entry.compressor
        data = json.dumps(payload)
        if compressor is None:
            await ws.send_str(data)
        else:
            # One shared zlib stream per connection, each frame ending in a sync flush.
            await ws.send_bytes(compressor.compress(data.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH))

    async def _dispatch_to(self, entry: _Socket, event: str, data: dict[str, Any]) -> None:
        await self._send(entry, {"op": 0, "t": event, "s": next(self._seq), "d": data})

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH event to every connected client of the shard of its guild (shard 0 without one)."""
        for entry in list(self._sockets):
            if entry.gets(data.get("guild_id")):
                await self._dispatch_to(entry, event, data)

    def _ready(self, entry: _Socket) -> dict[str, Any]:
        guilds = [{"id": str(self.guild_id), "unavailable": True}] if entry.gets(self.guild_id) else []
        return {
            "v": 10,
            "user": user_json(self.bot_id, "briefbot", bot=True),
            "guilds": guilds,
            "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url,
            "shard": list(entry.shard or (0, 1)),
            "application": {"id": str(self.app_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }

    # -- interactions --------------------------------------------------------------------------

    async def interact(self, payload: dict[str, Any], *, within: float = 5.0) -> Recorded:
        """Dispatch INTERACTION_CREATE and return the (first successful) callback POST it causes."""
        path = f"/interactions/{payload['id']}/{payload['token']}/callback"
        waiter: asyncio.Future[Recorded] = asyncio.get_running_loop().create_future()
        self._callbacks[path] = waiter
        try:
            await self.dispatch("INTERACTION_CREATE", payload)
            async with asyncio.timeout(within):
                return await waiter
        finally:
            self._callbacks.pop(path, None)

    async def followup(self, payload: dict[str, Any], *, start: int = 0, within: float = 5.0) -> Recorded:
        """Wait for the edit of the original response (or a followup) of the interaction ``payload``."""
        token = payload["token"]
        return await self.wait_for(
            lambda r: (
                r.path.startswith(f"/webhooks/{self.app_id}/{token}")
                and r.method in ("PATCH", "POST")
                and r.status < 300
            ),
            start=start,
            within=within,
        )


@contextlib.asynccontextmanager
async def fake_discord(**kwargs: Any) -> AsyncIterator[FakeDiscord]:
    """Run a FakeDiscord for the duration of the block."""
    fake = FakeDiscord(**kwargs)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()
