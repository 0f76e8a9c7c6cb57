"""Pure renderers from engine models to Rich renderables (never markup strings: article text stays inert).

Commands named in messages are the CLI's own (``briefbot …``, from :mod:`adapters.console.words`); digest
wording comes from :mod:`briefings.digest_text`.
"""

from __future__ import annotations

import logging
from datetime import datetime

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from adapters.console import words
from briefings.commands import UsageError
from briefings.digest_text import digest_text, plural, status_text, turned_on
from briefings.errors import BriefingError, NotFound
from briefings.models import (
    AddResult,
    Brief,
    Digest,
    DigestStatus,
    Fact,
    KeyFacts,
    RemoveResult,
)

log = logging.getLogger(__name__)

_FACT_ROWS: tuple[tuple[str, str], ...] = (
    ("people", "Who"),
    ("organizations", "Organisations"),
    ("places", "Where"),
    ("dates", "When"),
    ("figures", "Figures"),
)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "unknown"


def _fact_line(fact: Fact) -> Text:
    line = Text(fact.text, style="bold")
    if fact.detail:
        line.append(" — ")
        line.append(fact.detail)
    if fact.kind == "date" and fact.value and fact.value != fact.text:
        line.append(f" ({fact.value})", style="dim")
    return line


def render_facts(facts: KeyFacts) -> RenderableType:
    """Render the key-fact card as a two-column table."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="cyan", no_wrap=True)
    table.add_column()
    if facts.what:
        table.add_row("What", Text(facts.what))
    for field, label in _FACT_ROWS:
        items: list[Fact] = getattr(facts, field)
        if items:
            table.add_row(label, Text("\n").join(_fact_line(f) for f in items))
    if facts.is_empty() and not facts.what:
        table.add_row("", Text("No key facts found.", style="dim"))
    return table


def render_brief(brief: Brief) -> RenderableType:
    """Render a story's brief as a bordered card: TL;DR, summary, key facts, sources."""
    parts: list[RenderableType] = [Text("TL;DR  ", style="bold magenta") + Text(brief.tldr), Text("")]
    if brief.summary:
        parts.append(Text("Summary", style="bold underline"))
        parts.extend(Text("• ") + Text(sentence) for sentence in brief.summary)
        parts.append(Text(""))
    parts.append(Text("Key facts", style="bold underline"))
    parts.append(render_facts(brief.facts))
    parts.append(Text(""))
    parts.append(Text(f"Sources ({len(brief.sources)})", style="bold underline"))
    for src in brief.sources:
        line = Text("• ") + Text(src.title)
        meta = [m for m in (src.outlet, src.published.date().isoformat() if src.published else None) if m]
        if meta:
            line.append(f" — {', '.join(meta)}", style="dim")
        if src.url:
            line.append(f"\n  {src.url}", style="blue")
        line.append(f"  [article {src.article_id}]", style="dim")
        parts.append(line)
    footer = f"story {brief.story.slug}"
    if brief.aliases:
        footer += f" (aliases: {', '.join(brief.aliases)})"
    footer += f" · updated {_when(brief.updated_at)}"
    return Panel(Group(*parts), title=Text(brief.headline, style="bold"), subtitle=Text(footer), expand=True)


def render_add_result(result: AddResult) -> str:
    """Describe what an add did, in one line."""
    if result.duplicate:
        return (
            f"Already stored: article {result.article_id} in story {result.story.slug} "
            "(same link or same text); nothing added."
        )
    verb = "new story" if result.created_story else "story"
    return f"Added article {result.article_id} to {verb} {result.story.slug}: {result.title}"


def render_remove_result(result: RemoveResult) -> str:
    """Describe what a removal did, in one line."""
    if result.kind == "story":
        return f"Removed story {result.story.slug} and its {plural(result.articles_removed, 'article')}."
    tail = " The story had no other article, so it was removed too." if result.story_removed else ""
    return f"Removed article {result.article_id} from story {result.story.slug}.{tail}"


def render_digest_status(status: DigestStatus) -> str:
    """Describe one digest in a few lines: where and when, then its status lines."""
    text = status_text(status)
    lines = [f"#{text.id} {text.platform}:{text.channel_id} daily at {text.schedule}"]
    lines += [f"  {line.label.lower()}: {line.text}" if line.label else f"  {line.text}" for line in text.lines]
    return "\n".join(lines)


def render_digest_on(status: DigestStatus) -> str:
    """Confirm a new digest: what it is, then its status."""
    return f"{turned_on(status).text}\n{render_digest_status(status)}"


def render_digest_text(digest: Digest) -> str:
    """Render a digest as plain text."""
    text = digest_text(digest)
    lines = [text.headline, ""]
    if text.empty:
        lines.append(text.empty)
    for item in text.items:
        lines.append(f"• {item.title} [{item.label}]")
        if item.tldr:
            lines.append(f"  {item.tldr}")
        for src in item.sources:
            lines.append(f"  - {src.title}" + (f" ({src.outlet})" if src.outlet else ""))
        lines.extend(f"  * {change}" for change in item.changes)
        lines.append(f"  {words.show(item.slug)}")
    if text.more:
        lines.append(f"{text.more.text} {words.try_line(text.more.hints)}")
    return "\n".join(lines)


def render_error(error: BriefingError) -> str:
    """Render a domain error as plain text: the message with its suggestions, then what to try (the CLI's words)."""
    first = error.message
    if isinstance(error, NotFound) and error.suggestions:
        first += f" Did you mean: {', '.join(error.suggestions)}?"
    then: list[str] = []
    if isinstance(error, UsageError) and error.actions:
        then.append("Usage: " + "; ".join(dict.fromkeys(words.usage(a) for a in error.actions)))
    hint = words.try_line(error.hints)
    if hint:
        then.append(hint)
    return "\n".join([first, " ".join(then)] if then else [first])
