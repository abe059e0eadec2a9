-- The records that link to each country, once each whatever the roles,
-- by kind in the sources' order, written by the import
-- (`write_page_summaries` in src/db/import.rs): what a country's page
-- counts per kind and shows the first of.
--
-- Why: a country is the target of tens of thousands of links as summits
-- accumulate (Kazakhstan: 52,000 at 1000 times the corpus). Read from the
-- links at each render, with every linking record's row, its page took
-- 140-180 ms; counted and cut on this narrow table it reads a few
-- hundred rows.
CREATE TABLE country_backlinks (
    country_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    record_id  INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    PRIMARY KEY (country_id, kind, position, record_id)
) WITHOUT ROWID;

-- A database imported before this table existed has it empty: forgetting
-- the data version makes the next import write it.
DELETE FROM meta WHERE key = 'data_version';
