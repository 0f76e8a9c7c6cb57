"""Bulk import: JSON Lines rows in, one result per row out; a bad row never stops the rest."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from briefings.errors import BriefingError, InvalidInput, NotFound
from briefings.ingest import article_from_text, parse_published
from briefings.models import Actor
from briefings.service import BriefingService

log = logging.getLogger(__name__)

MAX_LINE = 2_000_000  # characters in one JSON line (the article text limit is checked later, with its own words)


class ImportRow(BaseModel):
    """One row of `import`: an article, with an optional id to echo back and an optional story to put it in."""

    model_config = ConfigDict(extra="ignore")

    id: Any = None
    title: str | None = None
    text: str
    url: str | None = None
    published: str | None = None
    outlet: str | None = None
    story: str | None = None


def _row_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(p) for p in error.get("loc", ())) or "row"
    if error.get("type") == "missing":
        return f'the row has no "{field}"'
    return f'"{field}": {error.get("msg", "invalid")}'


async def import_line(service: BriefingService, line: str, number: int, actor: Actor) -> dict[str, Any]:
    """Import one JSON line; return its result object (``error`` instead of a story when it failed)."""
    row_id: Any = number
    try:
        if len(line) > MAX_LINE:
            raise InvalidInput(f"the line is longer than {MAX_LINE:,} characters")
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"not JSON ({exc.msg})") from exc
        if not isinstance(raw, dict):
            raise InvalidInput("each line must be a JSON object")
        row_id = raw.get("id", number)
        try:
            row = ImportRow.model_validate(raw)
        except ValidationError as exc:
            raise InvalidInput(_row_error(exc)) from exc
        now = service.clock.now()
        published = parse_published(row.published, now=now) if row.published else None
        article = await asyncio.to_thread(
            article_from_text,
            row.text,
            title=row.title or None,
            url=row.url or None,
            published=published,
            outlet=row.outlet or None,
            now=now,
        )
        if row.story is not None:
            if not row.story.strip():
                raise InvalidInput('"story" is empty')
            await service.brief(row.story)  # an import adds to stories that exist; NotFound otherwise
        result = await service.add_article(article, actor=actor, story=row.story)
    except NotFound as exc:
        close = f" Closest: {', '.join(exc.suggestions)}." if exc.suggestions else ""
        return {"id": row_id, "error": exc.message + close}
    except BriefingError as exc:
        return {"id": row_id, "error": exc.message}
    return {
        "id": row_id,
        "story": result.story.slug,
        "article_id": result.article_id,
        "created_story": result.created_story,
        "duplicate": result.duplicate,
    }


async def import_lines(service: BriefingService, lines: Iterable[str], actor: Actor) -> AsyncIterator[dict[str, Any]]:
    """Import JSON Lines in order, yielding one result per non-blank line; each row is its own transaction."""
    for number, line in enumerate(lines, 1):
        if line.strip():
            yield await import_line(service, line, number, actor)
