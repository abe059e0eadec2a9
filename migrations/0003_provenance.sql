-- Provenance for what a record says beyond its citations (issue 13).
--
-- `english_basis` says whether a record's English name is quoted from an
-- official English text ('official', named by the english_ref_* columns) or
-- is our own rendering ('translation', no reference). It is set exactly when
-- `english` is; the loader enforces that, the CHECKs keep the values honest.
ALTER TABLE records ADD COLUMN english_basis TEXT
    CHECK (english_basis IN ('official', 'translation'));
ALTER TABLE records ADD COLUMN english_ref_publisher TEXT;
ALTER TABLE records ADD COLUMN english_ref_title TEXT;
ALTER TABLE records ADD COLUMN english_ref_date TEXT;
ALTER TABLE records ADD COLUMN english_ref_url TEXT;

-- Editorial notes: facts from outside the sources (the summit's day, from
-- Xinhua's English report), each with its reference. Kept out of `citations`
-- on purpose: a citation is the source's own words, these are not.
CREATE TABLE record_editorial (
    record_id     INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    text          TEXT NOT NULL,
    text_en       TEXT,
    ref_publisher TEXT NOT NULL,
    ref_title     TEXT NOT NULL,
    ref_date      TEXT NOT NULL,
    ref_url       TEXT,
    PRIMARY KEY (record_id, position)
);
