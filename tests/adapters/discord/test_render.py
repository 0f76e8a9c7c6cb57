"""Rendering is pure: engine models in, embeds, views and text out."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from adapters.discord import limits, render
from briefings.errors import InvalidInput, NotFound
from briefings.models import (
    AddResult,
    Brief,
    Fact,
    KeyFacts,
    RemoveResult,
    SearchHit,
    Source,
    StoryRef,
    StorySummary,
)

WHEN = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)


def make_brief(**changes: object) -> Brief:
    """A small, realistic brief."""
    brief = Brief(
        story=StoryRef(slug="japan-us-talks", title="Japan cancels security talks with the US"),
        headline="Japan cancels security talks with the US",
        tldr="Japan called off a 2+2 meeting after a US defence spending request.",
        summary=["Japan cancelled the July 1 meeting.", "The US asked for 3.5% of GDP."],
        facts=KeyFacts(
            what="Japan cancelled talks",
            people=[Fact(kind="person", text="Shigeru Ishiba", detail="Prime Minister of Japan", sentence="s")],
            dates=[Fact(kind="date", text="July 1", detail="the cancelled meeting", value="2025-07-01", sentence="s")],
            figures=[Fact(kind="figure", text="3.5% of GDP", detail="defence spending request", sentence="s")],
            places=[Fact(kind="place", text="Tokyo", sentence="s")],
            organizations=[Fact(kind="organization", text="Pentagon", sentence="s")],
        ),
        sources=[
            Source(
                article_id=1, title="Japan scraps talks", outlet="FT", url="https://example.com/ft(1)", published=WHEN
            ),
            Source(article_id=2, title="No link [here]", outlet=None, url=None),
        ],
        aliases=["2plus2"],
        updated_at=WHEN,
        article_count=2,
    )
    return brief.model_copy(update=changes)


def test_render_brief_layout() -> None:
    data = render.render_brief(make_brief()).to_dict()
    assert data["title"] == "Japan cancels security talks with the US"
    assert data["url"] == "https://example.com/ft(1)"
    assert data["description"].startswith("**TL;DR** Japan called off")
    assert "• Japan cancelled the July 1 meeting." in data["description"]
    fields = {f["name"]: f["value"] for f in data["fields"]}
    assert fields["People"] == "**Shigeru Ishiba** — Prime Minister of Japan"
    assert fields["Dates"] == "**July 1** — the cancelled meeting"
    assert fields["Figures"].startswith("**3.5% of GDP**")
    assert fields["Places"] == "Tokyo" and fields["Organisations"] == "Pentagon"
    # Parentheses in the URL are encoded so the masked link stays intact; brackets in titles too.
    assert "[Japan scraps talks](https://example.com/ft%281%29) · FT, 2025-06-20" in fields["Sources (2)"]
    assert "No link \\[here]" in fields["Sources (2)"]
    assert fields["Also known as"] == "`2plus2`"
    assert data["footer"]["text"] == "Updated 2025-06-20 09:00 UTC · japan-us-talks · 2 articles"
    assert data["timestamp"].startswith("2025-06-20T09:00")
    assert limits.violations(data) == []


def test_render_escapes_untrusted_text() -> None:
    hostile = "**bold** @everyone <@123> <@&456> [x](https://evil.example) [y](https://b.example)"
    data = render.render_brief(make_brief(tldr=hostile, summary=[hostile])).to_dict()
    assert "@everyone" not in data["description"] and "@\u200beveryone" in data["description"]
    assert "<@123>" not in data["description"] and "<@&456>" not in data["description"]
    assert "\\*\\*bold\\*\\*" in data["description"]
    assert re.findall(r"(?<!\\)\[", data["description"]) == []  # no live masked link
    assert "\\[x](" in data["description"]


def test_render_facts_and_sources() -> None:
    facts = render.render_facts(make_brief()).to_dict()
    assert facts["title"].startswith("Key facts: ") and facts["description"] == "Japan cancelled talks"
    empty = render.render_facts(make_brief(facts=KeyFacts())).to_dict()
    assert "No key facts" in empty["description"]
    sources = render.render_sources(make_brief()).to_dict()
    assert sources["description"].splitlines()[0].startswith("1. [Japan scraps talks]")


def test_render_view_buttons() -> None:
    view = render.render_brief_view("japan-us-talks", postable=True)
    rows = view.to_components()
    ids = [c["custom_id"] for row in rows for c in row["components"]]
    labels = [c["label"] for row in rows for c in row["components"]]
    assert ids == ["brief:post:japan-us-talks", "brief:sources:japan-us-talks", "brief:facts:japan-us-talks"]
    assert labels == ["Post to channel", "Sources", "Key facts only"]
    assert view.timeout is None
    long_slug = "a" * 64
    ids = [
        c["custom_id"]
        for row in render.render_brief_view(long_slug, postable=False).to_components()
        for c in row["components"]
    ]
    assert all(len(i) <= limits.CUSTOM_ID for i in ids) and len(ids) == 2


def test_render_list_search_help_and_texts() -> None:
    story = StorySummary(
        slug="a-story", title="A story", tldr="Short.", article_count=1, created_at=WHEN, updated_at=WHEN
    )
    listed = render.render_list([story]).to_dict()
    assert "`a-story`" in listed["description"] and f"<t:{int(WHEN.timestamp())}:R>" in listed["description"]
    assert "No stories yet" in render.render_list([]).to_dict()["description"]
    hit = SearchHit(slug="a-story", title="A story", snippet="…the snippet…", score=1.0, updated_at=WHEN)
    assert "`a-story`" in render.render_search("snippet", [hit]).to_dict()["description"]
    helped = render.render_help(
        [render.HelpLine("/brief list", "List."), render.HelpLine("/brief-admin add", "Add.", admin=True)]
    ).to_dict()
    assert [f["name"] for f in helped["fields"]][0] == "Commands"
    assert "Admin" in helped["fields"][1]["name"]

    long = StorySummary(slug="s" * 64, title="T" * 200, article_count=1, created_at=WHEN, updated_at=WHEN)
    assert len(render.render_choice_name(long)) <= limits.CHOICE_NAME
    assert render.render_choice_name(story) == "A story (a-story)"

    ref = StoryRef(slug="a-story", title="A story")
    added = render.render_added(AddResult(story=ref, article_id=7, created_story=True, title="@everyone"))
    assert "Started a new story" in added and "@everyone" not in added
    assert "Already stored" in render.render_added(
        AddResult(story=ref, article_id=7, created_story=False, duplicate=True, title="x")
    )
    assert "Removed the story" in render.render_removed(
        RemoveResult(kind="story", story=ref, articles_removed=2, story_removed=True)
    )
    assert "last article" in render.render_removed(
        RemoveResult(kind="article", story=ref, article_id=3, articles_removed=1, story_removed=True)
    )
    assert "Removed the story" in render.render_removed(
        RemoveResult(kind="story", story=ref, articles_removed=1, story_removed=True)
    ) and "its 1 article." in render.render_removed(
        RemoveResult(kind="story", story=ref, articles_removed=1, story_removed=True)
    )
    assert render.render_not_found(NotFound("No story matches 'x'.", ["a-story", "b-story"])) == (
        "No story matches 'x'. Closest matches: `a-story`, `b-story`"
    )
    assert render.render_error(NotFound("No story matches 'x'.", hints=("list", "search"))) == (
        "No story matches 'x'. Try `/brief list` or `/brief search words:…`."
    )
    assert render.render_error(InvalidInput("No link.", hints=("paste_text",))).startswith(
        "No link. Try `/brief-admin add` (leave url empty"
    )
    assert len(render.render_error(InvalidInput("e" * 5000))) <= limits.CONTENT
