-- Each article's clustering vector, so that a young story can be checked for a second event (a split)
-- without recomputing its articles' vectors; NULL for articles stored before, computed when needed.
ALTER TABLE articles ADD COLUMN signature TEXT;
