"""Digest wording in the core: one set of words and decisions for every face, with no face's syntax."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from briefings.digest_text import (
    EMPTY_SENTENCE,
    NO_DIGEST,
    SKIPPED_SHOWN,
    digest_text,
    disabled_notice,
    item_text,
    plural,
    status_text,
    turned_off,
    turned_on,
)
from briefings.models import Digest, DigestItem, DigestStatus, DigestSubscription, Source

NOW = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
FACES = ("/brief", "briefbot", "story:")


def _sub(**kw: object) -> DigestSubscription:
    fields: dict[str, object] = dict(
        id=3, platform="slack", channel_id="C1", at="08:30", tz="Asia/Tokyo", created_by="t", created_at=NOW
    )
    fields.update(kw)
    return DigestSubscription.model_validate(fields)


def _item(*, new: bool = False, sources: int = 0, articles: int = 1) -> DigestItem:
    return DigestItem(
        slug="japan-us-talks",
        title="Japan cancels talks",
        tldr="  Japan   called off\n the talks. ",
        is_new_story=new,
        new_sources=[
            Source(article_id=k, title=f"Report {k}" if k else "", outlet="Wire" if k else None,
                   url=f"https://example.com/{k}")
            for k in range(sources)
        ],
        article_count=articles,
        updated_at=NOW,
    )


def _neutral(text: str) -> None:
    for face in FACES:
        assert face not in text, (face, text)


@pytest.mark.parametrize(
    "count,noun,nouns,want",
    [(1, "article", None, "1 article"), (2, "article", None, "2 articles"), (0, "article", None, "0 articles"),
     (1, "story", "stories", "1 story"), (3, "story", "stories", "3 stories")],
)
def test_plural(count: int, noun: str, nouns: str | None, want: str) -> None:
    assert plural(count, noun, nouns) == want


def test_item_says_what_is_new_in_good_grammar() -> None:
    one = item_text(_item(new=True, sources=1, articles=1))
    assert one.label == "New story · 1 article" and one.sources == () and one.url == "https://example.com/0"
    assert item_text(_item(new=True, articles=4)).label == "New story · 4 articles"
    assert item_text(_item(new=True, sources=3, articles=3)).label == "New story · 3 articles from Wire"  # outlets
    updated = item_text(_item(sources=2))
    assert updated.label == "+2 sources" and [s.title for s in updated.sources] == ["https://example.com/0", "Report 1"]
    assert item_text(_item(sources=1)).label == "+1 source"
    assert item_text(_item()).label == "Updated"
    assert one.tldr == "Japan called off the talks."  # one line


def test_digest_text_empty_and_more() -> None:
    base = Digest(subscription_id=3, local_date=date(2025, 6, 20), zone="UTC", heading="Daily brief · Friday",
                  items=[], since=NOW - timedelta(days=1), composed_at=NOW)
    empty = digest_text(base)
    assert empty.empty == EMPTY_SENTENCE and empty.items == () and empty.more is None
    full = digest_text(base.model_copy(update={"items": [_item(new=True)], "more": 1}))
    assert full.empty is None and full.headline == "Daily brief · Friday"
    assert full.more is not None and full.more.text == "…and 1 more story changed." and full.more.hints == ("list",)
    assert digest_text(base.model_copy(update={"items": [_item()], "more": 5})).more.text == (  # type: ignore[union-attr]
        "…and 5 more stories changed."
    )


def _status(sub: DigestSubscription, **kw: object) -> DigestStatus:
    upcoming = datetime(2025, 6, 20, 23, 30, tzinfo=UTC)
    fields: dict[str, object] = dict(
        subscription=sub, next_run_utc=upcoming, next_run_local=upcoming.astimezone(ZoneInfo(sub.tz))
    )
    fields.update(kw)
    return DigestStatus.model_validate(fields)


def test_status_lines() -> None:
    sub = _sub(weekdays_only=True, topics=["japan", "tariffs"], post_when_empty=True)
    fresh = status_text(_status(sub))
    assert fresh.title == "#3 · 08:30 Asia/Tokyo, weekdays only"
    assert [line.kind for line in fresh.lines] == ["topics", "next_run", "last_delivery", "when_empty"]
    next_run = fresh.line("next_run")
    assert next_run is not None and next_run.plain() == "Next run: Sat 21 Jun 2025 08:30 JST (Fri 20 Jun 23:30 UTC)"
    assert next_run.at == datetime(2025, 6, 20, 23, 30, tzinfo=UTC)
    assert fresh.line("last_delivery").plain() == "Last delivery: never"  # type: ignore[union-attr]

    skipped = [f"2025-06-{d:02d}T08:30: missed" for d in range(10, 15)]
    busy = status_text(
        _status(sub, last_delivery_at=NOW, last_delivery_slot="2025-06-20T08:30", last_failure="Slack error 503",
                last_failure_at=NOW, skipped=skipped)
    )
    assert busy.line("last_delivery").text == "20 Jun 2025 09:00 UTC (slot 2025-06-20T08:30)"  # type: ignore[union-attr]
    failure = busy.line("last_failure")
    assert failure is not None and failure.problem and failure.text == "Slack error 503 (20 Jun 2025 09:00 UTC)"
    shown = busy.line("skipped")
    assert shown is not None and shown.text.count("missed") == SKIPPED_SHOWN and shown.text.endswith("…and 2 more")


def test_stopped_digest_says_why_once() -> None:
    reason = "stopped after 3 failed attempts: channel not found"
    sub = _sub(enabled=False, disabled_reason=reason)
    text = status_text(_status(sub, next_run_utc=None, next_run_local=None, last_failure="channel not found"))
    assert [line.kind for line in text.lines] == ["stopped", "last_delivery"]
    assert text.line("stopped").text == reason and text.line("stopped").problem  # type: ignore[union-attr]


def test_notices_are_neutral_with_hints() -> None:
    sub = _sub(topics=["japan"])
    on = turned_on(_status(sub))
    assert on.text.startswith("Daily digest #3 · 08:30 Asia/Tokyo is on for this channel. Topics: japan.")
    assert "Next run: Sat 21 Jun 2025 08:30 JST" in on.text and on.hints == ("digest_status",)
    off = turned_off([sub, _sub(id=4, at="18:00")])
    assert off.text == "Stopped 2 digests in this channel: #3 · 08:30 Asia/Tokyo; #4 · 18:00 Asia/Tokyo."
    assert turned_off([sub]).text.startswith("Stopped 1 digest in")
    stop = disabled_notice("the channel was not found")
    assert stop.hints == ("digest_on",) and "(the channel was not found)" in stop.text
    assert NO_DIGEST.hints == ("digest_on",)
    for notice in (on, off, stop, NO_DIGEST):
        _neutral(notice.text)
