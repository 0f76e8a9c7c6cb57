"""The "Add an article" modal: building the view and validating its submission field by field."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from adapters.slack.escape import clip
from adapters.slack.render import Message
from briefings.models import StorySummary

CALLBACK_ID = "brief_add_modal"
MAX_OPTIONS = 100
OPTION_TEXT = 75
TEXT_MAX = 3000  # Slack's ceiling for a plain_text_input
TITLE_MAX = 300
URL_MAX = 2000

_SLUG_RE = re.compile(r"^[a-z0-9-]{1,64}$")
_RESERVED = frozenset(
    {"list", "search", "help", "add", "remove", "rename", "alias", "digest", "show", "sources",
     "facts"}
)

# block ids, also the keys of ``response_action: errors``
TITLE, URL, PUBLISHED, EXISTING, NEW_SLUG, TEXT = (
    "title", "url", "published", "existing", "new_slug", "text"
)


@dataclass(frozen=True)
class AddForm:
    """A valid submission of the modal."""

    text: str
    title: str | None
    url: str | None
    published: datetime | None
    story: str | None


def _plain(text: str) -> PlainTextObject:
    return PlainTextObject(text=text)


def build_add_modal(stories: Sequence[StorySummary], *, private_metadata: str = "") -> View:
    """Return the modal asking for title, URL, date, story (existing or new) and the pasted text."""
    blocks: list[Block] = [
        InputBlock(block_id=TITLE, optional=True, label=_plain("Title"),
                   hint=_plain("Leave empty to use the text's first line."),
                   element=PlainTextInputElement(action_id="value", max_length=TITLE_MAX)),
        InputBlock(block_id=URL, optional=True, label=_plain("Source URL"),
                   element=PlainTextInputElement(action_id="value", max_length=URL_MAX,
                                                 placeholder=_plain("https://…"))),
        InputBlock(block_id=PUBLISHED, optional=True, label=_plain("Published"),
                   element=DatePickerElement(action_id="value")),
    ]
    options = [
        Option(value=s.slug, text=clip(f"{s.slug}: {s.title}", OPTION_TEXT))
        for s in stories[:MAX_OPTIONS]
    ]
    if options:
        blocks.append(InputBlock(block_id=EXISTING, optional=True, label=_plain("Existing story"),
                                 element=StaticSelectElement(action_id="value", options=options,
                                                             placeholder=_plain("Pick a story"))))
    blocks += [
        InputBlock(block_id=NEW_SLUG, optional=True, label=_plain("…or a new story name"),
                   hint=_plain("Lowercase letters, digits and hyphens. Leave both empty to let "
                               "Briefbot pick the story."),
                   element=PlainTextInputElement(action_id="value", max_length=64)),
        InputBlock(block_id=TEXT, label=_plain("Article text"),
                   element=PlainTextInputElement(action_id="value", multiline=True,
                                                 max_length=TEXT_MAX)),
    ]
    return View(type="modal", callback_id=CALLBACK_ID, title=_plain("Add to Briefbot"),
                submit=_plain("Add"), close=_plain("Cancel"), blocks=blocks,
                private_metadata=private_metadata)


def build_result_view(message: Message) -> View:
    """Return the view that replaces the modal once the submission is done."""
    sections = [b for b in message.blocks if isinstance(b, SectionBlock)]
    return View(type="modal", title=_plain("Add to Briefbot"), close=_plain("Done"),
                blocks=sections or [SectionBlock(text=message.text)])


def _value(values: dict[str, Any], block: str) -> Any:
    element = (values.get(block) or {}).get("value") or {}
    kind = element.get("type")
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "static_select":
        return (element.get("selected_option") or {}).get("value")
    return element.get("value")


def _check_slug(slug: str) -> str | None:
    if not _SLUG_RE.match(slug):
        return "Use 1 to 64 lowercase letters, digits and hyphens, e.g. japan-us-talks."
    if slug.isdigit():
        return "A story name needs a letter (numbers are article ids)."
    if slug in _RESERVED:
        return f"'{slug}' is a /brief command word; pick another name."
    return None


def _check_url(url: str) -> str | None:
    if len(url) > URL_MAX:
        return "That URL is too long."
    try:
        parts = urlsplit(url)
    except ValueError:
        return "That is not a valid URL."
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        return "Give a full http(s) link, e.g. https://example.com/news/1."
    return None


def parse_submission(values: dict[str, Any], *, today: date) -> AddForm | dict[str, str]:
    """Validate ``state.values``: an AddForm, or ``{block_id: error}`` for each bad field."""
    errors: dict[str, str] = {}
    text = (_value(values, TEXT) or "").strip()
    title = (_value(values, TITLE) or "").strip() or None
    url = (_value(values, URL) or "").strip() or None
    day = _value(values, PUBLISHED)
    existing = (_value(values, EXISTING) or "").strip() or None
    new_slug = (_value(values, NEW_SLUG) or "").strip().lower() or None

    if not text:
        errors[TEXT] = "Paste the article's text."
    elif len(text) > TEXT_MAX:
        errors[TEXT] = f"Keep it under {TEXT_MAX} characters, or add the article by URL."
    elif len(text.split()) < 8:
        errors[TEXT] = "That is too short to brief: paste the whole article."
    if title is not None and len(title) > TITLE_MAX:
        errors[TITLE] = f"Keep the title under {TITLE_MAX} characters."
    if url is not None and (problem := _check_url(url)):
        errors[URL] = problem
    published: datetime | None = None
    if day:
        try:
            parsed = date.fromisoformat(day)
        except ValueError:
            errors[PUBLISHED] = "Pick a date from the calendar."
        else:
            if parsed > today + timedelta(days=1):
                errors[PUBLISHED] = "The publication date cannot be in the future."
            else:
                published = datetime(parsed.year, parsed.month, parsed.day, tzinfo=UTC)
    if existing and new_slug:
        errors[NEW_SLUG] = "Pick an existing story or type a new name, not both."
    elif new_slug and (problem := _check_slug(new_slug)):
        errors[NEW_SLUG] = problem
    if errors:
        return errors
    return AddForm(text=text, title=title, url=url, published=published,
                   story=existing or new_slug)
