-- Each article's clustering vector, so that a young story can be checked for a second event (a split)
-- without recomputing its articles' vectors; NULL for articles stored before, computed when needed.
ALTER TABLE articles ADD COLUMN signature TEXT;

-- The heaviest entries of each story's clustering centroid, with the story's newest article time: an
-- incoming article finds its candidate stories by the entries it shares with the most recent of them, at a
-- cost that does not grow with what is stored.
CREATE TABLE story_terms (
    term      TEXT NOT NULL,
    story_id  INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    seen      TEXT NOT NULL,  -- the story's newest article time (UTC ISO), as stories.last_seen
    PRIMARY KEY (term, story_id)
) WITHOUT ROWID;
CREATE INDEX story_terms_recent ON story_terms (term, seen);
CREATE INDEX story_terms_story ON story_terms (story_id);
INSERT INTO story_terms (term, story_id, seen)
    SELECT term, story_id, seen FROM (
        SELECT j.key AS term, s.id AS story_id, coalesce(s.last_seen, s.updated_at) AS seen,
               row_number() OVER (PARTITION BY s.id ORDER BY j.value DESC, j.key DESC) AS n
        FROM stories s, json_each(s.profile, '$.centroid') j
        WHERE json_valid(s.profile)
    ) WHERE n <= 32;
