"""The `/brief feed ...` grammar every face shares (parsed once, in the core) and how each face words it."""

from __future__ import annotations

import pytest

from adapters.console import words as console
from adapters.discord import words as discord
from adapters.slack import words as slack
from briefings.commands import FEED_ACTIONS, FeedRequest, UsageError, help_entry, parse_command, parse_feed


@pytest.mark.parametrize(
    "text,request_",
    [
        ("feed", FeedRequest(action="list")),
        ("feed list", FeedRequest(action="list")),
        ("feed help", FeedRequest(action="help")),
        ("feed remove #3", FeedRequest(action="remove", feed_id=3)),
        ("feed PAUSE 4", FeedRequest(action="pause", feed_id=4)),
        ("feed resume 5", FeedRequest(action="resume", feed_id=5)),
        ("feed add https://x.test/a?b=1&c=2", FeedRequest(action="add", url="https://x.test/a?b=1&c=2")),
        (
            'feed add https://x.test/ --story japan-us-talks --every=30m --name "Coast Gazette"',
            FeedRequest(action="add", url="https://x.test/", story="japan-us-talks", every="30m", name="Coast Gazette"),
        ),
        # phones and Slack turn "--" into a dash
        ("feed add https://x.test/ \u2014every 1h \u2013name Gazette", FeedRequest(
            action="add", url="https://x.test/", every="1h", name="Gazette")),
        ("feed add --every 1h https://x.test/", FeedRequest(action="add", url="https://x.test/", every="1h")),
    ],
)
def test_parse_feed(text: str, request_: FeedRequest) -> None:
    command = parse_command(text)
    assert command.name == "feed" and parse_feed(command.args) == request_


@pytest.mark.parametrize(
    "args,actions",
    [
        (["add"], ("feed_add",)),
        (["add", "https://a.test", "https://b.test"], ("feed_add",)),
        (["add", "https://a.test", "--colour", "red"], ("feed_add",)),
        (["add", "https://a.test", "--every"], ("feed_add",)),
        (["add", "https://a.test", "--every", "--name", "x"], ("feed_add",)),
        (["remove"], ("feed_remove",)),
        (["remove", "1", "2"], ("feed_remove",)),
        (["pause", "one"], ("feed_remove", "feed_pause", "feed_resume")),
        (["resume", "0"], ("feed_remove", "feed_pause", "feed_resume")),
        (["list", "all"], FEED_ACTIONS),
        (["subscribe", "https://a.test"], FEED_ACTIONS),
    ],
)
def test_bad_feed_words_name_the_usages_to_show(args: list[str], actions: tuple[str, ...]) -> None:
    with pytest.raises(UsageError) as caught:
        parse_feed(args)
    assert caught.value.actions == actions
    assert "/brief" not in caught.value.message and "briefbot" not in caught.value.message


def test_every_face_words_every_feed_action() -> None:
    for action in FEED_ACTIONS:
        entry = help_entry(action)
        assert entry.admin and entry.description.endswith(".")
        assert slack.usage(action).startswith("/brief feed ")
        assert discord.usage(action).startswith("/brief-admin feed ")
        assert console.usage(action).startswith("briefbot feed ")
    assert discord.usage("feed_add") == "/brief-admin feed add url: [story:] [every:] [name:]"
    assert slack.example(help_entry("feed_add")) == "/brief feed add https://example.com/news/feed.xml --every 30m"
    assert slack.feed_command("resume", 3) == "/brief feed resume 3"
    assert discord.feed_command("resume", 3) == "/brief-admin feed resume id:3"
