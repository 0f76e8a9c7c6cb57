-- Feed subscriptions (RSS, Atom, JSON Feed), their polling state and lease, and the items seen in each.
CREATE TABLE feeds (
    id             INTEGER PRIMARY KEY,
    url            TEXT NOT NULL UNIQUE,
    name           TEXT,
    story_id       INTEGER REFERENCES stories (id) ON DELETE SET NULL,  -- every item goes to this story
    every_seconds  INTEGER NOT NULL,
    paused         INTEGER NOT NULL DEFAULT 0,
    pause_reason   TEXT,
    added_by       TEXT NOT NULL,
    added_at       TEXT NOT NULL,
    platform       TEXT,            -- where an admin added it from chat (for notices), NULL from the CLI
    channel_id     TEXT,
    etag           TEXT,
    last_modified  TEXT,
    next_poll      TEXT NOT NULL,   -- UTC; due when next_poll <= now
    lease_owner    TEXT,
    lease_until    TEXT,
    polls          INTEGER NOT NULL DEFAULT 0,
    items          INTEGER NOT NULL DEFAULT 0,   -- articles the feed brought
    last_success   TEXT,
    last_error     TEXT,
    failing_since  TEXT,
    failures       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX feeds_due ON feeds (paused, next_poll);

CREATE TABLE feed_items (
    feed_id     INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    guid        TEXT NOT NULL,
    link        TEXT,             -- canonical URL
    text_hash   TEXT NOT NULL,    -- of the item's title and text, to notice edits
    article_id  INTEGER REFERENCES articles (id) ON DELETE SET NULL,
    seen_at     TEXT NOT NULL,
    PRIMARY KEY (feed_id, guid)
) WITHOUT ROWID;
CREATE INDEX feed_items_link ON feed_items (feed_id, link);
CREATE INDEX feed_items_article ON feed_items (article_id);

-- An article stored from a feed's first poll: briefed, but not news for digests.
ALTER TABLE articles ADD COLUMN backfill INTEGER NOT NULL DEFAULT 0;
