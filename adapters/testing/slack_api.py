"""A fake Slack Web API on 127.0.0.1 (aiohttp): records calls, answers what Briefbot uses.

It serves ``/api/{method}`` (Web API), ``/respond/{name}`` (``response_url`` POSTs) and
``/ws/{name}`` (a Socket Mode websocket handed out by ``apps.connections.open``).
Any method can be told to fail its next N calls with a 429 (``Retry-After``) or a 5xx.
Messages posted with ``chat.postMessage`` are kept per channel (with their ``metadata``) and
served back, newest first, by ``conversations.history``; channels in ``missing_channels``
answer ``channel_not_found``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

log = logging.getLogger(__name__)

RESPONSE_URL = "response_url"


@dataclass
class Call:
    """One request the fake got: the method (or ``response_url``), its parameters, its token."""

    method: str
    params: dict[str, Any]
    path: str
    token: str | None = None
    status: int = 200
    ok: bool = True


@dataclass
class _Failure:
    status: int
    remaining: int
    retry_after: int | None = None
    error: str | None = None


@dataclass
class FakeUser:
    """A workspace member as ``users.info`` describes it."""

    id: str
    name: str
    is_admin: bool = False
    is_owner: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the ``user`` object of a ``users.info`` answer."""
        return {
            "id": self.id,
            "team_id": FakeSlackAPI.team_id,
            "name": self.name,
            "real_name": self.name.title(),
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_bot": False,
            "deleted": False,
        }


@dataclass
class _Socket:
    ws: web.WebSocketResponse
    acks: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)


class FakeSlackAPI:
    """The fake Web API server; use as ``async with FakeSlackAPI() as api``."""

    team_id = "T0BRIEF"
    bot_user_id = "UBRIEFBOT"
    bot_id = "BBRIEFBOT"
    app_id = "ABRIEFBOT"

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, FakeUser] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.not_in_channels: set[str] = set()
        self.missing_channels: set[str] = set()
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self._failures: dict[str, _Failure] = {}
        self._changed = asyncio.Condition()
        self._ts = itertools.count(1)
        self._envelopes = itertools.count(1)
        self._sockets: list[_Socket] = []
        self._socket_ready = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ----- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeSlackAPI:
        """Start serving on 127.0.0.1 on a free port."""
        app = web.Application()
        app.add_routes(
            [
                web.route("*", "/api/{method}", self._on_api),
                web.post("/respond/{name}", self._on_respond),
                web.get("/ws/{name}", self._on_ws),
            ]
        )
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        """Close websockets and stop serving."""
        for sock in self._sockets:
            await sock.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeSlackAPI:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ----- set-up ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """Return the Web API base URL to give ``AsyncWebClient(base_url=...)``."""
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "r1") -> str:
        """Return a ``response_url`` that lands on this fake."""
        return f"http://127.0.0.1:{self.port}/respond/{name}"

    def add_user(
        self, user_id: str, name: str, *, is_admin: bool = False, is_owner: bool = False
    ) -> FakeUser:
        """Add a workspace member that ``users.info`` will describe."""
        user = FakeUser(user_id, name, is_admin=is_admin, is_owner=is_owner)
        self.users[user_id] = user
        return user

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        error: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with ``status`` (429 carries Retry-After).

        ``status=200`` with ``error`` answers ``{"ok": false, "error": error}`` instead.
        ``method`` is a Web API method name or ``"response_url"``.
        """
        self._failures[method] = _Failure(status, times, retry_after, error)

    # ----- inspection ------------------------------------------------------------------------

    def history(self, channel: str) -> list[dict[str, Any]]:
        """Return the messages posted in ``channel`` with chat.postMessage, oldest first."""
        return list(self.messages.get(channel, []))

    def calls_to(self, method: str) -> list[Call]:
        """Return the recorded calls of one method (answered with 200 or not)."""
        return [c for c in self.calls if c.method == method]

    def ok_calls_to(self, method: str) -> list[Call]:
        """Return the calls of one method that were answered with success."""
        return [c for c in self.calls_to(method) if c.ok]

    async def wait_for(self, method: str, count: int = 1, within: float = 5.0) -> list[Call]:
        """Wait until ``count`` successful calls of ``method`` arrived; return them."""

        def done() -> bool:
            return len(self.ok_calls_to(method)) >= count

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(done), within)
        return self.ok_calls_to(method)

    # ----- Socket Mode -----------------------------------------------------------------------

    async def wait_socket(self, within: float = 5.0) -> None:
        """Wait until a Socket Mode client is connected and greeted."""
        await asyncio.wait_for(self._socket_ready.wait(), within)

    async def drop_sockets(self) -> None:
        """Close every Socket Mode websocket from the server's side (as Slack does when it moves a connection)."""
        self._socket_ready.clear()
        for sock in self._sockets:
            await sock.ws.close()

    async def send_envelope(
        self, type_: str, payload: dict[str, Any], *, within: float = 5.0
    ) -> dict[str, Any]:
        """Send one envelope to the connected client and return its ack (with any payload)."""
        await self.wait_socket(within)
        sock = self._sockets[-1]
        envelope_id = f"env-{next(self._envelopes)}"
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        sock.acks[envelope_id] = fut
        await sock.ws.send_json(
            {
                "envelope_id": envelope_id,
                "type": type_,
                "accepts_response_payload": type_ in ("slash_commands", "interactive"),
                "retry_attempt": 0,
                "retry_reason": "",
                "payload": payload,
            }
        )
        return await asyncio.wait_for(fut, within)

    async def _on_ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        sock = _Socket(ws)
        self._sockets.append(sock)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "fake", "approximate_connection_time": 3600},
                "connection_info": {"app_id": self.app_id},
            }
        )
        self._socket_ready.set()
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            fut = sock.acks.pop(data.get("envelope_id", ""), None)
            if fut is not None and not fut.done():
                fut.set_result(data)
        return ws

    # ----- HTTP handlers ---------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.body_exists:  # also once read (a held request)
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                params.update(dict(await request.post()))
        for key in ("blocks", "attachments", "view", "metadata"):
            if isinstance(params.get(key), str):
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(params[key])
        return params

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    def _failure(self, method: str) -> _Failure | None:
        failure = self._failures.get(method)
        if failure is None or failure.remaining <= 0:
            return None
        failure.remaining -= 1
        return failure

    def _fail_response(self, failure: _Failure) -> web.Response:
        if failure.status == 200:
            return web.json_response({"ok": False, "error": failure.error or "fatal_error"})
        headers = {}
        if failure.status == 429 and failure.retry_after is not None:
            headers["Retry-After"] = str(failure.retry_after)
        body = {"ok": False, "error": failure.error or ("ratelimited" if failure.status == 429
                                                         else "internal_error")}
        return web.json_response(body, status=failure.status, headers=headers)

    async def _on_respond(self, request: web.Request) -> web.Response:
        params = await self._params(request)
        call = Call(RESPONSE_URL, params, request.path)
        failure = self._failure(RESPONSE_URL)
        if failure is not None:
            call.status, call.ok = failure.status, False
            await self._record(call)
            return self._fail_response(failure)
        await self._record(call)
        return web.Response(text="ok")

    async def _on_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth else params.get("token")
        call = Call(method, params, request.path, token=token)
        failure = self._failure(method)
        if failure is not None:
            call.status, call.ok = failure.status, False
            await self._record(call)
            return self._fail_response(failure)
        answer = self._answer(method, params)
        call.ok = bool(answer.get("ok"))
        await self._record(call)
        return web.json_response(answer)

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://briefbot-test.slack.com/",
                "team": "Briefbot Test",
                "user": "briefbot",
                "team_id": self.team_id,
                "user_id": self.bot_user_id,
                "bot_id": self.bot_id,
                "is_enterprise_install": False,
            }
        if method == "users.info":
            user = self.users.get(str(params.get("user")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": user.to_dict()}
        if method in ("chat.postMessage", "chat.update"):
            channel = str(params.get("channel"))
            if channel in self.missing_channels:
                return {"ok": False, "error": "channel_not_found"}
            if channel in self.not_in_channels:
                return {"ok": False, "error": "not_in_channel"}
            ts = params.get("ts") or f"17500000{next(self._ts):02d}.000100"
            message: dict[str, Any] = {k: params.get(k) for k in ("text", "blocks", "metadata") if k in params}
            if method == "chat.postMessage":
                self.messages.setdefault(channel, []).append(
                    {**message, "type": "message", "bot_id": self.bot_id, "ts": ts})
            return {"ok": True, "channel": channel, "ts": ts,
                    "message": {**message, "bot_id": self.bot_id, "ts": ts}}
        if method == "conversations.history":
            return self._history(params)
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"17500000{next(self._ts):02d}.000200"}
        if method in ("views.open", "views.update"):
            return {"ok": True, "view": {**(params.get("view") or {}), "id": "VFAKE"}}
        if method == "conversations.info":
            channel = str(params.get("channel"))
            info = self.channels.get(channel, {"id": channel, "name": channel.lower(),
                                               "is_member": channel not in self.not_in_channels})
            return {"ok": True, "channel": info}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/ws/{next(self._envelopes)}"}
        return {"ok": False, "error": "unknown_method"}

    def _history(self, params: dict[str, Any]) -> dict[str, Any]:
        """Answer ``conversations.history``: newest first, ``limit`` and ``cursor`` pages."""
        channel = str(params.get("channel"))
        if channel in self.missing_channels:
            return {"ok": False, "error": "channel_not_found"}
        if channel in self.not_in_channels:
            return {"ok": False, "error": "not_in_channel"}
        limit = max(1, min(int(params.get("limit") or 100), 999))
        start = int(params.get("cursor") or 0)
        with_meta = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        newest_first = list(reversed(self.messages.get(channel, [])))
        page = newest_first[start:start + limit]
        if not with_meta:
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = start + limit < len(newest_first)
        return {"ok": True, "messages": page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}
