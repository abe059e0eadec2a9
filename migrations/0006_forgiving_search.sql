-- Search that forgives (issue 19).
--
-- An alias may say why it names its record when the source does not use it:
-- an official spelling (with the text that uses it), a transliteration, a
-- former name or an abbreviation, with a note. Plain aliases leave these NULL.
ALTER TABLE record_aliases ADD COLUMN basis TEXT
    CHECK (basis IN ('official', 'transliteration', 'former', 'abbreviation'));
ALTER TABLE record_aliases ADD COLUMN note TEXT;
ALTER TABLE record_aliases ADD COLUMN ref_publisher TEXT;
ALTER TABLE record_aliases ADD COLUMN ref_title TEXT;
ALTER TABLE record_aliases ADD COLUMN ref_date TEXT;
ALTER TABLE record_aliases ADD COLUMN ref_url TEXT;

-- Curated equivalences from seeds/synonyms.toml. `folded` is the term as
-- search folds a query (terms joined by one space), looked up per query.
CREATE TABLE synonym_groups (
    id   INTEGER PRIMARY KEY,
    note TEXT NOT NULL
);
CREATE TABLE synonym_terms (
    group_id INTEGER NOT NULL REFERENCES synonym_groups(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    term     TEXT NOT NULL,
    folded   TEXT NOT NULL,
    PRIMARY KEY (group_id, position)
);
CREATE INDEX synonym_terms_folded ON synonym_terms(folded);

-- The Latin words of every record's names, their pinyin and the names they
-- link to, folded: the vocabulary a misspelt word is corrected against
-- (src/search/fuzzy.rs). `len` is its length in characters.
CREATE TABLE search_words (
    word TEXT PRIMARY KEY NOT NULL,
    len  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX search_words_len ON search_words(len);
