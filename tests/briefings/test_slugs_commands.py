"""Slugs and the shared `/brief` grammar."""

from __future__ import annotations

import pytest

from briefings.commands import HELP_ACTIONS, MoveRequest, UsageError, help_entries, parse_command, parse_move
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
        ("merge a b", "merge", ["a", "b"]),
        ("move 12 a", "move", ["12", "a"]),
        ("move 12 new a", "move", ["12", "new", "a"]),
    ],
)
def test_parse_command(text: str, name: str, args: list[str]) -> None:
    cmd = parse_command(text)
    assert (cmd.name, cmd.args) == (name, args)


@pytest.mark.parametrize(
    "text,actions",
    [("search", ("search",)), ("rename a", ("rename",)), ("alias a", ("alias",)), ("remove", ("remove",)),
     ("remove a b", ("remove",)), ("add a b c", ("add_url", "add_form")), ("merge a", ("merge",)),
     ("merge a b c", ("merge",)), ("move 12", ("move", "move_new")), ("move 1 2 3 4", ("move", "move_new"))],
)
def test_wrong_arity_names_the_usage_to_show(text: str, actions: tuple[str, ...]) -> None:
    with pytest.raises(UsageError) as caught:
        parse_command(text)
    assert isinstance(caught.value, InvalidInput)
    assert caught.value.actions == actions
    assert "/brief" not in caught.value.message and "Usage" not in caught.value.message


def test_help_is_neutral_and_covers_every_action() -> None:
    entries = help_entries()
    assert [e.action for e in entries] == list(HELP_ACTIONS)
    for entry in entries:
        text = entry.model_dump_json()
        assert "/brief" not in text and "briefbot" not in text, entry
        assert entry.description.endswith(".")
    admin = {e.action for e in entries if e.admin}
    assert admin == {
        "add_url", "add_form", "remove", "rename", "alias", "merge", "move", "move_new", "digest_on", "digest_off",
        "feed_add", "feed_list", "feed_remove", "feed_pause", "feed_resume",
    }  # fmt: skip


@pytest.mark.parametrize(
    "args,request_",
    [
        (["12", "japan-us-talks"], MoveRequest(article_id=12, to="japan-us-talks")),
        (["#12", "new"], MoveRequest(article_id=12)),
        (["12", "NEW", "heat"], MoveRequest(article_id=12, new_story="heat")),
    ],
)
def test_parse_move(args: list[str], request_: MoveRequest) -> None:
    assert parse_move(args) == request_


@pytest.mark.parametrize("args", [["x1", "new"], ["0", "new"], ["12", "a", "b"], ["12"], ["1", "new", "a", "b"]])
def test_parse_move_refuses_with_the_move_usages(args: list[str]) -> None:
    with pytest.raises(UsageError) as caught:
        parse_move(args)
    assert caught.value.actions == ("move", "move_new")
    assert "/brief" not in caught.value.message
