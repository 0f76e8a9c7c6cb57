"""A fake Discord gateway and REST API on 127.0.0.1, for running the real discord.py against.

One aiohttp server answers both the gateway websocket (``/gateway``) and the REST API
(``/api/v10/...``). Point discord.py at it with ``discord.http.Route.BASE = fake.api_base`` and
``DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)`` (see ``endpoints()``).

It records every REST request, can fail the next N calls of a route with a 429 (``Retry-After``
and ``Via`` headers, so discord.py retries) or a 5xx, and builds and dispatches
``INTERACTION_CREATE`` events of every type, then awaits the callback they cause. It tells shards apart
(IDENTIFY's ``shard: [id, count]``): each gets the guild only if the guild is its own, events go to the shard
of their guild (shard 0 for DMs), and ``live_sessions()``/``peak_sessions`` count sessions per shard.
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

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
BOT_TOKEN = "fake-bot-token"
APP_ID = 1100000000000000001
BOT_ID = APP_ID
GUILD_ID = 1200000000000000001
CHANNEL_ID = 1300000000000000001
THREAD_ID = 1300000000000000099
DM_CHANNEL_ID = 1300000000000000002
OWNER_ID = 1400000000000000001
TIMESTAMP = "2025-06-20T09:00:00.000000+00:00"

MANAGE_GUILD = 1 << 5
ADMINISTRATOR = 1 << 3
# What a plain member may do in a text channel (view, send, embed, read history, use app commands).
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 31)
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD


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


def _user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "flags": 0,
        "public_flags": 0,
    }


class FakeDiscord:
    """Fake Discord: gateway websocket + REST API + interaction helpers, on 127.0.0.1."""

    def __init__(
        self,
        *,
        token: str = BOT_TOKEN,
        app_id: int = APP_ID,
        guild_id: int = GUILD_ID,
        channel_id: int = CHANNEL_ID,
    ) -> None:
        self.token = token
        self.app_id = app_id
        self.bot_id = app_id
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.requests: list[Recorded] = []
        self.identifies: list[dict[str, Any]] = []
        self.commands: dict[str | None, list[dict[str, Any]]] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self._nonces: dict[tuple[int, str], int] = {}
        self._faults: list[_Fault] = []
        self._ids = itertools.count(1500000000000000001)
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
            return self._json(_user(self.bot_id, "briefbot", bot=True))
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

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(self.app_id),
            "name": "Briefbot",
            "icon": None,
            "description": "News briefings",
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": _user(OWNER_ID, "owner"),
            "summary": "",
            "verify_key": "0" * 64,
            "team": None,
            "flags": 0,
        }

    def _command(self, payload: dict[str, Any], guild_id: str | None) -> dict[str, Any]:
        out = dict(payload)
        out.setdefault("type", 1)
        out.setdefault("description", "")
        out["id"] = str(next(self._ids))
        out["application_id"] = str(self.app_id)
        out["version"] = "1"
        if guild_id is not None:
            out["guild_id"] = guild_id
        out.setdefault("default_member_permissions", None)
        return out

    def _message(self, channel_id: int, body: dict[str, Any], *, webhook: bool = False) -> dict[str, Any]:
        msg_id = next(self._ids)
        return {
            "id": str(msg_id),
            "channel_id": str(channel_id),
            "author": _user(self.bot_id, "briefbot", bot=True),
            "content": body.get("content") or "",
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags") or 0,
            **({"webhook_id": str(self.app_id), "application_id": str(self.app_id)} if webhook else {}),
        }

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

    def _channel(self, channel_id: int) -> dict[str, Any]:
        return {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(self.guild_id),
            "name": "general",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }

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
            "user": _user(self.bot_id, "briefbot", bot=True),
            "guilds": guilds,
            "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url,
            "shard": list(entry.shard or (0, 1)),
            "application": {"id": str(self.app_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }

    def _guild(self) -> dict[str, Any]:
        gid = str(self.guild_id)
        channel = self._channel(self.channel_id)
        thread = {
            "id": str(THREAD_ID),
            "type": 11,
            "guild_id": gid,
            "parent_id": str(self.channel_id),
            "owner_id": str(OWNER_ID),
            "name": "a thread",
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": TIMESTAMP,
                "locked": False,
            },
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        return {
            "id": gid,
            "name": "Newsroom",
            "icon": None,
            "owner_id": str(OWNER_ID),
            "roles": [
                {
                    "id": gid,
                    "name": "@everyone",
                    "permissions": str(MEMBER_PERMISSIONS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "emojis": [],
            "stickers": [],
            "features": [],
            "member_count": 1,
            "members": [
                {
                    "user": _user(self.bot_id, "briefbot", bot=True),
                    "roles": [],
                    "joined_at": TIMESTAMP,
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                }
            ],
            "channels": [channel],
            "threads": [thread],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "system_channel_flags": 0,
            "nsfw_level": 0,
            "large": False,
            "joined_at": TIMESTAMP,
            "unavailable": False,
        }

    # -- interactions --------------------------------------------------------------------------

    def interaction(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user_id: int = 1600000000000000001,
        user_name: str = "reader",
        permissions: int = MEMBER_PERMISSIONS,
        dm: bool = False,
        channel_id: int | None = None,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Build an INTERACTION_CREATE payload of type ``kind`` (2, 3, 4 or 5)."""
        interaction_id = next(self._ids)
        user = _user(user_id, user_name)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.app_id),
            "type": kind,
            "data": data,
            "token": f"itoken-{interaction_id}",
            "version": 1,
            "locale": "en-US",
            "app_permissions": str(MEMBER_PERMISSIONS),
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if dm:
            cid = channel_id or DM_CHANNEL_ID
            payload["user"] = user
            payload["channel_id"] = str(cid)
            payload["channel"] = {"id": str(cid), "type": 1, "recipients": [user]}
            payload["context"] = 1
            payload["authorizing_integration_owners"] = {"0": "0", "1": str(user_id)}
        else:
            cid = channel_id or self.channel_id
            payload["guild_id"] = str(self.guild_id)
            payload["guild_locale"] = "en-US"
            payload["channel_id"] = str(cid)
            channel = self._channel(cid)
            if cid == THREAD_ID:
                channel.update(type=11, parent_id=str(self.channel_id))
            channel["permissions"] = str(permissions)
            payload["channel"] = channel
            payload["member"] = {
                "user": user,
                "roles": [],
                "joined_at": TIMESTAMP,
                "deaf": False,
                "mute": False,
                "flags": 0,
                "nick": None,
                "avatar": None,
                "pending": False,
                "permissions": str(permissions),
            }
            payload["context"] = 0
            payload["authorizing_integration_owners"] = {"0": str(self.guild_id)}
        if message is not None:
            payload["message"] = message
        return payload

    def slash(
        self,
        name: str,
        subcommand: str | None = None,
        options: dict[str, Any] | None = None,
        *,
        focused: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Build a type 2 (or, with ``focused``, type 4 autocomplete) interaction for a slash command."""
        opts = [
            {
                "name": k,
                "type": 4 if isinstance(v, int) else 3,
                "value": v,
                **({"focused": True} if k == focused else {}),
            }
            for k, v in (options or {}).items()
        ]
        if subcommand is not None:
            opts = [{"name": subcommand, "type": 1, "options": opts}]
        data = {"id": str(next(self._ids)), "name": name, "type": 1, "options": opts}
        return self.interaction(4 if focused else 2, data, **kwargs)

    def context_menu(self, name: str, message: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Build a type 2 interaction for a message context-menu command on ``message``."""
        data = {
            "id": str(next(self._ids)),
            "name": name,
            "type": 3,
            "target_id": message["id"],
            "resolved": {"messages": {message["id"]: message}},
        }
        return self.interaction(2, data, **kwargs)

    def component(self, custom_id: str, message: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """Build a type 3 interaction: a click on the button ``custom_id`` of ``message``."""
        if message is None:
            message = self._message(kwargs.get("channel_id") or self.channel_id, {}, webhook=True)
        data = {"custom_id": custom_id, "component_type": 2}
        return self.interaction(3, data, message=message, **kwargs)

    def modal_submit(self, custom_id: str, values: dict[str, str], **kwargs: Any) -> dict[str, Any]:
        """Build a type 5 interaction: the modal ``custom_id`` submitted with ``values`` by input id."""
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in values.items()]
        return self.interaction(5, {"custom_id": custom_id, "components": rows}, **kwargs)

    def user_message(self, content: str, *, author_id: int = 1600000000000000002) -> dict[str, Any]:
        """Build a message payload written by a user (for context menus and buttons)."""
        msg = self._message(self.channel_id, {"content": content})
        msg["author"] = _user(author_id, "writer")
        return msg

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
