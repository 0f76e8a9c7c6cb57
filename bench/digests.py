"""Digest benchmark: compose and deliver N due digests to the fake Slack API on loopback, and the memory held.

Run: python -m bench.digests [--digests 1000] [--stories 200]
Prints a table: the scheduler tick (claim, compose, render, post, record) next to a baseline that only
posts the same number of messages with the same client, in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from adapters.slack.digest import make_digest_sender  # noqa: E402
from adapters.testing.slack_api import FakeSlackAPI  # noqa: E402
from briefings.clock import ManualClock  # noqa: E402
from briefings.scheduler import DigestScheduler  # noqa: E402
from briefings.service import open_service  # noqa: E402
from briefings.testing import ADMIN, bulk_stories  # noqa: E402

DUE = datetime(2025, 6, 21, 8, 30, tzinfo=UTC)


async def main(n_digests: int, n_stories: int) -> None:
    """Set up the store and the fake, run the baseline and the tick, print the table."""
    clock = ManualClock(datetime(2025, 6, 20, 9, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeSlackAPI() as api, open_service(Path(tmp) / "bench.db", clock=clock) as service:
            for i in range(n_digests):
                await service.digests.on(platform="slack", channel_id=f"C{i:05d}", at="08:30", tz="UTC", actor=ADMIN)
            clock.set(datetime(2025, 6, 21, 7, 0, tzinfo=UTC))
            await bulk_stories(service, n_stories)
            sender = make_digest_sender("xoxb-bench", api.base_url)

            # baseline: the same number of posts through the same client, nothing else
            gc.collect()
            start = time.perf_counter()
            for i in range(n_digests):
                await sender.client.chat_postMessage(channel=f"B{i:05d}", text="ok")
            base = time.perf_counter() - start

            gc.collect()
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            scheduler = DigestScheduler(service.store, {"slack": sender}, clock=clock)
            start = time.perf_counter()
            report = await scheduler.tick(DUE)
            took = time.perf_counter() - start
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            posts = [
                c for c in api.calls if c.method == "chat.postMessage" and c.params.get("channel", "").startswith("C")
            ]
            per_channel = max(Counter(c.params["channel"] for c in posts).values(), default=0)

    print(f"{n_digests} digests due at once, {n_stories} changed stories (10 per digest), fake Slack API on 127.0.0.1")
    print(f"{'run':<42}{'seconds':>9}{'digests/s':>11}{'posts':>7}")
    print(f"{'baseline: chat.postMessage only':<42}{base:>9.2f}{n_digests / base:>11.0f}{n_digests:>7}")
    tick = "scheduler tick (claim+compose+post+record)"
    print(f"{tick:<42}{took:>9.2f}{len(report.sent) / took:>11.0f}{len(posts):>7}")
    print(f"ratio tick/baseline: {took / base:.2f}x; sent {len(report.sent)}, max posts per channel {per_channel}")
    print(f"memory: process max RSS {rss_before / 1024:.0f} MB before the tick, {rss_after / 1024:.0f} MB after")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digests", type=int, default=1000)
    parser.add_argument("--stories", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.digests, args.stories))
