"""The brief's buttons, dispatched by their ``custom_id`` so they keep working after a restart."""

from __future__ import annotations

import logging
import re
from typing import Any, Literal, Protocol, cast

import discord

log = logging.getLogger(__name__)

Action = Literal["post", "sources", "facts", "changes"]
TEMPLATE = r"brief:(?P<action>post|sources|facts|changes):(?P<slug>[a-z0-9-]{1,64})"

_LOOKS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "post": ("Post to channel", discord.ButtonStyle.primary),
    "sources": ("Sources", discord.ButtonStyle.secondary),
    "facts": ("Key facts only", discord.ButtonStyle.secondary),
    "changes": ("What's new", discord.ButtonStyle.secondary),
}


class ButtonHandler(Protocol):
    """What answers a click on a brief's button (the adapter's handlers)."""

    async def on_button(self, interaction: discord.Interaction, action: Action, slug: str) -> None:
        """Answer a click on ``action`` for the story ``slug``."""
        ...


def custom_id(action: Action, slug: str) -> str:
    """Return the custom_id of a brief button (at most 78 characters: slugs are at most 64)."""
    return f"brief:{action}:{slug}"


class BriefButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=TEMPLATE,
):
    """A Post to channel / Sources / Key facts only / What's new button for one story."""

    def __init__(self, action: Action, slug: str) -> None:
        label, style = _LOOKS[action]
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=custom_id(action, slug)))
        self.action: Action = action
        self.slug = slug

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> BriefButton:
        """Rebuild the button from its custom_id."""
        return cls(cast(Action, match["action"]), match["slug"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Hand the click to the client's handlers."""
        handler = cast(ButtonHandler | None, getattr(interaction.client, "handlers", None))
        if handler is None:
            log.warning("brief button clicked on a client without handlers: %s", self.custom_id)
            return
        await handler.on_button(interaction, self.action, self.slug)
