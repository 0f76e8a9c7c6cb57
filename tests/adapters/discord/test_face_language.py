"""Discord speaks Discord: `/brief …` read commands, `/brief-admin …` admin ones, never Slack's or the CLI's forms.

The core gives hints and help actions; :mod:`adapters.discord.words` words them. This drives the real
client through the fake gateway over as many answers as it has, posts a digest and the stopped-digest
notice through the fake REST API, and checks every message Briefbot sent. The one CLI command a Discord
user may read is the operator's re-sync, `briefbot discord sync`, in answers to stale commands.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import get_args

import discord

from adapters.discord import render, words
from adapters.discord.client import BriefbotClient
from adapters.discord.digest import DiscordDigestSender, render_digest
from adapters.testing.discord_gateway import FakeDiscord
from briefings.commands import HELP_ACTIONS, UsageError, help_entries
from briefings.digest_text import disabled_notice
from briefings.errors import Hint, InvalidInput, NotFound
from briefings.models import Digest, DigestItem
from briefings.scheduler import DigestScheduler
from briefings.service import BriefingService
from briefings.testing import ADMIN as CONSOLE_ADMIN
from briefings.testing import SEED_SLUG, seed_text
from tests.adapters.discord.conftest import Bot
from tests.adapters.discord.test_client import ADMIN
from tests.adapters.discord.test_digest import group_slash

READ = r"(?:show|list|search|sources|facts|changes|help|digest (?:status|preview))\b"
WRITE = r"(?:add|remove|rename|alias|merge|move|digest (?:on|off)|feed (?:add|list|remove|pause|resume))\b"
# Slack's forms (`/brief STORY`, `/brief add`, `/brief digest on`), unknown admin forms, the CLI's program.
FOREIGN = re.compile(rf"/brief (?!{READ})\S*|/brief-admin (?!{WRITE})\S*|briefbot (?!discord sync`)\S*")


def _foreign(text: str) -> list[str]:
    return FOREIGN.findall(text)


def _sent(fake: FakeDiscord) -> str:
    """Every message body Briefbot sent: interaction answers, edits, followups and channel posts."""
    bodies = [r.json for r in fake.requests if isinstance(r.json, dict) and r.method in ("POST", "PATCH")]
    return json.dumps(bodies, ensure_ascii=False)


async def test_every_discord_answer_uses_discord_syntax_only(bot: Bot, seeded_service: BriefingService) -> None:
    fake = bot.fake
    await seeded_service.add_text(seed_text().replace("Japan", "Nippon"), actor=CONSOLE_ADMIN, story="japan-uk-talks")
    assert (await seeded_service.brief("japan-uk-talks")).sources[0].article_id == 2
    payloads = [
        fake.slash("brief", "show", {"story": SEED_SLUG}),
        fake.slash("brief", "show", {"story": "jpan-talkz"}),
        fake.slash("brief", "show", {"story": "zzqx"}),
        fake.slash("brief", "list"),
        fake.slash("brief", "search", {"words": "defence spending"}),
        fake.slash("brief", "search", {"words": "zzqqxx"}),
        fake.slash("brief", "help"),
        fake.slash("brief", "sources", {"story": SEED_SLUG}),
        fake.slash("brief", "facts", {"story": "zzqx"}),
        group_slash(fake, "brief", "digest", "status"),
        group_slash(fake, "brief", "digest", "preview"),
        group_slash(fake, "brief-admin", "digest", "on", {"time": "08:30", "zone": "Asia/Tokyo", "topics": "japan"}),
        group_slash(fake, "brief-admin", "digest", "on", {"time": "08:30", "zone": "Mars/Base"}, **ADMIN),
        group_slash(fake, "brief-admin", "digest", "on", {"time": "08:30", "zone": "Asia/Tokyo", "always": True},
                    **ADMIN),
        group_slash(fake, "brief", "digest", "status"),
        group_slash(fake, "brief", "digest", "preview"),
        group_slash(fake, "brief-admin", "digest", "off", {"id": 99}, **ADMIN),
        group_slash(fake, "brief-admin", "digest", "off", **ADMIN),
        group_slash(fake, "brief", "digest", "status", dm=True),
        fake.slash("brief-admin", "alias", {"story": SEED_SLUG, "alias": "tokyo"}),
        fake.slash("brief-admin", "rename", {"story": "zzqx", "new": "other"}, **ADMIN),
        fake.slash("brief-admin", "merge", {"story": "japan-uk-talks", "into": SEED_SLUG}),
        fake.slash("brief-admin", "merge", {"story": "zzqx", "into": SEED_SLUG}, **ADMIN),
        fake.slash("brief-admin", "move", {"article": 999}, **ADMIN),
        fake.slash("brief-admin", "move", {"article": 1, "story": "zzqx"}, **ADMIN),
        fake.slash("brief-admin", "move", {"article": 2}, **ADMIN),
        fake.slash("brief-admin", "merge", {"story": "nippon-cancels-key-security-talks", "into": SEED_SLUG}, **ADMIN),
        fake.slash("brief", "merge", {"story": "a", "into": "b"}, **ADMIN),  # a stale registration
        fake.context_menu("Add to briefings", fake.user_message("no link here"), **ADMIN),
        fake.slash("brief", "add", {"url": "https://example.com/a"}, **ADMIN),  # a stale registration
    ]
    for payload in payloads:
        await fake.interact(payload)
    sent = _sent(fake)
    # Discord's own words are there: hints, suggestions, help, digest status and confirmation
    for expected in ("Try `/brief list` or `/brief search words:…`.", "Closest matches: `japan-us-talks`",
                     "`/brief-admin digest on time:08:30 zone:Europe/London`", "`/brief show story:japan-us-talks`",
                     "is on for this channel", "Next run:", "`/brief-admin add` (leave url empty",
                     "`/brief-admin add [url:] [story:]`", "briefbot discord sync", "Moved article 2 from",
                     "Merged **", "`/brief-admin merge story: into:`"):
        assert expected in sent, expected
    assert _foreign(sent) == []


async def test_posted_digest_and_notice_use_discord_syntax_only(
    fake: FakeDiscord, seeded_service: BriefingService
) -> None:
    channel = str(fake.channel_id)
    now = datetime(2025, 6, 20, 9, 31, tzinfo=UTC)
    await seeded_service.digests.on(platform="discord", channel_id=channel, at="09:30", tz="UTC", actor=CONSOLE_ADMIN)
    async with discord.Client(intents=discord.Intents.none()) as client:
        await client.login(fake.token)
        sender = DiscordDigestSender(client)
        scheduler = DigestScheduler(seeded_service.store, {"discord": sender}, clock=seeded_service.clock)
        seeded_service.clock.set(now)  # type: ignore[attr-defined]
        assert (await scheduler.tick(now)).sent
        await sender.notify(channel, disabled_notice("channel not found (code 10003)"))
    sent = _sent(fake)
    assert f"`/brief show story:{SEED_SLUG}`" in sent
    assert "`/brief-admin digest on time:08:30 zone:Europe/London`" in sent
    assert _foreign(sent) == []

    item = DigestItem(slug="a-story", title="A story", tldr="", is_new_story=True, new_sources=[], article_count=1,
                      updated_at=now)
    digest = Digest(subscription_id=1, local_date=now.date(), zone="UTC", heading="Daily brief", items=[item],
                    more=2, since=now - timedelta(days=1), composed_at=now)
    rendered = json.dumps([[e.to_dict() for e in m.embeds] for m in render_digest(digest)], ensure_ascii=False)
    assert "Try /brief list." in rendered and "1 article" in rendered and "1 articles" not in rendered
    assert _foreign(rendered) == []


def test_every_hint_and_help_line_in_discord_words(bot: Bot) -> None:
    hints: tuple[Hint, ...] = get_args(Hint)
    assert set(words.HINTS) == set(hints)  # the table covers every hint the core can give
    assert set(words.COMMANDS) == set(HELP_ACTIONS)
    for hint in hints:
        line = words.try_line([hint])
        assert line.startswith("Try `/brief") and _foreign(line) == [], line
    shown = [
        render.render_error(NotFound("No story matches 'x'.", hints=hints)),
        render.render_error(InvalidInput("No.", hints=hints)),
        render.render_error(UsageError("Wrong number of words.", HELP_ACTIONS)),
        json.dumps(render.render_help(words.help_lines(help_entries())).to_dict()),
    ]
    assert _foreign("\n".join(shown)) == []


def test_help_shows_the_commands_the_tree_really_has(bot: Bot) -> None:
    client: BriefbotClient = bot.client
    defined = client.command_usages()
    lines = client.help_lines()
    assert len(lines) == len(help_entries()) + 1  # every action, plus the message menu
    for entry in help_entries():
        name = words.COMMANDS[entry.action]
        assert name in defined, name  # a real command of the tree
        real = defined[name]
        for arg in entry.args:  # with real option names
            assert f" {arg.name}:" in real or f"[{arg.name}:]" in real, (name, arg.name, real)
        if entry.admin:
            assert name.startswith("brief-admin ")
    covered = {words.COMMANDS[e.action] for e in help_entries()}
    assert set(defined) <= covered  # and no command of the tree is missing from help
