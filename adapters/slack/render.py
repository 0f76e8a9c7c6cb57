"""Pure rendering: engine models -> Block Kit messages (``slack_sdk.models.blocks``).

Every untrusted string (titles, article text, facts, outlets, echoed input) goes through
:mod:`adapters.slack.escape`; the only mentions we emit are our own ``shared by <@U…>``.
Limits are enforced by construction, so Slack never rejects a message we render.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from adapters.slack import words
from adapters.slack.escape import clip, clip_plain, escape, link, mention
from briefings.changes import NOT_UPDATED, WhatsNew, newest_updates, update_label, updated_times
from briefings.commands import HelpEntry, UsageError
from briefings.digest_text import plural
from briefings.errors import BriefingError, NotFound
from briefings.models import (
    AddResult,
    Brief,
    Fact,
    KeyFacts,
    MergeResult,
    MoveResult,
    RemoveResult,
    SearchHit,
    Source,
    StoryRef,
    StorySummary,
)

# Block Kit limits (https://api.slack.com/reference/block-kit)
MAX_BLOCKS = 50
SECTION_TEXT = 3000
HEADER_TEXT = 150
MAX_FIELDS = 10
FIELD_TEXT = 2000
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
CONTEXT_ELEMENTS = 10
CONTEXT_TEXT = 2000
ACTIONS_ELEMENTS = 25
FALLBACK_TEXT = 3000

# action ids the app listens to
SHARE = "brief_share"
SOURCES = "brief_sources"
FACTS = "brief_facts"
SHOW = "brief_show"  # suffixed ":n" so several can sit in one message
CHANGES = "brief_changes"
CHANGE_LINE = 600  # characters of one line of what an update added
UNDO = "brief_undo"

_FACT_GROUPS: tuple[tuple[str, str], ...] = (
    ("people", "People"),
    ("dates", "Dates"),
    ("figures", "Figures"),
    ("places", "Places"),
    ("organizations", "Organisations"),
)


@dataclass(frozen=True)
class Message:
    """A rendered message: Block Kit blocks plus the plain ``text`` fallback."""

    text: str
    blocks: list[Block]

    def block_dicts(self) -> list[dict[str, Any]]:
        """Return the blocks as JSON-ready dicts (this also runs slack_sdk's own validation)."""
        return [b.to_dict() for b in self.blocks]

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"text", "blocks"}`` ready for ``chat.postMessage`` or a ``response_url``."""
        return {"text": self.text, "blocks": self.block_dicts()}


# ----- small builders that cannot exceed a limit ----------------------------------------------


def _fallback(text: str) -> str:
    return clip(text, FALLBACK_TEXT)


def _header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=clip(text, HEADER_TEXT) or "Briefbot"))


def _section(mrkdwn: str, *, accessory: ButtonElement | None = None,
             block_id: str | None = None) -> SectionBlock:
    """Make a section from safe mrkdwn (already escaped), cut to the section limit."""
    return SectionBlock(text=MarkdownTextObject(text=clip_plain(mrkdwn, SECTION_TEXT) or " "),
                        accessory=accessory, block_id=block_id)


def _context(parts: Iterable[str]) -> ContextBlock:
    """Make a context block from safe mrkdwn parts (at most 10 elements)."""
    elements = [MarkdownTextObject(text=clip_plain(p, CONTEXT_TEXT)) for p in parts if p]
    return ContextBlock(elements=elements[:CONTEXT_ELEMENTS] or [MarkdownTextObject(text=" ")])


def _button(text: str, action_id: str, value: str, *, style: str | None = None) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=clip(text, BUTTON_TEXT)),
        action_id=action_id,
        value=value[:BUTTON_VALUE],
        style=style,
    )


def _lines_within(lines: Sequence[str], limit: int, more: str) -> str:
    """Join safe lines within ``limit`` chars; past it, end with ``more`` (``{n}``: lines left)."""
    out: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        room = limit - used - (1 if out else 0)
        after = len(lines) - i - 1
        if after == 0 and len(line) <= room:
            out.append(line)
            break
        tail = more.format(n=after) if more and after else ""
        if len(line) + (len(tail) + 1 if tail else 0) <= room:
            out.append(line)
            used += len(line) + (1 if len(out) > 1 else 0)
            continue
        if not out:  # even the first line is too long: cut it and keep the pointer
            out.append(clip_plain(line, room - (len(tail) + 1 if tail else 0)))
            if tail:
                out.append(tail)
            break
        if more:
            out.append(more.format(n=after + 1))
        break
    joined = "\n".join(out)
    return joined if len(joined) <= limit else clip_plain(joined, limit)


def _cap_blocks(body: list[Block], tail: list[Block], more: str) -> list[Block]:
    """Keep at most 50 blocks: body first, then a ``more`` pointer, then the tail blocks."""
    if len(body) + len(tail) <= MAX_BLOCKS:
        return body + tail
    keep = MAX_BLOCKS - len(tail) - 1
    return body[:keep] + [_context([more])] + tail


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d %b %Y %H:%M UTC") if value.tzinfo else value.strftime("%d %b %Y")


def _day(value: datetime | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def _code(slug: str) -> str:
    return f"`{clip(slug, 80)}`"


# ----- the brief card --------------------------------------------------------------------------


def _fact_line(fact: Fact) -> str:
    line = f"• *{clip(fact.text, 200)}*"
    if fact.detail:
        line += f" — {clip(fact.detail, 400)}"
    return line


def _fact_fields(facts: KeyFacts, slug: str) -> list[MarkdownTextObject]:
    more = "_… {n} more: `" + words.COMMAND + " facts " + clip(slug, 64) + "`_"
    fields = []
    for attr, label in _FACT_GROUPS:
        items: list[Fact] = getattr(facts, attr)
        if not items:
            continue
        body = _lines_within([_fact_line(f) for f in items], FIELD_TEXT - len(label) - 4, more)
        fields.append(MarkdownTextObject(text=f"*{label}*\n{body}"))
    return fields[:MAX_FIELDS]


def _source_line(source: Source, *, with_id: bool = False) -> str:
    meta = ", ".join(x for x in (clip(source.outlet or "", 100), _day(source.published)) if x)
    line = f"• {link(source.url, source.title or 'untitled', 300)}"
    if meta:
        line += f" — {meta}"
    return f"{line} · article {source.article_id}" if with_id else line


def _updated(brief: Brief) -> str:
    """Return 'Updated 2 times, last: 20 Jun 2025 09:00 UTC', or 'Updated <when>' for a brief never updated."""
    times = updated_times(brief)
    return f"{times}, last: {_when(brief.updated_at)}" if times else f"Updated {_when(brief.updated_at)}"


def _brief_context(brief: Brief, shared_by: str | None) -> ContextBlock:
    parts = [
        _updated(brief),
        f"Story {_code(brief.story.slug)}",
        plural(brief.article_count, "article"),
    ]
    if brief.aliases:
        parts.append("Also: " + ", ".join(_code(a) for a in brief.aliases[:10]))
    if shared_by:
        parts.append(f"shared by {mention(shared_by)}")
    return _context(parts)


def _brief_buttons(slug: str, *, share: bool, changes: bool = False) -> ActionsBlock:
    buttons = []
    if share:
        buttons.append(_button("Share to channel", SHARE, slug, style="primary"))
    buttons += [_button("Sources", SOURCES, slug), _button("Key facts only", FACTS, slug)]
    if changes:
        buttons.append(_button("What's new", CHANGES, slug))
    return ActionsBlock(block_id="brief_actions", elements=buttons)


def render_brief(brief: Brief, *, shared_by: str | None = None, share: bool = True,
                 asked: str | None = None) -> Message:
    """Render a story's brief card: header, TL;DR, summary, key facts, sources, context, buttons.

    ``asked`` is what the user typed when it was not the story's own name (a misspelling, or words):
    the card then says which story it shows for it.
    """
    slug = brief.story.slug
    blocks: list[Block] = [_header(brief.story.title)]
    if asked:
        blocks.append(_context([f"_Showing {_code(slug)} for '{clip(asked, 200)}'._"]))
    if brief.tldr:
        blocks.append(_section(f"*TL;DR* {escape(brief.tldr)}"))
    if brief.summary:
        more = "_… {n} more sentences_"
        blocks.append(_section(_lines_within([f"• {escape(s)}" for s in brief.summary],
                                             SECTION_TEXT, more)))
    fields = _fact_fields(brief.facts, slug)
    if fields or brief.facts.what:
        what = f"*Key facts* — {escape(brief.facts.what)}" if brief.facts.what else "*Key facts*"
        blocks.append(DividerBlock())
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip_plain(what, SECTION_TEXT)),
                                   fields=fields or None))
    if brief.sources:
        more = "_… {n} more: `" + words.COMMAND + " sources " + clip(slug, 64) + "`_"
        lines = [_source_line(s) for s in brief.sources]
        blocks.append(DividerBlock())
        blocks.append(_section("*Sources*\n" + _lines_within(lines, SECTION_TEXT - 12, more)))
    tail: list[Block] = [_brief_context(brief, shared_by),
                         _brief_buttons(slug, share=share and not shared_by, changes=brief.version > 1)]
    text = f"{brief.story.title}: {brief.tldr}" if brief.tldr else brief.story.title
    return Message(text=_fallback(text), blocks=_cap_blocks(blocks, tail, "…"))


def render_facts(brief: Brief) -> Message:
    """Render only the key-fact card of a story."""
    slug = brief.story.slug
    blocks: list[Block] = [_header(f"Key facts: {brief.story.title}")]
    if brief.facts.what:
        blocks.append(_section(f"*What* — {escape(brief.facts.what)}"))
    fields = _fact_fields(brief.facts, slug)
    if fields:
        blocks.append(SectionBlock(fields=fields))
    if len(blocks) == 1:
        blocks.append(_section("_No key facts were found in this story's articles._"))
    blocks.append(_context([f"Story {_code(slug)}", f"Updated {_when(brief.updated_at)}"]))
    return Message(text=_fallback(f"Key facts: {brief.story.title}"), blocks=blocks)


def render_sources(brief: Brief) -> Message:
    """Render every source of a story (one block each, capped at 50 blocks)."""
    slug = brief.story.slug
    body: list[Block] = [_header(f"Sources: {brief.story.title}")]
    body += [_section(_source_line(s, with_id=True)) for s in brief.sources]
    if not brief.sources:
        body.append(_section("_This story has no sources yet._"))
    shown = MAX_BLOCKS - 3
    hidden = max(0, len(brief.sources) - shown)
    tail: list[Block] = [_context([f"Story {_code(slug)}", plural(len(brief.sources), "source")])]
    more = f"_… {plural(hidden, 'more source')} not shown._"
    return Message(text=_fallback(f"Sources: {brief.story.title}"),
                   blocks=_cap_blocks(body, tail, more))


def _update_section(change: WhatsNew) -> SectionBlock:
    head = f"*{_when(change.until)}* · {escape(update_label(change))}"
    lines = [f"• {clip(line, CHANGE_LINE)}" for line in change.lines()]
    return _section(head + "\n" + _lines_within(lines, SECTION_TEXT - len(head) - 1, "_… {n} more_"))


def render_changes(brief: Brief, changes: Sequence[WhatsNew]) -> Message:
    """Render what the latest updates of a story's brief added, newest first (a few, within Block Kit limits)."""
    slug = brief.story.slug
    updates = newest_updates(changes, limit=len(changes))
    shown = newest_updates(changes)
    blocks: list[Block] = [_header(f"What's new: {brief.story.title}")]
    blocks += [_update_section(c) for c in shown]
    if not shown:
        blocks.append(_section(escape(NOT_UPDATED)))
    parts = [f"Story {_code(slug)}"]
    if brief.version > 1:
        parts.append(_updated(brief))
    if len(updates) > len(shown):
        parts.append(f"the latest {len(shown)} of {plural(len(updates), 'update')}")
    blocks.append(_context(parts))
    text = f"What's new: {brief.story.title}" + (f": {shown[0].lines()[0]}" if shown else "")
    return Message(text=_fallback(text), blocks=_cap_blocks(blocks[:-1], blocks[-1:], "…"))


# ----- lists, search, suggestions --------------------------------------------------------------


def _story_line(slug: str, title: str, blurb: str, index: int) -> SectionBlock:
    text = f"*{clip(title, 300)}* {_code(slug)}"
    if blurb:
        text += f"\n{clip(blurb, 600)}"
    return _section(text, accessory=_button("Brief", f"{SHOW}:{index}", slug))


def render_story_list(stories: Sequence[StorySummary]) -> Message:
    """Render the latest stories, each with a button that opens its brief."""
    if not stories:
        return render_notice_safe(f"No stories yet; an admin can add one. {words.try_line(['add'])}")
    blocks: list[Block] = [_header("Latest stories")]
    blocks += [_story_line(s.slug, s.title, s.tldr, i) for i, s in enumerate(stories)]
    tail: list[Block] = [_context([f"Open one with `{words.usage('show')}`"])]
    text = "Latest stories: " + ", ".join(s.slug for s in stories)
    return Message(text=_fallback(text), blocks=_cap_blocks(blocks, tail, "_… more stories_"))


def render_search(query: str, hits: Sequence[SearchHit]) -> Message:
    """Render search results, best first."""
    if not hits:
        return render_notice_safe(
            f"Nothing matches '{clip(query, 200)}'. Try other words, or `{words.command('list')}`."
        )
    blocks: list[Block] = [_header(f"Search: {query}")]
    blocks += [_story_line(h.slug, h.title, h.snippet, i) for i, h in enumerate(hits)]
    text = f"{plural(len(hits), 'story', 'stories')} match '{query}'"
    return Message(text=_fallback(text), blocks=_cap_blocks(blocks, [], "_… more results_"))


def render_not_found(error: NotFound) -> Message:
    """Render "No story matches 'x'." with a "Did you mean" line and a button per suggestion (or what to try)."""
    lines = [f":mag: {escape(error.message)}"]
    if error.suggestions:
        lines.append("Did you mean: " + ", ".join(_code(s) for s in error.suggestions[:ACTIONS_ELEMENTS]) + "?")
    elif error.hints:
        lines.append(words.try_line(error.hints))
    blocks: list[Block] = [_section("\n".join(lines))]
    if error.suggestions:
        buttons = [_button(s, f"{SHOW}:{i}", s)
                   for i, s in enumerate(error.suggestions[:ACTIONS_ELEMENTS])]
        blocks.append(ActionsBlock(block_id="suggestions", elements=buttons))
    fallback = error.message
    if error.suggestions:
        fallback += f" Did you mean: {', '.join(error.suggestions)}?"
    elif error.hints:
        fallback += " " + words.try_line(error.hints).replace("`", "")
    return Message(text=_fallback(fallback), blocks=blocks)


def render_help(entries: Sequence[HelpEntry]) -> Message:
    """Render each action as its Slack usage, with an example (admin ones apart)."""

    def lines(admin: bool) -> list[str]:
        return [f"`{escape(words.usage(e.action))}` — {escape(e.description)} _e.g._ `{escape(words.example(e))}`"
                for e in entries if e.admin == admin]

    blocks: list[Block] = [_header(f"Briefbot: {words.COMMAND}")]
    blocks.append(_section(_lines_within(lines(False), SECTION_TEXT, "")))
    admin = lines(True)
    if admin:
        blocks.append(_section("*For admins*\n" + _lines_within(admin, SECTION_TEXT - 20, "")))
    text = "Briefbot help: " + "; ".join(words.usage(e.action) for e in entries)
    return Message(text=_fallback(text), blocks=blocks)


# ----- admin results and notices ---------------------------------------------------------------


def render_added(result: AddResult) -> Message:
    """Render what adding an article did, with an Undo button (admins only) and an Open button."""
    slug = result.story.slug
    if result.duplicate:
        text = (f"Already have that article (id {result.article_id}) in story "
                f"*{clip(result.story.title, 300)}* {_code(slug)}. Nothing was changed.")
        return Message(text=_fallback(text.replace("*", "")),
                       blocks=[_section(f":recycle: {text}")])
    where = "a new story" if result.created_story else "story"
    text = (f"Added *{clip(result.title, 300)}* (article {result.article_id}) to {where} "
            f"*{clip(result.story.title, 300)}* {_code(slug)}.")
    buttons = [_button("Open brief", f"{SHOW}:0", slug),
               _button("Undo", UNDO, str(result.article_id), style="danger")]
    blocks: list[Block] = [_section(f":white_check_mark: {text}"),
                           ActionsBlock(block_id="added_actions", elements=buttons)]
    return Message(text=_fallback(text.replace("*", "")), blocks=blocks)


def render_removed(result: RemoveResult) -> Message:
    """Render what a removal did."""
    title = f"*{clip(result.story.title, 300)}* {_code(result.story.slug)}"
    if result.kind == "article":
        text = f"Removed article {result.article_id} from {title}."
        if result.story_removed:
            text += " It was the story's last article, so the story is gone too."
    else:
        text = f"Removed story {title} and its {plural(result.articles_removed, 'article')}."
    return render_notice_safe(f":wastebasket: {text}")


def render_renamed(old: str, ref: StoryRef) -> Message:
    """Render a rename: the old name keeps working as an alias."""
    return render_notice_safe(
        f"Renamed {_code(old)} to {_code(ref.slug)} (*{clip(ref.title, 300)}*); "
        f"the old name still works."
    )


def render_aliased(alias: str, ref: StoryRef) -> Message:
    """Render a new alias."""
    title = clip(ref.title, 300)
    return render_notice_safe(f"{_code(alias)} now opens *{title}* {_code(ref.slug)}.")


def _story(ref: StoryRef) -> str:
    return f"*{clip(ref.title, 300)}* {_code(ref.slug)}"


def _open_buttons(block_id: str, refs: Sequence[tuple[str, StoryRef]]) -> ActionsBlock:
    """Return one "open its brief" button per story (``(label, story)``), each with its own action id."""
    buttons = [_button(label, f"{SHOW}:{i}", ref.slug) for i, (label, ref) in enumerate(refs)]
    return ActionsBlock(block_id=block_id, elements=buttons[:ACTIONS_ELEMENTS])


def render_merged(result: MergeResult) -> Message:
    """Render a merge: which story went into which, how many articles moved, and that the old name still works."""
    moved = plural(result.articles_moved, "article")
    text = (f"Merged {_story(result.merged)} into {_story(result.story)} ({moved} moved); "
            f"{_code(result.merged.slug)} now opens {_code(result.story.slug)}.")
    blocks: list[Block] = [_section(f":twisted_rightwards_arrows: {text}"),
                           _open_buttons("merged_actions", [("Open brief", result.story)])]
    return Message(text=_fallback(text.replace("*", "").replace("`", "")), blocks=blocks)


def render_moved(result: MoveResult) -> Message:
    """Render a move: the article, where it came from, where it went, and whether its old story is gone."""
    where = "a new story" if result.created_story else "story"
    text = (f"Moved article {result.article_id} from {_story(result.source)} to {where} "
            f"{_story(result.target)}.")
    if result.source_removed:
        text += f" {_code(result.source.slug)} had no other article, so that story is gone."
    refs = [("Open brief", result.target)]
    if not result.source_removed:
        refs.append(("Open the old story", result.source))
    blocks: list[Block] = [_section(f":arrow_right: {text}"), _open_buttons("moved_actions", refs)]
    return Message(text=_fallback(text.replace("*", "").replace("`", "")), blocks=blocks)


def render_notice(text: str) -> Message:
    """Render a one-section notice from untrusted plain text (escaped)."""
    return Message(text=_fallback(text), blocks=[_section(escape(text))])


def render_notice_safe(mrkdwn: str) -> Message:
    """Render a one-section notice from mrkdwn we built (already escaped)."""
    return Message(text=clip_plain(mrkdwn, FALLBACK_TEXT), blocks=[_section(mrkdwn)])


def render_error(error: BriefingError) -> Message:
    """Render a domain error politely, with the usage or the commands that help in Slack's words.

    Its message may echo user input, so it is escaped.
    """
    if isinstance(error, NotFound):
        return render_not_found(error)
    lines = [f":warning: {escape(error.message)}"]
    if isinstance(error, UsageError) and error.actions:
        usages = dict.fromkeys(escape(words.usage(a)) for a in error.actions)
        lines.append("Usage: " + " · ".join(f"`{u}`" for u in usages))
    if error.hints:
        lines.append(words.try_line(error.hints))
    plain = "\n".join(lines[1:]).replace("`", "")
    return Message(text=_fallback(f"{error.message} {plain}".strip()), blocks=[_section("\n".join(lines))])


def render_failure() -> Message:
    """Render the reply for an unexpected failure (details go to the log, not to the user)."""
    return render_notice("Sorry, something went wrong on Briefbot's side. Please try again later.")


def render_slack_trouble() -> Message:
    """Render the reply when Slack itself refused or kept failing (after retries)."""
    return render_notice("Slack did not accept that just now. Please try again in a minute.")


def render_fetching(url: str) -> Message:
    """Render the immediate acknowledgement of `/brief add URL`."""
    return render_notice_safe(f":hourglass_flowing_sand: Fetching {clip(url, 500)} …")


def render_shared_note(user_id: str) -> Message:
    """Render the note that replaces the caller's private card once it was shared."""
    return render_notice_safe(f"Shared to the channel by {mention(user_id)}.")
