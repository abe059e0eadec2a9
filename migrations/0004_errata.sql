-- Errata: misprints in a source as published, with their intended readings,
-- from the source manifest. The text in source_blocks stays as published (a
-- citation quotes the misprint); pages show each reading beside the words.
-- `block_position` is the source_blocks.position of the paragraph or heading,
-- `char_offset` where the published words start in its text, in characters.
CREATE TABLE source_errata (
    source_id      INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    block_position INTEGER NOT NULL,
    line           INTEGER NOT NULL,
    char_offset    INTEGER NOT NULL,
    published      TEXT NOT NULL,
    reading        TEXT NOT NULL,
    note           TEXT,
    PRIMARY KEY (source_id, position),
    FOREIGN KEY (source_id, block_position) REFERENCES source_blocks(source_id, position) ON DELETE CASCADE
);
