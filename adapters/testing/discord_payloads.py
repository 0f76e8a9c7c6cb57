"""The JSON the fake Discord speaks: its ids and permissions, and the objects and interactions it builds.

``DiscordPayloads`` builds the application, commands, messages, channels and guild the fake answers with,
and the ``INTERACTION_CREATE`` payloads a test sends in (``interaction``, ``slash``, ``context_menu``,
``component``, ``modal_submit``, and ``user_message`` for them to act on), all numbered from one id counter.
``discord_gateway.FakeDiscord`` extends it, so a test calls these on the fake it runs.
"""

from __future__ import annotations

import itertools
from typing import Any

APP_ID = 1100000000000000001
BOT_ID = APP_ID
GUILD_ID = 1200000000000000001
CHANNEL_ID = 1300000000000000001
THREAD_ID = 1300000000000000099
DM_CHANNEL_ID = 1300000000000000002
OWNER_ID = 1400000000000000001
TIMESTAMP = "2025-06-20T09:00:00.000000+00:00"

MANAGE_GUILD = 1 << 5
ADMINISTRATOR = 1 << 3
# What a plain member may do in a text channel (view, send, embed, read history, use app commands).
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 31)
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD


def user_json(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    """Return the JSON of a Discord user."""
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "flags": 0,
        "public_flags": 0,
    }


class DiscordPayloads:
    """Builds the JSON of one fake Discord application and its guild, numbering objects from one id counter."""

    def __init__(self, *, app_id: int, guild_id: int, channel_id: int) -> None:
        self.app_id = app_id
        self.bot_id = app_id
        self.guild_id = guild_id
        self.channel_id = channel_id
        self._ids = itertools.count(1500000000000000001)

    # -- objects -------------------------------------------------------------------------------

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(self.app_id),
            "name": "Briefbot",
            "icon": None,
            "description": "News briefings",
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": user_json(OWNER_ID, "owner"),
            "summary": "",
            "verify_key": "0" * 64,
            "team": None,
            "flags": 0,
        }

    def _command(self, payload: dict[str, Any], guild_id: str | None) -> dict[str, Any]:
        out = dict(payload)
        out.setdefault("type", 1)
        out.setdefault("description", "")
        out["id"] = str(next(self._ids))
        out["application_id"] = str(self.app_id)
        out["version"] = "1"
        if guild_id is not None:
            out["guild_id"] = guild_id
        out.setdefault("default_member_permissions", None)
        return out

    def _message(self, channel_id: int, body: dict[str, Any], *, webhook: bool = False) -> dict[str, Any]:
        msg_id = next(self._ids)
        return {
            "id": str(msg_id),
            "channel_id": str(channel_id),
            "author": user_json(self.bot_id, "briefbot", bot=True),
            "content": body.get("content") or "",
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags") or 0,
            **({"webhook_id": str(self.app_id), "application_id": str(self.app_id)} if webhook else {}),
        }

    def _channel(self, channel_id: int) -> dict[str, Any]:
        return {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(self.guild_id),
            "name": "general",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }

    def _guild(self) -> dict[str, Any]:
        gid = str(self.guild_id)
        channel = self._channel(self.channel_id)
        thread = {
            "id": str(THREAD_ID),
            "type": 11,
            "guild_id": gid,
            "parent_id": str(self.channel_id),
            "owner_id": str(OWNER_ID),
            "name": "a thread",
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": TIMESTAMP,
                "locked": False,
            },
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        return {
            "id": gid,
            "name": "Newsroom",
            "icon": None,
            "owner_id": str(OWNER_ID),
            "roles": [
                {
                    "id": gid,
                    "name": "@everyone",
                    "permissions": str(MEMBER_PERMISSIONS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "emojis": [],
            "stickers": [],
            "features": [],
            "member_count": 1,
            "members": [
                {
                    "user": user_json(self.bot_id, "briefbot", bot=True),
                    "roles": [],
                    "joined_at": TIMESTAMP,
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                }
            ],
            "channels": [channel],
            "threads": [thread],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "system_channel_flags": 0,
            "nsfw_level": 0,
            "large": False,
            "joined_at": TIMESTAMP,
            "unavailable": False,
        }

    # -- interactions --------------------------------------------------------------------------

    def interaction(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user_id: int = 1600000000000000001,
        user_name: str = "reader",
        permissions: int = MEMBER_PERMISSIONS,
        dm: bool = False,
        channel_id: int | None = None,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Build an INTERACTION_CREATE payload of type ``kind`` (2, 3, 4 or 5)."""
        interaction_id = next(self._ids)
        user = user_json(user_id, user_name)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.app_id),
            "type": kind,
            "data": data,
            "token": f"itoken-{interaction_id}",
            "version": 1,
            "locale": "en-US",
            "app_permissions": str(MEMBER_PERMISSIONS),
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if dm:
            cid = channel_id or DM_CHANNEL_ID
            payload["user"] = user
            payload["channel_id"] = str(cid)
            payload["channel"] = {"id": str(cid), "type": 1, "recipients": [user]}
            payload["context"] = 1
            payload["authorizing_integration_owners"] = {"0": "0", "1": str(user_id)}
        else:
            cid = channel_id or self.channel_id
            payload["guild_id"] = str(self.guild_id)
            payload["guild_locale"] = "en-US"
            payload["channel_id"] = str(cid)
            channel = self._channel(cid)
            if cid == THREAD_ID:
                channel.update(type=11, parent_id=str(self.channel_id))
            channel["permissions"] = str(permissions)
            payload["channel"] = channel
            payload["member"] = {
                "user": user,
                "roles": [],
                "joined_at": TIMESTAMP,
                "deaf": False,
                "mute": False,
                "flags": 0,
                "nick": None,
                "avatar": None,
                "pending": False,
                "permissions": str(permissions),
            }
            payload["context"] = 0
            payload["authorizing_integration_owners"] = {"0": str(self.guild_id)}
        if message is not None:
            payload["message"] = message
        return payload

    def slash(
        self,
        name: str,
        subcommand: str | None = None,
        options: dict[str, Any] | None = None,
        *,
        focused: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Build a type 2 (or, with ``focused``, type 4 autocomplete) interaction for a slash command."""
        opts = [
            {
                "name": k,
                "type": 4 if isinstance(v, int) else 3,
                "value": v,
                **({"focused": True} if k == focused else {}),
            }
            for k, v in (options or {}).items()
        ]
        if subcommand is not None:
            opts = [{"name": subcommand, "type": 1, "options": opts}]
        data = {"id": str(next(self._ids)), "name": name, "type": 1, "options": opts}
        return self.interaction(4 if focused else 2, data, **kwargs)

    def context_menu(self, name: str, message: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Build a type 2 interaction for a message context-menu command on ``message``."""
        data = {
            "id": str(next(self._ids)),
            "name": name,
            "type": 3,
            "target_id": message["id"],
            "resolved": {"messages": {message["id"]: message}},
        }
        return self.interaction(2, data, **kwargs)

    def component(self, custom_id: str, message: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """Build a type 3 interaction: a click on the button ``custom_id`` of ``message``."""
        if message is None:
            message = self._message(kwargs.get("channel_id") or self.channel_id, {}, webhook=True)
        data = {"custom_id": custom_id, "component_type": 2}
        return self.interaction(3, data, message=message, **kwargs)

    def modal_submit(self, custom_id: str, values: dict[str, str], **kwargs: Any) -> dict[str, Any]:
        """Build a type 5 interaction: the modal ``custom_id`` submitted with ``values`` by input id."""
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in values.items()]
        return self.interaction(5, {"custom_id": custom_id, "components": rows}, **kwargs)

    def user_message(self, content: str, *, author_id: int = 1600000000000000002) -> dict[str, Any]:
        """Build a message payload written by a user (for context menus and buttons)."""
        msg = self._message(self.channel_id, {"content": content})
        msg["author"] = user_json(author_id, "writer")
        return msg
