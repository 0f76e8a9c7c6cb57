"""Ingest: files of every kind, titles, dates, and refusal of bad input."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefings.errors import InvalidInput
from briefings.ingest import (
    article_from_bytes,
    article_from_html,
    article_from_text,
    check_published,
    parse_published,
    read_file,
)
from briefings.testing import seed_text
from briefings.textutil import canonical_url, content_hash

BODY = "Officials in Tokyo said on Monday that the meeting would not go ahead as planned this summer."


def test_text_file_first_line_becomes_title(tmp_path: Path) -> None:
    path = tmp_path / "seed.txt"
    path.write_text(seed_text(), encoding="utf-8")
    article = read_file(path)
    assert article.title == "Japan Cancels Key Security Talks with the U.S. Amidst Rising Defense Spending Demands"
    assert article.text.startswith("REUTERS:")


def test_markdown_loses_its_markup(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(f"# Big **news** today\n\n{BODY} See [the report](https://x.example/r).\n", encoding="utf-8")
    article = read_file(path)
    assert article.title == "Big news today"
    assert "the report" in article.text and "](" not in article.text and "**" not in article.text


def test_json_file_with_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps({"title": "T", "text": BODY, "url": "https://x.example/a", "published": "2025-06-20"}),
        encoding="utf-8",
    )
    article = read_file(path)
    assert (article.title, article.url) == ("T", "https://x.example/a")
    assert article.published == datetime(2025, 6, 20, tzinfo=UTC)
    assert article.outlet == "x.example"


@pytest.mark.parametrize(
    "payload,match",
    [
        ("[1, 2]", "must be an object"),
        ('{"title": "x"}', 'needs a "text"'),
        ("{not json", "not valid JSON"),
        (json.dumps({"text": BODY, "published": "yesterday"}), "not a date"),
    ],
)
def test_bad_json_is_refused(payload: str, match: str) -> None:
    with pytest.raises(InvalidInput, match=match):
        article_from_bytes(payload.encode(), "a.json")


PARAGRAPHS = (
    BODY,
    "The talks, which had been planned for months, were to cover defence spending, trade and the future of "
    "joint exercises in the region.",
    "A spokesman for the foreign ministry said a new date would be set once the budget talks in Washington "
    "had ended.",
)


def test_html_file(tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = f"<html><head><title>Headline here</title></head><body><article>{paragraphs}</article></body></html>"
    article = article_from_bytes(html.encode(), "page.html")
    assert article.title == "Headline here" and "meeting would not go ahead" in article.text


@pytest.mark.parametrize(
    "raw,match",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"caf\xe9 au lait and other words in latin-1 encoding here", "not UTF-8"),
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
    ],
)
def test_binary_undecodable_and_empty_files(raw: bytes, match: str) -> None:
    with pytest.raises(InvalidInput, match=match):
        article_from_bytes(raw, "upload.txt")


def test_html_without_article_is_refused() -> None:
    with pytest.raises(InvalidInput, match="No article text"):
        article_from_html("<html><body><nav><a href='/'>Home</a></nav></body></html>")


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="Cannot read '.pdf'"):
        article_from_bytes(BODY.encode(), "a.pdf")
    with pytest.raises(InvalidInput, match="no file named"):
        read_file(tmp_path / "missing.txt")


def test_published_parsing() -> None:
    assert parse_published("2025-06-20T10:00:00Z") == datetime(2025, 6, 20, 10, tzinfo=UTC)
    assert parse_published("2025-06-20") == datetime(2025, 6, 20, tzinfo=UTC)
    with pytest.raises(InvalidInput):
        parse_published("June the 20th")


def test_dedupe_keys() -> None:
    assert content_hash("Hello   World\n") == content_hash("hello world")
    assert canonical_url("https://WWW.Example.com:443/a/?utm_medium=x&b=1#c") == "https://www.example.com/a?b=1"


# ----- titles, links, dates and folders (issue 9, items 8 and 10) ------------------------------------

NOW = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
LEAD = (
    "She is a retired nurse who had never been on a stage. He is a 19-year-old drummer from the next street. "
    "Together Ruth Okafor and Leo Brandt have won the national talent show in Manchester on Saturday night. "
    "The pair beat eleven other acts with a song they wrote in Ruth's kitchen."
)


def test_text_without_a_title_line_gets_a_title_from_its_lead() -> None:
    article = article_from_text(LEAD)
    assert article.title == "Together Ruth Okafor and Leo Brandt have won the national talent show"
    assert article.text == LEAD


def test_a_headline_line_is_still_the_title() -> None:
    article = article_from_text(f"Retired nurse and teenage drummer win talent show\n\n{LEAD}")
    assert article.title == "Retired nurse and teenage drummer win talent show" and article.text == LEAD


def test_a_hard_wrapped_first_line_is_not_taken_for_a_title() -> None:
    wrapped = "Japan has called off a high-level security meeting with the United States\nthat was " + BODY
    article = article_from_text(wrapped)
    assert article.text == wrapped  # the first line stays in the body; the title is made from the lead


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://x.example/a", "example.com/a", "data:text/html,hi", "http://", "https://a b"]
)
def test_a_source_link_must_be_http(url: str) -> None:
    with pytest.raises(InvalidInput, match="http|link"):
        article_from_text(BODY, url=url)
    with pytest.raises(InvalidInput, match="http|link"):
        article_from_bytes(BODY.encode(), "a.txt", url=url)
    with pytest.raises(InvalidInput, match="http|link"):
        article_from_bytes(json.dumps({"text": BODY, "url": url}).encode(), "a.json")


def test_a_good_source_link_is_kept() -> None:
    article = article_from_text(BODY, url="  https://News.example/a?b=1 ")
    assert article.url == "https://News.example/a?b=1" and article.outlet == "news.example"
    assert article_from_text(BODY, url="").url is None


def test_far_future_publication_dates_are_refused() -> None:
    with pytest.raises(InvalidInput, match="in the future"):
        parse_published("2052-06-20", now=NOW)
    with pytest.raises(InvalidInput, match="in the future"):
        article_from_text(BODY, published=datetime(2025, 6, 22, tzinfo=UTC), now=NOW)
    with pytest.raises(InvalidInput, match="in the future"):
        article_from_bytes(json.dumps({"text": BODY, "published": "2030-01-01"}).encode(), "a.json", now=NOW)
    # within a day of now (time zones, embargoes) is fine, and so is the past
    assert parse_published("2025-06-21T08:00:00Z", now=NOW) == datetime(2025, 6, 21, 8, tzinfo=UTC)
    assert parse_published("1999-12-31", now=NOW) == datetime(1999, 12, 31, tzinfo=UTC)
    assert check_published(datetime(2025, 6, 21), now=NOW) == datetime(2025, 6, 21, tzinfo=UTC)


def test_without_now_the_system_clock_decides() -> None:
    with pytest.raises(InvalidInput, match="in the future"):
        parse_published("2999-01-01")


def test_a_page_that_dates_itself_in_the_future_keeps_its_article() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = (
        '<html><head><title>Talks off</title><meta property="article:published_time" content="2031-01-01">'
        f"</head><body><article>{paragraphs}</article></body></html>"
    )
    article = article_from_html(html, now=NOW)
    assert article.published is None and "meeting would not go ahead" in article.text


def test_a_folder_is_named_as_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    with pytest.raises(InvalidInput, match="is a folder, not a file"):
        read_file(tmp_path)


def test_an_unreadable_file_is_refused_politely(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(BODY, encoding="utf-8")
    path.chmod(0)
    try:
        if path.stat().st_mode & 0o444 or os.access(path, os.R_OK):
            pytest.skip("running as a user who can read anything")
        with pytest.raises(InvalidInput, match="could not be read"):
            read_file(path)
    finally:
        path.chmod(0o644)
