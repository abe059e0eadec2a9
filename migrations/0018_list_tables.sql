-- A kind's list page, grouped, sorted and cut into pages in SQL over two
-- narrow tables the import writes (`write_list_tables` in
-- src/db/import.rs) from the definitions in src/lists.rs.
--
-- Why: to show one page of 50 the list read every record of the kind
-- with all its fields and links (116,000 link rows for /projects at 1000
-- times the corpus) and grouped and sorted them in Rust: 370 ms. Gathered
-- from the records' own tables at each request it was still 220 ms, most
-- of it seeks into wide tables; these rows are a few bytes each, stored
-- in the order a list reads them.

-- Every record of a kind under each grouping its list offers
-- (`lists::groupings`): `none` (one group, `''`), a field (its value, or
-- `lists::OTHER` without one), `country` (one entry per country the
-- record belongs to, `''` for none). `first` orders the groups by their
-- first entry in the sources' order: the record's position under a field,
-- (position << 20) + the link's position under a country and the maximum
-- for `''`, 0 under `none` (one group).
CREATE TABLE list_entries (
    kind      TEXT NOT NULL,
    grouping  TEXT NOT NULL,
    g         TEXT NOT NULL,
    first     INTEGER NOT NULL,
    position  INTEGER NOT NULL,
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    PRIMARY KEY (kind, grouping, g, position, record_id)
) WITHOUT ROWID;

-- What a list sorts by when it is sorted by a column of linked records
-- (an agreement's parties, a project's countries, a quote's speaker): how
-- many records the cell holds, as three digits, then their titles in link
-- order joined by 、, so that more countries sort as "wider" and ties
-- read by name. A record with an empty cell has no row, and sorts last.
CREATE TABLE list_keys (
    -- `lists::Column::key`: a link role, or `mentioned`.
    col       TEXT NOT NULL,
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    sort_key  TEXT NOT NULL,
    PRIMARY KEY (col, record_id)
) WITHOUT ROWID;

-- A database imported before these tables existed has them empty:
-- forgetting the data version makes the next import write everything.
DELETE FROM meta WHERE key = 'data_version';
