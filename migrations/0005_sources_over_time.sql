-- Sources over time (issue 15): a record's status as dated statements, and
-- the fields on which two sources disagree.
--
-- Each row rests on one of the record's citations, named by its position in
-- `citations`; the citation names the source, whose publisher and date the
-- pages show beside the words.

-- A record's status over time, oldest first (`position` orders it). `date`
-- is the cited source's publication day ('published') or a date the cited
-- span states ('stated'). The latest statement's status is also the
-- record's `status` in record_fields, which lists and search read.
CREATE TABLE record_status (
    record_id           INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    position            INTEGER NOT NULL,
    status              TEXT NOT NULL,
    date                TEXT NOT NULL,
    date_basis          TEXT NOT NULL CHECK (date_basis IN ('published', 'stated')),
    citation_position   INTEGER NOT NULL,
    PRIMARY KEY (record_id, position),
    FOREIGN KEY (record_id, citation_position) REFERENCES citations(record_id, position) ON DELETE CASCADE
);

-- Two sources giving one field different values: both kept, each with the
-- citation it rests on, never merged.
CREATE TABLE record_disagreements (
    record_id                INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    position                 INTEGER NOT NULL,
    field                    TEXT NOT NULL,
    value                    TEXT NOT NULL,
    citation_position        INTEGER NOT NULL,
    other_value              TEXT NOT NULL,
    other_citation_position  INTEGER NOT NULL,
    PRIMARY KEY (record_id, position),
    FOREIGN KEY (record_id, citation_position) REFERENCES citations(record_id, position) ON DELETE CASCADE,
    FOREIGN KEY (record_id, other_citation_position) REFERENCES citations(record_id, position) ON DELETE CASCADE
);

-- An outcome that is a promise: who committed as the cited words say it
-- (`said_by`: 习近平主席, 中方, 各方), the verb as said, and a deadline where
-- the source gives one ('stated' in the span, or 'derived' with its
-- derivation). `citation_position` is the citation holding both words.
CREATE TABLE record_commitments (
    record_id          INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    said_by            TEXT NOT NULL,
    verb               TEXT NOT NULL,
    citation_position  INTEGER NOT NULL,
    deadline           TEXT,
    deadline_basis     TEXT CHECK (deadline_basis IN ('stated', 'derived')),
    derivation         TEXT,
    FOREIGN KEY (record_id, citation_position) REFERENCES citations(record_id, position) ON DELETE CASCADE
);

-- The records `said_by` names, where it names one (中方: china).
CREATE TABLE commitment_parties (
    record_id  INTEGER NOT NULL REFERENCES record_commitments(record_id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    party_id   INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    PRIMARY KEY (record_id, position)
);
