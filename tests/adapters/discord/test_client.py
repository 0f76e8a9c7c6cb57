"""Briefbot's Discord client end to end: real discord.py, fake gateway and REST on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from adapters.discord import limits
from adapters.discord.handlers import first_url
from adapters.discord.runner import sync_commands
from adapters.testing.discord_gateway import FakeDiscord, Recorded
from adapters.testing.discord_payloads import ADMIN_PERMISSIONS, MEMBER_PERMISSIONS, THREAD_ID
from briefings.models import Actor
from briefings.service import BriefingService
from briefings.testing import seed_text
from tests.adapters.discord.conftest import LISTED_ADMIN, Bot

SLUG = "japan-us-talks"
ADMIN = {"permissions": ADMIN_PERMISSIONS, "user_id": 1600000000000000005, "user_name": "editor"}
NO_MENTIONS = {"parse": []}
EPHEMERAL = 64

ARTICLE = """
Lisbon's city council approved a new light rail line on Tuesday that will link the airport
with the eastern riverside districts. The line, expected to cost 480 million euros, will have
fourteen stations and carry an estimated 60,000 passengers a day when it opens in 2029.
Mayor Carlos Moedas said the project would cut car traffic across the eastern districts and
called it the largest public transport investment in the city in two decades. Opposition
councillors questioned the budget and asked for an independent review of the passenger
forecasts. Construction is due to start next spring, with the first section between the
airport and Oriente station scheduled to open in 2027. The European Investment Bank has agreed
to lend 200 million euros for the works, according to the council.
"""


def body(cb: Recorded) -> dict[str, Any]:
    """Return the ``data`` of an interaction callback."""
    return cb.json.get("data") or {}


def custom_ids(data: dict[str, Any]) -> list[str]:
    """Return the custom_ids of every button in a message payload."""
    return [c["custom_id"] for row in data.get("components") or [] for c in row["components"]]


def assert_quiet(fake: FakeDiscord) -> None:
    """Every message Briefbot sent disabled mentions, and every embed is within the limits."""
    sent = 0
    for rec in fake.requests:
        if not isinstance(rec.json, dict):
            continue
        if "/callback" in rec.path and rec.json.get("type") in (4, 7):
            data = rec.json["data"]
        elif rec.path.startswith("/webhooks/") or rec.path.endswith("/messages"):
            data = rec.json
        else:
            continue
        sent += 1
        assert data.get("allowed_mentions") == NO_MENTIONS, (rec.path, data)
        assert len(data.get("content") or "") <= limits.CONTENT
        for embed in data.get("embeds") or []:
            assert limits.violations(embed) == [], embed
    assert sent


@pytest.fixture
async def article_url() -> AsyncIterator[str]:
    """A web page with a news article, on 127.0.0.1."""
    sentences = " ".join(ARTICLE.split()).split(". ")
    paragraphs = "".join(f"<p>{p.rstrip('.')}.</p>" for p in sentences if p.strip())
    html = (
        "<html><head><title>Lisbon approves airport light rail line</title></head><body>"
        f"<article><h1>Lisbon approves airport light rail line</h1>{paragraphs}</article></body></html>"
    )

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html")

    app = web.Application()
    app.router.add_get("/news/lisbon-rail.html", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/news/lisbon-rail.html"
    finally:
        await runner.cleanup()


# -- read commands -----------------------------------------------------------------------------


async def test_show_answers_privately_with_embed_and_buttons(bot: Bot) -> None:
    fake = bot.fake
    cb = await fake.interact(fake.slash("brief", "show", {"story": SLUG}))
    assert cb.json["type"] == 4
    data = body(cb)
    assert data["flags"] == EPHEMERAL
    assert data["allowed_mentions"] == NO_MENTIONS
    [embed] = data["embeds"]
    assert "Japan" in embed["title"]
    assert embed["description"].startswith("**TL;DR**")
    assert "•" in embed["description"]
    assert SLUG in embed["footer"]["text"] and "Updated 2025-06-20" in embed["footer"]["text"]
    names = [f["name"] for f in embed["fields"]]
    assert any(n.startswith("Sources") for n in names)
    assert {"People", "Dates"} & set(names)
    assert custom_ids(data) == [f"brief:post:{SLUG}", f"brief:sources:{SLUG}", f"brief:facts:{SLUG}"]
    # The view was not kept per message: buttons dispatch by custom_id template.
    assert bot.client.persistent_views == []
    assert_quiet(fake)


async def test_show_says_which_story_a_misspelling_opened(bot: Bot) -> None:
    fake = bot.fake
    data = body(await fake.interact(fake.slash("brief", "show", {"story": "japan-us-talkz"})))
    assert data["content"] == f"Showing `{SLUG}` for 'japan-us-talkz'."
    assert "Japan" in data["embeds"][0]["title"]
    exact = body(await fake.interact(fake.slash("brief", "show", {"story": SLUG})))
    assert not exact.get("content")


async def test_show_in_threads(bot: Bot) -> None:
    fake = bot.fake
    cb = await fake.interact(fake.slash("brief", "show", {"story": SLUG}, channel_id=THREAD_ID))
    assert "Japan" in body(cb)["embeds"][0]["title"]


async def test_unknown_story_answers_with_closest_matches(bot: Bot, seeded_service: BriefingService) -> None:
    fake = bot.fake
    await seeded_service.add_text(
        seed_text().replace("Japan", "Nippon"), actor=Actor(platform="console", user_id="t", is_admin=True),
        story="japan-uk-talks",
    )
    cb = await fake.interact(fake.slash("brief", "show", {"story": "jpan-talkz"}))
    data = body(cb)
    assert data["flags"] == EPHEMERAL
    assert data["content"] == "No story matches 'jpan-talkz'. Closest matches: `japan-us-talks`, `japan-uk-talks`"
    assert "embeds" not in data or not data["embeds"]
    nothing = body(await fake.interact(fake.slash("brief", "show", {"story": "zzqx"})))
    assert nothing["content"] == "No story matches 'zzqx'. Try `/brief list` or `/brief search words:…`."
    assert_quiet(fake)


async def test_autocomplete_offers_at_most_25_stories(
    bot: Bot, seeded_service: BriefingService, make_stories: Any
) -> None:
    fake = bot.fake
    cb = await fake.interact(fake.slash("brief", "show", {"story": "jap"}, focused="story"))
    assert cb.json["type"] == 8
    choices = body(cb)["choices"]
    assert choices[0]["value"] == SLUG
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)

    await make_stories(seeded_service, 30, prefix="many")
    cb = await fake.interact(fake.slash("brief", "show", {"story": "many"}, focused="story"))
    choices = body(cb)["choices"]
    assert len(choices) == 25
    assert all(c["value"].startswith("many-") for c in choices)


async def test_admin_autocomplete_works_too(bot: Bot) -> None:
    fake = bot.fake
    payload = fake.slash("brief-admin", "remove", {"target": "japan"}, focused="target", **ADMIN)
    cb = await fake.interact(payload)
    assert cb.json["type"] == 8
    assert body(cb)["choices"][0]["value"] == SLUG


async def test_list_search_help_sources_facts(bot: Bot) -> None:
    fake = bot.fake
    listed = body(await fake.interact(fake.slash("brief", "list")))
    assert listed["flags"] == EPHEMERAL
    assert SLUG in listed["embeds"][0]["description"]

    found = body(await fake.interact(fake.slash("brief", "search", {"words": "Japan defence"})))
    assert SLUG in found["embeds"][0]["description"]
    nothing = body(await fake.interact(fake.slash("brief", "search", {"words": "zzzqqq"})))
    assert "Nothing found" in nothing["embeds"][0]["description"]

    helped = body(await fake.interact(fake.slash("brief", "help")))
    text = str(helped["embeds"][0]["fields"])
    assert "/brief show story:" in text and "/brief-admin add url: [story:]" in text
    assert "`/brief-admin add` — Open a form" in text and "Add to briefings" in text
    assert "`/brief show story:japan-us-talks`" in text  # examples in Discord's own form

    sources = body(await fake.interact(fake.slash("brief", "sources", {"story": SLUG})))
    assert sources["embeds"][0]["title"].startswith("Sources:")
    facts = body(await fake.interact(fake.slash("brief", "facts", {"story": SLUG})))
    assert facts["embeds"][0]["title"].startswith("Key facts:")

    status = {"name": "digest", "type": 2, "options": [{"name": "status", "type": 1, "options": []}]}
    digest = body(
        await fake.interact(fake.interaction(2, {"id": "1", "name": "brief", "type": 1, "options": [status]}))
    )
    assert digest["embeds"][0]["title"] == "Daily digests in this channel"
    assert_quiet(fake)


async def test_read_commands_work_in_direct_messages(bot: Bot) -> None:
    fake = bot.fake
    data = body(await fake.interact(fake.slash("brief", "show", {"story": SLUG}, dm=True)))
    assert "Japan" in data["embeds"][0]["title"]
    # No channel to post to in a DM: only Sources and Key facts.
    assert custom_ids(data) == [f"brief:sources:{SLUG}", f"brief:facts:{SLUG}"]
    listed = body(await fake.interact(fake.slash("brief", "list", dm=True)))
    assert SLUG in listed["embeds"][0]["description"]


async def test_admin_commands_refused_in_direct_messages(bot: Bot) -> None:
    fake = bot.fake
    payload = fake.slash("brief-admin", "alias", {"story": SLUG, "alias": "tokyo"}, dm=True, user_id=LISTED_ADMIN)
    data = body(await fake.interact(payload))
    assert data["flags"] == EPHEMERAL
    assert "server" in data["content"]


# -- buttons ------------------------------------------------------------------------------------


async def _shown(fake: FakeDiscord, **kwargs: Any) -> dict[str, Any]:
    cb = await fake.interact(fake.slash("brief", "show", {"story": SLUG}, **kwargs))
    data = body(cb)
    message = fake.user_message("")
    message.update(
        author=message["author"] | {"id": str(fake.bot_id), "bot": True},
        components=data["components"],
        embeds=data["embeds"],
        flags=data.get("flags", 0),
    )
    return message


async def test_buttons_sources_facts_and_post(bot: Bot) -> None:
    fake = bot.fake
    message = await _shown(fake)

    sources = body(await fake.interact(fake.component(f"brief:sources:{SLUG}", message)))
    assert sources["flags"] == EPHEMERAL and sources["embeds"][0]["title"].startswith("Sources:")

    facts = body(await fake.interact(fake.component(f"brief:facts:{SLUG}", message)))
    assert facts["flags"] == EPHEMERAL and facts["embeds"][0]["title"].startswith("Key facts:")

    posted = body(await fake.interact(fake.component(f"brief:post:{SLUG}", message)))
    assert not (posted.get("flags") or 0) & EPHEMERAL
    assert "Japan" in posted["embeds"][0]["title"]
    assert custom_ids(posted) == [f"brief:sources:{SLUG}", f"brief:facts:{SLUG}"]
    assert_quiet(fake)


async def test_post_button_needs_send_messages(bot: Bot) -> None:
    fake = bot.fake
    message = await _shown(fake)
    muted = MEMBER_PERMISSIONS & ~(1 << 11)
    data = body(await fake.interact(fake.component(f"brief:post:{SLUG}", message, permissions=muted)))
    assert data["flags"] == EPHEMERAL and "cannot send messages" in data["content"]


async def test_post_button_in_a_thread_needs_send_in_threads(bot: Bot) -> None:
    fake = bot.fake
    message = await _shown(fake, channel_id=THREAD_ID)
    button = f"brief:post:{SLUG}"
    plain = body(await fake.interact(fake.component(button, message, channel_id=THREAD_ID)))
    assert "cannot send messages" in plain["content"]
    allowed = MEMBER_PERMISSIONS | (1 << 38)
    posted = body(await fake.interact(fake.component(button, message, channel_id=THREAD_ID, permissions=allowed)))
    assert not (posted.get("flags") or 0) & EPHEMERAL and posted["embeds"]


async def test_button_of_removed_story_answers_politely(bot: Bot, seeded_service: BriefingService) -> None:
    fake = bot.fake
    message = await _shown(fake)
    await seeded_service.remove(SLUG, actor=Actor(platform="console", user_id="t", is_admin=True))
    data = body(await fake.interact(fake.component(f"brief:facts:{SLUG}", message)))
    assert data["flags"] == EPHEMERAL and "No story matches" in data["content"]


async def test_button_clicks_report_their_outcome(bot: Bot, seeded_service: BriefingService) -> None:
    from bot.run_discord import meter_client
    from briefings.metrics import Metrics
    from tests.bot.test_metrics import value

    metrics = Metrics()
    meter_client(bot.client, metrics)
    count = bot.client.handlers.on_outcome
    assert count is not None
    settled: asyncio.Queue[str] = asyncio.Queue()

    def counted(name: str, outcome: str, seconds: float) -> None:  # the response is sent before the count
        count(name, outcome, seconds)
        settled.put_nowait(outcome)

    bot.client.handlers.on_outcome = counted
    fake = bot.fake
    message = await _shown(fake)
    await fake.interact(fake.component(f"brief:sources:{SLUG}", message))
    assert await asyncio.wait_for(settled.get(), 10) == "ok"
    await seeded_service.remove(SLUG, actor=Actor(platform="console", user_id="t", is_admin=True))
    await fake.interact(fake.component(f"brief:facts:{SLUG}", message))
    assert await asyncio.wait_for(settled.get(), 10) == "refused"
    totals = {
        outcome: value(metrics, "briefbot_commands_total", platform="discord", command="button", outcome=outcome)
        for outcome in ("ok", "refused", "error")
    }
    assert totals == {"ok": 1, "refused": 1, "error": 0}


# -- admin commands -----------------------------------------------------------------------------


async def test_add_url_defers_then_edits_original(bot: Bot, article_url: str, seeded_service: BriefingService) -> None:
    fake = bot.fake
    payload = fake.slash("brief-admin", "add", {"url": article_url}, **ADMIN)
    start = len(fake.requests)
    cb = await fake.interact(payload)
    assert cb.json["type"] == 5 and body(cb)["flags"] == EPHEMERAL
    edit = await fake.followup(payload, start=start)
    assert edit.method == "PATCH" and edit.path.endswith("/messages/@original")
    assert "Lisbon" in edit.json["content"] and "Started a new story" in edit.json["content"]
    assert edit.json["allowed_mentions"] == NO_MENTIONS
    stories = await seeded_service.list_stories(10)
    assert any("Lisbon" in s.title for s in stories)
    log = await seeded_service.admin_log(5)
    assert log[0].actor.startswith(f"discord:{ADMIN['user_id']}")


async def test_add_url_fetch_error_edits_original_politely(bot: Bot) -> None:
    fake = bot.fake
    payload = fake.slash("brief-admin", "add", {"url": "ftp://example.invalid/x"}, **ADMIN)
    start = len(fake.requests)
    assert (await fake.interact(payload)).json["type"] == 5
    edit = await fake.followup(payload, start=start)
    assert edit.json["content"] and edit.json["allowed_mentions"] == NO_MENTIONS


async def test_non_admin_is_refused_on_our_side(bot: Bot, seeded_service: BriefingService, article_url: str) -> None:
    fake = bot.fake
    for payload in (
        fake.slash("brief-admin", "add", {"url": article_url}),
        fake.slash("brief-admin", "add"),
        fake.slash("brief-admin", "remove", {"target": SLUG}),
        fake.slash("brief-admin", "rename", {"story": SLUG, "new": "other"}),
        fake.slash("brief-admin", "alias", {"story": SLUG, "alias": "other"}),
        fake.context_menu("Add to briefings", fake.user_message(f"read {article_url}")),
    ):
        cb = await fake.interact(payload)
        assert cb.json["type"] == 4, payload["data"]
        assert body(cb)["flags"] == EPHEMERAL
        assert "only Briefbot admins" in body(cb)["content"]
    assert [s.slug for s in await seeded_service.list_stories()] == [SLUG]
    assert_quiet(fake)


async def test_listed_admin_without_manage_server_may_act(bot: Bot, seeded_service: BriefingService) -> None:
    fake = bot.fake
    payload = fake.slash("brief-admin", "alias", {"story": SLUG, "alias": "tokyo-talks"}, user_id=LISTED_ADMIN)
    data = body(await fake.interact(payload))
    assert "`tokyo-talks` now opens" in data["content"]
    assert (await seeded_service.brief("tokyo-talks")).story.slug == SLUG


async def test_rename_and_remove(bot: Bot, seeded_service: BriefingService) -> None:
    fake = bot.fake
    renamed = body(await fake.interact(fake.slash("brief-admin", "rename", {"story": SLUG, "new": "jp-us"}, **ADMIN)))
    assert "Renamed" in renamed["content"] and "`jp-us`" in renamed["content"]
    taken = body(await fake.interact(fake.slash("brief-admin", "alias", {"story": "jp-us", "alias": SLUG}, **ADMIN)))
    assert "already taken" in taken["content"]
    removed = body(await fake.interact(fake.slash("brief-admin", "remove", {"target": "jp-us"}, **ADMIN)))
    assert "Removed the story" in removed["content"]
    assert await seeded_service.list_stories() == []
    assert_quiet(fake)


async def test_add_without_url_opens_modal_and_submit_adds(bot: Bot, seeded_service: BriefingService) -> None:
    fake = bot.fake
    cb = await fake.interact(fake.slash("brief-admin", "add", **ADMIN))
    assert cb.json["type"] == 9
    modal = body(cb)
    assert modal["title"] == "Add an article"
    inputs = [c["custom_id"] for row in modal["components"] for c in row["components"]]
    assert inputs == ["title", "url", "story", "text"]

    submit = fake.modal_submit(
        modal["custom_id"],
        {"title": "Lisbon approves rail line", "url": "", "story": "lisbon-rail", "text": ARTICLE},
        **ADMIN,
    )
    start = len(fake.requests)
    cb = await fake.interact(submit)
    assert cb.json["type"] == 5
    edit = await fake.followup(submit, start=start)
    assert "`lisbon-rail`" in edit.json["content"]
    assert (await seeded_service.brief("lisbon-rail")).story.title == "Lisbon approves rail line"


async def test_modal_submit_without_text_or_url_is_refused(bot: Bot) -> None:
    fake = bot.fake
    modal = body(await fake.interact(fake.slash("brief-admin", "add", **ADMIN)))
    submit = fake.modal_submit(modal["custom_id"], {"title": "x", "url": "", "story": "", "text": ""}, **ADMIN)
    data = body(await fake.interact(submit))
    assert data["flags"] == EPHEMERAL and "Paste the article" in data["content"]


async def test_context_menu_adds_linked_article(bot: Bot, article_url: str, seeded_service: BriefingService) -> None:
    fake = bot.fake
    message = fake.user_message(f"Worth a read: <{article_url}> @everyone")
    payload = fake.context_menu("Add to briefings", message, **ADMIN)
    start = len(fake.requests)
    assert (await fake.interact(payload)).json["type"] == 5
    edit = await fake.followup(payload, start=start)
    assert "Lisbon" in edit.json["content"]

    no_link = fake.context_menu("Add to briefings", fake.user_message("no link here"), **ADMIN)
    data = body(await fake.interact(no_link))
    assert "no link" in data["content"]
    assert_quiet(fake)


# -- safety --------------------------------------------------------------------------------------


async def test_mention_injection_never_pings(bot: Bot, seeded_service: BriefingService) -> None:
    fake = bot.fake
    missing = body(await fake.interact(fake.slash("brief", "show", {"story": "zz @everyone <@123>"})))
    assert "No story matches" in missing["content"]
    assert "@everyone" not in missing["content"] and "<@123>" not in missing["content"]
    hostile = "@everyone @here <@123> <@&456> <#789>"
    text = (
        f"{hostile} The harbour authority of Valparaíso said on Monday that a crane collapse "
        "had closed two berths. Officials expect the berths to reopen within three weeks. "
        f"Workers' unions asked for an inquiry into maintenance {hostile}. The port handles a "
        "quarter of Chile's container traffic and exporters warned of delays to fruit shipments."
    )
    admin = Actor(platform="console", user_id="t", is_admin=True)
    result = await seeded_service.add_text(
        text, actor=admin, title=f"{hostile} crane collapse", story="valparaiso-crane"
    )
    assert result.story.slug == "valparaiso-crane"

    data = body(await fake.interact(fake.slash("brief", "show", {"story": "valparaiso-crane"})))
    dumped = json.dumps(data["embeds"], ensure_ascii=False)
    for raw in ("@everyone", "@here", "<@123>", "<@&456>", "<#789>"):
        assert raw not in dumped, raw
    assert "@\u200beveryone" in dumped
    await fake.interact(fake.slash("brief", "search", {"words": "crane"}))
    await fake.interact(fake.slash("brief", "list"))
    assert_quiet(fake)


async def test_story_hitting_every_embed_limit(bot: Bot, seeded_service: BriefingService) -> None:
    fake = bot.fake
    brief = await seeded_service.brief(SLUG)
    huge = brief.model_copy(deep=True)
    huge.story.title = "T" * 400
    huge.tldr = "tldr " * 900
    huge.summary = ["sentence " * 200] * 5
    for attr in ("people", "organizations", "places", "dates", "figures"):
        facts = getattr(huge.facts, attr) or brief.facts.people
        setattr(
            huge.facts, attr, [f.model_copy(update={"text": "N" * 300, "detail": "D" * 900}) for f in (facts * 40)[:40]]
        )
    huge.sources = [
        s.model_copy(update={"title": "S" * 500, "url": f"https://example.com/{i}"})
        for i, s in enumerate((brief.sources * 80)[:80])
    ]
    huge.aliases = [f"alias-{i}" for i in range(300)]
    row = await seeded_service.store.story_by_ref(SLUG)
    assert row is not None
    async with seeded_service.store.transaction():
        await seeded_service.store.save_brief(row.id, huge, huge.updated_at)

    for command in ("show", "facts", "sources"):
        data = body(await fake.interact(fake.slash("brief", command, {"story": SLUG})))
        [embed] = data["embeds"]
        assert limits.violations(embed) == []
        assert len(embed["title"]) <= limits.TITLE
        assert len(embed.get("description") or "") <= limits.DESCRIPTION
        assert len(embed.get("fields") or []) <= limits.FIELDS
        assert all(len(f["name"]) <= 256 and len(f["value"]) <= 1024 for f in embed.get("fields") or [])
        assert len(embed["footer"]["text"]) <= limits.FOOTER
        assert limits.embed_size(embed) <= limits.TOTAL
    shown = body(await fake.interact(fake.slash("brief", "show", {"story": SLUG})))["embeds"][0]
    assert shown["title"].endswith("…")
    assert shown["fields"][-1]["name"] == "More"
    assert limits.embed_size(shown) > 5000  # it was trimmed, not emptied


async def test_unexpected_error_is_logged_and_answered(
    bot: Bot, seeded_service: BriefingService, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(seeded_service, "list_stories", boom)
    with caplog.at_level(logging.ERROR, logger="adapters.discord"):
        data = body(await bot.fake.interact(bot.fake.slash("brief", "list")))
    assert data["flags"] == EPHEMERAL and "something went wrong" in data["content"]
    assert "database on fire" not in data["content"]
    assert any("database on fire" in (r.exc_text or "") or r.exc_info for r in caplog.records)


# -- sync and rate limits ------------------------------------------------------------------------


async def test_tree_sync_payloads(bot: Bot) -> None:
    fake = bot.fake
    await sync_commands(bot.client.tree, None)  # type: ignore[arg-type]
    put = fake.find("PUT", rf"^/applications/{fake.app_id}/commands$")[-1]
    commands = {c["name"]: c for c in put.json}
    assert set(commands) == {"brief", "brief-admin", "Add to briefings"}

    brief = commands["brief"]
    assert brief.get("default_member_permissions") is None
    assert sorted(brief["contexts"]) == [0, 1]
    subs = {o["name"]: o for o in brief["options"]}
    assert {"show", "list", "search", "help", "sources", "facts", "digest"} <= set(subs)
    story = subs["show"]["options"][0]
    assert story["name"] == "story" and story["required"] and story["autocomplete"]

    admin = commands["brief-admin"]
    assert str(admin["default_member_permissions"]) == "32"  # Manage Server
    assert admin["contexts"] == [0]
    admin_subs = {o["name"]: o for o in admin["options"]}
    assert set(admin_subs) == {"add", "remove", "rename", "alias", "merge", "move", "digest", "feed"}
    merge = {o["name"]: o for o in admin_subs["merge"]["options"]}
    assert [(n, o["type"], o["required"], o.get("autocomplete")) for n, o in merge.items()] == [
        ("story", 3, True, True), ("into", 3, True, True)
    ]
    move = {o["name"]: o for o in admin_subs["move"]["options"]}
    assert [(n, o["type"], o["required"], bool(o.get("autocomplete"))) for n, o in move.items()] == [
        ("article", 4, True, False), ("story", 3, False, True), ("new_story", 3, False, False)
    ]
    assert move["article"]["min_value"] == 1 and move["new_story"]["max_length"] == 64
    assert {o["name"] for o in admin_subs["digest"]["options"]} == {"on", "off"}
    assert {o["name"] for o in subs["digest"]["options"]} == {"status", "preview"}
    feed = {o["name"]: o for o in admin_subs["feed"]["options"]}
    assert set(feed) == {"add", "list", "remove", "pause", "resume"}
    assert [(o["name"], o["required"]) for o in feed["add"]["options"]] == [
        ("url", True), ("story", False), ("every", False), ("name", False)
    ]
    assert [(o["name"], o["type"], o["min_value"]) for o in feed["remove"]["options"]] == [("id", 4, 1)]
    assert [o["required"] for o in admin_subs["add"]["options"]] == [False, False]

    menu = commands["Add to briefings"]
    assert menu["type"] == 3 and str(menu["default_member_permissions"]) == "32" and menu["contexts"] == [0]

    await sync_commands(bot.client.tree, fake.guild_id)  # type: ignore[arg-type]
    guild_put = fake.find("PUT", rf"^/applications/{fake.app_id}/guilds/{fake.guild_id}/commands$")[-1]
    assert {c["name"] for c in guild_put.json} == set(commands)


async def test_rate_limited_callback_is_retried(bot: Bot, no_sleep: Any) -> None:
    fake = bot.fake
    fake.fail_next("POST", r"^/interactions/\d+/[^/]+/callback$", status=429, retry_after=2.5)
    cb = await fake.interact(fake.slash("brief", "show", {"story": SLUG}))
    assert cb.status == 200 and body(cb)["embeds"]
    statuses = [r.status for r in fake.find("POST", r"/callback$")]
    assert statuses == [429, 200]
    assert 2.5 in no_sleep.delays


async def test_server_error_on_edit_is_retried(bot: Bot, no_sleep: Any, article_url: str) -> None:
    fake = bot.fake
    fake.fail_next("PATCH", r"/messages/@original$", status=500, times=2)
    payload = fake.slash("brief-admin", "add", {"url": article_url}, **ADMIN)
    start = len(fake.requests)
    await fake.interact(payload)
    edit = await fake.followup(payload, start=start)
    assert "Lisbon" in edit.json["content"]
    assert [r.status for r in fake.find("PATCH", r"/messages/@original$")] == [500, 500, 200]
    assert no_sleep.delays[:2] == [1, 3]


def test_first_url_finds_the_link_in_a_message() -> None:
    assert first_url("see <https://example.com/a?b=1>.") == "https://example.com/a?b=1"
    assert first_url("(https://example.com/x), then http://other.example") == "https://example.com/x"
    assert first_url("no link, just example.com") is None
    assert first_url(None) is None
