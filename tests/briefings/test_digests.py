"""Digest schedule maths: parsing, DST gaps and repeats, weekdays, due slots, composition order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from briefings.commands import DIGEST_ACTIONS, UsageError, parse_digest
from briefings.digests import compose_digest, due_instant, due_slots, next_run, parse_local_time, parse_zone
from briefings.errors import InvalidInput
from briefings.models import DigestSubscription, Source, StorySummary


def sub(at: str = "08:30", tz: str = "Asia/Tokyo", **kw) -> DigestSubscription:
    """A subscription created long ago."""
    return DigestSubscription(
        id=1,
        platform="slack",
        channel_id="C1",
        at=at,
        tz=tz,
        created_by="t",
        created_at=datetime(2020, 1, 1, tzinfo=UTC),
        **kw,
    )


@pytest.mark.parametrize(
    "text,want",
    [
        ("08:30", "08:30"),
        ("8:05", "08:05"),
        ("18:00", "18:00"),
        ("7am", "07:00"),
        ("6:15pm", "18:15"),
        ("12am", "00:00"),
        ("12pm", "12:00"),
    ],
)
def test_parse_local_time(text: str, want: str) -> None:
    assert parse_local_time(text) == want


@pytest.mark.parametrize("text", ["24:00", "8", "08:60", "noon", "13pm", "", "08:30:00"])
def test_bad_times(text: str) -> None:
    with pytest.raises(InvalidInput, match="not a time"):
        parse_local_time(text)


def test_zones() -> None:
    assert parse_zone("asia/tokyo") == "Asia/Tokyo"
    with pytest.raises(InvalidInput, match="Did you mean: Asia/Tokyo"):
        parse_zone("Asia/Tokio")
    for bad in ("Mars/Olympus", "../../etc/passwd", "", "/etc/localtime"):
        with pytest.raises(InvalidInput, match="not a time zone"):
            parse_zone(bad)


def test_plain_day() -> None:
    assert due_instant(date(2025, 6, 20), "08:30", "Asia/Tokyo") == datetime(2025, 6, 19, 23, 30, tzinfo=UTC)


def test_spring_forward_gap_runs_once_at_first_valid_instant() -> None:
    # New York 2025-03-09: 02:00 -> 03:00. A 02:30 digest runs at 03:00 EDT = 07:00 UTC.
    assert due_instant(date(2025, 3, 9), "02:30", "America/New_York") == datetime(2025, 3, 9, 7, 0, tzinfo=UTC)
    # Berlin 2025-03-30: 02:00 -> 03:00.
    assert due_instant(date(2025, 3, 30), "02:30", "Europe/Berlin") == datetime(2025, 3, 30, 1, 0, tzinfo=UTC)


def test_fall_back_repeat_runs_once_at_first_occurrence() -> None:
    # New York 2025-11-02: 01:30 happens twice (EDT then EST); the first is 05:30 UTC.
    s = sub("01:30", "America/New_York")
    assert due_instant(date(2025, 11, 2), "01:30", "America/New_York") == datetime(2025, 11, 2, 5, 30, tzinfo=UTC)
    slots = due_slots(s, datetime(2025, 11, 2, 7, 0, tzinfo=UTC), timedelta(hours=3))
    assert [d for d, _ in slots] == [date(2025, 11, 2)]
    # Berlin 2025-10-26: 02:30 twice; first is 00:30 UTC.
    assert due_instant(date(2025, 10, 26), "02:30", "Europe/Berlin") == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)


def test_gap_day_has_exactly_one_slot() -> None:
    s = sub("02:30", "America/New_York")
    slots = due_slots(s, datetime(2025, 3, 9, 12, 0, tzinfo=UTC), timedelta(hours=6))
    assert slots == [(date(2025, 3, 9), datetime(2025, 3, 9, 7, 0, tzinfo=UTC))]


def test_weekdays_only_and_next_run() -> None:
    s = sub("08:00", "Europe/London", weekdays_only=True)
    friday_evening = datetime(2025, 6, 20, 18, 0, tzinfo=UTC)
    assert next_run(s, friday_evening) == datetime(2025, 6, 23, 7, 0, tzinfo=UTC)  # Monday 08:00 BST
    assert due_slots(s, datetime(2025, 6, 21, 12, 0, tzinfo=UTC), timedelta(hours=6)) == []


def test_slots_before_creation_are_not_due() -> None:
    s = sub().model_copy(update={"created_at": datetime(2025, 6, 20, 0, 0, tzinfo=UTC)})
    assert due_slots(s, datetime(2025, 6, 20, 1, 0, tzinfo=UTC), timedelta(hours=6)) == []


def test_compose_orders_new_stories_first_then_most_sources() -> None:
    since = datetime(2025, 6, 19, tzinfo=UTC)
    now = datetime(2025, 6, 20, tzinfo=UTC)

    def story(slug: str, created: datetime) -> StorySummary:
        return StorySummary(slug=slug, title=slug, tldr="t", article_count=3, created_at=created, updated_at=now)

    def sources(n: int) -> list[Source]:
        return [Source(article_id=i, title=f"a{i}") for i in range(n)]

    changes = [
        (story("old-few", since - timedelta(days=3)), sources(1)),
        (story("old-many", since - timedelta(days=3)), sources(3)),
        (story("brand-new", since + timedelta(hours=1)), sources(1)),
    ]
    digest = compose_digest(sub(), changes, since=since, now=now, local_day=date(2025, 6, 20))
    assert [i.slug for i in digest.items] == ["brand-new", "old-many", "old-few"]
    assert digest.heading == "Daily brief · Friday 20 June 2025"
    many = [(story(f"s{i:02d}", since - timedelta(days=1)), sources(1)) for i in range(14)]
    digest = compose_digest(sub(), many, since=since, now=now, local_day=date(2025, 6, 20))
    assert len(digest.items) == 10 and digest.more == 4
    allowed = compose_digest(sub(), many, since=since, now=now, local_day=date(2025, 6, 20), allowed={"s03"})
    assert [i.slug for i in allowed.items] == ["s03"]


@pytest.mark.parametrize(
    "words,want",
    [
        (["on", "08:30", "Asia/Tokyo"], ("on", "08:30", "Asia/Tokyo", [], False, False)),
        (
            ["on", "8:30", "Asia/Tokyo", "weekdays", "always", "japan", "nato"],
            ("on", "8:30", "Asia/Tokyo", ["japan", "nato"], True, True),
        ),
        (
            ["on", "08:30", "UTC", "defence", "spending,", "japan"],
            ("on", "08:30", "UTC", ["defence spending", "japan"], False, False),
        ),
    ],
)
def test_parse_digest_on(words, want) -> None:
    r = parse_digest(words)
    assert (r.action, r.at, r.tz, r.topics, r.weekdays_only, r.post_when_empty) == want


def test_parse_digest_other_actions() -> None:
    assert parse_digest([]).action == "status"
    assert parse_digest(["off", "#3"]).digest_id == 3
    assert parse_digest(["preview"]).action == "preview"
    for bad in (["on", "08:30"], ["off", "x"], ["explode"]):
        with pytest.raises(UsageError) as caught:
            parse_digest(bad)
        assert caught.value.actions == DIGEST_ACTIONS  # each face shows its own digest usages
        assert "/brief" not in caught.value.message
