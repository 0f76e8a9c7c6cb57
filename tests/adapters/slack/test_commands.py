"""Every `/brief` subcommand, sent signed over HTTP to the real bolt app."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.slack import words
from adapters.testing.slack_api import RESPONSE_URL
from briefings.commands import help_entries
from briefings.models import Actor
from briefings.service import BriefingService
from briefings.testing import ADMIN as ENGINE_ADMIN
from briefings.testing import SEED_SLUG, seed_text
from tests.adapters.slack.conftest import ADMIN, LISTED, MEMBER, OWNER, SlackHarness

TWIN = "japan-uk-talks"


async def add_twin(service: BriefingService) -> None:
    """Add a second story close to the seed, so a misspelling no longer points at one story."""
    await service.add_text(seed_text().replace("Japan", "Nippon"), actor=ENGINE_ADMIN, story=TWIN)


def _texts(body: dict[str, Any]) -> str:
    """Return all the text of a message (blocks JSON and fallback) as one string."""
    return json.dumps(body.get("blocks", []), ensure_ascii=False) + body.get("text", "")


def _action_ids(body: dict[str, Any]) -> list[str]:
    ids = []
    for block in body.get("blocks", []):
        for el in block.get("elements", []) if block["type"] == "actions" else []:
            ids.append(el["action_id"])
        if block.get("accessory"):
            ids.append(block["accessory"]["action_id"])
    return ids


async def test_show_is_ephemeral_card_with_share(slack: SlackHarness) -> None:
    reply = await slack.command(SEED_SLUG)
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert body["blocks"][0]["type"] == "header"
    assert "Japan" in body["blocks"][0]["text"]["text"]
    assert body["text"]  # plain fallback
    assert _action_ids(body) == ["brief_share", "brief_sources", "brief_facts"]
    assert SEED_SLUG in _texts(body)
    assert any(b.get("fields") for b in body["blocks"])  # the key-fact card as fields


async def test_words_find_the_story(slack: SlackHarness) -> None:
    body = (await slack.command("japan security talks")).json()
    assert body["blocks"][0]["type"] == "header"
    assert f"Showing `{SEED_SLUG}` for 'japan security talks'." in _texts(body)
    exact = (await slack.command(SEED_SLUG)).json()
    assert "Showing" not in _texts(exact)


async def test_unknown_story_suggests_with_buttons(slack: SlackHarness) -> None:
    await add_twin(slack.service)
    body = (await slack.command("jpan-talkz")).json()
    text = _texts(body)
    assert "No story matches" in text
    assert f"Did you mean: `{SEED_SLUG}`, `{TWIN}`?" in text  # the core's suggestions, shown by Slack
    buttons = [b for b in body["blocks"] if b["type"] == "actions"][0]["elements"]
    assert [b["value"] for b in buttons] == [SEED_SLUG, TWIN]
    assert buttons[0]["action_id"].startswith("brief_show")
    assert f"Did you mean: {SEED_SLUG}, {TWIN}?" in body["text"]


async def test_nothing_matches_at_all(slack: SlackHarness) -> None:
    body = (await slack.command("zzqx")).json()
    text = _texts(body)
    assert "No story matches" in text
    assert "Try `/brief list` or `/brief search WORDS`." in text  # the core's hints in Slack's words


@pytest.mark.parametrize("text", ["", "list"])
async def test_list(slack: SlackHarness, text: str) -> None:
    body = (await slack.command(text)).json()
    assert body["blocks"][0]["text"]["text"] == "Latest stories"
    assert SEED_SLUG in _texts(body)
    assert _action_ids(body) == ["brief_show:0"]


async def test_list_when_empty(make_slack: Any, service: Any) -> None:
    async with make_slack(service) as slack:
        body = (await slack.command("list")).json()
    assert "No stories yet" in _texts(body)


async def test_search(slack: SlackHarness) -> None:
    body = (await slack.command("search defense spending")).json()
    assert "Search: defense spending" in _texts(body)
    assert SEED_SLUG in _texts(body)
    body = (await slack.command("search zzqxv")).json()
    assert "Nothing matches" in _texts(body)


async def test_help_lists_every_subcommand(slack: SlackHarness) -> None:
    body = (await slack.command("help")).json()
    text = _texts(body)
    for entry in help_entries():
        assert words.usage(entry.action) in text and words.example(entry) in text
    rename = "`/brief rename OLD NEW` — Give a story a new slug. _e.g._ `/brief rename japan-us-talks japan-us-2plus2`"
    assert rename in text
    assert "`/brief japan-us-talks`" in text and "`/brief digest on 08:30 Asia/Tokyo`" in text


async def test_sources_and_facts(slack: SlackHarness) -> None:
    sources = (await slack.command(f"sources {SEED_SLUG}")).json()
    assert sources["blocks"][0]["text"]["text"].startswith("Sources:")
    facts = (await slack.command(f"facts {SEED_SLUG}")).json()
    assert facts["blocks"][0]["text"]["text"].startswith("Key facts:")
    assert "Ishiba" in _texts(facts)


async def test_wrong_arity_gives_usage(slack: SlackHarness) -> None:
    body = (await slack.command("rename only-one")).json()
    assert "Usage: `/brief rename OLD NEW`" in _texts(body)
    body = (await slack.command("add a b c", user=ADMIN)).json()
    assert "Usage: `/brief add URL [STORY]` · `/brief add`" in _texts(body)
    body = (await slack.command("search")).json()
    assert "Tell me what to search for." in _texts(body) and "`/brief search WORDS`" in _texts(body)


async def test_digest_is_routed_to_placeholder(slack: SlackHarness) -> None:
    body = (await slack.command("digest status")).json()
    assert "/brief digest" in _texts(body)


# ----- admin commands ----------------------------------------------------------------------


@pytest.mark.parametrize("user", [ADMIN, OWNER, LISTED])
async def test_admins_can_alias_rename_remove(slack: SlackHarness, user: str) -> None:
    body = (await slack.command(f"alias {SEED_SLUG} talks", user=user)).json()
    assert "now opens" in _texts(body)
    body = (await slack.command(f"rename {SEED_SLUG} japan-talks", user=user)).json()
    assert "Renamed" in _texts(body)
    assert (await slack.service.brief("japan-talks")).story.slug == "japan-talks"
    body = (await slack.command("remove japan-talks", user=user)).json()
    assert "Removed story" in _texts(body)
    log = await slack.service.admin_log()
    assert [a.action for a in log][:3] == ["remove-story", "rename", "alias"]
    assert all(f"slack:{user}" in a.actor for a in log[:3])


@pytest.mark.parametrize("text", [
    f"alias {SEED_SLUG} talks", f"rename {SEED_SLUG} other", f"remove {SEED_SLUG}",
    "add https://example.com/a", "add",
])
async def test_members_are_refused_and_nothing_changes(slack: SlackHarness, text: str) -> None:
    before = await slack.service.admin_log()
    body = (await slack.command(text, user=MEMBER)).json()
    assert body["response_type"] == "ephemeral"
    assert "only Briefbot admins" in _texts(body)
    assert await slack.service.admin_log() == before
    assert (await slack.service.brief(SEED_SLUG)).aliases == []
    assert slack.api.calls_to("views.open") == []


async def test_listed_admin_needs_no_users_info(slack: SlackHarness) -> None:
    await slack.command(f"alias {SEED_SLUG} talks", user=LISTED)
    assert slack.api.calls_to("users.info") == []


async def test_admin_lookup_is_cached_briefly(slack: SlackHarness) -> None:
    from datetime import timedelta

    await slack.command(f"alias {SEED_SLUG} one", user=ADMIN)
    await slack.command(f"alias {SEED_SLUG} two", user=ADMIN)
    assert len(slack.api.calls_to("users.info")) == 1
    slack.clock.advance(timedelta(minutes=3))
    await slack.command(f"alias {SEED_SLUG} three", user=ADMIN)
    assert len(slack.api.calls_to("users.info")) == 2


async def test_failed_admin_lookup_means_no(slack: SlackHarness) -> None:
    slack.api.fail_next("users.info", status=200, error="user_not_found")
    body = (await slack.command(f"remove {SEED_SLUG}", user=ADMIN)).json()
    assert "only Briefbot admins" in _texts(body)
    assert (await slack.service.brief(SEED_SLUG)).story.slug == SEED_SLUG


async def test_conflict_is_polite(slack: SlackHarness) -> None:
    await slack.service.add_text(seed_text().replace("Japan", "Nippon"),
                                 actor=Actor(platform="console", user_id="t", is_admin=True),
                                 story="other-story")
    body = (await slack.command(f"alias {SEED_SLUG} other-story", user=ADMIN)).json()
    assert "already taken" in _texts(body)


async def test_open_modal_for_admin(slack: SlackHarness) -> None:
    reply = await slack.command("add", user=ADMIN)
    assert reply.status == 200
    (call,) = slack.api.calls_to("views.open")
    view = call.params["view"]
    assert view["callback_id"] == "brief_add_modal"
    blocks = {b["block_id"] for b in view["blocks"]}
    assert {"title", "url", "published", "existing", "new_slug", "text"} <= blocks
    assert slack.api.calls_to(RESPONSE_URL) == []


async def test_unexpected_error_is_apologised_and_logged(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(slack.service, "list_stories", boom)
    body = (await slack.command("list")).json()
    assert "something went wrong" in _texts(body)
    assert "database on fire" not in _texts(body)
    assert any(r.exc_info and "database on fire" in str(r.exc_info[1]) for r in caplog.records)
