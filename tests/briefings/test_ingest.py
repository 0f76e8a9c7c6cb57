"""Ingest: files of every kind, titles, dates, and refusal of bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefings.errors import InvalidInput
from briefings.ingest import article_from_bytes, article_from_html, parse_published, read_file
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


def test_html_file(tmp_path: Path) -> None:
    html = (
        f"<html><head><title>Headline here</title></head>"
        f"<body><article><p>{BODY}</p><p>{BODY}</p></article></body></html>"
    )
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
