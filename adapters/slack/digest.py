"""Slack side of daily channel digests: render (and split) a digest, post it, find it again, notify.

``SlackDigestSender`` implements ``briefings.scheduler.DigestSender``. Each posted part carries
message metadata (``event_type`` ``briefbot_digest``, ``event_payload`` ``{key, part}``) so that
``find_posted`` can tell, after a crash, which parts of a delivery are already in the channel.
All story text is untrusted and goes through :mod:`adapters.slack.escape`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError, SlackRequestError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.models.blocks import Block, SectionBlock
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import words
from adapters.slack.escape import clip, clip_plain, escape, link
from adapters.slack.render import (
    FALLBACK_TEXT,
    HEADER_TEXT,
    MAX_BLOCKS,
    SECTION_TEXT,
    SHOW,
    Message,
    _button,
    _context,
    _header,
    _lines_within,
    _section,
    render_notice_safe,
)
from adapters.slack.send import SERVER_ERROR_RETRIES, make_client
from briefings.digest_text import (
    EMPTY_SENTENCE,
    NO_DIGEST,
    ItemText,
    Notice,
    SourceText,
    and_more,
    digest_text,
    status_text,
    turned_off,
    turned_on,
)
from briefings.errors import DeliveryError
from briefings.models import Digest, DigestStatus, DigestSubscription

log = logging.getLogger(__name__)

EVENT_TYPE = "briefbot_digest"
EMPTY_TEXT = EMPTY_SENTENCE
# Block Kit caps each block, not the message; keep each message readable and well under
# Slack's overall message size by splitting past this many characters of block text.
MESSAGE_CHARS = 12_000
HISTORY_PAGE = 200
HISTORY_PAGES = 3
TITLE_CHARS = 300
TLDR_CHARS = 700
NEW_CHARS = 1200
CHANGES_CHARS = 600  # what an updated story's brief gained: a few lines, within the section with the rest
CHANGE_CHARS = 300

# ok:false errors worth retrying later; every other error is the channel's or the token's state
_TRANSIENT_ERRORS = {
    "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable",
    "request_timeout", "team_added_to_org", "message_limit_exceeded",
}
_REASONS = {
    "channel_not_found": "the channel was not found (deleted, or private without the bot)",
    "not_in_channel": "the bot is not in the channel (invite it with /invite @Briefbot)",
    "is_archived": "the channel is archived",
    "restricted_action": "the workspace does not let the bot post there",
    "restricted_action_read_only_channel": "the channel is read-only",
    "missing_scope": "the bot lacks the chat:write permission",
    "not_allowed_token_type": "the bot token cannot post messages",
    "invalid_auth": "the bot's Slack token is not valid",
    "token_revoked": "the bot's Slack token was revoked",
    "account_inactive": "the bot was removed from the workspace",
    "ekm_access_denied": "the workspace's key management denied access",
}


# ----- rendering (pure): the words come from briefings.digest_text, only the markup is here ----------


def _sources_line(label: str, sources: Sequence[SourceText], limit: int) -> str:
    """Return "+N sources: Title (outlet), …" as safe mrkdwn within ``limit`` characters."""
    head = f"{escape(label)}: "
    out: list[str] = []
    used = len(head)
    for i, source in enumerate(sources):
        outlet = f" ({clip(source.outlet, 80)})" if source.outlet else ""
        piece = link(source.url, source.title, 200) + outlet
        left = len(sources) - i - 1
        tail = f", {and_more(left)}" if left else ""
        if used + len(piece) + 2 + len(tail) > limit:
            out.append(and_more(len(sources) - i))
            break
        out.append(piece)
        used += len(piece) + 2
    return head + ", ".join(out)


def whats_new(item: ItemText) -> str:
    """Return what changed in a story since the channel's last digest, as safe mrkdwn."""
    if item.new_story:
        return f":new: {escape(item.label)}"
    if item.sources:
        return _sources_line(item.label, item.sources, NEW_CHARS)
    return escape(item.label)


def _item_block(item: ItemText, index: int) -> SectionBlock:
    """Render one digest story: title, TL;DR, what is new, and how to open the full brief."""
    lines = [f"*{clip(item.title, TITLE_CHARS)}*"]
    if item.tldr:
        lines.append(clip(item.tldr, TLDR_CHARS))
    lines.append(whats_new(item))
    if item.changes:
        changes = [f"• {clip(line, CHANGE_CHARS)}" for line in item.changes]
        lines.append(_lines_within(changes, CHANGES_CHARS, "_… {n} more_"))
    lines.append(f"Full brief: `{clip(words.show(item.slug), 100)}`")
    text = clip_plain("\n".join(lines), SECTION_TEXT)
    return _section(text, accessory=_button("Open brief", f"{SHOW}:{index}", item.slug))


def _block_chars(block: Block) -> int:
    text = getattr(block, "text", None)
    return len(getattr(text, "text", "") or "")


@dataclass
class _Part:
    items: list[ItemText]
    blocks: list[Block]
    chars: int


def render_digest(
    digest: Digest, *, max_chars: int = MESSAGE_CHARS, max_blocks: int = MAX_BLOCKS
) -> list[Message]:
    """Render a digest as Block Kit messages in order, split so each stays within every limit."""
    text = digest_text(digest)
    if text.empty and not text.more:
        return [Message(text=text.empty, blocks=[_section(escape(text.empty))])]
    header_room = 2  # the header block and, in the last part, the "…and N more" footer
    parts: list[_Part] = [_Part([], [], 0)]
    for item in text.items:
        block = _item_block(item, 0)
        size = _block_chars(block)
        part = parts[-1]
        if part.items and (len(part.blocks) + 1 + header_room > max_blocks or part.chars + size > max_chars):
            part = _Part([], [], 0)
            parts.append(part)
        part.items.append(item)
        part.blocks.append(_item_block(item, len(part.items) - 1))
        part.chars += size
    messages: list[Message] = []
    total = len(parts)
    for number, part in enumerate(parts, start=1):
        suffix = f" ({number}/{total})" if total > 1 else ""
        heading = clip_plain(text.headline, HEADER_TEXT - len(suffix)) + suffix
        blocks: list[Block] = [_header(heading), *part.blocks]
        if number == total and text.more:
            blocks.append(_context([_notice(text.more)]))
        titles = "; ".join(i.title for i in part.items)
        fallback = clip(f"{heading}: {titles}" if titles else heading, FALLBACK_TEXT)
        messages.append(Message(text=fallback, blocks=blocks))
    return messages


def _notice(notice: Notice) -> str:
    """Return a notice as safe mrkdwn, its hints worded as Slack commands."""
    return " ".join(p for p in (escape(notice.text), words.try_line(notice.hints)) if p)


def render_digest_preview(digest: Digest) -> list[Message]:
    """Render a digest as it would be posted now, marked as a private preview."""
    parts = render_digest(digest, max_blocks=MAX_BLOCKS - 1)
    note = _context(["_Preview: only you can see this. This is what the digest would post now._"])
    first = parts[0]
    parts[0] = Message(text=clip_plain(f"Preview: {first.text}", FALLBACK_TEXT), blocks=[note, *first.blocks])
    return parts


def render_digest_on(status: DigestStatus) -> Message:
    """Render the confirmation of `/brief digest on`: the schedule and the next run (local and UTC)."""
    return render_notice_safe(f":white_check_mark: {_notice(turned_on(status))}")


def render_digest_off(stopped: Sequence[DigestSubscription]) -> Message:
    """Render what `/brief digest off` stopped."""
    return render_notice_safe(clip_plain(f":no_bell: {_notice(turned_off(stopped))}", SECTION_TEXT))


_MARKS = {"stopped": ":octagonal_sign: ", "last_failure": ":warning: "}


def _status_block(status: DigestStatus) -> SectionBlock:
    text = status_text(status)
    lines = [f"*{escape(text.title)}*"]
    for line in text.lines:
        label = f"{escape(line.label)}: " if line.label else ""
        lines.append(f"{_MARKS.get(line.kind, '')}{label}{escape(line.text)}")
    return _section(clip_plain("\n".join(lines), SECTION_TEXT))


def render_digest_status(statuses: Sequence[DigestStatus]) -> Message:
    """Render `/brief digest status`: each digest's next run, last delivery and any failure."""
    if not statuses:
        return render_notice_safe(_notice(NO_DIGEST))
    blocks: list[Block] = [_header("Digests in this channel")]
    blocks += [_status_block(s) for s in statuses[: MAX_BLOCKS - 1]]
    summary = "; ".join(status_text(s).title for s in statuses)
    return Message(text=clip(f"Digests in this channel: {summary}", FALLBACK_TEXT), blocks=blocks)


# ----- errors ----------------------------------------------------------------------------------


def _retry_after(exc: SlackApiError) -> float | None:
    headers = getattr(exc.response, "headers", None) or {}
    value: Any = None
    for name in ("Retry-After", "retry-after"):
        value = headers.get(name) if hasattr(headers, "get") else None
        if value:
            break
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def delivery_error(exc: SlackApiError) -> DeliveryError:
    """Map a Slack API error to a DeliveryError: 429/5xx/transient codes retry, the rest are permanent."""
    status = int(getattr(exc.response, "status_code", 200) or 200)
    data = getattr(exc.response, "data", None)
    error = str(data.get("error") or "") if isinstance(data, dict) else ""
    if status == 429 or error in ("ratelimited", "rate_limited"):
        after = _retry_after(exc)
        wait = f"; retry after {after:g}s" if after is not None else ""
        return DeliveryError(f"Slack rate limit (429){wait}", transient=True, retry_after=after)
    if status >= 500 or error in _TRANSIENT_ERRORS:
        return DeliveryError(f"Slack error {status} ({error or 'no detail'})", transient=True)
    reason = _REASONS.get(error, "Slack refused the message")
    return DeliveryError(f"Slack refused the post ({error or status}): {reason}", transient=False)


def _network_error(exc: BaseException) -> DeliveryError:
    return DeliveryError(f"Slack could not be reached: {type(exc).__name__}", transient=True)


# ----- the sender ------------------------------------------------------------------------------


class SlackDigestSender:
    """Posts digests to Slack channels through the Web API (``chat.postMessage`` with metadata)."""

    platform = "slack"

    def __init__(self, client: AsyncWebClient, *, max_chars: int = MESSAGE_CHARS) -> None:
        self.client = client
        self.max_chars = max_chars

    def render(self, digest: Digest) -> list[Message]:
        """Return the digest as Block Kit messages in order, each within Slack's limits."""
        return render_digest(digest, max_chars=self.max_chars)

    async def post(self, channel_id: str, message: Message, *, key: str, part: int) -> str:
        """Post one part with its delivery metadata and return its ``ts``; raise DeliveryError on failure."""
        metadata = {"event_type": EVENT_TYPE, "event_payload": {"key": key, "part": part}}
        try:
            answer = await self.client.chat_postMessage(
                channel=channel_id, text=message.text, blocks=message.block_dicts(),
                unfurl_links=False, unfurl_media=False, metadata=metadata,
            )
        except SlackApiError as exc:
            raise delivery_error(exc) from exc
        except SlackRequestError as exc:
            raise DeliveryError(f"Slack request was invalid: {exc}", transient=False) from exc
        except (SlackClientError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise _network_error(exc) from exc
        ts = answer.get("ts")
        if not ts:  # accepted without an id: retry later; find_posted will spot it if it landed
            raise DeliveryError("Slack answered without a message ts", transient=True)
        return str(ts)

    async def find_posted(self, channel_id: str, key: str) -> dict[int, str]:
        """Return the parts of delivery ``key`` already in the channel (recent history), by part number."""
        found: dict[int, str] = {}
        cursor: str | None = None
        try:
            for _ in range(HISTORY_PAGES):
                answer = await self.client.conversations_history(
                    channel=channel_id, limit=HISTORY_PAGE, include_all_metadata=True, cursor=cursor,
                )
                for message in answer.get("messages") or []:
                    part = _digest_part(message, key)
                    if part is not None:
                        found.setdefault(part, str(message.get("ts")))
                cursor = (answer.get("response_metadata") or {}).get("next_cursor") or None
                if not answer.get("has_more") or not cursor:
                    break
        except SlackApiError as exc:
            log.warning("conversations.history in %s failed: %s", channel_id, exc.response.get("error"))
            return {}
        except (SlackClientError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning("conversations.history in %s failed: %r", channel_id, exc)
            return {}
        return found

    async def notify(self, channel_id: str, notice: Notice) -> None:
        """Post a short notice (its hints as Slack commands), best effort: failures are logged, never raised."""
        try:
            await self.client.chat_postMessage(channel=channel_id, text=clip_plain(_notice(notice), FALLBACK_TEXT),
                                               unfurl_links=False, unfurl_media=False)
        except SlackApiError as exc:
            log.info("digest notice to %s failed: %s", channel_id, exc.response.get("error"))
        except (SlackClientError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.info("digest notice to %s failed: %r", channel_id, exc)


def _digest_part(message: dict[str, Any], key: str) -> int | None:
    """Return the part number if ``message`` is one of our posts of delivery ``key``."""
    meta = message.get("metadata") or {}
    if not message.get("bot_id") or meta.get("event_type") != EVENT_TYPE:
        return None
    payload = meta.get("event_payload") or {}
    if payload.get("key") != key:
        return None
    try:
        return int(payload["part"])
    except (KeyError, TypeError, ValueError):
        return None


def make_digest_sender(bot_token: str, api_url: str | None = None) -> SlackDigestSender:
    """Return a sender whose client retries connection errors and 5xx, but leaves 429 to the scheduler.

    A 429 becomes a transient DeliveryError with Retry-After, which the scheduler turns into the
    delivery's next attempt instead of holding a worker asleep; 5xx and network errors the client
    gives up on become transient DeliveryErrors too.
    """
    client = make_client(bot_token, api_url)
    client.retry_handlers = [
        AsyncConnectionErrorRetryHandler(),
        AsyncServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
    ]
    return SlackDigestSender(client)
