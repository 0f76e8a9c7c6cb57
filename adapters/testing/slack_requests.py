"""Signed Slack requests (slash commands, interactivity) as Slack sends them."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

TEAM_ID = "T0BRIEF"
TEAM_DOMAIN = "briefbot-test"
API_APP_ID = "ABRIEFBOT"
CHANNEL_ID = "C0GENERAL"
CHANNEL_NAME = "general"

_triggers = itertools.count(1)


def sign(signing_secret: str, body: str, timestamp: int) -> dict[str, str]:
    """Return the headers Slack adds: timestamp and ``v0=HMAC_SHA256(secret, v0:ts:body)``."""
    base = f"v0:{timestamp}:{body}".encode()
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def trigger_id() -> str:
    """Return a fresh trigger id."""
    return f"1337.42.trigger{next(_triggers)}"


def slash_command_fields(
    text: str,
    *,
    response_url: str,
    user_id: str = "U0MEMBER",
    user_name: str = "member",
    channel_id: str = CHANNEL_ID,
    command: str = "/brief",
) -> dict[str, str]:
    """Return the form fields of a slash command, as Slack posts them."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": CHANNEL_NAME,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": API_APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id(),
    }


def _user(user_id: str, user_name: str) -> dict[str, str]:
    return {"id": user_id, "username": user_name, "name": user_name, "team_id": TEAM_ID}


def block_action_payload(
    action_id: str,
    value: str,
    *,
    response_url: str,
    user_id: str = "U0MEMBER",
    user_name: str = "member",
    channel_id: str = CHANNEL_ID,
    block_id: str = "actions",
    ephemeral: bool = True,
) -> dict[str, Any]:
    """Return a ``block_actions`` payload for one button click."""
    container: dict[str, Any] = {"type": "message", "message_ts": "1750000000.000100",
                                 "channel_id": channel_id, "is_ephemeral": ephemeral}
    return {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": _user(user_id, user_name),
        "api_app_id": API_APP_ID,
        "token": "legacy-verification-token",
        "container": container,
        "trigger_id": trigger_id(),
        "channel": {"id": channel_id, "name": CHANNEL_NAME},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id,
                "text": {"type": "plain_text", "text": "button"},
                "value": value,
                "action_ts": "1750000001.000200",
            }
        ],
    }


def message_shortcut_payload(
    message_text: str,
    *,
    response_url: str,
    callback_id: str = "add_to_briefings",
    user_id: str = "U0MEMBER",
    user_name: str = "member",
    channel_id: str = CHANNEL_ID,
) -> dict[str, Any]:
    """Return a ``message_action`` payload (a message shortcut used on a message)."""
    return {
        "type": "message_action",
        "token": "legacy-verification-token",
        "action_ts": "1750000001.000300",
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": _user(user_id, user_name),
        "channel": {"id": channel_id, "name": CHANNEL_NAME},
        "is_enterprise_install": False,
        "callback_id": callback_id,
        "trigger_id": trigger_id(),
        "response_url": response_url,
        "message_ts": "1750000000.000900",
        "message": {
            "type": "message",
            "user": "U0AUTHOR",
            "ts": "1750000000.000900",
            "text": message_text,
        },
    }


def view_submission_payload(
    callback_id: str,
    values: dict[str, dict[str, dict[str, Any]]],
    *,
    user_id: str = "U0MEMBER",
    user_name: str = "member",
    private_metadata: str = "",
) -> dict[str, Any]:
    """Return a ``view_submission`` payload with ``state.values`` as given."""
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": _user(user_id, user_name),
        "api_app_id": API_APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": trigger_id(),
        "view": {
            "id": "VFAKE",
            "team_id": TEAM_ID,
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "blocks": [],
            "state": {"values": values},
            "hash": "1750000000.abc",
            "app_id": API_APP_ID,
            "bot_id": "BBRIEFBOT",
        },
        "response_urls": [],
    }


@dataclass
class Reply:
    """The HTTP answer of the bolt app: status and body (parsed JSON when there is one)."""

    status: int
    text: str

    def json(self) -> Any:
        """Return the body parsed as JSON (``{}`` for an empty body)."""
        return json.loads(self.text) if self.text else {}


class SlackSender:
    """Posts signed requests to a bolt app over HTTP, as Slack would."""

    def __init__(self, session: aiohttp.ClientSession, url: str, signing_secret: str) -> None:
        self.session = session
        self.url = url
        self.signing_secret = signing_secret

    async def post_form(
        self,
        fields: dict[str, str],
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        tamper: bool = False,
    ) -> Reply:
        """Sign ``fields`` (form-encoded) and post them; ``tamper`` edits the body after signing."""
        body = urlencode(fields)
        ts = int(time.time()) if timestamp is None else timestamp
        headers = sign(secret or self.signing_secret, body, ts)
        if tamper:
            body += "&text=tampered"
        async with self.session.post(self.url, data=body.encode(), headers=headers) as resp:
            return Reply(resp.status, await resp.text())

    async def command(self, text: str, *, response_url: str, **kwargs: Any) -> Reply:
        """Send ``/brief text``; keyword arguments go to :func:`slash_command_fields` or signing."""
        sign_kw = {k: kwargs.pop(k) for k in ("timestamp", "secret", "tamper") if k in kwargs}
        fields = slash_command_fields(text, response_url=response_url, **kwargs)
        return await self.post_form(fields, **sign_kw)

    async def interact(self, payload: dict[str, Any], **sign_kw: Any) -> Reply:
        """Send an interactivity payload (``payload=<json>``)."""
        return await self.post_form({"payload": json.dumps(payload)}, **sign_kw)
