-- Each article's clustering vector, so that a young story can be checked for a second event (a split)
-- without recomputing its articles' vectors; NULL for articles stored before, computed when needed.
ALTER TABLE articles ADD COLUMN signature TEXT;

-- The heaviest entries of each story's clustering centroid, with the story's newest article time: an
-- incoming article finds its candidate stories by the entries it shares with the most recent of them, at a
-- cost that does not grow with what is stored.
CREATE TABLE story_terms (
    term      TEXT NOT NULL,
    story_id  BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    seen      TEXT NOT NULL,  -- the story's newest article time (UTC ISO), as stories.last_seen
    PRIMARY KEY (term, story_id)
);
CREATE INDEX story_terms_recent ON story_terms (term, seen);
CREATE INDEX story_terms_story ON story_terms (story_id);
INSERT INTO story_terms (term, story_id, seen)
    SELECT term, story_id, seen FROM (
        SELECT j.key AS term, s.id AS story_id, coalesce(s.last_seen, s.updated_at) AS seen,
               row_number() OVER (PARTITION BY s.id ORDER BY j.value::float8 DESC, j.key DESC) AS n
        FROM stories s, jsonb_each_text(CASE WHEN jsonb_typeof(s.profile::jsonb -> 'centroid') = 'object'
                                             THEN s.profile::jsonb -> 'centroid' ELSE '{}'::jsonb END) j
    ) AS ranked WHERE n <= 32;
