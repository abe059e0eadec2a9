-- Where each dated record stands on the timeline, written by the import
-- (`write_timeline_keys` in src/db/import.rs) from its `date` and
-- `date_basis` fields with the same date parsing the pages use.
--
-- Why: to show one page of 50 the timeline read every dated record and
-- sorted them by date in Rust (21,000 at 1000 times the corpus: 220 ms).
-- With the key written once, a page is an index range and the counts
-- per year a scan of this narrow table.
CREATE TABLE timeline_keys (
    record_id INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    -- `DateSpan::sort_key` of the record's date.
    sort_key  TEXT NOT NULL,
    -- The year the date starts in.
    year      INTEGER NOT NULL,
    stated    INTEGER NOT NULL CHECK (stated IN (0, 1)),
    position  INTEGER NOT NULL
);
CREATE INDEX timeline_keys_order ON timeline_keys(sort_key, position);

-- A database imported before this table existed has it empty: forgetting
-- the data version makes the next import write it.
DELETE FROM meta WHERE key = 'data_version';
