-- Stories, their aliases and articles, the admin log, and full-text indexes.
CREATE TABLE stories (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    brief       TEXT NOT NULL          -- the stored Brief, as JSON; rebuilt when articles join or leave
);
CREATE INDEX stories_updated ON stories (updated_at DESC);

CREATE TABLE aliases (
    alias       TEXT PRIMARY KEY,
    story_id    INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE
);
CREATE INDEX aliases_story ON aliases (story_id);

CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    story_id      INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    text          TEXT NOT NULL,
    url           TEXT,
    canonical_url TEXT UNIQUE,
    outlet        TEXT,
    published     TEXT,
    added_at      TEXT NOT NULL,
    content_hash  TEXT NOT NULL UNIQUE,
    facts         TEXT NOT NULL        -- the article's KeyFacts, as JSON, computed once at ingest
);
CREATE INDEX articles_story ON articles (story_id);

CREATE TABLE admin_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
);

-- rowid = stories.id; kept in step by the store in the same transaction as each write.
CREATE VIRTUAL TABLE story_fts USING fts5 (slug, title, aliases, summary, tokenize = 'porter unicode61');
-- rowid = articles.id
CREATE VIRTUAL TABLE article_fts USING fts5 (title, text, tokenize = 'porter unicode61');
