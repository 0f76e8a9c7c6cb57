"""Stories, articles, aliases, search and the admin log."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from briefings.models import AdminAction, Article, Brief, KeyFacts, SearchHit, Source, StorySummary
from briefings.store.base import StoreBase
from briefings.store.rows import _FTS_WORD, StoredArticle, StoryRow, _at, _dt, _ts, _utc


@dataclass(frozen=True)
class NearCandidate:
    """A stored article that may be a near-duplicate: its story, outlet, fingerprint JSON and original."""

    article_id: int
    story_id: int
    outlet: str | None
    fingerprint: str
    original_id: int


@dataclass(frozen=True)
class ClusterMember:
    """An article as automatic clustering sees it: placed by hand or not, and its vector (JSON, or None)."""

    article_id: int
    manual: bool
    signature: str | None


_ADD_BAND = "INSERT INTO article_bands (band, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
POSTINGS = 200  # most recent stories looked at per term when finding candidates
VERSION_SOURCES = 10  # newest sources kept with each past version of a brief


class StoryStore(StoreBase):
    """Stories and their articles: reads anywhere, writes inside ``transaction()``."""

    # ----- stories: reads -------------------------------------------------------------------

    _STORY_COLS = "s.id, s.slug, s.title, s.created_at, s.updated_at, s.brief"

    @staticmethod
    def _story(row: tuple) -> StoryRow:
        return StoryRow(row[0], row[1], row[2], _at(row[3]), _at(row[4]), row[5])

    async def story_by_ref(self, ref: str) -> StoryRow | None:
        """Find a story by slug or alias."""
        row = await self._one(
            f"SELECT {self._STORY_COLS} FROM stories s WHERE s.slug = ? "
            f"UNION ALL SELECT {self._STORY_COLS} FROM aliases a JOIN stories s ON s.id = a.story_id "
            "WHERE a.alias = ? LIMIT 1",
            (ref, ref),
        )
        return self._story(row) if row else None

    async def story_by_id(self, story_id: int) -> StoryRow | None:
        """Find a story by its id."""
        row = await self._one(f"SELECT {self._STORY_COLS} FROM stories s WHERE s.id = ?", (story_id,))
        return self._story(row) if row else None

    async def story_count(self) -> int:
        """Count the stories."""
        return (await self._one("SELECT count(*) FROM stories"))[0]  # type: ignore[index]

    async def all_names(self) -> list[str]:
        """Return every slug and alias (for close-match suggestions)."""
        rows = await self._all("SELECT slug FROM stories UNION ALL SELECT alias FROM aliases")
        return [r[0] for r in rows]

    async def name_words(self) -> set[str]:
        """Return every word of the stories' slugs, aliases and titles (lowercase), for spelling suggestions."""
        rows = await self._all("SELECT slug || ' ' || title FROM stories UNION ALL SELECT alias FROM aliases")
        return {w for (text,) in rows for w in _FTS_WORD.findall(text.lower().replace("-", " ")) if len(w) > 1}

    async def aliases_of(self, story_id: int) -> list[str]:
        """Return a story's aliases, sorted."""
        rows = await self._all("SELECT alias FROM aliases WHERE story_id = ? ORDER BY alias", (story_id,))
        return [r[0] for r in rows]

    async def list_stories(self, limit: int, offset: int = 0) -> list[StorySummary]:
        """Return stories, most recently updated first."""
        rows = await self._all(
            f"SELECT s.slug, s.title, {self._json_text('s.brief', 'tldr')}, "
            f"(SELECT {self._joined('alias')} FROM aliases a WHERE a.story_id = s.id), "
            "(SELECT count(*) FROM articles x WHERE x.story_id = s.id), s.created_at, s.updated_at "
            "FROM stories s ORDER BY s.updated_at DESC, s.id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [self._summary(r) for r in rows]

    @staticmethod
    def _summary(r: tuple) -> StorySummary:
        return StorySummary(
            slug=r[0],
            title=r[1],
            tldr=r[2] or "",
            aliases=sorted((r[3] or "").split()),
            article_count=r[4],
            created_at=_at(r[5]),
            updated_at=_at(r[6]),
        )

    async def complete(self, prefix: str, limit: int) -> list[StorySummary]:
        """Return stories whose slug, alias or title starts with (or contains) ``prefix``, best first."""
        prefix = prefix.strip().lower()
        like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = await self._all(
            f"SELECT s.slug, s.title, {self._json_text('s.brief', 'tldr')}, "
            f"(SELECT {self._joined('alias')} FROM aliases a WHERE a.story_id = s.id), "
            "(SELECT count(*) FROM articles x WHERE x.story_id = s.id), s.created_at, s.updated_at, "
            "min(CASE WHEN s.slug LIKE :p || '%' ESCAPE '\\' THEN 0 "
            "         WHEN a2.alias LIKE :p || '%' ESCAPE '\\' THEN 1 "
            "         WHEN lower(s.title) LIKE :p || '%' ESCAPE '\\' THEN 2 "
            "         WHEN s.slug LIKE '%' || :p || '%' ESCAPE '\\' THEN 3 "
            "         WHEN a2.alias LIKE '%' || :p || '%' ESCAPE '\\' THEN 3 ELSE 4 END) AS rank "
            "FROM stories s LEFT JOIN aliases a2 ON a2.story_id = s.id "
            "WHERE :p = '' OR s.slug LIKE '%' || :p || '%' ESCAPE '\\' "
            "   OR a2.alias LIKE '%' || :p || '%' ESCAPE '\\' "
            "   OR lower(s.title) LIKE '%' || :p || '%' ESCAPE '\\' "
            "GROUP BY s.id ORDER BY rank, s.updated_at DESC LIMIT :n",
            {"p": like, "n": limit},
        )
        return [self._summary(r) for r in rows]

    @abstractmethod
    async def search(self, words: str, limit: int, fallback: bool = True) -> list[SearchHit]:
        """Full-text search over stories and articles, best first (all words first, then any)."""

    @abstractmethod
    async def close_names(self, ref: str, limit: int = 5) -> list[str]:
        """Return the slugs and aliases closest to ``ref`` (suggestions for a mistyped name), closest first."""

    async def candidates(self, terms: Sequence[tuple[str, float]], since: datetime, limit: int) -> list[StoryRow]:
        """Return stories seen since ``since`` whose indexed terms share the most weight with ``terms``.

        Each term is looked up among the ``POSTINGS`` stories that carry it most recently, so the cost is bounded
        whatever the store holds; a story loses nothing by that unless many newer ones share the same term.
        """
        if not terms:
            return []
        one = (
            "SELECT * FROM (SELECT story_id, CAST(? AS DOUBLE PRECISION) AS w FROM story_terms"
            " WHERE term = ? AND seen >= ? ORDER BY seen DESC, story_id DESC LIMIT ?) AS t"
        )
        since_ts = _utc(since)
        params: list[object] = [x for term, weight in terms for x in (weight, term, since_ts, POSTINGS)]
        rows = await self._all(
            "WITH hits AS (SELECT story_id, sum(w) AS shared FROM ("
            + " UNION ALL ".join([one] * len(terms))
            + ") AS u GROUP BY story_id)"
            f" SELECT {self._STORY_COLS} FROM hits h JOIN stories s ON s.id = h.story_id"
            " ORDER BY h.shared DESC, s.last_seen DESC, s.id DESC LIMIT ?",  # ties broken alike on every backend
            (*params, limit),
        )
        return [self._story(r) for r in rows]

    # ----- articles: reads ------------------------------------------------------------------

    _ARTICLE_COLS = "id, story_id, title, text, url, outlet, published, added_at, facts"

    @staticmethod
    def _article(row: tuple) -> StoredArticle:
        article = Article(
            id=row[0],
            story_id=row[1],
            title=row[2],
            text=row[3],
            url=row[4],
            outlet=row[5],
            published=_dt(row[6]),
            added_at=_at(row[7]),
        )
        return StoredArticle(article, KeyFacts.model_validate_json(row[8]))

    async def articles_of(self, story_id: int) -> list[StoredArticle]:
        """Return a story's articles, oldest first."""
        rows = await self._all(
            f"SELECT {self._ARTICLE_COLS} FROM articles WHERE story_id = ? ORDER BY coalesce(published, added_at), id",
            (story_id,),
        )
        return [self._article(r) for r in rows]

    async def recent_articles(self, story_id: int, limit: int) -> list[StoredArticle]:
        """Return a story's newest ``limit`` articles, oldest of them first (reading order)."""
        rows = await self._all(
            f"SELECT * FROM (SELECT {self._ARTICLE_COLS}, coalesce(published, added_at) AS k FROM articles"
            " WHERE story_id = ? ORDER BY k DESC, id DESC LIMIT ?) AS r ORDER BY k, id",
            (story_id, limit),
        )
        return [self._article(r[:-1]) for r in rows]

    async def sources_of(self, story_id: int) -> list[tuple[str, Source]]:
        """Return every article of a story as a source, with its reading-order key, oldest first (no texts)."""
        rows = await self._all(
            "SELECT coalesce(published, added_at), id, title, outlet, url, published FROM articles"
            " WHERE story_id = ? ORDER BY coalesce(published, added_at), id",
            (story_id,),
        )
        return [(r[0], Source(article_id=r[1], title=r[2], outlet=r[3], url=r[4], published=_dt(r[5]))) for r in rows]

    async def article_ids(self, story_id: int) -> list[int]:
        """Return the ids of a story's articles, in reading order (as ``articles_of``)."""
        rows = await self._all(
            "SELECT id FROM articles WHERE story_id = ? ORDER BY coalesce(published, added_at), id", (story_id,)
        )
        return [r[0] for r in rows]

    async def article(self, article_id: int) -> StoredArticle | None:
        """Return one article by id."""
        row = await self._one(f"SELECT {self._ARTICLE_COLS} FROM articles WHERE id = ?", (article_id,))
        return self._article(row) if row else None

    async def near_duplicate_candidates(self, bands: Sequence[str], limit: int = 20) -> list[NearCandidate]:
        """Return articles sharing an LSH band with these, most shared bands first, with their fingerprints."""
        if not bands:
            return []
        marks = ", ".join("?" for _ in bands)
        rows = await self._all(
            f"SELECT a.id, a.story_id, a.outlet, a.fingerprint, coalesce(a.duplicate_of, a.id), count(*) AS n"
            f" FROM article_bands b JOIN articles a ON a.id = b.article_id WHERE b.band IN ({marks})"
            " GROUP BY a.id ORDER BY n DESC, a.id LIMIT ?",
            (*bands, limit),
        )
        return [NearCandidate(r[0], r[1], r[2], r[3], r[4]) for r in rows if r[3]]

    async def profiles(self, story_ids: Sequence[int]) -> dict[int, str]:
        """Return the clustering profiles (JSON) of these stories."""
        if not story_ids:
            return {}
        marks = ", ".join("?" for _ in story_ids)
        rows = await self._all(f"SELECT id, profile FROM stories WHERE id IN ({marks})", tuple(story_ids))
        return {r[0]: r[1] for r in rows}

    async def save_profile(self, story_id: int, profile_json: str, terms: Sequence[str], seen: datetime) -> None:
        """Store a story's clustering profile and the heaviest ``terms`` it is found by, as of its newest article."""
        await self._exec("UPDATE stories SET profile = ? WHERE id = ?", (profile_json, story_id))
        await self._exec("DELETE FROM story_terms WHERE story_id = ?", (story_id,))
        at = _utc(seen)
        await self._exec_many(
            "INSERT INTO story_terms (term, story_id, seen) VALUES (?, ?, ?)", [(t, story_id, at) for t in terms]
        )

    async def republished_in(self, story_id: int) -> dict[int, int]:
        """Return the story's articles that republish another article (article id -> the original's id)."""
        rows = await self._all(
            "SELECT id, duplicate_of FROM articles WHERE story_id = ? AND duplicate_of IS NOT NULL", (story_id,)
        )
        return {r[0]: r[1] for r in rows}

    async def find_duplicate(self, canonical: str | None, text_hash: str) -> tuple[int, int] | None:
        """Return (article id, story id) of an article with the same canonical URL or text, if any."""
        row = await self._one(
            "SELECT id, story_id FROM articles WHERE content_hash = ?"
            " OR (CAST(? AS TEXT) IS NOT NULL AND canonical_url = ?) LIMIT 1",
            (text_hash, canonical, canonical),
        )
        return (row[0], row[1]) if row else None

    # ----- writes (call inside ``transaction()``) ------------------------------------------------

    async def insert_story(self, slug: str, title: str, at: datetime, brief_json: str = "{}") -> int:
        """Insert a story and its search row; return its id (``last_seen`` follows its first article)."""
        story_id = await self._insert(
            "INSERT INTO stories (slug, title, created_at, updated_at, brief) VALUES (?, ?, ?, ?, ?) RETURNING id",
            (slug, title, at.isoformat(), at.isoformat(), brief_json),
        )
        await self._exec(
            "INSERT INTO story_fts (rowid, slug, title, aliases, summary) VALUES (?, ?, ?, '', '')",
            (story_id, slug.replace("-", " "), title),
        )
        return story_id

    async def insert_article(
        self,
        story_id: int,
        article: Article,
        canonical: str | None,
        text_hash: str,
        facts: KeyFacts,
        *,
        manual: bool = False,
        fingerprint: str | None = None,
        bands: Sequence[str] = (),
        duplicate_of: int | None = None,
        signature: str | None = None,
        backfill: bool = False,
    ) -> int:
        """Insert an article and its search row; return its id.

        ``manual``: placed by an admin; ``fingerprint`` and its LSH ``bands``: for near-duplicate look-ups;
        ``duplicate_of``: the article this one republishes (another outlet's copy of the same text);
        ``signature``: its clustering vector (JSON); ``backfill``: from a feed's first poll (not news).
        """
        article_id = await self._insert(
            "INSERT INTO articles (story_id, title, text, url, canonical_url, outlet, published, added_at,"
            " content_hash, facts, manual, fingerprint, duplicate_of, signature, backfill)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                story_id,
                article.title,
                article.text,
                article.url,
                canonical,
                article.outlet,
                _ts(article.published),
                article.added_at.isoformat(),
                text_hash,
                facts.model_dump_json(),
                int(manual),
                fingerprint,
                duplicate_of,
                signature,
                int(backfill),
            ),
        )
        # facts are computed before the id exists: stamp it now so each fact traces back to its article
        await self._exec(
            "UPDATE articles SET facts = ? WHERE id = ?", (facts.traced_to(article_id).model_dump_json(), article_id)
        )
        await self._exec(
            "INSERT INTO article_fts (rowid, title, text) VALUES (?, ?, ?)",
            (article_id, article.title, article.text),
        )
        await self._exec_many(_ADD_BAND, [(b, article_id) for b in bands])
        latest = self._greater("coalesce(last_seen, '')", "?")
        await self._exec(  # a new story's last_seen is NULL until its first article
            f"UPDATE stories SET last_seen = {latest} WHERE id = ?",
            (_utc(article.published or article.added_at), story_id),
        )
        return article_id

    async def save_brief(self, story_id: int, brief: Brief, at: datetime) -> Brief:
        """Store a story's rebuilt brief as its next version (kept) and refresh its search row; return it."""
        row = await self._one("SELECT coalesce(max(version), 0) FROM brief_versions WHERE story_id = ?", (story_id,))
        version = (row[0] if row else 0) + 1
        brief = brief.model_copy(update={"version": version})
        kept = brief.model_copy(update={"sources": brief.sources[:VERSION_SOURCES]})  # sources only grow: keep few
        await self._exec(
            "INSERT INTO brief_versions (story_id, version, at, brief) VALUES (?, ?, ?, ?)",
            (story_id, version, at.isoformat(), kept.model_dump_json()),
        )
        await self._exec(
            "UPDATE stories SET brief = ?, updated_at = ?, title = ? WHERE id = ?",
            (brief.model_dump_json(), at.isoformat(), brief.story.title, story_id),
        )
        await self._refresh_story_fts(story_id, summary=" ".join([brief.tldr, *brief.summary]))
        return brief

    async def _refresh_story_fts(self, story_id: int, summary: str | None = None) -> None:
        row = await self._one("SELECT slug, title FROM stories WHERE id = ?", (story_id,))
        if row is None:
            return
        aliases = " ".join(a.replace("-", " ") for a in await self.aliases_of(story_id))
        if summary is None:
            old = await self._one("SELECT summary FROM story_fts WHERE rowid = ?", (story_id,))
            summary = old[0] if old else ""
        await self._exec("DELETE FROM story_fts WHERE rowid = ?", (story_id,))
        await self._exec(
            "INSERT INTO story_fts (rowid, slug, title, aliases, summary) VALUES (?, ?, ?, ?, ?)",
            (story_id, row[0].replace("-", " "), row[1], aliases, summary),
        )

    async def replace_article_text(
        self,
        article_id: int,
        article: Article,
        text_hash: str,
        facts: KeyFacts,
        *,
        fingerprint: str | None,
        bands: Sequence[str],
        signature: str,
    ) -> None:
        """Replace an article's title, text and what is derived from them (an edit at its source)."""
        await self._exec(
            "UPDATE articles SET title = ?, text = ?, content_hash = ?, facts = ?, fingerprint = ?, signature = ?,"
            " published = coalesce(?, published) WHERE id = ?",
            (
                article.title,
                article.text,
                text_hash,
                facts.traced_to(article_id).model_dump_json(),
                fingerprint,
                signature,
                _ts(article.published),
                article_id,
            ),
        )
        await self._exec("DELETE FROM article_fts WHERE rowid = ?", (article_id,))
        await self._exec(
            "INSERT INTO article_fts (rowid, title, text) VALUES (?, ?, ?)", (article_id, article.title, article.text)
        )
        await self._exec("DELETE FROM article_bands WHERE article_id = ?", (article_id,))
        await self._exec_many(_ADD_BAND, [(b, article_id) for b in bands])

    async def delete_article(self, article_id: int) -> None:
        """Delete one article and its search row."""
        await self._exec("DELETE FROM article_fts WHERE rowid = ?", (article_id,))
        await self._exec("DELETE FROM articles WHERE id = ?", (article_id,))

    async def delete_story(self, story_id: int) -> int:
        """Delete a story with its aliases, articles and search rows; return how many articles went."""
        ids = [r[0] for r in await self._all("SELECT id FROM articles WHERE story_id = ?", (story_id,))]
        for article_id in ids:
            await self._exec("DELETE FROM article_fts WHERE rowid = ?", (article_id,))
        await self._exec("DELETE FROM story_fts WHERE rowid = ?", (story_id,))
        await self._exec("DELETE FROM stories WHERE id = ?", (story_id,))
        return len(ids)

    async def rename_story(self, story_id: int, new_slug: str, brief: Brief) -> None:
        """Change a story's slug (and the slug inside its stored brief)."""
        await self._exec(
            "UPDATE stories SET slug = ?, brief = ? WHERE id = ?",
            (new_slug, brief.model_dump_json(), story_id),
        )
        await self._refresh_story_fts(story_id)

    async def add_alias(self, story_id: int, alias: str, brief: Brief) -> None:
        """Give a story another name."""
        await self._exec("INSERT INTO aliases (alias, story_id) VALUES (?, ?)", (alias, story_id))
        await self._exec("UPDATE stories SET brief = ? WHERE id = ?", (brief.model_dump_json(), story_id))
        await self._refresh_story_fts(story_id)

    async def move_articles(self, from_story: int, to_story: int) -> int:
        """Move every article and alias of one story to another; return how many articles moved."""
        moved = await self._exec("UPDATE articles SET story_id = ? WHERE story_id = ?", (to_story, from_story))
        await self._exec("UPDATE aliases SET story_id = ? WHERE story_id = ?", (to_story, from_story))
        await self._refresh_last_seen(to_story)
        return moved

    async def move_article(self, article_id: int, to_story: int, *, manual: bool = True) -> None:
        """Move one article to another story; ``manual``: an admin placed it there (never re-clustered)."""
        row = await self._one("SELECT story_id FROM articles WHERE id = ?", (article_id,))
        await self._exec(
            f"UPDATE articles SET story_id = ?, manual = {self._greater('manual', '?')} WHERE id = ?",
            (to_story, int(manual), article_id),
        )
        await self._refresh_last_seen(to_story)
        if row is not None:
            await self._refresh_last_seen(row[0])

    async def _refresh_last_seen(self, story_id: int) -> None:
        await self._exec(
            "UPDATE stories SET last_seen = coalesce((SELECT max(coalesce(published, added_at)) FROM articles"
            " WHERE story_id = :s), last_seen) WHERE id = :s",
            {"s": story_id},
        )

    async def cluster_members(self, story_id: int, limit: int) -> list[ClusterMember]:
        """Return up to ``limit`` of a story's articles, oldest first, with their clustering vectors (JSON)."""
        rows = await self._all(
            "SELECT id, manual, signature FROM articles WHERE story_id = ?"
            " ORDER BY coalesce(published, added_at), id LIMIT ?",
            (story_id, limit),
        )
        return [ClusterMember(int(r[0]), bool(r[1]), r[2]) for r in rows]

    async def is_manual(self, article_id: int) -> bool:
        """Tell whether an admin placed this article (so automatic clustering leaves it where it is)."""
        row = await self._one("SELECT manual FROM articles WHERE id = ?", (article_id,))
        return bool(row and row[0])

    async def brief_versions(self, story_id: int, since: datetime | None = None) -> list[tuple[int, datetime, Brief]]:
        """Return a story's brief versions (number, when, brief), oldest first; from ``since`` with the one before."""
        rows = await self._all(
            "SELECT version, at, brief FROM brief_versions WHERE story_id = ? ORDER BY version", (story_id,)
        )
        versions = [(r[0], _at(r[1]), Brief.model_validate_json(r[2])) for r in rows]
        if since is not None:
            first = next((i for i, (_, at, _) in enumerate(versions) if at >= since), len(versions))
            versions = versions[max(0, first - 1) :]
        return versions

    async def name_taken(self, name: str) -> bool:
        """Tell whether ``name`` is already a slug or an alias."""
        row = await self._one(
            "SELECT 1 FROM stories WHERE slug = ? UNION ALL SELECT 1 FROM aliases WHERE alias = ?",
            (name, name),
        )
        return row is not None

    async def log_action(self, at: datetime, actor: str, action: str, target: str, detail: str = "") -> None:
        """Append an entry to the admin log."""
        await self._exec(
            "INSERT INTO admin_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
            (at.isoformat(), actor, action, target, detail),
        )

    async def admin_log(self, limit: int) -> list[AdminAction]:
        """Return the latest admin actions, newest first."""
        rows = await self._all(
            "SELECT id, at, actor, action, target, detail FROM admin_log ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [AdminAction(id=r[0], at=_at(r[1]), actor=r[2], action=r[3], target=r[4], detail=r[5]) for r in rows]

    async def briefs_between(self, slug: str, start: datetime, end: datetime) -> tuple[Brief | None, Brief | None]:
        """Return a story's brief as it was at ``start`` and as it was at ``end`` (None: no version yet)."""
        pick = (
            "(SELECT v.brief FROM brief_versions v WHERE v.story_id = s.id AND v.at <= ?"
            " ORDER BY v.version DESC LIMIT 1)"
        )
        row = await self._one(f"SELECT {pick}, {pick} FROM stories s WHERE s.slug = ?", (_utc(start), _utc(end), slug))
        if row is None:
            return None, None
        before, after = (Brief.model_validate_json(b) if b else None for b in row)
        return before, after
