"""Socket Mode through a local websocket: apps.connections.open, hello, an envelope and its ack."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from adapters.slack.app import build_app
from adapters.testing.slack_api import FakeSlackAPI
from adapters.testing.slack_requests import block_action_payload, slash_command_fields
from briefings.clock import ManualClock
from briefings.service import BriefingService
from briefings.testing import SEED_SLUG
from tests.adapters.slack.conftest import BOT_TOKEN, MEMBER


async def test_brief_over_socket_mode(
    fake_api: FakeSlackAPI, seeded_service: BriefingService, clock: ManualClock
) -> None:
    app = build_app(seeded_service, bot_token=BOT_TOKEN, signing_secret="", admins=(),
                    api_url=fake_api.base_url, clock=clock)
    handler = AsyncSocketModeHandler(app, "xapp-1-test")
    await handler.connect_async()
    try:
        fields = slash_command_fields(SEED_SLUG, response_url=fake_api.response_url(),
                                      user_id=MEMBER)
        ack = await fake_api.send_envelope("slash_commands", fields)
        assert ack["envelope_id"].startswith("env-")
        card = ack["payload"]
        assert card["response_type"] == "ephemeral"
        assert card["blocks"][0]["type"] == "header" and card["text"]

        click = block_action_payload("brief_share", SEED_SLUG,
                                     response_url=fake_api.response_url(), user_id=MEMBER)
        await fake_api.send_envelope("interactive", click)
        (post,) = await fake_api.wait_for("chat.postMessage")
        assert f"shared by <@{MEMBER}>" in str(post.params["blocks"])
    finally:
        await handler.close_async()
    (opened,) = fake_api.calls_to("apps.connections.open")
    assert opened.token == "xapp-1-test"
