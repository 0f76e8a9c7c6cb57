"""How each kind of Slack interaction answers: slash commands, buttons and shortcuts, or a modal."""

from __future__ import annotations

import logging
from typing import Protocol

from slack_bolt.async_app import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import modal
from adapters.slack.render import Message, render_error
from adapters.slack.send import Responder
from briefings.errors import BriefingError, Conflict, InvalidInput

log = logging.getLogger(__name__)


class Reply(Protocol):
    """Where a listener's answer goes."""

    async def send(self, message: Message, *, replace_original: bool | None = None) -> None:
        """Deliver a message to the user."""

    async def fail(self, error: BriefingError) -> None:
        """Deliver a domain error politely."""

    async def finish(self) -> None:
        """Make sure Slack got its acknowledgement."""


class InteractionReply:
    """Answers a slash command, button or shortcut: in the ack body first, then via response_url."""

    def __init__(self, ack: AsyncAck, responder: Responder, *, acked: bool = False) -> None:
        self._ack = ack
        self._acked = acked
        self.responder = responder

    async def ack(self, message: Message | None = None) -> None:
        """Acknowledge now (Slack wants it within 3 s), optionally with a first ephemeral answer."""
        if self._acked:
            return
        self._acked = True
        if message is None:
            await self._ack()
        else:
            await self._ack(text=message.text, blocks=message.block_dicts(),
                            response_type="ephemeral")

    async def send(self, message: Message, *, replace_original: bool | None = None) -> None:
        """Answer ephemerally: in the ack if not yet sent, else through response_url."""
        if not self._acked:
            await self.ack(message)
            return
        await self.responder.send(message, replace_original=replace_original)

    async def fail(self, error: BriefingError) -> None:
        """Answer a domain error politely."""
        await self.send(render_error(error), replace_original=False)

    async def finish(self) -> None:
        """Ack with an empty body if nothing was sent yet."""
        await self.ack()


class ViewReply:
    """Answers a modal submission: field errors, or the modal replaced by a result view."""

    def __init__(self, ack: AsyncAck, client: AsyncWebClient, view_id: str) -> None:
        self._ack = ack
        self._acked = False
        self.client = client
        self.view_id = view_id

    async def errors(self, errors: dict[str, str]) -> None:
        """Keep the modal open with an error under each bad field."""
        self._acked = True
        await self._ack(response_action="errors", errors=errors)

    async def send(self, message: Message, *, replace_original: bool | None = None) -> None:
        """Replace the modal's content with ``message``."""
        view = modal.build_result_view(message)
        if not self._acked:
            self._acked = True
            await self._ack(response_action="update", view=view)
            return
        try:
            await self.client.views_update(view_id=self.view_id, view=view)
        except SlackApiError as exc:
            log.warning("views.update failed: %s", exc.response.get("error"))

    async def fail(self, error: BriefingError) -> None:
        """Show a field error while the modal is open, else the error in the modal."""
        field = modal.NEW_SLUG if isinstance(error, Conflict) else modal.TEXT
        if not self._acked and isinstance(error, InvalidInput | Conflict):
            await self.errors({field: error.message[:300]})
            return
        await self.send(render_error(error))

    async def finish(self) -> None:
        """Close the modal if nothing was answered."""
        if not self._acked:
            self._acked = True
            await self._ack()
