"""Wiring for `briefbot slack`: read the Slack settings, build the app, run it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from adapters.slack.app import build_app
from adapters.slack.runner import serve_http, serve_socket_mode
from briefings.clock import SystemClock
from briefings.errors import InvalidInput

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

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
        on_outcome=outcome_meter(metrics) if metrics is not None else None,
    )
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


def outcome_meter(metrics: Metrics) -> Callable[[str, str, float], None]:
    """Count each request the Slack listeners answered by name and outcome, and time `/brief STORY` answered.

    A polite refusal (an unknown story, a non-admin) is ``refused``, not ``ok``; requests refused for a bad
    signature never reach a listener and are not counted. HTTP mode and Socket Mode are counted alike."""

    def record(name: str, outcome: str, seconds: float) -> None:
        metrics.command("slack", name, outcome)
        if name == "show" and outcome == "ok":
            metrics.brief_latency("slack", seconds)

    return record
