"""Discord digests: commands, rendering within limits, and the scheduler posting to the fake REST API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest

from adapters.discord import digest as dd
from adapters.discord import limits
from adapters.discord.digest import DigestMessage, DiscordDigestSender, make_digest_sender
from adapters.testing.discord_gateway import FakeDiscord
from briefings.clock import ManualClock
from briefings.digest_text import item_text
from briefings.errors import DeliveryError
from briefings.models import Digest, DigestItem, Source
from briefings.scheduler import LEASE, DigestScheduler
from briefings.service import BriefingService
from briefings.testing import ADMIN as CONSOLE_ADMIN
from briefings.testing import seed_text
from tests.adapters.discord.conftest import Bot, SleepRecorder
from tests.adapters.discord.test_client import ADMIN, NO_MENTIONS, assert_quiet, body

ROUTE = r"^/channels/\d+/messages$"
EPHEMERAL = 64
DUE = datetime(2025, 6, 20, 9, 30, tzinfo=UTC)
EVIL = "@everyone <@&123456789012345678> <@1600000000000000001> [click](https://evil.example) **pwn**"


def group_slash(
    fake: FakeDiscord,
    name: str,
    group: str,
    sub: str,
    options: dict[str, Any] | None = None,
    *,
    focused: str | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Build a `/name group sub` interaction (type 2, or type 4 autocomplete with ``focused``)."""

    def kind(v: Any) -> int:
        return 5 if isinstance(v, bool) else 4 if isinstance(v, int) else 3

    opts = [
        {"name": k, "type": kind(v), "value": v, **({"focused": True} if k == focused else {})}
        for k, v in (options or {}).items()
    ]
    data = {
        "id": "1700000000000000001",
        "name": name,
        "type": 1,
        "options": [{"name": group, "type": 2, "options": [{"name": sub, "type": 1, "options": opts}]}],
    }
    return fake.interaction(4 if focused else 2, data, **kwargs)


class Crash(BaseException):
    """The process dies."""


def channel_posts(fake: FakeDiscord) -> list[Any]:
    """Return the successful message POSTs to channels."""
    return [r for r in fake.find("POST", ROUTE) if r.status == 200]


@pytest.fixture
async def rest(fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    """A discord.Client logged in over REST only, as the scheduler in `briefbot discord` uses it."""
    async with discord.Client(intents=discord.Intents.none()) as c:
        await c.login(fake.token)
        yield c


async def subscribe(service: BriefingService, fake: FakeDiscord, **kwargs: Any) -> int:
    """Subscribe the fake's channel to a 09:30 UTC digest; return its id."""
    status = await service.digests.on(
        platform="discord", channel_id=str(fake.channel_id), at="09:30", tz="UTC", actor=CONSOLE_ADMIN, **kwargs
    )
    return status.subscription.id


def scheduler(service: BriefingService, sender: Any, clock: ManualClock, owner: str) -> DigestScheduler:
    """A scheduler over the service's store with the Discord sender."""
    return DigestScheduler(service.store, {"discord": sender}, clock=clock, owner=owner)


async def tick(sched: DigestScheduler, clock: ManualClock, when: datetime) -> Any:
    """Move the clock to ``when`` and run one tick."""
    clock.set(when)
    return await sched.tick(when)


def big_digest(n: int = 10, *, more: int = 0) -> Digest:
    """A synthetic digest whose stories are as long as the renderer allows."""
    items = [
        DigestItem(
            slug=f"story-{i}",
            title=f"Story {i} " + "T" * 300,
            tldr="A long one-line summary. " * 30,
            is_new_story=False,
            new_sources=[
                Source(article_id=j, title=f"Source {j} " + "s" * 80, outlet="Outlet", url=f"https://ex.com/{i}/{j}")
                for j in range(8)
            ],
            article_count=9,
            updated_at=DUE,
        )
        for i in range(n)
    ]
    return Digest(
        subscription_id=7,
        local_date=DUE.date(),
        zone="UTC",
        heading="Daily brief · Friday 20 June 2025",
        items=items,
        more=more,
        since=DUE - timedelta(days=1),
        composed_at=DUE,
    )


# -- pure rendering ------------------------------------------------------------------------------


def test_split_in_order_within_every_limit() -> None:
    messages = dd.render_digest(big_digest(10, more=4))
    assert len(messages) > 1
    titles = [e.title for m in messages for e in m.embeds]
    assert [t.split()[1] for t in titles if t] == [str(i) for i in range(10)]  # every story, in order
    assert [(m.part, m.total) for m in messages] == [(i, len(messages)) for i in range(len(messages))]
    for m in messages:
        marked = dd.with_marker(m, "2025-06-20T09:30", m.part)
        assert len(marked) <= limits.EMBEDS_PER_MESSAGE
        assert sum(len(e) for e in marked) <= limits.TOTAL
        assert all(limits.violations(e.to_dict()) == [] for e in marked)
        assert len(m.content or "") <= limits.CONTENT
    assert "…and 4 more stories changed. Try /brief list." in (messages[-1].embeds[-1].footer.text or "")
    assert "(continued, 2/" in (messages[1].content or "")


def test_empty_digest_is_one_short_line() -> None:
    messages = dd.render_digest(big_digest(0))
    assert len(messages) == 1
    assert messages[0].embeds[0].description == dd.EMPTY_LINE


def test_item_shows_tldr_whats_new_and_how_to_open() -> None:
    item = big_digest(1).items[0]
    text = dd.render_item(item_text(item)).description or ""
    assert "A long one-line summary." in text and "**+8 sources:**" in text
    assert "`/brief show story:story-0`" in text
    new = item.model_copy(update={"is_new_story": True, "article_count": 1})
    assert "**New story · 1 article from " in (dd.render_item(item_text(new)).description or "")  # its outlets


def test_nonce_is_stable_and_distinct() -> None:
    a = dd.nonce("1", 1, "2025-06-20T09:30", 0)
    assert a == dd.nonce("1", 1, "2025-06-20T09:30", 0) and len(a) <= 25
    assert len({a, dd.nonce("2", 1, "2025-06-20T09:30", 0), dd.nonce("1", 2, "2025-06-20T09:30", 0),
                dd.nonce("1", 1, "2025-06-20T09:30", 1)}) == 4  # fmt: skip


def test_zone_choices() -> None:
    zones = ["America/New_York", "Asia/Tokyo", "Asia/Tomsk", "Europe/London", "UTC"] + [f"Etc/Z{i}" for i in range(40)]
    assert dd.zone_choices(zones, "tok") == ["Asia/Tokyo"]
    assert dd.zone_choices(zones, "asia/to") == ["Asia/Tokyo", "Asia/Tomsk"]
    assert dd.zone_choices(zones, "new york") == ["America/New_York"]
    assert len(dd.zone_choices(zones, "z")) == 25


def test_delivery_errors_are_classified() -> None:
    assert dd.delivery_error(discord.RateLimited(42.0)).retry_after == 42.0
    assert dd.delivery_error(TimeoutError()).transient
    assert dd.delivery_error(ConnectionResetError()).transient


# -- the sender against the fake REST API --------------------------------------------------------


async def test_post_disables_mentions_marks_and_dedupes(fake: FakeDiscord, rest: discord.Client) -> None:
    sender = DiscordDigestSender(rest.http)
    message = DigestMessage(content="**Daily**", embeds=[discord.Embed(title="x")], subscription_id=3)
    first = await sender.post(str(fake.channel_id), message, key="2025-06-20T09:30", part=0)
    again = await sender.post(str(fake.channel_id), message, key="2025-06-20T09:30", part=0)
    assert first == again  # Discord (and the fake) return the first message for a repeated enforced nonce
    assert len(fake.channel_messages(fake.channel_id)) == 1
    sent = fake.find("POST", ROUTE)[0].json
    assert sent["allowed_mentions"] == NO_MENTIONS and sent["enforce_nonce"] is True and sent["nonce"]
    assert sent["embeds"][0]["footer"]["text"] == "digest 2025-06-20T09:30 · part 1/1"
    assert await sender.find_posted(str(fake.channel_id), "2025-06-20T09:30") == {0: first}
    assert await sender.find_posted(str(fake.channel_id), "2025-06-21T09:30") == {}
    assert fake.find("GET", ROUTE)[-1].query["limit"] == "50"


async def test_sender_maps_failures(fake: FakeDiscord, rest: discord.Client, no_sleep: SleepRecorder) -> None:
    sender = DiscordDigestSender(rest)
    message = DigestMessage(content=None, embeds=[discord.Embed(title="x")], subscription_id=1)
    cases = [
        ({"status": 404, "code": 10003, "message": "Unknown Channel"}, False, None),
        ({"status": 403, "code": 50013, "message": "Missing Permissions"}, False, None),
        ({"status": 400, "code": 50083, "message": "Thread is archived"}, False, None),
        ({"status": 503}, True, None),
        ({"status": 500, "times": 5}, True, None),  # discord.py retried it five times (no real sleep)
        ({"status": 429, "via": False, "retry_after": 7.0}, True, 7.0),
    ]
    for fault, transient, retry_after in cases:
        fake.fail_next("POST", ROUTE, **fault)
        with pytest.raises(DeliveryError) as info:
            await sender.post(str(fake.channel_id), message, key="k", part=0)
        assert info.value.transient is transient, fault
        assert info.value.retry_after == retry_after
    assert "channel not found" in dd.delivery_error(discord.NotFound(_Resp(404), {"code": 10003})).message


class _Resp:
    def __init__(self, status: int) -> None:
        self.status = status
        self.reason = "x"
        self.headers: dict[str, str] = {}


async def test_make_digest_sender_logs_in_over_rest(fake: FakeDiscord) -> None:
    sender = await make_digest_sender(fake.token, fake.api_base)
    try:
        assert not fake.identifies  # no gateway connection
        assert fake.find("GET", r"^/users/@me$")
    finally:
        await sender.aclose()
    with pytest.raises(DeliveryError):
        await make_digest_sender("wrong-token", fake.api_base)


# -- the scheduler posting through the sender ----------------------------------------------------


async def test_one_post_with_inert_mentions(
    fake: FakeDiscord, rest: discord.Client, seeded_service: BriefingService, clock: ManualClock
) -> None:
    await seeded_service.add_text(seed_text() + "\n\nA second report.", actor=CONSOLE_ADMIN, title=EVIL, story="evil")
    await subscribe(seeded_service, fake)
    sched = scheduler(seeded_service, DiscordDigestSender(rest), clock, "a")
    report = await tick(sched, clock, DUE + timedelta(seconds=20))
    assert len(report.sent) == 1
    posts = channel_posts(fake)
    assert len(posts) == 1
    data = posts[0].json
    assert data["allowed_mentions"] == NO_MENTIONS
    assert data["content"].startswith("**Daily brief · Friday 20 June 2025")
    text = " ".join(f"{e.get('title', '')} {e.get('description', '')}" for e in data["embeds"])
    assert "@everyone" not in text and "<@&" not in text and "<@1600" not in text
    assert "@\u200beveryone" in text and "/brief show story:evil" in text
    assert data["embeds"][-1]["footer"]["text"].endswith("digest 1/2025-06-20T09:30 · part 1/1")
    assert_quiet(fake)
    # A later tick the same day posts nothing more.
    await tick(sched, clock, DUE + timedelta(minutes=5))
    assert len(channel_posts(fake)) == 1


async def test_rate_limited_then_sent_on_a_later_tick(
    fake: FakeDiscord, seeded_service: BriefingService, clock: ManualClock
) -> None:
    sender = await make_digest_sender(fake.token, fake.api_base)  # waits over 30 s come back to the scheduler
    try:
        digest_id = await subscribe(seeded_service, fake)
        fake.fail_next("POST", ROUTE, status=429, retry_after=120.0)
        sched = scheduler(seeded_service, sender, clock, "a")
        first = await tick(sched, clock, DUE)
        assert len(first.retrying) == 1 and not channel_posts(fake)
        row = await seeded_service.store.delivery(digest_id, "2025-06-20T09:30")
        assert row is not None
        assert row.next_attempt is not None and row.next_attempt >= DUE + timedelta(seconds=120)
        early = await tick(sched, clock, DUE + timedelta(seconds=60))
        assert early.total() == 0 and not channel_posts(fake)  # Retry-After honoured
        later = await tick(sched, clock, DUE + timedelta(seconds=125))
        assert len(later.sent) == 1 and len(channel_posts(fake)) == 1
    finally:
        await sender.aclose()


async def test_permanent_error_disables_after_three_ticks(
    fake: FakeDiscord, rest: discord.Client, seeded_service: BriefingService, clock: ManualClock
) -> None:
    await subscribe(seeded_service, fake)
    fake.fail_next("POST", ROUTE, status=404, code=10003, message="Unknown Channel", times=10)
    sched = scheduler(seeded_service, DiscordDigestSender(rest), clock, "a")
    reports = [await tick(sched, clock, DUE + timedelta(minutes=m)) for m in (0, 2, 4)]
    assert [len(r.retrying) for r in reports] == [1, 1, 0] and len(reports[-1].failed) == 1
    (status,) = await seeded_service.digests.status(platform="discord", channel_id=str(fake.channel_id))
    assert not status.subscription.enabled
    assert "channel not found" in (status.last_failure or "")
    assert "channel not found" in (status.subscription.disabled_reason or "")
    assert not channel_posts(fake)
    assert len(fake.find("POST", ROUTE)) == 4  # three attempts, then the (failed) notice
    notice = fake.find("POST", ROUTE)[-1].json
    assert notice["content"].startswith("Briefbot stopped this channel's daily digest")
    # the core's hint in Discord's own words: admins turn digests on under /brief-admin
    assert "`/brief-admin digest on time:08:30 zone:Europe/London`" in notice["content"]
    assert "/brief digest on" not in notice["content"]
    assert notice["allowed_mentions"] == NO_MENTIONS and "embeds" not in notice


async def test_restart_right_after_the_post_does_not_post_again(
    fake: FakeDiscord, rest: discord.Client, seeded_service: BriefingService, clock: ManualClock
) -> None:
    class DiesAfterPosting(DiscordDigestSender):
        async def post(self, channel_id: str, message: DigestMessage, *, key: str, part: int) -> str:
            await super().post(channel_id, message, key=key, part=part)
            raise Crash  # Discord accepted the message; the process dies before recording it

    await subscribe(seeded_service, fake)
    with pytest.raises(Crash):
        await tick(scheduler(seeded_service, DiesAfterPosting(rest), clock, "first"), clock, DUE)
    assert len(channel_posts(fake)) == 1
    second = scheduler(seeded_service, DiscordDigestSender(rest), clock, "second")
    report = await tick(second, clock, DUE + LEASE + timedelta(minutes=1))
    assert len(report.sent) == 1
    assert len(fake.find("POST", ROUTE)) == 1  # found by its marker: not even a (nonce-deduped) repost
    assert fake.find("GET", ROUTE)


async def test_long_digest_split_in_order_and_recovered_part_by_part(
    fake: FakeDiscord,
    rest: discord.Client,
    seeded_service: BriefingService,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    make_stories: Any,
) -> None:
    await make_stories(seeded_service, 6)
    monkeypatch.setattr(dd, "MESSAGE_BUDGET", 700)  # realistic stories, a small budget: several messages
    await subscribe(seeded_service, fake)

    class DiesAfterSecond(DiscordDigestSender):
        async def post(self, channel_id: str, message: DigestMessage, *, key: str, part: int) -> str:
            if part == 2:
                raise Crash
            return await super().post(channel_id, message, key=key, part=part)

    with pytest.raises(Crash):
        await tick(scheduler(seeded_service, DiesAfterSecond(rest), clock, "first"), clock, DUE)
    report = await tick(
        scheduler(seeded_service, DiscordDigestSender(rest), clock, "second"), clock, DUE + LEASE + timedelta(minutes=1)
    )
    assert len(report.sent) == 1
    posts = channel_posts(fake)
    assert len(posts) >= 3
    footers = [p.json["embeds"][-1]["footer"]["text"] for p in posts]
    total = len(posts)
    assert footers == [f"digest 1/2025-06-20T09:30 · part {i}/{total}" for i in range(1, total + 1)]
    slugs = [e["description"].rsplit("story:", 1)[1].rstrip("`") for p in posts for e in p.json["embeds"]]
    assert len(slugs) == len(set(slugs))  # each story once
    assert {"japan-us-talks", *(f"story-{i:05d}" for i in range(6))} <= set(slugs)
    assert_quiet(fake)


# -- commands ------------------------------------------------------------------------------------


async def test_digest_commands(bot: Bot, no_sleep: SleepRecorder) -> None:
    fake = bot.fake
    on = {"time": "08:30", "zone": "asia/tokyo", "topics": "japan, tariffs", "weekdays": True}

    refused = body(await fake.interact(group_slash(fake, "brief-admin", "digest", "on", on)))
    assert "only Briefbot admins" in refused["content"] and refused["flags"] & EPHEMERAL

    done = body(await fake.interact(group_slash(fake, "brief-admin", "digest", "on", on, **ADMIN)))
    assert done["flags"] & EPHEMERAL
    assert "#1 · 08:30 Asia/Tokyo, weekdays only" in done["content"] and "japan, tariffs" in done["content"]
    assert "Next run: Mon 23 Jun 2025 08:30 JST (Sun 22 Jun 23:30 UTC)" in done["content"]

    bad_time = body(
        await fake.interact(group_slash(fake, "brief-admin", "digest", "on", {"time": "25:00", "zone": "UTC"}, **ADMIN))
    )
    assert "is not a time" in bad_time["content"]
    bad_zone = body(
        await fake.interact(
            group_slash(fake, "brief-admin", "digest", "on", {"time": "08:00", "zone": "Asia/Tokio"}, **ADMIN)
        )
    )
    assert "is not a time zone" in bad_zone["content"] and "Asia/Tokyo" in bad_zone["content"]

    status = body(await fake.interact(group_slash(fake, "brief", "digest", "status")))  # open to all
    assert status["flags"] & EPHEMERAL
    field = status["embeds"][0]["fields"][0]
    assert field["name"] == "#1 · 08:30 Asia/Tokyo, weekdays only"
    assert "Next run: Mon 23 Jun 2025 08:30 JST (Sun 22 Jun 23:30 UTC) · <t:" in field["value"]
    assert "Topics: japan, tariffs" in field["value"] and "Last delivery: never" in field["value"]

    await bot.client.handlers.service.digests.on(
        platform="discord", channel_id=str(fake.channel_id), at="10:00", tz="UTC", actor=CONSOLE_ADMIN
    )
    preview = body(await fake.interact(group_slash(fake, "brief", "digest", "preview", {"id": 2})))
    assert preview["flags"] & EPHEMERAL
    assert preview["content"].startswith("Preview (only you see this): **Daily brief")
    assert "japan-us-talks" in str(preview["embeds"])

    off_refused = body(await fake.interact(group_slash(fake, "brief-admin", "digest", "off", {"id": 1})))
    assert "only Briefbot admins" in off_refused["content"]
    off = body(await fake.interact(group_slash(fake, "brief-admin", "digest", "off", {"id": 1}, **ADMIN)))
    assert off["content"] == "Stopped 1 digest in this channel: #1 · 08:30 Asia/Tokyo, weekdays only."
    remaining = await bot.client.handlers.service.digests.status(platform="discord", channel_id=str(fake.channel_id))
    assert [s.subscription.id for s in remaining] == [2]

    dm = body(await fake.interact(group_slash(fake, "brief", "digest", "status", dm=True)))
    assert "server channels" in dm["content"]
    assert_quiet(fake)


async def test_zone_autocomplete(bot: Bot) -> None:
    fake = bot.fake
    payload = group_slash(
        fake, "brief-admin", "digest", "on", {"time": "08:00", "zone": "tok"}, focused="zone", **ADMIN
    )
    cb = await fake.interact(payload)
    assert cb.json["type"] == 8
    choices = cb.json["data"]["choices"]
    assert {"name": "Asia/Tokyo", "value": "Asia/Tokyo"} in choices and len(choices) <= 25
    wide = await fake.interact(
        group_slash(fake, "brief-admin", "digest", "on", {"time": "08:00", "zone": "a"}, focused="zone", **ADMIN)
    )
    assert len(wide.json["data"]["choices"]) == 25


async def test_help_lists_digest_commands(bot: Bot) -> None:
    fake = bot.fake
    helped = body(await fake.interact(fake.slash("brief", "help")))
    text = str(helped["embeds"][0]["fields"])
    assert "/brief digest status" in text and "/brief digest preview [id:]" in text
    assert "/brief-admin digest on time: zone: [weekdays:] [always:] [topics:]" in text
    assert "/brief-admin digest off [id:]" in text
