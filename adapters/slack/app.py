"""The Slack app: a bolt ``AsyncApp`` with Briefbot's listeners attached.

``replies`` holds how each kind of interaction answers, ``handlers`` the listeners and the explicit
table of `/brief` subcommands, ``render`` and ``digest`` the Block Kit messages, ``words`` how Slack
spells the core's hints and actions.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.admin import DEFAULT_TTL, AdminPolicy
from adapters.slack.handlers import SHORTCUT_ID, BriefHandlers, OnOutcome, links_in
from adapters.slack.send import make_client
from adapters.slack.words import COMMAND
from briefings.clock import Clock, SystemClock
from briefings.service import BriefingService

log = logging.getLogger(__name__)

__all__ = ["COMMAND", "SHORTCUT_ID", "BriefHandlers", "build_app", "links_in"]


def build_app(
    service: BriefingService,
    *,
    bot_token: str,
    signing_secret: str,
    admins: Iterable[str] = (),
    api_url: str | None = None,
    clock: Clock | None = None,
    admin_ttl: timedelta = DEFAULT_TTL,
    client: AsyncWebClient | None = None,
    process_before_response: bool = False,
    on_outcome: OnOutcome | None = None,
) -> AsyncApp:
    """Build the bolt app for one workspace: `/brief`, its buttons, the shortcut and the modal.

    ``on_outcome`` is told of every request answered (its name, outcome and seconds), e.g. for metrics."""
    client = client or make_client(bot_token, api_url)
    clock = clock or SystemClock()
    app = AsyncApp(
        name="briefbot",
        client=client,
        signing_secret=signing_secret,
        process_before_response=process_before_response,
    )
    BriefHandlers(service, client, AdminPolicy(client, admins, clock=clock, ttl=admin_ttl), clock, on_outcome).register(
        app
    )
    return app
