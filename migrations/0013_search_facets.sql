-- What search counts and filters by, per row of search_index (same rowid):
-- its target (a record's kind, or 'paragraph') and its countries' slugs,
-- space-separated. A plain table, so that the totals and facets of a term
-- matching thousands of rows read a few bytes per match by rowid, where
-- reading them from search_index fetched each row's whole content (峰 at
-- 100x: 5,000 content rows per search). Written by the import.
CREATE TABLE search_facets (
    id        INTEGER PRIMARY KEY,
    target    TEXT NOT NULL,
    countries TEXT NOT NULL
);

-- A database imported before this table existed has it empty: forgetting
-- the data version makes the next import (at start-up) write everything
-- again, this table with it.
DELETE FROM meta WHERE key = 'data_version';
