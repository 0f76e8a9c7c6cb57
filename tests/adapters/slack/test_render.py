"""The pure Block Kit renderer: shape, escaping, and every Block Kit limit on a huge story."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.slack.escape import clip, escape, link, mention, safe_url
from adapters.slack.render import (
    Message,
    render_added,
    render_brief,
    render_error,
    render_facts,
    render_help,
    render_not_found,
    render_search,
    render_sources,
    render_story_list,
)
from briefings.commands import help_entries
from briefings.errors import InvalidInput, NotFound
from briefings.models import (
    AddResult,
    Brief,
    Fact,
    KeyFacts,
    SearchHit,
    Source,
    StoryRef,
    StorySummary,
)

WHEN = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
EVIL = "<!channel> <!here> <@U123> &lt; <https://evil.example|click> *x*"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def make_brief(*, n_facts: int = 2, n_sources: int = 2, size: int = 1, text: str = "") -> Brief:
    """Build a brief; ``size`` multiplies every string, ``text`` is mixed into every string."""

    def s(base: str) -> str:
        return (f"{base} {text} " * size).strip()

    def facts(kind: Any) -> list[Fact]:
        return [Fact(kind=kind, text=s(f"{kind} {i}"), detail=s("detail"), sentence=s("sentence"))
                for i in range(n_facts)]

    return Brief(
        story=StoryRef(slug="japan-us-talks", title=s("Japan cancels talks")),
        headline=s("Headline"),
        tldr=s("Japan called off the 2+2 meeting."),
        summary=[s(f"Summary sentence {i}.") for i in range(5)],
        facts=KeyFacts(what=s("What happened"), people=facts("person"), dates=facts("date"),
                       figures=facts("figure"), places=facts("place"),
                       organizations=facts("organization")),
        sources=[Source(article_id=i, title=s(f"Article {i}"), outlet=s("Reuters"),
                        url=f"https://news.example/{i}?a=1&b=2", published=WHEN)
                 for i in range(n_sources)],
        aliases=["talks"],
        updated_at=WHEN,
        article_count=n_sources,
    )


def walk(node: Any, path: str = "") -> list[tuple[str, Any]]:
    """Return every (path, dict) pair of a JSON tree."""
    found = []
    if isinstance(node, dict):
        found.append((path, node))
        for k, v in node.items():
            found += walk(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += walk(v, f"{path}[{i}]")
    return found


def assert_within_limits(message: Message) -> None:
    """Check every Block Kit limit on the rendered JSON (not trusting slack_sdk's partial checks)."""
    blocks = message.block_dicts()
    assert 1 <= len(blocks) <= 50
    assert message.text and len(message.text) <= 3000
    for block in blocks:
        kind = block["type"]
        if kind == "header":
            assert block["text"]["type"] == "plain_text"
            assert 1 <= len(block["text"]["text"]) <= 150
        if kind == "section":
            if "text" in block:
                assert 1 <= len(block["text"]["text"]) <= 3000
            fields = block.get("fields") or []
            assert len(fields) <= 10
            assert all(len(f["text"]) <= 2000 for f in fields)
            assert "text" in block or fields
        if kind == "context":
            assert 1 <= len(block["elements"]) <= 10
            assert all(len(e["text"]) <= 3000 for e in block["elements"])
        if kind == "actions":
            assert 1 <= len(block["elements"]) <= 25
    for _, node in walk(blocks):
        if node.get("type") == "button":
            assert len(node["text"]["text"]) <= 75
            assert len(node.get("value", "")) <= 2000
            assert len(node["action_id"]) <= 255
    _dumps(blocks)


def test_brief_card_shape() -> None:
    msg = render_brief(make_brief())
    blocks = msg.block_dicts()
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text",
                                                    "text": "Japan cancels talks"}}
    text = _dumps(blocks)
    assert "*TL;DR* Japan called off" in text
    assert "• Summary sentence 0." in text
    fields = next(b["fields"] for b in blocks if b.get("fields"))
    assert [f["text"].split("\n")[0] for f in fields] == [
        "*People*", "*Dates*", "*Figures*", "*Places*", "*Organisations*"]
    assert "<https://news.example/0?a=1&amp;b=2|Article 0> — Reuters, 20 Jun 2025" in text
    context = next(b for b in blocks if b["type"] == "context")
    assert "Updated 20 Jun 2025 09:00 UTC" in _dumps(context)
    assert "`japan-us-talks`" in _dumps(context)
    actions = blocks[-1]
    assert [e["text"]["text"] for e in actions["elements"]] == [
        "Share to channel", "Sources", "Key facts only"]
    assert msg.text.startswith("Japan cancels talks: ")
    assert_within_limits(msg)


def test_shared_card_names_the_sharer_and_has_no_share_button() -> None:
    msg = render_brief(make_brief(), shared_by="U0MEMBER")
    text = _dumps(msg.block_dicts())
    assert "shared by <@U0MEMBER>" in text
    assert "brief_share" not in text and "brief_sources" in text
    assert "<@" not in render_brief(make_brief(), shared_by="<!channel>").block_dicts().__repr__()


@pytest.mark.parametrize("size", [1, 40, 400])
def test_huge_story_respects_every_limit(size: int) -> None:
    brief = make_brief(n_facts=60, n_sources=300, size=size, text="A&B <c>")
    for render in (render_brief, render_sources, render_facts):
        assert_within_limits(render(brief))


def test_huge_story_is_trimmed_with_more_pointers() -> None:
    brief = make_brief(n_facts=80, n_sources=300, size=10)
    card = _dumps(render_brief(brief).block_dicts())
    assert "more: `/brief sources japan-us-talks`" in card
    assert "more: `/brief facts japan-us-talks`" in card
    sources = render_sources(brief).block_dicts()
    assert len(sources) == 50
    assert "more sources not shown" in _dumps(sources)
    header = render_brief(make_brief(size=50)).block_dicts()[0]["text"]["text"]
    assert len(header) == 150 and header.endswith("…")


def test_untrusted_text_is_inert_everywhere() -> None:
    brief = make_brief(text=EVIL)
    for msg in (render_brief(brief), render_facts(brief), render_sources(brief)):
        dumped = _dumps(msg.block_dicts()) + msg.text
        for raw in ("<!channel>", "<!here>", "<@U123>", "<https://evil.example|click>"):
            assert raw not in dumped
        assert "&lt;!channel&gt;" in dumped
        assert "&amp;lt;" in dumped  # a literal "&lt;" in the article shows as "&lt;"
        assert "&lt;" in msg.text and "<!" not in msg.text


def test_lists_search_and_errors_escape_input() -> None:
    stories = [StorySummary(slug="s-1", title=EVIL, tldr=EVIL, article_count=1,
                            created_at=WHEN, updated_at=WHEN)]
    hits = [SearchHit(slug="s-1", title=EVIL, snippet=EVIL, score=1.0, updated_at=WHEN)]
    for msg in (render_story_list(stories), render_search(EVIL, hits),
                render_search(EVIL, []), render_error(InvalidInput(f"bad '{EVIL}'")),
                render_not_found(NotFound(f"No story matches '{EVIL}'.", ["s-1"]))):
        dumped = _dumps(msg.block_dicts()) + msg.text
        assert "<!channel>" not in dumped and "<@U123>" not in dumped
        assert_within_limits(msg)


def test_many_list_entries_stay_under_50_blocks() -> None:
    stories = [StorySummary(slug=f"s-{i}", title="t" * 500, tldr="x" * 5000, article_count=1,
                            created_at=WHEN, updated_at=WHEN) for i in range(80)]
    assert_within_limits(render_story_list(stories))


def test_not_found_buttons() -> None:
    msg = render_not_found(NotFound("No story matches 'x'. Did you mean: a-b, c-d?", ["a-b", "c-d"]))
    actions = msg.block_dicts()[-1]
    assert [(e["value"], e["action_id"]) for e in actions["elements"]] == [
        ("a-b", "brief_show:0"), ("c-d", "brief_show:1")]


def test_help_and_added() -> None:
    assert_within_limits(render_help(help_entries()))
    added = render_added(AddResult(story=StoryRef(slug="s", title="T"), article_id=7,
                                   created_story=True, title="<!here>"))
    dumped = _dumps(added.block_dicts())
    assert "brief_undo" in dumped and '"value": "7"' in dumped and "<!here>" not in dumped


def test_escape_helpers() -> None:
    assert escape("a & <b> ") == "a &amp; &lt;b&gt; "
    assert clip("&&&&", 10) == "&amp;…"  # never a half entity
    assert len(clip("x" * 5000, 3000)) == 3000
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://a.example/x|y>z") == "https://a.example/x%7Cy&gt;z"
    assert link("https://a.example", "T|<b>") == "<https://a.example|T¦&lt;b&gt;>"
    assert link(None, "<!here>") == "&lt;!here&gt;"
    assert mention("U0ABC") == "<@U0ABC>" and mention("<!channel>") == "&lt;!channel&gt;"
