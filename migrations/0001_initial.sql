-- summitkb schema. The importer replaces all content rows in one transaction;
-- `meta.data_version` records which seeds the content came from.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    subtitle     TEXT,
    title_en     TEXT,
    publisher    TEXT NOT NULL,
    publisher_en TEXT,
    published    TEXT NOT NULL,
    url          TEXT,
    language     TEXT NOT NULL,
    sha256       TEXT NOT NULL
);

-- The source as published, block by block. Body paragraphs carry their
-- permanent number `n`; titles, headings and datelines carry none.
CREATE TABLE source_blocks (
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('title', 'subtitle', 'heading', 'paragraph', 'dateline')),
    n         INTEGER,
    text      TEXT NOT NULL,
    PRIMARY KEY (source_id, position),
    UNIQUE (source_id, n)
);

CREATE TABLE records (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    slug         TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    english      TEXT,
    english_note TEXT,
    summary      TEXT NOT NULL,
    position     INTEGER NOT NULL
);
CREATE INDEX records_kind ON records(kind, position);

-- Events a source reports on.
CREATE TABLE source_subjects (
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    PRIMARY KEY (source_id, record_id)
);

CREATE TABLE record_aliases (
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    alias     TEXT NOT NULL,
    PRIMARY KEY (record_id, position)
);

-- Kind-specific fields (sector, status, form, value, ...), named as in the
-- seed files; which fields a kind may have is defined in src/model.rs.
CREATE TABLE record_fields (
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (record_id, name)
);
CREATE INDEX record_fields_name ON record_fields(name, value);

CREATE TABLE record_links (
    from_id  INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    to_id    INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    role     TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (from_id, role, to_id)
);
CREATE INDEX record_links_to ON record_links(to_id);

CREATE TABLE citations (
    record_id  INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    source_id  INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    paragraph  INTEGER NOT NULL,
    span       TEXT NOT NULL,
    -- Offset of the span in the paragraph, in characters.
    span_start INTEGER NOT NULL,
    PRIMARY KEY (record_id, position)
);
CREATE INDEX citations_paragraph ON citations(source_id, paragraph);

-- One row per record and per paragraph, folded for matching (see
-- src/search). `target` is the record's kind or 'paragraph'; `ref_id` the
-- record id or the paragraph's source id, with `n` its number. `countries` holds the
-- slugs of the countries a record involves, space-separated, for facets;
-- `linked` the names of the records it links to (its countries, speaker,
-- parties), so that 铁路 吉尔吉斯斯坦 finds the railway through Kyrgyzstan.
CREATE VIRTUAL TABLE search_index USING fts5(
    target UNINDEXED,
    ref_id UNINDEXED,
    n UNINDEXED,
    countries UNINDEXED,
    names,
    pinyin,
    linked,
    body,
    tokenize = 'trigram'
);

-- Prefixes for suggestions while typing: every name of a record in folded,
-- pinyin and initials form.
CREATE TABLE suggest_labels (
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    label     TEXT NOT NULL,
    rank      INTEGER NOT NULL
);
CREATE INDEX suggest_labels_label ON suggest_labels(label);
