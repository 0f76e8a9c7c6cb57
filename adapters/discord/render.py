"""Pure rendering of engine models as Discord embeds, views and message text.

Every string from a story is untrusted article text: it is escaped (markdown and mentions) here,
and every embed goes through ``limits.fit_embed`` so Discord never rejects it.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from datetime import datetime

import discord

from adapters.discord import limits, words
from adapters.discord.buttons import BriefButton
from adapters.discord.words import HelpLine
from briefings.changes import NOT_UPDATED, WhatsNew, newest_updates, update_label, updated_times
from briefings.commands import UsageError
from briefings.digest_text import plural
from briefings.errors import BriefingError, NotFound
from briefings.models import (
    AddResult,
    Brief,
    Fact,
    MergeResult,
    MoveResult,
    RemoveResult,
    SearchHit,
    Source,
    StoryRef,
    StorySummary,
)

log = logging.getLogger(__name__)

COLOR = discord.Colour(0x2B6CB0)
CHANGE_LINE = 300  # characters of one line of what an update added
_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
# Anything escape_markdown or the mention guards would touch; plain text skips the regexes.
_SPECIAL = re.compile(r"[\\_~|*`>#\[@<-]")
_BRACKET = re.compile(r"(?<!\\)\[")
_TAG = re.compile(r"<(@[!&]?|#|/|a?:)")


@functools.lru_cache(maxsize=8192)
def _escape(text: str) -> str:
    if not _SPECIAL.search(text):
        return text
    out = discord.utils.escape_markdown(text)
    # escape_markdown escapes only the first of several masked links on a line: do every "[".
    out = _BRACKET.sub(r"\\[", out)
    out = _MENTION.sub("@\u200b\\1", out)
    return _TAG.sub("<\u200b\\1", out)


def escape(text: str | None) -> str:
    """Escape markdown and defuse mentions in untrusted text (AllowedMentions stays the real guard)."""
    return _escape(text) if text else ""


def _link_text(text: str) -> str:
    return escape(text.replace("[", "(").replace("]", ")"))


def _link(text: str, url: str | None) -> str:
    safe = limits.safe_url(url)
    if safe is None:
        return escape(text)
    target = safe.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return f"[{_link_text(text)}]({target})"


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d}" if moment else ""


def _main_url(brief: Brief) -> str | None:
    for source in brief.sources:
        if limits.safe_url(source.url):
            return source.url
    return None


def _fact_line(fact: Fact) -> str:
    head = f"**{escape(fact.text)}**"
    return f"{head} — {escape(fact.detail)}" if fact.detail else head


def _source_line(source: Source) -> str:
    meta = ", ".join(p for p in (escape(source.outlet), _when(source.published)) if p)
    line = _link(source.title or source.url or f"article {source.article_id}", source.url)
    return f"{line} · {meta}" if meta else line


def _footer(brief: Brief) -> str:
    articles = plural(brief.article_count, "article")
    when = f"{brief.updated_at:%Y-%m-%d %H:%M} UTC"
    times = updated_times(brief)
    updated = f"{times}, last: {when}" if times else f"Updated {when}"
    return f"{updated} · {brief.story.slug} · {articles}"


def _base(brief: Brief, title: str | None = None) -> discord.Embed:
    embed = discord.Embed(
        title=limits.clip(escape(title or brief.story.title), limits.TITLE),
        url=limits.safe_url(_main_url(brief)),
        colour=COLOR,
        timestamp=brief.updated_at,
    )
    embed.set_footer(text=_footer(brief))
    return embed


_FACT_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("people", "People", False),
    ("dates", "Dates", False),
    ("figures", "Figures", False),
    ("places", "Places", True),
    ("organizations", "Organisations", True),
)


def _fact_fields(embed: discord.Embed, brief: Brief) -> None:
    for attr, name, inline in _FACT_FIELDS:
        facts: list[Fact] = getattr(brief.facts, attr)
        if not facts:
            continue
        if inline:
            # Places and organisations are short names: one comma-separated line reads better.
            items = [escape(f.text) + (f" ({escape(f.detail)})" if f.detail else "") for f in facts]
            value = limits.clip_lines(items, limits.FIELD_VALUE, sep=", ")
        else:
            value = limits.clip_lines([_fact_line(f) for f in facts], limits.FIELD_VALUE)
        embed.add_field(name=name, value=value, inline=inline)


def render_brief(brief: Brief) -> discord.Embed:
    """Render a story's brief: linked title, TL;DR, summary bullets, key facts, sources, footer."""
    embed = _base(brief)
    parts = [f"**TL;DR** {escape(brief.tldr)}"] if brief.tldr else []
    if brief.summary:
        parts.append("\n".join(f"• {escape(s)}" for s in brief.summary))
    embed.description = limits.clip("\n\n".join(parts), limits.DESCRIPTION) or None
    _fact_fields(embed, brief)
    if brief.sources:
        value = limits.clip_lines(
            [_source_line(s) for s in brief.sources], limits.FIELD_VALUE, more="…and {n} more sources"
        )
        embed.add_field(name=f"Sources ({len(brief.sources)})", value=value, inline=False)
    if brief.aliases:
        embed.add_field(name="Also known as", value=", ".join(f"`{a}`" for a in brief.aliases), inline=False)
    return limits.fit_embed(embed, more="Trimmed to fit Discord: use the **Key facts only** and **Sources** buttons.")


def render_facts(brief: Brief) -> discord.Embed:
    """Render only the key-fact card of a story."""
    embed = _base(brief, f"Key facts: {brief.story.title}")
    if brief.facts.what:
        embed.description = escape(brief.facts.what)
    _fact_fields(embed, brief)
    if brief.facts.is_empty():
        embed.description = (embed.description or "") + "\n\nNo key facts were found in this story."
    return limits.fit_embed(embed, more="Some facts were trimmed to fit Discord.")


def render_sources(brief: Brief) -> discord.Embed:
    """Render the list of a story's sources."""
    embed = _base(brief, f"Sources: {brief.story.title}")
    lines = [f"{i}. {_source_line(s)} · article {s.article_id}" for i, s in enumerate(brief.sources, 1)]
    embed.description = limits.clip_lines(lines or ["No sources."], limits.DESCRIPTION, more="…and {n} more sources")
    return limits.fit_embed(embed)


def render_brief_view(slug: str, *, postable: bool, changes: bool = False) -> discord.ui.View:
    """Return the brief's buttons; Post to channel only on a private (ephemeral) answer, What's new once updated."""
    view = discord.ui.View(timeout=None)
    if postable:
        view.add_item(BriefButton("post", slug))
    view.add_item(BriefButton("sources", slug))
    view.add_item(BriefButton("facts", slug))
    if changes:
        view.add_item(BriefButton("changes", slug))
    return view


def render_changes(brief: Brief, changes: Sequence[WhatsNew]) -> discord.Embed:
    """Render what the latest updates of a story's brief added, newest first: one field per update."""
    embed = _base(brief, f"What's new: {brief.story.title}")
    updates = newest_updates(changes, limit=len(changes))
    shown = newest_updates(changes)
    for change in shown:
        # Field names show no timestamps: the relative time (in the reader's own zone) opens the value.
        head = f"<t:{int(change.until.timestamp())}:R>"
        lines = [f"• {escape(limits.clip(line, CHANGE_LINE))}" for line in change.lines()]
        value = head + "\n" + limits.clip_lines(lines, limits.FIELD_VALUE - len(head) - 1)
        name = f"{update_label(change)} · {change.until:%Y-%m-%d %H:%M} UTC"
        embed.add_field(name=name, value=value, inline=False)
    if not shown:
        embed.description = escape(NOT_UPDATED)
    elif len(updates) > len(shown):
        embed.description = f"The latest {len(shown)} of {plural(len(updates), 'update')}, newest first."
    return limits.fit_embed(embed, more="Some updates were trimmed to fit Discord.")


def render_list(stories: Sequence[StorySummary]) -> discord.Embed:
    """Render the latest stories, newest first."""
    embed = discord.Embed(title="Latest stories", colour=COLOR)
    if not stories:
        embed.description = f"No stories yet; an admin can add one. {words.try_line(['add'])}"
        return embed
    lines = [
        f"**{escape(s.title)}** · `{s.slug}` · <t:{int(s.updated_at.timestamp())}:R>"
        + (f"\n{escape(limits.clip(s.tldr, 200))}" if s.tldr else "")
        for s in stories
    ]
    embed.description = limits.clip_lines(lines, limits.DESCRIPTION, more="…and {n} more stories")
    embed.set_footer(text=f"Open one with {words.show('<slug>')}")
    return limits.fit_embed(embed)


def render_search(query: str, hits: Sequence[SearchHit]) -> discord.Embed:
    """Render search hits, best first."""
    embed = discord.Embed(title=limits.clip(f"Search: {escape(query)}", limits.TITLE), colour=COLOR)
    if not hits:
        embed.description = f"Nothing found. Try other words, or `{words.command('list')}`."
        return limits.fit_embed(embed)
    lines = [f"**{escape(h.title)}** · `{h.slug}`\n{escape(limits.clip(h.snippet, 300))}" for h in hits]
    embed.description = limits.clip_lines(lines, limits.DESCRIPTION, more="…and {n} more results")
    embed.set_footer(text=f"Open one with {words.show('<slug>')}")
    return limits.fit_embed(embed)


def _packed(lines: Sequence[str], limit: int = limits.FIELD_VALUE) -> list[str]:
    """Pack whole lines into as few field values of at most ``limit`` characters as they need."""
    chunks: list[str] = []
    current: list[str] = []
    for line in (limits.clip(line, limit) for line in lines):
        if current and len("\n".join([*current, line])) > limit:
            chunks.append("\n".join(current))
            current = []
        current.append(line)
    if current:
        chunks.append("\n".join(current))
    return chunks


def render_help(lines: Sequence[HelpLine]) -> discord.Embed:
    """Render the command list, admin commands apart."""
    embed = discord.Embed(
        title="Briefbot", colour=COLOR, description="News briefings: stories, summaries and key facts."
    )
    everyone = [f"`{h.usage}` — {h.description}" for h in lines if not h.admin]
    admins = [f"`{h.usage}` — {h.description}" for h in lines if h.admin]
    examples = list(dict.fromkeys(f"`{h.example}`" for h in lines if h.example and h.example != h.usage))
    for i, chunk in enumerate(_packed(everyone)):
        embed.add_field(name="Commands" if i == 0 else "More commands", value=chunk, inline=False)
    for i, chunk in enumerate(_packed(admins)):
        name = "Admin commands (Manage Server or BRIEFBOT_ADMINS)" if i == 0 else "More admin commands"
        embed.add_field(name=name, value=chunk, inline=False)
    if examples:
        embed.add_field(name="Examples", value=limits.clip_lines(examples[:6], limits.FIELD_VALUE), inline=False)
    return limits.fit_embed(embed)


def render_choice_name(story: StorySummary) -> str:
    """Return an autocomplete choice label: the title and the slug, within 100 characters."""
    suffix = f" ({story.slug})"
    room = limits.CHOICE_NAME - len(suffix)
    if room < 10:
        return limits.clip(story.slug, limits.CHOICE_NAME)
    return limits.clip(story.title, room) + suffix


def render_showing(slug: str, asked: str) -> str:
    """Render the line that says which story a misspelling or some words were taken to mean."""
    return limits.clip_content(f"Showing `{slug}` for '{escape(limits.clip(asked, 200))}'.")


def render_not_found(error: NotFound) -> str:
    """Render a polite 'no such story' answer with the closest matches (or the commands that help)."""
    head = escape(error.message)
    if error.suggestions:
        shown = ", ".join(f"`{s}`" for s in error.suggestions[:5])
        return limits.clip_content(f"{head} Closest matches: {shown}")
    return limits.clip_content(" ".join(p for p in (head, words.try_line(error.hints)) if p))


def render_error(error: BriefingError) -> str:
    """Render a user-facing error (untrusted parts escaped), its usage and hints in Discord's commands."""
    if isinstance(error, NotFound):
        return render_not_found(error)
    parts = [escape(error.message)]
    if isinstance(error, UsageError) and error.actions:
        parts.append("Usage: " + " · ".join(dict.fromkeys(f"`{words.usage(a)}`" for a in error.actions)))
    parts.append(words.try_line(error.hints))
    return limits.clip_content(" ".join(p for p in parts if p))


def render_added(result: AddResult) -> str:
    """Render what adding an article did."""
    story = f"**{escape(result.story.title)}** (`{result.story.slug}`)"
    if result.duplicate:
        return limits.clip_content(f"Already stored as article {result.article_id} in {story}. Nothing changed.")
    verb = "Started a new story" if result.created_story else "Added to"
    return limits.clip_content(
        f"{verb} {story}: article {result.article_id}, “{escape(result.title)}”. "
        f"Show it with `{words.show(result.story.slug)}`."
    )


def render_removed(result: RemoveResult) -> str:
    """Render what a removal did."""
    story = f"**{escape(result.story.title)}** (`{result.story.slug}`)"
    if result.kind == "story":
        return limits.clip_content(
            f"Removed the story {story} and its {plural(result.articles_removed, 'article')}."
        )
    tail = " That was its last article, so the story is gone." if result.story_removed else ""
    return limits.clip_content(f"Removed article {result.article_id} from {story}.{tail}")


def render_renamed(old: str, ref: StoryRef) -> str:
    """Render a rename (the old slug keeps working as an alias)."""
    return limits.clip_content(
        f"Renamed `{escape(old)}` to `{ref.slug}` ({escape(ref.title)}). The old name still works."
    )


def render_aliased(alias: str, ref: StoryRef) -> str:
    """Render a new alias."""
    return limits.clip_content(f"`{escape(alias)}` now opens **{escape(ref.title)}** (`{ref.slug}`).")


def _story(ref: StoryRef) -> str:
    return f"**{escape(ref.title)}** (`{ref.slug}`)"


def render_merged(result: MergeResult) -> str:
    """Render a merge: which story went into which, how many articles moved, and that the old name still works."""
    moved = plural(result.articles_moved, "article")
    return limits.clip_content(
        f"Merged {_story(result.merged)} into {_story(result.story)} ({moved} moved); "
        f"`{result.merged.slug}` now opens `{result.story.slug}`. Show it with `{words.show(result.story.slug)}`."
    )


def render_moved(result: MoveResult) -> str:
    """Render a move: the article, where it came from, where it went, and whether its old story is gone."""
    where = "the new story" if result.created_story else "story"
    text = f"Moved article {result.article_id} from {_story(result.source)} to {where} {_story(result.target)}."
    if result.source_removed:
        text += f" `{result.source.slug}` had no other article, so that story is gone."
    return limits.clip_content(f"{text} Show it with `{words.show(result.target.slug)}`.")
