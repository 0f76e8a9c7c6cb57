"""Discord limits: clipping, line lists, fitting embeds and grouping them into messages."""

from __future__ import annotations

import discord

from adapters.discord import limits


def test_clip_keeps_short_text_and_marks_cuts() -> None:
    assert limits.clip("short", 10) == "short"
    assert limits.clip(None, 10) == ""
    cut = limits.clip("x" * 300, 256)
    assert len(cut) == 256 and cut.endswith("…")
    # A cut in the middle of an escape does not leave a lone backslash.
    escaped = limits.clip("a" * 8 + "\\*" * 10, 10)
    assert len(escaped) <= 10 and not escaped[:-1].endswith("\\")


def test_clip_lines_adds_a_more_pointer() -> None:
    lines = [f"line {i} " + "x" * 90 for i in range(30)]
    text = limits.clip_lines(lines, 1024)
    assert len(text) <= 1024
    assert text.splitlines()[-1].startswith("…and ")
    kept = len(text.splitlines()) - 1
    assert text.splitlines()[-1] == f"…and {30 - kept} more"
    assert limits.clip_lines(["a", "b"], 1024) == "a\nb"
    assert limits.clip_lines(["Tokyo", "Osaka", "Kyoto"], 20, sep=", ") == "Tokyo, …and 2 more"
    assert len(limits.clip_lines(["y" * 5000], 1024)) <= 1024


def test_fit_embed_enforces_every_limit() -> None:
    embed = discord.Embed(title="t" * 300, description="d" * 5000, url="https://example.com/a")
    embed.set_author(name="a" * 300)
    embed.set_footer(text="f" * 3000)
    for i in range(30):
        embed.add_field(name="n" * 300, value="v" * 1100, inline=bool(i % 2))
    fitted = limits.fit_embed(embed, more="See the Sources button.")
    data = fitted.to_dict()
    assert limits.violations(data) == []
    assert len(data["title"]) == limits.TITLE
    assert len(data["author"]["name"]) == limits.AUTHOR
    assert len(data["footer"]["text"]) == limits.FOOTER
    assert len(data["fields"]) <= limits.FIELDS
    assert data["fields"][-1] == {"name": "More", "value": "See the Sources button.", "inline": False}
    assert len(fitted) <= limits.TOTAL
    assert data["url"] == "https://example.com/a"


def test_fit_embed_keeps_small_embeds_and_drops_bad_urls() -> None:
    embed = discord.Embed(title="Hello", description="World", url="javascript:alert(1)")
    embed.add_field(name="", value="", inline=False)
    data = limits.fit_embed(embed).to_dict()
    assert data["title"] == "Hello" and data["description"] == "World"
    assert "url" not in data
    assert data["fields"] == [{"name": limits.BLANK, "value": limits.BLANK, "inline": False}]


def test_fit_embed_caps_field_count_without_pointer() -> None:
    embed = discord.Embed(title="x")
    for i in range(40):
        embed.add_field(name=str(i), value="v")
    data = limits.fit_embed(embed).to_dict()
    assert len(data["fields"]) == 25 and data["fields"][-1]["name"] == "24"


def test_violations_reports_breaches() -> None:
    bad = {"title": "t" * 257, "fields": [{"name": "", "value": "v" * 1025}] * 26}
    found = limits.violations(bad)
    assert any(f.startswith("title") for f in found)
    assert any(f.startswith("fields 26") for f in found)
    assert any("is empty" in f for f in found)
    assert any(f.startswith("total") for f in found)


def test_chunk_embeds_respects_count_and_total() -> None:
    big = [discord.Embed(description="d" * 4000) for _ in range(3)]
    assert [len(c) for c in limits.chunk_embeds(big)] == [1, 1, 1]
    small = [discord.Embed(title=str(i)) for i in range(23)]
    assert [len(c) for c in limits.chunk_embeds(small)] == [10, 10, 3]
    assert limits.chunk_embeds([]) == []


def test_safe_url() -> None:
    assert limits.safe_url("https://example.com/a?b=c") == "https://example.com/a?b=c"
    assert limits.safe_url("http://x") == "http://x"
    for bad in (None, "", "ftp://x", "javascript:alert(1)", "https://a b", "https://x/" + "a" * 3000):
        assert limits.safe_url(bad) is None
