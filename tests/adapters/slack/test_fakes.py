"""The fake Slack Web API and the signed-request helpers, proven against a trivial bolt app."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.testing.slack_api import RESPONSE_URL, FakeSlackAPI
from adapters.testing.slack_requests import SlackSender

SECRET = "test-signing-secret"


@pytest.fixture
async def echo(fake_api: FakeSlackAPI) -> AsyncIterator[SlackSender]:
    """Serve a bolt app whose /echo acks with the text and responds once more."""
    app = AsyncApp(client=AsyncWebClient(token="xoxb-echo", base_url=fake_api.base_url),
                   signing_secret=SECRET)

    @app.command("/echo")
    async def on_echo(ack, command, respond) -> None:  # type: ignore[no-untyped-def]
        await ack(text=f"echo {command['text']}")
        await respond(text="later")

    runner = web.AppRunner(app.web_app(path="/slack/events"), handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    async with aiohttp.ClientSession() as session:
        yield SlackSender(session, f"http://127.0.0.1:{port}/slack/events", SECRET)
    await runner.cleanup()


async def test_signed_command_reaches_bolt(echo: SlackSender, fake_api: FakeSlackAPI) -> None:
    reply = await echo.command("hi", command="/echo", response_url=fake_api.response_url())
    assert reply.status == 200
    assert reply.text == "echo hi"  # bolt answers a text-only ack as plain text
    (call,) = await fake_api.wait_for(RESPONSE_URL)
    assert call.params["text"] == "later"
    assert fake_api.calls_to("auth.test")[0].token == "xoxb-echo"


@pytest.mark.parametrize(
    "kwargs",
    [{"secret": "wrong"}, {"tamper": True}, {"timestamp": int(time.time()) - 600}],
    ids=["bad-secret", "tampered", "stale"],
)
async def test_bad_signatures_are_401(echo: SlackSender, fake_api: FakeSlackAPI,
                                      kwargs: dict[str, object]) -> None:
    reply = await echo.command("hi", command="/echo", response_url=fake_api.response_url(),
                               **kwargs)
    assert reply.status == 401
    assert fake_api.calls_to(RESPONSE_URL) == []


async def test_fake_fails_on_demand(fake_api: FakeSlackAPI) -> None:
    client = AsyncWebClient(token="xoxb-x", base_url=fake_api.base_url, retry_handlers=[])
    fake_api.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "7"
    ok = await client.chat_postMessage(channel="C1", text="x")
    assert ok["ok"] and len(fake_api.calls_to("chat.postMessage")) == 2
    fake_api.add_user("UADMIN", "ana", is_admin=True)
    info = await client.users_info(user="UADMIN")
    assert info["user"]["is_admin"] is True
