"""Running the Slack app: HTTP mode (``/slack/events`` + ``GET /healthz``) or Socket Mode."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

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


async def serve_http(
    app: AsyncApp, *, port: int, host: str = "0.0.0.0", ready: asyncio.Event | None = None
) -> None:
    """Serve the app over HTTP until cancelled."""
    runner = web.AppRunner(build_web_app(app), handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        log.info("Slack HTTP mode: listening on %s:%s%s (health: %s)", host, port, EVENTS_PATH,
                 HEALTH_PATH)
        if ready is not None:
            ready.set()
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def serve_socket_mode(
    app: AsyncApp, app_token: str, *, ready: asyncio.Event | None = None
) -> None:
    """Connect to Slack in Socket Mode (no public URL needed) and run until cancelled."""
    handler = AsyncSocketModeHandler(app, app_token)
    await handler.connect_async()
    log.info("Slack Socket Mode: connected")
    if ready is not None:
        ready.set()
    try:
        await asyncio.Event().wait()
    finally:
        await handler.close_async()
