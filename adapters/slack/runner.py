"""Running the Slack app: HTTP mode (``/slack/events`` + ``GET /healthz``) or Socket Mode."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.socket_mode.aiohttp import SocketModeClient

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def build_web_app(app: AsyncApp, *, path: str = EVENTS_PATH) -> web.Application:
    """Return the aiohttp application: bolt at ``path`` plus ``GET /healthz``."""
    web_app = app.web_app(path=path)
    web_app.router.add_get(HEALTH_PATH, _healthz)
    return web_app


async def serve_http(app: AsyncApp, *, port: int, host: str = "0.0.0.0", ready: asyncio.Event | None = None) -> None:
    """Serve the app over HTTP until cancelled."""
    runner = web.AppRunner(build_web_app(app), handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        log.info("Slack HTTP mode: listening on %s:%s%s (health: %s)", host, port, EVENTS_PATH, HEALTH_PATH)
        if ready is not None:
            ready.set()
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


class SocketLink:
    """Whether this process's Socket Mode connection is up now (it drops and reconnects on its own)."""

    def __init__(self) -> None:
        self.client: SocketModeClient | None = None

    def connected(self) -> bool:
        """True while the websocket is open and not stale (what the client's own check reads, without pings)."""
        client = self.client
        if client is None or client.closed or client.stale:
            return False
        session = client.current_session
        return session is not None and not session.closed


async def serve_socket_mode(
    app: AsyncApp, app_token: str, *, ready: asyncio.Event | None = None, link: SocketLink | None = None
) -> None:
    """Connect to Slack in Socket Mode (no public URL needed) and run until cancelled.

    ``ready`` is set once first connected; ``link`` tells at any time whether the connection is up."""
    handler = AsyncSocketModeHandler(app, app_token)
    if link is not None:
        link.client = handler.client
    await handler.connect_async()
    log.info("Slack Socket Mode: connected")
    if ready is not None:
        ready.set()
    try:
        await asyncio.Event().wait()
    finally:
        await handler.close_async()
