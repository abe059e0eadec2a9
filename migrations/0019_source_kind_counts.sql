-- How many records of each kind each source's citations hold, written by
-- the import (`write_page_summaries` in src/db/import.rs): what the
-- scope a page states ("from N sources", each shown source's counts) is
-- read from.
--
-- Why: counted when asked, "how many sources have records of this kind"
-- looked through every source's citations at each render (27 ms of a kind
-- list at 1000 times the corpus, and of the home page).
CREATE TABLE source_kind_counts (
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    count     INTEGER NOT NULL CHECK (count > 0),
    PRIMARY KEY (source_id, kind)
) WITHOUT ROWID;
CREATE INDEX source_kind_counts_kind ON source_kind_counts(kind, source_id);

-- A database imported before this table existed has it empty: forgetting
-- the data version makes the next import write it.
DELETE FROM meta WHERE key = 'data_version';
