"""Plain-text story lists and search results for the console: slugs are never cut, whatever the width."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from briefings.models import SearchHit, StorySummary


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def _articles(n: int) -> str:
    return f"{n} article" if n == 1 else f"{n} articles"


def render_story_page(stories: Sequence[StorySummary], *, offset: int, total: int, page_size: int) -> str:
    """Render one page of stories: the slug (what the user types next) in full, then the title on its own line."""
    if not stories:
        if total:
            return f"No stories on this page: there are {total} in all."
        return "No stories yet. Add one with `briefbot add FILE|URL`, or run `briefbot demo`."
    width = max(len(s.slug) for s in stories)
    lines: list[str] = []
    for s in stories:
        aliases = f"  aka {', '.join(s.aliases)}" if s.aliases else ""
        lines.append(f"{s.slug.ljust(width)}  {_articles(s.article_count):>12}  updated {_when(s.updated_at)}{aliases}")
        lines.append(f"  {s.title}")
    first, last = offset + 1, offset + len(stories)
    footer = f"Stories {first}–{last} of {total}."
    if last < total:
        footer += f" Next: briefbot stories --page {offset // page_size + 2}" + (
            f" --limit {page_size}" if page_size != DEFAULT_PAGE else ""
        )
    return "\n".join([*lines, "", footer])


def render_hits(hits: Sequence[SearchHit], words: str) -> str:
    """Render search hits, best first: the full slug, the title, and the matching snippet."""
    if not hits:
        return f"Nothing matches '{words}'. Try other words, or `briefbot stories`."
    width = max(len(h.slug) for h in hits)
    lines: list[str] = []
    for h in hits:
        lines.append(f"{h.slug.ljust(width)}  {h.title}")
        if h.snippet:
            lines.append(f"  {h.snippet}")
    return "\n".join(lines)


DEFAULT_PAGE = 20
