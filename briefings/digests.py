"""Daily digests: parsing times and zones, due instants across DST, and composing a digest."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from briefings.changes import WhatsNew
from briefings.errors import InvalidInput
from briefings.models import Digest, DigestItem, DigestSubscription, Source, StorySummary
from briefings.slugs import close_matches

MAX_ITEMS = 10
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.I)


def parse_local_time(text: str) -> str:
    """Parse '08:30', '8:30', '18:00', '7am', '6:15pm' into 'HH:MM'; raise InvalidInput otherwise."""
    match = _TIME.match(text.strip())
    if not match:
        raise InvalidInput(f"'{text[:20]}' is not a time: use HH:MM in 24-hour form, e.g. 08:30 or 18:00.")
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise InvalidInput(f"'{text[:20]}' is not a time: with am/pm the hour is 1 to 12.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59 or (match.group(2) is None and not half):
        raise InvalidInput(f"'{text[:20]}' is not a time: use HH:MM in 24-hour form, e.g. 08:30 or 18:00.")
    return f"{hour:02d}:{minute:02d}"


def all_zones() -> list[str]:
    """Return every IANA zone name, sorted (for autocomplete)."""
    return sorted(z for z in available_timezones() if "/" in z or z == "UTC")


def parse_zone(text: str) -> str:
    """Check an IANA zone name (case-insensitive); raise InvalidInput with close matches otherwise."""
    name = text.strip()
    zones = all_zones()
    by_lower = {z.lower(): z for z in zones}
    if name.lower() in by_lower:
        name = by_lower[name.lower()]
    try:
        if not name or name.startswith(("/", ".")) or ".." in name:
            raise ZoneInfoNotFoundError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        close = close_matches(name.lower(), list(by_lower), 3)
        hint = f" Did you mean: {', '.join(by_lower[c] for c in close)}?" if close else ""
        raise InvalidInput(f"'{text[:40]}' is not a time zone: use an IANA name such as Asia/Tokyo.{hint}") from None
    return name


def due_instant(day: date, at: str, tz: str) -> datetime:
    """Return the UTC instant of local time ``at`` on ``day`` in ``tz``.

    In a spring-forward gap the first valid instant after it is used (02:30 -> 03:00);
    on a fall-back day the first of the two occurrences is used, so a slot falls once.
    """
    zone = ZoneInfo(tz)
    hour, minute = (int(p) for p in at.split(":"))
    naive = datetime.combine(day, time(hour, minute))
    for step in range(0, 24 * 60 + 1):
        candidate = naive + timedelta(minutes=step)
        local = candidate.replace(tzinfo=zone, fold=0)
        if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == candidate:
            return local.astimezone(UTC)
    raise ValueError(f"no valid local time near {naive} in {tz}")  # pragma: no cover - no such zone exists


def slot_key(day: date, at: str) -> str:
    """Return the delivery key of a local slot, e.g. '2025-06-20T08:30'."""
    return f"{day.isoformat()}T{at}"


def runs_on(sub: DigestSubscription, day: date) -> bool:
    """Tell whether the digest runs on a local calendar day."""
    return not (sub.weekdays_only and day.weekday() >= 5)


def due_slots(sub: DigestSubscription, now: datetime, lookback: timedelta) -> list[tuple[date, datetime]]:
    """Return the (local day, due instant) of slots due in [now - lookback, now], oldest first."""
    zone = ZoneInfo(sub.tz)
    first = (now - lookback - timedelta(days=1)).astimezone(zone).date()
    last = now.astimezone(zone).date()
    out: list[tuple[date, datetime]] = []
    day = first
    while day <= last:
        if runs_on(sub, day):
            due = due_instant(day, sub.at, sub.tz)
            if now - lookback <= due <= now and due >= sub.created_at:
                out.append((day, due))
        day += timedelta(days=1)
    return out


def next_run(sub: DigestSubscription, now: datetime) -> datetime:
    """Return the next due instant strictly after ``now`` (UTC)."""
    day = now.astimezone(ZoneInfo(sub.tz)).date()
    for offset in range(0, 9):
        candidate = day + timedelta(days=offset)
        if runs_on(sub, candidate):
            due = due_instant(candidate, sub.at, sub.tz)
            if due > now:
                return due
    raise ValueError("no run in the next week")  # pragma: no cover - weekdays always recur


def compose_digest(
    sub: DigestSubscription,
    changes: list[tuple[StorySummary, list[Source]]],
    *,
    since: datetime,
    now: datetime,
    local_day: date,
    allowed: set[str] | None = None,
) -> Digest:
    """Build a digest from the stories that changed since the last one: new stories first, then most new sources."""
    items = [
        DigestItem(
            slug=story.slug,
            title=story.title,
            tldr=story.tldr,
            is_new_story=story.created_at > since,
            new_sources=sources,
            article_count=story.article_count,
            updated_at=story.updated_at,
        )
        for story, sources in changes
        if allowed is None or story.slug in allowed
    ]
    items.sort(key=lambda i: (not i.is_new_story, -len(i.new_sources), -i.updated_at.timestamp(), i.slug))
    heading = f"Daily brief · {local_day:%A} {local_day.day} {local_day:%B %Y}"
    return Digest(
        subscription_id=sub.id,
        local_date=local_day,
        zone=sub.tz,
        heading=heading,
        items=items[:MAX_ITEMS],
        more=max(0, len(items) - MAX_ITEMS),
        since=since,
        composed_at=now,
    )


class ChangedItem(DigestItem):
    """A digest story with what its brief gained since the channel's previous digest."""

    whats_new: WhatsNew


def with_whats_new(digest: Digest, news: Mapping[str, WhatsNew]) -> Digest:
    """Return the digest with each story in ``news`` (by slug) carrying what its brief gained."""
    items: list[DigestItem] = [
        ChangedItem(**dict(item), whats_new=news[item.slug]) if item.slug in news else item for item in digest.items
    ]
    return digest.model_copy(update={"items": items})


def parse_age(text: str) -> timedelta:
    """Parse an age such as '24h', '90m', '7d' or '3600s' (a bare number is hours); InvalidInput otherwise."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", text.lower())
    if not match or float(match.group(1)) <= 0:
        raise InvalidInput(f"'{text.strip()[:40]}' is not an age; use for example 24h, 90m or 7d.")
    unit = {"s": 1, "m": 60, "h": 3600, "": 3600, "d": 86400, "w": 604800}[match.group(2)]
    seconds = float(match.group(1)) * unit
    if seconds > 3650 * 86400:
        raise InvalidInput("That age is longer than ten years.")
    return timedelta(seconds=seconds)
