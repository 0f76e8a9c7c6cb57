"""Slack speaks Slack: every message it sends names only `/brief …` commands, never Discord's or the CLI's.

The core gives hints and help actions; :mod:`adapters.slack.words` words them. This drives the real bolt
app through as many answers as it has (help, lists, errors with and without suggestions, usage errors,
digest commands, a posted digest and the stopped-digest notice) and checks every byte Slack would show.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

from adapters.slack import words
from adapters.slack.digest import make_digest_sender, render_digest
from adapters.slack.render import render_error, render_help
from adapters.testing.slack_api import FakeSlackAPI
from adapters.testing.slack_requests import CHANNEL_ID
from briefings.commands import HELP_ACTIONS, UsageError, help_entries
from briefings.digest_text import disabled_notice
from briefings.errors import Hint, InvalidInput, NotFound
from briefings.models import Digest, DigestItem
from briefings.scheduler import DigestScheduler
from briefings.testing import ADMIN as ENGINE_ADMIN
from briefings.testing import SEED_SLUG, seed_text
from tests.adapters.slack.conftest import ADMIN, BOT_TOKEN, MEMBER, SlackHarness

# What only another face writes: Discord's admin group and options, the CLI's program name.
FOREIGN = re.compile(r"/brief-admin|\b(?:story|words|time|zone|url|id):|briefbot ")

COMMANDS = [
    "", "list", "help", "digest help", "search defence spending", "search zzqqxx", "search", "jpan-talkz", "zzqx",
    "sources zzqx", "facts zzqx", f"sources {SEED_SLUG}", f"facts {SEED_SLUG}", SEED_SLUG, "rename only-one",
    "alias a", "remove", "add a b c", "digest", "digest status", "digest preview", "digest sometimes",
    "digest off 99", "digest off", "digest on 08:30 Mars/Base", "digest on 25:00 UTC", "remove no-such-story",
    "merge a", "move 2", f"merge japan-uk-talks {SEED_SLUG}", "move 2 new",
]
ADMIN_COMMANDS = [
    "digest on 08:30 Asia/Tokyo weekdays always japan", "digest status", "digest preview", f"alias {SEED_SLUG} tokyo",
    "rename tokyo taken-name", "digest off", "digest status", "merge zzqx japan-us-talks", "move 999 new",
    "move x1 new", "move 2 zzqx", "move 2 new", "merge nippon-cancels-key-security-talks japan-us-talks",
]


def _foreign(text: str) -> list[str]:
    return FOREIGN.findall(text)


def _api_output(api: FakeSlackAPI) -> str:
    shown = [c.params for c in api.calls if c.method not in ("auth.test", "users.info", "conversations.history")]
    return json.dumps(shown, ensure_ascii=False)


async def test_every_slack_answer_uses_slack_syntax_only(slack: SlackHarness) -> None:
    await slack.service.add_text(seed_text().replace("Japan", "Nippon"), actor=ENGINE_ADMIN, story="japan-uk-talks")
    texts: list[str] = []
    for n, command in enumerate(COMMANDS):
        texts.append((await slack.command(command, user=MEMBER, url=f"m{n}")).text)
    for n, command in enumerate(ADMIN_COMMANDS):
        texts.append((await slack.command(command, user=ADMIN, url=f"a{n}")).text)
    texts.append((await slack.shortcut("no link in this message", user=ADMIN)).text)
    texts.append((await slack.click("brief_sources", "gone-story")).text)
    texts.append(_api_output(slack.api))
    everything = "\n".join(texts)
    # Slack's own words are there: hints, suggestions, usages, help, digest status and confirmation
    for expected in ("Try `/brief list` or `/brief search WORDS`.", "Did you mean: `japan-us-talks`",
                     "Usage: `/brief rename OLD NEW`", "`/brief digest on 08:30 Europe/London`",
                     "is on for this channel", "Next run:", "Latest stories", "For admins",
                     "`/brief move ARTICLE_ID STORY`", "`/brief move ARTICLE_ID new [NEW-SLUG]`",
                     "Moved article 2 from", "Merged *"):
        assert expected in everything, expected
    assert _foreign(everything) == []


async def test_posted_digest_and_notice_use_slack_syntax_only(
    seeded_service: Any, fake_api: FakeSlackAPI, retry_sleeps: list[float]
) -> None:
    clock_now = datetime(2025, 6, 20, 9, 31, tzinfo=UTC)
    await seeded_service.digests.on(platform="slack", channel_id=CHANNEL_ID, at="09:30", tz="UTC", actor=ENGINE_ADMIN)
    sender = make_digest_sender(BOT_TOKEN, fake_api.base_url)
    scheduler = DigestScheduler(seeded_service.store, {"slack": sender}, clock=seeded_service.clock)
    seeded_service.clock.set(clock_now)
    assert (await scheduler.tick(clock_now)).sent
    await sender.notify(CHANNEL_ID, disabled_notice("Slack refused the post (channel_not_found)"))
    posted = _api_output(fake_api)
    assert f"`/brief {SEED_SLUG}`" in posted and "`/brief digest on 08:30 Europe/London`" in posted
    assert _foreign(posted) == []

    now = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
    item = DigestItem(slug="a-story", title="A story", tldr="", is_new_story=True, new_sources=[], article_count=2,
                      updated_at=now)
    digest = Digest(subscription_id=1, local_date=now.date(), zone="UTC", heading="Daily brief", items=[item],
                    more=3, since=now - timedelta(days=1), composed_at=now)
    rendered = json.dumps([m.to_dict() for m in render_digest(digest)], ensure_ascii=False)
    assert "Try `/brief list`." in rendered and "2 articles" in rendered
    assert _foreign(rendered) == []


def test_every_hint_and_usage_in_slack_words() -> None:
    hints: tuple[Hint, ...] = get_args(Hint)
    assert set(words.HINTS) == set(hints)  # the table covers every hint the core can give
    assert set(words.USAGE) == set(HELP_ACTIONS)
    for hint in hints:
        line = words.try_line([hint])
        assert line.startswith("Try `/brief") and _foreign(line) == [], line
    shown = [
        render_error(NotFound("No story matches 'x'.", hints=hints)),
        render_error(NotFound("No story matches 'x'.", ["a-story"])),
        render_error(InvalidInput("No.", hints=hints)),
        render_error(UsageError("Wrong number of words.", HELP_ACTIONS)),
        render_help(help_entries()),
    ]
    text = json.dumps([m.to_dict() for m in shown], ensure_ascii=False)
    assert "Did you mean: `a-story`?" in text
    assert _foreign(text) == []
