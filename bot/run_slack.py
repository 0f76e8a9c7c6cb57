"""Wiring for `briefbot slack`: read the Slack settings, build the app, run it."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from adapters.slack.app import build_app
from adapters.slack.runner import serve_http, serve_socket_mode
from briefings.clock import SystemClock
from briefings.commands import parse_command
from briefings.errors import BriefingError, InvalidInput

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp
    from slack_bolt.request.async_request import AsyncBoltRequest
    from slack_bolt.response import BoltResponse

    from briefings.metrics import Metrics
    from briefings.service import BriefingService

log = logging.getLogger(__name__)

_HINTS = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-…) under OAuth & Permissions",
    "SLACK_SIGNING_SECRET": "the Signing Secret under Basic Information → App Credentials",
}


def _secret(settings: Any, name: str) -> str:
    value = getattr(settings, name, None)
    value = value.get_secret_value() if hasattr(value, "get_secret_value") else value
    return (value or "").strip()


def slack_app(settings: Any, service: BriefingService, *, metrics: Metrics | None = None) -> AsyncApp:
    """Build the Slack app from the settings (missing tokens are a clear error); count its commands into ``metrics``."""
    bot_token = _secret(settings, "slack_bot_token")
    signing_secret = _secret(settings, "slack_signing_secret")
    app_token = _secret(settings, "slack_app_token")
    missing = ["SLACK_BOT_TOKEN"] if not bot_token else []
    if not signing_secret and not app_token:  # Socket Mode needs no signing secret
        missing.append("SLACK_SIGNING_SECRET")
    if missing:
        hints = "; ".join(f"{name} is {_HINTS[name]}" for name in missing)
        raise InvalidInput(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set. "
            f"Put {'it' if len(missing) == 1 else 'them'} in the environment or in .env ({hints})."
        )
    app = build_app(
        service,
        bot_token=bot_token,
        signing_secret=signing_secret,
        admins=getattr(settings, "admins", ()) or (),
        api_url=getattr(settings, "slack_api_url", None),
        clock=SystemClock(),
    )
    if metrics is not None:
        meter_app(app, metrics)
    return app


def socket_mode_token(settings: Any) -> str:
    """Return SLACK_APP_TOKEN ('' when unset: the app then serves HTTP)."""
    return _secret(settings, "slack_app_token")


async def run_slack(settings: Any, service: BriefingService, *, port: int) -> None:
    """Run the Slack app until cancelled: Socket Mode with SLACK_APP_TOKEN, else HTTP on ``port``."""
    app = slack_app(settings, service)
    app_token = socket_mode_token(settings)
    if app_token:
        log.info("SLACK_APP_TOKEN is set: starting in Socket Mode")
        await serve_socket_mode(app, app_token)
    else:
        await serve_http(app, port=port)


def meter_app(app: AsyncApp, metrics: Metrics) -> None:
    """Count each slash command and interaction ``app`` answers, and time `/brief STORY` until Slack has the card.

    Bolt middleware runs before the listeners, so the dispatch itself is wrapped (HTTP mode and Socket Mode both
    go through it). The outcome is the transport's: ``ok`` when Slack got its answer, ``error`` when the request
    failed; polite refusals are answered by the listeners' error edge with a 200, so they count as ``ok``.
    Requests refused for a bad signature (401) are not Slack's and are not counted.
    """
    dispatch = app.async_dispatch

    async def counted(req: AsyncBoltRequest) -> BoltResponse:
        name = _request_name(req.body)
        if name is None:
            return await dispatch(req)
        start = time.perf_counter()
        status = 500
        try:
            response = await dispatch(req)
            status = response.status
            return response
        finally:
            if status != 401:
                metrics.command("slack", name, "ok" if status < 400 else "error")
                if name == "show" and status < 400:
                    metrics.brief_latency("slack", time.perf_counter() - start)

    app.async_dispatch = counted  # type: ignore[method-assign]


def _request_name(body: dict[str, Any]) -> str | None:
    """Name a request for the metrics: the `/brief` subcommand, or the kind of interaction (None: not counted)."""
    if body.get("command"):
        try:
            return parse_command(str(body.get("text") or "")).name
        except BriefingError:
            return "invalid"
    kind = body.get("type")
    return {"block_actions": "button", "message_action": "shortcut", "view_submission": "modal"}.get(str(kind))
