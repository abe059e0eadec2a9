-- A search's matches are counted by facet value: each distinct pair of a
-- row's target (a record's kind, or 'paragraph') and its countries' slugs
-- (space-separated) is one row of `search_facet_values`, and
-- `search_facets` holds each search row's value as an integer, under the
-- same rowid as `search_rows`. Written by the import
-- (`write_search_facets` in src/db/import.rs).
--
-- Why: a one-character term matches every fifth row (峰 at 1000 times the
-- corpus: 48,000 matches). Read with their target and countries as text,
-- materialised and grouped twice, those matches took 25-45 ms of a
-- 55-110 ms search. Joined from the index to this narrow table (a few
-- bytes a row, all of it in cache) and grouped once by one integer, they
-- take about 13 ms, and the per-kind and per-country counts are summed
-- from the few dozen values in Rust (`search::facets::tally`).
--
-- The import also numbers `search_rows` records first, then paragraphs,
-- each in document order, the order candidates are ranked in: the first
-- 2,000 matches in rowid order are the candidates, and a term index
-- lookup yields them in that order, without sorting every match.
DROP TABLE search_facets;
CREATE TABLE search_facet_values (
    id        INTEGER PRIMARY KEY,
    target    TEXT NOT NULL,
    countries TEXT NOT NULL,
    UNIQUE (target, countries)
);
CREATE TABLE search_facets (
    id    INTEGER PRIMARY KEY,
    facet INTEGER NOT NULL REFERENCES search_facet_values(id)
);

-- A database imported before this change has neither filled: forgetting
-- the data version makes the next import write them.
DELETE FROM meta WHERE key = 'data_version';
