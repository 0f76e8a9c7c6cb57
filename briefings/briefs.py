"""Building a story's Brief from its articles (summary, TL;DR, merged key facts, sources)."""

from __future__ import annotations

from datetime import datetime

from briefings.facts import merge_facts
from briefings.models import Article, Brief, KeyFacts, Source, StoryRef
from briefings.summarize import Document, summarize

SUMMARY_SENTENCES = 4  # plus the TL;DR: the card shows 3 to 5 summary sentences


def build_brief(
    slug: str,
    title: str,
    articles: list[tuple[Article, KeyFacts]],
    aliases: list[str],
    updated_at: datetime,
) -> Brief:
    """Compute a story's brief from its articles (oldest first) and their key facts."""
    docs = [Document(text=a.text, title=a.title, published=a.published or a.added_at, key=a.id) for a, _ in articles]
    picked = summarize(docs, n=SUMMARY_SENTENCES + 1) if docs else []
    # the lead of the picked sentences (reading order) states the news best; the rest is the summary
    tldr = picked[0].text if picked else title
    summary = [p.text for p in picked if p.text != tldr]
    if len(summary) > SUMMARY_SENTENCES:
        summary = summary[:SUMMARY_SENTENCES]
    facts = merge_facts([f for _, f in articles]) if articles else KeyFacts()
    if facts.what is None or len(articles) > 1:
        facts = facts.model_copy(update={"what": title})
    newest_first = sorted(articles, key=lambda af: (af[0].published or af[0].added_at, af[0].id), reverse=True)
    sources = [
        Source(article_id=a.id, title=a.title, outlet=a.outlet, url=a.url, published=a.published)
        for a, _ in newest_first
    ]
    return Brief(
        story=StoryRef(slug=slug, title=title),
        headline=title,
        tldr=tldr,
        summary=summary,
        facts=facts.model_copy(update={"entities": []}),
        sources=sources,
        aliases=aliases,
        updated_at=updated_at,
        article_count=len(articles),
    )
