"""Ingest cost: `import` throughput with many articles stored, and adding the 5th vs the 500th article to a story.

    python -m bench.ingest [--stored 20000] [--rows 200] [--data ../shared/eval]

Prints a table. Throughput is articles per CPU-second of this process (the machine is shared), through the
same path as `briefbot import` (``briefings.imports.import_lines``) on a database pre-filled with ``--stored``
articles (CNN/DM dev texts, cycled, one story each with its clustering profile, inserted straight through the
store). The story-size rows
time ``add_article`` into one story that already holds 4 or 499 articles (median of several adds each).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from briefings.clock import ManualClock
from briefings.clustering import StoryProfile, index_terms, signature
from briefings.facts import extract_facts
from briefings.imports import import_lines
from briefings.models import Article, ArticleInput, Brief, StoryRef
from briefings.service import BriefingService, open_service
from briefings.testing import ADMIN, seed_text
from briefings.textutil import content_hash

REPO = Path(__file__).resolve().parents[1]
START = datetime(2025, 1, 1, tzinfo=UTC)


def _texts(data: Path) -> list[dict]:
    path = data / "cnndm-dev.jsonl"
    if not path.is_file():
        return [{"id": "seed", "text": seed_text()}]
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


async def _prefill(service: BriefingService, rows: list[dict], n: int) -> None:
    """Store ``n`` articles fast: facts once per distinct text, one story each, a day's worth of minutes apart."""
    facts = [extract_facts(r["text"]) for r in rows]
    store = service.store
    blank = Brief(
        story=StoryRef(slug="x", title="x"),
        headline="x",
        tldr="",
        summary=[],
        facts=facts[0],
        sources=[],
        updated_at=START,
        article_count=1,
    )
    for first in range(0, n, 2000):
        async with store.transaction():
            for i in range(first, min(n, first + 2000)):
                row, at = rows[i % len(rows)], START + timedelta(minutes=i)
                text = f"{row['text']}\n\nArchive copy {i}."
                title = f"{text.split(chr(10), 1)[0][:80]} ({i})"
                story_id = await store.insert_story(f"stored-{i:06d}", title, at)
                article = Article(id=0, story_id=story_id, title=title, text=text, added_at=at, published=at)
                await store.insert_article(story_id, article, None, content_hash(text), facts[i % len(rows)])
                sig = signature(title, text, facts[i % len(rows)], at)  # as this version stores every story
                profile = StoryProfile().add(sig)
                await store.save_profile(story_id, profile.model_dump_json(), index_terms(profile), at)
                brief = blank.model_copy(update={"story": StoryRef(slug=f"stored-{i:06d}", title=title)})
                await store.save_brief(story_id, brief, at)


def _import_rows(rows: list[dict], n: int, at: datetime) -> Iterator[str]:
    for i in range(n):
        row = rows[(i * 7) % len(rows)]
        yield json.dumps({"id": i, "text": f"{row['text']}\n\nFresh copy {i}.", "published": at.isoformat()})


async def _throughput(data: Path, stored: int, rows_n: int) -> tuple[float, int, int]:
    rows = _texts(data)
    with tempfile.TemporaryDirectory(prefix="briefbot-ingest-") as tmp:
        clock = ManualClock(START + timedelta(days=30))
        async with open_service(Path(tmp) / "b.db", clock=clock) as service:
            await _prefill(service, rows, stored)
            cpu = time.process_time()
            failed = 0
            async for result in import_lines(service, _import_rows(rows, rows_n, clock.now()), ADMIN):
                failed += "error" in result
            spent = time.process_time() - cpu
            return rows_n / spent, failed, await service.story_count()


async def _story_size_cost(data: Path, sizes: tuple[int, ...], repeats: int) -> dict[int, float]:
    rows = _texts(data)
    out: dict[int, float] = {}
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="briefbot-size-") as tmp:
            clock = ManualClock(START)
            async with open_service(Path(tmp) / "b.db", clock=clock) as service:
                story = "one-big-story"
                first = rows[0]["text"]
                await service.add_text(first, actor=ADMIN, story=story)
                row = await service.store.story_by_ref(story)
                assert row is not None
                stored = await service.store.articles_of(row.id)
                async with service.store.transaction():  # fill to size-1 articles straight through the store
                    for i in range(1, size - 1):
                        text = f"{rows[i % len(rows)]['text']}\n\nPart {i}."
                        at = START + timedelta(minutes=i)
                        article = Article(id=0, story_id=row.id, title=f"Part {i}", text=text, added_at=at)
                        await service.store.insert_article(row.id, article, None, content_hash(text), stored[0].facts)
                timings = []
                for r in range(repeats):
                    clock.advance(timedelta(minutes=1))
                    text = f"{rows[(size + r) % len(rows)]['text']}\n\nNewest {r}."
                    started = time.perf_counter()
                    await service.add_article(ArticleInput(title=f"Newest {r}", text=text), actor=ADMIN, story=story)
                    timings.append(time.perf_counter() - started)
                    await service.remove(str((await service.brief(story)).sources[0].article_id), actor=ADMIN)
                out[size] = statistics.median(timings)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run both measurements and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__)
    parser.add_argument("--stored", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "eval")
    args = parser.parse_args(argv)
    rate, failed, stories = asyncio.run(_throughput(args.data, args.stored, args.rows))
    print(f"{'measure':<52} {'value':>12}")
    print(f"{'import with ' + format(args.stored, ',') + ' articles stored (articles/CPU-s)':<52} {rate:>12.1f}")
    print(f"{'  rows that failed':<52} {failed:>12}")
    print(f"{'  stories after import':<52} {stories:>12}")
    cost = asyncio.run(_story_size_cost(args.data, (5, 500), args.repeats))
    print(f"{'add the 5th article to a story (ms, median)':<52} {cost[5] * 1000:>12.1f}")
    print(f"{'add the 500th article to a story (ms, median)':<52} {cost[500] * 1000:>12.1f}")
    print(f"{'  ratio 500th / 5th (target <= 2)':<52} {cost[500] / cost[5]:>12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
