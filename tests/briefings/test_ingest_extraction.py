"""Extracted pages must read as article bodies: captions, teasers, link lists and fragments are refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from briefings.errors import InvalidInput
from briefings.fetch import FetchedPage
from briefings.ingest import (
    MIN_ARTICLE_CHARS,
    STANDALONE_ARTICLE_CHARS,
    article_from_html,
    article_from_page,
    check_extraction,
    visible_text_length,
)

NAV = "<nav>" + " | ".join(f"<a href='/s{i}'>Section {i}</a>" for i in range(12)) + "</nav>"
CAPTION = (
    "Prime Minister Shigeru Ishiba speaks to reporters at his office in Tokyo on Monday, June 23, 2025, "
    "after a cabinet meeting. (Photo by Example Agency)"
)
ARTICLE = [
    "Japan has called off a high-level security meeting with the United States that was scheduled for July 1, "
    "after Washington asked Tokyo to raise its defence spending to 3.5% of GDP.",
    "Prime Minister Shigeru Ishiba faces upper house elections on July 20, and officials said the timing of the "
    "request had made the talks politically difficult for his minority coalition government.",
    "Secretary of State Marco Rubio had been due to travel to Tokyo for the meeting with Foreign Minister Takeshi "
    "Iwaya, according to two people familiar with the plans.",
]


def page(body: str, title: str = "Tokyo pulls out of talks") -> str:
    """A news page around ``body``: head, scripts, navigation and a footer."""
    return (
        f"<!doctype html><html><head><title>{title} | Example News</title>"
        "<script>var tracking = {id: 'abc', pages: [1, 2, 3]};</script><style>body { color: #333 }</style>"
        f"</head><body>{NAV}{body}<footer>Copyright Example News. All rights reserved.</footer></body></html>"
    )


def test_a_photo_caption_page_is_not_an_article() -> None:
    html = page(f"<article><h1>In pictures</h1><figure><img src='a.jpg'><figcaption>{CAPTION}</figcaption>"
                "</figure></article>")
    with pytest.raises(InvalidInput) as caught:
        article_from_html(html, url="https://news.example/photo")
    assert caught.value.hints == ("paste_text",)
    assert "caption" in caught.value.message and "text instead" in caught.value.message
    assert "/brief" not in caught.value.message and "briefbot" not in caught.value.message


def test_a_teaser_of_two_sentences_is_not_an_article() -> None:
    html = page(f"<article><p>{ARTICLE[0]}</p><p>{ARTICLE[1]}</p><p><a href='/more'>Read more</a></p></article>")
    with pytest.raises(InvalidInput, match="2 sentences"):
        article_from_html(html)


def test_a_list_of_links_is_not_an_article() -> None:
    links = "".join(f"<li><a href='/{i}'>Officials review the budget plans for region {i} today</a></li>"
                    for i in range(60))
    with pytest.raises(InvalidInput):
        article_from_html(page(f"<main><ul>{links}</ul></main>"))


def test_a_real_article_page_passes() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLE)
    article = article_from_html(page(f"<article><h1>Tokyo pulls out of talks</h1>{paragraphs}</article>"))
    assert article.title == "Tokyo pulls out of talks"
    assert article.text.startswith("Japan has called off") and "Section 3" not in article.text


def test_a_fetched_caption_page_is_refused() -> None:
    html = page(f"<figure><figcaption>{CAPTION}</figcaption></figure>")
    fetched = FetchedPage("https://news.example/p", "https://news.example/p", "text/html", html)
    with pytest.raises(InvalidInput, match="text instead"):
        article_from_page(fetched)


def test_a_small_fragment_of_a_big_page_is_refused() -> None:
    extract = " ".join(ARTICLE)  # a plausible body on its own...
    assert MIN_ARTICLE_CHARS < len(extract) < STANDALONE_ARTICLE_CHARS
    sidebar = "".join(f"<p>Comment {i}: I have followed these talks for years and this is not a surprise.</p>"
                      for i in range(200))
    with pytest.raises(InvalidInput, match="could not tell that page's article from the rest"):
        check_extraction(extract, page(f"<article><p>{extract}</p></article>{sidebar}"))  # ...of a 15,000-char page
    check_extraction(extract, page(f"<article><p>{extract}</p></article>{sidebar[:2000]}"))


def test_a_long_extract_stands_on_its_own_however_big_the_page() -> None:
    extract = " ".join(ARTICLE * 4)
    assert len(extract) >= STANDALONE_ARTICLE_CHARS
    sidebar = "<p>Related: officials review the budget plans for the region today.</p>" * 2000
    check_extraction(extract, page(f"<article><p>{extract}</p></article>{sidebar}"))


def test_visible_text_leaves_out_scripts_styles_and_head() -> None:
    html = page("<p>Hello world.</p>")
    visible = visible_text_length(html)
    nav = " | ".join(f"Section {i}" for i in range(12))
    assert visible == len(f"{nav} Hello world. Copyright Example News. All rights reserved.")
    assert visible_text_length("") == 0
    assert visible_text_length('<?xml version="1.0" encoding="utf-8"?><html><body><p>Hi there</p></body></html>') > 0


def test_real_news_articles_pass_the_article_check(shared_eval: Path) -> None:
    """Every CNN/Daily Mail dev article reads as an article body, alone and extracted from a page."""
    rows = [json.loads(line) for line in (shared_eval / "cnndm-dev.jsonl").read_text(encoding="utf-8").splitlines()]
    for row in rows:
        check_extraction(row["text"])
    for row in rows[:: len(rows) // 20]:  # twenty of them through a page and the extractor
        paragraphs = "".join(f"<p>{p}</p>" for p in re.split(r"(?<=[.!?]) (?=[A-Z])", row["text"]))
        article = article_from_html(page(f"<article>{paragraphs}</article>"))
        assert len(article.text) > MIN_ARTICLE_CHARS
