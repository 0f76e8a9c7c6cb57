"""Metrics: one registry per Metrics object; counters move when a /brief is served through the real bolt app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from adapters.slack.runner import EVENTS_PATH
from adapters.testing.slack_api import FakeSlackAPI
from adapters.testing.slack_requests import SlackSender
from bot.health import Health
from bot.run_slack import slack_app
from bot.settings import Settings
from briefings.clock import ManualClock
from briefings.metrics import Metrics
from briefings.scheduler import DigestScheduler
from briefings.service import BriefingService, open_service
from briefings.testing import ADMIN, SEED_SLUG, seed_text

SECRET = "metrics-test-signing-secret"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Parse Prometheus text into {(sample name, sorted labels): value}."""
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(metrics: Metrics, name: str, **labels: str) -> float:
    found = metrics.registry.get_sample_value(name, labels)
    return found or 0.0


def test_each_metrics_object_has_its_own_registry() -> None:
    a, b = Metrics(), Metrics()
    a.command("slack", "show", "ok")
    a.digest("discord", "delivered")
    a.article_added("feed")
    assert value(a, "briefbot_commands_total", platform="slack", command="show", outcome="ok") == 1
    assert value(b, "briefbot_commands_total", platform="slack", command="show", outcome="ok") == 0
    assert b"briefbot_digests_total" not in b.render().split(b"# HELP briefbot_digests")[0]
    assert value(a, "briefbot_articles_added_total", source="feed") == 1


def test_connections_gauge_is_read_at_scrape_time_and_never_breaks_a_scrape() -> None:
    metrics = Metrics()
    pool = [(2, 4)]
    metrics.watch_connections(lambda: pool[0])
    assert value(metrics, "briefbot_db_connections_in_use") == 2
    assert value(metrics, "briefbot_db_connections_open") == 4
    pool[0] = (5, 5)
    assert value(metrics, "briefbot_db_connections_in_use") == 5

    def closing() -> tuple[int, int]:
        raise RuntimeError("the store is closing")

    metrics.watch_connections(closing)
    assert value(metrics, "briefbot_db_connections_in_use") == 0


async def test_feed_passes_are_counted_by_status_and_item() -> None:
    @dataclass
    class Result:
        status: str
        added: list[str]
        updated: int = 0
        skipped: int = 0

    @dataclass
    class Report:
        results: list[Result]

    metrics = Metrics()
    report = Report([Result("new", ["a", "b"], 1, 3), Result("failed", [])])
    metrics.feeds_polled(report.results)
    assert value(metrics, "briefbot_feed_polls_total", status="new") == 1
    assert value(metrics, "briefbot_feed_polls_total", status="failed") == 1
    assert value(metrics, "briefbot_feed_items_total", result="added") == 2
    assert value(metrics, "briefbot_feed_items_total", result="skipped") == 3


async def test_articles_added_counts_new_articles_not_duplicates(tmp_path: Path, clock: ManualClock) -> None:
    metrics = Metrics()
    async with open_service(tmp_path / "m.db", clock=clock, metrics=metrics) as service:
        await service.add_text(seed_text(), actor=ADMIN, story=SEED_SLUG)
        await service.add_text(seed_text(), actor=ADMIN, story=SEED_SLUG)  # the same text: a duplicate
    assert value(metrics, "briefbot_articles_added_total", source="console") == 1


class _Sender:
    """A digest sender that posts into a list."""

    def __init__(self) -> None:
        self.posted: list[Any] = []

    def render(self, digest: Any) -> list[Any]:
        return [digest]

    async def post(self, channel_id: str, message: Any, *, key: str, part: int) -> str:
        self.posted.append(message)
        return f"m{len(self.posted)}"

    async def find_posted(self, channel_id: str, key: str) -> dict[int, str]:
        return {}

    async def notify(self, channel_id: str, notice: Any) -> None:
        return None


async def test_scheduler_counts_delivered_and_superseded(seeded_service: BriefingService, clock: ManualClock) -> None:
    service = seeded_service
    await service.digests.on(platform="slack", channel_id="C1", at="08:00", tz="UTC", actor=ADMIN, post_when_empty=True)
    metrics = Metrics()
    sender = _Sender()
    window = timedelta(days=3)
    scheduler = DigestScheduler(service.store, {"slack": sender}, clock=clock, metrics=metrics, grace=window)
    day = datetime(2030, 1, 10, 8, 30, tzinfo=UTC)
    await scheduler.tick(day)
    assert value(metrics, "briefbot_digests_total", platform="slack", outcome="delivered") == 1
    superseded = value(metrics, "briefbot_digests_total", platform="slack", outcome="superseded")
    # two days of downtime within the catch-up window: yesterday's slot is superseded by today's, delivered
    await scheduler.tick(day + timedelta(days=2))
    assert value(metrics, "briefbot_digests_total", platform="slack", outcome="superseded") == superseded + 1
    assert value(metrics, "briefbot_digests_total", platform="slack", outcome="delivered") == 2
    assert len(sender.posted) == 2
    # a week away with the default window: the slots beyond it are missed
    scheduler = DigestScheduler(service.store, {"slack": sender}, clock=clock, metrics=metrics)
    await scheduler.tick(day + timedelta(days=9, hours=10))
    assert value(metrics, "briefbot_digests_total", platform="slack", outcome="missed") >= 1


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeSlackAPI]:
    async with FakeSlackAPI() as api:
        yield api


async def test_brief_through_the_bolt_app_moves_the_counters(
    seeded_service: BriefingService, fake_api: FakeSlackAPI
) -> None:
    metrics = Metrics()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-metrics-test"),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=fake_api.base_url,
    )
    app = slack_app(settings, seeded_service, metrics=metrics)
    web_app = app.web_app(path=EVENTS_PATH)
    Health(metrics, db_check=seeded_service.store.schema_version).add_routes(web_app)
    runner = web.AppRunner(web_app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with aiohttp.ClientSession() as session:
            sender = SlackSender(session, f"http://127.0.0.1:{port}{EVENTS_PATH}", SECRET)
            reply = await sender.command(SEED_SLUG, response_url=fake_api.response_url())
            assert reply.status == 200 and reply.json()["blocks"]  # the brief card, in the ack
            await sender.command("help", response_url=fake_api.response_url())
            refused = await sender.command("no-such-storyline-zz", response_url=fake_api.response_url())
            assert refused.status == 200  # a polite answer to Slack, but not a command served as asked
            unsigned = await sender.command(SEED_SLUG, response_url=fake_api.response_url(), secret="wrong")
            assert unsigned.status == 401
            async with session.get(f"http://127.0.0.1:{port}/metrics") as resp:
                assert resp.status == 200
                assert resp.headers["Content-Type"].startswith("text/plain")
                scraped = samples(await resp.text())
    finally:
        await runner.cleanup()
    key = (("command", "show"), ("outcome", "ok"), ("platform", "slack"))
    assert scraped[("briefbot_commands_total", key)] == 1
    assert scraped[("briefbot_commands_total", (("command", "help"), ("outcome", "ok"), ("platform", "slack")))] == 1
    assert scraped[("briefbot_brief_seconds_count", (("platform", "slack"),))] == 1
    assert scraped[("briefbot_brief_seconds_sum", (("platform", "slack"),))] > 0
    refused = (("command", "show"), ("outcome", "refused"), ("platform", "slack"))
    assert scraped[("briefbot_commands_total", refused)] == 1
    # the request Slack's signature check refused never reached a listener: not a command served
    assert sum(v for (name, _), v in scraped.items() if name == "briefbot_commands_total") == 3
