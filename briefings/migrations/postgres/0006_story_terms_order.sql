-- An incoming article's candidate stories come from each term's most recent postings; stories seen at the same
-- instant are taken newest id first, so the candidates (and the stories formed) are the same on every backend
-- and every run. The index serves that order.
CREATE INDEX story_terms_latest ON story_terms (term, seen, story_id);
DROP INDEX story_terms_recent;
