"""Sending to Slack: a Web API client with retries, posting blocks, answering via response_url."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.render import Message

log = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 2
SERVER_ERROR_RETRIES = 2


def retry_handlers() -> list[AsyncRetryHandler]:
    """Return the retry policy: connection errors, 429 (after Retry-After), 500/503 (backoff)."""
    return [
        AsyncConnectionErrorRetryHandler(),
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        AsyncServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
    ]


def make_client(token: str, base_url: str | None = None) -> AsyncWebClient:
    """Return a Web API client with our retry policy; ``base_url`` serves GovSlack and tests."""
    kwargs: dict[str, Any] = {"token": token, "retry_handlers": retry_handlers()}
    if base_url:
        kwargs["base_url"] = base_url if base_url.endswith("/") else base_url + "/"
    return AsyncWebClient(**kwargs)


async def post_blocks(
    client: AsyncWebClient,
    channel: str,
    blocks: Sequence[Block | dict[str, Any]],
    text: str,
    **kwargs: Any,
) -> str:
    """Post a message as the bot and return its ``ts``; raise SlackApiError once retries fail."""
    answer = await client.chat_postMessage(
        channel=channel, blocks=list(blocks), text=text, unfurl_links=False, unfurl_media=False,
        **kwargs,
    )
    return str(answer.get("ts", ""))


async def post_message(
    client: AsyncWebClient, channel: str, message: Message, **kwargs: Any
) -> str:
    """Post a rendered message as the bot and return its ``ts``."""
    return await post_blocks(client, channel, message.block_dicts(), message.text, **kwargs)


async def send_response(
    response_url: str,
    message: Message,
    *,
    response_type: str = "ephemeral",
    replace_original: bool | None = None,
) -> bool:
    """POST a message to a ``response_url`` with retries; return whether Slack took it."""
    body: dict[str, Any] = {**message.to_dict(), "response_type": response_type}
    if replace_original is not None:
        body["replace_original"] = replace_original
    hook = AsyncWebhookClient(url=response_url, retry_handlers=retry_handlers())
    try:
        answer = await hook.send_dict(body)
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("response_url POST failed: %r", exc)
        return False
    if answer.status_code != 200:
        log.warning("response_url answered %s: %s", answer.status_code, answer.body[:200])
        return False
    return True


class Responder:
    """Answers one user about one interaction: through ``response_url``, else an ephemeral post."""

    def __init__(
        self, client: AsyncWebClient, *, response_url: str | None, channel: str | None, user: str
    ) -> None:
        self.client = client
        self.response_url = response_url
        self.channel = channel
        self.user = user

    async def send(
        self, message: Message, *, in_channel: bool = False, replace_original: bool | None = None
    ) -> bool:
        """Deliver ``message``; return False (after logging) if every way failed."""
        if self.response_url:
            kind = "in_channel" if in_channel else "ephemeral"
            if await send_response(self.response_url, message, response_type=kind,
                                   replace_original=replace_original):
                return True
        if not self.channel:
            return False
        try:
            if in_channel:
                await post_message(self.client, self.channel, message)
            else:
                await self.client.chat_postEphemeral(
                    channel=self.channel, user=self.user, text=message.text,
                    blocks=message.block_dicts(),
                )
            return True
        except SlackApiError as exc:
            log.warning("could not answer %s in %s: %s", self.user, self.channel,
                        exc.response.get("error"))
            return False
