-- The search index's rows move to a plain table, `search_rows`, and the
-- trigram index becomes an external-content FTS5 table over it (same
-- rowid, same column names, so every MATCH reads as before).
--
-- Why: ranking reads up to 2,000 candidates a query by rowid. From the
-- FTS5 table each is a lookup in its hidden content table through the
-- virtual-table interface; from a plain table it is a b-tree seek
-- (峰 at 100x: the candidates' read fell from 19 ms to under 2 ms).
-- The import fills the plain table row by row and then builds the index
-- in one 'rebuild', instead of one FTS5 segment per insert statement.
--
-- `about` and `cited` are what ranking asks of every candidate record
-- (is it a subject of a source; how many distinct paragraphs cite it),
-- written once by the import instead of two subqueries per candidate.
DROP TABLE search_index;
CREATE TABLE search_rows (
    id        INTEGER PRIMARY KEY,
    -- A record's kind, or 'paragraph'.
    target    TEXT NOT NULL,
    -- The record's id, or the paragraph's source id with `n` its number.
    ref_id    INTEGER NOT NULL,
    n         INTEGER,
    -- The slugs of the countries a record involves, space-separated.
    countries TEXT NOT NULL,
    about     INTEGER NOT NULL DEFAULT 0 CHECK (about IN (0, 1)),
    cited     INTEGER,
    names     TEXT NOT NULL,
    pinyin    TEXT NOT NULL,
    linked    TEXT NOT NULL,
    body      TEXT NOT NULL
);
CREATE VIRTUAL TABLE search_index USING fts5(
    target UNINDEXED,
    ref_id UNINDEXED,
    n UNINDEXED,
    countries UNINDEXED,
    names,
    pinyin,
    linked,
    body,
    content = 'search_rows',
    content_rowid = 'id',
    tokenize = 'trigram'
);

-- Each row's countries one per line, for the country facets of a search:
-- joined to the matches by rowid, where splitting every match's
-- `countries` with json_each took most of the statement (峰 at 100x:
-- 8 of 15 ms in SQLite).
CREATE TABLE search_countries (
    id      INTEGER NOT NULL,
    country TEXT NOT NULL,
    PRIMARY KEY (id, country)
) WITHOUT ROWID;

-- The rows the term index and the facets held are gone with the old
-- table: empty them, and forget the data version so that the next import
-- (at start-up) writes everything again.
INSERT INTO search_terms (search_terms) VALUES ('delete-all');
DELETE FROM search_facets;
DELETE FROM meta WHERE key = 'data_version';
