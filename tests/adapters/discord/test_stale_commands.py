"""Commands Discord still shows from an older registration get the command to use and how to re-sync.

Discord keeps showing a command until the bot syncs its tree again, so a user can run `/brief add` (from
before admin commands moved to `/brief-admin`) or an option that no longer exists. discord.py reports
these as ``CommandNotFound`` / ``CommandSignatureMismatch`` to ``CommandTree.on_error``; the payloads here
are real INTERACTION_CREATE events for commands the bot does not define, sent through the fake gateway.
"""

from __future__ import annotations

import logging

import pytest

from adapters.discord import words
from tests.adapters.discord.conftest import Bot
from tests.adapters.discord.test_client import ADMIN, EPHEMERAL, NO_MENTIONS, body
from tests.adapters.discord.test_digest import group_slash

RESYNC = "the bot's operator can run `briefbot discord sync` to refresh them."


def _no_apology(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("adapters")]


async def test_old_brief_add_points_to_brief_admin_add(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    fake = bot.fake
    payload = fake.slash("brief", "add", {"url": "https://example.com/news/1"}, **ADMIN)
    cb = await fake.interact(payload)
    assert cb.json["type"] == 4
    data = body(cb)
    assert data["flags"] == EPHEMERAL and data["allowed_mentions"] == NO_MENTIONS
    assert data["content"].startswith("That command has moved: use `/brief-admin add [url:] [story:]` now.")
    assert RESYNC in data["content"] and "something went wrong" not in data["content"]
    _no_apology(caplog)


async def test_old_brief_digest_on_points_to_brief_admin(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    fake = bot.fake
    payload = group_slash(fake, "brief", "digest", "on", {"time": "08:30", "zone": "UTC"}, **ADMIN)
    data = body(await fake.interact(payload))
    assert data["content"].startswith(
        "That command has moved: use `/brief-admin digest on time: zone: [topics:] [weekdays:] [always:]` now."
    )
    assert RESYNC in data["content"]
    assert await bot.client.handlers.service.digests.status(platform="discord") == []  # nothing was set
    _no_apology(caplog)


@pytest.mark.parametrize(
    "name,sub",
    [("briefing", None), ("brief", "explode"), ("brief-admin", "purge")],
)
async def test_commands_the_bot_no_longer_has(
    bot: Bot, caplog: pytest.LogCaptureFixture, name: str, sub: str | None
) -> None:
    fake = bot.fake
    data = body(await fake.interact(fake.slash(name, sub, **ADMIN)))
    assert data["flags"] == EPHEMERAL
    assert data["content"] == words.gone()
    assert "`/brief help`" in data["content"] and RESYNC in data["content"]
    _no_apology(caplog)


async def test_changed_options_show_the_current_form(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    fake = bot.fake
    data = body(await fake.interact(fake.slash("brief", "show", {"slug": "japan-us-talks"})))
    assert data["content"].startswith("That command changed since Discord registered it: use `/brief show story:` now.")
    group = body(await fake.interact(fake.slash("brief", "digest")))  # once a command, now a group
    assert group["content"].startswith("That command changed since Discord registered it: see `/brief help`.")
    _no_apology(caplog)


async def test_old_menu_command(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    fake = bot.fake
    message = fake.user_message("read https://example.com/news/1")
    data = body(await fake.interact(fake.context_menu("Add article", message, **ADMIN)))
    assert data["content"] == words.gone_menu() and "'Add to briefings'" in data["content"]
    _no_apology(caplog)


async def test_stale_autocomplete_offers_nothing(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    fake = bot.fake
    cb = await fake.interact(fake.slash("brief", "add", {"story": "jap"}, focused="story", **ADMIN))
    assert cb.json["type"] == 8 and body(cb)["choices"] == []
    _no_apology(caplog)
