-- Stories that follow events: when a story last saw news, its clustering profile, hand-placed articles,
-- near-duplicate fingerprints with their LSH band keys, and every version of each brief.
ALTER TABLE stories ADD COLUMN last_seen TEXT;                      -- newest article time (published, else added), UTC
ALTER TABLE stories ADD COLUMN profile TEXT NOT NULL DEFAULT '{}';  -- the clustering profile of all its articles, JSON
UPDATE stories SET last_seen = (
    SELECT max(coalesce(a.published, a.added_at)) FROM articles a WHERE a.story_id = stories.id
);
UPDATE stories SET last_seen = updated_at WHERE last_seen IS NULL;
CREATE INDEX stories_last_seen ON stories (last_seen DESC);

ALTER TABLE articles ADD COLUMN manual INTEGER NOT NULL DEFAULT 0;  -- placed or moved by an admin: never re-clustered
ALTER TABLE articles ADD COLUMN fingerprint TEXT;                   -- near-duplicate fingerprint, JSON
ALTER TABLE articles ADD COLUMN duplicate_of BIGINT REFERENCES articles (id) ON DELETE SET NULL;

CREATE TABLE article_bands (
    band        TEXT NOT NULL,
    article_id  BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
);
CREATE INDEX article_bands_article ON article_bands (article_id);

CREATE TABLE brief_versions (
    story_id    BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    at          TEXT NOT NULL,
    brief       TEXT NOT NULL,
    PRIMARY KEY (story_id, version)
);
