"""Slugs and the shared `/brief` grammar."""

from __future__ import annotations

import pytest

from briefings.commands import help_entries, parse_command
from briefings.errors import InvalidInput
from briefings.slugs import close_matches, slugify, validate_slug


def test_slugify_is_short_and_valid() -> None:
    slug = slugify("Japan Cancels Key Security Talks with the U.S. Amidst Rising Defense Spending Demands")
    assert slug == "japan-cancels-key-security-talks"
    assert validate_slug(slugify("Ça va? Élections 2025 — résultats")) == "ca-va-elections-2025-resultats"
    assert slugify("!!!") == "story" and slugify("2025") == "story-2025"


@pytest.mark.parametrize("bad", ["", "A", "a b", "a_b", "x" * 65, "42", "help"])
def test_invalid_slugs(bad: str) -> None:
    with pytest.raises(InvalidInput):
        validate_slug(bad)


def test_close_matches() -> None:
    names = ["japan-us-talks", "heatwave-europe", "uk-election"]
    assert close_matches("japan-talks", names)[0] == "japan-us-talks"
    assert close_matches("zzz", names) == []


@pytest.mark.parametrize(
    "text,name,args",
    [
        ("", "list", []),
        ("list", "list", []),
        ("help", "help", []),
        ("search defence spending", "search", ["defence", "spending"]),
        ("add https://x.example/a japan", "add", ["https://x.example/a", "japan"]),
        ("add", "add", []),
        ("remove 12", "remove", ["12"]),
        ("rename a b", "rename", ["a", "b"]),
        ("alias a b", "alias", ["a", "b"]),
        ("japan-us-talks", "show", ["japan-us-talks"]),
        ("japan talks", "show", ["japan", "talks"]),
        ("digest on 08:30 Asia/Tokyo", "digest", ["on", "08:30", "Asia/Tokyo"]),
        ("SOURCES japan-us-talks", "sources", ["japan-us-talks"]),
    ],
)
def test_parse_command(text: str, name: str, args: list[str]) -> None:
    cmd = parse_command(text)
    assert (cmd.name, cmd.args) == (name, args)


@pytest.mark.parametrize("text", ["search", "rename a", "alias a", "remove", "remove a b"])
def test_wrong_arity_gives_usage(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_command(text)


def test_help_covers_every_subcommand() -> None:
    usages = " ".join(e.usage for e in help_entries())
    for word in ("list", "search", "add", "remove", "rename", "alias", "digest", "help"):
        assert f"/brief {word}" in usages
