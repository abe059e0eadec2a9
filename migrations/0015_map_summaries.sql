-- What the map (and the home page, which shows it) counts over every
-- outcome, written by the import (`write_map_summaries` in
-- src/db/import.rs) from the records and links it has just written.
--
-- Why: counted when asked, the map read every outcome's links at every
-- render. At 1000 times the real corpus (64,000 outcomes, 99,000 project
-- links) that took over 10 s, so the map and the home page timed out.
-- The corpus only changes at import; counting then makes the map read a
-- row per country and the at most 22 projects it draws and lists.

-- Which outcome (agreement, project, initiative) names which country as
-- its own: a party, or a country involved.
CREATE TABLE map_members (
    country_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    outcome_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    PRIMARY KEY (country_id, outcome_id)
) WITHOUT ROWID;

-- Per country: its outcomes; those not shared by every country (fewer
-- countries than the widest outcome); the outcomes that only mention it;
-- how many of its outcomes have a status, and their kinds.
CREATE TABLE map_country_counts (
    country_id   INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    outcomes     INTEGER NOT NULL,
    specific     INTEGER NOT NULL,
    mentions     INTEGER NOT NULL,
    latest_total INTEGER NOT NULL,
    -- Space-separated kinds.
    latest_kinds TEXT NOT NULL
);

-- How many outcomes name every country any outcome names, and how many
-- countries that is. One row.
CREATE TABLE map_region (
    id        INTEGER PRIMARY KEY CHECK (id = 0),
    outcomes  INTEGER NOT NULL,
    countries INTEGER NOT NULL
);

-- Each project with the number of its countries the map can draw (a
-- country with a shape and a capital): 1 is a dot, a few are a route,
-- more are region-wide.
CREATE TABLE map_projects (
    project_id INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    drawn      INTEGER NOT NULL
);
CREATE INDEX map_projects_drawn ON map_projects(drawn, position);

-- The latest status statement of each of a country's outcomes, in the
-- order the map lists them: most recent first.
CREATE TABLE map_latest (
    country_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    outcome_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    date       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (country_id, outcome_id)
) WITHOUT ROWID;
CREATE INDEX map_latest_order ON map_latest(country_id, date DESC, position);

-- A database imported before these tables existed has them empty:
-- forgetting the data version makes the next import write them.
DELETE FROM meta WHERE key = 'data_version';
