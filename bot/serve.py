"""`briefbot serve`: every configured face in one process, with ``/healthz``, ``/readyz`` and ``/metrics``.

One aiohttp server on ``--port`` carries the operator's endpoints and, in Slack HTTP mode, ``/slack/events``.
Slack in Socket Mode and Discord run beside it when their tokens are set; the digest scheduler and the feed
poller run as `briefbot slack` and `briefbot discord` run them (``bot.runtime``). SIGTERM (or SIGINT) drains:
``/readyz`` answers 503 at once, the scheduler and the poller claim nothing new and finish what they hold
(at most ``BRIEFBOT_DRAIN_TIMEOUT`` seconds each), the platforms disconnect, in-flight HTTP requests finish,
and the process exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.cli import exit_codes_help
from bot.health import Health
from bot.logs import Redactor, settings_secrets
from bot.runtime import finish, running_feed_poller, running_scheduler
from bot.settings import Settings, load_settings
from briefings.metrics import Metrics
from briefings.service import BriefingService, open_service

log = logging.getLogger(__name__)

DEFAULT_PORT = 3000
MORE = (
    "Runs until SIGTERM or Ctrl-C: Slack (HTTP mode on the port, or Socket Mode when SLACK_APP_TOKEN is set) when "
    "SLACK_BOT_TOKEN is set, Discord when DISCORD_TOKEN is set (the shards no other replica holds), the digest "
    "scheduler and the feed poller, and on the same port GET /healthz (alive), GET /readyz (200 when the database "
    "answers and every configured platform is connected, Discord's shards held here included, else 503 with the "
    "reasons) and GET /metrics (Prometheus). SIGTERM drains in-flight digests and "
    "feed polls (BRIEFBOT_DRAIN_TIMEOUT seconds, default 25) and exits 0. BRIEFBOT_LOG_FORMAT=json logs JSON lines."
)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `briefbot serve` to the CLI."""
    help_ = "run everything configured in one process, with health, readiness and metrics endpoints"
    p: argparse.ArgumentParser = sub.add_parser(
        "serve",
        parents=[common],
        help=help_,
        description=f"{help_}\n\n{textwrap.fill(MORE, 100)}",
        epilog=exit_codes_help(0, 2, 7),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--port", type=int, default=None, help=f"HTTP port (default $PORT or {DEFAULT_PORT}; 0: any free)")
    p.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    p.set_defaults(func=cmd_serve)


async def cmd_serve(args: argparse.Namespace) -> int:
    """Run `briefbot serve` until SIGTERM."""
    settings = load_settings(db=getattr(args, "db", None))
    port = args.port if args.port is not None else int(os.environ.get("PORT", DEFAULT_PORT))
    if not 0 <= port <= 65535:
        from briefings.errors import InvalidInput

        raise InvalidInput(f"--port must be between 0 and 65535, not {port}.")
    return await serve(settings, port=port, host=args.host)


@dataclass
class Faces:
    """The platforms this process runs: their tasks, how to tell each is connected, and how to stop them."""

    tasks: dict[str, asyncio.Task[Any]] = field(default_factory=dict)
    connected: dict[str, Callable[[], bool]] = field(default_factory=dict)
    ready: dict[str, asyncio.Event] = field(default_factory=dict)
    closers: list[Callable[[], Any]] = field(default_factory=list)

    async def stop(self, within: float) -> None:
        """Disconnect every platform: close what can be closed, then end the tasks (cancelled after ``within``)."""
        for close in self.closers:
            with contextlib.suppress(Exception):
                await close()
        for task in self.tasks.values():
            if not task.done() and task.get_name() != "discord":  # Slack Socket Mode ends on cancel
                task.cancel()
        for name, task in self.tasks.items():
            try:
                await finish(task, within)
            except Exception as exc:  # reported by serve() when it is why the process stops
                log.debug("%s ended with %s", name, type(exc).__name__)


def start_slack(settings: Settings, service: BriefingService, metrics: Metrics, faces: Faces) -> web.Application | None:
    """Build the Slack app; in HTTP mode return its aiohttp app to serve, in Socket Mode start connecting."""
    from adapters.slack.runner import EVENTS_PATH, SocketLink, serve_socket_mode
    from bot.run_slack import slack_app, socket_mode_token

    app = slack_app(settings, service, metrics=metrics)
    app_token = socket_mode_token(settings)
    if not app_token:
        faces.connected["slack"] = lambda: True  # HTTP mode: connected while this server listens
        return app.web_app(path=EVENTS_PATH)
    ready = faces.ready["slack"] = asyncio.Event()
    link = SocketLink()
    faces.connected["slack"] = lambda: ready.is_set() and link.connected()  # not while it reconnects
    log.info("SLACK_APP_TOKEN is set: Slack in Socket Mode")
    faces.tasks["slack"] = asyncio.create_task(
        serve_socket_mode(app, app_token, ready=ready, link=link), name="slack"
    )
    return None


def start_discord(settings: Settings, service: BriefingService, metrics: Metrics, faces: Faces) -> None:
    """Start the Discord shards this replica holds; connected when each is, or when it stands by holding none."""
    from bot.run_discord import discord_shards, run_discord

    shards = discord_shards(settings, service, metrics=metrics)
    faces.ready["discord"] = shards.ready
    faces.connected["discord"] = shards.connected
    faces.closers.append(shards.close)
    faces.tasks["discord"] = asyncio.create_task(run_discord(settings, service, shards=shards), name="discord")


def configured(settings: Settings) -> list[str]:
    """Return the platforms whose tokens are set."""
    found = []
    for platform, name in (("slack", "slack_bot_token"), ("discord", "discord_token")):
        value = getattr(settings, name, None)
        if value is not None and value.get_secret_value().strip():
            found.append(platform)
    return found


async def serve(
    settings: Settings,
    *,
    port: int,
    host: str = "0.0.0.0",
    stop: asyncio.Event | None = None,
    on_ready: Callable[[int], Any] | None = None,
) -> int:
    """Serve until ``stop`` is set (by SIGTERM or SIGINT, or by the caller), drain, and return the exit code.

    ``on_ready`` gets the port listened on once every platform has connected.
    """
    stop = stop or asyncio.Event()
    metrics = Metrics()
    started: list[Health] = []

    def on_signal() -> None:
        if started:
            _drain(started[0], stop)
        else:  # still opening the database (migrations): stop before anything else starts
            log.info("shutting down before start-up finished")
            stop.set()

    with _signals(on_signal):
        async with open_service(settings.db, fetch_allow_hosts=settings.fetch_allow_hosts, metrics=metrics) as service:
            if stop.is_set():
                return 0
            metrics.watch_connections(service.store.pool_in_use)
            redact = Redactor(settings_secrets(settings))
            started.append(Health(metrics, db_check=service.store.schema_version, redact=redact))
            failed = await _run(settings, service, started[0], host=host, port=port, stop=stop, on_ready=on_ready)
    if failed is not None:
        failed.result()  # a platform that stopped on its own: its error (e.g. a rejected token) is the exit code
        log.error("%s stopped unexpectedly", failed.get_name())
        return 1
    log.info("briefbot serve stopped cleanly")
    return 0


async def _run(
    settings: Settings,
    service: BriefingService,
    health: Health,
    *,
    host: str,
    port: int,
    stop: asyncio.Event,
    on_ready: Callable[[int], Any] | None,
) -> asyncio.Task[Any] | None:
    """Start the platforms, the endpoints, the scheduler and the poller; drain them once ``stop`` is set.

    Return the platform task that ended on its own (so stopped the process), if one did.
    """
    metrics, drain = health.metrics, settings.drain_timeout
    faces = Faces()
    platforms = configured(settings)
    web_app = start_slack(settings, service, metrics, faces) if "slack" in platforms else None
    web_app = web_app or web.Application()
    health.add_routes(web_app)
    if "discord" in platforms:
        start_discord(settings, service, metrics, faces)
    for name, connected in faces.connected.items():
        health.watch(name, connected)
    if not platforms:
        log.warning("no platform token set: serving digests' store, feeds and the endpoints only")
    runner = web.AppRunner(web_app, handle_signals=False, access_log=None, shutdown_timeout=drain)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = _bound_port(site) or port
        log.info("briefbot serve listening on %s:%s (/healthz, /readyz, /metrics)", host, bound)
        announce = asyncio.create_task(_announce_ready(faces, bound, on_ready), name="announce-ready")
        try:
            async with (
                running_scheduler(settings, service, metrics=metrics, stop=stop, drain=drain) as scheduler,
                running_feed_poller(
                    service, metrics=metrics, stop=stop, drain=drain, senders=scheduler.senders if scheduler else None
                ),
            ):
                failed = await _until_stopped(stop, faces)
                _drain(health, stop)
                log.info("draining: no new digests or feed polls; finishing what is in flight")
        finally:
            announce.cancel()
            await faces.stop(drain)
    finally:
        await runner.cleanup()
    return failed


def _drain(health: Health, stop: asyncio.Event) -> None:
    if not health.draining:
        log.info("shutting down: /readyz now answers 503")
    health.drain()
    stop.set()


async def _until_stopped(stop: asyncio.Event, faces: Faces) -> asyncio.Task[Any] | None:
    """Wait for ``stop``; return the platform task that ended first if one ended before it."""
    stopping = asyncio.create_task(stop.wait(), name="stop")
    try:
        done, _ = await asyncio.wait({stopping, *faces.tasks.values()}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    ended = [t for t in done if t is not stopping]
    return ended[0] if ended and not stop.is_set() else None


async def _announce_ready(faces: Faces, port: int, on_ready: Callable[[int], Any] | None) -> None:
    """Log once when every platform has connected (operators and tests wait for this line)."""
    await asyncio.gather(*(event.wait() for event in faces.ready.values()))
    log.info("briefbot serve ready on port %s: %s", port, ", ".join(faces.connected) or "no platforms")
    if on_ready is not None:
        on_ready(port)


def _bound_port(site: web.TCPSite) -> int | None:
    server = getattr(site, "_server", None)
    sockets = getattr(server, "sockets", None) or []
    return int(sockets[0].getsockname()[1]) if sockets else None


@contextlib.contextmanager
def _signals(on_signal: Callable[[], None]) -> Iterator[None]:
    """Call ``on_signal`` on SIGTERM and SIGINT for the block (where the loop supports signal handlers)."""
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, on_signal)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
